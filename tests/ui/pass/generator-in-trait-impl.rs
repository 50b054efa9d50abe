//! A generator method in a trait impl, declared in the trait with its return type.
use corogen::prelude::*;
use std::future::Future;
use std::pin::pin;

trait Source {
    fn values(&self) -> Gen<impl Future<Output = ()>, u32>;
}

struct Two;

impl Source for Two {
    #[generator(yield = u32)]
    fn values(&self) {
        yield_!(1);
        yield_!(2);
    }
}

fn main() {
    let all: Vec<u32> = pin!(Two.values()).collect();
    assert_eq!(all, [1, 2]);
}
