//! Properties of the generator type: no heap allocation, size, `Send`/`Sync`, borrowing forms.

use corogen::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::pin::pin;

/// Counts the allocations made on the current thread.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; the counter is a const-initialised thread-local,
// which does not allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: the caller's contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
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

#[generator(yield = u64, send = u64)]
fn two_levels() -> u64 {
    let a = yield_from!(echo());
    let b = yield_from!(echo());
    a + b
}

#[test]
fn no_heap_allocation_to_make_resume_delegate_and_close() {
    let before = allocations();
    {
        let mut g = pin!(two_levels());
        assert_eq!(g.start(), Ok(GeneratorState::Yielded(0)));
        for i in 1..100 {
            assert_eq!(g.send(i), Ok(GeneratorState::Yielded(i * i)));
        }
        assert_eq!(g.send(0), Ok(GeneratorState::Yielded(0)));
        assert_eq!(g.send(3), Ok(GeneratorState::Yielded(9)));
        assert_eq!(g.close(), Ok(None));
        let total: u64 = pin!(squares(10)).sum();
        assert_eq!(total, 285);
    }
    assert_eq!(allocations(), before, "a generator allocates nothing");
}

#[generator(yield = u64)]
fn squares(n: u64) {
    for i in 0..n {
        yield_!(i * i);
    }
}

#[generator(yield = u8)]
fn big_state() {
    let buffer = [7u8; 256];
    for b in buffer {
        yield_!(b);
    }
}

/// The bytes a generator adds to the state its body keeps: the header (48 bytes for a `u64` generator), the
/// body's handle and each pending yield point's id.
const OVERHEAD: usize = 96;

#[test]
fn size_is_the_state_plus_a_small_constant() {
    // The same state as `squares`, kept by a plain async block.
    let state = async move {
        let n = 3u64;
        for i in 0..n {
            std::future::ready(i * i).await;
        }
    };
    let small = std::mem::size_of_val(&squares(3));
    assert!(
        small <= std::mem::size_of_val(&state) + OVERHEAD,
        "small generator: {small}"
    );
    // The 256-byte buffer is kept once, not once per suspension point.
    let big = std::mem::size_of_val(&big_state());
    assert!(
        big <= 256 + 16 + OVERHEAD,
        "generator with a 256-byte buffer: {big}"
    );
    // Delegation holds the sub-generator inline: the delegator is about the size of both.
    let one = std::mem::size_of_val(&echo());
    let two = std::mem::size_of_val(&two_levels());
    assert!(two <= 2 * one + OVERHEAD, "{two} vs {one}");
}

fn assert_send_sync<T: Send + Sync>(_: &T) {}

#[test]
fn send_and_sync_follow_the_state() {
    assert_send_sync(&squares(1));
    assert_send_sync(&two_levels());
    let mut g = Box::pin(two_levels());
    g.start().unwrap();
    // A suspended generator moves to another thread and goes on there.
    let handle = std::thread::spawn(move || g.send(4));
    assert_eq!(handle.join().unwrap(), Ok(GeneratorState::Yielded(16)));
}

#[test]
fn methods_borrow_self() {
    struct Counter {
        step: u32,
        seen: Vec<u32>,
    }
    impl Counter {
        #[generator(yield = u32)]
        fn by_ref(&self, n: u32) {
            for i in 0..n {
                yield_!(i * self.step);
            }
        }

        #[generator(yield = u32, send = u32)]
        fn by_mut(&mut self) {
            loop {
                let v = yield_!(self.seen.len() as u32);
                self.seen.push(v);
            }
        }

        #[generator(yield = u32)]
        fn by_value(self) -> Vec<u32> {
            yield_!(self.step);
            self.seen
        }
    }
    let mut c = Counter {
        step: 3,
        seen: vec![],
    };
    assert!(pin!(c.by_ref(3)).eq([0, 3, 6]));
    {
        let mut g = pin!(c.by_mut());
        g.start().unwrap();
        g.send(10).unwrap();
        assert_eq!(g.send(20), Ok(GeneratorState::Yielded(2)));
    }
    assert_eq!(c.seen, [10, 20]);
    let mut g = pin!(c.by_value());
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(3)));
    assert_eq!(g.send(()), Ok(GeneratorState::Complete(vec![10, 20])));
}

#[test]
fn generics_lifetimes_impl_trait_and_patterns() {
    #[generator(yield = (usize, &'a T))]
    fn enumerate_where<'a, T, F>(items: &'a [T], (skip, limit): (usize, usize), keep: F)
    where
        F: Fn(&T) -> bool,
    {
        for (i, item) in items.iter().enumerate().skip(skip).take(limit) {
            if keep(item) {
                yield_!((i, item));
            }
        }
    }
    let words = ["a", "bb", "ccc", "dd"];
    let got: Vec<_> = pin!(enumerate_where(&words, (1, 3), |w| w.len() > 1)).collect();
    assert_eq!(got, [(1, &"bb"), (2, &"ccc"), (3, &"dd")]);

    #[generator(yield = String)]
    fn shout(words: impl IntoIterator<Item = &'static str>) {
        for w in words {
            yield_!(w.to_uppercase());
        }
    }
    assert!(pin!(shout(["hi", "yo"])).eq(["HI", "YO"]));
}

#[test]
fn yield_in_expression_positions() {
    #[generator(yield = i32, send = i32)]
    fn everywhere(log: &std::cell::RefCell<Vec<String>>) -> Result<i32, String> {
        let mut n = 0;
        while yield_!(n) > 0 {
            n += 1;
        }
        match yield_!(100) {
            1 => log.borrow_mut().push(format!("one {}", yield_!(101))),
            other => log.borrow_mut().push(format!("other {other}")),
        }
        let parsed: i32 = format!("{}", yield_!(102))
            .parse()
            .map_err(|_| "bad".to_string())?;
        println!("{}", yield_!(parsed));
        let mut rounds = 0;
        'outer: loop {
            rounds += 1;
            loop {
                match yield_!(103) {
                    7 => break 'outer,
                    1 => break,
                    _ => {}
                }
            }
        }
        log.borrow_mut().push(format!("rounds {rounds}"));
        Ok(parsed)
    }
    let log = std::cell::RefCell::new(Vec::new());
    let mut g = pin!(everywhere(&log));
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(0)));
    assert_eq!(g.send(1), Ok(GeneratorState::Yielded(1)));
    assert_eq!(g.send(0), Ok(GeneratorState::Yielded(100)));
    assert_eq!(g.send(1), Ok(GeneratorState::Yielded(101)));
    assert_eq!(g.send(5), Ok(GeneratorState::Yielded(102)));
    assert_eq!(g.send(42), Ok(GeneratorState::Yielded(42)));
    assert_eq!(g.send(0), Ok(GeneratorState::Yielded(103)));
    assert_eq!(g.send(1), Ok(GeneratorState::Yielded(103)));
    assert_eq!(g.send(0), Ok(GeneratorState::Yielded(103)));
    assert_eq!(g.send(7), Ok(GeneratorState::Complete(Ok(42))));
    assert_eq!(*log.borrow(), ["one 5", "rounds 2"]);
}

/// Polls a future once with a waker that is not a generator's.
fn poll_elsewhere<F: Future>(future: F) -> bool {
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    pin!(future).poll(&mut cx).is_ready()
}

/// A macro that moves its argument into an async block that it runs itself.
macro_rules! run_elsewhere {
    ($e:expr) => {
        poll_elsewhere(async { $e })
    };
}

#[test]
fn a_yield_point_run_by_another_executor_panics_instead_of_misbehaving() {
    #[generator(yield = u8)]
    fn sneaky() {
        run_elsewhere!(yield_!(1));
    }
    let mut g = Box::pin(sneaky());
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| g.start()))
        .expect_err("the yield point refuses a foreign waker");
    let message = panic.downcast_ref::<&str>().copied().unwrap_or_default();
    assert!(
        message.contains("polled outside its generator"),
        "{message}"
    );
    assert_eq!(g.status(), Status::Poisoned);
}
