//! LEC-16: `send()` into a running generator: `next()` starts it, `send(42)` delivers 42,
//! and a later `next()` is `send(None)`.

use corogen::prelude::*;
use std::pin::pin;

/// Echoes the last value it received between slashes. `None` is what `next()` sends.
#[generator(yield = String, send = Option<i64>)]
fn task(res: i64) {
    println!("start {res}");
    let mut res = Some(res);
    loop {
        let shown = match res {
            Some(value) => value.to_string(),
            None => "None".to_string(),
        };
        res = yield_!(format!("/{shown}/"));
    }
}

/// Runs the exercise.
pub fn main() {
    let mut t = pin!(task(100500));
    // The values are printed quoted, as Python's REPL echoes a string.
    println!("'{}'", t.next().unwrap()); // starts the generator
    if let Ok(GeneratorState::Yielded(echo)) = t.send(Some(42)) {
        println!("'{echo}'");
    }
    println!("'{}'", t.next().unwrap()); // the same as t.send(None)
}
