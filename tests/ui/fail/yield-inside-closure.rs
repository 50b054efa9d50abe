//! `yield_!` cannot be used in a closure inside a generator.
use corogen::prelude::*;

#[generator(yield = u32)]
fn evens(limit: u32) {
    (0..limit).filter(|n| n % 2 == 0).for_each(|n| {
        yield_!(n);
    });
}

fn main() {}
