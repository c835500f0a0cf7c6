//! The example programs in tests/programs assemble, survive the .s32x
//! file format, and do what their comments say.

mod common;
use common::*;
use fast32_isa::s32x;
use std::path::Path;

fn load(name: &str) -> s32x::Image {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/programs")
        .join(name);
    let out = fast32_asm::assemble_file_with(&path, &fast32_asm::AsmOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let img = out.image;
    let back = s32x::read(&s32x::write(&img)).expect("readable .s32x");
    assert_eq!(back, img);
    img
}

#[test]
fn hello() {
    let img = load("hello.s");
    let r = run(&img, 1000);
    assert_eq!(String::from_utf8_lossy(&r.stdout), "Hello, SLOW-32!\n");
    assert_eq!(r.exit, 0);
    let start = img.symbol_by_name("_start").unwrap();
    assert_eq!((start.kind, start.binding), (s32x::SYM_FUNC, 1));
    assert_eq!(start.size, 4 * insts(&img).len() as u32);
}

#[test]
fn loop_sum() {
    let r = run(&load("loop.s"), 10_000);
    assert_eq!(r.regs[1], 5050);
}

#[test]
fn function_call() {
    let r = run(&load("call.s"), 10_000);
    assert_eq!(r.exit, 120);
    assert_eq!(r.regs[11], 3_628_800);
    // The stack is balanced after the calls.
    assert_eq!(r.regs[29], 0x0FFF_FFF0);
}

#[test]
fn data_sections() {
    let img = load("data.s");
    let r = run(&img, 10_000);
    assert_eq!(String::from_utf8_lossy(&r.stdout), "abc");
    assert_eq!(r.exit, 3);
    let d = bytes_at(&img, sym(&img, "letters") + 12, 4);
    assert_eq!(d, vec![3, 0, 0, 0]);
    assert!(img.section_by_name(".bss").is_some());
}
