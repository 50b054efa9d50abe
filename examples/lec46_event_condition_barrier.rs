//! LEC-46: signalling between tasks. An `Event` wakes every waiter at once when it is set, and
//! no longer blocks afterwards; a `Condition` lets consumers sleep until a predicate over shared
//! data holds, checked again at each `notify_all`; a `Barrier(3)` holds the parties until the
//! third arrives, then lets them all pass.
//!
//! `await event.wait()` is `yield_from!(event.wait())`; `event.set()` is a plain method: main
//! runs on, and the waiters wake in the order they began to wait. `async with cond:` is
//! `let guard = yield_from!(cond.lock());`, and `await cond.wait_for(predicate)` takes that
//! guard and gives back the one it holds when the predicate holds: the lock is released while
//! it waits, as in Python. `await barrier.wait()` evaluates to the arrival index (a `Result`:
//! a barrier that is aborted fails its waits). `asyncio.gather` is `sys::create_task` for each
//! coroutine, then `exec::gather` of their handles.

use corogen::exec::sync::{Barrier, Condition, Event};
use corogen::exec::{self, JoinHandle, Reply, SysCall, sys};
use corogen::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

/// The lecture's time unit, 0.05 s.
const UNIT: Duration = Duration::from_millis(50);

#[generator(yield = SysCall, send = Reply)]
fn waiter(name: String, event: Event) {
    println!("{name} waits");
    yield_from!(event.wait());
    println!("{name} woke up");
}

/// The shared list the producer fills (Python's global `items`).
type Items = Rc<RefCell<Vec<u32>>>;

#[generator(yield = SysCall, send = Reply)]
fn consumer(name: &'static str, cond: Condition, items: Items, need: usize) {
    let guard = yield_from!(cond.lock()); // async with cond:
    println!("{name} waits");
    let _guard = yield_from!(cond.wait_for(guard, || items.borrow().len() >= need));
    println!("{name} sees {:?}", items.borrow());
}

#[generator(yield = SysCall, send = Reply)]
fn producer(cond: Condition, items: Items) {
    for x in 1..=3 {
        yield_from!(sys::sleep(UNIT));
        let _guard = yield_from!(cond.lock()); // async with cond:
        items.borrow_mut().push(x);
        println!("produced {x}");
        cond.notify_all();
    }
}

#[generator(yield = SysCall, send = Reply)]
fn party(i: u32, barrier: Barrier) {
    yield_from!(sys::sleep(UNIT * i));
    println!("party {i} arrives, {} waiting", barrier.n_waiting());
    let index = yield_from!(barrier.wait()).expect("the barrier is not aborted");
    println!("party {i} passes, arrival index {index}");
}

/// `await asyncio.gather(*tasks)`, for tasks made already: `exec::gather` waits for them all.
#[generator(yield = SysCall, send = Reply)]
fn wait_all(tasks: Vec<JoinHandle<()>>) {
    for outcome in yield_from!(exec::gather(tasks)) {
        outcome.expect("the task returned");
    }
}

/// `await asyncio.gather(*coros)`: a task for each, in order, then a wait for each.
#[generator(yield = SysCall, send = Reply)]
fn gather<G: sys::Coroutine<Return = ()>>(coros: Vec<G>) {
    let mut tasks = Vec::new();
    for coro in coros {
        tasks.push(yield_from!(sys::create_task(coro)));
    }
    yield_from!(wait_all(tasks));
}

#[generator(yield = SysCall, send = Reply)]
fn main_task() {
    println!("-- asyncio.Event");
    let event = Event::new();
    let mut tasks = Vec::new();
    for i in 0..3 {
        let waiter = waiter(format!("waiter {i}"), event.clone());
        tasks.push(yield_from!(sys::create_task(waiter)));
    }
    yield_from!(sys::sleep(UNIT));
    println!("main: event.set()");
    event.set();
    yield_from!(wait_all(tasks));
    let is_set = if event.is_set() { "True" } else { "False" };
    println!("event.is_set() -> {is_set}");
    yield_from!(waiter("late waiter".to_owned(), event.clone())); // awaited, not a task

    println!("-- asyncio.Condition");
    let cond = Condition::new();
    let items = Items::default();
    let needing_1 = consumer("consumer needing 1", cond.clone(), items.clone(), 1);
    let needing_3 = consumer("consumer needing 3", cond.clone(), items.clone(), 3);
    let tasks = vec![
        yield_from!(sys::create_task(needing_1)),
        yield_from!(sys::create_task(needing_3)),
        yield_from!(sys::create_task(producer(cond.clone(), items.clone()))),
    ];
    yield_from!(wait_all(tasks));

    println!("-- asyncio.Barrier(3)");
    let barrier = Barrier::new(3);
    yield_from!(gather((0..3).map(|i| party(i, barrier.clone())).collect()));
    println!("barrier.n_waiting -> {}", barrier.n_waiting());
}

/// Runs the exercise.
pub fn main() {
    exec::run(main_task()).expect("the main task returned");
}
