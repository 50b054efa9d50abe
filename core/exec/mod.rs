//! A trampoline executor: generators run as cooperative tasks, the way David Beazley's
//! scheduler runs Python coroutines.
//!
//! A task coroutine is a generator that yields [`SysCall`]s and is sent [`Reply`]s. It makes
//! its system calls by delegating to the generators of [`sys`], which are typed where they are
//! made. [`Scheduler::run`] runs the tasks in FIFO order, one turn each until its next system
//! call; when no task is ready it blocks in the OS poller until a file descriptor is ready or
//! a timer is due.
//!
//! ```
//! use corogen::exec::{self, Reply, SysCall, sys};
//! use corogen::prelude::*;
//!
//! #[generator(yield = SysCall, send = Reply)]
//! fn add(x: u32, y: u32) -> u32 {
//!     yield_from!(sys::pause());
//!     x + y
//! }
//!
//! #[generator(yield = SysCall, send = Reply)]
//! fn main_task() -> u32 {
//!     let child = yield_from!(sys::spawn(add(2, 3)));
//!     let called = yield_from!(sys::call(add(1, 2)));
//!     let waited = yield_from!(sys::wait(child)).expect("the child returned");
//!     called + waited
//! }
//!
//! assert_eq!(exec::run(main_task()), Ok(8));
//! ```
//!
//! # Spawning and the turn
//!
//! [`sys::spawn`] gives up the spawner's turn (Beazley's `NewTask`): the new task is put in the
//! ready queue, then the spawner behind it. [`sys::create_task`] keeps the turn (asyncio's
//! `create_task`): the spawner runs on until its next wait, and the new task first runs after.
//! [`exec::run`](run) runs a main task as `asyncio.run` does: when it ends, the tasks left are
//! cancelled, and `run` returns once they have ended.
//!
//! # Waking and waiting
//!
//! A task parks on a [`Notify`] ([`sys::notified`]) until a plain method wakes it
//! ([`Notify::notify_one`], [`Notify::notify_all`]; [`RemoteNotify`] from another thread,
//! through the OS poller). No wake-up is lost: `notify_one` with no one waiting stores a
//! permit. [`gather`], [`try_gather`], [`as_completed`] and [`TaskGroup`] wait for several
//! tasks; [`timeout`] bounds a coroutine that runs in the current task.
//!
//! # Cancellation
//!
//! Two ways to stop a task, as Beazley's `KillTask` and asyncio's `Task.cancel()`:
//!
//! - [`sys::kill`] is hard: what the task waits for is unregistered, its coroutines are
//!   dropped at once, innermost first (every live local dropped; a `try_yield!` or
//!   `try_yield_from!` sees `Interrupt::Close`), and it ends [`TaskEnded::Killed`]. Cleanup
//!   runs, but cannot make system calls (a yield while closing is refused).
//! - [`sys::cancel`] (and a [`timeout`] whose deadline passes, a [`TaskGroup`] whose member
//!   failed or that is dropped, the end of [`exec::run`](run)) is a request: what the task
//!   waits for is unregistered at once, and at its next turn the cancellation reaches its
//!   innermost level, the system call it waits in (in the coroutine it called last, with
//!   `sys::call`). How depends on the task coroutine's throw type ([`Cancellable`]):
//!
//! | declared | the cancellation | cleanup |
//! |---|---|---|
//! | `#[generator(yield = SysCall, send = Reply)]` (throw `Infallible`) | closes the coroutine, as `kill` does | plain code; no system call |
//! | `#[generator(yield = SysCall, send = Reply, throw = Cancelled)]` | throws [`Cancelled`] in at the innermost level: `yield_from!` passes it on up, `try_yield_from!` gives it to the body as `Err(Interrupt::Throw(Cancelled))` | may make system calls (sleep, I/O, wait…), then `raise_!` it again |
//!
//! A coroutine that the cancellation ends (closed, or `Cancelled` raised out of it) ends its
//! caller's call the same way, down the task's stack; a task so ended ends
//! [`TaskEnded::Cancelled`]. Cleanup that ignores the cancellation (catches it and returns a
//! value, or carries on) has refused it, as asyncio allows: the task runs on, and its return
//! value is its outcome; a later cancellation reaches it at its next wait. A wake-up given to
//! a task that is cancelled before it sees it (a `notify_one`) passes to the next waiter.
//!
//! # Modules
//!
//! | module | role |
//! |---|---|
//! | `task` | a task: id, trampoline stack of coroutines; one step of a coroutine, or its cancellation |
//! | `scheduler` | ready queue, the main loop, the I/O task, the end of a task |
//! | `table` | the tasks by id: a slab, each id knowing its slot |
//! | `syscall` | [`SysCall`] and [`Reply`], the dispatch of a system call |
//! | [`sys`] | the system calls, as generators to delegate to |
//! | `selector` | the OS poller (`polling`): the only code that touches the OS; sockets' registrations |
//! | `timer` | sleeping tasks and timeouts' deadlines, by deadline |
//! | `wait` | what a task waits for, and how a wait ends: woken, cancelled, cut short by a deadline |
//! | `notify` | [`Notify`] and [`RemoteNotify`]: park and wake |
//! | `current` | the running scheduler's mailbox for plain methods (wake-ups, cancellations) |
//! | `cancel` | [`Cancelled`] and [`Cancellable`] |
//! | `timeout` | [`timeout`] and [`timeout_at`] |
//! | `group` | [`gather`], [`try_gather`], [`as_completed`], [`TaskGroup`] |
//! | [`net`] | TCP and UDP sockets that own their registration in the poller and wait through the scheduler; `connect`; a buffered reader |
//! | [`pool`] | a bounded thread pool for blocking closures, whose waiters a `RemoteNotify` wakes |
//! | [`process`] | child processes: non-blocking pipes and a pidfd in the poller (Linux) |
//! | [`sync`] | `Lock`, `Semaphore`, `Event`, `Condition`, `Barrier`, `Queue`, on FIFO wait lists of `Notify`s |
//! | `budget` | how many socket operations a task completes in one turn before it pauses |
//!
//! # Faults
//!
//! A task that panics ends alone: the panic is caught at its turn, its coroutines are closed,
//! and whoever waits for it gets [`TaskEnded::Panicked`]. The scheduler and the other tasks go
//! on.
#![cfg(unix)]

mod budget;
mod cancel;
mod current;
mod group;
pub mod net;
mod notify;
pub mod pool;
#[cfg(target_os = "linux")]
pub mod process;
mod scheduler;
mod selector;
pub mod sync;
pub mod sys;
mod syscall;
mod table;
mod task;
mod timeout;
mod timer;
mod wait;

pub use cancel::{Cancellable, Cancelled};
pub use group::{AsCompleted, Completed, Failed, TaskGroup, as_completed, gather, try_gather};
pub use notify::{Notify, RemoteNotify};
pub use scheduler::{Exit, Scheduler};
pub use syscall::{Reply, SysCall};
pub use task::{JoinHandle, TaskEnded, TaskId};
pub use timeout::{TimedOut, timeout, timeout_at};

use sys::Coroutine;

/// Runs `coroutine` as the main task of a new scheduler, as `asyncio.run` does: when it
/// ends, every task left is cancelled ([`sys::cancel`]: a task whose throw type is
/// [`Cancelled`] has it thrown in and may clean up, any other is closed), and `run` returns
/// once they have all ended, with the main task's return value or how it ended.
///
/// Spawned tasks start in FIFO order after the spawner's turn: [`sys::spawn`] gives up the
/// turn (Beazley's `NewTask`: the new task runs before the spawner goes on), and
/// [`sys::create_task`] keeps it (asyncio's `create_task`: the spawner runs on to its next
/// wait).
///
/// ```
/// use corogen::exec::{self, Cancelled, Reply, SysCall, sys};
/// use corogen::prelude::*;
/// use std::{cell::RefCell, rc::Rc, time::Duration};
///
/// #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
/// fn background(log: Rc<RefCell<Vec<&'static str>>>) {
///     if let Err(cancelled) = try_yield_from!(sys::sleep(Duration::from_secs(60))) {
///         log.borrow_mut().push("background task cancelled at the end of run");
///         raise_!(cancelled);
///     }
/// }
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn main_task(log: Rc<RefCell<Vec<&'static str>>>) -> u32 {
///     yield_from!(sys::create_task(background(Rc::clone(&log))));
///     log.borrow_mut().push("main goes on");
///     yield_from!(sys::pause());
///     42
/// }
///
/// let log = Rc::default();
/// assert_eq!(exec::run(main_task(Rc::clone(&log))), Ok(42));
/// assert_eq!(
///     *log.borrow(),
///     ["main goes on", "background task cancelled at the end of run"]
/// );
/// ```
///
/// # Errors
/// [`TaskEnded::Killed`], [`TaskEnded::Cancelled`] or [`TaskEnded::Panicked`] if the main task
/// ended so; [`TaskEnded::Stuck`] if the scheduler stopped before it ended (every task left
/// waited for another).
///
/// # Panics
/// If it is called from a task of a scheduler running on this thread (the running scheduler
/// could not run its other tasks until this one returned: start the coroutine as a task, or
/// delegate to it); the task that called it then ends with [`TaskEnded::Panicked`] and that
/// message, and the other tasks go on. If the OS poller keeps failing (the error of
/// [`Scheduler::run`]): a program that would rather handle that runs a [`Scheduler`] itself.
///
/// ```
/// use corogen::exec::{self, Reply, SysCall, TaskEnded};
/// use corogen::prelude::*;
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn inner() {}
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn outer() {
///     let _ = exec::run(inner()); // panics: a scheduler already runs here
/// }
///
/// let Err(TaskEnded::Panicked(message)) = exec::run(outer()) else { panic!() };
/// assert!(message.contains("start the coroutine as a task"));
/// ```
pub fn run<G: Coroutine>(coroutine: G) -> Result<G::Return, TaskEnded> {
    let mut scheduler = Scheduler::new();
    let handle = scheduler.spawn_main(coroutine);
    if let Err(error) = scheduler.run() {
        panic!("the OS poller failed: {error}");
    }
    handle.slot.take().unwrap_or(Err(TaskEnded::Stuck))
}
