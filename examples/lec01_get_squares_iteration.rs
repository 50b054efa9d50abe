//! LEC-01: `get_squares` as a generator, consumed by a `for` loop and by an explicit
//! `next()` loop that stops when the generator is exhausted.
//!
//! Python's `for` loop and its `while True: next(...) / except StopIteration` loop are the same
//! thing in Rust: a pinned generator is an [`Iterator`], and `next()` returning `None` is
//! Python's `StopIteration`.

use corogen::prelude::*;
use std::pin::pin;

/// Yields the squares of 1, 2, ..., `number`.
#[generator(yield = u64)]
fn get_squares(number: u64) {
    let mut value = 1;
    while value <= number {
        yield_!(value * value);
        value += 1;
    }
}

/// Runs the exercise.
pub fn main() {
    // `for square in get_squares(10):` -- the generator must be pinned before it runs.
    for square in pin!(get_squares(10)) {
        println!("Square: {square}");
    }

    // The same loop by hand: `next()` until it returns `None`, Python's StopIteration.
    let mut generator = pin!(get_squares(10));
    #[expect(
        clippy::while_let_on_iterator,
        reason = "the exercise spells out the next() calls a for loop makes"
    )]
    while let Some(square) = generator.next() {
        println!("Square: {square}");
    }
}
