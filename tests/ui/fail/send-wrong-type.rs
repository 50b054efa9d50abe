//! A sent value must have the declared `send` type.
use corogen::prelude::*;
use std::pin::pin;

#[generator(yield = u32, send = u32)]
fn totals() {
    let mut total = 0;
    loop {
        total += yield_!(total);
    }
}

fn main() {
    let mut g = pin!(totals());
    g.start().unwrap();
    g.send("five").unwrap();
}
