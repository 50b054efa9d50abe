//! LEC-28: an echo coroutine, `msg = yield msg`: primed with `next()` it yields `None`;
//! `send("Hello")` gives back "Hello", `send(0)` gives back 0, `next()` gives back `None`;
//! after `close()` the generator is finished, and `next()` finds nothing.
//!
//! Python's echo takes any object; here the messages are an enum of the two kinds the
//! exercise sends, and `None` (what `next()` sends) is `Option::None`.

use corogen::prelude::*;
use std::fmt;
use std::pin::pin;

/// A message: a string or a number.
#[derive(Debug, Clone, Copy)]
enum Msg {
    Text(&'static str),
    Number(i64),
}

/// Shows a message the way Python's REPL echoes it: strings quoted, numbers bare.
impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Text(text) => write!(f, "'{text}'"),
            Msg::Number(number) => write!(f, "{number}"),
        }
    }
}

/// Yields back whatever it was last sent.
#[generator(yield = Option<Msg>, send = Option<Msg>)]
fn echo_gen() {
    let mut msg = None;
    loop {
        msg = yield_!(msg);
    }
}

/// Prints an echoed message; `None` as Python prints it.
fn show(msg: Option<Msg>) {
    match msg {
        Some(msg) => println!("{msg}"),
        None => println!("None"),
    }
}

/// Sends `msg` and returns what comes back.
fn send(
    eg: &mut impl GeneratorExt<Yield = Option<Msg>, Send = Option<Msg>>,
    msg: Msg,
) -> Option<Msg> {
    match eg.send(Some(msg)) {
        Ok(GeneratorState::Yielded(echo)) => echo,
        _ => unreachable!("echo_gen echoes forever"),
    }
}

/// Runs the exercise.
pub fn main() {
    let mut eg = pin!(echo_gen());
    show(eg.next().unwrap()); // prime it: the first yield gives `None`
    show(send(&mut eg, Msg::Text("Hello")));
    show(send(&mut eg, Msg::Number(0)));
    show(eg.next().unwrap()); // = eg.send(None)
    eg.close().unwrap();
    // Python's next() raises StopIteration; a finished generator's iterator returns `None`.
    if eg.next().is_none() {
        println!("StopIteration");
    }
}
