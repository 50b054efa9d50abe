//! Iteration over a generator: `Iterator` for pinned and boxed generators (Python's `for x in
//! g`), and [`IterResults`], the iteration that reports a raised error and keeps the return
//! value.

use core::future::Future;
use core::iter::FusedIterator;
use core::pin::Pin;

use crate::generator::{Resume, Resumed};
use crate::{BoxGenerator, Gen, Generator, GeneratorExt, GeneratorState, ResumeError, Status};

/// The shared step of iteration: Python's `next()`, which sends `None` (here `S::default()`).
#[inline]
fn next_of<G>(mut g: Pin<&mut G>) -> Option<G::Yield>
where
    G: Generator<Send: Default> + ?Sized,
{
    match g.status() {
        // `send_value` is a generator's fastest path (a `Gen` resumes inline there).
        Status::Suspended => match g.as_mut().send_value(Default::default()) {
            Ok(GeneratorState::Yielded(y)) => Some(y),
            Err(ResumeError::Raised(_)) => raised_while_iterated(),
            _ => None,
        },
        Status::Created => iterated(g.as_mut().resume(Resume::Start)),
        Status::Finished | Status::Poisoned => None,
    }
}

/// `next()` of a `Gen`: a suspended or fresh one is resumed on the inline path.
#[inline(always)]
fn next_of_gen<B: Future, Y, S: Default, E>(g: Pin<&mut Gen<B, Y, S, E>>) -> Option<Y> {
    iterated(g.next_inline())
}

#[inline(always)]
pub(crate) fn iterated<Y, R, S, E>(outcome: Resumed<Y, R, S, E>) -> Option<Y> {
    match outcome {
        Resumed::Yielded(y) => Some(y),
        Resumed::Raised(_) => raised_while_iterated(),
        _ => None,
    }
}

#[cold]
#[inline(never)]
pub(crate) fn raised_while_iterated() -> ! {
    panic!(
        "a generator raised an error while it was iterated; iterate it with iter_results() \
         to receive the error"
    )
}

/// A pinned generator is an iterator over its yielded values: each `next()` resumes it with the
/// default send value (Python's `next()` sends `None`). The return value is dropped; iteration
/// is fused.
///
/// ```
/// use corogen::prelude::*;
/// use std::pin::pin;
///
/// #[generator(yield = u64)]
/// fn squares(n: u64) {
///     for i in 1..=n {
///         yield_!(i * i);
///     }
/// }
///
/// let v: Vec<u64> = pin!(squares(4)).collect();
/// assert_eq!(v, [1, 4, 9, 16]);
/// ```
///
/// # Panics
/// If the body raises an error with `raise_!`: an iterator has no way to report it. Iterate
/// with [`iter_results`](GeneratorExt::iter_results) to receive it.
impl<B: Future, Y, S: Default, E> Iterator for Pin<&mut Gen<B, Y, S, E>> {
    type Item = Y;

    #[inline]
    fn next(&mut self) -> Option<Y> {
        next_of_gen(self.as_mut())
    }

    #[inline]
    fn fold<Acc, F: FnMut(Acc, Y) -> Acc>(mut self, init: Acc, f: F) -> Acc {
        self.as_mut().fold_yields(init, f)
    }
}

/// A boxed generator iterates like a pinned one.
impl<B: Future, Y, S: Default, E> Iterator for Pin<Box<Gen<B, Y, S, E>>> {
    type Item = Y;

    #[inline]
    fn next(&mut self) -> Option<Y> {
        next_of_gen(self.as_mut())
    }

    #[inline]
    fn fold<Acc, F: FnMut(Acc, Y) -> Acc>(mut self, init: Acc, f: F) -> Acc {
        self.as_mut().fold_yields(init, f)
    }
}

/// A [`BoxGenerator`] iterates like a pinned generator, whatever is in
/// it: so a hand-written [`Generator`] iterates once [`boxed`](Generator::boxed).
///
/// ```
/// use corogen::{Generator, Resume, Resumed, Status};
/// use std::pin::Pin;
///
/// /// Yields 0, 1, 2 and returns.
/// struct Three(u8);
///
/// impl Generator for Three {
///     type Yield = u8;
///     type Send = ();
///     type Return = ();
///     type Throw = std::convert::Infallible;
///
///     fn resume(
///         mut self: Pin<&mut Self>,
///         _: Resume<(), Self::Throw>,
///     ) -> Resumed<u8, (), (), Self::Throw> {
///         if self.0 == 3 {
///             return Resumed::Complete(());
///         }
///         self.0 += 1;
///         Resumed::Yielded(self.0 - 1)
///     }
///
///     fn status(&self) -> Status {
///         match self.0 {
///             0 => Status::Created,
///             3 => Status::Finished,
///             _ => Status::Suspended,
///         }
///     }
/// }
///
/// let mut seen = Vec::new();
/// for n in Three(0).boxed() {
///     seen.push(n);
/// }
/// assert_eq!(seen, [0, 1, 2]);
/// ```
///
/// # Panics
/// As for a pinned one, if the body raises an error.
impl<Y, S: Default, R, E> Iterator for BoxGenerator<'_, Y, S, R, E> {
    type Item = Y;

    #[inline]
    fn next(&mut self) -> Option<Y> {
        next_of(self.as_mut())
    }
}

impl<B: Future, Y, S: Default, E> FusedIterator for Pin<&mut Gen<B, Y, S, E>> {}
impl<B: Future, Y, S: Default, E> FusedIterator for Pin<Box<Gen<B, Y, S, E>>> {}

/// A generator made by `#[generator]` can be iterated without pinning it first: `for x in g`
/// pins it in a box, as `Box::pin(g)` does. Pin it in place (`pin!(g)`) to iterate without the
/// allocation.
///
/// ```
/// use corogen::prelude::*;
///
/// #[generator(yield = char)]
/// fn letters() {
///     yield_!('a');
///     yield_!('b');
/// }
///
/// let mut seen = String::new();
/// for c in letters() {
///     seen.push(c);
/// }
/// assert_eq!(seen, "ab");
/// ```
impl<B: Future, Y, S: Default, E> IntoIterator for Gen<B, Y, S, E> {
    type Item = Y;
    type IntoIter = Pin<Box<Self>>;

    fn into_iter(self) -> Pin<Box<Self>> {
        Box::pin(self)
    }
}

/// The iterator of [`GeneratorExt::iter_results`]: each yielded value as `Ok`, then, if the body
/// raised, its error as `Err`, and then nothing. Once it has ended, the generator's return
/// value, if it returned, is kept here.
#[derive(Debug)]
pub struct IterResults<'a, G: Generator> {
    generator: &'a mut G,
    returned: Option<G::Return>,
    done: bool,
}

impl<'a, G: GeneratorExt<Send: Default>> IterResults<'a, G> {
    pub(crate) fn new(generator: &'a mut G) -> Self {
        Self {
            generator,
            returned: None,
            done: false,
        }
    }

    /// The return value (Python's `StopIteration.value`): `Some` once the iteration has ended
    /// because the generator returned; `None` before that, or if it raised or could not run.
    pub fn return_value(&self) -> Option<&G::Return> {
        self.returned.as_ref()
    }

    /// The return value, as [`return_value`](IterResults::return_value), by value.
    pub fn into_return_value(self) -> Option<G::Return> {
        self.returned
    }
}

impl<G: GeneratorExt<Send: Default>> Iterator for IterResults<'_, G> {
    type Item = Result<G::Yield, G::Throw>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let outcome = self.generator.resume_next();
        if !matches!(outcome, Ok(GeneratorState::Yielded(_))) {
            self.done = true;
        }
        match outcome {
            Ok(GeneratorState::Yielded(y)) => Some(Ok(y)),
            Ok(GeneratorState::Complete(r)) => {
                self.returned = Some(r);
                None
            }
            Err(ResumeError::Raised(e)) => Some(Err(e)),
            Err(_) => None,
        }
    }
}

impl<G: GeneratorExt<Send: Default>> FusedIterator for IterResults<'_, G> {}
