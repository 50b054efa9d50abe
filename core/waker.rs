//! The channel between a generator and the yield points in its body.
//!
//! A generator polls its body with a waker whose data pointer is a [`Channel`], a local of that
//! poll. A yield point finds the channel through the poll context: no thread-local, no shared
//! pointer, and, the poll being inlined, no memory either. The waker is recognised by its
//! vtable, and its clones are plain no-op wakers, so the channel pointer never outlives the poll
//! that lent it. That the channel is of the yield point's own types is the contract of
//! `__private::new`: a body's yield points are awaited only in that body, which only its own
//! generator polls.

use core::mem::ManuallyDrop;
use core::ptr::{self, NonNull};
use core::task::{Context, RawWaker, RawWakerVTable, Waker};

use crate::level::Channel;

static CHANNEL: RawWakerVTable = RawWakerVTable::new(clone_noop, noop, noop, noop);
static NOOP: RawWakerVTable = RawWakerVTable::new(clone_noop, noop, noop, noop);

fn clone_noop(_: *const ()) -> RawWaker {
    RawWaker::new(ptr::null(), &NOOP)
}

fn noop(_: *const ()) {}

/// Runs `f` with a context whose waker carries `channel`.
#[inline(always)]
pub(crate) fn with_channel<Y, S, E, R>(
    channel: &mut Channel<Y, S, E>,
    f: impl FnOnce(&mut Context<'_>) -> R,
) -> R {
    let channel: *mut Channel<Y, S, E> = channel;
    let raw = RawWaker::new(channel.cast_const().cast(), &CHANNEL);
    // SAFETY: every function of `CHANNEL` is a no-op or returns a no-op waker, so the contract of
    // `RawWakerVTable` (thread safety, clone/wake/drop behaviour) holds whatever the data is.
    // Dropping it would only call `noop` through the vtable.
    let waker = ManuallyDrop::new(unsafe { Waker::from_raw(raw) });
    f(&mut Context::from_waker(&waker))
}

/// The channel of the poll of a generator's body that `cx` is the context of.
///
/// # Panics
/// If `cx` is not a generator's context: a yield point was polled outside its generator (for
/// instance inside an `async` block that another executor runs).
#[inline(always)]
pub(crate) fn channel<Y, S, E>(cx: &Context<'_>) -> NonNull<Channel<Y, S, E>> {
    let waker = cx.waker();
    if !ptr::eq(waker.vtable(), &CHANNEL) {
        outside_generator();
    }
    // SAFETY: a waker with the `CHANNEL` vtable exists only inside `with_channel`, whose data
    // is the live channel of the poll of a generator's body; by the contract of
    // `__private::new` the yield point polled is in that body, so the channel is of its types
    // `Y`, `S`, `E`. It is non-null because it was made from a reference.
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
        let mut channel = Channel::<u8, (), ()> {
            input: crate::level::In::Empty,
            out: crate::level::Out::None,
        };
        with_channel(&mut channel, |cx| {
            assert!(ptr::eq(cx.waker().vtable(), &CHANNEL));
            let clone = cx.waker().clone();
            assert!(!ptr::eq(clone.vtable(), &CHANNEL));
            assert!(clone.data().is_null());
        });
    }
}
