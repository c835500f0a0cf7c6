//! Jump tables in read-only memory: an indirect jump whose target was
//! loaded from a table the guest cannot change.
//!
//! Compilers lower a dense `switch` to `idx & mask` (or a bounds check),
//! a shift, a table load and `jalr`. Under W^X the rodata region is
//! read-only for the whole run, so the table's entries are known when the
//! program is compiled: the jump becomes one host jump table indexed by
//! the guest index, instead of a load, compares against the profile's
//! dominant targets and a search over the function's targets keyed by the
//! loaded address. Lua's interpreter loop dispatches this way (`andi`
//! with 127, a 128-entry table).
//!
//! Only the dataflow inside the jump's block is trusted: each register
//! in the chain is followed to its last write before its use, so no other
//! write can come between.

use crate::discover::CodeImage;
use fast32_isa::{Inst, Opcode};

/// The largest table recognized (mask + 1 entries).
const MAX_ENTRIES: u32 = 1024;

/// A recognized table jump: `jalr r0, rT, imm` where
/// `rT = load32(base + 4 * i)`, `i` the index, and the table lies in
/// read-only memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableJump {
    /// The guest register that holds the index (masked or not) at
    /// `index_pc`, before the instruction there executes.
    pub index: u8,
    pub index_pc: u32,
    /// The table load, and whether it always reads inside the table
    /// (masked index): it then cannot fault, and is dead code if the
    /// loaded value is.
    pub load_pc: u32,
    pub load_in_table: bool,
    /// `Some(mask)`: the index is `r[index] & mask`; `None`: `r[index]`.
    pub mask: Option<u32>,
    /// The jump target for each index (entry + imm, low bit cleared, as
    /// JALR computes it).
    pub targets: Vec<u32>,
}

impl TableJump {
    /// Does every index the jump can take have an entry (a masked index:
    /// the table has `mask + 1`)? Its targets are then all its successors.
    pub fn complete(&self) -> bool {
        self.mask.is_some()
    }
}

/// The last instruction in `[start, before)` that writes register `r`
/// (r0 is never written), with its address.
fn last_write(code: &CodeImage, start: u32, before: u32, r: u8) -> Option<(u32, Inst)> {
    if r == 0 {
        return None;
    }
    let mut pc = before;
    while pc > start {
        pc -= 4;
        let i = code.inst(pc)?;
        if writes(&i, r) {
            return Some((pc, i));
        }
    }
    None
}

/// Does `i` write register `r` (pair partners included)?
fn writes(i: &Inst, r: u8) -> bool {
    crate::lower::inst_regs(i).1 & (1 << r) != 0
}

/// The constant in `r` just before `before`, if the block computes one
/// (`lui`, `addi`/`ori` on a constant, or r0).
fn constant(code: &CodeImage, start: u32, before: u32, r: u8, depth: u32) -> Option<u32> {
    if r == 0 {
        return Some(0);
    }
    if depth == 0 {
        return None;
    }
    let (pc, i) = last_write(code, start, before, r)?;
    match i.op {
        Opcode::Lui => Some(i.imm as u32),
        Opcode::Addi => {
            Some(constant(code, start, pc, i.rs1, depth - 1)?.wrapping_add(i.imm as u32))
        }
        Opcode::Ori => Some(constant(code, start, pc, i.rs1, depth - 1)? | i.imm as u32),
        _ => None,
    }
}

/// The index of a table jump whose scaled index `r` holds just before
/// `before` (`slli r, s, 2`):
/// - `s = andi x, mask`: the index is `x & mask` (read at the `andi`),
///   `mask + 1` entries;
/// - otherwise `s` as it comes into the block (read at the `slli`),
///   sized by the bounds check that falls into the block (`bltu max, s`
///   or `bgeu s, n` to the default): `max + 1` or `n` entries.
///
/// The count only sizes the host table: an index beyond it takes the
/// general path with the loaded target, so a wrong count costs speed,
/// never correctness.
fn scaled_index(code: &CodeImage, start: u32, before: u32, r: u8) -> Option<Index> {
    let (spc, sh) = last_write(code, start, before, r)?;
    if sh.op != Opcode::Slli || sh.imm != 2 || sh.rs1 == 0 {
        return None;
    }
    if let Some((apc, and)) = last_write(code, start, spc, sh.rs1) {
        if and.op == Opcode::Andi && and.rs1 != 0 && (and.imm as u32) < MAX_ENTRIES {
            return Some(Index {
                reg: and.rs1,
                pc: apc,
                mask: Some(and.imm as u32),
                entries: and.imm as u32 + 1,
            });
        }
        return None;
    }
    // The index comes into the block: its bound is checked by the branch
    // just before it (a short backward scan of the preceding code, which
    // only sizes the table).
    let x = sh.rs1;
    if start < 4 {
        return None;
    }
    let br = code.inst(start - 4)?;
    let from = start.saturating_sub(4 * BOUND_SCAN);
    let n = match br.op {
        Opcode::Bltu if br.rs2 == x => {
            constant(code, from, start - 4, br.rs1, 4)?.checked_add(1)?
        }
        Opcode::Bgeu if br.rs1 == x => constant(code, from, start - 4, br.rs2, 4)?,
        _ => return None,
    };
    (n > 0 && n <= MAX_ENTRIES).then_some(Index {
        reg: x,
        pc: spc,
        mask: None,
        entries: n,
    })
}

/// See [`scaled_index`].
struct Index {
    reg: u8,
    pc: u32,
    mask: Option<u32>,
    entries: u32,
}

/// How far back from a bounds check its constant is looked for.
const BOUND_SCAN: u32 = 8;

/// Recognizes the table jump ending the block `[start, jalr_pc]`.
pub fn recognize(code: &CodeImage, start: u32, jalr_pc: u32) -> Option<TableJump> {
    let j = code.inst(jalr_pc)?;
    if j.op != Opcode::Jalr || j.rd != 0 {
        return None;
    }
    let (lpc, ld) = last_write(code, start, jalr_pc, j.rs1)?;
    if ld.op != Opcode::Ldw {
        return None;
    }
    let (apc, add) = last_write(code, start, lpc, ld.rs1)?;
    if add.op != Opcode::Add {
        return None;
    }
    let (index, base) = [(add.rs1, add.rs2), (add.rs2, add.rs1)]
        .into_iter()
        .find_map(|(s, c)| {
            let index = scaled_index(code, start, apc, s)?;
            let base = constant(code, start, apc, c, 4)?;
            Some((index, base))
        })?;
    let first = base.wrapping_add(ld.imm as u32);
    let targets = (0..index.entries)
        .map(|k| {
            let w = code.read_only_word(first.wrapping_add(4 * k))?;
            Some(w.wrapping_add(j.imm as u32) & !1)
        })
        .collect::<Option<Vec<u32>>>()?;
    Some(TableJump {
        index: index.reg,
        index_pc: index.pc,
        load_pc: lpc,
        load_in_table: index.mask.is_some(),
        mask: index.mask,
        targets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn img(src: &str) -> CodeImage {
        let image = fast32_asm::assemble(src, "t.s").expect("assembles");
        CodeImage::from_image(&image)
    }

    /// The address of the first `jalr` in the image.
    fn jalr_pc(c: &CodeImage) -> u32 {
        (0..c.words.len() as u32 * 4)
            .step_by(4)
            .find(|&pc| c.inst(pc).is_some_and(|i| i.op == Opcode::Jalr))
            .expect("a jalr")
    }

    const MASKED: &str = "
        .text
        _start:
            andi r7, r21, 3
            slli r7, r7, 2
            la r8, table
            add r8, r8, r7
            ldw r9, r8+0
            jalr r0, r9, 4
        a:  halt
        b:  halt
        SECTION
        table:
            .word a
            .word b
            .word b
            .word a + 1
        ";

    #[test]
    fn masked_index_into_rodata() {
        let c = img(&MASKED.replace("SECTION", ".section .rodata"));
        let j = jalr_pc(&c);
        let tj = recognize(&c, 0, j).expect("recognized");
        assert_eq!(tj.index, 21);
        assert_eq!(tj.index_pc, 0, "the index is read at the andi");
        assert_eq!(tj.mask, Some(3));
        let (a, b) = (j + 4, j + 8);
        // entry + 4, low bit cleared (a + 1 + 4 -> a + 4)
        assert_eq!(tj.targets, vec![a + 4, b + 4, b + 4, a + 4]);
    }

    /// A writable table can change during the run: never resolved.
    #[test]
    fn table_in_data_is_not_resolved() {
        let c = img(&MASKED.replace("SECTION", ".data"));
        assert_eq!(recognize(&c, 0, jalr_pc(&c)), None);
    }

    /// The index comes into the block; the bound is the check that falls
    /// into it. The shift overwrites the index, so it is read there.
    #[test]
    fn bounds_checked_index() {
        let src = "
        .text
        _start:
            li r5, 2
            bltu r5, r3, out
        go: slli r3, r3, 2
            la r5, table
            add r3, r5, r3
            ldw r3, r3+0
            jalr r0, r3, 0
        out: halt
        .section .rodata
        table:
            .word out
            .word out
            .word out
            .word out
        ";
        let c = img(src);
        let j = jalr_pc(&c);
        let go = 8;
        let tj = recognize(&c, go, j).expect("recognized");
        assert_eq!((tj.index, tj.index_pc, tj.mask), (3, go, None));
        assert_eq!(tj.targets.len(), 3, "max 2: three entries");
        // Not the shape: the index is computed by something else.
        let other = src.replace("slli r3, r3, 2", "slli r3, r4, 3");
        let c = img(&other);
        assert_eq!(recognize(&c, go, jalr_pc(&c)), None);
    }
}
