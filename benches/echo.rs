//! Echo throughput on loopback: the trampoline executor's echo server against a hand-written
//! single-threaded `polling` loop and a Python asyncio server (`benches/python/`), all driven
//! by the same bounded client load generator (below).
//!
//! One sample is one load run: `CONNS` concurrent connections, each doing `ROUND_TRIPS`
//! request/response round trips of `SIZE` bytes; time per run gives throughput, and time per
//! round trip over a connection gives latency. Run with `cargo bench --bench echo`. The asyncio
//! server is skipped if `python3` cannot be started.

#[allow(dead_code)]
#[path = "../examples/echo_server.rs"]
mod echo_server;

use corogen::exec::{Scheduler, net};
use polling::{Event, Events, Poller};
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::Duration;

const CONNS: usize = 32;
const ROUND_TRIPS: usize = 200;
const SIZE: usize = 64;

fn main() {
    divan::main();
}

/// The load generator: `CONNS` client threads on 127.0.0.1, each with its own connection,
/// doing `ROUND_TRIPS` echoes of `SIZE` bytes and checking every byte. Bounded: fixed counts
/// and a 10 s timeout on every read and write.
fn load(port: u16) {
    let clients: Vec<_> = (0..CONNS)
        .map(|c| {
            thread::spawn(move || -> io::Result<()> {
                let mut stream = TcpStream::connect(("127.0.0.1", port))?;
                stream.set_nodelay(true)?;
                stream.set_read_timeout(Some(Duration::from_secs(10)))?;
                stream.set_write_timeout(Some(Duration::from_secs(10)))?;
                let msg = vec![c as u8; SIZE];
                let mut got = vec![0; SIZE];
                for _ in 0..ROUND_TRIPS {
                    stream.write_all(&msg)?;
                    stream.read_exact(&mut got)?;
                    assert!(got == msg, "the echo differs");
                }
                Ok(())
            })
        })
        .collect();
    for client in clients {
        client
            .join()
            .expect("a client ran")
            .expect("a client was echoed");
    }
}

/// The executor's echo server (`examples/echo_server.rs`), on a thread of its own.
fn corogen_port() -> u16 {
    static PORT: OnceLock<u16> = OnceLock::new();
    *PORT.get_or_init(|| {
        let listener = net::listen("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        thread::spawn(move || {
            let mut sched = Scheduler::new();
            sched.spawn(echo_server::serve(listener, None));
            sched.run().expect("the OS poller works");
        });
        port
    })
}

/// A hand-written single-threaded `polling` echo loop: the floor for the executor.
fn polling_port() -> u16 {
    static PORT: OnceLock<u16> = OnceLock::new();
    *PORT.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        thread::spawn(move || polling_echo(listener).unwrap());
        port
    })
}

/// A connection of the hand-written loop: its stream and the bytes it has yet to write.
struct Conn {
    stream: TcpStream,
    pending: Vec<u8>,
}

fn polling_echo(listener: TcpListener) -> io::Result<()> {
    const LISTENER: usize = usize::MAX - 1;
    let poller = Poller::new()?;
    // SAFETY: the listener lives until the end of this function, which never returns while
    // it is registered (the loop does not end but by an error, after which it is deleted).
    unsafe { poller.add(&listener, Event::readable(LISTENER))? };
    let mut conns: HashMap<usize, Conn> = HashMap::new();
    let mut next = 0;
    let mut events = Events::new();
    let mut buf = vec![0; 16 * 1024];
    let result = loop {
        events.clear();
        if let Err(e) = poller.wait(&mut events, None) {
            break Err(e);
        }
        for ev in events.iter() {
            if ev.key == LISTENER {
                while let Ok((stream, _)) = listener.accept() {
                    stream.set_nonblocking(true)?;
                    stream.set_nodelay(true)?;
                    next += 1;
                    // SAFETY: the stream is deleted from the poller before it is dropped.
                    unsafe { poller.add(&stream, Event::readable(next))? };
                    let pending = Vec::new();
                    conns.insert(next, Conn { stream, pending });
                }
                poller.modify(&listener, Event::readable(LISTENER))?;
                continue;
            }
            let Some(conn) = conns.get_mut(&ev.key) else {
                continue;
            };
            if serve_conn(conn, &mut buf) {
                let interest =
                    Event::new(ev.key, conn.pending.is_empty(), !conn.pending.is_empty());
                poller.modify(&conn.stream, interest)?;
            } else {
                let conn = conns.remove(&ev.key).expect("present above");
                poller.delete(&conn.stream)?;
            }
        }
    };
    for conn in conns.values() {
        poller.delete(&conn.stream)?;
    }
    poller.delete(&listener)?;
    result
}

/// Reads and echoes what is there; `false` when the connection is over.
fn serve_conn(conn: &mut Conn, buf: &mut [u8]) -> bool {
    loop {
        while !conn.pending.is_empty() {
            match conn.stream.write(&conn.pending) {
                Ok(n) => drop(conn.pending.drain(..n)),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return true,
                Err(_) => return false,
            }
        }
        match conn.stream.read(buf) {
            Ok(0) => return false,
            Ok(n) => conn.pending.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => return true,
            Err(_) => return false,
        }
    }
}

/// The Python asyncio server, if `python3` runs; kept alive for the whole benchmark.
fn asyncio_port() -> Option<u16> {
    static SERVER: OnceLock<Option<(Child, u16)>> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            let script = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/benches/python/echo_asyncio.py"
            );
            let mut child = Command::new("python3")
                .arg(script)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .ok()?;
            let mut line = String::new();
            BufReader::new(child.stdout.take()?)
                .read_line(&mut line)
                .ok()?;
            let port = line.trim().parse().ok()?;
            Some((child, port))
        })
        .as_ref()
        .map(|(_, port)| *port)
}

#[divan::bench(sample_count = 30)]
fn corogen_executor() {
    load(corogen_port());
}

#[divan::bench(sample_count = 30)]
fn polling_by_hand() {
    load(polling_port());
}

#[divan::bench(sample_count = 10)]
fn python_asyncio() {
    if let Some(port) = asyncio_port() {
        load(port);
    }
}
