//! The reference interpreter: the oracle every other engine is checked
//! against, and the engine of last resort.
//!
//! The code region is decoded once, up front, into compact slots (W^X
//! guarantees code never changes; without W^X a store into code re-decodes
//! the words it touched, so self-modifying code still behaves exactly).
//! Decoding goes through the ISA crate's visitor, which also folds away
//! what can be decided statically: writes to r0 go to a sink register,
//! unknown opcodes and invalid f64 register pairs become trap slots.
//!
//! Semantics on a fault: the faulting instruction has no effect (rd is
//! not written), `pc` is left on it, and [`Trap`] describes it.

use crate::machine::{Machine, RunOutcome};
use crate::memory::{AccessKind, MemFault};
use crate::trap::{Trap, TrapKind};
use fast32_isa::semantics as sem;
use fast32_isa::{decode, visit, Inst, InstructionVisitor, Operands};
use std::sync::atomic::Ordering;

/// Register index that absorbs writes to r0.
const SINK: u8 = 32;

/// Slot opcodes beyond the ISA's 7-bit space.
const OP_ILLEGAL: u8 = 0x80;
const OP_BADPAIR: u8 = 0x81;
/// A slot outside the code region, or at a misaligned PC: decode on the fly.
const OP_SLOW: u8 = 0x82;
/// A code word not decoded yet ([`Interpreter::new_lazy`]): decoded into
/// its slot the first time it runs.
const OP_LAZY: u8 = 0x83;

/// One pre-decoded instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot {
    op: u8,
    rd: u8,
    rs1: u8,
    rs2: u8,
    imm: i32,
}

/// Builds a slot from a decoded instruction (the visitor is the
/// interpreter's view of the single decoder).
struct SlotBuilder;

macro_rules! slot_builder_methods {
    ($(($name:ident, $num:expr, $mn:expr, $fmt:ident, $visit:ident)),* $(,)?) => {
        impl InstructionVisitor for SlotBuilder {
            type Output = Slot;
            $(fn $visit(&mut self, o: Operands) -> Slot {
                Slot { op: $num, rd: o.rd, rs1: o.rs1, rs2: o.rs2, imm: o.imm }
            })*
        }
    };
}
fast32_isa::for_each_instruction!(slot_builder_methods);

fn make_slot(word: u32) -> Slot {
    match decode(word) {
        Ok(inst) => slot_for(&inst),
        Err(_) => Slot {
            op: OP_ILLEGAL,
            rd: 0,
            rs1: 0,
            rs2: 0,
            imm: word as i32,
        },
    }
}

fn slot_for(inst: &Inst) -> Slot {
    if let Some(r) = sem::bad_pair(inst) {
        return Slot {
            op: OP_BADPAIR,
            rd: r,
            rs1: 0,
            rs2: 0,
            imm: 0,
        };
    }
    let mut s = visit(inst, &mut SlotBuilder);
    // Pair destinations keep rd (the high half goes to rd+1, even for r0).
    let (pair_rd, _, _) = sem::pair_operands(inst.op);
    if s.rd == 0 && inst.op.writes_rd() && !pair_rd {
        s.rd = SINK;
    }
    s
}

/// The pre-decoded interpreter for one machine.
pub struct Interpreter {
    slots: Vec<Slot>,
    code_limit: u32,
    wxorx: bool,
}

impl Interpreter {
    /// Pre-decodes the code region of `m`.
    pub fn new(m: &Machine) -> Interpreter {
        let code_limit = m.mem.layout().code_limit;
        let n = (code_limit / 4) as usize;
        let mut slots = Vec::with_capacity(n + 1);
        for i in 0..n {
            let word = m.mem.read((i * 4) as u32, 4).unwrap_or(0);
            slots.push(make_slot(word));
        }
        // Sentinel: running off the end goes to the slow path.
        slots.push(Slot {
            op: OP_SLOW,
            rd: 0,
            rs1: 0,
            rs2: 0,
            imm: 0,
        });
        Interpreter {
            slots,
            code_limit,
            wxorx: m.mem.layout().wxorx,
        }
    }

    /// An interpreter that decodes each code word the first time it runs
    /// instead of the whole code region up front: for a JIT that leaves
    /// only a few rarely run blocks to it, decoding a large program's
    /// every word (9% of a short pre-warmed Lua run's host instructions)
    /// would cost more than the interpretation saves.
    pub fn new_lazy(m: &Machine) -> Interpreter {
        let code_limit = m.mem.layout().code_limit;
        let n = (code_limit / 4) as usize;
        let lazy = Slot {
            op: OP_LAZY,
            rd: 0,
            rs1: 0,
            rs2: 0,
            imm: 0,
        };
        let mut slots = vec![lazy; n + 1];
        slots[n].op = OP_SLOW;
        Interpreter {
            slots,
            code_limit,
            wxorx: m.mem.layout().wxorx,
        }
    }

    fn slot_at(&self, m: &Machine, pc: u32) -> Result<Slot, Trap> {
        if pc & 3 == 0 && pc < self.code_limit {
            return Ok(self.slots[(pc >> 2) as usize]);
        }
        // Misaligned PC (bit 1 set): the word is fetched across two halves.
        let word = m.mem.fetch(pc).map_err(|f| Trap::from_mem_fault(f, pc))?;
        Ok(make_slot(word))
    }

    /// (Re-)decodes the code words overlapped by `addr..addr+size` into
    /// their slots: after a store over code (only without W^X), and at a
    /// lazy slot's first run. Out of line and cold: writing the slot table
    /// from inside the dispatch loop made the whole interpreter 1.24x
    /// slower (`core`, paired runs).
    #[cold]
    #[inline(never)]
    fn decode_words(&mut self, m: &Machine, addr: u32, size: u32) {
        let first = addr >> 2;
        let last = addr.wrapping_add(size - 1) >> 2;
        for w in first..=last {
            if (w as usize) < self.slots.len() - 1 {
                let word = m.mem.read(w << 2, 4).unwrap_or(0);
                self.slots[w as usize] = make_slot(word);
            }
        }
    }

    /// Runs until HALT, EXIT, a trap, the instruction limit in
    /// `m.cpu.insn_limit`, or an interrupt request.
    pub fn run(&mut self, m: &mut Machine) -> RunOutcome {
        loop {
            if let Step::Done(o) = self.run_inner(m, u32::MAX, false) {
                return o;
            }
        }
    }

    /// Runs exactly `n` instructions (fewer if the machine stops first);
    /// `None` means the machine is still running. Lockstep verification
    /// uses it to bring the oracle to the point another engine reached.
    pub fn run_steps(&mut self, m: &mut Machine, n: u64) -> Option<RunOutcome> {
        let target = m.cpu.instret + n;
        while m.cpu.instret < target {
            let left = (target - m.cpu.instret).min(u32::MAX as u64) as u32;
            if let Step::Done(o) = self.run_inner(m, left, false) {
                return Some(o);
            }
        }
        None
    }

    /// Runs one basic block (up to and including the next control-flow
    /// instruction, YIELD or DEBUG) and returns; used by lockstep
    /// verification and as the JIT's fallback for code it cannot translate.
    /// `None` means the machine is still running.
    pub fn run_block(&mut self, m: &mut Machine) -> Option<RunOutcome> {
        match self.run_inner(m, u32::MAX, true) {
            Step::Continue | Step::Boundary => None,
            Step::Done(o) => Some(o),
        }
    }

    /// Runs at most `max` instructions, stopping early at a block boundary
    /// when `stop_at_block_end` is set.
    #[inline(never)]
    fn run_inner(&mut self, m: &mut Machine, max: u32, stop_at_block_end: bool) -> Step {
        let mut regs = [0u32; 33];
        regs[..32].copy_from_slice(&m.cpu.regs);
        let mut pc = m.cpu.pc;
        // Fuel: instructions we may retire before re-checking the limit and
        // the interrupt flag.
        const CHUNK: u64 = 1 << 20;
        let remaining = m.cpu.insn_limit.saturating_sub(m.cpu.instret);
        let fuel_start = remaining.min(CHUNK).min(max as u64);
        let mut fuel = fuel_start;

        macro_rules! r {
            ($i:expr) => {
                // SAFETY: register indices are 5-bit fields or SINK (32).
                unsafe { *regs.get_unchecked($i as usize) }
            };
        }
        macro_rules! w {
            ($i:expr, $v:expr) => {{
                let v = $v;
                unsafe { *regs.get_unchecked_mut($i as usize) = v };
            }};
        }
        macro_rules! finish {
            ($res:expr) => {{
                regs[0] = 0;
                m.cpu.regs.copy_from_slice(&regs[..32]);
                m.cpu.pc = pc;
                m.cpu.instret += fuel_start - fuel;
                return $res;
            }};
        }
        macro_rules! trap {
            ($t:expr) => {{
                let t: Trap = $t;
                finish!(Step::Done(RunOutcome::Trap(t)))
            }};
        }
        macro_rules! mem_trap {
            ($f:expr) => {{
                let f: MemFault = $f;
                trap!(Trap::from_mem_fault(f, pc))
            }};
        }

        loop {
            if fuel == 0 {
                if m.cpu.instret + (fuel_start - fuel) >= m.cpu.insn_limit {
                    trap!(Trap::new(TrapKind::InstructionLimit, pc, 0, 0));
                }
                if m.interrupt.load(Ordering::Relaxed) {
                    trap!(Trap::new(TrapKind::Timeout, pc, 0, 0));
                }
                finish!(Step::Continue);
            }
            let s = if pc & 3 == 0 && pc < self.code_limit {
                // SAFETY: pc < code_limit so pc/4 < slots.len() - 1.
                unsafe { *self.slots.get_unchecked((pc >> 2) as usize) }
            } else {
                match self.slot_at(m, pc) {
                    Ok(s) => s,
                    Err(t) => trap!(t),
                }
            };
            let a = r!(s.rs1);
            let b = r!(s.rs2);
            let imm = s.imm as u32;
            let mut next = pc.wrapping_add(4);
            let mut boundary = false;
            match s.op {
                0x00 => w!(s.rd, a.wrapping_add(b)),
                0x01 => w!(s.rd, a.wrapping_sub(b)),
                0x02 => w!(s.rd, a ^ b),
                0x03 => w!(s.rd, a | b),
                0x04 => w!(s.rd, a & b),
                0x05 => w!(s.rd, a << (b & 31)),
                0x06 => w!(s.rd, a >> (b & 31)),
                0x07 => w!(s.rd, ((a as i32) >> (b & 31)) as u32),
                0x08 => w!(s.rd, ((a as i32) < (b as i32)) as u32),
                0x09 => w!(s.rd, (a < b) as u32),
                0x0A => w!(s.rd, a.wrapping_mul(b)),
                0x0B => w!(s.rd, sem::mulh(a, b)),
                0x0C => w!(s.rd, sem::div(a, b)),
                0x0D => w!(s.rd, sem::rem(a, b)),
                0x0E => w!(s.rd, (a == b) as u32),
                0x0F => w!(s.rd, (a != b) as u32),
                0x10 => w!(s.rd, a.wrapping_add(imm)),
                0x11 => w!(s.rd, a | imm),
                0x12 => w!(s.rd, a & imm),
                0x13 => w!(s.rd, a << (imm & 31)),
                0x14 => w!(s.rd, a >> (imm & 31)),
                0x15 => w!(s.rd, ((a as i32) >> (imm & 31)) as u32),
                0x16 => w!(s.rd, ((a as i32) < s.imm) as u32),
                0x17 => w!(s.rd, (a < imm) as u32),
                0x18 => w!(s.rd, ((a as i32) > (b as i32)) as u32),
                0x19 => w!(s.rd, (a > b) as u32),
                0x1A => w!(s.rd, ((a as i32) <= (b as i32)) as u32),
                0x1B => w!(s.rd, (a <= b) as u32),
                0x1C => w!(s.rd, ((a as i32) >= (b as i32)) as u32),
                0x1D => w!(s.rd, (a >= b) as u32),
                0x1E => w!(s.rd, a ^ imm),
                0x1F => w!(s.rd, sem::mulhu(a, b)),
                0x20 => w!(s.rd, imm),
                0x30 => match m.mem.read(a.wrapping_add(imm), 1) {
                    Ok(v) => w!(s.rd, v as u8 as i8 as i32 as u32),
                    Err(f) => mem_trap!(f),
                },
                0x31 => match m.mem.read(a.wrapping_add(imm), 2) {
                    Ok(v) => w!(s.rd, v as u16 as i16 as i32 as u32),
                    Err(f) => mem_trap!(f),
                },
                0x32 => match m.mem.read(a.wrapping_add(imm), 4) {
                    Ok(v) => w!(s.rd, v),
                    Err(f) => mem_trap!(f),
                },
                0x33 => match m.mem.read(a.wrapping_add(imm), 1) {
                    Ok(v) => w!(s.rd, v),
                    Err(f) => mem_trap!(f),
                },
                0x34 => match m.mem.read(a.wrapping_add(imm), 2) {
                    Ok(v) => w!(s.rd, v),
                    Err(f) => mem_trap!(f),
                },
                0x38..=0x3A => {
                    let size = 1u32 << (s.op - 0x38);
                    let addr = a.wrapping_add(imm);
                    if let Err(f) = m.mem.write(addr, size, b) {
                        mem_trap!(f);
                    }
                    if !self.wxorx && addr < self.code_limit {
                        self.decode_words(m, addr, size);
                    }
                }
                0x3F => {
                    if a != b {
                        trap!(Trap::new(
                            TrapKind::AssertionFailed,
                            pc,
                            0,
                            s.rs1 as u32 | (s.rs2 as u32) << 8
                        ));
                    }
                }
                0x40 => {
                    w!(s.rd, pc.wrapping_add(4));
                    next = pc.wrapping_add(imm);
                    boundary = true;
                }
                0x41 => {
                    w!(s.rd, pc.wrapping_add(4));
                    next = a.wrapping_add(imm) & !1;
                    boundary = true;
                }
                0x48..=0x4D => {
                    let taken = match s.op {
                        0x48 => a == b,
                        0x49 => a != b,
                        0x4A => (a as i32) < (b as i32),
                        0x4B => (a as i32) >= (b as i32),
                        0x4C => a < b,
                        _ => a >= b,
                    };
                    if taken {
                        next = next.wrapping_add(imm);
                    }
                    boundary = true;
                }
                0x50 => {}
                0x51 => {
                    // YIELD: hand the ring to the host.
                    fuel -= 1;
                    pc = next;
                    regs[0] = 0;
                    m.cpu.regs.copy_from_slice(&regs[..32]);
                    m.cpu.pc = pc;
                    m.cpu.instret += fuel_start - fuel;
                    if let Some(o) = m.service_yield() {
                        return Step::Done(o);
                    }
                    return Step::Boundary;
                }
                0x52 => {
                    m.host.debug_byte(a as u8);
                    boundary = true;
                }
                0x53..=0x78 => {
                    crate::fpu::exec_float(
                        &mut regs,
                        s.op,
                        s.rd as usize,
                        s.rs1 as usize,
                        s.rs2 as usize,
                    );
                    regs[0] = 0;
                }
                0x7F => {
                    fuel -= 1;
                    regs[0] = 0;
                    m.cpu.regs.copy_from_slice(&regs[..32]);
                    m.cpu.pc = pc;
                    m.cpu.instret += fuel_start - fuel;
                    return Step::Done(m.halt());
                }
                OP_BADPAIR => trap!(Trap::new(TrapKind::BadRegisterPair, pc, s.rd as u32, 0)),
                OP_ILLEGAL => trap!(Trap::new(TrapKind::IllegalInstruction, pc, imm, 0)),
                OP_LAZY => {
                    // First run of this word (only an aligned pc inside
                    // the code region reads a lazy slot): decode it, then
                    // run it from its slot. Nothing retired yet.
                    self.decode_words(m, pc, 4);
                    continue;
                }
                _ => {
                    // OP_SLOW cannot appear for an in-range aligned pc;
                    // anything else is an execute fault.
                    trap!(Trap::from_mem_fault(
                        MemFault {
                            kind: AccessKind::Execute,
                            addr: pc,
                            size: 4
                        },
                        pc
                    ));
                }
            }
            fuel -= 1;
            pc = next;
            if boundary && stop_at_block_end {
                finish!(Step::Boundary);
            }
        }
    }
}

enum Step {
    /// Fuel ran out; re-check limits and continue.
    Continue,
    /// Stopped at a block boundary (or after a YIELD).
    Boundary,
    /// The machine stopped.
    Done(RunOutcome),
}

#[cfg(test)]
mod tests {
    use super::*;
    use fast32_isa::Opcode;

    #[test]
    fn r0_writes_go_to_the_sink() {
        let s = make_slot(
            fast32_isa::encode(&Inst {
                op: Opcode::Addi,
                rd: 0,
                rs1: 1,
                rs2: 0,
                imm: 5,
            })
            .unwrap(),
        );
        assert_eq!(s.rd, SINK);
    }

    #[test]
    fn pair_destination_r0_is_kept() {
        let s = make_slot(
            fast32_isa::encode(&Inst {
                op: Opcode::FaddD,
                rd: 0,
                rs1: 6,
                rs2: 6,
                imm: 0,
            })
            .unwrap(),
        );
        assert_eq!((s.op, s.rd), (0x61, 0));
    }

    #[test]
    fn odd_pair_is_a_trap_slot() {
        let s = make_slot(
            fast32_isa::encode(&Inst {
                op: Opcode::FcvtWD,
                rd: 1,
                rs1: 7,
                rs2: 0,
                imm: 0,
            })
            .unwrap(),
        );
        assert_eq!((s.op, s.rd), (OP_BADPAIR, 7));
    }

    #[test]
    fn unknown_opcode_is_illegal() {
        assert_eq!(make_slot(0x21).op, OP_ILLEGAL);
    }
}
