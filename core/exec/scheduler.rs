//! The scheduler: a FIFO ready queue, a task table, and the main loop, as in Beazley's
//! `Scheduler`; the I/O task that polls the OS when its turn comes (Beazley's `io_task`).

use core::any::Any;
use core::future::Future;
use std::collections::VecDeque;
use std::io;
use std::os::fd::RawFd;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::time::{Duration, Instant};

use super::budget;
use super::current::{Entered, Shared, Woken};
use super::notify;
use super::selector::{Interest, Keeper, Selector};
use super::sys::Coroutine;
use super::syscall::{Answer, Reply, Request, SysCall, coroutine};
use super::table::Table;
use super::task::{JoinHandle, NewTask, Run, Slot, Task, TaskEnded, TaskId};
use super::timer::{Alarm, TimerKey, Timers};
use super::wait::{Blocked, Waits};
use crate::Gen;

/// A task in the table, with what it is sent on its next turn: what every turn touches.
pub(super) struct Entry {
    pub(super) task: Task,
    pub(super) reply: Answer,
}

/// How a task ended, as its exit hook and its joiners see it: `Ok(())` if it returned.
pub type Exit = Result<(), TaskEnded>;

type ExitHook = Box<dyn FnMut(TaskId, &Exit)>;

/// Runs tasks: coroutines declared `#[generator(yield = SysCall, send = Reply)]`, each turn one
/// task until its next system call, in FIFO order.
///
/// ```
/// use corogen::exec::{Reply, Scheduler, SysCall, sys};
/// use corogen::prelude::*;
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn worker(name: &'static str, log: std::rc::Rc<std::cell::RefCell<Vec<String>>>) {
///     for i in 0..2 {
///         log.borrow_mut().push(format!("{name}{i}"));
///         yield_from!(sys::pause());
///     }
/// }
///
/// let log = std::rc::Rc::default();
/// let mut sched = Scheduler::new();
/// sched.spawn(worker("a", std::rc::Rc::clone(&log)));
/// sched.spawn(worker("b", std::rc::Rc::clone(&log)));
/// sched.run()?;
/// assert_eq!(*log.borrow(), ["a0", "b0", "a1", "b1"]);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Scheduler {
    ready: VecDeque<TaskId>,
    pub(super) tasks: Table<Entry, Waits>,
    pub(super) selector: Selector,
    pub(super) timers: Timers,
    pub(super) io_task: Option<TaskId>,
    on_exit: Option<ExitHook>,
    woken: Vec<TaskId>,
    fired: Vec<(TimerKey, Alarm)>,
    /// The task whose end cancels the others ([`exec::run`](super::run)).
    main: Option<TaskId>,
    main_ended: bool,
    /// How many deadlines have passed that their tasks have not been told of.
    pub(super) untold: usize,
    poll_failures: PollFailures,
    /// What plain methods ask of this scheduler during a turn.
    pub(super) shared: Rc<Shared>,
    notified: Vec<Woken>,
    cancels: Vec<TaskId>,
}

impl Default for Scheduler {
    fn default() -> Self {
        Self::new()
    }
}

impl Scheduler {
    /// An empty scheduler. The OS poller is made when a task first waits for I/O.
    pub fn new() -> Self {
        Self {
            ready: VecDeque::new(),
            tasks: Table::default(),
            selector: Selector::default(),
            timers: Timers::default(),
            io_task: None,
            on_exit: None,
            woken: Vec::new(),
            fired: Vec::new(),
            main: None,
            main_ended: false,
            untold: 0,
            poll_failures: PollFailures::default(),
            shared: Rc::default(),
            notified: Vec::new(),
            cancels: Vec::new(),
        }
    }

    /// Adds a task that runs `coroutine` (Beazley's `add_task`) and schedules it.
    pub fn spawn<G: Coroutine>(&mut self, coroutine: G) -> JoinHandle<G::Return> {
        let slot = Slot::default();
        let id = self.add_task(NewTask::new(coroutine, slot.clone()));
        JoinHandle { id, slot }
    }

    /// Adds the main task of [`exec::run`](super::run): when it ends, every other task is
    /// cancelled.
    pub(crate) fn spawn_main<G: Coroutine>(&mut self, coroutine: G) -> JoinHandle<G::Return> {
        let handle = self.spawn(coroutine);
        self.main = Some(handle.id);
        handle
    }

    /// Calls `hook` with the id of every task that ends, and how it ended, as it is removed
    /// (the lecture's `Task %d terminated` log).
    pub fn on_exit(&mut self, hook: impl FnMut(TaskId, &Exit) + 'static) {
        self.on_exit = Some(Box::new(hook));
    }

    /// The number of tasks that have not ended, the I/O task included.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether every task has ended.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Runs until every task has ended (Beazley's `event_loop`), or until none can run: the
    /// tasks left, if any, all wait for one another ([`len`](Self::len) tells how many).
    ///
    /// # Errors
    /// If the OS poller fails five times in a row (a failed wait is retried on the I/O task's
    /// next turn, after a pause of 1, 2, 4, then 8 ms). The tasks stay in the scheduler: `run`
    /// may be called again, and dropping the scheduler closes them.
    ///
    /// # Panics
    /// If it is called from a task of a scheduler running on this thread: the running
    /// scheduler's other tasks could not run until this one returned (start the coroutine as
    /// a task with [`sys::spawn`](super::sys::spawn) instead).
    pub fn run(&mut self) -> io::Result<()> {
        let _entered = Entered::new(&self.shared);
        let _current = self.selector.enter();
        self.settle();
        while let Some(id) = self.ready.pop_front() {
            self.run_once(id);
            if let Some(error) = self.poll_failures.fatal.take() {
                return Err(error);
            }
        }
        Ok(())
    }

    /// One turn: runs task `id` until its next system call and carries that call out.
    fn run_once(&mut self, id: TaskId) {
        let Some(entry) = self.tasks.get_mut(id) else {
            return; // killed while it was ready
        };
        let mut reply = Reply(core::mem::take(&mut entry.reply));
        budget::refill();
        loop {
            let Some(entry) = self.tasks.get_mut(id) else {
                return;
            };
            let task = &mut entry.task;
            let ran = catch_unwind(AssertUnwindSafe(|| task.run(reply)));
            // Whom the turn woke is scheduled before the task itself goes on (asyncio's order).
            self.settle();
            match ran {
                // `sys::create_task`: the task goes on in the same turn.
                Ok(Run::SysCall(SysCall(Request::CreateTask(new)))) => {
                    reply = Reply(Answer::TaskId(self.add_task(new)));
                    continue;
                }
                Ok(Run::SysCall(call)) => self.dispatch(id, call),
                Ok(Run::Returned) => self.exit(id, Ok(())),
                Ok(Run::Cancelled) => self.exit(id, Err(TaskEnded::Cancelled)),
                Err(payload) => self.exit(id, Err(TaskEnded::Panicked(message(payload)))),
            }
            break;
        }
        self.settle();
        if self.main_ended {
            self.main_ended = false;
            self.cancel_all();
        }
    }

    /// Cancels every task (asyncio.run's end, once the main task has ended).
    fn cancel_all(&mut self) {
        for id in self.tasks.ids() {
            let _ = self.cancel(id, None);
        }
    }

    /// Carries out the wake-ups and cancellations that plain methods asked for.
    #[inline]
    pub(super) fn settle(&mut self) {
        while self.shared.is_dirty() {
            self.settle_cold();
        }
    }

    #[cold]
    fn settle_cold(&mut self) {
        let (mut notified, mut cancels) = (
            core::mem::take(&mut self.notified),
            core::mem::take(&mut self.cancels),
        );
        self.shared.take(&mut notified, &mut cancels);
        for woken in notified.drain(..) {
            // Still parked? It may have been cancelled, killed or timed out since it was chosen.
            let waits = self.tasks.cold_mut(woken.task);
            if let Some(Waits {
                blocked: Blocked::Notify(_),
                ..
            }) = waits
            {
                self.wake(woken.task, Answer::Notified(woken.pass_on));
            } else if let Some(notify) = woken.pass_on {
                notify.notify_one();
            }
        }
        for id in cancels.drain(..) {
            let _ = self.cancel(id, None);
        }
        (self.notified, self.cancels) = (notified, cancels);
    }

    pub(crate) fn add_task(&mut self, new: NewTask) -> TaskId {
        let entry = Entry {
            task: Task::new(new),
            reply: Answer::Nothing,
        };
        let id = self.tasks.insert(entry, Waits::default());
        self.ready.push_back(id);
        id
    }

    /// Puts task `id` at the back of the ready queue; `answer` is what it is sent next.
    pub(crate) fn schedule(&mut self, id: TaskId, answer: Answer) {
        if let Some(entry) = self.tasks.get_mut(id) {
            entry.reply = answer;
            self.ready.push_back(id);
        }
    }

    /// Removes an ended task, closes what is left of it, and wakes its joiners.
    pub(super) fn exit(&mut self, id: TaskId, how: Exit) {
        let Some((mut entry, waits)) = self.tasks.remove(id) else {
            return;
        };
        self.unblock(id, waits.blocked);
        pass_on(&mut entry.reply);
        for deadline in waits.deadlines {
            match deadline.passed {
                true => self.untold -= 1,
                false => self.timers.cancel(deadline.key),
            }
        }
        if let Err(why) = &how {
            entry.task.end(why.clone());
        }
        for joiner in waits.joiners {
            self.wake(joiner, Answer::Ended(how.clone()));
        }
        for (watcher, index) in waits.watchers {
            if watcher.ended(index, &how) {
                for member in watcher.running() {
                    let _ = self.cancel(member, None);
                }
            }
        }
        if self.io_task == Some(id) {
            self.io_task = None;
        }
        self.main_ended |= self.main == Some(id);
        if let Some(hook) = self.on_exit.as_mut() {
            hook(id, &how);
        }
    }

    pub(crate) fn wait_io(&mut self, id: TaskId, fd: RawFd, interest: Interest, keeper: Keeper) {
        // SAFETY: the generator that asked (`sys::readable` / `sys::writable`, or a `net`
        // socket's operation) borrows the owner of `fd` until it is resumed; the task is
        // resumed only after its wait ends (woken by `poll`, or cancelled by `unblock` when it is
        // killed), and its coroutines are dropped only after `unblock` (`exit`) or
        // `Selector::clear` (`Drop`). A `net` socket asks with `Keeper::Owner` only after it has
        // registered itself in this scheduler's poller, from the turn that made the call.
        // What this cannot rule out: see "I/O safety" in `sys`.
        match unsafe { self.selector.wait_for(fd, interest, id, keeper) } {
            Ok(()) => {
                self.ensure_io_task();
                self.block(id, Blocked::Io(fd, interest));
            }
            Err(e) => self.schedule(id, Answer::Io(Err(e))),
        }
    }

    /// Starts the I/O task if it is not running.
    pub(super) fn ensure_io_task(&mut self) {
        if self.io_task.is_none() {
            let slot = Slot::default();
            self.io_task = Some(self.add_task(NewTask::new(io_task(), slot)));
        }
    }

    /// The I/O task's turn (Beazley's `io_poll`): block in the poller if no other task is
    /// ready, else just look; then wake the tasks whose file descriptor or timer is ready.
    pub(crate) fn poll_io(&mut self, io: TaskId) {
        let now = Instant::now();
        let timeout = if self.tasks.len() == 1 {
            return self.schedule(io, Answer::Alone(true));
        } else if !self.ready.is_empty() {
            Some(Duration::ZERO)
        } else if let Some(deadline) = self.timers.next_deadline() {
            Some(deadline.saturating_duration_since(now))
        } else if self.selector.is_empty() && self.shared.remote_waiters() == 0 {
            // Nothing can wake the tasks left: they wait for one another.
            return self.schedule(io, Answer::Alone(true));
        } else {
            None
        };
        let mut woken = std::mem::take(&mut self.woken);
        let waited = self.selector.poll(timeout, &mut woken);
        if let Some(pause) = self.poll_failures.record(waited) {
            std::thread::sleep(pause);
        }
        notify::deliver_remote(&self.shared);
        self.settle();
        for id in woken.drain(..) {
            self.wake(id, Answer::Io(Ok(())));
        }
        self.woken = woken;
        let mut fired = std::mem::take(&mut self.fired);
        self.timers.expire(Instant::now(), &mut fired);
        for (key, alarm) in fired.drain(..) {
            match alarm {
                // A sleeper whose timeout's deadline fired first in this batch was told of it
                // already (its sleep was cancelled): waking it now would lose that answer.
                Alarm::Wake(id) => {
                    let asleep = self
                        .tasks
                        .cold_mut(id)
                        .is_some_and(|w| matches!(w.blocked, Blocked::Sleep(k) if k == key));
                    if asleep {
                        self.wake(id, Answer::Nothing);
                    }
                }
                Alarm::Deadline(id) => self.deadline_passed(id, key),
            }
        }
        self.fired = fired;
        self.schedule(io, Answer::Alone(false));
    }
}

/// How many times in a row the OS poller may fail before [`Scheduler::run`] returns its error.
const POLL_ATTEMPTS: u32 = 5;

/// The OS poller's failures in a row. A failed wait wakes no one, and the I/O task tries again
/// on its next turn, after a pause that doubles each time (1, 2, 4, 8 ms): a transient
/// shortage may pass. The last failure of [`POLL_ATTEMPTS`] in a row is kept for `run`.
#[derive(Default)]
struct PollFailures {
    in_a_row: u32,
    fatal: Option<io::Error>,
}

impl PollFailures {
    /// Counts the outcome of a wait; evaluates to how long to pause before the next one, if it
    /// failed and is to be retried.
    fn record(&mut self, waited: io::Result<()>) -> Option<Duration> {
        let Err(error) = waited else {
            self.in_a_row = 0;
            return None;
        };
        self.in_a_row += 1;
        if self.in_a_row >= POLL_ATTEMPTS {
            self.in_a_row = 0;
            self.fatal = Some(error);
            None
        } else {
            Some(Duration::from_millis(1 << (self.in_a_row - 1)))
        }
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        // The tasks own the file descriptors that are registered: unregister them first.
        self.selector.clear();
        // A `Notify` may outlive the scheduler: take its tasks off its wait list.
        for id in self.tasks.ids() {
            if let Some(waits) = self.tasks.cold_mut(id)
                && let Blocked::Notify(notify) = core::mem::take(&mut waits.blocked)
            {
                notify.unpark(id);
            }
        }
    }
}

/// The I/O task: polls when its turn comes, ends when it is the only task left.
fn io_task() -> Gen<impl Future<Output = ()>, SysCall, Reply> {
    coroutine(|co| async move {
        loop {
            if let Answer::Alone(true) = co.yield_(SysCall(Request::PollIo)).await.0 {
                return;
            }
        }
    })
}

/// Passes on a `notify_one` wake-up that a task was to be sent but will not see.
pub(super) fn pass_on(reply: &mut Answer) {
    if let Answer::Notified(Some(notify)) = core::mem::take(reply) {
        notify.notify_one();
    }
}

/// The message of a panic's payload.
fn message(payload: Box<dyn Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(payload) => match payload.downcast::<&'static str>() {
            Ok(s) => (*s).to_owned(),
            Err(_) => "a panic with a payload that is not a string".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed() -> io::Result<()> {
        Err(io::Error::from(io::ErrorKind::OutOfMemory))
    }

    #[test]
    fn a_failing_poller_is_retried_after_growing_pauses_then_its_error_is_kept() {
        let mut failures = PollFailures::default();
        let pauses: Vec<_> = (1..POLL_ATTEMPTS)
            .map(|_| failures.record(failed()))
            .collect();
        let ms = |n| Some(Duration::from_millis(n));
        assert_eq!(pauses, [ms(1), ms(2), ms(4), ms(8)]);
        assert!(failures.fatal.is_none());
        assert_eq!(failures.record(failed()), None);
        let fatal = failures
            .fatal
            .take()
            .expect("the fifth failure in a row is kept");
        assert_eq!(fatal.kind(), io::ErrorKind::OutOfMemory);
        // The count starts again: the scheduler may be run again.
        assert_eq!(failures.record(failed()), ms(1));
    }

    #[test]
    fn a_wait_that_succeeds_resets_the_failures_in_a_row() {
        let mut failures = PollFailures::default();
        for _ in 1..POLL_ATTEMPTS {
            failures.record(failed());
        }
        assert_eq!(failures.record(Ok(())), None);
        assert_eq!(failures.record(failed()), Some(Duration::from_millis(1)));
        assert!(failures.fatal.is_none());
    }
}
