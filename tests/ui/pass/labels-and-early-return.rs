//! Labelled loops, `break` with a value and an early `return` inside a generator.
use corogen::prelude::*;
use std::pin::pin;

#[generator(yield = u32)]
fn search(limit: u32) -> Option<u32> {
    let found = 'outer: loop {
        for i in 0..limit {
            yield_!(i);
            if i == 3 {
                break 'outer i;
            }
        }
        return None;
    };
    Some(found)
}

fn main() {
    let mut g = pin!(search(10));
    while let Ok(GeneratorState::Yielded(_)) = g.send(()).or_else(|_| g.start()) {}
}
