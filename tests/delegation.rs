//! yield_from!: PEP 380 delegation, chains, by-reference delegation, iterables, recursion.

mod common;

use common::Log;
use corogen::prelude::*;
use std::pin::pin;

#[derive(Debug, Clone, PartialEq)]
struct Oops(&'static str);

#[generator(yield = String, send = i32, throw = Oops)]
fn accumulate(log: Log, name: &'static str) -> i32 {
    let _g = log.guard(name);
    let mut total = 0;
    loop {
        match try_yield!(format!("{name}:{total}")) {
            Ok(0) => return total,
            Ok(v) => total += v,
            Err(Interrupt::Throw(Oops("catch me"))) => log.push(format!("{name} caught")),
            Err(Interrupt::Throw(other)) => raise_!(other),
            Err(Interrupt::Close) => {
                log.push(format!("{name} closing"));
                return -1;
            }
        }
    }
}

#[generator(yield = String, send = i32, throw = Oops)]
fn delegator(log: Log) -> i32 {
    let _g = log.guard("delegator");
    let a = yield_from!(accumulate(log.clone(), "a"));
    log.push(format!("a returned {a}"));
    let b = yield_from!(accumulate(log.clone(), "b"));
    a + b
}

#[test]
fn values_sends_and_return_values_pass_through() {
    let log = Log::default();
    let mut g = pin!(delegator(log.clone()));
    assert_eq!(g.start(), Ok(GeneratorState::Yielded("a:0".into())));
    assert_eq!(g.send(5), Ok(GeneratorState::Yielded("a:5".into())));
    assert_eq!(g.send(0), Ok(GeneratorState::Yielded("b:0".into())));
    assert_eq!(log.take(), ["drop a", "a returned 5"]);
    assert_eq!(g.send(2), Ok(GeneratorState::Yielded("b:2".into())));
    assert_eq!(g.send(0), Ok(GeneratorState::Complete(7)));
    assert_eq!(log.take(), ["drop b", "drop delegator"]);
}

#[test]
fn throw_reaches_the_innermost_first() {
    let log = Log::default();
    let mut g = pin!(delegator(log.clone()));
    g.start().unwrap();
    assert_eq!(
        g.throw(Oops("catch me")),
        Ok(GeneratorState::Yielded("a:0".into()))
    );
    assert_eq!(log.take(), ["a caught"]);
    assert_eq!(
        g.throw(Oops("fatal")),
        Err(ResumeError::Raised(Oops("fatal")))
    );
    assert_eq!(log.take(), ["drop a", "drop delegator"]);
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn delegator_may_catch_what_the_sub_raises() {
    #[generator(yield = String, send = i32, throw = Oops)]
    fn forgiving(log: Log) -> &'static str {
        match try_yield_from!(accumulate(log.clone(), "a")) {
            Ok(_) => "finished",
            Err(Interrupt::Throw(Oops(why))) => {
                log.push(format!("delegator caught {why}"));
                yield_!("after".into());
                "recovered"
            }
            Err(Interrupt::Close) => "closed",
            Err(Interrupt::Ignored(_)) => "the sub-generator ignored a close",
        }
    }
    let log = Log::default();
    let mut g = pin!(forgiving(log.clone()));
    g.start().unwrap();
    assert_eq!(
        g.throw(Oops("fatal")),
        Ok(GeneratorState::Yielded("after".into()))
    );
    assert_eq!(log.take(), ["drop a", "delegator caught fatal"]);
    assert_eq!(g.send(1), Ok(GeneratorState::Complete("recovered")));
}

#[test]
fn close_closes_the_sub_first() {
    let log = Log::default();
    let mut g = pin!(delegator(log.clone()));
    g.start().unwrap();
    assert_eq!(g.close(), Ok(None));
    assert_eq!(log.take(), ["a closing", "drop a", "drop delegator"]);
}

#[test]
fn a_sub_that_ignores_close_makes_close_an_error() {
    #[generator(yield = u8)]
    fn stubborn() {
        loop {
            let _ = try_yield!(1);
        }
    }
    #[generator(yield = u8)]
    fn outer(log: Log) {
        let _g = log.guard("outer");
        yield_from!(stubborn());
    }
    let log = Log::default();
    let mut g = pin!(outer(log.clone()));
    g.start().unwrap();
    assert_eq!(g.close(), Err(CloseError::Ignored(1)));
    assert_eq!(log.take(), ["drop outer"]);
    assert_eq!(g.status(), Status::Finished);
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
fn chain(depth: u32) -> u64 {
    if depth == 0 {
        yield_from!(echo())
    } else {
        yield_from!(Box::pin(chain(depth - 1)))
    }
}

#[test]
fn deep_chains_reach_the_innermost() {
    for depth in [0, 1, 8, 64, 1000] {
        let mut g = Box::pin(chain(depth));
        assert_eq!(g.start(), Ok(GeneratorState::Yielded(0)));
        for i in 1..5 {
            assert_eq!(g.send(i), Ok(GeneratorState::Yielded(i * i)));
        }
        assert_eq!(g.send(0), Ok(GeneratorState::Complete(16)));
    }
}

#[test]
fn deep_chain_close_and_drop() {
    let mut g = Box::pin(chain(10_000));
    g.start().unwrap();
    g.send(3).unwrap();
    assert_eq!(g.close(), Ok(None));
    let mut g = Box::pin(chain(10_000));
    g.start().unwrap();
    drop(g);
}

#[test]
fn delegating_by_reference_keeps_the_generator() {
    #[generator(yield = u64, send = u64)]
    fn borrow_twice(
        mut sub: std::pin::Pin<Box<corogen::Gen<impl Future<Output = u64>, u64, u64>>>,
    ) -> (Option<u64>, Option<u64>) {
        let first = yield_from!(&mut sub);
        let second = yield_from!(&mut sub);
        (first, second)
    }
    let mut g = pin!(borrow_twice(Box::pin(echo())));
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(0)));
    // Looking at a generator whose body borrows its own locals must not disturb the borrow.
    assert_eq!(g.status(), Status::Suspended);
    assert_eq!(g.send(3), Ok(GeneratorState::Yielded(9)));
    assert_eq!(g.send(0), Ok(GeneratorState::Complete((Some(9), None))));
}

#[test]
fn delegating_to_a_started_generator_sends_the_default_first() {
    #[generator(yield = u64, send = u64)]
    fn take_over(
        sub: &mut std::pin::Pin<Box<corogen::Gen<impl Future<Output = u64>, u64, u64>>>,
    ) -> Option<u64> {
        yield_from!(sub)
    }
    let mut sub = Box::pin(echo());
    sub.start().unwrap();
    sub.send(4).unwrap();
    // Python sends None first; the default of u64 is 0, which makes echo return.
    {
        let mut g = pin!(take_over(&mut sub));
        assert_eq!(g.start(), Ok(GeneratorState::Complete(Some(16))));
    }
    assert_eq!(sub.status(), Status::Finished);
}

#[test]
fn yield_from_an_iterable() {
    #[generator(yield = char)]
    fn letters() -> usize {
        yield_from!("ab".chars());
        yield_from!(vec!['c', 'd']);
        yield_from!(std::iter::empty());
        4
    }
    let v: Vec<char> = pin!(letters()).collect();
    assert_eq!(v, ['a', 'b', 'c', 'd']);
}

#[generator(yield = String)]
fn permutations(s: &'static str, i: usize, a: String) {
    if i == s.len() {
        yield_!(a);
        return;
    }
    for c in s.chars() {
        if !a.contains(c) {
            yield_from!(Box::pin(permutations(s, i + 1, format!("{a}{c}"))));
        }
    }
}

#[test]
fn recursive_permutations() {
    let all: Vec<String> = pin!(permutations("abc", 0, String::new())).collect();
    assert_eq!(all, ["abc", "acb", "bac", "bca", "cab", "cba"]);
}

enum Tree {
    Leaf,
    Node(Box<Tree>, u32, Box<Tree>),
}

#[generator(yield = u32)]
fn in_order(tree: &Tree) {
    if let Tree::Node(left, value, right) = tree {
        yield_from!(Box::pin(in_order(left)));
        yield_!(*value);
        yield_from!(Box::pin(in_order(right)));
    }
}

fn build(values: &[u32]) -> Tree {
    match values.len() {
        0 => Tree::Leaf,
        n => Tree::Node(
            Box::new(build(&values[..n / 2])),
            values[n / 2],
            Box::new(build(&values[n / 2 + 1..])),
        ),
    }
}

#[test]
fn recursive_in_order_tree_walk() {
    let values: Vec<u32> = (0..1000).collect();
    let tree = build(&values);
    let walked: Vec<u32> = pin!(in_order(&tree)).collect();
    assert_eq!(walked, values);
    // A degenerate, deep tree: a right spine of 5,000 nodes.
    let mut spine = Tree::Leaf;
    for v in (0..5000).rev() {
        spine = Tree::Node(Box::new(Tree::Leaf), v, Box::new(spine));
    }
    assert!(pin!(in_order(&spine)).eq(0..5000));
    // Tear the deep tree down iteratively so its own drop does not recurse.
    while let Tree::Node(_, _, right) = spine {
        spine = *right;
    }
}

#[generator(yield = Vec<usize>)]
fn queens(n: usize, placed: Vec<usize>) {
    if placed.len() == n {
        yield_!(placed);
        return;
    }
    for col in 0..n {
        let row = placed.len();
        let safe = placed
            .iter()
            .enumerate()
            .all(|(r, &c)| c != col && row - r != col.abs_diff(c));
        if safe {
            let mut next = placed.clone();
            next.push(col);
            yield_from!(Box::pin(queens(n, next)));
        }
    }
}

#[test]
fn eight_queens_backtracking() {
    let solutions: Vec<Vec<usize>> = pin!(queens(8, Vec::new())).collect();
    assert_eq!(solutions.len(), 92);
    assert_eq!(solutions[0], [0, 4, 7, 5, 2, 6, 1, 3]);
}

#[test]
fn a_panic_in_a_sub_generator_poisons_the_delegator() {
    #[generator(yield = u64, send = u64)]
    fn fragile() {
        yield_!(1);
        panic!("inner boom");
    }
    #[generator(yield = u64, send = u64)]
    fn outer() {
        yield_from!(fragile());
    }
    let mut g = Box::pin(outer());
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(1)));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| g.send(2)));
    assert!(result.is_err());
    assert_eq!(g.status(), Status::Poisoned);
    assert_eq!(g.send(3), Err(ResumeError::Poisoned(3)));
    assert_eq!(g.close(), Ok(None));
}

#[test]
fn a_sub_generator_lent_by_reference_that_panics_is_poisoned_too() {
    #[generator(yield = u64, send = u64)]
    fn fragile() {
        yield_!(1);
        panic!("inner boom");
    }
    #[generator(yield = u64, send = u64)]
    fn lend(
        sub: &mut std::pin::Pin<Box<corogen::Gen<impl Future<Output = ()>, u64, u64>>>,
    ) -> Option<()> {
        yield_from!(sub)
    }
    let mut sub = Box::pin(fragile());
    // The sub-generator leads a chain of its own first, then joins another one.
    assert_eq!(sub.start(), Ok(GeneratorState::Yielded(1)));
    {
        let mut g = pin!(lend(&mut sub));
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| g.start()));
        assert!(result.is_err());
        assert_eq!(g.status(), Status::Poisoned);
    }
    assert_eq!(sub.status(), Status::Poisoned);
    assert_eq!(sub.send(1), Err(ResumeError::Poisoned(1)));
}

#[test]
fn a_generator_whose_delegate_yielded_reports_itself_suspended() {
    #[generator(yield = u64, send = u64)]
    fn outer() -> u64 {
        yield_from!(echo()) + 1
    }
    let mut g = pin!(outer());
    assert_eq!(g.status(), Status::Created);
    assert_eq!(g.start(), Ok(GeneratorState::Yielded(0)));
    assert_eq!(g.status(), Status::Suspended);
    assert_eq!(g.send(4), Ok(GeneratorState::Yielded(16)));
    assert_eq!(g.status(), Status::Suspended);
    assert_eq!(g.send(0), Ok(GeneratorState::Complete(17)));
    assert_eq!(g.status(), Status::Finished);
}

#[test]
fn delegating_to_a_boxed_generator_of_any_type() {
    use corogen::BoxGenerator;

    #[generator(yield = u64, send = u64)]
    fn picks(which: bool) -> u64 {
        let sub: BoxGenerator<'static, u64, u64, u64> = if which {
            Box::pin(echo())
        } else {
            Box::pin(chain(3))
        };
        let r = yield_from!(sub);
        yield_!(r + 1000);
        r
    }
    for which in [true, false] {
        let mut g = Box::pin(picks(which));
        assert_eq!(g.start(), Ok(GeneratorState::Yielded(0)));
        assert_eq!(g.send(5), Ok(GeneratorState::Yielded(25)));
        assert_eq!(g.send(0), Ok(GeneratorState::Yielded(1025)));
        assert_eq!(g.send(9), Ok(GeneratorState::Complete(25)));
    }
    // A close reaches the boxed generator first.
    let log = Log::default();
    #[generator(yield = String, send = i32, throw = Oops)]
    fn boxed_accumulate(log: Log) -> i32 {
        let sub: BoxGenerator<'static, String, i32, i32, Oops> =
            Box::pin(accumulate(log.clone(), "boxed"));
        yield_from!(sub)
    }
    let mut g = Box::pin(boxed_accumulate(log.clone()));
    g.start().unwrap();
    assert_eq!(
        g.throw(Oops("catch me")),
        Ok(GeneratorState::Yielded("boxed:0".into()))
    );
    assert_eq!(g.close(), Ok(None));
    assert_eq!(log.take(), ["boxed caught", "boxed closing", "drop boxed"]);
}
