//! [`Queue`]: a FIFO queue between tasks, asyncio's `Queue`.

use core::cell::RefCell;
use core::fmt;
use core::future::Future;
use std::collections::VecDeque;
use std::rc::Rc;

use super::park::{Waiters, park};
use crate::Gen;
use crate::exec::{Reply, SysCall};

/// A FIFO queue for tasks of one scheduler (asyncio's `Queue`), bounded or not:
/// [`put`](Self::put) waits while a bounded queue is full, [`get`](Self::get) waits while the
/// queue is empty; [`put_nowait`](Self::put_nowait) and [`get_nowait`](Self::get_nowait) never
/// wait and fail with [`QueueFull`] or [`QueueEmpty`] instead.
///
/// Every item put counts as unfinished until a consumer calls [`task_done`](Self::task_done)
/// for it; [`join`](Self::join) waits until no item is unfinished.
///
/// A `put_nowait` (or a `put` that does not wait) wakes the getter that has waited longest, and
/// a `get_nowait` the putter that has waited longest. As in asyncio, a woken task checks again
/// when it runs (a task that came in between may have taken the item or the room: the woken one
/// then waits again, at the back), and a woken task that is cancelled wakes the next one in its
/// place. The operations that wake are plain methods: the caller keeps running.
///
/// `Clone` makes another handle to the same queue.
///
/// ```
/// use corogen::exec::{self, Reply, SysCall, sync::Queue, sys};
/// use corogen::prelude::*;
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn producer(queue: Queue<u32>) {
///     for item in 1..=4 {
///         yield_from!(queue.put(item)); // waits while two items are queued
///     }
/// }
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn main_task() -> Vec<u32> {
///     let queue = Queue::bounded(2);
///     let p = yield_from!(sys::spawn(producer(queue.clone())));
///     let mut got = Vec::new();
///     for _ in 0..4 {
///         got.push(yield_from!(queue.get()));
///         queue.task_done().unwrap();
///     }
///     yield_from!(queue.join()); // at once: every item is done
///     yield_from!(sys::wait(p)).unwrap();
///     got
/// }
///
/// assert_eq!(exec::run(main_task()).unwrap(), [1, 2, 3, 4]);
/// ```
pub struct Queue<T> {
    state: Rc<RefCell<State<T>>>,
}

impl<T> Clone for Queue<T> {
    fn clone(&self) -> Self {
        Self {
            state: Rc::clone(&self.state),
        }
    }
}

struct State<T> {
    items: VecDeque<T>,
    /// 0: unbounded.
    maxsize: usize,
    unfinished: usize,
    getters: Waiters,
    putters: Waiters,
    joiners: Waiters,
}

impl<T> State<T> {
    fn full(&self) -> bool {
        self.maxsize > 0 && self.items.len() >= self.maxsize
    }

    fn getters(&mut self) -> &mut Waiters {
        &mut self.getters
    }

    fn putters(&mut self) -> &mut Waiters {
        &mut self.putters
    }

    fn joiners(&mut self) -> &mut Waiters {
        &mut self.joiners
    }

    /// A woken getter was cancelled: another getter may take the item it was woken for.
    fn getter_cancelled(&mut self, woken: Option<()>) {
        if woken.is_some() && !self.items.is_empty() {
            self.getters.wake_next(());
        }
    }

    /// A woken putter was cancelled: another putter may use the room it was woken for.
    fn putter_cancelled(&mut self, woken: Option<()>) {
        if woken.is_some() && !self.full() {
            self.putters.wake_next(());
        }
    }

    fn joiner_cancelled(&mut self, _: Option<()>) {}

    fn put(&mut self, item: T) -> Result<(), QueueFull<T>> {
        if self.full() {
            return Err(QueueFull(item));
        }
        self.items.push_back(item);
        self.unfinished += 1;
        self.getters.wake_next(());
        Ok(())
    }

    fn get(&mut self) -> Result<T, QueueEmpty> {
        let item = self.items.pop_front().ok_or(QueueEmpty)?;
        self.putters.wake_next(());
        Ok(item)
    }
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Queue<T> {
    /// An unbounded queue.
    pub fn new() -> Self {
        Self::bounded(0)
    }

    /// A queue that holds at most `maxsize` items; 0 means no bound, as in asyncio.
    pub fn bounded(maxsize: usize) -> Self {
        let state = State {
            items: VecDeque::new(),
            maxsize,
            unfinished: 0,
            getters: Waiters::default(),
            putters: Waiters::default(),
            joiners: Waiters::default(),
        };
        Self {
            state: Rc::new(RefCell::new(state)),
        }
    }

    /// The bound (0: none).
    pub fn maxsize(&self) -> usize {
        self.state.borrow().maxsize
    }

    /// How many items are queued.
    pub fn qsize(&self) -> usize {
        self.state.borrow().items.len()
    }

    /// Whether no item is queued.
    pub fn empty(&self) -> bool {
        self.state.borrow().items.is_empty()
    }

    /// Whether the queue holds `maxsize` items (never, if unbounded).
    pub fn full(&self) -> bool {
        self.state.borrow().full()
    }

    /// Puts `item` at the back of the queue now, and wakes the getter that has waited longest.
    ///
    /// # Errors
    /// [`QueueFull`], with the item, if the queue is full.
    pub fn put_nowait(&self, item: T) -> Result<(), QueueFull<T>> {
        self.state.borrow_mut().put(item)
    }

    /// Takes the item at the front of the queue now, and wakes the putter that has waited
    /// longest.
    ///
    /// # Errors
    /// [`QueueEmpty`] if the queue is empty.
    pub fn get_nowait(&self) -> Result<T, QueueEmpty> {
        self.state.borrow_mut().get()
    }

    /// Waits while the queue is full, then puts `item` at its back. Cancelled while it
    /// waits, the task leaves the putters and the item is dropped with it.
    pub fn put<E: 'static>(
        &self,
        item: T,
    ) -> Gen<impl Future<Output = ()> + '_, SysCall, Reply, E> {
        super::coroutine(move |co| async move {
            while self.full() {
                let putters = State::putters;
                park!(co, &*self.state, putters, State::putter_cancelled);
            }
            if self.put_nowait(item).is_err() {
                unreachable!("the queue has room: no other task ran since the check")
            }
        })
    }

    /// Waits while the queue is empty, then takes the item at its front. Cancelled while it
    /// waits, the task leaves the getters; had it been woken for an item, the next getter is
    /// woken instead.
    pub fn get<E: 'static>(&self) -> Gen<impl Future<Output = T> + '_, SysCall, Reply, E> {
        super::coroutine(move |co| async move {
            loop {
                if let Ok(item) = self.get_nowait() {
                    return item;
                }
                let getters = State::getters;
                park!(co, &*self.state, getters, State::getter_cancelled);
            }
        })
    }

    /// Tells the queue that an item taken from it is processed; when none is left unfinished,
    /// the tasks in [`join`](Self::join) are woken.
    ///
    /// # Errors
    /// [`TaskDoneTooOften`] if no item is unfinished (more calls than items put).
    pub fn task_done(&self) -> Result<(), TaskDoneTooOften> {
        let mut state = self.state.borrow_mut();
        if state.unfinished == 0 {
            return Err(TaskDoneTooOften);
        }
        state.unfinished -= 1;
        if state.unfinished == 0 {
            state.joiners.wake_all(|| ());
        }
        Ok(())
    }

    /// How many tasks wait in [`get`](Self::get) (those woken and not yet running included).
    pub fn getters(&self) -> usize {
        self.state.borrow().getters.len()
    }

    /// How many tasks wait in [`put`](Self::put) (those woken and not yet running included).
    pub fn putters(&self) -> usize {
        self.state.borrow().putters.len()
    }

    /// How many items put have not been marked done with [`task_done`](Self::task_done).
    pub fn unfinished(&self) -> usize {
        self.state.borrow().unfinished
    }

    /// Waits until every item put has been marked done; at once if none is unfinished.
    pub fn join<E: 'static>(&self) -> Gen<impl Future<Output = ()> + '_, SysCall, Reply, E> {
        super::coroutine(move |co| async move {
            if self.unfinished() > 0 {
                let joiners = State::joiners;
                park!(co, &*self.state, joiners, State::joiner_cancelled);
            }
        })
    }
}

impl<T> fmt::Debug for Queue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.borrow();
        f.debug_struct("Queue")
            .field("qsize", &state.items.len())
            .field("maxsize", &state.maxsize)
            .field("unfinished", &state.unfinished)
            .field("getters", &state.getters.len())
            .field("putters", &state.putters.len())
            .finish()
    }
}

/// [`Queue::put_nowait`] on a full queue (asyncio's `QueueFull`); the item comes back.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct QueueFull<T>(pub T);

impl<T> fmt::Debug for QueueFull<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("QueueFull(..)")
    }
}

impl<T> fmt::Display for QueueFull<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue is full")
    }
}

impl<T> std::error::Error for QueueFull<T> {}

/// [`Queue::get_nowait`] on an empty queue (asyncio's `QueueEmpty`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueEmpty;

impl fmt::Display for QueueEmpty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue is empty")
    }
}

impl std::error::Error for QueueEmpty {}

/// [`Queue::task_done`] called more times than items were put (asyncio's `ValueError:
/// task_done() called too many times`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskDoneTooOften;

impl fmt::Display for TaskDoneTooOften {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task_done() was called more times than items were put")
    }
}

impl std::error::Error for TaskDoneTooOften {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bounded_queue_without_waiters_is_a_fifo_that_refuses_past_its_bound() {
        let queue = Queue::bounded(2);
        assert!(queue.empty() && !queue.full());
        queue.put_nowait('a').unwrap();
        queue.put_nowait('b').unwrap();
        assert!(queue.full());
        assert_eq!(queue.put_nowait('c'), Err(QueueFull('c')));
        assert_eq!(queue.qsize(), 2);
        assert_eq!(queue.get_nowait(), Ok('a'));
        assert_eq!(queue.get_nowait(), Ok('b'));
        assert_eq!(queue.get_nowait(), Err(QueueEmpty));
    }

    #[test]
    fn an_unbounded_queue_is_never_full_and_maxsize_zero_means_unbounded() {
        for queue in [Queue::new(), Queue::bounded(0)] {
            for i in 0..1000 {
                queue.put_nowait(i).unwrap();
            }
            assert!(!queue.full());
            assert_eq!((queue.qsize(), queue.maxsize()), (1000, 0));
        }
    }

    #[test]
    fn every_item_put_is_unfinished_until_task_done() {
        let queue = Queue::new();
        queue.put_nowait(1).unwrap();
        queue.put_nowait(2).unwrap();
        queue.get_nowait().unwrap();
        assert_eq!(queue.unfinished(), 2, "taken is not done");
        assert_eq!(queue.task_done(), Ok(()));
        assert_eq!(queue.task_done(), Ok(()));
        assert_eq!(queue.unfinished(), 0);
        assert_eq!(queue.task_done(), Err(TaskDoneTooOften));
    }
}
