//! Executable memory for translated code, mapped twice.
//!
//! One shared-memory object is mapped read+execute (where code runs) and,
//! at another address, read+write (where the translator writes and where
//! exits are patched). No page is ever writable and executable at once, no
//! `mprotect` is needed per translation, and code never moves, so host
//! addresses of blocks stay valid for chaining and lookup tables.

use std::io;

pub struct CodeMemory {
    rx: *mut u8,
    rw: *mut u8,
    size: usize,
    used: usize,
}

// The mappings are owned exclusively by this value.
unsafe impl Send for CodeMemory {}

impl CodeMemory {
    /// Maps `size` bytes (rounded up to pages) twice.
    pub fn new(size: usize) -> io::Result<CodeMemory> {
        let size = (size + 4095) & !4095;
        // SAFETY: plain syscalls; every result is checked.
        unsafe {
            let name = b"fast32-jit\0";
            let fd = libc::memfd_create(name.as_ptr() as *const libc::c_char, libc::MFD_CLOEXEC);
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            if libc::ftruncate(fd, size as libc::off_t) != 0 {
                let e = io::Error::last_os_error();
                libc::close(fd);
                return Err(e);
            }
            let rx = libc::mmap(
                std::ptr::null_mut(),
                size,
                libc::PROT_READ | libc::PROT_EXEC,
                libc::MAP_SHARED,
                fd,
                0,
            );
            if rx == libc::MAP_FAILED {
                let e = io::Error::last_os_error();
                libc::close(fd);
                return Err(e);
            }
            let rw = libc::mmap(
                std::ptr::null_mut(),
                size,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd,
                0,
            );
            let e = io::Error::last_os_error();
            libc::close(fd);
            if rw == libc::MAP_FAILED {
                libc::munmap(rx, size);
                return Err(e);
            }
            Ok(CodeMemory {
                rx: rx as *mut u8,
                rw: rw as *mut u8,
                size,
                used: 0,
            })
        }
    }

    /// Executable address of the next byte to be written.
    pub fn next_addr(&self) -> usize {
        self.rx as usize + self.used
    }

    pub fn remaining(&self) -> usize {
        self.size - self.used
    }

    /// Appends code assembled for address [`CodeMemory::next_addr`];
    /// returns its executable address, or `None` when full.
    pub fn append(&mut self, code: &[u8]) -> Option<usize> {
        if code.len() > self.remaining() {
            return None;
        }
        let at = self.next_addr();
        // SAFETY: within the RW view, not overlapping any live borrow.
        unsafe {
            std::ptr::copy_nonoverlapping(code.as_ptr(), self.rw.add(self.used), code.len());
        }
        // Keep blocks 16-byte aligned for the front end.
        self.used = (self.used + code.len() + 15) & !15;
        self.used = self.used.min(self.size);
        Some(at)
    }

    /// Space for `len` more bytes at [`CodeMemory::next_addr`]: the
    /// writable view of it, with its pages already mapped in both views
    /// (one system call each instead of two page faults per page, which
    /// matters when a whole code cache is loaded at once). Nothing is
    /// committed until [`CodeMemory::commit`].
    pub fn reserve(&mut self, len: usize) -> Option<&mut [u8]> {
        if len > self.remaining() {
            return None;
        }
        self.populate(self.used, len);
        // SAFETY: inside the RW view, beyond every committed byte.
        Some(unsafe { std::slice::from_raw_parts_mut(self.rw.add(self.used), len) })
    }

    /// Commits `len` bytes written through [`CodeMemory::reserve`].
    pub fn commit(&mut self, len: usize) {
        self.used = ((self.used + len + 15) & !15).min(self.size);
    }

    /// Maps the pages of `[off, off + len)` in both views ahead of use.
    /// Best effort: kernels without `MADV_POPULATE_*` (before 5.14) fault
    /// them in on first touch as usual.
    fn populate(&self, off: usize, len: usize) {
        let start = off & !4095;
        let end = (off + len + 4095).min(self.size) & !4095;
        if end <= start {
            return;
        }
        // SAFETY: advisory calls on our own mappings.
        unsafe {
            libc::madvise(
                self.rw.add(start) as *mut libc::c_void,
                end - start,
                libc::MADV_POPULATE_WRITE,
            );
            libc::madvise(
                self.rx.add(start) as *mut libc::c_void,
                end - start,
                libc::MADV_POPULATE_READ,
            );
        }
    }

    /// Is `addr` inside the executable view?
    pub fn contains(&self, addr: usize) -> bool {
        addr >= self.rx as usize && addr < self.rx as usize + self.used
    }

    /// Rewrites the rel32 field at executable address `field` so the jump
    /// whose displacement ends at `field + 4` goes to `target`.
    pub fn patch_rel32(&mut self, field: usize, target: usize) {
        debug_assert!(self.contains(field));
        let rel = (target as i64 - (field as i64 + 4)) as i32;
        let off = field - self.rx as usize;
        // SAFETY: inside the RW view; translated code is not running while
        // the dispatcher patches (one thread per machine).
        unsafe {
            (self.rw.add(off) as *mut i32).write_unaligned(rel);
        }
    }

    /// Overwrites the first 5 bytes of the code at executable address `at`
    /// with `jmp target` (a block replaced by a new translation).
    pub fn patch_jmp(&mut self, at: usize, target: usize) {
        debug_assert!(self.contains(at) && self.contains(at + 4));
        let off = at - self.rx as usize;
        let rel = (target as i64 - (at as i64 + 5)) as i32;
        // SAFETY: inside the RW view; translated code is not running while
        // the dispatcher patches (one thread per machine).
        unsafe {
            self.rw.add(off).write(0xE9);
            (self.rw.add(off + 1) as *mut i32).write_unaligned(rel);
        }
    }

    /// Forgets all code (after the caller dropped every reference to it).
    pub fn reset(&mut self, keep: usize) {
        self.used = keep;
    }

    pub fn used(&self) -> usize {
        self.used
    }

    pub fn base(&self) -> usize {
        self.rx as usize
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        // SAFETY: unmapping our own two views.
        unsafe {
            libc::munmap(self.rx as *mut libc::c_void, self.size);
            libc::munmap(self.rw as *mut libc::c_void, self.size);
        }
    }
}
