//! LEC-05: a two-level `yield_from!` chain (`get_square2` → `get_square1` →
//! `calculate_root`): sent numbers reach the innermost generator, and its squares come back
//! out through both delegating levels.

use corogen::prelude::*;
use std::pin::pin;

/// Receives a number, yields its square, forever.
#[generator(yield = Option<u64>, send = u64)]
fn calculate_root() {
    let mut number = yield_!(None);
    loop {
        number = yield_!(Some(number * number));
    }
}

/// One level of delegation.
#[generator(yield = Option<u64>, send = u64)]
fn get_square1() {
    yield_from!(calculate_root());
}

/// Two levels of delegation: a send here resumes `calculate_root` directly.
#[generator(yield = Option<u64>, send = u64)]
fn get_square2() {
    yield_from!(get_square1());
}

/// Sends `number` down the chain and returns the square that comes back.
fn square_of<G: GeneratorExt<Send = u64, Yield = Option<u64>>>(
    generator: &mut G,
    number: u64,
) -> u64 {
    match generator.send(number) {
        Ok(GeneratorState::Yielded(Some(square))) => square,
        _ => unreachable!("calculate_root answers every number"),
    }
}

/// Runs the exercise.
pub fn main() {
    let mut generator = pin!(get_square2());
    // Python's `next(generator)`: run to the first, bare, `yield`.
    generator.start().unwrap();
    println!("Square of 2 is {}", square_of(&mut generator, 2));
    println!("Square of 5 is {}", square_of(&mut generator, 5));
    println!("Square of 10 is {}", square_of(&mut generator, 10));
}
