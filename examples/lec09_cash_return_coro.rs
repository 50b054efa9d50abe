//! LEC-09: a coroutine with alternating receive/produce yields; `close()` reaches it at its
//! yield point, where it logs the exit and lets the close go on.
//!
//! Python catches `GeneratorExit` around the yields, prints, and re-raises. Here the yields are
//! `try_yield!`, which evaluate to `Err(Interrupt::Close)` when the coroutine is closed; the
//! body prints and raises the close again with `raise_!`, which ends it.

use corogen::prelude::*;
use std::pin::pin;

/// The value of `deposit` after `years` at `percent` a year, compounded yearly.
///
/// Each round takes two resumes: the first bare yield receives a deposit, the second yields
/// what it grows to (rounded to cents); the value sent to the second is ignored.
#[generator(yield = Option<f64>, send = Option<f64>)]
fn cash_return_coro(percent: f64, years: i32) {
    let value = (1.0 + percent / 100.0).powi(years);
    loop {
        let deposit = match try_yield!(None) {
            Ok(deposit) => deposit.expect("a deposit is sent, not next()"),
            Err(interrupt) => {
                println!("Выход из корутины");
                raise_!(interrupt);
            }
        };
        let grown = (deposit * value * 100.0).round() / 100.0;
        if let Err(interrupt) = try_yield!(Some(grown)) {
            println!("Выход из корутины");
            raise_!(interrupt);
        }
    }
}

/// Runs the exercise.
pub fn main() {
    let mut coro = pin!(cash_return_coro(5.0, 5));
    coro.next(); // prime it: run to the first `yield`
    for item in [1000.0, 2000.0, 5000.0, 10000.0, 100000.0] {
        if let Ok(GeneratorState::Yielded(Some(grown))) = coro.send(Some(item)) {
            println!("{grown:.2}");
        }
        coro.next(); // move past the produce yield, back to the receive yield
    }
    assert_eq!(coro.close(), Ok(None), "the close went on through the body");
}
