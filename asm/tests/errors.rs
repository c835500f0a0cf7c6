//! One test per error kind: each is reported with file:line:col, the
//! source line, and a message naming the problem.

mod common;
use common::*;
use fast32_asm::Diagnostic;

/// The single error of `src`, checked to be on `line`.
fn one_error(src: &str, line: u32) -> Diagnostic {
    let e = asm_err(src);
    let errs: Vec<_> = e.errors().cloned().collect();
    assert_eq!(errs.len(), 1, "expected one error, got:\n{e}");
    let d = errs[0].clone();
    assert_eq!(d.file, "test.s");
    assert_eq!(d.line, line, "{d}");
    let shown = d.to_string();
    assert!(
        shown.starts_with(&format!("test.s:{line}:{}: error: ", d.col)),
        "{shown}"
    );
    assert!(d.source_line.is_some());
    d
}

#[test]
fn unknown_mnemonic() {
    let d = one_error("nop\n  frobnicate r1, r2\n", 2);
    assert!(
        d.message.contains("unknown instruction 'frobnicate'"),
        "{d}"
    );
    assert_eq!(d.col, 3);
}

#[test]
fn bad_register() {
    let d = one_error("nop\nadd r1, r32, r3\n", 2);
    assert!(d.message.contains("invalid register 'r32'"), "{d}");
    assert_eq!(d.col, 9);
    let d = one_error("add r1, 5, r3\n", 1);
    assert!(d.message.contains("expected a register"), "{d}");
}

#[test]
fn immediate_out_of_range() {
    let d = one_error("nop\nnop\naddi r1, r1, 2048\n", 3);
    assert!(
        d.message.contains("2048") && d.message.contains("-2048..2047"),
        "{d}"
    );
    assert_eq!(d.col, 14);
    let d = one_error("ori r1, r1, 4096\n", 1);
    assert!(d.message.contains("0..4095"), "{d}");
    let d = one_error("lui r1, 0x100000\n", 1);
    assert!(d.message.contains("lui"), "{d}");
    let d = one_error("ldw r1, r2+5000\n", 1);
    assert!(d.message.contains("5000"), "{d}");
    let d = one_error(".data\nx: .word 0\n.text\naddi r1, r0, x\n", 4);
    assert!(d.message.contains("%lo"), "hint expected: {d}");
    let d = one_error(".data\n.byte 256\n", 2);
    assert!(d.message.contains(".byte"), "{d}");
}

#[test]
fn branch_out_of_range() {
    let d = one_error("top: nop\n.zero 5000\nbeq r1, r2, top\n", 3);
    assert!(
        d.message.contains("'top'") && d.message.contains("out of range"),
        "{d}"
    );
    let d = one_error("beq r1, r2, 3\n", 1);
    assert!(d.message.contains("aligned"), "{d}");
}

#[test]
fn undefined_symbol() {
    let d = one_error("nop\nbne r1, r2, nowhere\n", 2);
    assert!(d.message.contains("undefined label 'nowhere'"), "{d}");
    let d = one_error("call missing_fn\n", 1);
    assert!(d.message.contains("'missing_fn'"), "{d}");
    // `la` expands to two instructions but reports once.
    let d = one_error("la r1, nothing\n", 1);
    assert!(d.message.contains("undefined symbol 'nothing'"), "{d}");
    let d = one_error("j 1f\n", 1);
    assert!(d.message.contains("'1f'"), "{d}");
}

#[test]
fn duplicate_label() {
    let d = one_error("x: nop\ny: nop\nx: nop\n", 3);
    assert!(
        d.message.contains("duplicate label 'x'") && d.message.contains("test.s:1"),
        "{d}"
    );
}

#[test]
fn bad_directive_argument() {
    let d = one_error(".data\n.align 99\n", 2);
    assert!(d.message.contains(".align"), "{d}");
    let d = one_error(".zero later\n.equ later, 4\n", 1);
    assert!(d.message.contains("constant known"), "{d}");
    let d = one_error(".ascii 5\n", 1);
    assert!(d.message.contains("string"), "{d}");
    let d = one_error(".balign 3\n", 1);
    assert!(d.message.contains("power of two"), "{d}");
    let d = one_error(".word\t1 +\n", 1);
    assert!(d.message.contains("expected an expression"), "{d}");
    let d = one_error(".frobnicate 1\n", 1);
    assert!(d.message.contains("unknown directive '.frobnicate'"), "{d}");
}

#[test]
fn unterminated_string() {
    let d = one_error(".data\n  .asciz \"abc\n", 2);
    assert!(d.message.contains("unterminated string"), "{d}");
    assert_eq!(d.col, 10);
}

#[test]
fn wrong_operand_count() {
    let d = one_error("add r1, r2\n", 1);
    assert!(d.message.contains("expects 3 operands"), "{d}");
}

#[test]
fn bss_and_misc() {
    let d = one_error(".bss\n.word 5\n", 2);
    assert!(d.message.contains(".bss"), "{d}");
    let d = one_error(".bss\nadd r1, r2, r3\n", 2);
    assert!(d.message.contains(".bss"), "{d}");
    let e = asm_err(".equ a, b\n.equ b, a\n.word a\n");
    assert!(e.errors().all(|d| d.message.contains("circular")), "{e}");
    let d = one_error(".word 1/0\n", 1);
    assert!(d.message.contains("division by zero"), "{d}");
    let d = one_error("addi r1, r1, %pcrel_lo(x)\n", 1);
    assert!(d.message.contains("AUIPC"), "{d}");
}

#[test]
fn all_errors_are_reported() {
    let e = asm_err("bogus\nadd r1, r2, r99\nnop\naddi r1, r1, 99999\nj nowhere\nx: nop\nx: nop\n.data\n.ascii \"open\n");
    let lines: Vec<u32> = e.errors().map(|d| d.line).collect();
    assert_eq!(lines, vec![1, 2, 7, 9, 4, 5], "{e}");
    let text = e.to_string();
    assert!(text.ends_with("assembly failed with 6 errors"), "{text}");
    // The source line and a caret follow each location.
    assert!(text.contains("test.s:2:13: error: invalid register 'r99' (registers are r0..r31)\n    add r1, r2, r99\n                ^"), "{text}");
}

#[test]
fn io_error_is_a_diagnostic() {
    let e = fast32_asm::assemble_file(std::path::Path::new("/definitely/not/here.s")).unwrap_err();
    let d = e.errors().next().unwrap();
    assert!(
        d.message.contains("cannot read") && d.file.contains("here.s"),
        "{d}"
    );
}
