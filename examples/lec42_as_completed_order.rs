//! LEC-42: `as_completed` gives the tasks in the order they finish: `say('Good bye', 3)` ends
//! before `say('Hello', 5)`, so it comes first, although it was made second.
//!
//! `asyncio.as_completed([task1, task2])` is `exec::as_completed([task1, task2])`, and each
//! `await cor` of its loop is `yield_from!(done.next_completed())`, which waits for the next
//! task to end and gives its place in the list and its outcome (`None` when all are given).

use corogen::exec::{self, Reply, SysCall, sys};
use corogen::prelude::*;
use std::time::Duration;

/// The lecture's time unit: 0.05 s.
const UNIT: Duration = Duration::from_millis(50);

#[generator(yield = SysCall, send = Reply)]
fn say(text: &'static str, times: u32) -> &'static str {
    for _ in 0..times {
        println!("{text}");
        yield_from!(sys::sleep(UNIT));
    }
    text
}

#[generator(yield = SysCall, send = Reply)]
fn main_task() {
    let task1 = yield_from!(sys::create_task(say("Hello", 5)));
    let task2 = yield_from!(sys::create_task(say("Good bye", 3)));
    let mut done = exec::as_completed([task1, task2]);
    while let Some((_, outcome)) = yield_from!(done.next_completed()) {
        let result = outcome.expect("say returns");
        println!("as_completed -> {result}");
    }
}

/// Runs the exercise.
pub fn main() {
    exec::run(main_task()).expect("main returns");
}
