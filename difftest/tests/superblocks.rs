//! Superblocks: hot blocks re-translated along their biased path stay
//! exactly equal to the interpreter when a side exit is taken, when a
//! fault happens in a later part of the path, and when the instruction
//! limit falls inside one.

use fast32_difftest::{compare, test_host, Engine};
use fast32_isa::s32x::Image;
use fast32_jit::{Jit, JitOptions};
use fast32_runtime::{Machine, RunOutcome, TrapKind};

fn program(name: &str) -> Image {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/programs")
        .join(name);
    let source = std::fs::read_to_string(&path).unwrap();
    fast32_asm::assemble(&source, &path.display().to_string()).unwrap()
}

/// Runs on the default JIT policy with counting; returns the JIT too.
fn run_jit(img: &Image, limit: u64) -> (Jit, Machine, RunOutcome) {
    let (cfg, _) = test_host(b"");
    let mut m = Machine::new(img, cfg).unwrap();
    m.cpu.insn_limit = limit;
    let opts = JitOptions {
        counting: true,
        ..JitOptions::default()
    };
    let mut jit = Jit::new(&m, opts).unwrap();
    let o = jit.run(&mut m);
    (jit, m, o)
}

const ENGINES: [Engine; 5] = [
    Engine::Interp,
    Engine::Jit,
    Engine::JitCounting,
    Engine::JitEagerSuperblocks,
    Engine::JitProfiling,
];

#[test]
fn biased_loop_becomes_superblocks_that_take_their_side_exits() {
    let img = program("superblock_side_exit.s");
    compare(&img, &ENGINES, b"", u64::MAX).unwrap();
    let (jit, _, o) = run_jit(&img, u64::MAX);
    assert_eq!(o, RunOutcome::Exit(0));
    assert!(jit.stats.superblocks >= 1, "{:?}", jit.stats);
    // The loop head's superblock goes through the call (0x1c → f at 0x4c
    // and back) on the hot side of `blt` at 0x10.
    let path = jit.path_of(0x10).expect("the loop head is a superblock");
    assert!(path.len() >= 2, "{path:?}");
    assert_eq!(path[1].0, 0x1c, "{path:?}");
}

#[test]
fn fault_in_a_later_part_of_a_superblock_reports_its_pc() {
    let img = program("superblock_fault.s");
    compare(&img, &ENGINES, b"", u64::MAX).unwrap();
    let (jit, m, o) = run_jit(&img, u64::MAX);
    let RunOutcome::Trap(t) = o else {
        panic!("{o:?}")
    };
    assert_eq!(
        (t.kind, t.pc, t.addr),
        (TrapKind::LoadFault, 0x3c, 0x4fff_ff80)
    );
    // The faulting load sits in the third plain block of the loop's
    // superblock (loop → body → more).
    let path = jit
        .path_of(0x18)
        .unwrap_or_else(|| panic!("{:?}", jit.superblock_paths()));
    assert!(
        path.len() == 3 && (path[2].0..path[2].0 + 4 * path[2].1).contains(&0x3c),
        "{path:?}"
    );
    // Counting engines agreed with the interpreter above; this run too.
    let oracle = fast32_difftest::run(&img, Engine::Interp, b"", u64::MAX);
    assert_eq!(m.cpu.instret, oracle.instret);
}

#[test]
fn instruction_limit_inside_superblocks_is_exact() {
    let img = program("superblock_side_exit.s");
    let engines = [
        Engine::Interp,
        Engine::JitCounting,
        Engine::JitEagerSuperblocks,
    ];
    // Early limits (blocks still counting), limits well after the
    // superblocks formed, and around the iteration where the side exits
    // start being taken.
    let limits = (1..300u64)
        .chain((5000..5200).step_by(3))
        .chain((18_950..19_120).step_by(7));
    for limit in limits {
        compare(&img, &engines, b"", limit).unwrap_or_else(|e| panic!("limit {limit}: {e}"));
    }
    let (jit, m, o) = run_jit(&img, 19_001);
    assert!(jit.stats.superblocks >= 1);
    assert_eq!(m.cpu.instret, 19_001);
    assert!(matches!(o, RunOutcome::Trap(t) if t.kind == TrapKind::InstructionLimit));
}
