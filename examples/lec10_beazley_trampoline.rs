//! LEC-10: Beazley's trampoline. A task runs a coroutine; when the coroutine calls another
//! (Python's `result = yield add(1, 2)`), the task pushes the callee on its call stack, runs
//! it, and sends its return value back to the caller: `main -> add -> double` prints 9.
//!
//! In Python a called coroutine "returns" by yielding a plain value; here it returns, and the
//! call is `yield_from!(sys::call(add(1, 2)))`, typed: `result` is a `u64`. `add` delegates to
//! `double` with `yield_from!`, as Python's `yield from double(x + y)`. Python's bare `yield`
//! gives up the processor (`sys::pause()`); the task's second turn finishes it, which the
//! scheduler's exit hook reports as the lecture's extra check does (`task finished`).

use corogen::exec::{Reply, Scheduler, SysCall, sys};
use corogen::prelude::*;

#[generator(yield = SysCall, send = Reply)]
fn double(x: u64) -> u64 {
    x * x
}

#[generator(yield = SysCall, send = Reply)]
fn add(x: u64, y: u64) -> u64 {
    yield_from!(double(x + y))
}

#[generator(yield = SysCall, send = Reply)]
fn main_task() {
    let result = yield_from!(sys::call(add(1, 2)));
    println!("{result}");
    yield_from!(sys::pause());
}

/// Runs the exercise.
pub fn main() {
    let mut sched = Scheduler::new();
    sched.on_exit(|_, _| println!("task finished"));
    sched.spawn(main_task());
    sched.run().expect("the OS poller works");
}
