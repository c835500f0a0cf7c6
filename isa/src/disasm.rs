//! Text form of instructions, in the syntax fast32's assembler accepts
//! (`ldw rd, rs1+imm`, `stw rs1+imm, rs2`, branch targets as addresses).

use crate::inst::{decode, Format, Inst, Opcode};
use std::fmt::Write as _;

/// Conventional register name: `sp`, `fp`, `lr` for r29..r31, `rN` otherwise.
pub fn reg_name(r: u8) -> &'static str {
    const NAMES: [&str; 32] = [
        "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "r13",
        "r14", "r15", "r16", "r17", "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26",
        "r27", "r28", "sp", "fp", "lr",
    ];
    NAMES[(r & 31) as usize]
}

/// Resolves addresses to names for nicer branch targets.
pub trait SymbolLookup {
    /// A name for `addr`, e.g. `main` or `main+0x10`.
    fn name_for(&self, addr: u32) -> Option<String>;
}

/// No symbols.
pub struct NoSymbols;
impl SymbolLookup for NoSymbols {
    fn name_for(&self, _addr: u32) -> Option<String> {
        None
    }
}

/// Formats a decoded instruction found at `pc`.
pub fn format_inst(inst: &Inst, pc: u32, syms: &dyn SymbolLookup) -> String {
    let m = inst.op.mnemonic();
    let (rd, rs1, rs2) = (reg_name(inst.rd), reg_name(inst.rs1), reg_name(inst.rs2));
    let target = |t: u32| match syms.name_for(t) {
        Some(n) => format!("0x{t:08x} <{n}>"),
        None => format!("0x{t:08x}"),
    };
    match inst.op.format() {
        Format::R => format!("{m} {rd}, {rs1}, {rs2}"),
        Format::R2 => format!("{m} {rd}, {rs1}"),
        Format::R1 => format!("{m} {rs1}"),
        Format::Rcmp => format!("{m} {rs1}, {rs2}"),
        Format::I if inst.op.is_load() => format!("{m} {rd}, {rs1}+{}", inst.imm),
        Format::I | Format::Iz => format!("{m} {rd}, {rs1}, {}", inst.imm),
        Format::S => format!("{m} {rs1}+{}, {rs2}", inst.imm),
        Format::B => {
            let t = pc.wrapping_add(4).wrapping_add(inst.imm as u32);
            format!("{m} {rs1}, {rs2}, {}", target(t))
        }
        Format::U => format!("{m} {rd}, 0x{:x}", (inst.imm as u32) >> 12),
        Format::J => {
            let t = pc.wrapping_add(inst.imm as u32);
            format!("{m} {rd}, {}", target(t))
        }
        Format::N => m.to_string(),
    }
}

/// Disassembles one word at `pc`; words that do not decode are shown as data.
pub fn disasm_word(word: u32, pc: u32, syms: &dyn SymbolLookup) -> String {
    match decode(word) {
        Ok(inst) => format_inst(&inst, pc, syms),
        Err(_) => format!(".word 0x{word:08x}"),
    }
}

/// Disassembles a run of little-endian code bytes loaded at `base`,
/// one line per word: `address: word  text`.
pub fn disasm_bytes(bytes: &[u8], base: u32, syms: &dyn SymbolLookup) -> String {
    let mut out = String::new();
    for (i, chunk) in bytes.chunks(4).enumerate() {
        let mut w = [0u8; 4];
        w[..chunk.len()].copy_from_slice(chunk);
        let word = u32::from_le_bytes(w);
        let pc = base.wrapping_add((i * 4) as u32);
        let _ = writeln!(
            out,
            "{pc:08x}:  {word:08x}  {}",
            disasm_word(word, pc, syms)
        );
    }
    out
}

impl std::fmt::Display for Inst {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Without a PC, show branch/jump offsets rather than targets.
        match self.op.format() {
            Format::B => write!(
                f,
                "{} {}, {}, .{:+}",
                self.op,
                reg_name(self.rs1),
                reg_name(self.rs2),
                self.imm as i64 + 4
            ),
            Format::J => write!(f, "{} {}, .{:+}", self.op, reg_name(self.rd), self.imm),
            _ => f.write_str(&format_inst(self, 0, &NoSymbols)),
        }
    }
}

/// True if `op` is one of the f64 / i64 register-pair instructions.
pub fn uses_pairs(op: Opcode) -> bool {
    (op as u8) >= Opcode::FaddD as u8 && (op as u8) <= Opcode::FcvtDLu as u8
}
