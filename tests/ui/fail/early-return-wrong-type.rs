//! A `return` in a generator must have the declared return type.
use corogen::prelude::*;

#[generator(yield = u32)]
fn numbers(stop: bool) -> u32 {
    if stop {
        return "stopped";
    }
    yield_!(1);
    2
}

fn main() {}
