//! `fast32 bench` with an external engine that prints the wrong thing:
//! the bench goes on, reports that engine's output and does not time it.
//! `--corpus`: a directory without the corpus programs is an error; with
//! `FAST32_CORPUS` set, its interpreters are timed in one table.

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

#[test]
fn a_corpus_directory_without_the_programs_is_an_error() {
    let work = Scratch::new("bench-no-corpus");
    let empty = work.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let out = Command::new(FAST32)
        .args(["bench", "--runs", "1", "--engines", "jit", "--corpus"])
        .arg(&empty)
        .arg("--work-dir")
        .arg(work.path())
        .output()
        .expect("runs fast32 bench");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("holds none of the corpus programs (kernel.s32x, sbasic.s32x"),
        "{stderr}"
    );
}

/// With `FAST32_CORPUS`: one table holds an embedded program and every
/// corpus interpreter the directory has, plain and profile-guided
/// (skipped without it).
#[test]
fn the_corpus_interpreters_are_timed_in_one_table() {
    let Some(dir) = std::env::var_os("FAST32_CORPUS").filter(|d| !d.is_empty()) else {
        println!("FAST32_CORPUS not set: skipping");
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let work = Scratch::new("bench-corpus");
    let names = fast32_bench_data::corpus_workloads().iter().map(|w| w.name);
    let out = Command::new(FAST32)
        .args([
            "bench",
            "--quick",
            "--runs",
            "1",
            "--engines",
            "aot,aot-pgo",
        ])
        .arg("core")
        .args(names)
        .arg("--corpus")
        .arg(&dir)
        .arg("--work-dir")
        .arg(work.path())
        .output()
        .expect("runs fast32 bench");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    let mut found = 0;
    for w in fast32_bench_data::corpus_workloads() {
        if dir.join(w.image).is_file() {
            found += 1;
            assert!(
                stdout.contains(&format!("| {} |", w.name)),
                "{}:\n{stdout}",
                w.name
            );
        }
    }
    assert!(found > 0, "no corpus program in {}", dir.display());
    assert!(stdout.contains("| core |"), "{stdout}");
    assert_eq!(
        stdout.matches("|  |  | aot-pgo |").count(),
        found + 1,
        "{stdout}"
    );
}
