//! Resuming a generator needs `&mut` access to it.
use corogen::prelude::*;
use std::pin::pin;

#[generator(yield = u32)]
fn numbers() {
    yield_!(1);
}

fn first<G: GeneratorExt<Yield = u32>>(g: &G) {
    let _ = g.start();
}

fn main() {
    first(&pin!(numbers()));
}
