//! Profiles count exactly what the program did.

use fast32_difftest::test_host;
use fast32_runtime::{Machine, RunOutcome};

const PROGRAM: &str = r#"
    .text
    .global _start
_start:
    li r5, 100
    li r6, 0
loop:
    addi r6, r6, 1
    andi r7, r6, 1
    slli r7, r7, 2
    la r8, table
    add r8, r8, r7
    ldw r8, r8+0
    jalr r0, r8, 0
even:
    jal r31, f
    j next
odd:
    jal r31, f
next:
    addi r5, r5, -1
    bne r5, r0, loop
    li r1, 0
    halt
f:
    ret
    .rodata
table:
    .word even, odd
"#;

#[test]
fn loop_branch_and_indirect_counts() {
    let img = fast32_asm::assemble(PROGRAM, "t.s").unwrap();
    let (cfg, _) = test_host(b"");
    let mut m = Machine::new(&img, cfg).unwrap();
    let (outcome, p) = fast32_profiler::profile_run(&mut m).unwrap();
    assert_eq!(outcome, RunOutcome::Exit(0));
    let sym = |n: &str| img.symbol_by_name(n).unwrap().value;
    // The first iteration runs inside the entry block (it falls through
    // into `loop`); the back edge enters the `loop` block 99 times.
    assert_eq!(p.block_count(sym("loop")), 99);
    assert_eq!(p.block_count(sym("f")), 100);
    let bne = p
        .branches
        .iter()
        .find(|b| b.taken + b.not_taken == 100)
        .unwrap();
    assert_eq!((bne.taken, bne.not_taken), (99, 1));
    // The jump table goes 50/50 to odd and even.
    let jt = p
        .indirect
        .iter()
        .find(|i| !i.links && i.targets.len() == 2)
        .unwrap();
    assert_eq!(
        jt.targets.iter().map(|t| t.1).collect::<Vec<_>>(),
        vec![50, 50]
    );
    // Returns from f land after the two call sites, 50 times each.
    let calls: Vec<u64> = p.calls.iter().map(|c| c.returns).collect();
    assert_eq!(calls, vec![50, 50]);
    // Profiled instruction total equals the interpreter's count.
    let (cfg, _) = test_host(b"");
    let mut m2 = Machine::new(&img, cfg).unwrap();
    fast32_runtime::Interpreter::new(&m2).run(&mut m2);
    assert_eq!(p.instructions, m2.cpu.instret);
}

/// A limit on the machine stops a profiling run too (a runaway loop must
/// not make `fast32 profile --max-instructions` or a PGO training run hang).
#[test]
fn profiling_run_honours_the_instruction_limit() {
    let img = fast32_asm::assemble(
        ".text\n.global _start\n_start:\n    addi r5, r0, 0\nspin:\n    addi r5, r5, 1\n    j spin\n",
        "spin.s",
    )
    .unwrap();
    let (cfg, _) = test_host(b"");
    let mut m = Machine::new(&img, cfg).unwrap();
    m.cpu.insn_limit = 1001;
    let (outcome, p) = fast32_profiler::profile_run(&mut m).unwrap();
    match outcome {
        RunOutcome::Trap(t) => assert_eq!(t.kind, fast32_runtime::TrapKind::InstructionLimit),
        o => panic!("{o:?}"),
    }
    assert_eq!(m.cpu.instret, 1001);
    assert!(p.instructions <= 1001);
}

/// Later blocks of a superblock do not count their own entries (they are
/// derived from the block before them): the counts must equal those of a
/// run without superblocks, and the instruction total the interpreter's.
#[test]
fn superblock_paths_count_like_plain_blocks() {
    use fast32_jit::{Jit, JitOptions, Superblocks};
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/programs/superblock_side_exit.s");
    let source = std::fs::read_to_string(&path).unwrap();
    let img = fast32_asm::assemble(&source, "superblock_side_exit.s").unwrap();
    let profile = |superblocks| {
        let (cfg, _) = test_host(b"");
        let mut m = Machine::new(&img, cfg).unwrap();
        let opts = JitOptions {
            profiling: true,
            superblocks,
            ..JitOptions::default()
        };
        let mut jit = Jit::new(&m, opts).unwrap();
        assert_eq!(jit.run(&mut m), RunOutcome::Exit(0));
        let p = fast32_profiler::to_profile(&jit.profile_data(), &jit.superblock_paths(), |pc| {
            m.mem.fetch(pc).ok()
        });
        (p, jit.stats.superblocks)
    };
    let (plain, _) = profile(Superblocks::Off);
    for policy in [Superblocks::On, Superblocks::Eager] {
        let (p, superblocks) = profile(policy);
        assert!(superblocks > 0, "{policy:?}");
        assert_eq!(p.blocks, plain.blocks, "{policy:?}");
        assert_eq!(p.branches, plain.branches, "{policy:?}");
        assert_eq!(p.instructions, plain.instructions, "{policy:?}");
    }
    let (cfg, _) = test_host(b"");
    let mut m = Machine::new(&img, cfg).unwrap();
    fast32_runtime::Interpreter::new(&m).run(&mut m);
    assert_eq!(plain.instructions, m.cpu.instret);
}
