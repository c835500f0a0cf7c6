//! No data lost: what a guest handed to the host before it trapped, hit
//! a limit or was killed is in its files, on every engine; and the files
//! fast32 itself writes (profiles, assembled programs) replace an
//! existing output atomically, so a failed or interrupted write never
//! leaves it truncated.

mod common;

use common::{assemble, compile, run_exe, run_in, Run, Scratch, ENGINES, FAST32};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WRITER: &str = include_str!("guests/writer.s");
const LINE: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!\n";
const LINES: usize = 2000;

fn expected() -> String {
    LINE.repeat(LINES)
}

fn check_file(path: &Path, what: &str) {
    let got = std::fs::read(path).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(got.len(), LINE.len() * LINES, "{what}: length");
    assert!(got == expected().as_bytes(), "{what}: content differs");
}

#[test]
fn files_survive_a_trap_on_every_engine() {
    let t = Scratch::new("dataloss-trap");
    let prog = assemble(t.path(), "writer", WRITER, true);
    for engine in ENGINES {
        // "t": closed (fclose) before the trap; "T": still open.
        for mode in ["t", "T"] {
            let out = format!("out-{engine}-{mode}.txt");
            let r = run_in(t.path(), engine, &[], &prog, &[mode, &out]);
            let what = format!("{engine} {mode}");
            assert_eq!(r.code, 202, "{what}: {r:?}");
            assert!(
                r.stderr
                    .starts_with("fast32: trap: store fault: write of 4 byte(s) at 0x00000000"),
                "{what}: {}",
                r.stderr
            );
            // Guest stdout buffered by the host is flushed at the trap too.
            assert_eq!(r.stdout, "written\n", "{what}");
            check_file(&t.path().join(&out), &what);
        }
    }
    // The same through a `fast32 compile` executable, trap and limit.
    let exe = compile(&prog);
    for mode in ["t", "T", "s", "S"] {
        let out = format!("out-compiled-{mode}.txt");
        let limit = [("FAST32_MAX_INSTRUCTIONS", "2000000")];
        let r = run_exe(t.path(), &exe, &limit, &[mode, &out]);
        let what = format!("compiled {mode}");
        let code = if mode.eq_ignore_ascii_case("t") {
            202
        } else {
            207
        };
        assert_eq!(r.code, code, "{what}: {r:?}");
        assert_eq!(r.stdout, "written\n", "{what}");
        check_file(&t.path().join(&out), &what);
    }
}

#[test]
fn files_survive_the_instruction_limit_and_the_timeout() {
    let t = Scratch::new("dataloss-limits");
    let prog = assemble(t.path(), "writer", WRITER, true);
    // Writing takes about 450,000 instructions; the spin loop does the rest.
    let limit = ["--max-instructions", "2000000"];
    let timeout = ["--timeout", "0.5"];
    let mut cases: Vec<(&str, &[&str], i32)> = Vec::new();
    for engine in ENGINES {
        cases.push((engine, &limit, 207));
    }
    for engine in ENGINES {
        cases.push((engine, &timeout, 208));
    }
    for (engine, opts, code) in cases {
        for mode in ["s", "S"] {
            let out = format!("out-{engine}-{mode}-{code}.txt");
            let r = run_in(t.path(), engine, opts, &prog, &[mode, &out]);
            let what = format!("{engine} {mode} {}", opts[0]);
            assert_eq!(r.code, code, "{what}: {r:?}");
            assert_eq!(r.stdout, "written\n", "{what}");
            check_file(&t.path().join(&out), &what);
        }
    }
}

#[test]
fn files_survive_sigkill_on_every_engine() {
    let t = Scratch::new("dataloss-kill");
    let prog = assemble(t.path(), "writer", WRITER, true);
    for engine in ENGINES {
        let out = t.path().join(format!("out-{engine}.txt"));
        let mut child = Command::new(FAST32)
            .current_dir(t.path())
            .args(["run", "--engine", engine])
            .arg(&prog)
            .arg("S")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The guest spins once everything is written (and left open).
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::fs::metadata(&out).map_or(0, |m| m.len()) < (LINE.len() * LINES) as u64 {
            assert!(Instant::now() < deadline, "{engine}: the guest never wrote");
            std::thread::sleep(Duration::from_millis(10));
        }
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert!(status.code().is_none(), "{engine}: not killed: {status}");
        check_file(&out, &format!("{engine} killed"));
    }
}

/// Starts `cmd` (a guest running writer.s in mode "S" on `out`), waits
/// until the file is complete and the guest spins, sends `sig` and
/// returns what the process left: exit status, stdout, stderr.
fn signal_spinning_writer(mut cmd: Command, out: &Path, sig: i32, what: &str) -> Run {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::fs::metadata(out).map_or(0, |m| m.len()) < (LINE.len() * LINES) as u64 {
        assert!(Instant::now() < deadline, "{what}: the guest never wrote");
        std::thread::sleep(Duration::from_millis(10));
    }
    // "written" was requested right after the file; give the guest a
    // moment to reach its spin loop.
    std::thread::sleep(Duration::from_millis(100));
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, sig) };
    let o = child.wait_with_output().unwrap();
    Run::from_output(o)
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGINT => "SIGINT",
        libc::SIGTERM => "SIGTERM",
        _ => "SIGHUP",
    }
}

/// Guest stdout that the guest flushed (its WRITE requests were served)
/// reaches a redirected stdout when fast32 is stopped by SIGTERM, SIGINT
/// or SIGHUP, on every engine and in compiled executables, even though
/// the host buffers it and the guest is spinning in translated code that
/// never polls: fast32 exits with 128 + the signal and one line on
/// stderr. The guest's still-open file is complete as well.
#[test]
fn guest_stdout_survives_sigterm_and_sigint() {
    let t = Scratch::new("dataloss-sigterm");
    let prog = assemble(t.path(), "writer", WRITER, true);
    let exe = compile(&prog);
    let mut runners: Vec<String> = ENGINES.iter().map(|e| e.to_string()).collect();
    runners.push("compiled".into());
    for runner in &runners {
        for sig in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
            let what = format!("{runner}, {}", signal_name(sig));
            let out = t.path().join(format!("out-{runner}-{sig}.txt"));
            let mut cmd = if runner == "compiled" {
                Command::new(&exe)
            } else {
                let mut c = Command::new(FAST32);
                c.args(["run", "--engine", runner]).arg(&prog);
                c
            };
            cmd.current_dir(t.path()).arg("S").arg(&out);
            // The test may run with SIGINT ignored (a background job),
            // which fast32 would keep: start from the default.
            // SAFETY: only async-signal-safe calls between fork and exec.
            unsafe {
                cmd.pre_exec(|| {
                    libc::signal(libc::SIGINT, libc::SIG_DFL);
                    libc::signal(libc::SIGHUP, libc::SIG_DFL);
                    Ok(())
                });
            }
            let r = signal_spinning_writer(cmd, &out, sig, &what);
            assert_eq!(r.code, 128 + sig, "{what}: {r:?}");
            assert_eq!(r.stdout, "written\n", "{what}");
            assert_eq!(
                r.stderr,
                format!("fast32: stopped by {}\n", signal_name(sig)),
                "{what}"
            );
            check_file(&out, &what);
        }
    }
}

/// A guest blocked in a host read (stdin open, nothing to read) stops on
/// SIGTERM as promptly as a running one, with what it printed before.
#[test]
fn a_guest_blocked_in_a_read_stops_on_sigterm() {
    let t = Scratch::new("dataloss-sigterm-read");
    let prog = assemble(t.path(), "wait", WAIT_FOR_STDIN, true);
    let exe = compile(&prog);
    let mut runners: Vec<Command> = ENGINES
        .iter()
        .map(|e| {
            let mut c = Command::new(FAST32);
            c.args(["run", "--engine", e]).arg(&prog);
            c
        })
        .collect();
    runners.push(Command::new(&exe));
    for mut cmd in runners {
        use std::io::BufRead;
        let what = format!("{cmd:?}");
        let mut child = cmd
            .current_dir(t.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Held open until the child is gone (Child::wait would close it,
        // and the guest would see end of file instead of the signal).
        let stdin = child.stdin.take().unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        assert_eq!(first, "ready\n", "{what}");
        std::thread::sleep(Duration::from_millis(50));
        // SAFETY: signalling our own child.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(128 + libc::SIGTERM), "{what}");
        drop(stdin);
    }
}

/// A signal fast32 was started with ignored stays ignored (`nohup`
/// ignores SIGHUP), while the others still stop it.
#[test]
fn an_ignored_sighup_stays_ignored() {
    let t = Scratch::new("dataloss-nohup");
    let prog = assemble(t.path(), "wait", WAIT_FOR_STDIN, true);
    let mut cmd = Command::new(FAST32);
    cmd.current_dir(t.path())
        .args(["run", "--engine", "interp"])
        .arg(&prog)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGHUP, libc::SIG_IGN);
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    let stdin = child.stdin.take().unwrap();
    let mut line = String::new();
    use std::io::BufRead;
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line, "ready\n");
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGHUP) };
    std::thread::sleep(Duration::from_millis(300));
    assert!(child.try_wait().unwrap().is_none(), "SIGHUP stopped it");
    // SAFETY: as above.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    assert_eq!(child.wait().unwrap().code(), Some(128 + libc::SIGTERM));
    drop(stdin);
}

/// Prints "ready", then waits for its stdin to close.
const WAIT_FOR_STDIN: &str = "
        .text
        .globl main
    main:
        addi sp, sp, -8
        stw sp+0, lr
        la a0, ready
        call print_str
        li a0, 0
        addi a1, sp, 4
        li a2, 1
        call read
        li rv, 0
        ldw lr, sp+0
        addi sp, sp, 8
        ret
        .rodata
    ready:
        .asciz \"ready\\n\"
";

/// Runs `fast32 ARGS` and, once the guest has printed its first line
/// (the JIT's code memory, a file-backed mapping, is set up by then),
/// limits the process's regular-file writes to 8 bytes and lets the guest
/// finish by closing its stdin: writing the new output then fails
/// (SIGXFSZ ignored: EFBIG) or kills the process in the middle of the
/// write (SIGXFSZ's default action). Programs without a guest (`asm`) are
/// limited from the start.
fn run_with_tiny_fsize(cwd: &Path, args: &[&str], kill_on_overflow: bool, guest: bool) -> Run {
    use std::io::{BufRead, Read};
    let lim = libc::rlimit {
        rlim_cur: 8,
        rlim_max: 8,
    };
    let mut cmd = Command::new(FAST32);
    cmd.current_dir(cwd)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            if !guest && libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            let action = if kill_on_overflow {
                libc::SIG_DFL
            } else {
                libc::SIG_IGN
            };
            libc::signal(libc::SIGXFSZ, action);
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    if guest {
        stdout.read_line(&mut first).unwrap();
        assert_eq!(first, "ready\n");
        // SAFETY: plain system call on our own child.
        let rc = unsafe {
            libc::prlimit(
                child.id() as libc::pid_t,
                libc::RLIMIT_FSIZE,
                &lim,
                std::ptr::null_mut(),
            )
        };
        assert_eq!(rc, 0, "prlimit: {}", std::io::Error::last_os_error());
    }
    drop(child.stdin.take());
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    Run::from_output(std::process::Output {
        status,
        stdout: (first + &rest).into_bytes(),
        stderr: stderr.into_bytes(),
    })
}

/// Checks that a failed and an interrupted rewrite of `out` (produced by
/// `args`) leave the previous file byte for byte.
fn check_atomic_rewrite(dir: &Path, args: &[&str], out: &str, guest: bool) {
    let before = std::fs::read(dir.join(out)).unwrap();
    assert!(before.len() > 8, "{out}: too small to test with");

    let r = run_with_tiny_fsize(dir, args, false, guest);
    assert_eq!(r.code, 1, "{out}: {r:?}");
    // The failure is the output's write, not anything earlier.
    assert!(
        r.stderr.contains(out) && r.stderr.contains("File too large"),
        "{out}: {}",
        r.stderr
    );
    assert_eq!(
        std::fs::read(dir.join(out)).unwrap(),
        before,
        "{out}: after EFBIG"
    );
    // Nothing half-written is left behind either.
    assert!(temporaries(dir).is_empty(), "{out}: {:?}", temporaries(dir));

    let r = run_with_tiny_fsize(dir, args, true, guest);
    assert_eq!(r.code, 128 + libc::SIGXFSZ, "{out}: {r:?}");
    assert_eq!(
        std::fs::read(dir.join(out)).unwrap(),
        before,
        "{out}: after a kill"
    );
    // A killed writer cannot remove its temporary file; it never carries
    // the output's name.
    for tmp in temporaries(dir) {
        assert!(tmp.starts_with(&format!(".{out}.tmp")), "{out}: {tmp}");
        std::fs::remove_file(dir.join(tmp)).unwrap();
    }
}

/// Names of temporary files in `dir`.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect()
}

#[test]
fn profiles_and_programs_are_replaced_atomically() {
    let t = Scratch::new("dataloss-atomic");
    let dir = t.path();
    let src = format!("{WAIT_FOR_STDIN}\n{}", fast32_bench_data::RUNTIME_ASM);
    std::fs::write(dir.join("wait.s"), src).unwrap();
    let ok = |args: &[&str]| {
        let o = Command::new(FAST32)
            .current_dir(dir)
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{args:?}: {o:?}");
    };
    let asm = ["asm", "wait.s", "-o", "wait.s32x"];
    ok(&asm);
    check_atomic_rewrite(dir, &asm, "wait.s32x", false);

    let profile = ["profile", "wait.s32x", "-o", "wait.s32prof"];
    ok(&profile);
    check_atomic_rewrite(dir, &profile, "wait.s32prof", true);

    // `fast32 compile` links under a temporary name and renames: killed
    // at any point, the previous executable stays whole (the compile is
    // deterministic, so a finished one is identical to it).
    let compile = ["compile", "-q", "wait.s32x", "-o", "wait.exe"];
    ok(&compile);
    check_atomic_rewrite(dir, &compile, "wait.exe", false);
    let before = std::fs::read(dir.join("wait.exe")).unwrap();
    for delay_ms in (0..200).step_by(10) {
        let mut child = Command::new(FAST32)
            .current_dir(dir)
            .args(compile)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(
            std::fs::read(dir.join("wait.exe")).unwrap() == before,
            "wait.exe changed after a kill at {delay_ms} ms"
        );
    }
}

/// The JIT's code cache entry is replaced atomically too: a save that
/// fails (EFBIG; a warning, the guest's status stands) or is killed in
/// the middle leaves the previous entry byte for byte, and no file under
/// an entry's name is ever half-written.
#[test]
fn code_cache_entries_are_replaced_atomically() {
    let t = Scratch::new("dataloss-cache");
    let dir = t.path();
    std::fs::write(
        dir.join("wait.s"),
        format!("{WAIT_FOR_STDIN}\n{}", fast32_bench_data::RUNTIME_ASM),
    )
    .unwrap();
    let o = Command::new(FAST32)
        .current_dir(dir)
        .args(["asm", "wait.s", "-o", "wait.s32x"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    let args = ["run", "--cache-dir", "cache", "wait.s32x"];
    let o = Command::new(FAST32)
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    let cache = dir.join("cache");
    let names: Vec<String> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    let entry = cache.join(&names[0]);
    // A damaged entry is ignored and rewritten at exit: that rewrite is
    // the write under test.
    let mut before = std::fs::read(&entry).unwrap();
    let n = before.len();
    before[n - 10] ^= 0x40;
    std::fs::write(&entry, &before).unwrap();

    let r = run_with_tiny_fsize(dir, &args, false, true);
    assert_eq!(r.code, 0, "the guest's status stands: {r:?}");
    assert!(
        r.stderr.contains("cannot save the code cache") && r.stderr.contains("File too large"),
        "{}",
        r.stderr
    );
    assert!(std::fs::read(&entry).unwrap() == before, "after EFBIG");
    assert!(temporaries(&cache).is_empty(), "{:?}", temporaries(&cache));

    let r = run_with_tiny_fsize(dir, &args, true, true);
    assert_eq!(r.code, 128 + libc::SIGXFSZ, "{r:?}");
    assert!(std::fs::read(&entry).unwrap() == before, "after a kill");
    for tmp in temporaries(&cache) {
        assert!(tmp.starts_with(&format!(".{}.tmp", names[0])), "{tmp}");
    }
}
