//! Helpers of the tests of clients, pipes, children and the thread pool: what the process's
//! epoll instances hold (read from `/proc/self/fdinfo`, Linux), the turns the tests of one file
//! take so those counts are their own, and stand-in hosts on 127.0.0.1.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::os::fd::OwnedFd;
use std::sync::{Mutex, MutexGuard};

static SERIAL: Mutex<()> = Mutex::new(());

/// The turn of a test: while it holds it, no other test of its file makes descriptors.
pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// How many descriptors this process's epoll instances hold, all told.
pub fn epoll_entries() -> usize {
    let Ok(fds) = std::fs::read_dir("/proc/self/fd") else {
        return 0;
    };
    fds.filter_map(|fd| {
        let fd = fd.ok()?.file_name();
        let link = std::fs::read_link(format!("/proc/self/fd/{}", fd.to_str()?)).ok()?;
        if link.to_str()? != "anon_inode:[eventpoll]" {
            return None;
        }
        std::fs::read_to_string(format!("/proc/self/fdinfo/{}", fd.to_str()?)).ok()
    })
    .map(|info| info.lines().filter(|line| line.starts_with("tfd:")).count())
    .sum()
}

/// A TCP socket bound to a free port of 127.0.0.1 that does not listen: connecting to it is
/// refused.
pub fn refusing() -> (OwnedFd, SocketAddr) {
    use rustix::net::{AddressFamily, SocketType, bind, getsockname, socket};
    let socket = socket(AddressFamily::INET, SocketType::STREAM, None).unwrap();
    bind(&socket, &SocketAddr::from(([127, 0, 0, 1], 0))).unwrap();
    let addr = getsockname(&socket).unwrap();
    let addr = SocketAddr::try_from(addr).unwrap();
    (socket, addr)
}

/// A listener with a backlog of 0 whose accept queue is full (it holds `filler`, and never
/// accepts): Linux drops the SYN of any other connection, whose connect then hangs.
pub struct SlowHost {
    pub listener: OwnedFd,
    pub filler: std::net::TcpStream,
    pub addr: SocketAddr,
}

pub fn slow_host() -> SlowHost {
    use rustix::net::{AddressFamily, SocketType, bind, getsockname, listen, socket};
    let listener = socket(AddressFamily::INET, SocketType::STREAM, None).unwrap();
    bind(&listener, &SocketAddr::from(([127, 0, 0, 1], 0))).unwrap();
    listen(&listener, 0).unwrap();
    let addr = SocketAddr::try_from(getsockname(&listener).unwrap()).unwrap();
    let filler = std::net::TcpStream::connect(addr).unwrap();
    SlowHost {
        listener,
        filler,
        addr,
    }
}
