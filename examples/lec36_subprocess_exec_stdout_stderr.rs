//! LEC-36: a child process with its stdout and stderr piped: two reader tasks read a line at
//! a time from each stream, concurrently, and hand every line to a callback; then waiting for
//! the child gives its exit code. It runs twice: a child that succeeds, then one that fails
//! with status 3.
//!
//! How the asyncio names map onto corogen's:
//!
//! | asyncio | corogen |
//! |---|---|
//! | `asyncio.create_subprocess_exec(*cmd, stdout=PIPE, stderr=PIPE)` | `process::Child::spawn(Command::new(..).stdout(Stdio::piped()) ...)` |
//! | `process.stdout`, `process.stderr` (stream readers) | `child.stdout.take()`, `child.stderr.take()` in a [`net::BufReader`] |
//! | `stream.readline()` | `reader.read_line()` |
//! | `asyncio.wait([task1, task2])` | `sys::wait` on each task's handle |
//! | `process.wait()` | `child.wait()`: the child's pidfd waits in the scheduler's poller |
//! | `loop.run_until_complete(...)` | `exec::run(...)` |
//!
//! The Python child is `python -c CODE`; this one is `sh -c SCRIPT`, which prints the same
//! lines to the same streams with the same pauses (4 units of 0.05 s), so the port does not
//! need Python. The stderr line comes 4 units after the first stdout line and `done` 4 units
//! later: that fixes the order of the lines.

use corogen::exec::{self, Reply, SysCall, net, process, sys};
use corogen::prelude::*;
use std::io;
use std::process::{Command, Stdio};

const CHILD: &str = "echo stdout; sleep 0.2; echo stderr >&2; sleep 0.2; echo done";
const FAILING_CHILD: &str = "echo working; sleep 0.2; echo 'something went wrong' >&2; exit 3";

/// Python's `repr` of `bytes`: `b'...'`, printable ASCII as itself, the rest escaped.
fn repr_bytes(bytes: &[u8]) -> String {
    let mut out = String::from("b'");
    for &b in bytes {
        match b {
            b'\n' => out.push_str("\\n"),
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out + "'"
}

/// Reads `stream` a line at a time (asynchronously), handing each line to `cb`.
#[generator(yield = SysCall, send = Reply)]
fn read_stream<S: net::Receive + 'static>(stream: S, cb: fn(&[u8])) -> io::Result<()> {
    let mut reader = net::BufReader::new(stream);
    loop {
        let line = yield_from!(reader.read_line())?;
        if line.is_empty() {
            return Ok(());
        }
        cb(&line);
    }
}

/// Starts the child and two tasks that read its stdout and stderr; then waits for it.
#[generator(yield = SysCall, send = Reply)]
fn stream_subprocess(
    cmd: Vec<String>,
    stdout_cb: fn(&[u8]),
    stderr_cb: fn(&[u8]),
) -> io::Result<i32> {
    let mut command = Command::new(&cmd[0]);
    command
        .args(&cmd[1..])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = process::Child::spawn(&mut command)?;
    let stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    let readers = [
        yield_from!(sys::spawn(read_stream(stdout, stdout_cb))),
        yield_from!(sys::spawn(read_stream(stderr, stderr_cb))),
    ];
    for reader in readers {
        yield_from!(sys::wait(reader)).expect("the reader returned")?;
    }
    let status = yield_from!(child.wait())?;
    Ok(status.code().expect("the child exited"))
}

/// Wraps it all in an event loop.
fn execute(cmd: Vec<String>, stdout_cb: fn(&[u8]), stderr_cb: fn(&[u8])) -> i32 {
    exec::run(stream_subprocess(cmd, stdout_cb, stderr_cb))
        .expect("the task returned")
        .expect("the child ran")
}

fn sh(script: &str) -> Vec<String> {
    ["sh", "-c", script].map(String::from).to_vec()
}

/// Runs the exercise.
pub fn main() {
    let on_stdout: fn(&[u8]) = |x| println!("STDOUT: {}", repr_bytes(x));
    let on_stderr: fn(&[u8]) = |x| println!("STDERR: {}", repr_bytes(x));
    println!("{}", execute(sh(CHILD), on_stdout, on_stderr));
    println!("{}", execute(sh(FAILING_CHILD), on_stdout, on_stderr));
}
