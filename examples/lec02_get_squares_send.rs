//! LEC-02: `get_squares` with `send()`: a sent value repositions the sequence, `next()`
//! advances it.
//!
//! Python's `next()` sends `None`; here the send type is `Option<u64>` and `next()` (the
//! [`Iterator`] method of a pinned generator) sends its default, `None`. `send(Some(v))` is
//! Python's `send(v)`.

use corogen::prelude::*;
use std::fmt::Display;
use std::pin::pin;

/// Yields squares; a sent number moves the sequence to that number.
#[generator(yield = u64, send = Option<u64>)]
fn get_squares(number: u64) {
    let mut value = 1;
    while value <= number {
        let new_value = yield_!(value * value);
        println!(
            "get_squares: value {value} new_value {}",
            show(new_value.as_ref())
        );
        match new_value {
            None => {
                value += 1;
                println!("get_squares: after increment {value}");
            }
            Some(new_value) => {
                value = new_value;
                println!("get_squares: set from send {value}");
            }
        }
    }
}

/// Prints an optional value the way the Python original prints it: the value, or `None`.
fn show(value: Option<&impl Display>) -> String {
    value.map_or_else(|| "None".to_string(), ToString::to_string)
}

/// Runs the exercise.
pub fn main() {
    let mut generator = pin!(get_squares(5));
    // `next()` starts the generator, and later resumes it with `None`.
    println!("Square of 1 is {}", generator.next().unwrap());
    println!("Square of 2 is {}", generator.next().unwrap());
    println!("Square of 3 is {}", generator.next().unwrap());

    // `send(Some(1))` resumes it with a value: the pending `yield_!` evaluates to `Some(1)`.
    let Ok(GeneratorState::Yielded(square)) = generator.send(Some(1)) else {
        unreachable!("get_squares(5) yields again after send(1)")
    };
    println!("Send 1 and square of 1 is {square}");
    println!("Square of 2 is {}", generator.next().unwrap());
    let Ok(GeneratorState::Yielded(square)) = generator.send(Some(5)) else {
        unreachable!("get_squares(5) yields again after send(5)")
    };
    println!("Send 5 and square of 5 is {square}");
}
