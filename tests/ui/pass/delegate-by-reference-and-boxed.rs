//! Delegating to a pinned generator by `&mut`, to a boxed one, and to iterators.
use corogen::prelude::*;
use std::pin::pin;

#[generator(yield = u32)]
fn two() -> &'static str {
    yield_!(1);
    yield_!(2);
    "two"
}

#[generator(yield = u32)]
fn outer() {
    let mut first = pin!(two());
    let said: Option<&str> = yield_from!(&mut first);
    assert_eq!(said, Some("two"));
    let said: &str = yield_from!(Box::pin(two()));
    assert_eq!(said, "two");
    yield_from!((3..5).map(|n| n * 10));
    yield_from!(vec![7]);
}

fn main() {
    let all: Vec<u32> = pin!(outer()).collect();
    assert_eq!(all, [1, 2, 1, 2, 30, 40, 7]);
}
