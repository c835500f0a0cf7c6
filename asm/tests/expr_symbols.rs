//! Expressions, constants and the symbol table.

mod common;
use common::*;
use fast32_asm::{assemble_with, AsmOptions};
use fast32_isa::s32x;

fn word_of(expr: &str) -> u32 {
    let img = asm(&format!(".data\nv: .word {expr}\n"));
    let d = &section(&img, ".data").data;
    u32::from_le_bytes(d[..4].try_into().unwrap())
}

#[test]
fn constant_expressions() {
    let cases: &[(&str, i64)] = &[
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("100 / 7", 14),
        ("-100 / 7", -14),
        ("100 % 7", 2),
        ("1 << 10", 1024),
        ("-16 >> 2", -4),
        ("0xF0 & 0x3C", 0x30),
        ("0xF0 | 0x0F", 0xFF),
        ("0xFF ^ 0x0F", 0xF0),
        ("~0", -1),
        ("!5 + !0", 1),
        ("-(3)", -3),
        ("0x10 + 0b101 + 0o17 + 010 + 10", 16 + 5 + 15 + 8 + 10),
        ("'a' + '\\n'", 97 + 10),
        ("'\\x41'", 0x41),
        ("3 > 2", 1),
        ("2 >= 3 || 1 == 1 && 0 != 1", 1),
        ("%hi(0x12345800)", 0x12346),
        ("%lo(0x12345800)", -2048),
        ("0xFFFFFFFF", -1),
    ];
    for (e, v) in cases {
        assert_eq!(word_of(e), *v as u32, "{e}");
    }
}

#[test]
fn equ_set_and_assignment_with_forward_references() {
    let img = asm(".equ A, B + 1\n.set B, 40\nC = A * 2\n.data\n.word A, B, C, D\n.equ D, end - start\nstart: .zero 12\nend:\n");
    let d = &section(&img, ".data").data;
    let w: Vec<u32> = d[..16]
        .chunks(4)
        .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    assert_eq!(w, vec![41, 40, 82, 12]);
}

#[test]
fn label_arithmetic_and_dot() {
    let img = asm("a: nop\nb: nop\n.rodata\nt: .word b - a, . - t, (b - a) * 4, .\n.equ here, .\n.word here\n");
    let t = sym(&img, "t");
    let b = bytes_at(&img, t, 20);
    let w = |i: usize| u32::from_le_bytes(b[i * 4..i * 4 + 4].try_into().unwrap());
    assert_eq!(w(0), 4);
    assert_eq!(w(1), 4); // `.` is the current element's own address
    assert_eq!(w(2), 16);
    assert_eq!(w(3), t + 12);
    assert_eq!(w(4), t + 16);
}

#[test]
fn jump_dot_relative() {
    let img = asm("nop\nj .+8\nbeq r0, r0, .-4\n");
    let is = insts(&img);
    assert_eq!(is[1].imm, 8);
    // beq at 8 targets 4; offsets are relative to PC+4 = 12
    assert_eq!(is[2].imm, -8);
}

#[test]
fn symbol_table() {
    let img = asm("\
        .globl _start\n\
        .type _start, @function\n\
        _start:\n call helper\n halt\n\
        .size _start, . - _start\n\
        .type helper, %function\n\
        helper:\n ret\n\
        .Lend:\n\
        1: nop\n\
        .data\n\
        .globl counter\n\
        .type counter, @object\n\
        .size counter, 4\n\
        counter: .word 0\n\
        .weak maybe\n\
        maybe: .word 0\n\
        .equ CONST, 5\n");
    let s = |n: &str| {
        img.symbol_by_name(n)
            .unwrap_or_else(|| panic!("{n}"))
            .clone()
    };
    let start = s("_start");
    assert_eq!(
        (start.value, start.kind, start.binding, start.size),
        (0, s32x::SYM_FUNC, 1, 8)
    );
    assert_eq!(start.section, 0);
    let helper = s("helper");
    assert_eq!(
        (helper.value, helper.kind, helper.binding),
        (8, s32x::SYM_FUNC, 0)
    );
    assert_eq!(s(".Lend").value, 12);
    let c = s("counter");
    assert_eq!((c.kind, c.binding, c.size), (s32x::SYM_OBJECT, 1, 4));
    assert_eq!(c.section, 1);
    assert_eq!(s("maybe").binding, 2);
    // Constants and numeric labels are not in the table.
    assert!(img.symbol_by_name("CONST").is_none());
    assert!(img.symbols.iter().all(|s| !s.name.starts_with('1')));
    // Section symbols first (sorted by address), then linker symbols.
    assert_eq!(img.symbol_at(0).unwrap().name, "_start");
    assert_eq!(img.header.entry, 0);
}

#[test]
fn entry_point_selection() {
    // `_start` if defined...
    assert_eq!(asm("nop\n_start: halt\n").header.entry, 4);
    // ...else the start of .text.
    assert_eq!(asm("nop\nmain: halt\n").header.entry, 0);
    // ...or an explicit symbol.
    let opts = AsmOptions {
        entry: Some("main".into()),
        ..AsmOptions::default()
    };
    assert_eq!(
        assemble_with("nop\nmain: halt\n", "t.s", &opts)
            .unwrap()
            .header
            .entry,
        4
    );
    let opts = AsmOptions {
        entry: Some("nope".into()),
        ..AsmOptions::default()
    };
    let e = assemble_with("halt\n", "t.s", &opts).unwrap_err();
    assert!(e.to_string().contains("nope"), "{e}");
}

#[test]
fn local_symbols_can_be_left_out() {
    let opts = AsmOptions {
        local_symbols: false,
        ..AsmOptions::default()
    };
    let img = assemble_with(".globl f\nf: nop\n.L1: nop\ng: halt\n", "t.s", &opts).unwrap();
    assert!(img.symbol_by_name("f").is_some());
    assert!(img.symbol_by_name(".L1").is_none());
    assert!(img.symbol_by_name("g").is_none());
}

#[test]
fn user_definition_overrides_linker_symbol() {
    let img = asm("_start: la r1, __heap_start\n halt\n.data\n__heap_start: .word 0\n");
    let v = sym(&img, "__heap_start");
    assert_eq!(v, section(&img, ".data").vaddr);
    assert_eq!(
        img.symbols
            .iter()
            .filter(|s| s.name == "__heap_start")
            .count(),
        1
    );
}

#[test]
fn comments_and_statement_separators() {
    let img = asm("addi r1, r0, 1 # comment\naddi r2, r0, 2 // comment\n/* block\n still comment */ addi r3, r0, 3; addi r4, r0, 4\nx: y: halt\n");
    assert_eq!(insts(&img).len(), 5);
    assert_eq!(sym(&img, "x"), sym(&img, "y"));
}

#[test]
fn include_and_incbin() {
    let dir = std::env::temp_dir().join(format!("fast32-asm-inc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("inc.s"), "inc_fn:\n ret\n.equ FROM_INC, 9\n").unwrap();
    std::fs::write(dir.join("blob.bin"), [1u8, 2, 3, 4, 5]).unwrap();
    std::fs::write(dir.join("main.s"), "_start: call inc_fn\n li r1, FROM_INC\n halt\n.include \"inc.s\"\n.data\n.incbin \"blob.bin\", 1, 3\n").unwrap();
    let img = fast32_asm::assemble_file(&dir.join("main.s")).unwrap();
    // FROM_INC is defined after the `li`, so `li` takes two instructions.
    assert_eq!(sym(&img, "inc_fn"), 16);
    assert_eq!(&section(&img, ".data").data, &[2, 3, 4]);
    assert_eq!(run(&img, 100).exit, 9);
    // Errors in an included file name that file.
    std::fs::write(dir.join("bad.s"), "nop\nbogus r1\n").unwrap();
    std::fs::write(dir.join("main2.s"), ".include \"bad.s\"\n").unwrap();
    let e = fast32_asm::assemble_file(&dir.join("main2.s")).unwrap_err();
    let d = e.errors().next().unwrap();
    assert!(d.file.ends_with("bad.s") && d.line == 2, "{e}");
    // Inclusion can be turned off for untrusted input.
    let opts = AsmOptions {
        allow_include: false,
        ..AsmOptions::default()
    };
    let src = format!(".include \"{}\"\n", dir.join("inc.s").display());
    assert!(assemble_with(&src, "t.s", &opts).is_err());
    std::fs::remove_dir_all(&dir).ok();
}
