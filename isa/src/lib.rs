//! The SLOW-32 instruction set as data: the instruction table, the one
//! decoder (plus a visitor trait over it), the encoder, the disassembler,
//! the exact arithmetic semantics shared by every engine, and the `.s32x`
//! executable format.

pub mod disasm;
pub mod inst;
pub mod s32x;
pub mod semantics;

pub use inst::{
    decode, encode, visit, DecodeError, EncodeError, Flow, Format, Inst, InstructionVisitor,
    Opcode, Operands,
};

/// Number of general-purpose registers.
pub const NUM_REGS: usize = 32;
/// Conventional registers.
pub const REG_SP: u8 = 29;
pub const REG_FP: u8 = 30;
pub const REG_LR: u8 = 31;
