//! The values that go into and come out of a generator.

use core::fmt;

/// What a resume produced: the generator either yielded a value and is suspended, or it returned.
///
/// The same shape as the unstable `core::ops::CoroutineState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GeneratorState<Y, R> {
    /// The generator suspended at a `yield_!` with this value.
    Yielded(Y),
    /// The generator finished with this return value (Python's `StopIteration.value`).
    Complete(R),
}

impl<Y, R> GeneratorState<Y, R> {
    /// The yielded value, or `None` if the generator completed.
    pub fn yielded(self) -> Option<Y> {
        match self {
            Self::Yielded(y) => Some(y),
            Self::Complete(_) => None,
        }
    }

    /// The return value, or `None` if the generator yielded.
    pub fn complete(self) -> Option<R> {
        match self {
            Self::Yielded(_) => None,
            Self::Complete(r) => Some(r),
        }
    }
}

/// Where a generator is in its life (Python's `inspect.getgeneratorstate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Made but never resumed: the body has not run (`GEN_CREATED`).
    Created,
    /// Suspended at a yield point (`GEN_SUSPENDED`).
    Suspended,
    /// Returned, raised, or was closed; every later resume is refused (`GEN_CLOSED`).
    Finished,
    /// Its body panicked; every later resume is refused.
    Poisoned,
}

/// What the body of a generator sees at a catching yield point (`try_yield!`, `try_yield_from!`)
/// instead of a sent value.
///
/// The plain forms (`yield_!`, `yield_from!`) never show it to the body: a close ends the body
/// at the yield point, dropping its live locals, and a thrown error ends it too and comes back
/// to whoever threw it.
///
/// The third variant, [`Ignored`](Interrupt::Ignored), is seen only at a `try_yield_from!`,
/// whose error type is `Interrupt<E, IgnoredClose>`. At a `try_yield!` its type is `Interrupt<E>`,
/// whose `Ignored` holds an uninhabited type, so a `match` need not name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interrupt<E, D = core::convert::Infallible> {
    /// The generator is being closed (Python's `GeneratorExit`). The body may clean up and
    /// return a value, which `close()` hands to its caller.
    Close,
    /// An error was thrown in with `throw()`, or came out of a sub-generator.
    Throw(E),
    /// The generator being closed delegated to one that ignored the close: it yielded instead
    /// of finishing, and has been ended (Python raises `RuntimeError: generator ignored
    /// GeneratorExit` at the `yield from`). The close of this generator goes on: it may catch
    /// this, clean up and return a value, which `close()` hands to its caller; if it lets it go
    /// on (a plain `yield_from!`, or `raise_!` of it), its own delegator sees the same, and
    /// `close()` reports [`CloseError::Ignored`].
    Ignored(D),
}

/// The marker of [`Interrupt::Ignored`] at a `try_yield_from!`: the generator delegated to
/// ignored a close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct IgnoredClose;

impl fmt::Display for IgnoredClose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the generator delegated to ignored a close: it yielded instead of finishing")
    }
}

impl From<core::convert::Infallible> for IgnoredClose {
    fn from(never: core::convert::Infallible) -> Self {
        match never {}
    }
}

impl<E> Interrupt<E> {
    /// The same interrupt, as a `try_yield_from!` reports it.
    pub fn widen(self) -> Interrupt<E, IgnoredClose> {
        match self {
            Self::Close => Interrupt::Close,
            Self::Throw(e) => Interrupt::Throw(e),
        }
    }
}

/// What [`raise_!`](crate::raise_) takes in a generator thrown `E`: an `E`, or an
/// [`Interrupt<E>`] to raise again what a [`try_yield!`](crate::try_yield) caught (Python's
/// bare `raise` in an `except` block).
///
/// ```
/// use corogen::prelude::*;
/// use std::pin::pin;
///
/// #[generator(yield = u32, throw = String)]
/// fn checked(limit: u32) {
///     let mut n = 0;
///     loop {
///         match try_yield!(n) {
///             Ok(()) if n == limit => raise_!(format!("over {limit}")), // an `E`
///             Ok(()) => n += 1,
///             Err(interrupt) => raise_!(interrupt), // an `Interrupt<E>`, raised again
///         }
///     }
/// }
///
/// let mut g = pin!(checked(1));
/// g.start().unwrap();
/// g.send(()).unwrap();
/// assert_eq!(g.send(()), Err(ResumeError::Raised("over 1".to_owned())));
///
/// let mut g = pin!(checked(5));
/// g.start().unwrap();
/// assert_eq!(g.throw("stop".to_owned()), Err(ResumeError::Raised("stop".to_owned())));
/// ```
#[diagnostic::on_unimplemented(
    message = "`raise_!` takes the generator's throw type `{E}` or an `Interrupt<{E}>`, not `{Self}`",
    label = "not the throw type `{E}`",
    note = "the throw type is declared with `#[generator(throw = Type)]`"
)]
pub trait Raise<E> {
    /// As an interrupt.
    #[doc(hidden)]
    fn __into_interrupt(self) -> Interrupt<E, IgnoredClose>;
}

#[diagnostic::do_not_recommend]
impl<E> Raise<E> for E {
    fn __into_interrupt(self) -> Interrupt<E, IgnoredClose> {
        Interrupt::Throw(self)
    }
}

#[diagnostic::do_not_recommend]
impl<E, D: Into<IgnoredClose>> Raise<E> for Interrupt<E, D> {
    fn __into_interrupt(self) -> Interrupt<E, IgnoredClose> {
        match self {
            Interrupt::Close => Interrupt::Close,
            Interrupt::Throw(e) => Interrupt::Throw(e),
            Interrupt::Ignored(d) => Interrupt::Ignored(d.into()),
        }
    }
}

/// Why a resume did not deliver its value, or the error the body raised.
///
/// `T` is the value the caller tried to deliver (`()` for `start`, the sent value for `send`,
/// the error for `throw`): it is handed back, never lost.
#[derive(Clone, PartialEq, Eq)]
pub enum ResumeError<T, E> {
    /// A value was sent to a generator that has not started; call `start()` first.
    /// (Python raises `TypeError: can't send non-None value to a just-started generator`.)
    NotStarted(T),
    /// `start()` was called on a generator that has already started; use `send`.
    AlreadyStarted(T),
    /// The generator has finished (Python raises `StopIteration`).
    Finished(T),
    /// The generator's body panicked earlier.
    Poisoned(T),
    /// The body raised this error: a thrown error it did not catch, or a `raise_!`. The generator
    /// is now finished.
    Raised(E),
}

impl<T, E> ResumeError<T, E> {
    /// The value that was not delivered, if this error carries one.
    pub fn into_value(self) -> Option<T> {
        match self {
            Self::NotStarted(t)
            | Self::AlreadyStarted(t)
            | Self::Finished(t)
            | Self::Poisoned(t) => Some(t),
            Self::Raised(_) => None,
        }
    }

    /// The same error with the undelivered value mapped by `f`; a raised error is kept.
    ///
    /// It makes the results of [`start`](crate::GeneratorExt::start) (whose value is `()`) and
    /// [`send`](crate::GeneratorExt::send) one type, so that one variable can hold either:
    ///
    /// ```
    /// use corogen::prelude::*;
    /// use std::pin::pin;
    ///
    /// #[generator(yield = u32, send = u32)]
    /// fn doubler() {
    ///     let mut n = 1;
    ///     loop {
    ///         n = 2 * yield_!(n);
    ///     }
    /// }
    ///
    /// let mut g = pin!(doubler());
    /// let mut last = g.start().map_err(|e| e.map_value(|()| 0));
    /// for sent in [3, 4] {
    ///     assert!(matches!(last, Ok(GeneratorState::Yielded(_))));
    ///     last = g.send(sent);
    /// }
    /// assert_eq!(last, Ok(GeneratorState::Yielded(8)));
    /// ```
    pub fn map_value<U>(self, f: impl FnOnce(T) -> U) -> ResumeError<U, E> {
        match self {
            Self::NotStarted(t) => ResumeError::NotStarted(f(t)),
            Self::AlreadyStarted(t) => ResumeError::AlreadyStarted(f(t)),
            Self::Finished(t) => ResumeError::Finished(f(t)),
            Self::Poisoned(t) => ResumeError::Poisoned(f(t)),
            Self::Raised(e) => ResumeError::Raised(e),
        }
    }

    /// The raised error, if the body raised one.
    ///
    /// ```
    /// use corogen::prelude::*;
    /// use std::pin::pin;
    ///
    /// #[generator(yield = u8, throw = &'static str)]
    /// fn fails() {
    ///     raise_!("no");
    /// }
    ///
    /// let mut g = pin!(fails());
    /// assert_eq!(g.start().unwrap_err().raised(), Some("no"));
    /// assert_eq!(g.start().unwrap_err().raised(), None); // finished
    /// ```
    pub fn raised(self) -> Option<E> {
        match self {
            Self::Raised(e) => Some(e),
            _ => None,
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            Self::NotStarted(_) => {
                "cannot send a value to a generator that has not started; call start() first"
            }
            Self::AlreadyStarted(_) => {
                "start() was called on a generator that has already started; use send()"
            }
            Self::Finished(_) => "the generator has already finished",
            Self::Poisoned(_) => "the generator panicked earlier and cannot be resumed",
            Self::Raised(_) => "the generator raised an error",
        }
    }
}

impl<T, E: fmt::Debug> fmt::Debug for ResumeError<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotStarted(_) => f.write_str("NotStarted(..)"),
            Self::AlreadyStarted(_) => f.write_str("AlreadyStarted(..)"),
            Self::Finished(_) => f.write_str("Finished(..)"),
            Self::Poisoned(_) => f.write_str("Poisoned(..)"),
            Self::Raised(e) => f.debug_tuple("Raised").field(e).finish(),
        }
    }
}

impl<T, E: fmt::Debug> fmt::Display for ResumeError<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Raised(e) => write!(f, "the generator raised an error: {e:?}"),
            other => f.write_str(other.reason()),
        }
    }
}

impl<T, E: fmt::Debug> std::error::Error for ResumeError<T, E> {}

/// Why `close()` did not end the generator cleanly.
#[derive(Clone, PartialEq, Eq)]
pub enum CloseError<Y, E> {
    /// The body caught the close and yielded this value instead of finishing (Python's
    /// `RuntimeError: generator ignored GeneratorExit`). The generator is now finished.
    Ignored(Y),
    /// The body caught the close and raised this error. The generator is now finished.
    Raised(E),
}

impl<Y, E: fmt::Debug> fmt::Debug for CloseError<Y, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ignored(_) => f.write_str("Ignored(..)"),
            Self::Raised(e) => f.debug_tuple("Raised").field(e).finish(),
        }
    }
}

impl<Y, E: fmt::Debug> fmt::Display for CloseError<Y, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ignored(_) => {
                f.write_str("generator ignored close: it yielded instead of finishing")
            }
            Self::Raised(e) => write!(f, "the generator raised an error while closing: {e:?}"),
        }
    }
}

impl<Y, E: fmt::Debug> std::error::Error for CloseError<Y, E> {}
