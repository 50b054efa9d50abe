//! `yield_!` only works inside a `#[generator]` function.
use corogen::prelude::*;

fn not_a_generator() {
    yield_!(1);
}

fn main() {}
