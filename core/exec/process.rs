//! Subprocesses for tasks (asyncio's `create_subprocess_exec`): a child spawned from a std
//! [`Command`] whose piped stdin, stdout and stderr are non-blocking and wait through the
//! scheduler's poller, and whose exit is waited for through a pidfd in the same poller (Linux
//! 5.3 or later): no thread, no sleep loop, no `SIGCHLD` handler.
//!
//! ```
//! use corogen::exec::{self, Reply, SysCall, net::BufReader, process};
//! use corogen::prelude::*;
//! use std::process::{Command, Stdio};
//!
//! #[generator(yield = SysCall, send = Reply)]
//! fn count() -> std::io::Result<(Vec<Vec<u8>>, Option<i32>)> {
//!     let mut command = Command::new("sh");
//!     command.args(["-c", "echo one; echo two"]).stdout(Stdio::piped());
//!     let mut child = process::Child::spawn(&mut command)?;
//!     let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
//!     let mut lines = Vec::new();
//!     loop {
//!         let line = yield_from!(stdout.read_line())?; // as the child writes it
//!         if line.is_empty() {
//!             break; // the child closed its stdout
//!         }
//!         lines.push(line);
//!     }
//!     let status = yield_from!(child.wait())?;
//!     Ok((lines, status.code()))
//! }
//!
//! let (lines, code) = exec::run(count()).unwrap()?;
//! assert_eq!(lines, [b"one\n", b"two\n"]);
//! assert_eq!(code, Some(0));
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Ending
//!
//! Dropping a [`Child`] neither kills nor reaps it, as with std: a program [`kill`](Child::kill)s
//! it if it must go, and [`wait`](Child::wait)s for it so that it does not stay a zombie. A task
//! killed while it waits for a child drops its `Child` and with it the wait: the pidfd leaves
//! the poller and is closed; the child runs on.

use core::fmt;
use core::future::Future;
use std::io::{self, ErrorKind};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::process::{Command, ExitStatus};

use rustix::io::Errno;
use rustix::process::{Pid, PidfdFlags, Signal};

use super::net::{Owned, Receive, spend_budget, wait};
use super::selector::Interest;
use super::syscall::{Reply, SysCall, coroutine};
use crate::Gen;

/// A child process; its piped streams, taken out of it (`child.stdout.take()`), are read and
/// written by tasks, and its exit is waited for with [`wait`](Self::wait).
pub struct Child {
    child: std::process::Child,
    /// Readable once the child has exited.
    exit: Owned<OwnedFd>,
    /// The child's stdin, if it was piped ([`Stdio::piped`](std::process::Stdio::piped)).
    pub stdin: Option<ChildStdin>,
    /// The child's stdout, if it was piped.
    pub stdout: Option<ChildStdout>,
    /// The child's stderr, if it was piped.
    pub stderr: Option<ChildStderr>,
}

impl Child {
    /// Spawns `command` (asyncio's `create_subprocess_exec`; for its `create_subprocess_shell`,
    /// a `Command::new("sh").args(["-c", line])`). Its piped streams are made non-blocking.
    ///
    /// # Errors
    /// As [`Command::spawn`]; or if a pipe cannot be made non-blocking or the pidfd cannot be
    /// opened (Linux before 5.3): the child is then killed and reaped.
    pub fn spawn(command: &mut Command) -> io::Result<Self> {
        Self::from_std(command.spawn()?)
    }

    /// Takes over a std child that no one has waited for yet.
    ///
    /// # Errors
    /// As [`spawn`](Self::spawn); the child is then killed and reaped.
    pub fn from_std(mut child: std::process::Child) -> io::Result<Self> {
        match Self::adopt(&mut child) {
            Ok((exit, stdin, stdout, stderr)) => Ok(Self {
                child,
                exit: Owned::new(exit),
                stdin,
                stdout,
                stderr,
            }),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(e)
            }
        }
    }

    /// The pidfd of `child` and its streams, made non-blocking.
    fn adopt(child: &mut std::process::Child) -> io::Result<Streams> {
        // The child is not reaped until this `Child` waits for it, so its pid is still its own.
        let exit = rustix::process::pidfd_open(Pid::from_child(child), PidfdFlags::NONBLOCK)?;
        let stdin = child.stdin.take().map(Pipe::new).transpose()?;
        let stdout = child.stdout.take().map(Pipe::new).transpose()?;
        let stderr = child.stderr.take().map(Pipe::new).transpose()?;
        Ok((
            exit,
            stdin.map(ChildStdin),
            stdout.map(ChildStdout),
            stderr.map(ChildStderr),
        ))
    }

    /// The child's process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the child to exit, and reaps it (asyncio's `process.wait()`): its status; at
    /// once if it has exited already. The child's stdin, if this `Child` still holds it, is
    /// closed first, as std does, so a child that reads it to the end does not wait forever.
    ///
    /// # Errors
    /// As [`std::process::Child::try_wait`]; if the poller refuses the pidfd.
    pub fn wait<'a, E: 'a>(
        &'a mut self,
    ) -> Gen<impl Future<Output = io::Result<ExitStatus>> + 'a, SysCall, Reply, E> {
        coroutine(move |co| async move {
            drop(self.stdin.take());
            loop {
                if let Some(status) = self.child.try_wait()? {
                    return Ok(status);
                }
                wait!(co, self.exit, Interest::Read)?;
            }
        })
    }

    /// The child's status if it has exited (and reaps it), without waiting.
    ///
    /// # Errors
    /// As [`std::process::Child::try_wait`].
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        self.child.try_wait()
    }

    /// Kills the child with `SIGKILL` (asyncio's `kill()`); [`wait`](Self::wait) then reaps
    /// it. Killing a child that has exited already is not an error.
    ///
    /// # Errors
    /// If the signal cannot be sent.
    pub fn kill(&mut self) -> io::Result<()> {
        self.signal(Signal::KILL)
    }

    /// Asks the child to end with `SIGTERM` (asyncio's `terminate()`).
    ///
    /// # Errors
    /// If the signal cannot be sent.
    pub fn terminate(&mut self) -> io::Result<()> {
        self.signal(Signal::TERM)
    }

    /// Sends `signal` through the pidfd: never to another process that took the pid over.
    fn signal(&mut self, signal: Signal) -> io::Result<()> {
        match rustix::process::pidfd_send_signal(&self.exit.io, signal) {
            // It has exited (and may be reaped already): there is no one left to signal.
            Err(Errno::SRCH) => Ok(()),
            other => Ok(other?),
        }
    }
}

impl fmt::Debug for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Child")
            .field("id", &self.id())
            .finish_non_exhaustive()
    }
}

/// What a spawned child gives: its pidfd and its piped streams.
type Streams = (
    OwnedFd,
    Option<ChildStdin>,
    Option<ChildStdout>,
    Option<ChildStderr>,
);

/// A non-blocking pipe and its registration in the poller.
struct Pipe<T: AsFd>(Owned<T>);

impl<T: AsFd> Pipe<T> {
    fn new(io: T) -> io::Result<Self> {
        rustix::io::ioctl_fionbio(&io, true)?;
        Ok(Self(Owned::new(io)))
    }

    fn recv<'a, E: 'a>(
        &'a self,
        buf: &'a mut [u8],
    ) -> Gen<impl Future<Output = io::Result<usize>> + 'a, SysCall, Reply, E> {
        coroutine(move |co| async move {
            loop {
                spend_budget!(co);
                match rustix::io::read(&self.0.io, &mut *buf) {
                    Ok(n) => return Ok(n),
                    Err(Errno::AGAIN) => wait!(co, self.0, Interest::Read)?,
                    Err(Errno::INTR) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        })
    }

    fn send_all<'a, E: 'a>(
        &'a self,
        mut buf: &'a [u8],
    ) -> Gen<impl Future<Output = io::Result<()>> + 'a, SysCall, Reply, E> {
        coroutine(move |co| async move {
            while !buf.is_empty() {
                spend_budget!(co);
                match rustix::io::write(&self.0.io, buf) {
                    Ok(0) => return Err(ErrorKind::WriteZero.into()),
                    Ok(n) => buf = &buf[n..],
                    Err(Errno::AGAIN) => wait!(co, self.0, Interest::Write)?,
                    Err(Errno::INTR) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            Ok(())
        })
    }
}

/// Implements the reading side of a child's output pipe.
macro_rules! output_pipe {
    ($name:ident, $std:ty, $what:literal) => {
        #[doc = concat!("The child's ", $what, ": a pipe whose reads wait through the scheduler; read it")]
        /// through a [`BufReader`](super::net::BufReader) for lines.
        pub struct $name(Pipe<$std>);

        impl $name {
            /// Reads what is there into `buf`, waiting until something is; `Ok(0)` once the
            /// child has closed its end (it exited, most often).
            ///
            /// # Errors
            /// As `read(2)`.
            pub fn recv<'a, E: 'a>(
                &'a self,
                buf: &'a mut [u8],
            ) -> Gen<impl Future<Output = io::Result<usize>> + 'a, SysCall, Reply, E> {
                self.0.recv(buf)
            }
        }

        impl Receive for $name {
            fn recv<'a, E: 'a>(
                &'a self,
                buf: &'a mut [u8],
            ) -> Gen<impl Future<Output = io::Result<usize>> + 'a, SysCall, Reply, E> {
                self.0.recv(buf)
            }
        }

        impl AsFd for $name {
            fn as_fd(&self) -> BorrowedFd<'_> {
                self.0 .0.io.as_fd()
            }
        }

        impl AsRawFd for $name {
            fn as_raw_fd(&self) -> RawFd {
                self.0 .0.io.as_raw_fd()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.0 .0.io).finish()
            }
        }
    };
}

output_pipe!(ChildStdout, std::process::ChildStdout, "stdout");
output_pipe!(ChildStderr, std::process::ChildStderr, "stderr");

/// The child's stdin: a pipe whose writes wait through the scheduler. Dropping it closes the
/// pipe: the child reads the end of its input.
pub struct ChildStdin(Pipe<std::process::ChildStdin>);

impl ChildStdin {
    /// Writes all of `buf`, waiting whenever the pipe is full.
    ///
    /// # Errors
    /// As `write(2)`, e.g. `BrokenPipe` once the child has closed its end.
    pub fn send_all<'a, E: 'a>(
        &'a self,
        buf: &'a [u8],
    ) -> Gen<impl Future<Output = io::Result<()>> + 'a, SysCall, Reply, E> {
        self.0.send_all(buf)
    }
}

impl AsFd for ChildStdin {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.0.io.as_fd()
    }
}

impl AsRawFd for ChildStdin {
    fn as_raw_fd(&self) -> RawFd {
        self.0.0.io.as_raw_fd()
    }
}

impl fmt::Debug for ChildStdin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ChildStdin").field(&self.0.0.io).finish()
    }
}
