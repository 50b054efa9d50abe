//! [`Event`]: a flag tasks wait for, asyncio's `Event`.

use core::cell::RefCell;
use core::fmt;
use core::future::Future;
use std::rc::Rc;

use super::park::{Waiters, park};
use crate::Gen;
use crate::exec::{Reply, SysCall};

/// A flag for tasks of one scheduler (asyncio's `Event`): [`wait`](Self::wait) waits until it
/// is set; [`set`](Self::set) wakes every task waiting, in the order they came, and later waits
/// return at once until [`clear`](Self::clear).
///
/// `set` and `clear` are plain methods: the task that calls them keeps running. A task woken by
/// `set` returns from its wait even if the flag is cleared again before it runs.
///
/// `Clone` makes another handle to the same flag.
///
/// ```
/// use corogen::exec::{self, Reply, SysCall, sync::Event, sys};
/// use corogen::prelude::*;
/// use std::{cell::RefCell, rc::Rc};
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn waiter(name: &'static str, event: Event, log: Rc<RefCell<Vec<String>>>) {
///     yield_from!(event.wait());
///     log.borrow_mut().push(format!("{name} woke up"));
/// }
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn main_task() -> Vec<String> {
///     let (event, log) = (Event::new(), Rc::new(RefCell::new(Vec::new())));
///     let a = yield_from!(sys::spawn(waiter("a", event.clone(), log.clone())));
///     let b = yield_from!(sys::spawn(waiter("b", event.clone(), log.clone())));
///     yield_from!(sys::pause()); // both wait now
///     log.borrow_mut().push("set".into());
///     event.set();
///     yield_from!(sys::wait(a)).unwrap();
///     yield_from!(sys::wait(b)).unwrap();
///     log.take()
/// }
///
/// assert_eq!(exec::run(main_task()).unwrap(), ["set", "a woke up", "b woke up"]);
/// ```
#[derive(Clone, Default)]
pub struct Event {
    state: Rc<RefCell<State>>,
}

#[derive(Default)]
struct State {
    set: bool,
    waiters: Waiters,
}

impl State {
    fn waiters(&mut self) -> &mut Waiters {
        &mut self.waiters
    }

    /// A waiter of an event passes nothing on when it is cancelled.
    fn cancelled(&mut self, _: Option<()>) {}
}

impl Event {
    /// A flag that is not set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the flag is set.
    pub fn is_set(&self) -> bool {
        self.state.borrow().set
    }

    /// Sets the flag and wakes every task waiting for it.
    pub fn set(&self) {
        let mut state = self.state.borrow_mut();
        if !state.set {
            state.set = true;
            state.waiters.wake_all(|| ());
        }
    }

    /// Clears the flag: waits wait again.
    pub fn clear(&self) {
        self.state.borrow_mut().set = false;
    }

    /// Waits until the flag is set; at once if it is set already.
    pub fn wait<E: 'static>(&self) -> Gen<impl Future<Output = ()> + '_, SysCall, Reply, E> {
        super::coroutine(move |co| async move {
            if self.is_set() {
                return;
            }
            park!(co, &*self.state, State::waiters, State::cancelled);
        })
    }

    /// How many tasks wait for the flag.
    pub fn waiters(&self) -> usize {
        self.state.borrow().waiters.len()
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.borrow();
        f.debug_struct("Event")
            .field("set", &state.set)
            .field("waiters", &state.waiters.len())
            .finish()
    }
}
