//! `?` in a generator returning a `Result`.
use corogen::prelude::*;
use std::pin::pin;

#[generator(yield = u32)]
fn parse_all(words: Vec<&'static str>) -> Result<(), std::num::ParseIntError> {
    for word in words {
        yield_!(word.parse::<u32>()?);
    }
    Ok(())
}

fn main() {
    let all: Vec<u32> = pin!(parse_all(vec!["1", "2"])).collect();
    assert_eq!(all, [1, 2]);
}
