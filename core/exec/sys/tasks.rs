//! The system calls about tasks: start one ([`spawn`], [`create_task`]), stop one ([`kill`],
//! [`cancel`]), wait for one ([`wait`], [`wait_id`]).

use core::future::Future;

use super::super::syscall::{Answer, Reply, Request, SysCall, coroutine, unexpected};
use super::super::task::{JoinHandle, NewTask, Slot, TaskEnded, TaskId};
use super::{Coroutine, syscall};
use crate::Gen;

/// Starts a new task that runs `coroutine` (Beazley's `NewTask`). It is scheduled before the
/// caller resumes. The handle gives its id and its return value (see [`wait`]).
///
/// ```
/// # use corogen::exec::{self, Reply, SysCall, TaskEnded, TaskId, sys};
/// # use corogen::prelude::*;
/// # use corogen::exec::JoinHandle;
/// # #[generator(yield = SysCall, send = Reply)]
/// # fn worker(n: u32) -> u32 { n * 2 }
/// #[generator(yield = SysCall, send = Reply)]
/// fn parent() -> u64 {
///     let child: JoinHandle<u32> = yield_from!(sys::spawn(worker(3)));
///     child.id().get()
/// }
///
/// assert_eq!(exec::run(parent()), Ok(2));
/// ```
pub fn spawn<G: Coroutine, E>(
    coroutine: G,
) -> Gen<impl Future<Output = JoinHandle<G::Return>>, SysCall, Reply, E> {
    let slot = Slot::default();
    spawned(NewTask::new(coroutine, slot.clone()), slot)
}

/// Starts a new task that runs `coroutine`, and goes on in the same turn (asyncio's
/// `create_task`): the new task is put at the back of the ready queue and first runs when the
/// caller next waits. [`spawn`] instead gives up the caller's turn.
///
/// ```
/// # use corogen::exec::{self, Reply, SysCall, sys};
/// # use corogen::prelude::*;
/// # use std::{cell::RefCell, rc::Rc};
/// #[generator(yield = SysCall, send = Reply)]
/// fn child(log: Rc<RefCell<Vec<&'static str>>>) {
///     log.borrow_mut().push("child runs");
/// }
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn parent(log: Rc<RefCell<Vec<&'static str>>>) {
///     let a = yield_from!(sys::create_task(child(Rc::clone(&log))));
///     log.borrow_mut().push("create_task: the parent goes on");
///     yield_from!(sys::wait(a)).unwrap();
///     let b = yield_from!(sys::spawn(child(Rc::clone(&log))));
///     log.borrow_mut().push("spawn: the child ran first");
///     yield_from!(sys::wait(b)).unwrap();
/// }
///
/// let log = Rc::default();
/// exec::run(parent(Rc::clone(&log))).unwrap();
/// assert_eq!(
///     *log.borrow(),
///     ["create_task: the parent goes on", "child runs", "child runs", "spawn: the child ran first"]
/// );
/// ```
pub fn create_task<G: Coroutine, E>(
    coroutine: G,
) -> Gen<impl Future<Output = JoinHandle<G::Return>>, SysCall, Reply, E> {
    let slot = Slot::default();
    let new = NewTask::new(coroutine, slot.clone());
    self::coroutine(move |co| async move {
        match co.yield_(SysCall(Request::CreateTask(new))).await.0 {
            Answer::TaskId(id) => JoinHandle { id, slot },
            _ => unexpected("create_task"),
        }
    })
}

fn spawned<R, E>(
    new: NewTask,
    slot: Slot<R>,
) -> Gen<impl Future<Output = JoinHandle<R>>, SysCall, Reply, E> {
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
/// ```
/// # use corogen::exec::{self, Reply, SysCall, TaskEnded, TaskId, sys};
/// # use corogen::prelude::*;
/// #[generator(yield = SysCall, send = Reply)]
/// fn forever() {
///     loop {
///         yield_from!(sys::pause());
///     }
/// }
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn parent() -> Result<(), TaskEnded> {
///     let child = yield_from!(sys::spawn(forever()));
///     let id = child.id();
///     yield_from!(sys::kill(id))?;
///     assert_eq!(yield_from!(sys::wait(child)), Err(TaskEnded::Killed));
///     yield_from!(sys::kill(id)) // gone now
/// }
///
/// assert_eq!(exec::run(parent()), Ok(Err(TaskEnded::Unknown)));
/// ```
pub fn kill<E>(id: TaskId) -> Gen<impl Future<Output = Result<(), TaskEnded>>, SysCall, Reply, E> {
    coroutine(move |co| async move {
        match co.delegate::<_, false>(syscall(Request::Kill(id))).await {
            Answer::Killed(result) => result,
            _ => unexpected("kill"),
        }
    })
}

/// Asks task `id` to stop (asyncio's `Task.cancel()`); the caller runs on. What the task
/// waits for is unregistered at once, and on its next turn the cancellation reaches its
/// innermost level: a task whose throw type is [`Cancelled`](crate::exec::Cancelled) has it thrown
/// in there (it may catch it with `try_yield_from!`, clean up with system calls, and raise it
/// again or carry on); any other task is closed, as [`kill`] closes it. A task that asks for
/// itself is cancelled at this call. A task the cancellation ends ends with
/// [`TaskEnded::Cancelled`].
///
/// # Errors
/// [`TaskEnded::Unknown`] if no task has this id.
///
/// ```
/// # use corogen::exec::{self, Cancelled, Reply, SysCall, TaskEnded, sys};
/// # use corogen::prelude::*;
/// # use std::time::Duration;
/// #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
/// fn worker() -> &'static str {
///     match try_yield_from!(sys::sleep(Duration::from_secs(60))) {
///         Ok(()) => "slept",
///         Err(_cancelled) => {
///             yield_from!(sys::pause()); // cleanup may make system calls
///             "cleaned up" // and the cancellation is refused
///         }
///     }
/// }
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn parent() -> Result<&'static str, TaskEnded> {
///     let child = yield_from!(sys::spawn(worker()));
///     yield_from!(sys::pause()); // the worker starts its sleep
///     yield_from!(sys::cancel(child.id()))?;
///     yield_from!(sys::wait(child))
/// }
///
/// assert_eq!(exec::run(parent()), Ok(Ok("cleaned up")));
/// ```
pub fn cancel<E>(
    id: TaskId,
) -> Gen<impl Future<Output = Result<(), TaskEnded>>, SysCall, Reply, E> {
    coroutine(move |co| async move {
        match co.delegate::<_, false>(syscall(Request::Cancel(id))).await {
            Answer::Killed(result) => result,
            _ => unexpected("cancel"),
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
/// ```
/// # use corogen::exec::{self, Reply, SysCall, TaskEnded, TaskId, sys};
/// # use corogen::prelude::*;
/// #[generator(yield = SysCall, send = Reply)]
/// fn worker(n: u32) -> u32 {
///     yield_from!(sys::pause());
///     n * 2
/// }
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn parent() -> Result<u32, TaskEnded> {
///     let child = yield_from!(sys::spawn(worker(3)));
///     let value: u32 = yield_from!(sys::wait(child))?;
///     Ok(value + 1)
/// }
///
/// assert_eq!(exec::run(parent()), Ok(Ok(7)));
/// ```
pub fn wait<R, E>(
    handle: JoinHandle<R>,
) -> Gen<impl Future<Output = Result<R, TaskEnded>>, SysCall, Reply, E> {
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
/// ```
/// # use corogen::exec::{self, Reply, SysCall, TaskEnded, TaskId, sys};
/// # use corogen::prelude::*;
/// #[generator(yield = SysCall, send = Reply)]
/// fn worker() {
///     yield_from!(sys::pause());
/// }
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn parent() -> (Result<(), TaskEnded>, Result<(), TaskEnded>) {
///     let child = yield_from!(sys::spawn(worker()));
///     let number = child.id().get();
///     drop(child); // detached: only its number is left
///     let how = yield_from!(sys::wait_id(TaskId::from(number)));
///     (how, yield_from!(sys::wait_id(TaskId::from(7))))
/// }
///
/// assert_eq!(exec::run(parent()), Ok((Ok(()), Err(TaskEnded::Unknown))));
/// ```
pub fn wait_id<E>(
    id: TaskId,
) -> Gen<impl Future<Output = Result<(), TaskEnded>>, SysCall, Reply, E> {
    coroutine(move |co| async move {
        match co.delegate::<_, false>(syscall(Request::Wait(id))).await {
            Answer::Ended(how) => how,
            _ => unexpected("wait_id"),
        }
    })
}
