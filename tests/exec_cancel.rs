//! Cancellation and timeouts: `sys::cancel` and `exec::timeout` at every kind of wait (sleep,
//! I/O, notify, join, a called coroutine) unregister the wait and run the cleanup, including
//! cleanup that makes system calls; traces of where the cancellation lands.

mod common;

use common::Log;
use corogen::exec::{self, Cancelled, Notify, Reply, SysCall, TaskEnded, TimedOut, sys};
use corogen::prelude::*;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::rc::Rc;
use std::time::Duration;

const HOUR: Duration = Duration::from_secs(3600);

/// Cancels `target` once it has had two turns to reach its wait.
#[generator(yield = SysCall, send = Reply)]
fn cancel_soon(target: exec::TaskId) -> Result<(), TaskEnded> {
    yield_from!(sys::pause());
    yield_from!(sys::pause());
    yield_from!(sys::cancel(target))
}

#[test]
fn a_cancelled_sleep_cancels_its_timer_and_the_cleanup_may_sleep_again() {
    #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
    fn sleeper(log: Log) {
        let _g = log.guard("sleeper");
        match try_yield_from!(sys::sleep(HOUR)) {
            Ok(()) => log.push("slept an hour"),
            Err(e) => {
                log.push(format!("caught {e:?}"));
                yield_from!(sys::sleep(Duration::from_millis(1)));
                log.push("cleanup slept");
                raise_!(e);
            }
        }
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Result<(), TaskEnded> {
        let s = yield_from!(sys::spawn(sleeper(log.clone())));
        yield_from!(sys::call(cancel_soon(s.id())))?;
        log.push(format!("sleeper: {:?}", yield_from!(sys::wait(s))));
        Ok(())
    }
    let log = Log::default();
    // Returns only because the hour-long timer was cancelled.
    exec::run(main_task(log.clone())).unwrap().unwrap();
    assert_eq!(
        log.take(),
        [
            "caught Throw(Cancelled)",
            "cleanup slept",
            "drop sleeper",
            "sleeper: Err(Cancelled)"
        ]
    );
}

#[test]
fn a_cancelled_io_wait_is_unregistered_and_the_cleanup_reads_the_socket() {
    #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
    fn reader(log: Log, sock: Rc<UnixStream>) -> Vec<u8> {
        match try_yield_from!(sys::readable(&*sock)) {
            Ok(r) => log.push(format!("readable {r:?}")),
            Err(_) => log.push("cancelled while waiting to read"),
        }
        // Cleanup that waits on the same descriptor: refused if the first wait were left.
        yield_from!(sys::readable(&*sock)).unwrap();
        let mut buf = [0; 8];
        let n = (&*sock).read(&mut buf).unwrap();
        buf[..n].to_vec()
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Result<Vec<u8>, TaskEnded> {
        let (ours, theirs) = UnixStream::pair().unwrap();
        ours.set_nonblocking(true).unwrap();
        let r = yield_from!(sys::spawn(reader(log.clone(), Rc::new(ours))));
        yield_from!(sys::call(cancel_soon(r.id())))?;
        yield_from!(sys::pause());
        (&theirs).write_all(b"late").unwrap();
        yield_from!(sys::wait(r))
    }
    let log = Log::default();
    assert_eq!(exec::run(main_task(log.clone())), Ok(Ok(b"late".to_vec())));
    assert_eq!(log.take(), ["cancelled while waiting to read"]);
}

#[test]
fn a_cancelled_join_wait_leaves_the_target_running() {
    #[generator(yield = SysCall, send = Reply)]
    fn slow(log: Log, go: Notify) -> u32 {
        yield_from!(sys::notified(&go));
        log.push("slow ends");
        7
    }
    #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
    fn joiner(log: Log, target: exec::JoinHandle<u32>) -> &'static str {
        match try_yield_from!(sys::wait_id(target.id())) {
            Ok(how) => log.push(format!("joined {how:?}")),
            Err(_) => log.push("joiner cancelled"),
        }
        // The cleanup joins for real, and takes the value.
        let value = yield_from!(sys::wait(target)).unwrap();
        log.push(format!("joiner's cleanup got {value}"));
        "refused the cancellation"
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Result<&'static str, TaskEnded> {
        let go = Notify::new();
        let s = yield_from!(sys::spawn(slow(log.clone(), go.clone())));
        let j = yield_from!(sys::spawn(joiner(log.clone(), s)));
        yield_from!(sys::call(cancel_soon(j.id())))?;
        yield_from!(sys::pause());
        go.notify_one();
        yield_from!(sys::wait(j))
    }
    let log = Log::default();
    assert_eq!(
        exec::run(main_task(log.clone())),
        Ok(Ok("refused the cancellation"))
    );
    assert_eq!(
        log.take(),
        ["joiner cancelled", "slow ends", "joiner's cleanup got 7"]
    );
}

#[test]
fn a_task_that_cannot_be_thrown_cancelled_is_closed() {
    #[generator(yield = SysCall, send = Reply)]
    fn plain(log: Log, catch: bool) -> &'static str {
        let _g = log.guard("plain's local");
        if catch && let Err(interrupt) = try_yield_from!(sys::sleep(HOUR)) {
            log.push(format!("saw {interrupt:?}"));
            return "returned from the close"; // its return value stands
        }
        yield_from!(sys::sleep(HOUR));
        "slept"
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log, catch: bool) -> Result<(), TaskEnded> {
        let p = yield_from!(sys::spawn(plain(log.clone(), catch)));
        yield_from!(sys::call(cancel_soon(p.id())))?;
        log.push(format!("plain: {:?}", yield_from!(sys::wait(p))));
        Ok(())
    }
    let log = Log::default();
    exec::run(main_task(log.clone(), false)).unwrap().unwrap();
    assert_eq!(log.take(), ["drop plain's local", "plain: Err(Cancelled)"]);
    exec::run(main_task(log.clone(), true)).unwrap().unwrap();
    assert_eq!(
        log.take(),
        [
            "saw Close",
            "drop plain's local",
            "plain: Ok(\"returned from the close\")"
        ]
    );
}

#[test]
fn cancellation_reaches_the_innermost_called_coroutine_and_unwinds_the_calls() {
    #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
    fn innermost(log: Log) {
        let _g = log.guard("innermost");
        yield_from!(sys::sleep(HOUR));
    }
    #[generator(yield = SysCall, send = Reply)]
    fn middle(log: Log) {
        let _g = log.guard("middle (closed: it cannot be thrown Cancelled)");
        yield_from!(sys::call(innermost(log.clone())));
    }
    #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
    fn outer(log: Log) -> &'static str {
        match try_yield_from!(sys::call(middle(log.clone()))) {
            Ok(()) => "middle returned",
            Err(_) => {
                yield_from!(sys::pause());
                "outer caught it and paused"
            }
        }
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Result<&'static str, TaskEnded> {
        let o = yield_from!(sys::spawn(outer(log.clone())));
        yield_from!(sys::call(cancel_soon(o.id())))?;
        yield_from!(sys::wait(o))
    }
    let log = Log::default();
    assert_eq!(
        exec::run(main_task(log.clone())),
        Ok(Ok("outer caught it and paused"))
    );
    assert_eq!(
        log.take(),
        [
            "drop innermost",
            "drop middle (closed: it cannot be thrown Cancelled)"
        ]
    );
}

#[test]
fn a_task_may_cancel_itself_and_unknown_tasks_are_reported() {
    #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
    fn quitter() -> Result<(), TaskEnded> {
        yield_from!(sys::cancel(exec::TaskId::from(99)))?;
        unreachable!("no task 99")
    }
    #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
    fn self_canceller(log: Log) {
        let me = yield_from!(sys::task_id());
        match try_yield_from!(sys::cancel(me)) {
            Ok(_) => log.push("not cancelled?"),
            Err(e) => {
                log.push("cancelled at its own request");
                raise_!(e)
            }
        }
    }
    type Outcomes = (
        Result<Result<(), TaskEnded>, TaskEnded>,
        Result<(), TaskEnded>,
    );
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Outcomes {
        let q = yield_from!(sys::spawn(quitter()));
        let s = yield_from!(sys::spawn(self_canceller(log.clone())));
        (yield_from!(sys::wait(q)), yield_from!(sys::wait(s)))
    }
    let log = Log::default();
    let (unknown, own) = exec::run(main_task(log.clone())).unwrap();
    assert_eq!(unknown, Ok(Err(TaskEnded::Unknown)));
    assert_eq!(own, Err(TaskEnded::Cancelled));
    assert_eq!(log.take(), ["cancelled at its own request"]);
}

#[generator(yield = SysCall, send = Reply, throw = Cancelled)]
fn sleepy(log: Log, naps: &mut u32, nap: Duration) -> &'static str {
    let _g = log.guard("sleepy");
    loop {
        match try_yield_from!(sys::sleep(nap)) {
            Ok(()) => *naps += 1,
            Err(e) => {
                yield_from!(sys::pause());
                log.push(format!("sleepy cleaned up after {naps} naps"));
                raise_!(e);
            }
        }
        if *naps == 3 {
            return "three naps";
        }
    }
}

#[test]
fn a_timeout_that_passes_cancels_the_coroutine_which_borrows_the_tasks_locals() {
    type Outcomes = (
        Result<&'static str, TimedOut>,
        Result<&'static str, TimedOut>,
    );
    #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
    fn main_task(log: Log) -> Outcomes {
        let mut naps = 0;
        let quick = yield_from!(exec::timeout(
            HOUR,
            sleepy(log.clone(), &mut naps, Duration::ZERO)
        ));
        log.push(format!("{naps} naps in time"));
        naps = 0;
        let slow = yield_from!(exec::timeout(
            Duration::from_millis(5),
            sleepy(log.clone(), &mut naps, HOUR)
        ));
        log.push(format!("{naps} naps late"));
        (quick, slow)
    }
    let log = Log::default();
    // Returns only because the hour-long deadline of the quick one was disarmed.
    let (quick, slow) = exec::run(main_task(log.clone())).unwrap();
    assert_eq!((quick, slow), (Ok("three naps"), Err(TimedOut)));
    assert_eq!(
        log.take(),
        [
            "drop sleepy",
            "3 naps in time",
            "sleepy cleaned up after 0 naps",
            "drop sleepy",
            "0 naps late"
        ]
    );
}

#[test]
fn a_timeout_at_a_notify_wait_takes_the_waiter_off_the_list() {
    type Outcome = (Result<(), TimedOut>, usize, bool);
    #[generator(yield = SysCall, send = Reply)]
    fn main_task() -> Outcome {
        let n = Notify::new();
        let waited = yield_from!(exec::timeout(Duration::from_millis(2), sys::notified(&n)));
        let left = n.waiters();
        n.notify_one(); // stored as a permit: no lost wake-up went to the timed-out wait
        (waited, left, n.has_permit())
    }
    assert_eq!(exec::run(main_task()), Ok((Err(TimedOut), 0, true)));
}

#[test]
fn a_timeout_that_passes_while_the_coroutine_is_ready_is_told_at_its_next_wait() {
    #[generator(yield = SysCall, send = Reply)]
    fn busy(turns: &mut u32) {
        loop {
            *turns += 1;
            yield_from!(sys::pause());
        }
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task() -> (Result<(), TimedOut>, bool) {
        let mut turns = 0;
        let outcome = yield_from!(exec::timeout(Duration::ZERO, busy(&mut turns)));
        (outcome, turns > 0)
    }
    assert_eq!(exec::run(main_task()), Ok((Err(TimedOut), true)));
}

#[test]
fn nested_timeouts_each_report_their_own_deadline() {
    #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
    fn inner(log: Log, deadline: Duration) -> Result<(), TimedOut> {
        let r = yield_from!(exec::timeout(deadline, sys::sleep(HOUR)));
        log.push(format!("inner timeout: {r:?}"));
        r
    }
    #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
    fn main_task(log: Log) {
        let short_inside = exec::timeout(HOUR, inner(log.clone(), Duration::from_millis(2)));
        let r = yield_from!(short_inside);
        log.push(format!("outer: {r:?}"));
        let long_inside = exec::timeout(Duration::from_millis(2), inner(log.clone(), HOUR));
        let r = yield_from!(long_inside);
        log.push(format!("outer: {r:?}"));
    }
    let log = Log::default();
    exec::run(main_task(log.clone())).unwrap();
    assert_eq!(
        log.take(),
        [
            "inner timeout: Err(TimedOut)",
            "outer: Ok(Err(TimedOut))",
            // The outer deadline cancels the inner timeout's coroutine: not its own timeout.
            "outer: Err(TimedOut)"
        ]
    );
}

#[test]
fn a_task_cancelled_inside_a_timeout_is_cancelled_not_timed_out() {
    #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
    fn patient(log: Log) {
        let mut naps = 0;
        let r = yield_from!(exec::timeout(HOUR, sleepy(log.clone(), &mut naps, HOUR)));
        log.push(format!("not reached: {r:?}"));
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Result<(), TaskEnded> {
        let p = yield_from!(sys::spawn(patient(log.clone())));
        yield_from!(sys::call(cancel_soon(p.id())))?;
        yield_from!(sys::wait(p))
    }
    let log = Log::default();
    // Returns only because the hour-long deadline went with the task.
    assert_eq!(
        exec::run(main_task(log.clone())),
        Ok(Err(TaskEnded::Cancelled))
    );
    assert_eq!(
        log.take(),
        ["sleepy cleaned up after 0 naps", "drop sleepy"]
    );
}

#[test]
fn a_timeout_reaches_into_a_called_coroutine_and_closes_a_plain_one() {
    #[generator(yield = SysCall, send = Reply)]
    fn called(log: Log) {
        let _g = log.guard("called");
        yield_from!(sys::sleep(HOUR));
    }
    #[generator(yield = SysCall, send = Reply)]
    fn caller(log: Log) {
        let _g = log.guard("caller");
        yield_from!(sys::call(called(log.clone())));
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Result<(), TimedOut> {
        yield_from!(exec::timeout(Duration::from_millis(2), caller(log.clone())))
    }
    let log = Log::default();
    assert_eq!(exec::run(main_task(log.clone())), Ok(Err(TimedOut)));
    assert_eq!(log.take(), ["drop called", "drop caller"]);
}

#[test]
fn killing_a_task_inside_a_timeout_closes_everything_and_disarms_the_deadline() {
    #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
    fn patient(log: Log) {
        let mut naps = 0;
        let _ = yield_from!(exec::timeout(HOUR, sleepy(log.clone(), &mut naps, HOUR)));
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Result<(), TaskEnded> {
        let p = yield_from!(sys::spawn(patient(log.clone())));
        yield_from!(sys::pause());
        yield_from!(sys::pause());
        yield_from!(sys::kill(p.id()))?;
        yield_from!(sys::wait(p))
    }
    let log = Log::default();
    assert_eq!(
        exec::run(main_task(log.clone())),
        Ok(Err(TaskEnded::Killed))
    );
    assert_eq!(log.take(), ["drop sleepy"]);
}

#[test]
fn a_deadline_that_fires_in_the_same_poll_as_the_sleep_inside_it_is_not_lost() {
    // Python: async with asyncio.timeout_at(t): await asyncio.sleep(t - now) -> TimeoutError
    // (the timeout's timer was set first, so it fires first).
    #[corogen::generator(yield = exec::SysCall, send = exec::Reply)]
    fn main_task() -> Result<(), exec::TimedOut> {
        let at = std::time::Instant::now() + std::time::Duration::from_millis(5);
        corogen::yield_from!(exec::timeout_at(at, exec::sys::sleep_until(at)))
    }
    assert_eq!(exec::run(main_task()), Ok(Err(exec::TimedOut)));
}
