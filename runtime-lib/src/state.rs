//! The guest CPU state shared with translated code, and its field offsets.
//!
//! This module is the single owner of the layout that JIT- and AOT-emitted
//! code reads and writes (compare wasmtime's `vmoffsets`): code generators
//! take offsets from [`offsets`], never from their own arithmetic, and the
//! compile-time assertions below keep the two in step.

use std::mem::offset_of;

/// Why translated code handed control back to the runtime.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum ExitReason {
    /// Nothing pending; continue at `pc`.
    None = 0,
    /// Execute a YIELD: service the MMIO ring, then continue at `pc`.
    Yield = 1,
    /// HALT executed at `pc`.
    Halt = 2,
    /// A trap; details in `trap_*` fields.
    Trap = 3,
    /// DEBUG: write the byte in `aux` to stdout, continue at `pc`.
    Debug = 4,
    /// The instruction budget ran out; `pc` is the next instruction.
    InstructionLimit = 5,
    /// `pc` has no translation yet; translate and continue.
    Lookup = 6,
    /// The JIT block at `pc` became hot: re-translate it (as a superblock)
    /// and continue at `pc`. Nothing of the block has executed.
    Hot = 7,
}

/// Architectural state plus the words translated code needs at hand.
#[repr(C)]
#[derive(Debug)]
pub struct CpuState {
    /// r0..r31; r0 is kept 0.
    pub regs: [u32; 32],
    /// Next instruction to execute (or the faulting one after a trap).
    pub pc: u32,
    /// An [`ExitReason`] as u32.
    pub exit_reason: u32,
    /// Host address of guest address 0 (the sandbox base).
    pub mem_base: *mut u8,
    /// Instructions retired so far (maintained when counting is enabled).
    pub instret: u64,
    /// Stop when `instret` reaches this (u64::MAX = no limit).
    pub insn_limit: u64,
    /// Trap kind code (see `trap::TrapKind as u32`) when exit_reason = Trap.
    pub trap_kind: u32,
    /// Faulting guest address, or the offending register, for traps.
    pub trap_addr: u32,
    /// Extra word passed with an exit (DEBUG byte, access size).
    pub aux: u32,
    pub _pad: u32,
    /// Host address of a patchable direct jump whose target was missing
    /// (0 if none): the dispatcher links it to the block it translates.
    pub chain_site: u64,
    /// Host stack pointer when translated code was entered: every exit
    /// returns to it, discarding native frames of guest calls.
    pub host_rsp: u64,
    /// Lowest host stack pointer at which translated code may still push
    /// a native frame for a guest call (JIT return prediction).
    pub rsp_limit: u64,
}

impl CpuState {
    pub fn new(entry: u32, sp: u32, mem_base: *mut u8) -> CpuState {
        let mut regs = [0u32; 32];
        regs[fast32_isa::REG_SP as usize] = sp;
        CpuState {
            regs,
            pc: entry,
            exit_reason: 0,
            mem_base,
            instret: 0,
            insn_limit: u64::MAX,
            trap_kind: 0,
            trap_addr: 0,
            aux: 0,
            _pad: 0,
            chain_site: 0,
            host_rsp: 0,
            rsp_limit: 0,
        }
    }
}

/// Byte offsets into [`CpuState`] for code generators.
pub mod offsets {
    pub const REGS: i32 = 0;
    pub const PC: i32 = 128;
    pub const EXIT_REASON: i32 = 132;
    pub const MEM_BASE: i32 = 136;
    pub const INSTRET: i32 = 144;
    pub const INSN_LIMIT: i32 = 152;
    pub const TRAP_KIND: i32 = 160;
    pub const TRAP_ADDR: i32 = 164;
    pub const AUX: i32 = 168;
    pub const CHAIN_SITE: i32 = 176;
    pub const HOST_RSP: i32 = 184;
    pub const RSP_LIMIT: i32 = 192;
    pub const SIZE: usize = 200;

    /// Offset of register `r`.
    pub const fn reg(r: u8) -> i32 {
        REGS + 4 * r as i32
    }
}

const _: () = {
    assert!(offset_of!(CpuState, regs) == offsets::REGS as usize);
    assert!(offset_of!(CpuState, pc) == offsets::PC as usize);
    assert!(offset_of!(CpuState, exit_reason) == offsets::EXIT_REASON as usize);
    assert!(offset_of!(CpuState, mem_base) == offsets::MEM_BASE as usize);
    assert!(offset_of!(CpuState, instret) == offsets::INSTRET as usize);
    assert!(offset_of!(CpuState, insn_limit) == offsets::INSN_LIMIT as usize);
    assert!(offset_of!(CpuState, trap_kind) == offsets::TRAP_KIND as usize);
    assert!(offset_of!(CpuState, trap_addr) == offsets::TRAP_ADDR as usize);
    assert!(offset_of!(CpuState, aux) == offsets::AUX as usize);
    assert!(offset_of!(CpuState, chain_site) == offsets::CHAIN_SITE as usize);
    assert!(offset_of!(CpuState, host_rsp) == offsets::HOST_RSP as usize);
    assert!(offset_of!(CpuState, rsp_limit) == offsets::RSP_LIMIT as usize);
    assert!(std::mem::size_of::<CpuState>() == offsets::SIZE);
};
