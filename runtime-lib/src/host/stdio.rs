//! The guest's standard streams: a buffered stdout, an unbuffered stderr
//! and a stdin that GETCHAR can consume byte by byte without a syscall
//! per byte.

use super::abi::errno;
use std::sync::{Arc, Mutex};

/// Where guest fd 0 reads from.
#[derive(Clone, Debug, Default)]
pub enum StdinSource {
    /// The process's fd 0.
    #[default]
    Inherit,
    /// Fixed bytes, then end of file.
    Bytes(Vec<u8>),
}

/// Where guest fd 1 or 2 writes to.
#[derive(Clone, Debug, Default)]
pub enum OutputSink {
    /// The process's fd 1 (stdout) or fd 2 (stderr).
    #[default]
    Inherit,
    /// Appended to a shared buffer (tests, embedding).
    Capture(Arc<Mutex<Vec<u8>>>),
}

impl OutputSink {
    /// A new capture sink and the buffer it fills.
    pub fn capture() -> (OutputSink, Arc<Mutex<Vec<u8>>>) {
        let buf = Arc::new(Mutex::new(Vec::new()));
        (OutputSink::Capture(buf.clone()), buf)
    }
}

fn isatty(fd: i32) -> bool {
    // SAFETY: isatty only inspects the descriptor.
    unsafe { libc::isatty(fd) == 1 }
}

fn last_errno() -> i32 {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

/// Writes all of `data` to a process fd, retrying short writes, EINTR and
/// EAGAIN (a non-blocking descriptor inherited from the parent).
pub(crate) fn write_all_fd(fd: i32, mut data: &[u8]) -> Result<(), u32> {
    while !data.is_empty() {
        // SAFETY: data is a valid readable slice.
        let n = unsafe { libc::write(fd, data.as_ptr() as *const libc::c_void, data.len()) };
        if n < 0 {
            let e = last_errno();
            if e == libc::EINTR {
                continue;
            }
            if e == libc::EAGAIN || e == libc::EWOULDBLOCK {
                let mut pfd = libc::pollfd {
                    fd,
                    events: libc::POLLOUT,
                    revents: 0,
                };
                // SAFETY: one valid pollfd.
                unsafe { libc::poll(&mut pfd, 1, -1) };
                continue;
            }
            return Err(errno::from_host(e));
        }
        if n == 0 {
            return Err(errno::EIO);
        }
        data = &data[n as usize..];
    }
    Ok(())
}

/// Reads from a process fd, retrying EINTR. Returns 0 at end of file.
pub(crate) fn read_fd(fd: i32, buf: &mut [u8]) -> Result<usize, u32> {
    if buf.is_empty() {
        return Ok(0);
    }
    loop {
        // SAFETY: buf is a valid writable slice.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr() as *mut libc::c_void, buf.len()) };
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = last_errno();
        if e != libc::EINTR {
            return Err(errno::from_host(e));
        }
    }
}

/// Bytes buffered before stdout is flushed on its own.
const STDOUT_FLUSH_AT: usize = 64 * 1024;

/// A guest output stream (fd 1 buffered, fd 2 written through).
pub(crate) struct Output {
    sink: OutputSink,
    fd: i32,
    buf: Vec<u8>,
    /// The process stream is a terminal: flush at every chance.
    pub tty: bool,
    /// The first write error, reported to later guest writes.
    pub error: Option<u32>,
}

impl Output {
    pub fn new(sink: OutputSink, fd: i32) -> Output {
        let tty = matches!(sink, OutputSink::Inherit) && isatty(fd);
        Output {
            sink,
            fd,
            buf: Vec::with_capacity(if fd == 1 { STDOUT_FLUSH_AT } else { 0 }),
            tty,
            error: None,
        }
    }

    /// Is this stream backed by the process's own descriptor?
    pub fn inherited_fd(&self) -> Option<i32> {
        match self.sink {
            OutputSink::Inherit => Some(self.fd),
            OutputSink::Capture(_) => None,
        }
    }

    /// Appends to the buffer, flushing when it is large.
    #[inline]
    pub fn write_buffered(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= STDOUT_FLUSH_AT {
            self.flush();
        }
    }

    #[inline]
    pub fn push_byte(&mut self, b: u8) {
        self.buf.push(b);
        if self.buf.len() >= STDOUT_FLUSH_AT {
            self.flush();
        }
    }

    /// Appends formatted text (escape sequences) to the buffer.
    pub fn write_fmt(&mut self, args: std::fmt::Arguments<'_>) {
        use std::io::Write as _;
        let _ = self.buf.write_fmt(args);
        if self.buf.len() >= STDOUT_FLUSH_AT {
            self.flush();
        }
    }

    /// Delivers buffered bytes. A failed delivery drops them and is
    /// remembered in `error`.
    pub fn flush(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let r = self.deliver_buf();
        self.buf.clear();
        if let Err(e) = r {
            self.error.get_or_insert(e);
        }
    }

    fn deliver_buf(&mut self) -> Result<(), u32> {
        match &self.sink {
            OutputSink::Inherit => write_all_fd(self.fd, &self.buf),
            OutputSink::Capture(c) => {
                let mut g = c.lock().unwrap_or_else(|p| p.into_inner());
                g.extend_from_slice(&self.buf);
                Ok(())
            }
        }
    }

    /// Writes through, bypassing the buffer (which must be empty or
    /// flushed first to keep order).
    pub fn write_through(&mut self, data: &[u8]) -> Result<(), u32> {
        self.flush();
        let r = match &self.sink {
            OutputSink::Inherit => write_all_fd(self.fd, data),
            OutputSink::Capture(c) => {
                let mut g = c.lock().unwrap_or_else(|p| p.into_inner());
                g.extend_from_slice(data);
                Ok(())
            }
        };
        if let Err(e) = r {
            self.error.get_or_insert(e);
        }
        r
    }
}

/// Guest fd 0, read two ways, as the reference host reads it:
///
/// - GETCHAR goes through a stdio-like buffer (the reference uses
///   `fgetc(stdin)`): it is refilled a whole chunk at a time, and end of
///   file is sticky (glibc's behaviour) so a guest that saw EOF keeps
///   seeing it;
/// - READ / READ_DIRECT on fd 0, the term service's READ_KEY and
///   KEY_AVAIL, and SEEK use the raw source directly (the reference calls
///   `read(0, ...)`), never the GETCHAR buffer.
///
/// Mixing both on one stream therefore behaves like the reference: bytes
/// already pulled into the GETCHAR buffer are not seen by raw reads. dBASE
/// relies on it: it reads commands with GETCHAR and polls for keys with
/// KEY_AVAIL/READ_KEY, which must not eat the commands.
pub(crate) struct Stdin {
    inherit: bool,
    /// The raw source for `Bytes`, consumed from `raw_pos`.
    bytes: Vec<u8>,
    raw_pos: usize,
    /// GETCHAR's buffer, consumed from `pos`.
    buf: Vec<u8>,
    pos: usize,
    /// GETCHAR saw end of file.
    eof: bool,
    /// Bytes GETCHAR pulls from the source at a time.
    chunk: usize,
    pub tty: bool,
}

/// GETCHAR's refill size when the source does not suggest one (glibc uses
/// the descriptor's st_blksize).
const STDIN_CHUNK: usize = 4096;

fn stdin_block_size() -> usize {
    // SAFETY: stat is plain data filled by fstat.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: valid out-pointer.
    if unsafe { libc::fstat(0, &mut st) } == 0 && st.st_blksize > 0 {
        (st.st_blksize as usize).min(1 << 20)
    } else {
        STDIN_CHUNK
    }
}

impl Stdin {
    pub fn new(src: StdinSource) -> Stdin {
        let (inherit, bytes, tty, chunk) = match src {
            StdinSource::Inherit => (true, Vec::new(), isatty(0), stdin_block_size()),
            StdinSource::Bytes(b) => (false, b, false, STDIN_CHUNK),
        };
        Stdin {
            inherit,
            bytes,
            raw_pos: 0,
            buf: Vec::new(),
            pos: 0,
            eof: false,
            chunk,
            tty,
        }
    }

    pub fn is_inherited(&self) -> bool {
        self.inherit
    }

    /// Would a raw read wait on the process's stdin?
    pub fn raw_blocks(&self) -> bool {
        self.inherit
    }

    /// Would GETCHAR wait on the process's stdin?
    pub fn getc_blocks(&self) -> bool {
        self.inherit && !self.eof && self.pos == self.buf.len()
    }

    /// Reads up to `dst.len()` bytes from the raw source (one `read(2)`
    /// for the process's stdin). 0 means end of file.
    pub fn read(&mut self, dst: &mut [u8]) -> Result<usize, u32> {
        if self.inherit {
            return read_fd(0, dst);
        }
        let n = (self.bytes.len() - self.raw_pos).min(dst.len());
        dst[..n].copy_from_slice(&self.bytes[self.raw_pos..self.raw_pos + n]);
        self.raw_pos += n;
        Ok(n)
    }

    /// GETCHAR: one byte, or None at end of file (sticky).
    pub fn getc(&mut self) -> Result<Option<u8>, u32> {
        if self.pos == self.buf.len() {
            if self.eof {
                return Ok(None);
            }
            let mut chunk = std::mem::take(&mut self.buf);
            chunk.resize(self.chunk, 0);
            let r = self.read(&mut chunk);
            chunk.truncate(*r.as_ref().unwrap_or(&0));
            self.buf = chunk;
            self.pos = 0;
            if r? == 0 {
                self.eof = true;
                return Ok(None);
            }
        }
        let b = self.buf[self.pos];
        self.pos += 1;
        Ok(Some(b))
    }

    /// KEY_AVAIL: is the raw source readable (or at end of file) now?
    pub fn poll_ready(&self) -> bool {
        if !self.inherit {
            // Fixed bytes behave like a regular file: always readable,
            // possibly at end of file.
            return true;
        }
        let mut pfd = libc::pollfd {
            fd: 0,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, zero timeout.
        let r = unsafe { libc::poll(&mut pfd, 1, 0) };
        // POLLIN only, as the reference host: a pipe whose writer is gone
        // (POLLHUP alone) has no key to offer.
        r > 0 && pfd.revents & libc::POLLIN != 0
    }

    /// Repositions the raw source (GETCHAR's buffer is left alone, as a
    /// raw lseek leaves stdio's).
    pub fn seek(&mut self, distance: i64, whence: i32) -> Result<u64, u32> {
        if !self.inherit {
            let from = match whence {
                libc::SEEK_SET => 0i64,
                libc::SEEK_CUR => self.raw_pos as i64,
                _ => self.bytes.len() as i64,
            };
            let to = from + distance;
            if to < 0 {
                return Err(errno::EINVAL);
            }
            self.raw_pos = (to as usize).min(self.bytes.len());
            return Ok(to as u64);
        }
        // SAFETY: lseek on fd 0 has no memory effects.
        let r = unsafe { libc::lseek(0, distance as libc::off_t, whence) };
        if r < 0 {
            return Err(errno::from_host(last_errno()));
        }
        Ok(r as u64)
    }
}
