//! What tasks wait for, and how a wait ends: woken, cancelled (the task is killed or
//! cancelled), or cut short by a timeout's deadline. Every wait a task can be in is unregistered
//! here when the task stops waiting for any reason other than the event it waited for.

use std::os::fd::RawFd;
use std::rc::Rc;
use std::time::Instant;

use super::group::Watcher;
use super::notify::{self, Notify};
use super::scheduler::{Scheduler, pass_on};
use super::selector::Interest;
use super::syscall::Answer;
use super::task::{TaskEnded, TaskId};
use super::timer::{Alarm, TimerKey};

/// What a task that is not ready waits for.
#[derive(Clone, Default)]
pub(super) enum Blocked {
    #[default]
    No,
    Sleep(TimerKey),
    Io(RawFd, Interest),
    Join(TaskId),
    Notify(Notify),
}

/// What a task waits for, and who waits for it: what only waiting and ending touch.
#[derive(Default)]
pub(super) struct Waits {
    pub(super) blocked: Blocked,
    pub(super) joiners: Vec<TaskId>,
    /// The deadlines of the timeouts the task is in, outermost first.
    pub(super) deadlines: Vec<Deadline>,
    /// The groups it is in, and its place in each.
    pub(super) watchers: Vec<(Rc<dyn Watcher>, usize)>,
}

/// The deadline of a timeout ([`exec::timeout`](super::timeout())).
#[derive(Clone, Copy)]
pub(super) struct Deadline {
    pub(super) key: TimerKey,
    /// It passed while the task was ready: the task is told at its next wait.
    pub(super) passed: bool,
}

impl Scheduler {
    /// Ends whatever task `id` waits for, without waking it.
    pub(super) fn unblock(&mut self, id: TaskId, blocked: Blocked) {
        match blocked {
            Blocked::Notify(notify) => notify.unpark(id),
            Blocked::No => {}
            Blocked::Sleep(key) => self.timers.cancel(key),
            Blocked::Io(fd, interest) => self.selector.cancel(fd, interest),
            Blocked::Join(target) => {
                if let Some(waits) = self.tasks.cold_mut(target) {
                    waits.joiners.retain(|&j| j != id);
                }
            }
        }
    }

    /// Schedules a blocked task with `answer`.
    pub(super) fn wake(&mut self, id: TaskId, answer: Answer) {
        self.block(id, Blocked::No);
        self.schedule(id, answer);
    }

    pub(super) fn block(&mut self, id: TaskId, blocked: Blocked) {
        if let Some(waits) = self.tasks.cold_mut(id) {
            waits.blocked = blocked;
        }
    }

    /// Kills task `target`: unregisters what it waits for, closes its stack innermost first,
    /// tells its joiners.
    pub(crate) fn kill(&mut self, target: TaskId) -> Result<(), TaskEnded> {
        if !self.tasks.contains(target) {
            return Err(TaskEnded::Unknown);
        }
        self.exit(target, Err(TaskEnded::Killed));
        if !(self.selector.is_empty() && self.timers.is_empty()) {
            self.ensure_io_task();
        }
        Ok(())
    }

    /// Asks task `target` to stop (asyncio's `Task.cancel`), for task `by` (if a task asks):
    /// what it waits for is unregistered, and its next turn cancels it at its innermost level
    /// ([`Answer::Cancel`]); a task that asks for itself is cancelled at the system call that
    /// asks. A wake-up it was given but has not seen is passed on.
    pub(crate) fn cancel(&mut self, target: TaskId, by: Option<TaskId>) -> Result<(), TaskEnded> {
        let Some(waits) = self.tasks.cold_mut(target) else {
            return Err(TaskEnded::Unknown);
        };
        if Some(target) == by || self.io_task == Some(target) {
            return Ok(());
        }
        let blocked = core::mem::take(&mut waits.blocked);
        let was_blocked = !matches!(blocked, Blocked::No);
        self.unblock(target, blocked);
        if was_blocked {
            self.schedule(target, Answer::Cancel);
        } else if let Some(entry) = self.tasks.get_mut(target) {
            // Ready: what it was to be sent is replaced.
            pass_on(&mut entry.reply);
            entry.reply = Answer::Cancel;
        }
        Ok(())
    }

    /// Tells `watcher` when each of `members` ends (at once if it has ended already).
    pub(crate) fn watch(&mut self, members: Vec<(TaskId, usize)>, watcher: Rc<dyn Watcher>) {
        for (member, index) in members {
            match self.tasks.cold_mut(member) {
                Some(waits) => waits.watchers.push((Rc::clone(&watcher), index)),
                None => {
                    watcher.ended(index, &Err(TaskEnded::Unknown));
                }
            }
        }
    }

    /// Parks task `id` on `notify`, or lets it go on at once if a permit is stored.
    pub(crate) fn wait_notify(&mut self, id: TaskId, notify: Notify) {
        if notify.is_remote() {
            // A wake-up that another thread left before this wait.
            notify::deliver_remote(&self.shared);
            self.settle();
            self.ensure_io_task();
        }
        if notify.take_permit() {
            return self.schedule(id, Answer::Notified(None));
        }
        notify.park(id, &self.shared);
        self.block(id, Blocked::Notify(notify));
    }

    /// Makes task `id` wait for task `target` to end.
    pub(crate) fn join(&mut self, id: TaskId, target: TaskId) {
        let target = self.tasks.placed(target).filter(|&target| target != id);
        match target.and_then(|target| Some((target, self.tasks.cold_mut(target)?))) {
            Some((target, waits)) => {
                waits.joiners.push(id);
                self.block(id, Blocked::Join(target));
            }
            None => self.schedule(id, Answer::Ended(Err(TaskEnded::Unknown))),
        }
    }

    pub(crate) fn sleep(&mut self, id: TaskId, deadline: Instant) {
        self.ensure_io_task();
        let key = self.timers.add(deadline, Alarm::Wake(id));
        self.block(id, Blocked::Sleep(key));
    }

    /// Starts a timeout of task `id` that ends at `at`, and answers with its key.
    pub(crate) fn set_deadline(&mut self, id: TaskId, at: Instant) {
        self.ensure_io_task();
        let key = self.timers.add(at, Alarm::Deadline(id));
        if let Some(waits) = self.tasks.cold_mut(id) {
            waits.deadlines.push(Deadline { key, passed: false });
        }
        self.schedule(id, Answer::Deadline(key));
    }

    /// Ends the timeout `key` of task `id` (its coroutine finished first).
    pub(crate) fn disarm(&mut self, id: TaskId, key: TimerKey) {
        if let Some(waits) = self.tasks.cold_mut(id)
            && let Some(at) = waits.deadlines.iter().position(|d| d.key == key)
        {
            match waits.deadlines.remove(at).passed {
                true => self.untold -= 1,
                false => self.timers.cancel(key),
            }
        }
        self.schedule(id, Answer::Nothing);
    }

    /// The deadline `key` of task `id` has passed: a task that waits is told at once (its wait
    /// ends), a ready one at its next wait.
    pub(super) fn deadline_passed(&mut self, id: TaskId, key: TimerKey) {
        let Some(waits) = self.tasks.cold_mut(id) else {
            return;
        };
        let Some(at) = waits.deadlines.iter().position(|d| d.key == key) else {
            return;
        };
        if let Blocked::No = waits.blocked {
            waits.deadlines[at].passed = true;
            self.untold += 1;
            return;
        }
        waits.deadlines.remove(at);
        let blocked = core::mem::take(&mut waits.blocked);
        self.unblock(id, blocked);
        self.schedule(id, Answer::TimedOut(key));
    }

    /// Tells task `id`, about to wait, of a deadline that passed while it was ready, instead of
    /// letting it wait: whether it had one.
    pub(crate) fn tell_deadline(&mut self, id: TaskId) -> bool {
        if self.untold == 0 {
            return false;
        }
        let Some(waits) = self.tasks.cold_mut(id) else {
            return false;
        };
        let Some(at) = waits.deadlines.iter().position(|d| d.passed) else {
            return false;
        };
        let key = waits.deadlines.remove(at).key;
        self.untold -= 1;
        self.schedule(id, Answer::TimedOut(key));
        true
    }
}
