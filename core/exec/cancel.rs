//! Cancellation: [`Cancelled`], the error asyncio calls `CancelledError`, and [`Cancellable`],
//! the throw types a task coroutine may have, which say how a cancellation reaches it.

use core::convert::Infallible;
use core::fmt;

/// The error a cancelled task sees at the point where it waits (asyncio's `CancelledError`).
///
/// A task coroutine declared `#[generator(yield = SysCall, send = Reply, throw = Cancelled)]`
/// has it thrown in at its innermost level when it is cancelled ([`sys::cancel`], a
/// [`timeout`](super::timeout()) that expires, a [`TaskGroup`](super::TaskGroup) whose member
/// failed): `yield_from!` passes it on up, `try_yield_from!` gives it to the body as
/// `Err(Interrupt::Throw(Cancelled))`, which may clean up, make system calls, and then
/// `raise_!` it again (or carry on: the cancellation is then refused, as asyncio allows).
///
/// [`sys::cancel`]: super::sys::cancel
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Cancelled;

impl fmt::Display for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the task was cancelled")
    }
}

impl std::error::Error for Cancelled {}

mod sealed {
    pub trait Sealed {}
    impl Sealed for core::convert::Infallible {}
    impl Sealed for super::Cancelled {}
}

/// The throw type of a task coroutine: [`Infallible`] (the default of `#[generator]`) or
/// [`Cancelled`]. It decides what a cancellation does to the coroutine:
///
/// | throw type | a cancellation | cleanup can |
/// |---|---|---|
/// | `Infallible` | closes it (every live local dropped; `try_yield_from!` sees `Interrupt::Close`) | run plain code, no system call |
/// | `Cancelled` | throws `Cancelled` in at its innermost level | make system calls, then re-raise or carry on |
pub trait Cancellable: sealed::Sealed + Sized + 'static {
    /// The error to throw in, or `None`: the coroutine is closed instead.
    #[doc(hidden)]
    fn cancelled() -> Option<Self>;
}

impl Cancellable for Infallible {
    fn cancelled() -> Option<Self> {
        None
    }
}

impl Cancellable for Cancelled {
    fn cancelled() -> Option<Self> {
        Some(Cancelled)
    }
}
