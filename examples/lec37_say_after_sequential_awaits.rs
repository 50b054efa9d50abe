//! LEC-37: an `await` chain. `main` awaits `say_after(1, 'hello')`, then `say_after(2,
//! 'world')`: each runs to its end before the next starts, so the delays add up. Then a task
//! made from `nested()` is awaited for its value, 42.
//!
//! How the asyncio words map onto corogen's executor:
//! - `async def f()` is a task coroutine, `#[generator(yield = SysCall, send = Reply)] fn f()`;
//! - `await f()` (awaiting a coroutine) is `yield_from!(f())`: the coroutine runs inside the
//!   current task, as a plain delegation;
//! - `await asyncio.sleep(d)` is `yield_from!(sys::sleep(d))`;
//! - `asyncio.create_task(c)` is `yield_from!(sys::create_task(c))`, which gives a handle, and
//!   `await task` is `yield_from!(sys::wait(handle))`;
//! - `asyncio.run(main())` is `exec::run(main_task())`; `loop.time()` is the monotonic clock,
//!   `Instant`.

use corogen::exec::{self, Reply, SysCall, sys};
use corogen::prelude::*;
use std::time::{Duration, Instant};

/// The lecture's time unit: 0.05 s.
const UNIT: Duration = Duration::from_millis(50);

#[generator(yield = SysCall, send = Reply)]
fn say_after(delay: u32, what: &'static str) {
    yield_from!(sys::sleep(delay * UNIT));
    println!("{what}");
}

#[generator(yield = SysCall, send = Reply)]
fn main_task() {
    let start = Instant::now();
    println!("started");

    // Each `yield_from!` runs the coroutine to its end before the next line.
    yield_from!(say_after(1, "hello"));
    yield_from!(say_after(2, "world"));

    let passed = start.elapsed() >= 3 * UNIT - Duration::from_millis(1);
    println!("finished; at least 1 + 2 units passed: {}", py_bool(passed));
}

#[generator(yield = SysCall, send = Reply)]
fn nested() -> u32 {
    42
}

#[generator(yield = SysCall, send = Reply)]
fn main_with_task() {
    let task = yield_from!(sys::create_task(nested()));
    let value = yield_from!(sys::wait(task)).expect("nested returns");
    println!("await task -> {value}");
}

/// Python's spelling of a boolean.
fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// Runs the exercise.
pub fn main() {
    exec::run(main_task()).expect("main returns");
    exec::run(main_with_task()).expect("main returns");
}
