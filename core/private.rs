//! What the expansion of `#[generator]` calls. Not public API: no stability guarantees.

use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::delegate::sealed::Target;
pub use crate::delegate::{
    Delegate, DelegateDyn, DelegateIter, DelegatePoint, Held, Probe, ViaAnything, ViaGenerator,
    ViaIterator, ViaOtherGenerator,
};
use crate::level::{Header, Input, Out, Slot};
use crate::{Gen, IgnoredClose, Interrupt, waker};

pub use core::convert::Infallible;
pub use core::pin::pin;

/// Ties a handle to its generator's types, keeping it `Send`, `Sync` and invariant.
type Types<Y, S, E> = fn(Y, S, E) -> (Y, S, E);

/// The handle through which a body reaches its generator's yield points. Only [`new`] makes
/// one, and only for the body it makes the generator of.
pub struct Co<Y, S, E> {
    _types: PhantomData<Types<Y, S, E>>,
}

impl<Y, S, E> Clone for Co<Y, S, E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Y, S, E> Copy for Co<Y, S, E> {}

/// Makes the generator of a `#[generator]` function.
///
/// # Safety
/// The body must use the handle only to await its yield points directly, in the body itself:
/// the handle and the points it makes must not leave the body. A yield point finds its
/// generator's header through the waker it is polled with, and trusts that a waker of the
/// generator channel belongs to the generator of its own types; the channel check rejects any
/// other waker, and this contract rules out another generator's.
pub unsafe fn new<Y, S, E, B: Future>(body: impl FnOnce(Co<Y, S, E>) -> B) -> Gen<B, Y, S, E> {
    Gen::new(body(Co {
        _types: PhantomData,
    }))
}

impl<Y, S, E> Co<Y, S, E> {
    /// `yield_!(value)`.
    #[inline]
    pub fn yield_(self, value: Y) -> YieldPoint<Y, S, E, false> {
        YieldPoint::new(value)
    }

    /// `try_yield!(value)`.
    #[inline]
    pub fn try_yield(self, value: Y) -> YieldPoint<Y, S, E, true> {
        YieldPoint::new(value)
    }

    /// `raise_!(error)` and `raise_!(Interrupt::…)`: the expansion makes the argument an
    /// interrupt with `Raise` where it is (so that a wrong one is reported there), and hands
    /// the interrupt on.
    pub fn raise(self, error: impl crate::Raise<E>) -> RaisePoint<Y, S, E> {
        RaisePoint {
            error: Some(error.__into_interrupt()),
            _types: PhantomData,
        }
    }

    /// `yield_from!(target)` and `try_yield_from!(target)`: `target` is what
    /// `Delegate::__into_target` made of the argument (called by the expansion where the
    /// argument is, so that one that cannot be delegated to is reported there, once).
    pub fn delegate<T: Target<Y, S, E>, const CATCH: bool>(
        self,
        target: T,
    ) -> DelegatePoint<T, Y, S, E, CATCH> {
        DelegatePoint::new(target)
    }
}

/// The header of the generator polling `cx`, checked against `id`.
#[inline(always)]
pub(crate) fn header_mut<'a, Y, S, E>(cx: &Context<'_>) -> &'a mut Header<Y, S, E> {
    let header = waker::header::<Y, S, E>(cx);
    // SAFETY: the header is live for the whole poll (the generator lent it to this poll only)
    // and the generator touches it only after the poll returns; the caller drops the
    // reference before returning from `poll`.
    unsafe { &mut *header.as_ptr() }
}

/// What a suspension point does with a close or a throw: a catching one (`CATCH`) gives it to
/// the body; any other ends the body there, as if it had raised it.
#[inline]
pub(crate) fn interrupted<Y, S, E, const CATCH: bool, T, D>(
    header: &mut Header<Y, S, E>,
    interrupt: Interrupt<E, D>,
) -> Poll<Result<T, Interrupt<E, D>>> {
    if CATCH {
        return Poll::Ready(Err(interrupt));
    }
    header.slot = Slot::Out(out_of(interrupt));
    Poll::Pending
}

/// How a level's body ends when it lets `interrupt` go on.
#[inline]
fn out_of<Y, S, E, D>(interrupt: Interrupt<E, D>) -> Out<Y, S, E> {
    match interrupt {
        Interrupt::Throw(e) => Out::Raise(e),
        Interrupt::Close => Out::Exit,
        Interrupt::Ignored(_) => Out::Ignored,
    }
}

/// A `yield_!` (or `try_yield!` when `CATCH`) waiting to be resumed.
pub struct YieldPoint<Y, S, E, const CATCH: bool> {
    value: Option<Y>,
    _types: PhantomData<fn(S, E)>,
}

// The yielded value is never pinned.
impl<Y, S, E, const CATCH: bool> Unpin for YieldPoint<Y, S, E, CATCH> {}

impl<Y, S, E, const CATCH: bool> YieldPoint<Y, S, E, CATCH> {
    #[inline]
    fn new(value: Y) -> Self {
        Self {
            value: Some(value),
            _types: PhantomData,
        }
    }

    #[inline(always)]
    fn poll_point(&mut self, cx: &Context<'_>) -> Poll<Result<S, Interrupt<E>>> {
        let header = header_mut::<Y, S, E>(cx);
        // Tested without taking, so that a resume (the second poll) writes nothing here.
        if self.value.is_some() {
            let Some(value) = self.value.take() else {
                unreachable!("checked above")
            };
            header.slot = Slot::Out(Out::Yield(value));
            return Poll::Pending;
        }
        let interrupt = match header.slot.take_in() {
            Some(Input::Send(s)) => return Poll::Ready(Ok(s)),
            Some(Input::Throw(e)) => Interrupt::Throw(e),
            Some(Input::Close) => Interrupt::Close,
            _ => unreachable!("a yield point was resumed without a value"),
        };
        interrupted::<Y, S, E, CATCH, _, _>(header, interrupt)
    }
}

impl<Y, S, E> Future for YieldPoint<Y, S, E, false> {
    type Output = S;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<S> {
        self.get_mut().poll_point(cx).map(|r| match r {
            Ok(s) => s,
            Err(_) => unreachable!("a plain yield point never sees close or throw"),
        })
    }
}

impl<Y, S, E> Future for YieldPoint<Y, S, E, true> {
    type Output = Result<S, Interrupt<E>>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut().poll_point(cx)
    }
}

/// A `raise_!`: the generator finishes and the error goes to its caller.
pub struct RaisePoint<Y, S, E> {
    error: Option<Interrupt<E, IgnoredClose>>,
    _types: PhantomData<fn(Y, S)>,
}

impl<Y, S, E> Unpin for RaisePoint<Y, S, E> {}

impl<Y, S, E> Future for RaisePoint<Y, S, E> {
    type Output = Infallible;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Infallible> {
        let this = self.get_mut();
        let header = header_mut::<Y, S, E>(cx);
        let error = this
            .error
            .take()
            .expect("a raised generator is not resumed");
        header.slot = Slot::Out(out_of(error));
        Poll::Pending
    }
}

/// The argument of `raise_!`, probed for what it is: an interrupt of a `try_yield_from!`
/// (whose kind a bare `Interrupt::Close` takes), one of a `try_yield!`, or anything else, which
/// [`Raise`](crate::Raise) then accepts or rejects.
pub struct RaiseProbe<T>(core::cell::Cell<Option<T>>);

impl<T> RaiseProbe<T> {
    /// Probes `value`.
    pub fn new(value: T) -> Self {
        Self(core::cell::Cell::new(Some(value)))
    }

    fn take(&self) -> T {
        self.0.take().expect("a raise_! argument is taken once")
    }
}

/// Chosen first by `raise_!`: an interrupt as `try_yield_from!` gives it.
pub trait RaiseWide {
    /// The interrupt.
    type Raised;
    /// Takes the argument out of the probe.
    fn __raisable(&self) -> Self::Raised;
}

impl<E> RaiseWide for &&RaiseProbe<Interrupt<E, IgnoredClose>> {
    type Raised = Interrupt<E, IgnoredClose>;
    fn __raisable(&self) -> Self::Raised {
        self.take()
    }
}

/// Chosen second by `raise_!`: an interrupt as `try_yield!` gives it.
pub trait RaiseInterrupt {
    /// The interrupt.
    type Raised;
    /// Takes the argument out of the probe.
    fn __raisable(&self) -> Self::Raised;
}

impl<E> RaiseInterrupt for &RaiseProbe<Interrupt<E>> {
    type Raised = Interrupt<E>;
    fn __raisable(&self) -> Self::Raised {
        self.take()
    }
}

/// Chosen last by `raise_!`: anything else (the throw type, or a mistake
/// [`Raise`](crate::Raise) reports).
pub trait RaiseAnything {
    /// The argument.
    type Raised;
    /// Takes the argument out of the probe.
    fn __raisable(&self) -> Self::Raised;
}

impl<T> RaiseAnything for RaiseProbe<T> {
    type Raised = T;
    fn __raisable(&self) -> T {
        self.take()
    }
}
