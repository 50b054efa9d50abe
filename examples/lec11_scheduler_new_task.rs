//! LEC-11: a round-robin scheduler with the `NewTask` system call. A parent spawns two
//! children and is sent their task ids; each child calls `square` through its task's stack;
//! tasks interleave one turn each, and the scheduler logs every task that terminates.
//!
//! `yield NewTask(child("A", 2))` is `yield_from!(sys::spawn(child("A", 2)))`, which evaluates
//! to a handle whose `id()` is the new task's id. `sq = yield square(i)` is
//! `yield_from!(sys::call(square(i)))`, and a bare `yield` is `yield_from!(sys::pause())`.
//! The lecture's `logger.info('Task %d terminated', ...)` is the scheduler's exit hook.

use corogen::exec::{Reply, Scheduler, SysCall, sys};
use corogen::prelude::*;

#[generator(yield = SysCall, send = Reply)]
fn square(x: u64) -> u64 {
    x * x
}

#[generator(yield = SysCall, send = Reply)]
fn child(name: &'static str, n: u64) {
    for i in 0..n {
        let sq = yield_from!(sys::call(square(i))); // call through the task's stack
        println!("{name} step {i} (square {sq})");
        yield_from!(sys::pause()); // give up the CPU
    }
}

#[generator(yield = SysCall, send = Reply)]
fn parent() {
    let a = yield_from!(sys::spawn(child("A", 2)));
    println!("parent spawned A as task {}", a.id());
    let b = yield_from!(sys::spawn(child("B", 3)));
    println!("parent spawned B as task {}", b.id());
    yield_from!(sys::pause());
    println!("parent done");
}

/// Runs the exercise.
pub fn main() {
    let mut sched = Scheduler::new();
    sched.on_exit(|id, _| println!("Task {id} terminated"));
    sched.spawn(parent());
    sched.run().expect("the OS poller works");
    println!("all tasks finished");
}
