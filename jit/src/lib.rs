//! fast32's JIT: translates SLOW-32 blocks to x86-64 on first execution,
//! chains them, and runs them inside the guest memory sandbox.
//!
//! Layout of the crate:
//! - [`translate`]: the emitter (one guest block → x86-64);
//! - [`regmap`]: which guest registers live in host registers;
//! - [`codemem`]: dual-mapped executable memory;
//! - [`fault`]: hardware faults → guest traps.
//!
//! The dispatcher ([`Jit::run`]) finds or translates the block for the
//! current guest PC, links the exit that asked for it, enters translated
//! code, and handles whatever made it come back (YIELD, DEBUG, HALT, a
//! trap, a missing translation, the instruction limit).

// dynasm expands dynamic registers through `.into()`, which clippy flags
// for every `Rd(reg)` with a plain u8.
#![allow(clippy::useless_conversion)]

pub mod codemem;
pub mod fault;
pub mod image;
pub mod regmap;
pub mod translate;

use image::BlockMeta;
pub use image::{host_features, BlockEntry, BlockImages, CacheKey, LoadError};

use codemem::CodeMemory;
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
use fast32_runtime::state::{offsets, ExitReason};
use fast32_runtime::{CpuState, Interpreter, Machine, RunOutcome, Trap, TrapKind};
use regmap::RegMap;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Hasher for guest-PC keys. The default SipHash is built to resist
/// hash flooding, which guest PCs cannot do (they come from the program's
/// own code region); measured with callgrind it was the largest single
/// cost of the dispatcher on a cold start (Lua: 10% of all host
/// instructions). A multiply spreads the word-aligned PCs over all bits.
#[derive(Default)]
pub struct PcHasher(u64);

impl Hasher for PcHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u32(b as u32);
        }
    }
    fn write_u32(&mut self, v: u32) {
        let h = (self.0 ^ v as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = h ^ (h >> 29);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by guest PC.
pub type PcMap<V> = HashMap<u32, V, BuildHasherDefault<PcHasher>>;
use translate::{lookup_index, FaultSite, LookupEntry, Stubs, Translator, LOOKUP_ENTRIES};

macro_rules! x64 {
    ($ops:ident $($t:tt)*) => {
        dynasm!($ops
            ; .arch x64
            $($t)*
        )
    }
}

/// Host stack that native frames of guest calls may use (8 bytes each).
const NATIVE_CALL_STACK: i32 = 256 << 10;

/// Size of the executable code area per JIT (virtual; committed on use).
const CODE_SIZE: usize = 256 << 20;

/// Why the JIT could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum JitError {
    #[error("cannot map executable memory for translated code: {0}")]
    CodeMemory(std::io::Error),
}

/// What the JIT must maintain besides the guest's own state.
#[derive(Clone, Copy, Debug, Default)]
pub struct JitOptions {
    /// Count retired instructions (for `--max-instructions`, statistics).
    pub counting: bool,
    /// Check the machine's interrupt flag at every block entry (`--timeout`).
    pub interruptible: bool,
    /// Keep every guest register in `CpuState` (no host-register cache);
    /// for testing the memory path of the emitter.
    pub no_register_cache: bool,
    /// Count block entries, taken branches and indirect-jump targets
    /// (see [`Jit::profile_data`]).
    pub profiling: bool,
    /// Return prediction: guest calls become native call/ret, checked
    /// against the guest return PC. Off by default because it measured
    /// slower than the inline lookup table on the `calls` benchmark (1.45x
    /// the time on an AMD EPYC); also enabled by `FAST32_JIT_NATIVE_CALLS=1`.
    pub native_calls: bool,
}

/// What profiling recorded for one translated block.
#[derive(Clone, Debug)]
pub struct BlockProfile {
    pub pc: u32,
    /// Guest instructions in the block.
    pub len: u32,
    /// The instruction that closed the block, with its PC.
    pub last: Option<(u32, fast32_isa::Inst)>,
    pub counters: translate::BlockCounters,
}

/// Counters describing what the JIT did.
#[derive(Clone, Copy, Debug, Default)]
pub struct JitStats {
    pub blocks_translated: u64,
    pub guest_insns_translated: u64,
    pub code_bytes: u64,
    pub exits_linked: u64,
    pub dispatches: u64,
    pub code_flushes: u64,
    /// Time spent translating, in nanoseconds.
    pub translate_ns: u64,
    /// Blocks taken from a saved code cache instead of translated.
    pub blocks_loaded: u64,
    /// Exits of loaded blocks linked at load time.
    pub exits_prelinked: u64,
}

/// A live block's profiling record: (pc, length, closing instruction,
/// counters at a stable address).
type LiveCounters = (
    u32,
    u32,
    Option<(u32, fast32_isa::Inst)>,
    Box<translate::BlockCounters>,
);

type EnterFn = unsafe extern "sysv64" fn(*mut CpuState, usize) -> u32;

/// A JIT bound to one machine's program.
pub struct Jit {
    code: CodeMemory,
    map: RegMap,
    stubs: Stubs,
    enter: EnterFn,
    trap_stub: usize,
    stubs_end: usize,
    /// Guest PC → (host address, code length).
    blocks: PcMap<(usize, usize)>,
    /// Lockstep mode: never link exits, so each entry runs one block.
    no_link: bool,
    table: Box<[LookupEntry]>,
    sites: Vec<FaultSite>,
    code_limit: u32,
    opts: JitOptions,
    interp: Option<Interpreter>,
    /// Profiling counters of live blocks (boxed: translated code holds
    /// their addresses) and what was harvested before code flushes.
    counters: Vec<LiveCounters>,
    harvested: Vec<BlockProfile>,
    /// Export support: relocations, chains and fault sites of live blocks
    /// (kept only after [`Jit::keep_block_images`]).
    meta: Option<PcMap<BlockMeta>>,
    /// Saved blocks loaded by [`Jit::load_blocks`] (and still live).
    loaded: Vec<BlockImages>,
    /// `native_calls` resolved once (it also reads the environment).
    native_calls: bool,
    pub stats: JitStats,
}

/// Executes one floating-point / register-pair instruction on the CPU
/// state (called from translated code with guest registers spilled).
unsafe extern "sysv64" fn exec_one(state: *mut CpuState, word: u32, _pc: u32) {
    let st = &mut *state;
    if let Ok(i) = fast32_isa::decode(word) {
        fast32_runtime::fpu::exec_float(
            &mut st.regs,
            i.op as u8,
            i.rd as usize,
            i.rs1 as usize,
            i.rs2 as usize,
        );
        st.regs[0] = 0;
    }
}

/// An empty indirect-jump lookup table, from zeroed memory: the 1 MiB is
/// mapped lazily by the allocator instead of written at every start.
/// A zeroed entry (guest PC 0) can only be found by a lookup of PC 0,
/// which indexes entry 0, so only entry 0 needs an explicit "empty" PC.
fn empty_lookup_table() -> Box<[LookupEntry]> {
    let layout = std::alloc::Layout::array::<LookupEntry>(LOOKUP_ENTRIES).expect("table layout");
    // SAFETY: LookupEntry is plain integers, for which all-zero bytes are
    // a valid value; the allocation has the layout of the boxed slice.
    let mut table = unsafe {
        let p = std::alloc::alloc_zeroed(layout) as *mut LookupEntry;
        if p.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        Box::from_raw(std::ptr::slice_from_raw_parts_mut(p, LOOKUP_ENTRIES))
    };
    debug_assert_eq!(lookup_index(0), 0);
    table[0].guest_pc = u32::MAX;
    table
}

impl Jit {
    pub fn new(m: &Machine, opts: JitOptions) -> Result<Jit, JitError> {
        fault::install();
        let code_limit = m.mem.layout().code_limit;
        let words: Vec<u32> = (0..code_limit / 4)
            .map(|i| m.mem.read(i * 4, 4).unwrap_or(0))
            .collect();
        let map = if opts.no_register_cache {
            RegMap::none()
        } else {
            RegMap::for_code(&words)
        };
        let mut code = CodeMemory::new(CODE_SIZE).map_err(JitError::CodeMemory)?;

        // Shared routines: enter, exit_common, trap stub.
        let base = code.next_addr();
        let mut ops = translate::Asm::new(base);
        let enter_off = ops.offset().0;
        x64!(ops
            ; push rbx
            ; push rbp
            ; push r12
            ; push r13
            ; push r14
            ; push r15
            ; sub rsp, 8
            ; mov rbx, rdi
            ; mov QWORD [rbx + offsets::HOST_RSP], rsp
            ; lea rcx, [rsp - NATIVE_CALL_STACK]
            ; mov QWORD [rbx + offsets::RSP_LIMIT], rcx
            // A sentinel frame: its stored guest PC (odd) matches no return.
            ; lea rcx, [->sentinel]
            ; push rcx
            ; mov r12, QWORD [rbx + offsets::MEM_BASE]
            ; mov rax, rsi
        );
        for (g, h) in map.mapped() {
            let o = offsets::reg(g);
            x64!(ops; mov Rd(h), DWORD [rbx + o]);
        }
        x64!(ops; jmp rax);
        let exit_off = ops.offset().0;
        for (g, h) in map.mapped() {
            let o = offsets::reg(g);
            x64!(ops; mov DWORD [rbx + o], Rd(h));
        }
        x64!(ops
            ; mov rsp, QWORD [rbx + offsets::HOST_RSP]
            ; add rsp, 8
            ; pop r15
            ; pop r14
            ; pop r13
            ; pop r12
            ; pop rbp
            ; pop rbx
            ; ret
        );
        x64!(ops
            ; ->sentinel:
            ; ud2
            ; int3
            ; int3
            ; int3
            ; .u32 0xFFFF_FFFF
        );
        let trap_off = ops.offset().0;
        x64!(ops
            ; mov eax, ExitReason::Trap as i32
        );
        let exit_abs = base + exit_off;
        let here = base + ops.offset().0 + 5;
        ops.push(0xE9);
        ops.extend(((exit_abs as i64 - here as i64) as i32).to_le_bytes());
        let bytes = ops.finalize().expect("stub assembly");
        let at = code.append(&bytes).expect("code memory holds the stubs");
        debug_assert_eq!(at, base);
        let stubs = Stubs {
            exit_common: base + exit_off,
            exec_one: exec_one as *const () as usize,
        };
        // SAFETY: the enter routine follows the sysv64 ABI as declared.
        let enter: EnterFn = unsafe { std::mem::transmute(base + enter_off) };
        let table = empty_lookup_table();
        Ok(Jit {
            stubs_end: code.used(),
            code,
            map,
            stubs,
            enter,
            trap_stub: base + trap_off,
            blocks: PcMap::default(),
            table,
            sites: Vec::new(),
            code_limit,
            opts,
            interp: None,
            counters: Vec::new(),
            harvested: Vec::new(),
            meta: None,
            loaded: Vec::new(),
            native_calls: opts.native_calls(),
            no_link: false,
            stats: JitStats::default(),
        })
    }

    fn translator(&self, m: &Machine, counters: Option<usize>) -> Translator<'_> {
        Translator {
            map: &self.map,
            stubs: self.stubs,
            opts: translate::Options {
                counting: self.opts.counting,
                interrupt_flag: if self.opts.interruptible {
                    Some(std::sync::Arc::as_ptr(&m.interrupt) as usize)
                } else {
                    None
                },
                counters,
                native_calls: self.native_calls,
            },
            lookup_table: self.table.as_ptr() as usize,
            code_limit: self.code_limit,
        }
    }

    /// Drops every translation (the code area is full).
    fn flush(&mut self, m: &mut Machine) {
        let live = std::mem::take(&mut self.counters);
        self.harvested
            .extend(live.into_iter().map(|(pc, len, last, c)| BlockProfile {
                pc,
                len,
                last,
                counters: *c,
            }));
        self.blocks.clear();
        self.sites.clear();
        if let Some(meta) = &mut self.meta {
            meta.clear();
        }
        self.loaded.clear();
        // In place: translated code holds the table's address.
        for e in self.table.iter_mut() {
            e.guest_pc = 0;
        }
        self.table[0].guest_pc = u32::MAX;
        self.code.reset(self.stubs_end);
        m.cpu.chain_site = 0;
        self.stats.code_flushes += 1;
    }

    /// Host address of the translation of `pc`, translating it if needed.
    fn block_for(&mut self, m: &mut Machine, pc: u32) -> Result<usize, Trap> {
        if let Some(&(h, _)) = self.blocks.get(&pc) {
            return Ok(h);
        }
        if pc >= self.code_limit || m.mem.fetch(pc).is_err() {
            return Err(Trap::new(TrapKind::ExecuteFault, pc, pc, 4));
        }
        for attempt in 0..2 {
            let base = self.code.next_addr();
            let counters = self
                .opts
                .profiling
                .then(|| Box::new(translate::BlockCounters::default()));
            let caddr = counters.as_ref().map(|c| &**c as *const _ as usize);
            let started = std::time::Instant::now();
            let t = {
                let mem = &m.mem;
                let fetch = |p: u32| mem.fetch(p).ok();
                self.translator(m, caddr).translate(pc, base, &fetch)
            };
            self.stats.translate_ns += started.elapsed().as_nanos() as u64;
            match self.code.append(&t.code) {
                Some(at) => {
                    debug_assert_eq!(at, base);
                    self.stats.blocks_translated += 1;
                    self.stats.guest_insns_translated += t.guest_len as u64;
                    self.stats.code_bytes += t.code.len() as u64;
                    self.sites.extend_from_slice(&t.fault_sites);
                    self.blocks.insert(pc, (at, t.code.len()));
                    if let Some(meta) = &mut self.meta {
                        meta.insert(
                            pc,
                            BlockMeta {
                                guest_len: t.guest_len,
                                relocs: t.relocs,
                                chains: t.chains,
                                sites: t.fault_sites,
                            },
                        );
                    }
                    if let Some(c) = counters {
                        self.counters.push((pc, t.guest_len, t.last, c));
                    }
                    return Ok(at);
                }
                None if attempt == 0 => self.flush(m),
                None => break,
            }
        }
        unreachable!("a single block is larger than the whole code area");
    }

    /// Runs the machine to completion.
    pub fn run(&mut self, m: &mut Machine) -> RunOutcome {
        // Without W^X the guest may rewrite its code; translations would go
        // stale, so such programs run on the interpreter.
        if !m.mem.layout().wxorx {
            return Interpreter::new(m).run(m);
        }
        loop {
            if let Some(o) = self.run_slice(m) {
                return o;
            }
        }
    }

    /// Enters translated code once and handles the exit; `Some` when the
    /// machine stopped.
    pub fn run_slice(&mut self, m: &mut Machine) -> Option<RunOutcome> {
        let pc = m.cpu.pc;
        let host = match self.block_for(m, pc) {
            Ok(h) => h,
            Err(t) => return Some(RunOutcome::Trap(t)),
        };
        if m.cpu.chain_site != 0 && !self.no_link {
            self.code.patch_rel32(m.cpu.chain_site as usize, host);
            self.stats.exits_linked += 1;
        }
        m.cpu.chain_site = 0;
        if !self.no_link {
            let e = &mut self.table[lookup_index(pc)];
            e.guest_pc = pc;
            e.host = host as u64;
        }
        self.stats.dispatches += 1;
        let ctx = fault::FaultContext {
            code_start: self.code.base(),
            code_end: self.code.base() + self.code.used(),
            sites: &self.sites,
            trap_stub: self.trap_stub,
            state: &mut m.cpu,
        };
        let enter = self.enter;
        let state: *mut CpuState = &mut m.cpu;
        // SAFETY: `host` is translated code for this machine; the state
        // and memory it uses outlive the call.
        let reason = fault::with_active(&ctx, || unsafe { enter(state, host) });
        match reason {
            r if r == ExitReason::Lookup as u32 => None,
            r if r == ExitReason::Yield as u32 => m.service_yield(),
            r if r == ExitReason::Debug as u32 => {
                m.host.debug_byte(m.cpu.aux as u8);
                None
            }
            r if r == ExitReason::Halt as u32 => Some(m.halt()),
            r if r == ExitReason::Trap as u32 => {
                let kind = TrapKind::from_u32(m.cpu.trap_kind).unwrap_or(TrapKind::LoadFault);
                Some(RunOutcome::Trap(Trap::new(
                    kind,
                    m.cpu.pc,
                    m.cpu.trap_addr,
                    m.cpu.aux,
                )))
            }
            r if r == ExitReason::InstructionLimit as u32 => {
                if m.interrupt.load(std::sync::atomic::Ordering::Relaxed) {
                    return Some(RunOutcome::Trap(Trap::new(
                        TrapKind::Timeout,
                        m.cpu.pc,
                        0,
                        0,
                    )));
                }
                // The next block would pass the limit: step the rest exactly.
                let interp = self.interp.get_or_insert_with(|| Interpreter::new(m));
                let left = m.cpu.insn_limit.saturating_sub(m.cpu.instret);
                match interp.run_steps(m, left) {
                    Some(o) => Some(o),
                    None => Some(RunOutcome::Trap(Trap::new(
                        TrapKind::InstructionLimit,
                        m.cpu.pc,
                        0,
                        0,
                    ))),
                }
            }
            other => panic!("translated code returned unknown exit reason {other}"),
        }
    }

    /// Lockstep mode: with `on`, exits are never linked and indirect jumps
    /// always leave translated code, so each [`Jit::run_slice`] runs
    /// exactly one block.
    pub fn set_single_step_blocks(&mut self, on: bool) {
        self.no_link = on;
    }

    /// The host code translated for the block at guest `pc`, if any.
    pub fn host_code(&self, pc: u32) -> Option<(usize, &[u8])> {
        let &(addr, len) = self.blocks.get(&pc)?;
        // SAFETY: the block lies inside the executable view, which is
        // readable and outlives the borrow of self.
        Some((addr, unsafe {
            std::slice::from_raw_parts(addr as *const u8, len)
        }))
    }

    /// Everything profiling recorded so far (blocks translated more than
    /// once, after a code flush, appear once per translation).
    pub fn profile_data(&self) -> Vec<BlockProfile> {
        let mut v = self.harvested.clone();
        v.extend(self.counters.iter().map(|(pc, len, last, c)| BlockProfile {
            pc: *pc,
            len: *len,
            last: *last,
            counters: (**c).clone(),
        }));
        v
    }

    /// Translates the blocks at `pcs` ahead of time (pre-warming from a
    /// profile), so the run does not pause to translate them. PCs that are
    /// not executable are skipped.
    pub fn prewarm(&mut self, m: &mut Machine, pcs: &[u32]) -> usize {
        let mut n = 0;
        for &pc in pcs {
            if self.block_for(m, pc).is_ok() {
                let host = self.blocks[&pc].0;
                let e = &mut self.table[lookup_index(pc)];
                e.guest_pc = pc;
                e.host = host as u64;
                n += 1;
            }
        }
        n
    }

    /// The register map in use (for diagnostics).
    pub fn regmap(&self) -> &RegMap {
        &self.map
    }
}
