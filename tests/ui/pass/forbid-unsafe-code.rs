//! A crate that forbids `unsafe` code can still write generators: the expansion's one
//! `unsafe` block is the macro's own, and the user's body stays outside it.
#![forbid(unsafe_code)]

use corogen::prelude::*;
use std::pin::pin;

#[generator(yield = u8)]
fn count(n: u8) {
    for i in 0..n {
        yield_!(i);
    }
}

fn main() {
    let v: Vec<u8> = pin!(count(3)).collect();
    assert_eq!(v, [0, 1, 2]);
}
