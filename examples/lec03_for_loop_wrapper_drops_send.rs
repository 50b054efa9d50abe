//! LEC-03: re-yielding through a `for` loop does *not* forward `send()`: the inner generator
//! only ever receives what the loop's `next()` sends, `None`.
//!
//! Compare LEC-04, where `yield_from!` forwards the sent value.

use corogen::prelude::*;
use std::pin::pin;

/// Prints every value it is sent (`None` is what `next()` sends).
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

/// Wraps `generator()` in a `for` loop: the loop drives the inner generator with `next()`,
/// and whatever is sent to the wrapper is dropped on the floor.
#[generator(send = Option<i32>)]
fn another_generator() {
    for j in pin!(generator()) {
        let _ignored = yield_!(j);
    }
}

/// Runs the exercise.
pub fn main() {
    let mut generator = pin!(another_generator());
    generator.start().unwrap();
    // The 1 stops at the wrapper; the inner generator is resumed by the loop with `None`.
    generator.send(Some(1)).unwrap();
}
