//! Resource limits through the CLI: the same trap line and exit status on
//! every engine.

use std::process::Command;

const FAST32: &str = env!("CARGO_BIN_EXE_fast32");

fn spin_program(dir: &std::path::Path) -> std::path::PathBuf {
    let src = dir.join("spin.s");
    std::fs::write(
        &src,
        ".text\n.global _start\n_start:\n    addi r5, r0, 0\nspin:\n    addi r5, r5, 1\n    j spin\n",
    )
    .unwrap();
    let out = dir.join("spin.s32x");
    let st = Command::new(FAST32)
        .args(["asm"])
        .arg(&src)
        .arg("-o")
        .arg(&out)
        .status()
        .unwrap();
    assert!(st.success());
    out
}

fn run(args: &[&str], prog: &std::path::Path) -> (i32, String) {
    let out = Command::new(FAST32)
        .arg("run")
        .args(args)
        .arg(prog)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn instruction_limit_is_exact_on_every_engine() {
    let dir = std::env::temp_dir().join(format!("fast32-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let prog = spin_program(&dir);
    for engine in ["interp", "jit", "aot"] {
        let (code, err) = run(&["--engine", engine, "--max-instructions", "1001"], &prog);
        assert_eq!(code, 207, "{engine}: {err}");
        assert_eq!(
            err.trim(),
            "fast32: trap: instruction limit reached (next pc=0x00000004)",
            "{engine}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn timeout_stops_a_runaway_loop() {
    let dir = std::env::temp_dir().join(format!("fast32-timeout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let prog = spin_program(&dir);
    // AOT code compiled for a timeout polls the flag on loop back-edges.
    for engine in ["interp", "jit", "aot"] {
        let t = std::time::Instant::now();
        let (code, err) = run(&["--engine", engine, "--timeout", "0.3"], &prog);
        assert_eq!(code, 208, "{engine}: {err}");
        assert!(
            err.contains("fast32: trap: timeout (pc=0x0000000"),
            "{engine}: {err}"
        );
        assert!(t.elapsed().as_secs_f64() < 10.0);
    }
    std::fs::remove_dir_all(&dir).ok();
}
