//! System calls: what a task yields to the scheduler ([`SysCall`]), what the scheduler sends
//! back ([`Reply`]), and the one match that dispatches them. No I/O happens here.
//!
//! Programs do not build these values: the generators of [`sys`](super::sys) yield them and
//! read the replies, so every system call is typed where it is made.

use core::any::Any;
use core::fmt;
use std::io;
use std::os::fd::RawFd;
use std::rc::Rc;
use std::time::Instant;

use super::group::Watcher;
use super::notify::Notify;
use super::scheduler::Scheduler;
use super::selector::{Interest, Keeper};
use super::task::{BoxedFrame, NewTask, TaskEnded, TaskId};
use super::timer::TimerKey;

/// A request from a task to the scheduler: the yield type of every task coroutine.
///
/// Task coroutines are declared `#[generator(yield = SysCall, send = Reply)]` and make system
/// calls with the generators of [`sys`](super::sys).
pub struct SysCall(pub(crate) Request);

pub(crate) enum Request {
    /// Give up the processor until the next turn (Python's bare `yield`).
    Pause,
    TaskId,
    Spawn(NewTask),
    /// Start a task, and go on in the same turn (asyncio's `create_task`).
    CreateTask(NewTask),
    Kill(TaskId),
    /// Ask task `TaskId` to stop: cancellation reaches it at its next turn.
    Cancel(TaskId),
    Wait(TaskId),
    /// Park until the [`Notify`] is notified (at once if it holds a permit).
    Notified(Notify),
    Sleep(Instant),
    /// Wait until the file descriptor is ready for the interest.
    Io(RawFd, Interest, Keeper),
    /// Tell the watcher when each of these tasks (with its place in the group) ends.
    Watch(Vec<(TaskId, usize)>, Rc<dyn Watcher>),
    /// Start a timeout that ends at this deadline; answered with its key.
    Deadline(Instant),
    /// End the timeout of this key.
    Disarm(TimerKey),
    /// Handled by the task itself: push this coroutine and run it.
    Call(BoxedFrame),
    /// The I/O task's turn: poll the OS, wake whoever is ready.
    PollIo,
}

/// The scheduler's answer to a [`SysCall`]: the send type of every task coroutine.
#[derive(Default)]
pub struct Reply(pub(crate) Answer);

#[derive(Default)]
pub(crate) enum Answer {
    #[default]
    Nothing,
    TaskId(TaskId),
    Killed(Result<(), TaskEnded>),
    /// To a task being cancelled: throw in [`Cancelled`](super::Cancelled), or close it.
    Cancel,
    /// A wake-up of a [`Notify`]; one given by `notify_one` carries the `Notify`, so that it is
    /// passed on should the task be cancelled before it runs.
    Notified(Option<Notify>),
    Ended(Result<(), TaskEnded>),
    Io(io::Result<()>),
    Returned(Box<dyn Any>),
    /// The key of a timeout just started.
    Deadline(TimerKey),
    /// The deadline of the timeout of this key has passed: what the task waited for was
    /// unregistered.
    TimedOut(TimerKey),
    /// To the I/O task: whether it is the only task left.
    Alone(bool),
}

impl Reply {
    pub(crate) fn returned(value: Box<dyn Any>) -> Self {
        Self(Answer::Returned(value))
    }
}

impl fmt::Debug for SysCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match &self.0 {
            Request::Pause => "Pause",
            Request::TaskId => "TaskId",
            Request::Spawn(_) => "Spawn",
            Request::CreateTask(_) => "CreateTask",
            Request::Kill(_) => "Kill",
            Request::Cancel(_) => "Cancel",
            Request::Wait(_) => "Wait",
            Request::Notified(_) => "Notified",
            Request::Sleep(_) => "Sleep",
            Request::Io(_, Interest::Read, _) => "Readable",
            Request::Io(_, Interest::Write, _) => "Writable",
            Request::Watch(..) => "Watch",
            Request::Deadline(_) => "Deadline",
            Request::Disarm(_) => "Disarm",
            Request::Call(_) => "Call",
            Request::PollIo => "PollIo",
        };
        write!(f, "SysCall::{name}")
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Reply(..)")
    }
}

/// The answer a system call should have received but did not: a bug in the scheduler.
pub(crate) fn unexpected(what: &str) -> ! {
    unreachable!("the scheduler answered a {what} system call with the wrong reply")
}

impl Scheduler {
    /// Carries out the system call `call` that task `id` made (Beazley's `SystemCall.handle`).
    pub(crate) fn dispatch(&mut self, id: TaskId, call: SysCall) {
        let waits = matches!(
            call.0,
            Request::Pause
                | Request::Wait(_)
                | Request::Sleep(_)
                | Request::Io(..)
                | Request::Notified(_)
        );
        if waits && self.tell_deadline(id) {
            return; // a timeout that ended while the task was ready: it does not wait
        }
        match call.0 {
            Request::Pause => self.schedule(id, Answer::Nothing),
            Request::TaskId => self.schedule(id, Answer::TaskId(id)),
            Request::Spawn(new) => {
                let child = self.add_task(new);
                self.schedule(id, Answer::TaskId(child));
            }
            Request::Kill(target) => {
                let killed = self.kill(target);
                if target != id {
                    self.schedule(id, Answer::Killed(killed));
                }
            }
            Request::Cancel(target) => {
                let cancelled = self.cancel(target, Some(id));
                let answer = match target == id {
                    true => Answer::Cancel,
                    false => Answer::Killed(cancelled),
                };
                self.schedule(id, answer);
            }
            Request::Wait(target) => self.join(id, target),
            Request::Notified(notify) => self.wait_notify(id, notify),
            Request::Sleep(deadline) => self.sleep(id, deadline),
            Request::Io(fd, interest, keeper) => self.wait_io(id, fd, interest, keeper),
            Request::Watch(members, watcher) => {
                self.watch(members, watcher);
                self.schedule(id, Answer::Nothing);
            }
            Request::Deadline(at) => self.set_deadline(id, at),
            Request::Disarm(key) => self.disarm(id, key),
            Request::PollIo => self.poll_io(id),
            Request::Call(_) => unreachable!("a task runs its own calls"),
            Request::CreateTask(_) => unreachable!("the scheduler's turn carries it out"),
        }
    }
}

/// The handle a system call's body yields through, in a task whose throw type is `E`.
pub(crate) type Co<E> = crate::__private::Co<SysCall, Reply, E>;

/// Makes a generator that yields system calls (what `#[generator(yield = SysCall, send =
/// Reply, throw = E)]` expands to). Its throw type is the delegating task's, inferred at the
/// `yield_from!`: a cancellation thrown in at this, the innermost level, ends it and goes on up.
pub(crate) fn coroutine<E, B: core::future::Future>(
    body: impl FnOnce(Co<E>) -> B,
) -> crate::Gen<B, SysCall, Reply, E> {
    // SAFETY: the system-call bodies of this crate await their handle's points directly and
    // never let the handle go.
    unsafe { crate::__private::new(body) }
}
