//! LEC-41: tasks made with `create_task` run concurrently: `say('Hello', 5)` and
//! `say('Good bye', 5)` take turns, one line each, while `main` waits for them. The same two
//! coroutines awaited one after the other run one after the other.
//!
//! `asyncio.create_task(c)` is `yield_from!(sys::create_task(c))`: like asyncio's, it keeps the
//! creator's turn, so `main` prints "tasks created" before either task has run (the tasks start
//! at main's first wait). `await task1` is `yield_from!(sys::wait(task1))`; `await say(...)`,
//! awaiting the coroutine itself, is `yield_from!(say(...))`, which runs it in main's task.

use corogen::exec::{self, Reply, SysCall, sys};
use corogen::prelude::*;
use std::time::Duration;

/// The lecture's time unit: 0.05 s.
const UNIT: Duration = Duration::from_millis(50);

#[generator(yield = SysCall, send = Reply)]
fn say(text: &'static str, times: u32) {
    for _ in 0..times {
        println!("{text}");
        yield_from!(sys::sleep(UNIT));
    }
}

#[generator(yield = SysCall, send = Reply)]
fn main_task() {
    let task1 = yield_from!(sys::create_task(say("Hello", 5)));
    let task2 = yield_from!(sys::create_task(say("Good bye", 5)));
    println!("tasks created");
    yield_from!(sys::wait(task1)).expect("say returns");
    println!("task1 done");
    yield_from!(sys::wait(task2)).expect("say returns");
    println!("task2 done");
}

#[generator(yield = SysCall, send = Reply)]
fn main_sequential() {
    yield_from!(say("Hello", 5));
    yield_from!(say("Good bye", 5));
}

/// Runs the exercise.
pub fn main() {
    println!("-- create_task: the tasks run concurrently");
    exec::run(main_task()).expect("main returns");
    println!("-- two awaits: one after the other");
    exec::run(main_sequential()).expect("main returns");
}
