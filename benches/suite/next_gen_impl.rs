//! next-gen: `#[generator]` functions lowered onto `async`, pinned with `mk_gen!`. It has no
//! delegation: W3's levels forward each value by hand, one `yield_!` per level, the level below
//! boxed as `dyn Generator`.

use std::collections::VecDeque;
use std::pin::Pin;

use next_gen::prelude::*;

use crate::{Size, W4_YIELDS, consume, heap_bytes, w5_step};

#[generator(yield(u64))]
fn squares(n: u64) {
    for i in 0..n {
        yield_!(i * i);
    }
}

/// W1.
#[inline(never)]
pub fn w1(n: u64) -> u64 {
    mk_gen!(let g = squares(n));
    g.fold(0, consume)
}

#[generator(yield(u64), resume(u64))]
fn echo() -> u64 {
    let mut last = 0;
    loop {
        let v = yield_!(last);
        if v == 0 {
            return last;
        }
        last = v * v;
    }
}

fn drive_sends<G: Generator<u64, Yield = u64, Return = u64> + ?Sized>(
    mut g: Pin<&mut G>,
    n: u64,
) -> u64 {
    // The first resume starts the body; its argument is discarded.
    let _ = g.as_mut().resume(0);
    let mut sum = 0;
    for i in 1..=n {
        match g.as_mut().resume(i) {
            GeneratorState::Yielded(y) => sum = consume(sum, y),
            GeneratorState::Returned(_) => break,
        }
    }
    sum
}

/// W2.
#[inline(never)]
pub fn w2(n: u64) -> u64 {
    mk_gen!(let g = echo());
    drive_sends(g, n)
}

type Level = Pin<Box<dyn Generator<u64, Yield = u64, Return = u64>>>;

fn level(depth: u32) -> Level {
    chain.call_boxed((depth,))
}

#[generator(yield(u64), resume(u64))]
fn chain(depth: u32) -> u64 {
    let mut sub: Level = if depth <= 1 {
        echo.call_boxed(())
    } else {
        level(depth - 1)
    };
    let mut state = sub.as_mut().resume(0);
    loop {
        match state {
            GeneratorState::Yielded(y) => {
                let v = yield_!(y);
                state = sub.as_mut().resume(v);
            }
            GeneratorState::Returned(r) => return r,
        }
    }
}

/// W3: `depth` levels, each forwarding by hand, above `echo`.
#[inline(never)]
pub fn w3(depth: u32, n: u64) -> u64 {
    drive_sends(level(depth).as_mut(), n)
}

#[generator(yield(u64))]
fn counter() {
    for i in 0..W4_YIELDS {
        yield_!(i);
    }
}

/// W4 setup (not timed).
pub fn w4_setup() -> VecDeque<Pin<Box<impl Generator<(), Yield = u64, Return = ()>>>> {
    (0..crate::W4_COROUTINES)
        .map(|_| counter.call_boxed(()))
        .collect()
}

/// W4.
#[inline(never)]
pub fn w4_run<G: Generator<(), Yield = u64, Return = ()>>(
    q: VecDeque<Pin<Box<G>>>,
) -> (u64, Vec<Pin<Box<G>>>) {
    crate::round_robin(q, |g| match g.as_mut().resume(()) {
        GeneratorState::Yielded(v) => Some(v),
        GeneratorState::Returned(()) => None,
    })
}

#[generator(yield(u64))]
fn large(n: u64) {
    let mut buf = [0u8; 256];
    for i in 0..n {
        yield_!(w5_step(&mut buf, i));
    }
}

/// W5.
#[inline(never)]
pub fn w5(n: u64) -> u64 {
    mk_gen!(let g = large(n));
    g.fold(0, consume)
}

/// Sizes: the boxed generator (what `call_boxed` allocates; `mk_gen!` puts the same on the
/// stack).
pub fn sizes() -> Vec<Size> {
    fn of<T: ?Sized>(workload: &'static str, make: impl FnOnce() -> Pin<Box<T>>) -> Size {
        let (g, heap) = heap_bytes(make);
        Size {
            workload,
            inline: size_of_val(&*g),
            heap,
            stack: 0,
        }
    }
    vec![
        of("w1", || squares.call_boxed((1,))),
        of("w2", || echo.call_boxed(())),
        of("w3", || level(2)),
        of("w4", || counter.call_boxed(())),
        of("w5", || large.call_boxed((1,))),
    ]
}
