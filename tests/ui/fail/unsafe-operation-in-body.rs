//! The body of a generator is not inside an `unsafe` block: an unsafe operation there needs
//! one of the user's own.
use corogen::prelude::*;

#[generator(yield = u8)]
fn reads(p: *const u8) {
    yield_!(*p);
}

fn main() {}
