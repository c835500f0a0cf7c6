//! The host-access policy seen from a guest, through the `fast32` binary,
//! on every engine: files outside the grants (absolute paths, `..`,
//! symbolic links planted inside the granted directory) and sockets
//! without `--allow-net` are refused with EACCES, which the guest sees
//! and prints; `--trace-host` reports each refusal on stderr; the host
//! keeps running; and the same requests succeed once granted, so the test
//! fails if the probe cannot tell a refusal from a success.

mod common;

use common::{assemble, compile, run_exe, run_in, Scratch, ENGINES};
use std::os::unix::fs::symlink;
use std::path::Path;

const PROBE: &str = include_str!("guests/policy_probe.s");
const EACCES: u32 = 13;

/// `root/outside/secret.txt` (not granted), `root/work` (the working
/// directory: granted by default) with `inside.txt` and three symbolic
/// links that point outside, `root/granted/data.txt` (granted with --dir
/// in the positive control).
fn layout(root: &Path) {
    let outside = root.join("outside");
    let work = root.join("work");
    let granted = root.join("granted");
    for d in [&outside, &work, &granted] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(outside.join("secret.txt"), "TOPSECRET").unwrap();
    std::fs::write(work.join("inside.txt"), "INSIDE").unwrap();
    std::fs::write(granted.join("data.txt"), "GRANTED").unwrap();
    symlink(outside.join("secret.txt"), work.join("link")).unwrap();
    symlink("../outside/secret.txt", work.join("rel_link")).unwrap();
    symlink(&outside, work.join("dirlink")).unwrap();
}

#[test]
fn guest_cannot_leave_its_grants_on_any_engine() {
    let t = Scratch::new("policy");
    let root = t.path();
    layout(root);
    let prog = assemble(root, "policy_probe", PROBE, true);
    let work = root.join("work");
    let secret_abs = format!("r{}", root.join("outside/secret.txt").display());

    // Every request that must be refused, and the one that must work.
    let denied = [
        secret_abs.as_str(),       // absolute path outside the grants
        "r../outside/secret.txt",  // `..` out of the working directory
        "rlink",                   // absolute symlink inside, target outside
        "rrel_link",               // relative symlink inside, target outside
        "rdirlink/secret.txt",     // symlinked directory inside, outside
        "w../outside/planted.txt", // creating a file outside
        "wlink",                   // writing through a symlink
        "s",                       // a socket without --allow-net
        "r/data/data.txt",         // a guest path no grant maps
    ];
    let mut args: Vec<&str> = denied.to_vec();
    args.push("rinside.txt");
    let mut expected = String::new();
    for a in denied {
        expected.push_str(&format!("{a}: error {EACCES}\n"));
    }
    expected.push_str("rinside.txt: ok INSIDE\n");

    for engine in ENGINES {
        let r = run_in(&work, engine, &["--trace-host"], &prog, &args);
        // The guest ran to its end: its exit status counts the refusals.
        assert_eq!(r.code, denied.len() as i32, "{engine}: {r:?}");
        assert_eq!(r.stdout, expected, "{engine}: {r:?}");
        let traces: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(traces.len(), denied.len(), "{engine}: {}", r.stderr);
        for (line, what) in traces.iter().zip(denied) {
            assert!(line.starts_with("fast32: denied "), "{engine}: {line}");
            if what != "s" {
                assert!(line.contains(&what[1..]), "{engine}: {line} / {what}");
            } else {
                assert!(
                    line.starts_with("fast32: denied socket(): network access disabled"),
                    "{engine}: {line}"
                );
            }
        }
        // Nothing leaked out and nothing was planted.
        assert_eq!(
            std::fs::read_to_string(root.join("outside/secret.txt")).unwrap(),
            "TOPSECRET"
        );
        assert!(!root.join("outside/planted.txt").exists(), "{engine}");

        // Without --trace-host the guest sees the same, stderr stays quiet.
        let quiet = run_in(&work, engine, &[], &prog, &args);
        assert_eq!(quiet.code, denied.len() as i32, "{engine}: {quiet:?}");
        assert_eq!(quiet.stdout, expected, "{engine}");
        assert_eq!(quiet.stderr, "", "{engine}");
    }

    // A `fast32 compile` executable applies the same policy (options come
    // from FAST32_* variables there).
    let exe = compile(&prog);
    let r = run_exe(&work, &exe, &[("FAST32_TRACE_HOST", "1")], &args);
    assert_eq!(r.code, denied.len() as i32, "compiled: {r:?}");
    assert_eq!(r.stdout, expected, "compiled");
    assert_eq!(
        r.stderr.lines().count(),
        denied.len(),
        "compiled: {}",
        r.stderr
    );
    assert!(!root.join("outside/planted.txt").exists());
    let dirs = format!(
        "{}::/data;{}",
        root.join("granted").display(),
        root.join("outside").display()
    );
    let r = run_exe(
        &work,
        &exe,
        &[("FAST32_DIRS", &dirs)],
        &["r/data/data.txt", "rlink", "s"],
    );
    assert_eq!(
        r.stdout,
        format!("r/data/data.txt: ok GRANTED\nrlink: ok TOPSECRET\ns: error {EACCES}\n"),
        "compiled, with FAST32_DIRS: {r:?}"
    );
}

#[test]
fn grants_open_exactly_what_they_name_on_any_engine() {
    let t = Scratch::new("policy-grants");
    let root = t.path();
    layout(root);
    let prog = assemble(root, "policy_probe", PROBE, true);
    let work = root.join("work");
    let granted = format!("{}::/data", root.join("granted").display());
    let outside = root.join("outside").display().to_string();
    let secret_abs = format!("r{outside}/secret.txt");
    let args = [
        "r/data/data.txt",        // --dir HOST::GUEST maps the guest path
        secret_abs.as_str(),      // --dir HOST grants the tree under its own name
        "rlink",                  // a symlink into a granted tree
        "r../outside/secret.txt", // `..` into a granted tree
        "s",                      // --allow-net
    ];
    for engine in ENGINES {
        let r = run_in(
            &work,
            engine,
            &[
                "--trace-host",
                "--allow-net",
                "--dir",
                &granted,
                "--dir",
                &outside,
            ],
            &prog,
            &args,
        );
        assert_eq!(r.code, 0, "{engine}: {r:?}");
        assert_eq!(r.stderr, "", "{engine}");
        let lines: Vec<&str> = r.stdout.lines().collect();
        assert_eq!(
            &lines[..4],
            &[
                "r/data/data.txt: ok GRANTED",
                &format!("{secret_abs}: ok TOPSECRET"),
                "rlink: ok TOPSECRET",
                "r../outside/secret.txt: ok TOPSECRET",
            ],
            "{engine}"
        );
        assert!(lines[4].starts_with("s: ok "), "{engine}: {}", lines[4]);
        assert_eq!(lines.len(), 5, "{engine}: {}", r.stdout);

        // A read-write grant lets the guest create files there.
        let w = run_in(
            &work,
            engine,
            &["--dir", &outside],
            &prog,
            &["w../outside/planted.txt"],
        );
        assert_eq!(w.code, 0, "{engine}: {w:?}");
        assert_eq!(w.stdout, "w../outside/planted.txt: ok wrote\n");
        assert_eq!(
            std::fs::read_to_string(root.join("outside/planted.txt")).unwrap(),
            "PWNED"
        );
        std::fs::remove_file(root.join("outside/planted.txt")).unwrap();
    }
}

#[test]
fn paths_named_on_the_command_line_are_granted_alone() {
    let t = Scratch::new("policy-args");
    let root = t.path();
    layout(root);
    std::fs::write(root.join("outside/sibling.txt"), "SIBLING").unwrap();
    let prog = assemble(root, "policy_probe", PROBE, true);
    let work = root.join("work");
    let secret = root.join("outside/secret.txt").display().to_string();
    let sibling = format!("r{}", root.join("outside/sibling.txt").display());
    for engine in ENGINES {
        let r = run_in(
            &work,
            engine,
            &["--trace-host"],
            &prog,
            &[&secret, &sibling],
        );
        assert_eq!(r.code, 1, "{engine}: {r:?}");
        assert_eq!(
            r.stdout,
            format!("{secret}: ok TOPSECRET\n{sibling}: error {EACCES}\n"),
            "{engine}"
        );
        assert_eq!(r.stderr.lines().count(), 1, "{engine}: {}", r.stderr);
    }
}

#[test]
fn the_guest_sees_only_the_environment_it_is_given() {
    let t = Scratch::new("policy-env");
    let root = t.path();
    let prog = assemble(root, "policy_probe", PROBE, true);
    const EINVAL: u32 = 22; // GETENV of an unset variable (as the reference host)
    let run = |engine: &str, opts: &[&str]| {
        let o = std::process::Command::new(common::FAST32)
            .current_dir(root)
            .env("FAST32_TEST_SECRET", "s3cret")
            .env("FAST32_TEST_OTHER", "other")
            .args(["run", "--engine", engine])
            .args(opts)
            .arg(&prog)
            .args(["eFAST32_TEST_SECRET", "eFAST32_TEST_OTHER"])
            .output()
            .unwrap();
        common::Run::from_output(o)
    };
    for engine in ENGINES {
        let r = run(engine, &[]);
        assert_eq!(
            r.stdout,
            format!("eFAST32_TEST_SECRET: error {EINVAL}\neFAST32_TEST_OTHER: error {EINVAL}\n"),
            "{engine}: by default the guest sees no variables"
        );
        let r = run(engine, &["--env", "FAST32_TEST_OTHER"]);
        assert_eq!(
            r.stdout,
            format!("eFAST32_TEST_SECRET: error {EINVAL}\neFAST32_TEST_OTHER: ok other\n"),
            "{engine}: --env NAME passes that variable alone"
        );
        let r = run(engine, &["--env", "FAST32_TEST_SECRET=given"]);
        assert_eq!(
            r.stdout,
            format!("eFAST32_TEST_SECRET: ok given\neFAST32_TEST_OTHER: error {EINVAL}\n"),
            "{engine}: --env NAME=VALUE sets it"
        );
        let r = run(engine, &["--inherit-env", "--env", "FAST32_TEST_SECRET=x"]);
        assert_eq!(
            r.stdout, "eFAST32_TEST_SECRET: ok x\neFAST32_TEST_OTHER: ok other\n",
            "{engine}: --inherit-env passes everything, --env overrides"
        );
    }
}

const EXECER: &str = include_str!("guests/execer.s");

/// The policy layout plus `execer.s32x` and `probe.s32x` inside the
/// working directory (a guest can only EXEC programs it can reach).
fn exec_layout(root: &Path) -> std::path::PathBuf {
    layout(root);
    let work = root.join("work");
    let execer = assemble(root, "execer", EXECER, true);
    let probe = assemble(root, "policy_probe", PROBE, true);
    std::fs::copy(&probe, work.join("probe.s32x")).unwrap();
    std::fs::copy(&execer, work.join("execer.s32x")).unwrap();
    work
}

#[test]
fn exec_children_run_under_the_parent_policy() {
    let t = Scratch::new("policy-exec");
    let work = exec_layout(t.path());
    for engine in ENGINES {
        let r = run_in(
            &work,
            engine,
            &[],
            &work.join("execer.s32x"),
            &["probe.s32x", "rinside.txt", "r../outside/secret.txt", "s"],
        );
        // The child's status (two refusals) comes back through EXEC.
        assert_eq!(r.code, 2, "{engine}: {r:?}");
        assert_eq!(
            r.stdout,
            format!(
                "rinside.txt: ok INSIDE\nr../outside/secret.txt: error {EACCES}\ns: error {EACCES}\n"
            ),
            "{engine}"
        );
    }
}

/// A guest must not widen its child's grants through the child's command
/// line: the CLI's EXEC callback hands the child its parent's policy as
/// is (`--exec-policy`), grants none of the child's arguments (they came
/// from the guest) and puts them after `--`, so `--dir ..` and
/// `--allow-net` reach the child program as plain arguments. The child's
/// output shows it ran and saw each argument refused. (execer drops a
/// leading '+', so the parent's own command line names no real path.)
#[test]
fn exec_arguments_cannot_widen_the_child_grants() {
    let t = Scratch::new("policy-exec-escape");
    let work = exec_layout(t.path());
    let e = EACCES;
    let attempts: [(&[&str], i32, String); 3] = [
        (
            &["probe.s32x", "+../outside/secret.txt"],
            1,
            format!("../outside/secret.txt: error {e}\n"),
        ),
        (
            &["probe.s32x", "+--dir", "+..", "r../outside/secret.txt"],
            3,
            format!("--dir: error {e}\n..: error {e}\nr../outside/secret.txt: error {e}\n"),
        ),
        (
            &["probe.s32x", "+--allow-net", "s"],
            2,
            format!("--allow-net: error {e}\ns: error {e}\n"),
        ),
    ];
    for engine in ENGINES {
        for (args, code, expected) in &attempts {
            let r = run_in(&work, engine, &[], &work.join("execer.s32x"), args);
            assert_eq!(r.stdout, *expected, "{engine} {args:?}: {r:?}");
            assert_eq!(r.code, *code, "{engine} {args:?}: {r:?}");
        }
    }
}

/// The same rules for EXEC from a `fast32 compile` executable: the child
/// (the executable again, running the child program on the JIT) gets
/// exactly the parent's grants and none of its arguments; options are
/// never read from arguments there anyway.
#[test]
fn exec_from_a_compiled_executable_is_equally_confined() {
    let t = Scratch::new("policy-exec-compiled");
    let root = t.path().to_path_buf();
    let work = exec_layout(&root);
    let exe = compile(&work.join("execer.s32x"));
    let e = EACCES;
    // (execer's arguments, its environment, exit status, stdout)
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], i32, String);
    let cases: [Case; 4] = [
        (
            &["probe.s32x", "+../outside/secret.txt", "rinside.txt"],
            &[],
            1,
            format!("../outside/secret.txt: error {e}\nrinside.txt: ok INSIDE\n"),
        ),
        (
            &["probe.s32x", "+--dir", "+..", "r../outside/secret.txt", "s"],
            &[],
            4,
            format!("--dir: error {e}\n..: error {e}\nr../outside/secret.txt: error {e}\ns: error {e}\n"),
        ),
        // A file named on the parent's command line is the parent's, so
        // the child's too.
        (
            &["probe.s32x", "../outside/secret.txt"],
            &[],
            0,
            "../outside/secret.txt: ok TOPSECRET\n".to_string(),
        ),
        // FAST32_DIRS reaches the child as the parent's grant; the child
        // does not read FAST32_DIRS itself (the variable is still set).
        (
            &["probe.s32x", "r/data/data.txt", "r../outside/secret.txt"],
            &[("FAST32_DIRS", "GRANTED_DIR")],
            1,
            format!("r/data/data.txt: ok GRANTED\nr../outside/secret.txt: error {e}\n"),
        ),
    ];
    let granted = format!("{}::/data", root.join("granted").display());
    for (args, env, code, expected) in &cases {
        let env: Vec<(&str, &str)> = env
            .iter()
            .map(|&(k, v)| {
                (
                    k,
                    if v == "GRANTED_DIR" {
                        granted.as_str()
                    } else {
                        v
                    },
                )
            })
            .collect();
        let r = run_exe(&work, &exe, &env, args);
        assert_eq!(r.stdout, *expected, "compiled {args:?}: {r:?}");
        assert_eq!(r.code, *code, "compiled {args:?}: {r:?}");
    }
}

/// The other side of the same rule: the child gets all of its parent's
/// grants (a --dir, --allow-net, a file the user named on the parent's
/// command line), and they still stop where the parent's stop.
#[test]
fn exec_children_inherit_exactly_the_parent_grants() {
    let t = Scratch::new("policy-exec-inherit");
    let root = t.path().to_path_buf();
    let work = exec_layout(&root);
    std::fs::write(root.join("outside/sibling.txt"), "SIBLING").unwrap();
    let granted = format!("{}::/data", root.join("granted").display());
    for engine in ENGINES {
        // The parent's command line names secret.txt: the parent may read
        // it, so its child may too; its sibling stays out of reach.
        let r = run_in(
            &work,
            engine,
            &["--allow-net", "--dir", &granted],
            &work.join("execer.s32x"),
            &[
                "probe.s32x",
                "../outside/secret.txt",
                "r../outside/sibling.txt",
                "r/data/data.txt",
                "s",
            ],
        );
        let lines: Vec<&str> = r.stdout.lines().collect();
        assert_eq!(r.code, 1, "{engine}: {r:?}");
        assert_eq!(lines.len(), 4, "{engine}: {r:?}");
        assert_eq!(lines[0], "../outside/secret.txt: ok TOPSECRET", "{engine}");
        assert_eq!(
            lines[1],
            format!("r../outside/sibling.txt: error {EACCES}"),
            "{engine}"
        );
        assert_eq!(lines[2], "r/data/data.txt: ok GRANTED", "{engine}");
        assert!(lines[3].starts_with("s: ok "), "{engine}: {}", lines[3]);
        // --trace-host is passed on: the child's refusal is reported.
        let traced = run_in(
            &work,
            engine,
            &["--trace-host"],
            &work.join("execer.s32x"),
            &["probe.s32x", "r../outside/secret.txt"],
        );
        assert_eq!(traced.code, 1, "{engine}: {traced:?}");
        assert_eq!(traced.stderr.lines().count(), 1, "{engine}: {traced:?}");
        assert!(
            traced.stderr.starts_with("fast32: denied "),
            "{engine}: {traced:?}"
        );
    }
}

/// Prints its argv[0].
const SHOW_ARGV0: &str = "
        .text
        .globl main
main:
        addi    sp, sp, -4
        stw     sp+0, lr
        ldw     a0, a1+0
        call    print_str
        li      a0, 10
        call    print_char
        li      rv, 0
        ldw     lr, sp+0
        addi    sp, sp, 4
        ret
";

/// An EXEC child's argv[0] is the program as the guest named it: under
/// `--dir HOST::GUEST` the host path is not the guest's to learn.
#[test]
fn exec_children_see_the_guest_path_not_the_host_one() {
    let t = Scratch::new("policy-exec-argv0");
    let root = t.path().to_path_buf();
    let work = exec_layout(&root);
    let show = assemble(&root, "argv0", SHOW_ARGV0, true);
    std::fs::copy(&show, root.join("granted/argv0.s32x")).unwrap();
    let granted = format!("{}::/data", root.join("granted").display());
    for engine in ENGINES {
        let r = run_in(
            &work,
            engine,
            &["--dir", &granted],
            &work.join("execer.s32x"),
            &["/data/argv0.s32x"],
        );
        assert_eq!(r.stdout, "/data/argv0.s32x\n", "{engine}: {r:?}");
        assert_eq!(r.code, 0, "{engine}: {r:?}");
    }
    let exe = compile(&work.join("execer.s32x"));
    let r = run_exe(
        &work,
        &exe,
        &[("FAST32_DIRS", &granted)],
        &["/data/argv0.s32x"],
    );
    assert_eq!(r.stdout, "/data/argv0.s32x\n", "compiled: {r:?}");
    assert_eq!(r.code, 0, "compiled: {r:?}");
}
