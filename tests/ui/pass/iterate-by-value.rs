//! A generator iterates by value (boxed for the loop), pinned, and boxed with `.boxed()`.
use corogen::prelude::*;
use std::pin::pin;

#[generator(yield = u32)]
fn numbers() {
    yield_!(1);
    yield_!(2);
}

fn main() {
    let mut seen = Vec::new();
    for n in numbers() {
        seen.push(n);
    }
    seen.extend(pin!(numbers()));
    seen.extend(numbers().boxed());
    assert_eq!(seen, [1, 2, 1, 2, 1, 2]);
}
