//! `?` in a generator needs a `Result` or `Option` return type, not a count.
use corogen::prelude::*;

#[generator(yield = u32)]
fn parse_all(words: Vec<String>) -> usize {
    let count = words.len();
    for word in words {
        yield_!(word.parse::<u32>()?);
    }
    count
}

fn main() {}
