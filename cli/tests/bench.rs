//! `fast32 bench` with an external engine that prints the wrong thing:
//! the bench goes on, reports that engine's output and does not time it.

mod common;

use common::{Scratch, FAST32};
use std::process::Command;

#[test]
fn an_external_engine_with_wrong_output_is_reported_not_timed() {
    let work = Scratch::new("bench-wrong");
    // `echo PROG.s32x ARGS` prints its arguments, never the checksum.
    let out = Command::new(FAST32)
        .args(["bench", "--quick", "--runs", "1", "--engines", "jit,liar"])
        .args(["--external", "liar=echo", "--work-dir"])
        .arg(work.path())
        .arg("core")
        .output()
        .expect("runs fast32 bench");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stdout.contains("**liar printed something else, not timed**"),
        "{stdout}"
    );
    assert!(stdout.contains("| core |"), "{stdout}");
    assert!(
        !stdout.lines().any(|l| l.starts_with("|  |  | liar |")),
        "the liar was timed:\n{stdout}"
    );
    assert!(
        stderr.contains("liar disagrees with the interpreter"),
        "{stderr}"
    );
}
