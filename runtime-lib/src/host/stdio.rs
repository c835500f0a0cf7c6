//! The guest's standard streams: a buffered stdout, an unbuffered stderr
//! and a stdin that GETCHAR can consume byte by byte without a syscall
//! per byte.

use super::abi::errno;
use std::sync::atomic::{AtomicUsize, Ordering};
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

/// An output stream's buffer, shared between the thread that runs the
/// guest (the only one that appends) and the termination thread
/// ([`crate::termination`]), which delivers what the guest already wrote
/// when fast32 is stopped by a signal.
///
/// Appending costs no atomic read-modify-write (a guest may write one
/// byte per request): the owner writes bytes at or past the published
/// length and then publishes the new length with a release store. The
/// length only goes down in a flush, under `gate`. The termination thread
/// takes `gate` (and never gives it back: it exits the process), reads
/// the length with an acquire load and delivers the bytes below it, which
/// nobody writes while it holds `gate`.
pub(crate) struct SharedBuf {
    ptr: *mut u8,
    cap: usize,
    len: AtomicUsize,
    gate: Mutex<()>,
    /// The process descriptor the bytes go to (None: a capture sink, which
    /// the termination thread leaves alone).
    fd: Option<i32>,
}

// SAFETY: the bytes behind `ptr` are shared under the protocol above.
unsafe impl Send for SharedBuf {}
unsafe impl Sync for SharedBuf {}

impl SharedBuf {
    fn new(cap: usize, fd: Option<i32>) -> SharedBuf {
        let b: Box<[u8]> = vec![0u8; cap].into_boxed_slice();
        let ptr = Box::into_raw(b) as *mut u8;
        SharedBuf {
            ptr,
            cap,
            len: AtomicUsize::new(0),
            gate: Mutex::new(()),
            fd,
        }
    }

    /// Termination thread: delivers what was appended, waiting at most
    /// `patience` for a flush in progress, and keeps the gate closed so
    /// nothing else is delivered before the process exits.
    pub(crate) fn deliver_for_exit(&self, patience: std::time::Duration) {
        let Some(fd) = self.fd else { return };
        let start = std::time::Instant::now();
        let guard = loop {
            match self.gate.try_lock() {
                Ok(g) => break g,
                Err(std::sync::TryLockError::Poisoned(p)) => break p.into_inner(),
                Err(std::sync::TryLockError::WouldBlock) => {
                    if start.elapsed() > patience {
                        // The owner is stuck writing to this very stream.
                        return;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
            }
        };
        let n = self.len.load(Ordering::Acquire);
        // SAFETY: bytes below the published length are written before it
        // is published and not again until a flush, which needs the gate.
        let bytes = unsafe { std::slice::from_raw_parts(self.ptr, n) };
        let _ = write_all_fd(fd, bytes);
        std::mem::forget(guard);
    }
}

impl Drop for SharedBuf {
    fn drop(&mut self) {
        // SAFETY: ptr/cap came from a Box<[u8]> in `new`.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(self.ptr, self.cap)) });
    }
}

/// A guest output stream (fd 1 buffered, fd 2 written through).
pub(crate) struct Output {
    sink: OutputSink,
    fd: i32,
    shared: Arc<SharedBuf>,
    /// The owner's copy of the published length.
    len: usize,
    /// The process stream is a terminal: flush at every chance.
    pub tty: bool,
    /// The first write error, reported to later guest writes.
    pub error: Option<u32>,
}

impl Output {
    pub fn new(sink: OutputSink, fd: i32) -> Output {
        let inherit = matches!(sink, OutputSink::Inherit);
        let tty = inherit && isatty(fd);
        let cap = if fd == 1 { STDOUT_FLUSH_AT } else { 256 };
        let shared = Arc::new(SharedBuf::new(cap, inherit.then_some(fd)));
        if inherit {
            crate::termination::register(&shared);
        }
        Output {
            sink,
            fd,
            shared,
            len: 0,
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

    /// Publishes `len` new bytes and flushes when the buffer is full.
    #[inline]
    fn publish(&mut self, len: usize) {
        self.len = len;
        self.shared.len.store(len, Ordering::Release);
        if len >= self.shared.cap {
            self.flush();
        }
    }

    /// Appends to the buffer, flushing when it is full.
    #[inline]
    pub fn write_buffered(&mut self, data: &[u8]) {
        if data.len() > self.shared.cap - self.len {
            self.flush();
            if data.len() >= self.shared.cap {
                let _ = self.write_through(data);
                return;
            }
        }
        // SAFETY: len + data.len() <= cap; this thread alone writes at or
        // past the published length (see SharedBuf).
        unsafe {
            std::ptr::copy_nonoverlapping(data.as_ptr(), self.shared.ptr.add(self.len), data.len())
        };
        self.publish(self.len + data.len());
    }

    #[inline]
    pub fn push_byte(&mut self, b: u8) {
        // SAFETY: len < cap (a full buffer is flushed at once); this
        // thread alone writes at or past the published length.
        unsafe { self.shared.ptr.add(self.len).write(b) };
        self.publish(self.len + 1);
    }

    /// Appends formatted text (escape sequences) to the buffer.
    pub fn write_fmt(&mut self, args: std::fmt::Arguments<'_>) {
        let text = std::fmt::format(args);
        self.write_buffered(text.as_bytes());
    }

    /// Delivers buffered bytes. A failed delivery drops them and is
    /// remembered in `error`.
    pub fn flush(&mut self) {
        if self.len == 0 {
            return;
        }
        let r = {
            let _gate = self.shared.gate.lock().unwrap_or_else(|p| p.into_inner());
            // SAFETY: the first `len` bytes were written by this thread.
            let bytes = unsafe { std::slice::from_raw_parts(self.shared.ptr, self.len) };
            let r = self.deliver(bytes);
            self.shared.len.store(0, Ordering::Release);
            r
        };
        self.len = 0;
        if let Err(e) = r {
            self.error.get_or_insert(e);
        }
    }

    fn deliver(&self, data: &[u8]) -> Result<(), u32> {
        match &self.sink {
            OutputSink::Inherit => write_all_fd(self.fd, data),
            OutputSink::Capture(c) => {
                let mut g = c.lock().unwrap_or_else(|p| p.into_inner());
                g.extend_from_slice(data);
                Ok(())
            }
        }
    }

    /// Writes through, bypassing the buffer (flushed first to keep order).
    pub fn write_through(&mut self, data: &[u8]) -> Result<(), u32> {
        self.flush();
        let r = {
            let _gate = self.shared.gate.lock().unwrap_or_else(|p| p.into_inner());
            self.deliver(data)
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
