//! LEC-50: a shell command with its stdout piped (asyncio's `create_subprocess_shell`): the
//! program reads the child's output with `read(1024)` as it arrives, processing each chunk on
//! the fly, until the read gives nothing (the end of the stream); then waiting for the child
//! gives its exit code.
//!
//! `create_subprocess_shell(command, stdout=PIPE)` is a `Command::new("sh").args(["-c",
//! command])` with `stdout(Stdio::piped())`, spawned as a [`process::Child`];
//! `process.stdout.read(1024)` is `reader.read(1024)` on a [`net::BufReader`] over the child's
//! stdout, and each read waits in the scheduler's poller until the pipe has data.
//!
//! The lecture's `zip - some_big_file` (zip may not be installed) is, in the Python program, a
//! small Python child that copies the file to its stdout in 4096-byte blocks with a short
//! pause after each. Here the shell does the same with `dd`, one 4096-byte block at a time,
//! each followed by `sleep 0.01`. The number of reads is not printed: how the pipe splits the
//! data depends on timing.

use corogen::exec::{self, Reply, SysCall, net, process};
use corogen::prelude::*;
use std::io;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Copies the file `$1` to stdout in 4096-byte blocks, pausing after each.
const COPY_IN_BLOCKS: &str = r#"
blocks=$(( ($(wc -c < "$1") + 4095) / 4096 ))
i=0
while [ $i -lt $blocks ]; do
    dd if="$1" bs=4096 skip=$i count=1 status=none
    sleep 0.01
    i=$((i + 1))
done
"#;

#[generator(yield = SysCall, send = Reply)]
fn async_main(some_big_file: PathBuf) -> io::Result<()> {
    let mut command = Command::new("sh");
    command
        .args(["-c", COPY_IN_BLOCKS, "sh"])
        .arg(&some_big_file)
        .stdout(Stdio::piped());
    let mut process = process::Child::spawn(&mut command)?;
    let mut stdout = net::BufReader::new(process.stdout.take().expect("piped"));

    let (mut total, mut lines, mut largest) = (0, 0, 0);
    let mut chunks = Vec::new();
    loop {
        let buf = yield_from!(stdout.read(1024))?;
        if buf.is_empty() {
            break;
        }
        // The processing on the fly: count, and keep the chunk.
        total += buf.len();
        lines += buf.iter().filter(|&&b| b == b'\n').count();
        largest = largest.max(buf.len());
        chunks.push(buf);
    }

    let py_bool = |b: bool| if b { "True" } else { "False" };
    println!("bytes read: {total}");
    println!("lines read: {lines}");
    println!(
        "every read() returned at most 1024 bytes: {}",
        py_bool(largest <= 1024)
    );
    let all = chunks.concat();
    println!(
        "same bytes as some_big_file: {}",
        py_bool(all == std::fs::read(&some_big_file)?)
    );
    let text = String::from_utf8_lossy(&all);
    println!("last line: {}", text.lines().last().unwrap_or(""));
    let status = yield_from!(process.wait())?;
    println!("exit code: {}", status.code().expect("the child exited"));
    Ok(())
}

/// Runs the exercise.
pub fn main() {
    let dir = std::env::temp_dir().join(format!("lec50-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let some_big_file = dir.join("some_big_file");
    let text: String = (0..1000)
        .map(|i| format!("line {i:04} of some_big_file\n"))
        .collect();
    std::fs::write(&some_big_file, text).expect("some_big_file written");

    exec::run(async_main(some_big_file))
        .expect("main returned")
        .expect("the child ran");
    std::fs::remove_dir_all(&dir).expect("the temporary directory removed");
}
