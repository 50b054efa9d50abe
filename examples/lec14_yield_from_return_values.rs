//! LEC-14: `let res = yield_from!(fun(n))` evaluates to the sub-generator's return value;
//! collecting `run()` into a list prints "1 2" on the way, while the words are produced.

use corogen::prelude::*;
use std::pin::pin;

/// Yields two words and returns `n`.
#[generator(yield = &'static str)]
fn fun(n: u32) -> u32 {
    yield_!("One");
    yield_!("Two");
    n
}

/// Collects the return values of two delegations.
#[generator(yield = &'static str)]
fn run() {
    let res1 = yield_from!(fun(1));
    let res2 = yield_from!(fun(2));
    println!("{res1} {res2}");
}

/// Writes a list of strings as Python prints it: `['One', 'Two']`.
fn python_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("'{item}'")).collect();
    format!("[{}]", quoted.join(", "))
}

/// Runs the exercise.
pub fn main() {
    // `list(run())`: the generator runs to its end (printing "1 2") before the list is shown.
    let words: Vec<&str> = pin!(run()).collect();
    println!("{}", python_list(&words));
}
