//! fast32's own output (disassembly, profile reports, the bench list,
//! compile summaries) written to a pipe nobody reads any more
//! (`fast32 disasm p.s32x | head`): it stops quietly with the status a
//! shell gives a process SIGPIPE ended (141), instead of panicking in
//! `print!` (Rust ignores SIGPIPE, so the write fails with EPIPE). Work
//! done before the write is kept: a compiled executable is still there.

mod common;

use common::{assemble, Scratch, FAST32};
use std::process::{Command, Stdio};

const WRITER: &str = include_str!("guests/writer.s");

/// Runs `fast32 args` in `dir` with stdout a pipe whose read end is
/// already closed (so the first write fails, with no race): its status
/// and stderr.
fn with_closed_stdout(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = Command::new(FAST32)
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(writer)
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn output_to_a_closed_pipe_ends_quietly() {
    let t = Scratch::new("closed-pipe");
    let prog = assemble(t.path(), "writer", WRITER, true);
    let p = prog.to_str().unwrap();
    let o = Command::new(FAST32)
        .current_dir(t.path())
        .args(["profile", "-o", "writer.prof", p, "--", "e", "out.txt"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for args in [
        vec!["disasm", "--headers", p],
        vec!["profile", "show", "writer.prof", p],
        vec!["bench", "--list"],
        vec!["compile", p, "-o", "writer.exe"],
    ] {
        let (code, err) = with_closed_stdout(t.path(), &args);
        assert_eq!(code, Some(141), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?} wrote to stderr: {err}");
    }
    assert!(
        t.path().join("writer.exe").is_file(),
        "the executable was linked before the summary"
    );
}
