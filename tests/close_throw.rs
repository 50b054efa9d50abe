//! close() and throw() with Python's rules, and drop-exactly-once of every live local.

mod common;

use common::Log;
use corogen::prelude::*;
use std::pin::pin;

#[derive(Debug, Clone, PartialEq)]
struct Oops(&'static str);

#[generator(yield = u32, throw = Oops)]
fn guarded(log: Log) -> &'static str {
    let _outer = log.guard("outer");
    yield_!(1);
    {
        let _inner = log.guard("inner");
        yield_!(2);
        let _second = log.guard("second");
        yield_!(3);
    }
    yield_!(4);
    "done"
}

/// Closing or dropping at each suspension point drops exactly the live locals, once each,
/// innermost scope first.
#[test]
fn close_and_drop_at_every_suspension_point() {
    let expected: [&[&str]; 5] = [
        &[],
        &["drop outer"],
        &["drop inner", "drop outer"],
        &["drop second", "drop inner", "drop outer"],
        &["drop outer"],
    ];
    for (resumes, want) in expected.iter().enumerate() {
        for by_drop in [false, true] {
            let log = Log::default();
            let mut g = Box::pin(guarded(log.clone()));
            for i in 0..resumes {
                let r = if i == 0 { g.start() } else { g.send(()) };
                assert_eq!(r, Ok(GeneratorState::Yielded(i as u32 + 1)));
            }
            log.take();
            if by_drop {
                drop(g);
                assert_eq!(log.take(), *want, "dropped after {resumes} resumes");
            } else {
                assert_eq!(g.close(), Ok(None));
                assert_eq!(g.status(), Status::Finished);
                assert_eq!(
                    g.close(),
                    Ok(None),
                    "closing a finished generator is a no-op"
                );
                assert_eq!(log.take(), *want, "closed after {resumes} resumes");
                drop(g);
                assert!(log.take().is_empty(), "nothing is dropped twice");
            }
        }
    }
}

#[test]
fn drop_logs_exactly_once() {
    for resumes in 0..5 {
        let log = Log::default();
        {
            let mut g = Box::pin(guarded(log.clone()));
            for i in 0..resumes {
                let _ = if i == 0 { g.start() } else { g.send(()) };
            }
            log.take();
        }
        let dropped = log.take();
        let mut unique = dropped.clone();
        unique.dedup();
        assert_eq!(dropped, unique, "each local dropped once");
        let want = match resumes {
            0 => 0,
            1 | 4 => 1,
            2 => 2,
            _ => 3,
        };
        assert_eq!(dropped.len(), want, "after {resumes} resumes: {dropped:?}");
    }
}

#[test]
fn close_unstarted_never_runs_the_body() {
    let log = Log::default();
    let mut g = pin!(guarded(log.clone()));
    assert_eq!(g.close(), Ok(None));
    assert_eq!(g.status(), Status::Finished);
    assert!(log.take().is_empty());
    assert_eq!(g.start(), Err(ResumeError::Finished(())));
}

#[generator(yield = u32, throw = Oops)]
fn catcher(log: Log) -> &'static str {
    let _local = log.guard("local");
    loop {
        match try_yield!(7) {
            Ok(()) => log.push("sent"),
            Err(Interrupt::Close) => {
                log.push("saw close");
                return "cleanup value";
            }
            Err(Interrupt::Throw(Oops(why))) => log.push(format!("caught {why}")),
        }
    }
}

#[test]
fn caught_close_returns_a_value() {
    let log = Log::default();
    let mut g = pin!(catcher(log.clone()));
    g.start().unwrap();
    assert_eq!(g.close(), Ok(Some("cleanup value")));
    assert_eq!(log.take(), ["saw close", "drop local"]);
}

#[test]
fn caught_throw_goes_on() {
    let log = Log::default();
    let mut g = pin!(catcher(log.clone()));
    g.start().unwrap();
    assert_eq!(g.throw(Oops("x")), Ok(GeneratorState::Yielded(7)));
    assert_eq!(g.status(), Status::Suspended);
    assert_eq!(log.take(), ["caught x"]);
}

#[test]
fn uncaught_throw_finishes_and_hands_back_the_error() {
    let log = Log::default();
    let mut g = pin!(guarded(log.clone()));
    g.start().unwrap();
    g.send(()).unwrap();
    log.take();
    assert_eq!(g.throw(Oops("bad")), Err(ResumeError::Raised(Oops("bad"))));
    assert_eq!(log.take(), ["drop inner", "drop outer"]);
    assert_eq!(g.status(), Status::Finished);
    assert_eq!(
        g.throw(Oops("again")),
        Err(ResumeError::Finished(Oops("again")))
    );
}

#[test]
fn throw_into_unstarted_never_runs_the_body() {
    let log = Log::default();
    let mut g = pin!(guarded(log.clone()));
    assert_eq!(
        g.throw(Oops("early")),
        Err(ResumeError::Raised(Oops("early")))
    );
    assert!(log.take().is_empty());
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn ignored_close_is_an_error_and_finishes() {
    #[generator(yield = u32)]
    fn stubborn(log: Log) {
        let _g = log.guard("stubborn");
        loop {
            if try_yield!(1).is_err() {
                log.push("ignoring");
            }
        }
    }
    let log = Log::default();
    let mut g = pin!(stubborn(log.clone()));
    g.start().unwrap();
    assert_eq!(g.close(), Err(CloseError::Ignored(1)));
    assert_eq!(log.take(), ["ignoring", "drop stubborn"]);
    assert_eq!(g.status(), Status::Finished);
    assert_eq!(g.close(), Ok(None));
}

#[test]
fn raise_from_the_body() {
    #[generator(yield = u32, send = u32, throw = Oops)]
    fn checked() {
        loop {
            let v = yield_!(0);
            if v > 10 {
                raise_!(Oops("too big"));
            }
        }
    }
    let mut g = pin!(checked());
    g.start().unwrap();
    assert_eq!(g.send(3), Ok(GeneratorState::Yielded(0)));
    assert_eq!(g.send(30), Err(ResumeError::Raised(Oops("too big"))));
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn raise_while_closing() {
    #[generator(yield = u32, throw = Oops)]
    fn angry() {
        if let Err(Interrupt::Close) = try_yield!(1) {
            raise_!(Oops("not now"));
        }
    }
    let mut g = pin!(angry());
    g.start().unwrap();
    assert_eq!(g.close(), Err(CloseError::Raised(Oops("not now"))));
}

#[test]
fn drop_of_a_catching_generator_runs_its_cleanup() {
    let log = Log::default();
    {
        let mut g = pin!(catcher(log.clone()));
        g.start().unwrap();
    }
    assert_eq!(log.take(), ["saw close", "drop local"]);
}

#[test]
fn mutex_guard_and_borrows_across_yields() {
    use std::sync::Mutex;
    #[generator(yield = u32)]
    fn holds(m: &Mutex<Vec<u32>>) {
        let guard = m.lock().unwrap();
        for x in guard.iter() {
            yield_!(*x);
        }
    }
    let m = Mutex::new(vec![1, 2, 3]);
    {
        let mut g = pin!(holds(&m));
        assert_eq!(g.next(), Some(1));
        assert!(m.try_lock().is_err(), "the guard is held across the yield");
    }
    assert!(
        m.try_lock().is_ok(),
        "dropping the generator released the guard"
    );
}

#[test]
fn a_caught_close_can_be_raised_again() {
    #[generator(yield = u32, throw = Oops)]
    fn passes_close_on(log: Log) -> &'static str {
        let _g = log.guard("local");
        loop {
            match try_yield!(1) {
                Ok(()) => {}
                Err(Interrupt::Throw(Oops(why))) => log.push(format!("caught {why}")),
                Err(close) => {
                    log.push("cleanup");
                    raise_!(close);
                }
            }
        }
    }
    let log = Log::default();
    let mut g = pin!(passes_close_on(log.clone()));
    g.start().unwrap();
    assert_eq!(g.throw(Oops("x")), Ok(GeneratorState::Yielded(1)));
    assert_eq!(g.close(), Ok(None));
    assert_eq!(log.take(), ["caught x", "cleanup", "drop local"]);
    assert_eq!(g.status(), Status::Finished);
}

/// Logs its drop, then panics if asked to.
struct Fragile {
    log: Log,
    name: &'static str,
    panics: bool,
}

impl Drop for Fragile {
    fn drop(&mut self) {
        self.log.push(format!("drop {}", self.name));
        if self.panics {
            panic!("drop of {} panics", self.name);
        }
    }
}

#[generator(yield = u8, throw = &'static str)]
fn holds_fragile(log: Log) {
    let _outer = Fragile {
        log: log.clone(),
        name: "outer",
        panics: false,
    };
    let _inner = Fragile {
        log: log.clone(),
        name: "inner",
        panics: true,
    };
    yield_!(1);
    yield_!(2);
}

fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default()
    })
}

#[test]
fn a_local_whose_drop_panics_is_dropped_once_and_the_generator_cannot_run_again() {
    // Closed or thrown into while suspended: both locals are dropped exactly once, the panic
    // reaches the caller, and the generator never runs again.
    for how in ["close", "throw"] {
        let log = Log::default();
        let mut g = Box::pin(holds_fragile(log.clone()));
        assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
        let caught = if how == "close" {
            catch(|| drop(g.close()))
        } else {
            catch(|| drop(g.throw("stop")))
        };
        assert_eq!(caught.unwrap_err(), "drop of inner panics", "{how}");
        assert_eq!(log.take(), ["drop inner", "drop outer"], "{how}");
        assert_eq!(g.status(), Status::Poisoned, "{how}");
        assert_eq!(g.send(()), Err(ResumeError::Poisoned(())), "{how}");
        drop(g);
        assert!(log.take().is_empty(), "{how}: dropped again");
    }
}

#[test]
fn dropping_a_generator_whose_local_panics_on_drop_drops_each_local_once() {
    let log = Log::default();
    let mut g = Box::pin(holds_fragile(log.clone()));
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
    assert_eq!(catch(move || drop(g)).unwrap_err(), "drop of inner panics");
    assert_eq!(log.take(), ["drop inner", "drop outer"]);
}

/// Yielded, sent and returned values that own something are each dropped exactly once, whether
/// the caller takes them, the generator is closed, thrown into or dropped at any point.
#[test]
fn owned_values_in_and_out_are_dropped_exactly_once() {
    use std::rc::Rc;

    #[generator(yield = Rc<()>, send = Rc<()>, throw = Rc<()>)]
    fn relay(token: Rc<()>, n: usize) -> Rc<()> {
        let mut kept = Vec::new();
        for _ in 0..n {
            match try_yield!(token.clone()) {
                Ok(sent) => kept.push(sent),
                Err(Interrupt::Throw(e)) => kept.push(e),
                Err(Interrupt::Close) => return token.clone(),
            }
        }
        drop(kept);
        token
    }

    let token = Rc::new(());
    for stop in 0..4 {
        for how in ["drop", "close", "throw", "run"] {
            {
                let mut g = Box::pin(relay(token.clone(), 3));
                let mut out = Vec::new();
                if stop > 0 {
                    out.push(g.start().unwrap());
                }
                for _ in 1..stop {
                    out.push(g.send(token.clone()).unwrap());
                }
                match how {
                    "close" => drop(g.close()),
                    "throw" => drop(g.throw(token.clone())),
                    "run" => {
                        while let Ok(state) = g.send(token.clone()) {
                            out.push(state);
                        }
                    }
                    _ => {}
                }
                drop(out);
            }
            assert_eq!(Rc::strong_count(&token), 1, "{how} after {stop} resumes");
        }
    }
}
