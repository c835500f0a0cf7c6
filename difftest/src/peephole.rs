//! The generator of `tests/programs/peephole.s`, the test program for the
//! JIT's compare-and-branch fusion: every SLT-like compare (register and
//! immediate forms) on five operand pairs, each result branched on against
//! r0 in all four ways (BNE/BEQ, r5 first or r0 first), checking both the
//! path taken and that rd keeps its value; then the LUI + ADDI/ORI
//! constants. `difftest/tests/peephole_program.rs` fails when the committed
//! file differs from what this writes (`FAST32_BLESS=1` rewrites it).

use std::fmt::Write;

/// A compare's result on (a, b).
type Compare = fn(i32, i32) -> bool;

/// The register-register compares.
const COMPARES: [(&str, Compare); 10] = [
    ("slt", |a, b| a < b),
    ("sltu", |a, b| (a as u32) < (b as u32)),
    ("sgt", |a, b| a > b),
    ("sgtu", |a, b| (a as u32) > (b as u32)),
    ("sle", |a, b| a <= b),
    ("sleu", |a, b| (a as u32) <= (b as u32)),
    ("sge", |a, b| a >= b),
    ("sgeu", |a, b| (a as u32) >= (b as u32)),
    ("seq", |a, b| a == b),
    ("sne", |a, b| a != b),
];

/// Operand pairs: signed and unsigned orders disagree on the first two.
const PAIRS: [(i32, i32); 5] = [(-1, 1), (1, -1), (5, 5), (0, 7), (-8, -3)];

const HEADER: &str = "\
# Peephole fusions: an SLT-like result branched on against r0 (BEQ/BNE,
# either operand order) uses the compare's flags; LUI + ADDI/ORI is one
# constant. Every case is checked both ways, and rd keeps its value.
# (SLTIU's immediate is zero-extended.)
# run: exit 0
    .text
    .global _start
_start:
";

const TAIL: &str = r#"    li r9, 0x12345678
    srli r10, r9, 16
    li r11, 0x1234
    assert_eq r10, r11
    andi r10, r9, 0xff
    li r11, 0x78
    assert_eq r10, r11
    li r9, 0xdeadbeef
    srli r10, r9, 16
    li r11, 0xdead
    assert_eq r10, r11
    andi r10, r9, 0xff
    li r11, 0xef
    assert_eq r10, r11
    li r9, 0xf800
    srli r10, r9, 16
    li r11, 0x0
    assert_eq r10, r11
    andi r10, r9, 0xff
    li r11, 0x0
    assert_eq r10, r11
    li r9, 0x7ffff800
    srli r10, r9, 16
    li r11, 0x7fff
    assert_eq r10, r11
    andi r10, r9, 0xff
    li r11, 0x0
    assert_eq r10, r11
    lui r12, 0x12345
    ori r12, r12, 0x678
    li r11, 0x12345678
    assert_eq r12, r11
    lui r13, 0x1
    addi r13, r13, -1
    li r11, 0xfff
    assert_eq r13, r11
    lui r14, 0x2
    addi r15, r14, 4
    li r11, 0x2004
    assert_eq r15, r11
    li r1, 0
    halt
fail:
    li r1, 1
    halt
"#;

/// The text of `tests/programs/peephole.s`.
pub fn peephole_program() -> String {
    // ("instruction|r6|r7", result) for every case (no r7 for immediates).
    let mut cases: Vec<(String, bool)> = Vec::new();
    for (op, f) in COMPARES {
        for (a, b) in PAIRS {
            cases.push((format!("{op} r5, r6, r7|{a}|{b}"), f(a, b)));
        }
    }
    for (a, b) in PAIRS {
        cases.push((format!("slti r5, r6, {b}|{a}|"), a < b));
    }
    for (a, b) in PAIRS {
        // SLTIU zero-extends its 12-bit immediate.
        let imm = (b as u32) & 0xfff;
        cases.push((format!("sltiu r5, r6, {imm}|{a}|"), (a as u32) < imm));
    }
    let mut s = String::from(HEADER);
    let mut n = 0;
    for (spec, result) in cases {
        let mut parts = spec.split('|');
        let (inst, a, b) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        // BNE/BEQ against r0, r5 written first or second.
        for (br, r5_first) in [("bne", true), ("beq", true), ("bne", false), ("beq", false)] {
            n += 1;
            let _ = writeln!(s, "    li r6, {a}");
            if !b.is_empty() {
                let _ = writeln!(s, "    li r7, {b}");
            }
            let _ = writeln!(s, "    {inst}");
            let operands = if r5_first { "r5, r0" } else { "r0, r5" };
            let _ = writeln!(s, "    {br} {operands}, t{n}");
            let taken = (br == "bne") == result;
            if taken {
                let _ = writeln!(s, "    j fail\nt{n}:");
            } else {
                let _ = writeln!(s, "    j ok{n}\nt{n}:\n    j fail\nok{n}:");
            }
            let _ = writeln!(s, "    li r8, {}\n    assert_eq r5, r8", result as u8);
        }
    }
    s + TAIL
}
