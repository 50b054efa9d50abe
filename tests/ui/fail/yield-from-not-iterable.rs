//! `yield_from!` takes a generator or an iterable.
use corogen::prelude::*;

#[generator(yield = u32)]
fn numbers() {
    yield_from!(42u32);
}

fn main() {}
