//! LEC-43: one of several concurrent coroutines fails. Plain `gather` reports the first error
//! and the results are lost, while the other tasks keep running; `gather(...,
//! return_exceptions=True)` keeps the error in its place in the list; a `TaskGroup` cancels
//! the siblings still running and reports the error.
//!
//! A Python exception is a Rust `Err`: `fail` returns `Err(ValueError("B"))`, and `late`
//! returns `Ok(delay)`. Cancellation reaches `late` as the error `Cancelled` thrown in at its
//! sleep (it is declared `throw = Cancelled`): `try_yield_from!` catches it, as `except
//! asyncio.CancelledError:` does, and `raise_!` raises it again.
//!
//! - plain `gather` is `exec::try_gather(handles)`: `Err` with the first failure as soon as it
//!   happens; the other tasks run on;
//! - `gather(..., return_exceptions=True)` is `exec::gather(handles)`: every outcome in order;
//! - `TaskGroup` is `exec::TaskGroup`, its tasks started with `spawn_fallible` (an `Err` counts
//!   as a failure); `join` reports the first failure, from which the program prints what
//!   Python's `ExceptionGroup` shows (with one failure, the same); `task.cancelled()` is an
//!   outcome of `Err(TaskEnded::Cancelled)`.

use corogen::exec::{self, Cancelled, Failed, Reply, SysCall, TaskEnded, TaskGroup, sys};
use corogen::prelude::*;
use std::fmt;
use std::time::Duration;

/// The lecture's time unit: 0.05 s.
const UNIT: Duration = Duration::from_millis(50);

/// Python's `ValueError`, shown as its `repr`.
#[derive(Clone, PartialEq)]
struct ValueError(&'static str);

impl fmt::Debug for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ValueError('{}')", self.0)
    }
}

#[generator(yield = SysCall, send = Reply)]
fn say(text: &'static str, times: u32) {
    for _ in 0..times {
        println!("{text}");
        yield_from!(sys::sleep(UNIT));
    }
}

#[generator(yield = SysCall, send = Reply, throw = Cancelled)]
fn late(delay: u32, msg: &'static str) -> Result<u32, ValueError> {
    if let Err(cancelled) = try_yield_from!(sys::sleep(delay * UNIT)) {
        println!("{msg} cancelled");
        raise_!(cancelled); // `raise`
    }
    println!("{msg}");
    Ok(delay)
}

#[generator(yield = SysCall, send = Reply, throw = Cancelled)]
fn fail(delay: u32, msg: &'static str) -> Result<u32, ValueError> {
    yield_from!(sys::sleep(delay * UNIT));
    println!("{msg} raises ValueError");
    Err(ValueError(msg))
}

/// The handles of three tasks that return a value or a `ValueError`.
type Handles = Vec<exec::JoinHandle<Result<u32, ValueError>>>;

/// Starts `late(1, 'A')`, `fail(2, 'B')` and `late(3, 'C')`.
#[generator(yield = SysCall, send = Reply)]
fn a_b_c() -> Handles {
    vec![
        yield_from!(sys::create_task(late(1, "A"))),
        yield_from!(sys::create_task(fail(2, "B"))),
        yield_from!(sys::create_task(late(3, "C"))),
    ]
}

#[generator(yield = SysCall, send = Reply)]
fn main_task() {
    println!("-- gather, no errors");
    let hello = yield_from!(sys::create_task(say("Hello", 2)));
    let bye = yield_from!(sys::create_task(say("Good bye", 2)));
    let results = yield_from!(exec::gather([hello, bye]));
    let results: Vec<_> = results.iter().map(|_| "None").collect();
    println!("[{}]", results.join(", "));

    println!("-- TaskGroup, no errors");
    let mut tg = TaskGroup::<()>::new();
    yield_from!(tg.spawn(say("Hello", 2)));
    yield_from!(tg.spawn(say("Good bye", 2)));
    yield_from!(tg.join()).expect("no task fails");
    println!("TaskGroup done");

    println!("-- gather, B fails");
    let handles = yield_from!(a_b_c());
    match yield_from!(exec::try_gather(handles)) {
        Ok(results) => println!("{results:?}"),
        Err(Failed::Error(e)) => println!("gather raised {e:?} - no results"),
        Err(Failed::Ended(how)) => println!("gather: a task ended: {how}"),
    }
    yield_from!(sys::sleep(2 * UNIT));
    println!("main slept 2 units");

    println!("-- gather(return_exceptions=True), B fails");
    let handles = yield_from!(a_b_c());
    let results = yield_from!(exec::gather(handles));
    let shown: Vec<String> = results
        .iter()
        .map(|outcome| match outcome {
            Ok(Ok(value)) => value.to_string(),
            Ok(Err(e)) => format!("{e:?}"),
            Err(how) => how.to_string(),
        })
        .collect();
    println!("[{}]", shown.join(", "));

    println!("-- TaskGroup, B fails");
    let mut tg = TaskGroup::new();
    let ta = yield_from!(tg.spawn_fallible(late(1, "A")));
    let tb = yield_from!(tg.spawn_fallible(fail(2, "B")));
    let tc = yield_from!(tg.spawn_fallible(late(3, "C")));
    match yield_from!(tg.join()) {
        Ok(()) => println!("not reached"),
        Err(Failed::Error(e)) => println!(
            "TaskGroup raised ExceptionGroup 'unhandled errors in a TaskGroup (1 sub-exception)' ({e:?},)"
        ),
        Err(Failed::Ended(how)) => println!("TaskGroup: a task ended: {how}"),
    }
    let a = ta.take_outcome().expect("A ended");
    let b = tb.take_outcome().expect("B ended");
    let c_cancelled = tc.take_outcome() == Some(Err(TaskEnded::Cancelled));
    println!(
        "A result: {} | B exception: {:?} | C cancelled: {}",
        a.expect("A returned").expect("A succeeded"),
        b.expect("B returned").expect_err("B failed"),
        if c_cancelled { "True" } else { "False" }
    );
}

/// Runs the exercise.
pub fn main() {
    exec::run(main_task()).expect("main returns");
}
