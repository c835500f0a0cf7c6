//! Many short guest runs leak no memory mappings, file descriptors or
//! address-space reservations.

use fast32_difftest::{run, Engine};

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

#[test]
fn a_thousand_runs_leak_nothing() {
    let src = "
        .text
        .global _start
    _start:
        li r5, 1000
    loop:
        addi r5, r5, -1
        bne r5, r0, loop
        li r1, 7
        halt
    ";
    let img = fast32_asm::assemble(src, "load.s").unwrap();
    // Warm up allocators and lazily created state once.
    run(&img, Engine::Jit, b"", u64::MAX);
    run(&img, Engine::Interp, b"", u64::MAX);
    let (fds0, maps0, vm0) = (count("/proc/self/fd"), maps(), vm_kib("VmSize:"));
    let threads: Vec<_> = (0..2)
        .map(|t| {
            let img = img.clone();
            std::thread::spawn(move || {
                for i in 0..500 {
                    let e = if (i + t) % 2 == 0 {
                        Engine::Jit
                    } else {
                        Engine::Interp
                    };
                    let o = run(&img, e, b"", u64::MAX);
                    assert_eq!(o.outcome, fast32_runtime::RunOutcome::Exit(7));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let (fds1, maps1, vm1) = (count("/proc/self/fd"), maps(), vm_kib("VmSize:"));
    println!(
        "1000 runs: fds {fds0} -> {fds1}, mappings {maps0} -> {maps1}, VmSize {vm0} -> {vm1} KiB, VmHWM {} KiB",
        vm_kib("VmHWM:")
    );
    assert_eq!(fds0, fds1, "file descriptors leaked");
    // The two worker threads leave malloc arenas (64 MiB of address space
    // each) and cached stacks behind; one leaked machine would leave a
    // 4 GiB reservation and a 256 MiB code area.
    assert!(maps1 <= maps0 + 8, "mappings leaked: {maps0} -> {maps1}");
    assert!(
        vm1 <= vm0 + 256 * 1024,
        "address space leaked: {vm0} -> {vm1} KiB"
    );
}
