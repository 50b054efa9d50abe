//! Child processes: output read line by line as it comes from two pipes, input written to a
//! pipe, a child killed mid-output, exit statuses waited for through the pidfd, and a task
//! killed while it waits for a child leaving the poller.

mod polled;

use corogen::exec::net::BufReader;
use corogen::exec::process::{Child, ChildStderr, ChildStdout};
use corogen::exec::{self, Reply, SysCall, TaskEnded, net, sys};
use corogen::prelude::*;
use polled::{epoll_entries, serial};
use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

fn sh(script: &str) -> Command {
    let mut command = Command::new("sh");
    command.args(["-c", script]);
    command
}

/// Every line of `stream`, until its end.
#[generator(yield = SysCall, send = Reply)]
fn lines<S: net::Receive + 'static>(stream: S) -> io::Result<Vec<String>> {
    let mut reader = BufReader::new(stream);
    let mut lines = Vec::new();
    loop {
        let line = yield_from!(reader.read_line())?;
        if line.is_empty() {
            return Ok(lines);
        }
        lines.push(String::from_utf8(line).expect("UTF-8"));
    }
}

type Lines = Vec<String>;

/// An exit code (`None`: killed by a signal).
type Code = Option<i32>;

#[test]
fn stdout_and_stderr_are_read_line_by_line_in_two_tasks_then_the_exit_code() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task() -> io::Result<(Lines, Lines, Code)> {
        let mut command =
            sh("echo out1; echo err1 >&2; sleep 0.01; echo out2; echo err2 >&2; exit 3");
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = Child::spawn(&mut command)?;
        let stdout: ChildStdout = child.stdout.take().unwrap();
        let stderr: ChildStderr = child.stderr.take().unwrap();
        let out = yield_from!(sys::spawn(lines(stdout)));
        let err = yield_from!(sys::spawn(lines(stderr)));
        let status = yield_from!(child.wait())?;
        let out = yield_from!(sys::wait(out)).unwrap()?;
        let err = yield_from!(sys::wait(err)).unwrap()?;
        Ok((out, err, status.code()))
    }
    let _serial = serial();
    let (out, err, code) = exec::run(main_task()).unwrap().unwrap();
    assert_eq!(out, ["out1\n", "out2\n"]);
    assert_eq!(err, ["err1\n", "err2\n"]);
    assert_eq!(code, Some(3));
}

#[test]
fn what_is_written_to_stdin_comes_back_from_cat_once_stdin_is_closed() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task() -> io::Result<(Vec<u8>, bool)> {
        let mut command = Command::new("cat");
        command.stdin(Stdio::piped()).stdout(Stdio::piped());
        let mut child = Child::spawn(&mut command)?;
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        // More than a pipe holds (64 KiB): the writer waits for room while the reader reads.
        let big = vec![b'x'; 200_000];
        let writer = yield_from!(sys::spawn(feed(stdin, big)));
        let echoed = yield_from!(stdout.read_to_end())?;
        yield_from!(sys::wait(writer)).unwrap()?;
        Ok((echoed, yield_from!(child.wait())?.success()))
    }
    #[generator(yield = SysCall, send = Reply)]
    fn feed(stdin: corogen::exec::process::ChildStdin, data: Vec<u8>) -> io::Result<()> {
        yield_from!(stdin.send_all(&data))
        // `stdin` is dropped here: cat reads the end of its input.
    }
    let _serial = serial();
    let (echoed, success) = exec::run(main_task()).unwrap().unwrap();
    assert_eq!(echoed.len(), 200_000);
    assert!(echoed.iter().all(|&b| b == b'x'));
    assert!(success);
}

#[test]
fn a_child_killed_mid_output_ends_its_stream_and_its_status_is_the_signal() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task() -> io::Result<(Lines, ExitStatus)> {
        let mut command = sh("i=0; while :; do echo line $i; i=$((i+1)); sleep 0.01; done");
        command.stdout(Stdio::piped());
        let mut child = Child::spawn(&mut command)?;
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = Vec::new();
        for _ in 0..3 {
            first.push(String::from_utf8(yield_from!(stdout.read_line())?).unwrap());
        }
        child.kill()?;
        let status = yield_from!(child.wait())?;
        // Killing again, once it is gone, is no error.
        child.kill()?;
        // The shell's `sleep` may hold the pipe a little longer; the stream still ends.
        yield_from!(stdout.read_to_end())?;
        Ok((first, status))
    }
    let _serial = serial();
    let (first, status) = exec::run(main_task()).unwrap().unwrap();
    assert_eq!(first, ["line 0\n", "line 1\n", "line 2\n"]);
    assert_eq!(status.signal(), Some(9));
}

#[test]
fn waiting_for_a_child_that_has_exited_returns_its_status_at_once() {
    #[generator(yield = SysCall, send = Reply)]
    fn main_task(mut child: Child) -> io::Result<[Code; 2]> {
        let status = yield_from!(child.wait())?;
        let again = yield_from!(child.wait())?;
        Ok([status.code(), again.code()])
    }
    let _serial = serial();
    let mut child = Child::spawn(&mut sh("exit 7")).unwrap();
    // Reaped here, before the task waits.
    while child.try_wait().unwrap().is_none() {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(
        exec::run(main_task(child)).unwrap().unwrap(),
        [Some(7), Some(7)]
    );
}

/// How a task ended.
type Exit = Result<(), TaskEnded>;

/// Kills the process `pid` when dropped: the cleanup of a killed task.
struct KillOnDrop(u32);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let pid = rustix::process::Pid::from_raw(self.0 as i32).unwrap();
        rustix::process::kill_process(pid, rustix::process::Signal::KILL).unwrap();
    }
}

#[test]
fn killing_a_task_that_waits_for_a_child_deletes_the_wait_from_the_poller_and_runs_cleanup() {
    #[generator(yield = SysCall, send = Reply)]
    fn waiting(mut child: Child) -> io::Result<ExitStatus> {
        let _cleanup = KillOnDrop(child.id());
        yield_from!(child.wait())
    }
    #[generator(yield = SysCall, send = Reply)]
    fn main_task() -> (usize, usize, u32, Exit) {
        yield_from!(sys::sleep(Duration::from_millis(1))); // makes the poller
        let before = epoll_entries();
        let child = Child::spawn(Command::new("sleep").arg("30")).unwrap();
        let pid = child.id();
        let task = yield_from!(sys::spawn(waiting(child)));
        yield_from!(sys::pause());
        let during = epoll_entries() - before;
        yield_from!(sys::kill(task.id())).unwrap();
        let after = epoll_entries() - before;
        (during, after, pid, yield_from!(sys::wait(task)).map(drop))
    }
    let _serial = serial();
    let (during, after, pid, how) = exec::run(main_task()).unwrap();
    assert_eq!((during, after), (1, 0));
    assert_eq!(how, Err(TaskEnded::Killed));
    // The cleanup killed the child; reap it here.
    let pid = rustix::process::Pid::from_raw(pid as i32).unwrap();
    let (_, status) = rustix::process::waitpid(Some(pid), rustix::process::WaitOptions::empty())
        .unwrap()
        .unwrap();
    assert_eq!(status.terminating_signal(), Some(9));
}
