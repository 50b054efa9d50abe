//! genawaiter, `stack` flavour: the future lives in a `Shelf` on the caller's stack (`Gen::new`
//! is `unsafe`: the `Co` must not escape the body, which these bodies keep). It has no
//! delegation: W3's levels forward each value by hand, one `yield_` per level, each level's
//! shelf living in the body above it.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;

use genawaiter::GeneratorState;
use genawaiter::stack::{Co, Gen, Shelf};

use crate::{Size, W4_YIELDS, consume, heap_bytes, w5_step};

async fn squares(co: Co<'_, u64>, n: u64) {
    for i in 0..n {
        co.yield_(i * i).await;
    }
}

/// W1.
#[inline(never)]
pub fn w1(n: u64) -> u64 {
    let mut shelf = Shelf::new();
    // SAFETY: the body does not let its `Co` escape.
    let mut g = unsafe { Gen::new(&mut shelf, |co| squares(co, n)) };
    let mut sum = 0;
    while let GeneratorState::Yielded(v) = g.resume() {
        sum = consume(sum, v);
    }
    sum
}

async fn echo(co: Co<'_, u64, u64>) -> u64 {
    let mut last = 0;
    loop {
        let v = co.yield_(last).await;
        if v == 0 {
            return last;
        }
        last = v * v;
    }
}

fn drive_sends<F: Future<Output = u64>>(g: &mut Gen<'_, u64, u64, F>, n: u64) -> u64 {
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
    let mut shelf = Shelf::new();
    // SAFETY: the body does not let its `Co` escape.
    drive_sends(&mut unsafe { Gen::new(&mut shelf, echo) }, n)
}

type Body<'a> = Pin<Box<dyn Future<Output = u64> + 'a>>;

/// One delegating level: the level below lives in this body's shelf.
async fn chain(co: Co<'_, u64, u64>, depth: u32) -> u64 {
    if depth <= 1 {
        let mut shelf = Shelf::new();
        // SAFETY: the body does not let its `Co` escape.
        forward(co, unsafe { Gen::new(&mut shelf, echo) }).await
    } else {
        let mut shelf = Shelf::new();
        let below = |co| -> Body<'_> { Box::pin(chain(co, depth - 1)) };
        // SAFETY: the body does not let its `Co` escape.
        forward(co, unsafe { Gen::new(&mut shelf, below) }).await
    }
}

async fn forward<F: Future<Output = u64>>(
    co: Co<'_, u64, u64>,
    mut sub: Gen<'_, u64, u64, F>,
) -> u64 {
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
    let mut shelf = Shelf::new();
    // SAFETY: the body does not let its `Co` escape.
    drive_sends(
        &mut unsafe { Gen::new(&mut shelf, |co| chain(co, depth)) },
        n,
    )
}

async fn counter(co: Co<'_, u64>) {
    for i in 0..W4_YIELDS {
        co.yield_(i).await;
    }
}

/// W4, made and run in one go: a `stack` generator borrows its shelf, so the shelves (one
/// allocation, not written until each generator is made in place) are part of the timed run.
#[inline(never)]
pub fn w4() -> u64 {
    let mut shelves: Vec<_> = (0..crate::W4_COROUTINES).map(|_| Shelf::new()).collect();
    let q: VecDeque<_> = shelves
        .iter_mut()
        // SAFETY: the body does not let its `Co` escape.
        .map(|shelf| unsafe { Gen::new(shelf, counter) })
        .collect();
    crate::round_robin(q, |g| match g.resume() {
        GeneratorState::Yielded(v) => Some(v),
        GeneratorState::Complete(()) => None,
    })
    .0
}

async fn large(co: Co<'_, u64>, n: u64) {
    let mut buf = [0u8; 256];
    for i in 0..n {
        co.yield_(w5_step(&mut buf, i)).await;
    }
}

/// W5.
#[inline(never)]
pub fn w5(n: u64) -> u64 {
    let mut shelf = Shelf::new();
    // SAFETY: the body does not let its `Co` escape.
    let mut g = unsafe { Gen::new(&mut shelf, |co| large(co, n)) };
    let mut sum = 0;
    while let GeneratorState::Yielded(v) = g.resume() {
        sum = consume(sum, v);
    }
    sum
}

/// Sizes: the shelf (the state, inline on the caller's stack) plus the `Gen` handle; for W3,
/// the heap bytes are the boxed body of one level.
pub fn sizes() -> Vec<Size> {
    fn of<Y, R, F: Future>(workload: &'static str, shelf: &Shelf<Y, R, F>) -> Size {
        Size {
            workload,
            inline: size_of_val(shelf) + size_of::<Gen<'_, Y, R, F>>(),
            heap: 0,
            stack: 0,
        }
    }
    let mut sizes = Vec::new();
    let mut shelf = Shelf::new();
    let size = of("w1", &shelf);
    // SAFETY: the body does not let its `Co` escape.
    drop(unsafe { Gen::new(&mut shelf, |co| squares(co, 1)) });
    sizes.push(size);
    let mut shelf = Shelf::new();
    let size = of("w2", &shelf);
    // SAFETY: as above.
    drop(unsafe { Gen::new(&mut shelf, echo) });
    sizes.push(size);
    let mut shelf = Shelf::new();
    let below = |co| -> Body<'_> { Box::pin(chain(co, 1)) };
    let mut w3 = of("w3", &shelf);
    // SAFETY: as above.
    let (g, heap) = heap_bytes(|| unsafe { Gen::new(&mut shelf, below) });
    drop(g);
    w3.heap = heap;
    sizes.push(w3);
    let mut shelf = Shelf::new();
    let size = of("w4", &shelf);
    // SAFETY: as above.
    drop(unsafe { Gen::new(&mut shelf, counter) });
    sizes.push(size);
    let mut shelf = Shelf::new();
    let size = of("w5", &shelf);
    // SAFETY: as above.
    drop(unsafe { Gen::new(&mut shelf, |co| large(co, 1)) });
    sizes.push(size);
    sizes
}
