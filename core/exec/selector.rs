//! The selector: the one module that talks to the OS poller (`polling`), like Beazley's
//! `DefaultSelector` with its `(reader, writer)` pair per file descriptor.
//!
//! A file descriptor is registered while a task waits on it and deleted from the poller as
//! soon as no task does (Beazley's `_remove_reader` / `_remove_writer`), so a task may close
//! its socket whenever it runs.

use std::io;
use std::os::fd::{BorrowedFd, RawFd};
use std::time::Duration;

use polling::{Event, Events, Poller};

use super::task::TaskId;

/// What a task waits for on a file descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Interest {
    Read,
    Write,
}

/// The tasks waiting on one file descriptor.
#[derive(Default, Clone, Copy, PartialEq)]
struct Waiters {
    reader: Option<TaskId>,
    writer: Option<TaskId>,
}

impl Waiters {
    fn event(&self, fd: RawFd) -> Event {
        // A file descriptor is a small non-negative number, so it is a valid key.
        Event::new(fd as usize, self.reader.is_some(), self.writer.is_some())
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

/// The OS poller and who waits on what. The poller is made on first use.
///
/// The waiters are indexed by file descriptor (the OS hands out the lowest free numbers, so
/// the vector stays as long as the highest descriptor waited on): no hashing on the I/O path.
#[derive(Default)]
pub(crate) struct Selector {
    poller: Option<Poller>,
    events: Option<Events>,
    waiting: Vec<Waiters>,
    /// How many file descriptors are registered (have a waiter).
    registered: usize,
}

impl Selector {
    fn poller(&mut self) -> io::Result<&Poller> {
        if self.poller.is_none() {
            self.poller = Some(Poller::new()?);
        }
        Ok(self.poller.as_ref().expect("made above"))
    }

    /// Registers `task` as waiting for `interest` on `fd`.
    ///
    /// # Safety
    /// `fd` must stay open until it is no longer registered: until the task is woken by
    /// [`poll`](Self::poll) or removed with [`remove`](Self::remove).
    pub(crate) unsafe fn wait_for(
        &mut self,
        fd: RawFd,
        interest: Interest,
        task: TaskId,
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
        let event = waiters.event(fd);
        let poller = self.poller()?;
        match before {
            // SAFETY: the caller keeps `fd` open while it is registered, and every path that
            // ends its registration deletes it from the poller.
            None => unsafe { poller.add(fd, event)? },
            // SAFETY: `fd` is registered, so it is open (the caller's contract).
            Some(_) => poller.modify(unsafe { BorrowedFd::borrow_raw(fd) }, event)?,
        }
        if self.waiting.len() <= index {
            self.waiting.resize(index + 1, Waiters::default());
        }
        self.waiting[index] = waiters;
        self.registered += usize::from(before.is_none());
        Ok(())
    }

    /// Who waits on `fd`, if it is a descriptor this selector has seen.
    fn waiters(&self, fd: RawFd) -> Option<Waiters> {
        self.waiting.get(usize::try_from(fd).ok()?).copied()
    }

    /// Ends the wait for `interest` on `fd`, deleting `fd` from the poller if no one else
    /// waits on it.
    pub(crate) fn remove(&mut self, fd: RawFd, interest: Interest) {
        let Some(waiters) = usize::try_from(fd)
            .ok()
            .and_then(|i| self.waiting.get_mut(i))
        else {
            return;
        };
        if waiters.slot(interest).take().is_none() {
            return;
        }
        let waiters = *waiters;
        if !waiters.is_empty() {
            // Re-arm the one-shot registration for the interest that remains.
            self.rearm(fd, waiters);
            return;
        }
        self.registered -= 1;
        if let Some(poller) = self.poller.as_ref() {
            // SAFETY: `fd` was registered until now, so it is open (the contract of `wait_for`).
            let source = unsafe { BorrowedFd::borrow_raw(fd) };
            // An error here leaves nothing to undo: the fd is no longer waited on.
            let _ = poller.delete(source);
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
        let waited = match self.poller() {
            Ok(poller) => poller.wait(&mut events, timeout),
            Err(e) => Err(e),
        };
        for event in events.iter() {
            let fd = event.key as RawFd;
            let Some(waiters) = self.waiters(fd).filter(|waiters| !waiters.is_empty()) else {
                continue;
            };
            let mut ended = false;
            if let (true, Some(reader)) = (event.readable, waiters.reader) {
                woken.push(reader);
                self.remove(fd, Interest::Read);
                ended = true;
            }
            if let (true, Some(writer)) = (event.writable, waiters.writer) {
                woken.push(writer);
                self.remove(fd, Interest::Write);
                ended = true;
            }
            if !ended {
                self.rearm(fd, waiters);
            }
        }
        self.events = Some(events);
        match waited {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(()),
            other => other.map(drop),
        }
    }

    /// Re-enables the one-shot registration of `fd` after an event that woke no one.
    fn rearm(&self, fd: RawFd, waiters: Waiters) {
        if let Some(poller) = self.poller.as_ref() {
            // SAFETY: `fd` is registered, so it is open (the contract of `wait_for`).
            let source = unsafe { BorrowedFd::borrow_raw(fd) };
            let _ = poller.modify(source, waiters.event(fd));
        }
    }

    /// Whether no task waits on any file descriptor.
    pub(crate) fn is_empty(&self) -> bool {
        self.registered == 0
    }

    /// Deletes every registration (the scheduler is going away with its tasks).
    pub(crate) fn clear(&mut self) {
        for fd in 0..self.waiting.len() as RawFd {
            self.remove(fd, Interest::Read);
            self.remove(fd, Interest::Write);
        }
    }
}
