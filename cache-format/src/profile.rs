//! Execution profiles: what a program did on one or more training runs.

use crate::{decode_payload, encode_payload, frame, unframe, FormatError, Kind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// A translated block and how often it ran.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockCount {
    pub pc: u32,
    /// Guest instructions in the block.
    pub len: u32,
    pub count: u64,
}

/// A conditional branch: how often each way was taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchCount {
    /// PC of the branch instruction.
    pub pc: u32,
    pub taken: u64,
    pub not_taken: u64,
}

/// An indirect jump or call site (JALR) and where it went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndirectSite {
    pub pc: u32,
    /// Does the JALR link (an indirect call) rather than jump/return?
    pub links: bool,
    /// Targets with counts, most frequent first.
    pub targets: Vec<(u32, u64)>,
    /// Executions whose target was not recorded individually.
    pub other: u64,
}

/// A call site (a linking JAL/JALR at `call_pc`) and how often control
/// came back to `call_pc + 4` through a return.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallReturn {
    pub call_pc: u32,
    pub returns: u64,
}

/// A superblock the JIT chose for a hot entry: the plain blocks it runs
/// through, in path order, each as (pc, guest instructions). The first
/// starts at `entry`; each continues into the next across a conditional
/// branch (the direction is the next block's PC), a direct jump or call,
/// or the block length cap. A hot block with no biased branch is a shape
/// of one block. Pre-warming translates these paths as they are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shape {
    pub entry: u32,
    pub blocks: Vec<(u32, u32)>,
}

impl Shape {
    /// Guest instructions on the path.
    pub fn len(&self) -> u32 {
        self.blocks.iter().map(|b| b.1).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }
}

/// A whole profile.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Number of runs merged into this profile.
    pub runs: u32,
    /// Guest instructions executed over all runs.
    pub instructions: u64,
    pub blocks: Vec<BlockCount>,
    pub branches: Vec<BranchCount>,
    pub indirect: Vec<IndirectSite>,
    pub calls: Vec<CallReturn>,
    pub shapes: Vec<Shape>,
}

impl Profile {
    /// Encodes with the checked header, tied to the guest image's hash.
    pub fn to_bytes(&self, image_hash: &[u8; 32]) -> Result<Vec<u8>, FormatError> {
        Ok(frame(
            Kind::Profile,
            image_hash,
            &encode_payload(Kind::Profile, self)?,
        ))
    }

    /// Decodes a profile; with `expect_image`, a profile recorded for
    /// another program (or another build of it) is refused.
    pub fn from_bytes(
        bytes: &[u8],
        expect_image: Option<&[u8; 32]>,
    ) -> Result<(Profile, [u8; 32]), FormatError> {
        let (h, payload) = unframe(Kind::Profile, bytes, expect_image, false)?;
        let p: Profile = decode_payload(Kind::Profile, payload)?;
        Ok((p, h.image_hash))
    }

    pub fn save(&self, path: &Path, image_hash: &[u8; 32]) -> Result<(), FormatError> {
        crate::write_atomic(path, &self.to_bytes(image_hash)?)
    }

    pub fn load(
        path: &Path,
        expect_image: Option<&[u8; 32]>,
    ) -> Result<(Profile, [u8; 32]), FormatError> {
        Self::from_bytes(&crate::read_file(path)?, expect_image)
    }

    /// Sums another profile of the same program into this one.
    pub fn merge(&mut self, other: &Profile) {
        self.runs += other.runs;
        self.instructions += other.instructions;

        let mut blocks: BTreeMap<u32, BlockCount> =
            self.blocks.drain(..).map(|b| (b.pc, b)).collect();
        for b in &other.blocks {
            let e = blocks.entry(b.pc).or_insert(BlockCount {
                pc: b.pc,
                len: b.len,
                count: 0,
            });
            e.count += b.count;
            e.len = e.len.max(b.len);
        }
        self.blocks = blocks.into_values().collect();

        let mut br: BTreeMap<u32, BranchCount> =
            self.branches.drain(..).map(|b| (b.pc, b)).collect();
        for b in &other.branches {
            let e = br.entry(b.pc).or_insert(BranchCount {
                pc: b.pc,
                taken: 0,
                not_taken: 0,
            });
            e.taken += b.taken;
            e.not_taken += b.not_taken;
        }
        self.branches = br.into_values().collect();

        let mut ind: BTreeMap<u32, (bool, BTreeMap<u32, u64>, u64)> = BTreeMap::new();
        for s in self
            .indirect
            .drain(..)
            .chain(other.indirect.iter().cloned())
        {
            let e = ind.entry(s.pc).or_insert((s.links, BTreeMap::new(), 0));
            for (t, c) in s.targets {
                *e.1.entry(t).or_default() += c;
            }
            e.2 += s.other;
        }
        self.indirect = ind
            .into_iter()
            .map(|(pc, (links, t, other))| {
                let mut targets: Vec<(u32, u64)> = t.into_iter().collect();
                targets.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                IndirectSite {
                    pc,
                    links,
                    targets,
                    other,
                }
            })
            .collect();

        let mut calls: BTreeMap<u32, u64> = self
            .calls
            .drain(..)
            .map(|c| (c.call_pc, c.returns))
            .collect();
        for c in &other.calls {
            *calls.entry(c.call_pc).or_default() += c.returns;
        }
        self.calls = calls
            .into_iter()
            .map(|(call_pc, returns)| CallReturn { call_pc, returns })
            .collect();

        let mut shapes: BTreeMap<u32, Shape> =
            self.shapes.drain(..).map(|s| (s.entry, s)).collect();
        for s in &other.shapes {
            shapes.entry(s.entry).or_insert_with(|| s.clone());
        }
        self.shapes = shapes.into_values().collect();
    }

    /// Blocks by guest instructions executed (count × length), hottest first.
    pub fn hottest_blocks(&self) -> Vec<&BlockCount> {
        let mut v: Vec<&BlockCount> = self.blocks.iter().collect();
        v.sort_by(|a, b| {
            (b.count * b.len as u64)
                .cmp(&(a.count * a.len as u64))
                .then(a.pc.cmp(&b.pc))
        });
        v
    }

    /// Execution count of the block at `pc`.
    pub fn block_count(&self, pc: u32) -> u64 {
        self.blocks
            .binary_search_by_key(&pc, |b| b.pc)
            .map(|i| self.blocks[i].count)
            .unwrap_or(0)
    }

    /// Sorts every list into its canonical order (what `merge` produces).
    pub fn normalize(&mut self) {
        let mut fresh = Profile::default();
        fresh.merge(self);
        *self = fresh;
    }
}
