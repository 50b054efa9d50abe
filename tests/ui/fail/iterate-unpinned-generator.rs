//! A generator must be pinned before it is iterated.
use corogen::prelude::*;

#[generator(yield = u32)]
fn numbers() {
    yield_!(1);
}

fn main() {
    for n in numbers() {
        println!("{n}");
    }
}
