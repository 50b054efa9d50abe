//! LEC-24: an infinite Fibonacci generator, stopped by its consumer's `break` once the values
//! pass 1,000,000. Leaving the loop drops the suspended generator, which closes it.

use corogen::prelude::*;
use std::pin::pin;

/// 1, 1, 2, 3, 5, ... without end.
#[generator(yield = u64)]
fn fib() {
    let (mut a, mut b) = (0, 1);
    loop {
        yield_!(b);
        (a, b) = (b, a + b);
    }
}

/// Runs the exercise.
pub fn main() {
    for x in pin!(fib()) {
        if x > 1_000_000 {
            break;
        }
        println!("{x}");
    }
}
