//! What a generator dropped while suspended could not report: Python's "unraisable" errors.
//!
//! Dropping a suspended generator closes it, as Python does when a generator is collected. A
//! close can fail: the body may yield instead of finishing, or raise an error while it cleans
//! up. [`close`](crate::GeneratorExt::close) reports that to its caller, but a drop has no
//! caller to report to, so it goes to the *unraisable hook*, as Python's goes to
//! `sys.unraisablehook`. The default hook writes one line to standard error; a program may set
//! its own with [`set_unraisable_hook`], to log, count or silence them.
//!
//! ```
//! use corogen::prelude::*;
//! use corogen::unraisable::{self, Unraisable, UnraisableKind};
//! use std::pin::pin;
//! use std::sync::atomic::{AtomicUsize, Ordering};
//!
//! static IGNORED: AtomicUsize = AtomicUsize::new(0);
//!
//! fn count(report: &Unraisable) {
//!     if report.kind == UnraisableKind::IgnoredClose {
//!         IGNORED.fetch_add(1, Ordering::Relaxed);
//!     }
//! }
//!
//! #[generator(yield = u32)]
//! fn stubborn() {
//!     loop {
//!         let _ = try_yield!(1); // catches the close and yields again
//!     }
//! }
//!
//! let previous = unraisable::set_unraisable_hook(count);
//! {
//!     let mut g = pin!(stubborn());
//!     g.start().unwrap();
//! } // dropped while suspended: the close is ignored
//! unraisable::set_unraisable_hook(previous);
//! assert_eq!(IGNORED.load(Ordering::Relaxed), 1);
//! ```

use core::fmt;
use std::sync::RwLock;

/// How the close of a dropped generator failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnraisableKind {
    /// The body yielded instead of finishing (Python's `RuntimeError: generator ignored
    /// GeneratorExit`).
    IgnoredClose,
    /// The body raised an error while it was being closed.
    Raised,
}

/// A failed close of a generator that was dropped while suspended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Unraisable {
    /// How the close failed.
    pub kind: UnraisableKind,
    /// The type of the generator's body, which names the `#[generator]` function it was made by.
    pub generator: &'static str,
    /// The type of the error it raised (its throw type), or of the value it yielded.
    pub value_type: &'static str,
}

impl fmt::Display for Unraisable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            UnraisableKind::IgnoredClose => write!(
                f,
                "a generator dropped while suspended ignored its close (it yielded a `{}` \
                 instead of finishing): {}",
                self.value_type, self.generator
            ),
            UnraisableKind::Raised => write!(
                f,
                "a generator dropped while suspended raised a `{}` while it was closed: {}",
                self.value_type, self.generator
            ),
        }
    }
}

/// A hook that receives the failed closes of dropped generators.
pub type UnraisableHook = fn(&Unraisable);

static HOOK: RwLock<UnraisableHook> = RwLock::new(print_unraisable);

/// The default hook: one line on standard error, as Python prints "Exception ignored in".
pub fn print_unraisable(report: &Unraisable) {
    eprintln!("corogen: {report}");
}

/// A hook that drops every report.
pub fn ignore_unraisable(_: &Unraisable) {}

/// Sets the hook for the whole program and returns the one it replaces.
pub fn set_unraisable_hook(hook: UnraisableHook) -> UnraisableHook {
    let mut current = HOOK
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    core::mem::replace(&mut current, hook)
}

/// Hands `report` to the hook.
#[cold]
#[inline(never)]
pub(crate) fn report(report: Unraisable) {
    let hook = *HOOK.read().unwrap_or_else(|poisoned| poisoned.into_inner());
    hook(&report);
}
