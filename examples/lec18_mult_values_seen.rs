//! LEC-18: as LEC-17, but the delegating coroutine keeps the value sent to its own
//! `yield_!(res)` and prints it: "Got 3", "Got 6", "Got 9".

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

/// Multiplies pairs forever, yielding each product and printing what it is sent back.
#[generator(yield = Said, send = i64)]
fn task() {
    loop {
        let res = yield_from!(mult());
        let res2 = yield_!(Said::Product(res));
        println!("Got {res2}");
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
