//! `#[generator]` does not apply to an `extern` function.
use corogen::prelude::*;

#[generator(yield = u32)]
extern "C" fn numbers() {
    yield_!(1);
}

fn main() {}
