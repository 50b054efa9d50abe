//! LEC-29: a generator left suspended when the program ends is closed: its yield point sees
//! the close, then its cleanup runs.
//!
//! Python's garbage collector closes the generator at exit, raising `GeneratorExit` inside it.
//! In Rust the generator is closed when it is dropped, at the end of `main`; its `try_yield!`
//! sees `Err(Interrupt::Close)`. The `finally` block is a guard whose `Drop` prints.

use corogen::prelude::*;
use std::pin::pin;

/// Prints "Finally" when it goes out of scope, however the generator ends: Python's `finally`.
struct Finally;

impl Drop for Finally {
    fn drop(&mut self) {
        println!("Finally");
    }
}

/// Yields 1, 2 and 3; reports whatever interrupts it.
#[generator(yield = u32)]
fn one_two_three() {
    let _finally = Finally;
    for value in [1, 2, 3] {
        // `except BaseException as e: print(type(e))`
        if let Err(interrupt) = try_yield!(value) {
            println!("Interrupt::{interrupt:?}");
            return;
        }
    }
}

/// Runs the exercise.
pub fn main() {
    let mut g = pin!(one_two_three());
    println!("{}", g.next().unwrap());
    println!("{}", g.next().unwrap());
    // `g` is still suspended at `yield 2`; dropping it here closes it.
}
