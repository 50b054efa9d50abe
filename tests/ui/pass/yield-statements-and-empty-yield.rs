//! Yield points as statements, as expressions, empty, and nested in each other.
use corogen::prelude::*;
use std::pin::pin;

#[generator(yield = (u32, u32), send = u32)]
fn pairs() {
    yield_!((0, 0));
    let a = yield_!((1, 1));
    yield_!((a, yield_!((2, 2))));
}

#[generator]
fn ticks() {
    yield_!();
    yield_!(());
}

fn main() {
    let mut g = pin!(pairs());
    g.start().unwrap();
    assert_eq!(pin!(ticks()).count(), 2);
}
