//! Arguments move into the generator once: a stage that takes a generator costs its own state
//! plus its argument, so a pipeline grows linearly; and arguments are dropped last declared
//! first, whether the generator ran or not, patterns and `mut` arguments included.

// 64 nested generator types are deeper than rustc's default limits for computing a layout.
#![recursion_limit = "512"]

mod common;

use common::Log;

use corogen::prelude::*;
use std::pin::pin;

#[generator(yield = u64)]
fn source(n: u64) {
    for i in 0..n {
        yield_!(i);
    }
}

/// A stage of a pipeline: yields what the generator it is given yields.
#[generator(yield = u64)]
fn double<G: Generator<Yield = u64, Send = (), Return = (), Throw = core::convert::Infallible>>(
    src: G,
) {
    yield_from!(Box::pin(src));
}

macro_rules! stages {
    ($g:expr $(,)?) => { $g };
    ($g:expr, $_first:tt $($rest:tt)*) => { stages!(double($g), $($rest)*) };
}

#[test]
fn each_stage_of_a_pipeline_adds_its_own_state_not_a_copy_of_what_it_wraps() {
    let sizes = [
        size_of_val(&stages!(source(3))),
        size_of_val(&stages!(source(3), x)),
        size_of_val(&stages!(source(3), x x)),
        size_of_val(&stages!(source(3), x x x)),
        size_of_val(&stages!(source(3), x x x x)),
    ];
    let steps: Vec<_> = sizes.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(
        steps.windows(2).all(|w| w[0] == w[1]),
        "every stage adds the same: {sizes:?}"
    );
    let mut g = pin!(stages!(source(3), x x x x));
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(0)));
}

#[test]
fn a_pipeline_of_64_stages_compiles_runs_and_grows_linearly() {
    let g = stages!(source(3),
        x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x
        x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x);
    let one = size_of_val(&stages!(source(3)));
    let step = size_of_val(&stages!(source(3), x)) - one;
    assert_eq!(
        size_of_val(&g),
        one + 64 * step,
        "each stage adds {step} bytes"
    );
    let values: Vec<u64> = Box::pin(g).collect();
    assert_eq!(values, [0, 1, 2]);
}

#[generator(yield = u32)]
fn three(a: common::Guard, b: common::Guard, c: common::Guard) {
    let _ = (&a, &b, &c);
    yield_!(1);
}

#[test]
fn arguments_are_dropped_last_declared_first_when_a_suspended_generator_is_dropped() {
    let log = Log::default();
    {
        let mut g = pin!(three(log.guard("a"), log.guard("b"), log.guard("c")));
        g.start().unwrap();
    }
    assert_eq!(log.take(), ["drop c", "drop b", "drop a"]);
}

#[test]
fn arguments_are_dropped_last_declared_first_when_a_generator_that_never_ran_is_dropped() {
    let log = Log::default();
    drop(three(log.guard("a"), log.guard("b"), log.guard("c")));
    assert_eq!(log.take(), ["drop c", "drop b", "drop a"]);
}

#[generator(yield = u32)]
fn with_pattern(
    a: common::Guard,
    (b, c): (common::Guard, common::Guard),
    d: common::Guard,
    log: Log,
) {
    log.push("body");
    let _ = (&a, &b, &c, &d);
    yield_!(1);
    log.push("returns");
}

#[test]
fn a_pattern_argument_keeps_the_order_when_the_generator_returns() {
    let log = Log::default();
    let mut g = pin!(with_pattern(
        log.guard("a"),
        (log.guard("b"), log.guard("c")),
        log.guard("d"),
        log.clone()
    ));
    g.start().unwrap();
    assert_eq!(g.send(()), Ok(GeneratorState::Complete(())));
    assert_eq!(
        log.take(),
        ["body", "returns", "drop d", "drop c", "drop b", "drop a"]
    );
}

#[generator(yield = u32)]
fn countdown(mut n: u32) {
    while n > 0 {
        yield_!(n);
        n -= 1;
    }
}

#[test]
fn a_mut_argument_is_mutated_in_place() {
    let values: Vec<u32> = pin!(countdown(3)).collect();
    assert_eq!(values, [3, 2, 1]);
}
