//! An attribute argument needs `= Type`.
use corogen::prelude::*;

#[generator(yield)]
fn numbers() {
    yield_!(1);
}

fn main() {}
