//! TCP clients on 127.0.0.1: `TcpStream::connect` (many clients, refused, killed while it
//! waits), and the framing of `BufReader` (lines, separators, exact sizes, the partial data of
//! a stream that ends too soon).

mod polled;

use corogen::exec::{self, Reply, SysCall, TaskEnded, net, sys};
use corogen::prelude::*;
use polled::{epoll_entries, refusing, serial, slow_host};
use std::cell::Cell;
use std::io::{self, ErrorKind, Read, Write};
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

/// Answers each line of a connection with the line upper-cased, until the end of the stream.
#[generator(yield = SysCall, send = Reply)]
fn shout(conn: net::TcpStream) -> io::Result<()> {
    let mut reader = net::BufReader::new(conn);
    loop {
        let line = yield_from!(reader.read_line())?;
        if line.is_empty() {
            return Ok(());
        }
        let loud = line.to_ascii_uppercase();
        yield_from!(reader.get_ref().send_all(&loud))?;
    }
}

/// Accepts `n` connections, each served by a task of its own.
#[generator(yield = SysCall, send = Reply)]
fn serve(listener: net::TcpListener, n: usize) -> io::Result<()> {
    for _ in 0..n {
        let (conn, _) = yield_from!(listener.accept())?;
        yield_from!(sys::spawn(shout(conn)));
    }
    Ok(())
}

/// Connects, sends one line naming client `i`, and reads the answer.
#[generator(yield = SysCall, send = Reply)]
fn client(addr: SocketAddr, i: usize) -> io::Result<String> {
    let conn = yield_from!(net::TcpStream::connect(addr))?;
    assert_eq!(conn.peer_addr()?, addr);
    assert_eq!(conn.local_addr()?.ip(), addr.ip());
    let line = format!("client {i}\n");
    yield_from!(conn.send_all(line.as_bytes()))?;
    let mut reader = net::BufReader::new(conn);
    let line = yield_from!(reader.read_line())?;
    Ok(String::from_utf8(line).expect("ASCII"))
}

#[test]
fn a_thousand_clients_connect_and_each_gets_its_own_answer() {
    const CLIENTS: usize = 1000;
    /// Clients connecting at once: fewer than the listener's backlog (128), so no SYN is
    /// dropped and retried a second later.
    const WAVE: usize = 100;
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(listener: net::TcpListener) -> io::Result<Vec<String>> {
        let addr = listener.local_addr()?;
        let server = yield_from!(sys::spawn(serve(listener, CLIENTS)));
        let mut answers = Vec::new();
        for wave in 0..CLIENTS / WAVE {
            let mut clients = Vec::new();
            for i in wave * WAVE..(wave + 1) * WAVE {
                clients.push(yield_from!(sys::spawn(client(addr, i))));
            }
            for handle in clients {
                answers.push(yield_from!(sys::wait(handle)).expect("the client returned")?);
            }
        }
        yield_from!(sys::wait(server)).expect("the server returned")?;
        Ok(answers)
    }
    let _serial = serial();
    let listener = net::TcpListener::bind("127.0.0.1:0").unwrap();
    let answers = exec::run(main_task(listener)).unwrap().unwrap();
    let expected: Vec<String> = (0..CLIENTS).map(|i| format!("CLIENT {i}\n")).collect();
    assert_eq!(answers, expected);
}

#[test]
fn connecting_where_nothing_listens_is_refused() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(addr: SocketAddr) -> io::Result<net::TcpStream> {
        yield_from!(net::TcpStream::connect(addr))
    }
    let _serial = serial();
    let (_bound, addr) = refusing();
    let refused = exec::run(main_task(addr)).unwrap().unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);
}

#[test]
fn an_address_that_resolves_to_nothing_is_invalid_input() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task() -> io::Result<net::TcpStream> {
        yield_from!(net::TcpStream::connect(&[][..] as &[SocketAddr]))
    }
    let _serial = serial();
    let error = exec::run(main_task()).unwrap().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
}

/// A line, as read.
type Line = Vec<u8>;

/// How a task that returns an `io::Result<T>` ended.
type Ended<T> = Result<io::Result<T>, TaskEnded>;

/// Sets its flag when it is dropped: the cleanup of a killed task ran.
struct Cleanup(Rc<Cell<bool>>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

#[test]
fn killing_a_task_that_waits_on_connect_deletes_its_socket_from_the_poller() {
    #[generator(yield = SysCall, send = Reply)]
    fn connecting(addr: SocketAddr, cleaned: Rc<Cell<bool>>) -> io::Result<()> {
        let _cleanup = Cleanup(cleaned);
        yield_from!(net::TcpStream::connect(addr))?;
        unreachable!("the slow host never completes a connection");
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(addr: SocketAddr) -> (usize, usize, bool, Ended<()>) {
        let cleaned = Rc::new(Cell::new(false));
        // A first wait makes the scheduler's poller (which holds a descriptor of its own).
        yield_from!(sys::sleep(Duration::from_millis(1)));
        let before = epoll_entries();
        let task = yield_from!(sys::spawn(connecting(addr, Rc::clone(&cleaned))));
        // The new task runs first: it starts its connection and waits.
        yield_from!(sys::pause());
        let waiting = epoll_entries() - before;
        yield_from!(sys::kill(task.id())).unwrap();
        let after = epoll_entries() - before;
        (waiting, after, cleaned.get(), yield_from!(sys::wait(task)))
    }
    let _serial = serial();
    let host = slow_host();
    let (waiting, after, cleaned, how) = exec::run(main_task(host.addr)).unwrap();
    assert_eq!(
        (waiting, after),
        (1, 0),
        "registered while it waits, not after"
    );
    assert!(cleaned, "the killed task's locals were dropped");
    assert_eq!(how.map(drop), Err(TaskEnded::Killed));
    drop(host);
}

/// Runs `task` on a connection whose peer, a thread, writes `chunks` (one write each, with a
/// pause between them so they come as separate reads) and then closes its side.
fn with_peer<T: 'static>(
    chunks: &'static [&'static [u8]],
    task: impl FnOnce(net::TcpStream) -> T,
) -> T {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let peer = std::thread::spawn(move || {
        let mut conn = std::net::TcpStream::connect(addr).unwrap();
        for chunk in chunks {
            conn.write_all(chunk).unwrap();
            std::thread::sleep(Duration::from_millis(5));
        }
        conn.shutdown(std::net::Shutdown::Write).unwrap();
        let mut rest = Vec::new();
        conn.read_to_end(&mut rest).unwrap();
        rest
    });
    let conn = net::TcpStream::from_std(listener.accept().unwrap().0).unwrap();
    let out = task(conn);
    peer.join().unwrap();
    out
}

#[test]
fn lines_come_out_one_by_one_whatever_the_chunks_and_the_last_one_may_lack_its_newline() {
    #[generator(yield = SysCall, send = Reply)]
    fn lines(conn: net::TcpStream) -> io::Result<Vec<Vec<u8>>> {
        let mut reader = net::BufReader::new(conn);
        let mut lines = Vec::new();
        loop {
            let line = yield_from!(reader.read_line())?;
            if line.is_empty() {
                return Ok(lines);
            }
            lines.push(line);
        }
    }
    let _serial = serial();
    let chunks: &[&[u8]] = &[b"one\ntw", b"o\n", b"\nthree\nfo", b"ur"];
    let lines = with_peer(chunks, |conn| exec::run(lines(conn)))
        .unwrap()
        .unwrap();
    assert_eq!(lines, [&b"one\n"[..], b"two\n", b"\n", b"three\n", b"four"]);
}

#[test]
fn read_until_finds_a_separator_split_across_reads_and_reports_the_rest_as_incomplete() {
    type Framed = (Vec<Vec<u8>>, net::IncompleteRead);
    #[generator(yield = SysCall, send = Reply)]
    fn frames(conn: net::TcpStream) -> io::Result<Framed> {
        let mut reader = net::BufReader::new(conn);
        let mut frames = Vec::new();
        loop {
            match yield_from!(reader.read_until(b"\r\n\r\n")) {
                Ok(frame) => frames.push(frame),
                Err(e) => {
                    let incomplete = e.downcast::<net::IncompleteRead>().expect("incomplete");
                    assert!(reader.buffer().is_empty(), "the partial data is consumed");
                    return Ok((frames, incomplete));
                }
            }
        }
    }
    let _serial = serial();
    let chunks: &[&[u8]] = &[
        b"GET /\r\n",
        b"\r",
        b"\n\r\n\r\nHost: x\r\n\r",
        b"\nta",
        b"il\r\n",
    ];
    let (frames, incomplete) = with_peer(chunks, |conn| exec::run(frames(conn)))
        .unwrap()
        .unwrap();
    assert_eq!(
        frames,
        [&b"GET /\r\n\r\n"[..], b"\r\n\r\n", b"Host: x\r\n\r\n"]
    );
    assert_eq!(incomplete.partial, b"tail\r\n");
    assert_eq!(incomplete.expected, None);
}

#[test]
fn read_exact_reads_frames_longer_than_the_buffer_and_keeps_the_partial_data_of_a_short_one() {
    #[generator(yield = SysCall, send = Reply)]
    fn frames(conn: net::TcpStream) -> io::Result<(Vec<usize>, io::Error)> {
        let mut reader = net::BufReader::new(conn);
        let mut sizes = Vec::new();
        loop {
            let header = match yield_from!(reader.read_exact(4)) {
                Ok(header) => header,
                Err(e) => return Ok((sizes, e)),
            };
            let size = u32::from_be_bytes(header.try_into().unwrap()) as usize;
            match yield_from!(reader.read_exact(size)) {
                Ok(payload) => {
                    assert!(payload.iter().all(|&b| b == size as u8));
                    sizes.push(payload.len());
                }
                Err(e) => return Ok((sizes, e)),
            }
        }
    }
    static BIG: [u8; 20_000] = [32; 20_000]; // 20,000 as a u8 is 32
    static CHUNKS: [&[u8]; 6] = [
        &[0, 0, 0, 3],
        &[3, 3, 3, 0, 0],
        &[0x4e, 0x20], // 20,000
        &BIG,
        &[0, 0, 0, 10],
        b"abc",
    ];
    let _serial = serial();
    let (sizes, error) = with_peer(&CHUNKS, |conn| exec::run(frames(conn)))
        .unwrap()
        .unwrap();
    assert_eq!(sizes, [3, 20_000]);
    assert_eq!(error.kind(), ErrorKind::UnexpectedEof);
    let incomplete = error.downcast::<net::IncompleteRead>().unwrap();
    assert_eq!(
        (incomplete.partial, incomplete.expected),
        (b"abc".to_vec(), Some(10))
    );
}

#[test]
fn read_n_gives_what_is_buffered_first_and_read_to_end_the_rest() {
    #[generator(yield = SysCall, send = Reply)]
    fn reads(conn: net::TcpStream) -> io::Result<Vec<Vec<u8>>> {
        let mut reader = net::BufReader::new(conn);
        let first = yield_from!(reader.read(3))?;
        // However the chunks came, read(n) hands out what is buffered, without waiting.
        let buffered = reader.buffer().to_vec();
        assert!(!buffered.is_empty(), "one read took in more than 3 bytes");
        let second = yield_from!(reader.read(100))?;
        assert_eq!(second, buffered);
        let zero = yield_from!(reader.read(0))?;
        let rest = yield_from!(reader.read_to_end())?;
        let after = yield_from!(reader.read(10))?;
        Ok(vec![first, [second, rest].concat(), zero, after])
    }
    let _serial = serial();
    let chunks: &[&[u8]] = &[b"hello", b" big", b" world"];
    let reads = with_peer(chunks, |conn| exec::run(reads(conn)))
        .unwrap()
        .unwrap();
    assert_eq!(reads, [&b"hel"[..], b"lo big world", b"", b""]);
}

/// The error of a line too long, how much was buffered then, and the line read again.
type LongLine = (io::Error, usize, Vec<u8>);

#[test]
fn a_line_longer_than_the_limit_is_invalid_data_and_stays_buffered() {
    #[generator(yield = SysCall, send = Reply)]
    fn long_line(conn: net::TcpStream) -> io::Result<LongLine> {
        let mut reader = net::BufReader::with_limit(conn, 8);
        let error = yield_from!(reader.read_line()).unwrap_err();
        let buffered = reader.buffer().len();
        let exact = yield_from!(reader.read_exact(11))?;
        Ok((error, buffered, exact))
    }
    let _serial = serial();
    let chunks: &[&[u8]] = &[b"0123456789\n"];
    let (error, buffered, exact) = with_peer(chunks, |conn| exec::run(long_line(conn)))
        .unwrap()
        .unwrap();
    assert_eq!(error.kind(), ErrorKind::InvalidData);
    assert!(buffered >= 8, "{buffered} bytes were buffered");
    assert_eq!(exact, b"0123456789\n");
}

#[test]
fn shutdown_ends_what_this_side_sends_and_it_still_reads_the_answer() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(listener: net::TcpListener) -> io::Result<Vec<u8>> {
        let addr = listener.local_addr()?;
        let server = yield_from!(sys::spawn(serve(listener, 1)));
        let conn = yield_from!(net::TcpStream::connect(addr))?;
        yield_from!(conn.send_all(b"a\nb\n"))?;
        conn.shutdown()?;
        let mut reader = net::BufReader::new(conn);
        let all = yield_from!(reader.read_to_end())?;
        yield_from!(sys::wait(server)).unwrap()?;
        Ok(all)
    }
    let _serial = serial();
    let listener = net::TcpListener::bind("127.0.0.1:0").unwrap();
    assert_eq!(exec::run(main_task(listener)).unwrap().unwrap(), b"A\nB\n");
}

#[test]
fn a_reader_and_a_writer_in_two_tasks_share_one_stream() {
    #[generator(yield = SysCall, send = Reply)]
    fn writer(conn: Rc<net::TcpStream>) -> io::Result<()> {
        for word in ["x\n", "y\n", "z\n"] {
            yield_from!(conn.send_all(word.as_bytes()))?;
            yield_from!(sys::pause());
        }
        conn.shutdown()
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(listener: net::TcpListener) -> io::Result<Vec<Vec<u8>>> {
        let addr = listener.local_addr()?;
        yield_from!(sys::spawn(serve(listener, 1)));
        let conn = Rc::new(yield_from!(net::TcpStream::connect(addr))?);
        let written = yield_from!(sys::spawn(writer(Rc::clone(&conn))));
        let mut reader = net::BufReader::new(conn);
        let mut lines = Vec::new();
        loop {
            let line = yield_from!(reader.read_line())?;
            if line.is_empty() {
                break;
            }
            lines.push(line);
        }
        yield_from!(sys::wait(written)).unwrap()?;
        Ok(lines)
    }
    let _serial = serial();
    let listener = net::TcpListener::bind("127.0.0.1:0").unwrap();
    let lines = exec::run(main_task(listener)).unwrap().unwrap();
    assert_eq!(lines, [b"X\n", b"Y\n", b"Z\n"]);
}

#[test]
fn a_cancelled_read_line_throws_cancelled_in_and_its_cleanup_may_still_use_the_stream() {
    use corogen::exec::Cancelled;
    /// Reads lines until cancelled; then says goodbye on the same stream and returns the lines.
    #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
    fn reader_task(conn: net::TcpStream) -> io::Result<Vec<Vec<u8>>> {
        let mut reader = net::BufReader::new(conn);
        let mut lines = Vec::new();
        loop {
            match try_yield_from!(reader.read_line()) {
                Ok(line) => lines.push(line?),
                Err(cancelled) => {
                    assert_eq!(cancelled, Interrupt::Throw(Cancelled));
                    // What was buffered and not handed out is still there.
                    lines.push(reader.buffer().to_vec());
                    yield_from!(reader.get_ref().send_all(b"bye\n"))?;
                    return Ok(lines);
                }
            }
        }
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(listener: net::TcpListener) -> io::Result<(Vec<Line>, Line)> {
        let addr = listener.local_addr()?;
        let conn = yield_from!(net::TcpStream::connect(addr))?;
        let (peer, _) = yield_from!(listener.accept())?;
        yield_from!(peer.send_all(b"one\npart"))?;
        let task = yield_from!(sys::spawn(reader_task(conn)));
        // The reader reads "one\n", buffers "part", and waits for the rest of the line.
        yield_from!(sys::pause());
        yield_from!(sys::cancel(task.id())).unwrap();
        let lines = yield_from!(sys::wait(task)).expect("the reader returned")?;
        let mut reader = net::BufReader::new(peer);
        let said = yield_from!(reader.read_line())?;
        Ok((lines, said))
    }
    let _serial = serial();
    let listener = net::TcpListener::bind("127.0.0.1:0").unwrap();
    let (lines, said) = exec::run(main_task(listener)).unwrap().unwrap();
    assert_eq!(lines, [&b"one\n"[..], b"part"]);
    assert_eq!(said, b"bye\n");
}

#[test]
fn a_connect_that_hangs_times_out_and_leaves_the_poller() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(slow: SocketAddr, quick: SocketAddr) -> (io::Result<SocketAddr>, usize, bool) {
        yield_from!(sys::sleep(Duration::from_millis(1))); // makes the poller
        let before = epoll_entries();
        let timed_out = yield_from!(net::TcpStream::connect_timeout(
            slow,
            Duration::from_millis(50)
        ))
        .map(|conn| conn.peer_addr().unwrap());
        let after = epoll_entries() - before;
        let quick = yield_from!(net::TcpStream::connect_timeout(
            quick,
            Duration::from_secs(30)
        ));
        (timed_out, after, quick.is_ok())
    }
    let _serial = serial();
    let host = slow_host();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let quick = listener.local_addr().unwrap();
    let (timed_out, after, quick) = exec::run(main_task(host.addr, quick)).unwrap();
    let error = timed_out.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TimedOut);
    assert_eq!(
        after, 0,
        "the socket given up was closed and left the poller"
    );
    assert!(quick, "a connection made in time is returned");
}

#[test]
fn a_refused_connect_with_a_timeout_is_refused_at_once() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(addr: SocketAddr) -> io::Result<net::TcpStream> {
        yield_from!(net::TcpStream::connect_timeout(
            addr,
            Duration::from_secs(30)
        ))
    }
    let _serial = serial();
    let (_bound, addr) = refusing();
    let refused = exec::run(main_task(addr)).unwrap().unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);
}

#[test]
fn a_reader_over_a_borrowed_stream_leaves_the_stream_to_its_owner() {
    #[generator(yield = SysCall, send = Reply)]
    fn reads(conn: net::TcpStream) -> io::Result<(Line, Line)> {
        let (first, mut rest) = {
            let mut reader = net::BufReader::new(&conn);
            let line = yield_from!(reader.read_line())?;
            let (_, buffered) = reader.into_parts(); // what was buffered is handed back
            (line, buffered)
        };
        // The owner reads on, directly, to the end.
        let mut buf = [0; 16];
        loop {
            let n = yield_from!(conn.recv(&mut buf))?;
            if n == 0 {
                return Ok((first, rest));
            }
            rest.extend_from_slice(&buf[..n]);
        }
    }
    let _serial = serial();
    let chunks: &[&[u8]] = &[b"first\nsecond\n", b"third\n"];
    let (first, rest) = with_peer(chunks, |conn| exec::run(reads(conn)))
        .unwrap()
        .unwrap();
    assert_eq!(first, b"first\n");
    assert_eq!(
        rest, b"second\nthird\n",
        "nothing lost between the reader and the owner"
    );
}
