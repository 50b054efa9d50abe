//! LEC-06: a coroutine with no suspension point finishes on its first resume and delivers its
//! return value (Python's `StopIteration.value`); a coroutine that awaits it gets that value.
//!
//! Python's `async def` coroutines are generators underneath, and `await` is `yield from`:
//! here `hello` is a generator that never yields, `call_vasya` delegates to it with
//! `yield_from!`, and `run_until_complete` is the smallest possible event loop.

use corogen::prelude::*;
use std::pin::pin;

/// `async def hello(name): return "Hello, {}".format(name)`: no yield point at all.
#[generator]
fn hello(name: &'static str) -> String {
    format!("Hello, {name}")
}

/// `async def call_vasya(): print(await hello("Vasya"))`.
#[generator]
fn call_vasya() {
    let greeting = yield_from!(hello("Vasya"));
    println!("{greeting}");
}

/// Resumes a coroutine until it completes and returns its return value: what an event loop
/// does for a coroutine that waits on nothing.
fn run_until_complete<G: GeneratorExt<Send = ()>>(mut coroutine: G) -> G::Return {
    let mut state = coroutine.start();
    loop {
        match state {
            Ok(GeneratorState::Complete(value)) => return value,
            Ok(GeneratorState::Yielded(_)) => state = coroutine.send(()),
            Err(_) => panic!("the coroutine failed"),
        }
    }
}

/// Runs the exercise.
pub fn main() {
    // `h.send(None)`: the first resume runs the whole body; the generator completes at once.
    let mut h = pin!(hello("Vasya"));
    if let Ok(GeneratorState::Complete(value)) = h.start() {
        println!("StopIteration: {value}");
    }

    // The awaiting coroutine completes on its first resume too; it returns nothing, `()`.
    let mut c = pin!(call_vasya());
    if let Ok(GeneratorState::Complete(value)) = c.start() {
        println!("call_vasya finished, value={value:?}");
    }

    println!(
        "run_until_complete returned {:?}",
        run_until_complete(pin!(call_vasya()))
    );
}
