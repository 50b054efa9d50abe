//! TCP sockets for tasks: non-blocking std sockets whose operations wait through
//! [`sys::readable`] and [`sys::writable`], so a connection handler reads as straight-line
//! code.
//!
//! ```
//! use corogen::exec::{self, Reply, SysCall, net, sys};
//! use corogen::prelude::*;
//! use std::io::{Read, Write};
//! use std::net::{TcpListener, TcpStream};
//!
//! #[generator(yield = SysCall, send = Reply)]
//! fn echo(conn: TcpStream) -> std::io::Result<()> {
//!     let mut buf = [0; 4096];
//!     loop {
//!         let n = yield_from!(net::recv(&conn, &mut buf))?;
//!         if n == 0 {
//!             return Ok(()); // the peer closed its side
//!         }
//!         yield_from!(net::send_all(&conn, &buf[..n]))?;
//!     }
//! }
//!
//! /// Serves one connection.
//! #[generator(yield = SysCall, send = Reply)]
//! fn serve_one(listener: TcpListener) -> std::io::Result<()> {
//!     let (conn, _peer) = yield_from!(net::accept(&listener))?;
//!     let handler = yield_from!(sys::spawn(echo(conn)));
//!     yield_from!(sys::wait(handler)).expect("the handler returned")
//! }
//!
//! let listener = net::listen("127.0.0.1:0")?;
//! let port = listener.local_addr()?.port();
//! let client = std::thread::spawn(move || -> std::io::Result<Vec<u8>> {
//!     let mut stream = TcpStream::connect(("127.0.0.1", port))?;
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
//! Each operation tries the socket first and waits only if it would block. A task completes at
//! most 32 operations in one turn: then it pauses a turn before the next (a fairness budget), so
//! a peer that never stops sending cannot keep the other tasks from running.

use core::future::Future;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};

use super::syscall::{Reply, SysCall, coroutine};
use super::{budget, sys};
use crate::Gen;

/// A non-blocking listener bound to `addr`.
///
/// # Errors
/// If the address cannot be bound.
pub fn listen(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
    let listener = TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// Accepts a connection, waiting until one comes; the stream is made non-blocking, with
/// Nagle's algorithm off (an echo should not wait for acknowledgements).
///
/// # Errors
/// As [`TcpListener::accept`]; out of file descriptors is `EMFILE`/`ENFILE` (the caller may
/// wait a little and accept again: the connection waits in the backlog).
pub fn accept(
    listener: &TcpListener,
) -> Gen<impl Future<Output = io::Result<(TcpStream, SocketAddr)>> + '_, SysCall, Reply> {
    coroutine(move |co| async move {
        loop {
            while !budget::spend() {
                co.delegate::<_, false>(sys::pause()).await;
            }
            match listener.accept() {
                Ok((stream, peer)) => {
                    stream.set_nonblocking(true)?;
                    stream.set_nodelay(true)?;
                    return Ok((stream, peer));
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    co.delegate::<_, false>(sys::readable(listener)).await?;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    })
}

/// Reads what is there into `buf`, waiting until something is; `Ok(0)` is the end of the
/// stream (the peer closed or half-closed its side).
///
/// # Errors
/// As [`Read::read`], e.g. `ConnectionReset` when the peer reset the connection.
pub fn recv<'a>(
    stream: &'a TcpStream,
    buf: &'a mut [u8],
) -> Gen<impl Future<Output = io::Result<usize>> + 'a, SysCall, Reply> {
    coroutine(move |co| async move {
        loop {
            while !budget::spend() {
                co.delegate::<_, false>(sys::pause()).await;
            }
            match (&mut &*stream).read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    co.delegate::<_, false>(sys::readable(stream)).await?;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    })
}

/// Writes all of `buf`, waiting whenever the socket's buffer is full.
///
/// # Errors
/// As [`Write::write`], e.g. `BrokenPipe` or `ConnectionReset` when the peer went away;
/// `WriteZero` if the socket takes no more bytes.
pub fn send_all<'a>(
    stream: &'a TcpStream,
    mut buf: &'a [u8],
) -> Gen<impl Future<Output = io::Result<()>> + 'a, SysCall, Reply> {
    coroutine(move |co| async move {
        while !buf.is_empty() {
            while !budget::spend() {
                co.delegate::<_, false>(sys::pause()).await;
            }
            match (&mut &*stream).write(buf) {
                Ok(0) => return Err(ErrorKind::WriteZero.into()),
                Ok(n) => buf = &buf[n..],
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    co.delegate::<_, false>(sys::writable(stream)).await?;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    })
}
