//! What the expansion of `#[generator]` calls. Not public API: no stability guarantees.

use core::future::Future;
use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::delegate::sealed::Target;
pub use crate::delegate::{
    Delegate, DelegateDyn, DelegateIter, DelegatePoint, Held, Probe, ViaAnything, ViaGenerator,
    ViaIterator, ViaOtherGenerator,
};
use crate::level::{Channel, In, Out, unreachable_state};
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
/// generator's channel through the waker it is polled with, and trusts that a waker of the
/// generator channel belongs to the generator of its own types; the channel check rejects any
/// other waker, and this contract rules out another generator's.
pub unsafe fn new<Y, S, E, B: Future>(body: impl FnOnce(Co<Y, S, E>) -> B) -> Gen<B, Y, S, E> {
    Gen::new(body(Co {
        _types: PhantomData,
    }))
}

/// The handle of the generator `#[generator]` makes with [`make`]: the expansion makes it
/// before the body, which captures it, so that the body is a plain `async` block (a closure
/// around it would make each nested generator's type name its argument's type twice more,
/// and rustc's debug info of a pipeline of generators grow exponentially with its depth).
///
/// # Safety
/// As for [`new`]: the body the handle goes into must use it only to await its yield points
/// directly, in the body itself, and the handle must go into that body only.
#[inline(always)]
pub unsafe fn handle<Y, S, E>() -> Co<Y, S, E> {
    Co {
        _types: PhantomData,
    }
}

/// Makes the generator of a `#[generator]` function from its body and the handle the body
/// captured (see [`handle`]).
#[inline(always)]
pub fn make<Y, S, E, B: Future>(_co: Co<Y, S, E>, body: B) -> Gen<B, Y, S, E> {
    Gen::new(body)
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

/// The channel of the poll that `cx` is the context of.
#[inline(always)]
pub(crate) fn channel_mut<'a, Y, S, E>(cx: &Context<'_>) -> &'a mut Channel<Y, S, E> {
    let channel = waker::channel::<Y, S, E>(cx);
    // SAFETY: the channel is a local of the poll (the generator lent it to this poll only) and
    // the generator reads it only after the poll returns; the caller drops the reference
    // before returning from `poll`.
    unsafe { &mut *channel.as_ptr() }
}

/// What a plain suspension point does with a close or a throw: it ends the body there, as if
/// the body had raised it. Out of line, so that bodies stay small enough to be inlined.
#[cold]
#[inline(never)]
pub(crate) fn interrupted<Y, S, E>(channel: &mut Channel<Y, S, E>, input: In<S, E>) {
    channel.out = match input {
        In::Throw(e) => Out::Raise(e),
        In::Close => Out::Exit,
        In::Ignored => Out::Ignored,
        In::Empty | In::Send(_) | In::ChildDone => unreachable_state(),
    };
}

/// What a catching suspension point (`try_yield!`, `try_yield_from!`) hands its body instead
/// of a value.
#[cold]
#[inline(never)]
pub(crate) fn interrupt_of<S, E>(input: In<S, E>) -> Interrupt<E, IgnoredClose> {
    match input {
        In::Throw(e) => Interrupt::Throw(e),
        In::Close => Interrupt::Close,
        In::Ignored => Interrupt::Ignored(IgnoredClose),
        In::Empty | In::Send(_) | In::ChildDone => unreachable_state(),
    }
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
///
/// It is polled first when the body arrives at it, with nothing in the channel: it hands its
/// value out, once. Every later poll is its resumption, with what the generator was resumed
/// with in the channel.
pub struct YieldPoint<Y, S, E, const CATCH: bool> {
    value: MaybeUninit<Y>,
    _types: PhantomData<fn(S, E)>,
}

// The yielded value is never pinned.
impl<Y, S, E, const CATCH: bool> Unpin for YieldPoint<Y, S, E, CATCH> {}

impl<Y, S, E, const CATCH: bool> YieldPoint<Y, S, E, CATCH> {
    #[inline]
    fn new(value: Y) -> Self {
        Self {
            value: MaybeUninit::new(value),
            _types: PhantomData,
        }
    }

    /// The arrival (`None`: the value went out) or the resumption.
    #[inline(always)]
    fn poll_point(&mut self, cx: &Context<'_>) -> Option<In<S, E>> {
        let channel = channel_mut::<Y, S, E>(cx);
        match core::mem::replace(&mut channel.input, In::Empty) {
            In::Empty => {
                // SAFETY: the arrival is the first poll of the point, made in the poll of the
                // body that made the point, and the only one with an empty channel (every
                // resumption brings its input): the value is there and is read once.
                channel.out = Out::Yield(unsafe { self.value.assume_init_read() });
                None
            }
            input => Some(input),
        }
    }
}

impl<Y, S, E> Future for YieldPoint<Y, S, E, false> {
    type Output = S;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<S> {
        match self.get_mut().poll_point(cx) {
            None => Poll::Pending,
            Some(In::Send(s)) => Poll::Ready(s),
            Some(input) => {
                interrupted(channel_mut::<Y, S, E>(cx), input);
                Poll::Pending
            }
        }
    }
}

impl<Y, S, E> Future for YieldPoint<Y, S, E, true> {
    type Output = Result<S, Interrupt<E>>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut().poll_point(cx) {
            None => Poll::Pending,
            Some(In::Send(s)) => Poll::Ready(Ok(s)),
            Some(input) => Poll::Ready(Err(match interrupt_of(input) {
                Interrupt::Close => Interrupt::Close,
                Interrupt::Throw(e) => Interrupt::Throw(e),
                // A yield point has no delegate.
                Interrupt::Ignored(_) => unreachable_state(),
            })),
        }
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
        let channel = channel_mut::<Y, S, E>(cx);
        let Some(error) = this.error.take() else {
            unreachable_state()
        };
        channel.out = out_of(error);
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
