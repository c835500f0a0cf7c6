//! Spill weights from the profile: the loop depth the register allocator
//! gives each block, derived from how often the block ran.
//!
//! Cranelift's allocator (regalloc2) decides what to spill by weighing each
//! use of a value with `1000 * 4^depth`, `depth` being its estimate of the
//! block's loop nesting: it counts back edges in block order. For a guest
//! interpreter loop (Lua's `luaV_execute`: every handler ends in its own
//! copy of the dispatch, which jumps to every handler) that estimate spread
//! the blocks over depths 0 to 11 with no relation to how often they ran,
//! and the allocator kept Lua's instruction pointer and current instruction
//! on the host stack across every dispatch (stack loads and stores were 17%
//! of the loop's host instructions).
//!
//! With a profile we know how often every guest block ran, so lowering
//! records a depth per Cranelift block ([`depth_for_count`]): the hottest
//! block of the function at [`TOP_DEPTH`], one level less per factor of
//! [`LEVEL_RATIO`] fewer runs, 0 for blocks that never ran and for blocks
//! laid out as cold.
//! [`lowered_order_depths`] puts them in the order regalloc2 numbers blocks
//! (Cranelift's lowering order, which it computes from the optimized
//! function), and the vendored regalloc2 (`vendor/regalloc2`) takes them
//! through [`regalloc2::hints`] in place of its estimate. With them go the
//! successors we expect each block to have in that numbering: if Cranelift
//! ever orders blocks differently, the allocator sees that and keeps its
//! own estimate (only speed depends on this; `--explain` counts such
//! functions).
//!
//! Lua bench-small with the training profile: 1794M host instructions
//! with the allocator's estimate, 1733M with these depths (plain AOT:
//! 1820M); wall time 0.88 of plain, 0.94 before.

use cranelift_codegen::dominator_tree::DominatorTree;
use cranelift_codegen::entity::EntityRef;
use cranelift_codegen::ir::{Block, Function, Opcode};

/// The depth of a function's hottest block (regalloc2 stops growing the
/// weight at depth 10).
pub const TOP_DEPTH: u32 = 4;

/// How many times fewer runs make a block one level shallower. With 4, the
/// allocator's own factor per level (so weights followed counts), and
/// [`TOP_DEPTH`] 8, the Forth kernel's profile-guided executable ran 3.8%
/// slower (wall time, 41 paired runs) than with the allocator's estimate,
/// in 0.7% fewer host instructions; at 16 and 4 it ran 5.7% faster, Lua
/// and Prolog gained the same either way, Lisp a little less (0.92 of
/// plain against 0.90), BASIC the same. Flat depths (1 for every block
/// that ran) made Forth 17% slower.
pub const LEVEL_RATIO: u64 = 16;

/// The loop depth of a block that ran `count` times in a function whose
/// hottest block ran `hottest` times.
pub fn depth_for_count(count: u64, hottest: u64) -> u32 {
    if count == 0 {
        return 0;
    }
    let mut ratio = hottest.max(count) / count;
    let mut depth = TOP_DEPTH;
    while ratio >= LEVEL_RATIO && depth > 0 {
        ratio /= LEVEL_RATIO;
        depth -= 1;
    }
    depth
}

/// `depth` (indexed by Cranelift block number; blocks past its end get 0)
/// in Cranelift's lowering order of `func`, the order in which regalloc2
/// numbers blocks: reverse postorder of `domtree`, each block followed by
/// the blocks Cranelift inserts on its critical out-edges, one per
/// successor with several predecessors when the block has several
/// successors (a jump table counts as several). An edge block gets its
/// successor's depth: it runs as often as the edge, which is at most as
/// often as the successor. Each block's successors in that numbering go
/// with it, for regalloc2 to check against the function it allocates.
///
/// `func` and `domtree` must be the optimized function and its dominator
/// tree, as Cranelift lowers them.
pub fn lowered_order_depths(
    func: &Function,
    domtree: &DominatorTree,
    depth: &[u32],
) -> regalloc2::hints::BlockDepths {
    let depth_of = |b: Block| depth.get(b.index()).copied().unwrap_or(0);
    let succs = |b: Block| -> Vec<Block> {
        let Some(inst) = func.layout.last_inst(b) else {
            return Vec::new();
        };
        func.dfg.insts[inst]
            .branch_destination(&func.dfg.jump_tables, &func.dfg.exception_tables)
            .iter()
            .map(|c| c.block(&func.dfg.value_lists))
            .collect()
    };
    // Cranelift counts edges from every block in the layout (unreachable
    // ones are gone by then).
    let n = func.dfg.num_blocks();
    let mut in_count = vec![0u32; n];
    for b in func.layout.blocks() {
        for s in succs(b) {
            in_count[s.index()] += 1;
        }
    }
    // The lowered blocks: an original block, or the edge into `succ`.
    enum Lowered {
        Orig(Block),
        Edge { succ: Block },
    }
    let mut order = Vec::with_capacity(n);
    // Per original block: its index, and its successors' (edge blocks'
    // indices are known when they are pushed).
    let mut index = vec![u32::MAX; n];
    let mut orig_succs: Vec<Vec<Result<u32, Block>>> = Vec::new();
    for &b in domtree.cfg_rpo() {
        index[b.index()] = order.len() as u32;
        order.push(Lowered::Orig(b));
        let ss = succs(b);
        // A jump table counts as several successors even with one.
        let table = func
            .layout
            .last_inst(b)
            .is_some_and(|i| func.dfg.insts[i].opcode() == Opcode::BrTable);
        let split = ss.len() > 1 || table;
        let mut mine = Vec::with_capacity(ss.len());
        for s in ss {
            if split && in_count[s.index()] > 1 {
                mine.push(Ok(order.len() as u32));
                order.push(Lowered::Edge { succ: s });
            } else {
                mine.push(Err(s));
            }
        }
        orig_succs.push(mine);
    }
    let mut out = regalloc2::hints::BlockDepths::default();
    let mut origs = orig_succs.into_iter();
    for lb in &order {
        match *lb {
            Lowered::Orig(b) => {
                out.depths.push(depth_of(b));
                let mine = origs.next().unwrap_or_default();
                out.succs.push(
                    mine.into_iter()
                        .map(|s| s.unwrap_or_else(|b| index[b.index()]))
                        .collect(),
                );
            }
            Lowered::Edge { succ } => {
                out.depths.push(depth_of(succ));
                out.succs.push(vec![index[succ.index()]]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_falls_one_level_per_level_ratio() {
        assert_eq!(depth_for_count(0, 1000), 0);
        assert_eq!(depth_for_count(1000, 1000), TOP_DEPTH);
        assert_eq!(depth_for_count(63, 1000), TOP_DEPTH);
        assert_eq!(depth_for_count(62, 1000), TOP_DEPTH - 1);
        assert_eq!(depth_for_count(3, 1000), TOP_DEPTH - 2);
        assert_eq!(depth_for_count(1, u64::MAX), 0);
        // A count above the function's hottest (an inlined callee's count
        // covers every caller) is as hot as it gets.
        assert_eq!(depth_for_count(5000, 1000), TOP_DEPTH);
    }
}
