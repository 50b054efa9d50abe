//! Yielding a value needs a declared `yield` type.
use corogen::prelude::*;

#[generator]
fn numbers() {
    yield_!(1);
}

fn main() {}
