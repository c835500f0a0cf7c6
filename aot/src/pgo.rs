//! What a profile tells the AOT compiler, in the compiler's terms.
//!
//! A profile counts what the JIT ran: its translation units (a guest PC,
//! a length, and for superblocks the path through their branches), branch
//! directions and indirect-jump targets. [`Hints`] turns that into
//! per-address execution counts and per-site target lists, which
//! [`crate::lower`] uses to
//!
//! - mark blocks and branch edges the training run never took as cold
//!   (Cranelift moves them out of the hot path), or, with
//!   [`ColdPolicy::Jit`], not compile never-run blocks at all (they leave
//!   to the dispatcher, which runs them on the embedded JIT); blocks that
//!   ran only rarely are laid out with the cold ones ([`Hints::is_rare`]);
//! - speculate indirect jumps and calls on their dominant targets
//!   (compare and branch or call directly before the general dispatch);
//! - pick the guest registers kept in host registers by *dynamic* use
//!   (static uses weighted by how often each block ran).
//!
//! A profile never changes results, only speed: every speculation falls
//! back to the general path, and cold code stays reachable.

use crate::discover::{CodeImage, Program};
use fast32_cache_format::Profile;
use std::collections::{BTreeMap, HashMap};

/// What to do with code the profile never saw run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColdPolicy {
    /// Compile it (out of line, at the end of its function).
    #[default]
    Translate,
    /// Do not compile it: reaching it hands control to the embedded JIT.
    Jit,
    /// Compile it in a twin of its function: the function tail-calls the
    /// twin where it reaches such code, and the twin tail-calls the
    /// function back at the next block the profile saw run that can be
    /// entered. The hot function is as small as under `Jit` (register
    /// allocation sees only what ran), and leaving it costs a tail call,
    /// not a round trip through the dispatcher and the JIT. Executables
    /// only (in-memory compilation translates).
    Outline,
}

/// A block that ran under 1/this as often as its function's most run
/// block is laid out with the cold ones ([`Hints::is_rare`]).
pub const RARE_BLOCK_RATIO: u64 = 10_000;

/// Minimum share of a site's executions for a target to be speculated.
const MIN_TARGET_SHARE: f64 = 0.05;
/// At most this many speculated targets per site.
const MAX_TARGETS: usize = 4;

/// A block is entered from unknown places when at least this share of
/// its entries (and [`MIN_UNEXPLAINED`] of them) is not explained by
/// the profile's edges into it.
const UNEXPLAINED_SHARE: u64 = 64;
const MIN_UNEXPLAINED: u64 = 16;

/// Blocks the profile saw entered more often than its edges into them
/// explain (fallthrough, direct jumps and branches from counted blocks,
/// returns to call sites), so entered by indirect jumps whose targets the
/// site's histogram had no room for: a threaded interpreter's `NEXT`
/// reaches dozens of primitives from one JALR, which keeps 8 slots. As
/// discovery roots they become indirect targets and entries of compiled
/// code, where otherwise each such jump would leave compiled code for the
/// JIT (Forth: 1.9 million fallbacks in a 42-million-instruction run).
fn unexplained_entries(p: &Profile, code: &CodeImage) -> Vec<u32> {
    use fast32_isa::Opcode;
    // Entries of all blocks ending at each last instruction (a block
    // entered in its middle is a second block with the same end).
    let mut ends: HashMap<u32, u64> = HashMap::new();
    let mut entered: HashMap<u32, u64> = HashMap::new();
    for b in p.blocks.iter().filter(|b| b.count > 0 && b.len > 0) {
        let last = b.pc.wrapping_add(4 * (b.len - 1));
        *ends.entry(last).or_default() += b.count;
        *entered.entry(b.pc).or_default() += b.count;
    }
    let taken: HashMap<u32, u64> = p.branches.iter().map(|b| (b.pc, b.taken)).collect();
    let mut inflow: HashMap<u32, u64> = HashMap::new();
    let mut add = |pc: u32, n: u64| *inflow.entry(pc).or_default() += n;
    for (&last, &n) in &ends {
        let next = last.wrapping_add(4);
        match code.inst(last) {
            Some(i) if i.op.is_branch() => {
                let t = taken.get(&last).copied().unwrap_or(0).min(n);
                add(next.wrapping_add(i.imm as u32), t);
                add(next, n - t);
            }
            // A call's return site is counted by the returns below.
            Some(i) if i.op == Opcode::Jal => add(last.wrapping_add(i.imm as u32), n),
            Some(i) if i.op == Opcode::Jalr || i.op == Opcode::Halt => {}
            // Anything else (a block cut short, a service) goes on.
            _ => add(next, n),
        }
    }
    for c in &p.calls {
        add(c.call_pc.wrapping_add(4), c.returns);
    }
    let mut v: Vec<u32> = entered
        .into_iter()
        .filter(|&(pc, n)| {
            let extra = n.saturating_sub(inflow.get(&pc).copied().unwrap_or(0));
            extra >= MIN_UNEXPLAINED && extra * UNEXPLAINED_SHARE >= n && code.valid(pc)
        })
        .map(|(pc, _)| pc)
        .collect();
    v.sort_unstable();
    v
}

/// Profile facts keyed the way lowering asks for them.
#[derive(Clone, Debug, Default)]
pub struct Hints {
    /// Execution count as a step function of the guest address: the count
    /// at `a` is the value of the last key `<= a`.
    counts: BTreeMap<u32, u64>,
    /// Branch PC → (taken, not taken).
    pub branches: HashMap<u32, (u64, u64)>,
    /// JALR PC → targets worth speculating (most frequent first) and the
    /// site's total executions.
    pub indirect: HashMap<u32, (Vec<(u32, u64)>, u64)>,
    pub cold: ColdPolicy,
    /// Every indirect target the profile saw, and every block entered
    /// more often than the edges into it explain ([`unexplained_entries`]):
    /// extra discovery roots, and entries of compiled code.
    pub all_targets: Vec<u32>,
    /// The blocks of [`unexplained_entries`], ascending.
    pub unexplained: Vec<u32>,
    /// Guest instructions the profiled runs executed.
    pub total_insns: u64,
}

impl Hints {
    /// Builds hints from a profile of the program whose code is `code`.
    pub fn from_profile(p: &Profile, code: &CodeImage, cold: ColdPolicy) -> Hints {
        // Covered address ranges with their counts.
        let mut ranges: Vec<(u32, u32, u64)> = Vec::new();
        // Block counts are per plain block (a superblock's blocks count
        // their own entries), so each covers its contiguous range.
        for b in &p.blocks {
            if b.count == 0 {
                continue;
            }
            ranges.push((b.pc, b.pc.saturating_add(4 * b.len.max(1)), b.count));
        }
        // Sweep: +count at start, -count at end.
        let mut deltas: BTreeMap<u32, i128> = BTreeMap::new();
        for &(s, e, c) in &ranges {
            *deltas.entry(s).or_default() += c as i128;
            *deltas.entry(e).or_default() -= c as i128;
        }
        let total_insns = ranges
            .iter()
            .map(|&(s, e, c)| c.saturating_mul(u64::from((e - s) / 4)))
            .fold(0u64, u64::saturating_add);
        let mut counts = BTreeMap::new();
        let mut acc: i128 = 0;
        for (a, d) in deltas {
            acc += d;
            counts.insert(a, acc.max(0) as u64);
        }
        let branches = p
            .branches
            .iter()
            .map(|b| (b.pc, (b.taken, b.not_taken)))
            .collect();
        let mut indirect = HashMap::new();
        let mut all_targets = Vec::new();
        for s in &p.indirect {
            let total: u64 = s.targets.iter().map(|t| t.1).sum::<u64>() + s.other;
            all_targets.extend(s.targets.iter().map(|t| t.0));
            let mut ts: Vec<(u32, u64)> = s
                .targets
                .iter()
                .copied()
                .filter(|&(t, c)| {
                    total > 0 && c as f64 >= MIN_TARGET_SHARE * total as f64 && code.valid(t)
                })
                .collect();
            ts.sort_by_key(|t| std::cmp::Reverse(t.1));
            ts.truncate(MAX_TARGETS);
            if !ts.is_empty() {
                indirect.insert(s.pc, (ts, total));
            }
        }
        let unexplained = unexplained_entries(p, code);
        all_targets.extend(&unexplained);
        all_targets.sort_unstable();
        all_targets.dedup();
        Hints {
            counts,
            branches,
            indirect,
            cold,
            all_targets,
            unexplained,
            total_insns,
        }
    }

    /// How often the instruction at `pc` ran in the profile.
    pub fn count(&self, pc: u32) -> u64 {
        self.counts
            .range(..=pc)
            .next_back()
            .map(|(_, &c)| c)
            .unwrap_or(0)
    }

    /// Did the instruction at `pc` never run?
    pub fn is_cold(&self, pc: u32) -> bool {
        self.count(pc) == 0
    }

    /// How often the most run of `blocks` (a function's) ran: what
    /// [`Self::is_rare`] compares with.
    pub fn hottest(&self, blocks: &[u32]) -> u64 {
        blocks.iter().map(|&s| self.count(s)).max().unwrap_or(0)
    }

    /// Did the block at `pc` run, but under 1/[`RARE_BLOCK_RATIO`] as
    /// often as `hottest` (its function's most run block)? Such blocks are
    /// laid out after the rest of the function, like those that never ran,
    /// but compiled in place whatever the cold policy.
    pub fn is_rare(&self, pc: u32, hottest: u64) -> bool {
        let n = self.count(pc);
        n > 0 && n.saturating_mul(RARE_BLOCK_RATIO) < hottest
    }

    /// Is the code at `pc` not compiled, left to the JIT
    /// ([`ColdPolicy::Jit`] and never run in the profile)?
    pub fn left_to_jit(&self, pc: u32) -> bool {
        self.cold == ColdPolicy::Jit && self.is_cold(pc)
    }

    /// The dominant targets the profile recorded for the JALR at `pc`,
    /// most taken first: what indirect jumps and calls speculate on, and
    /// the order in which an inlined return tests its call sites.
    pub fn targets(&self, pc: u32) -> &[(u32, u64)] {
        self.indirect.get(&pc).map(|v| &v.0[..]).unwrap_or(&[])
    }
}

/// A one-run profile in which each block `prog` discovered ran
/// `count(its start)` times and nothing else was recorded: for tests that
/// state what ran instead of recording it.
pub fn profile_of_blocks(prog: &Program, count: impl Fn(u32) -> u64) -> Profile {
    Profile {
        runs: 1,
        blocks: prog
            .blocks
            .values()
            .map(|b| fast32_cache_format::profile::BlockCount {
                pc: b.start,
                len: (b.end - b.start) / 4,
                count: count(b.start),
            })
            .collect(),
        ..Profile::default()
    }
}

/// A speculated JALR: (pc, links, targets with counts, site total).
pub type SpeculatedSite = (u32, bool, Vec<(u32, u64)>, u64);

/// What the profile changed in a compilation (`fast32 compile --explain`).
#[derive(Clone, Debug, Default)]
pub struct Explain {
    pub blocks: u64,
    pub cold_blocks: u64,
    /// Cold blocks left to the JIT ([`ColdPolicy::Jit`]).
    pub jit_blocks: u64,
    /// Cold blocks compiled in twins ([`ColdPolicy::Outline`]), and the
    /// functions that have a twin.
    pub outlined_blocks: u64,
    pub twins: u64,
    /// Guest instructions in cold blocks.
    pub cold_insns: u64,
    /// Blocks that ran, but rarely ([`Hints::is_rare`]): laid out with
    /// the cold ones.
    pub rare_blocks: u64,
    /// (JALR pc, links, speculated targets with counts, site total).
    pub speculated: Vec<SpeculatedSite>,
    /// Dispatch blocks (with the block before them, if any) copied into
    /// a hot predecessor (`FnLower::dispatch_copy`): (function start,
    /// first block copied, dispatch block).
    pub dispatch_copies: Vec<(u32, u32, u32)>,
    /// Functions whose register choice the profile changed.
    pub regalloc_changed: u64,
    /// Functions compiled with the profile's spill weights
    /// ([`crate::spill_weights`]), and those whose Cranelift block order
    /// did not match (they kept the allocator's own estimate).
    pub spill_hinted: u64,
    pub spill_hint_mismatch: u64,
    /// Calls lowered as jumps into an inlined callee, and (caller,
    /// callee) pairs ([`crate::inline`]).
    pub inlined_sites: u64,
    pub inlined_callees: u64,
    /// Call sites given their own copy of the callee's leaf return
    /// ([`crate::lower`]'s `peel`).
    pub peeled_returns: u64,
    /// Indirect jumps through read-only jump tables, lowered as host
    /// table jumps ([`crate::jumptable`]).
    pub table_jumps: u64,
    /// Pair moves (two word loads or stores of an f64 register pair)
    /// lowered as one 8-byte access, and blocks lowered in two versions
    /// on whether their pair moves are 8-aligned (see
    /// `FnLower::aligned_accesses`); a versioned block's moves count in
    /// both versions.
    pub fused_pair_moves: u64,
    pub versioned_blocks: u64,
    pub functions: u64,
    /// Functions that never ran.
    pub cold_functions: u64,
    /// (function start, the functions it absorbs, their guest
    /// instructions): hot regions spanning functions ([`crate::inline`]).
    pub regions: Vec<(u32, Vec<u32>, u64)>,
    /// The intrinsics report ([`crate::intrinsics::Plan::render`]).
    pub intrinsics: String,
}

impl Explain {
    /// The inlining line of the report (with or without a profile).
    pub fn inlining(&self) -> String {
        format!(
            "inlining: {} calls into {} inlined copies of small callees, {} with their own copy of the callee's leaf return\n\
             jump tables: {} indirect jumps through read-only tables\n\
             f64 pair moves: {} as one 8-byte access, {} blocks versioned on alignment\n",
            self.inlined_sites,
            self.inlined_callees,
            self.peeled_returns,
            self.table_jumps,
            self.fused_pair_moves,
            self.versioned_blocks
        )
    }

    /// A human-readable report.
    pub fn render(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let pct = |a: u64, b: u64| {
            if b == 0 {
                0.0
            } else {
                100.0 * a as f64 / b as f64
            }
        };
        let _ = writeln!(
            s,
            "profile: {} of {} blocks cold ({:.1}%, {} guest instructions); {} left to the JIT; {} in twins of {} functions",
            self.cold_blocks,
            self.blocks,
            pct(self.cold_blocks, self.blocks),
            self.cold_insns,
            self.jit_blocks,
            self.outlined_blocks,
            self.twins
        );
        let _ = writeln!(
            s,
            "profile: {} blocks ran under 1/{RARE_BLOCK_RATIO} as often as their function's hottest: laid out with the cold ones",
            self.rare_blocks
        );
        let _ = writeln!(
            s,
            "profile: {} of {} functions never ran; register choice changed in {} functions",
            self.cold_functions, self.functions, self.regalloc_changed
        );
        let _ = writeln!(
            s,
            "profile: spill weights from block counts in {} functions ({} kept the allocator's estimate: block order mismatch)",
            self.spill_hinted, self.spill_hint_mismatch
        );
        let mut regions = self.regions.clone();
        regions.sort_by_key(|r| r.0);
        let _ = writeln!(
            s,
            "profile: {} functions absorb the targets of their hot indirect jumps",
            regions.len()
        );
        for (f, absorbed, n) in &regions {
            let list: Vec<String> = absorbed.iter().map(|a| format!("0x{a:08x}")).collect();
            let _ = writeln!(
                s,
                "  0x{f:08x} absorbs {} ({n} guest instructions)",
                list.join(" ")
            );
        }
        // A site is lowered once per function holding its block (its
        // own, and each caller it is inlined into): listed once.
        let mut sites = self.speculated.clone();
        sites.sort_by_key(|x| (x.0, x.1));
        sites.dedup_by_key(|x| (x.0, x.1));
        let _ = writeln!(
            s,
            "profile: {} indirect sites speculated (at {} places in compiled code)",
            sites.len(),
            self.speculated.len()
        );
        sites.sort_by_key(|x| std::cmp::Reverse(x.3));
        for (pc, links, ts, total) in sites.iter().take(20) {
            let hit: u64 = ts.iter().map(|t| t.1).sum();
            let list: Vec<String> = ts.iter().map(|(t, c)| format!("0x{t:08x}×{c}")).collect();
            let _ = writeln!(
                s,
                "  0x{pc:08x} {} {:>5.1}% hit in profile ({hit}/{total}): {}",
                if *links { "call" } else { "jump" },
                pct(hit, *total),
                list.join(" ")
            );
        }
        if sites.len() > 20 {
            let _ = writeln!(s, "  ... {} more", sites.len() - 20);
        }
        let mut copies: BTreeMap<u32, BTreeMap<(u32, u32), u32>> = BTreeMap::new();
        for &(f, first, d) in &self.dispatch_copies {
            *copies.entry(f).or_default().entry((first, d)).or_default() += 1;
        }
        let _ = writeln!(
            s,
            "profile: {} dispatch blocks copied into hot predecessors, in {} functions",
            self.dispatch_copies.len(),
            copies.len()
        );
        for (f, ds) in &copies {
            let list: Vec<String> = ds
                .iter()
                .map(|((first, d), n)| match first == d {
                    true => format!("0x{d:08x}×{n}"),
                    false => format!("0x{first:08x}->0x{d:08x}×{n}"),
                })
                .collect();
            let _ = writeln!(s, "  0x{f:08x}: {}", list.join(" "));
        }
        s.push_str(&self.inlining());
        s.push_str(&self.intrinsics);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fast32_cache_format::profile::{BlockCount, BranchCount, CallReturn};

    /// A speculated site lowered in several functions (its own and the
    /// callers it is inlined into) is reported once.
    #[test]
    fn a_site_lowered_twice_is_listed_once() {
        let site = (0x100, false, vec![(0x200, 90)], 100);
        let e = Explain {
            speculated: vec![site.clone(), (0x300, true, vec![(0x400, 5)], 10), site],
            ..Explain::default()
        };
        let r = e.render();
        assert!(
            r.contains("2 indirect sites speculated (at 3 places in compiled code)"),
            "{r}"
        );
        assert_eq!(r.matches("0x00000100 jump").count(), 1, "{r}");
    }

    /// Entries that fallthrough, jumps, branches and returns account for
    /// are explained; a block entered 1000 times from nowhere known is
    /// not; one entered 10 times from nowhere is below the minimum.
    #[test]
    fn unexplained_entries_are_the_ones_no_edge_accounts_for() {
        let src = "
    .text
_start:
    li r5, 100
loop:
    call f
    addi r5, r5, -1
    bne r5, r0, loop
    jalr r0, r6, 0
    halt
    halt
f:
    ret
";
        let image = fast32_asm::assemble(src, "t.s").expect("assembles");
        let code = CodeImage::from_image(&image);
        let op = |pc: u32| code.inst(pc).map(|i| i.op);
        use fast32_isa::Opcode::*;
        assert_eq!(
            (0..8).map(|k| op(4 * k)).collect::<Vec<_>>(),
            [Addi, Jal, Addi, Bne, Jalr, Halt, Halt, Jalr].map(Some),
            "layout assumed below"
        );
        let block = |pc: u32, len: u32, count: u64| BlockCount { pc, len, count };
        let p = Profile {
            runs: 1,
            instructions: 0,
            blocks: vec![
                block(0x00, 1, 1),
                block(0x04, 1, 100),
                block(0x08, 2, 100),
                block(0x10, 1, 1),
                block(0x14, 1, 10),
                block(0x18, 1, 1000),
                block(0x1c, 1, 100),
            ],
            branches: vec![BranchCount {
                pc: 0x0c,
                taken: 99,
                not_taken: 1,
            }],
            indirect: Vec::new(),
            calls: vec![CallReturn {
                call_pc: 0x04,
                returns: 100,
            }],
            shapes: Vec::new(),
        };
        assert_eq!(unexplained_entries(&p, &code), vec![0x18]);
    }
}
