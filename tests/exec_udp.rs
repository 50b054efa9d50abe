//! UDP sockets on 127.0.0.1: datagrams go round trip whole, a receiver waits (through the
//! poller) until one comes, and a killed receiver's socket leaves the poller.

mod polled;

use corogen::exec::{self, Reply, SysCall, TaskEnded, net, sys};
use corogen::prelude::*;
use polled::{epoll_entries, serial};
use std::io::{self, ErrorKind};
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

/// How a task that returns an `io::Result<T>` ended.
type Ended<T> = Result<io::Result<T>, TaskEnded>;

/// Answers `n` datagrams with the datagram reversed.
#[generator(yield = SysCall, send = Reply)]
fn reverser(socket: net::UdpSocket, n: usize) -> io::Result<()> {
    let mut buf = [0; 1500];
    for _ in 0..n {
        let (len, from) = yield_from!(socket.recv_from(&mut buf))?;
        buf[..len].reverse();
        yield_from!(socket.send_to(&buf[..len], from))?;
    }
    Ok(())
}

#[test]
fn datagrams_go_round_trip_whole_and_in_order() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task() -> io::Result<Vec<Vec<u8>>> {
        let server = net::UdpSocket::bind("127.0.0.1:0")?;
        let addr = server.local_addr()?;
        // The server waits first: the datagrams come after its receive is registered.
        let served = yield_from!(sys::spawn(reverser(server, 3)));
        let client = net::UdpSocket::bind("127.0.0.1:0")?;
        client.connect(addr)?;
        assert_eq!(client.peer_addr()?, addr);
        let mut answers = Vec::new();
        let mut buf = [0; 1500];
        for word in [&b"abc"[..], b"", b"hello world"] {
            assert_eq!(yield_from!(client.send(word))?, word.len());
            let n = yield_from!(client.recv(&mut buf))?;
            answers.push(buf[..n].to_vec());
        }
        yield_from!(sys::wait(served)).unwrap()?;
        Ok(answers)
    }
    let _serial = serial();
    let answers = exec::run(main_task()).unwrap().unwrap();
    assert_eq!(answers, [&b"cba"[..], b"", b"dlrow olleh"]);
}

/// A datagram's bytes, and whether it came from the expected sender.
type Datagram = (Vec<u8>, bool);

#[test]
fn an_unconnected_socket_knows_each_sender() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task() -> io::Result<Vec<Datagram>> {
        let server = net::UdpSocket::bind("127.0.0.1:0")?;
        let addr = server.local_addr()?;
        assert_eq!(
            server.peer_addr().unwrap_err().kind(),
            ErrorKind::NotConnected
        );
        let (a, b) = (
            net::UdpSocket::bind("127.0.0.1:0")?,
            net::UdpSocket::bind("127.0.0.1:0")?,
        );
        yield_from!(a.send_to(b"from a", addr))?;
        yield_from!(b.send_to(b"from b", addr))?;
        let mut got = Vec::new();
        let mut buf = [0; 64];
        for sender in [&a, &b] {
            let (n, from) = yield_from!(server.recv_from(&mut buf))?;
            got.push((buf[..n].to_vec(), from == sender.local_addr()?));
        }
        Ok(got)
    }
    let _serial = serial();
    let got = exec::run(main_task()).unwrap().unwrap();
    assert_eq!(
        got,
        [(b"from a".to_vec(), true), (b"from b".to_vec(), true)]
    );
}

#[test]
fn killing_a_task_that_waits_for_a_datagram_deletes_its_socket_from_the_poller() {
    #[generator(yield = SysCall, send = Reply)]
    fn receive(socket: Rc<net::UdpSocket>) -> io::Result<SocketAddr> {
        let mut buf = [0; 16];
        Ok(yield_from!(socket.recv_from(&mut buf))?.1)
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task() -> (usize, usize, Ended<SocketAddr>) {
        yield_from!(sys::sleep(Duration::from_millis(1))); // makes the poller
        let before = epoll_entries();
        let socket = Rc::new(net::UdpSocket::bind("127.0.0.1:0").unwrap());
        let task = yield_from!(sys::spawn(receive(Rc::clone(&socket))));
        yield_from!(sys::pause());
        let waiting = epoll_entries() - before;
        yield_from!(sys::kill(task.id())).unwrap();
        // The socket lives on here: registered still, but no one waits on it.
        drop(socket);
        (
            waiting,
            epoll_entries() - before,
            yield_from!(sys::wait(task)),
        )
    }
    let _serial = serial();
    let (waiting, after, how) = exec::run(main_task()).unwrap();
    assert_eq!((waiting, after), (1, 0));
    assert_eq!(how.map(drop), Err(TaskEnded::Killed));
}
