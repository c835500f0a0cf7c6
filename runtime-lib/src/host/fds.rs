//! The guest's descriptor table: guest fd numbers to host resources.
//!
//! Numbers are handed out lowest-free-first from 0, like the reference
//! host (and POSIX): 0, 1 and 2 start as the standard streams, so the
//! first file a guest opens is fd 3, and a guest that closes fd 1 gets 1
//! back from its next open. Every host resource is owned here and closed
//! when its slot is freed or the table is dropped.

use super::abi::errno;
use std::ffi::CString;
use std::fs::File;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr::NonNull;

/// Guest descriptors available (the reference host's table size).
pub const MAX_FDS: usize = 128;

/// What a guest fd refers to.
pub(crate) enum Handle {
    Stdin,
    Stdout,
    Stderr,
    File(File),
    Dir(DirStream),
    Socket(OwnedFd),
}

impl Handle {
    /// The host descriptor behind a file, directory or socket.
    pub fn raw_fd(&self) -> Option<RawFd> {
        match self {
            Handle::File(f) => Some(f.as_raw_fd()),
            Handle::Dir(d) => Some(d.raw_fd()),
            Handle::Socket(s) => Some(s.as_raw_fd()),
            _ => None,
        }
    }
}

pub(crate) struct FdTable {
    slots: Vec<Option<Handle>>,
}

impl FdTable {
    pub fn new() -> FdTable {
        let mut slots: Vec<Option<Handle>> = Vec::with_capacity(MAX_FDS);
        slots.push(Some(Handle::Stdin));
        slots.push(Some(Handle::Stdout));
        slots.push(Some(Handle::Stderr));
        FdTable { slots }
    }

    /// Installs `h` at the lowest free number (EMFILE when full; `h` is
    /// dropped, closing it).
    pub fn alloc(&mut self, h: Handle) -> Result<u32, u32> {
        if let Some(i) = self.slots.iter().position(|s| s.is_none()) {
            self.slots[i] = Some(h);
            return Ok(i as u32);
        }
        if self.slots.len() < MAX_FDS {
            self.slots.push(Some(h));
            return Ok((self.slots.len() - 1) as u32);
        }
        Err(errno::EMFILE)
    }

    #[inline]
    pub fn get(&self, fd: u32) -> Option<&Handle> {
        self.slots.get(fd as usize).and_then(|s| s.as_ref())
    }

    #[inline]
    pub fn get_mut(&mut self, fd: u32) -> Option<&mut Handle> {
        self.slots.get_mut(fd as usize).and_then(|s| s.as_mut())
    }

    /// Frees a slot, returning what it held.
    pub fn take(&mut self, fd: u32) -> Option<Handle> {
        let h = self.slots.get_mut(fd as usize).and_then(|s| s.take());
        while matches!(self.slots.last(), Some(None)) {
            self.slots.pop();
        }
        h
    }

    /// Closes everything (the standard streams are only forgotten).
    pub fn close_all(&mut self) {
        self.slots.clear();
    }

    /// Open host resources (files, directories, sockets).
    pub fn open_host_resources(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| s.as_ref().and_then(|h| h.raw_fd()).is_some())
            .count()
    }
}

/// An open directory stream (`DIR *`), closed on drop.
pub(crate) struct DirStream {
    dir: NonNull<libc::DIR>,
}

// The stream is owned exclusively and only used through &mut self.
unsafe impl Send for DirStream {}

/// One directory entry, as READDIR reports it.
pub(crate) struct DirEntry<'a> {
    pub ino: u64,
    pub dtype: u8,
    pub name: &'a [u8],
}

fn set_errno(v: i32) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    // SAFETY: the thread's errno location.
    unsafe {
        *libc::__errno_location() = v;
    }
    #[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
    // SAFETY: the thread's errno location.
    unsafe {
        *libc::__error() = v;
    }
}

impl DirStream {
    /// Opens the directory at `path`. `extra` adds open flags
    /// (`O_NOFOLLOW` for paths the policy resolved).
    pub fn open(path: &Path, extra: libc::c_int) -> Result<DirStream, u32> {
        let c = CString::new(path.as_os_str().as_bytes()).map_err(|_| errno::EINVAL)?;
        // SAFETY: c is NUL-terminated.
        let fd = unsafe {
            libc::open(
                c.as_ptr(),
                libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC | extra,
            )
        };
        if fd < 0 {
            return Err(errno::from_io(&std::io::Error::last_os_error()));
        }
        // SAFETY: fd is a fresh descriptor we own; fdopendir takes it over
        // on success.
        let dir = unsafe { libc::fdopendir(fd) };
        match NonNull::new(dir) {
            Some(dir) => Ok(DirStream { dir }),
            None => {
                let e = errno::from_io(&std::io::Error::last_os_error());
                // SAFETY: fdopendir failed, so fd is still ours.
                drop(unsafe { OwnedFd::from_raw_fd(fd) });
                Err(e)
            }
        }
    }

    pub fn raw_fd(&self) -> RawFd {
        // SAFETY: a valid open stream.
        unsafe { libc::dirfd(self.dir.as_ptr()) }
    }

    /// The next entry; `Ok(None)` at the end.
    pub fn next_entry(&mut self) -> Result<Option<DirEntry<'_>>, u32> {
        set_errno(0);
        // SAFETY: a valid open stream, used by this thread only.
        let ent = unsafe { libc::readdir(self.dir.as_ptr()) };
        if ent.is_null() {
            let e = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
            return if e == 0 {
                Ok(None)
            } else {
                Err(errno::from_host(e))
            };
        }
        // SAFETY: readdir returned a valid entry that stays valid until the
        // next call on this stream, which needs &mut self again.
        unsafe {
            let ent = &*ent;
            let name = std::ffi::CStr::from_ptr(ent.d_name.as_ptr()).to_bytes();
            Ok(Some(DirEntry {
                ino: ent.d_ino as u64,
                dtype: ent.d_type,
                name,
            }))
        }
    }

    pub fn rewind(&mut self) {
        // SAFETY: a valid open stream.
        unsafe { libc::rewinddir(self.dir.as_ptr()) }
    }
}

impl Drop for DirStream {
    fn drop(&mut self) {
        // SAFETY: closing exactly our own stream, once.
        unsafe {
            libc::closedir(self.dir.as_ptr());
        }
    }
}
