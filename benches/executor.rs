//! Task switch cost of the trampoline executor: 10,000 tasks round-robin through the
//! scheduler, against a hand-written `VecDeque` loop over the same generators.
//!
//! Each task gives up the processor `TURNS` times (`sys::pause()`), so one run is
//! `TASKS * (TURNS + 1)` switches. The hand-written loop resumes the same coroutines in the
//! same FIFO order, answering every system call with the default reply: what is left is the
//! scheduler's own work (task table, dispatch, panic isolation). Run with
//! `cargo bench --bench executor`.

use corogen::exec::{Reply, Scheduler, SysCall, sys};
use corogen::prelude::*;
use std::collections::VecDeque;
use std::pin::Pin;

const TASKS: usize = 10_000;
const TURNS: u32 = 10;

#[generator(yield = SysCall, send = Reply)]
fn spinner(turns: u32) -> u32 {
    for _ in 0..turns {
        yield_from!(sys::pause());
    }
    turns
}

fn main() {
    // `EXEC_PROFILE=scheduler|vecdeque` runs one workload once, outside divan, for a profiler
    // (`valgrind --tool=callgrind`): instruction counts are repeatable where timings are not.
    match std::env::var("EXEC_PROFILE").as_deref() {
        Ok("scheduler") => drop(divan::black_box(scheduler_round_robin())),
        Ok("vecdeque") => drop(divan::black_box(vecdeque_loop())),
        _ => divan::main(),
    }
}

/// The scheduler: spawn every task, run to the end.
#[divan::bench(sample_count = 20)]
fn scheduler_round_robin() -> usize {
    let mut sched = Scheduler::new();
    for _ in 0..TASKS {
        sched.spawn(spinner(TURNS));
    }
    sched.run().expect("the OS poller works");
    sched.len()
}

/// The floor: the same boxed coroutines in a `VecDeque`, resumed round-robin by hand.
#[divan::bench(sample_count = 20)]
fn vecdeque_loop() -> u64 {
    let mut ready: VecDeque<Pin<Box<_>>> = (0..TASKS).map(|_| Box::pin(spinner(TURNS))).collect();
    let mut started = 0;
    let mut total = 0;
    while let Some(mut task) = ready.pop_front() {
        let state = if started < TASKS {
            started += 1;
            task.start().ok()
        } else {
            task.send(Reply::default()).ok()
        };
        match state {
            Some(GeneratorState::Yielded(_)) => ready.push_back(task),
            Some(GeneratorState::Complete(r)) => total += u64::from(r),
            None => unreachable!("the spinner neither raises nor is refused"),
        }
    }
    total
}
