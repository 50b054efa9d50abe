//! corosensei: stackful coroutines, each on its own stack (`DefaultStack`: 1 MiB reserved,
//! W4: [`W4_STACK`](crate::W4_STACK)). It has no delegation: W3's levels are coroutines that
//! resume the level below and suspend with its value, one context switch each way per level.

use std::collections::VecDeque;

use corosensei::stack::DefaultStack;
use corosensei::{Coroutine, CoroutineResult, Yielder};

use crate::{Size, W4_STACK, W4_YIELDS, consume, heap_bytes, w5_step};

fn squares(n: u64) -> Coroutine<(), u64, ()> {
    Coroutine::new(move |y: &Yielder<(), u64>, ()| {
        for i in 0..n {
            y.suspend(i * i);
        }
    })
}

fn drain(mut g: Coroutine<(), u64, ()>) -> u64 {
    let mut sum = 0;
    while let CoroutineResult::Yield(v) = g.resume(()) {
        sum = consume(sum, v);
    }
    sum
}

/// W1.
#[inline(never)]
pub fn w1(n: u64) -> u64 {
    drain(squares(n))
}

type Echo = Coroutine<u64, u64, u64>;

fn echo() -> Echo {
    Coroutine::new(|y: &Yielder<u64, u64>, _start: u64| {
        let mut last = 0;
        loop {
            let v = y.suspend(last);
            if v == 0 {
                return last;
            }
            last = v * v;
        }
    })
}

fn drive_sends(mut g: Echo, n: u64) -> u64 {
    let _ = g.resume(0);
    let mut sum = 0;
    for i in 1..=n {
        match g.resume(i) {
            CoroutineResult::Yield(y) => sum = consume(sum, y),
            CoroutineResult::Return(_) => break,
        }
    }
    sum
}

/// W2.
#[inline(never)]
pub fn w2(n: u64) -> u64 {
    drive_sends(echo(), n)
}

fn chain(depth: u32) -> Echo {
    Coroutine::new(move |y: &Yielder<u64, u64>, start: u64| {
        let mut sub = if depth <= 1 { echo() } else { chain(depth - 1) };
        let mut state = sub.resume(start);
        loop {
            match state {
                CoroutineResult::Yield(v) => state = sub.resume(y.suspend(v)),
                CoroutineResult::Return(r) => return r,
            }
        }
    })
}

/// W3: `depth` coroutines, each forwarding by hand, above `echo`.
#[inline(never)]
pub fn w3(depth: u32, n: u64) -> u64 {
    drive_sends(chain(depth), n)
}

type Counter = Coroutine<(), u64, ()>;

fn counter() -> Counter {
    let stack = DefaultStack::new(W4_STACK).expect("a coroutine stack");
    Coroutine::with_stack(stack, |y: &Yielder<(), u64>, ()| {
        for i in 0..W4_YIELDS {
            y.suspend(i);
        }
    })
}

/// W4 setup (not timed).
pub fn w4_setup() -> VecDeque<Counter> {
    (0..crate::W4_COROUTINES).map(|_| counter()).collect()
}

/// W4.
#[inline(never)]
pub fn w4_run(q: VecDeque<Counter>) -> (u64, Vec<Counter>) {
    crate::round_robin(q, |g| g.resume(()).as_yield())
}

fn large(n: u64) -> Coroutine<(), u64, ()> {
    Coroutine::new(move |y: &Yielder<(), u64>, ()| {
        let mut buf = [0u8; 256];
        for i in 0..n {
            y.suspend(w5_step(&mut buf, i));
        }
    })
}

/// W5.
#[inline(never)]
pub fn w5(n: u64) -> u64 {
    drain(large(n))
}

/// Sizes: the handle inline; the stack is mapped directly (not through the allocator).
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
    let default = 1024 * 1024;
    vec![
        of("w1", default, || squares(1)),
        of("w2", default, echo),
        of("w3", default, || chain(2)),
        of("w4", W4_STACK, counter),
        of("w5", default, || large(1)),
    ]
}
