//! corogen: `#[generator]` functions, driven through `GeneratorExt` and `Iterator`.

use std::collections::VecDeque;
use std::pin::{Pin, pin};

use corogen::BoxGenerator;
use corogen::prelude::*;

use crate::{Size, W4_YIELDS, consume, heap_bytes, w5_step};

#[generator(yield = u64)]
fn squares(n: u64) {
    for i in 0..n {
        yield_!(i * i);
    }
}

/// W1.
#[inline(never)]
pub fn w1(n: u64) -> u64 {
    pin!(squares(n)).fold(0, consume)
}

/// W1 through a pointer: the same generator, handed pinned to a driver that is not inlined,
/// as a program that passes a generator to a function does.
#[inline(never)]
pub fn w1_ptr(n: u64) -> u64 {
    drive_iter(pin!(squares(n)))
}

#[inline(never)]
fn drive_iter<G: Iterator<Item = u64>>(g: G) -> u64 {
    let mut sum = 0;
    for y in g {
        sum = consume(sum, y);
    }
    sum
}

#[generator(yield = u64, send = u64)]
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

fn drive_sends<G>(mut g: Pin<&mut G>, n: u64) -> u64
where
    G: Generator<Yield = u64, Send = u64, Throw = core::convert::Infallible>,
{
    let _ = g.start();
    let mut sum = 0;
    for i in 1..=n {
        match g.send(i) {
            Ok(GeneratorState::Yielded(y)) => sum = consume(sum, y),
            _ => break,
        }
    }
    sum
}

/// W2.
#[inline(never)]
pub fn w2(n: u64) -> u64 {
    drive_sends(pin!(echo()), n)
}

#[generator(yield = u64, send = u64)]
fn chain(depth: u32) -> u64 {
    if depth <= 1 {
        yield_from!(echo())
    } else {
        yield_from!(Box::pin(chain(depth - 1)))
    }
}

/// W3: `chain(depth)` has `depth` delegating levels above `echo`, each `yield_from!`.
#[inline(never)]
pub fn w3(depth: u32, n: u64) -> u64 {
    drive_sends(Box::pin(chain(depth)).as_mut(), n)
}

type Level = BoxGenerator<'static, u64, u64, u64>;

/// `echo` again, so that W2's generator is not also used through `dyn` (which changes how
/// its body is inlined into W2's loop).
#[generator(yield = u64, send = u64)]
fn echo_dyn() -> u64 {
    let mut last = 0;
    loop {
        let v = yield_!(last);
        if v == 0 {
            return last;
        }
        last = v * v;
    }
}

#[generator(yield = u64, send = u64)]
fn dyn_chain(depth: u32) -> u64 {
    let below: Level = if depth <= 1 {
        Box::pin(echo_dyn())
    } else {
        Box::pin(dyn_chain(depth - 1))
    };
    yield_from!(below)
}

/// W3 through `dyn`: the same chain, each level a `BoxGenerator` (a `dyn Generator`), as
/// recursion with changing types or a generator kept in a struct needs.
#[inline(never)]
pub fn w3_dyn(depth: u32, n: u64) -> u64 {
    drive_sends(Box::pin(dyn_chain(depth)).as_mut(), n)
}

#[generator(yield = u64)]
fn counter() {
    for i in 0..W4_YIELDS {
        yield_!(i);
    }
}

/// W4 setup (not timed): the queue of boxed generators.
pub fn w4_setup() -> VecDeque<Pin<Box<Gen<impl Future<Output = ()>, u64>>>> {
    (0..crate::W4_COROUTINES)
        .map(|_| Box::pin(counter()))
        .collect()
}

/// W4: round-robin until every generator has finished.
#[inline(never)]
pub fn w4_run<G: Iterator<Item = u64>>(q: VecDeque<G>) -> (u64, Vec<G>) {
    crate::round_robin(q, |g| g.next())
}

#[generator(yield = u64)]
fn large(n: u64) {
    let mut buf = [0u8; 256];
    for i in 0..n {
        yield_!(w5_step(&mut buf, i));
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
    let (level, heap) = heap_bytes(|| Box::pin(chain(2)));
    vec![
        of("w1", &squares(1)),
        of("w2", &echo()),
        Size {
            workload: "w3",
            inline: size_of_val(&level),
            heap,
            stack: 0,
        },
        of("w4", &counter()),
        of("w5", &large(1)),
    ]
}
