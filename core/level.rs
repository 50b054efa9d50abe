//! The level protocol: how the outermost generator of a delegation chain steps any level of it
//! directly.
//!
//! Every generator, and every adapter that `yield_from!` puts around an iterator, starts with a
//! [`Header`]. A header records the level's phase, the value on its way in or out, and a `step`
//! function that knows the concrete type behind the header. A `yield_from!` links the
//! sub-generator's header below its own level (`parent`), and the outermost generator remembers
//! the innermost active level, so a resume costs one step whatever the depth: a level is only
//! re-entered when the level below it finishes.

use core::ptr::NonNull;

/// The type-erased step of one level: resume this level's own body (never its delegate).
///
/// # Safety
/// The header must belong to a live, pinned level of the concrete type the function was made
/// for, and the pointer must carry provenance for that whole level.
pub(crate) type StepFn<Y, S, E> = unsafe fn(NonNull<Header<Y, S, E>>, Input<S, E>) -> Step<Y, S, E>;

/// What a level is doing, as seen between two polls of its body. The phase is not written
/// while the body runs: a panic out of it writes `Poisoned` on the way out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Suspended at a yield point of its own body.
    Suspended,
    /// Suspended, and the outermost level of a chain whose innermost level yielded
    /// ([`Header::innermost`] is set exactly in this phase).
    Delegating,
    Created,
    Poisoned,
    Finished,
}

/// What goes into a level.
pub enum Input<S, E> {
    /// The first resume of a fresh level.
    Start,
    Send(S),
    Throw(E),
    Close,
    /// End the level whatever its yield point catches (after it ignored a close).
    Kill,
    /// The level below finished; its return value waits in it.
    ChildDone,
    /// The level below was being closed and yielded instead of finishing (Python raises
    /// `RuntimeError: generator ignored GeneratorExit` at the `yield from`); it has been killed.
    Ignored,
}

/// What a level's body left in its header when it suspended.
pub(crate) enum Out<Y, S, E> {
    Yield(Y),
    Raise(E),
    /// The body let a close it caught go on: it ends as if it had not caught it.
    Exit,
    /// The body let an ignored close of its delegate go on ([`Input::Ignored`]).
    Ignored,
    Delegate(NonNull<Header<Y, S, E>>, Input<S, E>),
}

/// The value in transit between a level and the body it polls.
pub(crate) enum Slot<Y, S, E> {
    Empty,
    In(Input<S, E>),
    Out(Out<Y, S, E>),
}

impl<Y, S, E> Slot<Y, S, E> {
    #[inline(always)]
    pub(crate) fn take_in(&mut self) -> Option<Input<S, E>> {
        match core::mem::replace(self, Slot::Empty) {
            Slot::In(input) => Some(input),
            _ => None,
        }
    }

    #[inline(always)]
    pub(crate) fn take_out(&mut self) -> Option<Out<Y, S, E>> {
        match core::mem::replace(self, Slot::Empty) {
            Slot::Out(out) => Some(out),
            _ => None,
        }
    }
}

/// What one step of one level produced.
pub(crate) enum Step<Y, S, E> {
    Yield(Y),
    /// Step into this level next, with this input.
    Delegate(NonNull<Header<Y, S, E>>, Input<S, E>),
    /// Finished with a return value, which the level keeps until it is taken.
    Return,
    Raise(E),
    /// Finished by a close (or a kill) without a return value.
    Closed,
    /// Finished by letting an ignored close of its delegate go on ([`Input::Ignored`]).
    Ignored,
    /// The input was not delivered.
    Refused(crate::Refusal, Input<S, E>),
}

/// Where a delegation enters a level, and the first input it gives it.
pub(crate) type Entry<Y, S, E> = (NonNull<Header<Y, S, E>>, Input<S, E>);

/// The start of every level.
pub struct Header<Y, S, E> {
    pub(crate) step: StepFn<Y, S, E>,
    pub(crate) phase: Phase,
    pub(crate) parent: Option<NonNull<Header<Y, S, E>>>,
    /// On the outermost level of a chain, in the phase `Delegating`: the innermost active
    /// level; in the phase `Poisoned`, the level below whose panic poisoned it, if any.
    pub(crate) innermost: Option<NonNull<Header<Y, S, E>>>,
    /// The value on its way in (before a poll) or out (after it): never both at once.
    pub(crate) slot: Slot<Y, S, E>,
}

// SAFETY: the pointers in a header point into the state of the generator that owns the header
// (its body, or sub-generators its body owns or borrows mutably), so they move with it, and
// that state is `Send` exactly when the body is. The values in transit are of types Y, S, E.
unsafe impl<Y: Send, S: Send, E: Send> Send for Header<Y, S, E> {}

// SAFETY: nothing is reachable through a shared reference to a header but its phase.
unsafe impl<Y, S, E> Sync for Header<Y, S, E> {}

impl<Y, S, E> Header<Y, S, E> {
    pub(crate) const fn new(step: StepFn<Y, S, E>) -> Self {
        Self {
            step,
            phase: Phase::Created,
            parent: None,
            innermost: None,
            slot: Slot::Empty,
        }
    }
}

/// The outcome of driving a whole chain from its outermost level.
pub(crate) enum Drove<Y, S, E> {
    Yield(Y),
    Return,
    Raise(E),
    Closed,
    /// A level yielded this value while the chain was being closed.
    IgnoredClose(Y),
    Refused(crate::Refusal, Input<S, E>),
}

/// Drives the chain whose outermost level is `root`, from the `step` that level `cur` (the
/// root or a level below it) has just taken, to the chain's next yield or its end. `closing`
/// says that `step` is `cur`'s answer to a close of the chain.
///
/// Every level, the root too, is stepped through its header, so this loop is made once per
/// `Y`, `S`, `E`, not once per generator body.
///
/// A close follows PEP 380 as Python 3.13 runs it. The close reaches the innermost level first;
/// every level above it waits in its own `close()` for the level below. The deepest level whose
/// close is under way is the *closee*: when it finishes, its parent sees the close (or the
/// error it raised); when it, or a level it delegated to while cleaning up, yields, it ignored
/// the close: it is killed (with the levels below it) and its parent sees [`Input::Ignored`]
/// (Python's `RuntimeError: generator ignored GeneratorExit`), which it may catch. A level that
/// the closee delegated to while cleaning up was never closed: when it returns, the closee goes
/// on with its return value.
///
/// # Safety
/// `root` must be the header of a live pinned level, with provenance over the whole level,
/// `cur` the root or a live level linked below it, and every `Delegate` pointer produced by a
/// level's step must point at a live pinned level that stays put while the delegation is
/// active.
pub(crate) unsafe fn drive<Y, S, E>(
    root: NonNull<Header<Y, S, E>>,
    mut cur: NonNull<Header<Y, S, E>>,
    mut step: Step<Y, S, E>,
    closing: bool,
) -> Drove<Y, S, E> {
    let mut closee = closing.then_some(cur);
    // The value the last level that ignored the close yielded, for `CloseError::Ignored`.
    let mut ignored = None;
    loop {
        let input = match step {
            Step::Yield(y) => {
                let Some(target) = closee else {
                    if cur != root {
                        // SAFETY: `root` is live.
                        unsafe {
                            (*root.as_ptr()).innermost = Some(cur);
                            (*root.as_ptr()).phase = Phase::Delegating;
                        }
                    }
                    return Drove::Yield(y);
                };
                ignored = Some(y);
                // SAFETY: `cur` is the closee or a live level below it (the caller's contract).
                cur = unsafe { kill_up_to(root, cur, target) };
                if cur == root {
                    return Drove::IgnoredClose(ignored.take().expect("set above"));
                }
                // SAFETY: a level below the root always has its parent set.
                cur = unsafe { parent_of(cur) };
                closee = Some(cur);
                Input::Ignored
            }
            Step::Delegate(child, first) => {
                // SAFETY: the child was just produced by `cur`'s body.
                cur = unsafe { enter(cur, child) };
                first
            }
            Step::Return | Step::Closed | Step::Raise(_) | Step::Ignored if cur != root => {
                let was_closee = closee == Some(cur);
                // SAFETY: as above.
                cur = unsafe { parent_of(cur) };
                if was_closee {
                    closee = Some(cur);
                }
                match step {
                    Step::Raise(e) => Input::Throw(e),
                    Step::Ignored => Input::Ignored,
                    Step::Closed => Input::Close,
                    // A closed level returned: its delegator sees the close (PEP 380).
                    _ if was_closee => Input::Close,
                    _ => Input::ChildDone,
                }
            }
            Step::Return => return Drove::Return,
            Step::Closed => return Drove::Closed,
            Step::Ignored => {
                return match ignored {
                    Some(y) => Drove::IgnoredClose(y),
                    // An ignored close raised again outside the close it came from.
                    None => Drove::Closed,
                };
            }
            Step::Raise(e) => return Drove::Raise(e),
            Step::Refused(why, input) => return Drove::Refused(why, input),
        };
        // SAFETY: as above.
        step = unsafe { step_below(root, cur, input) };
    }
}

/// Kills `cur` and every level above it up to `target` (which it may be), innermost first,
/// and returns `target`.
///
/// # Safety
/// `cur` must be `target` or a live level linked below it, in the chain of the live `root`.
unsafe fn kill_up_to<Y, S, E>(
    root: NonNull<Header<Y, S, E>>,
    mut cur: NonNull<Header<Y, S, E>>,
    target: NonNull<Header<Y, S, E>>,
) -> NonNull<Header<Y, S, E>> {
    loop {
        // SAFETY: the caller's contract.
        let killed = unsafe { step_below(root, cur, Input::Kill) };
        debug_assert!(matches!(killed, Step::Closed), "a killed level ends");
        if cur == target {
            return cur;
        }
        // SAFETY: `cur` is below `target`, so it has a parent.
        cur = unsafe { parent_of(cur) };
    }
}

/// Steps `level`, the root or a level below it, through its header. A panic there poisons the
/// root too, as an exception in a sub-generator ends the generators that delegate to it.
///
/// # Safety
/// `root` must be live and `level` the root or a live level linked below it, with provenance
/// over the whole level.
#[inline(always)]
pub(crate) unsafe fn step_below<Y, S, E>(
    root: NonNull<Header<Y, S, E>>,
    level: NonNull<Header<Y, S, E>>,
    input: Input<S, E>,
) -> Step<Y, S, E> {
    let poison = ChainPoisonOnUnwind { root, level };
    // SAFETY: the caller's contract; the step function was made for the level's own type.
    let step = unsafe { ((*level.as_ptr()).step)(level, input) };
    core::mem::forget(poison);
    step
}

/// Marks the root of a chain poisoned if a level's step panics, and records that level, so that
/// dropping the root can end the levels between them one by one (see [`end_poisoned`]).
struct ChainPoisonOnUnwind<Y, S, E> {
    root: NonNull<Header<Y, S, E>>,
    level: NonNull<Header<Y, S, E>>,
}

impl<Y, S, E> Drop for ChainPoisonOnUnwind<Y, S, E> {
    fn drop(&mut self) {
        // SAFETY: a guard lives only within one step of a live chain.
        unsafe {
            let root = &mut *self.root.as_ptr();
            root.phase = Phase::Poisoned;
            root.innermost = (self.level != self.root).then_some(self.level);
        }
    }
}

/// Ends, innermost first, the levels between a poisoned root and the level whose panic
/// poisoned it (which stays as the panic left it), so that dropping the root does not drop a
/// deep chain recursively.
///
/// # Safety
/// `root` must be a live root in the phase `Poisoned`, its chain as the panic left it.
pub(crate) unsafe fn end_poisoned<Y, S, E>(root: NonNull<Header<Y, S, E>>) {
    // SAFETY: the caller's contract: the recorded level and its parents up to the root are
    // live; a level's header outlives the kill of its body, as its parent owns or borrows it.
    unsafe {
        let Some(panicked) = (*root.as_ptr()).innermost.take() else {
            return;
        };
        let mut cur = parent_of(panicked);
        while cur != root {
            let next = parent_of(cur);
            if (*cur.as_ptr()).phase == Phase::Suspended {
                let _ = step_below(root, cur, Input::Kill);
            }
            cur = next;
        }
    }
}

/// Links `child` below `parent` and returns the level to step next: the child, or the innermost
/// level of a chain the child was already driving (a generator delegated to by reference).
///
/// # Safety
/// `child` must be live and pinned in place while `parent`'s body is suspended at the
/// `yield_from!` that produced it.
pub(crate) unsafe fn enter<Y, S, E>(
    parent: NonNull<Header<Y, S, E>>,
    child: NonNull<Header<Y, S, E>>,
) -> NonNull<Header<Y, S, E>> {
    // SAFETY: the caller's contract. The reference is to the header only and ends here;
    // `child` itself, with provenance over the whole level, is what is returned.
    let header = unsafe { &mut *child.as_ptr() };
    header.parent = Some(parent);
    match header.innermost.take() {
        Some(innermost) => {
            // No longer the outermost level of its chain.
            header.phase = Phase::Suspended;
            innermost
        }
        None => child,
    }
}

/// Marks a level poisoned if it is dropped, which happens only while a panic unwinds: made
/// before a poll and forgotten after it.
pub(crate) struct PoisonOnUnwind<Y, S, E>(pub(crate) NonNull<Header<Y, S, E>>);

impl<Y, S, E> Drop for PoisonOnUnwind<Y, S, E> {
    fn drop(&mut self) {
        // SAFETY: a guard lives only within one step of a live level.
        unsafe { (*self.0.as_ptr()).phase = Phase::Poisoned };
    }
}

/// # Safety
/// `level` must be live and below the root of a chain.
unsafe fn parent_of<Y, S, E>(level: NonNull<Header<Y, S, E>>) -> NonNull<Header<Y, S, E>> {
    // SAFETY: the caller's contract.
    unsafe { (*level.as_ptr()).parent }.expect("a delegated level always knows its parent")
}

/// A level of the protocol, as the hidden methods of [`Generator`](crate::Generator) hand it.
pub type Level<Y, S, E> = NonNull<Header<Y, S, E>>;

/// Seals the hidden methods of [`Generator`](crate::Generator) that link a generator into the
/// level protocol: outside this crate the type cannot be named, so those methods cannot be
/// overridden (a wrong level pointer would be unsound).
pub struct Seal(());

impl Seal {
    pub(crate) const fn new() -> Self {
        Self(())
    }
}
