//! LEC-22: a generator is single-use: after three `next()` calls, collecting it gets only
//! what is left; an exhausted search finds nothing; generators and lazy iterators feed
//! `min`, `sorted`, `any`, `all` and `next`.
//!
//! Python's generator expression `(x ** 2 for x in range(1, 10))` becomes a `#[generator]`
//! function. The later generator expressions over the list `a` are, in Rust, lazy iterator
//! chains: they too compute nothing until they are consumed, one item at a time.

use corogen::prelude::*;
use std::pin::pin;

/// `(x ** 2 for x in range(1, 10))`.
#[generator(yield = u64)]
fn squares() {
    for x in 1..10 {
        yield_!(x * x);
    }
}

/// Writes a boolean as Python prints it.
fn python_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

/// Runs the exercise.
pub fn main() {
    let mut g = pin!(squares());
    println!("{}", g.next().unwrap());
    println!("{}", g.next().unwrap());
    println!("{}", g.next().unwrap());
    // `list(g)`: only the squares not yet taken are left.
    let rest: Vec<u64> = g.collect();
    println!("{rest:?}");

    let a = [6, 5, 2, 8, 9, 1, 11, 7, 4];
    let multiple_of_3 = a.iter().filter(|&&x| x % 3 == 0).min().unwrap();
    println!("{multiple_of_3}");
    let mut even: Vec<i32> = a.iter().copied().filter(|x| x % 2 == 0).collect();
    even.sort();
    println!("{even:?}");
    println!("{}", python_bool(a.iter().any(|&x| x > 10)));
    println!("{}", python_bool(a.iter().all(|&x| x < 15)));
    println!("{}", a.iter().find(|&&x| x > 10).unwrap());
    // Python's `next()` on an empty generator raises StopIteration; here it finds `None`.
    match a.iter().find(|&&x| x > 15) {
        Some(x) => println!("{x}"),
        None => println!("StopIteration"),
    }
}
