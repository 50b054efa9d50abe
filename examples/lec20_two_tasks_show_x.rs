//! LEC-20: as LEC-19, with the `x` already received shown in the second prompt: which value
//! lands in which coroutine, and where.

use corogen::prelude::*;
use std::pin::pin;

/// Asks for two numbers and returns their product.
#[generator(yield = String, send = i64)]
fn mult(name: &'static str) -> i64 {
    let x = yield_!(format!("{name}: Give me X"));
    let y = yield_!(format!("{name}: Give me Y, (x={x})"));
    x * y
}

/// Multiplies pairs forever, announcing each product.
#[generator(yield = String, send = i64)]
fn task(name: &'static str) {
    loop {
        let value = yield_from!(mult(name));
        yield_!(format!("[{name}]: {value}"));
    }
}

/// Runs the exercise.
pub fn main() {
    let mut tasks = [pin!(task("One")), pin!(task("Two"))];
    let first = tasks[0].next().unwrap();
    let second = tasks[1].next().unwrap();
    println!("('{first}', '{second}')"); // printed as Python prints the tuple
    for i in 0..20 {
        // Python's `not i % 3` is True (index 1) when i is a multiple of 3.
        let n = usize::from(i % 3 == 0);
        if let Ok(GeneratorState::Yielded(said)) = tasks[n].send(i) {
            println!("{said}");
        }
    }
}
