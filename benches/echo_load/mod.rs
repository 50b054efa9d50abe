//! The echo load generator: one thread, one `polling` loop over `conns` non-blocking
//! connections to 127.0.0.1, each doing `round_trips` echoes of `size` bytes one after the
//! other (send, read the whole echo back, check it, send again). Bounded: fixed counts, and
//! an error once `bound` has passed.
//!
//! It runs in a process of its own (the echo benchmark starts it), so that on a two-core
//! machine the client and the server each get a core rather than the client's threads
//! crowding the server's.

use polling::{Event, Events, Poller};
use std::io::{self, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// What one load run asks for.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub port: u16,
    pub conns: usize,
    pub round_trips: usize,
    pub size: usize,
    pub bound: Duration,
}

/// What one load run measured.
#[derive(Debug, Clone)]
pub struct Report {
    pub round_trips: usize,
    pub elapsed: Duration,
    /// Every round trip's time, sorted.
    pub latencies: Vec<Duration>,
}

impl Report {
    pub fn per_second(&self) -> f64 {
        self.round_trips as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency at quantile `q` (0.5 is the median).
    pub fn latency(&self, q: f64) -> Duration {
        let i = ((self.latencies.len() as f64 - 1.0) * q).round() as usize;
        self.latencies[i]
    }
}

/// One connection: its message, how far its current round trip has come, when it began.
struct Client {
    stream: TcpStream,
    msg: Vec<u8>,
    sent: usize,
    got: usize,
    echo: Vec<u8>,
    done: usize,
    began: Instant,
}

impl Client {
    /// Writes what is left of the message; `true` once all of it is sent.
    fn send(&mut self) -> io::Result<bool> {
        while self.sent < self.msg.len() {
            match self.stream.write(&self.msg[self.sent..]) {
                Ok(0) => return Err(ErrorKind::WriteZero.into()),
                Ok(n) => self.sent += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }

    /// Reads what has come of the echo; `true` once all of it is here.
    fn receive(&mut self) -> io::Result<bool> {
        while self.got < self.msg.len() {
            match self.stream.read(&mut self.echo[self.got..]) {
                Ok(0) => return Err(ErrorKind::UnexpectedEof.into()),
                Ok(n) => self.got += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if self.echo != self.msg {
            return Err(io::Error::other("the echo differs from the message"));
        }
        Ok(true)
    }

    /// Starts the next round trip.
    fn restart(&mut self) {
        (self.sent, self.got, self.began) = (0, 0, Instant::now());
    }
}

/// Runs one load: every connection does its round trips; returns what was measured.
pub fn run(load: Load) -> io::Result<Report> {
    let deadline = Instant::now() + load.bound;
    let poller = Poller::new()?;
    let mut clients = Vec::with_capacity(load.conns);
    for c in 0..load.conns {
        let stream = TcpStream::connect(("127.0.0.1", load.port))?;
        stream.set_nodelay(true)?;
        stream.set_nonblocking(true)?;
        let msg = (0..load.size).map(|k| (c * 7 + k) as u8).collect();
        let echo = vec![0; load.size];
        let began = Instant::now();
        let (sent, got, done) = (0, 0, 0);
        clients.push(Client {
            stream,
            msg,
            sent,
            got,
            echo,
            done,
            began,
        });
    }
    let result = drive(&poller, &mut clients, load, deadline);
    for client in &clients {
        poller.delete(&client.stream)?;
    }
    result
}

fn drive(
    poller: &Poller,
    clients: &mut [Client],
    load: Load,
    deadline: Instant,
) -> io::Result<Report> {
    let start = Instant::now();
    for (key, client) in clients.iter_mut().enumerate() {
        // SAFETY: every stream is deleted from the poller (in `run`) before it is dropped.
        unsafe { poller.add(&client.stream, Event::none(key))? };
        client.restart();
        let sent = client.send()?;
        poller.modify(&client.stream, Event::new(key, sent, !sent))?;
    }
    let mut latencies = Vec::with_capacity(load.conns * load.round_trips);
    let mut events = Events::new();
    let mut active = clients.len();
    while active > 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(
                ErrorKind::TimedOut,
                "the load did not finish",
            ));
        }
        events.clear();
        poller.wait(&mut events, Some(left))?;
        for ev in events.iter() {
            let client = &mut clients[ev.key];
            let mut sent = client.sent == client.msg.len() || client.send()?;
            while sent && client.receive()? {
                latencies.push(client.began.elapsed());
                client.done += 1;
                if client.done == load.round_trips {
                    active -= 1;
                    break;
                }
                client.restart();
                sent = client.send()?;
            }
            if client.done < load.round_trips {
                poller.modify(&client.stream, Event::new(ev.key, sent, !sent))?;
            }
        }
    }
    let elapsed = start.elapsed();
    latencies.sort_unstable();
    let round_trips = latencies.len();
    Ok(Report {
        round_trips,
        elapsed,
        latencies,
    })
}
