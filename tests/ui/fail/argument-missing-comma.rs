//! Attribute arguments must be separated by commas.
use corogen::prelude::*;

#[generator(yield = u32 send = u32)]
fn numbers() {
    let _sent = yield_!(1);
}

fn main() {}
