//! The thread pool: more jobs than threads all run, each result delivered once to its own
//! task; the scheduler runs other tasks while a job blocks; a panicking closure is an error
//! and the pool goes on; a task killed while it waits leaves its job's result to be dropped.

use corogen::exec::pool::{Panicked, ThreadPool};
use corogen::exec::{self, Reply, SysCall, TaskEnded, sys};
use corogen::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::time::Duration;

#[test]
fn a_saturated_pool_queues_the_jobs_and_delivers_every_result_once_to_its_task() {
    const JOBS: usize = 24;
    const THREADS: usize = 3;
    /// The jobs running at once now, the most seen, and the gate that holds them until every
    /// job is queued.
    #[derive(Default)]
    struct Running {
        now: AtomicUsize,
        most: AtomicUsize,
        gate: (Mutex<bool>, Condvar),
    }
    impl Running {
        fn pass_the_gate(&self) {
            let (open, opened) = &self.gate;
            let mut open = open.lock().unwrap();
            while !*open {
                open = opened.wait(open).unwrap();
            }
        }
        fn open_the_gate(&self) {
            *self.gate.0.lock().unwrap() = true;
            self.gate.1.notify_all();
        }
    }
    #[generator(yield = SysCall, send = Reply)]
    fn client(pool: ThreadPool, running: Arc<Running>, i: usize) -> Result<usize, Panicked> {
        yield_from!(pool.run(move || {
            let now = running.now.fetch_add(1, Ordering::SeqCst) + 1;
            running.most.fetch_max(now, Ordering::SeqCst);
            running.pass_the_gate();
            running.now.fetch_sub(1, Ordering::SeqCst);
            i * 10
        }))
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(pool: ThreadPool, running: Arc<Running>) -> (Vec<usize>, [usize; 2]) {
        let mut tasks = Vec::new();
        for i in 0..JOBS {
            tasks.push(yield_from!(sys::spawn(client(
                pool.clone(),
                Arc::clone(&running),
                i
            ))));
        }
        // Every client has queued its job by now (each ran as it was spawned), and no job can
        // end before the gate opens: the pool is at its bound, the rest queued.
        let seen = [pool.threads(), pool.queued()];
        running.open_the_gate();
        let mut results = Vec::new();
        for task in tasks {
            results.push(yield_from!(sys::wait(task)).unwrap().unwrap());
        }
        (results, seen)
    }
    let pool = ThreadPool::new(THREADS);
    let running = Arc::new(Running::default());
    let (results, seen) = exec::run(main_task(pool.clone(), Arc::clone(&running))).unwrap();
    assert_eq!(results, (0..JOBS).map(|i| i * 10).collect::<Vec<_>>());
    // The queue holds every job no thread has taken; a thread takes one as it starts.
    assert_eq!(seen[0], THREADS);
    assert!(
        seen[1] >= JOBS - THREADS && seen[1] <= JOBS,
        "{} queued",
        seen[1]
    );
    assert!(running.most.load(Ordering::SeqCst) <= THREADS);
    assert_eq!(pool.queued(), 0);
}

#[test]
fn other_tasks_run_while_a_job_blocks_its_thread() {
    /// Ticks three times, then lets the job finish.
    #[generator(yield = SysCall, send = Reply)]
    fn ticker(log: Rc<RefCell<Vec<String>>>, release: mpsc::Sender<()>) {
        for i in 0..3 {
            log.borrow_mut().push(format!("tick {i}"));
            yield_from!(sys::sleep(Duration::from_millis(1)));
        }
        release.send(()).unwrap();
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(log: Rc<RefCell<Vec<String>>>) {
        let (release, released) = mpsc::channel();
        yield_from!(sys::spawn(ticker(Rc::clone(&log), release)));
        // The job blocks until the ticker, a task of this scheduler, has ticked three times:
        // it could not if the wait blocked the scheduler.
        let answer = yield_from!(sys::to_thread(move || {
            released.recv().unwrap();
            42
        }));
        log.borrow_mut().push(format!("job returned {answer:?}"));
    }
    let log = Rc::default();
    exec::run(main_task(Rc::clone(&log))).unwrap();
    assert_eq!(
        *log.borrow(),
        ["tick 0", "tick 1", "tick 2", "job returned Ok(42)"]
    );
}

/// What a job of the pool came to.
type Outcome = Result<u32, Panicked>;

#[test]
fn a_panicking_closure_is_an_error_and_the_pool_serves_the_next_job() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(pool: ThreadPool) -> [Outcome; 2] {
        let failed = yield_from!(pool.run(|| -> u32 { panic!("disk on fire") }));
        let next = yield_from!(pool.run(|| 7));
        [failed, next]
    }
    let pool = ThreadPool::new(1);
    let [failed, next] = exec::run(main_task(pool.clone())).unwrap();
    let failed = failed.unwrap_err();
    assert_eq!(failed.message, "disk on fire");
    assert_eq!(
        failed.to_string(),
        "the blocking closure panicked: disk on fire"
    );
    assert_eq!(next, Ok(7));
    assert_eq!(pool.threads(), 1, "the thread survived the panic");
}

/// Sends on its channel when it is dropped.
struct Dropped(&'static str, mpsc::Sender<&'static str>);

impl Drop for Dropped {
    fn drop(&mut self) {
        let _ = self.1.send(self.0);
    }
}

#[test]
fn a_task_killed_while_it_waits_for_a_job_runs_its_cleanup_and_the_result_is_dropped() {
    #[generator(yield = SysCall, send = Reply)]
    fn waiting(
        pool: ThreadPool,
        start: mpsc::Receiver<()>,
        drops: mpsc::Sender<&'static str>,
    ) -> Result<(), Panicked> {
        let _cleanup = Dropped("the task's local", drops.clone());
        let result = yield_from!(pool.run(move || {
            start.recv().unwrap();
            Dropped("the job's result", drops)
        }))?;
        drop(result);
        unreachable!("the task is killed before the job ends");
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(
        pool: ThreadPool,
        start: mpsc::Receiver<()>,
        drops: mpsc::Sender<&'static str>,
    ) -> Result<Result<(), Panicked>, TaskEnded> {
        let task = yield_from!(sys::spawn(waiting(pool, start, drops)));
        yield_from!(sys::pause()); // the task submits its job and waits
        yield_from!(sys::kill(task.id())).unwrap();
        yield_from!(sys::wait(task))
    }
    let pool = ThreadPool::new(1);
    let (go, start) = mpsc::channel();
    let (drops, dropped) = mpsc::channel();
    // The scheduler ends once the killed task is gone: nothing waits for the job's wake-up.
    let how = exec::run(main_task(pool.clone(), start, drops)).unwrap();
    assert_eq!(how, Err(TaskEnded::Killed));
    assert_eq!(dropped.try_recv(), Ok("the task's local"));
    // The job runs on; its result has no one to go to, and is dropped on its thread.
    go.send(()).unwrap();
    assert_eq!(
        dropped.recv_timeout(Duration::from_secs(30)),
        Ok("the job's result")
    );
}
