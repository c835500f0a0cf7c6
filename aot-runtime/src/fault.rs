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

use crate::exe::RawSite;
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

/// Where a [`SiteTable`]'s sites are: built in memory, or read in place
/// from an executable's data.
enum Sites {
    Owned(Vec<FaultSite>),
    Static(&'static [RawSite]),
}

/// One compiled function's code and its slice of the sites.
#[derive(Clone, Copy, Debug)]
struct FuncSites {
    start: usize,
    end: usize,
    first: usize,
    len: usize,
}

/// The fault sites of compiled code, looked up by host address: the
/// functions sorted by address, each with its sites sorted by offset.
///
/// Why not one table of absolute addresses: building and sorting it cost
/// every start a pass over all sites (Lua's executable: 1.3M of its 4.5M
/// host instructions before the guest's first). Sorting the functions
/// alone is cheap, and an executable's sites are read where they are.
pub struct SiteTable {
    funcs: Vec<FuncSites>,
    sites: Sites,
}

impl SiteTable {
    /// Functions at `starts` with `sizes` and, for each, its sites sorted
    /// by offset.
    pub fn new(starts: &[usize], sizes: &[u32], per_func: Vec<Vec<FaultSite>>) -> SiteTable {
        let mut all = Vec::with_capacity(per_func.iter().map(Vec::len).sum());
        let mut funcs = Vec::with_capacity(starts.len());
        for ((&start, &size), sites) in starts.iter().zip(sizes).zip(per_func) {
            funcs.push(FuncSites {
                start,
                end: start + size as usize,
                first: all.len(),
                len: sites.len(),
            });
            all.extend(sites);
        }
        funcs.sort_by_key(|f| f.start);
        SiteTable {
            funcs,
            sites: Sites::Owned(all),
        }
    }

    /// Functions at `starts` with `sizes` and the sites an executable
    /// stores, grouped by function index in order, each function's sorted
    /// by offset (as the object writer emits them). Each group is found by
    /// binary search, not by a pass over every site; a table whose groups
    /// do not line up is refused (`None`).
    pub fn from_raw(starts: &[usize], sizes: &[u32], raw: &'static [RawSite]) -> Option<SiteTable> {
        let mut funcs = Vec::with_capacity(starts.len());
        let mut first = 0;
        for (i, (&start, &size)) in starts.iter().zip(sizes).enumerate() {
            let rest = &raw[first..];
            let len = rest.partition_point(|r| r.func as usize <= i);
            if len > 0 && (rest[0].func as usize != i || rest[len - 1].func as usize != i) {
                return None;
            }
            funcs.push(FuncSites {
                start,
                end: start + size as usize,
                first,
                len,
            });
            first += len;
        }
        if first != raw.len() {
            return None;
        }
        funcs.sort_by_key(|f| f.start);
        Some(SiteTable {
            funcs,
            sites: Sites::Static(raw),
        })
    }

    /// The site of the host instruction at `addr`, if it is one.
    pub fn find(&self, addr: usize) -> Option<FaultSite> {
        let i = self
            .funcs
            .partition_point(|f| f.start <= addr)
            .checked_sub(1)?;
        let f = self.funcs[i];
        if addr >= f.end {
            return None;
        }
        let off = u32::try_from(addr - f.start).ok()?;
        let range = f.first..f.first + f.len;
        match &self.sites {
            Sites::Owned(v) => {
                let s = &v[range];
                s.binary_search_by_key(&off, |x| x.offset)
                    .ok()
                    .map(|k| s[k])
            }
            Sites::Static(r) => {
                let s = &r[range];
                let k = s.binary_search_by_key(&off, |x| x.offset).ok()?;
                s[k].site()
            }
        }
    }

    /// Bounds of all the functions' code (empty: `(0, 0)`).
    pub fn code_bounds(&self) -> (usize, usize) {
        let lo = self.funcs.first().map_or(0, |f| f.start);
        let hi = self.funcs.iter().map(|f| f.end).max().unwrap_or(0);
        (lo, hi)
    }
}

/// What the handler needs while compiled code runs on this thread.
pub struct FaultContext {
    /// Bounds of all compiled code.
    pub code_start: usize,
    pub code_end: usize,
    pub sites: *const SiteTable,
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
            if let Some(site) = (*ctx.sites).find(rip) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn site(offset: u32, guest_pc: u32) -> FaultSite {
        FaultSite {
            offset,
            guest_pc,
            kind: TrapKind::LoadFault,
            size: 4,
        }
    }

    fn raw(func: u32, offset: u32, guest_pc: u32, kind: u8) -> RawSite {
        RawSite {
            func,
            offset,
            guest_pc,
            kind,
            size: 2,
            _pad: 0,
        }
    }

    /// Sites are found by absolute address whatever order the functions
    /// were laid out in; addresses between sites, between functions or
    /// past the code are not sites.
    #[test]
    fn lookup_by_host_address() {
        // Function 0 at 0x2000 (0x100 bytes), function 1 at 0x1000 (0x80).
        let t = SiteTable::new(
            &[0x2000, 0x1000],
            &[0x100, 0x80],
            vec![
                vec![site(0x10, 0x40), site(0xf0, 0x44)],
                vec![site(0x7f, 0x80)],
            ],
        );
        assert_eq!(t.find(0x2010).map(|s| s.guest_pc), Some(0x40));
        assert_eq!(t.find(0x20f0).map(|s| s.guest_pc), Some(0x44));
        assert_eq!(t.find(0x107f).map(|s| s.guest_pc), Some(0x80));
        for a in [0x2011, 0x1000, 0x1080, 0x2100, 0xfff, 0, usize::MAX] {
            assert_eq!(t.find(a), None, "{a:#x}");
        }
        assert_eq!(t.code_bounds(), (0x1000, 0x2100));
    }

    /// An executable's sites are read in place; a kind that is not a trap
    /// is no site, and sites not grouped by function are refused.
    #[test]
    fn raw_sites_of_an_executable() {
        let sites: &'static [RawSite] = Box::leak(Box::new([
            raw(0, 4, 0x10, TrapKind::StoreFault as u8),
            raw(0, 9, 0x14, 0),
            raw(2, 1, 0x20, TrapKind::LoadFault as u8),
        ]));
        let t = SiteTable::from_raw(&[0x500, 0x400, 0x300], &[0x10, 0x10, 0x10], sites).unwrap();
        let s = t.find(0x504).unwrap();
        assert_eq!(
            (s.guest_pc, s.kind, s.size),
            (0x10, TrapKind::StoreFault, 2)
        );
        assert_eq!(t.find(0x509), None);
        assert_eq!(t.find(0x301).map(|s| s.guest_pc), Some(0x20));
        assert_eq!(t.find(0x401), None);
        let bad: &'static [RawSite] = Box::leak(Box::new([raw(1, 0, 0, 1), raw(0, 4, 0, 1)]));
        assert!(SiteTable::from_raw(&[0x500, 0x400], &[0x10, 0x10], bad).is_none());
    }
}
