//! A first end-to-end check of a generator driven by send.
use corogen::prelude::*;
use std::pin::pin;

#[generator(yield = u64, send = Option<u64>)]
fn get_squares(number: u64) {
    let mut value = 1;
    while value <= number {
        match yield_!(value * value) {
            None => value += 1,
            Some(v) => value = v,
        }
    }
}

#[test]
fn smoke() {
    let mut g = pin!(get_squares(5));
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
    assert_eq!(g.send(None), Ok(GeneratorState::Yielded(4)));
    assert_eq!(g.send(Some(5)), Ok(GeneratorState::Yielded(25)));
    assert_eq!(g.send(None), Ok(GeneratorState::Complete(())));
}
