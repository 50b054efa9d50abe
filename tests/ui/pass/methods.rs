//! Methods taking `&self`, `&mut self` and `self`.
use corogen::prelude::*;
use std::pin::pin;

struct Counter {
    count: u32,
}

impl Counter {
    #[generator(yield = u32)]
    fn peek(&self) {
        yield_!(self.count);
    }

    #[generator(yield = u32)]
    fn bump(&mut self) {
        self.count += 1;
        yield_!(self.count);
    }

    #[generator(yield = u32)]
    fn into_values(self) -> Counter {
        yield_!(self.count);
        self
    }
}

fn main() {
    let mut c = Counter { count: 1 };
    assert_eq!(pin!(c.peek()).next(), Some(1));
    assert_eq!(pin!(c.bump()).next(), Some(2));
    assert_eq!(pin!(c.into_values()).next(), Some(2));
}
