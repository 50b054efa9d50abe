//! `impl Trait` arguments and an `impl Trait` return type.
use corogen::prelude::*;
use std::fmt::Display;
use std::pin::pin;

#[generator(yield = String)]
fn show(items: impl IntoIterator<Item = impl Display>) -> impl Display {
    let mut count = 0;
    for item in items {
        yield_!(item.to_string());
        count += 1;
    }
    count
}

fn main() {
    let shown: Vec<String> = pin!(show([1, 2])).collect();
    assert_eq!(shown, ["1", "2"]);
}
