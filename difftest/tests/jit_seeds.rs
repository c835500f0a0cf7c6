//! The JIT variants agree with the interpreter on a fixed sweep of
//! generated programs (deterministic seeds, so a failure reproduces).

use fast32_difftest::{compare, gen, Engine};

#[test]
fn jit_variants_match_the_interpreter() {
    let engines = [
        Engine::Interp,
        Engine::Jit,
        Engine::JitNoRegCache,
        Engine::JitProfiling,
        Engine::JitNativeCalls,
        Engine::JitEagerSuperblocks,
        Engine::JitNoSuperblocks,
    ];
    for seed in 0..600u64 {
        let size = 10 + (seed % 110) as u32;
        let img = gen::program(&mut gen::Source::from_seed(seed ^ 0x5eed), size);
        if let Err(e) = compare(&img, &engines, b"", u64::MAX) {
            panic!("seed {seed} size {size}: {e}");
        }
    }
}
