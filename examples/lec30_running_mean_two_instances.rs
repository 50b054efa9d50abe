//! LEC-30: a running-mean coroutine; two independent instances are fed the even and the odd
//! numbers, and each `send` returns the mean so far.

use corogen::prelude::*;
use std::pin::pin;

/// Yields the mean of everything sent so far (`None` before the first number).
#[generator(yield = Option<f64>, send = f64)]
fn mean() {
    let mut summa = 0.0;
    let mut count = 0;
    loop {
        let mean = (count > 0).then(|| summa / f64::from(count));
        let x = yield_!(mean);
        summa += x;
        count += 1;
    }
}

/// Sends `x` to a running mean and returns the new mean.
fn add(m: &mut impl GeneratorExt<Yield = Option<f64>, Send = f64>, x: f64) -> Option<f64> {
    match m.send(x) {
        Ok(GeneratorState::Yielded(mean)) => mean,
        _ => unreachable!("mean() runs forever"),
    }
}

/// Runs the exercise.
pub fn main() {
    let some_numbers = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    let mut m1 = pin!(mean());
    m1.start().unwrap();
    let mut m2 = pin!(mean());
    m2.start().unwrap();
    let (mut mean_even, mut mean_odd) = (None, None);
    for x in some_numbers {
        if x % 2 == 0 {
            mean_even = add(&mut m1, f64::from(x));
        } else {
            mean_odd = add(&mut m2, f64::from(x));
        }
    }
    // `{:?}` writes a float as Python does: 6.0, not 6.
    println!("{:?}", mean_even.unwrap());
    println!("{:?}", mean_odd.unwrap());
}
