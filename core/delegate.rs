//! `yield_from!`: what can be delegated to, and the point in the body that waits on it.

use core::cell::Cell;
use core::future::Future;
use core::marker::{PhantomData, PhantomPinned};
use core::ops::DerefMut;
use core::pin::Pin;
use core::ptr::NonNull;
use core::task::{Context, Poll};

use crate::__private::{header_mut, interrupted};
use crate::level::{Entry, Header, Input, Out, Phase, Slot, Step};
use crate::{BoxGenerator, Gen, Generator, Interrupt, Resume, Resumed, Status};

pub(crate) mod sealed {
    use super::*;

    /// How a delegation begins: done already, or step into this level with this input.
    pub enum Begin<O, Y, S, E> {
        Ready(O),
        Step(NonNull<Header<Y, S, E>>, Input<S, E>),
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
impl<B: Future, Y, S, E> IntoTarget<Y, S, E> for Pin<Box<Gen<B, Y, S, E>>> {
    type Target = Self;
    fn into_target(self) -> Self {
        self
    }
}

#[diagnostic::do_not_recommend]
impl<P, B: Future, Y, S: Default, E> IntoTarget<Y, S, E> for &mut Pin<P>
where
    P: DerefMut<Target = Gen<B, Y, S, E>>,
{
    type Target = Self;
    fn into_target(self) -> Self {
        self
    }
}

#[diagnostic::do_not_recommend]
impl<I: Iterator, E> IntoTarget<I::Item, (), E> for DelegateIter<I, E> {
    type Target = Self;
    fn into_target(self) -> Self {
        self
    }
}

#[diagnostic::do_not_recommend]
impl<'a, Y, S, R, E> IntoTarget<Y, S, E> for BoxGenerator<'a, Y, S, R, E> {
    type Target = DelegateAny<'a, Y, S, R, E>;
    fn into_target(self) -> Self::Target {
        DelegateAny::new(self)
    }
}

/// Something `yield_from!` can delegate to, for a generator yielding `Y`, sent `S` and thrown `E`.
///
/// Implemented for a generator made by `#[generator]` taken by value (the delegation evaluates
/// to its return value), for a boxed one (`Pin<Box<Gen<..>>>`, the same), for a mutable
/// reference to a pinned one (`&mut Pin<&mut Gen<..>>` or `&mut Pin<Box<Gen<..>>>`: it
/// evaluates to `Some(return value)`, or `None` if the generator had already finished; a started
/// one is first resumed with `S::default()`, as Python's `yield from` sends `None`), for a
/// [`BoxGenerator`] of any generator type that has not started (driven through its
/// [`Generator`] methods), and, through `yield_from!`, for any iterable of `Y` when `S` is `()`.
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

fn begin_gen<B: Future, Y, S, E>(
    g: Pin<&mut Gen<B, Y, S, E>>,
    started: impl FnOnce() -> Option<S>,
) -> Option<Entry<Y, S, E>> {
    let first = match g.phase() {
        Phase::Created => Input::Start,
        Phase::Suspended | Phase::Delegating => Input::Send(started()?),
        Phase::Finished | Phase::Poisoned => return None,
    };
    Some((g.header_ptr(), first))
}

impl<B: Future, Y, S, E> Target<Y, S, E> for Gen<B, Y, S, E> {
    type Output = B::Output;

    fn begin(self: Pin<&mut Self>) -> Begin<B::Output, Y, S, E> {
        // A `Gen` held by value has never been pinned before, so it has not started.
        match begin_gen(self, || None) {
            Some((level, first)) => Begin::Step(level, first),
            None => unreachable!("a generator taken by value has not started"),
        }
    }

    fn finish(self: Pin<&mut Self>) -> B::Output {
        self.take_return()
    }
}

impl<B: Future, Y, S, E> Target<Y, S, E> for Pin<Box<Gen<B, Y, S, E>>> {
    type Output = B::Output;

    fn begin(self: Pin<&mut Self>) -> Begin<B::Output, Y, S, E> {
        match begin_gen(self.get_mut().as_mut(), || None) {
            Some((level, first)) => Begin::Step(level, first),
            None => panic!(
                "yield_from! took a boxed generator that had already started; \
                 delegate to `&mut` it to resume a started generator"
            ),
        }
    }

    fn finish(self: Pin<&mut Self>) -> B::Output {
        self.get_mut().as_mut().take_return()
    }
}

impl<P, B: Future, Y, S: Default, E> Target<Y, S, E> for &mut Pin<P>
where
    P: DerefMut<Target = Gen<B, Y, S, E>>,
{
    type Output = Option<B::Output>;

    fn begin(self: Pin<&mut Self>) -> Begin<Option<B::Output>, Y, S, E> {
        match begin_gen(self.get_mut().as_mut(), || Some(S::default())) {
            Some((level, first)) => Begin::Step(level, first),
            None => Begin::Ready(None),
        }
    }

    fn finish(self: Pin<&mut Self>) -> Option<B::Output> {
        Some(self.get_mut().as_mut().take_return())
    }
}

/// The level `yield_from!` puts around an iterator: it yields every item, cannot catch a thrown
/// error, and returns `()` when the iterator ends.
#[repr(C)]
pub struct DelegateIter<I: Iterator, E> {
    header: Header<I::Item, (), E>,
    iter: I,
    _pin: PhantomPinned,
}

impl<I: Iterator, E> DelegateIter<I, E> {
    fn new(iter: I) -> Self {
        Self {
            header: Header::new(Self::step_raw),
            iter,
            _pin: PhantomPinned,
        }
    }

    /// # Safety
    /// `header` must be the header of a live pinned `DelegateIter<I, E>`, with provenance over it.
    unsafe fn step_raw(
        header: NonNull<Header<I::Item, (), E>>,
        input: Input<(), E>,
    ) -> Step<I::Item, (), E> {
        // SAFETY: the caller's contract. Nothing in a `DelegateIter` is structurally pinned.
        let this = unsafe { &mut *header.cast::<Self>().as_ptr() };
        match input {
            Input::Start | Input::Send(()) | Input::ChildDone => match this.iter.next() {
                Some(item) => Step::Yield(item),
                None => Step::Return,
            },
            Input::Throw(e) => Step::Raise(e),
            Input::Close | Input::Kill => Step::Closed,
        }
    }
}

impl<I: Iterator, E> Target<I::Item, (), E> for DelegateIter<I, E> {
    type Output = ();

    fn begin(self: Pin<&mut Self>) -> Begin<(), I::Item, (), E> {
        // SAFETY: only a pointer is made; `header` is the first field of a `repr(C)` struct.
        let level = NonNull::from(unsafe { self.get_unchecked_mut() }).cast();
        Begin::Step(level, Input::Start)
    }

    fn finish(self: Pin<&mut Self>) {}
}

/// The argument of `yield_from!`, probed for what it is: a generator with the types of the
/// delegating one (`Y`, `S`, `E`, which the probe carries), else an iterable of `Y`, else
/// anything, which the bound of [`Co::delegate`](crate::__private::Co::delegate) then rejects
/// with the message of [`Delegate`], naming both generators' types.
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

impl<T: Delegate<Y, S, E>, Y, S, E> ViaGenerator for &Probe<T, Y, S, E> {
    type Target = (PhantomData<T>, T::Target);
    fn __delegate(&self) -> Self::Target {
        (PhantomData, self.take().__into_target())
    }
}

/// The level `yield_from!` puts around a [`BoxGenerator`], a generator of any type: each step
/// resumes it through its [`Generator`] methods.
#[repr(C)]
pub struct DelegateAny<'a, Y, S, R, E> {
    header: Header<Y, S, E>,
    inner: BoxGenerator<'a, Y, S, R, E>,
    output: Option<R>,
    _pin: PhantomPinned,
}

impl<'a, Y, S, R, E> DelegateAny<'a, Y, S, R, E> {
    fn new(inner: BoxGenerator<'a, Y, S, R, E>) -> Self {
        Self {
            header: Header::new(Self::step_raw),
            inner,
            output: None,
            _pin: PhantomPinned,
        }
    }

    /// # Safety
    /// `header` must be the header of a live pinned `DelegateAny`, with provenance over it.
    unsafe fn step_raw(header: NonNull<Header<Y, S, E>>, input: Input<S, E>) -> Step<Y, S, E> {
        // SAFETY: the caller's contract. Nothing in a `DelegateAny` is structurally pinned
        // (the generator is pinned in its box).
        let this = unsafe { &mut *header.cast::<Self>().as_ptr() };
        let arg = match input {
            Input::Start => Resume::Start,
            Input::Send(s) => Resume::Send(s),
            Input::Throw(e) => Resume::Throw(e),
            Input::Close | Input::Kill => Resume::Close,
            Input::ChildDone => unreachable!("a boxed generator is a single level"),
        };
        match this.inner.as_mut().resume(arg) {
            // A yield while closing is reported as ignored by the chain, which then kills
            // this level: closing the finished generator again is a no-op.
            Resumed::Yielded(y) | Resumed::IgnoredClose(y) => Step::Yield(y),
            Resumed::Complete(r) => {
                this.output = Some(r);
                Step::Return
            }
            Resumed::Closed => Step::Closed,
            Resumed::Raised(e) => Step::Raise(e),
            Resumed::Refused(why, arg) => Step::Refused(
                why,
                match arg {
                    Resume::Start => Input::Start,
                    Resume::Send(s) => Input::Send(s),
                    Resume::Throw(e) => Input::Throw(e),
                    Resume::Close => Input::Close,
                },
            ),
        }
    }
}

impl<Y, S, R, E> Target<Y, S, E> for DelegateAny<'_, Y, S, R, E> {
    type Output = R;

    fn begin(self: Pin<&mut Self>) -> Begin<R, Y, S, E> {
        assert!(
            self.inner.status() == Status::Created,
            "yield_from! took a boxed generator that had already started or finished; \
             only one that has not started can be delegated to by value"
        );
        // SAFETY: only a pointer is made; `header` is the first field of a `repr(C)` struct.
        let level = NonNull::from(unsafe { self.get_unchecked_mut() }).cast();
        Begin::Step(level, Input::Start)
    }

    fn finish(self: Pin<&mut Self>) -> R {
        // SAFETY: nothing in a `DelegateAny` is structurally pinned.
        let this = unsafe { self.get_unchecked_mut() };
        this.output
            .take()
            .expect("a finished boxed generator returned a value")
    }
}

/// Chosen by `yield_from!` (second) when its argument is an iterable of the yield type
/// (Python's `yield from iterable`). The generator's send type must be `()`: values sent while
/// an iterator is delegated to would have nowhere to go.
pub trait ViaIterator {
    /// The type checked, and what the delegation drives.
    type Target;
    /// Takes the argument out of the probe.
    fn __delegate(&self) -> Self::Target;
}

impl<I: IntoIterator<Item = Y>, Y, E> ViaIterator for &&Probe<I, Y, (), E> {
    type Target = (
        PhantomData<DelegateIter<I::IntoIter, E>>,
        DelegateIter<I::IntoIter, E>,
    );
    fn __delegate(&self) -> Self::Target {
        (PhantomData, DelegateIter::new(self.take().into_iter()))
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

// SAFETY: the pointer in `state` points at the delegate's level, which `target` owns or
// borrows mutably, so it moves with `target` and is `Send` exactly when `target` is.
unsafe impl<T: Send, Y, S, E, const CATCH: bool> Send for DelegatePoint<T, Y, S, E, CATCH> {}

// SAFETY: nothing is reachable through a shared reference to a `DelegatePoint`.
unsafe impl<T, Y, S, E, const CATCH: bool> Sync for DelegatePoint<T, Y, S, E, CATCH> {}

enum Delegation<Y, S, E> {
    Fresh,
    Active(NonNull<Header<Y, S, E>>),
    Done,
}

/// A `yield_from!` (or `try_yield_from!` when `CATCH`) in a body, driving the target its
/// argument became.
pub struct DelegatePoint<T, Y, S, E, const CATCH: bool> {
    target: T,
    state: Delegation<Y, S, E>,
    _types: PhantomData<fn(Y, S, E)>,
}

impl<T: Target<Y, S, E>, Y, S, E, const CATCH: bool> DelegatePoint<T, Y, S, E, CATCH> {
    pub(crate) fn new(target: T) -> Self {
        Self {
            target,
            state: Delegation::Fresh,
            _types: PhantomData,
        }
    }

    fn poll_point(self: Pin<&mut Self>, cx: &Context<'_>) -> Poll<Result<T::Output, Interrupt<E>>> {
        // SAFETY: `target` is structurally pinned; the other fields are not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above: `target` is pinned with `self` and never moved out.
        let mut target = unsafe { Pin::new_unchecked(&mut this.target) };
        let header = header_mut::<Y, S, E>(cx);
        let (level, input) = match this.state {
            Delegation::Fresh => match target.as_mut().begin() {
                Begin::Ready(output) => {
                    this.state = Delegation::Done;
                    return Poll::Ready(Ok(output));
                }
                Begin::Step(level, first) => (level, first),
            },
            Delegation::Active(level) => match header.slot.take_in() {
                Some(Input::ChildDone) => {
                    this.state = Delegation::Done;
                    return Poll::Ready(Ok(target.finish()));
                }
                Some(Input::Throw(e)) => {
                    return interrupted::<Y, S, E, CATCH, _>(header, Interrupt::Throw(e));
                }
                Some(Input::Close) => {
                    return interrupted::<Y, S, E, CATCH, _>(header, Interrupt::Close);
                }
                // The chain was resumed from this level (its outermost level was dropped
                // mid-delegation): hand the input on to the delegate.
                Some(input) => (level, input),
                None => unreachable!("a delegating level was resumed without a value"),
            },
            Delegation::Done => unreachable!("a finished yield_from! was resumed"),
        };
        this.state = Delegation::Active(level);
        header.slot = Slot::Out(Out::Delegate(level, input));
        Poll::Pending
    }
}

impl<T: Target<Y, S, E>, Y, S, E> Future for DelegatePoint<T, Y, S, E, false> {
    type Output = T::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T::Output> {
        self.poll_point(cx).map(|r| match r {
            Ok(output) => output,
            Err(_) => unreachable!("a plain yield_from! never sees close or throw"),
        })
    }
}

impl<T: Target<Y, S, E>, Y, S, E> Future for DelegatePoint<T, Y, S, E, true> {
    type Output = Result<T::Output, Interrupt<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.poll_point(cx)
    }
}
