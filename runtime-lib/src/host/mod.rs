//! MMIO host services: what a SLOW-32 guest gets when it executes YIELD.
//!
//! A guest with an MMIO window talks to the host through two rings of
//! 16-byte descriptors (`opcode, length, offset, status`) and a 48 KiB
//! data buffer, all inside its own memory (see [`abi`] for the layout).
//! The guest writes request descriptors, advances `REQ_HEAD` and executes
//! YIELD; [`Host::on_yield`] then services every pending request in
//! order, posts one response per request (same opcode and offset; result
//! in `status`, byte count or errno in `length`), and advances `REQ_TAIL`
//! and `RESP_HEAD`. Errors are `status = STATUS_ERR` with the guest errno
//! in `length`.
//!
//! All guest memory is reached through [`GuestMemory`]'s checked
//! accessors: a malformed request (offset or length outside the data
//! buffer, a READ_DIRECT into unwritable memory) gets an error response,
//! never a host fault.
//!
//! File-system, network and exec requests go through the
//! [`AccessPolicy`]; a refused request answers EACCES (and, with
//! `trace_host`, prints one line on stderr).
//!
//! Guest stdout is buffered here (programs that write one byte per
//! request are common) and flushed before stdin is read, before guest
//! stderr output, before EXEC and SLEEP, when the buffer is large, at
//! [`Host::flush`] and on drop; when stdout is a terminal it is also
//! flushed at the end of every YIELD so interactive output appears at
//! once. With [`crate::termination::install`], SIGINT, SIGTERM and SIGHUP
//! deliver it too before fast32 exits.
//!
//! Errors follow the reference host's conventions, because guests print
//! them: the failed host call behind CLOSE, FTRUNCATE, UNLINK, RENAME,
//! MKDIR, RMDIR, ACCESS and CHDIR reports no errno (length 0, read as
//! EIO), STAT/LSTAT/SEEK/GETCWD/READDIR/READ_DIRECT failures are EINVAL,
//! and so on. Where fast32 deliberately differs from the reference host:
//! - offsets and lengths outside the data buffer are rejected (EINVAL)
//!   instead of being reduced modulo the buffer size;
//! - fstat maps the guest fd to its host resource (the reference passes
//!   the guest fd number to the host's fstat);
//! - READ_DIRECT writes only writable guest memory;
//! - GETENV and ENVP_* serve the configured environment, never the
//!   process's;
//! - the `term` service is always granted at opcode 0x80 and a second
//!   request answers SVC_CONFLICT (the reference grants again at a new
//!   base); `tube` is not offered (SVC_UNKNOWN);
//! - argv and environments over the guest's limits keep the longest
//!   prefix of whole strings (the reference drops them all);
//! - policy refusals answer EACCES (the reference's service gate answers
//!   EINVAL).

pub mod abi;
mod fds;
mod fs;
mod net;
pub mod policy;
pub(crate) mod stdio;
mod term;

pub use policy::{AccessPolicy, Grant, GrantError, PolicyDecodeError};
pub use stdio::{OutputSink, StdinSource};

use crate::memory::GuestMemory;
use abi::{errno, op, DATA_BUFFER, DATA_CAPACITY, STATUS_ERR, STATUS_OK};
use fds::{FdTable, Handle};
use policy::{Access, Sandbox};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use stdio::{Output, Stdin};
use term::{TermIo, TermSession};

/// A request to run another `.s32x` (the EXEC service) and wait for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecRequest {
    /// The program, resolved on the host (already checked by the policy).
    pub path: PathBuf,
    /// The child's argv: the path as the guest spelled it, then up to 11
    /// extra arguments.
    pub args: Vec<Vec<u8>>,
    /// Host directory the child should start in (the guest's virtual
    /// working directory; the process's own is never changed).
    pub cwd: PathBuf,
    /// The child's standard streams.
    pub stdio: ExecStdio,
    /// The policy the child must run under: the parent's grants, resolved
    /// (see [`AccessPolicy::encode`] to pass it to another process). The
    /// child's arguments came from the guest: the embedder must neither
    /// grant them nor read them as its own options.
    pub policy: AccessPolicy,
}

impl ExecRequest {
    /// Gives `cmd` the child's standard streams: for [`ExecStdio::Fd`],
    /// duplicates of that descriptor (owned by `cmd`); for
    /// [`ExecStdio::Inherit`], nothing to do.
    pub fn configure_stdio(&self, cmd: &mut std::process::Command) -> Result<(), String> {
        if let ExecStdio::Fd(fd) = self.stdio {
            let dup = || -> Result<std::process::Stdio, String> {
                // SAFETY: dup of a descriptor the host owns; the new one is
                // owned by the Stdio value.
                let n = unsafe { libc::dup(fd) };
                if n < 0 {
                    return Err(std::io::Error::last_os_error().to_string());
                }
                // SAFETY: `n` is a fresh descriptor nobody else owns.
                Ok(unsafe { <std::process::Stdio as std::os::fd::FromRawFd>::from_raw_fd(n) })
            };
            cmd.stdin(dup()?).stdout(dup()?).stderr(dup()?);
        }
        Ok(())
    }

    /// Runs `cmd` (the embedder's way of running the child under
    /// [`ExecRequest::policy`]) in the guest's working directory with the
    /// child's standard streams, and waits for it. A child killed by a
    /// signal reads as 128 + the signal, as a shell reports it.
    pub fn run(&self, mut cmd: std::process::Command) -> Result<i32, String> {
        use std::os::unix::process::ExitStatusExt;
        cmd.current_dir(&self.cwd);
        self.configure_stdio(&mut cmd)?;
        let status = cmd.status().map_err(|e| e.to_string())?;
        Ok(status
            .code()
            .or_else(|| status.signal().map(|s| 128 + s))
            .unwrap_or(255))
    }
}

/// The time an EXEC child may run before its parent's `deadline`, in
/// seconds as a timeout option or variable wants it: never zero, since a
/// timeout must be positive (a child started at the deadline gets a
/// microsecond).
pub fn exec_seconds_left(deadline: std::time::Instant) -> String {
    let left = deadline.saturating_duration_since(std::time::Instant::now());
    format!("{}", left.as_secs_f64().max(1e-6))
}

/// Standard streams for an EXEC child.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExecStdio {
    /// The parent process's fds 0, 1 and 2.
    Inherit,
    /// This host descriptor as the child's stdin, stdout and stderr. It
    /// is only valid for the duration of the callback.
    Fd(std::os::fd::RawFd),
}

/// Runs an EXEC child and returns its exit status (0..=255; anything else
/// reads as 255). The embedder must run it under [`ExecRequest::policy`].
pub type ExecFn = Box<dyn FnMut(&ExecRequest) -> Result<i32, String> + Send>;

/// Everything a [`Host`] needs to know about the guest's surroundings.
pub struct HostConfig {
    /// Guest argv, `argv[0]` (the program path) included.
    pub args: Vec<Vec<u8>>,
    /// The environment the guest sees (ENVP_*, GETENV); the process's own
    /// environment is never consulted.
    pub env: Vec<(Vec<u8>, Vec<u8>)>,
    /// Reproducible runs: GETTIME returns a virtual clock that starts at
    /// [`DETERMINISTIC_EPOCH`] (2000-01-01T00:00:00Z) and advances by
    /// [`DETERMINISTIC_STEP_NS`] (1 ms) per call; SLEEP advances that
    /// clock instead of sleeping; GETTZ answers UTC; the term service
    /// reports a 24x80 screen.
    pub deterministic: bool,
    pub stdin: StdinSource,
    pub stdout: OutputSink,
    pub stderr: OutputSink,
    pub policy: AccessPolicy,
    /// Print one line on stderr per denied request.
    pub trace_host: bool,
    /// How to run another `.s32x` for EXEC (None: EXEC answers ENOENT).
    pub exec: Option<ExecFn>,
}

impl Default for HostConfig {
    fn default() -> Self {
        HostConfig {
            args: Vec::new(),
            env: Vec::new(),
            deterministic: false,
            stdin: StdinSource::Inherit,
            stdout: OutputSink::Inherit,
            stderr: OutputSink::Inherit,
            policy: AccessPolicy::cwd_only(),
            trace_host: false,
            exec: None,
        }
    }
}

/// First value of the deterministic clock: 2000-01-01T00:00:00Z.
pub const DETERMINISTIC_EPOCH: u64 = 946_684_800;
/// Deterministic clock step per GETTIME: one millisecond.
pub const DETERMINISTIC_STEP_NS: u64 = 1_000_000;

/// What the engine should do after a YIELD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostAction {
    Continue,
    /// The guest called the EXIT service with this status.
    Exit(u32),
}

/// Why a host could not be set up exactly as configured.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error("cannot determine the working directory: {0}")]
    Cwd(std::io::Error),
    #[error("working directory {0} is not usable: {1}")]
    BadCwd(PathBuf, std::io::Error),
    #[error("cannot grant access to {path}: {err}")]
    Grant { path: PathBuf, err: std::io::Error },
}

/// Service counters.
#[derive(Clone, Debug)]
pub struct HostStats {
    /// Requests per opcode (opcodes above 0xFF are counted in `other`).
    pub by_opcode: [u64; 256],
    pub other: u64,
    /// YIELDs seen.
    pub yields: u64,
    /// Requests serviced.
    pub requests: u64,
    /// Requests answered with STATUS_ERR.
    pub errors: u64,
    /// Requests refused by the policy.
    pub denied: u64,
}

impl Default for HostStats {
    fn default() -> Self {
        HostStats {
            by_opcode: [0; 256],
            other: 0,
            yields: 0,
            requests: 0,
            errors: 0,
            denied: 0,
        }
    }
}

impl HostStats {
    /// Requests seen with this opcode.
    pub fn count(&self, opcode: u32) -> u64 {
        self.by_opcode.get(opcode as usize).copied().unwrap_or(0)
    }

    /// `(opcode name, count)` for every opcode seen, busiest first.
    pub fn summary(&self) -> Vec<(u32, &'static str, u64)> {
        let mut v: Vec<_> = self
            .by_opcode
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(o, n)| (o as u32, op::name(o as u32), *n))
            .collect();
        v.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        v
    }
}

/// One request descriptor.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Req {
    pub opcode: u32,
    pub length: u32,
    pub offset: u32,
    pub status: u32,
}

/// A handler's outcome: `(length, status)` for the response, or a guest
/// errno ([`errno::UNREPORTED`] for "no errno", [`DENIED`] for a policy
/// refusal).
pub(crate) type Reply = Result<(u32, u32), u32>;

/// A policy refusal, answered as EACCES. Kept apart from an EACCES the
/// host OS reports so that handlers which rewrite OS errors the way the
/// reference host does leave refusals alone.
pub(crate) const DENIED: u32 = 0x1_0000 | errno::EACCES;

/// The reference host's answer for a failed host call whose errno it does
/// not report (see [`errno::UNREPORTED`]); refusals stay refusals.
pub(crate) fn unreported(e: u32) -> u32 {
    if e == DENIED {
        e
    } else {
        errno::UNREPORTED
    }
}

/// The reference host's EINVAL for any failed host call of STAT, LSTAT,
/// SEEK, GETCWD and READDIR; refusals stay refusals.
pub(crate) fn as_einval(e: u32) -> u32 {
    if e == DENIED {
        e
    } else {
        errno::EINVAL
    }
}

/// A granted `term` session and its opcode base.
struct TermGrant {
    base: u32,
    session: TermSession,
}

/// The host side of one guest's MMIO services.
pub struct Host {
    mmio_base: Option<u32>,
    stdin: Stdin,
    stdout: Output,
    stderr: Output,
    fds: FdTable,
    sandbox: Sandbox,
    /// Virtual working directory, in the guest's namespace.
    cwd: PathBuf,
    args_blob: Vec<u8>,
    argc: u32,
    env: Vec<(Vec<u8>, Vec<u8>)>,
    env_blob: Vec<u8>,
    envc: u32,
    deterministic: bool,
    /// Deterministic clock, in nanoseconds since the Unix epoch.
    clock_ns: u64,
    trace: bool,
    exec: Option<ExecFn>,
    allow_net: bool,
    allow_exec: bool,
    allow_term: bool,
    term: Option<TermGrant>,
    stats: HostStats,
}

/// Joins NUL-terminated strings, keeping as many whole ones as fit in
/// `max` bytes.
fn flatten<'a>(items: impl Iterator<Item = Vec<u8>> + 'a, max: usize) -> (Vec<u8>, u32) {
    let mut blob = Vec::new();
    let mut n = 0u32;
    for mut s in items {
        if let Some(z) = s.iter().position(|&b| b == 0) {
            s.truncate(z);
        }
        if blob.len() + s.len() + 1 > max {
            break;
        }
        blob.extend_from_slice(&s);
        blob.push(0);
        n += 1;
    }
    (blob, n)
}

impl Host {
    /// A host for a guest whose MMIO window starts at `mmio_base` (None:
    /// the program has no window and YIELD does nothing). Grants that
    /// cannot be resolved are left out (see [`Host::try_new`] to treat
    /// that as an error).
    pub fn new(config: HostConfig, mmio_base: Option<u32>) -> Host {
        Host::build(config, mmio_base).0
    }

    /// Like [`Host::new`], but fails when the working directory or a grant
    /// cannot be resolved.
    pub fn try_new(config: HostConfig, mmio_base: Option<u32>) -> Result<Host, HostError> {
        let (host, err) = Host::build(config, mmio_base);
        match err {
            Some(e) => Err(e),
            None => Ok(host),
        }
    }

    fn build(config: HostConfig, mmio_base: Option<u32>) -> (Host, Option<HostError>) {
        let mut first_err = None;
        let mut policy = config.policy;
        let start = match policy.cwd.clone() {
            Some(c) => Ok(c),
            None => std::env::current_dir().map_err(HostError::Cwd),
        };
        let cwd = match start {
            Ok(c) => {
                let abs = if c.is_absolute() {
                    c
                } else {
                    std::env::current_dir()
                        .unwrap_or_else(|_| PathBuf::from("/"))
                        .join(c)
                };
                match std::fs::canonicalize(&abs) {
                    Ok(p) if p.is_dir() => Some(p),
                    Ok(p) => {
                        first_err = Some(HostError::BadCwd(
                            p,
                            std::io::Error::from_raw_os_error(libc::ENOTDIR),
                        ));
                        None
                    }
                    Err(e) => {
                        first_err = Some(HostError::BadCwd(abs, e));
                        None
                    }
                }
            }
            Err(e) => {
                first_err = Some(e);
                None
            }
        };
        let cwd = cwd.unwrap_or_else(|| {
            // Never grant a directory we did not mean to.
            policy.grant_cwd = false;
            PathBuf::from("/")
        });
        let (sandbox, grant_errors) = Sandbox::compile(&policy, &cwd);
        if first_err.is_none() {
            if let Some(g) = grant_errors.into_iter().next() {
                first_err = Some(HostError::Grant {
                    path: g.path,
                    err: std::io::Error::from_raw_os_error(g.errno as i32),
                });
            }
        }
        let (args_blob, argc) = flatten(config.args.into_iter(), abi::ARGS_MAX_BYTES);
        let (env_blob, envc) = flatten(
            config.env.iter().map(|(k, v)| {
                let mut s = k.clone();
                s.push(b'=');
                s.extend_from_slice(v);
                s
            }),
            abi::ENVP_MAX_BYTES,
        );
        let host = Host {
            mmio_base,
            stdin: Stdin::new(config.stdin),
            stdout: Output::new(config.stdout, 1),
            stderr: Output::new(config.stderr, 2),
            fds: FdTable::new(),
            sandbox,
            cwd,
            args_blob,
            argc,
            env: config.env,
            env_blob,
            envc,
            deterministic: config.deterministic,
            clock_ns: DETERMINISTIC_EPOCH * 1_000_000_000,
            trace: config.trace_host,
            exec: config.exec,
            allow_net: policy.allow_net,
            allow_exec: policy.allow_exec,
            allow_term: policy.allow_term,
            term: None,
            stats: HostStats::default(),
        };
        (host, first_err)
    }

    /// Services every pending request (the guest executed YIELD).
    pub fn on_yield(&mut self, mem: &mut GuestMemory) -> HostAction {
        let Some(base) = self.mmio_base else {
            return HostAction::Continue;
        };
        self.stats.yields += 1;
        let action = self.drain(mem, base);
        if self.stdout.tty {
            self.stdout.flush();
        }
        action
    }

    /// DEBUG instruction: one byte to stdout.
    #[inline]
    pub fn debug_byte(&mut self, b: u8) {
        self.stdout.push_byte(b);
        if self.stdout.tty && b == b'\n' {
            self.stdout.flush();
        }
    }

    /// Flushes buffered guest output.
    pub fn flush(&mut self) {
        self.stdout.flush();
        self.stderr.flush();
    }

    pub fn stats(&self) -> &HostStats {
        &self.stats
    }

    /// Open host files, directories and sockets held for the guest.
    pub fn open_host_resources(&self) -> usize {
        self.fds.open_host_resources()
    }

    /// The guest's virtual working directory.
    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// Flushes output, ends the term session (restoring the terminal) and
    /// closes every host resource the guest holds. Dropping the host does
    /// the same.
    pub fn close_all(&mut self) {
        self.flush();
        if let Some(mut t) = self.term.take() {
            t.session.close();
        }
        self.fds.close_all();
    }

    fn drain(&mut self, mem: &mut GuestMemory, base: u32) -> HostAction {
        let word = |mem: &GuestMemory, off: u32| mem.read(base.wrapping_add(off), 4);
        let (Ok(head), Ok(tail), Ok(resp_head), Ok(resp_tail)) = (
            word(mem, abi::REQ_HEAD),
            word(mem, abi::REQ_TAIL),
            word(mem, abi::RESP_HEAD),
            word(mem, abi::RESP_TAIL),
        ) else {
            return HostAction::Continue;
        };
        let n = abi::RING_ENTRIES;
        let (head, mut tail, mut resp_head, resp_tail) =
            (head % n, tail % n, resp_head % n, resp_tail % n);
        let mut action = HostAction::Continue;
        // At most RING_ENTRIES - 1 requests can be pending.
        while tail != head {
            let d = base
                .wrapping_add(abi::REQ_RING)
                .wrapping_add(tail * abi::DESC_BYTES);
            let (Ok(opcode), Ok(length), Ok(offset), Ok(status)) = (
                mem.read(d, 4),
                mem.read(d.wrapping_add(4), 4),
                mem.read(d.wrapping_add(8), 4),
                mem.read(d.wrapping_add(12), 4),
            ) else {
                break;
            };
            tail = (tail + 1) % n;
            let req = Req {
                opcode,
                length,
                offset,
                status,
            };
            let (r_len, r_status, exit) = self.dispatch(mem, base, &req);
            // A full response ring drops the response, as the reference
            // host does; the guest never lets that happen.
            if (resp_head + 1) % n != resp_tail {
                let r = base
                    .wrapping_add(abi::RESP_RING)
                    .wrapping_add(resp_head * abi::DESC_BYTES);
                let _ = mem.write(r, 4, opcode);
                let _ = mem.write(r.wrapping_add(4), 4, r_len);
                let _ = mem.write(r.wrapping_add(8), 4, offset);
                let _ = mem.write(r.wrapping_add(12), 4, r_status);
                resp_head = (resp_head + 1) % n;
            }
            if let Some(code) = exit {
                action = HostAction::Exit(code);
                break;
            }
        }
        let _ = mem.write(base.wrapping_add(abi::REQ_TAIL), 4, tail);
        let _ = mem.write(base.wrapping_add(abi::RESP_HEAD), 4, resp_head);
        action
    }

    /// Services one request: `(length, status, exit code)`.
    fn dispatch(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> (u32, u32, Option<u32>) {
        self.stats.requests += 1;
        match self.stats.by_opcode.get_mut(req.opcode as usize) {
            Some(c) => *c += 1,
            None => self.stats.other += 1,
        }
        let mut exit = None;
        let r: Reply = match req.opcode {
            op::NOP => Ok((0, STATUS_OK)),
            op::PUTCHAR => self.op_putchar(mem, base, req),
            op::GETCHAR => self.op_getchar(mem, base, req),
            op::WRITE => self.op_write(mem, base, req),
            op::READ => self.op_read(mem, base, req),
            op::READ_DIRECT => self.op_read_direct(mem, req),
            op::OPEN => self.op_open(mem, base, req),
            op::CLOSE => self.op_close(req),
            op::SEEK => self.op_seek(mem, base, req),
            op::FTRUNCATE => self.op_ftruncate(mem, base, req),
            op::EXIT => {
                self.stdout.flush();
                exit = Some(req.status);
                Ok((0, req.status))
            }
            op::FLUSH => {
                self.flush();
                Ok((0, STATUS_OK))
            }
            op::STAT => self.op_stat(mem, base, req),
            op::EXEC => self.op_exec(mem, base, req),
            op::UNLINK => self.op_unlink(mem, base, req),
            op::RENAME => self.op_rename(mem, base, req),
            op::MKDIR => self.op_mkdir(mem, base, req),
            op::RMDIR => self.op_rmdir(mem, base, req),
            op::LSTAT => self.op_lstat(mem, base, req),
            op::ACCESS => self.op_access(mem, base, req),
            op::CHDIR => self.op_chdir(mem, base, req),
            op::GETCWD => self.op_getcwd(mem, base, req),
            op::OPENDIR => self.op_opendir(mem, base, req),
            op::READDIR => self.op_readdir(mem, base, req),
            op::CLOSEDIR => self.op_closedir(req),
            op::REWINDDIR => self.op_rewinddir(req),
            op::GETTIME => self.op_gettime(mem, base, req),
            op::SLEEP => self.op_sleep(mem, base, req),
            op::GETTZ => self.op_gettz(mem, base, req),
            op::SOCKET..=op::GETSOCKNAME => self.op_net(mem, base, req),
            op::ARGS_INFO => self.op_blob_info(mem, base, req, false),
            op::ARGS_DATA => self.op_blob_data(mem, base, req, false),
            op::ENVP_INFO => self.op_blob_info(mem, base, req, true),
            op::ENVP_DATA => self.op_blob_data(mem, base, req, true),
            op::GETENV => self.op_getenv(mem, base, req),
            op::SVC_REQUEST => self.op_svc_request(mem, base, req),
            op::SVC_RELEASE => self.op_svc_release(mem, base, req),
            op::SVC_QUERY => self.op_svc_query(mem, base, req),
            op::SVC_LIST => self.op_svc_list(mem, base, req),
            op::SVC_VERSION => Ok((0, abi::SVC_PROTOCOL_VERSION)),
            _ => self.op_service(mem, base, req),
        };
        match r {
            Ok((len, status)) => (len, status, exit),
            Err(e) => {
                self.stats.errors += 1;
                let e = match e {
                    DENIED => errno::EACCES,
                    e if e >= 4096 => errno::EIO,
                    e => e,
                };
                (e, STATUS_ERR, exit)
            }
        }
    }

    // ----- helpers -----

    /// Records a policy refusal (and traces it); answered as EACCES.
    fn deny(&mut self, opcode: u32, what: &[u8], why: &str) -> u32 {
        self.stats.denied += 1;
        if self.trace {
            let line = if what.is_empty() {
                format!("fast32: denied {}(): {}\n", op::name(opcode), why)
            } else {
                format!(
                    "fast32: denied {}({:?}): {}\n",
                    op::name(opcode),
                    String::from_utf8_lossy(what),
                    why
                )
            };
            self.trace_line(&line);
        }
        DENIED
    }

    fn trace_line(&mut self, line: &str) {
        self.stdout.flush();
        let _ = self.stderr.write_through(line.as_bytes());
    }

    /// A guest path (bytes) made absolute against the virtual cwd, in the
    /// guest's namespace.
    fn guest_abs(&self, guest: &[u8]) -> PathBuf {
        self.cwd.join(Path::new(OsStr::from_bytes(guest)))
    }

    /// Resolves a guest path for `access` and checks it against the
    /// policy. `follow_last`: follow a symbolic link in the last
    /// component (open, stat) or not (lstat, unlink, rename, mkdir).
    fn resolve(
        &mut self,
        opcode: u32,
        guest: &[u8],
        follow_last: bool,
        access: Access,
    ) -> Result<PathBuf, u32> {
        if guest.is_empty() {
            return Err(errno::ENOENT);
        }
        let abs = self.guest_abs(guest);
        let host = self.sandbox.to_host(&abs);
        if self.sandbox.unrestricted {
            return Ok(host);
        }
        let trailing_slash = guest.ends_with(b"/");
        let real = match policy::resolve_physical(&host, follow_last || trailing_slash) {
            Ok(r) => r,
            Err(e) => {
                // Do not reveal what exists outside the grants.
                let lexical = policy::normalize_lexically(&host);
                if let Err(why) = self.sandbox.check(&lexical, access) {
                    return Err(self.deny(opcode, guest, why));
                }
                return Err(e);
            }
        };
        if let Err(why) = self.sandbox.check(&real, access) {
            return Err(self.deny(opcode, guest, why));
        }
        if trailing_slash {
            if let Ok(m) = std::fs::metadata(&real) {
                if !m.is_dir() {
                    return Err(errno::ENOTDIR);
                }
            }
        }
        Ok(real)
    }

    // ----- standard streams -----

    fn op_putchar(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        let b = data(mem, base, req.offset, 1)?[0];
        self.stdout.push_byte(b);
        Ok((0, STATUS_OK))
    }

    fn op_getchar(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        let dst = data_mut(mem, base, req.offset, 1)?;
        if self.stdin.getc_blocks() {
            self.stdout.flush();
        }
        match self.stdin.getc() {
            Ok(Some(b)) => {
                dst[0] = b;
                Ok((1, STATUS_OK))
            }
            // End of file (or a read error): the reference answers
            // status -1 with length 0, which the guest reads as EOF.
            _ => Ok((0, STATUS_ERR)),
        }
    }

    // ----- time -----

    /// Now, as (seconds, nanoseconds) since the Unix epoch.
    fn now(&mut self) -> (u64, u32) {
        if self.deterministic {
            let t = self.clock_ns;
            self.clock_ns = self.clock_ns.saturating_add(DETERMINISTIC_STEP_NS);
            return (t / 1_000_000_000, (t % 1_000_000_000) as u32);
        }
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => (d.as_secs(), d.subsec_nanos()),
            Err(_) => (0, 0),
        }
    }

    fn op_gettime(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        if req.length < abi::TIMEPAIR_SIZE {
            return Err(errno::EINVAL);
        }
        data_mut(mem, base, req.offset, abi::TIMEPAIR_SIZE)?;
        let (s, ns) = self.now();
        let out = data_mut(mem, base, req.offset, abi::TIMEPAIR_SIZE)?;
        put_timepair(out, s, ns);
        Ok((abi::TIMEPAIR_SIZE, STATUS_OK))
    }

    fn op_sleep(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        if req.length < abi::TIMEPAIR_SIZE {
            return Err(errno::EINVAL);
        }
        let buf = data_mut(mem, base, req.offset, abi::TIMEPAIR_SIZE)?;
        let secs = le32(buf, 0) as u64 | (le32(buf, 4) as u64) << 32;
        let nanos = le32(buf, 8);
        if nanos >= 1_000_000_000 {
            return Err(errno::EINVAL);
        }
        put_timepair(buf, 0, 0);
        if self.deterministic {
            self.clock_ns = self
                .clock_ns
                .saturating_add(secs.saturating_mul(1_000_000_000))
                .saturating_add(nanos as u64);
        } else {
            self.stdout.flush();
            std::thread::sleep(std::time::Duration::new(secs, nanos));
        }
        Ok((abi::TIMEPAIR_SIZE, STATUS_OK))
    }

    fn op_gettz(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        if req.length < abi::TZINFO_SIZE {
            return Err(errno::EINVAL);
        }
        let buf = data_mut(mem, base, req.offset, abi::TZINFO_SIZE)?;
        let when = (le32(buf, 0) as u64 | (le32(buf, 4) as u64) << 32) as i64;
        let (gmtoff, dst, abbrev) = if self.deterministic {
            (0, false, *b"UTC\0\0\0\0\0")
        } else {
            local_zone(when)
        };
        buf[0..4].copy_from_slice(&gmtoff.to_le_bytes());
        buf[4..8].copy_from_slice(&(dst as u32).to_le_bytes());
        buf[8..16].copy_from_slice(&abbrev);
        Ok((abi::TZINFO_SIZE, STATUS_OK))
    }

    // ----- arguments and environment -----

    fn op_blob_info(&mut self, mem: &mut GuestMemory, base: u32, req: &Req, env: bool) -> Reply {
        if req.length < abi::ARGS_INFO_SIZE {
            return Err(errno::EINVAL);
        }
        let (count, total) = if env {
            (self.envc, self.env_blob.len() as u32)
        } else {
            (self.argc, self.args_blob.len() as u32)
        };
        let out = data_mut(mem, base, req.offset, abi::ARGS_INFO_SIZE)?;
        out[0..4].copy_from_slice(&count.to_le_bytes());
        out[4..8].copy_from_slice(&total.to_le_bytes());
        out[8..16].fill(0);
        Ok((abi::ARGS_INFO_SIZE, STATUS_OK))
    }

    fn op_blob_data(&mut self, mem: &mut GuestMemory, base: u32, req: &Req, env: bool) -> Reply {
        if req.length == 0 {
            return Ok((0, STATUS_OK));
        }
        if req.length > DATA_CAPACITY {
            return Err(errno::EINVAL);
        }
        let out = data_mut(mem, base, req.offset, req.length)?;
        let blob = if env { &self.env_blob } else { &self.args_blob };
        let from = req.status as usize;
        if from > blob.len() {
            return Err(errno::EINVAL);
        }
        let n = (blob.len() - from).min(out.len());
        out[..n].copy_from_slice(&blob[from..from + n]);
        Ok((n as u32, STATUS_OK))
    }

    fn op_getenv(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        let name = read_string(mem, base, req.offset, req.length)?;
        let Some((_, value)) = self.env.iter().find(|(k, _)| *k == name) else {
            // Not set: the reference answers an error (the guest returns
            // NULL).
            return Err(errno::EINVAL);
        };
        let out = data_mut(mem, base, req.offset, DATA_CAPACITY - req.offset)?;
        let n = value.len().min(out.len());
        out[..n].copy_from_slice(&value[..n]);
        Ok((n as u32, n as u32))
    }

    // ----- EXEC -----

    fn op_exec(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        if req.length == 0 || req.length >= abi::EXEC_MAX_BYTES {
            return Err(errno::EINVAL);
        }
        let blob = data(mem, base, req.offset, req.length)?;
        let mut parts = blob.split(|&b| b == 0);
        let path = parts.next().unwrap_or(&[]).to_vec();
        let extra: Vec<Vec<u8>> = parts
            .take_while(|s| !s.is_empty())
            .take(abi::EXEC_MAX_EXTRA_ARGS)
            .map(|s| s.to_vec())
            .collect();
        if path.is_empty() || !path.to_ascii_lowercase().ends_with(b".s32x") {
            return Err(errno::EINVAL);
        }
        if !self.allow_exec {
            return Err(self.deny(req.opcode, &path, "exec disabled"));
        }
        let real = self.resolve(req.opcode, &path, true, Access::Read)?;
        match std::fs::metadata(&real) {
            Ok(m) if m.is_file() => {}
            Ok(_) => return Err(errno::ENOENT),
            Err(e) => return Err(errno::from_io(&e)),
        }
        let stdio = if req.status == abi::EXEC_INHERIT_STDIO {
            ExecStdio::Inherit
        } else {
            let fd = match self.fds.get(req.status) {
                Some(Handle::Stdin) if self.stdin.is_inherited() => Some(0),
                Some(Handle::Stdout) => self.stdout.inherited_fd(),
                Some(Handle::Stderr) => self.stderr.inherited_fd(),
                Some(h) => h.raw_fd(),
                None => None,
            };
            match fd {
                Some(fd) => ExecStdio::Fd(fd),
                // The reference's child cannot dup the fd and exits 127.
                None => return Ok((0, 127)),
            }
        };
        let cwd = self.sandbox.to_host(&self.cwd);
        let policy = AccessPolicy {
            allow_net: self.allow_net,
            allow_exec: self.allow_exec,
            allow_term: self.allow_term,
            ..self.sandbox.child_policy()
        };
        let request = ExecRequest {
            path: real,
            args: std::iter::once(path).chain(extra).collect(),
            cwd,
            stdio,
            policy,
        };
        self.flush();
        let Some(exec) = self.exec.as_mut() else {
            // As the reference host when it does not know how to start a
            // child emulator.
            return Err(errno::ENOENT);
        };
        match exec(&request) {
            Ok(code) => Ok((
                0,
                if (0..=255).contains(&code) {
                    code as u32
                } else {
                    255
                },
            )),
            Err(msg) => {
                if self.trace {
                    let line = format!("fast32: exec({:?}) failed: {msg}\n", request.path);
                    self.trace_line(&line);
                }
                Err(errno::EIO)
            }
        }
    }

    // ----- service negotiation -----

    /// The service name of an SVC_* request.
    fn svc_name(mem: &GuestMemory, base: u32, req: &Req) -> Result<Vec<u8>, u32> {
        if req.length == 0 || req.length > abi::SVC_MAX_NAME_LEN {
            return Err(errno::EINVAL);
        }
        let raw = data(mem, base, req.offset, req.length)?;
        let raw = &raw[..raw.len() - 1];
        let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
        Ok(raw[..end].to_vec())
    }

    fn svc_answer(mem: &mut GuestMemory, base: u32, req: &Req, code: u32) -> Reply {
        data_mut(mem, base, req.offset, 4)?.copy_from_slice(&code.to_le_bytes());
        Ok((4, STATUS_OK))
    }

    fn op_svc_request(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        let name = Self::svc_name(mem, base, req)?;
        if name != b"term" {
            return Self::svc_answer(mem, base, req, abi::SVC_UNKNOWN);
        }
        if !self.allow_term {
            self.deny(req.opcode, &name, "service not allowed");
            return Self::svc_answer(mem, base, req, abi::SVC_DENIED);
        }
        if self.term.is_some() {
            return Self::svc_answer(mem, base, req, abi::SVC_CONFLICT);
        }
        let out = data_mut(mem, base, req.offset, 16)?;
        let base_op = abi::SVC_DYNAMIC_BASE;
        let session = TermSession::new(&TermIo {
            stdout: &mut self.stdout,
            stdin: &mut self.stdin,
            deterministic: self.deterministic,
        });
        self.term = Some(TermGrant {
            base: base_op,
            session,
        });
        for (i, w) in [abi::SVC_OK, base_op, term::OPCODE_COUNT, term::VERSION]
            .iter()
            .enumerate()
        {
            out[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
        }
        Ok((16, STATUS_OK))
    }

    fn op_svc_release(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        let name = Self::svc_name(mem, base, req)?;
        if name == b"term" {
            if let Some(mut t) = self.term.take() {
                self.stdout.flush();
                t.session.close();
                return Ok((0, STATUS_OK));
            }
        }
        Err(errno::ENOENT)
    }

    fn op_svc_query(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        let name = Self::svc_name(mem, base, req)?;
        let code = if name != b"term" {
            abi::SVC_UNKNOWN
        } else if !self.allow_term {
            abi::SVC_DENIED
        } else {
            abi::SVC_OK
        };
        Self::svc_answer(mem, base, req, code)
    }

    fn op_svc_list(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        let list: &[u8] = b"term\0";
        data_mut(mem, base, req.offset, list.len() as u32)?.copy_from_slice(list);
        Ok((list.len() as u32, STATUS_OK))
    }

    /// An opcode outside the fixed map: a granted service's, or unknown.
    fn op_service(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        let Some(t) = self.term.as_mut() else {
            return Err(errno::EINVAL);
        };
        let sub = req.opcode.wrapping_sub(t.base);
        if sub >= term::OPCODE_COUNT {
            return Err(errno::EINVAL);
        }
        if req.offset >= DATA_CAPACITY {
            return Err(errno::EINVAL);
        }
        let buf = data_mut(mem, base, req.offset, DATA_CAPACITY - req.offset)?;
        let mut io = TermIo {
            stdout: &mut self.stdout,
            stdin: &mut self.stdin,
            deterministic: self.deterministic,
        };
        t.session.handle(sub, req.length, req.status, buf, &mut io)
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        self.close_all();
    }
}

// ----- data buffer access -----

/// Guest address of `[offset, offset + len)` in the data buffer, or EINVAL
/// when that range leaves the buffer.
#[inline]
fn data_addr(base: u32, offset: u32, len: u32) -> Result<u32, u32> {
    if offset as u64 + len as u64 > DATA_CAPACITY as u64 {
        return Err(errno::EINVAL);
    }
    Ok(base.wrapping_add(DATA_BUFFER).wrapping_add(offset))
}

#[inline]
fn data(mem: &GuestMemory, base: u32, offset: u32, len: u32) -> Result<&[u8], u32> {
    let a = data_addr(base, offset, len)?;
    mem.slice(a, len as usize).map_err(|_| errno::EFAULT)
}

#[inline]
fn data_mut(mem: &mut GuestMemory, base: u32, offset: u32, len: u32) -> Result<&mut [u8], u32> {
    let a = data_addr(base, offset, len)?;
    mem.slice_mut(a, len as usize).map_err(|_| errno::EFAULT)
}

/// A NUL-terminated string of at most `len` bytes staged in the data
/// buffer (`len` counts the NUL, as the guest sends it).
fn read_string(mem: &GuestMemory, base: u32, offset: u32, len: u32) -> Result<Vec<u8>, u32> {
    if len == 0 || len > DATA_CAPACITY {
        return Err(errno::EINVAL);
    }
    let raw = data(mem, base, offset, len)?;
    let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
    Ok(raw[..end].to_vec())
}

#[inline]
fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn put_timepair(out: &mut [u8], secs: u64, nanos: u32) {
    out[0..4].copy_from_slice(&(secs as u32).to_le_bytes());
    out[4..8].copy_from_slice(&((secs >> 32) as u32).to_le_bytes());
    out[8..12].copy_from_slice(&nanos.to_le_bytes());
    out[12..16].fill(0);
}

extern "C" {
    fn tzset();
}

/// The host's local time zone at `when`: (seconds east of UTC, DST in
/// effect, abbreviation NUL-padded to 8 bytes). "UTC" when unknown.
fn local_zone(when: i64) -> (i32, bool, [u8; 8]) {
    static TZSET: std::sync::Once = std::sync::Once::new();
    // SAFETY: tzset only reads TZ and initialises libc's zone data.
    TZSET.call_once(|| unsafe { tzset() });
    let t = when as libc::time_t;
    // SAFETY: tm is plain data; localtime_r fills it or returns null.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: valid in/out pointers.
    let ok = !unsafe { libc::localtime_r(&t, &mut tm) }.is_null();
    let mut abbrev = [0u8; 8];
    let (mut off, mut dst) = (0i32, false);
    if ok {
        off = tm.tm_gmtoff as i32;
        dst = tm.tm_isdst > 0;
        if !tm.tm_zone.is_null() {
            // SAFETY: tm_zone points at a NUL-terminated static string.
            let z = unsafe { std::ffi::CStr::from_ptr(tm.tm_zone) }.to_bytes();
            let n = z.len().min(7);
            abbrev[..n].copy_from_slice(&z[..n]);
        }
    }
    if abbrev[0] == 0 {
        abbrev[..3].copy_from_slice(b"UTC");
    }
    (off, dst, abbrev)
}

#[cfg(test)]
mod exec_tests {
    use super::*;

    fn request() -> ExecRequest {
        ExecRequest {
            path: PathBuf::from("/bin/sh"),
            args: Vec::new(),
            cwd: std::env::temp_dir(),
            stdio: ExecStdio::Inherit,
            policy: AccessPolicy::default(),
        }
    }

    /// The child's exit code comes back as is; death by a signal reads as
    /// 128 + the signal, as a shell would report it.
    #[test]
    fn exec_status_is_the_exit_code_or_128_plus_the_signal() {
        let mut ok = std::process::Command::new("/bin/sh");
        ok.args(["-c", "exit 7"]);
        assert_eq!(request().run(ok), Ok(7));
        let mut killed = std::process::Command::new("/bin/sh");
        killed.args(["-c", "kill -TERM $$"]);
        assert_eq!(request().run(killed), Ok(128 + 15));
    }

    #[test]
    fn exec_time_left_is_never_zero() {
        let past = std::time::Instant::now();
        std::thread::sleep(std::time::Duration::from_millis(1));
        assert_eq!(exec_seconds_left(past), "0.000001");
    }
}
