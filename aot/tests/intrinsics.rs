//! Which calls the intrinsics plan replaces in the test programs
//! (`tests/programs/intrinsics_*.s`; their results on every engine are
//! checked by the difftest crate).

use fast32_aot::discover::{discover, CodeImage, DiscoverOptions};
use fast32_aot::intrinsics::{plan, Plan, RvMode};
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

fn class(p: &Plan, name: &str) -> Result<(IntrinsicOp, RvMode), String> {
    p.routines
        .iter()
        .find(|r| r.name == name)
        .expect("routine found")
        .class
        .clone()
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
