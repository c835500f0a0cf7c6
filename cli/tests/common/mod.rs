//! Helpers shared by the CLI integration tests: a scratch directory,
//! assembling guest programs with `fast32 asm`, running `fast32 run`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const FAST32: &str = env!("CARGO_BIN_EXE_fast32");

/// Every engine `fast32 run` offers.
pub const ENGINES: [&str; 3] = ["interp", "jit", "aot"];

/// A scratch directory removed on drop (kept when the test fails, which
/// helps post-mortems).
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Scratch {
        let base = std::env::temp_dir().join(format!(
            "fast32-{tag}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).unwrap();
        // Physical path: /tmp may itself be a symbolic link.
        Scratch(std::fs::canonicalize(&base).unwrap())
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Assembles `source` (with the benchmark runtime appended when `with_rt`)
/// into `dir/name.s32x` through `fast32 asm`.
pub fn assemble(dir: &Path, name: &str, source: &str, with_rt: bool) -> PathBuf {
    let src = dir.join(format!("{name}.s"));
    let mut text = source.to_string();
    if with_rt {
        text.push('\n');
        text.push_str(fast32_bench_data::RUNTIME_ASM);
    }
    std::fs::write(&src, text).unwrap();
    let out = dir.join(format!("{name}.s32x"));
    let o = Command::new(FAST32)
        .arg("asm")
        .arg(&src)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "fast32 asm {name}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// What one `fast32 run` left behind.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from_output(o: Output) -> Run {
        use std::os::unix::process::ExitStatusExt;
        Run {
            // A signal death shows as 128 + signal, as a shell would.
            code: o
                .status
                .code()
                .unwrap_or_else(|| 128 + o.status.signal().unwrap_or(0)),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// `fast32 run --engine ENGINE OPTS PROG ARGS` in `cwd`.
pub fn run_in(cwd: &Path, engine: &str, opts: &[&str], prog: &Path, args: &[&str]) -> Run {
    let o = Command::new(FAST32)
        .current_dir(cwd)
        .arg("run")
        .arg("--engine")
        .arg(engine)
        .args(opts)
        .arg(prog)
        .args(args)
        .output()
        .unwrap();
    Run::from_output(o)
}

/// Compiles `prog` into a native executable with `fast32 compile`.
pub fn compile(prog: &Path) -> PathBuf {
    let exe = prog.with_extension("exe");
    let o = Command::new(FAST32)
        .args(["compile", "-q"])
        .arg(prog)
        .arg("-o")
        .arg(&exe)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "fast32 compile {}: {}",
        prog.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    exe
}

/// Runs a compiled executable in `cwd` with `env` added to the
/// environment (the executables take their options from FAST32_*).
pub fn run_exe(cwd: &Path, exe: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let o = Command::new(exe)
        .current_dir(cwd)
        .envs(env.iter().copied())
        .args(args)
        .output()
        .unwrap();
    Run::from_output(o)
}
