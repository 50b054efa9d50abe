//! `yield_!` cannot be used in an async block inside a generator.
use corogen::prelude::*;

#[generator(yield = u32)]
fn numbers() {
    let later = async {
        yield_!(1);
    };
    drop(later);
}

fn main() {}
