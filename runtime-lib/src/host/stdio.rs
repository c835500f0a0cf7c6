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

/// Guest fd 0.
pub(crate) struct Stdin {
    inherit: bool,
    /// Buffered bytes (all of them for `Bytes`), consumed from `pos`.
    buf: Vec<u8>,
    pos: usize,
    pub tty: bool,
}

/// Bytes read from the process's stdin at a time for GETCHAR.
const STDIN_CHUNK: usize = 4096;

impl Stdin {
    pub fn new(src: StdinSource) -> Stdin {
        match src {
            StdinSource::Inherit => Stdin {
                inherit: true,
                buf: Vec::new(),
                pos: 0,
                tty: isatty(0),
            },
            StdinSource::Bytes(b) => Stdin {
                inherit: false,
                buf: b,
                pos: 0,
                tty: false,
            },
        }
    }

    pub fn is_inherited(&self) -> bool {
        self.inherit
    }

    /// Bytes available without touching the process's stdin.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Would a read block on the process's stdin?
    pub fn needs_os_read(&self) -> bool {
        self.inherit && self.buffered() == 0
    }

    /// Reads up to `dst.len()` bytes: buffered bytes first, else one
    /// `read(2)` on fd 0 straight into `dst`. 0 means end of file.
    pub fn read(&mut self, dst: &mut [u8]) -> Result<usize, u32> {
        let avail = self.buffered();
        if avail > 0 {
            let n = avail.min(dst.len());
            dst[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
            self.pos += n;
            if self.inherit && self.pos == self.buf.len() {
                self.buf.clear();
                self.pos = 0;
            }
            return Ok(n);
        }
        if !self.inherit {
            return Ok(0);
        }
        read_fd(0, dst)
    }

    /// One byte, or None at end of file.
    pub fn getc(&mut self) -> Result<Option<u8>, u32> {
        if self.buffered() == 0 {
            if !self.inherit {
                return Ok(None);
            }
            self.buf.clear();
            self.pos = 0;
            self.buf.resize(STDIN_CHUNK, 0);
            let r = read_fd(0, &mut self.buf);
            let n = *r.as_ref().unwrap_or(&0);
            self.buf.truncate(n);
            r?;
            if n == 0 {
                return Ok(None);
            }
        }
        let b = self.buf[self.pos];
        self.pos += 1;
        Ok(Some(b))
    }

    /// Is input ready (or end of file reached) without blocking?
    pub fn poll_ready(&self) -> bool {
        if self.buffered() > 0 || !self.inherit {
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

    /// Repositions an inherited stdin (a redirected file), accounting for
    /// bytes buffered ahead.
    pub fn seek(&mut self, distance: i64, whence: i32) -> Result<u64, u32> {
        if !self.inherit {
            return Err(errno::ESPIPE);
        }
        let mut distance = distance;
        if whence == libc::SEEK_CUR {
            distance -= self.buffered() as i64;
        }
        // SAFETY: lseek on fd 0 has no memory effects.
        let r = unsafe { libc::lseek(0, distance as libc::off_t, whence) };
        if r < 0 {
            return Err(errno::from_host(last_errno()));
        }
        self.buf.clear();
        self.pos = 0;
        Ok(r as u64)
    }
}
