//! An attribute argument takes a type, not a value.
use corogen::prelude::*;

#[generator(yield = 42)]
fn numbers() {
    yield_!(1);
}

fn main() {}
