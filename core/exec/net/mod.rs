//! Sockets for tasks: a [`TcpListener`], a [`TcpStream`] and a [`UdpSocket`] own a
//! non-blocking std socket and its registration in the scheduler's OS poller; their operations
//! are generators to delegate to with `yield_from!`, which wait through the scheduler, so a
//! connection handler reads as straight-line code.
//!
//! | asyncio | here |
//! |---|---|
//! | `asyncio.open_connection(host, port)` | [`TcpStream::connect`], [`TcpStream::connect_timeout`] (`wait_for`) |
//! | `asyncio.start_server(handler, ...)` | [`TcpListener::accept`] in a loop, spawning a task per connection |
//! | `reader.read(n)`, `readline()`, `readuntil(sep)`, `readexactly(n)`, `read()` | [`BufReader`]: `read(n)`, `read_line()`, `read_until(sep)`, `read_exact(n)`, `read_to_end()` |
//! | `IncompleteReadError(partial, expected)` | [`IncompleteRead`], inside an `io::Error` of kind `UnexpectedEof` |
//! | `writer.write(data); await writer.drain()` | [`TcpStream::send_all`] |
//! | `writer.write_eof()`, `get_extra_info('peername')` | [`TcpStream::shutdown`], [`TcpStream::peer_addr`] |
//! | `loop.create_datagram_endpoint(...)` | [`UdpSocket`]: `send_to`, `recv_from`, `connect` + `send` / `recv` |
//!
//! ```
//! use corogen::exec::{self, Reply, SysCall, net, sys};
//! use corogen::prelude::*;
//! use std::io::{Read, Write};
//!
//! #[generator(yield = SysCall, send = Reply)]
//! fn echo(conn: net::TcpStream) -> std::io::Result<()> {
//!     let mut buf = [0; 4096];
//!     loop {
//!         let n = yield_from!(conn.recv(&mut buf))?;
//!         if n == 0 {
//!             return Ok(()); // the peer closed its side
//!         }
//!         yield_from!(conn.send_all(&buf[..n]))?;
//!     }
//! }
//!
//! /// Serves one connection.
//! #[generator(yield = SysCall, send = Reply)]
//! fn serve_one(listener: net::TcpListener) -> std::io::Result<()> {
//!     let (conn, _peer) = yield_from!(listener.accept())?;
//!     let handler = yield_from!(sys::spawn(echo(conn)));
//!     yield_from!(sys::wait(handler)).expect("the handler returned")
//! }
//!
//! let listener = net::TcpListener::bind("127.0.0.1:0")?;
//! let port = listener.local_addr()?.port();
//! let client = std::thread::spawn(move || -> std::io::Result<Vec<u8>> {
//!     let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
//!     stream.write_all(b"hello")?;
//!     stream.shutdown(std::net::Shutdown::Write)?;
//!     let mut echoed = Vec::new();
//!     stream.read_to_end(&mut echoed)?;
//!     Ok(echoed)
//! });
//! exec::run(serve_one(listener)).expect("the server returned")?;
//! assert_eq!(client.join().expect("the client ran")?, b"hello");
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Waiting
//!
//! An operation tries the socket first and waits only if it would block. A socket is added to
//! the poller of the scheduler the first time it waits there, and stays registered until it
//! is dropped: a wait re-arms its one-shot registration (one `epoll_ctl` on Linux), where a descriptor
//! lent to [`sys::readable`](super::sys::readable) is added and deleted for each wait. Dropping a socket deletes it
//! from the poller before its descriptor is closed, wherever that happens: in a task, with a
//! killed task, or after the scheduler is gone.
//!
//! After a short read (fewer bytes than the buffer holds), the next [`TcpStream::recv`] waits
//! before it reads, and after a short write, [`TcpStream::send_all`] waits before it writes
//! again: the socket had no more data (or room) at that moment, so trying at once would most
//! likely cost a system call that fails with `WouldBlock`. The guess is safe because the
//! registration is level-triggered and re-arming it checks the socket's readiness at that
//! moment: bytes that came in between make it ready at once. A wrong guess costs a trip through
//! the poller, never a lost wake-up. (tokio drops its readiness after a short read for the same
//! reason.) It would not be safe for data buffered outside the socket, which these types do
//! not do.
//!
//! # Fairness
//!
//! A task completes at most 32 operations in one turn: then it pauses a turn before the next
//! (a fairness budget), so a peer that never stops sending cannot keep the other tasks from
//! running.
//!
//! # Threads
//!
//! A socket is `Send` (it may be made on one thread and served by a scheduler on another) but
//! not `Sync`: it waits under one scheduler at a time. Waiting under another scheduler than
//! the last one moves its registration there.

use core::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd};

use super::selector::{Interest, Keeper, Registration};
use super::syscall::{Request, SysCall};

mod buffered;
mod connect;
mod tcp;
mod udp;

pub use buffered::{BufReader, IncompleteRead, Receive};
pub use tcp::{TcpListener, TcpStream};
pub use udp::UdpSocket;

/// A file descriptor and its registration in a scheduler's poller, deleted before the
/// descriptor closes: a socket here, a pipe in [`process`](super::process).
pub(crate) struct Owned<T: AsFd> {
    pub(crate) registration: Registration,
    pub(crate) io: T,
}

impl<T: AsFd> Owned<T> {
    pub(crate) fn new(io: T) -> Self {
        Self {
            registration: Registration::default(),
            io,
        }
    }

    /// The system call that waits for `interest` on the descriptor, once it is registered in
    /// the running scheduler's poller.
    pub(crate) fn wait_call(&self, interest: Interest) -> io::Result<SysCall> {
        let fd = self.io.as_fd();
        self.registration.ensure(fd)?;
        Ok(SysCall(Request::Io(
            fd.as_raw_fd(),
            interest,
            Keeper::Owner,
        )))
    }
}

impl<T: AsFd> Drop for Owned<T> {
    fn drop(&mut self) {
        // Before `io` is dropped, which closes the descriptor.
        self.registration.delete(self.io.as_fd());
    }
}

impl<T: AsFd + fmt::Debug> fmt::Debug for Owned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.fmt(f)
    }
}

/// Waits for `$interest` on `$owned` (an [`Owned`]) from the body of the coroutine whose
/// handle is `$co`: evaluates to the wait's `io::Result<()>`.
macro_rules! wait {
    ($co:ident, $owned:expr, $interest:expr) => {
        match $owned.wait_call($interest) {
            Ok(call) => match $co.yield_(call).await.0 {
                $crate::exec::syscall::Answer::Io(result) => result,
                _ => $crate::exec::syscall::unexpected("I/O wait"),
            },
            Err(e) => Err(e),
        }
    };
}
pub(crate) use wait;

/// Gives up the rest of the turn while the turn's budget of I/O operations is spent.
macro_rules! spend_budget {
    ($co:ident) => {
        while !$crate::exec::budget::spend() {
            $co.yield_($crate::exec::syscall::SysCall(
                $crate::exec::syscall::Request::Pause,
            ))
            .await;
        }
    };
}
pub(crate) use spend_budget;
