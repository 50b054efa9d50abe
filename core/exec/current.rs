//! What a plain method called in a task's turn (`Notify::notify_one`, a `TaskGroup` dropped)
//! asks of the scheduler that runs the task: wake-ups and cancellations, collected here during
//! the turn and carried out by the scheduler right after it (wake-ups collected first, acted
//! on after, as smol's executors do). While [`Scheduler::run`](super::Scheduler::run) lasts,
//! its [`Shared`] is the thread's current one.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};
use std::sync::Arc;

use super::notify::{Inbox, Notify, State};
use super::task::TaskId;

/// A task chosen by a `Notify`, to be scheduled after the turn.
pub(crate) struct Woken {
    pub(crate) task: TaskId,
    /// The `Notify` whose `notify_one` chose it: its wake-up is passed on if the task is
    /// cancelled before it runs.
    pub(crate) pass_on: Option<Notify>,
}

/// A scheduler's mailbox for plain methods.
#[derive(Default)]
pub(crate) struct Shared {
    /// Whether `woken` or `cancels` holds anything (the one check a turn pays).
    dirty: Cell<bool>,
    woken: RefCell<Vec<Woken>>,
    cancels: RefCell<Vec<TaskId>>,
    /// Tasks that wait on a `Notify` another thread may wake: the scheduler blocks in its poller
    /// for them rather than stop.
    remote_waiters: Cell<usize>,
    /// The notifies with a remote handle, by the number their handle sends.
    pub(crate) remotes: RefCell<Remotes>,
}

#[derive(Default)]
pub(crate) struct Remotes {
    pub(crate) inbox: Option<Arc<Inbox>>,
    pub(crate) by_number: HashMap<u64, Weak<State>>,
    pub(crate) last_number: u64,
}

impl Shared {
    pub(crate) fn wake(&self, woken: Woken) {
        self.woken.borrow_mut().push(woken);
        self.dirty.set(true);
    }

    pub(crate) fn cancel(&self, task: TaskId) {
        self.cancels.borrow_mut().push(task);
        self.dirty.set(true);
    }

    /// Whether a wake-up or a cancellation waits to be carried out.
    #[inline]
    pub(crate) fn is_dirty(&self) -> bool {
        self.dirty.get()
    }

    /// Takes what was collected: the wake-ups in the order they were given, the cancellations.
    pub(crate) fn take(&self, woken: &mut Vec<Woken>, cancels: &mut Vec<TaskId>) {
        self.dirty.set(false);
        woken.append(&mut self.woken.borrow_mut());
        cancels.append(&mut self.cancels.borrow_mut());
    }

    pub(crate) fn add_remote_waiter(&self, by: isize) {
        let count = self.remote_waiters.get() as isize + by;
        self.remote_waiters.set(count as usize);
    }

    pub(crate) fn remote_waiters(&self) -> usize {
        self.remote_waiters.get()
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<Shared>>> = const { RefCell::new(None) };
}

/// The mailbox of the scheduler running on this thread, if one runs.
pub(crate) fn current() -> Option<Rc<Shared>> {
    CURRENT.with_borrow(Clone::clone)
}

/// While it lives, `shared` is the thread's current mailbox.
pub(crate) struct Entered(());

impl Entered {
    /// Makes `shared` current.
    ///
    /// # Panics
    /// If a scheduler already runs on this thread: `run` was called from one of its tasks,
    /// which would block every other task of the running scheduler until it returned.
    pub(crate) fn new(shared: &Rc<Shared>) -> Self {
        CURRENT.with_borrow_mut(|current| {
            assert!(
                current.is_none(),
                "a scheduler was run from inside a task of a running scheduler: \
                 exec::run (and Scheduler::run) would block every other task until it returned; \
                 start the coroutine as a task (sys::spawn) or call it (sys::call, yield_from!)"
            );
            *current = Some(Rc::clone(shared));
        });
        Self(())
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        CURRENT.with_borrow_mut(|current| *current = None);
    }
}
