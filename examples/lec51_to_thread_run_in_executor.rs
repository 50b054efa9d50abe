//! LEC-51: blocking work next to a ticking task. Called directly, `read_database` blocks the
//! scheduler: the ticker cannot tick until it returns. Through `sys::to_thread` it runs on a
//! pool thread while the ticker ticks. Then a thread pool of our own (asyncio's
//! `run_in_executor` with a `ThreadPoolExecutor`), a worker process for CPU-bound work, and a
//! closure standing in for `functools.partial`.
//!
//! How the asyncio names map onto corogen's:
//!
//! | asyncio | corogen |
//! |---|---|
//! | `asyncio.create_task(ticker(2))` | `sys::create_task(ticker(2))`: the ticker first runs when `main` next waits |
//! | `await asyncio.to_thread(read_database, db_csv)` | `yield_from!(sys::to_thread(move \|\| read_database(&db_csv)))` |
//! | `with ThreadPoolExecutor() as executor: await loop.run_in_executor(executor, blocking_io)` | `let executor = pool::ThreadPool::new(..); yield_from!(executor.run(blocking_io))` |
//! | `ProcessPoolExecutor` + `run_in_executor(executor, cpu_bound)` | a child process that does the work ([`process::Child`]), waited for through the poller |
//! | `run_in_executor(None, partial(print, end=''), text)` | `sys::to_thread(move \|\| print!("{text}"))`: a closure carries the arguments |
//!
//! The waiting task is woken when the job is done through a `RemoteNotify`, which wakes the
//! scheduler's poller: the scheduler sleeps in the poller meanwhile, and the ticker's timers
//! fire there. The ticks come at 2 and 4 units (of 0.05 s), the blocking call returns after 6.

use corogen::exec::{self, Reply, SysCall, net, pool, process, sys};
use corogen::prelude::*;
use std::cell::Cell;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::rc::Rc;
use std::time::Duration;

const UNIT: Duration = Duration::from_millis(50);

/// The rows of a small CSV file with a header, as (column, value) pairs: what Python's
/// `list(csv.DictReader(f))` gives. It sleeps first, standing in for a slow disk.
fn read_database(filename: &Path) -> Vec<Vec<(String, String)>> {
    std::thread::sleep(6 * UNIT);
    let text = std::fs::read_to_string(filename).expect("db.csv is readable");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    lines
        .map(|line| {
            let values = line.split(',');
            header
                .iter()
                .zip(values)
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Python's repr of a list of dicts of strings.
fn repr_rows(rows: &[Vec<(String, String)>]) -> String {
    let dicts: Vec<String> = rows
        .iter()
        .map(|row| {
            let items: Vec<String> = row.iter().map(|(k, v)| format!("'{k}': '{v}'")).collect();
            format!("{{{}}}", items.join(", "))
        })
        .collect();
    format!("[{}]", dicts.join(", "))
}

fn blocking_io() -> Vec<u8> {
    let mut bytes = vec![0; 100];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .expect("/dev/urandom is readable");
    bytes
}

/// `sum(i * i for i in range(10 ** 5))`, worked out by a shell in another process (its
/// arithmetic is 64-bit): the stand-in for a function sent to a process pool.
const CPU_BOUND: &str =
    "i=0; s=0; while [ $i -lt 100000 ]; do s=$((s + i * i)); i=$((i + 1)); done; echo $s";

/// Ticks every 2 units, `n` times.
#[generator(yield = SysCall, send = Reply)]
fn ticker(n: u32, ticks: Rc<Cell<u32>>) {
    for _ in 0..n {
        yield_from!(sys::sleep(2 * UNIT));
        ticks.set(ticks.get() + 1);
        println!("tick {}", ticks.get());
    }
}

#[generator(yield = SysCall, send = Reply)]
fn async_main(db_csv: PathBuf) -> Result<(), pool::Panicked> {
    let ticks = Rc::new(Cell::new(0));

    println!("-- read_database called directly");
    let ticking = yield_from!(sys::create_task(ticker(2, Rc::clone(&ticks))));
    let _data = read_database(&db_csv); // blocks this thread, and so every task
    println!("read_database returned; ticks so far: {}", ticks.get());
    yield_from!(sys::wait(ticking)).expect("the ticker returned");

    println!("-- await asyncio.to_thread(read_database, ...)");
    ticks.set(0);
    let ticking = yield_from!(sys::create_task(ticker(2, Rc::clone(&ticks))));
    let path = db_csv.clone();
    let data = yield_from!(sys::to_thread(move || read_database(&path)))?;
    println!("to_thread returned; ticks so far: {}", ticks.get());
    println!("{}", repr_rows(&data));
    yield_from!(sys::wait(ticking)).expect("the ticker returned");

    println!("-- loop.run_in_executor");
    let executor = pool::ThreadPool::new(4);
    let result = yield_from!(executor.run(blocking_io))?;
    drop(executor); // the end of `with ThreadPoolExecutor() as executor:`
    println!(
        "blocking_io in a thread pool returned {} bytes",
        result.len()
    );

    let mut worker = Command::new("sh");
    worker.args(["-c", CPU_BOUND]).stdout(Stdio::piped());
    let mut worker = process::Child::spawn(&mut worker).expect("sh runs");
    let mut out = net::BufReader::new(worker.stdout.take().expect("piped"));
    let result = yield_from!(out.read_line()).expect("the worker's answer");
    yield_from!(worker.wait()).expect("the worker exited");
    println!(
        "cpu_bound in a process pool returned {}",
        String::from_utf8_lossy(&result).trim_end()
    );

    println!("-- functools.partial for keyword arguments");
    let text = "printed in a worker thread without a newline, ";
    yield_from!(sys::to_thread(move || print!("{text}")))?;
    println!("then the rest of the line from the event loop");
    Ok(())
}

/// Runs the exercise.
pub fn main() {
    let dir = std::env::temp_dir().join(format!("lec51-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let db_csv = dir.join("db.csv");
    std::fs::write(
        &db_csv,
        "id,name,city\n1,Vasya,Moscow\n2,Petya,Kazan\n3,Masha,Omsk\n",
    )
    .expect("db.csv written");
    exec::run(async_main(db_csv))
        .expect("main returned")
        .expect("no blocking closure panicked");
    std::fs::remove_dir_all(&dir).expect("the temporary directory removed");
}
