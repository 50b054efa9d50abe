//! Timeouts around a coroutine that runs in the current task (asyncio's `async with
//! timeout()` and `wait_for`): [`timeout`] and [`timeout_at`].
//!
//! The coroutine runs inside the timeout's own generator, which passes each of its system
//! calls on to the scheduler and each reply back, so it may borrow the task's locals. When
//! the deadline passes, the scheduler unregisters what the task waits for and answers the
//! timeout (not the coroutine) with "timed out"; the timeout then cancels the coroutine at its
//! innermost level, as [`sys::cancel`](super::sys::cancel) would: a coroutine whose throw type
//! is [`Cancelled`](super::Cancelled) has it thrown in (its cleanup may make system calls), any
//! other is closed. Once the coroutine has ended, the timeout evaluates to
//! `Err(`[`TimedOut`]`)`. A coroutine that catches the cancellation and returns a value
//! anyway has refused it: the timeout evaluates to `Ok` of that value, as asyncio's does.
//!
//! A cancellation of the task itself while it is in a timeout goes through to the coroutine
//! and, once the coroutine has ended, on up: it is not a timeout.

use core::future::Future;
use core::pin::{Pin, pin};
use std::fmt;
use std::time::{Duration, Instant};

use super::cancel::Cancellable;
use super::syscall::{Answer, Reply, Request, SysCall, coroutine, unexpected};
use super::task::{self, BoxedFrame, FrameStep, Stepped};
use crate::{Gen, Generator, Interrupt};

/// The outcome of a [`timeout`] whose deadline passed first (asyncio's `TimeoutError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TimedOut;

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the deadline passed before the coroutine finished")
    }
}

impl std::error::Error for TimedOut {}

/// Runs `coroutine` in the current task for at most `duration` (asyncio's `async with
/// timeout(...)` and `wait_for`): `Ok` with its return value, or `Err(TimedOut)` once the
/// deadline has passed and the cancellation it caused has ended the coroutine (see the module
/// docs). The coroutine has the task's throw type (a system call's generator is inferred to).
///
/// ```
/// use corogen::exec::{self, Reply, SysCall, TimedOut, sys};
/// use corogen::prelude::*;
/// use std::time::Duration;
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn count_until_late(counted: &mut u32) -> u32 {
///     loop {
///         *counted += 1;
///         yield_from!(sys::sleep(Duration::from_millis(2)));
///     }
/// }
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn main_task() -> bool {
///     let mut counted = 0; // borrowed by the coroutine: it runs in this task
///     let late = yield_from!(exec::timeout(
///         Duration::from_millis(20),
///         count_until_late(&mut counted),
///     ));
///     let quick = yield_from!(exec::timeout(Duration::from_secs(5), sys::task_id()));
///     late == Err(TimedOut) && counted > 0 && quick.is_ok()
/// }
///
/// assert_eq!(exec::run(main_task()), Ok(true));
/// ```
pub fn timeout<'a, G, E>(
    duration: Duration,
    coroutine: G,
) -> Gen<impl Future<Output = Result<G::Return, TimedOut>> + 'a, SysCall, Reply, E>
where
    G: Generator<Yield = SysCall, Send = Reply, Throw = E> + 'a,
    E: Cancellable,
{
    timeout_at(Instant::now() + duration, coroutine)
}

/// [`timeout`] with a deadline on the monotonic clock (asyncio's `timeout_at`).
///
/// ```
/// use corogen::exec::{self, Cancelled, Reply, SysCall, TimedOut, sys};
/// use corogen::prelude::*;
/// use std::time::{Duration, Instant};
///
/// #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
/// fn slow(log: &mut Vec<&'static str>) {
///     match try_yield_from!(sys::sleep(Duration::from_secs(60))) {
///         Ok(()) => log.push("slept"),
///         Err(cancelled) => {
///             yield_from!(sys::pause()); // cleanup that waits
///             log.push("cleaned up");
///             raise_!(cancelled);
///         }
///     }
/// }
///
/// #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
/// fn main_task() -> Vec<&'static str> {
///     let mut log = Vec::new();
///     let deadline = Instant::now() + Duration::from_millis(5);
///     let outcome = yield_from!(exec::timeout_at(deadline, slow(&mut log)));
///     assert_eq!(outcome, Err(TimedOut));
///     log
/// }
///
/// assert_eq!(exec::run(main_task()), Ok(vec!["cleaned up"]));
/// ```
pub fn timeout_at<'a, G, E>(
    deadline: Instant,
    coroutine: G,
) -> Gen<impl Future<Output = Result<G::Return, TimedOut>> + 'a, SysCall, Reply, E>
where
    G: Generator<Yield = SysCall, Send = Reply, Throw = E> + 'a,
    E: Cancellable,
{
    self::coroutine(move |co| async move {
        let key = match co.yield_(SysCall(Request::Deadline(deadline))).await.0 {
            Answer::Deadline(key) => key,
            _ => unexpected("timeout"),
        };
        let mut inner = pin!(coroutine);
        // The coroutines it calls (`sys::call`) run here, above it, as on a task's stack.
        let mut calls = Calls(Vec::new());
        let mut reply = Reply::default();
        let mut passed = false;
        let ended = loop {
            let made = match calls.0.last_mut() {
                None => match task::step(inner.as_mut(), reply) {
                    Stepped::Yield(call) => FrameStep::Yield(call),
                    Stepped::Return(r) => break Some(r),
                    Stepped::Cancelled => break None,
                },
                Some(top) => top.as_mut().resume(reply),
            };
            reply = match made {
                FrameStep::Yield(SysCall(Request::Call(callee))) => {
                    calls.0.push(callee);
                    Reply::default()
                }
                FrameStep::Yield(call) => match co.try_yield(call).await {
                    Ok(Reply(Answer::TimedOut(k))) if k == key => {
                        passed = true;
                        Reply(Answer::Cancel)
                    }
                    Ok(reply) => reply,
                    // The task is cancelled: the coroutine is, first.
                    Err(Interrupt::Throw(_)) => Reply(Answer::Cancel),
                    // The task is killed: the coroutine is dropped with this generator.
                    Err(Interrupt::Close) => match co.raise(Interrupt::Close).await {},
                },
                FrameStep::Return(value) => {
                    calls.0.pop();
                    value
                }
                FrameStep::Cancelled => {
                    calls.0.pop();
                    Reply(Answer::Cancel)
                }
            };
        };
        if !passed {
            co.yield_(SysCall(Request::Disarm(key))).await;
        }
        match (ended, passed) {
            (Some(value), _) => Ok(value),
            (None, true) => Err(TimedOut),
            // A cancellation of the task, not of the timeout: it goes on up.
            (None, false) => match E::cancelled() {
                Some(cancelled) => match co.raise(cancelled).await {},
                // A task that cannot be thrown `Cancelled` asks for its own cancellation, which
                // closes it at this point.
                None => loop {
                    let Answer::TaskId(me) = co.yield_(SysCall(Request::TaskId)).await.0 else {
                        unexpected("task_id")
                    };
                    co.yield_(SysCall(Request::Cancel(me))).await;
                },
            },
        }
    })
}

/// The coroutines a timeout's coroutine has called: closed innermost first if the timeout is
/// dropped before they return.
struct Calls(Vec<BoxedFrame>);

impl Drop for Calls {
    fn drop(&mut self) {
        while let Some(frame) = self.0.pop() {
            drop::<Pin<_>>(frame);
        }
    }
}
