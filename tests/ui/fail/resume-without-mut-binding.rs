//! A pinned generator is resumed through a `mut` binding.
use corogen::prelude::*;
use std::pin::pin;

#[generator(yield = u32)]
fn numbers() {
    yield_!(1);
}

fn main() {
    let g = pin!(numbers());
    let _ = g.start();
}
