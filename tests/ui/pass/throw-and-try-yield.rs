//! `throw`, `try_yield!`, `try_yield_from!` and `raise_!` together.
use corogen::prelude::*;
use std::pin::pin;

#[derive(Debug, PartialEq)]
struct Stop;

#[generator(yield = u32, throw = Stop)]
fn inner() {
    yield_!(1);
}

#[generator(yield = u32, throw = Stop)]
fn outer() -> u32 {
    match try_yield_from!(inner()) {
        Ok(()) => 0,
        Err(Interrupt::Throw(Stop)) => match try_yield!(2) {
            Ok(()) => raise_!(Stop),
            Err(_) => 3,
        },
        Err(Interrupt::Close) => 4,
        Err(Interrupt::Ignored(_)) => 5,
    }
}

fn main() {
    let mut g = pin!(outer());
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
    assert_eq!(g.throw(Stop), Ok(GeneratorState::Yielded(2)));
}
