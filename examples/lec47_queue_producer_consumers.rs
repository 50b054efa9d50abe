//! LEC-47: a `Queue(maxsize=2)` between a producer and two consumers of different speeds:
//! `put` waits while the queue is full, `get` waits while it is empty, each consumer calls
//! `task_done()` for each item, `queue.join()` returns when every item is processed, and then
//! the idle consumers are cancelled.
//!
//! `await queue.put(item)` is `yield_from!(queue.put(item))` and `await queue.get()` is
//! `yield_from!(queue.get())`; `full()`, `qsize()` and `task_done()` are plain methods. A `put`
//! into a queue with room, and a `get` from a queue with items, return without waiting, as in
//! Python. `c.cancel()` is `JoinHandle::cancel`, and `gather(*consumers,
//! return_exceptions=True)` is `exec::gather(consumers)`, which keeps each task's outcome in its
//! place: a task that the cancellation ended ends with `TaskEnded::Cancelled`, printed under
//! the name of the exception Python keeps for it.

use corogen::exec::sync::Queue;
use corogen::exec::{self, Reply, SysCall, TaskEnded, sys};
use corogen::prelude::*;
use std::time::Duration;

/// The lecture's time unit, 0.05 s.
const UNIT: Duration = Duration::from_millis(50);

#[generator(yield = SysCall, send = Reply)]
fn producer(queue: Queue<u32>, n: u32) {
    for item in 1..=n {
        if queue.full() {
            println!("queue full, producer waits");
        }
        yield_from!(queue.put(item));
        println!("put {item}, size {}", queue.qsize());
    }
    println!("producer done");
}

#[generator(yield = SysCall, send = Reply)]
fn consumer(name: &'static str, queue: Queue<u32>, work: u32) {
    loop {
        let item = yield_from!(queue.get());
        println!("{name} got {item}");
        yield_from!(sys::sleep(UNIT * work));
        println!("{name} done with {item}");
        queue.task_done().expect("one task_done per item taken");
    }
}

/// The name of what `gather(..., return_exceptions=True)` gives for a task that ended so.
fn outcome_type(outcome: &Result<(), TaskEnded>) -> &'static str {
    match outcome {
        Ok(()) => "NoneType",
        Err(TaskEnded::Cancelled) => "CancelledError",
        Err(_) => "Exception",
    }
}

#[generator(yield = SysCall, send = Reply)]
fn main_task() {
    let queue = Queue::bounded(2);
    let consumers = [
        yield_from!(sys::create_task(consumer(
            "fast consumer",
            queue.clone(),
            2
        ))),
        yield_from!(sys::create_task(consumer(
            "slow consumer",
            queue.clone(),
            3
        ))),
    ];
    yield_from!(producer(queue.clone(), 4)); // awaited, not a task
    yield_from!(queue.join());
    println!("queue.join() returned: every item is processed");
    for c in &consumers {
        c.cancel(); // a plain method, as Python's `c.cancel()`: main runs on
    }
    let results = yield_from!(exec::gather(consumers));
    let names: Vec<String> = results
        .iter()
        .map(|r| format!("'{}'", outcome_type(r)))
        .collect();
    println!("[{}]", names.join(", "));
}

/// Runs the exercise.
pub fn main() {
    exec::run(main_task()).expect("the main task returned");
}
