//! Timers: the sleeping tasks and the deadlines of timeouts, ordered by deadline on the
//! monotonic clock.

use std::collections::BTreeMap;
use std::time::Instant;

use super::task::TaskId;

/// Where a timer sits, to cancel it: its deadline and a number that makes it unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct TimerKey(Instant, u64);

/// What a timer does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Alarm {
    /// Wakes a sleeping task.
    Wake(TaskId),
    /// Ends a timeout of the task: the deadline of `exec::timeout`.
    Deadline(TaskId),
}

/// The timers, earliest deadline first; two timers with the same deadline fire in the order
/// they were set.
#[derive(Default)]
pub(crate) struct Timers {
    due: BTreeMap<TimerKey, Alarm>,
    next: u64,
}

impl Timers {
    /// Sets off `alarm` at `deadline`.
    pub(crate) fn add(&mut self, deadline: Instant, alarm: Alarm) -> TimerKey {
        let key = TimerKey(deadline, self.next);
        self.next += 1;
        self.due.insert(key, alarm);
        key
    }

    /// Cancels a timer (its task was killed).
    pub(crate) fn cancel(&mut self, key: TimerKey) {
        self.due.remove(&key);
    }

    /// The earliest deadline, if any task sleeps.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.due.first_key_value().map(|(key, _)| key.0)
    }

    /// Moves the alarms whose deadline is at or before `now` to `fired`, earliest first.
    pub(crate) fn expire(&mut self, now: Instant, fired: &mut Vec<(TimerKey, Alarm)>) {
        while let Some(entry) = self.due.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let key = *entry.key();
            fired.push((key, entry.remove()));
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.due.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn wake(n: u64) -> Alarm {
        Alarm::Wake(TaskId::from(n))
    }

    #[test]
    fn expire_in_deadline_order_then_set_order() {
        let t0 = Instant::now();
        let mut timers = Timers::default();
        timers.add(t0 + Duration::from_millis(20), wake(1));
        timers.add(t0 + Duration::from_millis(10), wake(2));
        timers.add(
            t0 + Duration::from_millis(10),
            Alarm::Deadline(TaskId::from(3)),
        );
        let late = timers.add(t0 + Duration::from_millis(30), wake(4));
        assert_eq!(timers.next_deadline(), Some(t0 + Duration::from_millis(10)));
        let mut fired = Vec::new();
        timers.expire(t0 + Duration::from_millis(20), &mut fired);
        let alarms: Vec<_> = fired.iter().map(|&(_, alarm)| alarm).collect();
        assert_eq!(alarms, [wake(2), Alarm::Deadline(TaskId::from(3)), wake(1)]);
        timers.cancel(late);
        assert!(timers.is_empty());
        assert_eq!(timers.next_deadline(), None);
    }

    #[test]
    fn nothing_expires_before_its_deadline() {
        let t0 = Instant::now();
        let mut timers = Timers::default();
        timers.add(t0 + Duration::from_secs(1), wake(1));
        let mut woken = Vec::new();
        timers.expire(t0, &mut woken);
        assert!(woken.is_empty());
        assert!(!timers.is_empty());
    }
}
