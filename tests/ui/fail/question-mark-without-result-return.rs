//! `?` in a generator needs a `Result` or `Option` return type.
use corogen::prelude::*;

#[generator(yield = u32)]
fn parse_all(words: Vec<String>) {
    for word in words {
        yield_!(word.parse::<u32>()?);
    }
}

fn main() {}
