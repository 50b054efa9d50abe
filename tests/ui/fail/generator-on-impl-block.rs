//! `#[generator]` goes on each method, not on the impl block.
use corogen::prelude::*;

struct Counter;

#[generator(yield = u32)]
impl Counter {
    fn numbers(&self) {
        yield_!(1);
    }
}

fn main() {}
