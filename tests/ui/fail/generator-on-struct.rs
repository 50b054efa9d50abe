//! `#[generator]` applies to functions only.
use corogen::prelude::*;

#[generator(yield = u32)]
struct Counter {
    count: u32,
}

fn main() {}
