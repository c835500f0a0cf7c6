//! Profiling runs: the JIT counts what the program does, and this crate
//! turns the counters into a [`Profile`] (block counts, branch edges,
//! indirect-jump target histograms, call/return pairs, translation
//! shapes), merges profiles of several training runs, and prints them like
//! `perf report` for guest code.

pub mod code_cache;

use fast32_cache_format::profile::{
    BlockCount, BranchCount, CallReturn, IndirectSite, Profile, Shape,
};
use fast32_isa::{decode, Opcode};
use fast32_jit::{BlockProfile, Jit, JitError, JitOptions};
use fast32_runtime::{Machine, RunOutcome};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Runs `m` to completion on the JIT with profiling counters. A limit set
/// in `m.cpu.insn_limit` is honoured (the JIT only enforces it when
/// counting, so counting is turned on for it).
pub fn profile_run(m: &mut Machine) -> Result<(RunOutcome, Profile), JitError> {
    let opts = JitOptions {
        profiling: true,
        counting: m.cpu.insn_limit != u64::MAX,
        ..JitOptions::default()
    };
    let mut jit = Jit::new(m, opts)?;
    let outcome = jit.run(m);
    let p = to_profile(&jit.profile_data(), &jit.superblock_paths(), |pc| {
        m.mem.fetch(pc).ok()
    });
    Ok((outcome, p))
}

/// Converts raw JIT counters and the superblock paths the JIT chose
/// ([`Jit::superblock_paths`]) into a profile. `fetch` reads guest code
/// (to recognise call sites of return targets).
pub fn to_profile(
    data: &[BlockProfile],
    paths: &[Vec<(u32, u32)>],
    fetch: impl Fn(u32) -> Option<u32>,
) -> Profile {
    let mut blocks: BTreeMap<u32, BlockCount> = BTreeMap::new();
    let mut branches: BTreeMap<u32, BranchCount> = BTreeMap::new();
    let mut indirect: BTreeMap<u32, (bool, BTreeMap<u32, u64>, u64)> = BTreeMap::new();
    let mut returns: BTreeMap<u32, u64> = BTreeMap::new();
    let mut instructions = 0u64;
    for b in data {
        let c = &b.counters;
        instructions += c.entries * b.len as u64;
        let e = blocks.entry(b.pc).or_insert(BlockCount {
            pc: b.pc,
            len: b.len,
            count: 0,
        });
        e.count += c.entries;
        let Some((lpc, last)) = b.last else { continue };
        if last.op.is_branch() {
            let e = branches.entry(lpc).or_insert(BranchCount {
                pc: lpc,
                taken: 0,
                not_taken: 0,
            });
            e.taken += c.taken;
            e.not_taken += c.entries.saturating_sub(c.taken);
        } else if last.op == Opcode::Jalr {
            let e = indirect
                .entry(lpc)
                .or_insert((last.rd != 0, BTreeMap::new(), 0));
            for s in c.slots.iter().filter(|s| s.target != u32::MAX) {
                *e.1.entry(s.target).or_default() += s.count;
                // A plain return (jalr r0, lr, 0) landing after a call.
                if last.rd == 0 && last.rs1 == 31 {
                    let call = s.target.wrapping_sub(4);
                    let is_call = fetch(call)
                        .and_then(|w| decode(w).ok())
                        .is_some_and(|i| matches!(i.op, Opcode::Jal | Opcode::Jalr) && i.rd != 0);
                    if is_call {
                        *returns.entry(call).or_default() += s.count;
                    }
                }
            }
            e.2 += c.other;
        }
    }
    let mut p = Profile {
        runs: 1,
        instructions,
        blocks: blocks.into_values().collect(),
        branches: branches.into_values().collect(),
        indirect: indirect
            .into_iter()
            .map(|(pc, (links, t, other))| IndirectSite {
                pc,
                links,
                targets: t.into_iter().collect(),
                other,
            })
            .collect(),
        calls: returns
            .into_iter()
            .map(|(call_pc, returns)| CallReturn { call_pc, returns })
            .collect(),
        shapes: paths
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| Shape {
                entry: p[0].0,
                blocks: p.clone(),
            })
            .collect(),
    };
    p.normalize();
    p
}

/// Runs per profiled run up to which a block is left to the interpreter
/// when pre-warming instead of translated up front (and how many runs it
/// gets there before it is translated after all). Translating a block
/// costs about as much host time as interpreting it a few dozen times.
/// Pre-warmed wall time over a cold start (paired runs, Lua): 0.89x
/// (lua-basics) and 0.87x (lua-coroutines) translating every block the
/// profile saw; 0.80x and 0.80x with 16 (32 is no better, 64 worse).
pub const INTERPRET_FIRST_RUNS: u64 = 16;

/// Whether pre-warming translates the block (it ran more than
/// [`INTERPRET_FIRST_RUNS`] times a run) rather than interpreting it first.
fn warm(p: &Profile, count: u64) -> bool {
    count > INTERPRET_FIRST_RUNS * u64::from(p.runs.max(1))
}

/// The plain blocks a profile saw run often enough to be translated up
/// front (entry PCs), for [`Jit::prewarm`].
pub fn prewarm_blocks(p: &Profile) -> Vec<u32> {
    p.blocks
        .iter()
        .filter(|b| warm(p, b.count))
        .map(|b| b.pc)
        .collect()
}

/// The blocks a profile saw run only a few times, with the executions to
/// leave to the interpreter before translating them, for
/// [`Jit::interpret_first`].
pub fn interpret_first_blocks(p: &Profile) -> Vec<(u32, u32)> {
    p.blocks
        .iter()
        .filter(|b| b.count > 0 && !warm(p, b.count))
        .map(|b| (b.pc, INTERPRET_FIRST_RUNS as u32))
        .collect()
}

/// What to translate up front (pre-warming): the superblock paths the
/// profiling JIT chose, as lists of plain-block PCs for
/// [`Jit::prewarm`], most executed entry first.
pub fn prewarm_paths(p: &Profile) -> Vec<Vec<u32>> {
    let mut shapes: Vec<&Shape> = p.shapes.iter().filter(|s| !s.is_empty()).collect();
    shapes.sort_by_key(|s| (std::cmp::Reverse(p.block_count(s.entry)), s.entry));
    shapes
        .into_iter()
        .map(|s| s.blocks.iter().map(|b| b.0).collect())
        .collect()
}

/// A `perf report`-like listing: hottest blocks with their share of all
/// executed instructions and their disassembly, then the most
/// unpredictable branches and the indirect sites.
pub fn report(
    p: &Profile,
    top: usize,
    fetch: impl Fn(u32) -> Option<u32>,
    syms: &dyn fast32_isa::disasm::SymbolLookup,
) -> String {
    let mut s = String::new();
    let total = p.instructions.max(1) as f64;
    let _ = writeln!(
        s,
        "{} run(s), {} guest instructions, {} blocks, {} branches, {} indirect sites",
        p.runs,
        p.instructions,
        p.blocks.len(),
        p.branches.len(),
        p.indirect.len()
    );
    let _ = writeln!(s, "\nHottest blocks (share of executed instructions):");
    let mut cumulative = 0.0;
    for b in p.hottest_blocks().into_iter().take(top) {
        let share = (b.count * b.len as u64) as f64 / total * 100.0;
        cumulative += share;
        let name = syms.name_for(b.pc).unwrap_or_default();
        let _ = writeln!(
            s,
            "\n{share:6.2}% (cum {cumulative:6.2}%)  0x{:08x} {name}  {} executions x {} instructions",
            b.pc, b.count, b.len
        );
        for k in 0..b.len.min(24) {
            let pc = b.pc.wrapping_add(4 * k);
            if let Some(w) = fetch(pc) {
                let _ = writeln!(
                    s,
                    "        {pc:08x}  {}",
                    fast32_isa::disasm::disasm_word(w, pc, syms)
                );
            }
        }
    }
    let mut br: Vec<&BranchCount> = p.branches.iter().collect();
    br.sort_by_key(|b| std::cmp::Reverse(b.taken.min(b.not_taken)));
    let _ = writeln!(s, "\nSide exits (branches by minority-direction count):");
    for b in br.into_iter().take(top) {
        let n = (b.taken + b.not_taken).max(1) as f64;
        let _ = writeln!(
            s,
            "  0x{:08x} {:<28} taken {:>12} ({:5.1}%)  not taken {:>12}",
            b.pc,
            syms.name_for(b.pc).unwrap_or_default(),
            b.taken,
            b.taken as f64 / n * 100.0,
            b.not_taken
        );
    }
    let mut ind: Vec<&IndirectSite> = p.indirect.iter().collect();
    ind.sort_by_key(|i| std::cmp::Reverse(i.targets.iter().map(|t| t.1).sum::<u64>() + i.other));
    let _ = writeln!(s, "\nIndirect jumps and calls:");
    for i in ind.into_iter().take(top) {
        let n = i.targets.iter().map(|t| t.1).sum::<u64>() + i.other;
        let _ = write!(
            s,
            "  0x{:08x} {:<28} {} {:>12}:",
            i.pc,
            syms.name_for(i.pc).unwrap_or_default(),
            if i.links { "call" } else { "jump" },
            n
        );
        for (t, c) in i.targets.iter().take(4) {
            let _ = write!(s, " 0x{t:08x} {:.1}%", *c as f64 / n.max(1) as f64 * 100.0);
        }
        if i.targets.len() > 4 || i.other > 0 {
            let _ = write!(s, " ...");
        }
        let _ = writeln!(s);
    }
    report_shapes(&mut s, p, top, syms);
    s
}

/// The superblocks the profiling JIT chose, hottest entry first: each
/// with the plain blocks it strings together in path order and how many
/// times each of those blocks ran (over the whole run, inside this
/// superblock and elsewhere).
fn report_shapes(
    s: &mut String,
    p: &Profile,
    top: usize,
    syms: &dyn fast32_isa::disasm::SymbolLookup,
) {
    let mut multi: Vec<&Shape> = p.shapes.iter().filter(|sh| sh.blocks.len() > 1).collect();
    multi.sort_by_key(|sh| {
        (
            std::cmp::Reverse(p.block_count(sh.entry) * u64::from(sh.len())),
            sh.entry,
        )
    });
    let _ = writeln!(
        s,
        "\nSuperblocks ({} of several blocks, {} hot blocks kept plain), by entry runs x instructions:",
        multi.len(),
        p.shapes.len() - multi.len()
    );
    for sh in multi.into_iter().take(top) {
        let _ = writeln!(
            s,
            "  0x{:08x} {:<28} {} blocks, {} instructions, entered {}",
            sh.entry,
            syms.name_for(sh.entry).unwrap_or_default(),
            sh.blocks.len(),
            sh.len(),
            p.block_count(sh.entry)
        );
        for &(pc, len) in &sh.blocks {
            let _ = writeln!(
                s,
                "      0x{pc:08x} {:<28} {len:>4} instructions {:>12} runs",
                syms.name_for(pc).unwrap_or_default(),
                p.block_count(pc)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fast32_cache_format::profile::BlockCount;

    struct NoSyms;
    impl fast32_isa::disasm::SymbolLookup for NoSyms {
        fn name_for(&self, _: u32) -> Option<String> {
            None
        }
    }

    #[test]
    fn report_lists_superblock_shapes_with_their_blocks_and_counts() {
        let block = |pc, len, count| BlockCount { pc, len, count };
        let p = Profile {
            runs: 1,
            instructions: 1000,
            blocks: vec![
                block(0x10, 3, 50),
                block(0x40, 2, 45),
                block(0x80, 4, 7),
                block(0x100, 5, 90),
            ],
            shapes: vec![
                Shape {
                    entry: 0x10,
                    blocks: vec![(0x10, 3), (0x40, 2)],
                },
                Shape {
                    entry: 0x80,
                    blocks: vec![(0x80, 4), (0x10, 3), (0x40, 2)],
                },
                Shape {
                    entry: 0x100,
                    blocks: vec![(0x100, 5)],
                },
            ],
            ..Profile::default()
        };
        let r = report(&p, 10, |_| None, &NoSyms);
        let at = r.find("Superblocks (2 of several blocks, 1 hot blocks kept plain)");
        let sec = &r[at.expect(&r)..];
        // 0x10 (50 runs x 5 instructions) before 0x80 (7 x 9).
        let first = sec.find("0x00000010").unwrap();
        let second = sec.find("0x00000080").unwrap();
        assert!(first < second, "{sec}");
        assert!(
            sec.contains("2 blocks, 5 instructions, entered 50"),
            "{sec}"
        );
        assert!(sec.contains("3 blocks, 9 instructions, entered 7"), "{sec}");
        assert!(sec.contains("0x00000040"), "{sec}");
        assert!(sec.contains("2 instructions           45 runs"), "{sec}");
        // The plain hot block is not listed as a superblock.
        assert!(!sec.contains("0x00000100"), "{sec}");
    }
}
