//! `yield_!` evaluates to the declared `send` type.
use corogen::prelude::*;

#[generator(yield = u32, send = String)]
fn echo() {
    let reply: u32 = yield_!(1);
    yield_!(reply);
}

fn main() {}
