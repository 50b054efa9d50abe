//! Waiting for several tasks: [`gather`] (all of them, each outcome kept, as asyncio's
//! `gather(..., return_exceptions=True)`), [`try_gather`] (all of them, or the first failure),
//! [`as_completed`] (one at a time, in the order they end), and [`TaskGroup`] (asyncio's: a
//! member that fails cancels its siblings, and the group reports the first failure).
//!
//! The scheduler tells a group when one of its tasks ends (a watcher on the task, like its
//! joiners); the group wakes its owner through a [`Notify`]. No task is polled.

use core::future::Future;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;

use super::current;
use super::notify::Notify;
use super::scheduler::Exit;
use super::sys::{self, Coroutine};
use super::syscall::{Reply, Request, SysCall, coroutine};
use super::task::{JoinHandle, TaskEnded, TaskId};
use crate::Gen;

/// Told by the scheduler when a watched task ends.
pub(crate) trait Watcher {
    /// Member `index` ended so; whether the members still running are to be cancelled.
    fn ended(&self, index: usize, how: &Exit) -> bool;
    /// The members still running.
    fn running(&self) -> Vec<TaskId>;
}

/// Who ended, in order, and a [`Notify`] to wake the owner.
#[derive(Default)]
struct Ends {
    order: RefCell<VecDeque<usize>>,
    ended: Notify,
    running: RefCell<Vec<Option<TaskId>>>,
}

impl Ends {
    fn push(&self, index: usize) {
        if let Some(id) = self.running.borrow_mut().get_mut(index) {
            *id = None;
        }
        self.order.borrow_mut().push_back(index);
        self.ended.notify_one();
    }

    fn running(&self) -> Vec<TaskId> {
        self.running.borrow().iter().flatten().copied().collect()
    }
}

impl Watcher for Ends {
    fn ended(&self, index: usize, _: &Exit) -> bool {
        self.push(index);
        false
    }

    fn running(&self) -> Vec<TaskId> {
        Ends::running(self)
    }
}

/// Asks the scheduler to tell `watcher` when each of `members` ends.
fn watch<E>(
    members: Vec<(TaskId, usize)>,
    watcher: Rc<dyn Watcher>,
) -> Gen<impl Future<Output = ()>, SysCall, Reply, E> {
    coroutine(move |co| async move {
        co.yield_(SysCall(Request::Watch(members, watcher))).await;
    })
}

/// Waits for every task of `handles` and evaluates to their outcomes in the same order
/// (asyncio's `gather(..., return_exceptions=True)`: a task that fails does not stop the
/// others, and its outcome is kept in its place).
///
/// ```
/// use corogen::exec::{self, Reply, SysCall, sys};
/// use corogen::prelude::*;
/// use std::time::Duration;
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn late(units: u64) -> u64 {
///     yield_from!(sys::sleep(Duration::from_millis(units)));
///     units
/// }
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn main_task() -> Vec<u64> {
///     let mut handles = Vec::new();
///     for units in [3, 1, 2] {
///         handles.push(yield_from!(sys::spawn(late(units))));
///     }
///     let outcomes = yield_from!(exec::gather(handles));
///     outcomes.into_iter().map(Result::unwrap).collect()
/// }
///
/// assert_eq!(exec::run(main_task()), Ok(vec![3, 1, 2]));
/// ```
pub fn gather<R, E>(
    handles: impl IntoIterator<Item = JoinHandle<R>>,
) -> Gen<impl Future<Output = Vec<Result<R, TaskEnded>>>, SysCall, Reply, E> {
    let handles: Vec<_> = handles.into_iter().collect();
    coroutine(move |co| async move {
        let mut outcomes = Vec::with_capacity(handles.len());
        for handle in handles {
            outcomes.push(co.delegate::<_, false>(sys::wait(handle)).await);
        }
        outcomes
    })
}

/// How a task of a group failed: it returned this error, or it did not return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failed<X> {
    /// It returned `Err` with this error.
    Error(X),
    /// It panicked or was killed (or, for [`try_gather`], cancelled).
    Ended(TaskEnded),
}

impl<X: fmt::Display> fmt::Display for Failed<X> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Error(error) => write!(f, "a task failed: {error}"),
            Self::Ended(how) => how.fmt(f),
        }
    }
}

impl<X: fmt::Debug + fmt::Display> std::error::Error for Failed<X> {}

/// Waits for every task of `handles`, whose coroutines return `Result<T, X>`, and evaluates to
/// their values in the same order, or to the first failure as soon as it happens (asyncio's
/// plain `gather`: the other tasks go on running).
///
/// ```
/// use corogen::exec::{self, Failed, Reply, SysCall, sys};
/// use corogen::prelude::*;
/// use std::time::Duration;
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn check(units: u64) -> Result<u64, String> {
///     yield_from!(sys::sleep(Duration::from_millis(units)));
///     if units == 2 { Err(format!("{units} is even")) } else { Ok(units) }
/// }
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn main_task(all: Vec<u64>) -> Result<Vec<u64>, Failed<String>> {
///     let mut handles = Vec::new();
///     for units in all {
///         handles.push(yield_from!(sys::spawn(check(units))));
///     }
///     yield_from!(exec::try_gather(handles))
/// }
///
/// assert_eq!(exec::run(main_task(vec![3, 1])), Ok(Ok(vec![3, 1])));
/// assert_eq!(exec::run(main_task(vec![3, 2, 1])), Ok(Err(Failed::Error("2 is even".into()))));
/// ```
pub fn try_gather<T, X, E: 'static>(
    handles: impl IntoIterator<Item = JoinHandle<Result<T, X>>>,
) -> Gen<impl Future<Output = Result<Vec<T>, Failed<X>>>, SysCall, Reply, E> {
    let mut completed = as_completed(handles);
    coroutine(move |co| async move {
        let mut values: Vec<Option<T>> = (0..completed.handles.len()).map(|_| None).collect();
        while let Some((index, outcome)) = co.delegate::<_, false>(completed.next_completed()).await
        {
            match outcome {
                Ok(Ok(value)) => values[index] = Some(value),
                Ok(Err(error)) => return Err(Failed::Error(error)),
                Err(how) => return Err(Failed::Ended(how)),
            }
        }
        Ok(values.into_iter().flatten().collect())
    })
}

/// The tasks of `handles`, to be waited for one at a time in the order they end (asyncio's
/// `as_completed`); see [`AsCompleted::next_completed`].
pub fn as_completed<R>(handles: impl IntoIterator<Item = JoinHandle<R>>) -> AsCompleted<R> {
    let handles: Vec<_> = handles.into_iter().map(Some).collect();
    AsCompleted {
        ends: Rc::default(),
        left: handles.len(),
        handles,
        watched: false,
    }
}

/// A task that has ended: its place among the handles given to [`as_completed`], and its
/// outcome.
pub type Completed<R> = (usize, Result<R, TaskEnded>);

/// Tasks waited for in the order they end: made by [`as_completed`].
pub struct AsCompleted<R> {
    handles: Vec<Option<JoinHandle<R>>>,
    ends: Rc<Ends>,
    left: usize,
    watched: bool,
}

impl<R> AsCompleted<R> {
    /// Waits for the next task to end and evaluates to its place in the handles given and its
    /// outcome; `None` once every task has been given.
    ///
    /// ```
    /// use corogen::exec::{self, Reply, SysCall, sys};
    /// use corogen::prelude::*;
    /// use std::time::Duration;
    ///
    /// #[generator(yield = SysCall, send = Reply)]
    /// fn late(units: u64) -> u64 {
    ///     yield_from!(sys::sleep(Duration::from_millis(2 * units)));
    ///     units
    /// }
    ///
    /// #[generator(yield = SysCall, send = Reply)]
    /// fn main_task() -> Vec<(usize, u64)> {
    ///     let mut handles = Vec::new();
    ///     for units in [3, 1, 2] {
    ///         handles.push(yield_from!(sys::spawn(late(units))));
    ///     }
    ///     let mut done = exec::as_completed(handles);
    ///     let mut order = Vec::new();
    ///     while let Some((index, outcome)) = yield_from!(done.next_completed()) {
    ///         order.push((index, outcome.unwrap()));
    ///     }
    ///     order
    /// }
    ///
    /// assert_eq!(exec::run(main_task()), Ok(vec![(1, 1), (2, 2), (0, 3)]));
    /// ```
    pub fn next_completed<E>(
        &mut self,
    ) -> Gen<impl Future<Output = Option<Completed<R>>> + '_, SysCall, Reply, E>
    where
        E: 'static,
    {
        coroutine(move |co| async move {
            if !self.watched {
                self.watched = true;
                let ids = self.handles.iter().map(|h| h.as_ref().map(JoinHandle::id));
                *self.ends.running.borrow_mut() = ids.collect();
                let members = self.running();
                let watcher: Rc<dyn Watcher> = self.ends.clone();
                co.delegate::<_, false>(watch(members, watcher)).await;
            }
            loop {
                if self.left == 0 {
                    return None;
                }
                let next = self.ends.order.borrow_mut().pop_front();
                if let Some(index) = next
                    && let Some(handle) = self.handles[index].take()
                {
                    self.left -= 1;
                    let outcome = handle.take_outcome().unwrap_or(Err(TaskEnded::Unknown));
                    return Some((index, outcome));
                }
                if next.is_none() {
                    co.delegate::<_, false>(sys::notified(&self.ends.ended))
                        .await;
                }
            }
        })
    }

    /// How many tasks have not been given yet.
    pub fn len(&self) -> usize {
        self.left
    }

    /// Whether every task has been given.
    pub fn is_empty(&self) -> bool {
        self.left == 0
    }

    /// The tasks to watch; those that have ended already are put in the order at once.
    fn running(&self) -> Vec<(TaskId, usize)> {
        let mut members = Vec::new();
        for (index, handle) in self.handles.iter().enumerate() {
            match handle {
                Some(h) if h.is_finished() => self.ends.push(index),
                Some(h) => members.push((h.id(), index)),
                None => {}
            }
        }
        members
    }
}

/// A value's failure, looked at in its task's handle once the task has returned.
type Peek<X> = Box<dyn Fn() -> Option<X>>;

/// A group of tasks (asyncio's `TaskGroup`): when one fails (panics, is killed, or, if
/// started with [`spawn_fallible`](Self::spawn_fallible), returns `Err`), the others are
/// cancelled ([`sys::cancel`]), and [`join`](Self::join) reports that first failure once
/// every task has ended. Dropping the group (with the task that owns it, say) cancels the
/// tasks still running. A task that is cancelled has not failed.
///
/// Unlike asyncio's, a failure does not cancel the owner: it learns of it at `join`.
///
/// ```
/// use corogen::exec::{self, Cancelled, Failed, Reply, SysCall, TaskGroup, sys};
/// use corogen::prelude::*;
/// use std::{cell::RefCell, rc::Rc, time::Duration};
///
/// #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
/// fn step(units: u64, fails: bool, log: Rc<RefCell<Vec<String>>>) -> Result<u64, String> {
///     if let Err(cancelled) = try_yield_from!(sys::sleep(Duration::from_millis(2 * units))) {
///         log.borrow_mut().push(format!("{units} cancelled"));
///         raise_!(cancelled);
///     }
///     if fails {
///         return Err(format!("{units} failed"));
///     }
///     log.borrow_mut().push(format!("{units} done"));
///     Ok(units)
/// }
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn main_task(log: Rc<RefCell<Vec<String>>>) -> Result<(), Failed<String>> {
///     let mut group = TaskGroup::new();
///     yield_from!(group.spawn_fallible(step(1, false, Rc::clone(&log))));
///     yield_from!(group.spawn_fallible(step(2, true, Rc::clone(&log))));
///     yield_from!(group.spawn_fallible(step(9, false, Rc::clone(&log))));
///     yield_from!(group.join())
/// }
///
/// let log = Rc::default();
/// let outcome = exec::run(main_task(Rc::clone(&log)));
/// assert_eq!(outcome, Ok(Err(Failed::Error("2 failed".into()))));
/// assert_eq!(*log.borrow(), ["1 done", "9 cancelled"]);
/// ```
pub struct TaskGroup<X = core::convert::Infallible> {
    state: Rc<GroupState<X>>,
}

struct GroupState<X> {
    ends: Ends,
    peeks: RefCell<Vec<Option<Peek<X>>>>,
    first: RefCell<Option<Failed<X>>>,
    failed: Cell<bool>,
}

impl<X> Watcher for GroupState<X> {
    fn ended(&self, index: usize, how: &Exit) -> bool {
        self.ends.push(index);
        let failure = match how {
            Ok(()) => {
                let peeks = self.peeks.borrow();
                let peek = peeks.get(index).and_then(Option::as_ref);
                peek.and_then(|peek| peek()).map(Failed::Error)
            }
            Err(TaskEnded::Cancelled) => None,
            Err(how) => Some(Failed::Ended(how.clone())),
        };
        if failure.is_none() || self.failed.replace(true) {
            return false;
        }
        *self.first.borrow_mut() = failure;
        true
    }

    fn running(&self) -> Vec<TaskId> {
        self.ends.running()
    }
}

impl<X: 'static> Default for TaskGroup<X> {
    fn default() -> Self {
        Self::new()
    }
}

impl<X: 'static> TaskGroup<X> {
    /// An empty group.
    pub fn new() -> Self {
        Self {
            state: Rc::new(GroupState {
                ends: Ends::default(),
                peeks: RefCell::default(),
                first: RefCell::default(),
                failed: Cell::new(false),
            }),
        }
    }

    /// Starts a task of the group that runs `coroutine` (asyncio's `tg.create_task`: the
    /// caller goes on in its turn, as with [`sys::create_task`]). It fails if it panics or is
    /// killed. A task started once the group has failed is cancelled at once.
    pub fn spawn<G: Coroutine, E: 'static>(
        &self,
        coroutine: G,
    ) -> Gen<impl Future<Output = JoinHandle<G::Return>> + '_, SysCall, Reply, E> {
        self.start(coroutine, |_| None)
    }

    /// [`spawn`](Self::spawn) for a coroutine that returns a `Result`: it fails also if it
    /// returns `Err` (a copy of the error is what [`join`](Self::join) reports).
    pub fn spawn_fallible<G, T, E: 'static>(
        &self,
        coroutine: G,
    ) -> Gen<impl Future<Output = JoinHandle<Result<T, X>>> + '_, SysCall, Reply, E>
    where
        G: Coroutine<Return = Result<T, X>>,
        X: Clone,
        T: 'static,
    {
        self.start(coroutine, |handle: &JoinHandle<Result<T, X>>| {
            let slot = handle.slot.clone();
            Some(Box::new(move || {
                let outcome = slot.take();
                let error = match &outcome {
                    Some(Ok(Err(error))) => Some(error.clone()),
                    _ => None,
                };
                slot.set(outcome);
                error
            }) as Peek<X>)
        })
    }

    fn start<G: Coroutine, E: 'static>(
        &self,
        coroutine: G,
        peek: impl FnOnce(&JoinHandle<G::Return>) -> Option<Peek<X>> + 'static,
    ) -> Gen<impl Future<Output = JoinHandle<G::Return>> + '_, SysCall, Reply, E> {
        self::coroutine(move |co| async move {
            let handle = co.delegate::<_, false>(sys::create_task(coroutine)).await;
            let state = &self.state;
            let index = {
                let mut running = state.ends.running.borrow_mut();
                running.push(Some(handle.id()));
                state.peeks.borrow_mut().push(peek(&handle));
                running.len() - 1
            };
            if state.failed.get()
                && let Some(shared) = current::current()
            {
                shared.cancel(handle.id());
            }
            let watcher: Rc<dyn Watcher> = self.state.clone();
            co.delegate::<_, false>(watch(vec![(handle.id(), index)], watcher))
                .await;
            handle
        })
    }

    /// Waits until every task of the group has ended (asyncio's end of `async with
    /// TaskGroup()`), and evaluates to the first failure, if one failed.
    ///
    /// # Errors
    /// The first failure: [`Failed::Error`] with the error a task returned, or
    /// [`Failed::Ended`] if it panicked or was killed.
    pub fn join<E>(
        &mut self,
    ) -> Gen<impl Future<Output = Result<(), Failed<X>>> + '_, SysCall, Reply, E>
    where
        E: 'static,
    {
        coroutine(move |co| async move {
            while self.state.ends.running.borrow().iter().any(Option::is_some) {
                co.delegate::<_, false>(sys::notified(&self.state.ends.ended))
                    .await;
            }
            match self.state.first.borrow_mut().take() {
                Some(failure) => Err(failure),
                None => Ok(()),
            }
        })
    }

    /// How many of its tasks are still running.
    pub fn running(&self) -> usize {
        self.state.ends.running.borrow().iter().flatten().count()
    }
}

impl<X> Drop for TaskGroup<X> {
    fn drop(&mut self) {
        if let Some(shared) = current::current() {
            for id in self.state.ends.running() {
                shared.cancel(id);
            }
        }
    }
}

impl<X> fmt::Debug for TaskGroup<X> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let running = self.state.ends.running().len();
        f.debug_struct("TaskGroup")
            .field("running", &running)
            .finish()
    }
}

impl<R> fmt::Debug for AsCompleted<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompleted")
            .field("left", &self.left)
            .finish()
    }
}
