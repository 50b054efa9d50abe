//! A generator must be pinned before it is started.
use corogen::prelude::*;

#[generator(yield = u32)]
fn numbers() {
    yield_!(1);
}

fn main() {
    let mut g = numbers();
    g.start().unwrap();
}
