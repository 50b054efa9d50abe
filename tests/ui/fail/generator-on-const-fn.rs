//! `#[generator]` does not apply to a `const fn`.
use corogen::prelude::*;

#[generator(yield = u32)]
const fn numbers() {
    yield_!(1);
}

fn main() {}
