//! The workloads of the peer benchmarks, written once for every system.
//!
//! Each module is one system: the hand-written state machine (`floor`), corogen, and every peer
//! crate. Each exposes the same functions, so the benchmark file and the size table call them
//! alike:
//!
//! | function | workload |
//! |---|---|
//! | `w1(n)` | W1 iterate: yield `i * i` for `i` in `0..n`, summed by the consumer |
//! | `w2(n)` | W2 send: a coroutine is sent `1..=n` and yields each square |
//! | `w3(depth, n)` | W3 delegation: the W2 coroutine under `depth` delegating levels, sent `n` values |
//! | `w4_setup()` / `w4_run(state)` | W4 many: [`W4_COROUTINES`] coroutines yielding [`W4_YIELDS`] times each, round-robin |
//! | `w5(n)` | W5 large state: a 256-byte buffer live across every yield |
//! | `sizes()` | bytes per generator (inline, and heap allocated when it is made) |
//!
//! Every yielded value goes through [`core::hint::black_box`], as a consumer that does
//! something with each value would, so no system's loop is folded into a closed form.

#![allow(clippy::undocumented_unsafe_blocks)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

pub mod corogen_impl;
pub mod corosensei_impl;
pub mod diapause_impl;
pub mod fauxgen_impl;
pub mod floor;
pub mod genawaiter_rc;
pub mod genawaiter_stack;
pub mod generator_impl;
pub mod next_gen_impl;

/// How many coroutines W4 round-robins.
pub const W4_COROUTINES: u64 = 10_000;
/// How many times each W4 coroutine yields.
pub const W4_YIELDS: u64 = 100;
/// The stack given to each coroutine of the stackful peers in W4 (their smallest safe size
/// for this body; the other workloads use their default stack).
pub const W4_STACK: usize = 16 * 1024;

/// The global allocator of the benchmark binary: the system allocator, counting the bytes it
/// hands out, so that the heap cost of making a generator can be measured.
pub struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged; the counter is only statistics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size.saturating_sub(layout.size()), Ordering::Relaxed);
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes the heap handed out while `f` ran (frees are not subtracted).
pub fn heap_bytes<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = ALLOCATED.load(Ordering::Relaxed);
    let r = f();
    (r, ALLOCATED.load(Ordering::Relaxed) - before)
}

/// The size of one generator of one workload.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    /// Which workload (`w1` … `w5`; `w3` is one level of the chain).
    pub workload: &'static str,
    /// `size_of` the value the user holds.
    pub inline: usize,
    /// Heap bytes allocated to make it and run it to its first yield.
    pub heap: usize,
    /// Bytes of stack reserved for it (stackful systems), else 0.
    pub stack: usize,
}

/// The expected result of `w1(n)`, for the sanity checks.
pub fn w1_expected(n: u64) -> u64 {
    (0..n).fold(0u64, |s, i| s.wrapping_add(i * i))
}

/// The expected result of `w2(n)` and `w3(_, n)`.
pub fn w2_expected(n: u64) -> u64 {
    (1..=n).fold(0u64, |s, i| s.wrapping_add(i * i))
}

/// The expected result of `w4_run`.
pub fn w4_expected() -> u64 {
    W4_COROUTINES * (0..W4_YIELDS).sum::<u64>()
}

/// One step of the W5 body, shared by every system: touch the buffer, return the value to
/// yield.
#[inline(always)]
pub fn w5_step(buf: &mut [u8; 256], i: u64) -> u64 {
    let k = i as usize;
    buf[k & 255] = buf[k & 255].wrapping_add(k as u8 | 1);
    u64::from(buf[k.wrapping_mul(7) & 255])
}

/// The expected result of `w5(n)`.
pub fn w5_expected(n: u64) -> u64 {
    let mut buf = [0u8; 256];
    (0..n).fold(0u64, |s, i| s.wrapping_add(w5_step(&mut buf, i)))
}

/// Adds a yielded value to the consumer's sum, observing it.
#[inline(always)]
pub fn consume(sum: u64, v: u64) -> u64 {
    sum.wrapping_add(core::hint::black_box(v))
}

/// W4's driver, shared by every system: pop a coroutine, resume it once, push it back if it
/// yielded; finished coroutines are kept and handed back so that freeing them is not timed.
#[inline(always)]
pub fn round_robin<G>(
    mut q: std::collections::VecDeque<G>,
    mut resume: impl FnMut(&mut G) -> Option<u64>,
) -> (u64, Vec<G>) {
    let mut sum = 0;
    let mut done = Vec::with_capacity(q.len());
    while let Some(mut g) = q.pop_front() {
        match resume(&mut g) {
            Some(v) => {
                sum = consume(sum, v);
                q.push_back(g);
            }
            None => done.push(g),
        }
    }
    (sum, done)
}
