//! The channel between a generator and the yield points in its body.
//!
//! A generator polls its body with a waker whose data pointer is the generator's own [`Header`].
//! A yield point finds the header through the poll context: no thread-local, no shared pointer.
//! The waker is recognised by its vtable, and its clones are plain no-op wakers, so the header
//! pointer never outlives the poll that lent it. That the header is of the yield point's own
//! types is the contract of `__private::new`: a body's yield points are awaited only in that
//! body, which only its own generator polls.

use core::mem::ManuallyDrop;
use core::ptr::{self, NonNull};
use core::task::{Context, RawWaker, RawWakerVTable, Waker};

use crate::level::Header;

static CHANNEL: RawWakerVTable = RawWakerVTable::new(clone_noop, noop, noop, noop);
static NOOP: RawWakerVTable = RawWakerVTable::new(clone_noop, noop, noop, noop);

fn clone_noop(_: *const ()) -> RawWaker {
    RawWaker::new(ptr::null(), &NOOP)
}

fn noop(_: *const ()) {}

/// Runs `f` with a context whose waker carries `header`.
#[inline(always)]
pub(crate) fn with_header<Y, S, E, R>(
    header: NonNull<Header<Y, S, E>>,
    f: impl FnOnce(&mut Context<'_>) -> R,
) -> R {
    let raw = RawWaker::new(header.as_ptr().cast_const().cast(), &CHANNEL);
    // SAFETY: every function of `CHANNEL` is a no-op or returns a no-op waker, so the contract of
    // `RawWakerVTable` (thread safety, clone/wake/drop behaviour) holds whatever the data is.
    // Dropping it would only call `noop` through the vtable.
    let waker = ManuallyDrop::new(unsafe { Waker::from_raw(raw) });
    f(&mut Context::from_waker(&waker))
}

/// The header of the generator whose body is being polled with `cx`.
///
/// # Panics
/// If `cx` is not a generator's context: a yield point was polled outside its generator (for
/// instance inside an `async` block that another executor runs).
#[inline(always)]
pub(crate) fn header<Y, S, E>(cx: &Context<'_>) -> NonNull<Header<Y, S, E>> {
    let waker = cx.waker();
    if !ptr::eq(waker.vtable(), &CHANNEL) {
        outside_generator();
    }
    // SAFETY: a waker with the `CHANNEL` vtable exists only inside `with_header`, whose data is
    // the live header of the generator polling its body; by the contract of `__private::new`
    // the yield point polled is in that body, so the header is of its types `Y`, `S`, `E`. It
    // is non-null because it was made from a `NonNull`.
    unsafe { NonNull::new_unchecked(waker.data().cast_mut().cast()) }
}

#[cold]
#[inline(never)]
fn outside_generator() -> ! {
    panic!("a yield point of a #[generator] was polled outside its generator")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clone_of_the_channel_waker_is_not_the_channel() {
        let mut header = Header::<u8, (), ()>::new(|_, _| unreachable!("never stepped"));
        with_header(NonNull::from(&mut header), |cx| {
            assert!(ptr::eq(cx.waker().vtable(), &CHANNEL));
            let clone = cx.waker().clone();
            assert!(!ptr::eq(clone.vtable(), &CHANNEL));
            assert!(clone.data().is_null());
        });
    }
}
