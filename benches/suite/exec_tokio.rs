//! corogen's executor against tokio's current-thread runtime, on the same workloads, side by
//! side in one run (`cargo bench -p corogen-bench --bench exec_tokio`):
//!
//! | group | workload |
//! |---|---|
//! | `ping_pong` | [`MESSAGES`] messages between two tasks through two queues, one at a time each way (`exec::sync::Queue` / `tokio::sync::mpsc`) |
//! | `notify_wake` | [`ROUND_TRIPS`] wake-up round trips between two tasks, each parked on its own `Notify` |
//! | `spawn_gather` | [`TASKS`] short tasks spawned, then gathered (`exec::gather`; for tokio, each `JoinHandle` awaited in order) and their results summed |
//! | `timeout_short_waits` | [`WAITS`] short waits (a yield to the scheduler), each inside a timeout that does not fire |
//!
//! Each sample runs a whole workload on a new scheduler (a new runtime for tokio), so the
//! figures include starting one; that cost is small beside the workloads.
//!
//! `EXEC_ALLOCS=1` prints instead how many heap allocations each operation makes, for both
//! runtimes: the workload is run with `n` and `2n` operations under a counting global allocator,
//! and the difference divided by `n`, so the set-up does not count.
//!
//! `TOKIO_ECHO_SERVER=1` makes this binary a tokio current-thread echo server on 127.0.0.1 (it
//! prints its port, then serves until its standard input closes): `benches/echo.rs` runs it
//! beside the other echo servers.

#![allow(clippy::undocumented_unsafe_blocks)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Messages of `ping_pong` (half each way).
const MESSAGES: u32 = 1_000_000;
/// Round trips of `notify_wake`.
const ROUND_TRIPS: u32 = 500_000;
/// Tasks of `spawn_gather`.
const TASKS: u32 = 100_000;
/// Waits of `timeout_short_waits`.
const WAITS: u32 = 1_000_000;
/// The timeout around each short wait: far longer than the wait.
const LONG: Duration = Duration::from_secs(60);

/// The system allocator, counting the allocations made.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged; the counter is only statistics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() {
    if std::env::var_os("TOKIO_ECHO_SERVER").is_some() {
        return tokio_side::echo_server();
    }
    if std::env::var_os("EXEC_ALLOCS").is_some() {
        return allocations_report();
    }
    if let Ok(only) = std::env::var("EXEC_ONLY") {
        return run_only(&only);
    }
    divan::main();
}

/// `EXEC_ONLY="SIDE WORKLOAD N"` (e.g. `corogen ping_pong 100000`) runs one workload once,
/// outside divan, for a profiler (`valgrind --tool=callgrind`): instruction counts are
/// repeatable where timings are not.
fn run_only(only: &str) {
    let words: Vec<&str> = only.split_whitespace().collect();
    let [side, workload, n] = words[..] else {
        panic!("EXEC_ONLY is \"SIDE WORKLOAD N\", not {only:?}");
    };
    let n: u32 = n.parse().expect("N is a number");
    let done = match (side, workload) {
        ("corogen", "ping_pong") => corogen_side::ping_pong(n) > 0,
        ("corogen", "notify_wake") => corogen_side::notify_wake(n) == n,
        ("corogen", "spawn_gather") => corogen_side::spawn_gather(n) > 0,
        ("corogen", "timeout_short_waits") => corogen_side::timeout_short_waits(n) == n,
        ("tokio", "ping_pong") => tokio_side::ping_pong(n) > 0,
        ("tokio", "notify_wake") => tokio_side::notify_wake(n) == n,
        ("tokio", "spawn_gather") => tokio_side::spawn_gather(n) > 0,
        ("tokio", "timeout_short_waits") => tokio_side::timeout_short_waits(n) == n,
        _ => panic!("no such side and workload: {side} {workload}"),
    };
    assert!(done);
}

/// The corogen side of every workload.
mod corogen_side {
    use super::LONG;
    use corogen::exec::sync::Queue;
    use corogen::exec::{self, Notify, Reply, Scheduler, SysCall, sys};
    use corogen::prelude::*;

    fn run<G: sys::Coroutine>(main: G) -> G::Return {
        let mut sched = Scheduler::new();
        let handle = sched.spawn(main);
        sched.run().expect("the OS poller works");
        let outcome = handle.take_outcome().expect("the main task ended");
        outcome.expect("the main task returned")
    }

    #[generator(yield = SysCall, send = Reply)]
    fn pong(there: Queue<u32>, back: Queue<u32>, n: u32) {
        for _ in 0..n {
            let x = yield_from!(there.get());
            yield_from!(back.put(x + 1));
        }
    }

    #[generator(yield = SysCall, send = Reply)]
    fn ping(n: u32) -> u64 {
        let (there, back) = (Queue::new(), Queue::new());
        yield_from!(sys::spawn(pong(there.clone(), back.clone(), n)));
        let mut sum = 0;
        for i in 0..n {
            yield_from!(there.put(i));
            sum += u64::from(yield_from!(back.get()));
        }
        sum
    }

    pub fn ping_pong(messages: u32) -> u64 {
        run(ping(messages / 2))
    }

    #[generator(yield = SysCall, send = Reply)]
    fn waker_back(mine: Notify, theirs: Notify, n: u32) {
        for _ in 0..n {
            yield_from!(sys::notified(&mine));
            theirs.notify_one();
        }
    }

    #[generator(yield = SysCall, send = Reply)]
    fn wake_round_trips(n: u32) -> u32 {
        let (mine, theirs) = (Notify::new(), Notify::new());
        let other = waker_back(theirs.clone(), mine.clone(), n);
        let other = yield_from!(sys::spawn(other));
        for _ in 0..n {
            theirs.notify_one();
            yield_from!(sys::notified(&mine));
        }
        yield_from!(sys::wait(other)).expect("it returned");
        n
    }

    pub fn notify_wake(round_trips: u32) -> u32 {
        run(wake_round_trips(round_trips))
    }

    #[generator(yield = SysCall, send = Reply)]
    fn short(i: u32) -> u64 {
        u64::from(i)
    }

    #[generator(yield = SysCall, send = Reply)]
    fn spawner(n: u32) -> u64 {
        let mut tasks = Vec::with_capacity(n as usize);
        for i in 0..n {
            tasks.push(yield_from!(sys::spawn(short(i))));
        }
        let outcomes = yield_from!(exec::gather(tasks));
        outcomes.into_iter().map(|r| r.expect("it returned")).sum()
    }

    pub fn spawn_gather(tasks: u32) -> u64 {
        run(spawner(tasks))
    }

    #[generator(yield = SysCall, send = Reply)]
    fn short_waits(n: u32) -> u32 {
        let mut in_time = 0;
        for _ in 0..n {
            if yield_from!(exec::timeout(LONG, sys::pause())).is_ok() {
                in_time += 1;
            }
        }
        in_time
    }

    pub fn timeout_short_waits(waits: u32) -> u32 {
        run(short_waits(waits))
    }
}

/// The tokio side of every workload: a current-thread runtime.
mod tokio_side {
    use super::LONG;
    use std::io::BufRead;
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::sync::{Notify, mpsc};

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    }

    pub fn ping_pong(messages: u32) -> u64 {
        let n = messages / 2;
        runtime().block_on(async move {
            let (there, mut there_rx) = mpsc::unbounded_channel::<u32>();
            let (back, mut back_rx) = mpsc::unbounded_channel::<u32>();
            tokio::spawn(async move {
                for _ in 0..n {
                    let x = there_rx.recv().await.expect("a message");
                    back.send(x + 1).expect("the other side is there");
                }
            });
            let mut sum = 0;
            for i in 0..n {
                there.send(i).expect("the other side is there");
                sum += u64::from(back_rx.recv().await.expect("a message"));
            }
            sum
        })
    }

    pub fn notify_wake(n: u32) -> u32 {
        runtime().block_on(async move {
            let (mine, theirs) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
            let other = {
                let (mine, theirs) = (Arc::clone(&theirs), Arc::clone(&mine));
                tokio::spawn(async move {
                    for _ in 0..n {
                        mine.notified().await;
                        theirs.notify_one();
                    }
                })
            };
            for _ in 0..n {
                theirs.notify_one();
                mine.notified().await;
            }
            other.await.expect("it returned");
            n
        })
    }

    pub fn spawn_gather(n: u32) -> u64 {
        runtime().block_on(async move {
            let mut tasks = Vec::with_capacity(n as usize);
            for i in 0..n {
                tasks.push(tokio::spawn(async move { u64::from(i) }));
            }
            let mut sum = 0;
            for task in tasks {
                sum += task.await.expect("it returned");
            }
            sum
        })
    }

    pub fn timeout_short_waits(n: u32) -> u32 {
        runtime().block_on(async move {
            let mut in_time = 0;
            for _ in 0..n {
                let wait = tokio::task::yield_now();
                if tokio::time::timeout(LONG, wait).await.is_ok() {
                    in_time += 1;
                }
            }
            in_time
        })
    }

    /// An echo server on a current-thread runtime: prints its port, serves until standard
    /// input closes.
    pub fn echo_server() {
        let rt = runtime();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("a port");
        println!("{}", listener.local_addr().expect("bound").port());
        std::thread::spawn(|| {
            for _ in std::io::stdin().lock().lines() {}
            std::process::exit(0);
        });
        rt.block_on(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                tokio::spawn(async move {
                    let mut buf = vec![0; 16 * 1024];
                    loop {
                        let n = match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => n,
                        };
                        if stream.write_all(&buf[..n]).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
    }
}

macro_rules! side_by_side {
    ($group:ident, $n:expr, $expected:expr) => {
        mod $group {
            use super::*;

            #[divan::bench(sample_count = 10)]
            fn corogen() {
                assert_eq!(corogen_side::$group(divan::black_box($n)), $expected);
            }

            #[divan::bench(sample_count = 10)]
            fn tokio() {
                assert_eq!(tokio_side::$group(divan::black_box($n)), $expected);
            }
        }
    };
}

/// The sum `ping_pong` gives: each of the `n` numbers comes back one more.
const fn ping_pong_sum(messages: u32) -> u64 {
    let n = (messages / 2) as u64;
    n * (n - 1) / 2 + n
}

side_by_side!(ping_pong, MESSAGES, ping_pong_sum(MESSAGES));
side_by_side!(notify_wake, ROUND_TRIPS, ROUND_TRIPS);
side_by_side!(
    spawn_gather,
    TASKS,
    u64::from(TASKS) * u64::from(TASKS - 1) / 2
);
side_by_side!(timeout_short_waits, WAITS, WAITS);

/// Allocations per operation of `workload`: runs it with `n` and `2n` operations and divides
/// the difference by `n`.
fn per_operation<R>(n: u32, workload: fn(u32) -> R) -> f64 {
    let count = |n| {
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        divan::black_box(workload(n));
        ALLOCATIONS.load(Ordering::Relaxed) - before
    };
    let (once, twice) = (count(n), count(2 * n));
    let per = (twice as f64 - once as f64) / f64::from(n);
    // A few allocations more in the shorter run (a buffer that grew there and was kept
    // after) round to zero, not to a negative count.
    if per.abs() < 0.005 { 0.0 } else { per }
}

fn allocations_report() {
    println!(
        "| workload | operation | corogen allocations per operation | tokio allocations per operation |"
    );
    println!("|---|---|---:|---:|");
    let rows: [(&str, &str, f64, f64); 4] = [
        (
            "ping_pong",
            "message",
            per_operation(20_000, corogen_side::ping_pong),
            per_operation(20_000, tokio_side::ping_pong),
        ),
        (
            "notify_wake",
            "round trip",
            per_operation(10_000, corogen_side::notify_wake),
            per_operation(10_000, tokio_side::notify_wake),
        ),
        (
            "spawn_gather",
            "task",
            per_operation(10_000, corogen_side::spawn_gather),
            per_operation(10_000, tokio_side::spawn_gather),
        ),
        (
            "timeout_short_waits",
            "wait",
            per_operation(10_000, corogen_side::timeout_short_waits),
            per_operation(10_000, tokio_side::timeout_short_waits),
        ),
    ];
    for (workload, operation, corogen, tokio) in rows {
        println!("| {workload} | {operation} | {corogen:.2} | {tokio:.2} |");
    }
}
