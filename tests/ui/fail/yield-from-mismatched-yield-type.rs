//! A generator delegated to must have the same yield type.
use corogen::prelude::*;

#[generator(yield = String)]
fn words() {
    yield_!(String::from("hi"));
}

#[generator(yield = u32)]
fn numbers() {
    yield_from!(words());
}

fn main() {}
