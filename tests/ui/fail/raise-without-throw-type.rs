//! `raise_!` needs a declared `throw` type.
use corogen::prelude::*;

#[generator(yield = u32)]
fn numbers() {
    yield_!(1);
    raise_!("failed");
}

fn main() {}
