//! [`Gen`]: the state machine that `#[generator]` makes of a function body.

use core::cell::UnsafeCell;
use core::convert::Infallible;
use core::fmt;
use core::future::Future;
use core::marker::PhantomPinned;
use core::pin::Pin;
use core::ptr::NonNull;
use core::task::Poll;

use crate::level::{self, Drove, Header, Input, Out, Phase, Slot, Step};
use crate::{Generator, Refusal, Resume, Resumed, Status, waker};

/// A generator made by `#[generator]`: the body of the function, suspended at its yield points.
///
/// `B` is the body (an unnameable type, which is why a `#[generator]` function returns
/// `Gen<impl ..., Y, S, E>`), `Y` the yield type, `S` the send type, `E` the throw type; the
/// return type is the body's output.
///
/// A `Gen` does nothing until it is pinned and resumed: pin it on the stack with
/// [`core::pin::pin!`] or on the heap with [`Box::pin`], then drive it with the methods of
/// [`GeneratorExt`](crate::GeneratorExt) or iterate it.
///
/// ```
/// use corogen::prelude::*;
/// use std::pin::pin;
///
/// #[generator(yield = u32)]
/// fn countdown(from: u32) -> &'static str {
///     for i in (1..=from).rev() {
///         yield_!(i);
///     }
///     "liftoff"
/// }
///
/// let mut g = pin!(countdown(2));
/// assert_eq!(g.start(), Ok(GeneratorState::Yielded(2)));
/// assert_eq!(g.send(()), Ok(GeneratorState::Yielded(1)));
/// assert_eq!(g.send(()), Ok(GeneratorState::Complete("liftoff")));
/// assert_eq!(g.status(), Status::Finished);
/// ```
///
/// Dropping a suspended generator closes it, as Python does when a generator is collected.
#[repr(C)]
pub struct Gen<B: Future, Y, S = (), E = Infallible> {
    header: Header<Y, S, E>,
    /// In an `UnsafeCell` so that a shared reference to the generator (`status()`) neither
    /// reads nor freezes the body, whose locals may be borrowed by the body itself.
    body: UnsafeCell<Body<B>>,
    _pin: PhantomPinned,
}

enum Body<B: Future> {
    Running(B),
    Done(B::Output),
    Empty,
}

impl<B: Future, Y, S, E> Gen<B, Y, S, E> {
    /// Makes a generator from a body. Called by the expansion of `#[generator]` only.
    pub(crate) fn new(body: B) -> Self {
        Self {
            header: Header::new(Self::step_raw),
            body: UnsafeCell::new(Body::Running(body)),
            _pin: PhantomPinned,
        }
    }

    #[inline(always)]
    fn project(self: Pin<&mut Self>) -> (&mut Header<Y, S, E>, Pin<&mut Body<B>>) {
        // SAFETY: `body` is structurally pinned (never moved out while it is `Running`) and
        // `header` is not pinned; the `Drop` of `Gen` moves neither.
        unsafe {
            let this = self.get_unchecked_mut();
            (&mut this.header, Pin::new_unchecked(this.body.get_mut()))
        }
    }

    /// The header, with provenance over the whole generator, for the level protocol.
    #[inline]
    pub(crate) fn header_ptr(self: Pin<&mut Self>) -> NonNull<Header<Y, S, E>> {
        // SAFETY: only a pointer is made; nothing is moved. `header` is the first field of a
        // `repr(C)` struct, so the cast keeps the address.
        NonNull::from(unsafe { self.get_unchecked_mut() }).cast()
    }

    #[inline]
    pub(crate) fn phase(&self) -> Phase {
        self.header.phase
    }

    /// Takes the return value after the generator returned.
    pub(crate) fn take_return(self: Pin<&mut Self>) -> B::Output {
        let (_, body) = self.project();
        // SAFETY: the body is not `Running`, so no pinned data is moved by the replace.
        match core::mem::replace(unsafe { body.get_unchecked_mut() }, Body::Empty) {
            Body::Done(r) => r,
            _ => unreachable!("the return value of a generator was taken twice"),
        }
    }

    /// # Safety
    /// `header` must be the header of a live pinned `Gen<B, Y, S, E>` with provenance over it.
    unsafe fn step_raw(header: NonNull<Header<Y, S, E>>, input: Input<S, E>) -> Step<Y, S, E> {
        // SAFETY: the caller's contract; the pointer is not used to move the generator.
        let this = unsafe { Pin::new_unchecked(&mut *header.cast::<Self>().as_ptr()) };
        this.step(input)
    }

    /// One step of this level's own body. Only the common case, a value sent to a suspended
    /// generator, is inlined; the rest is out of line so the resume stays small enough for the
    /// body's `poll` to be inlined into it.
    #[inline(always)]
    fn step(self: Pin<&mut Self>, input: Input<S, E>) -> Step<Y, S, E> {
        match (self.header.phase, input) {
            (Phase::Suspended, Input::Send(s)) => self.poll_body(Some(Input::Send(s))),
            (_, input) => self.step_cold(input),
        }
    }

    #[inline(never)]
    fn step_cold(self: Pin<&mut Self>, input: Input<S, E>) -> Step<Y, S, E> {
        let catching = self.header.catching;
        match (self.header.phase, input) {
            (Phase::Created, Input::Start) => self.poll_body(None),
            (Phase::Created, Input::Send(s)) => Step::Refused(Refusal::NotStarted, Input::Send(s)),
            (Phase::Suspended, Input::Start) => {
                Step::Refused(Refusal::AlreadyStarted, Input::Start)
            }
            (Phase::Created, Input::Throw(e)) => self.end(Step::Raise(e)),
            (Phase::Suspended, Input::Throw(e)) if !catching => self.end(Step::Raise(e)),
            (Phase::Created | Phase::Suspended, Input::Kill) => self.end(Step::Closed),
            (Phase::Created, Input::Close) => self.end(Step::Closed),
            (Phase::Suspended, Input::Close) if !catching => self.end(Step::Closed),
            (Phase::Suspended, input) => self.poll_body(Some(input)),
            (Phase::Finished | Phase::Running, Input::Close | Input::Kill) => Step::Closed,
            (Phase::Finished, input) => Step::Refused(Refusal::Finished, input),
            (Phase::Running, input) => Step::Refused(Refusal::Poisoned, input),
            (Phase::Created, Input::ChildDone) => unreachable!("a fresh generator has no child"),
        }
    }

    /// Drops the body (its live locals, innermost scope first) and finishes.
    fn end(self: Pin<&mut Self>, step: Step<Y, S, E>) -> Step<Y, S, E> {
        let (header, mut body) = self.project();
        header.phase = Phase::Running;
        body.set(Body::Empty);
        header.phase = Phase::Finished;
        step
    }

    /// Polls the body once; a yield is handled inline, every other outcome by `settle`.
    #[inline(always)]
    fn poll_body(mut self: Pin<&mut Self>, input: Option<Input<S, E>>) -> Step<Y, S, E> {
        let (header, mut body) = self.as_mut().project();
        header.slot = match input {
            Some(input) => Slot::In(input),
            None => Slot::Empty,
        };
        header.phase = Phase::Running;
        // SAFETY: `Running` is structurally pinned; the future is not moved.
        let future = match unsafe { body.as_mut().get_unchecked_mut() } {
            // SAFETY: as above.
            Body::Running(future) => unsafe { Pin::new_unchecked(future) },
            _ => unreachable!("a suspended generator has a body"),
        };
        let poll = waker::with_header(NonNull::from(&mut *header), |cx| future.poll(cx));
        let out = header.slot.take_out();
        if let (Poll::Pending, Some(Out::Yield(_))) = (&poll, &out) {
            header.phase = Phase::Suspended;
            let Some(Out::Yield(y)) = out else {
                unreachable!()
            };
            return Step::Yield(y);
        }
        self.settle(poll, out)
    }

    /// Everything a poll of the body can come to but a yield.
    #[inline(never)]
    fn settle(
        self: Pin<&mut Self>,
        poll: Poll<B::Output>,
        out: Option<Out<Y, S, E>>,
    ) -> Step<Y, S, E> {
        let (header, mut body) = self.project();
        match (poll, out) {
            (Poll::Ready(r), _) => {
                body.set(Body::Done(r));
                header.phase = Phase::Finished;
                Step::Return
            }
            (Poll::Pending, Some(Out::Yield(y))) => {
                header.phase = Phase::Suspended;
                Step::Yield(y)
            }
            (Poll::Pending, Some(Out::Delegate(child, first))) => {
                header.phase = Phase::Suspended;
                Step::Delegate(child, first)
            }
            (Poll::Pending, Some(Out::Raise(e))) => {
                body.set(Body::Empty);
                header.phase = Phase::Finished;
                Step::Raise(e)
            }
            (Poll::Pending, Some(Out::Exit)) => {
                body.set(Body::Empty);
                header.phase = Phase::Finished;
                Step::Closed
            }
            (Poll::Pending, None) => panic!(
                "a #[generator] body waited on something that is not a yield point; \
                 `.await` cannot be used inside a generator"
            ),
        }
    }

    /// Runs the chain this generator is the outermost level of.
    ///
    /// The two common cases stay out of the general loop: no delegation is active and the
    /// body yields, or a delegation is active and its innermost level yields.
    #[inline(always)]
    fn drive(mut self: Pin<&mut Self>, input: Input<S, E>) -> Drove<Y, S, E> {
        let closing = matches!(input, Input::Close);
        let root = self.as_mut().header_ptr();
        let (header, _) = self.as_mut().project();
        let (cur, step) = match header.innermost {
            None => match self.as_mut().step(input) {
                Step::Yield(y) if !closing => return Drove::Yield(y),
                Step::Return => return Drove::Return,
                Step::Raise(e) => return Drove::Raise(e),
                Step::Closed => return Drove::Closed,
                Step::Refused(why, input) => return Drove::Refused(why, input),
                step => (root, step),
            },
            Some(innermost) => {
                // SAFETY: `innermost` is a level of this generator's chain, kept pinned by the
                // `yield_from!` points of the levels above it.
                let step = unsafe { level::step_below(root, innermost, input) };
                match step {
                    // The innermost level stays the innermost one.
                    Step::Yield(y) if !closing => return Drove::Yield(y),
                    step => (innermost, step),
                }
            }
        };
        self.drive_chain(cur, step, closing)
    }

    #[inline(never)]
    fn drive_chain(
        mut self: Pin<&mut Self>,
        cur: NonNull<Header<Y, S, E>>,
        step: Step<Y, S, E>,
        closing: bool,
    ) -> Drove<Y, S, E> {
        // The chain changes from here on; `level::drive` records its innermost level again
        // if the chain yields below this generator.
        self.as_mut().project().0.innermost = None;
        let root = self.as_mut().header_ptr();
        // SAFETY: `root` is this pinned generator; every delegate pointer a step produces comes
        // from a `yield_from!` point in a body of this chain, which keeps its sub-generator
        // pinned in place until the delegation ends.
        unsafe { level::drive(root, cur, step, closing, |input| self.as_mut().step(input)) }
    }
}

impl<B: Future, Y, S, E> Generator for Gen<B, Y, S, E> {
    type Yield = Y;
    type Send = S;
    type Return = B::Output;
    type Throw = E;

    #[inline(always)]
    fn resume(mut self: Pin<&mut Self>, arg: Resume<S, E>) -> Resumed<Y, B::Output, S, E> {
        let input = match arg {
            Resume::Start => Input::Start,
            Resume::Send(s) => Input::Send(s),
            Resume::Throw(e) => Input::Throw(e),
            Resume::Close => Input::Close,
        };
        match self.as_mut().drive(input) {
            Drove::Yield(y) => Resumed::Yielded(y),
            Drove::Return => Resumed::Complete(self.take_return()),
            Drove::Raise(e) => Resumed::Raised(e),
            Drove::Closed => Resumed::Closed,
            Drove::IgnoredClose(y) => Resumed::IgnoredClose(y),
            Drove::Refused(why, input) => Resumed::Refused(why, input.into_resume()),
        }
    }

    #[inline]
    fn status(&self) -> Status {
        match self.phase() {
            Phase::Created => Status::Created,
            Phase::Suspended => Status::Suspended,
            Phase::Finished => Status::Finished,
            Phase::Running => Status::Poisoned,
        }
    }
}

impl<S, E> Input<S, E> {
    fn into_resume(self) -> Resume<S, E> {
        match self {
            Input::Send(s) => Resume::Send(s),
            Input::Throw(e) => Resume::Throw(e),
            Input::Close | Input::Kill => Resume::Close,
            Input::Start | Input::ChildDone => Resume::Start,
        }
    }
}

impl<B: Future, Y, S, E> Drop for Gen<B, Y, S, E> {
    fn drop(&mut self) {
        // SAFETY: `self` is dropped in place and never used again, so treating it as pinned
        // is the pinning contract of `Drop`.
        let this = unsafe { Pin::new_unchecked(self) };
        if this.header.phase == Phase::Suspended {
            // Python closes a generator when it is collected; the close's outcome has no one to
            // go to. A body that panics here panics out of `drop`.
            let _ = this.drive(Input::Close);
        }
    }
}

impl<B: Future, Y, S, E> fmt::Debug for Gen<B, Y, S, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gen")
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

// SAFETY: the `UnsafeCell` around the body is never accessed through a shared reference: a
// `&Gen` reads only the header. So a `Gen` may be shared exactly when its parts may.
unsafe impl<B, Y, S, E> Sync for Gen<B, Y, S, E>
where
    B: Future + Sync,
    B::Output: Sync,
    Header<Y, S, E>: Sync,
{
}
