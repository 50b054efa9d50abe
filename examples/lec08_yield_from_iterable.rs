//! LEC-08: a `for` loop over a list re-yielding each item, and the equivalent
//! `yield_from!(numbers)`: `yield_from!` also delegates to any iterable.

use corogen::prelude::*;
use std::pin::pin;

const NUMBERS: [u32; 3] = [1, 2, 3];

/// Re-yields every item by hand.
#[generator(yield = u32)]
fn func() {
    for item in NUMBERS {
        yield_!(item);
    }
}

/// Delegates to the array: the same values, in one line.
#[generator(yield = u32)]
fn func2() {
    yield_from!(NUMBERS);
}

/// Runs the exercise.
pub fn main() {
    for item in pin!(func()) {
        println!("{item}");
    }
    for item in pin!(func2()) {
        println!("{item}");
    }
}
