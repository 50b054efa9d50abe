//! The executor's trampoline: calls through a task's stack, typed return values, depth.

use corogen::exec::{self, Reply, SysCall, sys};
use corogen::prelude::*;

#[generator(yield = SysCall, send = Reply)]
fn double(x: u64) -> u64 {
    x * x
}

#[generator(yield = SysCall, send = Reply)]
fn add(x: u64, y: u64) -> u64 {
    yield_from!(sys::call(double(x + y)))
}

#[generator(yield = SysCall, send = Reply)]
fn main_task() -> String {
    let result = yield_from!(sys::call(add(1, 2)));
    format!("{result}")
}

#[test]
fn a_call_returns_its_typed_value_to_the_caller() {
    assert_eq!(exec::run(main_task()), Ok("9".to_owned()));
}

#[generator(yield = SysCall, send = Reply)]
fn depth(n: u64) -> u64 {
    if n == 0 {
        yield_from!(sys::pause());
        return 0;
    }
    yield_from!(sys::call(depth(n - 1))) + 1
}

#[test]
fn a_call_stack_100_000_deep_runs_without_overflowing() {
    assert_eq!(exec::run(depth(100_000)), Ok(100_000));
}
