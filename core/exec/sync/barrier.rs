//! [`Barrier`]: a meeting point for a number of tasks, asyncio's `Barrier`.

use core::cell::RefCell;
use core::fmt;
use core::future::Future;
use std::rc::Rc;

use super::park::{Waiters, park};
use crate::Gen;
use crate::exec::{Reply, SysCall};

/// A barrier for tasks of one scheduler (asyncio's `Barrier`): each of `parties` tasks calls
/// [`wait`](Self::wait), which waits until the last of them arrives and then lets them all
/// pass; the last to arrive passes first (it does not wait), then the others in the order they
/// came. `wait` evaluates to the task's arrival index, `0` to `parties - 1`.
///
/// The barrier then *drains*: a task that arrives before every party of the cycle has left
/// waits for that, and starts the next cycle. [`abort`](Self::abort) breaks it: every wait, now
/// and later, fails with [`BrokenBarrier`]; [`reset`](Self::reset) makes the parties waiting
/// fail and starts a new cycle. A waiting party that is cancelled leaves the count.
///
/// `Clone` makes another handle to the same barrier.
///
/// ```
/// use corogen::exec::{self, Reply, SysCall, sync::Barrier, sys};
/// use corogen::prelude::*;
/// use std::{cell::RefCell, rc::Rc};
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn party(i: u32, barrier: Barrier, log: Rc<RefCell<Vec<(u32, usize)>>>) {
///     for _ in 0..i {
///         yield_from!(sys::pause()); // arrive in the order of i
///     }
///     let index = yield_from!(barrier.wait()).expect("not broken");
///     log.borrow_mut().push((i, index));
/// }
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn main_task() -> Vec<(u32, usize)> {
///     let (barrier, log) = (Barrier::new(3), Rc::new(RefCell::new(Vec::new())));
///     let mut tasks = Vec::new();
///     for i in 0..3 {
///         tasks.push(yield_from!(sys::spawn(party(i, barrier.clone(), log.clone()))));
///     }
///     for task in tasks {
///         yield_from!(sys::wait(task)).unwrap();
///     }
///     log.take()
/// }
///
/// // The last to arrive passes first.
/// assert_eq!(exec::run(main_task()).unwrap(), [(2, 2), (0, 0), (1, 1)]);
/// ```
#[derive(Clone)]
pub struct Barrier {
    state: Rc<RefCell<State>>,
}

struct State {
    cycle: Cycle,
    waiters: Waiters,
}

impl State {
    fn waiters(&mut self) -> &mut Waiters {
        &mut self.waiters
    }

    fn cancelled(&mut self, _: Option<()>) {}

    fn wake_all(&mut self) {
        self.waiters.wake_all(|| ());
    }
}

/// Where a barrier is in its cycle (asyncio's `_BarrierState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Parties arrive.
    Filling,
    /// The last has arrived: the parties leave.
    Draining,
    /// Reset while parties waited: they leave with an error.
    Resetting,
    /// Aborted: every wait fails.
    Broken,
}

/// A barrier's count and phase: what decides who waits and who passes, apart from waking.
#[derive(Debug)]
struct Cycle {
    parties: usize,
    count: usize,
    phase: Phase,
}

/// What an arriving party does.
#[derive(Debug, PartialEq, Eq)]
enum Arrival {
    /// The barrier drains or resets: wait for the end of that, then arrive again.
    Blocked,
    /// It is the last: pass with this index (and wake the others).
    Releases(usize),
    /// Wait with this index for the last party.
    Waits(usize),
}

impl Cycle {
    fn arrive(&mut self) -> Result<Arrival, BrokenBarrier> {
        match self.phase {
            Phase::Broken => return Err(BrokenBarrier),
            Phase::Draining | Phase::Resetting => return Ok(Arrival::Blocked),
            Phase::Filling => {}
        }
        let index = self.count;
        self.count += 1;
        if self.count == self.parties {
            self.phase = Phase::Draining;
            Ok(Arrival::Releases(index))
        } else {
            Ok(Arrival::Waits(index))
        }
    }

    /// What a waiting party finds when woken: `None` if it waits on.
    fn released(&self) -> Option<Result<(), BrokenBarrier>> {
        match self.phase {
            Phase::Filling => None,
            Phase::Draining => Some(Ok(())),
            Phase::Resetting | Phase::Broken => Some(Err(BrokenBarrier)),
        }
    }

    /// A party that arrived leaves (passed, failed or cancelled); `true` if it was the last of
    /// its cycle, so that the parties blocked meanwhile must be woken.
    fn leave(&mut self) -> bool {
        self.count -= 1;
        if self.count > 0 {
            return false;
        }
        if matches!(self.phase, Phase::Draining | Phase::Resetting) {
            self.phase = Phase::Filling;
        }
        true
    }

    fn n_waiting(&self) -> usize {
        if self.phase == Phase::Filling {
            self.count
        } else {
            0
        }
    }

    fn reset(&mut self) {
        if self.count > 0 {
            if self.phase != Phase::Resetting {
                self.phase = Phase::Resetting;
            }
        } else {
            self.phase = Phase::Filling;
        }
    }
}

/// A party in the barrier's count until it leaves, however it leaves (asyncio's `finally`).
struct Arrived<'a>(&'a RefCell<State>);

impl Drop for Arrived<'_> {
    fn drop(&mut self) {
        let mut state = self.0.borrow_mut();
        if state.cycle.leave() {
            state.wake_all();
        }
    }
}

impl Barrier {
    /// A barrier for `parties` tasks.
    ///
    /// # Panics
    /// If `parties` is 0 (asyncio's `ValueError`).
    pub fn new(parties: usize) -> Self {
        assert!(parties > 0, "a barrier needs at least one party");
        let cycle = Cycle {
            parties,
            count: 0,
            phase: Phase::Filling,
        };
        let waiters = Waiters::default();
        Self {
            state: Rc::new(RefCell::new(State { cycle, waiters })),
        }
    }

    /// Waits until `parties` tasks wait, and evaluates to the calling task's arrival index.
    ///
    /// # Errors
    /// [`BrokenBarrier`] if the barrier is aborted, or reset while the task waits.
    pub fn wait<E: 'static>(
        &self,
    ) -> Gen<impl Future<Output = Result<usize, BrokenBarrier>> + '_, SysCall, Reply, E> {
        super::coroutine(move |co| async move {
            let state = &*self.state;
            let index = loop {
                let arrival = state.borrow_mut().cycle.arrive()?;
                match arrival {
                    Arrival::Blocked => {
                        park!(co, state, State::waiters, State::cancelled);
                    }
                    Arrival::Releases(index) => {
                        let _arrived = Arrived(state);
                        state.borrow_mut().wake_all();
                        return Ok(index);
                    }
                    Arrival::Waits(index) => break index,
                }
            };
            let _arrived = Arrived(state);
            loop {
                park!(co, state, State::waiters, State::cancelled);
                if let Some(released) = state.borrow().cycle.released() {
                    return released.map(|()| index);
                }
            }
        })
    }

    /// The number of tasks the barrier waits for.
    pub fn parties(&self) -> usize {
        self.state.borrow().cycle.parties
    }

    /// How many tasks wait in the barrier now (0 while it drains).
    pub fn n_waiting(&self) -> usize {
        self.state.borrow().cycle.n_waiting()
    }

    /// Whether the barrier is broken ([`abort`](Self::abort)).
    pub fn broken(&self) -> bool {
        self.state.borrow().cycle.phase == Phase::Broken
    }

    /// Breaks the barrier: the tasks waiting, and every later wait, fail with
    /// [`BrokenBarrier`].
    pub fn abort(&self) {
        let mut state = self.state.borrow_mut();
        state.cycle.phase = Phase::Broken;
        state.wake_all();
    }

    /// Brings the barrier back to its empty state: the tasks waiting fail with
    /// [`BrokenBarrier`]; a broken barrier works again.
    pub fn reset(&self) {
        let mut state = self.state.borrow_mut();
        state.cycle.reset();
        state.wake_all();
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.borrow();
        f.debug_struct("Barrier")
            .field("parties", &state.cycle.parties)
            .field("n_waiting", &state.cycle.n_waiting())
            .field("phase", &state.cycle.phase)
            .finish()
    }
}

/// A wait at a barrier that was aborted or reset (asyncio's `BrokenBarrierError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrokenBarrier;

impl fmt::Display for BrokenBarrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the barrier was aborted or reset")
    }
}

impl std::error::Error for BrokenBarrier {}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycle(parties: usize) -> Cycle {
        Cycle {
            parties,
            count: 0,
            phase: Phase::Filling,
        }
    }

    #[test]
    fn the_last_party_releases_the_others_and_the_cycle_drains() {
        let mut c = cycle(3);
        assert_eq!(c.arrive(), Ok(Arrival::Waits(0)));
        assert_eq!(c.arrive(), Ok(Arrival::Waits(1)));
        assert_eq!(c.n_waiting(), 2);
        assert_eq!(c.arrive(), Ok(Arrival::Releases(2)));
        assert_eq!(c.n_waiting(), 0, "draining");
        assert_eq!(c.released(), Some(Ok(())));
        assert_eq!(c.arrive(), Ok(Arrival::Blocked), "the next cycle waits");
        assert!(!c.leave());
        assert!(!c.leave());
        assert!(c.leave(), "the last to leave wakes the blocked");
        assert_eq!(c.phase, Phase::Filling);
        assert_eq!(c.arrive(), Ok(Arrival::Waits(0)));
    }

    #[test]
    fn a_cancelled_party_leaves_the_count() {
        let mut c = cycle(2);
        assert_eq!(c.arrive(), Ok(Arrival::Waits(0)));
        assert!(c.leave());
        assert_eq!((c.n_waiting(), c.phase), (0, Phase::Filling));
        assert_eq!(c.arrive(), Ok(Arrival::Waits(0)));
    }

    #[test]
    fn a_reset_fails_the_waiting_parties_and_a_broken_barrier_fails_every_wait() {
        let mut c = cycle(3);
        c.arrive().unwrap();
        c.reset();
        assert_eq!(c.released(), Some(Err(BrokenBarrier)));
        assert_eq!(c.arrive(), Ok(Arrival::Blocked));
        assert!(c.leave());
        assert_eq!(c.phase, Phase::Filling);
        c.phase = Phase::Broken;
        assert_eq!(c.arrive(), Err(BrokenBarrier));
        c.reset();
        assert_eq!(
            c.arrive(),
            Ok(Arrival::Waits(0)),
            "reset mends a broken barrier"
        );
    }

    #[test]
    fn a_barrier_of_one_never_waits() {
        let mut c = cycle(1);
        assert_eq!(c.arrive(), Ok(Arrival::Releases(0)));
        assert!(c.leave());
        assert_eq!(c.arrive(), Ok(Arrival::Releases(0)));
    }
}
