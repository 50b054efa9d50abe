//! A generator dropped while suspended whose close fails reports it to the unraisable hook,
//! as Python reports to `sys.unraisablehook` (one test: the hook is the program's).

use corogen::prelude::*;
use corogen::unraisable::{self, Unraisable, UnraisableKind};
use std::pin::pin;
use std::sync::Mutex;

static REPORTS: Mutex<Vec<Unraisable>> = Mutex::new(Vec::new());

fn collect(report: &Unraisable) {
    REPORTS.lock().unwrap().push(*report);
}

#[derive(Debug)]
struct Oops;

#[generator(yield = u8)]
fn stubborn() {
    loop {
        let _ = try_yield!(1);
    }
}

#[generator(yield = u8, throw = Oops)]
fn raises_on_close() {
    if try_yield!(1).is_err() {
        raise_!(Oops);
    }
}

#[generator(yield = u8)]
fn well_behaved() {
    yield_!(1);
}

#[test]
fn failed_closes_on_drop_reach_the_hook_and_clean_ones_do_not() {
    let previous = unraisable::set_unraisable_hook(collect);
    {
        let mut g = pin!(stubborn());
        g.start().unwrap();
    }
    {
        let mut g = pin!(raises_on_close());
        g.start().unwrap();
    }
    {
        let mut g = pin!(well_behaved());
        g.start().unwrap();
    }
    {
        // Closed by hand first: the caller saw the outcome, nothing to report.
        let mut g = pin!(stubborn());
        g.start().unwrap();
        assert_eq!(g.close(), Err(CloseError::Ignored(1)));
    }
    unraisable::set_unraisable_hook(previous);
    let reports = std::mem::take(&mut *REPORTS.lock().unwrap());
    let kinds: Vec<_> = reports.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [UnraisableKind::IgnoredClose, UnraisableKind::Raised]
    );
    assert!(
        reports[0].generator.contains("stubborn"),
        "{}",
        reports[0].generator
    );
    assert_eq!(reports[0].value_type, "u8");
    assert!(
        reports[1].value_type.ends_with("Oops"),
        "{}",
        reports[1].value_type
    );
    assert!(reports[1].to_string().contains("raised"), "{}", reports[1]);
}
