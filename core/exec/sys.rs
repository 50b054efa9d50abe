//! The system calls, as small generators to delegate to with `yield_from!` from a task
//! coroutine: each yields one [`SysCall`] and reads the scheduler's [`Reply`], so what it
//! evaluates to is typed where it is made.
//!
//! Every example below runs a task coroutine, declared
//! `#[generator(yield = SysCall, send = Reply)]`, with [`exec::run`](super::run) or a [`Scheduler`](super::Scheduler).
//!
//! # I/O safety
//!
//! [`readable`] and [`writable`] take the file descriptor as an [`AsFd`] borrow: the task owns
//! or borrows what it waits on, and the borrow lasts until the wait ends, so the descriptor
//! cannot be closed while the scheduler's poller holds it (a bare number, `RawFd`, is not
//! `AsFd`; making a [`BorrowedFd`](std::os::fd::BorrowedFd) of one is the caller's `unsafe`
//! promise). A lent descriptor is added to the poller for the wait and deleted when it ends; a
//! [`net`](super::net) socket keeps its own registration and deletes it when it is dropped.
//!
//! What the types do not rule out: a program that resumes a system call's generator by hand,
//! outside a task, takes the [`SysCall`] it yields, ends the borrow, and yields that value from
//! a task later. The scheduler then waits on whatever the number names by then: a closed
//! descriptor is refused, a reused one is waited on (and, if lent, added to the poller and
//! deleted after the wait). Nothing unsound for the scheduler's memory follows, but the wait is
//! wrong; system calls are meant to be delegated to with `yield_from!`, never taken apart.

use core::future::Future;
use std::io;
use std::os::fd::{AsFd, AsRawFd};
use std::time::{Duration, Instant};

use super::cancel::Cancellable;
use super::notify::Notify;
use super::selector::{Interest, Keeper};
use super::syscall::{Answer, Reply, Request, SysCall, coroutine, unexpected};
use super::task::{BoxedFrame, TaskId};
use crate::{Gen, Generator};

mod tasks;
pub use super::pool::to_thread;
pub use tasks::{cancel, create_task, kill, spawn, wait, wait_id};

/// A coroutine that can run as a task or be called from one: a generator that yields
/// [`SysCall`]s, is sent [`Reply`]s, and whose throw type says how a cancellation reaches it
/// ([`Cancellable`]: `Infallible`, the default, closes it; [`Cancelled`](super::Cancelled) is
/// thrown in).
pub trait Coroutine:
    Generator<Yield = SysCall, Send = Reply, Throw: Cancellable> + 'static
{
}

impl<G> Coroutine for G where
    G: Generator<Yield = SysCall, Send = Reply, Throw: Cancellable> + 'static
{
}

/// One system call: yields `request` and returns the answer.
fn syscall<E>(request: Request) -> Gen<impl Future<Output = Answer>, SysCall, Reply, E> {
    coroutine(move |co| async move { co.yield_(SysCall(request)).await.0 })
}

/// Gives up the processor until the task's next turn (Python's bare `yield` in a task).
///
/// ```
/// # use corogen::exec::{self, Reply, SysCall, TaskEnded, TaskId, sys};
/// # use corogen::prelude::*;
/// # use corogen::exec::Scheduler;
/// # use std::{cell::RefCell, rc::Rc};
/// #[generator(yield = SysCall, send = Reply)]
/// fn worker(name: char, log: Rc<RefCell<String>>) {
///     for _ in 0..2 {
///         log.borrow_mut().push(name);
///         yield_from!(sys::pause()); // the other worker runs now
///     }
/// }
///
/// let log = Rc::new(RefCell::new(String::new()));
/// let mut sched = Scheduler::new();
/// sched.spawn(worker('a', Rc::clone(&log)));
/// sched.spawn(worker('b', Rc::clone(&log)));
/// sched.run()?;
/// assert_eq!(*log.borrow(), "abab");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn pause<E>() -> Gen<impl Future<Output = ()>, SysCall, Reply, E> {
    coroutine(|co| async move {
        co.yield_(SysCall(Request::Pause)).await;
    })
}

/// The id of the task that makes the call (Beazley's `GetTid`).
///
/// ```
/// # use corogen::exec::{self, Reply, SysCall, TaskEnded, TaskId, sys};
/// # use corogen::prelude::*;
/// #[generator(yield = SysCall, send = Reply)]
/// fn whoami() -> u64 {
///     let me: TaskId = yield_from!(sys::task_id());
///     me.get()
/// }
///
/// assert_eq!(exec::run(whoami()), Ok(1)); // the first task is task 1
/// ```
pub fn task_id<E>() -> Gen<impl Future<Output = TaskId>, SysCall, Reply, E> {
    coroutine(|co| async move {
        match co.delegate::<_, false>(syscall(Request::TaskId)).await {
            Answer::TaskId(id) => id,
            _ => unexpected("task_id"),
        }
    })
}

/// Parks the task until `notify` is notified ([`Notify::notify_one`] or
/// [`notify_all`](Notify::notify_all), or a [`RemoteNotify`](super::RemoteNotify) from another
/// thread); returns at once, without a system call, if `notify` holds a permit. A task
/// cancelled while it waits is taken off the wait list.
///
/// ```
/// # use corogen::exec::{self, Notify, Reply, SysCall, sys};
/// # use corogen::prelude::*;
/// #[generator(yield = SysCall, send = Reply)]
/// fn main_task() {
///     let n = Notify::new();
///     n.notify_one(); // no one waits: a permit is stored
///     yield_from!(sys::notified(&n)); // takes it at once
///     assert!(!n.has_permit());
/// }
///
/// exec::run(main_task()).unwrap();
/// ```
pub fn notified<E>(notify: &Notify) -> Gen<impl Future<Output = ()> + 'static, SysCall, Reply, E>
where
    E: 'static,
{
    let notify = notify.clone();
    coroutine(move |co| async move {
        if notify.take_permit() {
            return;
        }
        match co
            .delegate::<_, false>(syscall(Request::Notified(notify)))
            .await
        {
            Answer::Notified(_) => {}
            _ => unexpected("notified"),
        }
    })
}

/// Sleeps for `duration` on the monotonic clock; other tasks run meanwhile.
///
/// ```
/// # use corogen::exec::{self, Reply, SysCall, TaskEnded, TaskId, sys};
/// # use corogen::prelude::*;
/// # use std::time::{Duration, Instant};
/// #[generator(yield = SysCall, send = Reply)]
/// fn nap() -> Duration {
///     let start = Instant::now();
///     yield_from!(sys::sleep(Duration::from_millis(5)));
///     start.elapsed()
/// }
///
/// assert!(exec::run(nap()).unwrap() >= Duration::from_millis(5));
/// ```
pub fn sleep<E>(duration: Duration) -> Gen<impl Future<Output = ()>, SysCall, Reply, E> {
    sleep_until(Instant::now() + duration)
}

/// Sleeps until `deadline` (at least one turn, even if it has passed).
///
/// ```
/// # use corogen::exec::{self, Reply, SysCall, TaskEnded, TaskId, sys};
/// # use corogen::prelude::*;
/// # use std::time::{Duration, Instant};
/// #[generator(yield = SysCall, send = Reply)]
/// fn nap_until(deadline: Instant) {
///     yield_from!(sys::sleep_until(deadline));
/// }
///
/// let deadline = Instant::now() + Duration::from_millis(5);
/// exec::run(nap_until(deadline)).unwrap();
/// assert!(Instant::now() >= deadline);
/// ```
pub fn sleep_until<E>(deadline: Instant) -> Gen<impl Future<Output = ()>, SysCall, Reply, E> {
    coroutine(move |co| async move {
        co.delegate::<_, false>(syscall(Request::Sleep(deadline)))
            .await;
    })
}

fn wait_io<'a, F: AsFd + ?Sized, E: 'a>(
    source: &'a F,
    interest: Interest,
) -> Gen<impl Future<Output = io::Result<()>> + 'a, SysCall, Reply, E> {
    coroutine(move |co| async move {
        // `source` stays borrowed until the answer comes: the fd stays open while waited on.
        let fd = source.as_fd().as_raw_fd();
        match co
            .delegate::<_, false>(syscall(Request::Io(fd, interest, Keeper::Wait)))
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
/// If the OS poller refuses the file descriptor, or another task already waits to read it; a
/// regular file or a directory is refused with `InvalidInput` (they cannot be polled: their
/// reads never wait).
///
/// ```
/// # use corogen::exec::{self, Reply, SysCall, TaskEnded, TaskId, sys};
/// # use corogen::prelude::*;
/// # use std::io::{Read, Write};
/// # use std::os::unix::net::UnixStream;
/// #[generator(yield = SysCall, send = Reply)]
/// fn read_some(mut socket: UnixStream) -> std::io::Result<Vec<u8>> {
///     socket.set_nonblocking(true)?;
///     let mut buf = [0; 16];
///     yield_from!(sys::readable(&socket))?;
///     let n = socket.read(&mut buf)?;
///     Ok(buf[..n].to_vec())
/// }
///
/// let (mut peer, socket) = UnixStream::pair()?;
/// peer.write_all(b"hi")?;
/// assert_eq!(exec::run(read_some(socket)).unwrap()?, b"hi");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn readable<'a, F: AsFd + ?Sized, E: 'a>(
    source: &'a F,
) -> Gen<impl Future<Output = io::Result<()>> + 'a, SysCall, Reply, E> {
    wait_io(source, Interest::Read)
}

/// Waits until `source` is writable (Beazley's `WriteWait`).
///
/// # Errors
/// If the OS poller refuses the file descriptor, or another task already waits to write it.
///
/// ```
/// # use corogen::exec::{self, Reply, SysCall, TaskEnded, TaskId, sys};
/// # use corogen::prelude::*;
/// # use std::io::{Read, Write};
/// # use std::os::unix::net::UnixStream;
/// #[generator(yield = SysCall, send = Reply)]
/// fn write_some(mut socket: UnixStream) -> std::io::Result<usize> {
///     socket.set_nonblocking(true)?;
///     yield_from!(sys::writable(&socket))?;
///     socket.write(b"hi")
/// }
///
/// let (mut peer, socket) = UnixStream::pair()?;
/// assert_eq!(exec::run(write_some(socket)).unwrap()?, 2);
/// let mut got = [0; 2];
/// peer.read_exact(&mut got)?;
/// assert_eq!(&got, b"hi");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn writable<'a, F: AsFd + ?Sized, E: 'a>(
    source: &'a F,
) -> Gen<impl Future<Output = io::Result<()>> + 'a, SysCall, Reply, E> {
    wait_io(source, Interest::Write)
}

/// Calls `callee` through the task's stack (Beazley's `result = yield add(1, 2)`): the task
/// pushes it, runs it, and sends its return value back here when it returns. The caller's
/// frame is left where it is, so calls may nest to any depth without growing the thread's
/// stack.
///
/// ```
/// # use corogen::exec::{self, Reply, SysCall, TaskEnded, TaskId, sys};
/// # use corogen::prelude::*;
/// #[generator(yield = SysCall, send = Reply)]
/// fn add(x: u32, y: u32) -> u32 {
///     yield_from!(sys::pause()); // a system call from the callee: the task's, too
///     x + y
/// }
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn main_task() -> u32 {
///     let sum: u32 = yield_from!(sys::call(add(1, 2)));
///     sum * 10
/// }
///
/// assert_eq!(exec::run(main_task()), Ok(30));
/// ```
pub fn call<G: Coroutine, E>(callee: G) -> Gen<impl Future<Output = G::Return>, SysCall, Reply, E> {
    called(Box::pin(callee))
}

fn called<R: 'static, E>(callee: BoxedFrame) -> Gen<impl Future<Output = R>, SysCall, Reply, E> {
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
