//! Delegation to every kind of target follows PEP 380, and a close of a chain follows Python
//! 3.13: each test gives the Python program whose trace it checks.

mod common;

use common::Log;
use corogen::prelude::*;
use corogen::{BoxGenerator, Generator, Refusal, Resume, Resumed};
use std::pin::{Pin, pin};

#[derive(Debug, Clone, PartialEq, Eq)]
struct Oops(&'static str);

// ---------------------------------------------------------------------------------------------
// 1. `yield_from!(&mut boxed)` delegates to the boxed generator, as `&mut Pin<Box<Gen>>` does.
// ---------------------------------------------------------------------------------------------

/// ```python
/// def sub(log):
///     try:
///         yield 1
///         yield 2
///     except Oops as e:
///         log.append(f"sub caught {e}")
///         yield 3
///     return 10
/// ```
#[generator(yield = i32, throw = Oops)]
fn sub(log: Log) -> i32 {
    match try_yield!(1).and(try_yield!(2)) {
        Ok(()) => {}
        Err(Interrupt::Throw(Oops(why))) => {
            log.push(format!("sub caught {why}"));
            yield_!(3);
        }
        Err(Interrupt::Close) => {
            log.push("sub closed");
            raise_!(Interrupt::Close);
        }
    }
    10
}

/// ```python
/// def deleg(s, log):
///     r = yield from s
///     log.append(f"yield from -> {r}")
///     yield 100 + r
/// ```
#[generator(yield = i32, throw = Oops)]
fn through_box(s: &mut BoxGenerator<'static, i32, (), i32, Oops>, log: Log) {
    let r = yield_from!(s).expect("the sub-generator had not finished");
    log.push(format!("yield from -> {r}"));
    yield_!(100 + r);
}

fn started_box(log: &Log) -> BoxGenerator<'static, i32, (), i32, Oops> {
    let mut s: BoxGenerator<'static, i32, (), i32, Oops> = Box::pin(sub(log.clone()));
    assert_eq!(s.start(), Ok(GeneratorState::Yielded(1)));
    s
}

#[test]
fn a_started_boxed_generator_lent_by_reference_is_sent_none_first_and_returns_its_value() {
    // s = sub(log); next(s) -> 1; g = deleg(s, log)
    // next(g) -> 2; next(g) -> 110; log == ['yield from -> 10']
    let log = Log::default();
    let mut s = started_box(&log);
    let mut g = pin!(through_box(&mut s, log.clone()));
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(2)));
    assert_eq!(g.send(()), Ok(GeneratorState::Yielded(110)));
    assert_eq!(log.take(), ["yield from -> 10"]);
}

#[test]
fn a_throw_reaches_the_boxed_generator_lent_by_reference() {
    // next(g) -> 2; g.throw(Oops('x')) -> 3; next(g) -> 110
    let log = Log::default();
    let mut s = started_box(&log);
    let mut g = pin!(through_box(&mut s, log.clone()));
    g.start().unwrap();
    assert_eq!(g.throw(Oops("x")), Ok(GeneratorState::Yielded(3)));
    assert_eq!(log.take(), ["sub caught x"]);
    assert_eq!(g.send(()), Ok(GeneratorState::Yielded(110)));
}

#[test]
fn a_close_closes_the_boxed_generator_lent_by_reference() {
    // next(g) -> 2; g.close() -> None; getgeneratorstate(s) == GEN_CLOSED
    let log = Log::default();
    let mut s = started_box(&log);
    {
        let mut g = pin!(through_box(&mut s, log.clone()));
        g.start().unwrap();
        assert_eq!(g.close(), Ok(None));
    }
    assert_eq!(log.take(), ["sub closed"]);
    assert_eq!(s.status(), Status::Finished);
}

#[test]
fn an_error_raised_by_the_boxed_generator_reaches_the_delegator() {
    // def sub(): yield 1; raise Oops('boom')
    // def deleg(s):
    //     try: yield from s
    //     except Oops as e: yield f"caught {e}"
    #[generator(yield = i32, throw = Oops)]
    fn raiser() -> i32 {
        yield_!(1);
        raise_!(Oops("boom"));
    }
    #[generator(yield = i32, throw = Oops)]
    fn catcher(s: &mut BoxGenerator<'static, i32, (), i32, Oops>) -> &'static str {
        match try_yield_from!(s) {
            Err(Interrupt::Throw(Oops(why))) => why,
            _ => "no error",
        }
    }
    let mut s: BoxGenerator<'static, i32, (), i32, Oops> = Box::pin(raiser());
    let mut g = pin!(catcher(&mut s));
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
    assert_eq!(g.send(()), Ok(GeneratorState::Complete("boom")));
}

/// A generator written by hand: counts up to `to`, returns `to * 10`, and takes `Oops` as a
/// request to start again from zero.
struct Counter {
    next: i32,
    to: i32,
    status: Status,
}

impl Counter {
    fn new(to: i32) -> Self {
        Self {
            next: 0,
            to,
            status: Status::Created,
        }
    }
}

impl Generator for Counter {
    type Yield = i32;
    type Send = ();
    type Return = i32;
    type Throw = Oops;

    fn resume(mut self: Pin<&mut Self>, arg: Resume<(), Oops>) -> Resumed<i32, i32, (), Oops> {
        match (self.status, arg) {
            (Status::Finished | Status::Poisoned, Resume::Close) => return Resumed::Closed,
            (Status::Finished | Status::Poisoned, arg) => {
                return Resumed::Refused(Refusal::Finished, arg);
            }
            (_, Resume::Close) => {
                self.status = Status::Finished;
                return Resumed::Closed;
            }
            (_, Resume::Throw(_)) => self.next = 0,
            _ => {}
        }
        self.status = Status::Suspended;
        if self.next == self.to {
            self.status = Status::Finished;
            return Resumed::Complete(self.to * 10);
        }
        self.next += 1;
        Resumed::Yielded(self.next)
    }

    fn status(&self) -> Status {
        self.status
    }
}

#[test]
fn a_hand_written_generator_is_delegated_to_by_reference_and_boxed_by_value() {
    #[generator(yield = i32, throw = Oops)]
    fn both(lent: &mut Counter) -> (Option<i32>, i32) {
        let by_ref = yield_from!(lent);
        let by_value = yield_from!(Box::pin(Counter::new(1)));
        (by_ref, by_value)
    }
    let mut lent = Counter::new(2);
    let mut g = pin!(both(&mut lent));
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
    assert_eq!(g.throw(Oops("again")), Ok(GeneratorState::Yielded(1)));
    assert_eq!(g.send(()), Ok(GeneratorState::Yielded(2)));
    assert_eq!(g.send(()), Ok(GeneratorState::Yielded(1)));
    assert_eq!(
        g.send(()),
        Ok(GeneratorState::Complete((Some(20), 10))),
        "both return values are delivered"
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Chains of boxed `dyn` generators are flat: driven, thrown into, closed and dropped at
//    100,000 levels without growing the thread's stack.
// ---------------------------------------------------------------------------------------------

type Level = BoxGenerator<'static, u64, u64, u64, Oops>;

/// `depth` levels of `BoxGenerator`s over an echo that adds what it is sent.
#[generator(yield = u64, send = u64, throw = Oops)]
fn boxed_chain(depth: u32, log: Log) -> u64 {
    if depth == 0 {
        let mut total = 0;
        loop {
            match try_yield!(total) {
                Ok(0) => return total,
                Ok(v) => total += v,
                Err(Interrupt::Throw(Oops(why))) => {
                    log.push(format!("innermost caught {why}"));
                    raise_!(Oops("from the innermost"));
                }
                Err(Interrupt::Close) => {
                    log.push("innermost closed");
                    return total;
                }
            }
        }
    }
    let below: Level = Box::pin(boxed_chain(depth - 1, log));
    yield_from!(below) + 1
}

/// Deep enough to overflow a recursive resume; shallow under Miri, which is slow.
const DEEP: u32 = if cfg!(miri) { 40 } else { 100_000 };

/// Runs `f` on a thread with a small stack: a chain that recursed per level would overflow it.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("a thread")
        .join()
        .expect("no overflow, no panic");
}

#[test]
fn a_deep_chain_of_boxed_generators_is_driven_and_returns() {
    on_small_stack(|| {
        let mut g: Level = Box::pin(boxed_chain(DEEP, Log::default()));
        assert_eq!(g.start(), Ok(GeneratorState::Yielded(0)));
        assert_eq!(g.send(5), Ok(GeneratorState::Yielded(5)));
        assert_eq!(g.send(7), Ok(GeneratorState::Yielded(12)));
        assert_eq!(
            g.send(0),
            Ok(GeneratorState::Complete(12 + u64::from(DEEP)))
        );
    });
}

#[test]
fn a_throw_into_a_deep_chain_of_boxed_generators_reaches_the_innermost_and_comes_back() {
    on_small_stack(|| {
        let log = Log::default();
        let mut g = Box::pin(boxed_chain(DEEP, log.clone()));
        g.start().unwrap();
        assert_eq!(
            g.throw(Oops("x")),
            Err(ResumeError::Raised(Oops("from the innermost")))
        );
        assert_eq!(log.take(), ["innermost caught x"]);
        assert_eq!(g.status(), Status::Finished);
    });
}

#[test]
fn a_deep_chain_of_boxed_generators_is_closed_and_dropped() {
    on_small_stack(|| {
        let log = Log::default();
        let mut g = Box::pin(boxed_chain(DEEP, log.clone()));
        g.start().unwrap();
        assert_eq!(g.close(), Ok(None));
        assert_eq!(log.take(), ["innermost closed"]);

        let mut dropped = Box::pin(boxed_chain(DEEP, log.clone()));
        dropped.start().unwrap();
        dropped.send(3).unwrap();
        drop(dropped);
        assert_eq!(log.take(), ["innermost closed"]);
    });
}

// ---------------------------------------------------------------------------------------------
// 3. A hand-written delegate that keeps ignoring close: `CloseError::Ignored`, no assertion.
// 4. A hand-written delegate's refusal ends the delegation at the `yield_from!`.
// ---------------------------------------------------------------------------------------------

/// Yields 1 forever, a close included.
struct Stubborn {
    started: bool,
}

impl Generator for Stubborn {
    type Yield = i32;
    type Send = ();
    type Return = ();
    type Throw = Oops;

    fn resume(mut self: Pin<&mut Self>, _: Resume<(), Oops>) -> Resumed<i32, (), (), Oops> {
        self.started = true;
        Resumed::Yielded(1)
    }

    fn status(&self) -> Status {
        if self.started {
            Status::Suspended
        } else {
            Status::Created
        }
    }
}

#[test]
fn a_hand_written_delegate_that_keeps_ignoring_close_makes_close_report_it_ignored() {
    // Python: class Stubborn: send/throw/close all "yield" 1; close() of the delegator raises
    // RuntimeError('generator ignored GeneratorExit').
    #[generator(yield = i32, throw = Oops)]
    fn outer(log: Log) {
        let _guard = log.guard("outer");
        yield_from!(Box::pin(Stubborn { started: false }));
    }
    let log = Log::default();
    let mut g = pin!(outer(log.clone()));
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
    assert_eq!(g.close(), Err(CloseError::Ignored(1)));
    assert_eq!(log.take(), ["drop outer"]);
    assert_eq!(g.status(), Status::Finished);
}

/// Yields 1, then refuses everything as finished, though it says it is suspended.
struct Refuser {
    yielded: bool,
}

impl Generator for Refuser {
    type Yield = i32;
    type Send = ();
    type Return = i32;
    type Throw = Oops;

    fn resume(mut self: Pin<&mut Self>, arg: Resume<(), Oops>) -> Resumed<i32, i32, (), Oops> {
        if self.yielded {
            return Resumed::Refused(Refusal::Finished, arg);
        }
        self.yielded = true;
        Resumed::Yielded(1)
    }

    fn status(&self) -> Status {
        if self.yielded {
            Status::Suspended
        } else {
            Status::Created
        }
    }
}

#[test]
fn a_refusal_of_a_hand_written_delegate_ends_the_delegation_at_its_yield_from() {
    // As `yield from` a generator that is already exhausted: the delegation evaluates to no
    // value (Python's None), and the delegator goes on.
    #[generator(yield = i32, throw = Oops)]
    fn outer(lent: &mut Refuser) -> &'static str {
        match yield_from!(lent) {
            None => {
                yield_!(2);
                "went on"
            }
            Some(_) => "a value",
        }
    }
    let mut lent = Refuser { yielded: false };
    let mut g = pin!(outer(&mut lent));
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
    assert_eq!(g.send(()), Ok(GeneratorState::Yielded(2)));
    assert_eq!(g.status(), Status::Suspended);
    assert_eq!(g.send(()), Ok(GeneratorState::Complete("went on")));
}

#[test]
fn a_thrown_error_a_hand_written_delegate_refuses_goes_on_to_the_delegator() {
    #[generator(yield = i32, throw = Oops)]
    fn outer(lent: &mut Refuser) -> &'static str {
        match try_yield_from!(lent) {
            Err(Interrupt::Throw(Oops(why))) => why,
            _ => "nothing",
        }
    }
    let mut lent = Refuser { yielded: false };
    let mut g = pin!(outer(&mut lent));
    g.start().unwrap();
    assert_eq!(g.throw(Oops("x")), Ok(GeneratorState::Complete("x")));
}

// ---------------------------------------------------------------------------------------------
// 5. An ignored close in the middle of a chain (Python 3.13).
// ---------------------------------------------------------------------------------------------

/// ```python
/// def inner(log):
///     try:
///         yield 1
///     finally:
///         log.append("inner finally")
/// def middle(log):
///     try:
///         yield from inner(log)
///     except GeneratorExit:
///         log.append("middle caught close, yields again")
///         yield 2
///         log.append("middle after yield 2 (never)")
/// def outer(log):
///     try:
///         yield from middle(log)
///     except GeneratorExit:
///         log.append("outer GeneratorExit (must not run)")
///         raise
///     except RuntimeError as e:
///         log.append(f"outer caught {e}")
///         return 5
/// g = outer(log); next(g)  # 1
/// g.close()                # 5
/// log == ['inner finally', 'middle caught close, yields again',
///         'outer caught generator ignored GeneratorExit']
/// ```
#[test]
fn an_ignored_close_in_the_middle_of_a_chain_is_an_error_the_outer_generator_may_catch() {
    #[generator(yield = i32)]
    fn inner(log: Log) {
        let _finally = log.guard("inner finally");
        yield_!(1);
    }
    #[generator(yield = i32)]
    fn middle(log: Log) {
        if let Err(Interrupt::Close) = try_yield_from!(inner(log.clone())) {
            log.push("middle caught close, yields again");
            yield_!(2);
            log.push("middle after yield 2 (never)");
        }
    }
    #[generator(yield = i32)]
    fn outer(log: Log) -> i32 {
        match try_yield_from!(middle(log.clone())) {
            Err(Interrupt::Close) => {
                log.push("outer GeneratorExit (must not run)");
                raise_!(Interrupt::Close);
            }
            Err(Interrupt::Ignored(why)) => {
                log.push(format!("outer caught: {why}"));
                5
            }
            Ok(()) | Err(Interrupt::Throw(_)) => 0,
        }
    }
    let log = Log::default();
    let mut g = pin!(outer(log.clone()));
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
    assert_eq!(g.close(), Ok(Some(5)));
    assert_eq!(
        log.take(),
        [
            "drop inner finally",
            "middle caught close, yields again",
            "outer caught: the generator delegated to ignored a close: it yielded instead of \
             finishing",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// 6. A return value is not lost during a close: only a sub-generator that was closed ends the
//    delegator's body.
// ---------------------------------------------------------------------------------------------

/// ```python
/// def sub():
///     print("sub runs and returns 7"); return 7
///     yield
/// def plain():
///     try:
///         yield 1
///     except GeneratorExit:
///         print("caught the close, carrying on")
///     r = yield from sub()
///     print(f"yield from -> {r}")
///     return r
/// g = plain(); next(g); g.close()  # 7
/// # caught the close, carrying on / sub runs and returns 7 / yield from -> 7
/// ```
#[test]
fn a_sub_generator_started_during_a_close_returns_its_value_to_the_delegator() {
    #[generator(yield = i64)]
    fn sub(log: Log) -> i64 {
        log.push("sub runs and returns 7");
        7
    }
    #[generator(yield = i64)]
    fn plain(log: Log) -> i64 {
        if try_yield!(1).is_err() {
            log.push("caught the close, carrying on");
        }
        let r = yield_from!(sub(log.clone()));
        log.push(format!("yield from -> {r}"));
        r
    }
    let log = Log::default();
    let mut g = pin!(plain(log.clone()));
    g.start().unwrap();
    assert_eq!(g.close(), Ok(Some(7)));
    assert_eq!(
        log.take(),
        [
            "caught the close, carrying on",
            "sub runs and returns 7",
            "yield from -> 7"
        ]
    );
}

#[test]
fn a_generator_lent_by_reference_during_a_close_returns_its_value_to_the_delegator() {
    #[generator(yield = i64)]
    fn last_one() -> i64 {
        yield_!(1);
        7
    }
    #[generator(yield = i64)]
    fn plain(h: Pin<&mut Gen<impl Future<Output = i64>, i64>>, log: Log) -> i64 {
        let mut h = h;
        if try_yield!(0).is_err() {
            log.push("caught the close, carrying on");
        }
        let r = yield_from!(&mut h).expect("not finished");
        log.push(format!("yield from -> {r}"));
        r
    }
    let log = Log::default();
    let mut h = pin!(last_one());
    assert_eq!(h.start(), Ok(GeneratorState::Yielded(1)));
    let mut g = pin!(plain(h.as_mut(), log.clone()));
    g.start().unwrap();
    // h is resumed with None, returns 7 at once: it never saw the close.
    assert_eq!(g.close(), Ok(Some(7)));
    assert_eq!(
        log.take(),
        ["caught the close, carrying on", "yield from -> 7"]
    );
}

/// ```python
/// def plain_empty():
///     try:
///         yield 1
///     except GeneratorExit:
///         print("caught the close, carrying on")
///     r = yield from []
///     print(f"yield from -> {r}")
///     return 8
/// g = plain_empty(); next(g); g.close()  # 8; yield from -> None
/// ```
#[test]
fn an_empty_iterable_delegated_to_during_a_close_ends_the_delegation_normally() {
    #[generator(yield = i64)]
    fn plain_empty(log: Log) -> i64 {
        if try_yield!(1).is_err() {
            log.push("caught the close, carrying on");
        }
        let r: () = yield_from!(Vec::<i64>::new());
        log.push(format!("yield from -> {r:?}"));
        8
    }
    let log = Log::default();
    let mut g = pin!(plain_empty(log.clone()));
    g.start().unwrap();
    assert_eq!(g.close(), Ok(Some(8)));
    assert_eq!(
        log.take(),
        ["caught the close, carrying on", "yield from -> ()"]
    );
}

// ---------------------------------------------------------------------------------------------
// 7. A sub-generator that yields during a close: the delegator sees the ignored close, not a
//    close, and its close handler does not run.
// ---------------------------------------------------------------------------------------------

/// ```python
/// def sub(log):
///     try:
///         yield 1
///     except GeneratorExit:
///         log.append("sub ignores")
///         yield 2
/// def deleg(log):
///     try:
///         yield from sub(log)
///     except GeneratorExit:
///         log.append("deleg GeneratorExit (must not run)")
///         raise ValueError("x")
/// g = deleg(log); next(g)
/// g.close()  # RuntimeError: generator ignored GeneratorExit
/// log == ['sub ignores']
/// ```
#[generator(yield = i32, throw = Oops)]
fn ignoring_sub(log: Log) {
    if try_yield!(1).is_err() {
        log.push("sub ignores");
        yield_!(2);
    }
}

#[test]
fn a_sub_generator_that_yields_during_a_close_is_not_seen_as_a_close_by_the_delegator() {
    #[generator(yield = i32, throw = Oops)]
    fn deleg(log: Log) {
        match try_yield_from!(ignoring_sub(log.clone())) {
            Ok(()) => {}
            Err(Interrupt::Close) => {
                log.push("deleg GeneratorExit (must not run)");
                raise_!(Oops("x"));
            }
            // What Python's `except GeneratorExit` does not catch goes on.
            Err(other) => raise_!(other),
        }
    }
    let log = Log::default();
    let mut g = pin!(deleg(log.clone()));
    g.start().unwrap();
    assert_eq!(g.close(), Err(CloseError::Ignored(2)));
    assert_eq!(log.take(), ["sub ignores"]);
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn a_boxed_sub_generator_that_yields_during_a_close_is_killed_without_its_close_handler_again() {
    #[generator(yield = i32, throw = Oops)]
    fn deleg(log: Log) {
        let sub: BoxGenerator<'static, i32, (), (), Oops> = Box::pin(ignoring_sub(log.clone()));
        match try_yield_from!(sub) {
            Ok(()) => {}
            Err(Interrupt::Close) => log.push("deleg GeneratorExit (must not run)"),
            Err(other) => raise_!(other),
        }
    }
    let log = Log::default();
    let mut g = pin!(deleg(log.clone()));
    g.start().unwrap();
    assert_eq!(g.close(), Err(CloseError::Ignored(2)));
    assert_eq!(log.take(), ["sub ignores"]);
}

#[test]
fn a_deep_chain_of_boxed_generators_whose_innermost_panicked_is_dropped() {
    #[generator(yield = u64, send = u64, throw = Oops)]
    fn fragile_chain(depth: u32) -> u64 {
        if depth == 0 {
            yield_!(1);
            panic!("the innermost level fails");
        }
        let below: Level = Box::pin(fragile_chain(depth - 1));
        yield_from!(below)
    }
    on_small_stack(|| {
        let mut g = Box::pin(fragile_chain(DEEP));
        g.start().unwrap();
        let panicked =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| g.send(1))).is_err();
        assert!(panicked);
        assert_eq!(g.status(), Status::Poisoned);
        drop(g);
    });
}

// A generator delegated to by `&mut` while it is itself delegating: the chain it leads joins
// the new one below it, and goes on from its innermost level (Python 3.13):
//
//     def leaf():
//         x = yield 1; y = yield x; z = yield y
//         return z
//     def mid():
//         r = yield from leaf(); yield r + 100
//         return 7
//     def outer(m):
//         return (yield from m)
//     m = mid(); next(m); m.send(5)        # 1, 5: m is inside leaf
//     o = outer(m); o.send(None)           # None (leaf's y; corogen sends the default, 0)
//     o.send(3)                            # 103
//     o.send(9)                            # StopIteration(7); m is GEN_CLOSED
//     # closing o while m is inside leaf closes m: GEN_CLOSED
#[generator(yield = u64, send = u64)]
fn three_deep() -> u64 {
    let x = yield_!(1);
    let y = yield_!(x);
    yield_!(y)
}

#[generator(yield = u64, send = u64)]
fn around_three_deep() -> u64 {
    let r = yield_from!(three_deep());
    yield_!(r + 100);
    7
}

#[generator(yield = u64, send = u64)]
fn take_over_from<G>(m: &mut Pin<Box<G>>) -> Option<u64>
where
    G: Generator<Yield = u64, Send = u64, Return = u64, Throw = std::convert::Infallible>,
{
    yield_from!(m)
}

#[test]
fn a_generator_taken_over_while_it_delegates_goes_on_from_its_innermost_level() {
    let mut m = Box::pin(around_three_deep());
    assert_eq!(m.start(), Ok(GeneratorState::Yielded(1)));
    assert_eq!(m.send(5), Ok(GeneratorState::Yielded(5)));
    {
        let mut o = pin!(take_over_from(&mut m));
        assert_eq!(o.start(), Ok(GeneratorState::Yielded(0)));
        assert_eq!(o.send(3), Ok(GeneratorState::Yielded(103)));
        assert_eq!(o.send(9), Ok(GeneratorState::Complete(Some(7))));
    }
    assert_eq!(m.status(), Status::Finished);

    let mut m = Box::pin(around_three_deep());
    m.start().unwrap();
    m.send(5).unwrap();
    {
        let mut o = pin!(take_over_from(&mut m));
        assert_eq!(o.start(), Ok(GeneratorState::Yielded(0)));
        assert_eq!(o.close(), Ok(None));
    }
    assert_eq!(m.status(), Status::Finished);
}

#[test]
// Miri reports the leak the test makes on purpose; `MIRIFLAGS=-Zmiri-ignore-leaks` runs it.
#[cfg_attr(miri, ignore = "leaks on purpose")]
fn a_generator_whose_taker_was_leaked_mid_delegation_goes_on_when_resumed_directly() {
    let mut m = Box::pin(around_three_deep());
    m.start().unwrap();
    m.send(5).unwrap();
    let mut o = Box::pin(take_over_from(&mut m));
    assert_eq!(o.start(), Ok(GeneratorState::Yielded(0)));
    // Leaked, never dropped: nothing closes `m`, and the borrow ends.
    std::mem::forget(o);
    assert_eq!(m.send(3), Ok(GeneratorState::Yielded(103)));
    assert_eq!(m.send(0), Ok(GeneratorState::Complete(7)));
}
