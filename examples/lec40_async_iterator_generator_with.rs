//! LEC-40: the "a" protocols of asyncio, and what they are in corogen: an async iterator
//! (`__aiter__` / `__anext__`, `StopAsyncIteration` at the end) consumed by `async for`; an async
//! generator (`await` and `yield` in one body, inside an `async with`); and an async context
//! manager (`__aenter__` / `__aexit__`) left cleanly and by an exception.
//!
//! In corogen a coroutine is a generator that yields the system calls it waits on
//! (`yield = SysCall`), so every `await` of the Python program is a `yield_from!` here, and an
//! `await asyncio.sleep(0)` (the stand-in for a database or network round trip) is
//! `yield_from!(sys::pause())`. The three protocols become:
//!
//! - **async iterator**: a struct with a coroutine method `anext()` that evaluates to
//!   `Some(item)`, or `None` where Python raises `StopAsyncIteration`. `async for row in cursor`
//!   is `while let Some(row) = yield_from!(cursor.anext())`.
//! - **async generator**: a generator has one yield type, and a coroutine's is taken by its
//!   system calls, so a body cannot both await and yield items. It is written as an async
//!   iterator (what Python makes of an async generator, too): a struct that remembers how far
//!   the body got. The part with no await, scanning the page for links, stays a plain
//!   `#[generator]` (`parse_html`), driven by the iterator one item per `anext()`.
//! - **async context manager**: coroutine methods `aenter()` and `aexit(error)`, called around
//!   the block; the block evaluates to a `Result`, and `aexit` is told the error's type, as
//!   `__aexit__` is told `exc_type`. It does not swallow the error (Python's `__aexit__`
//!   returns `None`), so the error goes on to the caller, who catches it.

use corogen::exec::{self, Reply, SysCall, sys};
use corogen::prelude::*;
use std::fmt;

/// The web pages the stand-in client serves.
const PAGES: &[(&str, &str)] = &[(
    "/wiki/Python",
    "<html><p>Python is a language.</p> <a href=\"/wiki/Guido\">Guido</a> \
     <img src=\"logo.png\"> <a href=\"/wiki/Monty_Python\">Monty</a> <a href=\"/wiki/Apple\">Apple</a></html>",
)];

// ---- an async iterator: Cursor ----

/// A database row, printed as Python prints a tuple.
struct Row(u32, &'static str, &'static str);

impl fmt::Display for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}, '{}', '{}')", self.0, self.1, self.2)
    }
}

/// `class Cursor(AsyncIterable)`: its rows come one per `fetch_data()`.
struct Cursor {
    rows: Vec<Row>,
}

impl Cursor {
    fn new() -> Self {
        let rows = vec![
            Row(1, "Vasya", "Moscow"),
            Row(2, "Petya", "Kazan"),
            Row(3, "Masha", "Omsk"),
        ];
        Cursor { rows }
    }

    /// `async def fetch_data(self)`: one round trip to the database, then the next row, or
    /// `None` at the end.
    #[generator(yield = SysCall, send = Reply)]
    fn fetch_data(&mut self) -> Option<Row> {
        yield_from!(sys::pause());
        println!("  fetch_data");
        if self.rows.is_empty() {
            None
        } else {
            Some(self.rows.remove(0))
        }
    }

    /// `async def __anext__(self)`: the next row, or `None` for `StopAsyncIteration`.
    #[generator(yield = SysCall, send = Reply)]
    fn anext(&mut self) -> Option<Row> {
        yield_from!(self.fetch_data())
    }
}

// ---- an async context manager: AsyncClient ----

/// The response to a GET.
struct Response {
    text: &'static str,
}

/// The stand-in for `httpx.AsyncClient`: opening and closing it are round trips too.
struct AsyncClient;

impl AsyncClient {
    /// `async def __aenter__(self)`: evaluates to the client, bound by `as client`.
    #[generator(yield = SysCall, send = Reply)]
    fn aenter() -> AsyncClient {
        yield_from!(sys::pause());
        println!("  client opened");
        AsyncClient
    }

    /// `async def __aexit__(self, ...)`.
    #[generator(yield = SysCall, send = Reply)]
    fn aexit(self) {
        yield_from!(sys::pause());
        println!("  client closed");
    }

    /// `async def get(self, url)`.
    #[generator(yield = SysCall, send = Reply)]
    fn get(&self, url: &'static str) -> Response {
        yield_from!(sys::pause());
        println!("  GET {url}");
        let (_, text) = PAGES.iter().find(|(u, _)| *u == url).expect("a known page");
        Response { text }
    }
}

// ---- a plain generator: the tags of a page ----

/// A tag: its name and its `name="value"` attributes.
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn get(&self, key: &str) -> Option<&str> {
        let found = self.attrs.iter().find(|(k, _)| k == key);
        found.map(|(_, v)| v.as_str())
    }
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The `name="value"` pairs of a tag's text (`re.findall(r'(\w+)="([^"]*)"', text)`).
fn attributes(text: &str) -> Vec<(String, String)> {
    let b = text.as_bytes();
    let (mut attrs, mut i) = (Vec::new(), 0);
    while i < b.len() {
        let end = (i..b.len()).find(|&j| !is_word(b[j])).unwrap_or(b.len());
        if end > i
            && text[end..].starts_with("=\"")
            && let Some(close) = text[end + 2..].find('"')
        {
            let value = &text[end + 2..end + 2 + close];
            attrs.push((text[i..end].to_owned(), value.to_owned()));
            i = end + 2 + close + 1;
            continue;
        }
        i = end.max(i + 1);
    }
    attrs
}

/// `def parse_html(text)`: the `<name attr="value" ...>` tags, in order
/// (`re.finditer(r'<(\w+)([^>]*)>', text)`). A plain generator: no await in it.
#[generator(yield = Tag)]
fn parse_html(text: &'static str) {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(at) = text[i..].find('<') {
        let start = i + at + 1;
        let name_end = (start..b.len())
            .find(|&j| !is_word(b[j]))
            .unwrap_or(b.len());
        i = start;
        if name_end == start {
            continue; // `</p>`: not a tag name
        }
        let Some(close) = text[name_end..].find('>') else {
            continue;
        };
        let name = text[start..name_end].to_owned();
        let attrs = attributes(&text[name_end..name_end + close]);
        yield_!(Tag { name, attrs });
        i = name_end + close + 1;
    }
}

// ---- an async generator: get_links ----

/// `async def get_links(url)`, as an async iterator that remembers how far its body got: not
/// started, inside `async with AsyncClient() as client` with the page's tags to go, or done.
enum GetLinks {
    Start(&'static str),
    Inside {
        client: AsyncClient,
        tags: Box<dyn Iterator<Item = Tag>>,
    },
    Done,
}

impl GetLinks {
    fn new(url: &'static str) -> Self {
        GetLinks::Start(url)
    }

    /// `__anext__` of the async generator: runs its body to the next `yield`.
    #[generator(yield = SysCall, send = Reply)]
    fn anext(&mut self) -> Option<String> {
        if let GetLinks::Start(url) = *self {
            // async with AsyncClient() as client:
            //     r = await client.get(url)
            let client = yield_from!(AsyncClient::aenter());
            let r = yield_from!(client.get(url));
            let tags: Box<dyn Iterator<Item = Tag>> = Box::new(Box::pin(parse_html(r.text)));
            *self = GetLinks::Inside { client, tags };
        }
        if let GetLinks::Inside { tags, .. } = self {
            // for tag in parse_html(r.text):
            //     if tag.name == 'a':
            //         yield tag.get('href')
            for tag in tags.by_ref() {
                if tag.name == "a" {
                    return tag.get("href").map(str::to_owned);
                }
            }
            // The for loop has ended: leave the `async with` block.
            if let GetLinks::Inside { client, .. } = core::mem::replace(self, GetLinks::Done) {
                yield_from!(client.aexit());
            }
        }
        None
    }
}

// ---- an async context manager that logs ----

/// `async def log(msg)`.
#[generator(yield = SysCall, send = Reply)]
fn log(msg: String) {
    yield_from!(sys::pause());
    println!("  log: {msg}");
}

/// The error raised inside the block.
#[derive(Debug)]
struct ValueError(&'static str);

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

struct AsyncContextManager;

impl AsyncContextManager {
    /// `async def __aenter__(self)`: returns nothing, so `as value` binds `None`.
    #[generator(yield = SysCall, send = Reply)]
    fn aenter(&self) -> Option<()> {
        yield_from!(log("entering context".to_owned()));
        None
    }

    /// `async def __aexit__(self, exc_type, exc, tb)`, told the type of the error that left
    /// the block, if one did. It does not swallow it.
    #[generator(yield = SysCall, send = Reply)]
    fn aexit(&self, exc_type: Option<&'static str>) {
        let exc_type = exc_type.unwrap_or("None");
        yield_from!(log(format!("exiting context, exc_type={exc_type}")));
    }
}

/// Python's repr of the value `as value` binds.
fn repr(value: Option<()>) -> &'static str {
    match value {
        None => "None",
        Some(()) => "()",
    }
}

#[generator(yield = SysCall, send = Reply)]
fn main_task() {
    println!("-- async for over an async iterator");
    let mut cursor = Cursor::new();
    while let Some(row) = yield_from!(cursor.anext()) {
        println!("{row}");
    }

    println!("-- async for over an async generator");
    let url = "/wiki/Python";
    let mut links = GetLinks::new(url);
    while let Some(link) = yield_from!(links.anext()) {
        println!("{link}");
    }

    println!("-- async with, clean exit");
    let manager = AsyncContextManager;
    let value = yield_from!(manager.aenter());
    println!("inside the block, value = {}", repr(value));
    yield_from!(manager.aexit(None));

    println!("-- async with, exception inside");
    let manager = AsyncContextManager;
    yield_from!(manager.aenter());
    let block = || -> Result<(), ValueError> {
        println!("inside the block, raising ValueError");
        Err(ValueError("oops"))
    };
    let outcome = block();
    let exc_type = outcome.as_ref().err().map(|_| "ValueError");
    yield_from!(manager.aexit(exc_type));
    if let Err(e) = outcome {
        println!("caught ValueError: {e}");
    }
}

/// Runs the exercise.
pub fn main() {
    exec::run(main_task()).expect("the main task returned");
}
