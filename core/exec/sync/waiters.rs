//! The wait list every primitive keeps: the tasks parked on it in FIFO order, each with a
//! waker of its own, so that the primitive decides exactly which task wakes and with what.
//!
//! A waiter is `Waiting` (in the queue) until the primitive wakes it with a *grant* (what the
//! wake-up gives it: nothing for a lock, an item's turn for a queue); it is then `Woken` until
//! it runs and takes the grant. A waiter that is cancelled (its task killed, or a cancellation
//! thrown in) leaves the list from wherever it is; a woken one gives its grant back, so that the
//! primitive can pass the turn on, as asyncio's primitives do.
//!
//! The slots are reused with their wakers, so waiting allocates nothing once the list has been
//! as long as it gets. A woken waiter that is cancelled may leave a wake-up stored in its waker:
//! that waker is replaced, never reused.

use std::collections::VecDeque;

/// What parks one task and wakes it: the executor's [`Notify`](crate::exec::Notify), or a
/// stand-in in the unit tests.
pub(super) trait Waker {
    /// A waker no one has woken.
    fn fresh() -> Self;
    /// Wakes the task parked on it (or the next one to park).
    fn wake(&self);
}

/// Where a waiter sits in its list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Key(usize);

enum State<G> {
    Vacant,
    Waiting,
    Woken(G),
}

struct Slot<G, W> {
    waker: W,
    state: State<G>,
}

/// The tasks parked on one primitive, in the order they came.
pub(super) struct WaitList<G, W> {
    slots: Vec<Slot<G, W>>,
    vacant: Vec<usize>,
    queue: VecDeque<usize>,
    woken: usize,
}

impl<G, W> Default for WaitList<G, W> {
    fn default() -> Self {
        Self {
            slots: Vec::new(),
            vacant: Vec::new(),
            queue: VecDeque::new(),
            woken: 0,
        }
    }
}

impl<G, W: Waker> WaitList<G, W> {
    /// Adds a waiter at the back of the queue.
    pub(super) fn push(&mut self) -> Key {
        let index = match self.vacant.pop() {
            Some(index) => {
                self.slots[index].state = State::Waiting;
                index
            }
            None => {
                self.slots.push(Slot {
                    waker: W::fresh(),
                    state: State::Waiting,
                });
                self.slots.len() - 1
            }
        };
        self.queue.push_back(index);
        Key(index)
    }

    /// The waker of waiter `key`, the one its task parks on.
    pub(super) fn waker(&self, key: Key) -> &W {
        &self.slots[key.0].waker
    }

    /// Wakes the waiter that has waited longest, with `grant`; `false` if none waits (the grant
    /// is dropped).
    pub(super) fn wake_next(&mut self, grant: G) -> bool {
        let Some(index) = self.queue.pop_front() else {
            return false;
        };
        let slot = &mut self.slots[index];
        slot.state = State::Woken(grant);
        self.woken += 1;
        slot.waker.wake();
        true
    }

    /// Wakes every waiter that waits now, each with a grant of `grant()`.
    pub(super) fn wake_all(&mut self, mut grant: impl FnMut() -> G) {
        while self.wake_next(grant()) {}
    }

    /// What a resumed waiter does: takes its grant and leaves the list, if it was woken; `None`
    /// if it was not (it stays and parks again).
    pub(super) fn take(&mut self, key: Key) -> Option<G> {
        let slot = &mut self.slots[key.0];
        if !matches!(slot.state, State::Woken(_)) {
            return None;
        }
        let State::Woken(grant) = core::mem::replace(&mut slot.state, State::Vacant) else {
            unreachable!("checked above")
        };
        self.woken -= 1;
        self.vacant.push(key.0);
        Some(grant)
    }

    /// What a cancelled waiter does: leaves the list from wherever it is, and gives back the
    /// grant it was woken with, if it was woken.
    pub(super) fn cancel(&mut self, key: Key) -> Option<G> {
        let slot = &mut self.slots[key.0];
        let grant = match core::mem::replace(&mut slot.state, State::Vacant) {
            State::Vacant => unreachable!("a waiter leaves its list once"),
            State::Waiting => {
                let at = self.queue.iter().position(|&i| i == key.0);
                self.queue.remove(at.expect("a waiting waiter is queued"));
                None
            }
            State::Woken(grant) => {
                // Its wake-up may be stored in the waker, unused: never reuse that waker.
                slot.waker = W::fresh();
                self.woken -= 1;
                Some(grant)
            }
        };
        self.vacant.push(key.0);
        grant
    }

    /// How many waiters have not been woken.
    pub(super) fn waiting(&self) -> usize {
        self.queue.len()
    }

    /// How many waiters are in the list: waiting, or woken and not yet resumed (asyncio's
    /// `len(self._waiters)`).
    pub(super) fn len(&self) -> usize {
        self.queue.len() + self.woken
    }

    /// Whether no waiter is in the list.
    pub(super) fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use std::cell::Cell;

    /// A waker that counts its wake-ups.
    #[derive(Default)]
    pub(crate) struct Count(pub(crate) Cell<u32>);

    impl Waker for Count {
        fn fresh() -> Self {
            Self::default()
        }
        fn wake(&self) {
            self.0.set(self.0.get() + 1);
        }
    }

    type List = WaitList<&'static str, Count>;

    fn woken(list: &List, keys: &[Key]) -> Vec<u32> {
        keys.iter().map(|&k| list.waker(k).0.get()).collect()
    }

    #[test]
    fn waiters_are_woken_in_the_order_they_came_each_once() {
        let mut list = List::default();
        let keys = [list.push(), list.push(), list.push()];
        assert!(list.wake_next("first"));
        assert_eq!(woken(&list, &keys), [1, 0, 0]);
        assert!(list.wake_next("second"));
        assert_eq!(woken(&list, &keys), [1, 1, 0]);
        assert_eq!((list.waiting(), list.len()), (1, 3));
        assert_eq!(list.take(keys[1]), Some("second"));
        assert_eq!(list.take(keys[0]), Some("first"));
        assert_eq!(list.take(keys[2]), None, "not woken yet: it parks again");
        assert_eq!((list.waiting(), list.len()), (1, 1));
    }

    #[test]
    fn waking_an_empty_list_does_nothing_and_stores_nothing() {
        let mut list = List::default();
        assert!(!list.wake_next("lost"));
        let key = list.push();
        assert_eq!(list.take(key), None);
        assert_eq!(woken(&list, &[key]), [0]);
    }

    #[test]
    fn a_cancelled_waiter_leaves_the_queue_and_the_next_one_is_woken() {
        let mut list = List::default();
        let keys = [list.push(), list.push(), list.push()];
        assert_eq!(list.cancel(keys[0]), None);
        list.wake_next("turn");
        assert_eq!(woken(&list, &keys), [0, 1, 0]);
        assert_eq!(list.take(keys[1]), Some("turn"));
        assert_eq!(list.len(), 1);
    }

    #[test]
    fn a_cancelled_woken_waiter_gives_its_grant_back_and_its_waker_is_not_reused() {
        let mut list = List::default();
        let first = list.push();
        let second = list.push();
        list.wake_next("turn");
        assert_eq!(list.cancel(first), Some("turn"));
        assert_eq!((list.waiting(), list.len()), (1, 1));
        // The primitive passes the turn on.
        list.wake_next("turn");
        assert_eq!(list.take(second), Some("turn"));
        // Both slots are reused: the resumed waiter's with its waker, the cancelled one's with
        // a waker that was never woken.
        assert_eq!(list.push(), second);
        assert_eq!(list.push(), first);
        assert_eq!(woken(&list, &[second, first]), [1, 0]);
    }

    #[test]
    fn slots_and_their_wakers_are_reused() {
        let mut list = List::default();
        for _ in 0..3 {
            let key = list.push();
            list.wake_next("turn");
            assert_eq!(list.take(key), Some("turn"));
            assert_eq!(key, Key(0));
        }
        assert_eq!(list.slots.len(), 1);
        assert_eq!(
            list.waker(Key(0)).0.get(),
            3,
            "the same waker, woken each time"
        );
    }

    #[test]
    fn wake_all_wakes_only_those_waiting_now() {
        let mut list = List::default();
        let keys = [list.push(), list.push()];
        list.wake_all(|| "set");
        let late = list.push();
        assert_eq!(woken(&list, &keys), [1, 1]);
        assert_eq!(list.take(late), None);
        assert_eq!(list.waiting(), 1);
    }
}
