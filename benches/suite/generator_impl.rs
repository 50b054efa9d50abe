//! generator (generator-rs): stackful generators, each on its own stack (default 32 KiB of
//! which it may use all; W4: [`W4_STACK`](crate::W4_STACK)). The return value has the yield
//! type. It has no delegation: W3's levels are generators that send to the level below and
//! yield its value, one context switch each way per level.

use std::collections::VecDeque;

use generator::{Generator, Gn};

use crate::{Size, W4_STACK, W4_YIELDS, consume, heap_bytes, w5_step};

fn squares(n: u64) -> Generator<'static, (), u64> {
    Gn::<()>::new_scoped(move |mut s| {
        for i in 0..n {
            s.yield_(i * i);
        }
        generator::done!()
    })
}

fn drain(mut g: Generator<'_, (), u64>) -> u64 {
    let mut sum = 0;
    while let Some(v) = g.resume() {
        sum = consume(sum, v);
    }
    sum
}

/// W1.
#[inline(never)]
pub fn w1(n: u64) -> u64 {
    drain(squares(n))
}

type Echo = Generator<'static, u64, u64>;

fn echo() -> Echo {
    Gn::<u64>::new_scoped(|mut s| {
        let mut last = 0;
        loop {
            let v = s.yield_(last).unwrap_or(0);
            if v == 0 {
                return last;
            }
            last = v * v;
        }
    })
}

fn drive_sends(mut g: Echo, n: u64) -> u64 {
    let _ = g.resume();
    let mut sum = 0;
    for i in 1..=n {
        let y = g.send(i);
        if g.is_done() {
            break;
        }
        sum = consume(sum, y);
    }
    sum
}

/// W2.
#[inline(never)]
pub fn w2(n: u64) -> u64 {
    drive_sends(echo(), n)
}

fn chain(depth: u32) -> Echo {
    Gn::<u64>::new_scoped(move |mut s| {
        let mut sub = if depth <= 1 { echo() } else { chain(depth - 1) };
        let mut v = sub.resume().unwrap_or(0);
        loop {
            if sub.is_done() {
                return v;
            }
            let sent = s.yield_(v).unwrap_or(0);
            v = sub.send(sent);
        }
    })
}

/// W3: `depth` generators, each forwarding by hand, above `echo`.
#[inline(never)]
pub fn w3(depth: u32, n: u64) -> u64 {
    drive_sends(chain(depth), n)
}

type Counter = Generator<'static, (), u64>;

fn counter() -> Counter {
    Gn::<()>::new_scoped_opt(W4_STACK / size_of::<usize>(), |mut s| {
        for i in 0..W4_YIELDS {
            s.yield_(i);
        }
        generator::done!()
    })
}

/// W4 setup (not timed).
pub fn w4_setup() -> VecDeque<Counter> {
    (0..crate::W4_COROUTINES).map(|_| counter()).collect()
}

/// W4.
#[inline(never)]
pub fn w4_run(q: VecDeque<Counter>) -> (u64, Vec<Counter>) {
    crate::round_robin(q, |g| g.resume())
}

fn large(n: u64) -> Generator<'static, (), u64> {
    Gn::<()>::new_scoped(move |mut s| {
        let mut buf = [0u8; 256];
        for i in 0..n {
            s.yield_(w5_step(&mut buf, i));
        }
        generator::done!()
    })
}

/// W5.
#[inline(never)]
pub fn w5(n: u64) -> u64 {
    drain(large(n))
}

/// Sizes: the handle inline; the stack is allocated with the generator.
pub fn sizes() -> Vec<Size> {
    fn of<T>(workload: &'static str, stack: usize, make: impl FnOnce() -> T) -> Size {
        let (g, heap) = heap_bytes(make);
        Size {
            workload,
            inline: size_of_val(&g),
            heap,
            stack,
        }
    }
    let default = generator::DEFAULT_STACK_SIZE * size_of::<usize>();
    vec![
        of("w1", default, || squares(1)),
        of("w2", default, echo),
        of("w3", default, || chain(2)),
        of("w4", W4_STACK, counter),
        of("w5", default, || large(1)),
    ]
}
