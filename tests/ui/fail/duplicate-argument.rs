//! Each attribute argument is given at most once.
use corogen::prelude::*;

#[generator(yield = u32, send = (), yield = u64)]
fn numbers() {
    yield_!(1);
}

fn main() {}
