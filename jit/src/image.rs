//! Saving and loading translated blocks (the persistent code cache).
//!
//! A block is exported in position-independent form: its code as
//! translated, with every chainable exit back in its unpatched state, plus
//! the list of fields that depend on where things live ([`Reloc`]), its
//! fault sites as offsets and its chainable exits ([`ChainSite`]). Loading
//! places blocks in this JIT's code area, patches those fields for this
//! process, links exits between loaded blocks and enters them in the
//! lookup table, so a second run starts with the first run's code and
//! translates nothing it already had.
//!
//! Why relocations rather than re-mapping the code region at its old
//! address: translated code also embeds the addresses of host data that
//! move from run to run under ASLR (the lookup table, the interrupt flag,
//! profiling counters, the `exec_one` helper inside the PIE binary), so a
//! fixed code address alone would not make saved code valid; and a fixed
//! mapping can collide with whatever the new process already mapped
//! there. The relocations are few (about four per block) and patching
//! them costs far less than translating.
//!
//! Everything is stored flat (one code blob and one array per kind of
//! record, blocks giving counts) so that loading thousands of blocks costs
//! a handful of allocations, not several per block.

use crate::translate::{
    apply_relocs, lookup_index, BlockCounters, ChainSite, FaultSite, Reloc, RelocEnv, RelocError,
    RelocKind, SegmentInfo, MAX_BLOCK_INSNS, MAX_SEGMENTS, MAX_SUPERBLOCK_INSNS,
};
use crate::PcMap;
use crate::{Jit, JitOptions};
use fast32_runtime::state::offsets;
use fast32_runtime::Machine;
use std::collections::HashSet;

/// One block of a [`BlockImages`]: its records are the next `code_len`
/// bytes, `relocs` relocations, `faults` fault sites, `chains` exits and
/// `segments` plain blocks of its path (one unless it is a superblock).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockEntry {
    pub pc: u32,
    pub guest_len: u32,
    pub code_len: u32,
    pub relocs: u32,
    pub faults: u32,
    pub chains: u32,
    pub segments: u32,
}

/// Blocks in loadable form (see the module documentation). Fault sites'
/// `host` is the offset of the faulting instruction in its block.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockImages {
    pub blocks: Vec<BlockEntry>,
    pub code: Vec<u8>,
    pub relocs: Vec<Reloc>,
    pub faults: Vec<FaultSite>,
    pub chains: Vec<ChainSite>,
    /// Plain blocks of each translation's path: (pc, instructions).
    pub segments: Vec<(u32, u32)>,
}

/// One block's records.
#[derive(Clone, Copy, Debug)]
pub struct BlockView<'a> {
    pub entry: &'a BlockEntry,
    pub code: &'a [u8],
    pub relocs: &'a [Reloc],
    pub faults: &'a [FaultSite],
    pub chains: &'a [ChainSite],
    pub segments: &'a [(u32, u32)],
}

impl BlockImages {
    /// Appends one block.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        pc: u32,
        guest_len: u32,
        code: &[u8],
        relocs: &[Reloc],
        faults: &[FaultSite],
        chains: &[ChainSite],
        segments: &[(u32, u32)],
    ) {
        self.blocks.push(BlockEntry {
            pc,
            guest_len,
            code_len: code.len() as u32,
            relocs: relocs.len() as u32,
            faults: faults.len() as u32,
            chains: chains.len() as u32,
            segments: segments.len() as u32,
        });
        self.code.extend_from_slice(code);
        self.relocs.extend_from_slice(relocs);
        self.faults.extend_from_slice(faults);
        self.chains.extend_from_slice(chains);
        self.segments.extend_from_slice(segments);
    }

    /// Splits the flat arrays into blocks; refuses counts that do not add
    /// up to the arrays' lengths.
    pub fn views(&self) -> Result<Vec<BlockView<'_>>, LoadError> {
        let mut out = Vec::with_capacity(self.blocks.len());
        let (mut c, mut r, mut f, mut x, mut g) = (0usize, 0usize, 0usize, 0usize, 0usize);
        for e in &self.blocks {
            let take = |at: &mut usize, n: u32, len: usize| -> Option<std::ops::Range<usize>> {
                let start = *at;
                let end = start.checked_add(n as usize).filter(|&e| e <= len)?;
                *at = end;
                Some(start..end)
            };
            let bad = || LoadError::BadBlock {
                pc: e.pc,
                msg: "record counts exceed the saved arrays".into(),
            };
            let code = take(&mut c, e.code_len, self.code.len()).ok_or_else(bad)?;
            let relocs = take(&mut r, e.relocs, self.relocs.len()).ok_or_else(bad)?;
            let faults = take(&mut f, e.faults, self.faults.len()).ok_or_else(bad)?;
            let chains = take(&mut x, e.chains, self.chains.len()).ok_or_else(bad)?;
            let segments = take(&mut g, e.segments, self.segments.len()).ok_or_else(bad)?;
            out.push(BlockView {
                entry: e,
                code: &self.code[code],
                relocs: &self.relocs[relocs],
                faults: &self.faults[faults],
                chains: &self.chains[chains],
                segments: &self.segments[segments],
            });
        }
        if (c, r, f, x, g)
            != (
                self.code.len(),
                self.relocs.len(),
                self.faults.len(),
                self.chains.len(),
                self.segments.len(),
            )
        {
            return Err(LoadError::Trailing);
        }
        Ok(out)
    }
}

/// Why saved blocks were refused (nothing was loaded).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LoadError {
    #[error("block at 0x{pc:08x}: {msg}")]
    BadBlock { pc: u32, msg: String },
    #[error("block at 0x{pc:08x}: {err}")]
    Reloc { pc: u32, err: RelocError },
    #[error("saved records left over after the last block")]
    Trailing,
}

/// What a saved code cache depends on besides the guest image and the
/// fast32 version: an entry is only valid for the same key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheKey {
    /// Host CPU features the emitter relies on ([`host_features`]).
    pub host_features: u64,
    /// Options that change the emitted code ([`JitOptions::code_bits`]).
    pub options: u32,
    /// Fingerprint of the emitter: its source, the CPU-state layout and
    /// the register map.
    pub emitter: u64,
}

/// Host CPU features the emitter's instructions need, as a bit mask.
///
/// The emitter uses x86-64 baseline instructions and SSE2 only (SSE2 is
/// part of x86-64, so bit 0 is set on every host that runs fast32); a
/// feature that a future emitter uses conditionally gets the next bit, so
/// code translated with it is never loaded on a host without it.
pub fn host_features() -> u64 {
    let mut f = 0;
    if std::arch::is_x86_feature_detected!("sse2") {
        f |= 1;
    }
    f
}

/// FNV-1a, usable in constant evaluation.
const fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
        i += 1;
    }
    h
}

/// Hash of the sources that decide what code is emitted and how saved
/// code is placed. The fast32 version in the cache header does not change
/// with every build; this does, so code from an older emitter is never
/// loaded.
const EMITTER_SOURCE_HASH: u64 = {
    let h = fnv1a(0xcbf2_9ce4_8422_2325, include_bytes!("translate.rs"));
    let h = fnv1a(h, include_bytes!("lib.rs"));
    let h = fnv1a(h, include_bytes!("regmap.rs"));
    fnv1a(h, include_bytes!("image.rs"))
};

impl JitOptions {
    /// The options that change emitted code, as bits (part of [`CacheKey`]).
    pub fn code_bits(&self) -> u32 {
        self.counting as u32
            | (self.interruptible as u32) << 1
            | (self.no_register_cache as u32) << 2
            | (self.profiling as u32) << 3
            | (self.native_calls() as u32) << 4
            | (match self.superblocks {
                crate::Superblocks::On => 0,
                crate::Superblocks::Off => 1,
                crate::Superblocks::Eager => 2,
            }) << 5
    }

    pub(crate) fn native_calls(&self) -> bool {
        self.native_calls || std::env::var_os("FAST32_JIT_NATIVE_CALLS").is_some()
    }
}

/// What the JIT keeps about a block it translated, so it can export it.
pub(crate) struct BlockMeta {
    pub guest_len: u32,
    /// Plain blocks of its path as (pc, instructions).
    pub path: Vec<(u32, u32)>,
    pub relocs: Vec<Reloc>,
    pub chains: Vec<ChainSite>,
    pub sites: Vec<FaultSite>,
}

impl Jit {
    /// From now on, keep what [`Jit::export_blocks`] needs about every
    /// block translated (relocations, chain and fault sites). Off by
    /// default so plain runs do not pay for it.
    pub fn keep_block_images(&mut self) {
        if self.meta.is_none() {
            self.meta = Some(PcMap::default());
        }
    }

    /// What a saved code cache of this JIT depends on (besides the image).
    pub fn cache_key(&self) -> CacheKey {
        let mut emitter = EMITTER_SOURCE_HASH;
        for o in [
            offsets::PC,
            offsets::INSTRET,
            offsets::INSN_LIMIT,
            offsets::CHAIN_SITE,
            offsets::TRAP_KIND,
            offsets::TRAP_ADDR,
            offsets::AUX,
            offsets::RSP_LIMIT,
            offsets::reg(1),
        ] {
            emitter = fnv1a(emitter, &o.to_le_bytes());
        }
        for (g, h) in self.map.mapped() {
            emitter = fnv1a(emitter, &[g, h]);
        }
        emitter = fnv1a(emitter, &(crate::LOOKUP_ENTRIES as u64).to_le_bytes());
        CacheKey {
            host_features: host_features(),
            options: self.opts.code_bits(),
            emitter,
        }
    }

    /// Every live block in loadable form: the loaded ones, then those
    /// translated (after [`Jit::keep_block_images`]) in guest PC order.
    pub fn export_blocks(&self) -> BlockImages {
        let mut out = BlockImages::default();
        let mut seen = HashSet::new();
        let empty = PcMap::default();
        // A loaded block replaced by a superblock this run is saved in
        // its new form.
        let meta = self.meta.as_ref().unwrap_or(&empty);
        for images in &self.loaded {
            for v in images.views().expect("checked when loaded") {
                if !meta.contains_key(&v.entry.pc) && seen.insert(v.entry.pc) {
                    out.push(
                        v.entry.pc,
                        v.entry.guest_len,
                        v.code,
                        v.relocs,
                        v.faults,
                        v.chains,
                        v.segments,
                    );
                }
            }
        }
        let mut pcs: Vec<u32> = meta
            .keys()
            .copied()
            .filter(|pc| !seen.contains(pc))
            .collect();
        pcs.sort_unstable();
        for pc in pcs {
            let bm = &meta[&pc];
            let Some((host, code)) = self.host_code(pc) else {
                continue;
            };
            let mut code = code.to_vec();
            // Undo chaining: each exit jumps to its own stub again.
            for c in &bm.chains {
                let rel = c.stub as i32 - (c.site as i32 + 4);
                code[c.site as usize..c.site as usize + 4].copy_from_slice(&rel.to_le_bytes());
            }
            let faults: Vec<FaultSite> = bm
                .sites
                .iter()
                .map(|s| FaultSite {
                    host: s.host - host,
                    ..*s
                })
                .collect();
            out.push(
                pc,
                bm.guest_len,
                &code,
                &bm.relocs,
                &faults,
                &bm.chains,
                &bm.path,
            );
        }
        out
    }

    /// Loads saved blocks instead of translating them: they are copied
    /// into the code area, relocated for this JIT, their exits are linked
    /// to every block present (as the dispatcher would on first use) and
    /// they are entered in the lookup table. Blocks already present are
    /// skipped, and loading stops early if the code area is too full.
    /// Everything is checked before anything is placed: on error nothing
    /// was loaded. Returns the number of blocks loaded.
    ///
    /// Saved code is trusted like the fast32 binary itself: its integrity
    /// and origin are the caller's job (the checked cache-file header and
    /// [`Jit::cache_key`]); the checks here keep a wrong entry from
    /// corrupting the JIT's own bookkeeping.
    pub fn load_blocks(&mut self, m: &Machine, images: BlockImages) -> Result<usize, LoadError> {
        if !m.mem.layout().wxorx {
            // Such programs run on the interpreter (see `Jit::run`).
            return Ok(0);
        }
        let views = images.views()?;
        for v in &views {
            self.check_block(m, v)?;
        }
        // Layout: 16-byte aligned, as `CodeMemory::append` places blocks.
        let mut place: Vec<(usize, usize)> = Vec::new(); // (view index, offset)
        let mut new_pcs: PcMap<usize> = PcMap::default();
        new_pcs.reserve(views.len());
        self.blocks.reserve(views.len());
        let mut total = 0usize;
        for (i, v) in views.iter().enumerate() {
            let pc = v.entry.pc;
            if self.blocks.contains_key(&pc) || new_pcs.contains_key(&pc) {
                continue;
            }
            let end = total + v.code.len();
            if end + 16 > self.code.remaining() {
                break;
            }
            new_pcs.insert(pc, total);
            place.push((i, total));
            total = (end + 15) & !15;
        }
        let base = self.code.next_addr();
        let interrupt = self
            .opts
            .interruptible
            .then_some(std::sync::Arc::as_ptr(&m.interrupt) as usize);
        let counters: Vec<Option<Box<[BlockCounters]>>> = place
            .iter()
            .map(|&(i, _)| {
                self.opts.profiling.then(|| {
                    vec![BlockCounters::default(); views[i].segments.len()].into_boxed_slice()
                })
            })
            .collect();
        // Blocks saved before they became final count entries again.
        let threshold = self.hot_threshold as i32;
        let hot: Vec<Option<usize>> = place
            .iter()
            .map(|&(i, _)| {
                views[i]
                    .relocs
                    .iter()
                    .any(|r| r.kind == RelocKind::HotCounter)
                    .then(|| self.hot.alloc(threshold))
            })
            .collect();
        let mut linked: Vec<(u32, usize)> = Vec::new();
        let (exit_common, chain_exit, exec_one) = (
            self.stubs.exit_common,
            self.stubs.chain_exit,
            self.stubs.exec_one,
        );
        let lookup_table = self.table.as_ptr() as usize;
        let no_link = self.no_link;
        let mut prelinked = 0u64;
        {
            let blocks = &self.blocks;
            let Some(buf) = self.code.reserve(total) else {
                return Ok(0);
            };
            for (k, &(i, off)) in place.iter().enumerate() {
                let v = &views[i];
                let dst = &mut buf[off..off + v.code.len()];
                dst.copy_from_slice(v.code);
                let env = RelocEnv {
                    block: base + off,
                    exit_common,
                    chain_exit,
                    lookup_table,
                    exec_one,
                    interrupt_flag: interrupt,
                    counters: counters[k].as_ref().map(|c| c.as_ptr() as usize),
                    hot_counter: hot[k],
                };
                apply_relocs(dst, v.relocs, &env).map_err(|err| LoadError::Reloc {
                    pc: v.entry.pc,
                    err,
                })?;
                if no_link {
                    continue;
                }
                for c in v.chains {
                    let target = match new_pcs.get(&c.target) {
                        Some(&o) => base + o,
                        None => match blocks.get(&c.target) {
                            Some(&(h, _)) => h,
                            None => continue,
                        },
                    };
                    let field = base + off + c.site as usize;
                    let rel = (target as i64 - (field as i64 + 4)) as i32;
                    dst[c.site as usize..c.site as usize + 4].copy_from_slice(&rel.to_le_bytes());
                    linked.push((c.target, field));
                    prelinked += 1;
                }
            }
        }
        self.code.commit(total);
        if self.opts.superblocks != crate::Superblocks::Off {
            for (target, field) in linked {
                self.incoming.entry(target).or_default().push(field);
            }
        }
        for (((&(i, off), c), h), _) in place.iter().zip(counters).zip(hot).zip(0..) {
            let v = &views[i];
            let (pc, at) = (v.entry.pc, base + off);
            self.sites.extend(v.faults.iter().map(|s| FaultSite {
                host: at + s.host,
                ..*s
            }));
            self.blocks.insert(pc, (at, v.code.len()));
            match h {
                Some(h) => {
                    self.hot_of.insert(pc, h);
                }
                // Final when saved: what a profile of this run records.
                None if self.opts.superblocks != crate::Superblocks::Off => {
                    self.chosen.insert(pc, v.segments.to_vec());
                }
                None => {}
            }
            if v.segments.len() > 1 {
                self.live_paths.insert(pc, v.segments.to_vec());
            }
            if let Some(c) = c {
                let segs = v
                    .segments
                    .iter()
                    .map(|&(spc, len)| {
                        let lpc = spc.wrapping_add(4 * (len - 1));
                        let last = m
                            .mem
                            .fetch(lpc)
                            .ok()
                            .and_then(|w| fast32_isa::decode(w).ok())
                            .map(|i| (lpc, i));
                        SegmentInfo { pc: spc, len, last }
                    })
                    .collect();
                self.counters.push((segs, c));
            }
            if !no_link {
                let e = &mut self.table[lookup_index(pc)];
                e.guest_pc = pc;
                e.host = at as u64;
            }
        }
        let n = place.len();
        self.stats.blocks_loaded += n as u64;
        self.stats.exits_prelinked += prelinked;
        drop(views);
        self.loaded.push(images);
        Ok(n)
    }

    /// Structural checks of a saved block against this program and JIT.
    fn check_block(&self, m: &Machine, v: &BlockView<'_>) -> Result<(), LoadError> {
        let pc = v.entry.pc;
        let bad = |msg: String| LoadError::BadBlock { pc, msg };
        // The same test as before translating (guest jumps may be
        // misaligned; such blocks are translated and saved too).
        if pc >= self.code_limit || m.mem.fetch(pc).is_err() {
            return Err(bad("not an executable guest address".into()));
        }
        let n = v.entry.guest_len;
        if n == 0 || n > MAX_SUPERBLOCK_INSNS {
            return Err(bad(format!("{n} guest instructions")));
        }
        let segs = v.segments;
        if segs.is_empty() || segs.len() > MAX_SEGMENTS || segs[0].0 != pc {
            return Err(bad(format!("a path of {} blocks", segs.len())));
        }
        let mut sum = 0u32;
        for &(spc, len) in segs {
            if len == 0
                || len > MAX_BLOCK_INSNS
                || spc >= self.code_limit
                || m.mem.fetch(spc).is_err()
                || m.mem.fetch(spc.wrapping_add(4 * (len - 1))).is_err()
            {
                return Err(bad(format!(
                    "path block at 0x{spc:08x} of {len} instructions"
                )));
            }
            sum += len;
        }
        if sum != n {
            return Err(bad(format!("path of {sum} instructions, block of {n}")));
        }
        let len = v.code.len();
        if len == 0 || len > 1 << 20 {
            return Err(bad(format!("{len} bytes of code")));
        }
        let mut prev = None;
        for s in v.faults {
            if s.host >= len || s.addr_reg > 15 || !matches!(s.size, 1 | 2 | 4) {
                return Err(bad(format!("bad fault site at offset {}", s.host)));
            }
            // Fault sites are searched by address: they must be in order.
            if prev.is_some_and(|p| p >= s.host) {
                return Err(bad("fault sites out of order".into()));
            }
            prev = Some(s.host);
        }
        for c in v.chains {
            if c.site as usize + 4 > len || c.stub as usize >= len {
                return Err(bad(format!("bad exit at offset {}", c.site)));
            }
        }
        for r in v.relocs {
            if r.offset as usize + r.kind.width() > len {
                return Err(LoadError::Reloc {
                    pc,
                    err: RelocError::OutOfBounds {
                        offset: r.offset,
                        len,
                    },
                });
            }
            let has = match r.kind {
                RelocKind::InterruptFlag => self.opts.interruptible,
                RelocKind::Counters => self.opts.profiling,
                RelocKind::HotCounter => self.opts.superblocks != crate::Superblocks::Off,
                _ => true,
            };
            if !has {
                return Err(LoadError::Reloc {
                    pc,
                    err: RelocError::Missing(r.kind),
                });
            }
        }
        Ok(())
    }
}
