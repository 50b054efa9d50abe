//! The attribute takes `yield`, `send` and `throw` only.
use corogen::prelude::*;

#[generator(yields = u32)]
fn numbers() {
    yield_!(1);
}

fn main() {}
