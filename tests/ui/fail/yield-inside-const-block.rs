//! `yield_!` cannot be used in a const block.
use corogen::prelude::*;

#[generator(yield = u32)]
fn numbers() {
    let first = const { yield_!(1) };
    yield_!(first);
}

fn main() {}
