//! LEC-12: Beazley's scheduler with I/O system calls: an echo server and its per-client
//! handlers are coroutines that wait for readiness (`ReadWait` / `WriteWait`), and the
//! scheduler's I/O task polls the OS for them. It serves two clients of a scripted client on
//! 127.0.0.1 (an ephemeral port) and ends by itself.
//!
//! `yield ReadWait(sock)` is `yield_from!(sys::readable(&sock))` and `yield WriteWait(client)`
//! is `yield_from!(sys::writable(&client))`; then the socket is read or written directly, as
//! in Python. The I/O task is a task of the scheduler like Beazley's `io_task` (here started
//! when a task first waits for I/O): it is task 2, and it ends when it is the only task left.
//! The scripted client runs in a thread, prints nothing itself, and its results are printed
//! after the loop. A watchdog thread bounds the run, as the lecture's `signal.alarm(20)`; it ends
//! when `main` returns.

use corogen::exec::{Reply, Scheduler, SysCall, sys};
use corogen::prelude::*;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

// ---- echo server as generator coroutines ----

#[generator(yield = SysCall, send = Reply)]
fn handle_client(client: TcpStream, n: u32) -> io::Result<()> {
    println!("[server] client {n} connected");
    let mut buf = [0; 1024];
    loop {
        yield_from!(sys::readable(&client))?;
        let len = (&client).read(&mut buf)?;
        if len == 0 {
            break;
        }
        let data = &buf[..len];
        println!("[server] client {n} sent {}", String::from_utf8_lossy(data));
        yield_from!(sys::writable(&client))?;
        (&client).write_all(data)?;
    }
    drop(client);
    println!("[server] client {n} closed");
    Ok(())
}

#[generator(yield = SysCall, send = Reply)]
fn server(sock: TcpListener, nclients: u32) -> io::Result<()> {
    println!("[server] listening");
    for n in 1..=nclients {
        yield_from!(sys::readable(&sock))?;
        let (client, _addr) = sock.accept()?;
        client.set_nonblocking(true)?;
        let task = yield_from!(sys::spawn(handle_client(client, n)));
        println!("[server] client {n} handled by task {}", task.id());
    }
    drop(sock);
    println!("[server] done accepting");
    Ok(())
}

// ---- scripted client (thread); records, prints nothing ----

fn scripted_client(port: u16, results: &Mutex<Vec<String>>) -> io::Result<()> {
    for n in 1..=2 {
        let mut c = TcpStream::connect(("127.0.0.1", port))?;
        c.set_read_timeout(Some(Duration::from_secs(5)))?;
        for msg in [&b"hello"[..], b"world"] {
            c.write_all(msg)?;
            let mut got = Vec::new();
            let mut chunk = [0; 1024];
            while got.len() < msg.len() {
                let len = c.read(&mut chunk)?;
                if len == 0 {
                    break;
                }
                got.extend_from_slice(&chunk[..len]);
            }
            let line = format!("client {n} got {}", String::from_utf8_lossy(&got));
            results.lock().unwrap().push(line);
        }
        c.shutdown(Shutdown::Write)?;
        let mut chunk = [0; 1024];
        while c.read(&mut chunk)? > 0 {} // wait until the server has closed its side
        results.lock().unwrap().push(format!("client {n} saw EOF"));
    }
    Ok(())
}

/// Runs the exercise.
pub fn main() {
    // Hard bound: the watchdog exits the process after 20 s, unless `main` returns first and
    // drops `_finished`, which ends the watchdog (the tour runs later exercises after this one).
    let (_finished, until_finished) = mpsc::channel::<()>();
    thread::spawn(move || {
        if let Err(RecvTimeoutError::Timeout) = until_finished.recv_timeout(Duration::from_secs(20))
        {
            eprintln!("LEC-12 did not finish in 20 s");
            std::process::exit(1);
        }
    });
    let lsock = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    lsock.set_nonblocking(true).expect("non-blocking listener");
    let port = lsock.local_addr().expect("bound").port();

    let results = Arc::new(Mutex::new(Vec::new()));
    let client = {
        let results = Arc::clone(&results);
        thread::spawn(move || scripted_client(port, &results))
    };
    let mut sched = Scheduler::new();
    sched.on_exit(|id, _| println!("Task {id} terminated"));
    sched.spawn(server(lsock, 2));
    sched.run().expect("the OS poller works");
    client
        .join()
        .expect("the client thread ran")
        .expect("the client talked to the server");
    println!("event loop finished");
    for line in results.lock().unwrap().iter() {
        println!("[client] {line}");
    }
}
