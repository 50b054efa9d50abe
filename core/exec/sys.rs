//! The system calls, as small generators to delegate to with `yield_from!` from a task
//! coroutine: each yields one [`SysCall`] and reads the scheduler's [`Reply`], so what it
//! evaluates to is typed where it is made.
//!
//! Every example below runs inside a coroutine declared
//! `#[generator(yield = SysCall, send = Reply)]`.

use core::convert::Infallible;
use core::future::Future;
use std::io;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use super::selector::Interest;
use super::syscall::{Answer, Reply, Request, SysCall, coroutine, unexpected};
use super::task::{BoxedFrame, JoinHandle, NewTask, Slot, TaskEnded, TaskId};
use crate::{Gen, Generator};

/// A coroutine that can run as a task or be called from one.
pub trait Coroutine:
    Generator<Yield = SysCall, Send = Reply, Throw = Infallible> + 'static
{
}

impl<G> Coroutine for G where
    G: Generator<Yield = SysCall, Send = Reply, Throw = Infallible> + 'static
{
}

/// One system call: yields `request` and returns the answer.
fn syscall(request: Request) -> Gen<impl Future<Output = Answer>, SysCall, Reply> {
    coroutine(move |co| async move { co.yield_(SysCall(request)).await.0 })
}

/// Gives up the processor until the task's next turn (Python's bare `yield` in a task).
///
/// ```ignore
/// yield_from!(sys::pause());
/// ```
pub fn pause() -> Gen<impl Future<Output = ()>, SysCall, Reply> {
    coroutine(|co| async move {
        co.yield_(SysCall(Request::Pause)).await;
    })
}

/// The id of the task that makes the call (Beazley's `GetTid`).
///
/// ```ignore
/// let me: TaskId = yield_from!(sys::task_id());
/// ```
pub fn task_id() -> Gen<impl Future<Output = TaskId>, SysCall, Reply> {
    coroutine(|co| async move {
        match co.delegate::<_, false>(syscall(Request::TaskId)).await {
            Answer::TaskId(id) => id,
            _ => unexpected("task_id"),
        }
    })
}

/// Starts a new task that runs `coroutine` (Beazley's `NewTask`). It is scheduled before the
/// caller resumes. The handle gives its id and its return value (see [`wait`]).
///
/// ```ignore
/// let child: JoinHandle<u32> = yield_from!(sys::spawn(worker(3)));
/// println!("spawned task {}", child.id());
/// ```
pub fn spawn<G: Coroutine>(
    coroutine: G,
) -> Gen<impl Future<Output = JoinHandle<G::Return>>, SysCall, Reply> {
    let slot = Slot::default();
    spawned(NewTask::new(coroutine, slot.clone()), slot)
}

fn spawned<R>(
    new: NewTask,
    slot: Slot<R>,
) -> Gen<impl Future<Output = JoinHandle<R>>, SysCall, Reply> {
    coroutine(move |co| async move {
        match co.delegate::<_, false>(syscall(Request::Spawn(new))).await {
            Answer::TaskId(id) => JoinHandle { id, slot },
            _ => unexpected("spawn"),
        }
    })
}

/// Kills task `id` (Beazley's `KillTask`): what it waits for is unregistered, its coroutines
/// are closed innermost first (every live local dropped), its joiners are told it was
/// killed. A task may kill itself; the call then does not return.
///
/// # Errors
/// [`TaskEnded::Unknown`] if no task has this id.
///
/// ```ignore
/// yield_from!(sys::kill(child.id()))?;
/// ```
pub fn kill(id: TaskId) -> Gen<impl Future<Output = Result<(), TaskEnded>>, SysCall, Reply> {
    coroutine(move |co| async move {
        match co.delegate::<_, false>(syscall(Request::Kill(id))).await {
            Answer::Killed(result) => result,
            _ => unexpected("kill"),
        }
    })
}

/// Waits for the task of `handle` to end (Beazley's `WaitTask`), and evaluates to its return
/// value; at once if it has ended already.
///
/// # Errors
/// [`TaskEnded::Killed`] or [`TaskEnded::Panicked`] if it ended so; [`TaskEnded::Unknown`] if
/// the handle is of another scheduler's task.
///
/// ```ignore
/// let child = yield_from!(sys::spawn(worker(3)));
/// let value: u32 = yield_from!(sys::wait(child))?;
/// ```
pub fn wait<R>(
    handle: JoinHandle<R>,
) -> Gen<impl Future<Output = Result<R, TaskEnded>>, SysCall, Reply> {
    coroutine(move |co| async move {
        if let Some(outcome) = handle.slot.take() {
            return outcome;
        }
        match co
            .delegate::<_, false>(syscall(Request::Wait(handle.id)))
            .await
        {
            Answer::Ended(how) => match handle.slot.take() {
                Some(outcome) => outcome,
                None => Err(how.err().unwrap_or(TaskEnded::Unknown)),
            },
            _ => unexpected("wait"),
        }
    })
}

/// Waits for task `id` to end, whoever started it, and evaluates to how it ended (`Ok(())` if
/// it returned); its return value stays with its [`JoinHandle`].
///
/// # Errors
/// [`TaskEnded::Killed`] or [`TaskEnded::Panicked`] if it ended so; [`TaskEnded::Unknown`] at
/// once if no task has this id (it never existed, or it has ended already).
///
/// ```ignore
/// let how = yield_from!(sys::wait_id(TaskId::from(7)));
/// ```
pub fn wait_id(id: TaskId) -> Gen<impl Future<Output = Result<(), TaskEnded>>, SysCall, Reply> {
    coroutine(move |co| async move {
        match co.delegate::<_, false>(syscall(Request::Wait(id))).await {
            Answer::Ended(how) => how,
            _ => unexpected("wait_id"),
        }
    })
}

/// Sleeps for `duration` on the monotonic clock; other tasks run meanwhile.
///
/// ```ignore
/// yield_from!(sys::sleep(Duration::from_millis(5)));
/// ```
pub fn sleep(duration: Duration) -> Gen<impl Future<Output = ()>, SysCall, Reply> {
    sleep_until(Instant::now() + duration)
}

/// Sleeps until `deadline` (at least one turn, even if it has passed).
///
/// ```ignore
/// yield_from!(sys::sleep_until(start + Duration::from_millis(5)));
/// ```
pub fn sleep_until(deadline: Instant) -> Gen<impl Future<Output = ()>, SysCall, Reply> {
    coroutine(move |co| async move {
        co.delegate::<_, false>(syscall(Request::Sleep(deadline)))
            .await;
    })
}

fn wait_io<'a, F: AsRawFd + ?Sized>(
    source: &'a F,
    interest: Interest,
) -> Gen<impl Future<Output = io::Result<()>> + 'a, SysCall, Reply> {
    coroutine(move |co| async move {
        // `source` stays borrowed until the answer comes: the fd stays open while registered.
        let fd = source.as_raw_fd();
        match co
            .delegate::<_, false>(syscall(Request::Io(fd, interest)))
            .await
        {
            Answer::Io(result) => result,
            _ => unexpected("I/O wait"),
        }
    })
}

/// Waits until `source` (a non-blocking socket or other pollable file) is readable: data, a
/// pending connection, end of file or an error (Beazley's `ReadWait`).
///
/// # Errors
/// If the OS poller refuses the file descriptor, or another task already waits to read it.
///
/// ```ignore
/// yield_from!(sys::readable(&socket))?;
/// let n = socket.read(&mut buf)?;
/// ```
pub fn readable<F: AsRawFd + ?Sized>(
    source: &F,
) -> Gen<impl Future<Output = io::Result<()>> + '_, SysCall, Reply> {
    wait_io(source, Interest::Read)
}

/// Waits until `source` is writable (Beazley's `WriteWait`).
///
/// # Errors
/// If the OS poller refuses the file descriptor, or another task already waits to write it.
///
/// ```ignore
/// yield_from!(sys::writable(&socket))?;
/// socket.write(&buf)?;
/// ```
pub fn writable<F: AsRawFd + ?Sized>(
    source: &F,
) -> Gen<impl Future<Output = io::Result<()>> + '_, SysCall, Reply> {
    wait_io(source, Interest::Write)
}

/// Calls `callee` through the task's stack (Beazley's `result = yield add(1, 2)`): the task
/// pushes it, runs it, and sends its return value back here when it returns. The caller's
/// frame is left where it is, so calls may nest to any depth without growing the thread's
/// stack.
///
/// ```ignore
/// let sum: u32 = yield_from!(sys::call(add(1, 2)));
/// ```
pub fn call<G: Coroutine>(callee: G) -> Gen<impl Future<Output = G::Return>, SysCall, Reply> {
    called(Box::pin(callee))
}

fn called<R: 'static>(callee: BoxedFrame) -> Gen<impl Future<Output = R>, SysCall, Reply> {
    coroutine(move |co| async move {
        match co.yield_(SysCall(Request::Call(callee))).await.0 {
            Answer::Returned(value) => match value.downcast::<R>() {
                Ok(value) => *value,
                Err(_) => unexpected("call"),
            },
            _ => unexpected("call"),
        }
    })
}
