//! A buffered reader over any byte stream that waits through the scheduler ([`Receive`]):
//! asyncio's `StreamReader`, with `read(n)`, `read_line`, `read_until`, `read_exact` and
//! `read_to_end`.

use core::fmt;
use core::future::Future;
use std::io::{self, ErrorKind};
use std::rc::Rc;

use crate::Gen;
use crate::exec::syscall::{Reply, SysCall, coroutine};

/// A byte stream whose reads wait through the scheduler: a [`TcpStream`](super::TcpStream), a
/// child's stdout or stderr ([`process`](crate::exec::process)), or a reference to one.
pub trait Receive {
    /// Reads what is there into `buf`, waiting until something is; `Ok(0)` is the end of the
    /// stream.
    ///
    /// # Errors
    /// As the stream's read.
    fn recv<'a, E: 'a>(
        &'a self,
        buf: &'a mut [u8],
    ) -> Gen<impl Future<Output = io::Result<usize>> + 'a, SysCall, Reply, E>;
}

impl<T: Receive + ?Sized> Receive for &T {
    fn recv<'a, E: 'a>(
        &'a self,
        buf: &'a mut [u8],
    ) -> Gen<impl Future<Output = io::Result<usize>> + 'a, SysCall, Reply, E> {
        (**self).recv(buf)
    }
}

impl<T: Receive + ?Sized> Receive for Rc<T> {
    fn recv<'a, E: 'a>(
        &'a self,
        buf: &'a mut [u8],
    ) -> Gen<impl Future<Output = io::Result<usize>> + 'a, SysCall, Reply, E> {
        (**self).recv(buf)
    }
}

/// The stream ended before a read could complete (asyncio's `IncompleteReadError`): what had
/// come, and how many bytes were expected (`None` for a read up to a separator).
///
/// It travels inside an [`io::Error`] of kind [`UnexpectedEof`](ErrorKind::UnexpectedEof);
/// [`io::Error::downcast`] gets it back:
///
/// ```
/// use corogen::exec::net::IncompleteRead;
///
/// let error = std::io::Error::from(IncompleteRead { partial: b"abc".to_vec(), expected: Some(10) });
/// assert_eq!(error.kind(), std::io::ErrorKind::UnexpectedEof);
/// let incomplete = error.downcast::<IncompleteRead>().unwrap();
/// assert_eq!((incomplete.partial.as_slice(), incomplete.expected), (&b"abc"[..], Some(10)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncompleteRead {
    /// The bytes read before the end of the stream.
    pub partial: Vec<u8>,
    /// How many bytes the read wanted; `None` if it read up to a separator.
    pub expected: Option<usize>,
}

impl fmt::Display for IncompleteRead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let got = self.partial.len();
        match self.expected {
            Some(n) => write!(f, "{got} bytes read on a total of {n} expected bytes"),
            None => write!(
                f,
                "{got} bytes read before the end of the stream, no separator"
            ),
        }
    }
}

impl std::error::Error for IncompleteRead {}

impl From<IncompleteRead> for io::Error {
    fn from(incomplete: IncompleteRead) -> Self {
        io::Error::new(ErrorKind::UnexpectedEof, incomplete)
    }
}

/// How many bytes a reader buffers at first; it grows up to its limit.
const CAPACITY: usize = 8 * 1024;

/// What a reader buffers at most while it looks for a separator (asyncio's default `limit`).
const LIMIT: usize = 64 * 1024;

/// A buffered reader over a [`Receive`] stream (asyncio's `StreamReader`): it reads in chunks
/// and hands out lines, frames up to a separator, exact sizes, or whatever is there.
///
/// Write through the stream itself ([`get_ref`](Self::get_ref)); to read in one task and write
/// in another, share the stream in an [`Rc`] (a `BufReader<Rc<TcpStream>>`).
///
/// ```
/// use corogen::exec::{self, Reply, SysCall, net};
/// use corogen::prelude::*;
/// use std::io::Write;
///
/// #[generator(yield = SysCall, send = Reply)]
/// fn read_frames(conn: net::TcpStream) -> std::io::Result<Vec<Vec<u8>>> {
///     let mut reader = net::BufReader::new(conn);
///     let line = yield_from!(reader.read_line())?; // up to and with the b'\n'
///     let word = yield_from!(reader.read_until(b"::"))?; // up to and with the separator
///     let exact = yield_from!(reader.read_exact(3))?;
///     let rest = yield_from!(reader.read_to_end())?;
///     Ok(vec![line, word, exact, rest])
/// }
///
/// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
/// let mut client = std::net::TcpStream::connect(listener.local_addr()?)?;
/// let conn = net::TcpStream::from_std(listener.accept()?.0)?;
/// client.write_all(b"one\ntwo::abcdef")?;
/// drop(client);
/// let frames = exec::run(read_frames(conn)).unwrap()?;
/// assert_eq!(frames, [&b"one\n"[..], b"two::", b"abc", b"def"]);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct BufReader<S> {
    inner: S,
    /// Always initialised to its length: the data is `buf[start..end]`. A read that is
    /// cancelled while it waits leaves `end` as it was, so no byte is half-read.
    buf: Vec<u8>,
    start: usize,
    end: usize,
    limit: usize,
}

impl<S: Receive> BufReader<S> {
    /// A reader over `inner` that buffers up to 64 KiB while it looks for a separator.
    pub fn new(inner: S) -> Self {
        Self::with_limit(inner, LIMIT)
    }

    /// A reader over `inner` that buffers up to `limit` bytes while it looks for a separator
    /// (asyncio's `limit`): a longer line is an error, not a buffer that grows forever.
    pub fn with_limit(inner: S, limit: usize) -> Self {
        Self {
            inner,
            buf: vec![0; CAPACITY.min(limit.max(1))],
            start: 0,
            end: 0,
            limit: limit.max(1),
        }
    }

    /// The stream, to write to it or ask for its addresses.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The stream, mutably (reading from it directly skips what is buffered).
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// The bytes read from the stream and not yet handed out.
    pub fn buffer(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// The stream, and the bytes buffered that were not handed out.
    pub fn into_parts(self) -> (S, Vec<u8>) {
        let rest = self.buffer().to_vec();
        (self.inner, rest)
    }

    /// Reads one more chunk from the stream into the buffer, making room for at least `want`
    /// buffered bytes in all: how many bytes came (0 at the end of the stream).
    fn fill<'a, E: 'a>(
        &'a mut self,
        want: usize,
    ) -> Gen<impl Future<Output = io::Result<usize>> + 'a, SysCall, Reply, E> {
        coroutine(move |co| async move {
            self.make_room(want);
            let read = self.inner.recv(&mut self.buf[self.end..]);
            let n = co.delegate::<_, false>(read).await?;
            self.end += n;
            Ok(n)
        })
    }

    /// Moves the buffered bytes to the front, and grows the buffer if they fill it or if
    /// `want` bytes would not fit.
    fn make_room(&mut self, want: usize) {
        if self.start == self.end {
            (self.start, self.end) = (0, 0);
        } else if self.end == self.buf.len() || self.start + want > self.buf.len() {
            self.buf.copy_within(self.start..self.end, 0);
            (self.start, self.end) = (0, self.end - self.start);
        }
        if self.end == self.buf.len() || want > self.buf.len() {
            let grown = (self.buf.len() * 2).max(want);
            self.buf.resize(grown, 0);
        }
    }

    /// Hands out the first `n` buffered bytes.
    fn take(&mut self, n: usize) -> Vec<u8> {
        let taken = self.buf[self.start..self.start + n].to_vec();
        self.start += n;
        taken
    }

    /// Reads up to `n` bytes (asyncio's `read(n)`): what is buffered if anything is, else one
    /// read from the stream; empty at the end of the stream (or if `n` is 0).
    ///
    /// # Errors
    /// As the stream's read.
    pub fn read<'a, E: 'a>(
        &'a mut self,
        n: usize,
    ) -> Gen<impl Future<Output = io::Result<Vec<u8>>> + 'a, SysCall, Reply, E> {
        coroutine(move |co| async move {
            if self.start == self.end && n > 0 {
                co.delegate::<_, false>(self.fill(0)).await?;
            }
            let n = n.min(self.end - self.start);
            Ok(self.take(n))
        })
    }

    /// Reads until the end of the stream (asyncio's `read()`), and evaluates to everything
    /// that came, the buffered bytes first.
    ///
    /// # Errors
    /// As the stream's read; what was read before the error stays buffered.
    pub fn read_to_end<'a, E: 'a>(
        &'a mut self,
    ) -> Gen<impl Future<Output = io::Result<Vec<u8>>> + 'a, SysCall, Reply, E> {
        coroutine(move |co| async move {
            while co.delegate::<_, false>(self.fill(0)).await? > 0 {}
            Ok(self.take(self.end - self.start))
        })
    }

    /// Reads exactly `n` bytes (asyncio's `readexactly`).
    ///
    /// # Errors
    /// If the stream ends first, an [`IncompleteRead`] (kind
    /// [`UnexpectedEof`](ErrorKind::UnexpectedEof)) with the bytes that came, which are
    /// consumed; else as the stream's read.
    pub fn read_exact<'a, E: 'a>(
        &'a mut self,
        n: usize,
    ) -> Gen<impl Future<Output = io::Result<Vec<u8>>> + 'a, SysCall, Reply, E> {
        coroutine(move |co| async move {
            while self.end - self.start < n {
                if co.delegate::<_, false>(self.fill(n)).await? == 0 {
                    let partial = self.take(self.end - self.start);
                    return Err(IncompleteRead {
                        partial,
                        expected: Some(n),
                    }
                    .into());
                }
            }
            Ok(self.take(n))
        })
    }

    /// Reads up to and with `separator` (asyncio's `readuntil`).
    ///
    /// # Errors
    /// If the stream ends before the separator, an [`IncompleteRead`] with the bytes that
    /// came (consumed); `InvalidData` if the separator is not found within the reader's limit
    /// (the bytes stay buffered); `InvalidInput` for an empty separator; else as the stream's
    /// read.
    pub fn read_until<'a, E: 'a>(
        &'a mut self,
        separator: &'a [u8],
    ) -> Gen<impl Future<Output = io::Result<Vec<u8>>> + 'a, SysCall, Reply, E> {
        coroutine(move |co| async move {
            match co.delegate::<_, false>(self.find(separator)).await? {
                Some(n) => Ok(self.take(n)),
                None => {
                    let partial = self.take(self.end - self.start);
                    Err(IncompleteRead {
                        partial,
                        expected: None,
                    }
                    .into())
                }
            }
        })
    }

    /// Reads one line, up to and with `b'\n'` (asyncio's `readline`): at the end of the
    /// stream, what is left (empty once everything was read).
    ///
    /// # Errors
    /// `InvalidData` if no line ends within the reader's limit; else as the stream's read.
    pub fn read_line<'a, E: 'a>(
        &'a mut self,
    ) -> Gen<impl Future<Output = io::Result<Vec<u8>>> + 'a, SysCall, Reply, E> {
        coroutine(move |co| async move {
            let n = co.delegate::<_, false>(self.find(b"\n")).await?;
            Ok(self.take(n.unwrap_or(self.end - self.start)))
        })
    }

    /// Reads until the buffer holds `separator`: how many bytes up to its end, or `None` if the
    /// stream ended first.
    fn find<'a, E: 'a>(
        &'a mut self,
        separator: &'a [u8],
    ) -> Gen<impl Future<Output = io::Result<Option<usize>>> + 'a, SysCall, Reply, E> {
        coroutine(move |co| async move {
            if separator.is_empty() {
                return Err(io::Error::new(
                    ErrorKind::InvalidInput,
                    "an empty separator",
                ));
            }
            // How far from `start` the separator is known not to begin.
            let mut searched = 0;
            loop {
                let data = self.buffer();
                if let Some(at) = position(&data[searched..], separator) {
                    return Ok(Some(searched + at + separator.len()));
                }
                searched = (data.len() + 1).saturating_sub(separator.len());
                if data.len() >= self.limit {
                    return Err(io::Error::new(
                        ErrorKind::InvalidData,
                        "the separator is not found within the reader's limit",
                    ));
                }
                if co.delegate::<_, false>(self.fill(0)).await? == 0 {
                    return Ok(None);
                }
            }
        })
    }
}

/// Where `needle` (not empty) first begins in `haystack`.
fn position(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    match needle {
        [byte] => haystack.iter().position(|b| b == byte),
        _ => haystack.windows(needle.len()).position(|w| w == needle),
    }
}

impl<S: fmt::Debug> fmt::Debug for BufReader<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufReader")
            .field("inner", &self.inner)
            .field("buffered", &(self.end - self.start))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::position;

    #[test]
    fn a_separator_is_found_where_it_first_begins() {
        assert_eq!(position(b"ab\ncd\n", b"\n"), Some(2));
        assert_eq!(position(b"ab\r\n\r\ncd", b"\r\n\r\n"), Some(2));
        assert_eq!(position(b"ab\r\n", b"\r\n\r\n"), None);
        assert_eq!(position(b"", b"x"), None);
    }
}
