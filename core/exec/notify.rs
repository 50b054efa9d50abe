//! Park and wake: [`Notify`], on which tasks wait with [`sys::notified`](super::sys::notified)
//! and which anyone in a task's turn wakes with a plain method, and [`RemoteNotify`], its handle
//! for other threads, which wakes the scheduler through the OS poller's own notification.
//!
//! A wake-up is never lost. `notify_one` with no task waiting stores one permit, which the next
//! `notified` takes at once (tokio's rule); a task chosen by `notify_one` that is cancelled
//! before it runs passes its wake-up on to the next waiter (or back into the permit). Waking
//! needs no system call: the woken task is put at the back of the ready queue right after the
//! turn of whoever woke it, and the waker runs on.
//!
//! ```
//! use corogen::exec::{self, Notify, Reply, SysCall, sys};
//! use corogen::prelude::*;
//! use std::{cell::RefCell, rc::Rc};
//!
//! #[generator(yield = SysCall, send = Reply)]
//! fn waiter(ready: Notify, log: Rc<RefCell<Vec<&'static str>>>) {
//!     log.borrow_mut().push("waiting");
//!     yield_from!(sys::notified(&ready));
//!     log.borrow_mut().push("woken");
//! }
//!
//! #[generator(yield = SysCall, send = Reply)]
//! fn main_task(log: Rc<RefCell<Vec<&'static str>>>) {
//!     let ready = Notify::new();
//!     let child = yield_from!(sys::spawn(waiter(ready.clone(), Rc::clone(&log))));
//!     yield_from!(sys::pause()); // the waiter runs and parks
//!     ready.notify_one(); // a plain method: this task keeps running
//!     log.borrow_mut().push("notified");
//!     yield_from!(sys::wait(child)).unwrap();
//! }
//!
//! let log = Rc::default();
//! exec::run(main_task(Rc::clone(&log))).unwrap();
//! assert_eq!(*log.borrow(), ["waiting", "notified", "woken"]);
//! ```

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::rc::{Rc, Weak};
use std::sync::{Arc, Mutex, PoisonError};

use polling::Poller;

use super::current::{self, Shared, Woken};
use super::selector;
use super::task::TaskId;

/// A place where tasks park until another task, or another thread (through
/// [`remote`](Self::remote)), wakes them. Cloning it gives another handle to the same one.
///
/// It belongs to one thread (it is neither `Send` nor `Sync`); its waiters are the tasks of
/// the scheduler that parked them.
#[derive(Clone, Default)]
pub struct Notify(Rc<State>);

#[derive(Default)]
pub(crate) struct State {
    permit: Cell<bool>,
    waiters: RefCell<VecDeque<Waiter>>,
    remote: OnceCell<(RemoteNotify, Weak<Shared>)>,
}

/// A parked task, and the mailbox of the scheduler that will run it when it is woken.
struct Waiter {
    task: TaskId,
    shared: Rc<Shared>,
    /// Counted among the scheduler's remote waiters.
    remote: bool,
}

impl Waiter {
    fn wake(self, pass_on: Option<Notify>) {
        if self.remote {
            self.shared.add_remote_waiter(-1);
        }
        self.shared.wake(Woken {
            task: self.task,
            pass_on,
        });
    }
}

impl Notify {
    /// A `Notify` with no permit and no waiter.
    pub fn new() -> Self {
        Self::default()
    }

    /// Wakes the task that has waited longest; with none waiting, stores one permit (a
    /// second `notify_one` before it is taken stores nothing more), so the next
    /// [`notified`](super::sys::notified) returns at once.
    pub fn notify_one(&self) {
        let first = self.0.waiters.borrow_mut().pop_front();
        match first {
            Some(waiter) => waiter.wake(Some(self.clone())),
            None => self.0.permit.set(true),
        }
    }

    /// Wakes every task waiting now, in the order they came; stores no permit.
    pub fn notify_all(&self) {
        let waiters = core::mem::take(&mut *self.0.waiters.borrow_mut());
        for waiter in waiters {
            waiter.wake(None);
        }
    }

    /// How many tasks wait.
    pub fn waiters(&self) -> usize {
        self.0.waiters.borrow().len()
    }

    /// Whether a permit is stored (a `notify_one` that found no one waiting).
    pub fn has_permit(&self) -> bool {
        self.0.permit.get()
    }

    /// A handle that another thread wakes this `Notify` through: it queues the wake-up and
    /// wakes the scheduler's OS poller (`polling`'s own `Poller::notify`), so the scheduler,
    /// even if it blocks in the poller, carries it out at once. While a task waits on a
    /// `Notify` that has a remote handle, the scheduler waits for it rather than stop.
    ///
    /// # Panics
    /// If no scheduler runs on this thread (call it from a task), or the OS poller cannot be
    /// made.
    ///
    /// ```
    /// use corogen::exec::{self, Notify, Reply, SysCall, sys};
    /// use corogen::prelude::*;
    ///
    /// #[generator(yield = SysCall, send = Reply)]
    /// fn main_task() -> u32 {
    ///     let done = Notify::new();
    ///     let remote = done.remote();
    ///     let worker = std::thread::spawn(move || {
    ///         let answer = 6 * 7;
    ///         remote.notify_one();
    ///         answer
    ///     });
    ///     yield_from!(sys::notified(&done)); // the scheduler blocks in its poller meanwhile
    ///     worker.join().unwrap()
    /// }
    ///
    /// assert_eq!(exec::run(main_task()), Ok(42));
    /// ```
    pub fn remote(&self) -> RemoteNotify {
        if let Some((remote, _)) = self.0.remote.get() {
            return remote.clone();
        }
        let shared = current::current()
            .expect("Notify::remote is called from a task: no scheduler runs on this thread");
        let remote = {
            let mut remotes = shared.remotes.borrow_mut();
            if remotes.inbox.is_none() {
                let poller = selector::current_poller()
                    .unwrap_or_else(|e| panic!("the OS poller cannot be made: {e}"));
                remotes.inbox = Some(Arc::new(Inbox {
                    queue: Mutex::default(),
                    poller,
                }));
            }
            remotes.last_number += 1;
            let number = remotes.last_number;
            remotes.by_number.insert(number, Rc::downgrade(&self.0));
            let inbox = remotes.inbox.clone().expect("made above");
            RemoteNotify(Arc::new(Link { number, inbox }))
        };
        // The tasks already waiting now wait for a remote wake-up too.
        for waiter in self.0.waiters.borrow_mut().iter_mut() {
            waiter.remote = true;
            waiter.shared.add_remote_waiter(1);
        }
        let _ = self.0.remote.set((remote.clone(), Rc::downgrade(&shared)));
        remote
    }

    /// Takes the permit, if one is stored.
    pub(crate) fn take_permit(&self) -> bool {
        self.0.permit.replace(false)
    }

    pub(crate) fn is_remote(&self) -> bool {
        self.0.remote.get().is_some()
    }

    /// Parks `task`, a task of the scheduler whose mailbox is `shared`.
    pub(crate) fn park(&self, task: TaskId, shared: &Rc<Shared>) {
        let remote = self.is_remote();
        if remote {
            shared.add_remote_waiter(1);
        }
        self.0.waiters.borrow_mut().push_back(Waiter {
            task,
            shared: Rc::clone(shared),
            remote,
        });
    }

    /// Takes `task` off the wait list (it was cancelled), if it is on it.
    pub(crate) fn unpark(&self, task: TaskId) {
        let mut waiters = self.0.waiters.borrow_mut();
        if let Some(at) = waiters.iter().position(|w| w.task == task) {
            let waiter = waiters.remove(at).expect("found above");
            if waiter.remote {
                waiter.shared.add_remote_waiter(-1);
            }
        }
    }
}

impl Drop for State {
    fn drop(&mut self) {
        if let Some((remote, shared)) = self.remote.get()
            && let Some(shared) = shared.upgrade()
        {
            shared
                .remotes
                .borrow_mut()
                .by_number
                .remove(&remote.0.number);
        }
    }
}

impl fmt::Debug for Notify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notify")
            .field("permit", &self.has_permit())
            .field("waiters", &self.waiters())
            .finish()
    }
}

/// The handle of a [`Notify`] for other threads (`Send + Sync`; cloning it gives another
/// handle to the same `Notify`). Made by [`Notify::remote`].
#[derive(Clone)]
pub struct RemoteNotify(Arc<Link>);

struct Link {
    number: u64,
    inbox: Arc<Inbox>,
}

/// Where other threads leave wake-ups for a scheduler's notifies.
pub(crate) struct Inbox {
    /// The number of a `Notify`, and whether all its waiters are to be woken.
    queue: Mutex<Vec<(u64, bool)>>,
    poller: Arc<Poller>,
}

impl RemoteNotify {
    /// [`Notify::notify_one`], from any thread.
    pub fn notify_one(&self) {
        self.send(false);
    }

    /// [`Notify::notify_all`], from any thread.
    pub fn notify_all(&self) {
        self.send(true);
    }

    fn send(&self, all: bool) {
        let inbox = &self.0.inbox;
        inbox
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((self.0.number, all));
        // An error leaves the wake-up queued: the scheduler reads the queue whenever its
        // poller returns.
        let _ = inbox.poller.notify();
    }
}

impl fmt::Debug for RemoteNotify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RemoteNotify").field(&self.0.number).finish()
    }
}

/// Carries out the wake-ups other threads left for the notifies of `shared`'s scheduler.
pub(crate) fn deliver_remote(shared: &Shared) {
    let queued = {
        let remotes = shared.remotes.borrow();
        let Some(inbox) = remotes.inbox.as_ref() else {
            return;
        };
        let mut queue = inbox.queue.lock().unwrap_or_else(PoisonError::into_inner);
        if queue.is_empty() {
            return;
        }
        let queued = core::mem::take(&mut *queue);
        drop(queue);
        queued
            .into_iter()
            .filter_map(|(number, all)| {
                let state = remotes.by_number.get(&number)?.upgrade()?;
                Some((Notify(state), all))
            })
            .collect::<Vec<_>>()
    };
    for (notify, all) in queued {
        match all {
            true => notify.notify_all(),
            false => notify.notify_one(),
        }
    }
}
