//! [`Gen`]: the state machine that `#[generator]` makes of a function body.

use core::any::type_name;
use core::cell::UnsafeCell;
use core::convert::Infallible;
use core::fmt;
use core::future::Future;
use core::marker::{PhantomData, PhantomPinned};
use core::mem::ManuallyDrop;
use core::pin::Pin;
use core::ptr::NonNull;
use core::task::Poll;

use crate::generator::{ResumeResult, sent};
use crate::level::{
    self, CREATED, Channel, DEAD, FINISHED, In, Input, Level, Out, Own, PoisonOnUnwind, RETURNED,
    SUSPENDED, Seal, Step, Word,
};
use crate::{Generator, Resume, Resumed, Status, waker};

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
    /// The phase, or the innermost link of the chain it leads (see [`Word`]); first, so that
    /// the generator is a level of the delegation protocol.
    word: Word,
    /// The body while it can run, its return value once it returned: which one the phase says.
    /// In an `UnsafeCell` so that a shared reference to the generator (`status()`) neither
    /// reads nor freezes the body, whose locals may be borrowed by the body itself.
    body: UnsafeCell<Contents<B>>,
    _types: crate::level::Types<Y, S, E>,
    _pin: PhantomPinned,
}

/// What a generator holds: its body (phases `CREATED`, `SUSPENDED`, delegating, `POISONED`),
/// its return value (`RETURNED`), or nothing (`FINISHED`, `DEAD`).
union Contents<B: Future> {
    body: ManuallyDrop<B>,
    output: ManuallyDrop<B::Output>,
}

impl<B: Future, Y, S, E> Gen<B, Y, S, E> {
    /// Makes a generator from a body. Called by the expansion of `#[generator]` only.
    pub(crate) fn new(body: B) -> Self {
        Self {
            word: Word::phase(CREATED),
            body: UnsafeCell::new(Contents {
                body: ManuallyDrop::new(body),
            }),
            _types: PhantomData,
            _pin: PhantomPinned,
        }
    }

    /// The generator, unpinned: every method below keeps the body in place.
    #[inline(always)]
    fn inner(self: Pin<&mut Self>) -> &mut Self {
        // SAFETY: the body is structurally pinned: nothing here moves it while it is in the
        // generator, and it is dropped in place.
        unsafe { self.get_unchecked_mut() }
    }

    /// This generator as a level of the delegation protocol.
    #[inline]
    pub(crate) fn level(self: Pin<&mut Self>) -> Level<Y, S, E> {
        Level {
            // `word` is the first field of a `repr(C)` struct, so the cast keeps the address
            // and the provenance over the whole generator.
            word: NonNull::from(self.inner()).cast(),
            step: Self::step_raw,
        }
    }

    /// This generator as the outermost level of a chain, for the cold paths: its step function
    /// has no inline path of its own (a resume of the outermost generator takes its inline
    /// path before it comes here), so a generator that is never delegated to carries one copy
    /// of its body's poll for its cold paths, not two.
    #[inline]
    fn root_level(self: Pin<&mut Self>) -> Level<Y, S, E> {
        Level {
            // As in `level`.
            word: NonNull::from(self.inner()).cast(),
            step: Self::step_phases_raw,
        }
    }

    /// # Safety
    /// As for [`step_raw`](Self::step_raw).
    unsafe fn step_phases_raw(word: NonNull<Word>, input: Input<S, E>) -> Step<Y, S, E> {
        // SAFETY: the caller's contract, and the functions are made for this type.
        unsafe { level::step_phases(word, input, Self::poll_raw, Self::drop_raw) }
    }

    #[inline]
    pub(crate) fn status_of(&self) -> Status {
        self.word.status()
    }

    /// Polls the body once with `input`; what the body left in the channel comes back with the
    /// poll. The phase is not written (a suspended body's phase is `SUSPENDED`): a panic out of
    /// the poll marks the generator poisoned on its way out.
    #[inline(always)]
    fn poll_with(&mut self, input: In<S, E>) -> (Poll<B::Output>, Out<Y, S, E>) {
        // SAFETY: the phase says the body is there (the callers' check), and it is pinned.
        let future = unsafe { Pin::new_unchecked(&mut *(*self.body.get()).body) };
        let mut channel = Channel {
            input,
            out: Out::None,
        };
        let poison = PoisonOnUnwind(&mut self.word);
        let poll = waker::with_channel(&mut channel, |cx| future.poll(cx));
        core::mem::forget(poison);
        (poll, channel.out)
    }

    /// Drops the finished body, whose return value the caller has.
    #[inline(always)]
    fn drop_finished_body(&mut self) {
        self.word.set(DEAD);
        // SAFETY: the body is there and is not used again: the phase says so from here on.
        unsafe { ManuallyDrop::drop(&mut (*self.body.get()).body) };
        self.word.set(FINISHED);
    }

    /// Drops the body (its live locals, innermost scope first) and finishes. Should a local's
    /// drop panic, the generator stays poisoned, with nothing left to drop (the other locals
    /// are dropped as the panic unwinds). Out of line: only cold paths end a body this way.
    #[inline(never)]
    fn drop_body(&mut self) {
        self.drop_finished_body();
    }

    /// Keeps the return value for whoever takes it (the `yield_from!` above this level).
    fn keep_return(&mut self, r: B::Output) {
        self.drop_finished_body();
        // SAFETY: the body was dropped; the union is written whole.
        unsafe {
            *self.body.get() = Contents {
                output: ManuallyDrop::new(r),
            }
        };
        self.word.set(RETURNED);
    }

    /// Takes the return value after the generator returned, if it is still there.
    pub(crate) fn take_return(&mut self) -> Option<B::Output> {
        if self.word.get() != RETURNED {
            return None;
        }
        self.word.set(FINISHED);
        // SAFETY: the phase was `RETURNED`, so the output is there; it is read once, as the
        // phase now says.
        Some(unsafe { ManuallyDrop::take(&mut (*self.body.get()).output) })
    }

    /// A poll of the outermost generator's own body with `input`: a yield and a return are
    /// handled here, inline in the caller; the rest (a raise, a close, a delegation) out of
    /// line.
    #[inline(always)]
    fn poll_own(&mut self, input: In<S, E>) -> Own<Y, B::Output, S, E> {
        let (poll, out) = self.poll_with(input);
        match poll {
            Poll::Pending => match out {
                Out::Yield(y) => Own::Yield(y),
                Out::None => awaited_outside(),
                out => Own::Other(self.settle(out)),
            },
            Poll::Ready(r) => {
                self.drop_finished_body();
                Own::Other(Resumed::Complete(r))
            }
        }
    }

    /// Everything but a yield that a poll of the outermost generator can come to.
    #[cold]
    #[inline(never)]
    fn settle(&mut self, out: Out<Y, S, E>) -> Resumed<Y, B::Output, S, E> {
        let step = self.settled(out);
        // SAFETY: `self` is pinned (the callers have it pinned), and stays put.
        let root = unsafe { Pin::new_unchecked(&mut *self) }.root_level();
        // SAFETY: `root` is this pinned generator; every link a step produces is in a body of
        // this chain, which keeps its delegate pinned until the delegation ends.
        unsafe { level::settle_root(root, step, Self::take_raw) }
    }

    /// The step a body's suspension comes to.
    #[inline(always)]
    fn settled(&mut self, out: Out<Y, S, E>) -> Step<Y, S, E> {
        match out {
            Out::Yield(y) => Step::Yield(y),
            Out::Delegate(link, first) => Step::Delegate(link, first),
            Out::Raise(e) => {
                self.drop_body();
                Step::Raise(e)
            }
            Out::Exit => {
                self.drop_body();
                Step::Closed
            }
            Out::Ignored => {
                self.drop_body();
                Step::Ignored
            }
            Out::None => awaited_outside(),
        }
    }

    /// # Safety
    /// `word` must start a live pinned `Gen<B, Y, S, E>`, with provenance over it.
    unsafe fn step_raw(word: NonNull<Word>, input: Input<S, E>) -> Step<Y, S, E> {
        // SAFETY: the caller's contract; the generator is not moved.
        let this = unsafe { &mut *word.cast::<Self>().as_ptr() };
        this.step(input)
    }

    /// One step of this level's own body (never its delegate's): a send to a suspended body
    /// is the common case.
    #[inline(always)]
    fn step(&mut self, input: Input<S, E>) -> Step<Y, S, E> {
        match input {
            Input::Send(s) if self.word.is_suspended() => {
                let (poll, out) = self.poll_with(In::Send(s));
                match (poll, out) {
                    (Poll::Pending, Out::Yield(y)) => Step::Yield(y),
                    (poll, out) => self.stepped(poll, out),
                }
            }
            input => self.step_cold(input),
        }
    }

    #[inline(always)]
    fn step_cold(&mut self, input: Input<S, E>) -> Step<Y, S, E> {
        // SAFETY: the word starts this pinned generator, with provenance over it.
        unsafe { Self::step_phases_raw(NonNull::from(self).cast(), input) }
    }

    /// # Safety
    /// As for [`step_raw`](Self::step_raw).
    unsafe fn poll_raw(word: NonNull<Word>, input: In<S, E>) -> Step<Y, S, E> {
        // SAFETY: the caller's contract; the generator is not moved.
        let this = unsafe { &mut *word.cast::<Self>().as_ptr() };
        let (poll, out) = this.poll_with(input);
        this.stepped(poll, out)
    }

    /// # Safety
    /// As for [`step_raw`](Self::step_raw).
    unsafe fn drop_raw(word: NonNull<Word>) {
        // SAFETY: the caller's contract.
        unsafe { &mut *word.cast::<Self>().as_ptr() }.drop_body();
    }

    /// What the shared cold paths need of this type.
    const ROOT_FNS: level::RootFns<Y, S, E, B::Output> = level::RootFns {
        step: Self::step_phases_raw,
        take: Self::take_raw,
    };

    /// # Safety
    /// As for [`step_raw`](Self::step_raw).
    unsafe fn take_raw(word: NonNull<Word>) -> Option<B::Output> {
        // SAFETY: the caller's contract.
        unsafe { &mut *word.cast::<Self>().as_ptr() }.take_return()
    }

    /// The step a poll of this level's body came to.
    #[inline(never)]
    fn stepped(&mut self, poll: Poll<B::Output>, out: Out<Y, S, E>) -> Step<Y, S, E> {
        match poll {
            Poll::Pending => self.settled(out),
            Poll::Ready(r) => {
                self.keep_return(r);
                Step::Return
            }
        }
    }

    fn delegating(&self) -> bool {
        self.word.link::<Y, S, E>().is_some()
    }

    /// A resume: a send to a suspended generator and the start of a fresh one are inline;
    /// everything else is out of line, and comes back as a `Resumed`, converted by the caller
    /// (a `Resumed` is not the caller's type, so the inline and out-of-line outcomes do not
    /// merge in memory).
    #[inline(always)]
    pub(crate) fn resume_inline(
        self: Pin<&mut Self>,
        arg: Resume<S, E>,
    ) -> Resumed<Y, B::Output, S, E> {
        let this = self.inner();
        match arg {
            Resume::Send(s) if this.word.is_suspended() => this.poll_own(In::Send(s)).resumed(),
            Resume::Start if this.word.get() == CREATED => {
                this.word.set(SUSPENDED);
                this.poll_own(In::Empty).resumed()
            }
            arg => this.resume_cold(arg).resumed(),
        }
    }

    /// Python's `next()`: the start of a fresh generator, or a send of `S::default()`.
    #[inline(always)]
    fn next_own(&mut self) -> Own<Y, B::Output, S, E>
    where
        S: Default,
    {
        if self.word.is_suspended() {
            self.poll_own(In::Send(S::default()))
        } else if self.word.get() == CREATED {
            self.word.set(SUSPENDED);
            self.poll_own(In::Empty)
        } else {
            // A yield below the root is not one of the root's own (see `fold_yields`).
            Own::Other(self.resume_cold(Resume::Send(S::default())).resumed())
        }
    }

    /// Python's `next()`: a send of `S::default()` to a suspended generator is inline, and
    /// the rest out of line, the first `next()` (the start) too. (`fold_yields` starts inline:
    /// there the generator may live in registers, which a call that takes it would prevent;
    /// here one copy of the body's poll keeps the loop around `next()` tight.)
    #[inline(always)]
    pub(crate) fn next_inline(self: Pin<&mut Self>) -> Resumed<Y, B::Output, S, E>
    where
        S: Default,
    {
        let this = self.inner();
        if this.word.is_suspended() {
            this.poll_own(In::Send(S::default())).resumed()
        } else {
            this.next_cold()
        }
    }

    #[cold]
    #[inline(never)]
    fn next_cold(&mut self) -> Resumed<Y, B::Output, S, E>
    where
        S: Default,
    {
        let arg = if self.word.get() == CREATED {
            Resume::Start
        } else {
            Resume::Send(S::default())
        };
        self.resume_cold(arg).resumed()
    }

    /// `Iterator::fold`: after a yield of its own body, the generator is known to be
    /// suspended, so the body is polled again at once, with no test and no out-of-line call
    /// in the loop.
    #[inline(always)]
    pub(crate) fn fold_yields<Acc>(
        self: Pin<&mut Self>,
        mut acc: Acc,
        mut f: impl FnMut(Acc, Y) -> Acc,
    ) -> Acc
    where
        S: Default,
    {
        let this = self.inner();
        let mut next = this.next_own();
        loop {
            match next {
                Own::Yield(y) => {
                    acc = f(acc, y);
                    // Two polls a round: the second's dispatch on the body's state is not at
                    // the loop's head, so LLVM threads it where the state is in memory (a
                    // body with a buffer indexed at run time).
                    loop {
                        match this.poll_own(In::Send(S::default())) {
                            Own::Yield(y) => acc = f(acc, y),
                            other => {
                                next = other;
                                break;
                            }
                        }
                        match this.poll_own(In::Send(S::default())) {
                            Own::Yield(y) => acc = f(acc, y),
                            other => {
                                next = other;
                                break;
                            }
                        }
                    }
                }
                Own::Other(Resumed::Yielded(y)) => {
                    acc = f(acc, y);
                    next = this.next_own();
                }
                Own::Other(Resumed::Raised(_)) => crate::iter::raised_while_iterated(),
                Own::Other(Resumed::Complete(_)) => {
                    // The phase already, written again next to the `Drop` that tests it after
                    // the loop, so that the test folds away there.
                    this.word.set(FINISHED);
                    return acc;
                }
                Own::Other(_) => return acc,
            }
        }
    }

    /// Every resume but a send to a suspended generator and a start of a fresh one.
    #[inline(always)]
    fn resume_cold(&mut self, arg: Resume<S, E>) -> Own<Y, B::Output, S, E> {
        // SAFETY: `self` is pinned (every caller has it pinned).
        let root = unsafe { Pin::new_unchecked(&mut *self) }.root_level();
        // SAFETY: `root` is this pinned generator, leading the chain its word records, and
        // `take_raw` is made for its type.
        unsafe {
            match arg {
                Resume::Send(s) => level::send_cold(root.word, s, &Self::ROOT_FNS),
                arg => level::resume_cold(root, arg, Self::take_raw),
            }
        }
    }

    /// Drops what the phase says is left: the body, or the return value.
    #[inline(never)]
    fn drop_contents(&mut self) {
        match self.word.get() {
            RETURNED => {
                self.word.set(FINISHED);
                // SAFETY: the phase was `RETURNED`: the output is there, dropped once.
                unsafe { ManuallyDrop::drop(&mut (*self.body.get()).output) };
            }
            FINISHED | DEAD => {}
            _ => {
                if self.word.poisoned_link::<Y, S, E>().is_some() {
                    // SAFETY: `self` is pinned (this is its `Drop`).
                    let root = unsafe { Pin::new_unchecked(&mut *self) }.root_level();
                    // SAFETY: `root` is this generator, poisoned by a level below it, its chain
                    // as the panic left it.
                    unsafe { level::end_poisoned(root) };
                }
                // Created, suspended (a close that panicked) or poisoned: the body is there.
                self.drop_body();
            }
        }
    }
}

/// A body awaited something that is not a yield point.
#[cold]
#[inline(never)]
fn awaited_outside() -> ! {
    panic!(
        "a #[generator] body waited on something that is not a yield point; \
         `.await` cannot be used inside a generator"
    )
}

impl<B: Future, Y, S, E> Generator for Gen<B, Y, S, E> {
    type Yield = Y;
    type Send = S;
    type Return = B::Output;
    type Throw = E;

    #[inline(always)]
    fn resume(self: Pin<&mut Self>, arg: Resume<S, E>) -> Resumed<Y, B::Output, S, E> {
        self.resume_inline(arg)
    }

    #[inline(always)]
    fn send_value(self: Pin<&mut Self>, value: S) -> ResumeResult<Self, S> {
        sent(self.resume_inline(Resume::Send(value)))
    }

    #[inline]
    fn __as_level(self: Pin<&mut Self>, _: Seal) -> Option<Level<Y, S, E>> {
        Some(self.level())
    }

    #[inline]
    fn __take_return(self: Pin<&mut Self>, _: Seal) -> Option<B::Output> {
        self.inner().take_return()
    }

    #[inline]
    fn status(&self) -> Status {
        self.status_of()
    }
}

impl<B: Future, Y, S, E> Drop for Gen<B, Y, S, E> {
    /// Only a test inline, which folds away where the phase is known (after a loop that ran
    /// the generator to its end, or on the unwind path of a poll).
    #[inline(always)]
    fn drop(&mut self) {
        if !matches!(self.word.get(), FINISHED | DEAD) {
            self.drop_slow();
        }
    }
}

impl<B: Future, Y, S, E> Gen<B, Y, S, E> {
    #[inline(never)]
    fn drop_slow(&mut self) {
        if self.word.is_suspended() || self.delegating() {
            // Should the close panic, what it leaves is dropped on the way out.
            let guard = DropOnUnwind(self);
            // SAFETY: `self` is pinned (this is its `Drop`).
            let root = unsafe { Pin::new_unchecked(&mut *guard.0) }.root_level();
            // SAFETY: `root` is this generator, leading the chain its word records.
            unsafe { level::close_dropped(root, type_name::<B>()) };
            core::mem::forget(guard);
        }
        self.drop_contents();
    }
}

/// Drops what a generator holds if a panic unwinds out of its close on drop.
struct DropOnUnwind<'a, B: Future, Y, S, E>(&'a mut Gen<B, Y, S, E>);

impl<B: Future, Y, S, E> Drop for DropOnUnwind<'_, B, Y, S, E> {
    fn drop(&mut self) {
        self.0.drop_contents();
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
// `&Gen` reads only its word. So a `Gen` may be shared exactly when its parts may.
unsafe impl<B, Y, S, E> Sync for Gen<B, Y, S, E>
where
    B: Future + Sync,
    B::Output: Sync,
{
}
