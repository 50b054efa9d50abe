//! `yield_from!` only works inside a `#[generator]` function.
use corogen::prelude::*;

fn not_a_generator() {
    yield_from!([1, 2, 3]);
}

fn main() {}
