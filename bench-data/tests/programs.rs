//! Every benchmark assembles, runs its quick size on the reference
//! interpreter, and prints exactly what its C twin prints (when `cc` is
//! available). Extra cases cover the `csv` validator's grammar and the
//! runtime's READ fallback.

use fast32_bench_data::{
    assembly_source, csvgen, program, programs, Inputs, Program, RunKind, C_FLAGS, C_LIBS,
};
use fast32_runtime::host::{AccessPolicy, HostConfig, OutputSink, StdinSource};
use fast32_runtime::{Interpreter, Machine, RunOutcome};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Quick-run inputs, shared by all tests of this binary (generated once).
fn inputs() -> &'static Inputs {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    static INPUTS: OnceLock<Inputs> = OnceLock::new();
    INPUTS.get_or_init(|| {
        let dir = DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"));
        Inputs::new(dir.path().canonicalize().unwrap())
    })
}

fn assemble(name: &str, source: &str) -> fast32_isa::s32x::Image {
    match fast32_asm::assemble(source, name) {
        Ok(image) => image,
        Err(e) => panic!("{name} does not assemble:\n{e}"),
    }
}

/// Runs `image` on the interpreter with argv = [name, args...]; returns
/// (stdout, stderr, outcome).
fn run_interp(
    image: &fast32_isa::s32x::Image,
    name: &str,
    args: &[String],
) -> (String, String, RunOutcome) {
    let (out, out_buf) = OutputSink::capture();
    let (err, err_buf) = OutputSink::capture();
    let mut argv = vec![name.as_bytes().to_vec()];
    argv.extend(args.iter().map(|a| a.as_bytes().to_vec()));
    let cfg = HostConfig {
        args: argv,
        env: Vec::new(),
        deterministic: true,
        stdin: StdinSource::Bytes(Vec::new()),
        stdout: out,
        stderr: err,
        policy: AccessPolicy::allow_all(),
        trace_host: false,
        exec: None,
    };
    let mut m = Machine::new(image, cfg).expect("program loads");
    m.cpu.insn_limit = 2_000_000_000;
    let outcome = Interpreter::new(&m).run(&mut m);
    m.host.flush();
    let text = |b: &std::sync::Arc<std::sync::Mutex<Vec<u8>>>| {
        String::from_utf8(b.lock().unwrap().clone()).expect("UTF-8 output")
    };
    (text(&out_buf), text(&err_buf), outcome)
}

fn have_cc() -> bool {
    static CC: OnceLock<bool> = OnceLock::new();
    *CC.get_or_init(|| {
        let ok = Command::new("cc")
            .arg("--version")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if !ok {
            eprintln!("cc not found: skipping the comparisons with the C programs");
        }
        ok
    })
}

/// Compiles `p.c` (once per test binary and program) and returns the
/// executable.
fn c_exe(p: &Program) -> PathBuf {
    // Tests run in parallel threads: compile each program once, under a
    // lock, so no test executes a binary another one is rewriting.
    static BUILT: std::sync::Mutex<Vec<(&'static str, PathBuf)>> =
        std::sync::Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, exe)) = built.iter().find(|(n, _)| *n == p.name) {
        return exe.clone();
    }
    let exe = compile_c_once(p);
    built.push((p.name, exe.clone()));
    exe
}

fn compile_c_once(p: &Program) -> PathBuf {
    let dir = inputs().dir.join("c");
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join(format!("{}.c", p.name));
    let exe = dir.join(p.name);
    std::fs::write(&src, p.c).unwrap();
    let out = Command::new("cc")
        .args(C_FLAGS)
        .arg("-Wall")
        .arg("-o")
        .arg(&exe)
        .arg(&src)
        .args(C_LIBS)
        .output()
        .expect("run cc");
    assert!(
        out.status.success(),
        "cc failed for {}.c:\n{}",
        p.name,
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

fn run_c(exe: &Path, args: &[String]) -> (String, i32) {
    let out = Command::new(exe)
        .args(args)
        .output()
        .expect("run C program");
    (
        String::from_utf8(out.stdout).expect("UTF-8 output"),
        out.status.code().unwrap_or(-1),
    )
}

/// The quick run on the interpreter, checked against the C twin.
fn check_quick(name: &str) {
    let p = program(name).expect("program exists");
    let args = p.args(inputs(), RunKind::Quick).expect("inputs");
    let image = assemble(p.name, &assembly_source(p));
    let (out, err, outcome) = run_interp(&image, p.name, &args);
    assert_eq!(
        outcome,
        RunOutcome::Exit(0),
        "{name}: stderr {err:?}, stdout {out:?}"
    );
    assert!(
        out.starts_with(&format!("{name} ")) && out.ends_with('\n') && out.lines().count() == 1,
        "{name}: unexpected output {out:?}"
    );
    if have_cc() {
        let (c_out, c_status) = run_c(&c_exe(p), &args);
        assert_eq!(c_status, 0, "{name}: C program failed");
        assert_eq!(out, c_out, "{name}: guest and C outputs differ");
    }
}

#[test]
fn core_quick() {
    check_quick("core");
}

#[test]
fn csv_quick() {
    check_quick("csv");
    let p = program("csv").unwrap();
    let args = p.args(inputs(), RunKind::Quick).unwrap();
    let (out, _, _) = run_interp(&assemble("csv", p.asm), "csv", &args);
    assert!(
        out.contains(" valid 1 "),
        "generated CSV must be valid: {out}"
    );
}

#[test]
fn calls_quick() {
    check_quick("calls");
}

#[test]
fn dispatch_quick() {
    check_quick("dispatch");
}

#[test]
fn float_quick() {
    check_quick("float");
}

#[test]
fn strings_quick() {
    check_quick("strings");
}

#[test]
fn all_programs_are_tested_and_well_formed() {
    let names: Vec<_> = programs().iter().map(|p| p.name).collect();
    assert_eq!(
        names,
        ["core", "csv", "calls", "dispatch", "float", "strings"]
    );
    let inputs = Inputs::new("/nonexistent-bench-inputs");
    for p in programs() {
        assert_eq!(assembly_source(p), p.asm);
        assert!(p.asm.contains("_start:"), "{}: runtime missing", p.name);
        let d = p.args_for(&inputs, RunKind::Default);
        let t = p.args_for(&inputs, RunKind::Training);
        let q = p.args_for(&inputs, RunKind::Quick);
        assert!(
            d != t && d != q && t != q,
            "{}: run kinds must differ",
            p.name
        );
        assert!(p.default_instructions > 100_000_000, "{}", p.name);
        let image = assemble(p.name, p.asm);
        let main = image.symbol_by_name("main").expect("main");
        assert_eq!(main.binding, 1, "{}: main must be global", p.name);
    }
}

#[test]
fn string_routines_are_global_functions() {
    let p = program("strings").unwrap();
    let image = assemble(p.name, p.asm);
    for f in ["memcpy", "strlen", "strcmp", "memset"] {
        let s = image
            .symbol_by_name(f)
            .unwrap_or_else(|| panic!("{f} missing"));
        assert_eq!((s.binding, s.kind), (1, 1), "{f} must be a global function");
        assert!(s.size > 0, "{f} needs a .size");
    }
}

/// Hand-written CSV inputs covering the grammar, checked against the C
/// validator, plus expectations that do not depend on the C twin.
#[test]
fn csv_grammar_cases() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("ok_lf", b"a,b,c\n1,2,3\n", "records 2 fields 6 valid 1"),
        (
            "ok_crlf_quotes",
            b"a,\"b,\"\"x\"\"\r\nq\",c\r\n1,2,3",
            "records 2 fields 6 valid 1",
        ),
        (
            "trailing_empty",
            b"a,b,\n1,2,\n",
            "records 2 fields 6 valid 1",
        ),
        ("eof_after_comma", b"a,b\n1,", "records 2 fields 4 valid 1"),
        ("empty", b"", "records 0 fields 0 valid 1"),
        ("blank_lines", b"\n\n", "records 2 fields 2 valid 1"),
        ("count_mismatch", b"a,b,c\n1,2\n", "valid 0 checksum"),
        ("count_mismatch_eof", b"a,b\n1,2\n3", "error_at 9"),
        ("unterminated", b"a,b,c\n1,\"2\n", "error_at 11"),
        ("bare_quote", b"a,b\"c\n", "error_at 3"),
        ("after_quote", b"a,\"b\"x\n", "error_at 5"),
        ("bare_cr", b"a,b\rc\n", "error_at 4"),
        ("cr_at_eof", b"a,b\r", "error_at 4"),
    ];
    let p = program("csv").unwrap();
    let image = assemble("csv", p.asm);
    let dir = inputs().dir.join("grammar");
    std::fs::create_dir_all(&dir).unwrap();
    let exe = have_cc().then(|| c_exe(p));
    for (name, bytes, expect) in cases {
        let path = dir.join(format!("{name}.csv"));
        std::fs::write(&path, bytes).unwrap();
        let args = vec![path.to_string_lossy().into_owned()];
        let (out, _, outcome) = run_interp(&image, "csv", &args);
        assert_eq!(outcome, RunOutcome::Exit(0), "{name}");
        assert!(out.contains(expect), "{name}: {out:?} lacks {expect:?}");
        if let Some(exe) = &exe {
            assert_eq!(out, run_c(exe, &args).0, "{name}: guest and C differ");
        }
    }
    // A missing file: a message on stderr, status 1, as in C.
    let args = vec![dir.join("missing.csv").to_string_lossy().into_owned()];
    let (out, err, outcome) = run_interp(&image, "csv", &args);
    assert_eq!((out.as_str(), outcome), ("", RunOutcome::Exit(1)));
    assert_eq!(err, "csv: cannot open input\n");
}

/// The runtime's READ + copy path (used when the host refuses
/// READ_DIRECT) gives the same result, across many 48 KiB chunks.
#[test]
fn csv_read_fallback() {
    let p = program("csv").unwrap();
    let flag = "__rt_no_direct:\n        .word   0";
    assert!(p.asm.contains(flag), "runtime layout changed");
    let forced = p.asm.replace(flag, "__rt_no_direct:\n        .word   1");
    let path = csvgen::ensure(&inputs().dir, "fallback.csv", 99, 300_001).unwrap();
    let args = vec![path.to_string_lossy().into_owned()];
    let (direct, _, o1) = run_interp(&assemble("csv", p.asm), "csv", &args);
    let (copied, _, o2) = run_interp(&assemble("csv-read", &forced), "csv", &args);
    assert_eq!((o1, o2), (RunOutcome::Exit(0), RunOutcome::Exit(0)));
    assert!(direct.contains(" valid 1 "), "{direct}");
    assert_eq!(direct, copied);
}
