//! Yield points inside other macros' comma-separated arguments are rewritten.
use corogen::prelude::*;
use std::pin::pin;

#[generator(yield = u32, send = u32)]
fn echo() {
    println!("{}", yield_!(1));
    // The message is evaluated only on failure, so `yield_!(3)` does not run.
    assert_eq!(yield_!(2), 20, "sent {}", yield_!(3));
    let all = vec![yield_!(4), yield_!(5)];
    assert_eq!(all, [30, 40]);
}

fn main() {
    let mut g = pin!(echo());
    g.start().unwrap();
    for v in [10, 20, 30, 40] {
        g.send(v).unwrap();
    }
}
