//! Turning hardware faults in translated code into guest traps.
//!
//! Translated loads and stores are unchecked: a guest access to an
//! unmapped or read-only page raises SIGSEGV (or SIGBUS). The handler
//! looks the faulting host instruction up in the active JIT's fault-site
//! table, fills the trap fields of the guest CPU state (kind, guest PC,
//! guest address from the register the site records), takes back the
//! instructions counted ahead at block entry, and resumes at a stub that
//! leaves translated code normally. Faults anywhere else are left to the
//! shared handler in `fast32_runtime::signals`, which passes them on.

use crate::translate::FaultSite;
use fast32_runtime::memory::AccessKind;
use fast32_runtime::state::ExitReason;
use fast32_runtime::{CpuState, TrapKind};
use std::cell::Cell;

/// What the handler needs while translated code runs on this thread.
pub struct FaultContext {
    pub code_start: usize,
    pub code_end: usize,
    /// Sorted by host address (code is append-only).
    pub sites: *const Vec<FaultSite>,
    pub trap_stub: usize,
    pub state: *mut CpuState,
}

thread_local! {
    static ACTIVE: Cell<*const FaultContext> = const { Cell::new(std::ptr::null()) };
}

/// Registers this engine's fault claimer with the shared handler.
pub fn install() {
    fast32_runtime::signals::install(claim);
}

/// Marks `ctx` as active on this thread while `f` runs translated code.
pub fn with_active<R>(ctx: &FaultContext, f: impl FnOnce() -> R) -> R {
    let prev = ACTIVE.with(|a| a.replace(ctx as *const _));
    let r = f();
    ACTIVE.with(|a| a.set(prev));
    r
}

/// Index in `ucontext` gregs of an x86 register number.
fn greg_index(reg: u8) -> usize {
    (match reg {
        0 => libc::REG_RAX,
        1 => libc::REG_RCX,
        2 => libc::REG_RDX,
        3 => libc::REG_RBX,
        4 => libc::REG_RSP,
        5 => libc::REG_RBP,
        6 => libc::REG_RSI,
        7 => libc::REG_RDI,
        8 => libc::REG_R8,
        9 => libc::REG_R9,
        10 => libc::REG_R10,
        11 => libc::REG_R11,
        12 => libc::REG_R12,
        13 => libc::REG_R13,
        14 => libc::REG_R14,
        _ => libc::REG_R15,
    }) as usize
}

/// Claims faults at this engine's guest memory accesses on this thread.
unsafe fn claim(_sig: libc::c_int, _info: *mut libc::siginfo_t, uc: *mut libc::ucontext_t) -> bool {
    let gregs = &mut (*uc).uc_mcontext.gregs;
    let rip = gregs[libc::REG_RIP as usize] as usize;
    let ctx = ACTIVE.with(|a| a.get());
    if !ctx.is_null() {
        let ctx = &*ctx;
        if rip >= ctx.code_start && rip < ctx.code_end {
            let sites = &*ctx.sites;
            if let Ok(i) = sites.binary_search_by(|s| s.host.cmp(&rip)) {
                let site = sites[i];
                let st = &mut *ctx.state;
                st.pc = site.guest_pc;
                st.trap_kind = match site.kind {
                    AccessKind::Read => TrapKind::LoadFault,
                    AccessKind::Write => TrapKind::StoreFault,
                    AccessKind::Execute => TrapKind::ExecuteFault,
                } as u32;
                st.trap_addr = gregs[greg_index(site.addr_reg)] as u32;
                st.aux = site.size as u32;
                st.instret = st.instret.wrapping_sub(site.uncount as u64);
                st.exit_reason = ExitReason::Trap as u32;
                gregs[libc::REG_RIP as usize] = ctx.trap_stub as i64;
                return true;
            }
        }
    }
    false
}
