//! TCP: a listener whose `accept` waits, and a connected stream whose reads and writes wait.

use core::cell::Cell;
use core::fmt;
use core::future::Future;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, ToSocketAddrs};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

use super::buffered::{IncompleteRead, Receive};
use super::{Owned, spend_budget, wait};
use crate::Gen;
use crate::exec::selector::Interest;
use crate::exec::syscall::{Reply, SysCall, coroutine};

/// A TCP listener whose [`accept`](Self::accept) waits through the scheduler.
///
/// ```
/// use corogen::exec::{self, Reply, SysCall, net};
/// use corogen::prelude::*;
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn accept_one(listener: net::TcpListener) -> std::io::Result<std::net::SocketAddr> {
///     let (conn, peer) = yield_from!(listener.accept())?;
///     assert_eq!(conn.get_ref().peer_addr()?, peer);
///     Ok(peer)
/// }
///
/// let listener = net::TcpListener::bind("127.0.0.1:0")?;
/// let client = std::net::TcpStream::connect(listener.local_addr()?)?;
/// let peer = exec::run(accept_one(listener)).unwrap()?;
/// assert_eq!(peer, client.local_addr()?);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct TcpListener(Owned<std::net::TcpListener>);

impl TcpListener {
    /// A non-blocking listener bound to `addr`.
    ///
    /// # Errors
    /// If the address cannot be bound.
    pub fn bind(addr: impl ToSocketAddrs) -> io::Result<Self> {
        Self::from_std(std::net::TcpListener::bind(addr)?)
    }

    /// Takes over a std listener, making it non-blocking.
    ///
    /// # Errors
    /// If it cannot be made non-blocking.
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<Self> {
        listener.set_nonblocking(true)?;
        Ok(Self(Owned::new(listener)))
    }

    /// The address the listener is bound to.
    ///
    /// # Errors
    /// As [`std::net::TcpListener::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.io.local_addr()
    }

    /// The std listener, for what this type does not wrap (it must stay non-blocking).
    pub fn get_ref(&self) -> &std::net::TcpListener {
        &self.0.io
    }

    /// Accepts a connection, waiting until one comes; the stream is non-blocking, with Nagle's
    /// algorithm off (an echo should not wait for acknowledgements).
    ///
    /// # Errors
    /// As [`std::net::TcpListener::accept`]; out of file descriptors is `EMFILE`/`ENFILE` (the
    /// caller may wait a little and accept again: the connection waits in the backlog). A wait
    /// outside a task that a [`Scheduler`](crate::exec::Scheduler) runs is an error.
    pub fn accept<'a, E: 'a>(
        &'a self,
    ) -> Gen<impl Future<Output = io::Result<(TcpStream, SocketAddr)>> + 'a, SysCall, Reply, E>
    {
        coroutine(move |co| async move {
            loop {
                spend_budget!(co);
                match self.0.io.accept() {
                    Ok((stream, peer)) => {
                        stream.set_nodelay(true)?;
                        return Ok((TcpStream::from_std(stream)?, peer));
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {
                        wait!(co, self.0, Interest::Read)?;
                    }
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        })
    }
}

impl AsFd for TcpListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.io.as_fd()
    }
}

impl AsRawFd for TcpListener {
    fn as_raw_fd(&self) -> RawFd {
        self.0.io.as_raw_fd()
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TcpListener").field(&self.0.io).finish()
    }
}

/// A TCP connection whose [`recv`](Self::recv) and [`send_all`](Self::send_all) wait through
/// the scheduler. [`TcpListener::accept`] makes them; [`from_std`](Self::from_std) takes over
/// a connected std stream.
///
/// ```
/// use corogen::exec::{self, Reply, SysCall, net};
/// use corogen::prelude::*;
/// use std::io::{Read, Write};
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn shout(conn: net::TcpStream) -> std::io::Result<()> {
///     let mut buf = [0; 64];
///     let n = yield_from!(conn.recv(&mut buf))?;
///     let loud = buf[..n].to_ascii_uppercase();
///     yield_from!(conn.send_all(&loud))
/// }
///
/// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
/// let mut client = std::net::TcpStream::connect(listener.local_addr()?)?;
/// let (server_side, _) = listener.accept()?;
/// client.write_all(b"hi")?;
/// exec::run(shout(net::TcpStream::from_std(server_side)?)).unwrap()?;
/// let mut got = [0; 2];
/// client.read_exact(&mut got)?;
/// assert_eq!(&got, b"HI");
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct TcpStream {
    /// Whether the last read was short: the socket had no more data then.
    drained: Cell<bool>,
    pub(super) socket: Owned<std::net::TcpStream>,
}

impl TcpStream {
    /// Takes over a connected std stream, making it non-blocking.
    ///
    /// # Errors
    /// If it cannot be made non-blocking.
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<Self> {
        stream.set_nonblocking(true)?;
        Ok(Self {
            drained: Cell::new(false),
            socket: Owned::new(stream),
        })
    }

    /// The std stream, for what this type does not wrap (addresses, shutdown, options; it must
    /// stay non-blocking). Reading through it directly is allowed, but [`recv`](Self::recv) is
    /// the cheaper way.
    pub fn get_ref(&self) -> &std::net::TcpStream {
        &self.socket.io
    }

    /// Reads what is there into `buf`, waiting until something is; `Ok(0)` is the end of the
    /// stream (the peer closed or half-closed its side).
    ///
    /// # Errors
    /// As [`Read::read`], e.g. `ConnectionReset` when the peer reset the connection;
    /// `AlreadyExists` if another task waits to read this socket.
    pub fn recv<'a, E: 'a>(
        &'a self,
        buf: &'a mut [u8],
    ) -> Gen<impl Future<Output = io::Result<usize>> + 'a, SysCall, Reply, E> {
        coroutine(move |co| async move {
            if self.drained.get() {
                wait!(co, self.socket, Interest::Read)?;
            }
            loop {
                spend_budget!(co);
                match (&self.socket.io).read(buf) {
                    Ok(n) => {
                        self.drained.set(0 < n && n < buf.len());
                        return Ok(n);
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {
                        wait!(co, self.socket, Interest::Read)?;
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
    pub fn send_all<'a, E: 'a>(
        &'a self,
        mut buf: &'a [u8],
    ) -> Gen<impl Future<Output = io::Result<()>> + 'a, SysCall, Reply, E> {
        coroutine(move |co| async move {
            while !buf.is_empty() {
                spend_budget!(co);
                match (&self.socket.io).write(buf) {
                    Ok(0) => return Err(ErrorKind::WriteZero.into()),
                    Ok(n) if n == buf.len() => return Ok(()),
                    Ok(n) => {
                        // A short write: the socket's buffer is full for now.
                        buf = &buf[n..];
                        wait!(co, self.socket, Interest::Write)?;
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {
                        wait!(co, self.socket, Interest::Write)?;
                    }
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(())
        })
    }

    /// Reads exactly `buf.len()` bytes, waiting as long as it takes.
    ///
    /// # Errors
    /// If the stream ends first, an [`IncompleteRead`] (kind `UnexpectedEof`) with the bytes
    /// that came; else as [`recv`](Self::recv).
    ///
    /// ```
    /// use corogen::exec::{self, Reply, SysCall, net};
    /// use corogen::prelude::*;
    /// use std::io::Write;
    ///
    /// #[generator(yield = SysCall, send = Reply)]
    /// fn read_two(conn: net::TcpStream) -> std::io::Result<net::IncompleteRead> {
    ///     let mut header = [0; 4];
    ///     yield_from!(conn.read_exact(&mut header))?;
    ///     assert_eq!(&header, b"abcd");
    ///     let mut body = [0; 10];
    ///     let short = yield_from!(conn.read_exact(&mut body)).unwrap_err();
    ///     Ok(short.downcast::<net::IncompleteRead>().expect("the stream ended"))
    /// }
    ///
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let mut client = std::net::TcpStream::connect(listener.local_addr()?)?;
    /// let conn = net::TcpStream::from_std(listener.accept()?.0)?;
    /// client.write_all(b"abcdxyz")?;
    /// drop(client);
    /// let short = exec::run(read_two(conn)).unwrap()?;
    /// assert_eq!((short.partial, short.expected), (b"xyz".to_vec(), Some(10)));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn read_exact<'a, E: 'a>(
        &'a self,
        buf: &'a mut [u8],
    ) -> Gen<impl Future<Output = io::Result<()>> + 'a, SysCall, Reply, E> {
        coroutine(move |co| async move {
            let mut got = 0;
            while got < buf.len() {
                match co.delegate::<_, false>(self.recv(&mut buf[got..])).await? {
                    0 => {
                        let partial = buf[..got].to_vec();
                        let expected = Some(buf.len());
                        return Err(IncompleteRead { partial, expected }.into());
                    }
                    n => got += n,
                }
            }
            Ok(())
        })
    }

    /// Ends what this side sends (asyncio's `write_eof`): the peer reads the end of the
    /// stream once it has read everything sent before; this side may still read.
    ///
    /// # Errors
    /// As [`std::net::TcpStream::shutdown`], e.g. `NotConnected`.
    pub fn shutdown(&self) -> io::Result<()> {
        self.socket.io.shutdown(Shutdown::Write)
    }

    /// The address of the peer (asyncio's `get_extra_info('peername')`).
    ///
    /// # Errors
    /// As [`std::net::TcpStream::peer_addr`].
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.socket.io.peer_addr()
    }

    /// The address of this side (asyncio's `get_extra_info('sockname')`).
    ///
    /// # Errors
    /// As [`std::net::TcpStream::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.io.local_addr()
    }

    /// Waits until the socket is readable: data, the end of the stream or an error (Beazley's
    /// `ReadWait`), for a program that reads through [`get_ref`](Self::get_ref).
    ///
    /// # Errors
    /// If the OS poller refuses the socket, or another task already waits to read it.
    ///
    /// ```
    /// use corogen::exec::{self, Reply, SysCall, net};
    /// use corogen::prelude::*;
    /// use std::io::{Read, Write};
    ///
    /// #[generator(yield = SysCall, send = Reply)]
    /// fn read_some(conn: net::TcpStream) -> std::io::Result<Vec<u8>> {
    ///     yield_from!(conn.readable())?;
    ///     let mut buf = [0; 16];
    ///     let n = conn.get_ref().read(&mut buf)?;
    ///     Ok(buf[..n].to_vec())
    /// }
    ///
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let mut client = std::net::TcpStream::connect(listener.local_addr()?)?;
    /// let conn = net::TcpStream::from_std(listener.accept()?.0)?;
    /// client.write_all(b"hi")?;
    /// assert_eq!(exec::run(read_some(conn)).unwrap()?, b"hi");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn readable<'a, E: 'a>(
        &'a self,
    ) -> Gen<impl Future<Output = io::Result<()>> + 'a, SysCall, Reply, E> {
        coroutine(move |co| async move {
            wait!(co, self.socket, Interest::Read)?;
            self.drained.set(false);
            Ok(())
        })
    }

    /// Waits until the socket is writable (Beazley's `WriteWait`), for a program that writes
    /// through [`get_ref`](Self::get_ref).
    ///
    /// # Errors
    /// If the OS poller refuses the socket, or another task already waits to write it.
    ///
    /// ```
    /// use corogen::exec::{self, Reply, SysCall, net};
    /// use corogen::prelude::*;
    /// use std::io::{Read, Write};
    ///
    /// #[generator(yield = SysCall, send = Reply)]
    /// fn write_some(conn: net::TcpStream) -> std::io::Result<usize> {
    ///     yield_from!(conn.writable())?;
    ///     conn.get_ref().write(b"hi")
    /// }
    ///
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let mut client = std::net::TcpStream::connect(listener.local_addr()?)?;
    /// let conn = net::TcpStream::from_std(listener.accept()?.0)?;
    /// assert_eq!(exec::run(write_some(conn)).unwrap()?, 2);
    /// let mut got = [0; 2];
    /// client.read_exact(&mut got)?;
    /// assert_eq!(&got, b"hi");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn writable<'a, E: 'a>(
        &'a self,
    ) -> Gen<impl Future<Output = io::Result<()>> + 'a, SysCall, Reply, E> {
        coroutine(move |co| async move { wait!(co, self.socket, Interest::Write) })
    }
}

impl Receive for TcpStream {
    fn recv<'a, E: 'a>(
        &'a self,
        buf: &'a mut [u8],
    ) -> Gen<impl Future<Output = io::Result<usize>> + 'a, SysCall, Reply, E> {
        TcpStream::recv(self, buf)
    }
}

impl AsFd for TcpStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.socket.io.as_fd()
    }
}

impl AsRawFd for TcpStream {
    fn as_raw_fd(&self) -> RawFd {
        self.socket.io.as_raw_fd()
    }
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TcpStream").field(&self.socket.io).finish()
    }
}
