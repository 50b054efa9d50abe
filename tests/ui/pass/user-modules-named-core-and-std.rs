//! The expansion uses absolute paths only: modules named `core`, `std` and `corogen` in the
//! user's crate do not change what it refers to.
#![allow(dead_code)]
use ::corogen::prelude::*;
use ::std::pin::pin;

mod core {}
mod std {}
mod corogen {}

#[generator(yield = u32)]
fn numbers() -> u32 {
    yield_!(1);
    yield_from!([2, 3]);
    4
}

fn main() {
    let all: Vec<u32> = pin!(numbers()).collect();
    assert_eq!(all, [1, 2, 3]);
}
