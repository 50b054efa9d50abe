//! A generator that must be `Send` cannot hold an `Rc` across a yield.
use corogen::prelude::*;
use std::rc::Rc;

#[generator(yield = u32)]
fn shares() {
    let shared = Rc::new(1);
    yield_!(*shared);
    drop(shared);
}

fn run_on_thread<G: Send + 'static>(g: G) {
    std::thread::spawn(move || drop(g));
}

fn main() {
    run_on_thread(shares());
}
