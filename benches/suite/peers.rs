//! corogen against the generator crates a Rust user would pick instead, and against a
//! hand-written state machine for each workload (the floor).
//!
//! Run with `cargo bench` (or `cargo bench -p corogen-bench --bench peers`);
//! `python3 benches/report.py` runs it and writes `docs/BENCHMARKS.md`. Each benchmark times
//! one whole workload (`N` resumes, or W4's 10,000 × 100); the report divides by the number
//! of resumes. Before the benchmarks, the binary checks every system's result and prints the
//! size of each generator as `size <system> <workload> <inline> <heap> <stack>` lines.

use std::hint::black_box;

use corogen_bench::{
    W4_COROUTINES, W4_YIELDS, corogen_impl, corosensei_impl, diapause_impl, fauxgen_impl, floor,
    genawaiter_rc, genawaiter_stack, generator_impl, next_gen_impl, w1_expected, w2_expected,
    w4_expected, w5_expected,
};

/// Resumes per iteration of W1, W2 and W5.
const N: u64 = 100_000;
/// Resumes per iteration of W3 (each through the whole chain for the peers without O(1)
/// delegation).
const N3: u64 = 20_000;
/// The W3 depths.
const DEPTHS: [u32; 3] = [1, 8, 64];

/// One system's workload functions.
struct System {
    name: &'static str,
    w1: fn(u64) -> u64,
    w2: fn(u64) -> u64,
    w3: fn(u32, u64) -> u64,
    w4: fn() -> u64,
    /// W4's untimed part alone (making and dropping the coroutines).
    w4_setup: fn(),
    w5: fn(u64) -> u64,
    sizes: fn() -> Vec<corogen_bench::Size>,
}

macro_rules! system {
    ($name:literal, $m:ident) => {
        System {
            name: $name,
            w1: $m::w1,
            w2: $m::w2,
            w3: $m::w3,
            w4: || $m::w4_run($m::w4_setup()).0,
            w4_setup: || drop($m::w4_setup()),
            w5: $m::w5,
            sizes: $m::sizes,
        }
    };
}

fn systems() -> Vec<System> {
    vec![
        system!("floor", floor),
        system!("corogen", corogen_impl),
        System {
            name: "genawaiter_stack",
            w1: genawaiter_stack::w1,
            w2: genawaiter_stack::w2,
            w3: genawaiter_stack::w3,
            w4: genawaiter_stack::w4,
            w4_setup: || {},
            w5: genawaiter_stack::w5,
            sizes: genawaiter_stack::sizes,
        },
        system!("genawaiter_rc", genawaiter_rc),
        system!("next_gen", next_gen_impl),
        system!("fauxgen", fauxgen_impl),
        system!("diapause", diapause_impl),
        system!("corosensei", corosensei_impl),
        system!("generator", generator_impl),
    ]
}

fn main() {
    if let Ok(spec) = std::env::var("PEERS_ONLY") {
        run_only(&spec);
        return;
    }
    for s in systems() {
        assert_eq!((s.w1)(1000), w1_expected(1000), "{} w1", s.name);
        assert_eq!((s.w2)(1000), w2_expected(1000), "{} w2", s.name);
        for depth in DEPTHS {
            assert_eq!(
                (s.w3)(depth, 100),
                w2_expected(100),
                "{} w3 {depth}",
                s.name
            );
        }
        if s.name == "corogen" {
            assert_eq!(
                corogen_impl::w1_ptr(1000),
                w1_expected(1000),
                "corogen w1ptr"
            );
            for depth in DEPTHS {
                let dyn_chain = corogen_impl::w3_dyn(depth, 100);
                assert_eq!(dyn_chain, w2_expected(100), "corogen w3dyn {depth}");
            }
        }
        assert_eq!((s.w4)(), w4_expected(), "{} w4", s.name);
        assert_eq!((s.w5)(1000), w5_expected(1000), "{} w5", s.name);
        for size in (s.sizes)() {
            println!(
                "size {} {} {} {} {}",
                s.name, size.workload, size.inline, size.heap, size.stack
            );
        }
    }
    println!(
        "resumes w1={N} w1ptr={N} w2={N} w3={N3} w4={} w5={N}",
        W4_COROUTINES * W4_YIELDS
    );
    divan::main();
}

/// `PEERS_ONLY="SYSTEM WORKLOAD N"` runs one workload once (`w1`, `w2`, `w3/DEPTH`,
/// `w3dyn/DEPTH` and `w1ptr` (corogen and the floor), `w4`,
/// `w5`; `N` resumes, W4 always 10,000 × 100; `w4setup`: W4's untimed part only) and exits: what `benches/instructions.py` runs
/// under callgrind to count instructions per resume.
fn run_only(spec: &str) {
    let words: Vec<&str> = spec.split_whitespace().collect();
    let [system, workload, n] = words[..] else {
        panic!("PEERS_ONLY wants `SYSTEM WORKLOAD N`, got {spec:?}");
    };
    let n: u64 = n.parse().expect("N is a number");
    let s = systems()
        .into_iter()
        .find(|s| s.name == system)
        .unwrap_or_else(|| panic!("no system {system}"));
    let result = match workload.split_once('/') {
        Some(("w3", depth)) => (s.w3)(depth.parse().expect("a depth"), n),
        Some(("w3dyn", depth)) if system == "corogen" => {
            corogen_impl::w3_dyn(depth.parse().expect("a depth"), n)
        }
        _ => match workload {
            "w1ptr" if system == "corogen" => corogen_impl::w1_ptr(n),
            "w1ptr" if system == "floor" => floor::w1_ptr(n),
            "w1" => (s.w1)(n),
            "w2" => (s.w2)(n),
            "w4" => (s.w4)(),
            "w4setup" => {
                (s.w4_setup)();
                0
            }
            "w5" => (s.w5)(n),
            _ => panic!("no workload {workload}"),
        },
    };
    println!("{system} {workload} {n} -> {result}");
}

macro_rules! workloads {
    ($($system:ident: $m:ident, w4 = $w4:expr;)*) => {
        /// W1 iterate: yield `i * i` for `i` in `0..N`, summed by the consumer.
        mod w1_iterate {
            use super::*;
            $(
                #[divan::bench]
                fn $system() -> u64 {
                    $m::w1(black_box(N))
                }
            )*
        }

        /// W1 through a pointer: W1's generator handed to a driver that is not inlined
        /// (corogen and the floor).
        mod w1_iterate_via_pointer {
            use super::*;
            #[divan::bench]
            fn floor() -> u64 {
                floor::w1_ptr(black_box(N))
            }
            #[divan::bench]
            fn corogen() -> u64 {
                corogen_impl::w1_ptr(black_box(N))
            }
        }

        /// W2 send: the coroutine is sent `1..=N` and yields each square.
        mod w2_send {
            use super::*;
            $(
                #[divan::bench]
                fn $system() -> u64 {
                    $m::w2(black_box(N))
                }
            )*
        }

        /// W3 delegation: the W2 coroutine under `depth` delegating levels.
        mod w3_delegation {
            use super::*;
            $(
                #[divan::bench(args = DEPTHS, sample_count = 40)]
                fn $system(depth: u32) -> u64 {
                    $m::w3(black_box(depth), black_box(N3))
                }
            )*
        }

        /// W3 through `dyn`: corogen's W3 chain with a `BoxGenerator` at every level.
        mod w3_delegation_dyn {
            use super::*;
            #[divan::bench(args = DEPTHS, sample_count = 40)]
            fn corogen(depth: u32) -> u64 {
                corogen_impl::w3_dyn(black_box(depth), black_box(N3))
            }
        }

        /// W4 many: 10,000 coroutines yielding 100 times each, round-robin through a
        /// `VecDeque`. Making the coroutines is not timed (but for genawaiter's `stack`
        /// flavour), nor is freeing them.
        mod w4_many {
            use super::*;
            $(
                #[divan::bench(sample_count = 20, sample_size = 1)]
                fn $system(bencher: divan::Bencher<'_, '_>) {
                    ($w4)(bencher)
                }
            )*
        }

        /// W5 large state: a 256-byte buffer live across every yield.
        mod w5_large_state {
            use super::*;
            $(
                #[divan::bench]
                fn $system() -> u64 {
                    $m::w5(black_box(N))
                }
            )*
        }
    };
}

macro_rules! w4_inputs {
    ($m:ident) => {
        |bencher: divan::Bencher<'_, '_>| {
            bencher
                .with_inputs($m::w4_setup)
                .bench_local_values($m::w4_run)
        }
    };
}

workloads! {
    floor: floor, w4 = w4_inputs!(floor);
    corogen: corogen_impl, w4 = w4_inputs!(corogen_impl);
    genawaiter_stack: genawaiter_stack,
        w4 = |bencher: divan::Bencher<'_, '_>| bencher.bench_local(genawaiter_stack::w4);
    genawaiter_rc: genawaiter_rc, w4 = w4_inputs!(genawaiter_rc);
    next_gen: next_gen_impl, w4 = w4_inputs!(next_gen_impl);
    fauxgen: fauxgen_impl, w4 = w4_inputs!(fauxgen_impl);
    diapause: diapause_impl, w4 = w4_inputs!(diapause_impl);
    corosensei: corosensei_impl, w4 = w4_inputs!(corosensei_impl);
    generator: generator_impl, w4 = w4_inputs!(generator_impl);
}
