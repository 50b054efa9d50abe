//! `Notify` and `RemoteNotify`: traces of the wake order, permits, cancellation of a waiter
//! (unregistered, its wake-up passed on), randomized interleavings that lose no wake-up, and
//! wake-ups from another thread through the poller.

mod common;

use common::Log;
use corogen::exec::{self, Cancelled, Notify, Reply, SysCall, TaskEnded, sys};
use corogen::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};

#[generator(yield = SysCall, send = Reply)]
fn waiter(n: Notify, log: Log, name: &'static str) {
    log.push(format!("{name} waits"));
    yield_from!(sys::notified(&n));
    log.push(format!("{name} woken"));
}

#[test]
fn notify_one_wakes_the_longest_waiting_and_notify_all_the_rest_in_order() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) {
        let n = Notify::new();
        let mut tasks = Vec::new();
        for name in ["a", "b", "c"] {
            tasks.push(yield_from!(sys::spawn(waiter(
                n.clone(),
                log.clone(),
                name
            ))));
        }
        yield_from!(sys::pause());
        log.push(format!("{} wait", n.waiters()));
        n.notify_one();
        log.push("notify_one: the notifier runs on".to_owned());
        yield_from!(sys::pause());
        n.notify_all();
        log.push("notify_all".to_owned());
        for t in tasks {
            yield_from!(sys::wait(t)).unwrap();
        }
        log.push(format!("permit left: {}", n.has_permit()));
    }
    let log = Log::default();
    exec::run(main_task(log.clone())).unwrap();
    assert_eq!(
        log.take(),
        [
            "a waits",
            "b waits",
            "c waits",
            "3 wait",
            "notify_one: the notifier runs on",
            "a woken",
            "notify_all",
            "b woken",
            "c woken",
            "permit left: false",
        ]
    );
}

#[test]
fn notify_one_with_no_waiter_stores_one_permit_only() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) {
        let n = Notify::new();
        n.notify_one();
        n.notify_one(); // still one permit
        n.notify_all(); // stores nothing
        yield_from!(sys::notified(&n));
        log.push("took the permit");
        let second = yield_from!(sys::spawn(waiter(n.clone(), log.clone(), "second")));
        yield_from!(sys::pause());
        yield_from!(sys::pause());
        log.push(format!("{} parked", n.waiters()));
        n.notify_one();
        yield_from!(sys::wait(second)).unwrap();
    }
    let log = Log::default();
    exec::run(main_task(log.clone())).unwrap();
    assert_eq!(
        log.take(),
        [
            "took the permit",
            "second waits",
            "1 parked",
            "second woken"
        ]
    );
}

#[test]
fn a_waiter_left_waiting_is_stuck_not_frozen() {
    #[generator(yield = SysCall, send = Reply)]
    fn forgotten() {
        yield_from!(sys::notified(&Notify::new()));
    }
    assert_eq!(exec::run(forgotten()), Err(TaskEnded::Stuck));
}

#[test]
fn a_cancelled_waiter_leaves_the_list_and_its_cleanup_makes_system_calls() {
    #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
    fn careful(n: Notify, log: Log) {
        let _g = log.guard("careful's local");
        match try_yield_from!(sys::notified(&n)) {
            Ok(()) => log.push("woken"),
            Err(e) => {
                log.push(format!("cleanup after {e:?}"));
                yield_from!(sys::pause());
                log.push("cleanup paused once");
                raise_!(e);
            }
        }
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Result<(), TaskEnded> {
        let n = Notify::new();
        let child = yield_from!(sys::spawn(careful(n.clone(), log.clone())));
        yield_from!(sys::pause());
        log.push(format!("{} waits", n.waiters()));
        yield_from!(sys::cancel(child.id()))?;
        log.push(format!("{} waits after the cancel", n.waiters()));
        let how = yield_from!(sys::wait(child));
        log.push(format!("child: {how:?}"));
        n.notify_one(); // no one waits: a permit, not a wake-up of the cancelled task
        log.push(format!("permit: {}", n.has_permit()));
        Ok(())
    }
    let log = Log::default();
    exec::run(main_task(log.clone())).unwrap().unwrap();
    assert_eq!(
        log.take(),
        [
            "1 waits",
            "cleanup after Throw(Cancelled)",
            "0 waits after the cancel",
            "cleanup paused once",
            "drop careful's local",
            "child: Err(Cancelled)",
            "permit: true",
        ]
    );
}

#[test]
fn a_wake_up_given_to_a_task_cancelled_before_it_runs_passes_to_the_next_waiter() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log, hard: bool) {
        let n = Notify::new();
        let a = yield_from!(sys::spawn(waiter(n.clone(), log.clone(), "a")));
        let b = yield_from!(sys::spawn(waiter(n.clone(), log.clone(), "b")));
        yield_from!(sys::pause());
        n.notify_one(); // chooses a
        match hard {
            true => yield_from!(sys::kill(a.id())).unwrap(),
            false => yield_from!(sys::cancel(a.id())).unwrap(),
        }
        log.push(format!("a: {:?}", yield_from!(sys::wait(a))));
        yield_from!(sys::wait(b)).unwrap();
        log.push(format!("permit: {}", n.has_permit()));
    }
    for (hard, how) in [(true, "Killed"), (false, "Cancelled")] {
        let log = Log::default();
        exec::run(main_task(log.clone(), hard)).unwrap();
        let a_ended = format!("a: Err({how})");
        let trace = ["a waits", "b waits", &a_ended, "b woken", "permit: false"];
        assert_eq!(log.take(), trace);
    }
}

/// A small deterministic PRNG (xorshift64*), seeded by each test.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

#[generator(yield = SysCall, send = Reply)]
fn pauses(count: u64) {
    for _ in 0..count {
        yield_from!(sys::pause());
    }
}

/// Consumers take items as producers make them, each item announced by one `notify_one`,
/// every step separated by a random number of pauses; with a wake-up lost, a consumer would
/// park for good and the run would end with the items not all taken.
#[test]
fn randomized_interleavings_lose_no_wake_up() {
    #[generator(yield = SysCall, send = Reply)]
    fn producer(n: Notify, items: Rc<Cell<u32>>, count: u32, seed: u64) {
        let mut rng = Rng(seed);
        for _ in 0..count {
            yield_from!(sys::call(pauses(rng.below(4))));
            items.set(items.get() + 1);
            match rng.below(3) {
                0 => n.notify_all(),
                _ => n.notify_one(),
            }
        }
    }
    #[generator(yield = SysCall, send = Reply)]
    fn consumer(n: Notify, items: Rc<Cell<u32>>, want: u32, seed: u64) -> u32 {
        let mut rng = Rng(seed);
        let mut wake_ups = 0;
        for _ in 0..want {
            while items.get() == 0 {
                yield_from!(sys::notified(&n));
                wake_ups += 1;
            }
            items.set(items.get() - 1);
            yield_from!(sys::call(pauses(rng.below(3))));
        }
        wake_ups
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(seed: u64) -> (u32, u32) {
        let (n, items) = (Notify::new(), Rc::new(Cell::new(0)));
        let mut rng = Rng(seed);
        let mut consumers = Vec::new();
        for _ in 0..4 {
            let task = consumer(n.clone(), Rc::clone(&items), 15, rng.below(u64::MAX) | 1);
            consumers.push(yield_from!(sys::spawn(task)));
        }
        for _ in 0..3 {
            let task = producer(n.clone(), Rc::clone(&items), 20, rng.below(u64::MAX) | 1);
            yield_from!(sys::spawn(task));
        }
        let mut woken = 0;
        for c in consumers {
            woken += yield_from!(sys::wait(c)).expect("every consumer got its items");
        }
        (woken, items.get())
    }
    for seed in 1..=200 {
        let (wake_ups, left) = exec::run(main_task(seed * 0x9e37_79b9)).unwrap();
        assert_eq!(left, 0, "seed {seed}: 60 items made, 60 taken");
        assert!(wake_ups > 0, "seed {seed}: consumers did park");
    }
}

#[test]
fn another_thread_wakes_a_parked_task_through_the_poller() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(rounds: usize) -> usize {
        let n = Notify::new();
        let remote = n.remote();
        let done = Arc::new(AtomicUsize::new(0));
        let (go, went) = mpsc::channel::<()>();
        let worker = {
            let done = Arc::clone(&done);
            std::thread::spawn(move || {
                for _ in 0..rounds {
                    went.recv().unwrap();
                    done.fetch_add(1, Ordering::SeqCst);
                    remote.notify_one();
                }
            })
        };
        let mut seen = 0;
        for round in 1..=rounds {
            go.send(()).unwrap();
            // The thread may notify before this task parks (a permit) or after (a wake-up).
            while done.load(Ordering::SeqCst) < round {
                yield_from!(sys::notified(&n));
            }
            seen += 1;
        }
        worker.join().unwrap();
        seen
    }
    assert_eq!(exec::run(main_task(200)), Ok(200));
}

#[test]
fn remote_notify_all_wakes_every_waiter() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) {
        let n = Notify::new();
        let remote = n.remote();
        let a = yield_from!(sys::spawn(waiter(n.clone(), log.clone(), "a")));
        let b = yield_from!(sys::spawn(waiter(n.clone(), log.clone(), "b")));
        yield_from!(sys::pause());
        std::thread::spawn(move || remote.notify_all())
            .join()
            .unwrap();
        yield_from!(sys::wait(a)).unwrap();
        yield_from!(sys::wait(b)).unwrap();
    }
    let log = Log::default();
    exec::run(main_task(log.clone())).unwrap();
    assert_eq!(log.take(), ["a waits", "b waits", "a woken", "b woken"]);
}

#[test]
fn a_cancelled_remote_waiter_no_longer_keeps_the_scheduler_waiting() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Result<(), TaskEnded> {
        let n = Notify::new();
        let _remote = n.remote(); // never used: nothing will wake the waiter
        let w = yield_from!(sys::spawn(waiter(n.clone(), log.clone(), "w")));
        yield_from!(sys::pause());
        yield_from!(sys::cancel(w.id()))?;
        log.push(format!("w: {:?}", yield_from!(sys::wait(w))));
        Ok(())
    }
    let log = Log::default();
    exec::run(main_task(log.clone())).unwrap().unwrap();
    assert_eq!(log.take(), ["w waits", "w: Err(Cancelled)"]);
}

/// Rounds of a `notify_one` to a random number of parked tasks, a random subset of which is
/// then cancelled or killed before any of them runs (the longest waiter, which `notify_one`
/// chose, among them half the time): exactly one task that was not cancelled is woken, or, if
/// all were, a permit is stored. A wake-up given to a cancelled task and not passed on would
/// leave the round with no one woken.
#[test]
fn randomized_cancellations_of_waiters_lose_no_wake_up() {
    #[generator(yield = SysCall, send = Reply)]
    fn waiter(n: Notify, woken: Rc<Cell<u32>>) {
        yield_from!(sys::notified(&n));
        woken.set(woken.get() + 1);
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(seed: u64) {
        let mut rng = Rng(seed);
        let (n, woken) = (Notify::new(), Rc::new(Cell::new(0)));
        for round in 0..50 {
            let mut parked = Vec::new();
            for _ in 0..1 + rng.below(5) {
                parked.push(yield_from!(sys::spawn(waiter(
                    n.clone(),
                    Rc::clone(&woken)
                ))));
            }
            assert_eq!(n.waiters(), parked.len());
            n.notify_one(); // chooses parked[0]
            let mut left = 0;
            for task in &parked {
                match rng.below(3) {
                    0 => assert!(task.cancel()),
                    1 => yield_from!(sys::kill(task.id())).unwrap(),
                    _ => left += 1,
                }
            }
            yield_from!(sys::pause());
            yield_from!(sys::pause());
            match left {
                0 => assert!(n.has_permit(), "seed {seed} round {round}: the permit"),
                _ => assert_eq!(woken.replace(0), 1, "seed {seed} round {round}: one woken"),
            }
            // Start the next round afresh: no permit, no one parked.
            if n.has_permit() {
                yield_from!(sys::notified(&n));
            }
            for task in parked {
                let _ = yield_from!(sys::kill(task.id()));
            }
        }
    }
    for seed in 1..=100 {
        exec::run(main_task(seed * 0x2545_f491)).unwrap();
    }
}

#[test]
fn a_notify_that_outlives_a_stuck_scheduler_forgets_its_tasks() {
    #[generator(yield = SysCall, send = Reply)]
    fn parked(n: Notify) {
        yield_from!(sys::notified(&n));
    }
    let n = Notify::new();
    assert_eq!(exec::run(parked(n.clone())), Err(TaskEnded::Stuck));
    assert_eq!(n.waiters(), 0);
    n.notify_one();
    assert!(n.has_permit(), "no stale waiter took the wake-up");
}
