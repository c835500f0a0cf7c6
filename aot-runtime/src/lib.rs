//! The runtime of AOT-compiled SLOW-32 code.
//!
//! - [`fault`]: the entry trampoline, and hardware faults in compiled code
//!   turned into guest traps;
//! - [`dispatch`]: the loop that enters compiled functions, services
//!   YIELD/DEBUG/HALT and traps, and hands undiscovered code to the JIT;
//! - [`exe`]: `main` of the executables `fast32 compile` produces;
//! - [`fast32_aot_fp`]: the FP helper compiled code calls;
//! - [`intrinsics`]: native `memcpy`, `strlen`, ... that compiled code
//!   calls instead of guest routines proven equivalent.
//!
//! It is linked into `fast32` itself (in-memory AOT) and, as a static
//! library, into every AOT executable; it has no Cranelift in it.

pub mod dispatch;
pub mod exe;
pub mod fault;
pub mod intrinsics;

pub use dispatch::{CompiledCode, DispatchStats, Dispatcher};
pub use fault::{FaultSite, SiteTable};

/// Where executables put guest memory: their code addresses it as
/// `FIXED_MEM_BASE + address`, a constant displacement, so no host register
/// holds the memory base and nothing reloads it after calls (Lua: 7% fewer
/// host instructions). Below 2 GiB, as x86-64 displacements are signed 32
/// bits; 4 GiB + guards around here lie clear of the places Linux puts a PIE
/// executable, its heap, shared libraries and stacks, and of Valgrind's own
/// code (at 0x58000000). If the range is taken anyway, the run goes to the
/// JIT ([`CompiledCode::fixed_mem_base`]).
pub const FIXED_MEM_BASE: u64 = 0x6000_0000;

/// Where executables' code finds `CpuState`: at a constant address, so
/// that no host register holds a pointer to it. With the pointer in a
/// register (Cranelift's pinned register, or a value spilled and reloaded
/// in large functions), that register was lost to guest registers: in
/// Lua's interpreter loop 6% of host instructions reloaded it from the
/// host stack. One page, 128 KiB below guest memory's reservation
/// (`FIXED_MEM_BASE` minus its 64 KiB lower guard); the dispatcher copies
/// the machine's state there before it enters compiled code and back
/// after. If the page is taken, the run goes to the JIT
/// ([`CompiledCode::fixed_state`]).
pub const FIXED_STATE: u64 = FIXED_MEM_BASE - 0x2_0000;

/// Offset in the page at [`FIXED_STATE`] of a word that holds the page's
/// own address: compiled code loads the state pointer from it, a value
/// its register allocator keeps in a register (a constant it would
/// rematerialize in every block; see `fast32_aot::lower`).
pub const STATE_SELF_OFFSET: usize = 2048;

/// Name of the FP helper compiled code imports.
pub const FP_HELPER: &str = "fast32_aot_fp";

/// Executes one FP / register-pair instruction on operand values:
/// `a`, `ah` = rs1 and its pair partner, `b`, `bh` = rs2 and its partner.
/// Returns the result word in the low half and, for pair results, the
/// high word in the high half. The same code as the interpreter's.
#[no_mangle]
pub extern "C" fn fast32_aot_fp(op: u32, a: u32, ah: u32, b: u32, bh: u32) -> u64 {
    // Registers: rs1 = 0, rs1+1 = 1, rs2 = 2, rs2+1 = 3, rd = 4 (rd+1 = 5).
    let mut regs = [a, ah, b, bh, 0, 0];
    fast32_runtime::fpu::exec_float(&mut regs, op as u8, 4, 0, 2);
    regs[4] as u64 | (regs[5] as u64) << 32
}
