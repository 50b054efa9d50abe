//! The channel between a generator and the yield points in its body.
//!
//! A generator polls its body with a waker whose data pointer is the generator's own [`Header`].
//! A yield point finds the header through the poll context: no thread-local, no shared pointer.
//! The waker is recognised by its vtable, and its clones are plain no-op wakers, so the header
//! pointer never outlives the poll that lent it. The header's `id`, which only the generator's
//! own yield points know, is checked before the pointer is used at its full type.

use core::ptr::{self, NonNull};
use core::task::{Context, RawWaker, RawWakerVTable, Waker};

use crate::level::Header;

static CHANNEL: RawWakerVTable = RawWakerVTable::new(clone_to_noop, noop, noop, noop);
static NOOP: RawWakerVTable = RawWakerVTable::new(clone_noop, noop, noop, noop);

fn clone_to_noop(_: *const ()) -> RawWaker {
    RawWaker::new(ptr::null(), &NOOP)
}

fn clone_noop(_: *const ()) -> RawWaker {
    RawWaker::new(ptr::null(), &NOOP)
}

fn noop(_: *const ()) {}

/// Runs `f` with a context whose waker carries `header`.
pub(crate) fn with_header<Y, S, E, R>(
    header: NonNull<Header<Y, S, E>>,
    f: impl FnOnce(&mut Context<'_>) -> R,
) -> R {
    let raw = RawWaker::new(header.as_ptr().cast_const().cast(), &CHANNEL);
    // SAFETY: every function of `CHANNEL` is a no-op or returns a no-op waker, so the contract of
    // `RawWakerVTable` (thread safety, clone/wake/drop behaviour) holds whatever the data is.
    let waker = unsafe { Waker::from_raw(raw) };
    f(&mut Context::from_waker(&waker))
}

/// The header of the generator whose body is being polled with `cx`.
///
/// # Panics
/// If `cx` is not a generator's context, or belongs to another generator than the one `id`
/// names: a yield point was polled outside the body it was written in.
pub(crate) fn header<Y, S, E>(cx: &Context<'_>, id: u64) -> NonNull<Header<Y, S, E>> {
    let waker = cx.waker();
    assert!(
        ptr::eq(waker.vtable(), &CHANNEL),
        "a yield point of a #[generator] was polled outside its generator"
    );
    let data = waker.data().cast_mut();
    // SAFETY: a waker with the `CHANNEL` vtable exists only inside `with_header`, whose data is a
    // live `Header` (of some types) that starts with its `u64` id (`repr(C)`).
    let found = unsafe { *data.cast::<u64>() };
    assert_eq!(
        found, id,
        "a yield point of a #[generator] was polled inside another generator"
    );
    // SAFETY: ids are unique per generator and a yield point knows only its own generator's id,
    // so the header is of the types `Y`, `S`, `E` the id was issued for. It is non-null because
    // it was made from a `NonNull`.
    unsafe { NonNull::new_unchecked(data.cast()) }
}
