//! LEC-31: `yield 1; return 2`: the second resume finds the generator complete with 2
//! (Python's `StopIteration` carrying 2).

use corogen::prelude::*;
use std::pin::pin;

/// Yields 1, then returns 2.
#[generator(yield = u32)]
fn f() -> u32 {
    yield_!(1);
    2
}

/// Runs the exercise.
pub fn main() {
    let mut g = pin!(f());
    println!("{}", g.next().unwrap());
    // `next()` on an iterator would drop the return value; `send` delivers it.
    if let Ok(GeneratorState::Complete(value)) = g.send(()) {
        println!("StopIteration: {value}");
    }
}
