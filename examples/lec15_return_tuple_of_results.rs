//! LEC-15: the delegating generator returns a tuple of its sub-generators' results: the
//! fifth resume finds it complete with `(1, 2)`.

use corogen::prelude::*;
use std::pin::pin;

/// Yields two words and returns `n`.
#[generator(yield = &'static str)]
fn fun(n: u32) -> u32 {
    yield_!("One");
    yield_!("Two");
    n
}

/// Delegates twice and returns both results.
#[generator(yield = &'static str)]
fn run() -> (u32, u32) {
    let res1 = yield_from!(fun(1));
    let res2 = yield_from!(fun(2));
    (res1, res2)
}

/// Runs the exercise.
pub fn main() {
    let mut r = pin!(run());
    let mut state = r.start();
    loop {
        match state {
            Ok(GeneratorState::Yielded(word)) => println!("'{word}'"),
            // Python's StopIteration carrying (1, 2): the generator completes with the tuple.
            Ok(GeneratorState::Complete(results)) => {
                println!("StopIteration: {results:?}");
                break;
            }
            Err(error) => panic!("{error}"),
        }
        state = r.send(());
    }
}
