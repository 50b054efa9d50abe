//! diapause: `#[coroutine]` functions rewritten into a state-machine enum (no `async`, no pin).
//! W3 uses its delegation, `yield_all!`, boxed (`box`) for the recursive chain: every level is
//! a nested enum, so a resume passes through each level's `resume`.

use std::collections::VecDeque;

use diapause::{Coroutine, CoroutineState};

use crate::{Size, W4_YIELDS, consume, w5_step};

#[diapause::coroutine(yield = u64)]
fn squares(n: u64) {
    for i in 0..n {
        yield_!(i * i);
    }
}

fn drain<C: Coroutine<Yield = u64>>(mut g: C) -> u64 {
    let mut state = g.start();
    let mut sum = 0;
    while let CoroutineState::Yielded(v) = state {
        sum = consume(sum, v);
        state = g.resume(());
    }
    sum
}

/// W1.
#[inline(never)]
pub fn w1(n: u64) -> u64 {
    drain(squares(n))
}

#[diapause::coroutine(yield = u64, resume = u64)]
fn echo() -> u64 {
    let mut last: u64 = 0;
    loop {
        let v = yield_!(last);
        if v == 0 {
            return last;
        }
        last = v * v;
    }
}

fn drive_sends<C: Coroutine<u64, Yield = u64, Return = u64>>(mut g: C, n: u64) -> u64 {
    let _ = g.start();
    let mut sum = 0;
    for i in 1..=n {
        match g.resume(i) {
            CoroutineState::Yielded(y) => sum = consume(sum, y),
            CoroutineState::Complete(_) => break,
        }
    }
    sum
}

/// W2.
#[inline(never)]
pub fn w2(n: u64) -> u64 {
    drive_sends(echo(), n)
}

#[diapause::coroutine(yield = u64, resume = u64)]
fn chain(depth: u32) -> u64 {
    if depth <= 1 {
        let r: u64 = yield_all!(echo());
        r
    } else {
        let r: u64 = yield_all!(box chain(depth - 1));
        r
    }
}

/// W3: `depth` levels of `yield_all!` above `echo`.
#[inline(never)]
pub fn w3(depth: u32, n: u64) -> u64 {
    drive_sends(chain(depth), n)
}

#[diapause::coroutine(yield = u64)]
fn counter() {
    let items: core::ops::Range<u64> = 0..W4_YIELDS;
    for i in items {
        yield_!(i);
    }
}

/// W4 setup (not timed).
pub fn w4_setup() -> VecDeque<(bool, counter::State)> {
    (0..crate::W4_COROUTINES)
        .map(|_| (false, counter()))
        .collect()
}

/// W4.
#[inline(never)]
pub fn w4_run(q: VecDeque<(bool, counter::State)>) -> (u64, Vec<(bool, counter::State)>) {
    crate::round_robin(q, |(started, g)| {
        let state = if *started {
            g.resume(())
        } else {
            *started = true;
            g.start()
        };
        match state {
            CoroutineState::Yielded(v) => Some(v),
            CoroutineState::Complete(()) => None,
        }
    })
}

#[diapause::coroutine(yield = u64)]
fn large(n: u64) {
    let mut buf: [u8; 256] = [0u8; 256];
    for i in 0..n {
        yield_!(w5_step(&mut buf, i));
    }
}

/// W5.
#[inline(never)]
pub fn w5(n: u64) -> u64 {
    drain(large(n))
}

/// Sizes.
pub fn sizes() -> Vec<Size> {
    fn of<T>(workload: &'static str, g: &T) -> Size {
        Size {
            workload,
            inline: size_of_val(g),
            heap: 0,
            stack: 0,
        }
    }
    vec![
        of("w1", &squares(1)),
        of("w2", &echo()),
        of("w3", &chain(2)),
        of("w4", &counter()),
        of("w5", &large(1)),
    ]
}
