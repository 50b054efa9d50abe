//! LEC-21: a round-robin loop over a queue of coroutines, each summing the products of pairs
//! of numbers it is sent; the tasks finish, and hand over their return values, in the order
//! they complete.
//!
//! The queue holds boxed generators (`Pin<Box<..>>`), which can move around the queue while
//! the generators inside stay put. Each entry carries its name, where Python keeps a map from
//! object ids to names.

use corogen::prelude::*;
use std::collections::VecDeque;
use std::pin::Pin;

/// Receives two numbers and returns their product: `return (yield) * (yield)`.
#[generator(send = u64)]
fn mult() -> u64 {
    yield_!() * yield_!()
}

/// Sums `num` products.
#[generator(send = u64)]
fn task(num: u32) -> u64 {
    let mut res = 0;
    for _ in 0..num {
        res += yield_from!(mult());
    }
    res
}

/// A named task, ready to be queued.
type Named<G> = (&'static str, Pin<Box<G>>);

/// Resumes the tasks in turn, one sent number each, until all have finished; returns each
/// task's name and result in the order they finished.
fn run_loop(
    tasks: Vec<Named<Gen<impl Future<Output = u64>, (), u64>>>,
    numbers: &mut impl Iterator<Item = u64>,
) -> Vec<(&'static str, u64)> {
    let mut res = Vec::new();
    println!("Start:");
    for (name, _) in &tasks {
        println!("\t{name}");
    }
    let mut queue = VecDeque::from(tasks);
    for (_, task) in &mut queue {
        task.start().unwrap();
    }
    while let Some((name, mut task)) = queue.pop_front() {
        let number = numbers.next().unwrap();
        match task.send(number) {
            Ok(GeneratorState::Complete(value)) => res.push((name, value)),
            Ok(GeneratorState::Yielded(())) => queue.push_back((name, task)),
            Err(error) => panic!("{name}: {error}"),
        }
    }
    res
}

/// Prints the results as Python prints the list of `(name, value)` tuples.
fn print_done(results: &[(&str, u64)]) {
    println!("Done:");
    for (name, value) in results {
        println!("\t('{name}', {value})");
    }
}

/// Runs the exercise.
pub fn main() {
    // A deterministic stand-in for `random.randint(3, 10)`: 3, 4, ..., 10, 3, 4, ...
    // shared by both runs.
    let mut numbers = (3..11).cycle();
    let results = run_loop(
        vec![
            ("task(10)", Box::pin(task(10))),
            ("task(3)", Box::pin(task(3))),
            ("task(5)", Box::pin(task(5))),
        ],
        &mut numbers,
    );
    print_done(&results);
    let results = run_loop(
        vec![
            ("task(10)", Box::pin(task(10))),
            ("task(100)", Box::pin(task(100))),
            ("task(50)", Box::pin(task(50))),
        ],
        &mut numbers,
    );
    print_done(&results);
}
