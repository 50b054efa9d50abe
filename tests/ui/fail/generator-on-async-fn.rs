//! `#[generator]` does not apply to an `async fn`.
use corogen::prelude::*;

#[generator(yield = u32)]
async fn numbers() {
    yield_!(1);
}

fn main() {}
