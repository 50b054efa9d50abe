//! The executor's sockets on 127.0.0.1: the fairness budget that keeps one busy connection
//! from holding the scheduler.

use corogen::exec::{self, Reply, SysCall, net, sys};
use corogen::prelude::*;
use std::cell::Cell;
use std::io::Write;
use std::net::TcpStream;
use std::rc::Rc;
use std::thread;
use std::time::Duration;

/// Operations a task completes in one turn before it pauses (`net`'s documented budget).
const BUDGET: u32 = 32;
const SENT: usize = 64 * 1024;

/// Reads one byte at a time until the end of the stream; returns the bytes read and the
/// longest run of reads between two turns of the ticker.
#[generator(yield = SysCall, send = Reply)]
fn reader(conn: net::TcpStream, ticks: Rc<Cell<u64>>, done: Rc<Cell<bool>>) -> (usize, u32) {
    let mut byte = [0; 1];
    let (mut read, mut run, mut longest, mut seen) = (0, 0, 0, ticks.get());
    loop {
        let n = yield_from!(conn.recv(&mut byte)).expect("the peer sends");
        if ticks.get() != seen {
            (seen, run) = (ticks.get(), 0);
        }
        run += 1;
        longest = longest.max(run);
        if n == 0 {
            done.set(true);
            return (read, longest);
        }
        read += n;
    }
}

#[generator(yield = SysCall, send = Reply)]
fn ticker(ticks: Rc<Cell<u64>>, done: Rc<Cell<bool>>) {
    while !done.get() {
        ticks.set(ticks.get() + 1);
        yield_from!(sys::pause());
    }
}

#[generator(yield = SysCall, send = Reply)]
fn main_task() -> (usize, u32) {
    let listener = net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("bound").port();
    let peer = thread::spawn(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_write_timeout(Some(Duration::from_secs(60)))?;
        stream.write_all(&[7; SENT])
    });
    let (conn, _) = yield_from!(listener.accept()).expect("the peer connects");
    let (ticks, done) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(false)));
    yield_from!(sys::spawn(ticker(Rc::clone(&ticks), Rc::clone(&done))));
    let reading = yield_from!(sys::spawn(reader(conn, ticks, done)));
    let outcome = yield_from!(sys::wait(reading)).expect("the reader returned");
    peer.join().expect("the peer ran").expect("the peer sent");
    outcome
}

#[test]
fn a_peer_that_keeps_sending_does_not_keep_the_other_tasks_from_running() {
    let (read, longest) = exec::run(main_task()).unwrap();
    assert_eq!(read, SENT);
    assert!(
        longest <= BUDGET,
        "{longest} reads in a row without a turn for the others"
    );
}
