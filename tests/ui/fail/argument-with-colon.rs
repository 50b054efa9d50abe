//! Attribute arguments are written `key = Type`, not `key: Type`.
use corogen::prelude::*;

#[generator(yield: u32)]
fn numbers() {
    yield_!(1);
}

fn main() {}
