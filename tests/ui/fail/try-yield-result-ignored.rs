//! `try_yield!` evaluates to a `Result`, not to the sent value.
use corogen::prelude::*;

#[generator(yield = u32)]
fn numbers() {
    let sent: () = try_yield!(1);
    sent
}

fn main() {}
