//! Random programs agree on every engine (a bounded run for CI; the
//! cargo-fuzz target `diff_exec` runs the same check for longer).

use fast32_difftest::{compare, gen, lockstep, Engine};
use fast32_runtime::{RunOutcome, TrapKind};
use proptest::prelude::*;

const LIMIT: u64 = 2_000_000;

fn check(seed: u64, size: u32) -> Result<(), TestCaseError> {
    let img = gen::program(&mut gen::Source::from_seed(seed), size);
    compare(&img, &Engine::ALL, b"", u64::MAX)
        .map_err(|e| TestCaseError::fail(format!("seed {seed}: {e}")))?;
    // The instruction limit must stop every engine at the same place.
    compare(
        &img,
        &[
            Engine::Interp,
            Engine::JitCounting,
            Engine::JitEagerSuperblocks,
        ],
        b"",
        500,
    )
    .map_err(|e| TestCaseError::fail(format!("seed {seed} (limit 500): {e}")))?;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_programs_agree(seed in any::<u64>(), size in 5u32..120) {
        check(seed, size)?;
    }
}

#[test]
fn lockstep_finds_no_divergence() {
    for seed in 0..40u64 {
        let img = gen::program(&mut gen::Source::from_seed(seed), 80);
        if let Err(report) = lockstep(&img, b"", LIMIT) {
            panic!("seed {seed}:\n{report}");
        }
    }
}

/// What the AOT compiler reports (`--explain`) for the programs of seeds
/// 0..100 (size 60), compiled once for the coverage tests below.
fn explains() -> &'static [fast32_aot::pgo::Explain] {
    static EXPLAINS: std::sync::OnceLock<Vec<fast32_aot::pgo::Explain>> =
        std::sync::OnceLock::new();
    EXPLAINS.get_or_init(|| {
        (0..100u64)
            .map(|seed| {
                let img = gen::program(&mut gen::Source::from_seed(seed), 60);
                let bytes = fast32_isa::s32x::write(&img);
                fast32_aot::object_driver::compile_object(&bytes, &img, &Default::default())
                    .expect("generated programs compile")
                    .explain
            })
            .collect()
    })
}

/// With a profile, the register allocator takes the loop depths derived
/// from it ([`fast32_aot::spill_weights`]) in every function: the AOT
/// compiler's copy of Cranelift's block order matches Cranelift's, and the
/// vendored regalloc2 still reads them (`vendor/regalloc2`), dispatch
/// copies (blocks lowered twice) included. The random differential runs
/// above compile with them (the profile-guided engines), and meet
/// dispatch copies too.
#[test]
fn spill_weights_taken_by_every_function() {
    let (mut hinted, mut mismatch, mut copies) = (0, 0, 0);
    for seed in 0..40u64 {
        let img = gen::program(&mut gen::Source::from_seed(seed), 60);
        let opts = fast32_difftest::pgo_options(&img, LIMIT, fast32_aot::pgo::ColdPolicy::Outline);
        let bytes = fast32_isa::s32x::write(&img);
        let e = fast32_aot::object_driver::compile_object(&bytes, &img, &opts)
            .expect("generated programs compile")
            .explain;
        hinted += e.spill_hinted;
        mismatch += e.spill_hint_mismatch;
        copies += e.dispatch_copies.len();
    }
    println!(
        "functions with the profile's spill weights: {hinted}, block order mismatch: {mismatch}, dispatch copies: {copies}"
    );
    assert!(copies > 0, "no dispatch copies in the generated programs");
    assert!(
        hinted > 40 && mismatch == 0,
        "hinted {hinted}, mismatch {mismatch}"
    );
}

/// Generated programs reach the AOT compiler's f64 pair-move lowering
/// (two word moves fused into one 8-byte access, blocks versioned on
/// alignment), so the random differential runs test it, faults included.
#[test]
fn generator_exercises_pair_move_lowering() {
    let fused: u64 = explains().iter().map(|e| e.fused_pair_moves).sum();
    let versioned: u64 = explains().iter().map(|e| e.versioned_blocks).sum();
    println!("fused pair moves {fused}, versioned blocks {versioned}");
    assert!(
        fused > 0 && versioned > 0,
        "fused {fused}, versioned {versioned}"
    );
}

/// Generated programs call small functions from one site and from
/// several, and the AOT compiler gives some call sites their own copy of
/// the callee's leaf return (the link register known there), so the
/// random differential runs test those copies, faults included.
#[test]
fn generator_exercises_peeled_returns() {
    let peeled: u64 = explains().iter().map(|e| e.peeled_returns).sum();
    println!("call sites with their own leaf return: {peeled}");
    assert!(peeled > 0);
}

/// Generated programs call guest C-library routines, and the AOT compiler
/// replaces some of those calls by native routines, so the random
/// differential runs compare those too (faults in the middle included).
#[test]
fn generator_exercises_intrinsics() {
    let mut sites = 0;
    for seed in 0..100u64 {
        let img = gen::program(&mut gen::Source::from_seed(seed), 60);
        let aot = fast32_aot::Aot::compile(&img, &Default::default())
            .expect("generated programs compile");
        sites += aot.stats().intrinsic_sites;
    }
    println!("call sites replaced by native routines: {sites}");
    assert!(sites > 0);
}

/// The generator reaches clean exits and every guest-fault kind, so the
/// comparison above is not only about straight-line arithmetic.
#[test]
fn generator_covers_exits_and_faults() {
    use fast32_runtime::{RunOutcome, TrapKind};
    use std::collections::HashMap;
    let mut seen: HashMap<String, u32> = HashMap::new();
    for seed in 0..300u64 {
        let img = gen::program(&mut gen::Source::from_seed(seed), 60);
        let o = fast32_difftest::run(&img, Engine::Interp, b"", LIMIT);
        let key = match o.outcome {
            RunOutcome::Exit(_) => "exit".to_string(),
            RunOutcome::Trap(t) => format!("{:?}", t.kind),
        };
        *seen.entry(key).or_default() += 1;
    }
    println!("{seen:?}");
    for k in [
        "exit".to_string(),
        format!("{:?}", TrapKind::LoadFault),
        format!("{:?}", TrapKind::StoreFault),
        format!("{:?}", TrapKind::IllegalInstruction),
        format!("{:?}", TrapKind::BadRegisterPair),
        format!("{:?}", TrapKind::AssertionFailed),
        // A jump table's slot past the code region.
        format!("{:?}", TrapKind::ExecuteFault),
    ] {
        assert!(seen.contains_key(&k), "no program ended with {k}: {seen:?}");
    }
}

/// A run whose budget ends exactly at a jump out of the code stops on the
/// instruction limit, as the interpreter (which checks the limit before it
/// fetches) does, not on the fetch fault. Found by `random_programs_agree`
/// (seed 13597535414536461443, size 68): the JIT reported ExecuteFault.
#[test]
fn limit_reached_at_a_jump_out_of_code_is_the_limit() {
    let src = "
    .text
    .globl _start
_start:
    li r5, 0
    li r6, 40
loop:
    addi r5, r5, 1
    blt r5, r6, loop
    lui r7, 0x100
    jalr r0, r7, 0
";
    let img = fast32_asm::assemble(src, "jump_out.s").expect("assembles");
    let engines = [
        Engine::Interp,
        Engine::JitCounting,
        Engine::JitEagerSuperblocks,
    ];
    let full = compare(&img, &engines, b"", u64::MAX).expect("engines agree without a limit");
    let budget = full.instret;
    assert!(
        matches!(full.outcome, RunOutcome::Trap(t) if t.kind == TrapKind::ExecuteFault),
        "{full:?}"
    );
    for limit in [budget - 1, budget, budget + 1] {
        let got =
            compare(&img, &engines, b"", limit).unwrap_or_else(|e| panic!("limit {limit}: {e}"));
        let want = if limit <= budget {
            TrapKind::InstructionLimit
        } else {
            TrapKind::ExecuteFault
        };
        assert!(
            matches!(got.outcome, RunOutcome::Trap(t) if t.kind == want),
            "limit {limit}: {got:?}"
        );
    }
}
