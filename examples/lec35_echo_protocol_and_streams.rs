//! LEC-35: the same echo server written twice, first as an asyncio `Protocol` (callbacks
//! `connection_made`, `data_received`, `eof_received`, `connection_lost` on a transport), then
//! as a reader/writer coroutine that loops until the end of the stream; one scripted client
//! talks to each in turn. Everything runs on 127.0.0.1, on ephemeral ports.
//!
//! corogen has no callback layer of its own: a connection is a task, and its reads are
//! straight-line code. The Protocol style is still easy to offer on top of that, and this port
//! does so in a few lines, to show what asyncio's transports do underneath: `drive_protocol`
//! is the task that reads the socket and calls the protocol's methods, and a `Transport`
//! buffers what the protocol writes until the task sends it (asyncio's `transport.write` does
//! not wait either).
//!
//! The Python program runs its event loop once per step (`run_until_complete`); here one
//! `exec::run` runs a main task that starts each server as a task, runs the client, and kills
//! the server (Python's `server.close()`).
//!
//! Every print follows from the one before it (the client writes, the server prints and echoes,
//! the client prints), so the order does not depend on timing.

use corogen::exec::{self, Reply, SysCall, net, sys};
use corogen::prelude::*;
use std::cell::RefCell;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;

thread_local! {
    /// The peers seen so far, in order: the n-th is printed as `clientN`.
    static PEERS: RefCell<Vec<SocketAddr>> = const { RefCell::new(Vec::new()) };
}

/// A peer address as the Python program prints it: `('127.0.0.1', 'clientN')`.
fn stable(peer: SocketAddr) -> String {
    let n = PEERS.with_borrow_mut(|peers| match peers.iter().position(|&p| p == peer) {
        Some(i) => i + 1,
        None => {
            peers.push(peer);
            peers.len()
        }
    });
    format!("('{}', 'client{n}')", peer.ip())
}

/// Python's `repr` of a short `str` without quotes or escapes in it.
fn repr(text: &str) -> String {
    format!("'{text}'")
}

// ---- Python 3.4 style: a Protocol over a transport ----

/// What asyncio's `Protocol` is: the callbacks of one connection.
trait Protocol {
    fn connection_made(&mut self, transport: Rc<Transport>);
    fn data_received(&mut self, data: &[u8]);
    /// Whether to keep the connection open for writing (asyncio's `eof_received` returning a
    /// true value); `false`, the default, closes it.
    fn eof_received(&mut self) -> bool {
        false
    }
    fn connection_lost(&mut self, exc: Option<io::Error>);
}

/// The connection as a protocol sees it: writes are buffered, and sent by the task that
/// drives the protocol as soon as the callback returns.
struct Transport {
    conn: net::TcpStream,
    pending: RefCell<Vec<u8>>,
}

impl Transport {
    fn write(&self, data: &[u8]) {
        self.pending.borrow_mut().extend_from_slice(data);
    }

    fn peername(&self) -> SocketAddr {
        self.conn.peer_addr().expect("connected")
    }

    /// Sends what the protocol wrote.
    #[generator(yield = SysCall, send = Reply)]
    fn flush(&self) -> io::Result<()> {
        let data = std::mem::take(&mut *self.pending.borrow_mut());
        yield_from!(self.conn.send_all(&data))
    }
}

/// The task that asyncio's event loop is for one protocol connection: it reads what comes and
/// calls the protocol.
#[generator(yield = SysCall, send = Reply)]
fn drive_protocol<P: Protocol + 'static>(conn: net::TcpStream, mut protocol: P) {
    let transport = Rc::new(Transport {
        conn,
        pending: RefCell::default(),
    });
    protocol.connection_made(Rc::clone(&transport));
    let mut buf = [0; 4096];
    let exc = loop {
        match yield_from!(transport.conn.recv(&mut buf)) {
            Ok(0) => {
                // Whether the protocol keeps the connection open for writing or not, this
                // transport has nothing more to send once it returns: it closes.
                let _keep_open = protocol.eof_received();
                break None;
            }
            Ok(n) => protocol.data_received(&buf[..n]),
            Err(e) => break Some(e),
        }
        if let Err(e) = yield_from!(transport.flush()) {
            break Some(e);
        }
    };
    protocol.connection_lost(exc);
    // The last handle on the transport goes with this task: the socket closes.
}

/// `loop.create_server(EchoProtocol, ...)`: a new protocol for each connection.
#[generator(yield = SysCall, send = Reply)]
fn serve_protocol<P: Protocol + 'static>(
    listener: net::TcpListener,
    factory: fn() -> P,
) -> io::Result<()> {
    loop {
        let (conn, _) = yield_from!(listener.accept())?;
        yield_from!(sys::spawn(drive_protocol(conn, factory())));
    }
}

#[derive(Default)]
struct EchoProtocol {
    transport: Option<Rc<Transport>>,
}

impl Protocol for EchoProtocol {
    fn connection_made(&mut self, transport: Rc<Transport>) {
        println!("Connection from {}", stable(transport.peername()));
        self.transport = Some(transport);
    }

    fn data_received(&mut self, data: &[u8]) {
        let message = String::from_utf8_lossy(data);
        println!("Echoing back: {}", repr(&message));
        self.transport.as_ref().expect("connected").write(data);
    }

    fn eof_received(&mut self) -> bool {
        println!("EOF received");
        false
    }

    fn connection_lost(&mut self, exc: Option<io::Error>) {
        match exc {
            None => println!("Connection lost, exc=None"),
            Some(e) => println!("Connection lost, exc={e}"),
        }
    }
}

// ---- Python 3.5 style: a reader/writer coroutine ----

#[generator(yield = SysCall, send = Reply)]
fn handle_tcp_echo(conn: net::TcpStream) -> io::Result<()> {
    println!("Connection from {}", stable(conn.peer_addr()?));
    let mut reader = net::BufReader::new(conn);
    loop {
        let data = yield_from!(reader.read(100))?;
        if !data.is_empty() {
            let message = String::from_utf8_lossy(&data).into_owned();
            println!("Echoing back: {}", repr(&message));
            yield_from!(reader.get_ref().send_all(&data))?;
        } else {
            println!("Terminating connection");
            return Ok(()); // dropping the reader closes the connection
        }
    }
}

/// `asyncio.start_server(handle_tcp_echo, ...)`: a task per connection.
#[generator(yield = SysCall, send = Reply)]
fn serve_streams(listener: net::TcpListener) -> io::Result<()> {
    loop {
        let (conn, _) = yield_from!(listener.accept())?;
        yield_from!(sys::spawn(handle_tcp_echo(conn)));
    }
}

// ---- the scripted client, standing in for netcat ----

#[generator(yield = SysCall, send = Reply)]
fn client(addr: SocketAddr, messages: &'static [&'static str]) -> io::Result<()> {
    let mut reader = net::BufReader::new(yield_from!(net::TcpStream::connect(addr))?);
    for message in messages {
        yield_from!(reader.get_ref().send_all(message.as_bytes()))?;
        let data = yield_from!(reader.read(100))?;
        println!("client got {}", repr(&String::from_utf8_lossy(&data)));
    }
    reader.get_ref().shutdown()?; // write_eof()
    let data = yield_from!(reader.read(100))?;
    println!(
        "client got EOF: {}",
        if data.is_empty() { "True" } else { "False" }
    );
    Ok(())
}

#[generator(yield = SysCall, send = Reply)]
fn async_main() -> io::Result<()> {
    println!("-- Python 3.4 style: a Protocol");
    let listener = net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = yield_from!(sys::spawn(serve_protocol(listener, EchoProtocol::default)));
    yield_from!(client(addr, &["one", "two"]))?;
    yield_from!(sys::kill(server.id())).expect("the server runs"); // server.close()

    println!("-- Python 3.5 style: a reader/writer coroutine");
    let listener = net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = yield_from!(sys::spawn(serve_streams(listener)));
    yield_from!(client(addr, &["one", "two"]))?;
    yield_from!(sys::kill(server.id())).expect("the server runs");
    Ok(())
}

/// Runs the exercise.
pub fn main() {
    exec::run(async_main())
        .expect("main returned")
        .expect("the echo servers worked");
    println!("done");
}
