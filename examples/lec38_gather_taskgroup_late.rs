//! LEC-38: `gather` and `TaskGroup` run `late(3, 'A')`, `late(1, 'B')` and `late(2, 'C')`
//! concurrently. They finish B, C, A, yet gather's list is in argument order, `[3, 1, 2]`; the
//! TaskGroup's block ends only when all three are done.
//!
//! asyncio's `gather(late(..), ...)` makes a task of each coroutine; here the tasks are made
//! first (`sys::create_task`), and `exec::gather(handles)` waits for them all and keeps each
//! outcome in its place. `async with asyncio.TaskGroup() as tg: tg.create_task(c)` is a
//! `TaskGroup` whose `spawn(c)` starts a task; the end of the `async with` block is
//! `yield_from!(group.join())`. `t.result()` is the handle's outcome.

use corogen::exec::{self, Reply, SysCall, TaskGroup, sys};
use corogen::prelude::*;
use std::time::Duration;

/// The lecture's time unit: 0.05 s.
const UNIT: Duration = Duration::from_millis(50);

#[generator(yield = SysCall, send = Reply)]
fn late(delay: u32, msg: &'static str) -> u32 {
    yield_from!(sys::sleep(delay * UNIT));
    println!("{msg}");
    delay
}

#[generator(yield = SysCall, send = Reply)]
fn main_gather() {
    println!("-- gather");
    let mut handles = Vec::new();
    for (delay, msg) in [(3, "A"), (1, "B"), (2, "C")] {
        handles.push(yield_from!(sys::create_task(late(delay, msg))));
    }
    let res = yield_from!(exec::gather(handles));
    let res: Vec<u32> = res.into_iter().map(|r| r.expect("late returns")).collect();
    println!("{res:?}");
}

#[generator(yield = SysCall, send = Reply)]
fn main_task_group() {
    println!("-- TaskGroup");
    let mut tg = TaskGroup::<()>::new();
    let t1 = yield_from!(tg.spawn(late(3, "A")));
    let t2 = yield_from!(tg.spawn(late(1, "B")));
    let t3 = yield_from!(tg.spawn(late(2, "C")));
    yield_from!(tg.join()).expect("no task fails"); // the end of `async with`
    println!("Done");
    let results: Vec<u32> = [t1, t2, t3]
        .iter()
        .map(|t| t.take_outcome().expect("it ended").expect("it returned"))
        .collect();
    println!("{results:?}");
}

/// Runs the exercise.
pub fn main() {
    exec::run(main_gather()).expect("main returns");
    exec::run(main_task_group()).expect("main returns");
}
