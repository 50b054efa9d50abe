//! LEC-07: `yield 1; yield 2; return 3`: the third resume finds the generator returning, and
//! the return value (Python's `StopIteration.value`) comes back as
//! [`GeneratorState::Complete`].

use corogen::prelude::*;
use std::convert::Infallible;
use std::pin::pin;

/// Yields 1 and 2, then returns 3.
#[generator(yield = u32)]
fn simple_generator() -> u32 {
    yield_!(1);
    yield_!(2);
    3
}

/// Prints what one resume came to.
fn show(state: Result<GeneratorState<u32, u32>, ResumeError<(), Infallible>>) {
    match state {
        Ok(GeneratorState::Yielded(value)) => println!("{value}"),
        // Where Python raises StopIteration carrying 3, the generator completes with 3.
        Ok(GeneratorState::Complete(value)) => println!("StopIteration: {value}"),
        Err(error) => panic!("{error}"),
    }
}

/// Runs the exercise.
pub fn main() {
    let mut generator = pin!(simple_generator());
    show(generator.start()); // Python's first next()
    show(generator.send(())); // and the later ones
    show(generator.send(()));
}
