//! The executor's system calls and scheduling order: deterministic traces of spawn, kill,
//! wait and sleep; panics isolated; kills of tasks blocked on I/O or a timer.

mod common;

use common::Log;
use corogen::exec::{self, Exit, Reply, Scheduler, SysCall, TaskEnded, TaskId, sys};
use corogen::prelude::*;
use std::cell::RefCell;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::rc::Rc;
use std::time::Duration;

#[generator(yield = SysCall, send = Reply)]
fn worker(log: Log, name: &'static str, steps: u32) -> u32 {
    let _g = log.guard(name);
    for i in 0..steps {
        log.push(format!("{name} {i}"));
        yield_from!(sys::pause());
    }
    steps * 10
}

/// Records `Task N terminated` lines with how each task ended.
fn exits(sched: &mut Scheduler) -> Rc<RefCell<Vec<(u64, Exit)>>> {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&seen);
    sched.on_exit(move |id, how| sink.borrow_mut().push((id.get(), how.clone())));
    seen
}

#[test]
fn spawned_tasks_interleave_in_fifo_order_and_wait_returns_typed_values() {
    #[generator(yield = SysCall, send = Reply)]
    fn parent(log: Log) -> u32 {
        let me = yield_from!(sys::task_id());
        log.push(format!("parent is {me}"));
        let a = yield_from!(sys::spawn(worker(log.clone(), "a", 2)));
        let b = yield_from!(sys::spawn(worker(log.clone(), "b", 3)));
        log.push(format!("spawned {} and {}", a.id(), b.id()));
        let ra = yield_from!(sys::wait(a)).unwrap();
        log.push(format!("a returned {ra}"));
        let rb = yield_from!(sys::wait(b)).unwrap();
        log.push(format!("b returned {rb}"));
        ra + rb
    }
    let log = Log::default();
    let mut sched = Scheduler::new();
    let exited = exits(&mut sched);
    let main = sched.spawn(parent(log.clone()));
    sched.run().expect("the OS poller works");
    assert_eq!(main.take_outcome(), Some(Ok(50)));
    assert_eq!(
        log.take(),
        [
            "parent is 1",
            "a 0",
            "a 1",
            "b 0",
            "spawned 2 and 3",
            "drop a",
            "b 1",
            "a returned 20",
            "b 2",
            "drop b",
            "b returned 30",
        ]
    );
    assert_eq!(*exited.borrow(), [(2, Ok(())), (3, Ok(())), (1, Ok(()))]);
}

#[test]
fn waiting_for_a_task_that_already_returned_gives_its_value_at_once() {
    #[generator(yield = SysCall, send = Reply)]
    fn quick() -> &'static str {
        "done"
    }
    #[generator(yield = SysCall, send = Reply)]
    fn parent() -> &'static str {
        let child = yield_from!(sys::spawn(quick()));
        yield_from!(sys::pause());
        assert!(child.is_finished());
        yield_from!(sys::wait(child)).unwrap()
    }
    assert_eq!(exec::run(parent()), Ok("done"));
}

#[test]
fn kill_closes_the_stack_innermost_first_and_tells_the_joiners() {
    #[generator(yield = SysCall, send = Reply)]
    fn level(log: Log, n: u32) -> u32 {
        let _g = log.guard(&format!("level {n}"));
        if n == 3 {
            loop {
                yield_from!(sys::pause());
            }
        }
        yield_from!(sys::call(level(log.clone(), n + 1)))
    }
    #[generator(yield = SysCall, send = Reply)]
    fn watcher(log: Log, target: TaskId) {
        let how = yield_from!(sys::wait_id(target));
        log.push(format!("watcher saw {how:?}"));
    }
    #[generator(yield = SysCall, send = Reply)]
    fn killer(log: Log) -> Result<(), TaskEnded> {
        let victim = yield_from!(sys::spawn(level(log.clone(), 1)));
        yield_from!(sys::spawn(watcher(log.clone(), victim.id())));
        yield_from!(sys::pause());
        log.push("killing");
        yield_from!(sys::kill(victim.id()))?;
        log.push("killed");
        assert_eq!(yield_from!(sys::wait(victim)), Err(TaskEnded::Killed));
        assert_eq!(yield_from!(sys::kill(victim_id())), Err(TaskEnded::Unknown));
        Ok(())
    }
    fn victim_id() -> TaskId {
        let mut sched = Scheduler::new();
        // An id from a scheduler of its own: unknown to the one under test.
        #[generator(yield = SysCall, send = Reply)]
        fn idle() {}
        (0..50).map(|_| sched.spawn(idle())).last().unwrap().id()
    }
    let log = Log::default();
    assert_eq!(exec::run(killer(log.clone())), Ok(Ok(())));
    assert_eq!(
        log.take(),
        [
            "killing",
            "drop level 3",
            "drop level 2",
            "drop level 1",
            "watcher saw Err(Killed)",
            "killed",
        ]
    );
}

#[test]
fn waiting_for_an_unknown_id_says_so_at_once() {
    #[generator(yield = SysCall, send = Reply)]
    fn lonely() -> Result<(), TaskEnded> {
        let me = yield_from!(sys::task_id());
        let gone = yield_from!(sys::spawn(worker(Log::default(), "w", 0)));
        let gone = gone.id();
        yield_from!(sys::pause());
        yield_from!(sys::pause());
        assert_eq!(yield_from!(sys::wait_id(gone)), Err(TaskEnded::Unknown));
        yield_from!(sys::wait_id(me))
    }
    assert_eq!(exec::run(lonely()), Ok(Err(TaskEnded::Unknown)));
}

#[test]
fn a_task_may_kill_itself() {
    #[generator(yield = SysCall, send = Reply)]
    fn suicidal(log: Log) {
        let _g = log.guard("self");
        let me = yield_from!(sys::task_id());
        let _ = yield_from!(sys::kill(me));
        log.push("unreachable");
    }
    let log = Log::default();
    assert_eq!(exec::run(suicidal(log.clone())), Err(TaskEnded::Killed));
    assert_eq!(log.take(), ["drop self"]);
}

#[test]
fn sleepers_wake_in_deadline_order() {
    #[generator(yield = SysCall, send = Reply)]
    fn sleeper(log: Log, ms: u64) {
        yield_from!(sys::sleep(Duration::from_millis(ms)));
        log.push(format!("{ms} ms"));
    }
    #[generator(yield = SysCall, send = Reply)]
    fn parent(log: Log) {
        let mut children = Vec::new();
        for ms in [30, 10, 20, 0] {
            children.push(yield_from!(sys::spawn(sleeper(log.clone(), ms))));
        }
        for child in children {
            yield_from!(sys::wait(child)).unwrap();
        }
        log.push("all awake");
    }
    let log = Log::default();
    let mut sched = Scheduler::new();
    let exited = exits(&mut sched);
    sched.spawn(parent(log.clone()));
    sched.run().expect("the OS poller works");
    assert_eq!(log.take(), ["0 ms", "10 ms", "20 ms", "30 ms", "all awake"]);
    // The first sleeper (task 2) started the I/O task (task 3), which ends last.
    let order: Vec<u64> = exited.borrow().iter().map(|(id, _)| *id).collect();
    assert_eq!(order, [6, 4, 5, 2, 1, 3]);
}

#[test]
fn a_panicking_task_ends_alone_and_its_joiners_get_the_panic() {
    #[generator(yield = SysCall, send = Reply)]
    fn faulty(log: Log) -> u32 {
        let _g = log.guard("faulty");
        yield_from!(sys::pause());
        panic!("boom");
    }
    #[generator(yield = SysCall, send = Reply)]
    fn parent(log: Log) -> u32 {
        let bad = yield_from!(sys::spawn(faulty(log.clone())));
        let good = yield_from!(sys::spawn(worker(log.clone(), "good", 3)));
        let bad = yield_from!(sys::wait(bad));
        log.push(format!("faulty: {bad:?}"));
        yield_from!(sys::wait(good)).unwrap()
    }
    let log = Log::default();
    let mut sched = Scheduler::new();
    let exited = exits(&mut sched);
    let main = sched.spawn(parent(log.clone()));
    sched.run().expect("the OS poller works");
    assert_eq!(main.take_outcome(), Some(Ok(30)));
    assert_eq!(
        log.take(),
        [
            "drop faulty",
            "good 0",
            "faulty: Err(Panicked(\"boom\"))",
            "good 1",
            "good 2",
            "drop good",
        ]
    );
    assert!(sched.is_empty());
    assert_eq!(
        exited.borrow()[0],
        (2, Err(TaskEnded::Panicked("boom".into())))
    );
}

#[test]
fn killing_a_task_blocked_on_io_unregisters_its_wait() {
    #[generator(yield = SysCall, send = Reply)]
    fn reader(log: Log, sock: Rc<UnixStream>) {
        let _g = log.guard("reader");
        yield_from!(sys::readable(&*sock)).unwrap();
        log.push("reader woke");
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Vec<u8> {
        let (ours, theirs) = UnixStream::pair().unwrap();
        ours.set_nonblocking(true).unwrap();
        let ours = Rc::new(ours);
        let blocked = yield_from!(sys::spawn(reader(log.clone(), Rc::clone(&ours))));
        yield_from!(sys::pause());
        yield_from!(sys::pause());
        yield_from!(sys::kill(blocked.id())).unwrap();
        // Still registered, this second reader would be refused.
        (&theirs).write_all(b"ping").unwrap();
        yield_from!(sys::readable(&*ours)).unwrap();
        let mut buf = [0; 8];
        let n = (&*ours).read(&mut buf).unwrap();
        buf[..n].to_vec()
    }
    let log = Log::default();
    assert_eq!(exec::run(main_task(log.clone())), Ok(b"ping".to_vec()));
    assert_eq!(log.take(), ["drop reader"]);
}

#[test]
fn a_second_reader_of_the_same_fd_is_refused() {
    #[generator(yield = SysCall, send = Reply)]
    fn reader(sock: Rc<UnixStream>) -> std::io::ErrorKind {
        match yield_from!(sys::readable(&*sock)) {
            Ok(()) => std::io::ErrorKind::Other,
            Err(e) => e.kind(),
        }
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task() -> std::io::ErrorKind {
        let (ours, theirs) = UnixStream::pair().unwrap();
        let ours = Rc::new(ours);
        let first = yield_from!(sys::spawn(reader(Rc::clone(&ours))));
        let second = yield_from!(sys::spawn(reader(Rc::clone(&ours))));
        let refused = yield_from!(sys::wait(second)).unwrap();
        (&theirs).write_all(b"x").unwrap();
        assert_eq!(yield_from!(sys::wait(first)), Ok(std::io::ErrorKind::Other));
        refused
    }
    assert_eq!(
        exec::run(main_task()),
        Ok(std::io::ErrorKind::AlreadyExists)
    );
}

#[test]
fn killing_a_sleeping_task_cancels_its_timer() {
    #[generator(yield = SysCall, send = Reply)]
    fn sleeper(log: Log) {
        let _g = log.guard("sleeper");
        yield_from!(sys::sleep(Duration::from_secs(3600)));
        log.push("sleeper woke");
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) {
        let sleeping = yield_from!(sys::spawn(sleeper(log.clone())));
        yield_from!(sys::pause());
        yield_from!(sys::kill(sleeping.id())).unwrap();
        yield_from!(sys::sleep(Duration::from_millis(1)));
        log.push("main done");
    }
    let log = Log::default();
    let mut sched = Scheduler::new();
    let exited = exits(&mut sched);
    sched.spawn(main_task(log.clone()));
    // Returns only because the hour-long timer was cancelled with its task.
    sched.run().expect("the OS poller works");
    assert_eq!(log.take(), ["drop sleeper", "main done"]);
    let order: Vec<u64> = exited.borrow().iter().map(|(id, _)| *id).collect();
    assert_eq!(order, [2, 1, 3]);
}

#[test]
fn tasks_that_wait_for_each_other_stop_the_scheduler_instead_of_hanging() {
    #[generator(yield = SysCall, send = Reply)]
    fn waits_for(target: TaskId) -> Result<(), TaskEnded> {
        yield_from!(sys::wait_id(target))
    }
    let mut sched = Scheduler::new();
    let a = sched.spawn(waits_for(TaskId::from(2)));
    sched.spawn(waits_for(a.id()));
    sched.run().expect("the OS poller works");
    assert_eq!(sched.len(), 2);
    assert!(!a.is_finished());
}

#[test]
fn a_run_that_gets_stuck_says_so_not_unknown() {
    #[generator(yield = SysCall, send = Reply)]
    fn waits_for_its_child() -> Result<(), TaskEnded> {
        let me = yield_from!(sys::task_id());
        let child = yield_from!(sys::spawn(waits_for(me)));
        yield_from!(sys::wait(child))?
    }
    #[generator(yield = SysCall, send = Reply)]
    fn waits_for(target: TaskId) -> Result<(), TaskEnded> {
        yield_from!(sys::wait_id(target))
    }
    assert_eq!(exec::run(waits_for_its_child()), Err(TaskEnded::Stuck));
}
