//! Which calls the inlining plan lowers inside their callers in the test
//! programs (`tests/programs/inline_*.s`; their results on every engine,
//! AOT executables with and without profiles included, are checked by the
//! difftest crate).

use fast32_aot::discover::{discover, CodeImage, DiscoverOptions, Program};
use fast32_aot::inline::{inlinable, plan};

fn program(name: &str) -> (Program, CodeImage, fast32_isa::s32x::Image) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/programs")
        .join(name);
    let image = fast32_asm::assemble_file(&path).expect("assembles");
    let code = CodeImage::from_image(&image);
    let mut prog = discover(&code, &DiscoverOptions::default());
    plan(&mut prog, &code, None);
    (prog, code, image)
}

#[test]
fn every_call_of_a_small_function_is_inlined_once_per_caller() {
    let (prog, code, image) = program("inline_calls.s");
    let sym = |n: &str| image.symbol_by_name(n).unwrap().value;
    let func = |n: &str| prog.owner(sym(n));
    // _start ends in HALT, not a return: never inlined anywhere.
    assert!(!inlinable(&prog, &code, func("_start")));
    for f in ["mix", "twice", "skip", "show"] {
        assert!(inlinable(&prog, &code, func(f)), "{f}");
    }
    let start = &prog.functions[func("_start")].inlined;
    let callees: Vec<u32> = start.returns.keys().copied().collect();
    let mut want = vec![sym("mix"), sym("twice"), sym("skip"), sym("show")];
    want.sort_unstable();
    assert_eq!(callees, want);
    // Six sites in _start, and twice's two calls of mix: mix's blocks are
    // lowered in _start too, so those calls are jumps as well.
    assert_eq!(start.calls.len(), 8);
    assert_eq!(start.returns[&sym("mix")].len(), 5);
    // Each callee's blocks once, though mix has three sites.
    let mix_blocks = prog.functions[func("mix")].blocks.len();
    let all: usize = ["mix", "twice", "skip", "show"]
        .iter()
        .map(|f| prog.functions[func(f)].blocks.len())
        .sum();
    assert_eq!(start.blocks.len(), all);
    assert!(mix_blocks >= 1);
    // twice inlines its own two calls of mix; mix calls nothing.
    assert_eq!(prog.functions[func("twice")].inlined.calls.len(), 2);
    assert!(prog.functions[func("mix")].inlined.calls.is_empty());
}

#[test]
fn recursive_calls_are_jumps_to_the_function_s_own_blocks() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/programs/deep_calls.s");
    let image = fast32_asm::assemble_file(&path).expect("assembles");
    let code = CodeImage::from_image(&image);
    let mut prog = discover(&code, &DiscoverOptions::default());
    plan(&mut prog, &code, None);
    let rec = image.symbol_by_name("rec").unwrap().value;
    let fi = prog.owner(rec);
    let f = &prog.functions[fi];
    // rec calls itself once: that call is a jump to its start, and its
    // returns compare the link register with that one return site.
    let selfs: Vec<u32> = f
        .inlined
        .calls
        .iter()
        .filter(|&(_, &t)| t == rec)
        .map(|(&c, _)| c)
        .collect();
    assert_eq!(selfs.len(), 1);
    assert_eq!(f.inlined.returns[&rec], vec![selfs[0] + 4]);
    // Its blocks are lowered once: never copied into itself.
    for (i, f) in prog.functions.iter().enumerate() {
        for b in &f.inlined.blocks {
            assert_ne!(prog.owner(*b), i, "block 0x{b:x}");
        }
    }
    assert_eq!(
        prog.inlined_return_sites(fi, rec),
        Some(&[selfs[0] + 4][..])
    );
}

/// With a profile, a hot call site inlines a callee by the instructions
/// that ran: an allocator whose overflow path (never run) makes it too
/// large as a whole is inlined, one whose run part is too large is not,
/// nor one whose never-run code passes the whole-size bound. Without a
/// profile none of them is (all are past `MAX_CALLEE_INSNS`).
#[test]
fn hot_sites_inline_callees_by_the_instructions_that_ran() {
    use fast32_aot::inline::{MAX_HOT_CALLEE_INSNS, MAX_HOT_CALLEE_WHOLE_INSNS};
    use fast32_aot::pgo::{profile_of_blocks, ColdPolicy, Hints};
    let pad = |n: u64, r: u32| format!("    addi r{r}, r{r}, 1\n").repeat(n as usize);
    let src = format!(
        "    .text
_start:
    li r20, 0
loop:
    call alloc
    call fat
    call huge
    addi r20, r20, 1
    li r21, 1000
    blt r20, r21, loop
    halt
alloc:
    addi r1, r3, 1
    li r5, 512
    blt r1, r5, fits
{}    ret
fits:
    ret
fat:
{}    ret
huge:
    addi r1, r3, 1
    li r5, 512
    blt r1, r5, roomy
{}    ret
roomy:
    ret
",
        pad(MAX_HOT_CALLEE_INSNS, 6),
        pad(MAX_HOT_CALLEE_INSNS + 1, 7),
        pad(MAX_HOT_CALLEE_WHOLE_INSNS, 8),
    );
    let image = fast32_asm::assemble(&src, "t.s").expect("assembles");
    let code = CodeImage::from_image(&image);
    let at = |n: &str| image.symbol_by_name(n).unwrap().value;
    let mut prog = discover(&code, &DiscoverOptions::default());
    // Every block ran 1000 times but the two overflow paths.
    let never = [at("alloc") + 12, at("huge") + 12];
    let p = profile_of_blocks(&prog, |pc| if never.contains(&pc) { 0 } else { 1000 });
    let hints = Hints::from_profile(&p, &code, ColdPolicy::Outline);
    let inlined = |prog: &Program| -> Vec<u32> {
        let main = &prog.functions[prog.owner(at("_start"))].inlined;
        main.returns.keys().copied().collect()
    };
    plan(&mut prog, &code, Some(&hints));
    assert_eq!(inlined(&prog), vec![at("alloc")]);
    let mut plain = discover(&code, &DiscoverOptions::default());
    plan(&mut plain, &code, None);
    assert!(inlined(&plain).is_empty());
}

/// A callee's blocks that ran only rarely (a lazy initialization on the
/// first call) do not count against the hot-site bound: they are laid
/// out with the cold code. Counting them, this callee's run part would
/// be past `MAX_HOT_CALLEE_INSNS`.
#[test]
fn hot_sites_do_not_count_a_callee_s_rarely_run_blocks() {
    use fast32_aot::inline::MAX_HOT_CALLEE_INSNS;
    use fast32_aot::pgo::{profile_of_blocks, ColdPolicy, Hints, RARE_BLOCK_RATIO};
    let init = "    addi r6, r6, 1\n".repeat(MAX_HOT_CALLEE_INSNS as usize);
    let src = format!(
        "    .text
_start:
    li r20, 0
loop:
    call lazy
    addi r20, r20, 1
    li r21, 1000
    blt r20, r21, loop
    halt
lazy:
    bnez r9, ready
{init}    li r9, 1
ready:
    addi r1, r3, 1
    ret
"
    );
    let image = fast32_asm::assemble(&src, "t.s").expect("assembles");
    let code = CodeImage::from_image(&image);
    let at = |n: &str| image.symbol_by_name(n).unwrap().value;
    let inlined = |rare: u64| {
        let mut prog = discover(&code, &DiscoverOptions::default());
        let hot = 10 * RARE_BLOCK_RATIO;
        let p = profile_of_blocks(&prog, |pc| if pc == at("lazy") + 4 { rare } else { hot });
        let hints = Hints::from_profile(&p, &code, ColdPolicy::Outline);
        plan(&mut prog, &code, Some(&hints));
        let main = &prog.functions[prog.owner(at("_start"))].inlined;
        main.returns.contains_key(&at("lazy"))
    };
    // Run once per 100000 calls: rare, inlined.
    assert!(inlined(1));
    // Run on every tenth call: counted, too large.
    assert!(!inlined(RARE_BLOCK_RATIO));
}
