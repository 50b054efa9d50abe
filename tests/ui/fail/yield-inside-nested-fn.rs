//! `yield_!` cannot be used in a function nested in a generator.
use corogen::prelude::*;

#[generator(yield = u32)]
fn numbers() {
    fn helper() {
        yield_!(1);
    }
    helper();
}

fn main() {}
