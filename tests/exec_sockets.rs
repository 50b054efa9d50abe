//! The `net` sockets' registrations in the OS poller, on 127.0.0.1: a socket is registered
//! once and deleted when it is dropped (in a task, with a killed task, after the scheduler is
//! gone), a descriptor number it freed serves the next socket, and short reads and writes lose
//! nothing.
//!
//! Which epoll instances hold a socket is read from `/proc/self/fdinfo` (Linux). The tests of
//! this file take turns (`SERIAL`), so the descriptor numbers they expect are not taken by
//! another test's sockets in between.

use corogen::exec::{self, Reply, Scheduler, SysCall, TaskEnded, net, sys};
use corogen::prelude::*;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::os::fd::{AsFd, AsRawFd};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The inode of the socket (or other file) behind `fd`.
fn inode(fd: &impl AsFd) -> u64 {
    let link = std::fs::read_link(format!("/proc/self/fd/{}", fd.as_fd().as_raw_fd())).unwrap();
    let link = link.to_string_lossy();
    let number = link.trim_start_matches("socket:[").trim_end_matches(']');
    number
        .parse()
        .unwrap_or_else(|_| panic!("not a socket: {link}"))
}

/// How many of this process's epoll instances hold the file whose inode is `ino`.
fn epoll_entries(ino: u64) -> usize {
    let needle = format!("ino:{ino:x} ");
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
    .map(|info| {
        info.lines()
            .filter(|line| line.starts_with("tfd:") && line.contains(&needle))
            .count()
    })
    .sum()
}

/// A listener on 127.0.0.1 and a client connected to it (waiting in its backlog).
fn listener_and_client() -> (net::TcpListener, std::net::TcpStream) {
    let listener = net::TcpListener::bind("127.0.0.1:0").unwrap();
    let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    (listener, client)
}

#[test]
fn a_socket_is_registered_once_and_deleted_when_dropped_in_its_task() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(listener: net::TcpListener, mut client: std::net::TcpStream) -> Vec<usize> {
        let (conn, _) = yield_from!(listener.accept()).unwrap();
        let ino = inode(&conn);
        let mut seen = vec![epoll_entries(ino)];
        let mut buf = [0; 8];
        for word in [&b"one"[..], b"two", b"three"] {
            client.write_all(word).unwrap();
            // Short reads: from the second on, each recv waits (through the poller) first.
            let n = yield_from!(conn.recv(&mut buf)).unwrap();
            assert_eq!(&buf[..n], word);
            if word != b"one" {
                seen.push(epoll_entries(ino));
            }
        }
        // A copy of the descriptor keeps the connection open: the epoll entry would stay if
        // the socket were closed without being deleted first.
        let copy = conn.get_ref().try_clone().unwrap();
        drop(conn);
        seen.push(epoll_entries(ino));
        drop(copy);
        seen
    }
    let _serial = serial();
    let (listener, client) = listener_and_client();
    // Not registered before its first wait; then once, however many waits; gone once dropped.
    assert_eq!(exec::run(main_task(listener, client)), Ok(vec![0, 1, 1, 0]));
}

/// Connects to `addr` on its second turn: after the task that accepts has waited.
#[generator(yield = SysCall, send = Reply)]
fn connect_later(addr: SocketAddr) -> std::net::TcpStream {
    yield_from!(sys::pause());
    std::net::TcpStream::connect(addr).unwrap()
}

/// Accepts a connection that comes after it has waited (so the listener is registered), and
/// gives the listener back.
#[generator(yield = SysCall, send = Reply)]
fn accept_after_waiting(listener: net::TcpListener) -> net::TcpListener {
    let client = yield_from!(sys::spawn(connect_later(listener.local_addr().unwrap())));
    let (conn, _) = yield_from!(listener.accept()).unwrap();
    yield_from!(sys::wait(client)).unwrap();
    drop(conn);
    listener
}

#[test]
fn a_socket_that_outlives_its_scheduler_keeps_its_poller_until_it_is_dropped() {
    let _serial = serial();
    let listener = net::TcpListener::bind("127.0.0.1:0").unwrap();
    let ino = inode(&listener);
    let listener = exec::run(accept_after_waiting(listener)).unwrap();
    assert_eq!(
        epoll_entries(ino),
        1,
        "still registered: its poller lives on"
    );
    drop(listener);
    assert_eq!(epoll_entries(ino), 0);
}

#[test]
fn a_socket_used_by_a_second_scheduler_moves_its_registration_there() {
    #[generator(yield = SysCall, send = Reply)]
    fn accept_on_both(
        a: net::TcpListener,
        b: net::TcpListener,
    ) -> (net::TcpListener, net::TcpListener) {
        let a = yield_from!(accept_after_waiting(a));
        (a, yield_from!(accept_after_waiting(b)))
    }
    let _serial = serial();
    let moving = net::TcpListener::bind("127.0.0.1:0").unwrap();
    let staying = net::TcpListener::bind("127.0.0.1:0").unwrap();
    let ino = inode(&moving);
    // `staying` keeps the first scheduler's poller open after that scheduler is gone.
    let (moving, staying) = exec::run(accept_on_both(moving, staying)).unwrap();
    assert_eq!(epoll_entries(ino), 1);
    let moving = exec::run(accept_after_waiting(moving)).unwrap();
    assert_eq!(epoll_entries(ino), 1, "in the second poller only");
    drop(moving);
    assert_eq!(epoll_entries(ino), 0);
    drop(staying);
}

/// Kills a task blocked on a socket it owns, while a copy of the socket's descriptor keeps the
/// connection open: its registration must go with it. Then the next socket, given the same
/// descriptor number, waits for its own data only.
#[test]
fn killing_a_task_blocked_on_its_socket_deletes_it_and_its_number_serves_the_next_socket() {
    #[generator(yield = SysCall, send = Reply)]
    fn wait_readable(conn: net::TcpStream) -> io::Result<()> {
        yield_from!(conn.readable())
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(
        listener: net::TcpListener,
        mut first: std::net::TcpStream,
        mut second: std::net::TcpStream,
    ) -> Result<(), TaskEnded> {
        let (a, _) = yield_from!(listener.accept()).unwrap();
        let (number, ino) = (a.as_raw_fd(), inode(&a));
        let copy = a.get_ref().try_clone().unwrap(); // keeps `a`'s connection open
        let blocked = yield_from!(sys::spawn(wait_readable(a)));
        yield_from!(sys::pause());
        assert_eq!(epoll_entries(ino), 1);
        yield_from!(sys::kill(blocked.id()))?;
        assert_eq!(
            yield_from!(sys::wait(blocked)).err(),
            Some(TaskEnded::Killed)
        );
        assert_eq!(epoll_entries(ino), 0, "deleted with its killed task");

        let (b, _) = yield_from!(listener.accept()).unwrap();
        assert_eq!(
            b.as_raw_fd(),
            number,
            "the freed number is the lowest free one"
        );
        let reader = yield_from!(sys::spawn(wait_readable(b)));
        first.write_all(b"for a").unwrap(); // readable: `a`'s connection, not `b`'s
        yield_from!(sys::sleep(Duration::from_millis(50)));
        assert!(!reader.is_finished(), "woken by another connection's data");
        second.write_all(b"for b").unwrap();
        yield_from!(sys::wait(reader))?.unwrap();
        drop(copy);
        Ok(())
    }
    let _serial = serial();
    let (listener, first) = listener_and_client();
    let second = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    exec::run(main_task(listener, first, second))
        .unwrap()
        .unwrap();
}

#[test]
fn a_shared_socket_whose_waiting_task_is_killed_serves_the_next_waiter() {
    use std::rc::Rc;
    #[generator(yield = SysCall, send = Reply)]
    fn read(conn: Rc<net::TcpStream>) -> io::Result<Vec<u8>> {
        let mut buf = [0; 16];
        let n = yield_from!(conn.recv(&mut buf))?;
        Ok(buf[..n].to_vec())
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(listener: net::TcpListener, mut client: std::net::TcpStream) -> Vec<u8> {
        let (conn, _) = yield_from!(listener.accept()).unwrap();
        let conn = Rc::new(conn);
        let first = yield_from!(sys::spawn(read(Rc::clone(&conn))));
        yield_from!(sys::pause());
        yield_from!(sys::kill(first.id())).unwrap();
        // Its wait is gone: another reader is not refused, and gets the data.
        let second = yield_from!(sys::spawn(read(Rc::clone(&conn))));
        client.write_all(b"ping").unwrap();
        yield_from!(sys::wait(second)).unwrap().unwrap()
    }
    let _serial = serial();
    let (listener, client) = listener_and_client();
    assert_eq!(exec::run(main_task(listener, client)), Ok(b"ping".to_vec()));
}

#[test]
fn a_lent_wait_on_a_registered_socket_leaves_its_registration_alone() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(listener: net::TcpListener, mut client: std::net::TcpStream) -> Vec<u8> {
        let (conn, _) = yield_from!(listener.accept()).unwrap();
        let ino = inode(&conn);
        yield_from!(conn.writable()).unwrap(); // registered by the socket
        client.write_all(b"lent").unwrap();
        yield_from!(sys::readable(&conn)).unwrap(); // a lent wait of the same descriptor
        assert_eq!(epoll_entries(ino), 1, "the lent wait did not delete it");
        let mut buf = [0; 16];
        let n = yield_from!(conn.recv(&mut buf)).unwrap();
        client.write_all(b" again").unwrap();
        let m = yield_from!(conn.recv(&mut buf[n..])).unwrap();
        buf[..n + m].to_vec()
    }
    let _serial = serial();
    let (listener, client) = listener_and_client();
    assert_eq!(
        exec::run(main_task(listener, client)),
        Ok(b"lent again".to_vec())
    );
}

#[test]
fn after_a_short_read_the_next_recv_still_gets_data_that_came_meanwhile_and_the_end() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(listener: net::TcpListener, mut client: std::net::TcpStream) -> Vec<String> {
        let (conn, _) = yield_from!(listener.accept()).unwrap();
        let mut buf = [0; 64];
        let mut got = Vec::new();
        client.write_all(b"ab").unwrap();
        let n = yield_from!(conn.recv(&mut buf)).unwrap(); // short: 2 of 64
        got.push(String::from_utf8_lossy(&buf[..n]).into_owned());
        client.write_all(b"cd").unwrap(); // there before the next recv
        let n = yield_from!(conn.recv(&mut buf)).unwrap();
        got.push(String::from_utf8_lossy(&buf[..n]).into_owned());
        client.shutdown(Shutdown::Write).unwrap();
        let n = yield_from!(conn.recv(&mut buf)).unwrap();
        got.push(format!("{n}"));
        got
    }
    let _serial = serial();
    let (listener, client) = listener_and_client();
    assert_eq!(
        exec::run(main_task(listener, client)),
        Ok(vec!["ab".into(), "cd".into(), "0".into()])
    );
}

#[test]
fn send_all_to_a_slow_reader_delivers_every_byte_in_order() {
    const SENT: usize = 8 << 20;
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(listener: net::TcpListener) -> io::Result<()> {
        let (conn, _) = yield_from!(listener.accept())?;
        let data: Vec<u8> = (0..SENT).map(|i| (i % 251) as u8).collect();
        yield_from!(conn.send_all(&data))?;
        conn.get_ref().shutdown(Shutdown::Write)
    }
    let _serial = serial();
    let (listener, mut client) = listener_and_client();
    let reader = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50)); // the socket's buffers fill up first
        let mut got = Vec::new();
        client.read_to_end(&mut got).map(|_| got)
    });
    exec::run(main_task(listener)).unwrap().unwrap();
    let got = reader.join().unwrap().unwrap();
    assert_eq!(got.len(), SENT);
    assert!(got.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));
}

#[test]
fn a_socket_waits_only_under_a_running_scheduler() {
    let _serial = serial();
    let (listener, _client) = listener_and_client();
    let (conn, _) = listener.get_ref().accept().unwrap();
    let conn = net::TcpStream::from_std(conn).unwrap();
    let mut wait = Box::pin(conn.readable::<core::convert::Infallible>());
    let refused = matches!(
        wait.start(),
        Ok(GeneratorState::Complete(Err(ref e))) if e.kind() == io::ErrorKind::Other
    );
    assert!(refused, "a wait outside a scheduler's run is an error");
}

#[test]
fn sockets_can_be_made_on_one_thread_and_served_on_another() {
    fn assert_send<T: Send>() {}
    assert_send::<net::TcpListener>();
    assert_send::<net::TcpStream>();
    let _serial = serial();
    let (listener, mut client) = listener_and_client();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        #[generator(yield = SysCall, send = Reply)]
        fn echo_once(listener: net::TcpListener) -> io::Result<()> {
            let (conn, _) = yield_from!(listener.accept())?;
            let mut buf = [0; 8];
            let n = yield_from!(conn.recv(&mut buf))?;
            yield_from!(conn.send_all(&buf[..n]))
        }
        let mut sched = Scheduler::new();
        let served = sched.spawn(echo_once(listener));
        sched.run().unwrap();
        served.take_outcome().unwrap().unwrap()
    });
    assert_eq!(client.peer_addr().unwrap(), addr);
    client.write_all(b"hop").unwrap();
    let mut got = [0; 3];
    client.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"hop");
    server.join().unwrap().unwrap();
}
