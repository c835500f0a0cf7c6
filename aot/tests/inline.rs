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
    assert_eq!(start.calls.len(), 6);
    assert_eq!(start.returns[&sym("mix")].len(), 3);
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
fn a_function_never_inlines_itself() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/programs/deep_calls.s");
    let image = fast32_asm::assemble_file(&path).expect("assembles");
    let code = CodeImage::from_image(&image);
    let mut prog = discover(&code, &DiscoverOptions::default());
    plan(&mut prog, &code, None);
    for (i, f) in prog.functions.iter().enumerate() {
        for (&call, &callee) in &f.inlined.calls {
            assert_ne!(prog.owner(callee), i, "call at 0x{call:x}");
        }
    }
}
