//! Synchronisation between the tasks of one scheduler: asyncio's [`Lock`], [`Semaphore`],
//! [`Event`], [`Condition`], [`Barrier`] and [`Queue`].
//!
//! Each waiting operation is a system-call generator to delegate to with `yield_from!`, as the
//! calls of [`sys`](super::sys) are: `let guard = yield_from!(lock.lock());`,
//! `yield_from!(queue.put(x));`, `let x = yield_from!(queue.get());`. Everything else is a plain
//! method: releasing a lock (dropping its guard), giving a permit back, setting an event,
//! notifying a condition, putting or getting without waiting. A task that wakes others that
//! way keeps running; the woken tasks go to the back of the ready queue, in the order they
//! began to wait.
//!
//! The primitives are handles (`Clone` makes another handle to the same one) for the tasks of
//! one thread: they hold an `Rc`, so they are not `Send`.
//!
//! ```
//! use corogen::exec::{self, Reply, SysCall, sync::Queue, sys};
//! use corogen::prelude::*;
//!
//! #[generator(yield = SysCall, send = Reply)]
//! fn worker(jobs: Queue<u32>, results: Queue<u32>) {
//!     loop {
//!         let n = yield_from!(jobs.get());
//!         yield_from!(results.put(n * n));
//!         jobs.task_done().expect("one done per item taken");
//!     }
//! }
//!
//! #[generator(yield = SysCall, send = Reply)]
//! fn main_task() -> u32 {
//!     let (jobs, results) = (Queue::new(), Queue::new());
//!     let mut workers = Vec::new();
//!     for _ in 0..3 {
//!         workers.push(yield_from!(sys::spawn(worker(jobs.clone(), results.clone()))));
//!     }
//!     for n in 1..=10 {
//!         jobs.put_nowait(n).unwrap(); // unbounded: never full
//!     }
//!     yield_from!(jobs.join()); // every job done
//!     for w in workers {
//!         yield_from!(sys::kill(w.id())).unwrap(); // the idle workers leave the getters
//!     }
//!     let mut sum = 0;
//!     while let Ok(square) = results.get_nowait() {
//!         sum += square;
//!     }
//!     sum
//! }
//!
//! assert_eq!(exec::run(main_task()), Ok(385));
//! ```
//!
//! # Cancellation
//!
//! A task killed while it waits (or into which a cancellation is thrown, see
//! [`sys`](super::sys)) leaves the primitive's wait list as its coroutines are closed, so no
//! later operation waits on it or wakes it. If it had been woken already and not yet run, what
//! the wake-up gave it goes on, as in asyncio: the lock's or the semaphore's turn, the queue's
//! item or room, to the next waiter. An item that a cancelled `put` held is dropped with it.
//!
//! # Modules
//!
//! | module | role |
//! |---|---|
//! | `waiters` | the FIFO wait list every primitive keeps: who waits, who is woken with what |
//! | `park` | the one wait: park on a wait list until woken, leave it if cancelled |
//! | `lock`, `semaphore`, `event`, `condition`, `barrier`, `queue` | the primitives |

mod barrier;
mod condition;
mod event;
mod lock;
mod park;
mod queue;
mod semaphore;
mod waiters;

pub use barrier::{Barrier, BrokenBarrier};
pub use condition::Condition;
pub use event::Event;
pub use lock::{Lock, LockGuard};
pub use queue::{Queue, QueueEmpty, QueueFull, TaskDoneTooOften};
pub use semaphore::{Permit, ReleasedTooOften, Semaphore};

use core::future::Future;

use super::{Reply, SysCall};
use crate::Gen;

/// The handle a waiting operation's body yields through, for a task of throw type `E`.
type Co<E> = crate::__private::Co<SysCall, Reply, E>;

/// Makes a waiting operation's generator, delegated to from a task whose throw type is `E`.
fn coroutine<E, B: Future>(body: impl FnOnce(Co<E>) -> B) -> Gen<B, SysCall, Reply, E> {
    // SAFETY: the bodies of this module await their handle's points directly and never let the
    // handle go.
    unsafe { crate::__private::new(body) }
}
