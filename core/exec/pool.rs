//! Blocking work for tasks (asyncio's `to_thread` and `run_in_executor`): a small pool of
//! threads runs blocking closures, and the task that waits for one is woken when its result is
//! ready through a [`RemoteNotify`], which wakes the scheduler's poller:
//! the other tasks run meanwhile, and no one polls.
//!
//! ```
//! use corogen::exec::{self, Reply, SysCall, pool, sys};
//! use corogen::prelude::*;
//! use std::time::Duration;
//!
//! #[generator(yield = SysCall, send = Reply)]
//! fn main_task() -> Result<u64, pool::Panicked> {
//!     // Blocks a pool thread for a while, not the scheduler's.
//!     let sum = yield_from!(sys::to_thread(|| {
//!         std::thread::sleep(Duration::from_millis(5));
//!         (1..=10).sum::<u64>()
//!     }))?;
//!     let pool = pool::ThreadPool::new(2);
//!     let square = yield_from!(pool.run(move || sum * sum))?;
//!     Ok(square)
//! }
//!
//! assert_eq!(exec::run(main_task()).unwrap(), Ok(3025));
//! ```
//!
//! # The pool
//!
//! A [`ThreadPool`] starts a thread for a job when none is idle, up to its bound; past that,
//! jobs queue and run in order as threads free up. A thread idle for 10 s ends. Dropping the
//! pool lets its threads finish the jobs queued and end. [`sys::to_thread`]
//! uses a pool shared by the process, of `min(32, CPUs + 4)` threads (asyncio's default).
//!
//! # Faults and cancellation
//!
//! A closure that panics is caught on its thread: the waiting task gets [`Panicked`], and the
//! thread serves the next job. A task killed or cancelled while it waits leaves the job to run
//! to its end (a thread cannot be stopped from outside); its result is then dropped on the pool
//! thread, and no wake-up is sent for it.

use core::fmt;
use core::future::Future;
use std::any::Any;
use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError, Weak};
use std::time::Duration;

use super::notify::{Notify, RemoteNotify};
use super::sys;
use super::syscall::{Reply, SysCall, coroutine};
use crate::Gen;

/// How long a pool thread waits for a job before it ends.
const IDLE: Duration = Duration::from_secs(10);

/// The closure of a job ran, but panicked: its message (asyncio re-raises the exception; a
/// Rust task gets it as an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panicked {
    /// The panic's message.
    pub message: String,
}

impl Panicked {
    fn from_payload(payload: Box<dyn Any + Send>) -> Self {
        let message = match payload.downcast::<String>() {
            Ok(s) => *s,
            Err(payload) => match payload.downcast::<&'static str>() {
                Ok(s) => (*s).to_owned(),
                Err(_) => "a panic with a payload that is not a string".to_owned(),
            },
        };
        Self { message }
    }
}

impl fmt::Display for Panicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the blocking closure panicked: {}", self.message)
    }
}

impl std::error::Error for Panicked {}

type Job = Box<dyn FnOnce() + Send>;

/// A bounded pool of threads for blocking closures (asyncio's `ThreadPoolExecutor`). Cloning
/// it gives another handle to the same pool.
#[derive(Clone)]
pub struct ThreadPool(Arc<Handles>);

struct Shared {
    state: Mutex<State>,
    /// Signalled when a job is queued or the pool is dropped.
    work: Condvar,
    max_threads: usize,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Job>,
    threads: usize,
    idle: usize,
    /// The last handle on the pool is gone: threads end once the queue is empty.
    closed: bool,
}

/// What the handles of a pool share: dropped with the last one, it lets the threads end (they
/// hold only `Shared`).
struct Handles(Arc<Shared>);

impl Drop for Handles {
    fn drop(&mut self) {
        self.0.lock().closed = true;
        self.0.work.notify_all();
    }
}

impl ThreadPool {
    /// A pool of at most `max_threads` threads (at least 1), started as jobs come.
    pub fn new(max_threads: usize) -> Self {
        let shared = Arc::new(Shared {
            state: Mutex::default(),
            work: Condvar::new(),
            max_threads: max_threads.max(1),
        });
        Self(Arc::new(Handles(shared)))
    }

    /// The pool that [`sys::to_thread`] uses.
    pub fn shared() -> &'static ThreadPool {
        static POOL: OnceLock<ThreadPool> = OnceLock::new();
        POOL.get_or_init(|| {
            let cpus = std::thread::available_parallelism().map_or(1, usize::from);
            ThreadPool::new((cpus + 4).min(32))
        })
    }

    fn shared_state(&self) -> &Shared {
        &self.0.0
    }

    /// The bound on the pool's threads.
    pub fn max_threads(&self) -> usize {
        self.shared_state().max_threads
    }

    /// How many threads the pool has now.
    pub fn threads(&self) -> usize {
        self.shared_state().lock().threads
    }

    /// How many jobs wait for a thread.
    pub fn queued(&self) -> usize {
        self.shared_state().lock().queue.len()
    }

    /// Runs `f` on a thread of the pool and waits for its result (asyncio's
    /// `loop.run_in_executor(pool, f)`); the task's scheduler runs the other tasks meanwhile.
    ///
    /// # Errors
    /// [`Panicked`] if `f` panicked.
    ///
    /// # Panics
    /// If it is resumed outside a task that a [`Scheduler`](super::Scheduler) runs (it needs
    /// the scheduler to be woken).
    pub fn run<F, T, E>(
        &self,
        f: F,
    ) -> Gen<impl Future<Output = Result<T, Panicked>> + 'static, SysCall, Reply, E>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
        E: 'static,
    {
        let pool = self.clone();
        coroutine(move |co| async move {
            let done = Notify::new();
            let outcome: Arc<Mutex<Option<Result<T, Panicked>>>> = Arc::default();
            pool.submit(job(f, Arc::downgrade(&outcome), done.remote()));
            loop {
                // One wake-up comes, after the outcome is stored; the loop only guards that.
                co.delegate::<_, false>(sys::notified(&done)).await;
                if let Some(outcome) = lock(&outcome).take() {
                    return outcome;
                }
            }
        })
    }

    /// Queues `job`, starting a thread for it if none is idle and the bound allows one.
    fn submit(&self, job: Job) {
        let shared = self.shared_state();
        let mut state = shared.lock();
        state.queue.push_back(job);
        if state.idle > 0 {
            drop(state);
            shared.work.notify_one();
        } else if state.threads < shared.max_threads {
            state.threads += 1;
            drop(state);
            let shared = Arc::clone(&self.0.0);
            let started = std::thread::Builder::new()
                .name("corogen-pool".into())
                .spawn(move || shared.serve());
            if started.is_err() {
                // The job waits for a thread that is running already, if any; with none, the
                // pool is as small as the system lets it be.
                self.shared_state().lock().threads -= 1;
            }
        }
    }
}

/// The job that runs `f`, stores its outcome where the waiting task left it (if it still
/// waits), and wakes the task.
fn job<F, T>(f: F, outcome: Weak<Mutex<Option<Result<T, Panicked>>>>, done: RemoteNotify) -> Job
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    Box::new(move || {
        let result = catch_unwind(AssertUnwindSafe(f)).map_err(Panicked::from_payload);
        // A waiting task that was cancelled dropped its end: the result is dropped here, and
        // no one is woken.
        if let Some(outcome) = outcome.upgrade() {
            *lock(&outcome) = Some(result);
            drop(outcome);
            done.notify_one();
        }
    })
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A job's panic is caught before it could poison anything; a poisoned lock holds a
    // consistent value all the same.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// A pool thread: runs queued jobs until it has been idle too long or the pool is gone.
    fn serve(&self) {
        let mut state = self.lock();
        loop {
            if let Some(job) = state.queue.pop_front() {
                drop(state);
                job();
                state = self.lock();
                continue;
            }
            if state.closed {
                break;
            }
            state.idle += 1;
            let (woken, waited) = self
                .work
                .wait_timeout(state, IDLE)
                .unwrap_or_else(PoisonError::into_inner);
            state = woken;
            state.idle -= 1;
            if waited.timed_out() && state.queue.is_empty() {
                break;
            }
        }
        state.threads -= 1;
    }
}

impl fmt::Debug for ThreadPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared_state().lock();
        f.debug_struct("ThreadPool")
            .field("max_threads", &self.max_threads())
            .field("threads", &state.threads)
            .field("queued", &state.queue.len())
            .finish()
    }
}

/// Runs `f` on a thread of the shared pool and waits for its result (asyncio's
/// `asyncio.to_thread(f)`); the other tasks run meanwhile. See [`ThreadPool::run`].
///
/// # Errors
/// [`Panicked`] if `f` panicked.
pub fn to_thread<F, T, E>(
    f: F,
) -> Gen<impl Future<Output = Result<T, Panicked>> + 'static, SysCall, Reply, E>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
    E: 'static,
{
    ThreadPool::shared().run(f)
}
