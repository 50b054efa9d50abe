//! A generator delegated to must have the same send type.
use corogen::prelude::*;

#[generator(yield = u32, send = String)]
fn inner() {
    let _reply = yield_!(1);
}

#[generator(yield = u32, send = u32)]
fn outer() {
    yield_from!(inner());
}

fn main() {}
