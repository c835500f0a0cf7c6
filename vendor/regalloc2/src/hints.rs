/*
 * Released under the terms of the Apache 2.0 license with LLVM
 * exception. See `LICENSE` for details.
 */

//! Block loop depths supplied by the embedder (a fast32 addition; not in
//! upstream regalloc2).
//!
//! The allocator weighs each use of a value by the loop depth of its block
//! (`1000 * 4^depth`) when it decides what to spill. Its own estimate
//! ([`crate::cfg::CFGInfo`]) counts back edges in block order, which is
//! exact for reducible code in reverse postorder but arbitrary for large
//! mesh-like functions (an interpreter loop whose every handler jumps to
//! every other). An embedder that knows how often each block runs (a
//! profile) can pass depths derived from it instead.
//!
//! The depths go through a thread-local because the allocator is called
//! from deep inside Cranelift, whose interface has no room for them: set
//! them on the thread that compiles, right before it compiles one function.
//! The embedder numbers blocks as it expects the allocator to, so it also
//! gives each block's successors; the next allocation on that thread takes
//! the hints and uses them only if the function it allocates has exactly
//! those blocks and edges.

use crate::{Block, Function};
use alloc::vec::Vec;

/// Loop depths for one function's blocks, and the successors the embedder
/// expects each block to have (to check that it numbered blocks as the
/// function does).
#[derive(Clone, Debug, Default)]
pub struct BlockDepths {
    /// Per block.
    pub depths: Vec<u32>,
    /// Per block, its successors in order.
    pub succs: Vec<Vec<u32>>,
}

impl BlockDepths {
    fn fits<F: Function>(&self, f: &F) -> bool {
        let n = f.num_blocks();
        self.depths.len() == n
            && self.succs.len() == n
            && (0..n).all(|b| {
                let have = f.block_succs(Block::new(b));
                let want = &self.succs[b];
                have.len() == want.len()
                    && have.iter().zip(want).all(|(h, &w)| h.index() == w as usize)
            })
    }
}

#[cfg(feature = "std")]
mod imp {
    use super::BlockDepths;
    use crate::Function;
    use alloc::vec::Vec;
    use core::cell::{Cell, RefCell};

    std::thread_local! {
        static DEPTHS: RefCell<Option<BlockDepths>> = const { RefCell::new(None) };
        static OUTCOME: Cell<Option<bool>> = const { Cell::new(None) };
    }

    pub fn set(depths: BlockDepths) {
        DEPTHS.with(|d| *d.borrow_mut() = Some(depths));
        OUTCOME.with(|o| o.set(None));
    }

    pub fn clear() -> Option<bool> {
        DEPTHS.with(|d| *d.borrow_mut() = None);
        OUTCOME.with(|o| o.take())
    }

    pub fn apply<F: Function>(f: &F, out: &mut Vec<u32>) {
        let Some(hints) = DEPTHS.with(|d| d.borrow_mut().take()) else {
            return;
        };
        let fits = hints.fits(f) && hints.depths.len() == out.len();
        if fits {
            out.copy_from_slice(&hints.depths);
        }
        OUTCOME.with(|o| o.set(Some(fits)));
    }
}

#[cfg(not(feature = "std"))]
mod imp {
    use super::BlockDepths;
    use crate::Function;
    use alloc::vec::Vec;

    pub fn set(_: BlockDepths) {}

    pub fn clear() -> Option<bool> {
        None
    }

    pub fn apply<F: Function>(_: &F, _: &mut Vec<u32>) {}
}

/// Makes the next register allocation on this thread use `depths` as its
/// blocks' loop depths, if its blocks have the successors `depths` says.
/// Without the `std` feature this does nothing.
pub fn set_block_loop_depths(depths: BlockDepths) {
    imp::set(depths)
}

/// Drops depths no allocation took, and tells what became of the last ones
/// set: `Some(true)` if an allocation used them, `Some(false)` if one took
/// them but its blocks differed (it kept its own estimate), `None` if none
/// took them.
pub fn clear_block_loop_depths() -> Option<bool> {
    imp::clear()
}

/// Called once per allocation of `f` with the allocator's own estimate.
pub(crate) fn apply<F: Function>(f: &F, approx_loop_depth: &mut Vec<u32>) {
    imp::apply(f, approx_loop_depth)
}
