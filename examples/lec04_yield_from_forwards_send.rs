//! LEC-04: `yield_from!` forwards `send()` to the inner generator: it receives 1.
//!
//! The same two generators as LEC-03, but the wrapper delegates with `yield_from!` (Python's
//! `yield from`) instead of re-yielding in a `for` loop.

use corogen::prelude::*;
use std::pin::pin;

/// Prints every value it is sent.
#[generator(send = Option<i32>)]
fn generator() {
    loop {
        let sent_value = yield_!();
        match sent_value {
            Some(value) => println!("Sent value is {value}"),
            None => println!("Sent value is None"),
        }
    }
}

/// Delegates to `generator()`: sent values go straight through to it.
#[generator(send = Option<i32>)]
fn another_generator() {
    yield_from!(generator());
}

/// Runs the exercise.
pub fn main() {
    let mut generator = pin!(another_generator());
    generator.start().unwrap();
    generator.send(Some(1)).unwrap();
}
