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

#[test]
fn profile_records_superblock_shapes_and_prewarm_translates_them_up_front() {
    let img = program("superblock_side_exit.s");
    let (cfg, _) = test_host(b"");
    let mut pm = Machine::new(&img, cfg).unwrap();
    let (po, profile) = fast32_profiler::profile_run(&mut pm).unwrap();
    assert_eq!(po, RunOutcome::Exit(0));
    let multi: Vec<_> = profile
        .shapes
        .iter()
        .filter(|s| s.blocks.len() > 1)
        .collect();
    assert!(!multi.is_empty(), "{:?}", profile.shapes);
    // Every block of a shape ran (the profile counted it).
    for s in &profile.shapes {
        assert_eq!(s.entry, s.blocks[0].0);
        for &(pc, _) in &s.blocks {
            assert!(profile.block_count(pc) > 0, "0x{pc:x} in {s:?}");
        }
    }

    let (cfg, _) = test_host(b"");
    let mut m = Machine::new(&img, cfg).unwrap();
    let mut jit = Jit::new(&m, JitOptions::default()).unwrap();
    let paths = fast32_profiler::prewarm_paths(&profile);
    let blocks = fast32_profiler::prewarm_blocks(&profile);
    let n = jit.prewarm(&mut m, &paths, &blocks);
    let rare = fast32_profiler::interpret_first_blocks(&profile);
    jit.interpret_first(&rare);
    assert_eq!(n as u64, jit.stats.blocks_translated);
    let before = jit.stats;
    let o = jit.run(&mut m);
    assert_eq!(o, RunOutcome::Exit(0));
    // Same input: nothing left to translate (the rarely run blocks ran on
    // the interpreter, as often as the profile saw), no block became hot,
    // and every exit between pre-warmed code was linked up front.
    assert_eq!(jit.stats.blocks_translated, before.blocks_translated);
    // (A rare block also run inside a superblock is counted there too.)
    let rare_runs: u64 = rare.iter().map(|&(pc, _)| profile.block_count(pc)).sum();
    assert!(!rare.is_empty());
    assert!(jit.stats.blocks_interpreted > 0);
    assert!(jit.stats.blocks_interpreted <= rare_runs);
    assert_eq!(jit.stats.exits_linked, 0);
    assert!(before.exits_prelinked > 0);
    let chosen: Vec<Vec<(u32, u32)>> = profile.shapes.iter().map(|s| s.blocks.clone()).collect();
    let mut now = jit.superblock_paths();
    now.sort();
    let mut want = chosen;
    want.sort();
    assert_eq!(now, want);
    let oracle = fast32_difftest::run(&img, Engine::Interp, b"", u64::MAX);
    assert_eq!(m.cpu.regs, oracle.regs);
}

#[test]
fn prewarm_with_paths_that_do_not_fit_the_program_stays_correct() {
    // A stale or hand-made profile: paths whose blocks do not follow each
    // other are cut where they stop fitting; entries outside the code are
    // skipped.
    let img = program("superblock_side_exit.s");
    let (cfg, _) = test_host(b"");
    let mut m = Machine::new(&img, cfg).unwrap();
    let mut jit = Jit::new(&m, JitOptions::default()).unwrap();
    let paths = vec![
        vec![0x10, 0x4c, 0x24],
        vec![0x24, 0x30, 0x10, 0x1c],
        vec![0x1c, 0x4c],
        vec![0x00ff_fff0],
        vec![],
    ];
    jit.prewarm(&mut m, &paths, &[0x30, 0x14, 0x7fff_0000]);
    let o = jit.run(&mut m);
    let oracle = fast32_difftest::run(&img, Engine::Interp, b"", u64::MAX);
    assert_eq!(o, oracle.outcome);
    assert_eq!(m.cpu.regs, oracle.regs);
}

#[test]
fn blocks_left_to_the_interpreter_first_are_translated_when_used_up() {
    // Every block of the program gets two interpreted runs first (as if a
    // profile had seen each run twice), under limits that fall inside
    // interpreted and translated blocks alike: same registers, PC, count
    // and trap as the interpreter.
    let img = program("superblock_side_exit.s");
    let (cfg, _) = test_host(b"");
    let mut pm = Machine::new(&img, cfg).unwrap();
    let (_, profile) = fast32_profiler::profile_run(&mut pm).unwrap();
    let all: Vec<(u32, u32)> = profile.blocks.iter().map(|b| (b.pc, 2)).collect();
    for limit in (1..200u64).chain([5_001, 19_001, u64::MAX]) {
        let (cfg, _) = test_host(b"");
        let mut m = Machine::new(&img, cfg).unwrap();
        m.cpu.insn_limit = limit;
        let opts = JitOptions {
            counting: true,
            ..JitOptions::default()
        };
        let mut jit = Jit::new(&m, opts).unwrap();
        jit.interpret_first(&all);
        let o = jit.run(&mut m);
        let oracle = fast32_difftest::run(&img, Engine::Interp, b"", limit);
        assert_eq!(m.cpu.regs, oracle.regs, "limit {limit}");
        assert_eq!(m.cpu.instret, oracle.instret, "limit {limit}");
        assert_eq!(m.cpu.pc, oracle.pc, "limit {limit}");
        assert_eq!(
            format!("{o:?}"),
            format!("{:?}", oracle.outcome),
            "limit {limit}"
        );
        assert!(jit.stats.blocks_interpreted > 0);
        if limit == u64::MAX {
            assert_eq!(o, RunOutcome::Exit(0));
            // Two runs each, then translated: the loop's blocks ran far
            // more often than that.
            assert!(jit.stats.blocks_interpreted <= 2 * all.len() as u64);
            assert!(jit.stats.blocks_translated > 0);
        }
    }
}
