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
//! Every waiting operation is generic over the throw type `E` of the task that delegates to
//! it (inferred at the `yield_from!`), so a task declared with `throw = Cancelled` sees a
//! [`sys::cancel`](super::sys::cancel) (or an expired [`timeout`](super::timeout())) at the wait
//! it is in: `yield_from!` passes the `Cancelled` on, `try_yield_from!` gives it to the body,
//! which may clean up with system calls. A task of the default throw type is closed there, as
//! [`sys::kill`](super::sys::kill) closes any task.
//!
//! Either way the waiting task leaves the primitive's wait list as the wait ends, so no later
//! operation waits on it or wakes it, and every local it held is dropped once. If it had been
//! woken already and had not run yet, what the wake-up gave it goes on, as in asyncio: the
//! lock's or the semaphore's turn, the queue's item or room, to the next waiter (a condition's
//! notification does not, as in asyncio 3.11). An item that a cancelled `put` held is dropped
//! with it.
//!
//! ```
//! use corogen::exec::{self, Cancelled, Reply, SysCall, TaskEnded, sync::Lock, sys};
//! use corogen::prelude::*;
//!
//! #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
//! fn impatient(lock: Lock) -> &'static str {
//!     match try_yield_from!(lock.lock()) {
//!         Ok(_guard) => "locked",
//!         Err(_cancelled) => {
//!             yield_from!(sys::pause()); // cleanup may wait
//!             "gave up" // and the cancellation is refused: the task returns
//!         }
//!     }
//! }
//!
//! #[generator(yield = SysCall, send = Reply)]
//! fn main_task() -> Result<&'static str, TaskEnded> {
//!     let lock = Lock::new();
//!     let guard = yield_from!(lock.lock());
//!     let task = yield_from!(sys::spawn(impatient(lock.clone())));
//!     yield_from!(sys::cancel(task.id()))?;
//!     let outcome = yield_from!(sys::wait(task));
//!     drop(guard);
//!     assert_eq!(lock.waiters(), 0);
//!     outcome
//! }
//!
//! assert_eq!(exec::run(main_task()), Ok(Ok("gave up")));
//! ```
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
