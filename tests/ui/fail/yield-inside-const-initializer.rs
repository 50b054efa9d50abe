//! `yield_!` cannot be used in a const initializer.
use corogen::prelude::*;

#[generator(yield = u32)]
fn numbers() {
    const FIRST: u32 = yield_!(1);
    yield_!(FIRST);
}

fn main() {}
