//! `yield_from!` needs something to delegate to.
use corogen::prelude::*;

#[generator(yield = u32)]
fn numbers() {
    yield_from!();
}

fn main() {}
