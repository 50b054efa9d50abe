//! LEC-23: a generator function yielding 1, 2, 3: `next()` four times (the fourth finds it
//! exhausted), collecting it into a list, and a `for` loop.

use corogen::prelude::*;
use std::pin::pin;

/// Yields 1, 2 and 3.
#[generator(yield = u32)]
fn f() {
    yield_!(1);
    yield_!(2);
    yield_!(3);
}

/// Runs the exercise.
pub fn main() {
    let mut g = pin!(f());
    for _ in 0..4 {
        match g.next() {
            Some(value) => println!("{value}"),
            // Python raises StopIteration here; a Rust iterator returns `None`.
            None => println!("StopIteration"),
        }
    }
    let all: Vec<u32> = pin!(f()).collect();
    println!("{all:?}");
    for x in pin!(f()) {
        println!("{}", x * 2);
    }
}
