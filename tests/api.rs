//! The calls a Python user reaches for: `next(g)` as `resume_next`, `for x in g` that reports a
//! raised error and keeps the return value as `iter_results`, boxing without annotations as
//! `boxed`, and iterating a generator without pinning it; with three ports of Python programs.

mod common;

use common::Log;
use corogen::prelude::*;
use corogen::{Resume, Resumed};
use std::pin::{Pin, pin};

#[derive(Debug, Clone, PartialEq)]
struct Oops(&'static str);

#[generator(yield = u32, send = Option<u32>, throw = Oops)]
fn jumper(log: Log) -> &'static str {
    let _guard = log.guard("jumper");
    let mut n = 0;
    while n < 3 {
        match yield_!(n) {
            Some(to) => n = to,
            None => n += 1,
        }
    }
    "done"
}

#[generator(yield = u32, throw = Oops)]
fn fails_after(n: u32, log: Log) -> u32 {
    let _guard = log.guard("fails_after");
    for i in 0..n {
        yield_!(i);
    }
    raise_!(Oops("too far"));
}

#[generator(yield = u32, throw = Oops)]
fn returns_after(n: u32) -> u32 {
    for i in 0..n {
        yield_!(i);
    }
    n * 10
}

// resume_next

#[test]
fn resume_next_starts_then_sends_the_default() {
    let log = Log::default();
    let mut g = pin!(jumper(log.clone()));
    assert_eq!(g.resume_next(), Ok(GeneratorState::Yielded(0)));
    assert_eq!(g.status(), Status::Suspended);
    assert_eq!(g.resume_next(), Ok(GeneratorState::Yielded(1)));
    // An explicit send and resume_next mix, as Python's send() and next() do.
    assert_eq!(g.send(Some(2)), Ok(GeneratorState::Yielded(2)));
    assert_eq!(g.resume_next(), Ok(GeneratorState::Complete("done")));
    assert_eq!(log.take(), ["drop jumper"]);
    assert_eq!(g.resume_next(), Err(ResumeError::Finished(None)));
}

#[test]
fn resume_next_and_send_results_share_one_type() {
    let mut g = pin!(jumper(Log::default()));
    let mut results = vec![g.resume_next()];
    results.push(g.send(Some(2)));
    results.push(g.resume_next());
    assert_eq!(
        results,
        [
            Ok(GeneratorState::Yielded(0)),
            Ok(GeneratorState::Yielded(2)),
            Ok(GeneratorState::Complete("done")),
        ]
    );
}

#[test]
fn resume_next_reports_a_raise_and_then_finished() {
    let log = Log::default();
    let mut g = pin!(fails_after(1, log.clone()));
    assert_eq!(g.resume_next(), Ok(GeneratorState::Yielded(0)));
    assert_eq!(g.resume_next(), Err(ResumeError::Raised(Oops("too far"))));
    assert_eq!(log.take(), ["drop fails_after"]);
    assert_eq!(g.status(), Status::Finished);
    assert_eq!(g.resume_next(), Err(ResumeError::Finished(())));
}

#[test]
fn resume_next_of_a_poisoned_generator_is_refused() {
    #[generator(yield = u32)]
    fn panics() {
        yield_!(1);
        panic!("boom");
    }
    let mut g = pin!(panics());
    g.resume_next().unwrap();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| g.resume_next()));
    assert!(caught.is_err());
    assert_eq!(g.status(), Status::Poisoned);
    assert_eq!(g.resume_next(), Err(ResumeError::Poisoned(())));
}

#[test]
fn map_value_makes_start_results_send_results() {
    let mut g = pin!(jumper(Log::default()));
    let started = g.start().map_err(|e| e.map_value(|()| None::<u32>));
    assert_eq!(started, Ok(GeneratorState::Yielded(0)));
    let again = g.start().map_err(|e| e.map_value(|()| Some(9)));
    assert_eq!(again, Err(ResumeError::AlreadyStarted(Some(9))));
    let raised: ResumeError<(), Oops> = ResumeError::Raised(Oops("x"));
    assert_eq!(
        raised.clone().map_value(|()| 1),
        ResumeError::Raised(Oops("x"))
    );
    assert_eq!(raised.raised(), Some(Oops("x")));
    assert_eq!(ResumeError::<u8, Oops>::Finished(1).raised(), None);
}

// iter_results

#[test]
fn iter_results_yields_then_keeps_the_return_value() {
    let mut g = pin!(returns_after(3));
    let mut items = g.iter_results();
    assert_eq!(items.return_value(), None);
    let seen: Vec<_> = items.by_ref().collect();
    assert_eq!(seen, [Ok(0), Ok(1), Ok(2)]);
    assert_eq!(items.return_value(), Some(&30));
    assert_eq!(items.next(), None);
    assert_eq!(items.into_return_value(), Some(30));
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn iter_results_ends_with_the_raised_error() {
    let log = Log::default();
    let mut g = pin!(fails_after(2, log.clone()));
    let mut items = g.iter_results();
    assert_eq!(items.next(), Some(Ok(0)));
    assert_eq!(items.next(), Some(Ok(1)));
    assert_eq!(items.next(), Some(Err(Oops("too far"))));
    assert_eq!(log.take(), ["drop fails_after"]);
    assert_eq!(items.next(), None);
    assert_eq!(items.return_value(), None);
}

#[test]
fn iter_results_continues_a_started_generator() {
    let mut g = pin!(returns_after(3));
    g.start().unwrap();
    let rest: Vec<_> = g.iter_results().collect();
    assert_eq!(rest, [Ok(1), Ok(2)]);
    // A finished generator: nothing, and no return value (it was given out already).
    let mut again = g.iter_results();
    assert_eq!(again.next(), None);
    assert_eq!(again.into_return_value(), None);
}

#[test]
fn iter_results_dropped_early_leaves_the_generator_suspended() {
    let log = Log::default();
    let mut g = Box::pin(jumper(log.clone()));
    assert_eq!(g.iter_results().next(), Some(Ok(0)));
    assert_eq!(g.status(), Status::Suspended);
    assert!(log.take().is_empty());
    drop(g);
    assert_eq!(log.take(), ["drop jumper"]);
}

// boxed

#[test]
fn boxed_needs_no_annotation_and_keeps_the_protocol() {
    let log = Log::default();
    let mut g = jumper(log.clone()).boxed();
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(0)));
    assert_eq!(g.throw(Oops("in")), Err(ResumeError::Raised(Oops("in"))));
    assert_eq!(log.take(), ["drop jumper"]);
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn boxed_generators_of_different_bodies_share_a_list() {
    #[generator(yield = u32, throw = Oops)]
    fn constant(v: u32) -> u32 {
        yield_!(v);
        0
    }
    let mut all = vec![returns_after(2).boxed(), constant(7).boxed()];
    all.push(returns_after(1).boxed());
    let values: Vec<u32> = all.into_iter().flatten().collect();
    assert_eq!(values, [0, 1, 7, 0]);
}

#[test]
fn a_boxed_generator_dropped_suspended_drops_its_locals_once() {
    let log = Log::default();
    let mut g = fails_after(5, log.clone()).boxed();
    assert_eq!(g.next(), Some(0));
    drop(g);
    assert_eq!(log.take(), ["drop fails_after"]);
}

/// A hand-written generator: yields `0..n`, is sent nothing, returns `n`.
struct Count {
    next: u32,
    n: u32,
    started: bool,
}

impl Generator for Count {
    type Yield = u32;
    type Send = ();
    type Return = u32;
    type Throw = Oops;

    fn resume(mut self: Pin<&mut Self>, arg: Resume<(), Oops>) -> Resumed<u32, u32, (), Oops> {
        if self.status() == Status::Finished {
            return Resumed::Refused(corogen::Refusal::Finished, arg);
        }
        self.started = true;
        match arg {
            Resume::Throw(e) => {
                self.next = self.n + 1;
                Resumed::Raised(e)
            }
            Resume::Close => {
                self.next = self.n + 1;
                Resumed::Closed
            }
            Resume::Start | Resume::Send(()) if self.next < self.n => {
                self.next += 1;
                Resumed::Yielded(self.next - 1)
            }
            Resume::Start | Resume::Send(()) => {
                self.next = self.n + 1;
                Resumed::Complete(self.n)
            }
        }
    }

    fn status(&self) -> Status {
        match (self.started, self.next > self.n) {
            (false, _) => Status::Created,
            (true, false) => Status::Suspended,
            (true, true) => Status::Finished,
        }
    }
}

fn count(n: u32) -> Count {
    Count {
        next: 0,
        n,
        started: false,
    }
}

#[test]
fn a_hand_written_generator_iterates_once_boxed() {
    let mut seen = Vec::new();
    for v in count(3).boxed() {
        seen.push(v);
    }
    assert_eq!(seen, [0, 1, 2]);
}

#[test]
fn a_hand_written_generator_gets_every_new_call() {
    let mut g = pin!(count(2));
    assert_eq!(g.resume_next(), Ok(GeneratorState::Yielded(0)));
    let mut items = g.iter_results();
    assert_eq!(items.by_ref().collect::<Vec<_>>(), [Ok(1)]);
    assert_eq!(items.into_return_value(), Some(2));
}

// Iterating without pinning

#[test]
fn a_generator_iterates_by_value() {
    let log = Log::default();
    let mut seen = Vec::new();
    for v in returns_after(3) {
        seen.push(v);
    }
    assert_eq!(seen, [0, 1, 2]);
    // Leaving the loop early drops the generator and its live locals.
    for v in fails_after(4, log.clone()) {
        if v == 1 {
            break;
        }
    }
    assert_eq!(log.take(), ["drop fails_after"]);
}

// Ports of Python programs.

/// ```python
/// def averager():
///     total = count = 0
///     average = None
///     while True:
///         term = yield average
///         if term is None:
///             return (count, average)
///         total += term; count += 1
///         average = total / count
///
/// g = averager()
/// trace = []
/// next(g)
/// for term in [10, 30, None]:
///     try:
///         trace.append(g.send(term))
///     except StopIteration as stop:
///         trace.append(stop.value)
/// # and a loop of next(): a started averager sent None returns at once
/// g = averager(); seen = []
/// while True:
///     try: seen.append(next(g))
///     except StopIteration as stop: seen.append(stop.value); break
/// ```
#[test]
fn port_a_next_loop() {
    #[generator(yield = Option<f64>, send = Option<f64>)]
    fn averager() -> (u32, Option<f64>) {
        let (mut total, mut count) = (0.0, 0);
        let mut average = None;
        loop {
            let Some(term) = yield_!(average) else {
                return (count, average);
            };
            total += term;
            count += 1;
            average = Some(total / f64::from(count));
        }
    }

    let mut g = pin!(averager());
    let mut trace = vec![g.resume_next()];
    for term in [Some(10.0), Some(30.0), None] {
        trace.push(g.send(term));
    }
    assert_eq!(
        trace,
        [
            Ok(GeneratorState::Yielded(None)),
            Ok(GeneratorState::Yielded(Some(10.0))),
            Ok(GeneratorState::Yielded(Some(20.0))),
            Ok(GeneratorState::Complete((2, Some(20.0)))),
        ]
    );

    let mut g = pin!(averager());
    let mut seen = Vec::new();
    let stop = loop {
        match g.resume_next() {
            Ok(GeneratorState::Yielded(v)) => seen.push(v),
            Ok(GeneratorState::Complete(value)) => break value,
            Err(e) => panic!("{e}"),
        }
    };
    assert_eq!(seen, [None]);
    assert_eq!(stop, (0, None));
}

/// ```python
/// class ParseError(Exception): pass
///
/// def numbers(text):
///     count = 0
///     for word in text.split():
///         if not word.isdigit():
///             raise ParseError(word)
///         yield int(word)
///         count += 1
///     return count
///
/// def total(text):
///     g = numbers(text); s = 0
///     try:
///         for n in g: s += n          # the loop ends on StopIteration…
///     except ParseError as e:
///         return ("error", e.args[0], s)   # …or the exception propagates out of it
///     return ("ok", s)
/// ```
#[test]
fn port_an_iteration_that_sees_a_raised_error_and_the_return_value() {
    #[derive(Debug, PartialEq)]
    struct ParseError(String);

    #[generator(yield = u32, throw = ParseError)]
    fn numbers(text: &'static str) -> usize {
        let mut count = 0;
        for word in text.split_whitespace() {
            let Ok(n) = word.parse() else {
                raise_!(ParseError(word.to_owned()));
            };
            yield_!(n);
            count += 1;
        }
        count
    }

    fn total(text: &'static str) -> Result<(u32, usize), (ParseError, u32)> {
        let mut g = pin!(numbers(text));
        let mut items = g.iter_results();
        let mut sum = 0;
        for n in &mut items {
            sum += n.map_err(|e| (e, sum))?;
        }
        Ok((sum, items.into_return_value().expect("it returned")))
    }

    assert_eq!(total("1 2 3"), Ok((6, 3)));
    assert_eq!(total(""), Ok((0, 0)));
    assert_eq!(total("4 five 6"), Err((ParseError("five".into()), 4)));
}

/// ```python
/// class Tree:
///     def __init__(self, label, left=None, right=None): ...
///
/// def inorder(t):
///     if t:
///         yield from inorder(t.left)
///         yield t.label
///         yield from inorder(t.right)
///
/// def depth(t):            # a recursive generator with a return value
///     if not t: return 0
///     left = yield from depth(t.left)
///     yield t.label
///     right = yield from depth(t.right)
///     return 1 + max(left, right)
/// ```
#[test]
fn port_a_recursive_generator_boxed() {
    struct Tree {
        label: char,
        left: Option<Box<Tree>>,
        right: Option<Box<Tree>>,
    }

    fn tree(labels: &[char]) -> Option<Box<Tree>> {
        let (mid, rest) = (labels.len() / 2, labels);
        let label = *rest.get(mid)?;
        Some(Box::new(Tree {
            label,
            left: tree(&rest[..mid]),
            right: tree(&rest[mid + 1..]),
        }))
    }

    #[generator(yield = char)]
    fn inorder(t: &Option<Box<Tree>>) {
        if let Some(t) = t {
            yield_from!(inorder(&t.left).boxed());
            yield_!(t.label);
            yield_from!(inorder(&t.right).boxed());
        }
    }

    #[generator(yield = char)]
    fn depth(t: &Option<Box<Tree>>) -> usize {
        let Some(t) = t else { return 0 };
        let left = yield_from!(depth(&t.left).boxed());
        yield_!(t.label);
        let right = yield_from!(depth(&t.right).boxed());
        1 + left.max(right)
    }

    let letters: Vec<char> = ('A'..='Z').collect();
    let t = tree(&letters);
    let walked: String = inorder(&t).into_iter().collect();
    assert_eq!(walked, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");

    let mut g = pin!(depth(&t));
    let mut items = g.iter_results();
    let labels: String = items
        .by_ref()
        .map(|c| c.unwrap_or_else(|n| match n {}))
        .collect();
    assert_eq!(labels, walked);
    assert_eq!(items.into_return_value(), Some(5));
}
