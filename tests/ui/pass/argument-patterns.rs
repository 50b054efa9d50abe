//! Patterns in argument position: tuples, structs, `mut` and `_`.
use corogen::prelude::*;
use std::pin::pin;

struct Point {
    x: i32,
    y: i32,
}

#[generator(yield = i32)]
fn coordinates((a, b): (i32, i32), Point { x, y }: Point, mut n: i32, _: ()) {
    n += 1;
    for v in [a, b, x, y, n] {
        yield_!(v);
    }
}

fn main() {
    let all: Vec<i32> = pin!(coordinates((1, 2), Point { x: 3, y: 4 }, 4, ())).collect();
    assert_eq!(all, [1, 2, 3, 4, 5]);
}
