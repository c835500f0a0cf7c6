//! Host-access policy: which host files, directories, sockets and
//! services a guest may use.
//!
//! Grants work like WASI preopens: each maps a host path to the path the
//! guest uses for it. By default ([`AccessPolicy::cwd_only`]) a guest may
//! touch only its initial working directory (read-write) plus whatever the
//! embedder grants explicitly (the CLI grants the program's file
//! arguments).
//!
//! How a guest path is checked:
//! 1. Relative paths are joined to the virtual guest working directory.
//! 2. The guest path is translated to a host path through the grant with
//!    the longest matching guest prefix (or taken as a host path as is,
//!    when no grant matches: most grants map a path to itself).
//! 3. The host path is resolved physically, component by component, the
//!    way the kernel would: `..` climbs the real parent, symbolic links
//!    are expanded (at most 40), and only the last component may be
//!    missing (files about to be created, rename targets, mkdir).
//! 4. The resolved real path must lie inside a granted directory (the
//!    most specific grant decides whether it is read-only) or be a
//!    granted file. Otherwise the request is denied with EACCES.
//! 5. The operation then runs on the resolved path, never on the guest's
//!    spelling, so the kernel cannot take a different route than the one
//!    checked. Opens add `O_NOFOLLOW`.
//! 6. CHDIR is virtual (the process's working directory never changes)
//!    and only accepts directories inside a granted tree.
//!
//! The guest has no way to create symbolic links and runs one request at
//! a time, so it cannot race the check. Another host process that swaps
//! directories for symlinks between the check and the use could; fast32
//! is not a defence against hostile processes on the same host.

use super::abi::errno;
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

/// One granted host path and the path the guest sees it under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// Host path (relative paths are relative to the initial working
    /// directory).
    pub host: PathBuf,
    /// Path the guest uses (usually the same as `host`).
    pub guest: PathBuf,
    /// Reads only: no creating, writing, truncating, renaming or removing.
    pub read_only: bool,
}

impl Grant {
    /// A grant the guest sees under the host's own name.
    pub fn same(path: impl Into<PathBuf>, read_only: bool) -> Grant {
        let p = path.into();
        Grant {
            host: p.clone(),
            guest: p,
            read_only,
        }
    }
}

/// What a guest may reach on the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessPolicy {
    /// No file-system confinement at all (trusted programs). Path requests
    /// still resolve against the virtual working directory.
    pub unrestricted: bool,
    /// The guest's initial working directory (None: the process's). With
    /// `grant_cwd` it is also granted read-write.
    pub cwd: Option<PathBuf>,
    /// Grant the initial working directory read-write.
    pub grant_cwd: bool,
    /// Granted directory trees.
    pub dirs: Vec<Grant>,
    /// Granted single files (which need not exist yet).
    pub files: Vec<Grant>,
    /// Socket services (SOCKET, CONNECT, ... GETSOCKNAME, SEND, RECV).
    /// Off: the guest gets EACCES.
    pub allow_net: bool,
    /// EXEC of another `.s32x` (through the embedder's callback, which is
    /// expected to run the child under the same policy).
    pub allow_exec: bool,
    /// The negotiated `term` service (cursor control, raw keys).
    pub allow_term: bool,
}

impl Default for AccessPolicy {
    fn default() -> Self {
        AccessPolicy::cwd_only()
    }
}

/// A grant that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum GrantError {
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("{0} is not a directory")]
    NotADirectory(PathBuf),
}

impl AccessPolicy {
    /// The default: the working directory read-write, nothing else, no
    /// network.
    pub fn cwd_only() -> AccessPolicy {
        AccessPolicy {
            unrestricted: false,
            cwd: None,
            grant_cwd: true,
            dirs: Vec::new(),
            files: Vec::new(),
            allow_net: false,
            allow_exec: true,
            allow_term: true,
        }
    }

    /// No confinement: any path, network on.
    pub fn allow_all() -> AccessPolicy {
        AccessPolicy {
            unrestricted: true,
            allow_net: true,
            ..AccessPolicy::cwd_only()
        }
    }

    /// Nothing at all: no files, no network, no exec.
    pub fn deny_all() -> AccessPolicy {
        AccessPolicy {
            grant_cwd: false,
            allow_exec: false,
            ..AccessPolicy::cwd_only()
        }
    }

    /// Grants the directory tree at `host`, which the guest sees as
    /// `guest` (pass the same path for no renaming). Fails unless `host`
    /// is an existing directory.
    pub fn grant_dir(
        &mut self,
        host: impl AsRef<Path>,
        guest: impl AsRef<Path>,
        read_only: bool,
    ) -> Result<(), GrantError> {
        let host = host.as_ref();
        let m = std::fs::metadata(host).map_err(|e| GrantError::Io(host.to_path_buf(), e))?;
        if !m.is_dir() {
            return Err(GrantError::NotADirectory(host.to_path_buf()));
        }
        self.dirs.push(Grant {
            host: host.to_path_buf(),
            guest: guest.as_ref().to_path_buf(),
            read_only,
        });
        Ok(())
    }

    /// Grants one file at `host` (which need not exist yet), seen by the
    /// guest as `guest`.
    pub fn grant_file(&mut self, host: impl AsRef<Path>, guest: impl AsRef<Path>, read_only: bool) {
        self.files.push(Grant {
            host: host.as_ref().to_path_buf(),
            guest: guest.as_ref().to_path_buf(),
            read_only,
        });
    }

    /// Grants a directory given as `HOST` or `HOST::GUEST` (the syntax of
    /// `fast32 run --dir` and of executables' `FAST32_DIRS`).
    pub fn grant_dir_spec(&mut self, spec: &str) -> Result<(), GrantError> {
        let (host, guest) = spec.split_once("::").unwrap_or((spec, spec));
        self.grant_dir(host, guest, false)
    }

    /// Grants the guest arguments that name existing paths: they are the
    /// program's inputs (fast32's default policy, for `fast32 run` and
    /// compiled executables alike).
    pub fn grant_existing_args<A: AsRef<std::ffi::OsStr>>(
        &mut self,
        args: impl IntoIterator<Item = A>,
    ) {
        for a in args {
            let p = Path::new(a.as_ref());
            if p.exists() {
                self.grant_path(p);
            }
        }
    }

    /// Grants a path named on the command line, read-write under its own
    /// name: a directory tree if it is a directory, else that one file.
    pub fn grant_path(&mut self, path: impl AsRef<Path>) {
        let p = path.as_ref();
        if p.is_dir() {
            self.dirs.push(Grant::same(p, false));
        } else {
            self.files.push(Grant::same(p, false));
        }
    }
}

/// A policy text ([`AccessPolicy::encode`]) that cannot be read back.
#[derive(Debug, thiserror::Error)]
pub enum PolicyDecodeError {
    #[error("not a fast32 policy (expected the {POLICY_MAGIC:?} header)")]
    Header,
    #[error("bad policy entry {0:?}")]
    Entry(String),
}

/// First field of an encoded policy (bumped if the format changes).
const POLICY_MAGIC: &str = "fast32-policy-1";

fn hex_encode(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn path_hex(p: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    hex_encode(p.as_os_str().as_bytes())
}

fn hex_path(s: &str) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    hex_decode(s).map(|b| PathBuf::from(OsString::from_vec(b)))
}

impl AccessPolicy {
    /// The policy as one line of text, for handing it to another process
    /// (an EXEC child) so that it runs under exactly these grants, without
    /// re-deriving any from its own command line. Paths are hex-encoded,
    /// so any host path survives; [`AccessPolicy::decode`] reads it back.
    pub fn encode(&self) -> String {
        let flag = |b: bool| if b { "1" } else { "0" };
        let mut out = vec![
            POLICY_MAGIC.to_string(),
            format!("unrestricted={}", flag(self.unrestricted)),
            format!("grant_cwd={}", flag(self.grant_cwd)),
            format!("net={}", flag(self.allow_net)),
            format!("exec={}", flag(self.allow_exec)),
            format!("term={}", flag(self.allow_term)),
        ];
        if let Some(c) = &self.cwd {
            out.push(format!("cwd={}", path_hex(c)));
        }
        for (kind, grants) in [("dir", &self.dirs), ("file", &self.files)] {
            for g in grants {
                out.push(format!(
                    "{kind}={}:{}:{}",
                    if g.read_only { "ro" } else { "rw" },
                    path_hex(&g.host),
                    path_hex(&g.guest)
                ));
            }
        }
        out.join(";")
    }

    /// Reads a policy written by [`AccessPolicy::encode`].
    pub fn decode(text: &str) -> Result<AccessPolicy, PolicyDecodeError> {
        let mut fields = text.split(';');
        if fields.next() != Some(POLICY_MAGIC) {
            return Err(PolicyDecodeError::Header);
        }
        // Everything off until the text says otherwise.
        let mut p = AccessPolicy {
            unrestricted: false,
            cwd: None,
            grant_cwd: false,
            dirs: Vec::new(),
            files: Vec::new(),
            allow_net: false,
            allow_exec: false,
            allow_term: false,
        };
        for f in fields {
            let bad = || PolicyDecodeError::Entry(f.to_string());
            let (key, value) = f.split_once('=').ok_or_else(bad)?;
            let flag = || match value {
                "0" => Ok(false),
                "1" => Ok(true),
                _ => Err(bad()),
            };
            match key {
                "unrestricted" => p.unrestricted = flag()?,
                "grant_cwd" => p.grant_cwd = flag()?,
                "net" => p.allow_net = flag()?,
                "exec" => p.allow_exec = flag()?,
                "term" => p.allow_term = flag()?,
                "cwd" => p.cwd = Some(hex_path(value).ok_or_else(bad)?),
                "dir" | "file" => {
                    let mut parts = value.split(':');
                    let read_only = match parts.next() {
                        Some("ro") => true,
                        Some("rw") => false,
                        _ => return Err(bad()),
                    };
                    let host = parts.next().and_then(hex_path).ok_or_else(bad)?;
                    let guest = parts.next().and_then(hex_path).ok_or_else(bad)?;
                    if parts.next().is_some() {
                        return Err(bad());
                    }
                    let g = Grant {
                        host,
                        guest,
                        read_only,
                    };
                    if key == "dir" {
                        p.dirs.push(g);
                    } else {
                        p.files.push(g);
                    }
                }
                _ => return Err(bad()),
            }
        }
        Ok(p)
    }
}

/// What an operation does to the path it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// Read contents or metadata, list, chdir.
    Read,
    /// Create or modify.
    Write,
    /// Remove or rename away (never a granted directory itself).
    Remove,
    /// Become the working directory (directories inside a granted tree;
    /// read-only trees qualify).
    Chdir,
}

/// A grant with both sides made absolute and the host side resolved.
#[derive(Clone, Debug)]
pub(crate) struct Compiled {
    pub host: PathBuf,
    pub guest: PathBuf,
    pub read_only: bool,
}

/// The policy as the host applies it.
#[derive(Debug)]
pub(crate) struct Sandbox {
    pub unrestricted: bool,
    pub dirs: Vec<Compiled>,
    pub files: Vec<Compiled>,
}

/// A grant whose host path could not be resolved.
#[derive(Debug)]
pub(crate) struct Unresolved {
    pub path: PathBuf,
    pub errno: u32,
}

impl Sandbox {
    /// Resolves the grants of `policy` against the initial working
    /// directory `cwd` (absolute and physical). Grants whose host path
    /// cannot be resolved are left out (denying is the safe default) and
    /// reported.
    pub fn compile(policy: &AccessPolicy, cwd: &Path) -> (Sandbox, Vec<Unresolved>) {
        let mut errors = Vec::new();
        let mut compile = |g: &Grant| -> Option<Compiled> {
            let host_abs = cwd.join(&g.host);
            match resolve_physical(&host_abs, true) {
                Ok(host) => Some(Compiled {
                    host,
                    guest: normalize_lexically(&cwd.join(&g.guest)),
                    read_only: g.read_only,
                }),
                Err(errno) => {
                    errors.push(Unresolved {
                        path: host_abs,
                        errno,
                    });
                    None
                }
            }
        };
        let mut dirs: Vec<Compiled> = policy.dirs.iter().filter_map(&mut compile).collect();
        let files: Vec<Compiled> = policy.files.iter().filter_map(&mut compile).collect();
        if policy.grant_cwd {
            dirs.push(Compiled {
                host: cwd.to_path_buf(),
                guest: cwd.to_path_buf(),
                read_only: false,
            });
        }
        (
            Sandbox {
                unrestricted: policy.unrestricted,
                dirs,
                files,
            },
            errors,
        )
    }

    /// The policy an EXEC child must run under: exactly these grants
    /// (already resolved, the parent's working directory among them when
    /// it was granted), nothing derived from the child's own command
    /// line or working directory. The network, exec and term flags are
    /// the caller's.
    pub fn child_policy(&self) -> AccessPolicy {
        let grant = |c: &Compiled| Grant {
            host: c.host.clone(),
            guest: c.guest.clone(),
            read_only: c.read_only,
        };
        AccessPolicy {
            unrestricted: self.unrestricted,
            cwd: None,
            grant_cwd: false,
            dirs: self.dirs.iter().map(grant).collect(),
            files: self.files.iter().map(grant).collect(),
            ..AccessPolicy::deny_all()
        }
    }

    /// Maps an absolute guest path to the host path it names (not yet
    /// resolved): through the grant with the longest matching guest
    /// prefix, else unchanged.
    pub fn to_host(&self, guest_abs: &Path) -> PathBuf {
        if self.unrestricted {
            return guest_abs.to_path_buf();
        }
        let best = self
            .dirs
            .iter()
            .chain(self.files.iter())
            .filter(|g| guest_abs.starts_with(&g.guest))
            .max_by_key(|g| g.guest.components().count());
        match best {
            Some(g) if g.guest != g.host => match guest_abs.strip_prefix(&g.guest) {
                Ok(rest) if rest.as_os_str().is_empty() => g.host.clone(),
                Ok(rest) => g.host.join(rest),
                Err(_) => guest_abs.to_path_buf(),
            },
            _ => guest_abs.to_path_buf(),
        }
    }

    /// Maps a resolved host directory back into the guest's namespace
    /// (for the virtual working directory).
    pub fn to_guest(&self, host: &Path) -> PathBuf {
        if self.unrestricted {
            return host.to_path_buf();
        }
        let best = self
            .dirs
            .iter()
            .filter(|g| host.starts_with(&g.host))
            .max_by_key(|g| g.host.components().count());
        match best {
            Some(g) => match host.strip_prefix(&g.host) {
                Ok(rest) if rest.as_os_str().is_empty() => g.guest.clone(),
                Ok(rest) => g.guest.join(rest),
                Err(_) => host.to_path_buf(),
            },
            None => host.to_path_buf(),
        }
    }

    /// May `real` (a physically resolved host path) be used for `access`?
    /// On refusal, says why.
    pub fn check(&self, real: &Path, access: Access) -> Result<(), &'static str> {
        if access == Access::Chdir {
            return if self.permits_chdir(real) {
                Ok(())
            } else {
                Err("outside granted directories")
            };
        }
        self.permits(real, access)
    }

    /// May `real` (a physically resolved host path) be used for `access`?
    /// On refusal, says why.
    pub fn permits(&self, real: &Path, access: Access) -> Result<(), &'static str> {
        if self.unrestricted {
            return Ok(());
        }
        if let Some(f) = self.files.iter().find(|g| g.host == real) {
            return if access != Access::Read && f.read_only {
                Err("read-only grant")
            } else {
                Ok(())
            };
        }
        let best = self
            .dirs
            .iter()
            .filter(|g| real.starts_with(&g.host))
            .max_by_key(|g| g.host.components().count());
        match best {
            None => Err("outside granted directories"),
            Some(g) if access == Access::Remove && g.host == real => {
                Err("a granted directory itself cannot be removed or renamed")
            }
            Some(g) if access != Access::Read && g.read_only => Err("read-only grant"),
            Some(_) => Ok(()),
        }
    }

    /// May the guest make `real` (a resolved directory) its working
    /// directory? Only directories inside a granted tree qualify.
    pub fn permits_chdir(&self, real: &Path) -> bool {
        self.unrestricted || self.dirs.iter().any(|g| real.starts_with(&g.host))
    }
}

/// Removes `.` and folds `..` textually (for grant specifications only;
/// guest requests are resolved physically).
pub(crate) fn normalize_lexically(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Prefix(_) => {}
            Component::RootDir => out.push("/"),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(n) => out.push(n),
        }
    }
    if out.as_os_str().is_empty() {
        out.push("/");
    }
    out
}

/// Most symbolic links followed while resolving one path (Linux's limit).
const MAX_SYMLINK_HOPS: u32 = 40;

/// Resolves an absolute host path the way the kernel walks it, without
/// requiring the last component to exist: every symbolic link is
/// expanded (the last one only when `follow_last`), `..` climbs the real
/// parent. The result has no symbolic links except, when `follow_last`
/// is false, possibly the last component itself.
///
/// Errors (guest errno): ENOENT for a missing intermediate directory,
/// ENOTDIR when one is not a directory, ELOOP after too many links.
pub(crate) fn resolve_physical(path: &Path, follow_last: bool) -> Result<PathBuf, u32> {
    // Remaining components, next one last.
    let mut pending: Vec<OsString> = Vec::new();
    push_components(&mut pending, path);
    let mut out = PathBuf::from("/");
    let mut hops = 0u32;
    while let Some(comp) = pending.pop() {
        if comp == ".." {
            out.pop();
            continue;
        }
        let is_last = pending.is_empty();
        out.push(&comp);
        if is_last && !follow_last {
            break;
        }
        match std::fs::symlink_metadata(&out) {
            Ok(m) if m.file_type().is_symlink() => {
                hops += 1;
                if hops > MAX_SYMLINK_HOPS {
                    return Err(errno::ELOOP);
                }
                let target = std::fs::read_link(&out).map_err(|e| errno::from_io(&e))?;
                if target.as_os_str().is_empty() {
                    return Err(errno::ENOENT);
                }
                out.pop();
                if target.is_absolute() {
                    out = PathBuf::from("/");
                }
                push_components(&mut pending, &target);
            }
            Ok(m) => {
                if !is_last && !m.is_dir() {
                    return Err(errno::ENOTDIR);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !is_last {
                    return Err(errno::ENOENT);
                }
            }
            Err(e) => return Err(errno::from_io(&e)),
        }
    }
    Ok(out)
}

/// Pushes the components of `p` onto `stack` so that the first one is
/// popped first.
fn push_components(stack: &mut Vec<OsString>, p: &Path) {
    let start = stack.len();
    for c in p.components() {
        match c {
            Component::Normal(n) => stack.push(n.to_os_string()),
            Component::ParentDir => stack.push(OsString::from("..")),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    stack[start..].reverse();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_policies_read_back_exactly() {
        use std::os::unix::ffi::OsStringExt;
        let mut p = AccessPolicy::cwd_only();
        p.allow_net = true;
        p.cwd = Some("/work dir;x=y".into());
        p.dirs.push(Grant {
            host: "/a:b".into(),
            guest: "/data".into(),
            read_only: true,
        });
        p.files.push(Grant::same(
            PathBuf::from(OsString::from_vec(vec![b'/', 0xff, b';'])),
            false,
        ));
        assert_eq!(AccessPolicy::decode(&p.encode()).unwrap(), p);
        for q in [AccessPolicy::deny_all(), AccessPolicy::allow_all()] {
            assert_eq!(AccessPolicy::decode(&q.encode()).unwrap(), q);
        }
        for bad in [
            "",
            "fast32-policy-0",
            "fast32-policy-1;net=2",
            "fast32-policy-1;dir=rw:2f",
            "fast32-policy-1;x=1",
            "fast32-policy-1;file=rw:2f:2g",
            // Not a char boundary where a hex pair would be: refused, no panic.
            "fast32-policy-1;cwd=\u{e9}1",
            "fast32-policy-1;cwd=a\u{e9}b",
            "fast32-policy-1;dir=rw:2f:2f:2f",
            "fast32-policy-1;net",
        ] {
            assert!(AccessPolicy::decode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lexical_normalization() {
        assert_eq!(
            normalize_lexically(Path::new("/a/./b/../c")),
            PathBuf::from("/a/c")
        );
        assert_eq!(normalize_lexically(Path::new("/..")), PathBuf::from("/"));
    }

    #[test]
    fn physical_resolution_of_missing_last_component() {
        let r = resolve_physical(Path::new("/tmp/../tmp/fast32-surely-missing-file"), true);
        let tmp = std::fs::canonicalize("/tmp").unwrap();
        assert_eq!(r, Ok(tmp.join("fast32-surely-missing-file")));
        assert_eq!(
            resolve_physical(Path::new("/fast32-missing-dir/x/y"), true),
            Err(errno::ENOENT)
        );
    }

    #[test]
    fn permits_uses_most_specific_grant() {
        let sb = Sandbox {
            unrestricted: false,
            dirs: vec![
                Compiled {
                    host: "/a".into(),
                    guest: "/a".into(),
                    read_only: false,
                },
                Compiled {
                    host: "/a/ro".into(),
                    guest: "/a/ro".into(),
                    read_only: true,
                },
            ],
            files: vec![Compiled {
                host: "/etc/motd".into(),
                guest: "/motd".into(),
                read_only: true,
            }],
        };
        assert!(sb.permits(Path::new("/a/x"), Access::Write).is_ok());
        assert!(sb.permits(Path::new("/a/ro/x"), Access::Read).is_ok());
        assert!(sb.permits(Path::new("/a/ro/x"), Access::Write).is_err());
        assert!(sb.permits(Path::new("/a"), Access::Remove).is_err());
        assert!(sb.permits(Path::new("/ab"), Access::Read).is_err());
        assert!(sb.permits(Path::new("/etc/motd"), Access::Read).is_ok());
        assert!(sb.permits(Path::new("/etc/motd"), Access::Write).is_err());
        assert!(sb.permits(Path::new("/etc/passwd"), Access::Read).is_err());
        assert_eq!(sb.to_host(Path::new("/motd")), PathBuf::from("/etc/motd"));
        assert_eq!(sb.to_host(Path::new("/a/b")), PathBuf::from("/a/b"));
        assert!(sb.permits_chdir(Path::new("/a/ro")));
        assert!(!sb.permits_chdir(Path::new("/etc")));
        assert!(!sb.permits_chdir(Path::new("/")));
    }
}
