//! A generator delegated to must have the same throw type, though it could be iterated.
use corogen::prelude::*;

struct Stop;
struct Other;

#[generator(yield = u32, throw = Other)]
fn inner() {
    yield_!(1);
    raise_!(Other);
}

#[generator(yield = u32, throw = Stop)]
fn outer() {
    yield_from!(inner());
}

fn main() {}
