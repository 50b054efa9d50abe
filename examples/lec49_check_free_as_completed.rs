//! LEC-49: a domain check. One `check_free` task per name read from `domains.csv`, waited for
//! with `as_completed`, so the answers are printed in the order the checks finish. A refused
//! connection and one that hangs until its timeout are I/O errors, and both count as "free".
//! There is no DNS and no Internet here: the hosts are stand-ins on 127.0.0.1.
//!
//! How the asyncio names map onto corogen's:
//!
//! | asyncio | corogen |
//! |---|---|
//! | `asyncio.wait_for(asyncio.open_connection(host, port), timeout)` | `net::TcpStream::connect_timeout(addr, timeout)` |
//! | `TimeoutError` (an `OSError`) | an `io::Error` of kind `TimedOut` |
//! | `except (OSError, asyncio.CancelledError)` | `Err(_)` of the `io::Result` |
//! | `for cor in asyncio.as_completed(tasks): await cor` | `let mut done = exec::as_completed(handles); while let Some(..) = yield_from!(done.next_completed())` |
//!
//! The three stand-in hosts: a listening socket (the kernel completes the connection:
//! "taken"), a bound socket that does not listen (the connection is refused), and a listener
//! with a backlog of 0 whose queue already holds a connection (Linux then drops the SYN, so the
//! connect hangs until its timeout of 4 units). Each name's "resolution" takes 0 to 4 units (of
//! 0.05 s), which fixes the order the checks finish in; the slow host starts last, so it is
//! last whether its connect times out or is refused at once.

use corogen::exec::{self, Reply, SysCall, net, sys};
use corogen::prelude::*;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use rustix::net::{AddressFamily, SocketType, bind, getsockname, listen, socket};

const UNIT: Duration = Duration::from_millis(50);
const CONNECT_TIMEOUT: Duration = Duration::from_millis(4 * 50);

/// The stand-in hosts: `name: (resolution delay in units, local port)`.
type Hosts = Vec<(&'static str, (u32, u16))>;

/// A socket bound to a free port of 127.0.0.1; listening with `backlog` if given.
fn bound(backlog: Option<i32>) -> (std::os::fd::OwnedFd, u16) {
    let sock = socket(AddressFamily::INET, SocketType::STREAM, None).expect("a socket");
    bind(&sock, &SocketAddr::from(([127, 0, 0, 1], 0))).expect("bound to 127.0.0.1");
    if let Some(backlog) = backlog {
        listen(&sock, backlog).expect("listening");
    }
    let addr = SocketAddr::try_from(getsockname(&sock).expect("its address")).expect("IPv4");
    (sock, addr.port())
}

/// Stands in for `asyncio.open_connection(host, port)`: "resolves" the name through the
/// table (a delay and a local port), then connects with a timeout.
#[generator(yield = SysCall, send = Reply)]
fn open_connection(hosts: Rc<Hosts>, host: String) -> io::Result<net::TcpStream> {
    let (_, (delay, port)) = *hosts
        .iter()
        .find(|(name, _)| *name == host)
        .expect("a known host");
    yield_from!(sys::sleep(delay * UNIT));
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    yield_from!(net::TcpStream::connect_timeout(addr, CONNECT_TIMEOUT))
}

#[generator(yield = SysCall, send = Reply)]
fn check_free(hosts: Rc<Hosts>, domain: String) -> (String, bool) {
    match yield_from!(open_connection(hosts, format!("python{domain}"))) {
        Err(_refused_or_timed_out) => (domain, true),
        Ok(conn) => {
            drop(conn); // writer.close()
            (domain, false)
        }
    }
}

#[generator(yield = SysCall, send = Reply)]
fn async_main(hosts: Rc<Hosts>, domains_csv: PathBuf) {
    let text = std::fs::read_to_string(&domains_csv).expect("domains.csv is readable");
    let domains: Vec<String> = text.lines().map(|line| line.trim().to_string()).collect();
    let mut tasks = Vec::new();
    for domain in &domains {
        tasks.push(yield_from!(sys::spawn(check_free(
            Rc::clone(&hosts),
            domain.clone()
        ))));
    }
    let mut done = exec::as_completed(tasks);
    while let Some((_, outcome)) = yield_from!(done.next_completed()) {
        let (domain, result) = outcome.expect("the check returned");
        let free = if result { "free" } else { "not free" };
        println!("python{domain} is {free}.");
    }
    println!("checked {} domains", domains.len());
}

/// Runs the exercise.
pub fn main() {
    // ---- stand-in hosts, all on 127.0.0.1 ----
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a listener");
    let taken_port = taken.local_addr().expect("bound").port();
    let (refusing, refusing_port) = bound(None);
    let (slow, slow_port) = bound(Some(0));
    let filler = std::net::TcpStream::connect(("127.0.0.1", slow_port)) // fills slow's queue
        .expect("the first connection fits in the queue");

    let hosts: Rc<Hosts> = Rc::new(vec![
        ("python.org", (1, taken_port)),
        ("python.com", (3, taken_port)),
        ("python.xyz", (0, refusing_port)),
        ("python.io", (4, slow_port)),
        ("python.ru", (2, refusing_port)),
    ]);

    let dir = std::env::temp_dir().join(format!("lec49-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let domains_csv = dir.join("domains.csv");
    std::fs::write(&domains_csv, ".org\n.com\n.xyz\n.io\n.ru\n").expect("domains.csv written");

    exec::run(async_main(hosts, domains_csv)).expect("main returned");

    drop((filler, slow, refusing, taken));
    std::fs::remove_dir_all(&dir).expect("the temporary directory removed");
}
