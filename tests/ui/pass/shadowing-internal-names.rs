//! User code may use the names the expansion uses internally.
use corogen::prelude::*;
use std::pin::pin;

#[generator(yield = u32)]
fn inner(__corogen_co: u32) -> u32 {
    yield_!(__corogen_co);
    __corogen_co
}

#[generator(yield = u32)]
fn shadows(co: u32, probe: u32) {
    let __corogen_probe = inner(co);
    let __corogen_value = yield_from!(__corogen_probe);
    let __corogen_target = probe;
    yield_!(__corogen_value + __corogen_target);
    let __corogen_return = yield_from!([co, probe]);
    __corogen_return
}

fn main() {
    let all: Vec<u32> = pin!(shadows(1, 2)).collect();
    assert_eq!(all, [1, 3, 1, 2]);
}
