//! fauxgen: `#[generator]` functions lowered onto `async`, pinned by the caller. It has no
//! delegation: W3's levels forward each value by hand, one `r#yield!` per level, the level
//! below boxed as `dyn Generator`.

use std::collections::VecDeque;
use std::pin::{Pin, pin};

use fauxgen::{Generator, GeneratorState, generator};

use crate::{Size, W4_YIELDS, consume, heap_bytes, w5_step};

#[generator(yield = u64)]
fn squares(n: u64) {
    for i in 0..n {
        r#yield!(i * i);
    }
}

/// W1.
#[inline(never)]
pub fn w1(n: u64) -> u64 {
    pin!(squares(n)).fold(0, consume)
}

#[generator(yield = u64, arg = u64)]
fn echo() -> u64 {
    let mut last = 0;
    loop {
        let v = r#yield!(last);
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
    // The first resume starts the body; its argument is not used.
    let _ = g.as_mut().resume(0);
    let mut sum = 0;
    for i in 1..=n {
        match g.as_mut().resume(i) {
            GeneratorState::Yielded(y) => sum = consume(sum, y),
            GeneratorState::Complete(_) => break,
        }
    }
    sum
}

/// W2.
#[inline(never)]
pub fn w2(n: u64) -> u64 {
    drive_sends(pin!(echo()), n)
}

type Level = Pin<Box<dyn Generator<u64, Yield = u64, Return = u64>>>;

fn level(depth: u32) -> Level {
    Box::pin(chain(depth))
}

#[generator(yield = u64, arg = u64)]
fn chain(depth: u32) -> u64 {
    let mut sub: Level = if depth <= 1 {
        Box::pin(echo())
    } else {
        level(depth - 1)
    };
    let mut state = sub.as_mut().resume(0);
    loop {
        match state {
            GeneratorState::Yielded(y) => {
                let v = r#yield!(y);
                state = sub.as_mut().resume(v);
            }
            GeneratorState::Complete(r) => return r,
        }
    }
}

/// W3: `depth` levels, each forwarding by hand, above `echo`.
#[inline(never)]
pub fn w3(depth: u32, n: u64) -> u64 {
    drive_sends(level(depth).as_mut(), n)
}

#[generator(yield = u64)]
fn counter() {
    for i in 0..W4_YIELDS {
        r#yield!(i);
    }
}

/// W4 setup (not timed).
pub fn w4_setup() -> VecDeque<Pin<Box<impl Generator<(), Yield = u64, Return = ()>>>> {
    (0..crate::W4_COROUTINES)
        .map(|_| Box::pin(counter()))
        .collect()
}

/// W4.
#[inline(never)]
pub fn w4_run<G: Generator<(), Yield = u64, Return = ()>>(
    q: VecDeque<Pin<Box<G>>>,
) -> (u64, Vec<Pin<Box<G>>>) {
    crate::round_robin(q, |g| match g.as_mut().resume(()) {
        GeneratorState::Yielded(v) => Some(v),
        GeneratorState::Complete(()) => None,
    })
}

#[generator(yield = u64)]
fn large(n: u64) {
    let mut buf = [0u8; 256];
    for i in 0..n {
        r#yield!(w5_step(&mut buf, i));
    }
}

/// W5.
#[inline(never)]
pub fn w5(n: u64) -> u64 {
    pin!(large(n)).fold(0, consume)
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
    let (level, heap) = heap_bytes(|| chain(2));
    let mut w3 = of("w3", &level);
    w3.heap = heap;
    vec![
        of("w1", &squares(1)),
        of("w2", &echo()),
        w3,
        of("w4", &counter()),
        of("w5", &large(1)),
    ]
}
