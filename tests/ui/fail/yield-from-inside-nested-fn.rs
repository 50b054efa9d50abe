//! `yield_from!` cannot be used in a function nested in a generator.
use corogen::prelude::*;

#[generator(yield = u32)]
fn numbers() {
    fn helper() {
        yield_from!([1, 2]);
    }
    helper();
}

fn main() {}
