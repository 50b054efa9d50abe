//! Python-style generators and coroutines for stable Rust: `yield`, `send`, `throw`, `close` and
//! `yield from`, with Python's semantics (PEP 255, 342 and 380, and `close()` as in Python 3.13).
//!
//! Mark a function `#[generator]`, yield with [`yield_!`], and drive what it returns:
//!
//! ```
//! use corogen::prelude::*;
//! use std::pin::pin;
//!
//! #[generator(yield = u64, send = Option<u64>)]
//! fn get_squares(number: u64) {
//!     let mut value = 1;
//!     while value <= number {
//!         match yield_!(value * value) {
//!             None => value += 1,
//!             Some(v) => value = v,
//!         }
//!     }
//! }
//!
//! let mut squares = pin!(get_squares(5));
//! assert_eq!(squares.start(), Ok(GeneratorState::Yielded(1)));
//! assert_eq!(squares.send(None), Ok(GeneratorState::Yielded(4)));
//! assert_eq!(squares.send(Some(5)), Ok(GeneratorState::Yielded(25)));
//! assert_eq!(squares.send(None), Ok(GeneratorState::Complete(())));
//! ```
//!
//! # The life of a generator
//!
//! Calling a `#[generator]` function runs nothing: it returns a [`Gen`], which must be pinned
//! ([`core::pin::pin!`] or [`Box::pin`]) before it is resumed. The first resume is
//! [`start`](GeneratorExt::start) and carries no value; sending a value before that is refused
//! and the value handed back. Each [`send`](GeneratorExt::send) delivers the value that the
//! pending `yield_!` evaluates to. `return value` or the body's tail expression finishes the
//! generator with its return value, like Python's `StopIteration.value`:
//!
//! ```
//! use corogen::prelude::*;
//! use std::pin::pin;
//!
//! #[generator(yield = f64, send = f64)]
//! fn mean_of(count: usize) -> f64 {
//!     let mut total = 0.0;
//!     for i in 0..count {
//!         total += yield_!(if i == 0 { 0.0 } else { total / i as f64 });
//!     }
//!     total / count as f64
//! }
//!
//! let mut mean = pin!(mean_of(2));
//! assert_eq!(mean.send(1.0), Err(ResumeError::NotStarted(1.0)));
//! mean.start().unwrap();
//! mean.send(1.0).unwrap();
//! assert_eq!(mean.send(2.0), Ok(GeneratorState::Complete(1.5)));
//! assert!(matches!(mean.send(3.0), Err(ResumeError::Finished(3.0))));
//! ```
//!
//! Python's `next(g)` is [`resume_next`](GeneratorExt::resume_next): it starts a new generator
//! or sends `S::default()` to a suspended one (Python's `next()` sends `None`), with the result
//! type of `send`, so that one loop drives a generator from start to return value.
//!
//! A generator whose send type is `()` (or any `Default` type) is an [`Iterator`] once pinned;
//! `for x in g` also takes it by value (pinning it in a box for the loop):
//!
//! ```
//! use corogen::prelude::*;
//! use std::pin::pin;
//!
//! #[generator(yield = u64)]
//! fn fib() {
//!     let (mut a, mut b) = (0, 1);
//!     loop {
//!         yield_!(a);
//!         (a, b) = (b, a + b);
//!     }
//! }
//!
//! let first: Vec<u64> = pin!(fib()).take(8).collect();
//! assert_eq!(first, [0, 1, 1, 2, 3, 5, 8, 13]);
//!
//! let mut small = Vec::new();
//! for n in fib() {
//!     if n > 10 {
//!         break;
//!     }
//!     small.push(n);
//! }
//! assert_eq!(small, [0, 1, 1, 2, 3, 5, 8]);
//! ```
//!
//! An iterator has no place for an error, so a generator that raises while it is iterated
//! panics, and its return value is dropped. [`iter_results`](GeneratorExt::iter_results)
//! iterates `Ok(value)`s and then the raised error as a last `Err` (as an exception leaves
//! Python's `for` loop), and keeps the return value (Python's `StopIteration.value`) for after
//! the loop.
//!
//! [`boxed`](Generator::boxed) makes any generator a [`BoxGenerator`], with no annotation: for
//! recursion, struct fields and lists of different generators.
//!
//! # Close and throw
//!
//! [`close`](GeneratorExt::close) ends a suspended generator at its yield point: every live
//! local is dropped, innermost scope first, as Python runs `finally` blocks. Dropping a
//! suspended generator closes it too. A body that wants to see the close (Python's
//! `except GeneratorExit`) yields with [`try_yield!`], which evaluates to
//! `Result<S, Interrupt<E>>`; it may clean up and return a value, which `close` returns.
//!
//! ```
//! use corogen::prelude::*;
//! use std::pin::pin;
//!
//! #[generator(yield = u32)]
//! fn counter() -> &'static str {
//!     let mut n = 0;
//!     loop {
//!         match try_yield!(n) {
//!             Ok(()) => n += 1,
//!             Err(Interrupt::Close) => return "closed cleanly",
//!         }
//!     }
//! }
//!
//! let mut c = pin!(counter());
//! c.start().unwrap();
//! assert_eq!(c.close(), Ok(Some("closed cleanly")));
//! assert_eq!(c.status(), Status::Finished);
//! ```
//!
//! A generator declares what can be thrown into it with `throw = Type`. At a plain `yield_!`
//! a thrown error ends the body and comes back from [`throw`](GeneratorExt::throw); at a
//! `try_yield!` the body sees it and may go on. [`raise_!`] raises an error out of the body.
//!
//! ```
//! use corogen::prelude::*;
//! use std::pin::pin;
//!
//! #[derive(Debug, PartialEq)]
//! struct Reset;
//!
//! #[generator(yield = u32, throw = Reset)]
//! fn ticks() {
//!     let mut n = 0;
//!     loop {
//!         match try_yield!(n) {
//!             Ok(()) => n += 1,
//!             Err(Interrupt::Throw(Reset)) => n = 0,
//!             Err(Interrupt::Close) => return,
//!         }
//!     }
//! }
//!
//! let mut t = pin!(ticks());
//! t.start().unwrap();
//! t.send(()).unwrap();
//! assert_eq!(t.send(()), Ok(GeneratorState::Yielded(2)));
//! assert_eq!(t.throw(Reset), Ok(GeneratorState::Yielded(0)));
//! ```
//!
//! # Errors and `?`
//!
//! A generator has two ways to end with an error, and they are told apart by type:
//!
//! - **raising** it: [`raise_!`] raises an error of the generator's `throw` type out of the
//!   body, as Python's `raise`; the caller of the resume receives [`ResumeError::Raised`] (and
//!   [`iter_results`](GeneratorExt::iter_results) a last `Err`);
//! - **returning** it: `?` works as in any function and returns the error as the generator's
//!   return value, so a generator that uses `?` declares a `Result` (or `Option`) return type,
//!   and the caller finds the error in [`GeneratorState::Complete`].
//!
//! `?` does not raise, because the return type says what it returns through, as everywhere in
//! Rust, and because the two kinds of error often differ (a parse error is returned, a
//! cancellation thrown in passes through). To raise a `Result`'s error, match it:
//!
//! ```
//! use corogen::prelude::*;
//! use std::num::ParseIntError;
//! use std::pin::pin;
//!
//! // `?` returns the error: the return type is a `Result`.
//! #[generator(yield = u32)]
//! fn parsed(words: Vec<&'static str>) -> Result<usize, ParseIntError> {
//!     for word in &words {
//!         yield_!(word.parse()?);
//!     }
//!     Ok(words.len())
//! }
//!
//! // `raise_!` raises it: the error type is the throw type.
//! #[generator(yield = u32, throw = ParseIntError)]
//! fn raised(words: Vec<&'static str>) {
//!     for word in words {
//!         let n = match word.parse::<u32>() {
//!             Ok(n) => n,
//!             Err(e) => raise_!(e),
//!         };
//!         yield_!(n);
//!     }
//! }
//!
//! let mut g = pin!(parsed(vec!["1", "x"]));
//! assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
//! assert!(matches!(g.send(()), Ok(GeneratorState::Complete(Err(_)))));
//!
//! let mut g = pin!(raised(vec!["1", "x"]));
//! assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
//! assert!(matches!(g.send(()), Err(ResumeError::Raised(_))));
//! ```
//!
//! # Delegation
//!
//! [`yield_from!`] makes the generator a transparent pipe to a sub-generator until it finishes
//! (PEP 380): its values come out unchanged, sent values, thrown errors and closes go to it, and
//! the `yield_from!` evaluates to its return value. It also accepts any iterable.
//!
//! ```
//! use corogen::prelude::*;
//! use std::pin::pin;
//!
//! #[generator(yield = u32)]
//! fn inner() -> &'static str {
//!     yield_!(1);
//!     yield_!(2);
//!     "inner done"
//! }
//!
//! #[generator(yield = u32)]
//! fn outer() {
//!     let said = yield_from!(inner());
//!     assert_eq!(said, "inner done");
//!     yield_from!([3, 4]);
//! }
//!
//! let all: Vec<u32> = pin!(outer()).collect();
//! assert_eq!(all, [1, 2, 3, 4]);
//! ```
//!
//! # How it works
//!
//! `#[generator]` lowers the body onto an `async` block, the one kind of resumable state
//! machine stable Rust compiles. The function
//!
//! ```
//! # use corogen::prelude::*;
//! #[generator(yield = u64)]
//! fn squares(n: u64) {
//!     for i in 0..n {
//!         yield_!(i * i);
//!     }
//! }
//! ```
//!
//! becomes, in essence,
//!
//! ```ignore
//! fn squares(n: u64) -> Gen<impl Body<Return = ()>, u64, (), Infallible> {
//!     // SAFETY: the handle `co` is used only by the yield points the macro wrote.
//!     let co = unsafe { __private::handle::<u64, (), Infallible>() };
//!     let body = async move {
//!         for i in 0..n {
//!             co.yield_(i * i).await;
//!         }
//!     };
//!     __private::make(co, body)
//! }
//! ```
//!
//! (a [`Body`] is what the `async` block is). The `Gen` holds the body inline (no allocation)
//! after a one-word state: `0` while suspended, small values for the other phases, and while
//! it delegates, a pointer to the link of the innermost level. To resume, it polls the body
//! with a waker whose data pointer is a channel, a local of that poll; a yield point finds the
//! channel through the poll context, leaves its value there and returns `Pending`. The poll
//! being inlined, the channel lives in registers, and a generator driven in one function (a
//! `for` loop over a `pin!`ned generator) compiles to the loop one would write by hand. The
//! waker is recognised by its vtable and its clones carry no pointer, so the channel cannot
//! be reached from outside the poll that lent it; a yield point polled by any other waker
//! (say, inside an `async` block that another executor runs) panics instead. A `yield_from!`
//! point holds the link to its sub-generator (the sub-generator's level and the link of the
//! level above); the outermost generator steps the innermost active level directly, so a
//! resume costs the same at any depth of delegation.
//!
//! A generator that takes a generator holds it inline, so a static pipeline of stages is one
//! value whose size is the sum of its stages'. Its type nests too, and rustc's full debug info
//! of such nested types grows exponentially with the depth: a pipeline deeper than about 20
//! stages compiles in seconds, 32 in minutes, in a build with `debug = true` (the default of
//! `cargo build`). With `debug = "line-tables-only"` 64 stages compile in about a second, and a
//! stage boxed with [`boxed`](Generator::boxed) ends the nesting.
//!
//! `.await` inside a generator is a compile error:
//!
//! ```compile_fail
//! use corogen::prelude::*;
//!
//! #[generator(yield = u8)]
//! fn waits() {
//!     std::future::ready(1).await;
//! }
//! ```

#![doc(html_root_url = "https://docs.rs/corogen/0.1.0")]

mod body;
mod delegate;
pub mod exec;
mod generator;
mod iter;
mod level;
mod machine;
mod state;
pub mod unraisable;
mod waker;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use crate::body::Body;
pub use crate::delegate::Delegate;
pub use crate::generator::{
    BoxGenerator, CloseResult, Generator, GeneratorExt, Refusal, Resume, ResumeResult, Resumed,
};
pub use crate::iter::IterResults;
pub use crate::machine::Gen;
pub use crate::state::{
    CloseError, GeneratorState, IgnoredClose, Interrupt, Raise, ResumeError, Status,
};

/// Marks a function as a generator.
///
/// The body yields with [`yield_!`], [`try_yield!`], [`yield_from!`] and
/// [`try_yield_from!`], and may raise with [`raise_!`]. The function's declared return type is
/// the generator's return value; the function itself returns a [`Gen`] of a [`Body`]. In the
/// body, `?` returns an error as the generator's return value (so the declared return type is a
/// `Result` or an `Option`), and [`raise_!`] raises one to the caller; see the crate docs'
/// "Errors and `?`".
///
/// Arguments, all optional, each at most once:
///
/// | argument | meaning | default |
/// |---|---|---|
/// | `yield = T` | the type of the yielded values | `()` |
/// | `send = T` | the type of the sent values, which each `yield_!` evaluates to | `()` |
/// | `throw = T` | the type of the errors that can be thrown in | [`Infallible`](core::convert::Infallible) |
///
/// It works on free functions and methods (`self`, `&self`, `&mut self`), with generics,
/// lifetimes, `where` clauses, `impl Trait` arguments and argument patterns.
pub use corogen_macros::generator;

/// Yields a value from a `#[generator]` body and evaluates to the value sent back.
///
/// `yield_!()` yields `()`. A close or a thrown error at this point ends the body: its live
/// locals are dropped and the error, if any, goes back to the caller. Use [`try_yield!`] to see
/// them. Only valid directly inside a `#[generator]` function, not in a closure, an `async`
/// block or a nested function within it.
#[macro_export]
macro_rules! yield_ {
    ($($tokens:tt)*) => {
        ::core::compile_error!("`yield_!` can only be used inside a function marked `#[generator]`")
    };
}

/// Yields like [`yield_!`] but evaluates to `Result<S, Interrupt<E>>`: the body sees a close or
/// a thrown error as an [`Interrupt`] and decides what to do (Python's `try`/`except` around a
/// `yield`).
#[macro_export]
macro_rules! try_yield {
    ($($tokens:tt)*) => {
        ::core::compile_error!(
            "`try_yield!` can only be used inside a function marked `#[generator]`"
        )
    };
}

/// Delegates to a sub-generator or an iterable until it finishes, and evaluates to its return
/// value (PEP 380's `yield from`).
///
/// Values the sub-generator yields come out unchanged; values sent, errors thrown and closes go
/// to it. A thrown error it does not catch comes out of the `yield_from!` and ends the body, as
/// it would at a `yield_!`; use [`try_yield_from!`] to catch it. See [`Delegate`] for what can
/// be delegated to.
#[macro_export]
macro_rules! yield_from {
    ($($tokens:tt)*) => {
        ::core::compile_error!(
            "`yield_from!` can only be used inside a function marked `#[generator]`"
        )
    };
}

/// Delegates like [`yield_from!`] but evaluates to `Result<R, Interrupt<E, IgnoredClose>>`: a
/// close, an error the sub-generator did not catch, or the sub-generator's ignoring of a close
/// ([`Interrupt::Ignored`], Python's `RuntimeError: generator ignored GeneratorExit` at `yield
/// from`) reaches the body as an [`Interrupt`].
///
/// ```
/// use corogen::prelude::*;
/// use std::pin::pin;
///
/// #[generator(yield = u32)]
/// fn stubborn() {
///     while try_yield!(1).is_err() {} // yields again when it is closed
/// }
///
/// #[generator(yield = u32)]
/// fn outer() -> &'static str {
///     match try_yield_from!(stubborn()) {
///         Err(Interrupt::Ignored(_)) => "the sub-generator ignored the close",
///         Err(Interrupt::Close) => "closed",
///         Ok(()) | Err(Interrupt::Throw(_)) => "other",
///     }
/// }
///
/// let mut g = pin!(outer());
/// g.start().unwrap();
/// // As in Python 3.13, `close()` returns what the generator returned.
/// assert_eq!(g.close(), Ok(Some("the sub-generator ignored the close")));
/// ```
#[macro_export]
macro_rules! try_yield_from {
    ($($tokens:tt)*) => {
        ::core::compile_error!(
            "`try_yield_from!` can only be used inside a function marked `#[generator]`"
        )
    };
}

/// Raises an error out of a `#[generator]` body: the generator finishes and the caller of the
/// resume receives [`ResumeError::Raised`] (or [`CloseError::Raised`] from `close`). The type
/// of the error is the generator's `throw` type.
///
/// `raise_!` also takes an [`Interrupt`], to raise again what a [`try_yield!`] or
/// [`try_yield_from!`] caught, as
/// Python's bare `raise` does in an `except` block: `raise_!(Interrupt::Close)` lets a close go
/// on after some cleanup, so the body ends as if it had not caught it and `close()` returns
/// `Ok(None)`.
///
/// ```
/// use corogen::prelude::*;
/// use std::pin::pin;
///
/// #[generator(yield = u32)]
/// fn logs_its_close(log: &mut Vec<&'static str>) {
///     loop {
///         if let Err(interrupt) = try_yield!(1) {
///             log.push("cleaning up");
///             raise_!(interrupt);
///         }
///     }
/// }
///
/// let mut log = Vec::new();
/// {
///     let mut g = pin!(logs_its_close(&mut log));
///     g.start().unwrap();
///     assert_eq!(g.close(), Ok(None));
/// }
/// assert_eq!(log, ["cleaning up"]);
/// ```
///
/// # Panics
/// Resuming a generator panics if its body raises `Interrupt::Close` when it is not being
/// closed: that is a programmer error, as there is no close to pass on.
#[macro_export]
macro_rules! raise_ {
    ($($tokens:tt)*) => {
        ::core::compile_error!("`raise_!` can only be used inside a function marked `#[generator]`")
    };
}

/// Everything a program that writes or drives generators needs.
pub mod prelude {
    pub use crate::{
        BoxGenerator, CloseError, Gen, Generator, GeneratorExt, GeneratorState, Interrupt,
        ResumeError, Status, generator, raise_, try_yield, try_yield_from, yield_, yield_from,
    };
}

/// The README's examples, compiled and run as doctests so that they stay true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
