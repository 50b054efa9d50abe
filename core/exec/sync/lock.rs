//! [`Lock`]: mutual exclusion between tasks, asyncio's `Lock`.

use core::cell::RefCell;
use core::fmt;
use core::future::Future;
use std::rc::Rc;

use super::park::{Waiters, park};
use crate::Gen;
use crate::exec::{Reply, SysCall};

/// A lock for tasks of one scheduler (asyncio's `Lock`): [`lock`](Self::lock) waits until no
/// other task holds it and evaluates to a [`LockGuard`]; dropping the guard releases the lock,
/// a plain drop with no system call.
///
/// Fair as asyncio's: the tasks waiting get the lock in the order they asked for it, and a task
/// that asks while others wait queues behind them, even at the moment the lock is free. A
/// release wakes the first waiter; if that waiter is cancelled before it runs, the next one is
/// woken in its place.
///
/// `Clone` makes another handle to the same lock.
///
/// ```
/// use corogen::exec::{self, Reply, SysCall, sync::Lock, sys};
/// use corogen::prelude::*;
/// use std::{cell::RefCell, rc::Rc};
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn increment(lock: Lock, counter: Rc<RefCell<u32>>) {
///     let _guard = yield_from!(lock.lock());
///     let value = *counter.borrow();
///     yield_from!(sys::pause()); // the others run, and wait for the lock
///     *counter.borrow_mut() = value + 1;
/// } // the guard is dropped: the lock is released
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn main_task() -> u32 {
///     let (lock, counter) = (Lock::new(), Rc::new(RefCell::new(0)));
///     let mut tasks = Vec::new();
///     for _ in 0..3 {
///         tasks.push(yield_from!(sys::spawn(increment(lock.clone(), counter.clone()))));
///     }
///     for task in tasks {
///         yield_from!(sys::wait(task)).unwrap();
///     }
///     *counter.borrow()
/// }
///
/// assert_eq!(exec::run(main_task()), Ok(3)); // no update lost
/// ```
#[derive(Clone, Default)]
pub struct Lock {
    state: Rc<RefCell<State>>,
}

#[derive(Default)]
struct State {
    locked: bool,
    waiters: Waiters,
}

impl State {
    fn waiters(&mut self) -> &mut Waiters {
        &mut self.waiters
    }

    /// A woken waiter was cancelled before it took the lock: the next one's turn.
    fn cancelled(&mut self, woken: Option<()>) {
        if woken.is_some() && !self.locked {
            self.waiters.wake_next(());
        }
    }
}

impl Lock {
    /// A lock no task holds.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether a task holds the lock.
    pub fn locked(&self) -> bool {
        self.state.borrow().locked
    }

    /// Takes the lock now if no task holds it and none waits for it (the case in which
    /// [`lock`](Self::lock) does not wait).
    pub fn try_lock(&self) -> Option<LockGuard<'_>> {
        let mut state = self.state.borrow_mut();
        if state.locked || !state.waiters.is_empty() {
            return None;
        }
        state.locked = true;
        Some(LockGuard { lock: self })
    }

    /// Waits until the lock is the calling task's, and evaluates to the guard that holds it
    /// (asyncio's `async with lock:`, or `await lock.acquire()`).
    ///
    /// Cancelled while it waits (the task killed, or a cancellation thrown in), the task leaves
    /// the queue; had it been woken already, the next waiter is woken instead.
    pub fn lock<E: 'static>(
        &self,
    ) -> Gen<impl Future<Output = LockGuard<'_>> + '_, SysCall, Reply, E> {
        super::coroutine(move |co| async move {
            if let Some(guard) = self.try_lock() {
                return guard;
            }
            park!(co, &*self.state, State::waiters, State::cancelled);
            let mut state = self.state.borrow_mut();
            debug_assert!(!state.locked, "a woken waiter finds the lock free");
            state.locked = true;
            LockGuard { lock: self }
        })
    }

    /// How many tasks wait for the lock (those woken and not yet running included).
    pub fn waiters(&self) -> usize {
        self.state.borrow().waiters.len()
    }

    pub(super) fn same(&self, other: &Lock) -> bool {
        Rc::ptr_eq(&self.state, &other.state)
    }
}

impl fmt::Debug for Lock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.borrow();
        f.debug_struct("Lock")
            .field("locked", &state.locked)
            .field("waiters", &state.waiters.len())
            .finish()
    }
}

/// The proof that a task holds a [`Lock`]; dropping it releases the lock and wakes the task
/// that has waited longest (a plain drop: the task that drops it keeps running).
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct LockGuard<'a> {
    lock: &'a Lock,
}

impl<'a> LockGuard<'a> {
    /// The lock this guard holds.
    pub fn lock(&self) -> &'a Lock {
        self.lock
    }
}

impl Drop for LockGuard<'_> {
    fn drop(&mut self) {
        let mut state = self.lock.state.borrow_mut();
        state.locked = false;
        state.waiters.wake_next(());
    }
}

impl fmt::Debug for LockGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LockGuard(..)")
    }
}
