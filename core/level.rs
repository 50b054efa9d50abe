//! The level protocol: how the outermost generator of a delegation chain steps any level of it
//! directly, and the channel between a generator and the yield points of its body.
//!
//! A generator's own state is one [`Word`]: its phase, or, while it leads a chain whose
//! innermost level yielded, a pointer to the [`Link`] through which that level is reached. The
//! bookkeeping of a delegation lives in the `yield_from!` point that makes it: its link records
//! the delegate's [`Level`] (where it is and the function that steps its own body) and the link
//! of the level above. So a generator that never delegates carries none of it, and a resume of
//! a chain costs one step whatever its depth: a level is only re-entered when the level below
//! it finishes.

use core::ptr::{self, NonNull};

use crate::{Refusal, Status};

/// The type-erased step of one level: resume this level's own body (never its delegate).
///
/// # Safety
/// The pointer must be the [`Word`] that starts a live, pinned level of the concrete type the
/// function was made for, with provenance for that whole level.
pub(crate) type StepFn<Y, S, E> = unsafe fn(NonNull<Word>, Input<S, E>) -> Step<Y, S, E>;

/// A level of the protocol: the word its state starts with, and the function that steps its
/// own body. The hidden methods of [`Generator`](crate::Generator) hand a generator's level.
pub struct Level<Y, S, E> {
    pub(crate) word: NonNull<Word>,
    pub(crate) step: StepFn<Y, S, E>,
}

impl<Y, S, E> Clone for Level<Y, S, E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Y, S, E> Copy for Level<Y, S, E> {}

/// How a `yield_from!` point reaches its delegate, and how the chain goes back up from it.
pub(crate) struct Link<Y, S, E> {
    /// The delegate.
    pub(crate) level: Level<Y, S, E>,
    /// The link through which the level that owns this point is reached; `None` when that
    /// level is the outermost one of the chain.
    pub(crate) parent: Option<NonNull<Link<Y, S, E>>>,
}

/// The state word every level starts with (each is `repr(C)` with it first).
///
/// Small values are phases; `0` is the phase of a suspended generator, so the test of the
/// fast path is one compare with zero. A larger, aligned value is a pointer to the link of the
/// innermost level of the chain this generator leads (it is suspended, delegating). The same
/// pointer tagged ([`POISON_TAG`]) records, in a poisoned generator, the level whose panic
/// poisoned it.
#[repr(transparent)]
pub struct Word(*mut ());

// SAFETY: a word is a phase or a pointer into the state of the generator that holds it (the
// links of its body's `yield_from!` points), which moves and is shared with it; the generator's
// own `Send` and `Sync` bounds decide.
unsafe impl Send for Word {}
// SAFETY: as above; through a shared reference a word is only read.
unsafe impl Sync for Word {}

/// Suspended at a yield point of its own body.
pub(crate) const SUSPENDED: usize = 0;
/// Made, never resumed.
pub(crate) const CREATED: usize = 1;
/// Returned; the return value waits in the generator until it is taken.
pub(crate) const RETURNED: usize = 2;
/// Finished, nothing left in it.
pub(crate) const FINISHED: usize = 3;
/// Poisoned by a panic below it, after the levels in between were ended
/// ([`end_poisoned`]): its body, suspended at a `yield_from!`, is still to be dropped.
pub(crate) const POISONED: usize = 4;
/// Its body panicked while polled, or a local's drop panicked while the body was dropped:
/// poisoned, nothing left to drop.
pub(crate) const DEAD: usize = 5;
/// Above this, the word is a pointer.
const PHASES: usize = 8;
/// The tag of a poisoned generator's record of the level that panicked. On x86-64 the top bit,
/// which no user-space address has (canonical user addresses are the lower half, with linear
/// address masking too), so that "delegating" is one signed compare:
/// `PHASES <= word < 1 << 63`. Elsewhere (AArch64, say, may tag pointers in the top byte) the
/// low bit, free in an aligned link.
#[cfg(target_arch = "x86_64")]
const POISON_TAG: usize = 1 << 63;
#[cfg(not(target_arch = "x86_64"))]
const POISON_TAG: usize = 1;

impl Word {
    /// A phase.
    pub(crate) const fn phase(phase: usize) -> Self {
        Self(ptr::without_provenance_mut(phase))
    }

    /// A phase, or [`PHASES`] and above for a pointer.
    #[inline(always)]
    pub(crate) fn get(&self) -> usize {
        self.0.addr()
    }

    #[inline(always)]
    pub(crate) fn set(&mut self, phase: usize) {
        *self = Self::phase(phase);
    }

    #[inline(always)]
    pub(crate) fn is_suspended(&self) -> bool {
        self.0.is_null()
    }

    /// Leads a chain whose innermost level is reached through `link`.
    pub(crate) fn delegating<Y, S, E>(link: NonNull<Link<Y, S, E>>) -> Self {
        Self(link.as_ptr().cast())
    }

    /// Poisoned by the panic of the level reached through `link` (see [`POISON_TAG`]).
    fn poisoned_at<Y, S, E>(link: NonNull<Link<Y, S, E>>) -> Self {
        Self(link.as_ptr().cast::<()>().map_addr(|a| a | POISON_TAG))
    }

    /// The innermost link of the chain this generator leads, if it is delegating.
    #[inline]
    pub(crate) fn link<Y, S, E>(&self) -> Option<NonNull<Link<Y, S, E>>> {
        let a = self.get();
        let link = if cfg!(target_arch = "x86_64") {
            (a as isize) >= PHASES as isize
        } else {
            a >= PHASES && a & POISON_TAG == 0
        };
        if link {
            NonNull::new(self.0.cast())
        } else {
            None
        }
    }

    /// The link of the level whose panic poisoned this generator, if one below it did.
    pub(crate) fn poisoned_link<Y, S, E>(&self) -> Option<NonNull<Link<Y, S, E>>> {
        let a = self.get();
        if a >= PHASES && a & POISON_TAG != 0 {
            NonNull::new(self.0.map_addr(|a| a & !POISON_TAG).cast())
        } else {
            None
        }
    }

    pub(crate) fn is_poisoned(&self) -> bool {
        matches!(self.get(), POISONED | DEAD)
            || (self.get() >= PHASES && self.get() & POISON_TAG != 0)
    }

    pub(crate) fn status(&self) -> Status {
        match self.get() {
            SUSPENDED => Status::Suspended,
            CREATED => Status::Created,
            RETURNED | FINISHED => Status::Finished,
            POISONED | DEAD => Status::Poisoned,
            a if a & POISON_TAG != 0 => Status::Poisoned,
            _ => Status::Suspended,
        }
    }
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

/// What a body is polled with: nothing (it runs to its first yield point), or what the yield
/// point it is suspended at takes. A yield point tells its arrival from its resumption by this.
pub(crate) enum In<S, E> {
    Empty,
    Send(S),
    Throw(E),
    Close,
    ChildDone,
    Ignored,
}

/// What a body left in the channel when it suspended.
pub(crate) enum Out<Y, S, E> {
    /// Nothing: it waited on something that is not a yield point.
    None,
    Yield(Y),
    Raise(E),
    /// The body let a close it caught go on: it ends as if it had not caught it.
    Exit,
    /// The body let an ignored close of its delegate go on ([`Input::Ignored`]).
    Ignored,
    /// Step into the level of this link next, with this input.
    Delegate(NonNull<Link<Y, S, E>>, Input<S, E>),
}

/// The channel of one poll of a body, a local of that poll lent through its waker.
pub(crate) struct Channel<Y, S, E> {
    pub(crate) input: In<S, E>,
    pub(crate) out: Out<Y, S, E>,
}

/// What one step of one level produced.
pub(crate) enum Step<Y, S, E> {
    Yield(Y),
    /// Step into the level of this link next, with this input.
    Delegate(NonNull<Link<Y, S, E>>, Input<S, E>),
    /// Finished with a return value, which the level keeps until it is taken.
    Return,
    Raise(E),
    /// Finished by a close (or a kill) without a return value.
    Closed,
    /// Finished by letting an ignored close of its delegate go on ([`Input::Ignored`]).
    Ignored,
    /// The input was not delivered.
    Refused(Refusal, Input<S, E>),
}

/// The outcome of driving a whole chain from its outermost level.
pub(crate) enum Drove<Y, S, E> {
    Yield(Y),
    Return,
    Raise(E),
    Closed,
    /// A level yielded this value while the chain was being closed.
    IgnoredClose(Y),
    Refused(Refusal, Input<S, E>),
}

/// Ties a level to the types it yields, is sent and is thrown, keeping it `Send`, `Sync` and
/// invariant in them.
pub(crate) type Types<Y, S, E> = core::marker::PhantomData<fn(Y, S, E) -> (Y, S, E)>;

/// A level of the chain being driven: the root (`None`), or the level reached through a link.
type At<Y, S, E> = Option<NonNull<Link<Y, S, E>>>;

/// Drives the chain whose outermost level is `root`, from the `step` that level `cur` has just
/// taken, to the chain's next yield or its end. `closing` says that `step` is `cur`'s answer to
/// a close of the chain.
///
/// Every level, the root too, is stepped through its level's function, so this loop is made
/// once per `Y`, `S`, `E`, not once per generator body.
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
/// `root` must be a live pinned level, `cur` the root or a live link below it, and every link
/// a step produces must be in a live, pinned body of this chain and reach a live pinned level
/// that stays put while the delegation is active.
pub(crate) unsafe fn drive<Y, S, E>(
    root: Level<Y, S, E>,
    mut cur: At<Y, S, E>,
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
                    if let Some(link) = cur {
                        // SAFETY: `root` is live.
                        unsafe { *root.word.as_ptr() = Word::delegating(link) };
                    }
                    return Drove::Yield(y);
                };
                ignored = Some(y);
                // SAFETY: `cur` is the closee or a live level below it.
                let Some(link) = (unsafe { kill_up_to(root, cur, target) }) else {
                    return Drove::IgnoredClose(ignored.take().expect("set above"));
                };
                // SAFETY: the links of the chain are live.
                cur = unsafe { (*link.as_ptr()).parent };
                closee = Some(cur);
                Input::Ignored
            }
            Step::Delegate(child, first) => {
                // SAFETY: the link was just produced by `cur`'s body.
                cur = Some(unsafe { enter(cur, child) });
                first
            }
            Step::Return | Step::Closed | Step::Raise(_) | Step::Ignored if cur.is_some() => {
                let was_closee = closee == Some(cur);
                // SAFETY: as above.
                cur = unsafe { (*cur.expect("checked above").as_ptr()).parent };
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
        step = unsafe { step_at(root, cur, input) };
    }
}

/// Resumes the chain whose outermost level is `root` at the level `at` (the root, or the
/// innermost link of the chain it leads) with `input`, and drives it to its next yield or its
/// end. `closing` says that `input` is a close of the chain. A send that the innermost level
/// answers with a yield returns at once, without entering the loop of [`drive`].
///
/// # Safety
/// As for [`drive`]; `at` must be `None` when the root does not lead a chain.
#[inline(always)]
pub(crate) unsafe fn resume_chain<Y, S, E>(
    root: Level<Y, S, E>,
    at: At<Y, S, E>,
    input: Input<S, E>,
    closing: bool,
) -> Drove<Y, S, E> {
    // SAFETY: the caller's contract.
    unsafe {
        match step_at(root, at, input) {
            // The root's word still records `at`, which yielded.
            Step::Yield(y) if !closing => Drove::Yield(y),
            step => drive(root, at, step, closing),
        }
    }
}

/// Resumes the chain whose outermost level is `root` with `input`, from its innermost link if it
/// delegates, else from the root, to the chain's next yield or its end. Out of line and made
/// once per `Y`, `S`, `E`: the cold paths of every generator of those types share it.
///
/// # Safety
/// As for [`drive`], `root` leading the chain its word records, if any.
#[inline(never)]
pub(crate) unsafe fn resume_root<Y, S, E>(
    root: Level<Y, S, E>,
    input: Input<S, E>,
) -> Drove<Y, S, E> {
    let closing = matches!(input, Input::Close);
    // SAFETY: the caller's contract.
    let link = unsafe { (*root.word.as_ptr()).link::<Y, S, E>() };
    if link.is_some() && matches!(input, Input::Start) {
        return Drove::Refused(crate::Refusal::AlreadyStarted, Input::Start);
    }
    // SAFETY: the caller's contract; `link` is the innermost link of the chain `root` leads.
    unsafe { resume_chain(root, link, input, closing) }
}

/// Closes the generator `root` as it is dropped (Python closes a generator when it is
/// collected). A failed close has no caller to go to, so it goes to the unraisable hook, with
/// `generator`, the name of the body's type. A return value is left in the generator.
///
/// # Safety
/// As for [`resume_root`].
#[cold]
#[inline(never)]
pub(crate) unsafe fn close_dropped<Y, S, E>(root: Level<Y, S, E>, generator: &'static str) {
    use crate::unraisable::{self, Unraisable, UnraisableKind};
    // SAFETY: the caller's contract.
    let (kind, value_type) = match unsafe { resume_root(root, Input::Close) } {
        Drove::IgnoredClose(_) => (UnraisableKind::IgnoredClose, core::any::type_name::<Y>()),
        Drove::Raise(_) => (UnraisableKind::Raised, core::any::type_name::<E>()),
        _ => return,
    };
    unraisable::report(Unraisable {
        kind,
        generator,
        value_type,
    });
}

/// What a resume of the outermost generator came to: a yield of its own body (it is still
/// suspended at its own yield point), or anything else. A cold path may also hand back a yield
/// of the innermost level of a chain as `Yield`: the callers that care test the word again.
pub(crate) enum Own<Y, R, S, E> {
    Yield(Y),
    Other(crate::Resumed<Y, R, S, E>),
}

impl<Y, R, S, E> Own<Y, R, S, E> {
    #[inline(always)]
    pub(crate) fn resumed(self) -> crate::Resumed<Y, R, S, E> {
        match self {
            Own::Yield(y) => crate::Resumed::Yielded(y),
            Own::Other(r) => r,
        }
    }
}

/// Polls a level's body with an input, to the step it comes to (`Gen`'s, for its type).
pub(crate) type PollFn<Y, S, E> = unsafe fn(NonNull<Word>, In<S, E>) -> Step<Y, S, E>;
/// Drops a level's body and finishes it.
pub(crate) type DropFn = unsafe fn(NonNull<Word>);
/// Takes a returned generator's return value.
pub(crate) type TakeFn<R> = unsafe fn(NonNull<Word>) -> Option<R>;

/// The step of a generator's own body for every input and phase but a send to a suspended
/// body: the phases' rules, made once per `Y`, `S`, `E`, around the body's own `poll` and
/// `drop_body`.
///
/// # Safety
/// `word` must start a live pinned generator, with provenance over it, of the type `poll` and
/// `drop_body` were made for.
#[inline(never)]
pub(crate) unsafe fn step_phases<Y, S, E>(
    word: NonNull<Word>,
    input: Input<S, E>,
    poll: PollFn<Y, S, E>,
    drop_body: DropFn,
) -> Step<Y, S, E> {
    // SAFETY: the caller's contract; the reference ends before the body is polled or dropped.
    let phase = unsafe { &mut *word.as_ptr() };
    let input = match phase.get() {
        SUSPENDED => match input {
            Input::Send(s) => In::Send(s),
            Input::Throw(e) => In::Throw(e),
            Input::Close => In::Close,
            Input::ChildDone => In::ChildDone,
            Input::Ignored => In::Ignored,
            Input::Kill => {
                // SAFETY: the caller's contract.
                unsafe { drop_body(word) };
                return Step::Closed;
            }
            Input::Start => return Step::Refused(crate::Refusal::AlreadyStarted, Input::Start),
        },
        CREATED => match input {
            Input::Start => {
                phase.set(SUSPENDED);
                In::Empty
            }
            Input::Send(s) => return Step::Refused(crate::Refusal::NotStarted, Input::Send(s)),
            Input::Throw(e) => {
                // SAFETY: the caller's contract.
                unsafe { drop_body(word) };
                return Step::Raise(e);
            }
            Input::Close | Input::Kill => {
                // SAFETY: the caller's contract.
                unsafe { drop_body(word) };
                return Step::Closed;
            }
            Input::ChildDone | Input::Ignored => unreachable_state(),
        },
        _ if matches!(input, Input::Close | Input::Kill) && phase.link::<Y, S, E>().is_none() => {
            return Step::Closed;
        }
        RETURNED | FINISHED => return Step::Refused(crate::Refusal::Finished, input),
        _ if phase.is_poisoned() => return Step::Refused(crate::Refusal::Poisoned, input),
        // Delegating: only a start can come here (the chain steps the innermost level).
        _ => match input {
            Input::Start => return Step::Refused(crate::Refusal::AlreadyStarted, Input::Start),
            _ => unreachable_state(),
        },
    };
    // SAFETY: the caller's contract.
    unsafe { poll(word, input) }
}

/// What the cold paths of an outermost generator need of its type: its step function and how
/// to take its return value. A constant per generator type, so that a cold path is handed one
/// pointer.
pub(crate) struct RootFns<Y, S, E, R> {
    pub(crate) step: StepFn<Y, S, E>,
    pub(crate) take: TakeFn<R>,
}

/// A send to the outermost generator at `word` when it is not suspended at its own yield point,
/// made once per `Y`, `R`, `S`, `E`: to a delegating generator, the innermost level is stepped
/// directly, and a yield there comes back at once; anything else goes on in [`resume_cold`].
///
/// # Safety
/// As for [`resume_root`], for the level of `word` and `fns.step`; `fns` made for its type.
#[inline(never)]
pub(crate) unsafe fn send_cold<Y, R, S, E>(
    word: NonNull<Word>,
    s: S,
    fns: &RootFns<Y, S, E, R>,
) -> Own<Y, R, S, E> {
    let root = Level {
        word,
        step: fns.step,
    };
    // SAFETY: the caller's contract.
    let Some(link) = (unsafe { (*word.as_ptr()).link::<Y, S, E>() }) else {
        // SAFETY: as above.
        return unsafe { resume_cold(root, crate::Resume::Send(s), fns.take) };
    };
    // SAFETY: the caller's contract: `link` is the innermost link of the chain `root` leads,
    // in a body of the chain, which keeps it pinned.
    match unsafe { step_at(root, Some(link), Input::Send(s)) } {
        // The word still records `link`, which yielded.
        Step::Yield(y) => Own::Yield(y),
        // SAFETY: as above.
        step => Own::Other(unsafe { went_on(word, step, fns) }),
    }
}

/// The rest of [`send_cold`], out of line so that its common path keeps a small frame.
///
/// # Safety
/// As for [`send_cold`], the root still recording the link that was stepped.
#[cold]
#[inline(never)]
unsafe fn went_on<Y, R, S, E>(
    word: NonNull<Word>,
    step: Step<Y, S, E>,
    fns: &RootFns<Y, S, E, R>,
) -> crate::Resumed<Y, R, S, E> {
    let root = Level {
        word,
        step: fns.step,
    };
    // SAFETY: the caller's contract: the word records the link that was stepped.
    unsafe {
        let link = (*word.as_ptr()).link::<Y, S, E>();
        outcome(root, drive(root, link, step, false), fns.take)
    }
}

/// Every other resume of the outermost generator `root` (and a send to one that can take
/// none), made once per `Y`, `R`, `S`, `E`: the chain is resumed from where it is.
///
/// # Safety
/// As for [`send_cold`].
#[inline(never)]
pub(crate) unsafe fn resume_cold<Y, R, S, E>(
    root: Level<Y, S, E>,
    arg: crate::Resume<S, E>,
    take: TakeFn<R>,
) -> Own<Y, R, S, E> {
    use crate::Resume;
    let input = match arg {
        Resume::Send(s) => Input::Send(s),
        Resume::Start => Input::Start,
        Resume::Throw(e) => Input::Throw(e),
        Resume::Close => Input::Close,
    };
    // SAFETY: the caller's contract.
    Own::Other(unsafe { outcome(root, resume_root(root, input), take) })
}

/// Drives the chain `root` leads from `step`, the root's own, and says what it came to.
///
/// # Safety
/// As for [`resume_cold`].
#[inline(never)]
pub(crate) unsafe fn settle_root<Y, R, S, E>(
    root: Level<Y, S, E>,
    step: Step<Y, S, E>,
    take: TakeFn<R>,
) -> crate::Resumed<Y, R, S, E> {
    // SAFETY: the caller's contract.
    unsafe { outcome(root, drive(root, None, step, false), take) }
}

/// What driving the chain `root` leads came to, as a resume's outcome.
///
/// # Safety
/// As for [`resume_cold`].
unsafe fn outcome<Y, R, S, E>(
    root: Level<Y, S, E>,
    drove: Drove<Y, S, E>,
    take: TakeFn<R>,
) -> crate::Resumed<Y, R, S, E> {
    use crate::{Resume, Resumed};
    match drove {
        Drove::Yield(y) => Resumed::Yielded(y),
        // SAFETY: the caller's contract.
        Drove::Return => match unsafe { take(root.word) } {
            Some(r) => Resumed::Complete(r),
            None => unreachable_state(),
        },
        Drove::Raise(e) => Resumed::Raised(e),
        Drove::Closed => Resumed::Closed,
        Drove::IgnoredClose(y) => Resumed::IgnoredClose(y),
        Drove::Refused(why, input) => Resumed::Refused(
            why,
            match input {
                Input::Send(s) => Resume::Send(s),
                Input::Throw(e) => Resume::Throw(e),
                Input::Close | Input::Kill | Input::Ignored => Resume::Close,
                Input::Start | Input::ChildDone => Resume::Start,
            },
        ),
    }
}

/// Kills the level at `cur` and every level above it up to `target` (which it may be),
/// innermost first, and returns `target`.
///
/// # Safety
/// `cur` must be `target` or a live level below it, in the chain of the live `root`.
unsafe fn kill_up_to<Y, S, E>(
    root: Level<Y, S, E>,
    mut cur: At<Y, S, E>,
    target: At<Y, S, E>,
) -> At<Y, S, E> {
    loop {
        // SAFETY: the caller's contract.
        let killed = unsafe { step_at(root, cur, Input::Kill) };
        debug_assert!(matches!(killed, Step::Closed), "a killed level ends");
        if cur == target {
            return cur;
        }
        // SAFETY: `cur` is below `target`, so it is a link, which lives in the level above it.
        cur = unsafe { (*cur.expect("below the target").as_ptr()).parent };
    }
}

/// Steps the level at `at`, the root or one below it. A panic there poisons the root too, as
/// an exception in a sub-generator ends the generators that delegate to it.
///
/// # Safety
/// `root` must be live and `at` the root or a live link below it.
#[inline(always)]
pub(crate) unsafe fn step_at<Y, S, E>(
    root: Level<Y, S, E>,
    at: At<Y, S, E>,
    input: Input<S, E>,
) -> Step<Y, S, E> {
    let level = match at {
        // SAFETY: the caller's contract.
        Some(link) => unsafe { (*link.as_ptr()).level },
        None => {
            // The root runs again: the chain below it has ended. (Its word kept the innermost
            // link while the levels below were stepped.)
            // SAFETY: the caller's contract.
            let word = unsafe { &mut *root.word.as_ptr() };
            if word.link::<Y, S, E>().is_some() {
                word.set(SUSPENDED);
            }
            root
        }
    };
    let poison = ChainPoisonOnUnwind { root, at };
    // SAFETY: the caller's contract; the step function was made for the level's own type.
    let step = unsafe { (level.step)(level.word, input) };
    core::mem::forget(poison);
    step
}

/// Marks the root of a chain poisoned if a level's step panics, and records that level, so that
/// dropping the root can end the levels between them one by one (see [`end_poisoned`]).
struct ChainPoisonOnUnwind<Y, S, E> {
    root: Level<Y, S, E>,
    at: At<Y, S, E>,
}

impl<Y, S, E> Drop for ChainPoisonOnUnwind<Y, S, E> {
    fn drop(&mut self) {
        // The root's own step marks the root (poisoned with its body, or with nothing left).
        if let Some(link) = self.at {
            // SAFETY: a guard lives only within one step of a live chain.
            unsafe { *self.root.word.as_ptr() = Word::poisoned_at(link) };
        }
    }
}

/// Ends, innermost first, the levels between a root poisoned by a level below it and that
/// level (which stays as the panic left it), so that dropping the root does not drop a deep
/// chain recursively. The root is left poisoned with its body to drop.
///
/// # Safety
/// `root` must be a live root poisoned by a level below it, its chain as the panic left it.
pub(crate) unsafe fn end_poisoned<Y, S, E>(root: Level<Y, S, E>) {
    // SAFETY: the caller's contract: the recorded link and the links above it are live, each
    // in the body of the level above it, which is ended after it.
    unsafe {
        let Some(panicked) = (*root.word.as_ptr()).poisoned_link::<Y, S, E>() else {
            return;
        };
        *root.word.as_ptr() = Word::phase(POISONED);
        let mut cur = (*panicked.as_ptr()).parent;
        while let Some(link) = cur {
            let next = (*link.as_ptr()).parent;
            let level = (*link.as_ptr()).level;
            if (*level.word.as_ptr()).is_suspended() {
                let _ = (level.step)(level.word, Input::Kill);
            }
            cur = next;
        }
    }
}

/// Links the level of `child` below the level at `parent` and returns the link to step next:
/// `child`, or the innermost link of a chain its level was already leading (a generator
/// delegated to by reference).
///
/// # Safety
/// `child` must be live, in the body of the level at `parent`, suspended at the `yield_from!`
/// that produced it.
pub(crate) unsafe fn enter<Y, S, E>(
    parent: At<Y, S, E>,
    child: NonNull<Link<Y, S, E>>,
) -> NonNull<Link<Y, S, E>> {
    // SAFETY: the caller's contract; a level's word is its first field, and the links of the
    // chain a level leads are live in its body.
    unsafe {
        (*child.as_ptr()).parent = parent;
        let word = (*child.as_ptr()).level.word.as_ptr();
        let Some(innermost) = (*word).link::<Y, S, E>() else {
            return child;
        };
        // No longer the outermost level of its chain: the top of that chain now hangs below
        // `child`.
        *word = Word::phase(SUSPENDED);
        let mut top = innermost;
        while let Some(up) = (*top.as_ptr()).parent {
            top = up;
        }
        (*top.as_ptr()).parent = Some(child);
        innermost
    }
}

/// Marks a level poisoned if it is dropped, which happens only while a panic unwinds out of
/// a poll of its body: made before the poll and forgotten after it.
///
/// The body is left as it is, not dropped: a body is an `async` block, and one that a panic
/// unwound through has dropped its live locals on the way and owns nothing any more. So the
/// level is `DEAD`, with nothing left to drop, and no out-of-line call on the unwind path
/// keeps a generator driven in one function from living in registers.
pub(crate) struct PoisonOnUnwind<'a>(pub(crate) &'a mut Word);

impl Drop for PoisonOnUnwind<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        self.0.set(DEAD);
    }
}

/// Seals the hidden methods of [`Generator`](crate::Generator) that link a generator into the
/// level protocol: outside this crate the type cannot be named, so those methods cannot be
/// overridden (a wrong level pointer would be unsound).
pub struct Seal(());

impl Seal {
    pub(crate) const fn new() -> Self {
        Self(())
    }
}

/// A panic for a state the protocol never reaches: argument-free, so that the many sites that
/// rule a state out cost the bodies they are inlined into one call.
#[cold]
#[inline(never)]
#[track_caller]
pub(crate) fn unreachable_state() -> ! {
    panic!("corogen: a generator reached a state its protocol rules out")
}
