//! The body's value must have the declared return type.
use corogen::prelude::*;

#[generator(yield = u32)]
fn numbers() -> u32 {
    yield_!(1);
    "done"
}

fn main() {}
