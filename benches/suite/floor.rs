//! The floor: a hand-written state machine for each workload, what the generator would be if
//! written by hand as a struct with a `resume`-like method.

use std::collections::VecDeque;

use crate::{Size, W4_COROUTINES, W4_YIELDS, consume, w5_step};

struct Squares {
    i: u64,
    n: u64,
}

impl Iterator for Squares {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        if self.i >= self.n {
            return None;
        }
        let i = self.i;
        self.i += 1;
        Some(i * i)
    }
}

/// W1.
#[inline(never)]
pub fn w1(n: u64) -> u64 {
    Squares { i: 0, n }.fold(0, consume)
}

/// W1 through a pointer: the iterator handed by `&mut` to a driver that is not inlined.
#[inline(never)]
pub fn w1_ptr(n: u64) -> u64 {
    drive_iter(&mut Squares { i: 0, n })
}

#[inline(never)]
fn drive_iter<G: Iterator<Item = u64>>(g: G) -> u64 {
    let mut sum = 0;
    for y in g {
        sum = consume(sum, y);
    }
    sum
}

/// The W2 coroutine by hand: yields its last square, returns it when sent 0.
pub struct Echo {
    last: u64,
}

/// What a hand-written resume returns.
pub enum State {
    /// Suspended with this value.
    Yielded(u64),
    /// Finished with this value.
    Complete(u64),
}

impl Echo {
    fn start(&mut self) -> State {
        State::Yielded(self.last)
    }

    #[inline]
    fn send(&mut self, v: u64) -> State {
        if v == 0 {
            return State::Complete(self.last);
        }
        self.last = v * v;
        State::Yielded(self.last)
    }
}

/// W2.
#[inline(never)]
pub fn w2(n: u64) -> u64 {
    let mut g = Echo { last: 0 };
    let _ = g.start();
    let mut sum = 0;
    for i in 1..=n {
        match g.send(i) {
            State::Yielded(y) => sum = consume(sum, y),
            State::Complete(_) => break,
        }
    }
    sum
}

/// A delegation chain by hand: every level forwards each value to the level below.
pub enum Level {
    /// The W2 coroutine at the bottom.
    Leaf(Echo),
    /// A delegating level.
    Node(Box<Level>),
}

impl Level {
    fn new(depth: u32) -> Self {
        (0..depth).fold(Level::Leaf(Echo { last: 0 }), |below, _| {
            Level::Node(Box::new(below))
        })
    }

    fn send(&mut self, v: u64) -> State {
        match self {
            Level::Leaf(e) => e.send(v),
            Level::Node(below) => below.send(v),
        }
    }
}

/// W3: `depth` forwarding levels above the W2 state machine.
#[inline(never)]
pub fn w3(depth: u32, n: u64) -> u64 {
    let mut g = Level::new(depth);
    let mut sum = 0;
    for i in 1..=n {
        match g.send(i) {
            State::Yielded(y) => sum = consume(sum, y),
            State::Complete(_) => break,
        }
    }
    sum
}

/// One W4 coroutine by hand.
pub struct Counter {
    i: u64,
}

impl Iterator for Counter {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        if self.i >= W4_YIELDS {
            return None;
        }
        self.i += 1;
        Some(self.i - 1)
    }
}

/// W4 state: the queue.
pub type W4 = VecDeque<Counter>;

/// W4 setup (not timed).
pub fn w4_setup() -> W4 {
    (0..W4_COROUTINES).map(|_| Counter { i: 0 }).collect()
}

/// W4: round-robin until every coroutine has finished.
#[inline(never)]
pub fn w4_run(q: W4) -> (u64, Vec<Counter>) {
    crate::round_robin(q, |g| g.next())
}

struct Large {
    buf: [u8; 256],
    i: u64,
    n: u64,
}

impl Iterator for Large {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        if self.i >= self.n {
            return None;
        }
        let v = w5_step(&mut self.buf, self.i);
        self.i += 1;
        Some(v)
    }
}

/// W5.
#[inline(never)]
pub fn w5(n: u64) -> u64 {
    Large {
        buf: [0; 256],
        i: 0,
        n,
    }
    .fold(0, consume)
}

/// Sizes.
pub fn sizes() -> Vec<Size> {
    let inline = |workload, inline| Size {
        workload,
        inline,
        heap: 0,
        stack: 0,
    };
    vec![
        inline("w1", size_of::<Squares>()),
        inline("w2", size_of::<Echo>()),
        Size {
            workload: "w3",
            inline: size_of::<Level>(),
            heap: size_of::<Level>(),
            stack: 0,
        },
        inline("w4", size_of::<Counter>()),
        inline("w5", size_of::<Large>()),
    ]
}
