//! A task: an id and a stack of coroutines, run as a trampoline.
//!
//! Only the top of the stack is resumed. A coroutine that calls another (`sys::call`) hands it
//! over in a [`SysCall`]; the task pushes it, runs it, and sends its return value to the
//! caller below when it finishes. Every switch is one resume of one coroutine, whatever the
//! depth of the stack, and nothing recurses on the thread's stack.

use core::any::Any;
use core::convert::Infallible;
use core::fmt;
use core::pin::Pin;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use super::syscall::{Reply, Request, SysCall};
use crate::{Generator, Resume, Resumed, Status};

/// The id of a task: a number, unique in its scheduler, counting from 1 as Beazley's do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskId(pub(crate) u64);

impl TaskId {
    /// The number of the task.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl From<u64> for TaskId {
    fn from(n: u64) -> Self {
        Self(n)
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// How a task ended without returning, or why there is nothing to wait for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TaskEnded {
    /// It was killed (`sys::kill`): its coroutines were closed, innermost first.
    Killed,
    /// It panicked; this is the panic's message.
    Panicked(String),
    /// No task of this scheduler has this id (it never existed, or it ended and was removed).
    Unknown,
}

impl fmt::Display for TaskEnded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Killed => f.write_str("the task was killed"),
            Self::Panicked(msg) => write!(f, "the task panicked: {msg}"),
            Self::Unknown => f.write_str("no such task"),
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
        f.debug_tuple("JoinHandle").field(&self.id.0).finish()
    }
}

/// What one step of one coroutine of a task produced.
pub(crate) enum FrameStep {
    Yield(SysCall),
    /// It returned; this goes to the coroutine below (a call's return value, boxed).
    Return(Reply),
}

/// A coroutine on a task's stack, its return type erased.
pub(crate) trait Frame {
    fn resume(self: Pin<&mut Self>, reply: Reply) -> FrameStep;
}

/// Resumes a coroutine: `Ok` with its system call, or `Err` with its return value.
fn step<G>(g: Pin<&mut G>, reply: Reply) -> Result<SysCall, G::Return>
where
    G: Generator<Yield = SysCall, Send = Reply, Throw = Infallible> + ?Sized,
{
    let arg = match g.status() {
        Status::Created => Resume::Start,
        _ => Resume::Send(reply),
    };
    match g.resume(arg) {
        Resumed::Yielded(call) => Ok(call),
        Resumed::Complete(r) => Err(r),
        Resumed::Raised(never) => match never {},
        Resumed::Closed | Resumed::IgnoredClose(_) | Resumed::Refused(..) => {
            unreachable!("a task resumes only its suspended coroutines")
        }
    }
}

/// A called coroutine: its return value goes to its caller, boxed.
impl<G> Frame for G
where
    G: Generator<Yield = SysCall, Send = Reply, Throw = Infallible>,
    G::Return: 'static,
{
    fn resume(self: Pin<&mut Self>, reply: Reply) -> FrameStep {
        match step(self, reply) {
            Ok(call) => FrameStep::Yield(call),
            Err(r) => FrameStep::Return(Reply::returned(Box::new(r) as Box<dyn Any>)),
        }
    }
}

/// A task's first coroutine: its return value goes to the task's [`JoinHandle`].
struct Root<G: Generator> {
    coroutine: G,
    slot: Slot<G::Return>,
}

impl<G> Frame for Root<G>
where
    G: Generator<Yield = SysCall, Send = Reply, Throw = Infallible>,
{
    fn resume(self: Pin<&mut Self>, reply: Reply) -> FrameStep {
        // SAFETY: `coroutine` is structurally pinned (never moved out of a pinned `Root`);
        // `slot` is not pinned.
        let (coroutine, slot) = unsafe {
            let this = self.get_unchecked_mut();
            (Pin::new_unchecked(&mut this.coroutine), &this.slot)
        };
        match step(coroutine, reply) {
            Ok(call) => FrameStep::Yield(call),
            Err(r) => {
                slot.set(Some(Ok(r)));
                FrameStep::Return(Reply::default())
            }
        }
    }
}

/// A coroutine made into a stack frame.
pub(crate) type BoxedFrame = Pin<Box<dyn Frame>>;

/// A task's first coroutine and how to tell its [`JoinHandle`] that it ended otherwise.
pub(crate) struct NewTask {
    pub(crate) frame: BoxedFrame,
    pub(crate) fail: Box<dyn FnOnce(TaskEnded)>,
}

impl NewTask {
    /// The task that runs `coroutine` and leaves its return value in `slot`.
    pub(crate) fn new<G>(coroutine: G, slot: Slot<G::Return>) -> Self
    where
        G: Generator<Yield = SysCall, Send = Reply, Throw = Infallible> + 'static,
        G::Return: 'static,
    {
        let fail = {
            let slot = slot.clone();
            move |how| {
                let outcome = slot.take().or(Some(Err(how)));
                slot.set(outcome);
            }
        };
        Self {
            frame: Box::pin(Root { coroutine, slot }),
            fail: Box::new(fail),
        }
    }
}

/// What a task's turn came to.
pub(crate) enum Run {
    /// It made a system call for the scheduler and is suspended.
    SysCall(SysCall),
    /// Its first coroutine returned.
    Returned,
}

/// A task: its call stack (the scheduler keeps its id).
pub(crate) struct Task {
    stack: Vec<BoxedFrame>,
    fail: Option<Box<dyn FnOnce(TaskEnded)>>,
}

impl Task {
    pub(crate) fn new(new: NewTask) -> Self {
        Self {
            stack: vec![new.frame],
            fail: Some(new.fail),
        }
    }

    /// Runs the task until its next system call (Beazley's `Task.run`): a call pushes the
    /// callee, a return pops it and sends its value to the caller.
    pub(crate) fn run(&mut self, mut reply: Reply) -> Run {
        loop {
            let top = self
                .stack
                .last_mut()
                .expect("a task that runs has a coroutine");
            match top.as_mut().resume(reply) {
                FrameStep::Yield(SysCall(Request::Call(callee))) => {
                    self.stack.push(callee);
                    reply = Reply::default();
                }
                FrameStep::Yield(call) => return Run::SysCall(call),
                FrameStep::Return(value) => {
                    self.stack.pop();
                    if self.stack.is_empty() {
                        self.fail = None;
                        return Run::Returned;
                    }
                    reply = value;
                }
            }
        }
    }

    /// Ends the task without a return value: closes its coroutines innermost first (dropping
    /// every live local) and tells its handle how it ended.
    pub(crate) fn end(mut self, how: TaskEnded) {
        self.unwind();
        if let Some(fail) = self.fail.take() {
            fail(how);
        }
    }

    /// Drops the stack innermost first. A coroutine whose cleanup panics does not stop the
    /// others from being closed.
    fn unwind(&mut self) {
        while let Some(frame) = self.stack.pop() {
            let _ = catch_unwind(AssertUnwindSafe(move || drop(frame)));
        }
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        self.unwind();
    }
}
