//! Generic parameters, lifetimes and `where` clauses.
use corogen::prelude::*;
use std::fmt::Display;
use std::pin::pin;

#[generator(yield = &'a T)]
fn each<'a, T>(items: &'a [T]) -> usize
where
    T: Display + 'a,
{
    for item in items {
        yield_!(item);
    }
    items.len()
}

fn main() {
    let words = ["a", "b"];
    let seen: Vec<&&str> = pin!(each(&words)).collect();
    assert_eq!(seen, [&"a", &"b"]);
}
