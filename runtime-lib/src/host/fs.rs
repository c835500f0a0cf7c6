//! Descriptor I/O and file-system services.

use super::abi::{self, errno, linux_oflag, oflag, DATA_CAPACITY, STATUS_EOF, STATUS_OK};
use super::fds::{DirStream, Handle};
use super::policy::Access;
use super::stdio::read_fd;
use super::{as_einval, data, data_mut, le32, read_string, unreported, Host, Reply, Req};
use crate::memory::GuestMemory;
use std::ffi::CString;
use std::fs::{File, Metadata};
use std::mem::ManuallyDrop;
use std::os::fd::{FromRawFd, IntoRawFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::Path;

fn last_errno() -> u32 {
    errno::from_io(&std::io::Error::last_os_error())
}

/// One `write(2)` (a short count is returned to the guest as is).
fn write_once(fd: RawFd, src: &[u8], socket: bool) -> Result<usize, u32> {
    loop {
        // SAFETY: src is a valid readable slice.
        let n = unsafe {
            if socket {
                libc::send(
                    fd,
                    src.as_ptr() as *const libc::c_void,
                    src.len(),
                    SEND_FLAGS,
                )
            } else {
                libc::write(fd, src.as_ptr() as *const libc::c_void, src.len())
            }
        };
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = last_errno();
        if e != errno::EINTR {
            return Err(e);
        }
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
const SEND_FLAGS: libc::c_int = libc::MSG_NOSIGNAL;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const SEND_FLAGS: libc::c_int = 0;

/// Host `open(2)` flags for a guest OPEN request, and whether it writes.
fn open_flags(guest: u32) -> (libc::c_int, bool) {
    let (acc, append, create, trunc, excl) = if guest & !oflag::KNOWN == 0 {
        // The guest libc's own numbering.
        let acc = if guest & oflag::WRITE != 0 {
            if guest & oflag::READ != 0 {
                libc::O_RDWR
            } else {
                libc::O_WRONLY
            }
        } else {
            libc::O_RDONLY
        };
        (
            acc,
            guest & oflag::APPEND != 0,
            guest & oflag::CREATE != 0,
            guest & oflag::TRUNC != 0,
            false,
        )
    } else {
        // Bits outside the guest's set: Linux numbering. Unknown bits are
        // dropped rather than passed to the host.
        let acc = match guest & linux_oflag::ACCMODE {
            linux_oflag::WRONLY => libc::O_WRONLY,
            linux_oflag::RDWR => libc::O_RDWR,
            _ => libc::O_RDONLY,
        };
        (
            acc,
            guest & linux_oflag::APPEND != 0,
            guest & linux_oflag::CREAT != 0,
            guest & linux_oflag::TRUNC != 0,
            guest & linux_oflag::EXCL != 0,
        )
    };
    let mut f = acc | libc::O_CLOEXEC;
    if append {
        f |= libc::O_APPEND;
    }
    if create {
        f |= libc::O_CREAT;
    }
    if trunc {
        f |= libc::O_TRUNC;
    }
    if excl {
        f |= libc::O_EXCL;
    }
    let writes = acc != libc::O_RDONLY || append || create || trunc;
    (f, writes)
}

fn cpath(p: &Path) -> Result<CString, u32> {
    CString::new(p.as_os_str().as_bytes()).map_err(|_| errno::EINVAL)
}

/// Metadata of a host descriptor we do not own outright.
fn fd_metadata(fd: RawFd) -> Result<Metadata, u32> {
    // SAFETY: fd is open for the duration of this call; ManuallyDrop keeps
    // the borrowed File from closing it.
    let f = ManuallyDrop::new(unsafe { File::from_raw_fd(fd) });
    f.metadata().map_err(|e| errno::from_io(&e))
}

/// The packed 112-byte stat record.
fn encode_stat(out: &mut [u8], m: &StatFields) {
    let mut w = Vec::with_capacity(abi::STAT_SIZE as usize);
    w.extend_from_slice(&m.dev.to_le_bytes());
    w.extend_from_slice(&m.ino.to_le_bytes());
    w.extend_from_slice(&m.mode.to_le_bytes());
    w.extend_from_slice(&m.nlink.to_le_bytes());
    w.extend_from_slice(&m.uid.to_le_bytes());
    w.extend_from_slice(&m.gid.to_le_bytes());
    w.extend_from_slice(&m.rdev.to_le_bytes());
    w.extend_from_slice(&m.size.to_le_bytes());
    w.extend_from_slice(&m.blksize.to_le_bytes());
    w.extend_from_slice(&m.blocks.to_le_bytes());
    for (s, ns) in m.times {
        w.extend_from_slice(&s.to_le_bytes());
        w.extend_from_slice(&ns.to_le_bytes());
        w.extend_from_slice(&0u32.to_le_bytes());
    }
    out[..w.len()].copy_from_slice(&w);
}

struct StatFields {
    dev: u64,
    ino: u64,
    mode: u32,
    nlink: u32,
    uid: u32,
    gid: u32,
    rdev: u64,
    size: u64,
    blksize: u64,
    blocks: u64,
    times: [(u64, u32); 3],
}

impl From<&Metadata> for StatFields {
    fn from(m: &Metadata) -> StatFields {
        StatFields {
            dev: m.dev(),
            ino: m.ino(),
            mode: m.mode(),
            nlink: m.nlink() as u32,
            uid: m.uid(),
            gid: m.gid(),
            rdev: m.rdev(),
            size: m.size(),
            blksize: m.blksize(),
            blocks: m.blocks(),
            times: [
                (m.atime() as u64, m.atime_nsec() as u32),
                (m.mtime() as u64, m.mtime_nsec() as u32),
                (m.ctime() as u64, m.ctime_nsec() as u32),
            ],
        }
    }
}

/// A standard stream that is not a host descriptor (captured output,
/// fixed input): a FIFO (the guest's S_IFIFO) readable or writable by
/// the owner.
fn synthetic_stream_stat(write: bool) -> StatFields {
    StatFields {
        dev: 0,
        ino: 0,
        mode: 0o010_000 | if write { 0o200 } else { 0o400 },
        nlink: 1,
        uid: 0,
        gid: 0,
        rdev: 0,
        size: 0,
        blksize: 4096,
        blocks: 0,
        times: [(0, 0); 3],
    }
}

/// Is the last component of a guest path `.` or `..` (which removal,
/// rename and mkdir must not resolve away)?
fn last_is_dot(path: &[u8]) -> bool {
    let trimmed = {
        let mut end = path.len();
        while end > 1 && path[end - 1] == b'/' {
            end -= 1;
        }
        &path[..end]
    };
    let last = trimmed.rsplit(|&b| b == b'/').next().unwrap_or(&[]);
    last == b"." || last == b".."
}

impl Host {
    /// `O_NOFOLLOW` when paths are resolved by the policy: the resolved
    /// path ends in no symbolic link, so one appearing there since the
    /// check is refused. Unconfined hosts let the kernel follow links.
    fn nofollow(&self) -> libc::c_int {
        if self.sandbox.unrestricted {
            0
        } else {
            libc::O_NOFOLLOW
        }
    }

    pub(super) fn op_write(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        let Some(h) = self.fds.get(req.status) else {
            return Err(errno::EBADF);
        };
        if req.length == 0 || req.length > DATA_CAPACITY {
            return Err(errno::EINVAL);
        }
        let src = data(mem, base, req.offset, req.length)?;
        let n = match h {
            Handle::Stdout => {
                if let Some(e) = self.stdout.error {
                    return Err(e);
                }
                self.stdout.write_buffered(src);
                src.len()
            }
            Handle::Stderr => {
                self.stdout.flush();
                self.stderr.write_through(src)?;
                src.len()
            }
            Handle::Stdin | Handle::Dir(_) => return Err(errno::EBADF),
            Handle::File(f) => write_once(std::os::fd::AsRawFd::as_raw_fd(f), src, false)?,
            Handle::Socket(s) => write_once(std::os::fd::AsRawFd::as_raw_fd(s), src, true)?,
        };
        Ok((n as u32, n as u32))
    }

    /// Reads from guest fd `fd` into `dst`.
    fn read_into(&mut self, fd: u32, dst: &mut [u8]) -> Result<usize, u32> {
        match self.fds.get(fd) {
            None => Err(errno::EBADF),
            Some(Handle::Stdin) => {
                if self.stdin.raw_blocks() {
                    self.stdout.flush();
                }
                self.stdin.read(dst)
            }
            Some(Handle::Stdout | Handle::Stderr) => Err(errno::EBADF),
            Some(Handle::Dir(_)) => Err(errno::EISDIR),
            Some(h) => match h.raw_fd() {
                Some(raw) => read_fd(raw, dst),
                None => Err(errno::EBADF),
            },
        }
    }

    pub(super) fn op_read(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        if self.fds.get(req.status).is_none() {
            return Err(errno::EBADF);
        }
        if req.length == 0 || req.length > DATA_CAPACITY {
            return Err(errno::EINVAL);
        }
        let dst = data_mut(mem, base, req.offset, req.length)?;
        let n = self.read_into(req.status, dst)? as u32;
        Ok((n, n))
    }

    /// READ_DIRECT: `offset` is a guest address, `length` a byte count;
    /// the bytes land straight in guest memory, which must be writable.
    /// A bad descriptor or range is EINVAL (as in the reference DBT; the
    /// guest libc then falls back to READ for good).
    pub(super) fn op_read_direct(&mut self, mem: &mut GuestMemory, req: &Req) -> Reply {
        if req.length == 0 {
            return Ok((0, 0));
        }
        if self.fds.get(req.status).is_none() {
            return Err(errno::EINVAL);
        }
        let dst = mem
            .slice_mut(req.offset, req.length as usize)
            .map_err(|_| errno::EINVAL)?;
        let n = self.read_into(req.status, dst)? as u32;
        Ok((n, n))
    }

    pub(super) fn op_open(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        let path = read_string(mem, base, req.offset, req.length)?;
        let (flags, writes) = open_flags(req.status);
        let flags = flags | self.nofollow();
        let access = if writes { Access::Write } else { Access::Read };
        let real = self.resolve(req.opcode, &path, true, access)?;
        let c = cpath(&real)?;
        // SAFETY: c is NUL-terminated; the mode argument is read only with
        // O_CREAT.
        let fd = unsafe { libc::open(c.as_ptr(), flags, 0o644 as libc::c_uint) };
        if fd < 0 {
            return Err(last_errno());
        }
        // SAFETY: a fresh descriptor we own.
        let file = unsafe { File::from_raw_fd(fd) };
        // A full table: the reference answers EINVAL here.
        let gfd = self
            .fds
            .alloc(Handle::File(file))
            .map_err(|_| errno::EINVAL)?;
        Ok((0, gfd))
    }

    pub(super) fn op_close(&mut self, req: &Req) -> Reply {
        let Some(h) = self.fds.take(req.status) else {
            return Err(errno::EINVAL);
        };
        let rc = match h {
            Handle::Stdout => {
                self.stdout.flush();
                0
            }
            Handle::Stderr | Handle::Stdin => 0,
            // SAFETY: closing a descriptor we own, once.
            Handle::File(f) => unsafe { libc::close(f.into_raw_fd()) },
            // SAFETY: as above.
            Handle::Socket(s) => unsafe { libc::close(s.into_raw_fd()) },
            Handle::Dir(d) => {
                drop(d);
                0
            }
        };
        if rc != 0 {
            return Err(errno::UNREPORTED);
        }
        Ok((0, STATUS_OK))
    }

    pub(super) fn op_seek(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        if self.fds.get(req.status).is_none() {
            return Err(errno::EBADF);
        }
        if req.length < 8 {
            return Err(errno::EINVAL);
        }
        let buf = data(mem, base, req.offset, 8)?;
        // Any failure past this point is EINVAL, as in the reference.
        let whence = match buf[0] {
            0 => libc::SEEK_SET,
            1 => libc::SEEK_CUR,
            2 => libc::SEEK_END,
            _ => return Err(errno::EINVAL),
        };
        let distance = le32(buf, 4) as i32 as i64;
        let raw = match self.fds.get(req.status) {
            Some(Handle::Stdin) => {
                return self
                    .stdin
                    .seek(distance, whence)
                    .map(|p| (0, p as u32))
                    .map_err(as_einval)
            }
            Some(Handle::Stdout) => {
                self.stdout.flush();
                self.stdout.inherited_fd()
            }
            Some(Handle::Stderr) => self.stderr.inherited_fd(),
            Some(Handle::Socket(_)) | Some(Handle::Dir(_)) => None,
            Some(h) => h.raw_fd(),
            None => None,
        };
        let Some(raw) = raw else {
            return Err(errno::EINVAL);
        };
        // SAFETY: lseek has no memory effects.
        let pos = unsafe { libc::lseek(raw, distance as libc::off_t, whence) };
        if pos < 0 {
            return Err(errno::EINVAL);
        }
        Ok((0, pos as u32))
    }

    pub(super) fn op_ftruncate(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        let raw = match self.fds.get(req.status) {
            None | Some(Handle::Dir(_)) => return Err(errno::EBADF),
            Some(Handle::File(f)) => Some(std::os::fd::AsRawFd::as_raw_fd(f)),
            Some(_) => None,
        };
        if req.length < 4 {
            return Err(errno::EINVAL);
        }
        let len = le32(data(mem, base, req.offset, 4)?, 0);
        let Some(raw) = raw else {
            return Err(errno::UNREPORTED);
        };
        // SAFETY: ftruncate has no memory effects.
        if unsafe { libc::ftruncate(raw, len as libc::off_t) } != 0 {
            return Err(errno::UNREPORTED);
        }
        Ok((0, STATUS_OK))
    }

    /// Writes a stat record at the request's offset.
    fn put_stat(mem: &mut GuestMemory, base: u32, req: &Req, st: &StatFields) -> Reply {
        encode_stat(data_mut(mem, base, req.offset, abi::STAT_SIZE)?, st);
        Ok((abi::STAT_SIZE, STATUS_OK))
    }

    pub(super) fn op_stat(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        if req.offset as u64 + abi::STAT_SIZE as u64 > DATA_CAPACITY as u64 {
            return Err(errno::EINVAL);
        }
        let st = if req.status == abi::STAT_PATH_SENTINEL {
            let path = read_string(mem, base, req.offset, req.length)?;
            // Failures of the host call are EINVAL, as in the reference.
            let real = self
                .resolve(req.opcode, &path, true, Access::Read)
                .map_err(as_einval)?;
            let m = std::fs::metadata(&real).map_err(|_| errno::EINVAL)?;
            StatFields::from(&m)
        } else {
            let raw = match self.fds.get(req.status) {
                None => return Err(errno::EINVAL),
                Some(Handle::Stdin) => {
                    if self.stdin.is_inherited() {
                        Some(0)
                    } else {
                        None
                    }
                }
                Some(Handle::Stdout) => self.stdout.inherited_fd(),
                Some(Handle::Stderr) => self.stderr.inherited_fd(),
                Some(h) => h.raw_fd(),
            };
            match raw {
                Some(fd) => StatFields::from(&fd_metadata(fd).map_err(as_einval)?),
                None => {
                    synthetic_stream_stat(!matches!(self.fds.get(req.status), Some(Handle::Stdin)))
                }
            }
        };
        Self::put_stat(mem, base, req, &st)
    }

    pub(super) fn op_lstat(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        if req.offset as u64 + abi::STAT_SIZE as u64 > DATA_CAPACITY as u64 {
            return Err(errno::EINVAL);
        }
        let path = read_string(mem, base, req.offset, req.length)?;
        let real = self
            .resolve(req.opcode, &path, false, Access::Read)
            .map_err(as_einval)?;
        let m = std::fs::symlink_metadata(&real).map_err(|_| errno::EINVAL)?;
        Self::put_stat(mem, base, req, &StatFields::from(&m))
    }

    pub(super) fn op_access(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        let path = read_string(mem, base, req.offset, req.length)?;
        self.access_path(req.opcode, &path, req.status)
            .map_err(unreported)?;
        Ok((0, STATUS_OK))
    }

    fn access_path(&mut self, opcode: u32, path: &[u8], mode: u32) -> Result<(), u32> {
        if mode & !7 != 0 {
            return Err(errno::EINVAL);
        }
        let access = if mode & 2 != 0 {
            Access::Write
        } else {
            Access::Read
        };
        let real = self.resolve(opcode, path, true, access)?;
        let c = cpath(&real)?;
        // SAFETY: c is NUL-terminated; guest mode bits are POSIX's.
        if unsafe { libc::access(c.as_ptr(), mode as libc::c_int) } != 0 {
            return Err(last_errno());
        }
        Ok(())
    }

    pub(super) fn op_unlink(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        let path = read_string(mem, base, req.offset, req.length)?;
        self.unlink_path(req.opcode, &path).map_err(unreported)?;
        Ok((0, STATUS_OK))
    }

    fn unlink_path(&mut self, opcode: u32, path: &[u8]) -> Result<(), u32> {
        if last_is_dot(path) {
            return Err(errno::EISDIR);
        }
        let real = self.resolve(opcode, path, false, Access::Remove)?;
        std::fs::remove_file(&real).map_err(|e| errno::from_io(&e))
    }

    pub(super) fn op_rmdir(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        let path = read_string(mem, base, req.offset, req.length)?;
        self.rmdir_path(req.opcode, &path).map_err(unreported)?;
        Ok((0, STATUS_OK))
    }

    fn rmdir_path(&mut self, opcode: u32, path: &[u8]) -> Result<(), u32> {
        if last_is_dot(path) {
            return Err(errno::EINVAL);
        }
        let real = self.resolve(opcode, path, false, Access::Remove)?;
        std::fs::remove_dir(&real).map_err(|e| errno::from_io(&e))
    }

    pub(super) fn op_mkdir(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        let path = read_string(mem, base, req.offset, req.length)?;
        self.mkdir_path(req.opcode, &path, req.status)
            .map_err(unreported)?;
        Ok((0, STATUS_OK))
    }

    fn mkdir_path(&mut self, opcode: u32, path: &[u8], mode: u32) -> Result<(), u32> {
        if last_is_dot(path) {
            return Err(errno::EEXIST);
        }
        let real = self.resolve(opcode, path, false, Access::Write)?;
        let mode = match mode & 0o7777 {
            0 => 0o755,
            m => m,
        };
        std::fs::DirBuilder::new()
            .mode(mode)
            .create(&real)
            .map_err(|e| errno::from_io(&e))
    }

    pub(super) fn op_rename(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        if req.length == 0 || req.length > DATA_CAPACITY {
            return Err(errno::EINVAL);
        }
        let old_len = req.status;
        if old_len == 0 || old_len >= req.length {
            return Err(errno::EINVAL);
        }
        let raw = data(mem, base, req.offset, req.length)?;
        let cut = |s: &[u8]| -> Vec<u8> {
            let end = s.iter().position(|&b| b == 0).unwrap_or(s.len());
            s[..end].to_vec()
        };
        let old = cut(&raw[..old_len as usize]);
        let new = cut(&raw[old_len as usize..]);
        self.rename_paths(req.opcode, &old, &new)
            .map_err(unreported)?;
        Ok((0, STATUS_OK))
    }

    fn rename_paths(&mut self, opcode: u32, old: &[u8], new: &[u8]) -> Result<(), u32> {
        if last_is_dot(old) || last_is_dot(new) {
            return Err(errno::EINVAL);
        }
        let from = self.resolve(opcode, old, false, Access::Remove)?;
        let to = self.resolve(opcode, new, false, Access::Remove)?;
        std::fs::rename(&from, &to).map_err(|e| errno::from_io(&e))
    }

    pub(super) fn op_chdir(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        let path = read_string(mem, base, req.offset, req.length)?;
        self.chdir_path(req.opcode, &path).map_err(unreported)?;
        Ok((0, STATUS_OK))
    }

    fn chdir_path(&mut self, opcode: u32, path: &[u8]) -> Result<(), u32> {
        let real = self.resolve(opcode, path, true, Access::Chdir)?;
        let real = if self.sandbox.unrestricted {
            std::fs::canonicalize(&real).map_err(|e| errno::from_io(&e))?
        } else {
            real
        };
        let m = std::fs::metadata(&real).map_err(|e| errno::from_io(&e))?;
        if !m.is_dir() {
            return Err(errno::ENOTDIR);
        }
        let c = cpath(&real)?;
        // SAFETY: c is NUL-terminated. Search permission, as chdir needs.
        if unsafe { libc::access(c.as_ptr(), libc::X_OK) } != 0 {
            return Err(last_errno());
        }
        self.cwd = self.sandbox.to_guest(&real);
        Ok(())
    }

    pub(super) fn op_getcwd(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        if req.length == 0 || req.length > DATA_CAPACITY || req.offset >= DATA_CAPACITY {
            return Err(errno::EINVAL);
        }
        let room = req.length.min(DATA_CAPACITY - req.offset) as usize;
        let cwd = self.cwd.as_os_str().as_bytes();
        if cwd.len() + 1 > room {
            // The reference answers EINVAL (getcwd's ERANGE is not passed on).
            return Err(errno::EINVAL);
        }
        let out = data_mut(mem, base, req.offset, cwd.len() as u32 + 1)?;
        out[..cwd.len()].copy_from_slice(cwd);
        out[cwd.len()] = 0;
        let n = cwd.len() as u32 + 1;
        Ok((n, n))
    }

    pub(super) fn op_opendir(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        let path = read_string(mem, base, req.offset, req.length)?;
        let real = self.resolve(req.opcode, &path, true, Access::Read)?;
        let dir = DirStream::open(&real, self.nofollow())?;
        let fd = self.fds.alloc(Handle::Dir(dir))?;
        Ok((0, fd))
    }

    pub(super) fn op_readdir(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        // Every failure is EINVAL, as in the reference.
        let Some(Handle::Dir(dir)) = self.fds.get_mut(req.status) else {
            return Err(errno::EINVAL);
        };
        let out = data_mut(mem, base, req.offset, abi::DIRENT_SIZE)?;
        let Some(ent) = dir.next_entry().map_err(|_| errno::EINVAL)? else {
            return Ok((0, STATUS_EOF));
        };
        let n = ent.name.len().min(abi::DIRENT_NAME_MAX);
        out.fill(0);
        out[0..8].copy_from_slice(&ent.ino.to_le_bytes());
        out[8..12].copy_from_slice(&(ent.dtype as u32).to_le_bytes());
        out[12..16].copy_from_slice(&(n as u32).to_le_bytes());
        out[16..16 + n].copy_from_slice(&ent.name[..n]);
        Ok((abi::DIRENT_SIZE, STATUS_OK))
    }

    pub(super) fn op_closedir(&mut self, req: &Req) -> Reply {
        if !matches!(self.fds.get(req.status), Some(Handle::Dir(_))) {
            return Err(errno::EBADF);
        }
        drop(self.fds.take(req.status));
        Ok((0, STATUS_OK))
    }

    pub(super) fn op_rewinddir(&mut self, req: &Req) -> Reply {
        let Some(Handle::Dir(dir)) = self.fds.get_mut(req.status) else {
            return Err(errno::EBADF);
        };
        dir.rewind();
        Ok((0, STATUS_OK))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guest_open_flags() {
        let (f, w) = open_flags(oflag::READ);
        assert_eq!(f & libc::O_ACCMODE, libc::O_RDONLY);
        assert!(!w);
        let (f, w) = open_flags(oflag::WRITE | oflag::CREATE | oflag::TRUNC);
        assert_eq!(f & libc::O_ACCMODE, libc::O_WRONLY);
        assert!(f & libc::O_CREAT != 0 && f & libc::O_TRUNC != 0 && w);
        let (f, _) = open_flags(oflag::READ | oflag::WRITE);
        assert_eq!(f & libc::O_ACCMODE, libc::O_RDWR);
        // Linux numbering: O_WRONLY | O_CREAT | O_EXCL.
        let (f, w) = open_flags(0o1 | 0o100 | 0o200);
        assert_eq!(f & libc::O_ACCMODE, libc::O_WRONLY);
        assert!(f & libc::O_EXCL != 0 && w);
    }

    #[test]
    fn dot_components() {
        assert!(last_is_dot(b"a/.."));
        assert!(last_is_dot(b"."));
        assert!(last_is_dot(b"a/./"));
        assert!(!last_is_dot(b"a/.b"));
        assert!(!last_is_dot(b"/"));
    }
}
