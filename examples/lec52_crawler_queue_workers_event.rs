//! LEC-52: a breadth-first crawler. Twenty worker tasks take page names from a `Queue`, fetch
//! each page's links over HTTP, record where every new link came from and queue it; the first
//! worker to see the target sets an `Event`; `main` then cancels the workers, gathers them and
//! prints the path. The "Wikipedia API" is a local HTTP server on 127.0.0.1 built on the same
//! streams.
//!
//! How the asyncio names map onto corogen's:
//!
//! | asyncio | corogen |
//! |---|---|
//! | `asyncio.Queue()`, `queue.get()`, `queue.put_nowait(x)` | [`sync::Queue`], `yield_from!(queue.get())`, `queue.put_nowait(x)` |
//! | `asyncio.Event()`, `done.set()`, `await done.wait()` | [`sync::Event`], `done.set()`, `yield_from!(done.wait())` |
//! | `asyncio.create_task(worker(client))` ×20 | `sys::create_task(worker(..))` ×20 |
//! | `w.cancel()`; `gather(*workers, return_exceptions=True)` | `sys::cancel(w.id())`; `exec::gather(workers)`: each outcome is `Err(TaskEnded::Cancelled)` |
//! | `asyncio.start_server(wiki_api, ...)` | a [`net::TcpListener`] whose accept loop spawns `wiki_api` per connection |
//! | `open_connection`, `readuntil(b'\r\n\r\n')`, `readexactly(n)` | `net::TcpStream::connect`, `read_until(b"\r\n\r\n")`, `read_exact(n)` |
//! | `try: ... finally: writer.close()` | the stream is dropped however the request ends: returned, failed or cancelled |
//!
//! Standard library only, as in Python: the JSON of the answers is written and read by the
//! few lines below (strings with `\uXXXX` escapes, as `json.dumps` writes them), and so are
//! the URL's percent-escapes.
//!
//! The page delays make every answer that arrives before the target is found come 1 unit (of
//! 0.05 s) apart, and every other request still pending when `main` cancels the workers.
//! After the target is seen, the same worker goes on to take 'Джордж Оруэлл' without waiting
//! (the queue is not empty), and the worker woken first takes 'Карл Маркс', both before `main`
//! resumes: this is why those two are printed as processed. The server is stopped by killing
//! its accept loop; the answers still pending are cancelled when `main` returns (asyncio.run's
//! rule), and print nothing.

use corogen::exec::sync::{Event, Queue};
use corogen::exec::{self, Reply, SysCall, TaskEnded, net, sys};
use corogen::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

const UNIT: Duration = Duration::from_millis(50);

// ---- a stand-in for the Wikipedia API ----

/// `page: (answer delay in units, links on the page)`.
const PAGES: &[(&str, u32, &[&str])] = &[
    (
        "Python",
        1,
        &["Apple", "Гвидо ван Россум", "1991 год", "Монти Пайтон"],
    ),
    ("Apple", 1, &["iPhone", "Антиутопия", "Стив Джобс"]),
    ("Гвидо ван Россум", 2, &["Нидерланды", "Монти Пайтон"]),
    ("Монти Пайтон", 6, &["Комедия"]),
    ("iPhone", 2, &["Смартфон", "2007 год"]),
    (
        "Антиутопия",
        3,
        &["Джордж Оруэлл", "Карл Маркс", "1984 (роман)"],
    ),
    ("Стив Джобс", 4, &["Apple"]),
    ("Нидерланды", 3, &["Амстердам"]),
    ("Смартфон", 3, &["iPhone"]),
    ("Джордж Оруэлл", 3, &["1984 (роман)"]),
    ("Карл Маркс", 3, &["Капитал"]),
];

/// A JSON string as Python's `json.dumps` writes it: ASCII only, the rest as `\uXXXX`.
fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for unit in text.encode_utf16() {
        match unit {
            0x22 => out.push_str("\\\""),
            0x5c => out.push_str("\\\\"),
            0x20..=0x7e => out.push(unit as u8 as char),
            _ => out.push_str(&format!("\\u{unit:04x}")),
        }
    }
    out + "\""
}

/// The answer to a `parse` query, as the API gives it.
fn answer(page: &str) -> (u32, String) {
    match PAGES.iter().find(|(name, _, _)| *name == page) {
        None => (
            1,
            r#"{"error": {"code": "missingtitle", "info": "The page you specified doesn't exist."}}"#
                .to_string(),
        ),
        Some((_, delay, links)) => {
            let links: Vec<String> = links
                .iter()
                .map(|link| format!(r#"{{"ns": 0, "exists": "", "*": {}}}"#, json_string(link)))
                .collect();
            let body = format!(
                r#"{{"parse": {{"title": {}, "links": [{}]}}}}"#,
                json_string(page),
                links.join(", ")
            );
            (*delay, body)
        }
    }
}

/// `urllib.parse.quote_plus` of UTF-8 text: unreserved bytes as themselves, a space as `+`.
fn quote_plus(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `urllib.parse.unquote_plus`.
fn unquote_plus(text: &str) -> String {
    let mut bytes = Vec::new();
    let mut rest = text.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        rest = tail;
        match b {
            b'+' => bytes.push(b' '),
            b'%' if rest.len() >= 2 => {
                let hex = std::str::from_utf8(&rest[..2]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(byte) => {
                        bytes.push(byte);
                        rest = &rest[2..];
                    }
                    Err(_) => bytes.push(b),
                }
            }
            _ => bytes.push(b),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Serves one request: reads its head, answers after the page's delay, closes.
#[generator(yield = SysCall, send = Reply)]
fn wiki_api(conn: net::TcpStream) -> io::Result<()> {
    let mut reader = net::BufReader::new(conn);
    // The client went away (its worker was cancelled): nothing to answer.
    let Ok(head) = yield_from!(reader.read_until(b"\r\n\r\n")) else {
        return Ok(());
    };
    let head = String::from_utf8_lossy(&head).into_owned();
    let target = head.split(' ').nth(1).unwrap_or("");
    let query = target.split_once('?').map_or("", |(_, query)| query);
    let page = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == "page")
        .map(|(_, value)| unquote_plus(value).replace('_', " "))
        .unwrap_or_default();
    let (delay, body) = answer(&page);
    yield_from!(sys::sleep(delay * UNIT));
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    yield_from!(reader.get_ref().send_all(response.as_bytes()))
}

/// `asyncio.start_server(wiki_api, ...)`: a task per connection, until it is killed.
#[generator(yield = SysCall, send = Reply)]
fn serve(listener: net::TcpListener) -> io::Result<()> {
    loop {
        let (conn, _) = yield_from!(listener.accept())?;
        yield_from!(sys::spawn(wiki_api(conn)));
    }
}

// ---- a stand-in for httpx.AsyncClient ----

/// A response: its status and body.
struct Response {
    #[allow(dead_code)] // kept as httpx's Response has it
    status_code: u16,
    content: Vec<u8>,
}

/// `client.get(url, params=...)`: one connection per request, closed however it ends.
#[generator(yield = SysCall, send = Reply)]
fn get(api: SocketAddr, params: Vec<(&'static str, String)>) -> io::Result<Response> {
    let conn = yield_from!(net::TcpStream::connect(api))?;
    let query: Vec<String> = params
        .iter()
        .map(|(key, value)| format!("{key}={}", quote_plus(value)))
        .collect();
    let request = format!(
        "GET /w/api.php?{} HTTP/1.1\r\nHost: {api}\r\nConnection: close\r\n\r\n",
        query.join("&")
    );
    yield_from!(conn.send_all(request.as_bytes()))?;
    let mut reader = net::BufReader::new(conn);
    let head = yield_from!(reader.read_until(b"\r\n\r\n"))?;
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let headers: HashMap<&str, &str> = lines.filter_map(|line| line.split_once(": ")).collect();
    let length = headers
        .get("Content-Length")
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "no Content-Length"))?;
    let content = yield_from!(reader.read_exact(length))?;
    let status_code = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    Ok(Response {
        status_code,
        content,
    })
}

/// The values of every `"*"` key of a JSON text written by `json_string` (what
/// `link['*'] for link in page['parse']['links']` reads); none if it has no `"links"`.
fn star_values(json: &str) -> Vec<String> {
    if !json.contains("\"links\"") {
        return Vec::new(); // the error answer: `except KeyError: return ()`
    }
    let mut values = Vec::new();
    let mut rest = json;
    while let Some(at) = rest.find("\"*\": \"") {
        rest = &rest[at + 6..];
        let mut units = Vec::new();
        let mut chars = rest.char_indices();
        let end = loop {
            match chars.next() {
                Some((i, '"')) => break i,
                Some((_, '\\')) => match chars.next() {
                    Some((i, 'u')) => {
                        let hex = rest.get(i + 1..i + 5).unwrap_or("0");
                        units.push(u16::from_str_radix(hex, 16).unwrap_or(0xfffd));
                        for _ in 0..4 {
                            chars.next();
                        }
                    }
                    Some((_, c)) => units.push(c as u16),
                    None => break rest.len(),
                },
                Some((_, c)) => units.extend(c.encode_utf16(&mut [0; 2]).iter()),
                None => break rest.len(),
            }
        };
        values.push(String::from_utf16_lossy(&units));
        rest = &rest[end..];
    }
    values
}

// ---- the crawler ----

struct Crawl {
    api: SocketAddr,
    link_source: RefCell<HashMap<String, String>>,
    queue: Queue<String>,
    done: Event,
}

const SOURCE: &str = "Python";
const TARGET: &str = "Карл Маркс";

#[generator(yield = SysCall, send = Reply)]
fn get_links(api: SocketAddr, page_name: String) -> io::Result<Vec<String>> {
    let page_name = page_name.replace(' ', "_");
    let params = vec![
        ("action", "parse".to_string()),
        ("page", page_name),
        ("format", "json".to_string()),
    ];
    let response = yield_from!(get(api, params))?;
    Ok(star_values(&String::from_utf8_lossy(&response.content)))
}

#[generator(yield = SysCall, send = Reply)]
fn worker(crawl: Rc<Crawl>) -> io::Result<()> {
    loop {
        let page_name = yield_from!(crawl.queue.get());
        println!("processing {page_name}");
        for link in yield_from!(get_links(crawl.api, page_name.clone()))? {
            if link == TARGET {
                crawl.done.set();
            }
            if crawl.link_source.borrow().contains_key(&link) {
                continue;
            }
            if link.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            crawl
                .link_source
                .borrow_mut()
                .insert(link.clone(), page_name.clone());
            crawl.queue.put_nowait(link).expect("an unbounded queue");
        }
    }
}

fn print_path(link_source: &HashMap<String, String>) {
    let mut node = TARGET.to_string();
    let mut path = vec![node.clone()];
    while node != SOURCE {
        node = link_source[&node].clone();
        path.push(node.clone());
    }
    path.reverse();
    println!("{}", path.join(" -> "));
}

#[generator(yield = SysCall, send = Reply)]
fn async_main() -> io::Result<()> {
    let listener = net::TcpListener::bind("127.0.0.1:0")?;
    let api = listener.local_addr()?;
    let server = yield_from!(sys::spawn(serve(listener)));
    let crawl = Rc::new(Crawl {
        api,
        link_source: RefCell::default(),
        queue: Queue::new(),
        done: Event::new(),
    });
    let mut workers = Vec::new();
    for _ in 0..20 {
        workers.push(yield_from!(sys::create_task(worker(Rc::clone(&crawl)))));
    }
    crawl
        .queue
        .put_nowait(SOURCE.to_string())
        .expect("unbounded");
    yield_from!(crawl.done.wait());

    for w in &workers {
        yield_from!(sys::cancel(w.id())).expect("the worker runs");
    }
    let results = yield_from!(exec::gather(workers));
    let mut kinds: Vec<&str> = results
        .iter()
        .map(|outcome| match outcome {
            Err(TaskEnded::Cancelled) => "CancelledError",
            Err(_) => "another end",
            Ok(_) => "a return",
        })
        .collect();
    kinds.sort();
    kinds.dedup();
    println!("gather returned {} x {}", results.len(), kinds.join(", "));
    yield_from!(sys::kill(server.id())).expect("the server runs"); // stop(server)

    print_path(&crawl.link_source.borrow());
    Ok(())
}

/// Runs the exercise.
pub fn main() {
    exec::run(async_main())
        .expect("main returned")
        .expect("the crawl worked");
}
