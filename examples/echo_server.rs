//! An echo server on the trampoline executor: one task accepts, one task per connection echoes
//! what it reads, each written as straight-line code over `exec::net`.
//!
//! `cargo run --example echo_server [PORT]` serves on 127.0.0.1 until it is stopped (port 0,
//! the default, picks a free one); it prints the port. A peer that resets or half-closes its
//! connection ends that connection's task; running out of file descriptors makes the accept
//! loop wait a little and try again, while the connections already open go on.

use corogen::exec::{Reply, Scheduler, SysCall, net, sys};
use corogen::prelude::*;
use std::io::{self, ErrorKind};
use std::time::Duration;

/// How long the accept loop waits when the process is out of file descriptors.
const FD_BACKOFF: Duration = Duration::from_millis(10);

/// Echoes everything `conn` sends until it closes its side; then closes ours.
#[generator(yield = SysCall, send = Reply)]
pub fn echo(conn: net::TcpStream) -> io::Result<u64> {
    let mut buf = vec![0; 16 * 1024];
    let mut echoed = 0;
    loop {
        let n = yield_from!(conn.recv(&mut buf))?;
        if n == 0 {
            return Ok(echoed); // end of stream: the peer closed or half-closed
        }
        yield_from!(conn.send_all(&buf[..n]))?;
        echoed += n as u64;
    }
}

/// Whether an accept error means the process (or system) is out of file descriptors.
fn out_of_fds(e: &io::Error) -> bool {
    // EMFILE and ENFILE on Linux and the BSDs.
    matches!(e.raw_os_error(), Some(23 | 24))
}

/// Accepts connections, `limit` of them if given, and spawns an [`echo`] task for each.
#[generator(yield = SysCall, send = Reply)]
pub fn serve(listener: net::TcpListener, limit: Option<u64>) -> io::Result<()> {
    let mut accepted = 0;
    while limit.is_none_or(|limit| accepted < limit) {
        match yield_from!(listener.accept()) {
            Ok((conn, _peer)) => {
                yield_from!(sys::spawn(echo(conn)));
                accepted += 1;
            }
            Err(e) if out_of_fds(&e) => yield_from!(sys::sleep(FD_BACKOFF)),
            // The peer gave up before we accepted: nothing to serve.
            Err(e) if e.kind() == ErrorKind::ConnectionAborted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Serves on 127.0.0.1 until stopped.
pub fn main() {
    let port: u16 = match std::env::args().nth(1) {
        Some(arg) => arg.parse().expect("the argument is a port number"),
        None => 0,
    };
    let listener = net::TcpListener::bind(("127.0.0.1", port)).expect("bind 127.0.0.1");
    println!("{}", listener.local_addr().expect("bound").port());
    let mut sched = Scheduler::new();
    let server = sched.spawn(serve(listener, None));
    let stopped = match (sched.run(), server.take_outcome()) {
        (Err(e), _) | (_, Some(Ok(Err(e)))) => e,
        _ => return,
    };
    eprintln!("echo server stopped: {stopped}");
    std::process::exit(1);
}
