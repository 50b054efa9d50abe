//! Parking a task on a primitive's wait list: the one wait every primitive is made of.

use core::cell::RefCell;
use core::future::Future;

use super::waiters::{Key, WaitList, Waker};
use crate::Gen;
use crate::exec::{Notify, Reply, SysCall, sys};

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
struct Parked<'a, T, G> {
    state: &'a RefCell<T>,
    list: ListOf<T, G>,
    on_cancel: OnCancel<T, G>,
    key: Key,
}

impl<T, G> Parked<'_, T, G> {
    /// The grant, if the waiter has been woken: it leaves the list.
    fn take(&self) -> Option<G> {
        (self.list)(&mut self.state.borrow_mut()).take(self.key)
    }
}

impl<T, G> Drop for Parked<'_, T, G> {
    fn drop(&mut self) {
        let mut state = self.state.borrow_mut();
        let grant = (self.list)(&mut state).cancel(self.key);
        (self.on_cancel)(&mut state, grant);
    }
}

/// Parks the calling task at the back of the wait list `list` of `state` until the primitive
/// wakes it, and evaluates to the grant it was woken with.
pub(super) fn park<'a, T, G, E>(
    state: &'a RefCell<T>,
    list: ListOf<T, G>,
    on_cancel: OnCancel<T, G>,
) -> Gen<impl Future<Output = G> + 'a, SysCall, Reply, E>
where
    T: 'a,
    G: 'a,
    E: 'static,
{
    super::coroutine(move |co| async move {
        let (key, notify) = {
            let mut state = state.borrow_mut();
            let waiters = list(&mut state);
            let key = waiters.push();
            (key, waiters.waker(key).clone())
        };
        let parked = Parked {
            state,
            list,
            on_cancel,
            key,
        };
        loop {
            co.delegate::<_, false>(sys::notified(&notify)).await;
            if let Some(grant) = parked.take() {
                core::mem::forget(parked);
                return grant;
            }
        }
    })
}
