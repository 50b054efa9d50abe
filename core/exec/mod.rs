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
//! # Modules
//!
//! | module | role |
//! |---|---|
//! | `task` | a task: id, trampoline stack of coroutines |
//! | `scheduler` | ready queue, the main loop, the I/O task |
//! | `table` | the tasks by id: a slab, each id knowing its slot |
//! | `syscall` | [`SysCall`] and [`Reply`], the dispatch of a system call |
//! | [`sys`] | the system calls, as generators to delegate to |
//! | `selector` | the OS poller (`polling`): the only code that touches the OS; sockets' registrations |
//! | `timer` | sleeping tasks by deadline |
//! | [`net`] | TCP and UDP sockets that own their registration in the poller and wait through the scheduler; `connect`; a buffered reader |
//! | [`pool`] | a bounded thread pool for blocking closures, whose waiters a `RemoteNotify` wakes |
//! | [`process`] | child processes: non-blocking pipes and a pidfd in the poller (Linux) |
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
pub mod net;
mod notify;
pub mod pool;
#[cfg(target_os = "linux")]
pub mod process;
mod scheduler;
mod selector;
pub mod sys;
mod syscall;
mod table;
mod task;
mod timer;

pub use cancel::{Cancellable, Cancelled};
pub use notify::{Notify, RemoteNotify};
pub use scheduler::{Exit, Scheduler};
pub use syscall::{Reply, SysCall};
pub use task::{JoinHandle, TaskEnded, TaskId};

use sys::Coroutine;

/// Runs `coroutine` as the first task of a new scheduler until every task has ended, and
/// returns its return value, or how it ended.
///
/// # Errors
/// [`TaskEnded::Killed`] or [`TaskEnded::Panicked`] if it ended so; [`TaskEnded::Stuck`] if
/// the scheduler stopped before it ended (every task left waited for another).
///
/// # Panics
/// If the OS poller keeps failing (the error of [`Scheduler::run`]); a program that would
/// rather handle that runs a [`Scheduler`] itself.
pub fn run<G: Coroutine>(coroutine: G) -> Result<G::Return, TaskEnded> {
    let mut scheduler = Scheduler::new();
    let handle = scheduler.spawn(coroutine);
    if let Err(error) = scheduler.run() {
        panic!("the OS poller failed: {error}");
    }
    handle.slot.take().unwrap_or(Err(TaskEnded::Stuck))
}
