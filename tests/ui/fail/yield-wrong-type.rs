//! A yielded value must have the declared `yield` type.
use corogen::prelude::*;

#[generator(yield = u32)]
fn numbers() {
    yield_!("one");
}

fn main() {}
