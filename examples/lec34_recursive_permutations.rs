//! LEC-34: a recursive generator with `yield_from!`: every permutation of "abc".
//!
//! A generator that delegates to itself must box the recursive call (`Box::pin`): like a
//! recursive `async fn`, its state would otherwise contain itself.

use corogen::prelude::*;
use std::pin::pin;

/// Yields every arrangement of the letters of `s` that extends `a`, the first `i` chosen.
#[generator(yield = String)]
fn permutations(s: &'static str, i: usize, a: String) {
    if i == s.len() {
        yield_!(a);
        return;
    }
    for c in s.chars() {
        if !a.contains(c) {
            yield_from!(Box::pin(permutations(s, i + 1, format!("{a}{c}"))));
        }
    }
}

/// Writes a list of strings as Python prints it: `['abc', 'acb']`.
fn python_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("'{item}'")).collect();
    format!("[{}]", quoted.join(", "))
}

/// Runs the exercise.
pub fn main() {
    let all: Vec<String> = pin!(permutations("abc", 0, String::new())).collect();
    println!("{}", python_list(&all));
}
