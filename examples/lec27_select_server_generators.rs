//! LEC-27: a `select()`-style server in which each client connection is one generator: it
//! accepts the connection, then on every readiness event reads a message and echoes it back
//! upper-cased. The loop removes a client once its generator has finished.
//!
//! The server listens on 127.0.0.1 on a port the system picks, and a scripted client thread
//! runs two short sessions, one after the other, so the program ends by itself. Readiness
//! comes from the `polling` crate in level-triggered mode, which reports what `select()`
//! reports: every socket that can be read without blocking.

use corogen::prelude::*;
use polling::{Event, Events, PollMode, Poller};
use std::cell::Cell;
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::{Duration, Instant};

/// How long the server and the client wait for anything.
const TIMEOUT: Duration = Duration::from_secs(5);

/// The poller key of the listening socket; clients get 1, 2, ...
const SERVER: usize = 0;

/// One client connection, start to end. The first resume accepts the connection and yields
/// the new socket, for the loop to watch; each later resume (the socket is readable) echoes
/// one message and yields nothing. It returns when the client leaves.
#[generator(yield = Option<TcpStream>)]
fn handle_connection(server_socket: &TcpListener, clients_seen: &Cell<u32>) {
    let (mut client_socket, addr) = server_socket.accept().expect("the server is readable");
    clients_seen.set(clients_seen.get() + 1);
    // A stable label instead of the ephemeral port, printed as Python prints its tuple.
    let addr = format!("('{}', 'client{}')", addr.ip(), clients_seen.get());
    println!("Connection from {addr}.");
    let watched = client_socket.try_clone().expect("the socket can be shared");
    yield_!(Some(watched));

    let mut buffer = [0; 4096];
    loop {
        let data = match client_socket.read(&mut buffer) {
            Err(e) => {
                println!("connection from {addr} caused error: {e}");
                return;
            }
            Ok(0) => {
                println!("{addr} left us");
                return;
            }
            Ok(n) => &buffer[..n],
        };
        println!("{addr}: {}", String::from_utf8_lossy(data).trim());
        if let Err(e) = client_socket.write_all(&data.to_ascii_uppercase()) {
            println!("connection from {addr} caused error: {e}");
            return;
        }
        yield_!(None);
    }
}

/// `select(monitoring, [], [], timeout)`: the keys of the sockets ready to be read, or none
/// once `timeout` has passed. (The poller may wake up with no event; that is not a timeout.)
fn select(poller: &Poller, events: &mut Events, timeout: Duration) -> io::Result<Vec<usize>> {
    let deadline = Instant::now() + timeout;
    events.clear();
    while events.is_empty() && Instant::now() < deadline {
        poller.wait_deadline(events, deadline)?;
    }
    Ok(events.iter().map(|event| event.key).collect())
}

/// Watches `socket` for reading under `key`, level-triggered like `select()`.
fn watch(poller: &Poller, socket: &impl std::os::fd::AsRawFd, key: usize) -> io::Result<()> {
    // SAFETY: every socket watched here is deleted from the poller before it is dropped: the
    // clients when their generator finishes, the server before `serve` returns.
    unsafe { poller.add_with_mode(socket, Event::readable(key), PollMode::Level) }
}

/// The server loop: runs until two clients have been served and none is left.
/// `done` is told after each client has been served.
fn serve(server: &TcpListener, done: &Sender<()>) -> io::Result<()> {
    let poller = Poller::new()?;
    let mut events = Events::new();
    watch(&poller, server, SERVER)?;
    let clients_seen = Cell::new(0);
    let mut coroutines = HashMap::new();
    let mut next_key = SERVER + 1;
    let mut served = 0;
    while served < 2 || !coroutines.is_empty() {
        let ready = select(&poller, &mut events, TIMEOUT)?;
        if ready.is_empty() {
            println!("timeout");
            break;
        }
        for key in ready {
            if key == SERVER {
                let mut coro = Box::pin(handle_connection(server, &clients_seen));
                let Some(Some(new_client)) = coro.next() else {
                    unreachable!("handle_connection yields its socket first");
                };
                watch(&poller, &new_client, next_key)?;
                coroutines.insert(next_key, (new_client, coro));
                next_key += 1;
            } else {
                let (_, coro) = coroutines.get_mut(&key).expect("a watched client");
                if coro.next().is_none() {
                    // The generator has finished: Python's StopIteration.
                    let (sock, _) = coroutines.remove(&key).expect("a watched client");
                    poller.delete(&sock)?;
                    drop(sock); // sock.close()
                    served += 1;
                    let _ = done.send(()); // the client may have given up already
                }
            }
        }
    }
    poller.delete(server)
}

/// Two sessions, one after the other, each sending two messages and reading the replies;
/// after each session it waits until the server has noticed that it left. Prints nothing:
/// it returns what it got.
fn scripted_client(server: SocketAddr, done: Receiver<()>) -> io::Result<Vec<String>> {
    let mut results = Vec::new();
    for n in [1, 2] {
        let mut c = TcpStream::connect_timeout(&server, TIMEOUT)?;
        c.set_read_timeout(Some(TIMEOUT))?;
        for msg in [&b"hello\n"[..], b"bye\n"] {
            c.write_all(msg)?;
            let mut got = Vec::new();
            let mut chunk = [0; 4096];
            while got.len() < msg.len() {
                match c.read(&mut chunk)? {
                    0 => break,
                    k => got.extend_from_slice(&chunk[..k]),
                }
            }
            let got = String::from_utf8_lossy(&got);
            results.push(format!("client {n} got {}", got.trim()));
        }
        drop(c); // closes the connection
        let _ = done.recv_timeout(TIMEOUT);
    }
    Ok(results)
}

/// Runs the exercise.
pub fn main() {
    let server = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a local port is free");
    let address = server.local_addr().expect("the server has an address");
    let (done, done_rx) = mpsc::channel();
    let client = thread::spawn(move || scripted_client(address, done_rx));
    serve(&server, &done).expect("the server loop ran");
    let results = client.join().expect("the client did not panic");
    drop(server);
    println!("server loop finished");
    for line in results.expect("the client's sessions ran") {
        println!("[client] {line}");
    }
}
