//! A yield type that names a generic parameter and `Self`.
use corogen::prelude::*;
use std::pin::pin;

#[derive(Clone, Debug, PartialEq)]
struct Node(u32);

impl Node {
    #[generator(yield = Self)]
    fn repeat(&self, times: usize) -> Self {
        for _ in 0..times {
            yield_!(self.clone());
        }
        Node(0)
    }
}

#[generator(yield = Option<T>)]
fn wrap<T: Clone>(value: T) {
    yield_!(Some(value.clone()));
    yield_!(None);
}

fn main() {
    assert_eq!(pin!(Node(1).repeat(2)).count(), 2);
    assert_eq!(pin!(wrap("x")).collect::<Vec<_>>(), [Some("x"), None]);
}
