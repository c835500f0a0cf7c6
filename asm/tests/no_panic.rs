//! The assembler never panics, whatever the input: random text, token
//! soup that looks like assembly, and valid programs with random edits.
//! Each input must either assemble or fail with diagnostics.

use fast32_asm::{assemble_output, AsmOptions};
use proptest::prelude::*;

fn opts() -> AsmOptions {
    AsmOptions {
        // No file access from random text.
        allow_include: false,
        ..AsmOptions::default()
    }
}

fn check(src: &str) {
    match assemble_output(src, "fuzz.s", &opts()) {
        Ok(out) => {
            // A successful image is always a valid .s32x.
            let bytes = fast32_isa::s32x::write(&out.image);
            let back = fast32_isa::s32x::read(&bytes);
            assert!(back.is_ok(), "unreadable image for {src:?}: {back:?}");
        }
        Err(e) => {
            assert!(e.error_count() > 0, "failure without an error for {src:?}");
            for d in e.errors() {
                // Every located error points into the source.
                if d.line > 0 {
                    assert!(d.source_line.is_some(), "{d}");
                }
            }
            let _ = e.to_string();
        }
    }
}

const TOKENS: &[&str] = &[
    "add",
    "addi",
    "ori",
    "xori",
    "lui",
    "ldw",
    "ldbu",
    "stw",
    "stb",
    "beq",
    "bne",
    "bltu",
    "jal",
    "jalr",
    "li",
    "la",
    "call",
    "ret",
    "j",
    "nop",
    "halt",
    "yield",
    "debug",
    "mv",
    "not",
    "bgt",
    "bleu",
    "beqz",
    "fadd.d",
    "fsqrt.s",
    "assert_eq",
    ".text",
    ".data",
    ".bss",
    ".rodata",
    ".section",
    ".globl",
    ".word",
    ".byte",
    ".half",
    ".quad",
    ".ascii",
    ".asciz",
    ".zero",
    ".space",
    ".align",
    ".p2align",
    ".balign",
    ".uleb128",
    ".sleb128",
    ".equ",
    ".set",
    ".comm",
    ".lcomm",
    ".type",
    ".size",
    ".org",
    ".fill",
    ".float",
    ".double",
    ".include",
    ".incbin",
    ".end",
    ".pushsection",
    ".popsection",
    ".previous",
    ".cfi_startproc",
    "r0",
    "r1",
    "r31",
    "r32",
    "sp",
    "fp",
    "lr",
    "a0",
    "s17",
    "zero",
    "x",
    "y",
    "_start",
    ".L1",
    "1",
    "1b",
    "1f",
    "0",
    "-1",
    "2047",
    "2048",
    "4095",
    "0x7FFFFFFF",
    "0xFFFFFFFF",
    "99999999999",
    "0x1000",
    "'a'",
    "'\\n'",
    "\"str\\x41\"",
    "\"unterminated",
    "%hi(x)",
    "%lo(x)",
    "%hi",
    "(",
    ")",
    "+",
    "-",
    "*",
    "/",
    "%",
    "<<",
    ">>",
    "&",
    "|",
    "^",
    "~",
    "!",
    "==",
    "=",
    ":",
    ",",
    ";",
    "#",
    "//",
    "/*",
    "*/",
    ".",
    "@function",
    "1.5",
    "1e",
    "0b",
    "0x",
    "r5+8",
    "8(sp)",
    "sp-4",
    "\n",
    "\n",
    "\n",
    "\t",
];

const PROGRAMS: &[&str] = &[
    include_str!("programs/hello.s"),
    include_str!("programs/loop.s"),
    include_str!("programs/call.s"),
    include_str!("programs/data.s"),
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(TOKENS),
            prop::sample::select(&[" ", ", ", "", "\n"][..]),
        ),
        0..60,
    )
    .prop_map(|v| v.into_iter().map(|(t, s)| format!("{t}{s}")).collect())
}

/// An edit at a relative position: delete, insert a token, or replace.
#[derive(Clone, Debug)]
enum Edit {
    Delete(f64, usize),
    Insert(f64, &'static str),
    Replace(f64, usize, &'static str),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0.0..1.0f64, 1..20usize).prop_map(|(p, n)| Edit::Delete(p, n)),
        (0.0..1.0f64, prop::sample::select(TOKENS)).prop_map(|(p, t)| Edit::Insert(p, t)),
        (0.0..1.0f64, 1..8usize, prop::sample::select(TOKENS))
            .prop_map(|(p, n, t)| Edit::Replace(p, n, t)),
    ]
}

fn apply(src: &str, edits: &[Edit]) -> String {
    let mut s: Vec<char> = src.chars().collect();
    for e in edits {
        let at = |p: f64, len: usize| ((p * len as f64) as usize).min(len);
        match e {
            Edit::Delete(p, n) => {
                let i = at(*p, s.len());
                let j = (i + n).min(s.len());
                s.drain(i..j);
            }
            Edit::Insert(p, t) => {
                let i = at(*p, s.len());
                s.splice(i..i, t.chars());
            }
            Edit::Replace(p, n, t) => {
                let i = at(*p, s.len());
                let j = (i + n).min(s.len());
                s.splice(i..j, t.chars());
            }
        }
    }
    s.into_iter().collect()
}

proptest! {
    // 400 cases by default; PROPTEST_CASES=N for a deeper local run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(400),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_text_never_panics(s in any::<String>()) {
        check(&s);
    }

    #[test]
    fn random_ascii_lines_never_panic(s in "[ -~\t\n]{0,300}") {
        check(&s);
    }

    #[test]
    fn token_soup_never_panics(s in token_soup()) {
        check(&s);
    }

    #[test]
    fn mutated_programs_never_panic(
        prog in prop::sample::select(PROGRAMS),
        edits in prop::collection::vec(edit(), 1..8),
    ) {
        check(&apply(prog, &edits));
    }
}

/// Inputs that stress limits: deep nesting, long expressions, huge sizes,
/// circular and exponential symbol definitions.
#[test]
fn pathological_inputs() {
    let deep = format!(".word {}1{}\n", "(".repeat(5000), ")".repeat(5000));
    let long = format!(".word 1{}\n", "+1".repeat(100_000));
    let unary = format!(".word {}1\n", "-".repeat(100_000));
    let mut chain = String::from(".equ s0x, 1\n");
    for i in 1..80 {
        chain += &format!(".equ s{i}x, s{}x + s{}x\n", i - 1, i - 1);
    }
    chain += ".word s79x\n.zero s30x & 0\n";
    let mut equs = String::new();
    for i in 0..3000 {
        equs += &format!(".equ e{}, e{} + 1\n", i + 1, i);
    }
    equs += ".equ e0, 0\n.word e3000\n";
    for src in [
        deep.as_str(),
        long.as_str(),
        unary.as_str(),
        chain.as_str(),
        equs.as_str(),
        ".zero 0xFFFFFFFF\n.zero 0xFFFFFFFF\n",
        ".bss\n.zero 0x7FFFFFFF\n",
        ".fill 0x7FFFFFFF, 8, 1\n",
        ".org 0xFFFFFFFFFFFF\n",
        ".equ a, a\nli r1, a\n",
        ".word 1 << 64\n",
        ".word -9223372036854775808 / -1\n",
        "li r1, 0x1FFFFFFFF\n",
        "\u{0}\u{feff}héllo wörld\n",
        "x:\n.section .weird\ny: .word x\n.text\nla r1, y\n",
        "/*",
        "\"",
        "'",
        "'\\",
    ] {
        check(src);
    }
}
