//! `fast32 run --cache-dir`: the second run loads the first run's blocks
//! and translates nothing; a damaged entry is reported, never executed,
//! and rewritten; the guest's output and status never change.

use std::path::{Path, PathBuf};
use std::process::Command;

const FAST32: &str = env!("CARGO_BIN_EXE_fast32");

const PROGRAM: &str = r#"
    .text
    .global _start
_start:
    li r5, 2000
    li r6, 0
loop:
    andi r7, r5, 7
    add r6, r6, r7
    addi r5, r5, -1
    bne r5, r0, loop
    andi r1, r6, 127
    halt
"#;

fn program(dir: &Path) -> PathBuf {
    let src = dir.join("p.s");
    std::fs::write(&src, PROGRAM).unwrap();
    let out = dir.join("p.s32x");
    let st = Command::new(FAST32)
        .arg("asm")
        .arg(&src)
        .arg("-o")
        .arg(&out)
        .status()
        .unwrap();
    assert!(st.success());
    out
}

/// Runs with `--stats --cache-dir`; returns (status, stderr).
fn run(prog: &Path, cache: &Path) -> (i32, String) {
    let out = Command::new(FAST32)
        .args(["run", "--stats", "--cache-dir"])
        .arg(cache)
        .arg(prog)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn entries(cache: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

#[test]
fn second_run_loads_instead_of_translating() {
    let dir = std::env::temp_dir().join(format!("fast32-cli-cache-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let prog = program(&dir);
    let cache = dir.join("cache");
    // 2000 iterations adding 0..7: sum = 250 * 28 = 7000; 7000 & 127 = 88.
    let (st, err) = run(&prog, &cache);
    assert_eq!(st, 88, "{err}");
    assert!(
        err.contains("0 blocks loaded") && err.contains("saved"),
        "{err}"
    );
    let files = entries(&cache);
    assert_eq!(files.len(), 1, "{files:?}");

    let (st, err) = run(&prog, &cache);
    assert_eq!(st, 88, "{err}");
    assert!(err.contains("jit: 0 blocks translated"), "{err}");
    assert!(!err.contains("saved"), "nothing new to save: {err}");

    // A damaged entry: warned about, not used, rewritten.
    let mut bytes = std::fs::read(&files[0]).unwrap();
    let n = bytes.len();
    bytes[n - 10] ^= 0x40;
    std::fs::write(&files[0], &bytes).unwrap();
    let (st, err) = run(&prog, &cache);
    assert_eq!(st, 88, "{err}");
    assert!(err.contains("warning: ignoring code cache entry"), "{err}");
    assert!(err.contains("checksum"), "{err}");
    assert!(err.contains("saved"), "{err}");
    let (st, err) = run(&prog, &cache);
    assert_eq!(st, 88, "{err}");
    assert!(err.contains("jit: 0 blocks translated"), "{err}");

    // A truncated one too.
    std::fs::write(&files[0], &bytes[..n / 2]).unwrap();
    let (st, err) = run(&prog, &cache);
    assert_eq!(st, 88, "{err}");
    assert!(err.contains("truncated"), "{err}");

    // Only the JIT has translations to cache.
    let out = Command::new(FAST32)
        .args(["run", "--engine", "interp", "--cache-dir"])
        .arg(&cache)
        .arg(&prog)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}
