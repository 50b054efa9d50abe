//! Waiting for several tasks: gather, try_gather, as_completed and TaskGroup. Finishing order
//! comes from deadlines on a common base instant, so it is the same however loaded the machine.

mod common;

use common::Log;
use corogen::exec::{self, Cancelled, Failed, Reply, SysCall, TaskEnded, TaskGroup, sys};
use corogen::prelude::*;
use std::time::{Duration, Instant};

/// Ends at `base + units` ms, logging it; fails as told.
#[generator(yield = SysCall, send = Reply, throw = Cancelled)]
fn late(log: Log, base: Instant, units: u64, fate: Fate) -> Result<u64, String> {
    let at = base + Duration::from_millis(units);
    if let Err(cancelled) = try_yield_from!(sys::sleep_until(at)) {
        yield_from!(sys::pause()); // cleanup with a system call
        log.push(format!("{units} cancelled"));
        raise_!(cancelled);
    }
    match fate {
        Fate::Returns => {
            log.push(format!("{units} done"));
            Ok(units)
        }
        Fate::Errs => {
            log.push(format!("{units} errs"));
            Err(format!("{units} went wrong"))
        }
        Fate::Panics => panic!("{units} panicked"),
    }
}

#[derive(Clone, Copy)]
enum Fate {
    Returns,
    Errs,
    Panics,
}

use Fate::{Errs, Panics, Returns};

#[test]
fn gather_keeps_each_outcome_in_argument_order() {
    type Outcomes = Vec<Result<Result<u64, String>, TaskEnded>>;
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Outcomes {
        let base = Instant::now();
        let mut handles = Vec::new();
        for (units, fate) in [(3, Returns), (1, Panics), (2, Errs)] {
            handles.push(yield_from!(sys::spawn(late(
                log.clone(),
                base,
                units,
                fate
            ))));
        }
        yield_from!(exec::gather(handles))
    }
    let log = Log::default();
    let outcomes = exec::run(main_task(log.clone())).unwrap();
    assert_eq!(
        outcomes,
        [
            Ok(Ok(3)),
            Err(TaskEnded::Panicked("1 panicked".into())),
            Ok(Err("2 went wrong".into()))
        ]
    );
    assert_eq!(log.take(), ["2 errs", "3 done"]);
}

#[test]
fn try_gather_reports_the_first_failure_in_time_and_the_others_run_on() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Result<Vec<u64>, Failed<String>> {
        let base = Instant::now();
        let mut handles = Vec::new();
        for (units, fate) in [(1, Returns), (4, Errs), (2, Errs), (3, Returns)] {
            handles.push(yield_from!(sys::spawn(late(
                log.clone(),
                base,
                units,
                fate
            ))));
        }
        let outcome = yield_from!(exec::try_gather(handles));
        log.push("try_gather returned");
        yield_from!(sys::sleep_until(base + Duration::from_millis(5)));
        outcome
    }
    let log = Log::default();
    assert_eq!(
        exec::run(main_task(log.clone())),
        Ok(Err(Failed::Error("2 went wrong".into())))
    );
    assert_eq!(
        log.take(),
        [
            "1 done",
            "2 errs",
            "try_gather returned",
            "3 done",
            "4 errs"
        ]
    );
}

#[test]
fn as_completed_gives_the_tasks_in_the_order_they_end() {
    #[generator(yield = SysCall, send = Reply)]
    fn quick() -> u64 {
        0
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Vec<(usize, u64)> {
        let base = Instant::now();
        let mut handles = Vec::new();
        for units in [3, 1, 2] {
            handles.push(yield_from!(sys::spawn(late(
                log.clone(),
                base,
                units,
                Returns
            ))));
        }
        let done_early = yield_from!(sys::spawn(quick()));
        yield_from!(sys::pause());
        let mut done = exec::as_completed(handles);
        let mut order = Vec::new();
        while let Some((index, outcome)) = yield_from!(done.next_completed()) {
            order.push((index, outcome.unwrap().unwrap()));
        }
        let mut early = exec::as_completed([done_early]);
        order.push(
            yield_from!(early.next_completed())
                .map(|(i, r)| (i, r.unwrap()))
                .unwrap(),
        );
        assert!(yield_from!(early.next_completed()).is_none());
        order
    }
    let log = Log::default();
    assert_eq!(
        exec::run(main_task(log.clone())),
        Ok(vec![(1, 1), (2, 2), (0, 3), (0, 0)])
    );
}

#[test]
fn a_task_group_cancels_the_siblings_of_the_first_failure_and_reports_it() {
    type Outcomes = (Result<(), Failed<String>>, Vec<String>);
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Outcomes {
        let base = Instant::now();
        let mut group = TaskGroup::new();
        let mut handles = Vec::new();
        for (units, fate) in [(1, Returns), (2, Panics), (3, Errs), (9, Returns)] {
            let task = late(log.clone(), base, units, fate);
            handles.push(yield_from!(group.spawn_fallible(task)));
        }
        log.push(format!("{} running", group.running()));
        let first = yield_from!(group.join());
        let mut outcomes = Vec::new();
        for h in handles {
            outcomes.push(format!("{:?}", h.take_outcome().unwrap()));
        }
        (first, outcomes)
    }
    let log = Log::default();
    let (first, outcomes) = exec::run(main_task(log.clone())).unwrap();
    assert_eq!(
        first,
        Err(Failed::Ended(TaskEnded::Panicked("2 panicked".into())))
    );
    assert_eq!(
        outcomes,
        [
            "Ok(Ok(1))",
            "Err(Panicked(\"2 panicked\"))",
            "Err(Cancelled)",
            "Err(Cancelled)"
        ]
    );
    assert_eq!(
        log.take(),
        ["4 running", "1 done", "3 cancelled", "9 cancelled"]
    );
}

#[test]
fn a_task_group_reports_an_error_returned_first() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Result<(), Failed<String>> {
        let base = Instant::now();
        let mut group = TaskGroup::new();
        for (units, fate) in [(2, Panics), (1, Errs)] {
            yield_from!(group.spawn_fallible(late(log.clone(), base, units, fate)));
        }
        yield_from!(group.join())
    }
    let log = Log::default();
    assert_eq!(
        exec::run(main_task(log.clone())),
        Ok(Err(Failed::Error("1 went wrong".into())))
    );
    assert_eq!(log.take(), ["1 errs", "2 cancelled"]);
}

#[test]
fn a_task_group_of_plain_tasks_ends_when_all_have_ended() {
    #[generator(yield = SysCall, send = Reply)]
    fn plain(log: Log, base: Instant, units: u64) -> u64 {
        yield_from!(sys::sleep_until(base + Duration::from_millis(units)));
        log.push(format!("{units}"));
        units
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log) -> Vec<u64> {
        let base = Instant::now();
        let mut group = TaskGroup::<()>::new();
        let mut handles = Vec::new();
        for units in [3, 1, 2] {
            handles.push(yield_from!(group.spawn(plain(log.clone(), base, units))));
        }
        yield_from!(group.join()).unwrap();
        log.push("joined");
        handles
            .iter()
            .map(|h| h.take_outcome().unwrap().unwrap())
            .collect()
    }
    let log = Log::default();
    assert_eq!(exec::run(main_task(log.clone())), Ok(vec![3, 1, 2]));
    assert_eq!(log.take(), ["1", "2", "3", "joined"]);
}

#[test]
fn dropping_a_task_group_or_ending_its_owner_cancels_its_tasks() {
    #[generator(yield = SysCall, send = Reply, throw = Cancelled)]
    fn owner(log: Log, base: Instant, how: &'static str) {
        let mut group = TaskGroup::new();
        for units in [5, 6] {
            yield_from!(group.spawn_fallible(late(log.clone(), base, units, Returns)));
        }
        match how {
            "drops" => drop(group),
            _ => {
                let _ = yield_from!(group.join());
            }
        }
        yield_from!(sys::sleep_until(base + Duration::from_millis(60_000)));
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Log, how: &'static str) -> Result<(), TaskEnded> {
        let base = Instant::now();
        let o = yield_from!(sys::spawn(owner(log.clone(), base, how)));
        yield_from!(sys::pause());
        yield_from!(sys::pause());
        match how {
            "is killed" => yield_from!(sys::kill(o.id()))?,
            "is cancelled" => yield_from!(sys::cancel(o.id()))?,
            _ => {}
        }
        yield_from!(sys::sleep_until(base + Duration::from_millis(8)));
        log.push(format!("owner that {how}: {:?}", o.take_outcome()));
        yield_from!(sys::kill(o.id())).or(Ok(()))
    }
    for how in ["drops", "is killed", "is cancelled"] {
        let log = Log::default();
        exec::run(main_task(log.clone(), how)).unwrap().unwrap();
        let outcome = match how {
            "drops" => "None",
            "is killed" => "Some(Err(Killed))",
            _ => "Some(Err(Cancelled))",
        };
        assert_eq!(
            log.take(),
            [
                "5 cancelled".to_owned(),
                "6 cancelled".to_owned(),
                format!("owner that {how}: {outcome}")
            ],
            "the owner that {how}"
        );
    }
}
