//! A yielded reference must outlive the generator's locals.
use corogen::prelude::*;

#[generator(yield = &'static str)]
fn words() {
    let owned = String::from("hi");
    yield_!(&owned);
}

fn main() {}
