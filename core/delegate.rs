//! `yield_from!`: what can be delegated to, and the point in the body that waits on it.

use core::cell::Cell;
use core::future::Future;
use core::marker::{PhantomData, PhantomPinned};
use core::pin::Pin;
use core::ptr::NonNull;
use core::task::{Context, Poll};

use crate::__private::{channel_mut, interrupt_of, interrupted};
use crate::level::{In, Input, Level, Link, Out, Seal, Step, Word, unreachable_state};
use crate::{Gen, Generator, IgnoredClose, Interrupt, Resume, Resumed, Status};

pub(crate) mod sealed {
    use super::*;

    /// How a delegation begins: done already, or step into this level with this input.
    pub enum Begin<O, Y, S, E> {
        Ready(O),
        Step(Level<Y, S, E>, Input<S, E>),
    }

    /// What a `yield_from!` point holds and drives.
    pub trait Target<Y, S, E> {
        type Output;
        fn begin(self: Pin<&mut Self>) -> Begin<Self::Output, Y, S, E>;
        /// The delegate's return value, once its level has returned.
        fn finish(self: Pin<&mut Self>) -> Self::Output;
    }

    /// What a `yield_from!` argument becomes: itself, or a level around it.
    #[diagnostic::on_unimplemented(
        message = "`yield_from!` cannot delegate to `{Self}` here",
        label = "not a generator yielding `{Y}`, sent `{S}` and thrown `{E}`, nor an iterable of `{Y}`",
        note = "this generator yields `{Y}`, is sent `{S}` and is thrown `{E}`: a generator delegated to \
                must have the same three types, because its values, sends and throws pass through \
                unchanged",
        note = "an iterable (`IntoIterator<Item = {Y}>`) can be delegated to when the send type is `()`"
    )]
    pub trait IntoTarget<Y, S, E> {
        type Target: Target<Y, S, E>;
        fn into_target(self) -> Self::Target;
    }
}
use sealed::{Begin, IntoTarget, Target};

// The arguments that are their own targets.

#[diagnostic::do_not_recommend]
impl<B: Future, Y, S, E> IntoTarget<Y, S, E> for Gen<B, Y, S, E> {
    type Target = Self;
    fn into_target(self) -> Self {
        self
    }
}

#[diagnostic::do_not_recommend]
impl<G, Y, S, E> IntoTarget<Y, S, E> for Pin<Box<G>>
where
    G: Generator<Yield = Y, Send = S, Throw = E> + ?Sized,
{
    type Target = DelegateDyn<Self, Y, S, E>;
    fn into_target(self) -> Self::Target {
        DelegateDyn::new(self)
    }
}

#[diagnostic::do_not_recommend]
impl<G, Y, S: Default, E> IntoTarget<Y, S, E> for &mut G
where
    G: Generator<Yield = Y, Send = S, Throw = E> + Unpin + ?Sized,
{
    type Target = DelegateDyn<Self, Y, S, E>;
    fn into_target(self) -> Self::Target {
        DelegateDyn::new(self)
    }
}

#[diagnostic::do_not_recommend]
impl<I: Iterator, E> IntoTarget<I::Item, (), E> for DelegateIter<I, E> {
    type Target = Self;
    fn into_target(self) -> Self {
        self
    }
}

/// Something `yield_from!` can delegate to, for a generator yielding `Y`, sent `S` and thrown `E`.
///
/// Implemented for
/// - a generator made by `#[generator]` taken by value: the delegation evaluates to its return
///   value;
/// - a boxed generator that has not started, of any type (`Pin<Box<G>>` for any
///   [`Generator`] `G`, a [`BoxGenerator`](crate::BoxGenerator) among them): the same;
/// - a mutable reference to any pinned generator (`&mut Pin<&mut G>`, `&mut Pin<Box<G>>`, `&mut`
///   a [`BoxGenerator`](crate::BoxGenerator), or `&mut G` for a generator that is `Unpin`): it
///   evaluates to `Some(return value)`, or `None` if the generator had already finished; a
///   started one is first resumed with `S::default()`, as Python's `yield from` sends `None`;
/// - and, through `yield_from!`, any iterable of `Y` when `S` is `()`.
///
/// Every generator target follows PEP 380: values, sends, throws and closes pass through, and
/// its return value is what the delegation evaluates to. A `#[generator]` generator behind a
/// box, a `dyn Generator` or a reference is stepped directly by the outermost generator of the
/// chain, so a resume costs the same at any depth and deep chains do not grow the thread's
/// stack. A hand-written [`Generator`] is resumed through its methods, one level of the chain.
///
/// Values sent while an iterable is delegated to would have nowhere to go, so that case is
/// rejected at compile time: an iterable is accepted only by a generator whose send type is
/// `()`.
///
/// A delegation cycle cannot be built: a generator delegates either to a value it owns or
/// through a mutable borrow, so a generator that (directly or through others) delegated to
/// itself would hold a mutable borrow of itself, which the borrow checker rejects; and a
/// `RefCell` around one is already borrowed while it runs, so the attempt panics with
/// `BorrowMutError` instead of hanging.
#[diagnostic::on_unimplemented(
    message = "`yield_from!` cannot delegate to `{Self}` here",
    label = "not a generator yielding `{Y}`, sent `{S}` and thrown `{E}`, nor an iterable of `{Y}`",
    note = "this generator yields `{Y}`, is sent `{S}` and is thrown `{E}`: a generator delegated to \
            must have the same three types, because its values, sends and throws pass through \
            unchanged",
    note = "an iterable (`IntoIterator<Item = {Y}>`) can be delegated to when the send type is `()`"
)]
pub trait Delegate<Y, S, E> {
    /// What the delegation drives.
    #[doc(hidden)]
    type Target: Target<Y, S, E>;

    /// Makes the argument the target its `yield_from!` drives.
    #[doc(hidden)]
    fn __into_target(self) -> Self::Target;

    /// What `yield_from!` calls where its argument is, with the argument's type: an argument
    /// that cannot be delegated to is reported there, once, with this trait's message.
    #[doc(hidden)]
    fn __check(_: PhantomData<Self>)
    where
        Self: Sized,
    {
    }
}
#[diagnostic::do_not_recommend]
impl<T: IntoTarget<Y, S, E>, Y, S, E> Delegate<Y, S, E> for T {
    type Target = T::Target;
    fn __into_target(self) -> T::Target {
        self.into_target()
    }
}

impl<B: Future, Y, S, E> Target<Y, S, E> for Gen<B, Y, S, E> {
    type Output = B::Output;

    fn begin(self: Pin<&mut Self>) -> Begin<B::Output, Y, S, E> {
        // A `Gen` held by value has never been pinned before, so it has not started.
        debug_assert!(self.status_of() == Status::Created);
        Begin::Step(self.level(), Input::Start)
    }

    fn finish(self: Pin<&mut Self>) -> B::Output {
        // SAFETY: nothing is moved; only the return value is taken out.
        match unsafe { self.get_unchecked_mut() }.take_return() {
            Some(r) => r,
            None => unreachable_state(),
        }
    }
}

/// The level `yield_from!` puts around an iterator: it yields every item, cannot catch a thrown
/// error, and returns `()` when the iterator ends.
#[repr(C)]
pub struct DelegateIter<I: Iterator, E> {
    /// Always suspended: a level's state starts with a word.
    word: Word,
    iter: I,
    _types: PhantomData<fn(E) -> E>,
    _pin: PhantomPinned,
}

impl<I: Iterator, E> DelegateIter<I, E> {
    fn new(iter: I) -> Self {
        Self {
            word: Word::phase(crate::level::SUSPENDED),
            iter,
            _types: PhantomData,
            _pin: PhantomPinned,
        }
    }

    /// # Safety
    /// `word` must start a live pinned `DelegateIter<I, E>`, with provenance over it.
    unsafe fn step_raw(word: NonNull<Word>, input: Input<(), E>) -> Step<I::Item, (), E> {
        // SAFETY: the caller's contract. Nothing in a `DelegateIter` is structurally pinned.
        let this = unsafe { &mut *word.cast::<Self>().as_ptr() };
        match input {
            Input::Start | Input::Send(()) | Input::ChildDone => match this.iter.next() {
                Some(item) => Step::Yield(item),
                None => Step::Return,
            },
            Input::Throw(e) => Step::Raise(e),
            Input::Close | Input::Kill => Step::Closed,
            Input::Ignored => unreachable_state(),
        }
    }
}

impl<I: Iterator, E> Target<I::Item, (), E> for DelegateIter<I, E> {
    type Output = ();

    fn begin(self: Pin<&mut Self>) -> Begin<(), I::Item, (), E> {
        // SAFETY: only a pointer is made; `word` is the first field of a `repr(C)` struct.
        let word = NonNull::from(unsafe { self.get_unchecked_mut() }).cast();
        let level = Level {
            word,
            step: Self::step_raw,
        };
        Begin::Step(level, Input::Start)
    }

    fn finish(self: Pin<&mut Self>) {}
}

/// The argument of `yield_from!`, probed for what it is: a generator with the types of the
/// delegating one (`Y`, `S`, `E`, which the probe carries), else a generator of other types
/// (rejected), else an iterable of `Y`, else anything (rejected). `Delegate::__check`, called
/// where the argument is, reports a rejected one with the message of [`Delegate`], naming both
/// generators' types.
pub struct Probe<T, Y, S, E>(Cell<Option<T>>, PhantomData<fn(Y, S, E)>);

impl<T, Y, S, E> Probe<T, Y, S, E> {
    /// Probes `value` for the generator that `co` belongs to.
    pub fn new(_co: crate::__private::Co<Y, S, E>, value: T) -> Self {
        Self(Cell::new(Some(value)), PhantomData)
    }

    fn take(&self) -> T {
        self.0.take().expect("a yield_from! argument is taken once")
    }
}

/// Chosen by `yield_from!` (first) when its argument is something to delegate to.
///
/// Each `Via*` choice gives the type to check with `Delegate::__check` (which reports an
/// argument that is not a [`Delegate`] where it is written, once) and the target to drive.
pub trait ViaGenerator {
    /// The type checked, and what the delegation drives.
    type Target;
    /// Takes the argument out of the probe.
    fn __delegate(&self) -> Self::Target;
}

impl<T: Delegate<Y, S, E>, Y, S, E> ViaGenerator for &&Probe<T, Y, S, E> {
    type Target = (PhantomData<T>, T::Target);
    fn __delegate(&self) -> Self::Target {
        (PhantomData, self.take().__into_target())
    }
}

/// How a generator target holds its generator: owned in a box, or borrowed.
pub trait Held {
    /// The generator.
    type Generator: Generator + ?Sized;
    /// The generator, pinned.
    fn pinned(&mut self) -> Pin<&mut Self::Generator>;
}

impl<G: Generator + ?Sized> Held for Pin<Box<G>> {
    type Generator = G;
    fn pinned(&mut self) -> Pin<&mut G> {
        self.as_mut()
    }
}

impl<G: Generator + Unpin + ?Sized> Held for &mut G {
    type Generator = G;
    fn pinned(&mut self) -> Pin<&mut G> {
        Pin::new(&mut **self)
    }
}

/// The return type of the generator a [`Held`] holds.
type ReturnOf<H> = <<H as Held>::Generator as Generator>::Return;

/// The target of a boxed or borrowed generator of any type. A `#[generator]` generator behind
/// it is a level of its own, stepped directly by the chain; any other is resumed through its
/// [`Generator`] methods, with this adapter as its level.
#[repr(C)]
pub struct DelegateDyn<H: Held, Y, S, E> {
    /// Always suspended: a level's state starts with a word.
    word: Word,
    held: H,
    /// The return value of a generator resumed through its methods.
    output: Option<ReturnOf<H>>,
    _types: crate::level::Types<Y, S, E>,
    _pin: PhantomPinned,
}

impl<H, Y, S, E> DelegateDyn<H, Y, S, E>
where
    H: Held<Generator: Generator<Yield = Y, Send = S, Throw = E>>,
{
    fn new(held: H) -> Self {
        Self {
            word: Word::phase(crate::level::SUSPENDED),
            held,
            output: None,
            _types: PhantomData,
            _pin: PhantomPinned,
        }
    }

    /// Where the delegation enters: the generator's own level, or this one.
    fn begin_with(self: Pin<&mut Self>) -> Level<Y, S, E> {
        // SAFETY: nothing in a `DelegateDyn` is structurally pinned but its word, which
        // stays in place; the generator is pinned by its box or its borrow.
        let this = unsafe { self.get_unchecked_mut() };
        match this.held.pinned().__as_level(Seal::new()) {
            Some(level) => level,
            // `word` is the first field of a `repr(C)` struct.
            None => Level {
                word: NonNull::from(this).cast(),
                step: Self::step_raw,
            },
        }
    }

    /// The generator's return value, once its level (or this one) has returned; `None` if it
    /// ended without one (it refused a value after it finished).
    fn output(self: Pin<&mut Self>) -> Option<ReturnOf<H>> {
        // SAFETY: as in `begin_with`.
        let this = unsafe { self.get_unchecked_mut() };
        match this.output.take() {
            Some(r) => Some(r),
            None => this.held.pinned().__take_return(Seal::new()),
        }
    }

    /// # Safety
    /// `word` must start a live pinned `DelegateDyn`, with provenance over it.
    unsafe fn step_raw(word: NonNull<Word>, input: Input<S, E>) -> Step<Y, S, E> {
        // SAFETY: the caller's contract; as in `begin_with`.
        let this = unsafe { &mut *word.cast::<Self>().as_ptr() };
        let arg = match input {
            Input::Start => Resume::Start,
            Input::Send(s) => Resume::Send(s),
            Input::Throw(e) => Resume::Throw(e),
            Input::Close => Resume::Close,
            // It yielded while it was being closed: it ignored the close, and is not resumed
            // again (the `Generator` contract: after an ignored close it has finished).
            Input::Kill => return Step::Closed,
            Input::ChildDone | Input::Ignored => unreachable_state(),
        };
        match this.held.pinned().resume(arg) {
            // A yield while closing is reported as ignored by the chain, which kills this level.
            Resumed::Yielded(y) | Resumed::IgnoredClose(y) => Step::Yield(y),
            Resumed::Complete(r) => {
                this.output = Some(r);
                Step::Return
            }
            Resumed::Closed => Step::Closed,
            Resumed::Raised(e) => Step::Raise(e),
            // A refusal is the delegate's own: what it could not take ends the delegation. An
            // error it could not take goes on to the delegator, as an uncaught one would.
            Resumed::Refused(_, Resume::Throw(e)) => Step::Raise(e),
            Resumed::Refused(_, Resume::Close) => Step::Closed,
            Resumed::Refused(..) => Step::Return,
        }
    }
}

impl<G, Y, S, E> Target<Y, S, E> for DelegateDyn<Pin<Box<G>>, Y, S, E>
where
    G: Generator<Yield = Y, Send = S, Throw = E> + ?Sized,
{
    type Output = G::Return;

    fn begin(mut self: Pin<&mut Self>) -> Begin<G::Return, Y, S, E> {
        let status = self.as_mut().held_status();
        assert!(
            status == Status::Created,
            "yield_from! took a boxed generator that had already started or finished; \
             delegate to `&mut` it to resume a started generator"
        );
        Begin::Step(self.begin_with(), Input::Start)
    }

    fn finish(self: Pin<&mut Self>) -> G::Return {
        self.output().unwrap_or_else(|| no_return_value())
    }
}

impl<G, Y, S: Default, E> Target<Y, S, E> for DelegateDyn<&mut G, Y, S, E>
where
    G: Generator<Yield = Y, Send = S, Throw = E> + Unpin + ?Sized,
{
    type Output = Option<G::Return>;

    fn begin(mut self: Pin<&mut Self>) -> Begin<Option<G::Return>, Y, S, E> {
        let first = match self.as_mut().held_status() {
            Status::Created => Input::Start,
            Status::Suspended => Input::Send(S::default()),
            Status::Finished | Status::Poisoned => return Begin::Ready(None),
        };
        Begin::Step(self.begin_with(), first)
    }

    fn finish(self: Pin<&mut Self>) -> Option<G::Return> {
        self.output()
    }
}

impl<H: Held, Y, S, E> DelegateDyn<H, Y, S, E> {
    fn held_status(self: Pin<&mut Self>) -> Status {
        // SAFETY: as in `begin_with`.
        unsafe { self.get_unchecked_mut() }.held.pinned().status()
    }
}

#[cold]
#[inline(never)]
fn no_return_value() -> ! {
    panic!(
        "a generator delegated to by yield_from! ended without a return value: its \
         `Generator::resume` refused a value, which breaks the trait's contract"
    )
}

/// Chosen by `yield_from!` (third) when its argument is an iterable of the yield type
/// (Python's `yield from iterable`). The generator's send type must be `()`: values sent while
/// an iterator is delegated to would have nowhere to go.
pub trait ViaIterator {
    /// The type checked, and what the delegation drives.
    type Target;
    /// Takes the argument out of the probe.
    fn __delegate(&self) -> Self::Target;
}

impl<I: IntoIterator<Item = Y>, Y, E> ViaIterator for &Probe<I, Y, (), E> {
    type Target = (
        PhantomData<DelegateIter<I::IntoIter, E>>,
        DelegateIter<I::IntoIter, E>,
    );
    fn __delegate(&self) -> Self::Target {
        (PhantomData, DelegateIter::new(self.take().into_iter()))
    }
}

/// Chosen by `yield_from!` (second) when its argument is a generator of other types than the
/// delegating one: it is rejected, as the check reports, although it may be iterable (a
/// generator taken by value, or a boxed one, iterates), because iterating it would lose its
/// return value and panic on a raise.
pub trait ViaOtherGenerator {
    /// Takes the argument out of the probe.
    fn __delegate<O>(&self) -> (PhantomData<Self::Argument>, Rejected<O>);
    /// The argument's type.
    type Argument;
}

impl<G: Generator, Y, S, E> ViaOtherGenerator for &&&Probe<G, Y, S, E> {
    type Argument = G;
    fn __delegate<O>(&self) -> (PhantomData<G>, Rejected<O>) {
        drop(self.take());
        (PhantomData, Rejected(PhantomData))
    }
}

/// Chosen by `yield_from!` (last) for anything else: the argument's type, which is not a
/// [`Delegate`], for the check to report, and a target that is never driven, so that nothing
/// else is reported.
pub trait ViaAnything {
    /// Takes the argument out of the probe.
    fn __delegate<O>(&self) -> (PhantomData<Self::Argument>, Rejected<O>);
    /// The argument's type.
    type Argument;
}

impl<T, Y, S, E> ViaAnything for Probe<T, Y, S, E> {
    type Argument = T;
    fn __delegate<O>(&self) -> (PhantomData<T>, Rejected<O>) {
        drop(self.take());
        (PhantomData, Rejected(PhantomData))
    }
}

/// The target of an argument that cannot be delegated to: the program does not compile, so it
/// is never driven. Its output is whatever the `yield_from!` is used as, so that nothing else
/// is reported.
pub struct Rejected<O>(PhantomData<O>);

impl<O, Y, S, E> Target<Y, S, E> for Rejected<O> {
    type Output = O;

    fn begin(self: Pin<&mut Self>) -> Begin<O, Y, S, E> {
        unreachable!("a program with a rejected yield_from! does not compile")
    }

    fn finish(self: Pin<&mut Self>) -> O {
        unreachable!("a program with a rejected yield_from! does not compile")
    }
}

// SAFETY: the pointers in `state` point at the delegate's level, which `target` owns or
// borrows mutably, and at links in the bodies of the levels above, which own this point: they
// move with it, and it is `Send` exactly when `target` is.
unsafe impl<T: Send, Y, S, E, const CATCH: bool> Send for DelegatePoint<T, Y, S, E, CATCH> {}

// SAFETY: nothing is reachable through a shared reference to a `DelegatePoint`.
unsafe impl<T, Y, S, E, const CATCH: bool> Sync for DelegatePoint<T, Y, S, E, CATCH> {}

enum Delegation<Y, S, E> {
    Fresh,
    /// The link of the delegation, to which the chain keeps pointers while it is active.
    Active(Link<Y, S, E>),
    Done,
}

/// A `yield_from!` (or `try_yield_from!` when `CATCH`) in a body, driving the target its
/// argument became. It holds the delegation's bookkeeping, its `Link`, so that a generator
/// that does not delegate carries none.
pub struct DelegatePoint<T, Y, S, E, const CATCH: bool> {
    target: T,
    state: Delegation<Y, S, E>,
    _types: PhantomData<fn(Y, S, E)>,
    /// The chain points at `state`'s link.
    _pin: PhantomPinned,
}

impl<T: Target<Y, S, E>, Y, S, E, const CATCH: bool> DelegatePoint<T, Y, S, E, CATCH> {
    pub(crate) fn new(target: T) -> Self {
        Self {
            target,
            state: Delegation::Fresh,
            _types: PhantomData,
            _pin: PhantomPinned,
        }
    }

    fn poll_point(self: Pin<&mut Self>, cx: &Context<'_>) -> Poll<Result<T::Output, In<S, E>>> {
        // SAFETY: `target` is structurally pinned, and `state` is not moved while the chain
        // points at its link (it is replaced only when the delegation ends).
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above: `target` is pinned with `self` and never moved out.
        let target = unsafe { Pin::new_unchecked(&mut this.target) };
        let channel = channel_mut::<Y, S, E>(cx);
        let input = core::mem::replace(&mut channel.input, In::Empty);
        let first = match (&mut this.state, input) {
            (Delegation::Fresh, In::Empty) => match target.begin() {
                Begin::Ready(output) => {
                    this.state = Delegation::Done;
                    return Poll::Ready(Ok(output));
                }
                Begin::Step(level, first) => {
                    this.state = Delegation::Active(Link {
                        level,
                        parent: None,
                    });
                    first
                }
            },
            (Delegation::Active(_), In::ChildDone) => {
                this.state = Delegation::Done;
                return Poll::Ready(Ok(target.finish()));
            }
            // The chain was resumed from this level (its outermost level was dropped
            // mid-delegation): hand the value on to the delegate.
            (Delegation::Active(_), In::Send(s)) => Input::Send(s),
            (Delegation::Active(_), input @ (In::Throw(_) | In::Close | In::Ignored)) => {
                return Poll::Ready(Err(input));
            }
            _ => unreachable_state(),
        };
        let Delegation::Active(link) = &mut this.state else {
            unreachable_state()
        };
        channel.out = Out::Delegate(NonNull::from(link), first);
        Poll::Pending
    }
}

impl<T: Target<Y, S, E>, Y, S, E> Future for DelegatePoint<T, Y, S, E, false> {
    type Output = T::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T::Output> {
        match self.poll_point(cx) {
            Poll::Ready(Ok(output)) => Poll::Ready(output),
            Poll::Ready(Err(input)) => {
                interrupted(channel_mut::<Y, S, E>(cx), input);
                Poll::Pending
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: Target<Y, S, E>, Y, S, E> Future for DelegatePoint<T, Y, S, E, true> {
    type Output = Result<T::Output, Interrupt<E, IgnoredClose>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.poll_point(cx).map(|r| r.map_err(interrupt_of))
    }
}
