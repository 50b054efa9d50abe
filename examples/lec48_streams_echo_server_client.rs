//! LEC-48: asyncio's streams, an echo server started with `start_server` and a client that
//! connects with `open_connection`, in one program; then the two ways to frame messages on a
//! stream reader: `readline()` (two lines sent in one write come out one at a time) and
//! `readexactly()` (length-prefixed frames; a frame cut short ends in `IncompleteReadError`).
//! Everything runs on 127.0.0.1, on ephemeral ports.
//!
//! How the asyncio names map onto corogen's:
//!
//! | asyncio | corogen |
//! |---|---|
//! | `asyncio.start_server(handler, host, 0)` | a [`net::TcpListener`] and the task `serve`, which accepts and spawns `handler(conn)` for each connection |
//! | `async with server:` … (leaving it closes the server) | `sys::spawn(serve(..))` … `sys::kill(server.id())` |
//! | `asyncio.open_connection(host, port)` | `net::TcpStream::connect(addr)`, and a [`net::BufReader`] over it |
//! | `reader.read(100)` / `readline()` / `readexactly(n)` / `read()` | `reader.read(100)` / `read_line()` / `read_exact(n)` / `read_to_end()` |
//! | `writer.write(data); await writer.drain()` | `conn.send_all(data)` (it waits only when the socket is full) |
//! | `writer.write_eof()` | `conn.shutdown()` |
//! | `writer.close()` | dropping the stream |
//! | `IncompleteReadError(partial, expected)` | [`net::IncompleteRead`] `{ partial, expected }`, inside an `io::Error` |
//!
//! Every line is printed after what causes it (the server prints what it received before it
//! answers; the client prints after it got the answer), so the order does not depend on timing.

use corogen::exec::{self, Reply, SysCall, net, sys};
use corogen::prelude::*;
use std::cell::RefCell;
use std::io;
use std::net::SocketAddr;

thread_local! {
    /// The peers seen so far, in order: the n-th is printed as `clientN`.
    static PEERS: RefCell<Vec<SocketAddr>> = const { RefCell::new(Vec::new()) };
}

/// A peer address as the Python program prints it: `('127.0.0.1', 'clientN')` (its port
/// changes from run to run).
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

/// Python's `repr` of a `str`: in single quotes, with `\n`, `\\` and `'` escaped.
fn repr_str(text: &str) -> String {
    let mut out = String::from("'");
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            c => out.push(c),
        }
    }
    out + "'"
}

/// Python's `repr` of `bytes`: `b'...'`, printable ASCII as itself, the rest escaped.
fn repr_bytes(bytes: &[u8]) -> String {
    let mut out = String::from("b'");
    for &b in bytes {
        match b {
            b'\n' => out.push_str("\\n"),
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out + "'"
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ---- the server side: `start_server` ----

/// What `start_server` does with each connection: a task of its own runs the handler.
type Handler<G> = fn(net::TcpStream) -> G;

/// Accepts connections for ever, each handled by a new task (`asyncio.start_server`). It ends
/// when it is killed, and the listener closes with it.
#[generator(yield = SysCall, send = Reply)]
fn serve<G>(listener: net::TcpListener, handler: Handler<G>) -> io::Result<()>
where
    G: Generator<Yield = SysCall, Send = Reply, Throw = core::convert::Infallible> + 'static,
{
    loop {
        let (conn, _peer) = yield_from!(listener.accept())?;
        yield_from!(sys::spawn(handler(conn)));
    }
}

#[generator(yield = SysCall, send = Reply)]
fn handle_echo(conn: net::TcpStream) -> io::Result<()> {
    let mut reader = net::BufReader::new(conn);
    let data = yield_from!(reader.read(100))?;
    let message = text(&data);
    let addr = stable(reader.get_ref().peer_addr()?);

    println!("Received {} from {addr}", repr_str(&message));

    println!("Send: {}", repr_str(&message));
    yield_from!(reader.get_ref().send_all(&data))?;

    println!("Close the connection");
    Ok(()) // the stream is dropped here: `writer.close()`
}

#[generator(yield = SysCall, send = Reply)]
fn handle_lines(conn: net::TcpStream) -> io::Result<()> {
    let mut reader = net::BufReader::new(conn);
    loop {
        let line = yield_from!(reader.read_line())?;
        if line.is_empty() {
            break;
        }
        let line = text(&line);
        println!("server readline() -> {}", repr_str(&line));
        let loud = line.to_uppercase();
        yield_from!(reader.get_ref().send_all(loud.as_bytes()))?;
    }
    println!("server readline() -> b'' (EOF), closing");
    Ok(())
}

#[generator(yield = SysCall, send = Reply)]
fn handle_frames(conn: net::TcpStream) -> io::Result<()> {
    let mut reader = net::BufReader::new(conn);
    let incomplete = loop {
        let header = match yield_from!(reader.read_exact(4)) {
            Ok(header) => header,
            Err(e) => break e,
        };
        let size = u32::from_be_bytes(header.try_into().expect("4 bytes")) as usize;
        let payload = match yield_from!(reader.read_exact(size)) {
            Ok(payload) => payload,
            Err(e) => break e,
        };
        println!(
            "server got a frame of {size} bytes: {}",
            repr_bytes(&payload)
        );
        let mut answer = (payload.len() as u32).to_be_bytes().to_vec();
        answer.extend(payload.iter().rev());
        yield_from!(reader.get_ref().send_all(&answer))?;
    };
    // `except asyncio.IncompleteReadError as e`: any other error goes on up.
    let e = incomplete.downcast::<net::IncompleteRead>()?;
    let expected = e
        .expected
        .expect("read_exact knows how many bytes it wanted");
    println!(
        "server: IncompleteReadError, expected {expected} bytes, got {}",
        repr_bytes(&e.partial)
    );
    Ok(())
}

// ---- the client side: `open_connection` ----

#[generator(yield = SysCall, send = Reply)]
fn tcp_echo_client(message: &'static str, addr: SocketAddr) -> io::Result<()> {
    let conn = yield_from!(net::TcpStream::connect(addr))?;

    println!("Send: {}", repr_str(message));
    yield_from!(conn.send_all(message.as_bytes()))?;

    let mut reader = net::BufReader::new(conn);
    let data = yield_from!(reader.read(100))?;
    println!("Received: {}", repr_str(&text(&data)));

    println!("Close the connection");
    Ok(())
}

#[generator(yield = SysCall, send = Reply)]
fn lines_client(addr: SocketAddr) -> io::Result<()> {
    let mut reader = net::BufReader::new(yield_from!(net::TcpStream::connect(addr))?);
    // Two lines, one write.
    yield_from!(
        reader
            .get_ref()
            .send_all("Hello World!\nПривет!\n".as_bytes())
    )?;
    for _ in 0..2 {
        let line = yield_from!(reader.read_line())?;
        println!("client readline() -> {}", repr_str(&text(&line)));
    }
    reader.get_ref().shutdown()?; // write_eof()
    let rest = yield_from!(reader.read_to_end())?;
    println!("client read() -> {}", repr_bytes(&rest));
    Ok(())
}

#[generator(yield = SysCall, send = Reply)]
fn frames_client(addr: SocketAddr) -> io::Result<()> {
    let mut reader = net::BufReader::new(yield_from!(net::TcpStream::connect(addr))?);
    for payload in [&b"abc"[..], "Hello World!".as_bytes()] {
        let mut frame = (payload.len() as u32).to_be_bytes().to_vec();
        frame.extend_from_slice(payload);
        yield_from!(reader.get_ref().send_all(&frame))?;
        let header = yield_from!(reader.read_exact(4))?;
        let size = u32::from_be_bytes(header.try_into().expect("4 bytes")) as usize;
        let answer = yield_from!(reader.read_exact(size))?;
        println!("client got {}", repr_bytes(&answer));
    }
    // A header that promises 10 bytes, then only 3, then the end of the stream.
    let mut short = 10u32.to_be_bytes().to_vec();
    short.extend_from_slice(b"abc");
    yield_from!(reader.get_ref().send_all(&short))?;
    reader.get_ref().shutdown()?;
    let rest = yield_from!(reader.read_to_end())?;
    println!("client read() -> {}", repr_bytes(&rest));
    Ok(())
}

// ---- main ----

#[generator(yield = SysCall, send = Reply)]
fn async_main() -> io::Result<()> {
    let listener = net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    println!("Serving on ('{}', '<port>')", addr.ip());

    // `async with server:` the server runs while the block does; leaving it closes the server.
    let server = yield_from!(sys::spawn(serve(listener, handle_echo)));
    yield_from!(tcp_echo_client("Hello World!", addr))?;
    yield_from!(sys::kill(server.id())).expect("the server runs");

    println!("-- readline()");
    let listener = net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = yield_from!(sys::spawn(serve(listener, handle_lines)));
    yield_from!(lines_client(addr))?;
    yield_from!(sys::kill(server.id())).expect("the server runs");

    println!("-- readexactly()");
    let listener = net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = yield_from!(sys::spawn(serve(listener, handle_frames)));
    yield_from!(frames_client(addr))?;
    yield_from!(sys::kill(server.id())).expect("the server runs");
    Ok(())
}

/// Runs the exercise.
pub fn main() {
    exec::run(async_main())
        .expect("main returned")
        .expect("the streams worked");
}
