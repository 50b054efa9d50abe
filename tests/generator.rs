//! The life of a generator: start, send, return values, status, iteration, panics (PEP 255/342).

mod common;

use common::Log;
use corogen::prelude::*;
use std::pin::pin;

#[generator(yield = u64, send = Option<u64>)]
fn get_squares(number: u64) {
    let mut value = 1;
    while value <= number {
        match yield_!(value * value) {
            None => value += 1,
            Some(v) => value = v,
        }
    }
}

#[test]
fn calling_runs_nothing() {
    let log = Log::default();
    #[generator(yield = u8)]
    fn noisy(log: Log) {
        log.push("ran");
        yield_!(1);
    }
    let g = noisy(log.clone());
    assert!(log.take().is_empty());
    let mut g = pin!(g);
    assert_eq!(g.status(), Status::Created);
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
    assert_eq!(log.take(), ["ran"]);
    assert_eq!(g.status(), Status::Suspended);
}

#[test]
fn send_repositions_like_python() {
    let mut g = pin!(get_squares(5));
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
    assert_eq!(g.send(None), Ok(GeneratorState::Yielded(4)));
    assert_eq!(g.send(Some(1)), Ok(GeneratorState::Yielded(1)));
    assert_eq!(g.send(Some(5)), Ok(GeneratorState::Yielded(25)));
    assert_eq!(g.send(None), Ok(GeneratorState::Complete(())));
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn send_before_start_hands_the_value_back() {
    let mut g = pin!(get_squares(3));
    assert_eq!(g.send(Some(7)), Err(ResumeError::NotStarted(Some(7))));
    assert_eq!(g.status(), Status::Created);
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
    assert_eq!(g.start(), Err(ResumeError::AlreadyStarted(())));
}

#[test]
fn yield_evaluates_to_sent_value_and_unit_yield() {
    #[generator(send = String)]
    fn echo(log: Log) {
        let first = yield_!();
        log.push(first);
        log.push(yield_!(()));
    }
    let log = Log::default();
    let mut g = pin!(echo(log.clone()));
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(())));
    assert_eq!(g.send("a".into()), Ok(GeneratorState::Yielded(())));
    assert_eq!(g.send("b".into()), Ok(GeneratorState::Complete(())));
    assert_eq!(log.take(), ["a", "b"]);
}

#[generator(yield = i32)]
fn early(n: i32) -> &'static str {
    if n < 0 {
        return "negative";
    }
    yield_!(n);
    "tail"
}

#[test]
fn return_and_tail_expression_complete() {
    let mut a = pin!(early(-1));
    assert_eq!(a.start(), Ok(GeneratorState::Complete("negative")));
    let mut b = pin!(early(3));
    assert_eq!(b.start(), Ok(GeneratorState::Yielded(3)));
    assert_eq!(b.send(()), Ok(GeneratorState::Complete("tail")));
}

#[test]
fn resuming_a_finished_generator_is_an_error_and_iteration_is_fused() {
    let mut g = pin!(early(-1));
    g.start().unwrap();
    assert_eq!(g.send(()), Err(ResumeError::Finished(())));
    assert_eq!(g.start(), Err(ResumeError::Finished(())));
    let mut it = pin!(early(1));
    assert_eq!(it.next(), Some(1));
    assert_eq!(it.next(), None);
    assert_eq!(it.next(), None);
}

#[test]
fn iterator_with_default_send_type() {
    let squares: Vec<u64> = pin!(get_squares(4)).collect();
    assert_eq!(squares, [1, 4, 9, 16]);
    let boxed = Box::pin(get_squares(3));
    assert_eq!(boxed.map(|x| x + 1).collect::<Vec<_>>(), [2, 5, 10]);
    let mut total = 0;
    for x in pin!(get_squares(3)) {
        total += x;
    }
    assert_eq!(total, 14);
}

#[test]
fn a_panic_before_the_first_yield_poisons() {
    #[generator(yield = u8)]
    fn fragile(fail: bool) {
        if fail {
            panic!("boom at start");
        }
        yield_!(1);
    }
    let mut g = Box::pin(fragile(true));
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| g.start()));
    assert!(caught.is_err());
    assert_eq!(g.status(), Status::Poisoned);
    assert_eq!(g.start(), Err(ResumeError::Poisoned(())));
    let mut iterated = Box::pin(fragile(true));
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| iterated.next()));
    assert!(caught.is_err());
    assert_eq!(iterated.next(), None);
}

#[test]
fn panic_reaches_the_caller_and_poisons() {
    #[generator(yield = u8)]
    fn fragile() {
        yield_!(1);
        panic!("boom");
    }
    let mut g = Box::pin(fragile());
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| g.send(())));
    let message = caught.expect_err("the panic reaches the caller");
    assert_eq!(message.downcast_ref::<&str>(), Some(&"boom"));
    assert_eq!(g.status(), Status::Poisoned);
    assert_eq!(g.send(()), Err(ResumeError::Poisoned(())));
    assert_eq!(g.close(), Ok(None));
    assert_eq!(g.status(), Status::Poisoned);
}

#[test]
fn fold_sees_what_next_sees() {
    #[generator(yield = u64)]
    fn squares(n: u64) -> &'static str {
        for i in 0..n {
            yield_!(i * i);
        }
        "done"
    }
    #[generator(yield = u64)]
    fn squares_twice(n: u64) {
        yield_!(1000);
        let _: &str = yield_from!(squares(n));
        yield_from!(Box::pin(squares(n)));
        yield_!(2000);
    }
    let by_next: Vec<u64> = {
        let mut g = pin!(squares_twice(5));
        std::iter::from_fn(|| g.next()).collect()
    };
    let by_fold = pin!(squares_twice(5)).fold(Vec::new(), |mut v, x| {
        v.push(x);
        v
    });
    assert_eq!(by_fold, by_next);
    assert_eq!(by_fold.len(), 12);
    assert_eq!(
        Box::pin(squares_twice(5)).sum::<u64>(),
        by_next.iter().sum()
    );

    // Started by hand, then folded from where it is: first inside a delegation, then after
    // the generator finished.
    let mut g = Box::pin(squares_twice(3));
    assert_eq!(g.next(), Some(1000));
    assert_eq!(g.next(), Some(0));
    assert_eq!(g.as_mut().fold(0, |n, _| n + 1), 6);
    assert_eq!(g.status(), Status::Finished);
    assert_eq!(g.as_mut().fold(0, |n, _| n + 1), 0);
}

#[test]
fn fold_panics_when_the_body_raises() {
    #[generator(yield = u8, throw = &'static str)]
    fn raises() {
        yield_!(1);
        raise_!("bad");
    }
    let mut seen = Vec::new();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pin!(raises()).fold((), |(), x| seen.push(x))
    }));
    let message = caught.expect_err("an iterator cannot report the error");
    assert!(
        message
            .downcast_ref::<&str>()
            .is_some_and(|m| m.contains("raised an error while it was iterated")),
    );
    assert_eq!(seen, [1]);
}

#[test]
fn fold_sees_every_value_whatever_the_count_and_where_it_started() {
    #[generator(yield = u64)]
    fn count(n: u64) -> u64 {
        for i in 0..n {
            yield_!(i);
        }
        n
    }
    for n in 0..7 {
        let all: Vec<u64> = (0..n).collect();
        let folded = pin!(count(n)).fold(Vec::new(), |mut v, x| {
            v.push(x);
            v
        });
        assert_eq!(folded, all, "{n} values");
        // Resumed by hand first, then folded from the middle.
        for before in 0..=n {
            let mut g = pin!(count(n));
            let mut seen: Vec<u64> = (0..before).map_while(|_| g.next()).collect();
            seen.extend(g.as_mut().fold(Vec::new(), |mut v, x| {
                v.push(x);
                v
            }));
            assert_eq!(seen, all, "{before} of {n} by hand");
            assert_eq!(g.status(), Status::Finished);
        }
    }
}
