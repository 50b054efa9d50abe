//! An iterable delegated to must have items of the yield type.
use corogen::prelude::*;

#[generator(yield = u32)]
fn numbers() {
    yield_from!(["one", "two"]);
}

fn main() {}
