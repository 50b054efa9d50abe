//! The fairness budget: how many socket operations a task may complete in one turn without
//! waiting, so a peer that never stops sending cannot keep the scheduler to one task.
//!
//! The scheduler refills the budget at the start of every turn; the operations of
//! [`net`](super::net) spend one unit each before they try the socket, and give up the rest of
//! the turn (`sys::pause`) when it is spent. Like tokio's cooperative budget, it lives in a
//! thread-local: a turn runs on the scheduler's thread, and a task never sees another's.

use std::cell::Cell;

/// Operations a task may complete in one turn before it pauses.
pub(crate) const PER_TURN: u32 = 32;

thread_local! {
    static LEFT: Cell<u32> = const { Cell::new(PER_TURN) };
}

/// Refills the budget for the task whose turn begins.
#[inline]
pub(crate) fn refill() {
    LEFT.set(PER_TURN);
}

/// Spends one unit: `false` if the turn's budget is spent (the caller should pause first).
pub(crate) fn spend() -> bool {
    LEFT.with(|left| match left.get() {
        0 => false,
        n => {
            left.set(n - 1);
            true
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_turn_allows_per_turn_operations_then_the_budget_is_spent_until_refilled() {
        refill();
        for _ in 0..PER_TURN {
            assert!(spend());
        }
        assert!(!spend());
        assert!(!spend());
        refill();
        assert!(spend());
    }
}
