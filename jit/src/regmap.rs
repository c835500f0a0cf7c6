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
        let mut count = [0u64; 32];
        for &w in code {
            if let Ok(i) = decode(w) {
                let f = i.op.format();
                count[i.rs1 as usize] += 1;
                if matches!(f, Format::R | Format::Rcmp | Format::S | Format::B) {
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
