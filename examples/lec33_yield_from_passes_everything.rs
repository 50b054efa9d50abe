//! LEC-33: `gen2` delegates to `gen1`: the yields pass straight through, sends and throws
//! reach `gen1`, and `gen1`'s return value becomes the value of `yield_from!`.
//!
//! Python redefines `gen1`/`gen2` half-way through; here each version lives in its own module.

use corogen::prelude::*;
use std::pin::pin;

/// The first version: `gen1` just yields.
mod plain {
    use corogen::prelude::*;

    #[generator(yield = u32)]
    fn gen1() {
        yield_!(1);
        yield_!(2);
        yield_!(3);
    }

    /// Delegates to `gen1`.
    #[generator(yield = u32)]
    pub fn gen2() {
        yield_from!(gen1());
    }
}

/// The second version: `gen1` returns 3, which `gen2` receives.
mod returning {
    use corogen::prelude::*;

    #[generator(yield = u32)]
    fn gen1() -> u32 {
        yield_!(1);
        yield_!(2);
        3
    }

    /// Delegates to `gen1` and prints its return value.
    #[generator(yield = u32)]
    pub fn gen2() {
        let res = yield_from!(gen1());
        assert_eq!(res, 3);
        println!("res = {res}");
    }
}

/// Python's `KeyError`, the error thrown into `gen2b` (and so into `gen1b`).
#[derive(Debug)]
struct KeyError;

/// Prints what it is sent, until a `KeyError` is thrown in; then returns.
#[generator(yield = &'static str, send = &'static str, throw = KeyError)]
fn gen1b() -> &'static str {
    loop {
        match try_yield!("gen1 ready") {
            Ok(got) => println!("gen1 received {got}"),
            Err(Interrupt::Throw(KeyError)) => {
                println!("gen1 caught KeyError");
                return "gen1 done";
            }
            // Python's `except KeyError` does not catch a close: let it go on.
            Err(close) => raise_!(close),
        }
    }
}

/// Delegates to `gen1b`, then yields once more.
#[generator(yield = &'static str, send = &'static str, throw = KeyError)]
fn gen2b() {
    let res = yield_from!(gen1b());
    println!("gen2 got {res}");
    yield_!("gen2 end");
}

/// Runs the exercise.
pub fn main() {
    let values: Vec<u32> = pin!(plain::gen2()).collect();
    println!("{values:?}");
    let values: Vec<u32> = pin!(returning::gen2()).collect();
    println!("{values:?}");

    // Added in the exercise: send and throw go through gen2 into gen1.
    let mut g = pin!(gen2b());
    if let Ok(GeneratorState::Yielded(said)) = g.start() {
        println!("{said}");
    }
    if let Ok(GeneratorState::Yielded(said)) = g.send("via gen2") {
        println!("{said}");
    }
    if let Ok(GeneratorState::Yielded(said)) = g.throw(KeyError) {
        println!("{said}");
    }
}
