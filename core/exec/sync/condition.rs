//! [`Condition`]: waiting for a change of shared data under a [`Lock`], asyncio's `Condition`.

use core::cell::RefCell;
use core::fmt;
use core::future::Future;
use std::rc::Rc;

use super::lock::{Lock, LockGuard};
use super::park::{Waiters, park};
use crate::Gen;
use crate::exec::{Reply, SysCall};

/// A condition variable for tasks of one scheduler (asyncio's `Condition`): a task that holds
/// the condition's [`Lock`] waits with [`wait`](Self::wait), which releases the lock while it
/// waits and takes it again before it returns; another task, holding the lock, wakes waiters
/// with [`notify`](Self::notify) or [`notify_all`](Self::notify_all).
///
/// [`wait_for`](Self::wait_for) waits until a predicate over the shared data holds, checking
/// it after each wake-up. Waiters are woken in the order they began to wait; `notify` with no
/// task waiting does nothing (the notification is not kept). A woken waiter that is cancelled
/// passes nothing on, as in asyncio 3.11.
///
/// In Rust the guard carries the lock: `wait` takes the caller's [`LockGuard`] and gives back a
/// new one. Cancelled while it waits (the task killed, or a cancellation thrown in), the task
/// leaves without the lock: its guard is gone, so nothing holds the lock for it, where asyncio
/// takes the lock again before the `CancelledError` goes on.
///
/// `Clone` makes another handle to the same condition.
///
/// ```
/// use corogen::exec::{self, Reply, SysCall, sync::Condition, sys};
/// use corogen::prelude::*;
/// use std::{cell::RefCell, rc::Rc};
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn consumer(cond: Condition, items: Rc<RefCell<Vec<u32>>>) -> Vec<u32> {
///     let guard = yield_from!(cond.lock());
///     let _guard = yield_from!(cond.wait_for(guard, || items.borrow().len() >= 2));
///     items.borrow().clone()
/// }
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn main_task() -> Vec<u32> {
///     let (cond, items) = (Condition::new(), Rc::new(RefCell::new(Vec::new())));
///     let c = yield_from!(sys::spawn(consumer(cond.clone(), items.clone())));
///     for x in 1..=3 {
///         yield_from!(sys::pause());
///         let _guard = yield_from!(cond.lock());
///         items.borrow_mut().push(x);
///         cond.notify_all();
///     }
///     yield_from!(sys::wait(c)).unwrap()
/// }
///
/// assert_eq!(exec::run(main_task()).unwrap(), [1, 2]);
/// ```
#[derive(Clone)]
pub struct Condition {
    lock: Lock,
    state: Rc<RefCell<State>>,
}

#[derive(Default)]
struct State {
    waiters: Waiters,
}

impl State {
    fn waiters(&mut self) -> &mut Waiters {
        &mut self.waiters
    }

    fn cancelled(&mut self, _: Option<()>) {}
}

impl Default for Condition {
    fn default() -> Self {
        Self::new()
    }
}

impl Condition {
    /// A condition with a lock of its own.
    pub fn new() -> Self {
        Self::with_lock(Lock::new())
    }

    /// A condition over `lock`, which other code may take too.
    pub fn with_lock(lock: Lock) -> Self {
        let state = Rc::default();
        Self { lock, state }
    }

    /// Waits for the condition's lock (asyncio's `async with cond:`); see [`Lock::lock`].
    pub fn lock<E: 'static>(
        &self,
    ) -> Gen<impl Future<Output = LockGuard<'_>> + '_, SysCall, Reply, E> {
        self.lock.lock()
    }

    /// Whether a task holds the condition's lock.
    pub fn locked(&self) -> bool {
        self.lock.locked()
    }

    /// Releases the lock that `guard` holds, waits until notified, then waits for the lock
    /// again and evaluates to its new guard.
    ///
    /// # Panics
    /// If `guard` holds another lock than the condition's (a programmer error, as asyncio's
    /// `RuntimeError` for a wait without the lock).
    pub fn wait<'a, E: 'static>(
        &'a self,
        guard: LockGuard<'a>,
    ) -> Gen<impl Future<Output = LockGuard<'a>> + 'a, SysCall, Reply, E> {
        assert!(
            guard.lock().same(&self.lock),
            "Condition::wait: the guard is not of the condition's lock"
        );
        super::coroutine(move |co| async move {
            drop(guard); // released: the lock's next waiter is woken
            park!(co, &*self.state, State::waiters, State::cancelled);
            co.delegate::<_, false>(self.lock.lock()).await
        })
    }

    /// Waits until `predicate` holds: checks it, and [`wait`](Self::wait)s while it does not
    /// (asyncio's `wait_for`). Evaluates to the guard of the lock, held when the predicate
    /// held.
    ///
    /// # Panics
    /// As [`wait`](Self::wait).
    pub fn wait_for<'a, E: 'static>(
        &'a self,
        guard: LockGuard<'a>,
        mut predicate: impl FnMut() -> bool + 'a,
    ) -> Gen<impl Future<Output = LockGuard<'a>> + 'a, SysCall, Reply, E> {
        super::coroutine(move |co| async move {
            let mut guard = guard;
            while !predicate() {
                guard = co.delegate::<_, false>(self.wait(guard)).await;
            }
            guard
        })
    }

    /// Wakes up to `n` of the tasks waiting, those that have waited longest; with none waiting,
    /// does nothing. The woken tasks run once they have the lock again, after the caller
    /// releases it.
    ///
    /// # Panics
    /// If no task holds the condition's lock (a programmer error, as asyncio's
    /// `RuntimeError`).
    pub fn notify(&self, n: usize) {
        assert!(self.locked(), "Condition::notify: the lock is not held");
        let mut state = self.state.borrow_mut();
        for _ in 0..n {
            if !state.waiters.wake_next(()) {
                break;
            }
        }
    }

    /// Wakes every task waiting.
    ///
    /// # Panics
    /// As [`notify`](Self::notify).
    pub fn notify_all(&self) {
        assert!(self.locked(), "Condition::notify_all: the lock is not held");
        self.state.borrow_mut().waiters.wake_all(|| ());
    }

    /// How many tasks wait to be notified.
    pub fn waiters(&self) -> usize {
        self.state.borrow().waiters.waiting()
    }
}

impl fmt::Debug for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condition")
            .field("lock", &self.lock)
            .field("waiters", &self.waiters())
            .finish()
    }
}
