//! Echo throughput and latency on loopback: the trampoline executor's echo server against a
//! hand-written single-threaded `polling` loop, a tokio current-thread server and Python asyncio
//! servers (`benches/python/`), all driven by the same client load generator (`echo_load/`).
//!
//! The load generator is one thread with one `polling` loop over `CONNS` connections, in a
//! process of its own (this binary, started again with `ECHO_LOAD_CHILD=1`), so the client and
//! the server each get a core of a two-core machine. The Rust servers run on a thread of this
//! process, whose main thread only waits for the load's answer; the asyncio servers are Python
//! processes. One sample is one load run: `CONNS` connections each doing `ROUND_TRIPS`
//! round trips of `SIZE` bytes, so divan's time per sample gives the throughput
//! (`cargo bench --bench echo`).
//!
//! `ECHO_REPORT=1 cargo bench --bench echo` prints a table instead: for each server, the
//! median over `REPORT_RUNS` load runs of round trips per second, of the median and 99th
//! percentile round-trip latency, and of the processor time the server used per round trip
//! (from `/proc`), with the ratios to corogen. Throughput is bounded by whichever side is
//! slower, client or server, and by the machine; the server's processor time per round trip
//! is what the server itself costs, whatever bounds the throughput. The asyncio servers are skipped
//! if `python3` cannot be started.
//!
//! The tokio server is a mode of the `exec_tokio` benchmark binary of the `corogen-bench`
//! package (tokio is a dev-dependency of that package only, so the tests of `corogen` never
//! build it), run as a process of its own as the asyncio servers are. It is skipped if that
//! binary has not been built beside this one: `cargo bench` in the repository root builds both,
//! or `cargo bench -p corogen-bench --bench exec_tokio --no-run`.

#[allow(dead_code)]
mod echo_load;
#[allow(dead_code)]
#[path = "../examples/echo_server.rs"]
mod echo_server;

use corogen::exec::{Scheduler, net};
use echo_load::Load;
use polling::{Event, Events, Poller};
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::thread;
use std::time::Duration;

const CONNS: usize = 50;
const ROUND_TRIPS: usize = 1000;
const SIZE: usize = 64;
/// A bound on one load run: past it the run fails instead of hanging.
const BOUND: Duration = Duration::from_secs(60);
const REPORT_RUNS: usize = 7;
const COROGEN_THREAD: &str = "corogen-echo";
const POLLING_THREAD: &str = "polling-echo";

fn main() {
    if std::env::var_os("ECHO_LOAD_CHILD").is_some() {
        return load_child();
    }
    if std::env::var_os("ECHO_REPORT").is_some() {
        return report();
    }
    divan::main();
}

/// The load process: for each port read from standard input, one load run against it, then a
/// line `rt elapsed_ns p50_ns p99_ns`; ends at the end of its input.
fn load_child() {
    for line in io::stdin().lock().lines() {
        let port = line.expect("a line").trim().parse().expect("a port");
        let load = Load {
            port,
            conns: CONNS,
            round_trips: ROUND_TRIPS,
            size: SIZE,
            bound: BOUND,
        };
        let r = echo_load::run(load).expect("the load ran");
        let (p50, p99) = (r.latency(0.5), r.latency(0.99));
        println!(
            "{} {} {} {}",
            r.round_trips,
            r.elapsed.as_nanos(),
            p50.as_nanos(),
            p99.as_nanos()
        );
    }
}

/// The load generator's process, kept for the whole benchmark.
struct LoadProcess {
    _child: Child,
    commands: ChildStdin,
    answers: BufReader<ChildStdout>,
}

/// One load run's summary, as the load process reports it.
struct Summary {
    round_trips: usize,
    elapsed: Duration,
    p50: Duration,
    p99: Duration,
}

impl LoadProcess {
    fn start() -> Self {
        let mut child = Command::new(std::env::current_exe().expect("this binary"))
            .env("ECHO_LOAD_CHILD", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the load process starts");
        let commands = child.stdin.take().expect("piped");
        let answers = BufReader::new(child.stdout.take().expect("piped"));
        Self {
            _child: child,
            commands,
            answers,
        }
    }

    fn run(&mut self, port: u16) -> Summary {
        writeln!(self.commands, "{port}").expect("the load process reads");
        let mut line = String::new();
        self.answers
            .read_line(&mut line)
            .expect("the load process answers");
        let n: Vec<u128> = line
            .split_whitespace()
            .map(|x| x.parse().expect("a number"))
            .collect();
        assert_eq!(n.len(), 4, "the load process failed: {line:?}");
        let ns = |x: u128| Duration::from_nanos(x as u64);
        Summary {
            round_trips: n[0] as usize,
            elapsed: ns(n[1]),
            p50: ns(n[2]),
            p99: ns(n[3]),
        }
    }
}

fn load(port: u16) -> Summary {
    static LOAD: OnceLock<Mutex<LoadProcess>> = OnceLock::new();
    let process = LOAD.get_or_init(|| Mutex::new(LoadProcess::start()));
    let summary = process.lock().unwrap().run(port);
    assert_eq!(summary.round_trips, CONNS * ROUND_TRIPS);
    summary
}

/// The executor's echo server (`examples/echo_server.rs`), on a thread of its own.
fn corogen_port() -> u16 {
    static PORT: OnceLock<u16> = OnceLock::new();
    *PORT.get_or_init(|| {
        let listener = net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = thread::Builder::new().name(COROGEN_THREAD.into());
        server
            .spawn(move || {
                let mut sched = Scheduler::new();
                sched.spawn(echo_server::serve(listener, None));
                sched.run().expect("the OS poller works");
            })
            .unwrap();
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
        let server = thread::Builder::new().name(POLLING_THREAD.into());
        server
            .spawn(move || polling_echo(listener).unwrap())
            .unwrap();
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

/// An asyncio server (`streams` or `protocol`), if `python3` runs; kept alive for the whole
/// benchmark.
static SERVERS: Mutex<Vec<(&str, Child, u16)>> = Mutex::new(Vec::new());

fn asyncio_port(kind: &'static str) -> Option<u16> {
    let mut servers = SERVERS.lock().unwrap();
    if let Some((_, _, port)) = servers.iter().find(|(k, ..)| *k == kind) {
        return Some(*port);
    }
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benches/python/echo_asyncio.py"
    );
    let mut child = Command::new("python3")
        .arg(script)
        .arg(kind)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take()?)
        .read_line(&mut line)
        .ok()?;
    let port = line.trim().parse().ok()?;
    servers.push((kind, child, port));
    Some(port)
}

/// The newest `exec_tokio` benchmark binary beside this one, if it has been built.
fn exec_tokio_binary() -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let deps = exe.parent()?;
    let built = std::fs::read_dir(deps).ok()?.filter_map(|entry| {
        let entry = entry.ok()?;
        let name = entry.file_name().into_string().ok()?;
        let binary = name.starts_with("exec_tokio-") && !name.contains('.');
        let modified = entry.metadata().ok()?.modified().ok()?;
        binary.then(|| (modified, entry.path()))
    });
    built.max().map(|(_, path)| path)
}

/// The tokio current-thread server (the `exec_tokio` binary with `TOKIO_ECHO_SERVER=1`), if it
/// has been built; kept alive for the whole benchmark.
fn tokio_port() -> Option<u16> {
    const KIND: &str = "tokio";
    let mut servers = SERVERS.lock().unwrap();
    if let Some((_, _, port)) = servers.iter().find(|(k, ..)| *k == KIND) {
        return Some(*port);
    }
    let mut child = Command::new(exec_tokio_binary()?)
        .env("TOKIO_ECHO_SERVER", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take()?)
        .read_line(&mut line)
        .ok()?;
    let port = line.trim().parse().ok()?;
    servers.push((KIND, child, port));
    Some(port)
}

/// The pid of the asyncio (or tokio) server `kind`, once started.
fn asyncio_pid(kind: &str) -> Option<u32> {
    let servers = SERVERS.lock().unwrap();
    servers
        .iter()
        .find(|(k, ..)| *k == kind)
        .map(|(_, child, _)| child.id())
}

/// Where a server runs, to read the processor time it has used.
#[derive(Clone, Copy)]
enum Runs {
    Thread(&'static str),
    Process(&'static str),
}

/// The processor time (user + system) a server has used so far, from `/proc` (Linux; clock
/// ticks of 10 ms, so a load run of a second or more is measured to 1% or better).
fn cpu_time(runs: Runs) -> Option<Duration> {
    let stat = match runs {
        Runs::Thread(name) => std::fs::read_dir("/proc/self/task")
            .ok()?
            .find_map(|task| {
                let path = task.ok()?.path();
                let comm = std::fs::read_to_string(path.join("comm")).ok()?;
                (comm.trim() == name).then(|| std::fs::read_to_string(path.join("stat")).ok())?
            })?,
        Runs::Process(kind) => {
            std::fs::read_to_string(format!("/proc/{}/stat", asyncio_pid(kind)?)).ok()?
        }
    };
    // The fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// The servers compared: name, port (`None`: not available here), where it runs.
fn servers() -> Vec<(&'static str, Option<u16>, Runs)> {
    vec![
        (
            "corogen executor",
            Some(corogen_port()),
            Runs::Thread(COROGEN_THREAD),
        ),
        (
            "polling by hand",
            Some(polling_port()),
            Runs::Thread(POLLING_THREAD),
        ),
        ("tokio current-thread", tokio_port(), Runs::Process("tokio")),
        (
            "asyncio streams",
            asyncio_port("streams"),
            Runs::Process("streams"),
        ),
        (
            "asyncio Protocol",
            asyncio_port("protocol"),
            Runs::Process("protocol"),
        ),
    ]
}

fn median<T: Copy + PartialOrd>(mut xs: Vec<T>) -> T {
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    xs[xs.len() / 2]
}

/// One load run against a server, with the processor time the server used for it.
fn measured(port: u16, runs: Runs) -> (Summary, Option<Duration>) {
    let before = cpu_time(runs);
    let summary = load(port);
    let used = cpu_time(runs)
        .zip(before)
        .map(|(after, before)| after - before);
    (summary, used)
}

/// The table of `ECHO_REPORT=1`; the runs of the servers are interleaved, so a change in the
/// machine's load falls on all of them alike.
fn report() {
    let servers = servers();
    let mut runs: Vec<Vec<(Summary, Option<Duration>)>> =
        servers.iter().map(|_| Vec::new()).collect();
    for _ in 0..REPORT_RUNS {
        for ((_, port, where_), runs) in servers.iter().zip(&mut runs) {
            if let Some(port) = port {
                runs.push(measured(*port, *where_));
            }
        }
    }
    println!(
        "{CONNS} connections x {ROUND_TRIPS} round trips of {SIZE} bytes, median of {REPORT_RUNS} runs"
    );
    println!(
        "| server | round trips/s | corogen / server | latency p50 | latency p99 | server CPU per round trip | server CPU / corogen's |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let per_second = |s: &Summary| s.round_trips as f64 / s.elapsed.as_secs_f64();
    let cpu_per_rt = |runs: &[(Summary, Option<Duration>)]| {
        let each: Option<Vec<f64>> = runs
            .iter()
            .map(|(s, cpu)| Some((*cpu)?.as_secs_f64() * 1e6 / s.round_trips as f64))
            .collect();
        each.map(median)
    };
    let corogen = median(runs[0].iter().map(|(s, _)| per_second(s)).collect());
    let corogen_cpu = cpu_per_rt(&runs[0]);
    for ((name, ..), runs) in servers.iter().zip(&runs) {
        if runs.is_empty() {
            println!("| {name} | not run (no python3, or exec_tokio not built) | | | | | |");
            continue;
        }
        let rate = median(runs.iter().map(|(s, _)| per_second(s)).collect());
        let p50 = median(runs.iter().map(|(s, _)| s.p50).collect());
        let p99 = median(runs.iter().map(|(s, _)| s.p99).collect());
        let cpu = cpu_per_rt(runs);
        let cpu_text = cpu.map_or("?".to_owned(), |c| format!("{c:.2} µs"));
        let cpu_ratio = cpu
            .zip(corogen_cpu)
            .map_or("?".to_owned(), |(c, g)| format!("{:.2}x", c / g));
        println!(
            "| {name} | {rate:.0} | {:.2}x | {} µs | {} µs | {cpu_text} | {cpu_ratio} |",
            corogen / rate,
            p50.as_micros(),
            p99.as_micros()
        );
    }
}

fn bench_load(bencher: divan::Bencher<'_, '_>, port: Option<u16>) {
    let Some(port) = port else { return };
    bencher
        .counter(divan::counter::ItemsCount::new(CONNS * ROUND_TRIPS))
        .bench(|| load(port));
}

#[divan::bench(sample_count = 10)]
fn corogen_executor(bencher: divan::Bencher<'_, '_>) {
    bench_load(bencher, Some(corogen_port()));
}

#[divan::bench(sample_count = 10)]
fn polling_by_hand(bencher: divan::Bencher<'_, '_>) {
    bench_load(bencher, Some(polling_port()));
}

#[divan::bench(sample_count = 10)]
fn tokio_current_thread(bencher: divan::Bencher<'_, '_>) {
    bench_load(bencher, tokio_port());
}

#[divan::bench(sample_count = 5)]
fn python_asyncio_streams(bencher: divan::Bencher<'_, '_>) {
    bench_load(bencher, asyncio_port("streams"));
}

#[divan::bench(sample_count = 5)]
fn python_asyncio_protocol(bencher: divan::Bencher<'_, '_>) {
    bench_load(bencher, asyncio_port("protocol"));
}
