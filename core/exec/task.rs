//! A task: an id and a stack of coroutines, run as a trampoline.
//!
//! Only the top of the stack is resumed. A coroutine that calls another (`sys::call`) hands it
//! over in a [`SysCall`]; the task pushes it, runs it, and sends its return value to the
//! caller below when it finishes. Every switch is one resume of one coroutine, whatever the
//! depth of the stack, and nothing recurses on the thread's stack.

use core::any::Any;
use core::fmt;
use core::pin::Pin;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use super::cancel::Cancellable;
use super::syscall::{Answer, Reply, Request, SysCall};
use crate::{Generator, GeneratorState, Resume, ResumeError, Resumed, Status};

/// The id of a task: a number, unique in its scheduler, counting from 1 as Beazley's do.
///
/// An id the scheduler gave out also knows where its task sits in the scheduler's table, so
/// finding the task costs an index and a comparison of numbers; an id made from a number
/// ([`From<u64>`]) is found by a search of the table. Ids compare, order and hash by number.
#[derive(Clone, Copy)]
pub struct TaskId {
    number: u64,
    pub(crate) slot: u32,
}

impl TaskId {
    /// Where an id made from a number sits: not known.
    pub(crate) const NO_SLOT: u32 = u32::MAX;

    pub(crate) fn new(number: u64, slot: u32) -> Self {
        Self { number, slot }
    }

    /// The number of the task.
    pub fn get(self) -> u64 {
        self.number
    }
}

impl From<u64> for TaskId {
    fn from(number: u64) -> Self {
        Self::new(number, Self::NO_SLOT)
    }
}

impl PartialEq for TaskId {
    fn eq(&self, other: &Self) -> bool {
        self.number == other.number
    }
}

impl Eq for TaskId {}

impl PartialOrd for TaskId {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for TaskId {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.number.cmp(&other.number)
    }
}

impl core::hash::Hash for TaskId {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.number.hash(state);
    }
}

impl fmt::Debug for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TaskId").field(&self.number).finish()
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.number.fmt(f)
    }
}

/// How a task ended without returning, or why there is nothing to wait for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TaskEnded {
    /// It was killed (`sys::kill`): its coroutines were closed, innermost first.
    Killed,
    /// It was cancelled (`sys::cancel`, a task group, the end of `exec::run`), and the
    /// cancellation ended it: it was closed, or [`Cancelled`](super::Cancelled) came out of it.
    Cancelled,
    /// It panicked; this is the panic's message.
    Panicked(String),
    /// No task of this scheduler has this id (it never existed, or it ended and was removed).
    Unknown,
    /// The scheduler stopped before the task ended: every task left waited for another, so
    /// none could run again ([`exec::run`](super::run)).
    Stuck,
}

impl fmt::Display for TaskEnded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Killed => f.write_str("the task was killed"),
            Self::Cancelled => f.write_str("the task was cancelled"),
            Self::Panicked(msg) => write!(f, "the task panicked: {msg}"),
            Self::Unknown => f.write_str("no such task"),
            Self::Stuck => f.write_str("the task waited for a task that could never end"),
        }
    }
}

impl std::error::Error for TaskEnded {}

/// The typed outcome of a task, shared by the task and its [`JoinHandle`].
pub(crate) type Slot<R> = Rc<Cell<Option<Result<R, TaskEnded>>>>;

/// The handle [`sys::spawn`](super::sys::spawn) returns: the new task's id, and where its
/// return value will be found, typed. Give it to [`sys::wait`](super::sys::wait) to wait for
/// the task. Dropping it detaches the task: it runs on, and its return value is dropped.
pub struct JoinHandle<R> {
    pub(crate) id: TaskId,
    pub(crate) slot: Slot<R>,
}

impl<R> JoinHandle<R> {
    /// The task's id.
    pub fn id(&self) -> TaskId {
        self.id
    }

    /// Takes the task's outcome if it has ended: its return value, or how it ended otherwise.
    /// For a program that drives the [`Scheduler`](super::Scheduler) itself, after
    /// [`run`](super::Scheduler::run); tasks use [`sys::wait`](super::sys::wait).
    pub fn take_outcome(&self) -> Option<Result<R, TaskEnded>> {
        self.slot.take()
    }

    /// Asks the task to stop, as [`sys::cancel`](super::sys::cancel) does, but as a plain
    /// method (asyncio's `task.cancel()`): the caller runs on, and the request is carried out
    /// right after its turn. Evaluates to `false` if the task has ended already (or no
    /// scheduler runs on this thread), `true` otherwise.
    ///
    /// ```
    /// use corogen::exec::{self, Reply, SysCall, TaskEnded, sys};
    /// use corogen::prelude::*;
    /// use std::time::Duration;
    ///
    /// #[generator(yield = SysCall, send = Reply)]
    /// fn nap() {
    ///     yield_from!(sys::sleep(Duration::from_secs(60)));
    /// }
    ///
    /// #[generator(yield = SysCall, send = Reply)]
    /// fn main_task() -> (bool, Result<(), TaskEnded>) {
    ///     let sleeper = yield_from!(sys::spawn(nap()));
    ///     let asked = sleeper.cancel(); // no system call: this task goes on
    ///     (asked, yield_from!(sys::wait(sleeper)))
    /// }
    ///
    /// assert_eq!(exec::run(main_task()), Ok((true, Err(TaskEnded::Cancelled))));
    /// ```
    pub fn cancel(&self) -> bool {
        if self.is_finished() {
            return false;
        }
        match super::current::current() {
            Some(shared) => {
                shared.cancel(self.id);
                true
            }
            None => false,
        }
    }

    /// Whether the task has ended (returned, was killed or panicked).
    pub fn is_finished(&self) -> bool {
        let outcome = self.slot.take();
        let done = outcome.is_some();
        self.slot.set(outcome);
        done
    }
}

impl<R> fmt::Debug for JoinHandle<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("JoinHandle").field(&self.id.number).finish()
    }
}

/// What one step of one coroutine of a task produced.
pub(crate) enum FrameStep {
    Yield(SysCall),
    /// It returned; this goes to the coroutine below (a call's return value, boxed).
    Return(Reply),
    /// A cancellation ended it (it was closed, or `Cancelled` came out of it): the coroutine
    /// below is cancelled next.
    Cancelled,
}

/// A coroutine a task calls, on the task's stack, its return type erased.
pub(crate) trait Frame {
    /// Sends `reply` in, or, if it is [`Answer::Cancel`], cancels the coroutine.
    fn resume(self: Pin<&mut Self>, reply: Reply) -> FrameStep;
}

/// What one step of a coroutine came to.
pub(crate) enum Stepped<R> {
    Yield(SysCall),
    Return(R),
    /// Ended by a cancellation (see [`FrameStep::Cancelled`]).
    Cancelled,
}

/// Resumes a coroutine with `reply` (starts it if it is fresh), or cancels it if `reply` is
/// [`Answer::Cancel`]: throws [`Cancelled`](super::Cancelled) in if its throw type is that,
/// closes it otherwise.
#[inline(always)]
pub(crate) fn step<G>(g: Pin<&mut G>, reply: Reply) -> Stepped<G::Return>
where
    G: Generator<Yield = SysCall, Send = Reply> + ?Sized,
    G::Throw: Cancellable,
{
    if let Answer::Cancel = reply.0 {
        return cancel(g);
    }
    if g.status() == Status::Created {
        return match g.resume(Resume::Start) {
            Resumed::Yielded(call) => Stepped::Yield(call),
            Resumed::Complete(r) => Stepped::Return(r),
            Resumed::Raised(_) => Stepped::Cancelled,
            Resumed::Closed | Resumed::IgnoredClose(_) | Resumed::Refused(..) => {
                unreachable!("a task starts only its fresh coroutines")
            }
        };
    }
    // `send` takes the generator's inline path.
    match g.send_value(reply) {
        Ok(GeneratorState::Yielded(call)) => Stepped::Yield(call),
        Ok(GeneratorState::Complete(r)) => Stepped::Return(r),
        Err(ResumeError::Raised(_)) => Stepped::Cancelled,
        Err(_) => unreachable!("a task resumes only its suspended coroutines"),
    }
}

#[cold]
fn cancel<G>(g: Pin<&mut G>) -> Stepped<G::Return>
where
    G: Generator<Yield = SysCall, Send = Reply> + ?Sized,
    G::Throw: Cancellable,
{
    let resumed = match G::Throw::cancelled() {
        Some(error) => g.resume(Resume::Throw(error)),
        None => g.resume(Resume::Close),
    };
    match resumed {
        // Cleanup that makes a system call, or that refuses the cancellation.
        Resumed::Yielded(call) => Stepped::Yield(call),
        Resumed::Complete(r) => Stepped::Return(r),
        Resumed::Raised(_) | Resumed::Closed | Resumed::IgnoredClose(_) | Resumed::Refused(..) => {
            Stepped::Cancelled
        }
    }
}

/// A called coroutine: its return value goes to its caller, boxed.
impl<G> Frame for G
where
    G: Generator<Yield = SysCall, Send = Reply>,
    G::Throw: Cancellable,
    G::Return: 'static,
{
    fn resume(self: Pin<&mut Self>, reply: Reply) -> FrameStep {
        match step(self, reply) {
            Stepped::Yield(call) => FrameStep::Yield(call),
            Stepped::Return(r) => FrameStep::Return(Reply::returned(Box::new(r) as Box<dyn Any>)),
            Stepped::Cancelled => FrameStep::Cancelled,
        }
    }
}

/// A coroutine made into a stack frame.
pub(crate) type BoxedFrame = Pin<Box<dyn Frame>>;

/// What a task's turn came to.
pub(crate) enum Run {
    /// It made a system call for the scheduler and is suspended.
    SysCall(SysCall),
    /// Its first coroutine returned.
    Returned,
    /// A cancellation ended its first coroutine.
    Cancelled,
}

/// A task's coroutines, their types erased: its first coroutine, typed inside, and the
/// coroutines it calls.
trait Stack {
    /// Runs until the next system call (Beazley's `Task.run`).
    fn run(self: Pin<&mut Self>, reply: Reply) -> Run;

    /// Drops the called coroutines, innermost first; the first coroutine stays.
    fn unwind(self: Pin<&mut Self>);

    /// How to tell the task's [`JoinHandle`] that the task ended without returning.
    fn teller(&self) -> Teller;
}

/// Tells a task's [`JoinHandle`] how the task ended, if it did not return.
type Teller = Box<dyn FnOnce(TaskEnded)>;

/// The stack of a task whose first coroutine is a `G`: the first coroutine is resumed
/// directly (one dynamic call per turn, into code made for `G`); the coroutines it calls are
/// boxed frames above it.
///
/// `repr(C)`: the stack's bookkeeping first, beside the header the coroutine starts with.
#[repr(C)]
struct TypedStack<G: Generator> {
    calls: Vec<BoxedFrame>,
    slot: Slot<G::Return>,
    first: G,
}

impl<G> TypedStack<G>
where
    G: Generator<Yield = SysCall, Send = Reply>,
{
    fn project(self: Pin<&mut Self>) -> (Pin<&mut G>, &Slot<G::Return>, &mut Vec<BoxedFrame>) {
        // SAFETY: `first` is structurally pinned (never moved out of a pinned `TypedStack`);
        // `slot` and `calls` are not pinned (the frames in `calls` are pinned boxes).
        unsafe {
            let this = self.get_unchecked_mut();
            (
                Pin::new_unchecked(&mut this.first),
                &this.slot,
                &mut this.calls,
            )
        }
    }
}

impl<G> Stack for TypedStack<G>
where
    G: Generator<Yield = SysCall, Send = Reply>,
    G::Throw: Cancellable,
    G::Return: 'static,
{
    /// A call pushes the callee, a return pops it and sends its value to the caller; a
    /// cancellation that ends a callee cancels its caller next.
    fn run(self: Pin<&mut Self>, mut reply: Reply) -> Run {
        let (mut first, slot, calls) = self.project();
        loop {
            let made = match calls.last_mut() {
                None => match step(first.as_mut(), reply) {
                    Stepped::Yield(call) => FrameStep::Yield(call),
                    Stepped::Return(r) => {
                        slot.set(Some(Ok(r)));
                        return Run::Returned;
                    }
                    Stepped::Cancelled => return Run::Cancelled,
                },
                Some(top) => top.as_mut().resume(reply),
            };
            match made {
                FrameStep::Yield(SysCall(Request::Call(callee))) => {
                    calls.push(callee);
                    reply = Reply::default();
                }
                FrameStep::Yield(call) => return Run::SysCall(call),
                FrameStep::Return(value) => {
                    calls.pop();
                    reply = value;
                }
                FrameStep::Cancelled => {
                    calls.pop();
                    reply = Reply(Answer::Cancel);
                }
            }
        }
    }

    fn unwind(self: Pin<&mut Self>) {
        let (_, _, calls) = self.project();
        while let Some(frame) = calls.pop() {
            close(frame);
        }
    }

    fn teller(&self) -> Teller {
        let slot = self.slot.clone();
        Box::new(move |how| {
            let outcome = slot.take().or(Some(Err(how)));
            slot.set(outcome);
        })
    }
}

/// What is left of a task's stack once it is closed (a zero-sized box: no memory).
struct Closed;

impl Stack for Closed {
    fn run(self: Pin<&mut Self>, _: Reply) -> Run {
        unreachable!("a closed task is not run")
    }

    fn unwind(self: Pin<&mut Self>) {}

    fn teller(&self) -> Teller {
        Box::new(drop)
    }
}

/// A task's first coroutine, that leaves its return value in its handle's slot, on a stack of
/// its own.
pub(crate) struct NewTask(Pin<Box<dyn Stack>>);

impl NewTask {
    /// The task that runs `coroutine` and leaves its return value in `slot`.
    pub(crate) fn new<G>(coroutine: G, slot: Slot<G::Return>) -> Self
    where
        G: Generator<Yield = SysCall, Send = Reply> + 'static,
        G::Throw: Cancellable,
        G::Return: 'static,
    {
        Self(Box::pin(TypedStack {
            calls: Vec::new(),
            slot,
            first: coroutine,
        }))
    }
}

/// A task: its stack of coroutines (the scheduler keeps its id).
pub(crate) struct Task(Pin<Box<dyn Stack>>);

impl Task {
    pub(crate) fn new(new: NewTask) -> Self {
        Self(new.0)
    }

    /// Runs the task until its next system call: one resume of the coroutine on top of its
    /// stack, more if one calls another or returns to its caller.
    #[inline]
    pub(crate) fn run(&mut self, reply: Reply) -> Run {
        self.0.as_mut().run(reply)
    }

    /// Ends the task without a return value: closes its coroutines innermost first (dropping
    /// every live local), then tells its handle how it ended.
    pub(crate) fn end(self, how: TaskEnded) {
        let tell = self.0.teller();
        drop(self);
        tell(how);
    }
}

/// Drops a coroutine, closing it; a panic in its cleanup goes no further.
fn close<T: ?Sized>(frame: Pin<Box<T>>) {
    let _ = catch_unwind(AssertUnwindSafe(move || drop(frame)));
}

impl Drop for Task {
    /// Closes the coroutines innermost first. A coroutine whose cleanup panics does not stop
    /// the others from being closed.
    fn drop(&mut self) {
        self.0.as_mut().unwind();
        let closed: Pin<Box<dyn Stack>> = Box::pin(Closed);
        close(core::mem::replace(&mut self.0, closed));
    }
}
