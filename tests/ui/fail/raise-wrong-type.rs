//! A raised error must have the declared `throw` type.
use corogen::prelude::*;

#[generator(yield = u32, throw = std::io::Error)]
fn numbers() {
    yield_!(1);
    raise_!("failed");
}

fn main() {}
