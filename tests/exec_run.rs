//! `exec::run` as `asyncio.run`: it returns when the main task ends and cancels the tasks
//! left; `sys::spawn` gives up the spawner's turn, `sys::create_task` keeps it; `exec::run`
//! inside a task is a clear error.

mod common;

use common::Log;
use corogen::exec::{self, Cancelled, Reply, SysCall, TaskEnded, sys};
use corogen::prelude::*;
use std::time::Duration;

const HOUR: Duration = Duration::from_secs(3600);

#[test]
fn run_returns_when_main_ends_and_cancels_the_tasks_left() {
    #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
    fn careful(log: Log) {
        if let Err(e) = try_yield_from!(sys::sleep(HOUR)) {
            yield_from!(sys::sleep(Duration::from_millis(1)));
            log.push("careful cleaned up with a sleep");
            raise_!(e);
        }
    }
    #[generator(yield = SysCall, send = Reply)]
    fn plain(log: Log) {
        let _g = log.guard("plain");
        loop {
            yield_from!(sys::pause());
        }
    }
    #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
    fn stubborn(log: Log) {
        while try_yield_from!(sys::sleep(HOUR)).is_ok() {}
        for _ in 0..3 {
            yield_from!(sys::pause());
        }
        log.push("stubborn refused and finished its work");
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> &'static str {
        yield_from!(sys::spawn(careful(log.clone())));
        yield_from!(sys::spawn(plain(log.clone())));
        yield_from!(sys::spawn(stubborn(log.clone())));
        yield_from!(sys::pause());
        log.push("main returns");
        "main's value"
    }
    let log = Log::default();
    // Returns only because the hour-long sleepers were cancelled.
    assert_eq!(exec::run(main_task(log.clone())), Ok("main's value"));
    assert_eq!(
        log.take(),
        [
            "main returns",
            "drop plain",
            "stubborn refused and finished its work",
            "careful cleaned up with a sleep"
        ]
    );
}

#[test]
fn spawn_gives_up_the_turn_and_create_task_keeps_it() {
    #[generator(yield = SysCall, send = Reply)]
    fn child(log: Log, name: &'static str) {
        log.push(format!("{name} starts"));
        yield_from!(sys::pause());
        log.push(format!("{name} ends"));
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) {
        let a = yield_from!(sys::create_task(child(log.clone(), "a")));
        let b = yield_from!(sys::create_task(child(log.clone(), "b")));
        log.push("main made a and b, and runs on");
        yield_from!(sys::wait(a)).unwrap();
        yield_from!(sys::wait(b)).unwrap();
        let c = yield_from!(sys::spawn(child(log.clone(), "c")));
        log.push("main spawned c");
        yield_from!(sys::wait(c)).unwrap();
    }
    let log = Log::default();
    exec::run(main_task(log.clone())).unwrap();
    assert_eq!(
        log.take(),
        [
            "main made a and b, and runs on",
            "a starts",
            "b starts",
            "a ends",
            "b ends",
            "c starts",
            "main spawned c",
            "c ends"
        ]
    );
}

#[test]
fn run_inside_a_task_ends_that_task_with_a_clear_message_and_the_others_go_on() {
    #[generator(yield = SysCall, send = Reply)]
    fn inner() -> u32 {
        1
    }
    #[generator(yield = SysCall, send = Reply)]
    fn nested() -> Result<u32, TaskEnded> {
        exec::run(inner())
    }
    type Outcomes = (Result<Result<u32, TaskEnded>, TaskEnded>, u32);
    #[generator(yield = SysCall, send = Reply)]
    fn main_task() -> Outcomes {
        let n = yield_from!(sys::spawn(nested()));
        let ended = yield_from!(sys::wait(n));
        (ended, yield_from!(sys::call(inner())))
    }
    let (ended, called) = exec::run(main_task()).unwrap();
    let Err(TaskEnded::Panicked(message)) = ended else {
        panic!("the nested run should have panicked: {ended:?}")
    };
    assert!(
        message.contains("run from inside a task of a running scheduler"),
        "{message}"
    );
    assert_eq!(called, 1, "the outer scheduler goes on");
}

#[test]
fn a_main_task_that_waits_for_nothing_that_can_happen_is_stuck() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task() -> Result<(), TaskEnded> {
        let me = yield_from!(sys::task_id());
        let other = yield_from!(sys::spawn(waits_for(me)));
        yield_from!(sys::wait_id(other.id()))
    }
    #[generator(yield = SysCall, send = Reply)]
    fn waits_for(id: exec::TaskId) -> Result<(), TaskEnded> {
        yield_from!(sys::wait_id(id))
    }
    assert_eq!(exec::run(main_task()), Err(TaskEnded::Stuck));
}
