//! [`Gen`]: the state machine that `#[generator]` makes of a function body.

use core::cell::UnsafeCell;
use core::convert::Infallible;
use core::fmt;
use core::future::Future;
use core::marker::PhantomPinned;
use core::pin::Pin;
use core::ptr::NonNull;
use core::task::Poll;

use crate::generator::{ResumeResult, iterated, next_of_cold, sent};
use crate::level::{self, Drove, Header, Input, Out, Phase, PoisonOnUnwind, Seal, Slot, Step};
use crate::{Generator, Refusal, Resume, Resumed, Status, waker};
use core::any::type_name;
use core::convert::identity;

use crate::unraisable::{self, Unraisable, UnraisableKind};

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
/// Dropping a suspended generator closes it, as Python does when a generator is collected. If
/// that close fails (the body yields instead of finishing, or raises while cleaning up), there
/// is no caller to report it to: it goes to the [unraisable hook](crate::unraisable), which
/// by default writes a line to standard error. Call [`close`](crate::GeneratorExt::close)
/// first to handle the outcome yourself.
#[repr(C)]
#[must_use = "a generator does nothing until it is resumed: drive it (`start`, `send`, a `for` loop), \
              delegate to it with `yield_from!`, or spawn it as a task"]
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

    /// One step of this level's own body (what a level's `step` function runs). Only the
    /// common case, a value sent to a suspended body, is inlined.
    #[inline(always)]
    fn step(self: Pin<&mut Self>, input: Input<S, E>) -> Step<Y, S, E> {
        match (self.header.phase, input) {
            (Phase::Suspended, Input::Send(s)) => self.poll_body(Some(Input::Send(s))),
            (_, input) => self.step_cold(input),
        }
    }

    #[inline(never)]
    fn step_cold(mut self: Pin<&mut Self>, input: Input<S, E>) -> Step<Y, S, E> {
        match self.header.phase {
            Phase::Suspended => match input {
                Input::Start => Step::Refused(Refusal::AlreadyStarted, Input::Start),
                Input::Kill => self.end(Step::Closed),
                // A close, a throw or the end of the delegate: the suspension point the body
                // waits at takes it.
                input => self.poll_body(Some(input)),
            },
            Phase::Created => match input {
                Input::Start => {
                    // The phase a body keeps while it runs (see `Phase`).
                    self.as_mut().project().0.phase = Phase::Suspended;
                    self.poll_body(None)
                }
                Input::Send(s) => Step::Refused(Refusal::NotStarted, Input::Send(s)),
                Input::Throw(e) => self.end(Step::Raise(e)),
                Input::Close | Input::Kill => self.end(Step::Closed),
                Input::ChildDone | Input::Ignored => unreachable!("a fresh generator has no child"),
            },
            Phase::Finished | Phase::Poisoned if matches!(input, Input::Close | Input::Kill) => {
                Step::Closed
            }
            Phase::Finished => Step::Refused(Refusal::Finished, input),
            Phase::Poisoned => Step::Refused(Refusal::Poisoned, input),
            Phase::Delegating => {
                unreachable!("a level is stepped only after the delegation it records is cleared")
            }
        }
    }

    /// Drops the body (its live locals, innermost scope first) and finishes.
    fn end(self: Pin<&mut Self>, step: Step<Y, S, E>) -> Step<Y, S, E> {
        let (header, body) = self.project();
        Self::drop_body(header, body);
        step
    }

    /// Drops the body and finishes. Should a local's drop panic, the generator stays poisoned
    /// (and its body empty: the other locals are dropped as the panic unwinds).
    fn drop_body(header: &mut Header<Y, S, E>, mut body: Pin<&mut Body<B>>) {
        header.phase = Phase::Poisoned;
        body.set(Body::Empty);
        header.phase = Phase::Finished;
    }

    /// Polls the running body once with `slot` in the header, and leaves in the header what
    /// the body put there. The phase is not written (see `Phase`): a panic out of the poll
    /// marks the generator poisoned on its way out.
    #[inline(always)]
    fn poll_in(
        header: &mut Header<Y, S, E>,
        body: Pin<&mut Body<B>>,
        slot: Slot<Y, S, E>,
    ) -> Poll<B::Output> {
        header.slot = slot;
        // SAFETY: `Running` is structurally pinned; the future is not moved.
        let future = match unsafe { body.get_unchecked_mut() } {
            // SAFETY: as above.
            Body::Running(future) => unsafe { Pin::new_unchecked(future) },
            _ => unreachable!("a suspended generator has a body"),
        };
        let channel = NonNull::from(header);
        let poison = PoisonOnUnwind(channel);
        let poll = waker::with_header(channel, |cx| future.poll(cx));
        core::mem::forget(poison);
        poll
    }

    /// The yielded value, if the poll that gave `poll` ended at a yield point.
    #[inline(always)]
    fn yielded(header: &mut Header<Y, S, E>, poll: &Poll<B::Output>) -> Option<Y> {
        if poll.is_pending() && matches!(header.slot, Slot::Out(Out::Yield(_))) {
            let Some(Out::Yield(y)) = header.slot.take_out() else {
                unreachable!("checked above")
            };
            return Some(y);
        }
        None
    }

    /// Polls the body once; a yield is handled inline, every other outcome by `settle`.
    #[inline(always)]
    fn poll_body(mut self: Pin<&mut Self>, input: Option<Input<S, E>>) -> Step<Y, S, E> {
        let (header, body) = self.as_mut().project();
        let slot = match input {
            Some(input) => Slot::In(input),
            None => Slot::Empty,
        };
        let poll = Self::poll_in(header, body, slot);
        if let Some(y) = Self::yielded(header, &poll) {
            return Step::Yield(y);
        }
        self.settle(poll)
    }

    /// Everything a poll of the body can come to but a yield.
    #[inline(never)]
    fn settle(self: Pin<&mut Self>, poll: Poll<B::Output>) -> Step<Y, S, E> {
        let (header, mut body) = self.project();
        if let Poll::Ready(r) = poll {
            body.set(Body::Done(r));
            header.phase = Phase::Finished;
            return Step::Return;
        }
        match header.slot.take_out() {
            Some(Out::Yield(y)) => {
                header.phase = Phase::Suspended;
                Step::Yield(y)
            }
            Some(Out::Delegate(child, first)) => {
                header.phase = Phase::Suspended;
                Step::Delegate(child, first)
            }
            Some(Out::Raise(e)) => {
                Self::drop_body(header, body);
                Step::Raise(e)
            }
            Some(Out::Exit) => {
                Self::drop_body(header, body);
                Step::Closed
            }
            Some(Out::Ignored) => {
                Self::drop_body(header, body);
                Step::Ignored
            }
            None => panic!(
                "a #[generator] body waited on something that is not a yield point; \
                 `.await` cannot be used inside a generator"
            ),
        }
    }

    /// Sends `s`: the one case of a resume kept inline in every caller. The common outcome,
    /// a yield of the body or of the innermost level it delegates to, returns at once; every
    /// other goes out of line.
    ///
    /// `then` maps the outcome to what the caller returns, in each path apart: on the inline
    /// path it folds into the caller's own `match`, and the out-of-line paths return the
    /// caller's (often smaller) type. A generator that is not suspended is handed with the
    /// value to `otherwise`.
    #[inline(always)]
    pub(crate) fn send_then<T>(
        mut self: Pin<&mut Self>,
        s: S,
        then: impl FnOnce(Resumed<Y, B::Output, S, E>) -> T,
        otherwise: impl FnOnce(Pin<&mut Self>, S) -> T,
    ) -> T {
        let (header, body) = self.as_mut().project();
        match header.phase {
            Phase::Suspended => {
                let poll = Self::poll_in(header, body, Slot::In(Input::Send(s)));
                if let Some(y) = Self::yielded(header, &poll) {
                    return then(Resumed::Yielded(y));
                }
                self.resume_settled(poll, then)
            }
            Phase::Delegating => self.send_below(s, then),
            _ => otherwise(self, s),
        }
    }

    /// `Iterator::fold`: the inline path folds each yielded value and goes round again at
    /// once, so it does not pass through the merge with the outcomes of the out-of-line paths.
    #[inline(always)]
    pub(crate) fn fold_yields<Acc>(
        mut self: Pin<&mut Self>,
        mut acc: Acc,
        mut f: impl FnMut(Acc, Y) -> Acc,
    ) -> Acc
    where
        S: Default,
    {
        loop {
            let (header, body) = self.as_mut().project();
            let next = match header.phase {
                Phase::Suspended => {
                    let poll = Self::poll_in(header, body, Slot::In(Input::Send(S::default())));
                    if let Some(y) = Self::yielded(header, &poll) {
                        acc = f(acc, y);
                        continue;
                    }
                    self.as_mut().resume_settled(poll, iterated)
                }
                Phase::Delegating => self.as_mut().send_below(S::default(), iterated),
                _ => next_of_cold(self.as_mut()),
            };
            match next {
                Some(y) => acc = f(acc, y),
                None => return acc,
            }
        }
    }

    /// Sends `s` to the innermost level of the chain this generator leads.
    #[inline(always)]
    fn send_below<T>(
        mut self: Pin<&mut Self>,
        s: S,
        then: impl FnOnce(Resumed<Y, B::Output, S, E>) -> T,
    ) -> T {
        let Some(innermost) = self.header.innermost else {
            unreachable!("a delegating generator records its innermost level")
        };
        let root = self.as_mut().header_ptr();
        // SAFETY: `innermost` is a level of this generator's chain, kept pinned by the
        // `yield_from!` points of the levels above it.
        match unsafe { level::step_below(root, innermost, Input::Send(s)) } {
            Step::Yield(y) => then(Resumed::Yielded(y)),
            step => self.resume_chain(innermost, step, then),
        }
    }

    #[cold]
    #[inline(never)]
    fn resume_settled<T>(
        mut self: Pin<&mut Self>,
        poll: Poll<B::Output>,
        then: impl FnOnce(Resumed<Y, B::Output, S, E>) -> T,
    ) -> T {
        let step = self.as_mut().settle(poll);
        let root = self.as_mut().header_ptr();
        self.resume_chain(root, step, then)
    }

    #[cold]
    #[inline(never)]
    fn resume_chain<T>(
        mut self: Pin<&mut Self>,
        cur: NonNull<Header<Y, S, E>>,
        step: Step<Y, S, E>,
        then: impl FnOnce(Resumed<Y, B::Output, S, E>) -> T,
    ) -> T {
        let drove = self.as_mut().drive_chain(cur, step, false);
        then(self.outcome(drove))
    }

    /// Every resume but a value sent to a suspended generator.
    #[cold]
    #[inline(never)]
    pub(crate) fn resume_cold(
        mut self: Pin<&mut Self>,
        arg: Resume<S, E>,
    ) -> Resumed<Y, B::Output, S, E> {
        let input = match arg {
            Resume::Start => Input::Start,
            Resume::Send(s) => Input::Send(s),
            Resume::Throw(e) => Input::Throw(e),
            Resume::Close => Input::Close,
        };
        let drove = self.as_mut().drive(input);
        self.outcome(drove)
    }

    fn outcome(self: Pin<&mut Self>, drove: Drove<Y, S, E>) -> Resumed<Y, B::Output, S, E> {
        match drove {
            Drove::Yield(y) => Resumed::Yielded(y),
            Drove::Return => Resumed::Complete(self.take_return()),
            Drove::Raise(e) => Resumed::Raised(e),
            Drove::Closed => Resumed::Closed,
            Drove::IgnoredClose(y) => Resumed::IgnoredClose(y),
            Drove::Refused(why, input) => Resumed::Refused(why, input.into_resume()),
        }
    }

    /// Runs the chain this generator is the outermost level of, from its innermost active
    /// level, to the chain's next yield or its end.
    fn drive(mut self: Pin<&mut Self>, input: Input<S, E>) -> Drove<Y, S, E> {
        let closing = matches!(input, Input::Close);
        let root = self.as_mut().header_ptr();
        // SAFETY: `root` is this pinned generator; when it leads a chain, `innermost` is a
        // level of that chain, kept pinned by the `yield_from!` points of the levels above it.
        unsafe {
            let cur = (*root.as_ptr()).innermost.unwrap_or(root);
            let step = level::step_below(root, cur, input);
            self.drive_chain(cur, step, closing)
        }
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
        let header = self.as_mut().project().0;
        header.innermost = None;
        if header.phase == Phase::Delegating {
            header.phase = Phase::Suspended;
        }
        let root = self.as_mut().header_ptr();
        // The root is stepped through this fresh pointer, not an older one the caller made.
        let cur = if cur == root { root } else { cur };
        // SAFETY: `root` is this pinned generator; every delegate pointer a step produces comes
        // from a `yield_from!` point in a body of this chain, which keeps its sub-generator
        // pinned in place until the delegation ends.
        unsafe { level::drive(root, cur, step, closing) }
    }
}

impl<B: Future, Y, S, E> Generator for Gen<B, Y, S, E> {
    type Yield = Y;
    type Send = S;
    type Return = B::Output;
    type Throw = E;

    #[inline(always)]
    fn resume(self: Pin<&mut Self>, arg: Resume<S, E>) -> Resumed<Y, B::Output, S, E> {
        match arg {
            Resume::Send(s) => self.send_then(s, identity, |g, s| g.resume_cold(Resume::Send(s))),
            arg => self.resume_cold(arg),
        }
    }

    #[inline(always)]
    fn send_value(self: Pin<&mut Self>, value: S) -> ResumeResult<Self, S> {
        self.send_then(value, sent, |g, s| sent(g.resume_cold(Resume::Send(s))))
    }

    #[inline]
    fn __as_level(self: Pin<&mut Self>, _: Seal) -> Option<NonNull<Header<Y, S, E>>> {
        Some(self.header_ptr())
    }

    #[inline]
    fn __take_return(self: Pin<&mut Self>, _: Seal) -> Option<B::Output> {
        if self.header.phase != Phase::Finished {
            return None;
        }
        let (_, body) = self.project();
        // SAFETY: a finished generator's body is `Done` or `Empty`, not pinned data, so
        // nothing pinned is moved.
        match core::mem::replace(unsafe { body.get_unchecked_mut() }, Body::Empty) {
            Body::Done(r) => Some(r),
            _ => None,
        }
    }

    #[inline]
    fn status(&self) -> Status {
        match self.phase() {
            Phase::Created => Status::Created,
            Phase::Suspended | Phase::Delegating => Status::Suspended,
            Phase::Finished => Status::Finished,
            Phase::Poisoned => Status::Poisoned,
        }
    }
}

impl<S, E> Input<S, E> {
    fn into_resume(self) -> Resume<S, E> {
        match self {
            Input::Send(s) => Resume::Send(s),
            Input::Throw(e) => Resume::Throw(e),
            Input::Close | Input::Kill | Input::Ignored => Resume::Close,
            Input::Start | Input::ChildDone => Resume::Start,
        }
    }
}

impl<B: Future, Y, S, E> Drop for Gen<B, Y, S, E> {
    fn drop(&mut self) {
        // SAFETY: `self` is dropped in place and never used again, so treating it as pinned
        // is the pinning contract of `Drop`.
        let mut this = unsafe { Pin::new_unchecked(self) };
        if this.header.phase == Phase::Poisoned {
            let root = this.as_mut().header_ptr();
            // SAFETY: `root` is this generator, poisoned, its chain as the panic left it.
            unsafe { level::end_poisoned(root) };
            return;
        }
        if matches!(this.header.phase, Phase::Suspended | Phase::Delegating) {
            // Python closes a generator when it is collected; a failed close has no caller to
            // go to, so it goes to the unraisable hook. A body that panics here panics out of
            // `drop`.
            let kind = match this.drive(Input::Close) {
                Drove::IgnoredClose(_) => (UnraisableKind::IgnoredClose, type_name::<Y>()),
                Drove::Raise(_) => (UnraisableKind::Raised, type_name::<E>()),
                _ => return,
            };
            unraisable::report(Unraisable {
                kind: kind.0,
                generator: type_name::<B>(),
                value_type: kind.1,
            });
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
