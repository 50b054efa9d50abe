//! The selector: the one module that talks to the OS poller (`polling`), like Beazley's
//! `DefaultSelector` with its `(reader, writer)` pair per file descriptor.
//!
//! Registrations are one-shot (`polling`'s default mode): an event disarms the file
//! descriptor until it is re-armed with `modify`. Two kinds of descriptor are waited on:
//!
//! - A [`net`](super::net) socket keeps its own [`Registration`]: it is added to the poller by
//!   its first wait in a scheduler and deleted when the socket is dropped, before its
//!   descriptor is closed (`polling`'s rule: a source is deleted before it is closed). A wait
//!   only re-arms it: one `epoll_ctl(MOD)`.
//! - A descriptor lent to `sys::readable` / `sys::writable` is added for the wait and deleted as
//!   soon as no task waits on it (Beazley's `_remove_reader` / `_remove_writer`), so its owner
//!   may close it whenever it runs: two `epoll_ctl` per wait.
//!
//! How a socket reaches the poller. While [`Scheduler::run`](super::Scheduler::run) lasts, the
//! scheduler's poller is the thread's current one (a thread-local, like the fairness budget;
//! [`Selector::enter`]), and a socket registers itself in it from the turn of the task that
//! waits on it. The [`Registration`] holds the poller by an `Arc`, so the socket deletes itself
//! wherever it is dropped: in a task's turn, with a killed task, or after `run` returned and
//! the scheduler is gone (the poller then lives until the last socket registered in it). A
//! socket that waits under another scheduler than the one it is registered with moves: it is
//! deleted from the old poller and added to the new one.

use std::cell::{Cell, OnceCell, RefCell};
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use polling::{Event, Events, Poller};

use super::task::TaskId;

/// What a task waits for on a file descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Interest {
    Read,
    Write,
}

/// Who keeps a file descriptor in the poller while a task waits on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keeper {
    /// Its owner, a socket with a [`Registration`] in this selector's poller: a wait re-arms it.
    Owner,
    /// The wait: the descriptor is added for it and deleted when no task waits on it.
    Wait,
}

/// The tasks waiting on one file descriptor.
#[derive(Default, Clone, Copy, PartialEq)]
struct Waiters {
    reader: Option<TaskId>,
    writer: Option<TaskId>,
    /// Whether its owner keeps it registered ([`Keeper::Owner`]), rather than the wait.
    owned: bool,
}

impl Waiters {
    fn event(&self, fd: RawFd) -> Event {
        Event::new(key(fd), self.reader.is_some(), self.writer.is_some())
    }

    fn is_empty(&self) -> bool {
        self.reader.is_none() && self.writer.is_none()
    }

    fn slot(&mut self, interest: Interest) -> &mut Option<TaskId> {
        match interest {
            Interest::Read => &mut self.reader,
            Interest::Write => &mut self.writer,
        }
    }
}

/// The key of a file descriptor's events: the descriptor itself (a small non-negative number,
/// unique among the open ones, and a registration is deleted before its descriptor closes).
fn key(fd: RawFd) -> usize {
    fd as usize
}

/// A scheduler's OS poller, made on first use.
#[derive(Default)]
struct LazyPoller(OnceCell<Arc<Poller>>);

impl LazyPoller {
    fn get(&self) -> io::Result<&Arc<Poller>> {
        if let Some(poller) = self.0.get() {
            return Ok(poller);
        }
        let poller = Arc::new(Poller::new()?);
        Ok(self.0.get_or_init(|| poller))
    }

    fn made(&self) -> Option<&Arc<Poller>> {
        self.0.get()
    }
}

thread_local! {
    /// The poller of the scheduler running on this thread, while its `run` lasts.
    static CURRENT: RefCell<Option<Rc<LazyPoller>>> = const { RefCell::new(None) };
}

/// The poller of the scheduler running on this thread, made if need be: what a
/// [`RemoteNotify`](super::RemoteNotify) wakes the scheduler through, from another thread.
///
/// # Errors
/// If no scheduler runs on this thread, or its poller cannot be made.
pub(crate) fn current_poller() -> io::Result<Arc<Poller>> {
    CURRENT.with_borrow(|current| match current {
        Some(poller) => poller.get().cloned(),
        None => Err(io::Error::other("no scheduler runs on this thread")),
    })
}

/// While it lives, a selector's poller is the thread's current one; dropping it restores the
/// one before (a scheduler run from a task of another).
pub(crate) struct Entered {
    previous: Option<Rc<LazyPoller>>,
}

impl Drop for Entered {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CURRENT.with(|current| current.replace(previous));
    }
}

/// A socket's place in a scheduler's poller (see the module docs): empty until the socket's
/// first wait. Its owner deletes it ([`delete`](Self::delete)) before it closes its descriptor.
#[derive(Default)]
pub(crate) struct Registration(Cell<Option<Arc<Poller>>>);

impl Registration {
    /// Makes sure `fd` is registered, with no interest yet, in the poller of the scheduler
    /// running on this thread, moving it there from another poller if it was in one.
    ///
    /// # Errors
    /// If no scheduler runs on this thread, or its poller cannot be made or refuses `fd`.
    pub(crate) fn ensure(&self, fd: BorrowedFd<'_>) -> io::Result<()> {
        CURRENT.with_borrow(|current| {
            let current = current.as_ref().ok_or_else(|| {
                io::Error::other("a socket waits only in a task that a Scheduler runs")
            })?;
            let poller = current.get()?;
            match self.0.take() {
                Some(held) if Arc::ptr_eq(&held, poller) => {
                    self.0.set(Some(held));
                    return Ok(());
                }
                Some(old) => {
                    let _ = old.delete(fd);
                }
                None => {}
            }
            // SAFETY: the socket that owns `fd` deletes it from this poller before it closes it
            // (`delete`, from the socket's `Drop`).
            match unsafe { poller.add(fd.as_raw_fd(), Event::none(key(fd.as_raw_fd()))) } {
                // A lent wait on the same descriptor (`sys::readable`) has added it. The socket
                // waits in this same turn, and `wait_for` then marks the descriptor as owned,
                // so the lent wait's end leaves it registered.
                Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
                _ => {}
            }
            self.0.set(Some(Arc::clone(poller)));
            Ok(())
        })
    }

    /// Deletes `fd` from the poller it is registered in, if any: its owner calls this before
    /// it closes `fd`.
    pub(crate) fn delete(&self, fd: BorrowedFd<'_>) {
        if let Some(poller) = self.0.take() {
            // An error leaves nothing to undo: the descriptor is about to be closed.
            let _ = poller.delete(fd);
        }
    }
}

/// The OS poller and who waits on what. The poller is made on first use.
///
/// The waiters are indexed by file descriptor (the OS hands out the lowest free numbers, so
/// the vector stays as long as the highest descriptor waited on): no hashing on the I/O path.
#[derive(Default)]
pub(crate) struct Selector {
    poller: Rc<LazyPoller>,
    events: Option<Events>,
    waiting: Vec<Waiters>,
    /// How many file descriptors have a waiter.
    waited: usize,
}

impl Selector {
    /// Makes this selector's poller the thread's current one until the guard is dropped.
    pub(crate) fn enter(&self) -> Entered {
        let this = Some(Rc::clone(&self.poller));
        Entered {
            previous: CURRENT.with(|current| current.replace(this)),
        }
    }

    /// Registers `task` as waiting for `interest` on `fd`.
    ///
    /// # Safety
    /// `fd` must stay open until it is no longer waited on: until the task is woken by
    /// [`poll`](Self::poll) or its wait is [cancelled](Self::cancel). If `keeper` is
    /// [`Keeper::Owner`], `fd` belongs to a socket whose [`Registration`] is in this selector's
    /// poller.
    pub(crate) unsafe fn wait_for(
        &mut self,
        fd: RawFd,
        interest: Interest,
        task: TaskId,
        keeper: Keeper,
    ) -> io::Result<()> {
        let index = usize::try_from(fd)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a negative fd"))?;
        let before = self.waiters(fd).filter(|waiters| !waiters.is_empty());
        let mut waiters = before.unwrap_or_default();
        if waiters.slot(interest).is_some() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "another task already waits for this on the file descriptor",
            ));
        }
        *waiters.slot(interest) = Some(task);
        waiters.owned |= keeper == Keeper::Owner;
        let poller = self.poller.get()?;
        let event = waiters.event(fd);
        // SAFETY: `fd` is open while it is waited on (the caller's contract).
        let source = unsafe { BorrowedFd::borrow_raw(fd) };
        let registered = before.is_some() || keeper == Keeper::Owner;
        let armed = if registered {
            poller.modify(source, event)
        } else {
            // SAFETY: `fd` stays open while it is waited on (the caller's contract), and the
            // last of its waits to end deletes it (`settle`), or `clear` does.
            unsafe { poller.add(fd, event) }.map_err(not_pollable)
        };
        match armed {
            Ok(()) => {}
            // A lent descriptor that its owner, a socket, keeps registered: re-arm it, and
            // leave it registered after the wait.
            Err(e) if !registered && e.kind() == io::ErrorKind::AlreadyExists => {
                poller.modify(source, event)?;
                waiters.owned = true;
            }
            Err(e) => return Err(e),
        }
        if self.waiting.len() <= index {
            self.waiting.resize(index + 1, Waiters::default());
        }
        self.waiting[index] = waiters;
        self.waited += usize::from(before.is_none());
        Ok(())
    }

    /// Who waits on `fd`, if it is a descriptor this selector has seen.
    fn waiters(&self, fd: RawFd) -> Option<Waiters> {
        self.waiting.get(usize::try_from(fd).ok()?).copied()
    }

    /// Ends the wait for `interest` on `fd` without an event (its task was killed).
    pub(crate) fn cancel(&mut self, fd: RawFd, interest: Interest) {
        let Some(mut left) = self.waiters(fd).filter(|waiters| !waiters.is_empty()) else {
            return;
        };
        if left.slot(interest).take().is_some() {
            self.settle(fd, left, false);
        }
    }

    /// Leaves `left` waiting on `fd`, a descriptor that had waiters, and makes the poller
    /// agree: re-armed for them, or, if no one is left, disarmed (a socket's registration, which
    /// an event that `fired` has disarmed already) or deleted (a lent descriptor).
    fn settle(&mut self, fd: RawFd, left: Waiters, fired: bool) {
        let index = key(fd);
        if !left.is_empty() {
            self.waiting[index] = left;
            self.arm(fd, left);
            return;
        }
        self.waiting[index] = Waiters::default();
        self.waited -= 1;
        let Some(poller) = self.poller.made() else {
            return;
        };
        // SAFETY: `fd` was waited on until now, so it is open (the contract of `wait_for`).
        let source = unsafe { BorrowedFd::borrow_raw(fd) };
        // An error here leaves nothing to undo: no one waits on the descriptor any more.
        match (left.owned, fired) {
            (true, true) => {}
            (true, false) => {
                let _ = poller.modify(source, Event::none(key(fd)));
            }
            (false, _) => {
                let _ = poller.delete(source);
            }
        }
    }

    /// Waits up to `timeout` (`None`: until an event) and moves the tasks whose file
    /// descriptor is ready to `woken`, ending their waits.
    pub(crate) fn poll(
        &mut self,
        timeout: Option<Duration>,
        woken: &mut Vec<TaskId>,
    ) -> io::Result<()> {
        let mut events = self.events.take().unwrap_or_default();
        events.clear();
        let waited = match self.poller.get() {
            Ok(poller) => poller.wait(&mut events, timeout),
            Err(e) => Err(e),
        };
        for event in events.iter() {
            self.fire(event, woken);
        }
        self.events = Some(events);
        interrupted_is_ok(waited)
    }

    /// Wakes the waiters that `event` concerns; the others wait on.
    fn fire(&mut self, event: Event, woken: &mut Vec<TaskId>) {
        let fd = event.key as RawFd;
        // A descriptor no one waits on: the one-shot event has disarmed it.
        let Some(mut left) = self.waiters(fd).filter(|waiters| !waiters.is_empty()) else {
            return;
        };
        if event.readable {
            woken.extend(left.reader.take());
        }
        if event.writable {
            woken.extend(left.writer.take());
        }
        self.settle(fd, left, true);
    }

    /// Arms the one-shot registration of `fd` for `waiters`.
    fn arm(&self, fd: RawFd, waiters: Waiters) {
        if let Some(poller) = self.poller.made() {
            // SAFETY: `fd` is waited on, so it is open (the contract of `wait_for`).
            let source = unsafe { BorrowedFd::borrow_raw(fd) };
            let _ = poller.modify(source, waiters.event(fd));
        }
    }

    /// Whether no task waits on any file descriptor.
    pub(crate) fn is_empty(&self) -> bool {
        self.waited == 0
    }

    /// Ends every wait (the scheduler is going away with its tasks): lent descriptors are
    /// deleted from the poller; sockets delete their own registrations when they are dropped.
    pub(crate) fn clear(&mut self) {
        for fd in 0..self.waiting.len() as RawFd {
            let Some(waiters) = self.waiters(fd).filter(|waiters| !waiters.is_empty()) else {
                continue;
            };
            let left = Waiters {
                owned: waiters.owned,
                ..Waiters::default()
            };
            self.settle(fd, left, false);
        }
    }
}

/// The poller's refusal of a descriptor, said plainly if it refused it because it names a
/// regular file or a directory (`EPERM` from epoll): those are always "ready", so the OS poller
/// does not take them.
fn not_pollable(error: io::Error) -> io::Error {
    if rustix::io::Errno::from_io_error(&error) != Some(rustix::io::Errno::PERM) {
        return error;
    }
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "regular files and directories cannot be polled (their reads never wait): read them \
         directly, or on the thread pool (`sys::to_thread`) not to hold up the other tasks",
    )
}

/// What a wait for events comes to: a wait interrupted by a signal is a wait that woke no one
/// (`polling` retries one itself; this is the selector's guard if it does not).
fn interrupted_is_ok(waited: io::Result<usize>) -> io::Result<()> {
    match waited {
        Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(()),
        other => other.map(drop),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interrupted_wait_wakes_no_one_and_is_not_an_error() {
        let interrupted = io::Error::from(io::ErrorKind::Interrupted);
        assert!(interrupted_is_ok(Err(interrupted)).is_ok());
        assert!(interrupted_is_ok(Ok(3)).is_ok());
        let failed = interrupted_is_ok(Err(io::Error::from_raw_os_error(9)));
        assert_eq!(failed.unwrap_err().raw_os_error(), Some(9));
    }

    #[test]
    fn a_refusal_of_a_regular_file_is_said_plainly_and_others_are_left_as_they_are() {
        let refused = not_pollable(rustix::io::Errno::PERM.into());
        assert_eq!(refused.kind(), io::ErrorKind::InvalidInput);
        assert!(refused.to_string().contains("regular files"), "{refused}");
        let other = not_pollable(rustix::io::Errno::BADF.into());
        assert_eq!(
            other.raw_os_error(),
            Some(rustix::io::Errno::BADF.raw_os_error())
        );
    }

    #[test]
    fn a_registration_outside_a_scheduler_run_is_refused() {
        let (socket, _peer) = std::os::unix::net::UnixStream::pair().unwrap();
        let registration = Registration::default();
        let refused = registration.ensure(std::os::fd::AsFd::as_fd(&socket));
        assert_eq!(refused.unwrap_err().kind(), io::ErrorKind::Other);
    }

    #[test]
    fn entering_a_selector_inside_another_restores_the_outer_one() {
        let (outer, inner) = (Selector::default(), Selector::default());
        let current = || CURRENT.with_borrow(|c| c.as_ref().map(Rc::as_ptr));
        let entered = outer.enter();
        {
            let _inner = inner.enter();
            assert_eq!(current(), Some(Rc::as_ptr(&inner.poller)));
        }
        assert_eq!(current(), Some(Rc::as_ptr(&outer.poller)));
        drop(entered);
        assert_eq!(current(), None);
    }
}
