//! [`Semaphore`]: a counter of permits, asyncio's `Semaphore` and `BoundedSemaphore`.

use core::cell::RefCell;
use core::fmt;
use core::future::Future;
use std::rc::Rc;

use super::park::{Waiters, park};
use crate::Gen;
use crate::exec::{Reply, SysCall};

/// A semaphore for tasks of one scheduler (asyncio's `Semaphore`, or `BoundedSemaphore` when
/// made by [`bounded`](Self::bounded)): [`acquire`](Self::acquire) waits until a permit is free
/// and takes it; dropping the [`Permit`] gives it back, a plain drop with no system call.
///
/// A permit given back while tasks wait goes straight to the one that has waited longest (as
/// in asyncio 3.11): a task that asks meanwhile queues behind. If that task is cancelled
/// before it runs, the permit passes to the next waiter.
///
/// `Clone` makes another handle to the same semaphore.
///
/// ```
/// use corogen::exec::{self, Reply, SysCall, sync::Semaphore, sys};
/// use corogen::prelude::*;
/// use std::{cell::Cell, rc::Rc};
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn download(sem: Semaphore, running: Rc<Cell<u32>>, most: Rc<Cell<u32>>) {
///     let _permit = yield_from!(sem.acquire());
///     running.set(running.get() + 1);
///     most.set(most.get().max(running.get()));
///     for _ in 0..3 {
///         yield_from!(sys::pause()); // the others start meanwhile, or wait
///     }
///     running.set(running.get() - 1);
/// }
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn main_task() -> u32 {
///     let sem = Semaphore::new(2);
///     let (running, most) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
///     let mut tasks = Vec::new();
///     for _ in 0..5 {
///         let task = download(sem.clone(), running.clone(), most.clone());
///         tasks.push(yield_from!(sys::spawn(task)));
///     }
///     for task in tasks {
///         yield_from!(sys::wait(task)).unwrap();
///     }
///     most.get()
/// }
///
/// assert_eq!(exec::run(main_task()), Ok(2));
/// ```
#[derive(Clone)]
pub struct Semaphore {
    state: Rc<RefCell<State>>,
}

struct State {
    value: usize,
    bound: Option<usize>,
    waiters: Waiters,
}

impl State {
    fn waiters(&mut self) -> &mut Waiters {
        &mut self.waiters
    }

    fn locked(&self) -> bool {
        self.value == 0 || !self.waiters.is_empty()
    }

    /// Hands a free permit to the first waiter, if one waits (asyncio's `_wake_up_next`).
    fn wake_up_next(&mut self) {
        if self.value > 0 && self.waiters.waiting() > 0 {
            self.value -= 1;
            self.waiters.wake_next(());
        }
    }

    /// A woken waiter was cancelled before it took its permit: the permit goes on.
    fn cancelled(&mut self, woken: Option<()>) {
        if woken.is_some() {
            self.value += 1;
            self.wake_up_next();
        }
    }

    fn release(&mut self) -> Result<(), ReleasedTooOften> {
        if self.bound.is_some_and(|bound| self.value >= bound) {
            return Err(ReleasedTooOften);
        }
        self.value += 1;
        self.wake_up_next();
        Ok(())
    }
}

impl Semaphore {
    /// A semaphore with `permits` free permits; [`release`](Self::release) may add more.
    pub fn new(permits: usize) -> Self {
        Self::with(permits, None)
    }

    /// A semaphore with `permits` free permits that can never have more (asyncio's
    /// `BoundedSemaphore`): [`release`](Self::release) past that is an error.
    pub fn bounded(permits: usize) -> Self {
        Self::with(permits, Some(permits))
    }

    fn with(value: usize, bound: Option<usize>) -> Self {
        let waiters = Waiters::default();
        let state = State {
            value,
            bound,
            waiters,
        };
        Self {
            state: Rc::new(RefCell::new(state)),
        }
    }

    /// How many permits are free.
    pub fn available(&self) -> usize {
        self.state.borrow().value
    }

    /// Whether [`acquire`](Self::acquire) would wait: no permit is free, or tasks wait already.
    pub fn locked(&self) -> bool {
        self.state.borrow().locked()
    }

    /// Takes a permit now, if [`acquire`](Self::acquire) would not wait.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut state = self.state.borrow_mut();
        if state.locked() {
            return None;
        }
        state.value -= 1;
        Some(Permit { semaphore: self })
    }

    /// Waits until a permit is the calling task's, and evaluates to it (asyncio's `async with
    /// sem:`, or `await sem.acquire()`).
    ///
    /// Cancelled while it waits, the task leaves the queue; a permit it had been handed goes
    /// to the next waiter.
    pub fn acquire<E: 'static>(
        &self,
    ) -> Gen<impl Future<Output = Permit<'_>> + '_, SysCall, Reply, E> {
        super::coroutine(move |co| async move {
            if let Some(permit) = self.try_acquire() {
                return permit;
            }
            park!(co, &*self.state, State::waiters, State::cancelled);
            // More permits may have been given back since: wake the next waiter for them.
            self.state.borrow_mut().wake_up_next();
            Permit { semaphore: self }
        })
    }

    /// Gives a permit back that no [`Permit`] holds (asyncio's `release()`): one taken with
    /// [`Permit::forget`], or a new one.
    ///
    /// # Errors
    /// [`ReleasedTooOften`] if the semaphore is [`bounded`](Self::bounded) and every permit
    /// is free already; nothing changes.
    pub fn release(&self) -> Result<(), ReleasedTooOften> {
        self.state.borrow_mut().release()
    }

    /// How many tasks wait for a permit (those handed one and not yet running included).
    pub fn waiters(&self) -> usize {
        self.state.borrow().waiters.len()
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.borrow();
        f.debug_struct("Semaphore")
            .field("available", &state.value)
            .field("bound", &state.bound)
            .field("waiters", &state.waiters.len())
            .finish()
    }
}

/// A permit of a [`Semaphore`]; dropping it gives it back, and hands it to the task that has
/// waited longest, if one waits.
#[must_use = "the permit is given back as soon as it is dropped"]
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Permit<'_> {
    /// Keeps the permit taken without a guard: [`Semaphore::release`] gives it back.
    pub fn forget(self) {
        core::mem::forget(self);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let released = self.semaphore.state.borrow_mut().release();
        debug_assert!(released.is_ok(), "a permit held is never one too many");
    }
}

impl fmt::Debug for Permit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Permit(..)")
    }
}

/// [`Semaphore::release`] on a bounded semaphore whose permits are all free (asyncio's
/// `ValueError: BoundedSemaphore released too many times`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReleasedTooOften;

impl fmt::Display for ReleasedTooOften {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the bounded semaphore was released too many times")
    }
}

impl std::error::Error for ReleasedTooOften {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permits_are_counted_without_a_scheduler() {
        let sem = Semaphore::new(2);
        let a = sem.try_acquire().expect("two free");
        let b = sem.try_acquire().expect("one free");
        assert!(sem.locked() && sem.try_acquire().is_none());
        drop(a);
        assert_eq!(sem.available(), 1);
        drop(b);
        assert_eq!(sem.available(), 2);
        assert_eq!(sem.release(), Ok(()), "an unbounded semaphore grows");
        assert_eq!(sem.available(), 3);
    }

    #[test]
    fn a_bounded_semaphore_stays_within_its_bound() {
        let sem = Semaphore::bounded(1);
        assert_eq!(sem.release(), Err(ReleasedTooOften));
        sem.try_acquire().expect("one free").forget();
        assert_eq!(sem.available(), 0);
        assert_eq!(sem.release(), Ok(()));
        assert_eq!(sem.release(), Err(ReleasedTooOften));
        assert_eq!(sem.available(), 1);
    }
}
