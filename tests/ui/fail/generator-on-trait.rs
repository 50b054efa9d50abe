//! `#[generator]` applies to functions only, not to a trait.
use corogen::prelude::*;

#[generator(yield = u32)]
trait Numbers {
    fn numbers(&self);
}

fn main() {}
