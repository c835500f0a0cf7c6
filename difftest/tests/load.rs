//! Load: many short guest runs, two at a time, leak no memory, file
//! descriptors, mappings or address-space reservations. Each run uses
//! host services (a file it opens and never closes, stdin, stdout, EXIT),
//! so the host's cleanup is exercised too. The figures are printed on
//! stderr (`cargo test --release -p fast32-difftest --test load --
//! --nocapture`).

use fast32_jit::{Jit, JitOptions};
use fast32_runtime::host::AccessPolicy;
use fast32_runtime::{Interpreter, Machine, RunOutcome};
use std::path::Path;
use std::time::Instant;

/// Interpreter and JIT runs (alternating, on two threads).
const RUNS: usize = 1000;
/// AOT runs (each compiles the program with Cranelift in memory first:
/// about 5 ms per instance here).
const AOT_RUNS: usize = 1000;

/// Opens `load.txt` and leaves it open, echoes its first bytes and then
/// stdin to stdout, exits 7 through the EXIT service.
const GUEST: &str = "
        .text
        .globl main
main:
        addi    sp, sp, -40
        stw     sp+0, lr
        stw     sp+4, s0
        la      a0, name
        li      a1, 1
        call    open
        mv      s0, rv
        mv      a0, s0
        addi    a1, sp, 8
        li      a2, 16
        call    read
        li      a0, 1
        addi    a1, sp, 8
        mv      a2, rv
        call    write
        li      a0, 0
        addi    a1, sp, 8
        li      a2, 16
        call    read
        li      a0, 1
        addi    a1, sp, 8
        mv      a2, rv
        call    write
        li      rv, 7
        ldw     lr, sp+0
        ldw     s0, sp+4
        addi    sp, sp, 40
        ret
        .rodata
name:
        .asciz  \"load.txt\"
";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Interp,
    Jit,
    Aot,
}

/// One run with its own host, policy (only `dir`, read-only) and output.
fn run_once(img: &fast32_isa::s32x::Image, dir: &Path, kind: Kind, i: usize) {
    let stdin = format!("in{i}");
    let (mut cfg, out) = fast32_difftest::test_host(stdin.as_bytes());
    let mut policy = AccessPolicy::deny_all();
    policy.cwd = Some(dir.to_path_buf());
    policy.grant_dir(dir, dir, true).unwrap();
    cfg.policy = policy;
    let mut m = Machine::new(img, cfg).unwrap();
    let outcome = match kind {
        Kind::Interp => Interpreter::new(&m).run(&mut m),
        Kind::Jit => Jit::new(&m, JitOptions::default()).unwrap().run(&mut m),
        Kind::Aot => fast32_aot::Aot::compile(img, &fast32_aot::AotOptions::default())
            .unwrap()
            .run(&mut m),
    };
    assert_eq!(outcome, RunOutcome::Exit(7), "{kind:?} run {i}");
    // The guest's open file is the host's to close.
    assert_eq!(m.host.open_host_resources(), 1, "{kind:?} run {i}");
    m.host.flush();
    drop(m);
    let got = out.lock().unwrap().clone();
    assert_eq!(
        got,
        format!("LOADDATA{stdin}").as_bytes(),
        "{kind:?} run {i}"
    );
}

fn count(path: &str) -> usize {
    std::fs::read_dir(path).map(|d| d.count()).unwrap_or(0)
}

fn maps() -> usize {
    std::fs::read_to_string("/proc/self/maps")
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

fn vm_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

struct Snapshot {
    fds: usize,
    maps: usize,
    vm_kib: u64,
    rss_kib: u64,
}

fn snapshot() -> Snapshot {
    Snapshot {
        fds: count("/proc/self/fd"),
        maps: maps(),
        vm_kib: vm_kib("VmSize:"),
        rss_kib: vm_kib("VmRSS:"),
    }
}

/// Runs instances 0..n on two threads.
fn two_at_a_time(img: &fast32_isa::s32x::Image, dir: &Path, n: usize, pick: fn(usize) -> Kind) {
    std::thread::scope(|s| {
        for th in 0..2 {
            s.spawn(move || {
                for i in (th..n).step_by(2) {
                    run_once(img, dir, pick(i), i);
                }
            });
        }
    });
}

/// Runs `n` instances, two at a time, with the engines `pick` chooses;
/// reports and checks what they left behind.
fn phase(
    label: &str,
    img: &fast32_isa::s32x::Image,
    dir: &Path,
    n: usize,
    pick: fn(usize) -> Kind,
) {
    // Warm up allocators (one malloc arena per worker thread), cached
    // thread stacks and lazily created state the same way first.
    two_at_a_time(img, dir, 4, pick);
    let before = snapshot();
    let t = Instant::now();
    two_at_a_time(img, dir, n, pick);
    let secs = t.elapsed().as_secs_f64();
    let after = snapshot();
    eprintln!(
        "load {label}: {n} instances (2 at a time) in {secs:.2} s; fds {} -> {}, mappings {} -> {}, \
         VmSize {} -> {} KiB, VmRSS {} -> {} KiB, peak RSS (VmHWM) {} KiB",
        before.fds,
        after.fds,
        before.maps,
        after.maps,
        before.vm_kib,
        after.vm_kib,
        before.rss_kib,
        after.rss_kib,
        vm_kib("VmHWM:")
    );
    assert_eq!(before.fds, after.fds, "{label}: file descriptors leaked");
    // One leaked machine would leave a 4 GiB reservation and a 256 MiB
    // code area behind; the warm-up already created the worker threads'
    // malloc arenas.
    assert!(
        after.maps <= before.maps + 4,
        "{label}: mappings leaked: {} -> {}",
        before.maps,
        after.maps
    );
    assert!(
        after.vm_kib <= before.vm_kib + 256 * 1024,
        "{label}: address space leaked: {} -> {} KiB",
        before.vm_kib,
        after.vm_kib
    );
    // Resident memory: a leak of even 100 KiB per instance would show.
    assert!(
        after.rss_kib <= before.rss_kib + 64 * 1024,
        "{label}: resident memory grew: {} -> {} KiB",
        before.rss_kib,
        after.rss_kib
    );
}

#[test]
fn many_runs_leak_nothing() {
    // glibc creates another malloc arena (64 MiB, new mappings) whenever
    // threads contend for one, so on a busy machine the mapping count
    // moved with the scheduler, not with leaks. Three arenas (main + the
    // two workers, all created by the first warm-up) make it depend on
    // what the runs leave behind only.
    // SAFETY: mallopt only tunes the allocator; nothing else runs yet.
    unsafe { libc::mallopt(libc::M_ARENA_MAX, 3) };
    let src = format!(
        "{GUEST}\n{}",
        include_str!("../../bench-data/programs/rt.s")
    );
    let img = fast32_asm::assemble(&src, "load.s").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("load.txt"), "LOADDATA").unwrap();
    let dir = std::fs::canonicalize(dir.path()).unwrap();
    phase("interp+jit", &img, &dir, RUNS, |i| {
        if i % 2 == 0 {
            Kind::Jit
        } else {
            Kind::Interp
        }
    });
    phase("aot", &img, &dir, AOT_RUNS, |_| Kind::Aot);
}
