//! Delegating to an iterable needs the send type `()`.
use corogen::prelude::*;

#[generator(yield = u32, send = u32)]
fn numbers() {
    yield_from!([1, 2, 3]);
}

fn main() {}
