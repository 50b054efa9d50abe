//! genawaiter, `rc` flavour: `async fn` bodies taking a `Co`, the future boxed inside `Gen`.
//! It has no delegation: W3's levels forward each value by hand, one `yield_` per level.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;

use genawaiter::GeneratorState;
use genawaiter::rc::{Co, Gen};

use crate::{Size, W4_YIELDS, consume, heap_bytes, w5_step};

async fn squares(co: Co<u64>, n: u64) {
    for i in 0..n {
        co.yield_(i * i).await;
    }
}

/// W1.
#[inline(never)]
pub fn w1(n: u64) -> u64 {
    let mut g = Gen::new(|co| squares(co, n));
    let mut sum = 0;
    while let GeneratorState::Yielded(v) = g.resume() {
        sum = consume(sum, v);
    }
    sum
}

async fn echo(co: Co<u64, u64>) -> u64 {
    let mut last = 0;
    loop {
        let v = co.yield_(last).await;
        if v == 0 {
            return last;
        }
        last = v * v;
    }
}

fn drive_sends<F: Future<Output = u64>>(g: &mut Gen<u64, u64, F>, n: u64) -> u64 {
    // The first resume starts the body; its argument is discarded.
    let _ = g.resume_with(0);
    let mut sum = 0;
    for i in 1..=n {
        match g.resume_with(i) {
            GeneratorState::Yielded(y) => sum = consume(sum, y),
            GeneratorState::Complete(_) => break,
        }
    }
    sum
}

/// W2.
#[inline(never)]
pub fn w2(n: u64) -> u64 {
    drive_sends(&mut Gen::new(echo), n)
}

type Level = Gen<u64, u64, Pin<Box<dyn Future<Output = u64>>>>;

fn level(depth: u32) -> Level {
    Gen::new(move |co| -> Pin<Box<dyn Future<Output = u64>>> { Box::pin(chain(co, depth)) })
}

/// One delegating level: resume the level below with each value sent here.
async fn chain(co: Co<u64, u64>, depth: u32) -> u64 {
    if depth <= 1 {
        forward(co, Gen::new(echo)).await
    } else {
        forward(co, level(depth - 1)).await
    }
}

async fn forward<F: Future<Output = u64>>(co: Co<u64, u64>, mut sub: Gen<u64, u64, F>) -> u64 {
    let mut state = sub.resume_with(0);
    loop {
        match state {
            GeneratorState::Yielded(y) => {
                let v = co.yield_(y).await;
                state = sub.resume_with(v);
            }
            GeneratorState::Complete(r) => return r,
        }
    }
}

/// W3: `depth` levels, each forwarding by hand, above `echo`.
#[inline(never)]
pub fn w3(depth: u32, n: u64) -> u64 {
    drive_sends(&mut level(depth), n)
}

async fn counter(co: Co<u64>) {
    for i in 0..W4_YIELDS {
        co.yield_(i).await;
    }
}

/// W4 setup (not timed).
pub fn w4_setup() -> VecDeque<Gen<u64, (), impl Future<Output = ()>>> {
    (0..crate::W4_COROUTINES)
        .map(|_| Gen::new(counter))
        .collect()
}

/// W4.
#[inline(never)]
pub fn w4_run<F: Future<Output = ()>>(q: VecDeque<Gen<u64, (), F>>) -> (u64, Vec<Gen<u64, (), F>>) {
    crate::round_robin(q, |g| match g.resume() {
        GeneratorState::Yielded(v) => Some(v),
        GeneratorState::Complete(()) => None,
    })
}

async fn large(co: Co<u64>, n: u64) {
    let mut buf = [0u8; 256];
    for i in 0..n {
        co.yield_(w5_step(&mut buf, i)).await;
    }
}

/// W5.
#[inline(never)]
pub fn w5(n: u64) -> u64 {
    let mut g = Gen::new(|co| large(co, n));
    let mut sum = 0;
    while let GeneratorState::Yielded(v) = g.resume() {
        sum = consume(sum, v);
    }
    sum
}

/// Sizes: the `Gen` handle inline, the future and its shared airlock on the heap.
pub fn sizes() -> Vec<Size> {
    fn of<T>(workload: &'static str, make: impl FnOnce() -> T) -> Size {
        let (g, heap) = heap_bytes(make);
        Size {
            workload,
            inline: size_of_val(&g),
            heap,
            stack: 0,
        }
    }
    vec![
        of("w1", || Gen::new(|co| squares(co, 1))),
        of("w2", || Gen::new(echo)),
        of("w3", || level(2)),
        of("w4", || Gen::new(counter)),
        of("w5", || Gen::new(|co| large(co, 1))),
    ]
}
