//! LEC-13: delegating to the same generator function twice in a row: One Two One Two.
//!
//! Each call of `fun()` makes a fresh generator; `yield_from!` runs each to its end.

use corogen::prelude::*;
use std::pin::pin;

/// Yields two words.
#[generator(yield = &'static str)]
fn fun() {
    yield_!("One");
    yield_!("Two");
}

/// Delegates to two `fun()` generators, one after the other.
#[generator(yield = &'static str)]
fn run() {
    yield_from!(fun());
    yield_from!(fun());
}

/// Runs the exercise.
pub fn main() {
    for i in pin!(run()) {
        println!("{i}");
    }
}
