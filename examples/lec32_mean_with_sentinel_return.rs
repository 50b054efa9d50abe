//! LEC-32: a running mean that returns its result: sending `None` (what `next()` sends) makes
//! it return `summa / count`, and `get_value` takes that return value from the finished
//! generator.

use corogen::prelude::*;
use std::pin::pin;

/// Sums what it is sent until it is sent `None`, then returns the mean.
#[generator(send = Option<i64>)]
fn mean() -> f64 {
    let mut summa = 0;
    let mut count = 0;
    loop {
        let Some(x) = yield_!() else {
            return summa as f64 / count as f64;
        };
        summa += x;
        count += 1;
    }
}

/// `next(gen)`, expecting the generator to finish: its return value, if it did.
fn get_value(g: &mut impl GeneratorExt<Send = Option<i64>, Return = f64>) -> Option<f64> {
    match g.send(None) {
        Ok(GeneratorState::Complete(value)) => Some(value),
        _ => None,
    }
}

/// Runs the exercise.
pub fn main() {
    let some_numbers = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    let mut m1 = pin!(mean());
    m1.start().unwrap();
    let mut m2 = pin!(mean());
    m2.start().unwrap();
    for x in some_numbers {
        if x % 2 == 0 {
            m1.send(Some(x)).unwrap();
        } else {
            m2.send(Some(x)).unwrap();
        }
    }
    // `{:?}` writes a float as Python does: 6.0, not 6.
    println!("{:?}", get_value(&mut m1).unwrap());
    println!("{:?}", get_value(&mut m2).unwrap());
}
