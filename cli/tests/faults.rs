//! The fault matrix through the `fast32` binary: every engine reports the
//! same trap line on stderr and exits with the same status. The programs
//! are the filetests of `tests/programs/` (which also check the trap kind,
//! PC and address in-process on every engine configuration); here the
//! user-visible result is pinned: message text and exit status, for
//! `fast32 run` on every engine and for `fast32 compile` executables.

mod common;

use common::{compile, run_exe, run_in, Scratch, ENGINES, FAST32};
use std::path::{Path, PathBuf};
use std::process::Command;

/// (test program, extra run options, exit status, stderr).
const MATRIX: &[(&str, &[&str], i32, &str)] = &[
    (
        "trap_load",
        &[],
        201,
        "fast32: trap: load fault: read of 4 byte(s) at 0xF0000010 (pc=0x00000004)\n",
    ),
    (
        "trap_store_outside",
        &[],
        202,
        "fast32: trap: store fault: write of 4 byte(s) at 0xF0000010 (pc=0x00000008)\n",
    ),
    (
        "trap_store_code",
        &[],
        202,
        "fast32: trap: store fault: write of 4 byte(s) at 0x00000000 (pc=0x00000004)\n",
    ),
    (
        "trap_store_rodata",
        &[],
        202,
        "fast32: trap: store fault: write of 1 byte(s) at 0x00001000 (pc=0x00000008)\n",
    ),
    (
        "trap_execute",
        &[],
        203,
        "fast32: trap: execute fault: pc=0xF0000000 is outside the code region\n",
    ),
    (
        "trap_execute_data",
        &[],
        203,
        "fast32: trap: execute fault: pc=0x00001000 is outside the code region\n",
    ),
    // Not a trap in SLOW-32: bit 0 is cleared, bit 1 fetches across
    // half-words (exit 44 as on the reference interpreter).
    ("jump_misaligned", &[], 44, ""),
    (
        "trap_illegal",
        &[],
        204,
        "fast32: trap: illegal instruction 0x00000021 (opcode 0x21) at pc=0x0000000C\n",
    ),
    (
        "trap_bad_pair",
        &[],
        205,
        "fast32: trap: bad register pair: r7 is not an even register below r31 (pc=0x00000000)\n",
    ),
    (
        "trap_stack_overflow_pc",
        &[],
        202,
        "fast32: trap: store fault: write of 4 byte(s) at 0x0FFEEFFC (pc=0x00000008)\n",
    ),
    (
        "trap_assert",
        &[],
        206,
        "fast32: trap: assertion failed: r3 != r4 (pc=0x00000008)\n",
    ),
    // Not a trap in SLOW-32 either: the program checks x/0 = -1, x%0 = x.
    ("div_by_zero", &[], 0, ""),
    (
        "trap_limit",
        &["--max-instructions", "1001"],
        207,
        "fast32: trap: instruction limit reached (next pc=0x00000004)\n",
    ),
];

fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/programs")
}

fn asm(src: &Path, out: &Path) {
    let o = Command::new(FAST32)
        .arg("asm")
        .arg(src)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}: {}",
        src.display(),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn every_fault_has_the_same_message_and_status_on_every_engine() {
    let t = Scratch::new("faults");
    let mut failures = Vec::new();
    for (name, opts, code, stderr) in MATRIX {
        let prog = t.path().join(format!("{name}.s32x"));
        asm(&programs_dir().join(format!("{name}.s")), &prog);
        let mut runs: Vec<(&str, common::Run)> = ENGINES
            .iter()
            .map(|&engine| (engine, run_in(t.path(), engine, opts, &prog, &[])))
            .collect();
        // A `fast32 compile` executable takes its limit from the
        // environment.
        let env: Vec<(&str, &str)> = match opts {
            ["--max-instructions", n] => vec![("FAST32_MAX_INSTRUCTIONS", *n)],
            _ => Vec::new(),
        };
        runs.push(("compiled", run_exe(t.path(), &compile(&prog), &env, &[])));
        for (engine, r) in runs {
            if r.code != *code || r.stderr != *stderr {
                failures.push(format!(
                    "{name} on {engine}: status {} (want {code}), stderr {:?} (want {stderr:?})",
                    r.code, r.stderr
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Each loop's PCs: a timeout may land on any of them, but nowhere else.
const LOOPS: &[(&str, &str, &[u32])] = &[
    (
        "spin",
        "    addi r5, r0, 0\nspin:\n    addi r5, r5, 1\n    j spin\n",
        &[4, 8],
    ),
    ("self_jump", "    addi r5, r0, 0\nself:\n    j self\n", &[4]),
    (
        "call_loop",
        "again:\n    call f\n    j again\nf:\n    addi r5, r5, 1\n    ret\n",
        &[0, 4, 8, 12],
    ),
];

#[test]
fn wall_clock_timeout_stops_runaway_loops_on_every_engine() {
    let t = Scratch::new("timeout");
    for (name, body, pcs) in LOOPS {
        let src = t.path().join(format!("{name}.s"));
        std::fs::write(&src, format!(".text\n.global _start\n_start:\n{body}")).unwrap();
        let prog = t.path().join(format!("{name}.s32x"));
        asm(&src, &prog);
        // A `fast32 compile` executable takes its timeout from the
        // environment; its code is not compiled interruptible, so the run
        // goes to the JIT, which polls.
        let exe = compile(&prog);
        for engine in ENGINES.iter().copied().chain(["compiled"]) {
            let start = std::time::Instant::now();
            let r = if engine == "compiled" {
                run_exe(t.path(), &exe, &[("FAST32_TIMEOUT", "0.3")], &[])
            } else {
                run_in(t.path(), engine, &["--timeout", "0.3"], &prog, &[])
            };
            let secs = start.elapsed().as_secs_f64();
            assert_eq!(r.code, 208, "{name} on {engine}: {r:?}");
            let pc = r
                .stderr
                .strip_prefix("fast32: trap: timeout (pc=0x")
                .and_then(|s| s.strip_suffix(")\n"))
                .and_then(|h| u32::from_str_radix(h, 16).ok());
            assert!(
                pc.is_some_and(|pc| pcs.contains(&pc)),
                "{name} on {engine}: {:?}",
                r.stderr
            );
            // The deadline is 0.3 s; allow for a loaded 2-core machine
            // and the AOT engine's compile time, not for a hang.
            assert!(secs < 10.0, "{name} on {engine}: took {secs:.1} s");
        }
    }
}

/// A runaway EXEC child cannot outlive its parent's `--timeout`: the
/// child gets what is left of the parent's time (on every engine and
/// from compiled executables, `FAST32_TIMEOUT`), stops with the timeout
/// trap, and its status comes back through EXEC.
#[test]
fn the_timeout_bounds_exec_children_too() {
    let t = Scratch::new("timeout-exec");
    let execer = common::assemble(t.path(), "execer", include_str!("guests/execer.s"), true);
    common::assemble(
        t.path(),
        "spin",
        ".text\n.globl main\nmain:\n    addi r5, r0, 0\n1:  addi r5, r5, 1\n    j 1b\n",
        true,
    );
    let exe = compile(&execer);
    for engine in ENGINES.iter().copied().chain(["compiled"]) {
        let mut cmd = if engine == "compiled" {
            let mut c = Command::new(&exe);
            c.env("FAST32_TIMEOUT", "0.5");
            c
        } else {
            let mut c = Command::new(FAST32);
            c.args(["run", "--engine", engine, "--timeout", "0.5"])
                .arg(&execer);
            c
        };
        let mut child = cmd
            .current_dir(t.path())
            .arg("spin.s32x")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let start = std::time::Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if start.elapsed().as_secs() > 20 {
                child.kill().unwrap();
                child.wait().unwrap();
                panic!("{engine}: the EXEC child outlived the timeout");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
        // The child's timeout trap (its status, 208, is the parent's).
        assert_eq!(status.code(), Some(208), "{engine}: {err}");
        assert!(
            err.starts_with("fast32: trap: timeout (pc="),
            "{engine}: {err}"
        );
    }
}
