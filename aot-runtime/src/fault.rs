//! Entering compiled code, and turning hardware faults in it into guest
//! traps.
//!
//! Compiled guest code is entered through a small assembly trampoline,
//! [`enter`], that saves the host callee-saved registers, records its stack
//! pointer in the active [`FaultContext`], and calls the guest function.
//!
//! Guest loads and stores are unchecked: an access to an unmapped or
//! read-only page raises SIGSEGV (or SIGBUS). The handler claims the fault
//! only if the faulting instruction is one of the fault sites of the code
//! active on this thread; it then fills the trap fields of `CpuState`
//! (kind and guest PC from the site, guest address = fault address minus
//! the memory base, size from the site) and resumes in the trampoline's
//! epilogue with the stack pointer it saved and `rax` = the trap exit:
//! the Cranelift frames in between are simply abandoned (no Rust frames
//! live there). The claim is registered with the shared handler in
//! `fast32_runtime::signals`, which offers each fault to the JIT's claimer
//! too and passes unclaimed faults on.
//!
//! The guest address is exact except for a misaligned access that
//! straddles into an unmapped page: the hardware reports the first bad
//! byte, the interpreter the access's first byte (registers cannot be
//! recovered reliably from optimized code to recompute it). Kind and guest
//! PC are always exact.

use fast32_runtime::state::ExitReason;
use fast32_runtime::{CpuState, TrapKind};
use std::cell::Cell;

std::arch::global_asm!(
    ".text",
    ".p2align 4",
    ".globl fast32_aot_enter",
    "fast32_aot_enter:",
    // rdi = state, rsi = mem_base, edx = entry_pc, rcx = sp_limit,
    // r8 = function, r9 = &saved_rsp, [rsp + 8] = adapter: the adapter
    // is called with the first five unchanged.
    "push rbx",
    "push rbp",
    "push r12",
    "push r13",
    "push r14",
    "push r15",
    "sub rsp, 8",
    "mov rax, [rsp + 64]",
    "mov [r9], rsp",
    "call rax",
    ".globl fast32_aot_resume",
    "fast32_aot_resume:",
    "add rsp, 8",
    "pop r15",
    "pop r14",
    "pop r13",
    "pop r12",
    "pop rbp",
    "pop rbx",
    "ret",
);

extern "sysv64" {
    fn fast32_aot_enter(
        state: *mut CpuState,
        mem_base: *mut u8,
        entry_pc: u32,
        sp_limit: u64,
        func: usize,
        saved_rsp: *mut u64,
        adapter: usize,
    ) -> u64;
    fn fast32_aot_resume();
}

/// A load or store in compiled code that may fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FaultSite {
    /// Offset of the faulting host instruction from the function start.
    pub offset: u32,
    pub guest_pc: u32,
    pub kind: TrapKind,
    pub size: u8,
}

/// A fault site at an absolute host address.
#[derive(Clone, Copy, Debug)]
pub struct HostSite {
    pub host: usize,
    pub site: FaultSite,
}

/// What the handler needs while compiled code runs on this thread.
pub struct FaultContext {
    /// Bounds of all compiled code.
    pub code_start: usize,
    pub code_end: usize,
    /// Sorted by host address.
    pub sites: *const [HostSite],
    pub state: *mut CpuState,
    pub mem_base: usize,
    /// Stack pointer of the trampoline at the call (set by it).
    pub saved_rsp: u64,
}

thread_local! {
    static ACTIVE: Cell<*mut FaultContext> = const { Cell::new(std::ptr::null_mut()) };
}

/// Registers this engine's fault claimer with the shared handler.
pub fn install() {
    fast32_runtime::signals::install(claim);
}

/// Runs compiled function `func` at guest `entry_pc` with `ctx` active,
/// through `adapter` (which passes registers between `CpuState` and the
/// guest functions' own convention).
///
/// # Safety
/// `func` must be a function lowered for the machine whose state and
/// memory `ctx` names, and `adapter` the adapter compiled with it.
pub unsafe fn enter(
    ctx: &mut FaultContext,
    adapter: usize,
    func: usize,
    entry_pc: u32,
    sp_limit: u64,
) -> u64 {
    let prev = ACTIVE.with(|a| a.replace(ctx as *mut _));
    let r = fast32_aot_enter(
        ctx.state,
        ctx.mem_base as *mut u8,
        entry_pc,
        sp_limit,
        func,
        &mut ctx.saved_rsp,
        adapter,
    );
    ACTIVE.with(|a| a.set(prev));
    r
}

/// Claims faults at this engine's guest memory accesses on this thread.
unsafe fn claim(_sig: libc::c_int, info: *mut libc::siginfo_t, uc: *mut libc::ucontext_t) -> bool {
    let gregs = &mut (*uc).uc_mcontext.gregs;
    let rip = gregs[libc::REG_RIP as usize] as usize;
    let ctx = ACTIVE.with(|a| a.get());
    if !ctx.is_null() {
        let ctx = &mut *ctx;
        if rip >= ctx.code_start && rip < ctx.code_end {
            let sites = &*ctx.sites;
            if let Ok(i) = sites.binary_search_by(|s| s.host.cmp(&rip)) {
                let site = sites[i].site;
                let st = &mut *ctx.state;
                let fault_addr = (*info).si_addr() as usize;
                st.trap_kind = site.kind as u32;
                st.trap_addr = fault_addr.wrapping_sub(ctx.mem_base) as u32;
                st.aux = site.size as u32;
                st.pc = site.guest_pc;
                st.exit_reason = ExitReason::Trap as u32;
                gregs[libc::REG_RAX as usize] =
                    ((ExitReason::Trap as i64) << 32) | site.guest_pc as i64;
                gregs[libc::REG_RSP as usize] = ctx.saved_rsp as i64;
                gregs[libc::REG_RIP as usize] = fast32_aot_resume as *const () as usize as i64;
                return true;
            }
        }
    }
    false
}
