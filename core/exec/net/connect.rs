//! Connecting a [`TcpStream`] without blocking the thread: a non-blocking `connect(2)`, a wait
//! until the socket is writable, then its `SO_ERROR` (how every event loop connects).
//!
//! std has no non-blocking connect (`TcpStream::connect` and `connect_timeout` block the
//! thread, and with it every task), so the socket is made and connected with `rustix`.

use core::future::Future;
use std::io::{self, ErrorKind};
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

use rustix::io::Errno;
use rustix::net::{AddressFamily, SocketFlags, SocketType};

use super::{TcpStream, wait};
use crate::Gen;
use crate::exec::selector::Interest;
use crate::exec::syscall::{Reply, SysCall, coroutine};
use crate::exec::{Cancellable, TimedOut};

impl TcpStream {
    /// Connects to `addr`, waiting through the scheduler until the connection is made
    /// (asyncio's `open_connection`); the stream has Nagle's algorithm off, as an accepted
    /// one. Each address `addr` resolves to is tried in turn, as std does.
    ///
    /// Resolving a host name asks the system's resolver, which blocks the thread: give an IP
    /// address (`"127.0.0.1:8080"`, a [`SocketAddr`]) to keep every wait in the poller, or
    /// resolve it in [`sys::to_thread`](crate::exec::sys::to_thread).
    ///
    /// # Errors
    /// The error of the last address tried: `ConnectionRefused` if nothing listens there,
    /// `TimedOut` if the system gave up; `InvalidInput` if `addr` resolves to no address. A
    /// wait outside a task that a [`Scheduler`](crate::exec::Scheduler) runs is an error.
    ///
    /// ```
    /// use corogen::exec::{self, Reply, SysCall, net};
    /// use corogen::prelude::*;
    ///
    /// #[generator(yield = SysCall, send = Reply)]
    /// fn client(addr: std::net::SocketAddr) -> std::io::Result<Vec<u8>> {
    ///     let conn = yield_from!(net::TcpStream::connect(addr))?;
    ///     yield_from!(conn.send_all(b"ping"))?;
    ///     conn.shutdown()?; // the end of what this side sends
    ///     let mut reader = net::BufReader::new(conn);
    ///     yield_from!(reader.read_to_end())
    /// }
    ///
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let addr = listener.local_addr()?;
    /// let server = std::thread::spawn(move || -> std::io::Result<()> {
    ///     use std::io::{Read, Write};
    ///     let (mut conn, _) = listener.accept()?;
    ///     let mut got = Vec::new();
    ///     conn.read_to_end(&mut got)?;
    ///     conn.write_all(&got.to_ascii_uppercase())
    /// });
    /// assert_eq!(exec::run(client(addr)).unwrap()?, b"PING");
    /// server.join().unwrap()?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn connect<A: ToSocketAddrs, E>(
        addr: A,
    ) -> Gen<impl Future<Output = io::Result<TcpStream>>, SysCall, Reply, E> {
        coroutine(move |co| async move {
            let mut last = None;
            for addr in addr.to_socket_addrs()? {
                match co.delegate::<_, false>(connect_to(addr)).await {
                    Ok(stream) => return Ok(stream),
                    Err(e) => last = Some(e),
                }
            }
            Err(last.unwrap_or_else(|| {
                io::Error::new(
                    ErrorKind::InvalidInput,
                    "the address resolves to no address",
                )
            }))
        })
    }
}

impl TcpStream {
    /// [`connect`](Self::connect), given up once `timeout` has passed (asyncio's
    /// `wait_for(open_connection(...), timeout)`): the time is for all the addresses `addr`
    /// resolves to together. A connection attempt given up is closed and leaves the poller.
    ///
    /// # Errors
    /// `TimedOut` if no connection was made in time (like asyncio's `TimeoutError`, an
    /// I/O error); else as [`connect`](Self::connect).
    ///
    /// ```
    /// use corogen::exec::{self, Reply, SysCall, net};
    /// use corogen::prelude::*;
    /// use std::time::Duration;
    ///
    /// #[generator(yield = SysCall, send = Reply)]
    /// fn client(addr: std::net::SocketAddr) -> std::io::Result<std::net::SocketAddr> {
    ///     let conn = yield_from!(net::TcpStream::connect_timeout(addr, Duration::from_secs(5)))?;
    ///     conn.peer_addr()
    /// }
    ///
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let addr = listener.local_addr()?;
    /// assert_eq!(exec::run(client(addr)).unwrap()?, addr);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn connect_timeout<A, E>(
        addr: A,
        timeout: Duration,
    ) -> Gen<impl Future<Output = io::Result<TcpStream>>, SysCall, Reply, E>
    where
        A: ToSocketAddrs + 'static,
        E: Cancellable + 'static,
    {
        coroutine(move |co| async move {
            let connecting = TcpStream::connect(addr);
            match co
                .delegate::<_, false>(crate::exec::timeout(timeout, connecting))
                .await
            {
                Ok(connected) => connected,
                Err(TimedOut) => Err(io::Error::new(
                    ErrorKind::TimedOut,
                    "no connection was made before the timeout",
                )),
            }
        })
    }
}

/// Connects to one address.
fn connect_to<E>(
    addr: SocketAddr,
) -> Gen<impl Future<Output = io::Result<TcpStream>>, SysCall, Reply, E> {
    coroutine(move |co| async move {
        let stream = TcpStream::from_std(start(addr)?)?;
        wait!(co, stream.socket, Interest::Write)?;
        let socket = &stream.socket.io;
        if let Some(error) = socket.take_error()? {
            return Err(error);
        }
        // Writable without an error: connected (else this fails with `NotConnected`).
        socket.peer_addr()?;
        socket.set_nodelay(true)?;
        Ok(stream)
    })
}

/// A non-blocking TCP socket whose connection to `addr` has begun.
fn start(addr: SocketAddr) -> io::Result<std::net::TcpStream> {
    let family = match addr {
        SocketAddr::V4(_) => AddressFamily::INET,
        SocketAddr::V6(_) => AddressFamily::INET6,
    };
    let flags = SocketFlags::NONBLOCK | SocketFlags::CLOEXEC;
    let socket = rustix::net::socket_with(family, SocketType::STREAM, flags, None)?;
    match rustix::net::connect(&socket, &addr) {
        // Made at once (possible on loopback), or under way; interrupted, it goes on too.
        Ok(()) => {}
        Err(e) if e == Errno::INPROGRESS || e == Errno::INTR => {}
        Err(e) => return Err(e.into()),
    }
    Ok(std::net::TcpStream::from(socket))
}
