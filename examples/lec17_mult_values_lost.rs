//! LEC-17: a driver sends 1..9 into a coroutine that delegates to `mult()`; the values sent
//! while it sits at its own `yield_!(res)` are silently discarded (3, 6 and 9 are "lost").

use corogen::prelude::*;
use std::fmt;
use std::pin::pin;

/// What the coroutine says: a prompt from `mult()`, or a product from `task()`.
enum Said {
    Prompt(&'static str),
    Product(i64),
}

impl fmt::Display for Said {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Said::Prompt(prompt) => f.write_str(prompt),
            Said::Product(product) => write!(f, "{product}"),
        }
    }
}

/// Asks for two numbers and returns their product.
#[generator(yield = Said, send = i64)]
fn mult() -> i64 {
    let x = yield_!(Said::Prompt("Give me X"));
    let y = yield_!(Said::Prompt("Give me Y"));
    x * y
}

/// Multiplies pairs forever, yielding each product.
#[generator(yield = Said, send = i64)]
fn task() {
    loop {
        let res = yield_from!(mult());
        yield_!(Said::Product(res)); // the value sent here is dropped
    }
}

/// Runs the exercise.
pub fn main() {
    let mut coro = pin!(task());
    if let Ok(GeneratorState::Yielded(said)) = coro.start() {
        println!("'{said}'"); // quoted, as Python's REPL echoes a string
    }
    for i in 1..10 {
        if let Ok(GeneratorState::Yielded(said)) = coro.send(i) {
            println!("{said}");
        }
    }
}
