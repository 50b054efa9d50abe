//! The tour: every lecture exercise, in lecture order, each under a `== LEC-NN: title ==`
//! header. Run it with `cargo run --example tour`.
//!
//! Each exercise is its own example (`examples/lecNN_*.rs`, listed in `examples/README.md`),
//! included here as a module and run through its `main`.

#[path = "lec01_get_squares_iteration.rs"]
mod lec01;
#[path = "lec02_get_squares_send.rs"]
mod lec02;
#[path = "lec03_for_loop_wrapper_drops_send.rs"]
mod lec03;
#[path = "lec04_yield_from_forwards_send.rs"]
mod lec04;
#[path = "lec05_calculate_root_chain.rs"]
mod lec05;
#[path = "lec06_coroutine_without_yields.rs"]
mod lec06;
#[path = "lec07_return_value_on_completion.rs"]
mod lec07;
#[path = "lec08_yield_from_iterable.rs"]
mod lec08;
#[path = "lec09_cash_return_coro.rs"]
mod lec09;
#[path = "lec10_beazley_trampoline.rs"]
mod lec10;
#[path = "lec11_scheduler_new_task.rs"]
mod lec11;
#[path = "lec12_scheduler_echo_server.rs"]
mod lec12;
#[path = "lec13_yield_from_twice.rs"]
mod lec13;
#[path = "lec14_yield_from_return_values.rs"]
mod lec14;
#[path = "lec15_return_tuple_of_results.rs"]
mod lec15;
#[path = "lec16_send_into_task.rs"]
mod lec16;
#[path = "lec17_mult_values_lost.rs"]
mod lec17;
#[path = "lec18_mult_values_seen.rs"]
mod lec18;
#[path = "lec19_two_tasks_main_loop.rs"]
mod lec19;
#[path = "lec20_two_tasks_show_x.rs"]
mod lec20;
#[path = "lec21_deque_round_robin.rs"]
mod lec21;
#[path = "lec22_single_use_generator.rs"]
mod lec22;
#[path = "lec23_generator_function_basics.rs"]
mod lec23;
#[path = "lec24_fib_infinite.rs"]
mod lec24;
#[path = "lec25_pipeline_digit_sums.rs"]
mod lec25;
#[path = "lec26_context_manager_cursor.rs"]
mod lec26;
#[path = "lec27_select_server_generators.rs"]
mod lec27;
#[path = "lec28_echo_gen.rs"]
mod lec28;
#[path = "lec29_close_on_drop.rs"]
mod lec29;
#[path = "lec30_running_mean_two_instances.rs"]
mod lec30;
#[path = "lec31_return_value_in_stopiteration.rs"]
mod lec31;
#[path = "lec32_mean_with_sentinel_return.rs"]
mod lec32;
#[path = "lec33_yield_from_passes_everything.rs"]
mod lec33;
#[path = "lec34_recursive_permutations.rs"]
mod lec34;
#[path = "lec35_echo_protocol_and_streams.rs"]
mod lec35;
#[path = "lec36_subprocess_exec_stdout_stderr.rs"]
mod lec36;
#[path = "lec37_say_after_sequential_awaits.rs"]
mod lec37;
#[path = "lec38_gather_taskgroup_late.rs"]
mod lec38;
#[path = "lec39_coroutine_object_and_missing_await.rs"]
mod lec39;
#[path = "lec40_async_iterator_generator_with.rs"]
mod lec40;
#[path = "lec41_create_task_interleaving.rs"]
mod lec41;
#[path = "lec42_as_completed_order.rs"]
mod lec42;
#[path = "lec43_gather_taskgroup_errors.rs"]
mod lec43;
#[path = "lec44_timeout_wait_for_cancel.rs"]
mod lec44;
#[path = "lec45_sleep0_lock_semaphore.rs"]
mod lec45;
#[path = "lec46_event_condition_barrier.rs"]
mod lec46;
#[path = "lec47_queue_producer_consumers.rs"]
mod lec47;
#[path = "lec48_streams_echo_server_client.rs"]
mod lec48;
#[path = "lec49_check_free_as_completed.rs"]
mod lec49;
#[path = "lec50_subprocess_shell_pipe.rs"]
mod lec50;
#[path = "lec51_to_thread_run_in_executor.rs"]
mod lec51;
#[path = "lec52_crawler_queue_workers_event.rs"]
mod lec52;

/// The exercises in lecture order: id, what it shows, and its `main`.
#[rustfmt::skip]
const TOUR: &[(&str, &str, fn())] = &[
    ("01", "get_squares: a generator in a for loop and driven by next()", lec01::main),
    ("02", "send() repositions get_squares; next() sends None", lec02::main),
    ("03", "a for loop that re-yields does not forward send()", lec03::main),
    ("04", "yield_from! forwards send()", lec04::main),
    ("05", "a two-level yield_from! chain: sends reach the innermost generator", lec05::main),
    ("06", "a coroutine without yields completes on its first resume", lec06::main),
    ("07", "yield 1; yield 2; return 3: the return value on completion", lec07::main),
    ("08", "yield_from! an iterable", lec08::main),
    ("09", "a receive/produce coroutine; try_yield! sees close()", lec09::main),
    ("10", "Beazley's trampoline: a task's call stack of generators", lec10::main),
    ("11", "a round-robin scheduler with system calls: NewTask", lec11::main),
    ("12", "a scheduler with a selector: an echo server of generator tasks", lec12::main),
    ("13", "delegating to the same generator function twice", lec13::main),
    ("14", "yield_from! evaluates to the sub-generator's return value", lec14::main),
    ("15", "a delegator returns its sub-generators' results", lec15::main),
    ("16", "send() into a running generator; next() sends None", lec16::main),
    ("17", "values sent to the delegator's own yield are lost", lec17::main),
    ("18", "the delegator keeps the values sent to its own yield", lec18::main),
    ("19", "a main loop interleaves two delegating coroutines", lec19::main),
    ("20", "which sent value lands where, in two interleaved coroutines", lec20::main),
    ("21", "round robin over a queue of coroutines until each completes", lec21::main),
    ("22", "a generator is single-use; lazy iterators feed min, sort, any, all", lec22::main),
    ("23", "generator function basics: next(), collect, for", lec23::main),
    ("24", "an infinite Fibonacci generator stopped by break", lec24::main),
    ("25", "a lazy pipeline of generators over a file of integers", lec25::main),
    ("26", "a generator as a context manager: commit, or rollback on a thrown error", lec26::main),
    ("27", "a select()-style echo server, one generator per connection", lec27::main),
    ("28", "an echo coroutine: send, next, close", lec28::main),
    ("29", "dropping a suspended generator closes it; try_yield! sees the close", lec29::main),
    ("30", "two independent running-mean coroutines", lec30::main),
    ("31", "yield 1; return 2: the return value on completion", lec31::main),
    ("32", "a running mean that returns its result when sent None", lec32::main),
    ("33", "yield_from! passes yields, sends, throws and the return value", lec33::main),
    ("34", "recursive permutations with yield_from!(Box::pin(..))", lec34::main),
    ("35", "an echo server as a Protocol and as a reader/writer coroutine", lec35::main),
    ("36", "a child's stdout and stderr read line by line, then its exit code", lec36::main),
    ("37", "an await chain: the delays add up; awaiting a task gives its value", lec37::main),
    ("38", "gather and TaskGroup: finish order B C A, results in argument order", lec38::main),
    ("39", "calling a coroutine function only makes the coroutine; the forgotten await", lec39::main),
    ("40", "an async iterator, an async generator and an async context manager as coroutines", lec40::main),
    ("41", "tasks made with create_task interleave; two awaits run one after the other", lec41::main),
    ("42", "as_completed gives the tasks in the order they finish", lec42::main),
    ("43", "one task fails: gather, gather keeping every outcome, a TaskGroup cancelling the rest", lec43::main),
    ("44", "timeouts and cancellation, with a cleanup that waits", lec44::main),
    ("45", "sys::pause() gives the turn; a lost update and a Lock; a Semaphore(2)", lec45::main),
    ("46", "an Event, a Condition with wait_for, a Barrier(3)", lec46::main),
    ("47", "a bounded Queue between a producer and two consumers; task_done and join; cancel", lec47::main),
    ("48", "stream echo server and client; read_line and read_exact framing", lec48::main),
    ("49", "a domain check: refused and hanging connects, answers as_completed", lec49::main),
    ("50", "a shell child's output read in chunks of at most 1024 bytes", lec50::main),
    ("51", "blocking work: called directly, on a pool thread, in an executor", lec51::main),
    ("52", "a breadth-first crawler: 20 workers, a Queue, an Event, cancel and gather", lec52::main),
];

fn main() {
    for (i, (id, title, run)) in TOUR.iter().enumerate() {
        if i > 0 {
            println!();
        }
        println!("== LEC-{id}: {title} ==");
        run();
    }
}
