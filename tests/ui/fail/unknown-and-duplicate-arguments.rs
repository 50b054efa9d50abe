//! Independent mistakes in the arguments are reported together.
use corogen::prelude::*;

#[generator(yield = u32, resume = u32, yield = u64)]
fn numbers() {
    yield_!(1);
}

fn main() {}
