//! A generator cannot `.await`: nothing would resume it when the value is ready.
use corogen::prelude::*;

#[generator(yield = u8)]
fn waits() {
    let value = std::future::ready(1).await;
    yield_!(value);
}

fn main() {}
