//! A generator that borrows a local cannot outlive it.
use corogen::prelude::*;

#[generator(yield = u32)]
fn count(items: &Vec<u32>) -> usize {
    for i in items {
        yield_!(*i);
    }
    items.len()
}

fn keep<G: 'static>(_: G) {}

fn main() {
    let items = vec![1, 2];
    keep(count(&items));
}
