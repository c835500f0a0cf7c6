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
use translate::{
    lookup_index, FaultSite, HotCounter, LookupEntry, SegmentInfo, Stubs, Translator,
    LOOKUP_ENTRIES, MAX_SEGMENTS, MAX_SUPERBLOCK_INSNS,
};

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
    /// When blocks are re-translated as superblocks.
    pub superblocks: Superblocks,
}

/// Superblock formation policy.
///
/// A block starts out counting its entries (and how often its closing
/// branch is taken). When the count reaches the threshold it exits to the
/// dispatcher, which re-translates it as a superblock: the path follows
/// the strongly biased direction of each conditional branch (the other
/// one becomes a side exit), forward direct jumps and all calls, through
/// blocks whose own counts say so, and stops at back-edges. The new code replaces the block everywhere
/// (block map, lookup table, chained exits, and a jump at the old entry),
/// and carries no counters any more.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Superblocks {
    /// Hot blocks become superblocks (threshold [`HOT_THRESHOLD`]).
    #[default]
    On,
    /// Plain blocks only, no entry counting.
    Off,
    /// Every block becomes a superblock on its first entry, extending
    /// through every branch (majority direction, else fall-through): for
    /// tests, so random programs take side exits all the time.
    Eager,
}

/// Entries after which a block is re-translated as a superblock.
pub const HOT_THRESHOLD: u32 = 64;

/// A branch's direction is followed when it went that way at least this
/// share of the time (percent) ...
pub const BIAS_PERCENT: u64 = 90;

/// ... over at least this many executions.
pub const MIN_SAMPLES: u64 = 16;

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
    /// Blocks that became hot and were re-translated.
    pub promotions: u64,
    /// Of those, the ones that became superblocks of several blocks.
    pub superblocks: u64,
    /// Guest instructions in those superblocks.
    pub superblock_insns: u64,
    /// Block executions left to the interpreter (see [`Jit::interpret_first`]).
    pub blocks_interpreted: u64,
}

/// A live translation's profiling record: its plain blocks and their
/// counters (one per block, at stable addresses).
type LiveCounters = (Vec<SegmentInfo>, Box<[translate::BlockCounters]>);

/// Hotness counters of blocks not yet final, in chunks at stable
/// addresses (translated code holds them).
#[derive(Default)]
struct HotArena {
    chunks: Vec<Box<[HotCounter]>>,
    used: usize,
}

const HOT_CHUNK: usize = 4096;

impl HotArena {
    fn alloc(&mut self, left: i32) -> usize {
        let (c, i) = (self.used / HOT_CHUNK, self.used % HOT_CHUNK);
        if c == self.chunks.len() {
            self.chunks
                .push(vec![HotCounter::default(); HOT_CHUNK].into_boxed_slice());
        }
        self.used += 1;
        let slot = &mut self.chunks[c][i];
        *slot = HotCounter { left, taken: 0 };
        slot as *mut HotCounter as usize
    }
    fn reset(&mut self) {
        self.used = 0;
    }
}

/// The per-block profiles of one live translation: later blocks of a
/// superblock do not count their entries, so those are derived from the
/// block before them first.
fn block_profiles(
    segs: &[SegmentInfo],
    counters: &[translate::BlockCounters],
) -> Vec<BlockProfile> {
    let mut c = counters.to_vec();
    translate::derive_entries(segs, &mut c);
    segs.iter()
        .zip(c)
        .map(|(s, counters)| BlockProfile {
            pc: s.pc,
            len: s.len,
            last: s.last,
            counters,
        })
        .collect()
}

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
    /// Entries after which a block becomes hot (1 when eager).
    hot_threshold: u32,
    /// Hotness counters, and which block (by PC) owns which.
    hot: HotArena,
    hot_of: PcMap<usize>,
    /// Chain sites (executable addresses of rel32 fields) linked to each
    /// block, so a superblock replacing it can take them over.
    incoming: PcMap<Vec<usize>>,
    /// The plain blocks of every live superblock (for diagnostics).
    live_paths: PcMap<Vec<(u32, u32)>>,
    /// While pre-warming: every chainable exit translated (executable
    /// address of its rel32 field, target PC), to link them at the end.
    links: Option<Vec<(usize, u32)>>,
    /// Superblock paths chosen (PC → plain blocks as (pc, len)), kept
    /// across code flushes: what a profile records.
    chosen: PcMap<Vec<(u32, u32)>>,
    /// Blocks to run on the interpreter before translating them, with the
    /// executions left (see [`Jit::interpret_first`]).
    interpret_first: PcMap<u32>,
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
    pub fn new(m: &Machine, mut opts: JitOptions) -> Result<Jit, JitError> {
        fault::install();
        // Tuning knobs: FAST32_JIT_SUPERBLOCKS=off|on|eager overrides the
        // policy, FAST32_JIT_HOT_THRESHOLD the entry count.
        match std::env::var("FAST32_JIT_SUPERBLOCKS").as_deref() {
            Ok("off") => opts.superblocks = Superblocks::Off,
            Ok("on") => opts.superblocks = Superblocks::On,
            Ok("eager") => opts.superblocks = Superblocks::Eager,
            _ => {}
        }
        let hot_threshold = match opts.superblocks {
            Superblocks::Eager => 1,
            _ => std::env::var("FAST32_JIT_HOT_THRESHOLD")
                .ok()
                .and_then(|v| v.parse::<u32>().ok())
                .filter(|&t| (1..1 << 30).contains(&t))
                .unwrap_or(HOT_THRESHOLD),
        };
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
        // Chain exit, called from a chainable exit's stub: the return
        // address points at the stub's data (target PC, then the patch
        // site relative to that address); the call's return slot is
        // popped, so the host stack is as the block left it.
        let chain_off = ops.offset().0;
        x64!(ops
            ; pop rax
            ; mov ecx, DWORD [rax]
            ; mov DWORD [rbx + offsets::PC], ecx
            ; movsxd rcx, DWORD [rax + 4]
            ; add rax, rcx
            ; mov QWORD [rbx + offsets::CHAIN_SITE], rax
            ; mov eax, ExitReason::Lookup as i32
        );
        let here = base + ops.offset().0 + 5;
        ops.push(0xE9);
        ops.extend(((exit_abs as i64 - here as i64) as i32).to_le_bytes());
        let bytes = ops.finalize().expect("stub assembly");
        let at = code.append(&bytes).expect("code memory holds the stubs");
        debug_assert_eq!(at, base);
        let stubs = Stubs {
            exit_common: base + exit_off,
            chain_exit: base + chain_off,
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
            hot_threshold,
            hot: HotArena::default(),
            hot_of: PcMap::default(),
            incoming: PcMap::default(),
            live_paths: PcMap::default(),
            links: None,
            chosen: PcMap::default(),
            interpret_first: PcMap::default(),
            no_link: false,
            stats: JitStats::default(),
        })
    }

    fn translator(
        &self,
        m: &Machine,
        counters: Option<usize>,
        hot_counter: Option<usize>,
    ) -> Translator<'_> {
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
                hot_counter,
            },
            lookup_table: self.table.as_ptr() as usize,
            code_limit: self.code_limit,
        }
    }

    /// Drops every translation (the code area is full).
    fn flush(&mut self, m: &mut Machine) {
        let live = std::mem::take(&mut self.counters);
        for (segs, c) in &live {
            self.harvested.extend(block_profiles(segs, c));
        }
        self.hot.reset();
        self.hot_of.clear();
        self.incoming.clear();
        self.live_paths.clear();
        if let Some(l) = &mut self.links {
            l.clear();
        }
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
        let fin = self.opts.superblocks == Superblocks::Off;
        Ok(self.install(m, &[pc], fin, false))
    }

    /// Translates the path `starts` (a plain block when it has one PC) and
    /// makes it the translation of `starts[0]`: a translation it replaces
    /// is left with a jump to the new code at its entry, exits chained to
    /// it are re-linked and the lookup table points at the new code. A
    /// translation that is not `fin`al counts its entries toward becoming
    /// a superblock; a `chosen` one is recorded as a superblock shape.
    /// Returns the host address.
    fn install(&mut self, m: &mut Machine, starts: &[u32], fin: bool, chosen: bool) -> usize {
        let pc = starts[0];
        for attempt in 0..2 {
            let base = self.code.next_addr();
            let counters: Option<Box<[translate::BlockCounters]>> =
                self.opts.profiling.then(|| {
                    vec![translate::BlockCounters::default(); starts.len().min(MAX_SEGMENTS)]
                        .into_boxed_slice()
                });
            let caddr = counters.as_ref().map(|c| c.as_ptr() as usize);
            let threshold = self.hot_threshold as i32;
            let hot = (!fin).then(|| self.hot.alloc(threshold));
            let started = std::time::Instant::now();
            let t = {
                let mem = &m.mem;
                let fetch = |p: u32| mem.fetch(p).ok();
                self.translator(m, caddr, hot)
                    .translate_path(starts, base, &fetch)
            };
            self.stats.translate_ns += started.elapsed().as_nanos() as u64;
            let Some(at) = self.code.append(&t.code) else {
                if attempt == 0 {
                    self.flush(m);
                    continue;
                }
                break;
            };
            debug_assert_eq!(at, base);
            self.stats.blocks_translated += 1;
            self.stats.guest_insns_translated += t.guest_len as u64;
            self.stats.code_bytes += t.code.len() as u64;
            self.sites.extend_from_slice(&t.fault_sites);
            let path: Vec<(u32, u32)> = t.segments.iter().map(|s| (s.pc, s.len)).collect();
            if let Some(h) = hot {
                self.hot_of.insert(pc, h);
            }
            if let Some(l) = &mut self.links {
                l.extend(t.chains.iter().map(|c| (at + c.site as usize, c.target)));
            }
            if chosen && self.opts.superblocks != Superblocks::Off {
                self.stats.promotions += 1;
                if path.len() > 1 {
                    self.stats.superblocks += 1;
                    self.stats.superblock_insns += t.guest_len as u64;
                }
                self.chosen.insert(pc, path.clone());
            }
            if path.len() > 1 {
                self.live_paths.insert(pc, path.clone());
            }
            if let Some((old, _)) = self.blocks.insert(pc, (at, t.code.len())) {
                // Everything that still reaches the old code goes on to
                // the new: its entry, then each exit chained to it.
                self.code.patch_jmp(old, at);
                if let Some(sites) = self.incoming.get(&pc) {
                    for &s in sites {
                        self.code.patch_rel32(s, at);
                    }
                }
            }
            if !self.no_link {
                let e = &mut self.table[lookup_index(pc)];
                if e.guest_pc == pc {
                    e.host = at as u64;
                }
            }
            if let Some(meta) = &mut self.meta {
                meta.insert(
                    pc,
                    BlockMeta {
                        guest_len: t.guest_len,
                        path,
                        relocs: t.relocs,
                        chains: t.chains,
                        sites: t.fault_sites,
                    },
                );
            }
            if let Some(c) = counters {
                self.counters.push((t.segments, c));
            }
            return at;
        }
        unreachable!("a single block is larger than the whole code area");
    }

    /// Hotness statistics of the block at `pc`: (entries, taken).
    fn hot_stats(&self, pc: u32, threshold: u32) -> Option<(u64, u64)> {
        let &h = self.hot_of.get(&pc)?;
        // SAFETY: the arena's chunks live until the next flush, which
        // also clears `hot_of`.
        let c = unsafe { *(h as *const HotCounter) };
        let entries = (threshold as i64 - c.left as i64).max(0) as u64;
        Some((entries, c.taken as u64))
    }

    /// The superblock path for the hot block at `pc`: it follows direct
    /// jumps and calls, and conditional branches whose block went one way
    /// at least [`BIAS_PERCENT`] of at least [`MIN_SAMPLES`] times; it
    /// stops at backward branches and jumps (not calls), indirect jumps,
    /// exits to the runtime, a block already on the path and the length
    /// caps.
    fn choose_path(&self, m: &Machine, pc: u32) -> Vec<u32> {
        let eager = self.opts.superblocks == Superblocks::Eager;
        let threshold = self.hot_threshold;
        let mem = &m.mem;
        let fetch = |p: u32| mem.fetch(p).ok();
        let tr = self.translator(m, None, None);
        let mut starts = vec![pc];
        let mut cur = tr.scan(pc, &fetch);
        let mut total = cur.len() as u32;
        while starts.len() < MAX_SEGMENTS {
            let Some(&(lpc, Ok(i))) = cur.last() else {
                break;
            };
            let fall = lpc.wrapping_add(4);
            let next = if i.op.is_branch() {
                let taken = fall.wrapping_add(i.imm as u32);
                let here = *starts.last().expect("non-empty");
                match self.hot_stats(here, threshold) {
                    // Both directions, by the branch's address, so tests
                    // exercise continuing along either side.
                    _ if eager => {
                        if lpc & 4 != 0 {
                            taken
                        } else {
                            fall
                        }
                    }
                    Some((n, t)) if n >= MIN_SAMPLES => {
                        if t * 100 >= n * BIAS_PERCENT {
                            taken
                        } else if (n - t) * 100 >= n * BIAS_PERCENT {
                            fall
                        } else {
                            break;
                        }
                    }
                    _ => break,
                }
            } else if i.op == fast32_isa::Opcode::Jal {
                lpc.wrapping_add(i.imm as u32)
            } else {
                fall
            };
            // Backward branches and jumps end the path (calls are
            // followed either way): extending through them copied loop
            // heads and an interpreter's dispatch code into every
            // superblock that reached them, which made a Lua benchmark
            // 10% slower than plain blocks; stopping there brought it to
            // 0.94x of that (`farm-bench`, cpu time).
            let call = i.op == fast32_isa::Opcode::Jal && i.rd != 0;
            if next <= lpc && !call && !eager {
                break;
            }
            if starts.contains(&next) || next >= self.code_limit || fetch(next).is_none() {
                break;
            }
            if tr.link_to(&cur, next).is_none() {
                break;
            }
            let insns = tr.scan(next, &fetch);
            if insns.is_empty() || total + insns.len() as u32 > MAX_SUPERBLOCK_INSNS {
                break;
            }
            total += insns.len() as u32;
            starts.push(next);
            cur = insns;
        }
        starts
    }

    /// Re-translates the hot block at `pc` as a superblock (or, when no
    /// branch of it is biased enough, as a final plain block).
    fn promote(&mut self, m: &mut Machine, pc: u32) {
        let starts = self.choose_path(m, pc);
        self.install(m, &starts, true, true);
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
        if !self.interpret_first.is_empty() && !self.blocks.contains_key(&pc) {
            if let Some(left) = self.interpret_first.get_mut(&pc) {
                *left -= 1;
                if *left == 0 {
                    self.interpret_first.remove(&pc);
                }
                // The exit that led here stays unlinked: the block has
                // no translation yet.
                m.cpu.chain_site = 0;
                self.stats.blocks_interpreted += 1;
                let interp = self.interp.get_or_insert_with(|| Interpreter::new_lazy(m));
                return interp.run_block(m);
            }
        }
        let host = match self.block_for(m, pc) {
            Ok(h) => h,
            // The oracle checks the instruction limit before it fetches:
            // a run that used up its budget on a jump out of the code
            // stops on the limit, not on the fetch.
            Err(_) if m.cpu.instret >= m.cpu.insn_limit => {
                return Some(RunOutcome::Trap(Trap::new(
                    TrapKind::InstructionLimit,
                    pc,
                    0,
                    0,
                )));
            }
            Err(t) => return Some(RunOutcome::Trap(t)),
        };
        if m.cpu.chain_site != 0 && !self.no_link {
            self.code.patch_rel32(m.cpu.chain_site as usize, host);
            if self.opts.superblocks != Superblocks::Off {
                self.incoming
                    .entry(pc)
                    .or_default()
                    .push(m.cpu.chain_site as usize);
            }
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
            r if r == ExitReason::Hot as u32 => {
                self.promote(m, m.cpu.pc);
                None
            }
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
                let interp = self.interp.get_or_insert_with(|| Interpreter::new_lazy(m));
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
        for (segs, c) in &self.counters {
            v.extend(block_profiles(segs, c));
        }
        v
    }

    /// Translates superblocks ahead of time (pre-warming from a
    /// profile): each path is a list of plain-block PCs as
    /// [`Jit::superblock_paths`] reports them, translated as final code
    /// without counting entries first, so the run starts at steady-state
    /// speed. Paths whose entry is not executable are skipped, and a path
    /// is cut where its blocks no longer follow each other in this
    /// program. Returns the number of translations made.
    ///
    /// Then the plain blocks at `blocks` (those the profile saw run but
    /// that never became hot) are translated as final too, without the
    /// entry countdown, and every exit between pre-warmed code is linked
    /// at once, so the run neither re-translates nor stops in the
    /// dispatcher to link them.
    pub fn prewarm(&mut self, m: &mut Machine, paths: &[Vec<u32>], blocks: &[u32]) -> usize {
        let mut n = 0;
        self.links = Some(Vec::new());
        let plain = blocks.iter().map(std::slice::from_ref);
        for (k, starts) in paths.iter().map(|p| &p[..]).chain(plain).enumerate() {
            let Some(&pc) = starts.first() else { continue };
            if pc >= self.code_limit || m.mem.fetch(pc).is_err() || self.blocks.contains_key(&pc) {
                continue;
            }
            let host = self.install(m, starts, true, k < paths.len());
            if !self.no_link {
                let e = &mut self.table[lookup_index(pc)];
                e.guest_pc = pc;
                e.host = host as u64;
            }
            n += 1;
        }
        let links = self.links.take().unwrap_or_default();
        if !self.no_link {
            for (site, target) in links {
                if let Some(&(h, _)) = self.blocks.get(&target) {
                    self.code.patch_rel32(site, h);
                    self.incoming.entry(target).or_default().push(site);
                    self.stats.exits_prelinked += 1;
                }
            }
        }
        n
    }

    /// Leaves the first `runs` executions of each block at `pc` in
    /// `blocks` (as (pc, runs)) to the interpreter, then translates it as
    /// usual. Pre-warming uses it for the blocks a profile saw run only a
    /// few times: translating a block costs far more host time than
    /// interpreting it a few times (45% of a short Lua run's blocks ran at
    /// most 4 times), and a block that runs more often under another
    /// input is still translated once its interpreted runs are used up.
    pub fn interpret_first(&mut self, blocks: &[(u32, u32)]) {
        for &(pc, runs) in blocks {
            if runs > 0 && !self.blocks.contains_key(&pc) {
                self.interpret_first.insert(pc, runs);
            }
        }
    }

    /// The superblock paths this JIT chose (also those flushed since), by
    /// entry PC: each a list of plain blocks as (pc, instructions). Blocks
    /// that became hot without a biased branch appear with one block.
    pub fn superblock_paths(&self) -> Vec<Vec<(u32, u32)>> {
        let mut v: Vec<Vec<(u32, u32)>> = self.chosen.values().cloned().collect();
        v.sort_unstable();
        v
    }

    /// The plain blocks of the live superblock at `pc` as (pc, length);
    /// None when `pc`'s translation is a plain block (or there is none).
    pub fn path_of(&self, pc: u32) -> Option<&[(u32, u32)]> {
        self.live_paths.get(&pc).map(|p| &p[..])
    }

    /// The register map in use (for diagnostics).
    pub fn regmap(&self) -> &RegMap {
        &self.map
    }
}
