//! Parking a task on a primitive's wait list: the one wait every primitive is made of.

use core::cell::RefCell;

use super::waiters::{Key, WaitList, Waker};
use crate::exec::syscall::{Answer, Request};
use crate::exec::{Notify, Reply, SysCall};

impl Waker for Notify {
    fn fresh() -> Self {
        Notify::new()
    }

    fn wake(&self) {
        self.notify_one();
    }
}

/// A primitive's wait list, parked on through the executor's [`Notify`].
pub(super) type Waiters<G = ()> = WaitList<G, Notify>;

/// Which wait list of the primitive's state `T` a waiter parks on.
pub(super) type ListOf<T, G> = fn(&mut T) -> &mut Waiters<G>;

/// What the primitive does when a waiter of its list is cancelled, with the grant the waiter had
/// been woken with, if it had: pass the turn on.
pub(super) type OnCancel<T, G> = fn(&mut T, Option<G>);

/// A waiter in a list, until it has taken its grant: if it is dropped before (its task killed,
/// or a cancellation thrown in), it leaves the list and the primitive passes its turn on.
pub(super) struct Parked<'a, T, G> {
    state: &'a RefCell<T>,
    list: ListOf<T, G>,
    on_cancel: OnCancel<T, G>,
    key: Key,
    /// The waiter's own waker, which its task parks on.
    notify: Notify,
    /// Whether it has taken its grant and left the list.
    left: bool,
}

impl<'a, T, G> Parked<'a, T, G> {
    /// Puts a waiter at the back of the wait list `list` of `state`.
    pub(super) fn new(
        state: &'a RefCell<T>,
        list: ListOf<T, G>,
        on_cancel: OnCancel<T, G>,
    ) -> Self {
        let (key, notify) = {
            let mut state = state.borrow_mut();
            let waiters = list(&mut state);
            let key = waiters.push();
            (key, waiters.waker(key).clone())
        };
        Parked {
            state,
            list,
            on_cancel,
            key,
            notify,
            left: false,
        }
    }

    /// The system call that parks the task, or `None` if its waker holds a wake-up already
    /// (what [`sys::notified`](crate::exec::sys::notified) yields).
    pub(super) fn wait(&self) -> Option<SysCall> {
        let woken = self.notify.take_permit();
        (!woken).then(|| SysCall(Request::Notified(self.notify.clone())))
    }

    /// The grant, if the waiter has been woken: it leaves the list.
    pub(super) fn take(&mut self) -> Option<G> {
        let grant = (self.list)(&mut self.state.borrow_mut()).take(self.key);
        self.left = grant.is_some();
        grant
    }
}

impl<T, G> Drop for Parked<'_, T, G> {
    fn drop(&mut self) {
        if self.left {
            return;
        }
        let mut state = self.state.borrow_mut();
        let grant = (self.list)(&mut state).cancel(self.key);
        (self.on_cancel)(&mut state, grant);
    }
}

/// Checks the scheduler's answer to a parking system call.
pub(super) fn woken(reply: Reply) {
    debug_assert!(matches!(reply.0, Answer::Notified(_)));
}

/// `park!(co, state, list, on_cancel)`: parks the calling task at the back of the wait list
/// `list` of `state` until the primitive wakes it, and evaluates to the grant it was woken with.
/// Written out in the primitive's own body (a macro, not a generator of its own) so that a
/// wait costs no level of delegation; it is `sys::notified` on the waiter's own waker, in a
/// loop until the primitive has woken this waiter.
macro_rules! park {
    ($co:ident, $state:expr, $list:expr, $on_cancel:expr) => {{
        let mut parked = $crate::exec::sync::park::Parked::new($state, $list, $on_cancel);
        loop {
            if let Some(call) = parked.wait() {
                $crate::exec::sync::park::woken($co.yield_(call).await);
            }
            if let Some(grant) = parked.take() {
                break grant;
            }
        }
    }};
}
pub(super) use park;
