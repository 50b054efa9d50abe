//! The [`Generator`] trait and the Python-style methods of [`GeneratorExt`].

use core::ops::DerefMut;
use core::pin::Pin;

use crate::iter::IterResults;
use crate::level::{Level, Seal};
use crate::{CloseError, GeneratorState, ResumeError, Status};

/// What a resume delivers to a generator: the low-level form of `start`, `send`, `throw` and
/// `close`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume<S, E> {
    /// Run a generator that has not started up to its first yield (Python's first `next()`).
    Start,
    /// Resume a suspended generator; its `yield_!` evaluates to this value.
    Send(S),
    /// Raise this error at the yield point (Python's `throw()`).
    Throw(E),
    /// Close the generator (Python's `close()`).
    Close,
}

/// Why a [`Resume`] was not delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// A value was sent before the generator started.
    NotStarted,
    /// `Start` was given to a generator that has started.
    AlreadyStarted,
    /// The generator has finished.
    Finished,
    /// The generator's body panicked earlier.
    Poisoned,
}

/// Everything a [`Generator::resume`] can come to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resumed<Y, R, S, E> {
    /// The generator yielded and is suspended.
    Yielded(Y),
    /// The generator returned.
    Complete(R),
    /// The generator was closed without a return value.
    Closed,
    /// The body raised this error; the generator has finished.
    Raised(E),
    /// The body yielded while it was being closed; the generator has finished.
    IgnoredClose(Y),
    /// The value was not delivered and is handed back.
    Refused(Refusal, Resume<S, E>),
}

/// A resumable computation with Python's generator protocol (PEP 342).
///
/// The one required method, [`resume`](Generator::resume), is the low-level form; the methods
/// of [`GeneratorExt`] (`start`, `send`, `throw`, `close`) are what programs call.
///
/// # Implementing it by hand
///
/// A hand-written generator can be driven like a `#[generator]` one, iterated when boxed, and
/// delegated to with `yield_from!` (boxed by value, or by `&mut`); a delegation resumes it
/// through these methods. What the callers, `yield_from!` among them, rely on:
///
/// - [`status`](Generator::status) tells the truth: `Created` until the first resume,
///   `Suspended` while it can be sent a value, then `Finished` (or `Poisoned`) for good.
/// - `Resume::Start` is given only to a `Created` generator and `Resume::Send` only to a
///   `Suspended` one; anything it cannot take comes back as [`Resumed::Refused`] with the value.
/// - After it answers a `Resume::Close` with a yield (it ignored the close) it is treated as
///   finished: a delegation does not resume it again, and it should report `Finished` from
///   then on, as a `#[generator]` does (`close` reports [`CloseError::Ignored`]).
///
/// A delegation to a generator that breaks these rules does not misbehave: a refused send or
/// start ends the delegation (by `&mut` it evaluates to `None`, as `yield from` an exhausted
/// generator; by value, with no return value to give, the delegating generator panics with a
/// message naming the broken rule), a refused throw goes on to the delegator as if uncaught,
/// and a refused close ends the delegation as closed.
pub trait Generator {
    /// The type of the values it yields.
    type Yield;
    /// The type of the values it is sent; each `yield_!` evaluates to one.
    type Send;
    /// The type of its return value.
    type Return;
    /// The type of the errors that can be thrown into it.
    type Throw;

    /// Delivers `arg` and runs the generator to its next yield point or to its end.
    fn resume(
        self: Pin<&mut Self>,
        arg: Resume<Self::Send, Self::Throw>,
    ) -> Resumed<Self::Yield, Self::Return, Self::Send, Self::Throw>;

    /// Where the generator is in its life.
    fn status(&self) -> Status;

    /// What [`GeneratorExt::send`] does: [`resume`](Generator::resume) with
    /// [`Resume::Send`], its outcome as a `Result`. An implementation may override it with a
    /// faster path that returns the same.
    #[doc(hidden)]
    #[inline(always)]
    fn send_value(self: Pin<&mut Self>, value: Self::Send) -> ResumeResult<Self, Self::Send> {
        sent(self.resume(Resume::Send(value)))
    }

    /// Boxes the generator as a [`BoxGenerator`], a generator of any body with these four
    /// types, with no annotation needed: for recursion, for struct fields, and for lists of
    /// different generators. A boxed generator iterates, and `yield_from!` delegates to it.
    ///
    /// ```
    /// use corogen::prelude::*;
    ///
    /// // Each level delegates to a smaller one: the box gives the recursion a finite type.
    /// #[generator(yield = u32)]
    /// fn countdown(n: u32) {
    ///     if n > 0 {
    ///         yield_!(n);
    ///         yield_from!(countdown(n - 1).boxed());
    ///     }
    /// }
    ///
    /// let all: Vec<u32> = countdown(3).boxed().collect();
    /// assert_eq!(all, [3, 2, 1]);
    /// ```
    fn boxed<'a>(self) -> BoxGenerator<'a, Self::Yield, Self::Send, Self::Return, Self::Throw>
    where
        Self: Sized + 'a,
    {
        Box::pin(self)
    }

    /// The generator as a level of `yield_from!`'s flat protocol, if it is one (a `Gen`, or a
    /// pointer to one): a delegation then steps it directly, in O(1) at any depth. Sealed:
    /// only this crate's generators override it.
    #[doc(hidden)]
    #[inline]
    fn __as_level(
        self: Pin<&mut Self>,
        _: Seal,
    ) -> Option<Level<Self::Yield, Self::Send, Self::Throw>> {
        None
    }

    /// The return value of a generator whose level returned (see `__as_level`).
    #[doc(hidden)]
    #[inline]
    fn __take_return(self: Pin<&mut Self>, _: Seal) -> Option<Self::Return> {
        None
    }
}

impl<P> Generator for Pin<P>
where
    P: DerefMut<Target: Generator> + Unpin,
{
    type Yield = <P::Target as Generator>::Yield;
    type Send = <P::Target as Generator>::Send;
    type Return = <P::Target as Generator>::Return;
    type Throw = <P::Target as Generator>::Throw;

    #[inline]
    fn resume(
        self: Pin<&mut Self>,
        arg: Resume<Self::Send, Self::Throw>,
    ) -> Resumed<Self::Yield, Self::Return, Self::Send, Self::Throw> {
        self.get_mut().as_mut().resume(arg)
    }

    #[inline]
    fn status(&self) -> Status {
        (**self).status()
    }

    #[inline(always)]
    fn send_value(self: Pin<&mut Self>, value: Self::Send) -> ResumeResult<Self, Self::Send> {
        self.get_mut().as_mut().send_value(value)
    }

    #[inline]
    fn __as_level(
        self: Pin<&mut Self>,
        seal: Seal,
    ) -> Option<Level<Self::Yield, Self::Send, Self::Throw>> {
        self.get_mut().as_mut().__as_level(seal)
    }

    #[inline]
    fn __take_return(self: Pin<&mut Self>, seal: Seal) -> Option<Self::Return> {
        self.get_mut().as_mut().__take_return(seal)
    }
}

/// The result of `start`, `send` and `throw`.
pub type ResumeResult<G, T> = Result<
    GeneratorState<<G as Generator>::Yield, <G as Generator>::Return>,
    ResumeError<T, <G as Generator>::Throw>,
>;

/// The result of `close`.
pub type CloseResult<G> = Result<
    Option<<G as Generator>::Return>,
    CloseError<<G as Generator>::Yield, <G as Generator>::Throw>,
>;

/// Python's generator methods on a pinned generator (`Pin<&mut G>` or `Pin<Box<G>>`).
///
/// ```
/// use corogen::prelude::*;
/// use std::pin::pin;
///
/// #[generator(yield = i32, send = i32)]
/// fn running_total() {
///     let mut total = 0;
///     loop {
///         total += yield_!(total);
///     }
/// }
///
/// let mut g = pin!(running_total());
/// assert_eq!(g.start(), Ok(GeneratorState::Yielded(0)));
/// assert_eq!(g.send(5), Ok(GeneratorState::Yielded(5)));
/// assert_eq!(g.send(2), Ok(GeneratorState::Yielded(7)));
/// assert_eq!(g.close(), Ok(None));
/// ```
pub trait GeneratorExt: Generator {
    /// Runs a generator that has not started up to its first yield (Python's first `next()`).
    ///
    /// # Errors
    /// [`ResumeError::AlreadyStarted`] if it has started, [`ResumeError::Finished`] or
    /// [`ResumeError::Poisoned`] if it cannot run, [`ResumeError::Raised`] if its body raised.
    fn start(&mut self) -> ResumeResult<Self, ()>;

    /// Resumes the generator with `value`, which its pending `yield_!` evaluates to.
    ///
    /// # Errors
    /// [`ResumeError::NotStarted`] if it has not started (the value is handed back), or as
    /// [`start`](GeneratorExt::start).
    fn send(&mut self, value: Self::Send) -> ResumeResult<Self, Self::Send>;

    /// Raises `error` at the yield point (Python's `throw()`).
    ///
    /// If the body catches it (`try_yield!`), `throw` returns what the body yields or returns
    /// next. If not, the generator finishes and the error comes back as
    /// [`ResumeError::Raised`]. A generator that has not started finishes without running.
    ///
    /// # Errors
    /// [`ResumeError::Raised`] with the error if it was not caught, [`ResumeError::Finished`]
    /// or [`ResumeError::Poisoned`] with the error if the generator cannot run.
    fn throw(&mut self, error: Self::Throw) -> ResumeResult<Self, Self::Throw>;

    /// Closes the generator (Python 3.13's `close()`).
    ///
    /// A generator that has not started finishes without running; a finished one is left
    /// alone. A suspended one sees the close at its yield point: the plain `yield_!` ends the
    /// body there, dropping every live local; `try_yield!` lets the body clean up and return a
    /// value, which `close` returns.
    ///
    /// # Errors
    /// [`CloseError::Ignored`] if the body yielded instead of finishing,
    /// [`CloseError::Raised`] if it raised an error. Either way the generator has finished.
    fn close(&mut self) -> CloseResult<Self>;

    /// Python's `next(g)`: starts a generator that has not started, or sends `S::default()` to
    /// a suspended one (Python's `next()` sends `None`), with the result type of
    /// [`send`](GeneratorExt::send). A value refused by a generator that cannot run is the
    /// default.
    ///
    /// ```
    /// use corogen::prelude::*;
    /// use std::pin::pin;
    ///
    /// #[generator(yield = u32, send = Option<u32>)]
    /// fn counter() -> u32 {
    ///     let mut n = 0;
    ///     while n < 2 {
    ///         if let Some(jump) = yield_!(n) {
    ///             n = jump;
    ///         } else {
    ///             n += 1;
    ///         }
    ///     }
    ///     n
    /// }
    ///
    /// let mut g = pin!(counter());
    /// assert_eq!(g.resume_next(), Ok(GeneratorState::Yielded(0)));
    /// assert_eq!(g.resume_next(), Ok(GeneratorState::Yielded(1)));
    /// assert_eq!(g.resume_next(), Ok(GeneratorState::Complete(2)));
    /// assert_eq!(g.resume_next(), Err(ResumeError::Finished(None)));
    /// ```
    ///
    /// # Errors
    /// As [`send`](GeneratorExt::send), apart from [`ResumeError::NotStarted`], which it never
    /// returns.
    fn resume_next(&mut self) -> ResumeResult<Self, Self::Send>
    where
        Self::Send: Default;

    /// Iterates the yielded values as `Ok`, and a raised error as one last `Err` (Python's
    /// `for x in g`, where an exception propagates out of the loop); each step is a
    /// [`resume_next`](GeneratorExt::resume_next). After the iteration, the return value (Python's
    /// `StopIteration.value`) is read from the iterator with
    /// [`return_value`](IterResults::return_value).
    ///
    /// ```
    /// use corogen::prelude::*;
    /// use std::pin::pin;
    ///
    /// #[derive(Debug, PartialEq)]
    /// struct Negative(i32);
    ///
    /// #[generator(yield = i32, throw = Negative)]
    /// fn checked(values: Vec<i32>) -> usize {
    ///     for (i, v) in values.iter().enumerate() {
    ///         if *v < 0 {
    ///             raise_!(Negative(*v));
    ///         }
    ///         yield_!(*v);
    ///         if i == 1 {
    ///             return 2;
    ///         }
    ///     }
    ///     values.len()
    /// }
    ///
    /// // The error ends the iteration, as an exception leaves Python's loop.
    /// let mut g = pin!(checked(vec![1, -2, 3]));
    /// let seen: Vec<_> = g.iter_results().collect();
    /// assert_eq!(seen, [Ok(1), Err(Negative(-2))]);
    ///
    /// // `?` passes the error on; the return value is there after the loop.
    /// fn total(values: Vec<i32>) -> Result<(i32, Option<usize>), Negative> {
    ///     let mut g = pin!(checked(values));
    ///     let mut items = g.iter_results();
    ///     let mut sum = 0;
    ///     for item in &mut items {
    ///         sum += item?;
    ///     }
    ///     Ok((sum, items.into_return_value()))
    /// }
    /// assert_eq!(total(vec![5, 6, 7]), Ok((11, Some(2))));
    /// assert_eq!(total(vec![-1]), Err(Negative(-1)));
    /// ```
    fn iter_results(&mut self) -> IterResults<'_, Self>
    where
        Self: Sized,
        Self::Send: Default;
}

impl<P> GeneratorExt for Pin<P>
where
    P: DerefMut<Target: Generator> + Unpin,
{
    #[inline(always)]
    fn start(&mut self) -> ResumeResult<Self, ()> {
        match self.as_mut().resume(Resume::Start) {
            Resumed::Refused(why, _) => Err(refused(why, ())),
            other => settled(other),
        }
    }

    #[inline(always)]
    fn send(&mut self, value: Self::Send) -> ResumeResult<Self, Self::Send> {
        self.as_mut().send_value(value)
    }

    #[inline]
    fn throw(&mut self, error: Self::Throw) -> ResumeResult<Self, Self::Throw> {
        match self.as_mut().resume(Resume::Throw(error)) {
            Resumed::Refused(why, Resume::Throw(error)) => Err(refused(why, error)),
            other => settled(other),
        }
    }

    fn close(&mut self) -> CloseResult<Self> {
        match self.as_mut().resume(Resume::Close) {
            Resumed::Complete(r) => Ok(Some(r)),
            Resumed::Raised(e) => Err(CloseError::Raised(e)),
            Resumed::IgnoredClose(y) | Resumed::Yielded(y) => Err(CloseError::Ignored(y)),
            Resumed::Closed | Resumed::Refused(..) => Ok(None),
        }
    }

    #[inline]
    fn resume_next(&mut self) -> ResumeResult<Self, Self::Send>
    where
        Self::Send: Default,
    {
        match self.status() {
            Status::Created => self
                .start()
                .map_err(|e| e.map_value(|()| Default::default())),
            _ => self.send(Default::default()),
        }
    }

    fn iter_results(&mut self) -> IterResults<'_, Self>
    where
        Self::Send: Default,
    {
        IterResults::new(self)
    }
}

/// The outcome of a resume with a sent value, as `send` returns it.
#[inline(always)]
pub(crate) fn sent<Y, R, S, E>(
    outcome: Resumed<Y, R, S, E>,
) -> Result<GeneratorState<Y, R>, ResumeError<S, E>> {
    match outcome {
        Resumed::Refused(why, Resume::Send(value)) => Err(refused(why, value)),
        other => settled(other),
    }
}

#[inline]
fn refused<T, E>(why: Refusal, value: T) -> ResumeError<T, E> {
    match why {
        Refusal::NotStarted => ResumeError::NotStarted(value),
        Refusal::AlreadyStarted => ResumeError::AlreadyStarted(value),
        Refusal::Finished => ResumeError::Finished(value),
        Refusal::Poisoned => ResumeError::Poisoned(value),
    }
}

/// Maps every outcome but a refusal (which each caller handles with its own value).
#[inline(always)]
fn settled<Y, R, S, E, T>(
    outcome: Resumed<Y, R, S, E>,
) -> Result<GeneratorState<Y, R>, ResumeError<T, E>> {
    match outcome {
        Resumed::Yielded(y) => Ok(GeneratorState::Yielded(y)),
        Resumed::Complete(r) => Ok(GeneratorState::Complete(r)),
        Resumed::Raised(e) => Err(ResumeError::Raised(e)),
        Resumed::Closed => panic!(
            "a generator body raised `Interrupt::Close` while it was not being closed; \
             `raise_!(Interrupt::Close)` only passes on a close that `try_yield!` caught"
        ),
        Resumed::IgnoredClose(_) | Resumed::Refused(..) => {
            unreachable!("only close() can be ignored, and refusals are handled by the caller")
        }
    }
}

/// A boxed generator of any type, for collections of generators of different bodies. The
/// parameters follow Python's `Generator[YieldType, SendType, ReturnType]`, then the throw type.
///
/// ```
/// use corogen::prelude::*;
/// use corogen::BoxGenerator;
///
/// #[generator(yield = u32)]
/// fn count(n: u32) {
///     for i in 0..n {
///         yield_!(i);
///     }
/// }
///
/// #[generator(yield = u32)]
/// fn constant(v: u32) {
///     yield_!(v);
/// }
///
/// let tasks: Vec<BoxGenerator<'_, u32>> = vec![Box::pin(count(2)), Box::pin(constant(7))];
/// let all: Vec<u32> = tasks.into_iter().flatten().collect();
/// assert_eq!(all, [0, 1, 7]);
/// ```
pub type BoxGenerator<'a, Y, S = (), R = (), E = core::convert::Infallible> =
    Pin<Box<dyn Generator<Yield = Y, Send = S, Return = R, Throw = E> + 'a>>;
