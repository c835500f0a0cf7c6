//! Traps: guest faults as values.
//!
//! Every engine reports a fault as the same [`Trap`] (kind, guest PC,
//! address), printed as one line on stderr and mapped to a fixed process
//! exit status. The reference engines exit with the guest's r1 after a
//! fault, which is often 0 and so indistinguishable from success; fast32
//! reserves 201..=208 instead (see [`TrapKind::exit_status`]).

use crate::memory::{AccessKind, MemFault};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum TrapKind {
    /// Load from unmapped memory (or beyond `mem_size`).
    LoadFault = 1,
    /// Store to unmapped or read-only memory (code, rodata under W^X).
    StoreFault = 2,
    /// Jump outside the code region.
    ExecuteFault = 3,
    /// An opcode that does not exist.
    IllegalInstruction = 4,
    /// An f64/i64 instruction naming an odd or out-of-range register pair.
    BadRegisterPair = 5,
    /// ASSERT_EQ with unequal operands.
    AssertionFailed = 6,
    /// `--max-instructions` reached.
    InstructionLimit = 7,
    /// `--timeout` reached.
    Timeout = 8,
}

impl TrapKind {
    pub fn from_u32(v: u32) -> Option<TrapKind> {
        Some(match v {
            1 => TrapKind::LoadFault,
            2 => TrapKind::StoreFault,
            3 => TrapKind::ExecuteFault,
            4 => TrapKind::IllegalInstruction,
            5 => TrapKind::BadRegisterPair,
            6 => TrapKind::AssertionFailed,
            7 => TrapKind::InstructionLimit,
            8 => TrapKind::Timeout,
            _ => return None,
        })
    }

    /// Process exit status for this trap: 200 + kind.
    pub fn exit_status(self) -> i32 {
        200 + self as i32
    }

    pub fn name(self) -> &'static str {
        match self {
            TrapKind::LoadFault => "load fault",
            TrapKind::StoreFault => "store fault",
            TrapKind::ExecuteFault => "execute fault",
            TrapKind::IllegalInstruction => "illegal instruction",
            TrapKind::BadRegisterPair => "bad register pair",
            TrapKind::AssertionFailed => "assertion failed",
            TrapKind::InstructionLimit => "instruction limit reached",
            TrapKind::Timeout => "timeout",
        }
    }
}

/// A guest fault, reported identically by every engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Trap {
    pub kind: TrapKind,
    /// PC of the faulting instruction (for limits: the next instruction).
    pub pc: u32,
    /// Faulting address (memory faults), the instruction word (illegal
    /// instruction), the register (bad pair), or 0.
    pub addr: u32,
    /// Access size for memory faults; rs1 | rs2 << 8 for assertions.
    pub aux: u32,
}

impl Trap {
    pub fn new(kind: TrapKind, pc: u32, addr: u32, aux: u32) -> Trap {
        Trap {
            kind,
            pc,
            addr,
            aux,
        }
    }

    pub fn from_mem_fault(f: MemFault, pc: u32) -> Trap {
        let kind = match f.kind {
            AccessKind::Read => TrapKind::LoadFault,
            AccessKind::Write => TrapKind::StoreFault,
            AccessKind::Execute => TrapKind::ExecuteFault,
        };
        Trap::new(kind, pc, f.addr, f.size)
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pc = self.pc;
        match self.kind {
            TrapKind::LoadFault => write!(
                f,
                "load fault: read of {} byte(s) at 0x{:08X} (pc=0x{pc:08X})",
                self.aux, self.addr
            ),
            TrapKind::StoreFault => write!(
                f,
                "store fault: write of {} byte(s) at 0x{:08X} (pc=0x{pc:08X})",
                self.aux, self.addr
            ),
            TrapKind::ExecuteFault => {
                write!(f, "execute fault: pc=0x{pc:08X} is outside the code region")
            }
            TrapKind::IllegalInstruction => write!(
                f,
                "illegal instruction 0x{:08X} (opcode 0x{:02X}) at pc=0x{pc:08X}",
                self.addr,
                self.addr & 0x7F
            ),
            TrapKind::BadRegisterPair => write!(
                f,
                "bad register pair: r{} is not an even register below r31 (pc=0x{pc:08X})",
                self.addr
            ),
            TrapKind::AssertionFailed => write!(
                f,
                "assertion failed: r{} != r{} (pc=0x{pc:08X})",
                self.aux & 0xFF,
                (self.aux >> 8) & 0xFF
            ),
            TrapKind::InstructionLimit => {
                write!(f, "instruction limit reached (next pc=0x{pc:08X})")
            }
            TrapKind::Timeout => write!(f, "timeout (pc=0x{pc:08X})"),
        }
    }
}
