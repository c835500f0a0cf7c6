//! Linking an object from [`crate::object_driver`] into an executable with
//! the system C compiler, against the runtime library embedded in fast32
//! at build time (see `build.rs`).
//!
//! Executables are linked static (`-static-pie`) where the C library's
//! static archive is there: the dynamic loader's work (loading libc and
//! libgcc_s, resolving their symbols, relocating) was a fifth of a small
//! program's run (a program that halts at once: 0.77x the wall time).
//! The runtime uses no C library function that needs shared libraries at
//! run time (no user or host name lookups). Where the static link fails
//! (no `libc.a`), the executable is linked against the shared libraries.
//!
//! The executable is linked under a temporary name in the output's
//! directory and renamed over the output only when the link succeeded, so
//! an interrupted or failed `fast32 compile` never leaves a half-written
//! executable under the requested name (a previous one stays intact). An
//! output that is a device or FIFO (`-o /dev/null`) is written into
//! instead, as `cc -o` does.

use crate::jit_driver::AotError;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `fast32-aot-runtime` as a static library (guest memory, host services,
/// dispatcher, JIT fallback, `fast32_aot_main`).
pub const RUNTIME_LIB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/libfast32_aot_runtime.a"));

/// The system libraries the runtime library needs (from rustc).
pub const NATIVE_LIBS: &str = include_str!(concat!(env!("OUT_DIR"), "/native_libs.txt"));

fn io(path: &Path, e: std::io::Error) -> AotError {
    AotError::Io {
        path: path.display().to_string(),
        msg: e.to_string(),
    }
}

/// The C compiler used as linker: `$CC`, else `cc`.
pub fn c_compiler() -> String {
    std::env::var("CC")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "cc".to_string())
}

/// The runtime library as a file for the linker: one shared copy in the
/// temporary directory, named by a hash of its contents (written once,
/// atomically), so that linking many programs does not write 20+ MB each
/// time; `fallback_dir` if that is impossible.
fn runtime_lib_file(fallback_dir: &Path) -> Result<PathBuf, AotError> {
    use std::hash::{Hash, Hasher};
    static SHARED: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let shared = SHARED.get_or_init(|| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        RUNTIME_LIB.hash(&mut h);
        let path = std::env::temp_dir().join(format!(
            "fast32-runtime-{}-{:016x}.a",
            env!("CARGO_PKG_VERSION"),
            h.finish()
        ));
        // Compared in full: a stale or tampered file is rewritten.
        if std::fs::read(&path).is_ok_and(|b| b == RUNTIME_LIB) {
            return Some(path);
        }
        let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
        if std::fs::write(&tmp, RUNTIME_LIB).is_ok() && std::fs::rename(&tmp, &path).is_ok() {
            Some(path)
        } else {
            let _ = std::fs::remove_file(&tmp);
            None
        }
    });
    match shared {
        Some(p) => Ok(p.clone()),
        None => {
            let lib = fallback_dir.join("libfast32_aot_runtime.a");
            std::fs::write(&lib, RUNTIME_LIB).map_err(|e| io(&lib, e))?;
            Ok(lib)
        }
    }
}

/// How an executable is linked against the C library.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Linkage {
    /// `-static-pie`, falling back to [`Linkage::Shared`] where that fails.
    Static,
    /// Against the shared libraries.
    Shared,
}

/// `FAST32_LINK=shared` links executables against the shared libraries
/// (for systems whose static C library is not to be used); otherwise
/// static where possible.
pub fn linkage() -> Linkage {
    match std::env::var("FAST32_LINK").as_deref() {
        Ok("shared") => Linkage::Shared,
        _ => Linkage::Static,
    }
}

/// Links `object` into the executable `out` (atomically replaced).
pub fn link(object: &[u8], out: &Path) -> Result<(), AotError> {
    let work = tempfile::Builder::new()
        .prefix("fast32-link-")
        .tempdir()
        .map_err(|e| io(Path::new("temporary directory"), e))?;
    let obj = work.path().join("guest.o");
    std::fs::write(&obj, object).map_err(|e| io(&obj, e))?;
    let lib = runtime_lib_file(work.path())?;

    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .ok_or_else(|| AotError::Link(format!("{} is not a file name", out.display())))?;
    // Beside the output, for the rename; a special file's directory (such
    // as /dev) may not take files.
    let tmp = match is_special(out) {
        true => work.path().join("linked"),
        false => dir.join(format!(
            ".{}.fast32-{}.tmp",
            name.to_string_lossy(),
            std::process::id()
        )),
    };
    let cc = c_compiler();
    let run = |linkage: Linkage| {
        let mut cmd = Command::new(&cc);
        cmd.arg("-o")
            .arg(&tmp)
            .arg(&obj)
            .arg(&lib)
            .arg("-Wl,--gc-sections");
        match linkage {
            // (The static libgcc comes with -static-pie.)
            Linkage::Static => cmd
                .arg("-static-pie")
                .args(NATIVE_LIBS.split_whitespace().filter(|l| *l != "-lgcc_s")),
            Linkage::Shared => cmd.args(NATIVE_LIBS.split_whitespace()),
        };
        cmd.output()
    };
    let result = match linkage() {
        Linkage::Static => match run(Linkage::Static) {
            Ok(o) if o.status.success() => Ok(o),
            _ => run(Linkage::Shared),
        },
        Linkage::Shared => run(Linkage::Shared),
    };
    let fail = |msg: String| {
        let _ = std::fs::remove_file(&tmp);
        Err(AotError::Link(msg))
    };
    match result {
        Err(e) => fail(format!("cannot run the C compiler `{cc}` (set CC): {e}")),
        Ok(o) if !o.status.success() => fail(format!(
            "`{cc}` failed ({}):\n{}",
            o.status,
            String::from_utf8_lossy(&o.stderr).trim_end()
        )),
        Ok(_) => {
            let placed = install(&tmp, out);
            let _ = std::fs::remove_file(&tmp);
            placed.map_err(|e| io(out, e))
        }
    }
}

/// Puts the linked executable `tmp` at `out`: renamed over it when `out`
/// is a regular file or absent (so `out` changes at once), written into
/// it when it is a device, FIFO or socket, as `cc -o` does: a rename would
/// replace the special file itself (`-o /dev/null` run as root left a
/// regular file there, which other programs then read from).
fn install(tmp: &Path, out: &Path) -> std::io::Result<()> {
    if !is_special(out) {
        return std::fs::rename(tmp, out);
    }
    // Not `fs::copy`, which would also give `out` the executable's mode.
    let mut from = std::fs::File::open(tmp)?;
    let mut to = std::fs::OpenOptions::new().write(true).open(out)?;
    std::io::copy(&mut from, &mut to)?;
    Ok(())
}

/// Is `path` (followed through symlinks) a device, FIFO or socket?
fn is_special(path: &Path) -> bool {
    std::fs::metadata(path)
        .map(|m| !m.is_file() && !m.is_dir())
        .unwrap_or(false)
}

#[cfg(all(test, unix))]
mod tests {
    use super::install;

    /// A special file at the output path (here a FIFO, as `/dev/null`
    /// would be) is written into and stays what it is; a regular file is
    /// replaced.
    #[test]
    fn special_outputs_are_written_not_replaced() {
        use std::io::Read;
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let tmp = dir.path().join("linked");
        std::fs::write(&tmp, b"executable bytes").unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let mut v = Vec::new();
                std::fs::File::open(fifo)
                    .unwrap()
                    .read_to_end(&mut v)
                    .unwrap();
                v
            })
        };
        install(&tmp, &fifo).unwrap();
        // (Before joining: had the FIFO been replaced, its reader would
        // wait forever.)
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(reader.join().unwrap(), b"executable bytes");

        let regular = dir.path().join("regular");
        std::fs::write(&regular, b"old").unwrap();
        install(&tmp, &regular).unwrap();
        assert_eq!(std::fs::read(&regular).unwrap(), b"executable bytes");
        assert!(!tmp.exists());
    }
}
