//! Which calls the intrinsics plan replaces in the test programs
//! (`tests/programs/intrinsics_*.s`; their results on every engine are
//! checked by the difftest crate).

use fast32_aot::discover::{discover, CodeImage, DiscoverOptions};
use fast32_aot::intrinsics::{plan, Plan, RvMode, Val};
use fast32_aot_runtime::intrinsics::IntrinsicOp;

fn plan_of(name: &str) -> (Plan, fast32_isa::s32x::Image) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/programs")
        .join(name);
    let image = fast32_asm::assemble_file(&path).expect("assembles");
    let code = CodeImage::from_image(&image);
    let opts = DiscoverOptions::default();
    let prog = discover(&code, &opts);
    let live = fast32_aot::liveness::analyze(&prog, &code);
    (plan(&image, &code, &prog, &opts, &live), image)
}

fn routine<'p>(p: &'p Plan, name: &str) -> &'p fast32_aot::intrinsics::Routine {
    p.routines
        .iter()
        .find(|r| r.name == name)
        .expect("routine found")
}

fn class(p: &Plan, name: &str) -> Result<(IntrinsicOp, RvMode), String> {
    routine(p, name).class.clone()
}

#[test]
fn routines_are_classified_by_what_they_do() {
    let (p, _) = plan_of("intrinsics_mem.s");
    assert_eq!(
        class(&p, "memcpy"),
        Ok((IntrinsicOp::Memcpy, RvMode::Result))
    );
    assert_eq!(
        class(&p, "memmove"),
        Ok((IntrinsicOp::Memmove, RvMode::Keep))
    );
    assert_eq!(
        class(&p, "memset"),
        Ok((IntrinsicOp::Memset, RvMode::Result))
    );
    assert_eq!(
        class(&p, "strlen"),
        Ok((IntrinsicOp::Strlen, RvMode::Result))
    );
    assert_eq!(
        class(&p, "strcmp"),
        Ok((IntrinsicOp::StrcmpDiffU, RvMode::Result))
    );
    assert_eq!(p.sites.len(), 13, "{}", p.render(None));
    let (p, _) = plan_of("intrinsics_strcmp_sign.s");
    assert_eq!(
        class(&p, "strcmp"),
        Ok((IntrinsicOp::StrcmpSignS, RvMode::Result))
    );
}

#[test]
fn a_routine_named_memcpy_that_is_not_one_is_left_alone() {
    let (p, _) = plan_of("intrinsics_not_memcpy.s");
    assert!(class(&p, "memcpy").is_err());
    assert!(p.sites.is_empty());
}

#[test]
fn a_call_whose_scratch_register_is_read_afterwards_is_kept() {
    let (p, image) = plan_of("intrinsics_scratch_live.s");
    let start = image.symbol_by_name("_start").unwrap().value;
    let memcpy = image.symbol_by_name("memcpy").unwrap().value;
    // The first call (a4 read after it) is kept, the second replaced.
    assert_eq!(p.kept, vec![(start + 0x14, memcpy, 1 << 7)]);
    assert_eq!(
        p.sites.keys().copied().collect::<Vec<_>>(),
        vec![start + 0x34]
    );
}

#[test]
fn calls_that_fault_are_still_planned_and_left_to_the_helper_checks() {
    for f in ["intrinsics_trap_load.s", "intrinsics_trap_rodata.s"] {
        let (p, _) = plan_of(f);
        assert_eq!(p.sites.len(), 2, "{f}: {}", p.render(None));
    }
}

#[test]
fn division_routines_are_replaced_with_the_registers_they_leave() {
    let (p, _) = plan_of("intrinsics_divide.s");
    assert_eq!(
        class(&p, "__udivsi3"),
        Ok((IntrinsicOp::UdivZeroOnes, RvMode::Result))
    );
    assert_eq!(
        class(&p, "__umodsi3"),
        Ok((IntrinsicOp::UmodZeroA, RvMode::Result))
    );
    let model = |n: &str| routine(&p, n).model.clone();
    // (register, for a zero divisor, for a nonzero one)
    assert_eq!(
        model("__udivsi3"),
        vec![
            (2, Val::Keep, Val::ABit0),
            (3, Val::Keep, Val::Zero),
            (5, Val::Keep, Val::Rem),
            (6, Val::Keep, Val::Zero),
        ]
    );
    // Its step counter (32 in a2 and t0) is no value the native code
    // makes: calls where a2 is read afterwards stay guest calls.
    assert_eq!(model("__umodsi3"), vec![(3, Val::Keep, Val::Zero)]);
    assert_eq!((p.sites.len(), p.kept.len()), (6, 2), "{}", p.render(None));

    let (p, _) = plan_of("intrinsics_not_udiv.s");
    assert!(class(&p, "__udivsi3").is_err());
    assert!(p.sites.is_empty());
}

#[test]
fn memory_routines_are_replaced_with_the_registers_they_leave() {
    let (p, _) = plan_of("intrinsics_leftover.s");
    let model = |n: &str| routine(&p, n).model.clone();
    // memset: the end of the range in a0 and 0 in a2 (both unchanged
    // for a count of 0).
    assert_eq!(
        model("memset"),
        vec![(3, Val::Keep, Val::APlusC), (5, Val::Keep, Val::Zero)]
    );
    // strlen (no count): the end of the string in a1, 0 in a2.
    let s: Vec<(u8, Val)> = model("strlen").iter().map(|x| (x.0, x.2)).collect();
    assert_eq!(s, vec![(4, Val::APlusRv), (5, Val::Zero)]);
    // Read after every call, and reproduced: all replaced.
    assert_eq!((p.sites.len(), p.kept.len()), (4, 0), "{}", p.render(None));
}

/// A correct `memmove` that spins 24,000 instructions before copying runs
/// under the per-probe cap on every probe, but over the cap on all of
/// them together: it is not classified (its calls stay guest calls) and
/// the plan stops probing it at that point rather than after ~45 million
/// interpreted instructions.
#[test]
fn a_routine_too_slow_over_all_its_probes_is_left_alone() {
    let mut src = String::from(
        "    .text\n    .globl _start\n_start:\n    la a0, buf\n    la a1, buf+8\n    li a2, 4\n    call memmove\n    halt\n    .globl memmove\nmemmove:\n    li t0, 12000\n4:  addi t0, t0, -1\n    bnez t0, 4b\n",
    );
    // The byte-wise memmove of tests/programs/include/mem_routines.inc.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/programs/include/mem_routines.inc");
    let inc = std::fs::read_to_string(path).unwrap();
    let body: String = inc
        .lines()
        .skip_while(|l| !l.starts_with("memmove:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(body.contains("ret"), "{body}");
    src += &body;
    src += "    .data\nbuf: .space 64\n";
    let image = fast32_asm::assemble(&src, "slow.s").expect("assembles");
    let code = CodeImage::from_image(&image);
    let opts = DiscoverOptions::default();
    let prog = discover(&code, &opts);
    let live = fast32_aot::liveness::analyze(&prog, &code);
    let p = plan(&image, &code, &prog, &opts, &live);
    let why = class(&p, "memmove").expect_err("too slow to classify");
    assert!(why.contains("over its probes"), "{why}");
}
