//! `fast32 compile` end to end: the executable it writes runs without
//! fast32, matches `fast32 run`, falls back to its embedded JIT for code
//! discovery could not find, and a failed compile leaves nothing behind.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FAST32: &str = env!("CARGO_BIN_EXE_fast32");

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("fast32-compile-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn fast32(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(FAST32)
        .args(args)
        .output()
        .expect("run fast32")
}

fn assemble(dir: &Path, name: &str, src: &str) -> PathBuf {
    let s = dir.join(format!("{name}.s"));
    std::fs::write(&s, src).unwrap();
    let out = dir.join(format!("{name}.s32x"));
    let o = fast32(&[
        "asm".as_ref(),
        s.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

/// `fast32 profile -o profile prog` (no arguments, no input).
fn record_profile(prog: &Path, profile: &Path) {
    let o = fast32(&[
        "profile".as_ref(),
        "-o".as_ref(),
        profile.as_os_str(),
        prog.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn compile(prog: &Path, exe: &Path) -> Output {
    fast32(&[
        "compile".as_ref(),
        prog.as_os_str(),
        "-o".as_ref(),
        exe.as_os_str(),
    ])
}

/// A jump target computed at run time (base + 12, named by nothing): the
/// executable's dispatcher must hand it to the embedded JIT.
const COMPUTED_JUMP: &str = "
    .text
    .global _start
_start:
    li r10, 0
    li r11, 5
loop:
    la r5, base
    addi r5, r5, 12
    jalr r31, r5, 0
    addi r11, r11, -1
    bne r11, r0, loop
    addi r1, r10, 0
    halt
base:
    halt
    halt
    halt
    addi r10, r10, 3
    jalr r0, r31, 0
";

#[test]
fn computed_jump_runs_through_the_embedded_jit() {
    let d = tmpdir("jump");
    let prog = assemble(&d, "jump", COMPUTED_JUMP);
    let exe = d.join("jump");
    let o = compile(&prog, &exe);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("link"), "phase timings missing: {text}");
    let run = Command::new(&exe)
        .env("FAST32_AOT_STATS", "1")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(15));
    assert!(aot_stat(&run.stderr, "JIT fallback entries") > 0);
    let _ = std::fs::remove_dir_all(&d);
}

/// The counter `name` in a `FAST32_AOT_STATS` line.
fn aot_stat(stderr: &[u8], name: &str) -> u64 {
    let err = String::from_utf8_lossy(stderr);
    err.split(", ")
        .find_map(|p| p.rsplit(": ").next()?.strip_suffix(&format!(" {name}")))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} counter in {err:?}"))
}

/// Does the ELF executable at `path` name a dynamic loader (PT_INTERP)?
fn has_interpreter(path: &Path) -> bool {
    let b = std::fs::read(path).unwrap();
    let u16_at = |o: usize| u16::from_le_bytes([b[o], b[o + 1]]) as usize;
    let phoff = u64::from_le_bytes(b[0x20..0x28].try_into().unwrap()) as usize;
    let (size, count) = (u16_at(0x36), u16_at(0x38));
    (0..count).any(|i| {
        let o = phoff + i * size;
        u32::from_le_bytes(b[o..o + 4].try_into().unwrap()) == 3
    })
}

#[test]
fn static_and_shared_executables_agree() {
    // Executables are linked static where the C library allows it (a
    // faster start) and against shared libraries with FAST32_LINK=shared;
    // both run the same, the embedded JIT included.
    let d = tmpdir("linkage");
    let prog = assemble(&d, "jump", COMPUTED_JUMP);
    let (fixed, shared) = (d.join("static"), d.join("shared"));
    assert!(compile(&prog, &fixed).status.success());
    let o = Command::new(FAST32)
        .args([
            "compile".as_ref(),
            prog.as_os_str(),
            "-o".as_ref(),
            shared.as_os_str(),
        ])
        .env("FAST32_LINK", "shared")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(has_interpreter(&shared));
    if has_interpreter(&fixed) {
        println!("note: this C toolchain cannot link static-pie; executables are dynamic");
    }
    for exe in [&fixed, &shared] {
        let run = Command::new(exe)
            .env("FAST32_AOT_STATS", "1")
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(15), "{}", exe.display());
        assert!(aot_stat(&run.stderr, "JIT fallback entries") > 0);
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn memory_elsewhere_than_compiled_for_runs_on_the_jit() {
    // Executables address guest memory at a fixed host address; if the
    // runtime cannot put it there, the same results come from the JIT.
    let d = tmpdir("floating");
    let prog = assemble(&d, "jump", COMPUTED_JUMP);
    let exe = d.join("jump");
    assert!(compile(&prog, &exe).status.success());
    let fixed = Command::new(&exe)
        .env("FAST32_AOT_STATS", "1")
        .output()
        .unwrap();
    let floating = Command::new(&exe)
        .env("FAST32_AOT_STATS", "1")
        .env("FAST32_AOT_FLOATING_MEMORY", "1")
        .output()
        .unwrap();
    assert_eq!(fixed.status.code(), Some(15));
    assert_eq!(floating.status.code(), Some(15));
    assert_eq!(fixed.stdout, floating.stdout);
    assert!(aot_stat(&fixed.stderr, "dispatches") > 0);
    assert_eq!(aot_stat(&floating.stderr, "dispatches"), 0);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn executable_traps_like_fast32_run() {
    let d = tmpdir("trap");
    let prog = assemble(
        &d,
        "trap",
        "
    .text
    .global _start
_start:
    li r5, 0x7fff0000
    ldw r6, 0(r5)
    halt
",
    );
    let exe = d.join("trap");
    assert!(compile(&prog, &exe).status.success());
    let a = Command::new(&exe).output().unwrap();
    let b = fast32(&[
        "run".as_ref(),
        "--engine".as_ref(),
        "interp".as_ref(),
        prog.as_os_str(),
    ]);
    assert_eq!(a.status.code(), b.status.code());
    assert_eq!(a.stderr, b.stderr);
    assert!(String::from_utf8_lossy(&a.stderr).contains("load fault"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn failed_compile_leaves_the_previous_output_intact() {
    let d = tmpdir("atomic");
    let exe = d.join("out");
    std::fs::write(&exe, b"previous").unwrap();
    // Not a .s32x: refused before anything is written.
    let bad = d.join("bad.s32x");
    std::fs::write(&bad, b"garbage").unwrap();
    let o = compile(&bad, &exe);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a valid SLOW-32 executable"));
    assert_eq!(std::fs::read(&exe).unwrap(), b"previous");
    // A link that fails (no C compiler): the old file stays, no temporary
    // file is left in the directory.
    let prog = assemble(
        &d,
        "ok",
        "    .text\n    .global _start\n_start:\n    halt\n",
    );
    let o = Command::new(FAST32)
        .env("CC", "/nonexistent/cc")
        .args([
            "compile".as_ref(),
            prog.as_os_str(),
            "-o".as_ref(),
            exe.as_os_str(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("C compiler"));
    assert_eq!(std::fs::read(&exe).unwrap(), b"previous");
    let leftovers: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let _ = std::fs::remove_dir_all(&d);
}

/// `--emit-clif` writes each function's IR with its guest blocks (inlined
/// callees' blocks marked), and `--explain` counts the inlined calls;
/// `--no-inline` turns inlining off.
#[test]
fn emit_clif_and_explain_show_inlined_calls() {
    let d = tmpdir("clif");
    let prog = assemble(
        &d,
        "inl",
        "
    .text
    .global _start
_start:
    li r3, 5
    call twice
    call twice
    halt
twice:
    add r1, r3, r3
    ret
",
    );
    let exe = d.join("inl");
    let clif = d.join("clif");
    let run = |extra: &str| {
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "compile".as_ref(),
            "--explain".as_ref(),
            "--emit-clif".as_ref(),
            clif.as_os_str(),
            prog.as_os_str(),
            "-o".as_ref(),
            exe.as_os_str(),
        ];
        if !extra.is_empty() {
            args.push(extra.as_ref());
        }
        let o = fast32(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let ir = std::fs::read_to_string(clif.join("fast32_guest_00000000.clif")).unwrap();
        (String::from_utf8_lossy(&o.stdout).into_owned(), ir)
    };
    let (out, ir) = run("");
    assert!(
        out.contains("inlining: 2 calls into 1 inlined copies"),
        "{out}"
    );
    assert!(ir.contains("(Indirect { link: false }, inlined)"), "{ir}");
    assert!(ir.contains("add r1, r3, r3"), "{ir}");
    let (out, ir) = run("--no-inline");
    assert!(
        out.contains("inlining: 0 calls into 0 inlined copies"),
        "{out}"
    );
    assert!(!ir.contains("inlined)"), "{ir}");
    let o = Command::new(&exe).output().unwrap();
    assert_eq!(o.status.code(), Some(10));
    let _ = std::fs::remove_dir_all(&d);
}

/// A threaded interpreter whose primitives discovery cannot see (see the
/// program's header): without a profile each jump to one leaves compiled
/// code for the embedded JIT (until the JIT takes over); with one, the primitives are found from the
/// profile's block counts and lowered inside NEXT's function, so the run
/// never leaves compiled code.
#[test]
fn profile_keeps_threaded_code_compiled() {
    let d = tmpdir("threaded");
    let prog = assemble(
        &d,
        "threaded",
        include_str!("../../tests/programs/threaded_code.s"),
    );
    let stats = |exe: &Path| {
        let run = Command::new(exe)
            .env("FAST32_AOT_STATS", "1")
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(0));
        (
            aot_stat(&run.stderr, "dispatches"),
            aot_stat(&run.stderr, "JIT fallback entries"),
        )
    };
    let plain = d.join("plain");
    assert!(compile(&prog, &plain).status.success());
    // The thread jumps to a primitive 12000 times: the dispatcher falls
    // back to the JIT for each until, fallback-heavy, it lets the JIT run
    // the rest with its blocks chained (after 10000).
    let (_, fallbacks) = stats(&plain);
    assert!(
        (1000..12000).contains(&fallbacks),
        "{fallbacks} fallbacks without a profile"
    );

    let profile = d.join("threaded.prof");
    record_profile(&prog, &profile);
    let pgo = d.join("pgo");
    let o = fast32(&[
        "compile".as_ref(),
        "--explain".as_ref(),
        "--profile".as_ref(),
        profile.as_os_str(),
        prog.as_os_str(),
        "-o".as_ref(),
        pgo.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("0x00000000 absorbs 0x0000002c"), "{out}");
    assert_eq!(stats(&pgo), (1, 0));
    let _ = std::fs::remove_dir_all(&d);
}

/// A loop whose rare branch (taken only when the program gets an
/// argument) calls a function: a profile without arguments never sees
/// either, so under `--cold=outline` both live in twins. Run with an
/// argument, the executable goes back and forth between each function and
/// its twin, and must print what the interpreter prints without ever
/// leaving compiled code.
const OUTLINED: &str = "
    .text
    .globl main
main:
    addi sp, sp, -16
    stw sp+0, lr
    stw sp+4, s0
    stw sp+8, s1
    stw sp+12, s2
    mv s2, a0
    li s0, 0
    li s1, 0
loop:
    li t0, 2000
    bge s1, t0, done
    slli a1, s0, 5
    add s0, s0, a1
    add s0, s0, s1
    li t0, 2
    blt s2, t0, next
    andi a1, s1, 7
    bnez a1, next
    mv a0, s0
    call mix
    xor s0, s0, rv
next:
    addi s1, s1, 1
    j loop
done:
    la a0, msg
    call print_str
    mv a0, s0
    call print_hex
    li a0, 10
    call print_char
    li rv, 0
    ldw lr, sp+0
    ldw s0, sp+4
    ldw s1, sp+8
    ldw s2, sp+12
    addi sp, sp, 16
    ret
mix:
    la t0, buf
    li a1, 0
1:  stw t0+0, a0
    ldw a2, t0+0
    slli a2, a2, 3
    xor a0, a0, a2
    addi a1, a1, 1
    li a2, 5
    blt a1, a2, 1b
    mv rv, a0
    ret
    .data
buf:
    .word 0
msg:
    .asciz \"outline \"
";

#[test]
fn cold_code_outlined_in_twins_runs_compiled() {
    let d = tmpdir("outline");
    let src = format!(
        "{}\n{OUTLINED}",
        include_str!("../../bench-data/programs/rt.s")
    );
    let prog = assemble(&d, "outlined", &src);
    let profile = d.join("outlined.prof");
    record_profile(&prog, &profile);
    let exe = d.join("outlined");
    let o = fast32(&[
        "compile".as_ref(),
        "--explain".as_ref(),
        "--cold".as_ref(),
        "outline".as_ref(),
        "--profile".as_ref(),
        profile.as_os_str(),
        prog.as_os_str(),
        "-o".as_ref(),
        exe.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = String::from_utf8_lossy(&o.stdout);
    let twins: u64 = report
        .split(" in twins of ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no twin count in {report}"));
    assert!(twins >= 2, "main and mix have twins: {report}");
    for args in [&[][..], &["x"][..]] {
        let mut want = Command::new(FAST32);
        want.args(["run", "--engine", "interp"])
            .arg(&prog)
            .args(args);
        let want = want.output().unwrap();
        let got = Command::new(&exe)
            .args(args)
            .env("FAST32_AOT_STATS", "1")
            .output()
            .unwrap();
        assert_eq!(got.status.code(), want.status.code(), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&got.stdout),
            String::from_utf8_lossy(&want.stdout),
            "{args:?}"
        );
        assert_eq!(aot_stat(&got.stderr, "JIT fallback entries"), 0, "{args:?}");
    }
    let _ = std::fs::remove_dir_all(&d);
}
