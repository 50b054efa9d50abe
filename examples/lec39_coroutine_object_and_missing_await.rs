//! LEC-39: calling an async function only makes a coroutine object. With `await`, `read_data`
//! gets the rows; without it, it gets a coroutine, which never runs, and Python warns
//! "coroutine ... was never awaited" when that object is destroyed. `asyncio.run(main())` is
//! what runs `main`.
//!
//! In Rust the same holds: calling a `#[generator]` function only makes the generator (its
//! status is `Created`: no line of its body has run), and `yield_from!` is what runs it.
//! Python's warning comes at run time, when the object is collected; Rust's comes at compile
//! time: a generator made and dropped unused is a `#[must_use]` warning that says to
//! `yield_from!` it. Here the generator is kept in a variable, as in the Python program, so
//! the compiler has nothing to say, and the program prints Python's warning itself when it
//! drops a generator that never started (see `examples/README.md`).

use corogen::exec::{self, Reply, SysCall, sys};
use corogen::prelude::*;
use corogen::{Generator, Status};
use std::time::Duration;

/// The lecture's time unit: 0.05 s.
const UNIT: Duration = Duration::from_millis(50);

/// The rows the stand-in database returns.
type Rows = Vec<(&'static str, &'static str)>;

struct Database;

impl Database {
    /// `async def fetch(self, query)`: yields once, then returns the rows.
    #[generator(yield = SysCall, send = Reply)]
    fn fetch(&self, _query: &'static str) -> Rows {
        yield_from!(sys::pause()); // `await asyncio.sleep(0)`
        vec![("Vasya", "Moscow"), ("Petya", "Kazan")]
    }
}

/// Python's `type(x)` of a coroutine object (a generator not driven yet) or a list.
fn class_of_coroutine<G: Generator>(_: &G) -> &'static str {
    "<class 'coroutine'>"
}

/// What CPython prints when a coroutine that never ran is destroyed; the port prints it when
/// it drops such a generator.
fn drop_coroutine<G: Generator>(coroutine: G, name: &str) {
    if coroutine.status() == Status::Created {
        println!("RuntimeWarning: coroutine '{name}' was never awaited");
    }
}

#[generator(yield = SysCall, send = Reply)]
fn read_data(db: Database) {
    let data = yield_from!(db.fetch("SELECT ..."));
    let rows: Vec<String> = data
        .iter()
        .map(|(n, c)| format!("('{n}', '{c}')"))
        .collect();
    println!("<class 'list'> [{}]", rows.join(", "));
}

#[generator(yield = SysCall, send = Reply)]
fn read_data_without_await(db: Database) {
    let data = db.fetch("SELECT ..."); // the mistake: no `yield_from!`, so no query runs
    println!("{}", class_of_coroutine(&data));
    drop_coroutine(data, "Database.fetch"); // `data` goes when read_data returns
}

#[generator(yield = SysCall, send = Reply)]
fn main_task() {
    println!("hello");
    yield_from!(sys::sleep(UNIT));
    println!("world");
}

/// Runs the exercise.
pub fn main() {
    println!("-- with await");
    exec::run(read_data(Database)).expect("read_data returns");

    println!("-- without await");
    exec::run(read_data_without_await(Database)).expect("read_data returns");

    println!("-- main() alone");
    let coro = main_task(); // made, not run: nothing is printed
    println!("{}", class_of_coroutine(&coro));
    println!("-- asyncio.run(coro)");
    exec::run(coro).expect("main returns");
}
