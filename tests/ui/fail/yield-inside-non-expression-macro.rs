//! `yield_!` in another macro's arguments needs comma-separated expressions.
use corogen::prelude::*;

#[generator(yield = u32, send = u32)]
fn numbers() {
    let repeated = vec![yield_!(1); 3];
    drop(repeated);
}

fn main() {}
