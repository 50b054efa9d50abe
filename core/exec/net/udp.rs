//! UDP: a socket whose sends and receives wait through the scheduler (asyncio's datagram
//! endpoints, as straight-line code).

use core::fmt;
use core::future::Future;
use std::io::{self, ErrorKind};
use std::net::{SocketAddr, ToSocketAddrs};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

use super::{Owned, spend_budget, wait};
use crate::Gen;
use crate::exec::selector::Interest;
use crate::exec::syscall::{Reply, SysCall, coroutine};

/// A UDP socket whose [`recv_from`](Self::recv_from), [`send_to`](Self::send_to) (and, once
/// [`connect`](Self::connect)ed, [`recv`](Self::recv) and [`send`](Self::send)) wait through
/// the scheduler. Each datagram is sent or received whole.
///
/// ```
/// use corogen::exec::{self, Reply, SysCall, net};
/// use corogen::prelude::*;
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn round_trip() -> std::io::Result<Vec<u8>> {
///     let server = net::UdpSocket::bind("127.0.0.1:0")?;
///     let client = net::UdpSocket::bind("127.0.0.1:0")?;
///     client.connect(server.local_addr()?)?;
///     yield_from!(client.send(b"ping"))?;
///     let mut buf = [0; 64];
///     let (n, from) = yield_from!(server.recv_from(&mut buf))?;
///     let loud = buf[..n].to_ascii_uppercase();
///     yield_from!(server.send_to(&loud, from))?;
///     let n = yield_from!(client.recv(&mut buf))?;
///     Ok(buf[..n].to_vec())
/// }
///
/// assert_eq!(exec::run(round_trip()).unwrap()?, b"PING");
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct UdpSocket(Owned<std::net::UdpSocket>);

/// Runs the non-blocking `$op` on the socket `$owned` until it does not block, waiting for
/// `$interest` in between: evaluates to its `io::Result`.
macro_rules! retry {
    ($co:ident, $owned:expr, $interest:expr, $op:expr) => {
        loop {
            spend_budget!($co);
            match $op {
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    wait!($co, $owned, $interest)?;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                done => break done,
            }
        }
    };
}

impl UdpSocket {
    /// A non-blocking socket bound to `addr` (`"127.0.0.1:0"`: any free port).
    ///
    /// # Errors
    /// If the address cannot be bound.
    pub fn bind(addr: impl ToSocketAddrs) -> io::Result<Self> {
        Self::from_std(std::net::UdpSocket::bind(addr)?)
    }

    /// Takes over a std socket, making it non-blocking.
    ///
    /// # Errors
    /// If it cannot be made non-blocking.
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<Self> {
        socket.set_nonblocking(true)?;
        Ok(Self(Owned::new(socket)))
    }

    /// The std socket, for what this type does not wrap (options; it must stay non-blocking).
    pub fn get_ref(&self) -> &std::net::UdpSocket {
        &self.0.io
    }

    /// Sets the peer that [`send`](Self::send) sends to and the only one that
    /// [`recv`](Self::recv) receives from (no packet is sent: this does not wait).
    ///
    /// # Errors
    /// As [`std::net::UdpSocket::connect`].
    pub fn connect(&self, addr: impl ToSocketAddrs) -> io::Result<()> {
        self.0.io.connect(addr)
    }

    /// The address the socket is bound to.
    ///
    /// # Errors
    /// As [`std::net::UdpSocket::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.io.local_addr()
    }

    /// The address it is connected to.
    ///
    /// # Errors
    /// `NotConnected` if it is not.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.io.peer_addr()
    }

    /// Sends `buf` as one datagram to `addr`, waiting for room in the socket's buffer; the
    /// number of bytes sent.
    ///
    /// # Errors
    /// As [`std::net::UdpSocket::send_to`], e.g. a datagram too long for the protocol.
    pub fn send_to<'a, E: 'a>(
        &'a self,
        buf: &'a [u8],
        addr: SocketAddr,
    ) -> Gen<impl Future<Output = io::Result<usize>> + 'a, SysCall, Reply, E> {
        coroutine(move |co| async move {
            retry!(co, self.0, Interest::Write, self.0.io.send_to(buf, addr))
        })
    }

    /// Receives one datagram into `buf`, waiting until one comes; its length and sender. A
    /// datagram longer than `buf` is cut to fit.
    ///
    /// # Errors
    /// As [`std::net::UdpSocket::recv_from`].
    pub fn recv_from<'a, E: 'a>(
        &'a self,
        buf: &'a mut [u8],
    ) -> Gen<impl Future<Output = io::Result<(usize, SocketAddr)>> + 'a, SysCall, Reply, E> {
        coroutine(
            move |co| async move { retry!(co, self.0, Interest::Read, self.0.io.recv_from(buf)) },
        )
    }

    /// Sends `buf` as one datagram to the connected peer.
    ///
    /// # Errors
    /// As [`std::net::UdpSocket::send`]: not connected; `ConnectionRefused` if an earlier
    /// datagram found no one listening.
    pub fn send<'a, E: 'a>(
        &'a self,
        buf: &'a [u8],
    ) -> Gen<impl Future<Output = io::Result<usize>> + 'a, SysCall, Reply, E> {
        coroutine(move |co| async move { retry!(co, self.0, Interest::Write, self.0.io.send(buf)) })
    }

    /// Receives one datagram from the connected peer, waiting until one comes.
    ///
    /// # Errors
    /// As [`std::net::UdpSocket::recv`]: `ConnectionRefused` if a datagram sent found no one
    /// listening.
    pub fn recv<'a, E: 'a>(
        &'a self,
        buf: &'a mut [u8],
    ) -> Gen<impl Future<Output = io::Result<usize>> + 'a, SysCall, Reply, E> {
        coroutine(move |co| async move { retry!(co, self.0, Interest::Read, self.0.io.recv(buf)) })
    }
}

impl AsFd for UdpSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.io.as_fd()
    }
}

impl AsRawFd for UdpSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.0.io.as_raw_fd()
    }
}

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UdpSocket").field(&self.0.io).finish()
    }
}
