//! The dispatcher: runs a machine on compiled guest functions, whichever
//! driver produced them (in memory with `cranelift-jit`, or linked into an
//! executable from an object file).
//!
//! It enters compiled code at `cpu.pc` through the entry table and handles
//! what comes back (the ABI is documented in `fast32_aot::lower`): YIELD,
//! DEBUG, HALT and traps as the JIT's `run_slice` does, a plain `None`
//! exit by entering compiled code again at the new PC. A PC that is not an
//! entry of compiled code (a jump target that discovery could not see) is
//! handed to the JIT, one block at a time, until the PC is an entry again;
//! [`DispatchStats::fallback_entries`] counts how often that happens.
//!
//! Compiled code does not count instructions: a run with an instruction
//! limit goes to the JIT in counting mode. Code compiled *interruptible*
//! polls the machine's interrupt flag (through [`CompiledCode::interrupt_slot`])
//! on loop back-edges and leaves with `InstructionLimit`; the dispatcher
//! turns that into the timeout trap; with [`Dispatcher::require_interrupts`]
//! code that does not poll is left to the JIT. Programs without W^X (which may
//! rewrite their code) run on the interpreter, as with the JIT.

use crate::fault::{self, FaultContext, SiteTable};
use fast32_jit::{Jit, JitOptions};
use fast32_runtime::state::ExitReason;
use fast32_runtime::{CpuState, Interpreter, Machine, RunOutcome, Trap, TrapKind};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Compiled code as the dispatcher needs it, independent of its origin.
pub struct CompiledCode {
    /// Host function per code word that is an entry (0 if none).
    /// (An executable's is its own data, read in place.)
    pub entries: std::borrow::Cow<'static, [usize]>,
    /// Fault sites, by host address.
    pub sites: SiteTable,
    /// Where interruptible code reads the address of the interrupt flag
    /// (null when the code was not compiled interruptible).
    pub interrupt_slot: *mut usize,
    /// The adapter compiled code is entered through (platform calling
    /// convention, calling the guest function's `tail` convention; see
    /// `fast32_aot::lower::define_adapter`).
    pub adapter: usize,
    /// The host address of guest memory the code was compiled for
    /// (`None`: it reads the base from `CpuState`). A machine whose memory
    /// is elsewhere runs on the JIT.
    pub fixed_mem_base: Option<usize>,
    /// The host address of `CpuState` the code was compiled for (`None`:
    /// the adapter passes it in the pinned register). The dispatcher maps
    /// a page there and keeps the machine's state in it while compiled
    /// code runs; if the page is taken the run goes to the JIT.
    pub fixed_state: Option<usize>,
}

/// The page at [`CompiledCode::fixed_state`] that holds the machine's
/// `CpuState` while compiled code runs, unmapped when dropped.
struct StatePage(*mut CpuState);

impl StatePage {
    const LEN: usize = fast32_runtime::memory::PAGE_SIZE as usize;

    /// Maps the page at `addr`, unless something is there already.
    fn map(addr: usize) -> Option<StatePage> {
        // The state, then (aligned, past it) the page's own address.
        const _: () = assert!(std::mem::size_of::<CpuState>() <= crate::STATE_SELF_OFFSET);
        const _: () = assert!(crate::STATE_SELF_OFFSET + 8 <= StatePage::LEN);
        // SAFETY: a fresh anonymous mapping that replaces nothing.
        let p = unsafe {
            libc::mmap(
                addr as *mut libc::c_void,
                Self::LEN,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED_NOREPLACE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return None;
        }
        if p as usize != addr {
            // A kernel without MAP_FIXED_NOREPLACE took it as a hint.
            // SAFETY: the mapping just made, used by nothing.
            unsafe { libc::munmap(p, Self::LEN) };
            return None;
        }
        // SAFETY: an aligned word inside the page, past the state.
        unsafe { *(p as *mut u8).add(crate::STATE_SELF_OFFSET).cast::<usize>() = p as usize };
        Some(StatePage(p.cast()))
    }
}

impl Drop for StatePage {
    fn drop(&mut self) {
        // SAFETY: the mapping `map` made; nothing refers to it any more.
        unsafe { libc::munmap(self.0.cast(), StatePage::LEN) };
    }
}

/// What the dispatcher did.
#[derive(Clone, Copy, Debug, Default)]
pub struct DispatchStats {
    /// Times the dispatcher found no compiled entry and used the JIT.
    pub fallback_entries: u64,
    /// JIT slices run during those fallbacks: one block each, or more
    /// once the run is fallback-heavy (see [`CHAINED_AFTER`]).
    pub fallback_blocks: u64,
    /// Entries into compiled code.
    pub dispatches: u64,
}

/// After this many fallbacks, if they are at least a quarter of the
/// entries into compiled code, the JIT runs with its blocks chained
/// instead of one block at a time: compiled code keeps leaving for code
/// discovery never saw (a threaded interpreter's primitives without a
/// profile), and each round trip through the dispatcher costs more than
/// the JIT's own code (the Forth kernel without a profile ran 7.5x the
/// JIT's host instructions). The JIT then runs the rest of the program:
/// coming back to compiled code at each of its exits to an address with
/// an entry kept the Forth kernel at 6.4x.
pub const CHAINED_AFTER: u64 = 10_000;

/// Runs machines on one program's compiled code.
pub struct Dispatcher {
    code: CompiledCode,
    jit: Option<Jit>,
    pub stats: DispatchStats,
    stack_budget: Option<u64>,
    /// Something will set the interrupt flag (a timeout): code that does
    /// not poll it must not run.
    need_interrupts: bool,
    /// With FAST32_AOT_TRACE_FALLBACK set: how often each PC fell back.
    fallback_pcs: Option<HashMap<u32, u64>>,
}

/// Room left on the host stack below the deepest guest frame.
const STACK_MARGIN: u64 = 128 << 10;

/// An address in the current stack frame.
#[inline(never)]
fn stack_here() -> u64 {
    let marker = 0u8;
    std::hint::black_box(std::ptr::addr_of!(marker)) as u64
}

/// The lowest host stack address compiled code may use on this thread.
fn stack_limit() -> u64 {
    let here = stack_here();
    let low = if is_main_thread() {
        main_stack_low()
    } else {
        thread_stack_low()
    };
    match low {
        Some(low) if low < here && here - low > 2 * STACK_MARGIN => low + STACK_MARGIN,
        _ => here.saturating_sub(1 << 20),
    }
}

fn is_main_thread() -> bool {
    // SAFETY: plain system calls without arguments.
    unsafe { libc::syscall(libc::SYS_gettid) as i64 == libc::getpid() as i64 }
}

/// How low the main thread's stack may grow. Not from
/// `pthread_getattr_np`: for the main thread glibc parses
/// `/proc/self/maps`, which lists every mapping of the guest memory and
/// made up a fifth of an executable's start-up time. The kernel puts the
/// executable's file name (`AT_EXECFN`) at the very top of the main
/// stack, above the arguments, environment and auxiliary vector, and the
/// stack may grow `RLIMIT_STACK` below that top (without a limit, the
/// usual 8 MiB is assumed: a higher limit only costs dispatcher round
/// trips in very deep recursion, never a crash).
fn main_stack_low() -> Option<u64> {
    // SAFETY: getauxval and getrlimit only read; AT_EXECFN, when
    // present, points to a NUL-terminated string.
    unsafe {
        let name = libc::getauxval(libc::AT_EXECFN) as *const libc::c_char;
        if name.is_null() {
            return None;
        }
        let end = name as u64 + libc::strlen(name) as u64 + 1;
        let page = 4096u64;
        let top = end.checked_add(page - 1)? & !(page - 1);
        let mut rl: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_STACK, &mut rl) != 0 {
            return None;
        }
        let size = match rl.rlim_cur {
            libc::RLIM_INFINITY => 8 << 20,
            n => n,
        };
        top.checked_sub(size)
    }
}

/// The lowest address of another thread's stack (its attributes hold
/// it: no `/proc` parsing for threads glibc created).
fn thread_stack_low() -> Option<u64> {
    // SAFETY: plain queries of this thread's attributes.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return None;
        }
        let mut addr: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let rc = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
        libc::pthread_attr_destroy(&mut attr);
        (rc == 0).then_some(addr as u64)
    }
}

impl Dispatcher {
    pub fn new(code: CompiledCode) -> Dispatcher {
        fault::install();
        Dispatcher {
            code,
            jit: None,
            stats: DispatchStats::default(),
            stack_budget: None,
            need_interrupts: false,
            fallback_pcs: std::env::var_os("FAST32_AOT_TRACE_FALLBACK").map(|_| HashMap::new()),
        }
    }

    /// PCs that fell back to the JIT, most frequent first (only with
    /// FAST32_AOT_TRACE_FALLBACK set in the environment).
    pub fn fallback_histogram(&self) -> Vec<(u32, u64)> {
        let mut v: Vec<(u32, u64)> = self
            .fallback_pcs
            .iter()
            .flat_map(|h| h.iter().map(|(&a, &b)| (a, b)))
            .collect();
        v.sort_by_key(|e| std::cmp::Reverse(e.1));
        v
    }

    /// Limits the host stack compiled code may use below the dispatcher
    /// (default: all of the thread's stack but a margin). Deeper guest
    /// call chains return to the dispatcher and continue from there.
    pub fn set_stack_budget(&mut self, bytes: Option<u64>) {
        self.stack_budget = bytes;
    }

    /// Says that the machine's interrupt flag will be set (a timeout).
    /// Compiled code that was not built interruptible never looks at it,
    /// so the run then goes to the JIT in interruptible mode instead.
    pub fn require_interrupts(&mut self, yes: bool) {
        self.need_interrupts = yes;
    }

    fn entry(&self, pc: u32) -> usize {
        if pc & 3 != 0 {
            return 0;
        }
        self.code
            .entries
            .get((pc >> 2) as usize)
            .copied()
            .unwrap_or(0)
    }

    /// Runs the machine to completion.
    pub fn run(&mut self, m: &mut Machine) -> RunOutcome {
        if !m.mem.layout().wxorx {
            return Interpreter::new(m).run(m);
        }
        let deaf = self.need_interrupts && self.code.interrupt_slot.is_null();
        let page = self.code.fixed_state.map(StatePage::map);
        let misplaced = self
            .code
            .fixed_mem_base
            .is_some_and(|b| b != m.mem.base_ptr() as usize)
            || matches!(page, Some(None));
        let page = page.flatten();
        // Compiled code adds offsets without wrapping at 4 GiB where the
        // layout lets low memory be mirrored above it; a machine whose
        // host refused the mirror runs on the JIT.
        let unmirrored = m.mem.layout().mirrors_low_memory() && !m.mem.mirrored();
        if m.cpu.insn_limit != u64::MAX || deaf || misplaced || unmirrored {
            // Compiled code does not count instructions (and code not
            // compiled interruptible would never see a timeout, and code
            // compiled for memory elsewhere cannot address this machine's).
            let opts = JitOptions {
                counting: true,
                interruptible: true,
                ..JitOptions::default()
            };
            return match Jit::new(m, opts) {
                Ok(mut j) => j.run(m),
                Err(_) => Interpreter::new(m).run(m),
            };
        }
        if !self.code.interrupt_slot.is_null() {
            // SAFETY: the slot is a word of the compiled program's data,
            // read by its code only while this machine runs.
            unsafe { *self.code.interrupt_slot = Arc::as_ptr(&m.interrupt) as usize };
        }
        let mut sp_limit = stack_limit();
        if let Some(b) = self.stack_budget {
            let here = stack_here();
            sp_limit = sp_limit.max(here.saturating_sub(b));
        }
        let (code_start, code_end) = self.code.sites.code_bounds();
        let mut ctx = FaultContext {
            code_start,
            code_end,
            sites: &self.code.sites,
            state: &mut m.cpu,
            mem_base: m.mem.base_ptr() as usize,
            saved_rsp: 0,
        };
        loop {
            if m.interrupt.load(Ordering::Relaxed) {
                return RunOutcome::Trap(Trap::new(TrapKind::Timeout, m.cpu.pc, 0, 0));
            }
            let pc = m.cpu.pc;
            let f = self.entry(pc);
            if f == 0 {
                if let Some(o) = self.fallback(m) {
                    return o;
                }
                continue;
            }
            self.stats.dispatches += 1;
            ctx.state = match &page {
                // SAFETY: the page is ours, as large as a `CpuState`
                // (plain data) and aligned for one.
                Some(p) => unsafe {
                    std::ptr::copy_nonoverlapping(&m.cpu, p.0, 1);
                    p.0
                },
                None => &mut m.cpu,
            };
            // SAFETY: `f` was compiled for this program; the machine's
            // state (or its copy in the page) and memory outlive the call.
            let r = unsafe { fault::enter(&mut ctx, self.code.adapter, f, pc, sp_limit) };
            if let Some(p) = &page {
                // SAFETY: as above; compiled code has returned.
                unsafe { std::ptr::copy_nonoverlapping(p.0, &mut m.cpu, 1) };
            }
            let next = r as u32;
            m.cpu.pc = next;
            match (r >> 32) as u32 {
                x if x == ExitReason::None as u32 => {}
                x if x == ExitReason::Yield as u32 => {
                    if let Some(o) = m.service_yield() {
                        return o;
                    }
                }
                x if x == ExitReason::Debug as u32 => m.host.debug_byte(m.cpu.aux as u8),
                x if x == ExitReason::Halt as u32 => return m.halt(),
                x if x == ExitReason::Trap as u32 => {
                    let kind = TrapKind::from_u32(m.cpu.trap_kind).unwrap_or(TrapKind::LoadFault);
                    return RunOutcome::Trap(Trap::new(kind, next, m.cpu.trap_addr, m.cpu.aux));
                }
                // Interruptible code saw the interrupt flag: the loop
                // head checks it.
                x if x == ExitReason::InstructionLimit as u32 => {}
                x if x == ExitReason::Lookup as u32 => {
                    if let Some(o) = self.fallback(m) {
                        return o;
                    }
                }
                other => panic!("compiled code returned unknown exit reason {other}"),
            }
        }
    }

    /// Runs the JIT one block at a time from `cpu.pc` until the PC is an
    /// entry of compiled code again, or, once the run is fallback-heavy
    /// ([`CHAINED_AFTER`]), with its blocks chained until the machine
    /// stops. `Some` when the machine stopped.
    fn fallback(&mut self, m: &mut Machine) -> Option<RunOutcome> {
        self.stats.fallback_entries += 1;
        if let Some(h) = &mut self.fallback_pcs {
            *h.entry(m.cpu.pc).or_default() += 1;
        }
        if self.jit.is_none() {
            match Jit::new(m, JitOptions::default()) {
                Ok(j) => self.jit = Some(j),
                Err(_) => {
                    // No executable memory for the JIT: the interpreter.
                    let mut i = Interpreter::new(m);
                    loop {
                        if let Some(o) = i.run_block(m) {
                            return Some(o);
                        }
                        self.stats.fallback_blocks += 1;
                        if self.entry(m.cpu.pc) != 0 {
                            return None;
                        }
                    }
                }
            }
        }
        let chained = self.stats.fallback_entries >= CHAINED_AFTER
            && self.stats.fallback_entries * 4 >= self.stats.dispatches;
        // Control came from compiled code, not from the JIT exit that
        // last asked to be linked to its target: linking that exit to
        // this PC would send it to the wrong block.
        m.cpu.chain_site = 0;
        let jit = self.jit.as_mut().expect("jit");
        jit.set_single_step_blocks(!chained);
        loop {
            let jit = self.jit.as_mut().expect("jit");
            if let Some(o) = jit.run_slice(m) {
                return Some(o);
            }
            self.stats.fallback_blocks += 1;
            let pc = m.cpu.pc;
            if !chained && self.entry(pc) != 0 {
                return None;
            }
            if m.interrupt.load(Ordering::Relaxed) {
                return Some(RunOutcome::Trap(Trap::new(TrapKind::Timeout, pc, 0, 0)));
            }
        }
    }
}

#[cfg(test)]
mod state_page_tests {
    use super::StatePage;

    /// A page already mapped is never replaced (its owner keeps it; the
    /// run goes to the JIT), and a dropped page can be mapped again.
    #[test]
    fn a_taken_page_is_refused() {
        // Not FIXED_STATE itself: executables run as child processes,
        // but keep clear of it anyway.
        let addr = (crate::FIXED_STATE - 0x10_0000) as usize;
        let p = StatePage::map(addr).expect("free address space");
        assert_eq!(p.0 as usize, addr);
        // SAFETY: the page's own-address word, written by `map`.
        let own = unsafe {
            *(addr as *const u8)
                .add(crate::STATE_SELF_OFFSET)
                .cast::<usize>()
        };
        assert_eq!(own, addr);
        assert!(StatePage::map(addr).is_none());
        drop(p);
        assert!(StatePage::map(addr).is_some());
    }
}
