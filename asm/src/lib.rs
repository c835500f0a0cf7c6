//! The SLOW-32 assembler: one GNU-style source file in, one linked
//! executable [`Image`] out.
//!
//! fast32's own tests and benchmarks are written in SLOW-32 assembly, so
//! this crate must accept what the reference toolchain's compilers emit
//! and what the fast32 disassembler prints, and must explain every
//! mistake precisely. There are no object files and no separate link
//! step: a program brings its own startup code, and the assembler lays
//! the sections out the way the reference linker `s32-ld` would.
//!
//! # Syntax
//!
//! One statement per line (or several separated by `;`): any number of
//! labels (`name:`, numeric `1:`), then an instruction or directive.
//! Comments: `#` or `//` to the end of the line, `/* ... */` anywhere.
//! Mnemonics, directives and register names are case-insensitive; symbol
//! names are not.
//!
//! **Registers**: `r0`..`r31`, `zero`, `sp` (r29), `fp` (r30), `lr` (r31),
//! and the ABI aliases `rv` (r1), `t0` (r2), `a0`..`a7` (r3..r10),
//! `s0`..`s17` (r11..r28), `ra` (r31).
//!
//! **Instructions**: every native mnemonic of [`fast32_isa::Opcode`].
//! Operand forms:
//! - R: `add rd, rs1, rs2`; unary FP ops `fsqrt.s rd, rs1` (a third,
//!   ignored register is accepted, as compiler output writes one);
//!   `debug rs1`; `assert_eq rs1, rs2`.
//! - I: `addi rd, rs1, imm`. ADDI/SLTI/shift/load/JALR immediates are
//!   signed (-2048..2047); ORI/ANDI/XORI/SLTIU zero-extend (0..4095; a
//!   negative value down to -2048 is accepted with a warning and stored
//!   as its low 12 bits). Shift amounts outside 0..31 warn.
//! - Loads: `ldw rd, rs1+imm` (the disassembler's form), `ldw rd, rs1-imm`,
//!   `ldw rd, rs1`, `ldw rd, imm(rs1)`, `ldw rd, rs1, imm`, `ldw rd, imm`
//!   (address relative to r0).
//! - Stores: `stw rs1+imm, rs2` (disassembler form), `stw rs2, imm(rs1)`,
//!   `stw rs1, rs2, imm` (base, data, offset — the older form).
//! - Branches: `beq rs1, rs2, target`. JAL: `jal target` (links `lr`) or
//!   `jal rd, target`. JALR: `jalr rd, rs1, imm`, `jalr rd, rs1[+imm]`,
//!   `jalr rd, imm(rs1)`, `jalr rs1` (links `lr`). A target that mentions
//!   a symbol or `.` is an address (`beq r1, r2, loop`, `j .+8`); a plain
//!   number is the raw encoded offset (relative to PC+4 for branches, to
//!   the JAL itself for JAL), as in the reference assembler. So the
//!   `Display` form of an instruction (`beq r1, r2, .+8`) reads back
//!   exactly, but a listing line's absolute target (`beq r1, r2,
//!   0x00000010`) does not mean the same thing here.
//! - `lui rd, imm20` takes the upper 20 bits (`lui r1, %hi(sym)`).
//! - `yield` ignores any operands written after it; `halt` has none.
//!
//! **Pseudo-instructions**: `li rd, imm` (ADDI if the value is a constant
//! known at that point and fits in 12 signed bits, else LUI + ADDI with
//! the +0x800 carry compensation), `la rd, sym` (always LUI + ADDI),
//! `mv`, `not` (SUB + ADDI -1, since XORI zero-extends), `neg`, `seqz`,
//! `snez`, `sltz`, `sgtz`, `j`, `jr rs[, imm]`, `ret`, `call`, `tail`,
//! `nop` (ADD r0,r0,r0 = word 0, like the reference assembler; the native
//! 0x50 NOP has no mnemonic), `bgt`/`ble`/`bgtu`/`bleu` (operands
//! swapped), `beqz`/`bnez`/`bltz`/`bgez`/`blez`/`bgtz`.
//!
//! **Expressions**: integers (decimal, `0x`, `0b`, `0o`, and C-style
//! leading-zero octal), character literals (`'a'`, `'\n'`), symbols, `.`
//! (address of the current statement), `1b`/`1f` numeric label
//! references, C operators with C precedence (`+ - * / % << >> & | ^ ~ !
//! == != < <= > >= && ||`, comparisons give 1/0), parentheses, `%hi(e)` =
//! `(e + 0x800) >> 12` and `%lo(e)` = low 12 bits sign-extended. Label
//! differences within one section are constants as early as pass 1.
//! Everything may refer forward except values that decide sizes
//! (`.zero`, `.align`, `.org`, `.fill` counts).
//!
//! **Directives**: `.text`/`.code`, `.data`, `.bss`, `.rodata`,
//! `.section NAME` (`.text*`, `.rodata*`, `.data*`, `.bss*`,
//! `.init_array*`; `.fpc*`, `.gcc_except_table*` and `.debug*` go to
//! rodata as `s32-ld` places them; any other section's contents are
//! discarded with a warning, silently for `.note*`, `.comment`,
//! `.llvm*`), `.pushsection`/`.popsection`/`.previous`,
//! `.globl`/`.global`/`.weak`/`.local`, `.type sym, @function|@object`,
//! `.size sym, expr`, `.equ`/`.set`/`.equiv sym, expr` and `sym = expr`,
//! `.byte` (numbers or strings), `.half`/`.short`/`.hword`/`.2byte`,
//! `.word`/`.long`/`.int`/`.4byte`, `.quad`/`.dword`/`.8byte`,
//! `.ascii`, `.asciz`/`.string`, `.float`/`.single`, `.double`,
//! `.zero`/`.space`/`.skip n[, fill]`, `.fill repeat[, size[, value]]`,
//! `.align p` and `.p2align p[, fill[, max]]` (2^p bytes),
//! `.balign n[, fill[, max]]`, `.org`, `.uleb128`/`.sleb128`,
//! `.comm`/`.lcomm sym, size[, align]`, `.include "file"`,
//! `.incbin "file"[, skip[, count]]`, `.end`. Accepted and ignored:
//! `.file`, `.ident`, `.loc`, `.cfi_*`, `.addrsig*`, `.attribute`,
//! `.option`, `.arch`, `.hidden`, `.protected`, `.internal`, `.stab*`.
//! String escapes: `\n \t \r \a \b \f \v \e \\ \" \'`, octal `\NNN`,
//! hex `\xHH`.
//!
//! Instructions in `.text` are word-aligned automatically (zero padding,
//! which executes as `add r0,r0,r0`); labels written just before such an
//! instruction move with it.
//!
//! # Output
//!
//! Memory layout and header: see [`AsmOptions`] and the `layout` module
//! docs (the reference linker's packed layout with a 64 KiB MMIO
//! window). The linker symbols of `s32-ld` are defined (`__mmio_base`,
//! `__bss_start`, `__bss_end`, `__heap_start`, `__stack_top`, ...). The
//! entry point is [`AsmOptions::entry`] if set, else `_start` if defined,
//! else the start of `.text` (address 0).
//!
//! The symbol table lists every label (local ones too, unless
//! [`AsmOptions::local_symbols`] is off) with its `.type` kind and `.size`,
//! then the linker-defined symbols; numeric labels and `.equ` constants
//! are not listed.

mod assembler;
mod diag;
mod expr;
mod layout;
mod lexer;
mod regs;

pub use diag::{AsmError, Diagnostic, Severity};
pub use fast32_isa::s32x::Image;

use std::path::{Path, PathBuf};

/// Default stack top, as `s32-ld` (and the ISA documentation) place it.
pub const DEFAULT_STACK_BASE: u32 = 0x0FFF_FFF0;
/// Default stack size (64 KiB), as `s32-ld`.
pub const DEFAULT_STACK_SIZE: u32 = 0x0001_0000;
/// Default room between the end of `.bss` and the MMIO window (1 MiB).
pub const DEFAULT_HEAP_SIZE: u32 = 0x0010_0000;
/// Default guest memory size written to the header (256 MiB).
pub const DEFAULT_MEM_SIZE: u32 = 0x1000_0000;

/// Layout and behaviour choices. [`Default`] gives what the reference
/// toolchain produces for its programs (`s32-ld --mmio 64K`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsmOptions {
    /// Initial stack pointer (header `stack_base`).
    pub stack_base: u32,
    /// Stack size; header `stack_end` = `stack_base - stack_size`.
    pub stack_size: u32,
    /// Space reserved for the heap between `.bss` and the MMIO window.
    pub heap_size: u32,
    /// Header `mem_size`.
    pub mem_size: u32,
    /// Set the W^X flag: code and rodata are not writable.
    pub wxorx: bool,
    /// Reserve the 64 KiB MMIO window and set the MMIO flag.
    pub mmio: bool,
    /// Entry symbol; `None` means `_start` if defined, else address 0.
    pub entry: Option<String>,
    /// Extra directories searched by `.include` / `.incbin` after the
    /// including file's own directory.
    pub include_dirs: Vec<PathBuf>,
    /// Allow `.include` / `.incbin` to read files at all. Turn off when
    /// assembling untrusted text.
    pub allow_include: bool,
    /// List local (non-`.globl`) labels such as `.LBB0_1` in the symbol
    /// table, so disassembly can name branch targets.
    pub local_symbols: bool,
}

impl Default for AsmOptions {
    fn default() -> Self {
        AsmOptions {
            stack_base: DEFAULT_STACK_BASE,
            stack_size: DEFAULT_STACK_SIZE,
            heap_size: DEFAULT_HEAP_SIZE,
            mem_size: DEFAULT_MEM_SIZE,
            wxorx: true,
            mmio: true,
            entry: None,
            include_dirs: Vec::new(),
            allow_include: true,
            local_symbols: true,
        }
    }
}

/// A successful assembly: the image plus any warnings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    pub image: Image,
    pub warnings: Vec<Diagnostic>,
}

/// Assembles `source` with default options. `file_name` is used in
/// diagnostics and as the base for relative `.include` paths.
pub fn assemble(source: &str, file_name: &str) -> Result<Image, AsmError> {
    assemble_with(source, file_name, &AsmOptions::default())
}

/// Assembles `source` with explicit options.
pub fn assemble_with(source: &str, file_name: &str, opts: &AsmOptions) -> Result<Image, AsmError> {
    assemble_output(source, file_name, opts).map(|o| o.image)
}

/// Like [`assemble_with`], but also returns the warnings of a successful
/// run (a CLI prints them).
pub fn assemble_output(
    source: &str,
    file_name: &str,
    opts: &AsmOptions,
) -> Result<Output, AsmError> {
    let mut asm = assembler::Asm::new(opts);
    asm.run_source(file_name, source);
    asm.finish()
}

/// Reads and assembles a file with default options; a read failure is
/// reported as a diagnostic like any other error.
pub fn assemble_file(path: &Path) -> Result<Image, AsmError> {
    assemble_file_with(path, &AsmOptions::default()).map(|o| o.image)
}

/// Reads and assembles a file, returning the image and warnings.
pub fn assemble_file_with(path: &Path, opts: &AsmOptions) -> Result<Output, AsmError> {
    let name = path.display().to_string();
    let text = std::fs::read(path)
        .map_err(|e| format!("cannot read '{name}': {e}"))
        .and_then(|bytes| {
            String::from_utf8(bytes).map_err(|e| {
                format!(
                    "'{name}' is not valid UTF-8 (first bad byte at offset {})",
                    e.utf8_error().valid_up_to()
                )
            })
        });
    match text {
        Ok(text) => assemble_output(&text, &name, opts),
        Err(msg) => {
            let mut asm = assembler::Asm::new(opts);
            asm.file_error(&name, msg);
            asm.finish()
        }
    }
}
