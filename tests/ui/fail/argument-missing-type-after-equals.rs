//! An attribute argument's `=` must be followed by a type.
use corogen::prelude::*;

#[generator(yield = u32, send =)]
fn numbers() {
    yield_!(1);
}

fn main() {}
