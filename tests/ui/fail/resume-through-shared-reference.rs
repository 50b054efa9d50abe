//! Resuming a generator needs `&mut` access to it.
use corogen::prelude::*;
use std::pin::{Pin, pin};

#[generator(yield = u32)]
fn numbers() {
    yield_!(1);
}

fn first(g: &Pin<&mut impl GeneratorExt<Yield = u32>>) {
    g.start().unwrap();
}

fn main() {
    first(&pin!(numbers()));
}
