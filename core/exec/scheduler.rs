//! The scheduler: a FIFO ready queue, a task table, and the main loop, as in Beazley's
//! `Scheduler`; the I/O task that polls the OS when its turn comes (Beazley's `io_task`).

use core::any::Any;
use core::convert::Infallible;
use core::future::Future;
use core::hash::{BuildHasherDefault, Hasher};
use std::collections::{HashMap, VecDeque};
use std::os::fd::RawFd;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use super::selector::{Interest, Selector};
use super::syscall::{Answer, Reply, Request, SysCall, coroutine};
use super::task::{JoinHandle, NewTask, Run, Slot, Task, TaskEnded, TaskId};
use super::timer::{TimerKey, Timers};
use crate::{Gen, Generator};

/// Hashes a task id: ids are distinct counters, so one multiplication spreads them.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type Table<V> = HashMap<TaskId, V, BuildHasherDefault<IdHasher>>;

/// What a task that is not ready waits for.
#[derive(Clone, Copy)]
enum Blocked {
    No,
    Sleep(TimerKey),
    Io(RawFd, Interest),
    Join(TaskId),
}

/// A task in the table, with what it waits for and who waits for it.
struct Entry {
    task: Task,
    blocked: Blocked,
    joiners: Vec<TaskId>,
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
/// sched.run();
/// assert_eq!(*log.borrow(), ["a0", "b0", "a1", "b1"]);
/// ```
pub struct Scheduler {
    ready: VecDeque<(TaskId, Answer)>,
    tasks: Table<Entry>,
    selector: Selector,
    timers: Timers,
    io_task: Option<TaskId>,
    last_id: u64,
    on_exit: Option<ExitHook>,
    woken: Vec<TaskId>,
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
            last_id: 0,
            on_exit: None,
            woken: Vec::new(),
        }
    }

    /// Adds a task that runs `coroutine` (Beazley's `add_task`) and schedules it.
    pub fn spawn<G>(&mut self, coroutine: G) -> JoinHandle<G::Return>
    where
        G: Generator<Yield = SysCall, Send = Reply, Throw = Infallible> + 'static,
        G::Return: 'static,
    {
        let slot = Slot::default();
        let id = self.add_task(NewTask::new(coroutine, slot.clone()));
        JoinHandle { id, slot }
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
    /// tasks left, if any, all wait for one another.
    pub fn run(&mut self) {
        while !self.tasks.is_empty() {
            let Some((id, answer)) = self.ready.pop_front() else {
                return;
            };
            self.run_once(id, Reply(answer));
        }
    }

    /// One turn: runs task `id` until its next system call and carries that call out.
    fn run_once(&mut self, id: TaskId, reply: Reply) {
        let Some(entry) = self.tasks.get_mut(&id) else {
            return; // killed while it was ready
        };
        let task = &mut entry.task;
        match catch_unwind(AssertUnwindSafe(|| task.run(reply))) {
            Ok(Run::SysCall(call)) => self.dispatch(id, call),
            Ok(Run::Returned) => self.exit(id, Ok(())),
            Err(payload) => self.exit(id, Err(TaskEnded::Panicked(message(payload)))),
        }
    }

    pub(crate) fn add_task(&mut self, new: NewTask) -> TaskId {
        self.last_id += 1;
        let id = TaskId(self.last_id);
        let entry = Entry {
            task: Task::new(new),
            blocked: Blocked::No,
            joiners: Vec::new(),
        };
        self.tasks.insert(id, entry);
        self.schedule(id, Answer::Nothing);
        id
    }

    /// Puts task `id` at the back of the ready queue; `answer` is what it is sent next.
    pub(crate) fn schedule(&mut self, id: TaskId, answer: Answer) {
        self.ready.push_back((id, answer));
    }

    /// Removes an ended task, closes what is left of it, and wakes its joiners.
    fn exit(&mut self, id: TaskId, how: Exit) {
        let Some(entry) = self.tasks.remove(&id) else {
            return;
        };
        self.unblock(id, entry.blocked);
        if let Err(why) = &how {
            entry.task.end(why.clone());
        }
        for joiner in entry.joiners {
            self.wake(joiner, Answer::Ended(how.clone()));
        }
        if self.io_task == Some(id) {
            self.io_task = None;
        }
        if let Some(hook) = self.on_exit.as_mut() {
            hook(id, &how);
        }
    }

    /// Ends whatever task `id` waits for, without waking it.
    fn unblock(&mut self, id: TaskId, blocked: Blocked) {
        match blocked {
            Blocked::No => {}
            Blocked::Sleep(key) => self.timers.cancel(key),
            Blocked::Io(fd, interest) => self.selector.remove(fd, interest),
            Blocked::Join(target) => {
                if let Some(entry) = self.tasks.get_mut(&target) {
                    entry.joiners.retain(|&j| j != id);
                }
            }
        }
    }

    /// Schedules a blocked task with `answer`.
    fn wake(&mut self, id: TaskId, answer: Answer) {
        if let Some(entry) = self.tasks.get_mut(&id) {
            entry.blocked = Blocked::No;
            self.schedule(id, answer);
        }
    }

    fn block(&mut self, id: TaskId, blocked: Blocked) {
        if let Some(entry) = self.tasks.get_mut(&id) {
            entry.blocked = blocked;
        }
    }

    /// Kills task `target`: unregisters what it waits for, closes its stack innermost first,
    /// tells its joiners.
    pub(crate) fn kill(&mut self, target: TaskId) -> Result<(), TaskEnded> {
        if !self.tasks.contains_key(&target) {
            return Err(TaskEnded::Unknown);
        }
        self.exit(target, Err(TaskEnded::Killed));
        if !(self.selector.is_empty() && self.timers.is_empty()) {
            self.ensure_io_task();
        }
        Ok(())
    }

    /// Makes task `id` wait for task `target` to end.
    pub(crate) fn join(&mut self, id: TaskId, target: TaskId) {
        match self.tasks.get_mut(&target) {
            Some(entry) if target != id => {
                entry.joiners.push(id);
                self.block(id, Blocked::Join(target));
            }
            _ => self.schedule(id, Answer::Ended(Err(TaskEnded::Unknown))),
        }
    }

    pub(crate) fn sleep(&mut self, id: TaskId, deadline: Instant) {
        self.ensure_io_task();
        let key = self.timers.add(deadline, id);
        self.block(id, Blocked::Sleep(key));
    }

    pub(crate) fn wait_io(&mut self, id: TaskId, fd: RawFd, interest: Interest) {
        // SAFETY: the generator that asked (`sys::readable` / `sys::writable`) borrows the
        // owner of `fd` until it is resumed; the task is resumed only after `fd` is
        // unregistered (woken by `poll`, or `unblock` when it is killed), and its coroutines
        // are dropped only after `unblock` (`exit`) or `Selector::clear` (`Drop`).
        match unsafe { self.selector.wait_for(fd, interest, id) } {
            Ok(()) => {
                self.ensure_io_task();
                self.block(id, Blocked::Io(fd, interest));
            }
            Err(e) => self.schedule(id, Answer::Io(Err(e))),
        }
    }

    /// Starts the I/O task if it is not running.
    fn ensure_io_task(&mut self) {
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
        } else if self.selector.is_empty() {
            // Nothing can wake the tasks left: they wait for one another.
            return self.schedule(io, Answer::Alone(true));
        } else {
            None
        };
        let mut woken = std::mem::take(&mut self.woken);
        // A failed wait wakes no one; the next turn tries again.
        let _ = self.selector.poll(timeout, &mut woken);
        for id in woken.drain(..) {
            self.wake(id, Answer::Io(Ok(())));
        }
        self.timers.expire(Instant::now(), &mut woken);
        for id in woken.drain(..) {
            self.wake(id, Answer::Nothing);
        }
        self.woken = woken;
        self.schedule(io, Answer::Alone(false));
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        // The tasks own the file descriptors that are registered: unregister them first.
        self.selector.clear();
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
