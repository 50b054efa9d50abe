//! `raise_!` only works inside a `#[generator]` function.
use corogen::prelude::*;

fn not_a_generator() {
    raise_!("oops");
}

fn main() {}
