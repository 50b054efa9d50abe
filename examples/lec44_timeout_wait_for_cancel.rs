//! LEC-44: timeouts and cancellation. `asyncio.timeout()` and `wait_for` cancel the work when
//! time is up: `CancelledError` arrives at the `await` it waits in, its cleanup runs (and may
//! itself await), then the timeout reports `TimeoutError`. `wait_for` gives the result when the
//! work is in time. `task.cancel()` does the same to a task, and awaiting it then raises
//! `CancelledError`.
//!
//! - `async with asyncio.timeout(d): await work()` and `await asyncio.wait_for(work(), d)` are
//!   both `yield_from!(exec::timeout(d, work()))`: the coroutine runs in the current task, and
//!   the timeout evaluates to `Err(TimedOut)` once the deadline has passed and the coroutine's
//!   cleanup has ended it;
//! - the coroutines are declared `throw = Cancelled`, so the cancellation is thrown in at the
//!   innermost `yield_from!`: `try_yield_from!` catches it (`except asyncio.CancelledError:`),
//!   the cleanup sleeps (a system call while cancelled), and `raise_!` raises it again;
//! - `finally:` is a local whose `Drop` prints: it runs however the body ends;
//! - `task.cancel()` is the plain method `JoinHandle::cancel` (no system call: main prints
//!   before the task sees the cancellation); `await task` is `sys::wait`, and the task's
//!   outcome `Err(TaskEnded::Cancelled)` is what `task.cancelled()` reports.

use corogen::exec::{self, Cancelled, Reply, SysCall, TaskEnded, TimedOut, sys};
use corogen::prelude::*;
use std::time::Duration;

/// The lecture's time unit: 0.05 s.
const UNIT: Duration = Duration::from_millis(50);

/// Prints its message when dropped: a `finally:` block.
struct Finally(&'static str);

impl Drop for Finally {
    fn drop(&mut self) {
        println!("{}", self.0);
    }
}

#[generator(yield = SysCall, send = Reply, throw = Cancelled)]
fn long_running_task() {
    let _finally = Finally("long_running_task: finally");
    match try_yield_from!(sys::sleep(100 * UNIT)) {
        Ok(()) => println!("long_running_task finished"),
        Err(cancelled) => {
            println!("long_running_task: CancelledError caught, cleaning up");
            yield_from!(sys::sleep(UNIT));
            println!("long_running_task: cleanup done, re-raising");
            raise_!(cancelled);
        }
    }
}

#[generator(yield = SysCall, send = Reply, throw = Cancelled)]
fn eternity() {
    let _finally = Finally("eternity: finally");
    yield_from!(sys::sleep(100 * UNIT)); // a cancellation ends the body here
    println!("yay!");
}

#[generator(yield = SysCall, send = Reply, throw = Cancelled)]
fn quick() -> &'static str {
    yield_from!(sys::sleep(UNIT));
    "quick result"
}

#[generator(yield = SysCall, send = Reply, throw = Cancelled)]
fn main_task() {
    println!("-- asyncio.timeout");
    if let Err(TimedOut) = yield_from!(exec::timeout(10 * UNIT, long_running_task())) {
        println!("The long operation timed out, but we've handled it.");
    }

    println!("-- asyncio.wait_for, too slow");
    if let Err(TimedOut) = yield_from!(exec::timeout(UNIT, eternity())) {
        println!("timeout!");
    }

    println!("-- asyncio.wait_for, in time");
    match yield_from!(exec::timeout(10 * UNIT, quick())) {
        Ok(result) => println!("{result}"),
        Err(TimedOut) => println!("timeout!"),
    }

    println!("-- task.cancel()");
    let task = yield_from!(sys::create_task(long_running_task()));
    yield_from!(sys::sleep(UNIT));
    let asked = task.cancel();
    println!("main: task.cancel() -> {}", py_bool(asked));
    let outcome = yield_from!(sys::wait(task));
    let cancelled = outcome == Err(TaskEnded::Cancelled);
    if cancelled {
        println!(
            "main: await task raised CancelledError; task.cancelled() -> {}",
            py_bool(cancelled)
        );
    }
}

/// Python's spelling of a boolean.
fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// Runs the exercise.
pub fn main() {
    exec::run(main_task()).expect("main returns");
}
