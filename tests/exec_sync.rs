//! `exec::sync`: the wake order of every primitive, traced; waits that are cancelled (the task
//! killed, or a cancellation thrown in) leave their wait list, pass a turn they had been given
//! on, and drop what they held exactly once; a queue between 100 producers and 100 consumers;
//! `task_done` / `join`.

mod common;

use common::Log;
use corogen::exec::sync::{
    Barrier, BrokenBarrier, Condition, Event, Lock, Queue, QueueEmpty, QueueFull, Semaphore,
    TaskDoneTooOften,
};
use corogen::exec::{self, Reply, SysCall, TaskEnded, sys};
use corogen::prelude::*;

/// Runs `main` as the first task and checks that it returned.
fn run<G>(main: G) -> G::Return
where
    G: corogen::exec::sys::Coroutine,
{
    exec::run(main).expect("the main task returned")
}

#[generator(yield = SysCall, send = Reply)]
fn pauses(n: u32) {
    for _ in 0..n {
        yield_from!(sys::pause());
    }
}

// ---------------------------------------------------------------------------------------
// Lock

#[generator(yield = SysCall, send = Reply)]
fn holder(lock: Lock, log: Log, name: &'static str, turns: u32) {
    let _drop = log.guard(name);
    log.push(format!("{name} asks"));
    let _guard = yield_from!(lock.lock());
    log.push(format!("{name} holds"));
    yield_from!(pauses(turns));
    log.push(format!("{name} releases"));
}

#[test]
fn a_lock_goes_to_its_waiters_in_order_and_a_newcomer_queues_behind_a_woken_waiter() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) {
        let lock = Lock::new();
        let a = yield_from!(sys::spawn(holder(lock.clone(), log.clone(), "a", 2)));
        let b = yield_from!(sys::spawn(holder(lock.clone(), log.clone(), "b", 0)));
        // a releases on its third turn, right before c asks: c finds the lock free, but b
        // was woken first, so c queues behind it.
        let c = yield_from!(sys::spawn(holder(lock.clone(), log.clone(), "c", 0)));
        for task in [a, b, c] {
            yield_from!(sys::wait(task)).unwrap();
        }
        assert!(!lock.locked());
        assert_eq!(lock.waiters(), 0);
    }
    let log = Log::default();
    run(main_task(log.clone()));
    assert_eq!(
        log.take(),
        [
            "a asks",
            "a holds",
            "b asks",
            "a releases",
            "drop a",
            "c asks",
            "b holds",
            "b releases",
            "drop b",
            "c holds",
            "c releases",
            "drop c",
        ]
    );
}

#[test]
fn a_killed_lock_waiter_leaves_the_queue_and_a_killed_woken_one_passes_the_lock_on() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Vec<bool> {
        let lock = Lock::new();
        let guard = yield_from!(lock.lock());
        let a = yield_from!(sys::spawn(holder(lock.clone(), log.clone(), "a", 0)));
        let b = yield_from!(sys::spawn(holder(lock.clone(), log.clone(), "b", 0)));
        let c = yield_from!(sys::spawn(holder(lock.clone(), log.clone(), "c", 0)));
        assert_eq!(lock.waiters(), 3);
        // a waits: killed, it leaves the queue.
        yield_from!(sys::kill(a.id())).unwrap();
        assert_eq!(lock.waiters(), 2);
        // b is woken by the release, and killed before it runs: c gets the lock.
        drop(guard);
        yield_from!(sys::kill(b.id())).unwrap();
        yield_from!(sys::wait(c)).unwrap();
        let ended = [
            yield_from!(sys::wait(a)) == Err(TaskEnded::Killed),
            yield_from!(sys::wait(b)) == Err(TaskEnded::Killed),
        ];
        // Nothing is left waiting: the lock is free for the next one at once.
        let again = lock.try_lock().is_some();
        vec![ended[0], ended[1], again]
    }
    let log = Log::default();
    assert_eq!(run(main_task(log.clone())), [true, true, true]);
    assert_eq!(
        log.take(),
        [
            "a asks",
            "b asks",
            "c asks",
            "drop a",
            "drop b",
            "c holds",
            "c releases",
            "drop c",
        ]
    );
}

#[test]
fn a_lock_wait_in_a_task_that_catches_its_cancellation_cleans_up_with_system_calls() {
    #[generator(yield = SysCall, send = Reply, throw = exec::Cancelled)]
    fn careful(lock: Lock, log: Log) -> &'static str {
        let _drop = log.guard("careful");
        match try_yield_from!(lock.lock()) {
            Ok(_guard) => "locked",
            Err(_) => {
                yield_from!(sys::pause()); // cleanup that makes a system call
                log.push("careful cleaned up");
                "cancelled"
            }
        }
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Result<&'static str, TaskEnded> {
        let lock = Lock::new();
        let guard = yield_from!(lock.lock());
        let task = yield_from!(sys::spawn(careful(lock.clone(), log.clone())));
        let later = yield_from!(sys::spawn(holder(lock.clone(), log.clone(), "later", 0)));
        yield_from!(sys::cancel(task.id())).unwrap();
        drop(guard); // the cancelled waiter is gone: "later" gets the lock
        let outcome = yield_from!(sys::wait(task));
        yield_from!(sys::wait(later)).unwrap();
        outcome
    }
    let log = Log::default();
    assert_eq!(run(main_task(log.clone())), Ok("cancelled"));
    let trace = log.take();
    assert_eq!(trace.iter().filter(|e| *e == "drop careful").count(), 1);
    assert!(trace.contains(&"later holds".to_owned()));
    assert!(trace.contains(&"careful cleaned up".to_owned()));
}

// ---------------------------------------------------------------------------------------
// Semaphore

#[generator(yield = SysCall, send = Reply)]
fn user(sem: Semaphore, log: Log, name: &'static str, turns: u32) {
    let _drop = log.guard(name);
    log.push(format!("{name} asks"));
    let _permit = yield_from!(sem.acquire());
    log.push(format!("{name} in"));
    yield_from!(pauses(turns));
    log.push(format!("{name} out"));
}

#[test]
fn semaphore_permits_are_handed_to_waiters_in_order_and_a_newcomer_queues_behind() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) {
        let sem = Semaphore::new(2);
        let first = yield_from!(sem.acquire());
        let second = yield_from!(sem.acquire());
        let mut tasks = Vec::new();
        for name in ["a", "b", "c"] {
            tasks.push(yield_from!(sys::spawn(user(
                sem.clone(),
                log.clone(),
                name,
                1
            ))));
        }
        drop(first); // handed to a
        assert_eq!((sem.available(), sem.locked()), (0, true));
        tasks.push(yield_from!(sys::spawn(user(
            sem.clone(),
            log.clone(),
            "d",
            1
        ))));
        drop(second); // handed to b
        for task in tasks {
            yield_from!(sys::wait(task)).unwrap();
        }
        assert_eq!((sem.available(), sem.waiters()), (2, 0));
    }
    let log = Log::default();
    run(main_task(log.clone()));
    let trace: Vec<String> = log
        .take()
        .into_iter()
        .filter(|e| !e.starts_with("drop"))
        .collect();
    assert_eq!(
        trace,
        [
            "a asks", "b asks", "c asks", "a in", "d asks", "a out", "b in", "c in", "b out",
            "c out", "d in", "d out",
        ]
    );
}

#[test]
fn a_killed_semaphore_waiter_passes_the_permit_it_was_handed_on() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) {
        let sem = Semaphore::new(1);
        let permit = yield_from!(sem.acquire());
        let a = yield_from!(sys::spawn(user(sem.clone(), log.clone(), "a", 0)));
        let b = yield_from!(sys::spawn(user(sem.clone(), log.clone(), "b", 0)));
        let c = yield_from!(sys::spawn(user(sem.clone(), log.clone(), "c", 0)));
        yield_from!(sys::kill(b.id())).unwrap(); // waiting: leaves the queue
        drop(permit); // handed to a
        yield_from!(sys::kill(a.id())).unwrap(); // before a runs: c's now
        yield_from!(sys::wait(c)).unwrap();
        assert_eq!((sem.available(), sem.waiters()), (1, 0));
    }
    let log = Log::default();
    run(main_task(log.clone()));
    assert_eq!(
        log.take(),
        [
            "a asks", "b asks", "c asks", "drop b", "drop a", "c in", "c out", "drop c"
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Event

#[generator(yield = SysCall, send = Reply)]
fn waiter(event: Event, log: Log, name: &'static str) {
    let _drop = log.guard(name);
    log.push(format!("{name} waits"));
    yield_from!(event.wait());
    log.push(format!("{name} woke up"));
}

#[test]
fn set_wakes_every_waiter_in_order_even_if_cleared_before_they_run() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) {
        let event = Event::new();
        let a = yield_from!(sys::spawn(waiter(event.clone(), log.clone(), "a")));
        let b = yield_from!(sys::spawn(waiter(event.clone(), log.clone(), "b")));
        log.push("set");
        event.set();
        event.set(); // no effect: set already
        event.clear(); // a and b were woken: they return all the same
        log.push("cleared");
        for task in [a, b] {
            yield_from!(sys::wait(task)).unwrap();
        }
        let late = yield_from!(sys::spawn(waiter(event.clone(), log.clone(), "late")));
        yield_from!(pauses(3));
        log.push(format!("late still waits: {}", event.waiters()));
        event.set();
        assert!(event.is_set());
        yield_from!(sys::wait(late)).unwrap();
        // Set: a wait returns at once.
        yield_from!(event.wait());
        log.push("main passed");
    }
    let log = Log::default();
    run(main_task(log.clone()));
    assert_eq!(
        log.take(),
        [
            "a waits",
            "b waits",
            "set",
            "cleared",
            "a woke up",
            "drop a",
            "b woke up",
            "drop b",
            "late waits",
            "late still waits: 1",
            "late woke up",
            "drop late",
            "main passed",
        ]
    );
}

#[test]
fn a_killed_event_waiter_leaves_the_list() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) {
        let event = Event::new();
        let a = yield_from!(sys::spawn(waiter(event.clone(), log.clone(), "a")));
        let b = yield_from!(sys::spawn(waiter(event.clone(), log.clone(), "b")));
        assert_eq!(event.waiters(), 2);
        yield_from!(sys::kill(a.id())).unwrap();
        assert_eq!(event.waiters(), 1);
        event.set();
        yield_from!(sys::wait(b)).unwrap();
    }
    let log = Log::default();
    run(main_task(log.clone()));
    assert_eq!(
        log.take(),
        ["a waits", "b waits", "drop a", "b woke up", "drop b"]
    );
}

// ---------------------------------------------------------------------------------------
// Condition

#[generator(yield = SysCall, send = Reply)]
fn cond_waiter(cond: Condition, log: Log, name: &'static str) {
    let _drop = log.guard(name);
    let guard = yield_from!(cond.lock());
    log.push(format!("{name} waits"));
    let _guard = yield_from!(cond.wait(guard));
    log.push(format!("{name} notified"));
}

#[test]
fn notify_wakes_the_longest_waiting_and_does_nothing_with_no_waiter() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) {
        let cond = Condition::new();
        {
            let _guard = yield_from!(cond.lock());
            cond.notify(1); // no one waits: nothing is kept
        }
        let mut tasks = Vec::new();
        for name in ["a", "b", "c"] {
            tasks.push(yield_from!(sys::spawn(cond_waiter(
                cond.clone(),
                log.clone(),
                name
            ))));
        }
        yield_from!(pauses(2));
        assert_eq!(cond.waiters(), 3, "the notify before they waited woke none");
        {
            let _guard = yield_from!(cond.lock());
            log.push("notify(2)");
            cond.notify(2);
            yield_from!(sys::pause()); // they wait for the lock meanwhile
            log.push("main releases");
        }
        yield_from!(pauses(2));
        {
            let _guard = yield_from!(cond.lock());
            log.push("notify_all");
            cond.notify_all();
        }
        for task in tasks {
            yield_from!(sys::wait(task)).unwrap();
        }
    }
    let log = Log::default();
    run(main_task(log.clone()));
    assert_eq!(
        log.take(),
        [
            "a waits",
            "b waits",
            "c waits",
            "notify(2)",
            "main releases",
            "a notified",
            "drop a",
            "b notified",
            "drop b",
            "notify_all",
            "c notified",
            "drop c",
        ]
    );
}

#[test]
fn wait_for_checks_its_predicate_after_each_notify() {
    #[generator(yield = SysCall, send = Reply)]
    fn consumer(cond: Condition, items: std::rc::Rc<std::cell::Cell<u32>>, log: Log, need: u32) {
        let guard = yield_from!(cond.lock());
        let _guard = yield_from!(cond.wait_for(guard, || items.get() >= need));
        log.push(format!("needing {need} sees {}", items.get()));
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) {
        let cond = Condition::new();
        let items = std::rc::Rc::new(std::cell::Cell::new(0));
        let a = yield_from!(sys::spawn(consumer(
            cond.clone(),
            items.clone(),
            log.clone(),
            1
        )));
        let b = yield_from!(sys::spawn(consumer(
            cond.clone(),
            items.clone(),
            log.clone(),
            3
        )));
        for _ in 0..3 {
            yield_from!(pauses(2));
            let _guard = yield_from!(cond.lock());
            items.set(items.get() + 1);
            log.push(format!("produced {}", items.get()));
            cond.notify_all();
        }
        yield_from!(sys::wait(a)).unwrap();
        yield_from!(sys::wait(b)).unwrap();
    }
    let log = Log::default();
    run(main_task(log.clone()));
    assert_eq!(
        log.take(),
        [
            "produced 1",
            "needing 1 sees 1",
            "produced 2",
            "produced 3",
            "needing 3 sees 3"
        ]
    );
}

#[test]
fn a_killed_condition_waiter_leaves_the_list_and_does_not_take_a_notify() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) {
        let cond = Condition::new();
        let a = yield_from!(sys::spawn(cond_waiter(cond.clone(), log.clone(), "a")));
        let b = yield_from!(sys::spawn(cond_waiter(cond.clone(), log.clone(), "b")));
        yield_from!(sys::kill(a.id())).unwrap();
        assert_eq!(cond.waiters(), 1);
        {
            let _guard = yield_from!(cond.lock());
            cond.notify(1); // b's, not the dead a's
        }
        yield_from!(sys::wait(b)).unwrap();
        assert!(!cond.locked());
    }
    let log = Log::default();
    run(main_task(log.clone()));
    assert_eq!(
        log.take(),
        ["a waits", "b waits", "drop a", "b notified", "drop b"]
    );
}

#[test]
#[should_panic(expected = "the lock is not held")]
fn notify_without_the_lock_is_a_programmer_error() {
    Condition::new().notify(1);
}

// ---------------------------------------------------------------------------------------
// Barrier

#[generator(yield = SysCall, send = Reply)]
fn party(
    barrier: Barrier,
    log: Log,
    name: &'static str,
    delay: u32,
) -> Result<usize, BrokenBarrier> {
    let _drop = log.guard(name);
    yield_from!(pauses(delay));
    log.push(format!("{name} arrives, {} waiting", barrier.n_waiting()));
    let index = yield_from!(barrier.wait())?;
    log.push(format!("{name} passes, index {index}"));
    Ok(index)
}

#[test]
fn the_last_party_passes_first_then_the_others_in_arrival_order_cycle_after_cycle() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) {
        let barrier = Barrier::new(3);
        assert_eq!(barrier.parties(), 3);
        for cycle in 0..2 {
            log.push(format!("cycle {cycle}"));
            let mut tasks = Vec::new();
            for (name, delay) in [("p0", 0), ("p1", 2), ("p2", 4)] {
                tasks.push(yield_from!(sys::spawn(party(
                    barrier.clone(),
                    log.clone(),
                    name,
                    delay
                ))));
            }
            for task in tasks {
                yield_from!(sys::wait(task)).unwrap().unwrap();
            }
            assert_eq!(barrier.n_waiting(), 0);
        }
    }
    let log = Log::default();
    run(main_task(log.clone()));
    let one_cycle = [
        "p0 arrives, 0 waiting",
        "p1 arrives, 1 waiting",
        "p2 arrives, 2 waiting",
        "p2 passes, index 2",
        "drop p2",
        "p0 passes, index 0",
        "drop p0",
        "p1 passes, index 1",
        "drop p1",
    ];
    let mut expected = vec!["cycle 0"];
    expected.extend(one_cycle);
    expected.push("cycle 1");
    expected.extend(one_cycle);
    assert_eq!(log.take(), expected);
}

#[test]
fn an_aborted_barrier_fails_its_parties_and_a_killed_party_leaves_the_count() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Vec<Result<usize, BrokenBarrier>> {
        let barrier = Barrier::new(3);
        let a = yield_from!(sys::spawn(party(barrier.clone(), log.clone(), "a", 0)));
        let b = yield_from!(sys::spawn(party(barrier.clone(), log.clone(), "b", 0)));
        assert_eq!(barrier.n_waiting(), 2);
        yield_from!(sys::kill(a.id())).unwrap();
        assert_eq!(barrier.n_waiting(), 1, "the killed party left the count");
        let c = yield_from!(sys::spawn(party(barrier.clone(), log.clone(), "c", 0)));
        assert_eq!(
            barrier.n_waiting(),
            2,
            "b and c: not released by a dead party"
        );
        barrier.abort();
        assert!(barrier.broken());
        let mut outcomes = vec![
            yield_from!(sys::wait(b)).unwrap(),
            yield_from!(sys::wait(c)).unwrap(),
        ];
        outcomes.push(yield_from!(barrier.wait()));
        barrier.reset();
        assert!(!barrier.broken());
        outcomes
    }
    let log = Log::default();
    let outcomes = run(main_task(log.clone()));
    assert_eq!(outcomes, [Err(BrokenBarrier); 3]);
    assert_eq!(
        log.take(),
        [
            "a arrives, 0 waiting",
            "b arrives, 1 waiting",
            "drop a",
            "c arrives, 1 waiting",
            "drop b",
            "drop c",
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Queue

#[generator(yield = SysCall, send = Reply)]
fn getter(queue: Queue<u32>, log: Log, name: &'static str) -> u32 {
    let _drop = log.guard(name);
    log.push(format!("{name} gets"));
    let item = yield_from!(queue.get());
    log.push(format!("{name} got {item}"));
    item
}

#[generator(yield = SysCall, send = Reply)]
fn putter(queue: Queue<u32>, log: Log, name: &'static str, item: u32) {
    let _drop = log.guard(name);
    log.push(format!("{name} puts {item}"));
    yield_from!(queue.put(item));
    log.push(format!("{name} put {item}"));
}

#[test]
fn getters_and_putters_are_woken_in_the_order_they_came() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) {
        let queue = Queue::bounded(1);
        let g1 = yield_from!(sys::spawn(getter(queue.clone(), log.clone(), "g1")));
        let g2 = yield_from!(sys::spawn(getter(queue.clone(), log.clone(), "g2")));
        queue.put_nowait(1).unwrap();
        assert_eq!(queue.put_nowait(9), Err(QueueFull(9)));
        // g1 was woken and has not run: the item is still there.
        assert_eq!(queue.qsize(), 1);
        yield_from!(sys::wait(g1)).unwrap();
        queue.put_nowait(2).unwrap();
        yield_from!(sys::wait(g2)).unwrap();
        queue.put_nowait(3).unwrap();
        let p1 = yield_from!(sys::spawn(putter(queue.clone(), log.clone(), "p1", 4)));
        let p2 = yield_from!(sys::spawn(putter(queue.clone(), log.clone(), "p2", 5)));
        assert_eq!(queue.get_nowait(), Ok(3));
        yield_from!(sys::wait(p1)).unwrap();
        assert_eq!(yield_from!(queue.get()), 4); // there: no wait
        yield_from!(sys::wait(p2)).unwrap();
        assert_eq!(queue.get_nowait(), Ok(5));
        assert_eq!(queue.get_nowait(), Err(QueueEmpty));
    }
    let log = Log::default();
    run(main_task(log.clone()));
    assert_eq!(
        log.take(),
        [
            "g1 gets",
            "g2 gets",
            "g1 got 1",
            "drop g1",
            "g2 got 2",
            "drop g2",
            "p1 puts 4",
            "p2 puts 5",
            "p1 put 4",
            "drop p1",
            "p2 put 5",
            "drop p2",
        ]
    );
}

/// An item that logs its drop.
#[generator(yield = SysCall, send = Reply)]
fn guarded_putter(queue: Queue<common::Guard>, item: common::Guard) {
    yield_from!(queue.put(item));
}

#[test]
fn killed_getters_and_putters_leave_their_lists_and_a_killed_woken_getter_passes_the_item_on() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) {
        let queue = Queue::new();
        let g1 = yield_from!(sys::spawn(getter(queue.clone(), log.clone(), "g1")));
        let g2 = yield_from!(sys::spawn(getter(queue.clone(), log.clone(), "g2")));
        let g3 = yield_from!(sys::spawn(getter(queue.clone(), log.clone(), "g3")));
        yield_from!(sys::kill(g1.id())).unwrap(); // waiting: leaves
        queue.put_nowait(7).unwrap(); // wakes g2
        yield_from!(sys::kill(g2.id())).unwrap(); // woken, not run: g3 is woken instead
        assert_eq!(yield_from!(sys::wait(g3)), Ok(7));

        let full = Queue::bounded(1);
        full.put_nowait(log.guard("item 0")).unwrap();
        let p1 = yield_from!(sys::spawn(guarded_putter(
            full.clone(),
            log.guard("item 1")
        )));
        let p2 = yield_from!(sys::spawn(guarded_putter(
            full.clone(),
            log.guard("item 2")
        )));
        yield_from!(sys::kill(p1.id())).unwrap(); // its item is dropped with it, once
        drop(full.get_nowait().unwrap()); // room: p2, not the dead p1, puts
        yield_from!(sys::wait(p2)).unwrap();
        assert_eq!(full.qsize(), 1);
        drop(full.get_nowait().unwrap());
    }
    let log = Log::default();
    run(main_task(log.clone()));
    assert_eq!(
        log.take(),
        [
            "g1 gets",
            "g2 gets",
            "g3 gets",
            "drop g1",
            "drop g2",
            "g3 got 7",
            "drop g3",
            "drop item 1",
            "drop item 0",
            "drop item 2",
        ]
    );
}

#[test]
fn a_killed_woken_putter_passes_the_room_on() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Vec<u32> {
        let queue = Queue::bounded(1);
        queue.put_nowait(0).unwrap();
        let p1 = yield_from!(sys::spawn(putter(queue.clone(), log.clone(), "p1", 1)));
        let p2 = yield_from!(sys::spawn(putter(queue.clone(), log.clone(), "p2", 2)));
        let first = queue.get_nowait().unwrap(); // wakes p1
        yield_from!(sys::kill(p1.id())).unwrap(); // before it runs: p2 is woken
        yield_from!(sys::wait(p2)).unwrap();
        vec![first, queue.get_nowait().unwrap()]
    }
    let log = Log::default();
    assert_eq!(run(main_task(log.clone())), [0, 2]);
    assert_eq!(
        log.take(),
        ["p1 puts 1", "p2 puts 2", "drop p1", "p2 put 2", "drop p2"]
    );
}

#[test]
fn join_returns_when_every_item_is_done_and_task_done_refuses_one_too_many() {
    #[generator(yield = SysCall, send = Reply)]
    fn worker(queue: Queue<u32>, log: Log) {
        loop {
            let item = yield_from!(queue.get());
            yield_from!(sys::pause());
            log.push(format!("done {item}"));
            queue.task_done().unwrap();
        }
    }
    #[generator(yield = SysCall, send = Reply)]
    fn joiner(queue: Queue<u32>, log: Log) {
        yield_from!(queue.join());
        log.push("joiner returns");
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Result<(), TaskDoneTooOften> {
        let queue = Queue::new();
        yield_from!(queue.join()); // nothing put: at once
        let w = yield_from!(sys::spawn(worker(queue.clone(), log.clone())));
        for item in 1..=3 {
            queue.put_nowait(item).unwrap();
        }
        let j = yield_from!(sys::spawn(joiner(queue.clone(), log.clone())));
        yield_from!(queue.join());
        log.push("main returns");
        assert_eq!(queue.unfinished(), 0);
        yield_from!(sys::wait(j)).unwrap();
        yield_from!(sys::kill(w.id())).unwrap();
        queue.task_done()
    }
    let log = Log::default();
    assert_eq!(run(main_task(log.clone())), Err(TaskDoneTooOften));
    assert_eq!(
        log.take(),
        [
            "done 1",
            "done 2",
            "done 3",
            "joiner returns",
            "main returns"
        ]
    );
}

#[test]
fn a_hundred_producers_and_a_hundred_consumers_deliver_every_item_exactly_once() {
    const TASKS: u32 = 100;
    const EACH: u32 = 50;
    #[generator(yield = SysCall, send = Reply)]
    fn producer(queue: Queue<u32>, me: u32) {
        for i in 0..EACH {
            yield_from!(queue.put(me * EACH + i));
            if i % 7 == me % 7 {
                yield_from!(sys::pause());
            }
        }
    }
    #[generator(yield = SysCall, send = Reply)]
    fn consumer(queue: Queue<u32>, seen: std::rc::Rc<std::cell::RefCell<Vec<u32>>>, me: u32) {
        for i in 0..EACH {
            let item = yield_from!(queue.get());
            seen.borrow_mut().push(item);
            queue.task_done().unwrap();
            if i % 5 == me % 5 {
                yield_from!(sys::pause());
            }
        }
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task() -> Vec<u32> {
        let queue = Queue::bounded(8);
        let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let mut tasks = Vec::new();
        for me in 0..TASKS {
            tasks.push(yield_from!(sys::spawn(consumer(
                queue.clone(),
                seen.clone(),
                me
            ))));
        }
        let mut producers = Vec::new();
        for me in 0..TASKS {
            producers.push(yield_from!(sys::spawn(producer(queue.clone(), me))));
        }
        for task in producers {
            yield_from!(sys::wait(task)).unwrap();
        }
        yield_from!(queue.join());
        for task in tasks {
            yield_from!(sys::wait(task)).unwrap();
        }
        assert!(queue.empty());
        seen.take()
    }
    let mut seen = run(main_task());
    seen.sort_unstable();
    let all: Vec<u32> = (0..TASKS * EACH).collect();
    assert_eq!(seen, all);
}

// ---------------------------------------------------------------------------------------
// sys::cancel: the cancellation thrown in at each kind of wait

/// Which wait a cancelled task is in.
#[derive(Clone, Copy, Debug)]
enum Wait {
    Lock,
    Semaphore,
    Event,
    Condition,
    Barrier,
    Get,
    Put,
    Join,
}

/// One of each primitive, each in the state where its wait waits.
#[derive(Clone)]
struct Primitives {
    lock: Lock,
    sem: Semaphore,
    event: Event,
    cond: Condition,
    barrier: Barrier,
    empty: Queue<u32>,
    full: Queue<u32>,
}

impl Primitives {
    fn new() -> Self {
        let full = Queue::bounded(1);
        full.put_nowait(0).unwrap();
        Self {
            lock: Lock::new(),
            sem: Semaphore::new(0),
            event: Event::new(),
            cond: Condition::new(),
            barrier: Barrier::new(2),
            empty: Queue::new(),
            full,
        }
    }

    /// How many tasks wait in the primitive of `wait`.
    fn waiters(&self, wait: Wait) -> usize {
        match wait {
            Wait::Lock => self.lock.waiters(),
            Wait::Semaphore => self.sem.waiters(),
            Wait::Event => self.event.waiters(),
            Wait::Condition => self.cond.waiters(),
            Wait::Barrier => self.barrier.n_waiting(),
            Wait::Get => self.empty.getters(),
            Wait::Put => self.full.putters(),
            Wait::Join => 0, // a joiner blocks no other operation
        }
    }
}

/// Waits in `wait`, with a cancellation thrown in (the task's throw type is `Cancelled`).
#[generator(yield = SysCall, send = Reply, throw = exec::Cancelled)]
fn cancelled_waiter(p: Primitives, wait: Wait, log: Log) {
    let _drop = log.guard("waiter");
    match wait {
        Wait::Lock => drop(yield_from!(p.lock.lock())),
        Wait::Semaphore => drop(yield_from!(p.sem.acquire())),
        Wait::Event => yield_from!(p.event.wait()),
        Wait::Condition => {
            let guard = yield_from!(p.cond.lock());
            drop(yield_from!(p.cond.wait(guard)));
        }
        Wait::Barrier => drop(yield_from!(p.barrier.wait())),
        Wait::Get => drop(yield_from!(p.empty.get())),
        Wait::Put => yield_from!(p.full.put(1)),
        Wait::Join => yield_from!(p.empty.join()),
    }
    log.push("the wait returned");
}

/// How a cancelled waiter ended, and how many waited before and after.
type Seen = (Result<(), TaskEnded>, usize, usize);

#[test]
fn a_cancellation_thrown_into_any_wait_leaves_its_wait_list_and_drops_once() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(wait: Wait, log: Log) -> Seen {
        let p = Primitives::new();
        let _held = p.lock.try_lock().expect("free"); // the lock waits
        p.empty.put_nowait(1).unwrap(); // join waits for this item
        p.empty.get_nowait().unwrap();
        let task = yield_from!(sys::spawn(cancelled_waiter(p.clone(), wait, log.clone())));
        let before = p.waiters(wait);
        yield_from!(sys::cancel(task.id())).unwrap();
        let outcome = yield_from!(sys::wait(task));
        (outcome, before, p.waiters(wait))
    }
    for wait in [
        Wait::Lock,
        Wait::Semaphore,
        Wait::Event,
        Wait::Condition,
        Wait::Barrier,
        Wait::Get,
        Wait::Put,
        Wait::Join,
    ] {
        let log = Log::default();
        let (outcome, before, after) = run(main_task(wait, log.clone()));
        assert_eq!(outcome, Err(TaskEnded::Cancelled), "{wait:?}");
        assert_eq!(
            log.take(),
            ["drop waiter"],
            "{wait:?}: dropped once, never returned"
        );
        if !matches!(wait, Wait::Join) {
            assert_eq!((before, after), (1, 0), "{wait:?}: left its wait list");
        }
    }
}

#[test]
fn a_cancelled_join_wait_is_not_woken_and_the_others_are() {
    #[generator(yield = SysCall, send = Reply)]
    fn joiner(queue: Queue<u32>, log: Log, name: &'static str) {
        let _drop = log.guard(name);
        yield_from!(queue.join());
        log.push(format!("{name} joined"));
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) {
        let queue = Queue::new();
        queue.put_nowait(1).unwrap();
        let a = yield_from!(sys::spawn(joiner(queue.clone(), log.clone(), "a")));
        let b = yield_from!(sys::spawn(joiner(queue.clone(), log.clone(), "b")));
        yield_from!(sys::cancel(a.id())).unwrap();
        assert_eq!(yield_from!(sys::wait(a)), Err(TaskEnded::Cancelled));
        queue.get_nowait().unwrap();
        queue.task_done().unwrap();
        yield_from!(sys::wait(b)).unwrap();
    }
    let log = Log::default();
    run(main_task(log.clone()));
    assert_eq!(log.take(), ["drop a", "b joined", "drop b"]);
}

// ---------------------------------------------------------------------------------------
// Randomized: kills at any moment never break mutual exclusion or lose a permit

/// A small deterministic generator of pseudo-random numbers (an LCG), one per seed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// Counts the tasks inside; leaving (however the task ends) counts it out.
struct Inside(std::rc::Rc<std::cell::Cell<u32>>);

impl Drop for Inside {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

#[generator(yield = SysCall, send = Reply)]
fn contender(
    sem: Semaphore,
    lock: Lock,
    inside: std::rc::Rc<std::cell::Cell<u32>>,
    most: std::rc::Rc<std::cell::Cell<u32>>,
    turns: u32,
) {
    for round in 0..3 {
        let _permit = yield_from!(sem.acquire());
        inside.set(inside.get() + 1);
        let _inside = Inside(inside.clone());
        most.set(most.get().max(inside.get()));
        yield_from!(pauses(turns + round));
        let _guard = yield_from!(lock.lock());
        yield_from!(pauses(turns % 2));
    }
}

#[test]
fn random_kills_keep_a_semaphore_bounded_and_lose_no_permit_or_lock() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(seed: u64) -> (u32, usize, usize, bool) {
        let mut rng = Lcg(seed);
        let (sem, lock) = (Semaphore::new(3), Lock::new());
        let inside = std::rc::Rc::new(std::cell::Cell::new(0));
        let most = std::rc::Rc::new(std::cell::Cell::new(0));
        let mut tasks = Vec::new();
        for _ in 0..24 {
            let turns = rng.below(4) as u32;
            let task = contender(
                sem.clone(),
                lock.clone(),
                inside.clone(),
                most.clone(),
                turns,
            );
            tasks.push(yield_from!(sys::create_task(task)));
        }
        for _ in 0..40 {
            yield_from!(pauses(rng.below(3) as u32));
            let victim = &tasks[rng.below(tasks.len() as u64) as usize];
            if !victim.is_finished() {
                yield_from!(sys::kill(victim.id())).unwrap();
            }
        }
        let outcomes = yield_from!(exec::gather(tasks));
        let returned = outcomes.iter().filter(|o| o.is_ok()).count();
        let all_ended_so = outcomes
            .iter()
            .all(|o| matches!(o, Ok(()) | Err(TaskEnded::Killed)));
        assert_eq!(inside.get(), 0);
        (
            most.get(),
            sem.available(),
            returned,
            all_ended_so && lock.try_lock().is_some(),
        )
    }
    let mut full = 0;
    for seed in 0..30 {
        let (most, available, returned, ended) = run(main_task(seed));
        full += usize::from(most == 3);
        assert!(most <= 3, "seed {seed}: {most} inside at once");
        assert_eq!(available, 3, "seed {seed}: a permit was lost");
        assert!(
            ended,
            "seed {seed}: a task ended badly or the lock was left held"
        );
        assert!(returned < 24, "seed {seed}: some task was killed");
    }
    assert!(
        full > 0,
        "the semaphore was never full: the test shows nothing"
    );
}

// ---------------------------------------------------------------------------------------
// Timeouts at every wait

/// A wait that a timeout ends leaves its wait list: the wait count is back to what it was,
/// and what the timed-out waiter would have been given (the lock, a permit, an item, a slot,
/// a notify) goes to whoever asks next.
#[test]
fn a_timeout_at_every_kind_of_wait_leaves_the_wait_list() {
    use corogen::exec::TimedOut;
    use std::time::Duration;
    const SHORT: Duration = Duration::from_millis(5);

    #[generator(yield = SysCall, send = Reply)]
    fn main_task() {
        // Lock: held here, so the waiter waits; after its timeout the lock is free for the
        // next one as soon as it is released.
        let lock = Lock::new();
        let guard = lock.try_lock().expect("free");
        let timed = yield_from!(exec::timeout(SHORT, lock.lock()));
        assert!(matches!(timed, Err(TimedOut)));
        assert_eq!(lock.waiters(), 0);
        drop(guard);
        assert!(!lock.locked());
        assert!(lock.try_lock().is_some());

        // Semaphore: no permit; the one released after the timeout is there for the next.
        let sem = Semaphore::new(0);
        let timed = yield_from!(exec::timeout(SHORT, sem.acquire()));
        assert!(matches!(timed, Err(TimedOut)));
        assert_eq!(sem.waiters(), 0);
        sem.release().unwrap();
        assert!(sem.try_acquire().is_some());

        // Event: never set in time.
        let event = Event::new();
        let timed = yield_from!(exec::timeout(SHORT, event.wait()));
        assert!(matches!(timed, Err(TimedOut)));
        assert_eq!(event.waiters(), 0);

        // Condition: the wait gives the lock back on the way out, and a notify after the
        // timeout finds no waiter.
        let cond = Condition::new();
        let timed = yield_from!(exec::timeout(SHORT, cond_wait_once(&cond)));
        assert!(matches!(timed, Err(TimedOut)));
        assert_eq!(cond.waiters(), 0);
        assert!(!cond.locked());

        // Queue get: the item put after the timeout stays in the queue.
        let queue = Queue::<u32>::bounded(1);
        let timed = yield_from!(exec::timeout(SHORT, queue.get()));
        assert!(matches!(timed, Err(TimedOut)));
        assert_eq!(queue.getters(), 0);
        queue.put_nowait(7).unwrap();
        assert_eq!(queue.qsize(), 1);

        // Queue put on a full queue: the timed-out item is not put when a slot frees.
        let timed = yield_from!(exec::timeout(SHORT, queue.put(8)));
        assert!(matches!(timed, Err(TimedOut)));
        assert_eq!(queue.putters(), 0);
        assert_eq!(queue.get_nowait(), Ok(7));
        yield_from!(pauses(3));
        assert_eq!(queue.get_nowait(), Err(QueueEmpty));
    }

    #[generator(yield = SysCall, send = Reply)]
    fn cond_wait_once(cond: &Condition) {
        let guard = yield_from!(cond.lock());
        let _guard = yield_from!(cond.wait(guard));
    }

    run(main_task());
}
