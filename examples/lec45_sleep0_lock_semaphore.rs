//! LEC-45: `asyncio.sleep(0)` gives the turn to the other ready tasks; a read-modify-write
//! with a wait between the read and the write loses updates, and a `Lock` makes it safe again;
//! a `Semaphore(2)` lets at most two downloads run at once.
//!
//! `await asyncio.sleep(0)` is `yield_from!(sys::pause())`: the task goes to the back of the
//! ready queue. `asyncio.gather(a, b)` makes each coroutine a task, in order, and waits for
//! them all: here `sys::create_task` for each (the new task first runs when the caller next
//! waits, as in asyncio), then `exec::gather` of their handles. `async with lock:` is
//! `let _guard = yield_from!(lock.lock());`: the lock is released when the guard is dropped,
//! at the end of its block; `async with sem:` is the same with `sem.acquire()` and a permit.
//! Python's global `counter` (and `running`, `max_running`) is a shared `Cell` here.

use corogen::exec::sync::{Lock, Semaphore};
use corogen::exec::{self, JoinHandle, Reply, SysCall, sys};
use corogen::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

/// The lecture's time unit, 0.05 s.
const UNIT: Duration = Duration::from_millis(50);

#[generator(yield = SysCall, send = Reply)]
fn spin(name: &'static str, n: u32, give_turn: bool) {
    for i in 0..n {
        println!("{name} {i}");
        if give_turn {
            yield_from!(sys::pause()); // await asyncio.sleep(0)
        }
    }
}

/// A counter shared by the tasks (Python's `global counter`).
type Counter = Rc<Cell<u32>>;

#[generator(yield = SysCall, send = Reply)]
fn increment(name: String, counter: Counter) {
    let value = counter.get();
    counter.set(value + 1);
    println!("{name} wrote {}", counter.get());
}

#[generator(yield = SysCall, send = Reply)]
fn increment_with_await(name: String, counter: Counter) {
    let value = counter.get();
    yield_from!(sys::pause()); // another task runs here, and reads the same old value
    counter.set(value + 1);
    println!("{name} wrote {}", counter.get());
}

#[generator(yield = SysCall, send = Reply)]
fn increment_locked(name: String, lock: Lock, counter: Counter) {
    let _guard = yield_from!(lock.lock()); // async with lock:
    let value = counter.get();
    yield_from!(sys::pause()); // the others run here too, but wait for the lock
    counter.set(value + 1);
    println!("{name} wrote {}", counter.get());
} // the guard is dropped: the lock is released

/// How many downloads run now, and the most that ever ran at once.
#[derive(Default)]
struct Running {
    now: Cell<u32>,
    most: Cell<u32>,
}

#[generator(yield = SysCall, send = Reply)]
fn download(i: u32, duration: u32, sem: Semaphore, running: Rc<Running>) {
    let _permit = yield_from!(sem.acquire()); // async with sem:
    running.now.set(running.now.get() + 1);
    running.most.set(running.most.get().max(running.now.get()));
    println!("download {i} starts, {} running", running.now.get());
    yield_from!(sys::sleep(UNIT * duration));
    running.now.set(running.now.get() - 1);
    println!("download {i} ends");
}

/// `await asyncio.gather(*coros)`: a task for each coroutine, in order, then `exec::gather`,
/// which waits for them all.
#[generator(yield = SysCall, send = Reply)]
fn gather<G: sys::Coroutine<Return = ()>>(coros: Vec<G>) {
    let mut tasks: Vec<JoinHandle<()>> = Vec::new();
    for coro in coros {
        tasks.push(yield_from!(sys::create_task(coro)));
    }
    for outcome in yield_from!(exec::gather(tasks)) {
        outcome.expect("the task returned");
    }
}

#[generator(yield = SysCall, send = Reply)]
fn main_task() {
    println!("-- no await inside: each task runs to its end");
    yield_from!(gather(vec![spin("a", 3, false), spin("b", 3, false)]));
    println!("-- await asyncio.sleep(0) after each line");
    yield_from!(gather(vec![spin("a", 3, true), spin("b", 3, true)]));

    let counter = Counter::default();
    let names = || (0..3).map(|i| format!("w{i}"));
    println!("-- counter += 1 with no await inside");
    counter.set(0);
    yield_from!(gather(
        names().map(|n| increment(n, counter.clone())).collect()
    ));
    println!("counter = {}", counter.get());
    println!("-- an await between read and write");
    counter.set(0);
    let racing = names().map(|n| increment_with_await(n, counter.clone()));
    yield_from!(gather(racing.collect()));
    println!("counter = {}", counter.get());
    println!("-- the same under asyncio.Lock");
    counter.set(0);
    let lock = Lock::new();
    let locked = names().map(|n| increment_locked(n, lock.clone(), counter.clone()));
    yield_from!(gather(locked.collect()));
    println!("counter = {}", counter.get());

    println!("-- asyncio.Semaphore(2), five downloads");
    let sem = Semaphore::new(2);
    let running = Rc::new(Running::default());
    let downloads = [2, 3, 2, 2, 2].into_iter().enumerate();
    let downloads = downloads.map(|(i, d)| download(i as u32, d, sem.clone(), running.clone()));
    yield_from!(gather(downloads.collect()));
    println!("at most {} ran at once", running.most.get());
}

/// Runs the exercise.
pub fn main() {
    exec::run(main_task()).expect("the main task returned");
}
