//! Which guest registers live in host registers.
//!
//! Ten x86-64 registers hold the ten guest registers used most often in
//! the program's code (counted once, statically, over the whole code
//! region). They stay in host registers for the whole time translated code
//! runs, across block boundaries and chained jumps, and are written back
//! to [`fast32_runtime::CpuState`] only when control leaves translated
//! code (exits to the runtime, helper calls, faults). The other guest
//! registers are accessed in `CpuState` directly, which x86 memory
//! operands make cheap.
//!
//! Fixed host registers: `rbx` = CpuState pointer, `r12` = guest memory
//! base, `rax`/`rcx`/`rdx` = scratch.

use fast32_isa::{decode, Format};

/// x86-64 register numbers.
pub const RAX: u8 = 0;
pub const RCX: u8 = 1;
pub const RDX: u8 = 2;
pub const RBX: u8 = 3;
pub const RBP: u8 = 5;
pub const RSI: u8 = 6;
pub const RDI: u8 = 7;
pub const R12: u8 = 12;

/// Host registers available for guest registers, in allocation order.
pub const ALLOCATABLE: [u8; 10] = [RSI, RDI, 8, 9, 10, 11, RBP, 13, 14, 15];

/// Where a guest register lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loc {
    /// r0: always zero.
    Zero,
    /// In a host register.
    Reg(u8),
    /// In `CpuState.regs` at this byte offset from `rbx`.
    Mem(i32),
}

#[derive(Clone, Debug)]
pub struct RegMap {
    host: [Option<u8>; 32],
}

impl RegMap {
    /// Picks the most frequently named guest registers in `code` (the
    /// code region's words; data words that do not decode are skipped).
    pub fn for_code(code: &[u32]) -> RegMap {
        // Which register fields each opcode names, decided once per
        // opcode rather than by decoding every word (this runs on every
        // start, over the whole code region: Lua's is 75,000 words).
        const VALID: u8 = 1;
        const RS1: u8 = 2;
        const RS2: u8 = 4;
        const RD: u8 = 8;
        let mut fields = [0u8; 128];
        for (opcode, f) in fields.iter_mut().enumerate() {
            if let Ok(i) = decode(opcode as u32) {
                let fmt = i.op.format();
                *f = VALID;
                if !matches!(fmt, Format::U | Format::J | Format::N) {
                    *f |= RS1;
                }
                if matches!(fmt, Format::R | Format::Rcmp | Format::S | Format::B) {
                    *f |= RS2;
                }
                if i.op.writes_rd() {
                    *f |= RD;
                }
            }
        }
        let mut count = [0u64; 32];
        for &w in code {
            let f = fields[(w & 0x7f) as usize];
            if f & RS1 != 0 {
                count[((w >> 15) & 31) as usize] += 1;
            }
            if f & RS2 != 0 {
                count[((w >> 20) & 31) as usize] += 1;
            }
            if f & RD != 0 {
                count[((w >> 7) & 31) as usize] += 1;
            }
        }
        count[0] = 0;
        let mut order: Vec<usize> = (1..32).collect();
        order.sort_by(|a, b| count[*b].cmp(&count[*a]).then(a.cmp(b)));
        let mut host = [None; 32];
        for (slot, g) in order.iter().take(ALLOCATABLE.len()).enumerate() {
            host[*g] = Some(ALLOCATABLE[slot]);
        }
        RegMap { host }
    }

    /// A map with nothing in host registers (for testing the memory path).
    pub fn none() -> RegMap {
        RegMap { host: [None; 32] }
    }

    #[inline]
    pub fn loc(&self, g: u8) -> Loc {
        if g == 0 {
            Loc::Zero
        } else {
            match self.host[g as usize] {
                Some(h) => Loc::Reg(h),
                None => Loc::Mem(fast32_runtime::state::offsets::reg(g)),
            }
        }
    }

    /// (guest register, host register) pairs.
    pub fn mapped(&self) -> impl Iterator<Item = (u8, u8)> + '_ {
        self.host
            .iter()
            .enumerate()
            .filter_map(|(g, h)| h.map(|h| (g as u8, h)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The per-opcode table counts exactly what decoding every word does.
    #[test]
    fn table_counts_match_decoding() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..50 {
            let words: Vec<u32> = (0..2000)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    // Few registers in use, so the ranking is decided by counts.
                    (x as u32) & 0x7fff_ffff & !(0x18 << 15) & !(0x18 << 20)
                })
                .collect();
            let mut count = [0u64; 32];
            for &w in &words {
                if let Ok(i) = decode(w) {
                    count[i.rs1 as usize] += 1;
                    if matches!(
                        i.op.format(),
                        Format::R | Format::Rcmp | Format::S | Format::B
                    ) {
                        count[i.rs2 as usize] += 1;
                    }
                    if i.op.writes_rd() {
                        count[i.rd as usize] += 1;
                    }
                }
            }
            count[0] = 0;
            let mut order: Vec<usize> = (1..32).collect();
            order.sort_by(|a, b| count[*b].cmp(&count[*a]).then(a.cmp(b)));
            let map = RegMap::for_code(&words);
            for (slot, g) in order.iter().take(ALLOCATABLE.len()).enumerate() {
                assert_eq!(map.loc(*g as u8), Loc::Reg(ALLOCATABLE[slot]));
            }
        }
    }
}
