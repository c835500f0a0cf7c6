//! Translation of guest code into x86-64 (the JIT emitter).
//!
//! A block starts at a guest PC and runs to the first control-flow
//! instruction, YIELD, DEBUG, HALT, or a length cap. Direct exits are
//! `jmp`/`jcc` with a 32-bit displacement that first points at a small
//! exit stub in the same block; the dispatcher later rewrites the
//! displacement to jump straight to the target block (chaining). Indirect
//! jumps look their target up inline in a direct-mapped table and only
//! leave translated code on a miss.
//!
//! Loads and stores use the guest address zero-extended from 32 bits as an
//! index from `r12` (the sandbox base): no bounds checks. A hardware fault
//! is mapped back to the guest instruction through the fault-site table
//! this module fills (see `fault.rs`).

use crate::regmap::{Loc, RegMap, RAX, RCX};
use dynasmrt::x64::X64Relocation;
use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi, VecAssembler};
use fast32_isa::{decode, semantics, Inst, Opcode};
use fast32_runtime::memory::AccessKind;
use fast32_runtime::state::{offsets, ExitReason};
use fast32_runtime::TrapKind;

pub type Asm = VecAssembler<X64Relocation>;

macro_rules! x64 {
    ($ops:ident $($t:tt)*) => {
        dynasm!($ops
            ; .arch x64
            $($t)*
        )
    }
}

/// Offset from a native return address to the guest return PC stored
/// after the continuation's `jmp rel32`.
const RET_PC_OFFSET: i32 = 5;

/// Longest block, in guest instructions.
pub const MAX_BLOCK_INSNS: u32 = 128;

/// Number of entries in the inline indirect-jump table (a power of two).
pub const LOOKUP_ENTRIES: usize = 1 << 16;

/// One entry of the indirect-jump table read by translated code.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct LookupEntry {
    pub guest_pc: u32,
    pub _pad: u32,
    pub host: u64,
}

/// Index of a guest PC in the lookup table.
#[inline]
pub fn lookup_index(pc: u32) -> usize {
    ((pc >> 2) as usize) & (LOOKUP_ENTRIES - 1)
}

/// A load or store that may fault, for mapping a host fault back to the
/// guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FaultSite {
    /// Executable address of the faulting host instruction.
    pub host: usize,
    pub guest_pc: u32,
    pub kind: AccessKind,
    pub size: u8,
    /// Instructions of the block from this one to its end (already counted
    /// at block entry when counting is on; the faulting one does not retire).
    pub uncount: u16,
    /// x86 register holding the zero-extended guest address at the fault.
    pub addr_reg: u8,
}

/// A fault site while assembling: (offset in block, guest pc, kind, size,
/// instructions to take back, register holding the guest address).
type SiteOffset = (usize, u32, AccessKind, u8, u32, u8);

/// What translating one block or superblock collects besides its code:
/// one value threaded through the instruction emitters instead of the
/// same four arguments to each.
struct Collected {
    /// Host address the code is assembled for.
    base: usize,
    /// Exits, assembled as stubs after the code.
    exits: Vec<Exit>,
    /// Guest memory accesses that may fault.
    sites: Vec<SiteOffset>,
    /// Position-dependent fields.
    relocs: Vec<Reloc>,
}

/// What a position-dependent field of translated code refers to.
///
/// Translated code is position-dependent in a few known places only: jumps
/// to the shared exit routine (rel32), the address of the block's own
/// patchable exits (abs64), and the absolute addresses of per-run host data
/// and helpers (abs64). Recording them lets a block be saved and loaded at
/// another address in another process (see [`apply_relocs`]); everything
/// else in a block is either guest data or relative to the block itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum RelocKind {
    /// rel32 of a `jmp` to [`Stubs::exit_common`].
    ExitCommon = 0,
    // 1 was the block's own address, used by exit stubs before they
    // called the shared chain-exit routine.
    /// abs64: the indirect-jump lookup table.
    LookupTable = 2,
    /// abs64: the [`Stubs::exec_one`] helper.
    ExecOne = 3,
    /// abs64: the machine's interrupt flag.
    InterruptFlag = 4,
    /// abs64: the block's [`BlockCounters`] + addend.
    Counters = 5,
    /// abs64: the block's [`HotCounter`] + addend (blocks not yet final).
    HotCounter = 6,
    /// rel32 of a `call` to [`Stubs::chain_exit`] (a chainable exit's stub).
    ChainExit = 7,
}

impl RelocKind {
    pub fn from_u8(v: u8) -> Option<RelocKind> {
        use RelocKind::*;
        Some(match v {
            0 => ExitCommon,
            2 => LookupTable,
            3 => ExecOne,
            4 => InterruptFlag,
            5 => Counters,
            6 => HotCounter,
            7 => ChainExit,
            _ => return None,
        })
    }

    /// Width of the patched field in bytes.
    pub fn width(self) -> usize {
        match self {
            RelocKind::ExitCommon | RelocKind::ChainExit => 4,
            _ => 8,
        }
    }
}

/// A position-dependent field at `offset` in a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reloc {
    pub offset: u32,
    pub kind: RelocKind,
    pub addend: u32,
}

/// A chainable direct exit: the rel32 field at `site` (offset in the
/// block) first jumps to the exit stub at `stub`, and is rewritten to jump
/// to the translation of guest `target` once it exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainSite {
    pub site: u32,
    pub stub: u32,
    pub target: u32,
}

/// The addresses a block's relocations resolve to.
#[derive(Clone, Copy, Debug)]
pub struct RelocEnv {
    /// Executable address the block is placed at.
    pub block: usize,
    pub exit_common: usize,
    pub chain_exit: usize,
    pub lookup_table: usize,
    pub exec_one: usize,
    pub interrupt_flag: Option<usize>,
    pub counters: Option<usize>,
    pub hot_counter: Option<usize>,
}

/// Why a block's relocations could not be applied.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RelocError {
    #[error("relocation at offset {offset} lies outside the {len}-byte block")]
    OutOfBounds { offset: u32, len: usize },
    #[error("relocation needs {0:?}, which this JIT does not have")]
    Missing(RelocKind),
    #[error("jump to the exit routine does not fit in rel32")]
    TooFar,
}

/// Writes the fields of `code` listed in `relocs` for a block placed as
/// `env` says. Code translated for one environment and relocated to
/// another is byte-identical to code translated for the other directly
/// (tested in `tests/relocate.rs`).
pub fn apply_relocs(code: &mut [u8], relocs: &[Reloc], env: &RelocEnv) -> Result<(), RelocError> {
    for r in relocs {
        let at = r.offset as usize;
        let end = at
            .checked_add(r.kind.width())
            .filter(|&e| e <= code.len())
            .ok_or(RelocError::OutOfBounds {
                offset: r.offset,
                len: code.len(),
            })?;
        let field = &mut code[at..end];
        let abs = |v: usize| (v as u64).wrapping_add(r.addend as u64);
        match r.kind {
            RelocKind::ExitCommon | RelocKind::ChainExit => {
                let to = if r.kind == RelocKind::ExitCommon {
                    env.exit_common
                } else {
                    env.chain_exit
                };
                let next = env.block as i64 + end as i64;
                let rel = to as i64 - next;
                let rel = i32::try_from(rel).map_err(|_| RelocError::TooFar)?;
                field.copy_from_slice(&rel.to_le_bytes());
            }
            k => {
                let v = match k {
                    RelocKind::LookupTable => abs(env.lookup_table),
                    RelocKind::ExecOne => abs(env.exec_one),
                    RelocKind::InterruptFlag => {
                        abs(env.interrupt_flag.ok_or(RelocError::Missing(k))?)
                    }
                    RelocKind::HotCounter => abs(env.hot_counter.ok_or(RelocError::Missing(k))?),
                    _ => abs(env.counters.ok_or(RelocError::Missing(k))?),
                };
                field.copy_from_slice(&v.to_le_bytes());
            }
        }
    }
    Ok(())
}

/// Addresses of the per-JIT shared routines.
#[derive(Clone, Copy, Debug)]
pub struct Stubs {
    /// Stores mapped registers, restores host registers, returns `eax`.
    pub exit_common: usize,
    /// Leaves by a chainable exit: called from the exit's stub, which is
    /// `call chain_exit` followed by the target guest PC (u32) and the
    /// patch site as an offset from the end of the call (i32). Sharing
    /// this routine makes each stub 13 bytes instead of 37, which makes
    /// translation (and pre-warming, which translates everything up
    /// front) cheaper.
    pub chain_exit: usize,
    /// Helper: executes one instruction word on `CpuState` (`rdi` = state,
    /// `esi` = word, `edx` = pc).
    pub exec_one: usize,
}

/// Translation options.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Maintain `instret` and honour `insn_limit`.
    pub counting: bool,
    /// Address of a byte that, when non-zero, makes blocks exit with
    /// [`ExitReason::InstructionLimit`]... (checked at block entry when set).
    pub interrupt_flag: Option<usize>,
    /// Address of this block's [`BlockCounters`] when profiling.
    pub counters: Option<usize>,
    /// Translate calls and returns as native call/ret (return prediction).
    pub native_calls: bool,
    /// Address of this block's [`HotCounter`] while it is not final: the
    /// block counts its entries down and exits with [`ExitReason::Hot`]
    /// at zero, and counts its closing branch's taken edge.
    pub hot_counter: Option<usize>,
}

/// Hotness statistics of a block that is not final yet (see
/// [`Options::hot_counter`]).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct HotCounter {
    /// Entries left before the block exits as hot.
    pub left: i32,
    /// Times its closing conditional branch was taken.
    pub taken: u32,
}

/// A plain block's instructions with their PCs (an undecodable word as
/// `Err(word)`), as [`Translator::scan`] finds them.
pub type Scanned = Vec<(u32, Result<Inst, u32>)>;

/// Longest superblock, in guest instructions.
pub const MAX_SUPERBLOCK_INSNS: u32 = 512;

/// Most plain blocks in one superblock.
pub const MAX_SEGMENTS: usize = 16;

/// How one block of a superblock's path continues into the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// Its closing conditional branch falls through (taken = side exit).
    Fall,
    /// Its closing conditional branch is taken (fall-through = side exit).
    Taken,
    /// Its closing JAL jumps (or calls, writing the link register).
    Jump,
    /// It was cut by the block length cap; the next PC follows.
    Next,
}

/// The counters one block of a path updates.
#[derive(Clone, Copy, Debug)]
struct SegCounters {
    /// Profiling: its [`BlockCounters`] address and relocation addend.
    counters: Option<(usize, u32)>,
    /// Its [`HotCounter`] (only in single blocks not yet final).
    hot: Option<usize>,
}

/// An x86 condition code, as the peephole fusions need it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cc {
    E,
    Ne,
    L,
    Ge,
    G,
    Le,
    B,
    Ae,
    A,
    Be,
}

impl Cc {
    fn negate(self) -> Cc {
        use Cc::*;
        match self {
            E => Ne,
            Ne => E,
            L => Ge,
            Ge => L,
            G => Le,
            Le => G,
            B => Ae,
            Ae => B,
            A => Be,
            Be => A,
        }
    }

    fn jump(self, ops: &mut Asm, l: dynasmrt::DynamicLabel) {
        match self {
            Cc::E => x64!(ops; je =>l),
            Cc::Ne => x64!(ops; jne =>l),
            Cc::L => x64!(ops; jl =>l),
            Cc::Ge => x64!(ops; jge =>l),
            Cc::G => x64!(ops; jg =>l),
            Cc::Le => x64!(ops; jle =>l),
            Cc::B => x64!(ops; jb =>l),
            Cc::Ae => x64!(ops; jae =>l),
            Cc::A => x64!(ops; ja =>l),
            Cc::Be => x64!(ops; jbe =>l),
        }
    }
}

/// Peephole: `LUI rd, hi` followed by `ADDI rd, rd, lo` or `ORI rd, rd,
/// lo` (how `li`/`la` build 32-bit constants) is the one constant it
/// leaves in rd.
fn lui_pair(i: &Inst, next: Option<&Inst>) -> Option<u32> {
    let n = next?;
    if i.op != Opcode::Lui || i.rd == 0 || n.rd != i.rd || n.rs1 != i.rd {
        return None;
    }
    let hi = i.imm as u32;
    match n.op {
        Opcode::Addi => Some(hi.wrapping_add(n.imm as u32)),
        Opcode::Ori => Some(hi | n.imm as u32),
        _ => None,
    }
}

/// Peephole: an SLT-like `i` (writing rd != 0 from a compare) followed by
/// `BEQ`/`BNE` of rd against r0: the x86 condition under which that
/// branch is taken, read from the flags of `i`'s compare (the emitter
/// writes rd with `setcc`/`movzx`/`mov`, which keep the flags).
fn setcc_branch(i: &Inst, b: &Inst) -> Option<Cc> {
    use Opcode::*;
    let cc = match i.op {
        Slt | Slti => Cc::L,
        Sltu | Sltiu => Cc::B,
        Sgt => Cc::G,
        Sgtu => Cc::A,
        Sle => Cc::Le,
        Sleu => Cc::Be,
        Sge => Cc::Ge,
        Sgeu => Cc::Ae,
        Seq => Cc::E,
        Sne => Cc::Ne,
        _ => return None,
    };
    let on_rd = (b.rs1 == i.rd && b.rs2 == 0) || (b.rs1 == 0 && b.rs2 == i.rd);
    if i.rd == 0 || !on_rd {
        return None;
    }
    match b.op {
        Bne => Some(cc),
        Beq => Some(cc.negate()),
        _ => None,
    }
}

/// One plain block of a translation (a superblock has several).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentInfo {
    pub pc: u32,
    pub len: u32,
    /// Its closing instruction and that instruction's PC.
    pub last: Option<(u32, Inst)>,
}

/// Fills in the entry counts of a path's later blocks, which translated
/// code does not count (see [`Translator::translate_path`]): block `k + 1`
/// ran as often as block `k` continued into it, that is as often as `k`'s
/// closing branch went the path's way (its taken count, or its entries
/// minus that) or, when `k` ends otherwise, as often as `k` ran.
pub fn derive_entries(segs: &[SegmentInfo], counters: &mut [BlockCounters]) {
    for k in 1..segs.len().min(counters.len()) {
        let prev = &counters[k - 1];
        let entries = match segs[k - 1].last {
            Some((lpc, i)) if i.op.is_branch() => {
                if segs[k].pc == lpc.wrapping_add(4) {
                    prev.entries.saturating_sub(prev.taken)
                } else {
                    prev.taken
                }
            }
            _ => prev.entries,
        };
        counters[k].entries = entries;
    }
}

/// Profiling counters of one block, updated by its translated code.
#[repr(C)]
#[derive(Clone, Debug)]
pub struct BlockCounters {
    /// Times the block was entered.
    pub entries: u64,
    /// Times its closing conditional branch was taken.
    pub taken: u64,
    /// Indirect-jump executions whose target found no free slot.
    pub other: u64,
    pub _pad: u64,
    /// Indirect-jump targets: (guest pc, count); pc `u32::MAX` is free.
    pub slots: [IndirectSlot; INDIRECT_SLOTS],
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct IndirectSlot {
    pub target: u32,
    pub _pad: u32,
    pub count: u64,
}

pub const INDIRECT_SLOTS: usize = 8;

/// Slots of an indirect site's histogram looked at per execution.
pub const HISTOGRAM_PROBES: usize = 2;

impl Default for BlockCounters {
    fn default() -> Self {
        BlockCounters {
            entries: 0,
            taken: 0,
            other: 0,
            _pad: 0,
            slots: [IndirectSlot {
                target: u32::MAX,
                _pad: 0,
                count: 0,
            }; INDIRECT_SLOTS],
        }
    }
}

/// A translated block, assembled for its final address.
pub struct Translated {
    pub code: Vec<u8>,
    pub guest_len: u32,
    /// The instruction that closed the block and its PC.
    pub last: Option<(u32, Inst)>,
    /// The plain blocks translated, in path order (one for a plain block).
    pub segments: Vec<SegmentInfo>,
    pub fault_sites: Vec<FaultSite>,
    /// Position-dependent fields (for saving the block).
    pub relocs: Vec<Reloc>,
    /// Chainable exits, in their unpatched state.
    pub chains: Vec<ChainSite>,
}

struct Exit {
    label: dynasmrt::DynamicLabel,
    kind: ExitKind,
}

#[derive(Clone)]
enum ExitKind {
    /// A taken conditional edge that bumps counters and then leaves by a
    /// chainable exit to `target` (rewritten into `Chain` when the stubs
    /// are emitted).
    CountedChain { target: u32, seg: SegCounters },
    /// Chainable direct exit to a guest PC; the patch site is the rel32
    /// field ending at `site_end` (an offset in this block).
    Chain { target: u32, site_end: usize },
    /// Leave with a reason and a PC.
    Reason { reason: ExitReason, pc: u32 },
    /// Trap at `pc`; `uncount` instructions are taken back from `instret`.
    Trap {
        kind: TrapKind,
        pc: u32,
        addr: u32,
        aux: u32,
        uncount: u32,
    },
}

pub struct Translator<'a> {
    pub map: &'a RegMap,
    pub stubs: Stubs,
    pub opts: Options,
    pub lookup_table: usize,
    pub code_limit: u32,
}

/// Emits a one-byte opcode with a rel32 operand to a shared stub routine
/// at `target` (block code is placed at `base`), recording the relocation
/// of `kind` that moves it with the block.
fn rel32_to_stub(
    ops: &mut Asm,
    base: usize,
    opcode: u8,
    target: usize,
    kind: RelocKind,
    relocs: &mut Vec<Reloc>,
) {
    let here = base + ops.offset().0 + 5;
    let rel = (target as i64 - here as i64) as i32;
    ops.push(opcode);
    relocs.push(Reloc {
        offset: ops.offset().0 as u32,
        kind,
        addend: 0,
    });
    ops.extend(rel.to_le_bytes());
}

/// Emits `jmp rel32` to the shared exit routine, recording its relocation.
fn jmp_exit_common(ops: &mut Asm, base: usize, target: usize, relocs: &mut Vec<Reloc>) {
    rel32_to_stub(ops, base, 0xE9, target, RelocKind::ExitCommon, relocs);
}

/// Emits `call rel32` to the shared chain-exit routine, recording its
/// relocation.
fn call_chain_exit(ops: &mut Asm, base: usize, target: usize, relocs: &mut Vec<Reloc>) {
    rel32_to_stub(ops, base, 0xE8, target, RelocKind::ChainExit, relocs);
}

/// Records that the instruction just emitted ends with a 64-bit absolute
/// immediate of `kind` (every `mov r64, imm64` does).
fn imm64(ops: &Asm, relocs: &mut Vec<Reloc>, kind: RelocKind, addend: u32) {
    relocs.push(Reloc {
        offset: ops.offset().0 as u32 - 8,
        kind,
        addend,
    });
}

impl<'a> Translator<'a> {
    fn loc(&self, g: u8) -> Loc {
        self.map.loc(g)
    }

    /// Puts guest register `g` in a host register: its own if mapped,
    /// otherwise `scratch`.
    fn in_reg(&self, ops: &mut Asm, g: u8, scratch: u8) -> u8 {
        match self.loc(g) {
            Loc::Reg(h) => h,
            Loc::Zero => {
                x64!(ops; xor Rd(scratch), Rd(scratch));
                scratch
            }
            Loc::Mem(o) => {
                x64!(ops; mov Rd(scratch), DWORD [rbx + o]);
                scratch
            }
        }
    }

    /// Copies guest register `g` into host register `dst`.
    fn load_into(&self, ops: &mut Asm, dst: u8, g: u8) {
        match self.loc(g) {
            Loc::Reg(h) => {
                if h != dst {
                    x64!(ops; mov Rd(dst), Rd(h));
                }
            }
            Loc::Zero => x64!(ops; xor Rd(dst), Rd(dst)),
            Loc::Mem(o) => x64!(ops; mov Rd(dst), DWORD [rbx + o]),
        }
    }

    /// Writes host register `src` to guest register `g`.
    fn store_from(&self, ops: &mut Asm, g: u8, src: u8) {
        match self.loc(g) {
            Loc::Reg(h) => {
                if h != src {
                    x64!(ops; mov Rd(h), Rd(src));
                }
            }
            Loc::Zero => {}
            Loc::Mem(o) => x64!(ops; mov DWORD [rbx + o], Rd(src)),
        }
    }

    /// Writes a constant to guest register `g`.
    fn store_imm(&self, ops: &mut Asm, g: u8, v: u32) {
        match self.loc(g) {
            Loc::Reg(h) => {
                if v == 0 {
                    x64!(ops; xor Rd(h), Rd(h));
                } else {
                    x64!(ops; mov Rd(h), v as i32);
                }
            }
            Loc::Zero => {}
            Loc::Mem(o) => x64!(ops; mov DWORD [rbx + o], v as i32),
        }
    }

    fn spill_all(&self, ops: &mut Asm) {
        for (g, h) in self.map.mapped() {
            let o = offsets::reg(g);
            x64!(ops; mov DWORD [rbx + o], Rd(h));
        }
    }

    fn reload_all(&self, ops: &mut Asm) {
        for (g, h) in self.map.mapped() {
            let o = offsets::reg(g);
            x64!(ops; mov Rd(h), DWORD [rbx + o]);
        }
    }

    /// Loads the register pair (g, g+1) as a 64-bit value into rax
    /// (clobbers rdx).
    fn pair_to_rax(&self, ops: &mut Asm, g: u8) {
        self.load_into(ops, crate::regmap::RDX, g + 1);
        self.load_into(ops, RAX, g);
        x64!(ops; shl rdx, 32; or rax, rdx);
    }

    /// Loads the register pair (g, g+1) into xmm register `x` (0 or 1).
    fn pair_to_xmm(&self, ops: &mut Asm, g: u8, x: u8) {
        self.pair_to_rax(ops, g);
        if x == 0 {
            x64!(ops; movq xmm0, rax);
        } else {
            x64!(ops; movq xmm1, rax);
        }
    }

    /// Writes rax to the pair (g, g+1): low half to g (discarded for r0),
    /// high half to g+1.
    fn pair_from_rax(&self, ops: &mut Asm, g: u8) {
        self.store_from(ops, g, RAX);
        x64!(ops; shr rax, 32);
        self.store_from(ops, g + 1, RAX);
    }

    /// FEQ/FLT/FLE on xmm0 (rs1) and xmm1 (rs2); any NaN gives 0.
    fn fcmp(&self, ops: &mut Asm, i: &Inst, double: bool) {
        use Opcode::*;
        match (i.op, double) {
            (FeqS, false) | (FeqD, true) => {
                if double {
                    x64!(ops; ucomisd xmm0, xmm1);
                } else {
                    x64!(ops; ucomiss xmm0, xmm1);
                }
                x64!(ops; sete al; setnp cl; and al, cl);
            }
            (FltS, false) | (FltD, true) => {
                // a < b  <=>  b > a, and unordered sets CF.
                if double {
                    x64!(ops; ucomisd xmm1, xmm0);
                } else {
                    x64!(ops; ucomiss xmm1, xmm0);
                }
                x64!(ops; seta al);
            }
            _ => {
                if double {
                    x64!(ops; ucomisd xmm1, xmm0);
                } else {
                    x64!(ops; ucomiss xmm1, xmm0);
                }
                x64!(ops; setae al);
            }
        }
        x64!(ops; movzx eax, al);
        self.store_from(ops, i.rd, RAX);
    }

    /// The instructions of the plain block at `pc`: up to the first
    /// control-flow instruction, YIELD, DEBUG, an undecodable word or bad
    /// register pair, the end of the code region, or [`MAX_BLOCK_INSNS`].
    pub fn scan(
        &self,
        pc: u32,
        fetch: &dyn Fn(u32) -> Option<u32>,
    ) -> Vec<(u32, Result<Inst, u32>)> {
        let mut insns: Vec<(u32, Result<Inst, u32>)> = Vec::with_capacity(16);
        let mut p = pc;
        loop {
            if p >= self.code_limit {
                break;
            }
            let Some(word) = fetch(p) else { break };
            let dec = decode(word).map_err(|_| word);
            let ends = match &dec {
                Ok(i) => {
                    i.op.ends_block()
                        || matches!(i.op, Opcode::Yield | Opcode::Debug)
                        || semantics::bad_pair(i).is_some()
                }
                Err(_) => true,
            };
            insns.push((p, dec));
            p = p.wrapping_add(4);
            if ends || insns.len() as u32 >= MAX_BLOCK_INSNS {
                break;
            }
        }
        insns
    }

    /// How control can pass from the plain block `insns` straight into the
    /// block at `next` inside one superblock, if it can.
    pub fn link_to(&self, insns: &[(u32, Result<Inst, u32>)], next: u32) -> Option<Link> {
        let &(lpc, ref dec) = insns.last()?;
        let Ok(i) = dec else { return None };
        if semantics::bad_pair(i).is_some() {
            return None;
        }
        let fall = lpc.wrapping_add(4);
        if i.op.is_branch() {
            let taken = fall.wrapping_add(i.imm as u32);
            return if next == fall {
                Some(Link::Fall)
            } else if next == taken {
                Some(Link::Taken)
            } else {
                None
            };
        }
        match i.op {
            Opcode::Jal if !(i.rd != 0 && self.opts.native_calls) => {
                (lpc.wrapping_add(i.imm as u32) == next).then_some(Link::Jump)
            }
            op if !op.ends_block() && !matches!(op, Opcode::Yield | Opcode::Debug) => {
                // Ended by the length cap: the next block follows.
                (next == fall).then_some(Link::Next)
            }
            _ => None,
        }
    }

    /// Translates the plain block at `pc`, assembling it for address `base`.
    /// `fetch` reads an instruction word (None: outside the code region).
    pub fn translate(
        &self,
        pc: u32,
        base: usize,
        fetch: &dyn Fn(u32) -> Option<u32>,
    ) -> Translated {
        self.translate_path(&[pc], base, fetch)
    }

    /// Translates a superblock: the plain blocks starting at `starts`, in
    /// that order, as one unit in which each block continues straight into
    /// the next (the other direction of a conditional branch becomes a
    /// chainable side exit; a JAL writes its link register and continues
    /// at its target). The path stops early at the first block that cannot
    /// reach the next one directly, or at [`MAX_SUPERBLOCK_INSNS`], so any
    /// list of PCs (from a profile, say) gives correct code.
    ///
    /// Each block of the path keeps its own instruction-count step (the
    /// budget is checked as the block begins, so an exit for the limit or a
    /// fault takes back only instructions of that block) and, when
    /// profiling, its own [`BlockCounters`] (the `k`-th at
    /// `counters + k * size_of::<BlockCounters>()`).
    pub fn translate_path(
        &self,
        starts: &[u32],
        base: usize,
        fetch: &dyn Fn(u32) -> Option<u32>,
    ) -> Translated {
        let mut out = Collected {
            base,
            exits: Vec::with_capacity(16),
            sites: Vec::with_capacity(16),
            relocs: Vec::with_capacity(32),
        };

        // The path's blocks and how each links to the next.
        let mut segs: Vec<(Scanned, Option<Link>)> = Vec::new();
        let mut total = 0u32;
        for (k, &s) in starts.iter().enumerate() {
            let insns = self.scan(s, fetch);
            if insns.is_empty() {
                break;
            }
            if k > 0 {
                let prev = &segs.last().expect("k > 0").0;
                let Some(link) = self.link_to(prev, s) else {
                    break;
                };
                if total + insns.len() as u32 > MAX_SUPERBLOCK_INSNS {
                    break;
                }
                segs.last_mut().expect("k > 0").1 = Some(link);
            }
            total += insns.len() as u32;
            segs.push((insns, None));
            if segs.len() >= MAX_SEGMENTS {
                break;
            }
        }
        if segs.is_empty() {
            // Not executable: the dispatcher reports the execute fault.
            unreachable!("translate called for a PC outside the code region");
        }
        let pc = segs[0].0[0].0;
        // Sized for the usual output up front: growing the code vector
        // byte by byte was a seventh of a cold start's host instructions
        // (callgrind, Lua), in realloc.
        let labels = 8 + 3 * total as usize;
        let mut ops =
            Asm::new_with_capacity(base, 256 + 40 * total as usize, 0, 0, labels, 0, labels);

        // Entry: interrupt check, then (blocks not yet final) the hotness
        // countdown. Both exit before anything of the block ran.
        if let Some(flag) = self.opts.interrupt_flag {
            let l = ops.new_dynamic_label();
            x64!(ops
                ; mov rax, QWORD flag as i64
            );
            imm64(&ops, &mut out.relocs, RelocKind::InterruptFlag, 0);
            x64!(ops
                ; cmp BYTE [rax], 0
                ; jne =>l
            );
            out.exits.push(Exit {
                label: l,
                kind: ExitKind::Reason {
                    reason: ExitReason::InstructionLimit,
                    pc,
                },
            });
        }
        if let Some(h) = self.opts.hot_counter {
            let l = ops.new_dynamic_label();
            x64!(ops; mov rax, QWORD h as i64);
            imm64(&ops, &mut out.relocs, RelocKind::HotCounter, 0);
            x64!(ops
                ; sub DWORD [rax], 1
                ; jz =>l
            );
            out.exits.push(Exit {
                label: l,
                kind: ExitKind::Reason {
                    reason: ExitReason::Hot,
                    pc,
                },
            });
        }

        let mut ended = false;
        let mut segments = Vec::with_capacity(segs.len());
        let nsegs = segs.len();
        'segs: for (k, (insns, link)) in segs.iter().enumerate() {
            let spc = insns[0].0;
            let n = insns.len() as u32;
            let sc = SegCounters {
                counters: self.opts.counters.map(|c| {
                    let add = (k * std::mem::size_of::<BlockCounters>()) as u32;
                    (c + add as usize, add)
                }),
                hot: self.opts.hot_counter,
            };
            segments.push(SegmentInfo {
                pc: spc,
                len: n,
                last: insns.last().and_then(|(p, d)| d.ok().map(|i| (*p, i))),
            });
            if self.opts.counting {
                let l = ops.new_dynamic_label();
                x64!(ops
                    ; mov rax, QWORD [rbx + offsets::INSTRET]
                    ; add rax, n as i32
                    ; cmp rax, QWORD [rbx + offsets::INSN_LIMIT]
                    ; ja =>l
                    ; mov QWORD [rbx + offsets::INSTRET], rax
                );
                out.exits.push(Exit {
                    label: l,
                    kind: ExitKind::Reason {
                        reason: ExitReason::InstructionLimit,
                        pc: spc,
                    },
                });
            }
            // Only the first block of a path counts its entries: a later
            // one is entered exactly when the block before it continues
            // into it, which that block's counters already tell (see
            // [`derive_entries`]); one memory increment fewer per block
            // boundary inside superblocks when profiling.
            if let (Some((c, add)), 0) = (sc.counters, k) {
                x64!(ops; mov rax, QWORD c as i64);
                imm64(&ops, &mut out.relocs, RelocKind::Counters, add);
                x64!(ops; inc QWORD [rax]);
            }
            // Peephole state: the flags left by an SLT-like instruction
            // that the next one (a BEQ/BNE of its result against r0) can
            // branch on, and a LUI folded into the instruction after it.
            let mut fused: Option<Cc> = None;
            let mut skip = false;
            for (idx, (ipc, dec)) in insns.iter().enumerate() {
                let ipc = *ipc;
                if std::mem::take(&mut skip) {
                    continue;
                }
                let flags = fused.take();
                let uncount = if self.opts.counting {
                    n - idx as u32
                } else {
                    0
                };
                let inst = match dec {
                    Ok(i) => *i,
                    Err(word) => {
                        let l = ops.new_dynamic_label();
                        x64!(ops; jmp =>l);
                        out.exits.push(Exit {
                            label: l,
                            kind: ExitKind::Trap {
                                kind: TrapKind::IllegalInstruction,
                                pc: ipc,
                                addr: *word,
                                aux: 0,
                                uncount,
                            },
                        });
                        ended = true;
                        break 'segs;
                    }
                };
                if let Some(r) = semantics::bad_pair(&inst) {
                    let l = ops.new_dynamic_label();
                    x64!(ops; jmp =>l);
                    out.exits.push(Exit {
                        label: l,
                        kind: ExitKind::Trap {
                            kind: TrapKind::BadRegisterPair,
                            pc: ipc,
                            addr: r as u32,
                            aux: 0,
                            uncount,
                        },
                    });
                    ended = true;
                    break 'segs;
                }
                let next = insns.get(idx + 1).and_then(|(_, d)| d.ok());
                if let Some(v) = lui_pair(&inst, next.as_ref()) {
                    // LUI rd + ADDI/ORI rd, rd: one constant.
                    self.store_imm(&mut ops, inst.rd, v);
                    skip = true;
                    continue;
                }
                let is_last = idx + 1 == insns.len();
                if flags.is_some() && inst.op.is_branch() && !(is_last && k + 1 < nsegs) {
                    self.emit_branch(&mut ops, &mut out, &inst, ipc, None, flags, sc);
                    ended = true;
                    break 'segs;
                }
                fused = flags;
                if let Some(cc) = next.and_then(|b| setcc_branch(&inst, &b)) {
                    // Emitted as usual (rd is written), and the branch
                    // after it reuses the compare's flags.
                    ended = self.emit(&mut ops, &mut out, &inst, ipc, uncount, sc);
                    debug_assert!(!ended);
                    fused = Some(cc);
                    continue;
                }
                if is_last && k + 1 < nsegs {
                    // The link into the next block of the path.
                    match link.expect("linked") {
                        Link::Fall | Link::Taken => {
                            let cont = *link == Some(Link::Taken);
                            self.emit_branch(
                                &mut ops,
                                &mut out,
                                &inst,
                                ipc,
                                Some(cont),
                                fused.take(),
                                sc,
                            );
                        }
                        Link::Jump => self.store_imm(&mut ops, inst.rd, ipc.wrapping_add(4)),
                        Link::Next => {
                            ended = self.emit(&mut ops, &mut out, &inst, ipc, uncount, sc);
                            debug_assert!(!ended);
                        }
                    }
                    continue;
                }
                ended = self.emit(&mut ops, &mut out, &inst, ipc, uncount, sc);
                if ended {
                    break 'segs;
                }
            }
        }
        if !ended {
            // Length cap or end of code: continue at the next PC.
            let last = segments.last().expect("a segment");
            let next = last.pc.wrapping_add(4 * last.len);
            let l = ops.new_dynamic_label();
            x64!(ops; jmp =>l);
            let site_end = ops.offset().0;
            out.exits.push(Exit {
                label: l,
                kind: ExitKind::Chain {
                    target: next,
                    site_end,
                },
            });
        }

        // Exit stubs.
        let mut chains = Vec::new();
        for e in &out.exits {
            x64!(ops; =>e.label);
            let kind = match e.kind {
                ExitKind::CountedChain { target, seg } => {
                    // Bump the taken-edge counters, then a chainable jump
                    // whose stub follows it.
                    self.emit_taken_bumps(&mut ops, seg, &mut out.relocs);
                    let stub = ops.new_dynamic_label();
                    x64!(ops; jmp =>stub; =>stub);
                    ExitKind::Chain {
                        target,
                        site_end: ops.offset().0,
                    }
                }
                ref k => k.clone(),
            };
            match kind {
                ExitKind::Chain { target, site_end } => {
                    let stub = ops.offset().0;
                    chains.push(ChainSite {
                        site: (site_end - 4) as u32,
                        stub: stub as u32,
                        target,
                    });
                    call_chain_exit(&mut ops, base, self.stubs.chain_exit, &mut out.relocs);
                    let from_data = (site_end - 4) as i64 - (stub + 5) as i64;
                    ops.extend(target.to_le_bytes());
                    ops.extend((from_data as i32).to_le_bytes());
                    continue;
                }
                ExitKind::CountedChain { .. } => unreachable!("rewritten above"),
                ExitKind::Reason { reason, pc } => {
                    x64!(ops
                        ; mov DWORD [rbx + offsets::PC], pc as i32
                        ; mov eax, reason as i32
                    );
                }
                ExitKind::Trap {
                    kind,
                    pc,
                    addr,
                    aux,
                    uncount,
                } => {
                    if uncount > 0 {
                        x64!(ops; sub QWORD [rbx + offsets::INSTRET], uncount as i32);
                    }
                    x64!(ops
                        ; mov DWORD [rbx + offsets::PC], pc as i32
                        ; mov DWORD [rbx + offsets::TRAP_KIND], kind as i32
                        ; mov DWORD [rbx + offsets::TRAP_ADDR], addr as i32
                        ; mov DWORD [rbx + offsets::AUX], aux as i32
                        ; mov eax, ExitReason::Trap as i32
                    );
                }
            }
            jmp_exit_common(&mut ops, base, self.stubs.exit_common, &mut out.relocs);
        }

        let mut faults: Vec<FaultSite> = Vec::with_capacity(out.sites.len());
        for (off, gpc, kind, size, uncount, addr_reg) in out.sites {
            faults.push(FaultSite {
                host: base + off,
                guest_pc: gpc,
                kind,
                size,
                uncount: uncount as u16,
                addr_reg,
            });
        }
        let code = ops.finalize().expect("dynasm relocation failed");
        let guest_len = segments.iter().map(|s| s.len).sum();
        let last = segments.last().and_then(|s| s.last);
        Translated {
            code,
            guest_len,
            last,
            segments,
            fault_sites: faults,
            relocs: out.relocs,
            chains,
        }
    }

    /// Increments the counters of a taken conditional edge (profiling
    /// counters, and the hotness statistics of a block not yet final).
    /// Clobbers rax.
    fn emit_taken_bumps(&self, ops: &mut Asm, seg: SegCounters, relocs: &mut Vec<Reloc>) {
        if let Some((c, add)) = seg.counters {
            x64!(ops; mov rax, QWORD c as i64);
            imm64(ops, relocs, RelocKind::Counters, add);
            x64!(ops; inc QWORD [rax + 8]);
        }
        if let Some(h) = seg.hot {
            x64!(ops; mov rax, QWORD h as i64);
            imm64(ops, relocs, RelocKind::HotCounter, 0);
            x64!(ops; inc DWORD [rax + 4]);
        }
    }

    /// A conditional branch. With `cont` = None both ways leave the block
    /// (chainable exits); with `Some(taken)` the code continues inline
    /// along that direction and the other one is a chainable side exit.
    #[allow(clippy::too_many_arguments)]
    fn emit_branch(
        &self,
        ops: &mut Asm,
        out: &mut Collected,
        i: &Inst,
        pc: u32,
        cont: Option<bool>,
        flags: Option<Cc>,
        seg: SegCounters,
    ) {
        use Opcode::*;
        let taken = pc.wrapping_add(4).wrapping_add(i.imm as u32);
        let fall = pc.wrapping_add(4);
        // The x86 condition under which the branch is taken: from a
        // compare of its operands, or (peephole) straight from the flags
        // the SLT-like instruction before it left.
        let cc = match flags {
            Some(cc) => cc,
            None => {
                let a = self.in_reg(ops, i.rs1, RAX);
                match self.loc(i.rs2) {
                    Loc::Reg(r) => x64!(ops; cmp Rd(a), Rd(r)),
                    Loc::Mem(o) => x64!(ops; cmp Rd(a), DWORD [rbx + o]),
                    Loc::Zero => x64!(ops; cmp Rd(a), 0),
                }
                match i.op {
                    Beq => Cc::E,
                    Bne => Cc::Ne,
                    Blt => Cc::L,
                    Bge => Cc::Ge,
                    Bltu => Cc::B,
                    _ => Cc::Ae,
                }
            }
        };
        let bumps = seg.counters.is_some() || seg.hot.is_some();
        // Jumps on the guest condition (or, `negate`, on its opposite).
        let jcc = |ops: &mut Asm, negate: bool, l: dynasmrt::DynamicLabel| {
            let c = if negate { cc.negate() } else { cc };
            c.jump(ops, l)
        };
        match cont {
            None => {
                let lt = ops.new_dynamic_label();
                jcc(ops, false, lt);
                let site_t = ops.offset().0;
                let lf = ops.new_dynamic_label();
                x64!(ops; jmp =>lf);
                let site_f = ops.offset().0;
                out.exits.push(Exit {
                    label: lt,
                    kind: if bumps {
                        ExitKind::CountedChain { target: taken, seg }
                    } else {
                        ExitKind::Chain {
                            target: taken,
                            site_end: site_t,
                        }
                    },
                });
                out.exits.push(Exit {
                    label: lf,
                    kind: ExitKind::Chain {
                        target: fall,
                        site_end: site_f,
                    },
                });
            }
            Some(true) => {
                // Hot: taken. Falling through leaves.
                let lf = ops.new_dynamic_label();
                jcc(ops, true, lf);
                let site_f = ops.offset().0;
                out.exits.push(Exit {
                    label: lf,
                    kind: ExitKind::Chain {
                        target: fall,
                        site_end: site_f,
                    },
                });
                self.emit_taken_bumps(ops, seg, &mut out.relocs);
            }
            Some(false) => {
                let lt = ops.new_dynamic_label();
                jcc(ops, false, lt);
                let site_t = ops.offset().0;
                out.exits.push(Exit {
                    label: lt,
                    kind: if bumps {
                        ExitKind::CountedChain { target: taken, seg }
                    } else {
                        ExitKind::Chain {
                            target: taken,
                            site_end: site_t,
                        }
                    },
                });
            }
        }
    }

    /// Counts the indirect target in `eax` in the block's slot table, an
    /// open-addressing table: probing starts at a slot picked by the
    /// target's address and looks at [`HISTOGRAM_PROBES`] consecutive
    /// slots; a matching slot is bumped, the first free one is claimed,
    /// and otherwise the execution counts as "other". Slots are never
    /// freed, so a target is always found before any free slot on its
    /// probe sequence and never counted twice. Bounding the probes keeps
    /// sites with many targets (interpreter dispatch) from scanning every
    /// slot on every jump: a Lua benchmark ran 1.60x the unprofiled time
    /// with a full scan of 8 slots, 1.34x with 2 probes (1.26x without
    /// any histogram). Clobbers rcx, rdx.
    fn emit_target_histogram(
        &self,
        ops: &mut Asm,
        counters: usize,
        addend: u32,
        relocs: &mut Vec<Reloc>,
    ) {
        let slots = (counters + 32) as i64;
        let (done, hit, claim) = (
            ops.new_dynamic_label(),
            ops.new_dynamic_label(),
            ops.new_dynamic_label(),
        );
        let wrap = (16 * INDIRECT_SLOTS - 1) as i32;
        x64!(ops; mov rdx, QWORD slots);
        imm64(ops, relocs, RelocKind::Counters, addend + 32);
        x64!(ops
            ; mov ecx, eax
            ; shr ecx, 2
            ; and ecx, (INDIRECT_SLOTS - 1) as i32
            ; shl ecx, 4
        );
        for p in 0..HISTOGRAM_PROBES {
            x64!(ops
                ; cmp DWORD [rdx + rcx], eax
                ; je =>hit
                ; cmp DWORD [rdx + rcx], -1
                ; je =>claim
            );
            if p + 1 < HISTOGRAM_PROBES {
                x64!(ops; add ecx, 16; and ecx, wrap);
            }
        }
        x64!(ops
            ; inc QWORD [rdx - 16]
            ; jmp =>done
            ; =>claim
            ; mov DWORD [rdx + rcx], eax
            ; =>hit
            ; inc QWORD [rdx + rcx + 8]
            ; =>done
        );
    }

    /// Emits one instruction; returns true if it ends the block.
    fn emit(
        &self,
        ops: &mut Asm,
        out: &mut Collected,
        i: &Inst,
        pc: u32,
        uncount: u32,
        seg: SegCounters,
    ) -> bool {
        use Opcode::*;
        let imm = i.imm;
        macro_rules! binop {
            ($op:ident) => {{
                if i.rd == 0 {
                    return false;
                }
                // Compute in rd's host register when it is cached and not
                // also rs2 (copying rs1 in first would clobber rs2).
                let b = self.loc(i.rs2);
                match (self.loc(i.rd), b) {
                    (Loc::Reg(h), b) if b != Loc::Reg(h) || i.rs1 == i.rd => {
                        self.load_into(ops, h, i.rs1);
                        match b {
                            Loc::Reg(r) => x64!(ops; $op Rd(h), Rd(r)),
                            Loc::Mem(o) => x64!(ops; $op Rd(h), DWORD [rbx + o]),
                            Loc::Zero => x64!(ops; $op Rd(h), 0),
                        }
                    }
                    _ => {
                        self.load_into(ops, RAX, i.rs1);
                        match b {
                            Loc::Reg(r) => x64!(ops; $op eax, Rd(r)),
                            Loc::Mem(o) => x64!(ops; $op eax, DWORD [rbx + o]),
                            Loc::Zero => x64!(ops; $op eax, 0),
                        }
                        self.store_from(ops, i.rd, RAX);
                    }
                }
            }};
        }
        macro_rules! immop {
            ($op:ident) => {{
                if i.rd == 0 {
                    return false;
                }
                match self.loc(i.rd) {
                    Loc::Reg(h) => {
                        self.load_into(ops, h, i.rs1);
                        x64!(ops; $op Rd(h), imm);
                    }
                    _ => {
                        self.load_into(ops, RAX, i.rs1);
                        x64!(ops; $op eax, imm);
                        self.store_from(ops, i.rd, RAX);
                    }
                }
            }};
        }
        macro_rules! shift_imm {
            ($op:ident) => {{
                if i.rd == 0 {
                    return false;
                }
                let s = (imm & 31) as i8;
                match self.loc(i.rd) {
                    Loc::Reg(h) => {
                        self.load_into(ops, h, i.rs1);
                        x64!(ops; $op Rd(h), s);
                    }
                    _ => {
                        self.load_into(ops, RAX, i.rs1);
                        x64!(ops; $op eax, s);
                        self.store_from(ops, i.rd, RAX);
                    }
                }
            }};
        }
        macro_rules! shift_reg {
            ($op:ident) => {{
                if i.rd == 0 {
                    return false;
                }
                self.load_into(ops, RCX, i.rs2);
                self.load_into(ops, RAX, i.rs1);
                x64!(ops; $op eax, cl);
                self.store_from(ops, i.rd, RAX);
            }};
        }
        macro_rules! setcc {
            ($cc:ident) => {{
                if i.rd == 0 {
                    return false;
                }
                let a = self.in_reg(ops, i.rs1, RAX);
                match self.loc(i.rs2) {
                    Loc::Reg(r) => x64!(ops; cmp Rd(a), Rd(r)),
                    Loc::Mem(o) => x64!(ops; cmp Rd(a), DWORD [rbx + o]),
                    Loc::Zero => x64!(ops; cmp Rd(a), 0),
                }
                x64!(ops; $cc al; movzx eax, al);
                self.store_from(ops, i.rd, RAX);
            }};
        }
        macro_rules! setcc_imm {
            ($cc:ident) => {{
                if i.rd == 0 {
                    return false;
                }
                let a = self.in_reg(ops, i.rs1, RAX);
                x64!(ops; cmp Rd(a), imm; $cc al; movzx eax, al);
                self.store_from(ops, i.rd, RAX);
            }};
        }
        // The host register indexing guest memory: with a zero offset and a
        // cached base register, the register itself (a zero-extended 32-bit
        // value cannot leave the reservation); otherwise rcx, computed with
        // 32-bit wrap-around.
        macro_rules! index_reg {
            () => {{
                match self.loc(i.rs1) {
                    Loc::Reg(h) if imm == 0 => h,
                    _ => {
                        address!();
                        RCX
                    }
                }
            }};
        }
        macro_rules! address {
            () => {{
                match self.loc(i.rs1) {
                    Loc::Reg(h) => x64!(ops; lea ecx, [Rq(h) + imm]),
                    Loc::Zero => x64!(ops; mov ecx, imm),
                    Loc::Mem(o) => x64!(ops; mov ecx, DWORD [rbx + o]; add ecx, imm),
                }
            }};
        }
        match i.op {
            Add => binop!(add),
            Sub => binop!(sub),
            Xor => binop!(xor),
            Or => binop!(or),
            And => binop!(and),
            Addi => {
                if i.rd == 0 {
                    return false;
                }
                match (self.loc(i.rd), self.loc(i.rs1)) {
                    (Loc::Reg(h), Loc::Reg(s)) if h != s => {
                        x64!(ops; lea Rd(h), [Rq(s) + imm]);
                    }
                    _ => immop!(add),
                }
            }
            Ori => immop!(or),
            Andi => immop!(and),
            Xori => immop!(xor),
            Slli => shift_imm!(shl),
            Srli => shift_imm!(shr),
            Srai => shift_imm!(sar),
            Sll => shift_reg!(shl),
            Srl => shift_reg!(shr),
            Sra => shift_reg!(sar),
            Slt => setcc!(setl),
            Sltu => setcc!(setb),
            Sgt => setcc!(setg),
            Sgtu => setcc!(seta),
            Sle => setcc!(setle),
            Sleu => setcc!(setbe),
            Sge => setcc!(setge),
            Sgeu => setcc!(setae),
            Seq => setcc!(sete),
            Sne => setcc!(setne),
            Slti => setcc_imm!(setl),
            Sltiu => setcc_imm!(setb),
            Mul => {
                if i.rd == 0 {
                    return false;
                }
                self.load_into(ops, RAX, i.rs1);
                match self.loc(i.rs2) {
                    Loc::Reg(r) => x64!(ops; imul eax, Rd(r)),
                    Loc::Mem(o) => x64!(ops; imul eax, DWORD [rbx + o]),
                    Loc::Zero => x64!(ops; xor eax, eax),
                }
                self.store_from(ops, i.rd, RAX);
            }
            Mulh | Mulhu => {
                if i.rd == 0 {
                    return false;
                }
                self.load_into(ops, RAX, i.rs1);
                self.load_into(ops, RCX, i.rs2);
                if i.op == Mulh {
                    x64!(ops; imul ecx);
                } else {
                    x64!(ops; mul ecx);
                }
                self.store_from(ops, i.rd, crate::regmap::RDX);
            }
            Div | Rem => {
                if i.rd == 0 {
                    return false;
                }
                self.load_into(ops, RAX, i.rs1);
                self.load_into(ops, RCX, i.rs2);
                let is_div = i.op == Div;
                x64!(ops
                    ; test ecx, ecx
                    ; jz >zero
                    ; cmp ecx, -1
                    ; jne >normal
                    ; cmp eax, i32::MIN
                    ; jne >normal
                );
                // INT_MIN / -1: quotient INT_MIN (already in eax), remainder 0.
                if is_div {
                    x64!(ops; jmp >done);
                } else {
                    x64!(ops; xor eax, eax; jmp >done);
                }
                x64!(ops
                    ; zero:
                );
                if is_div {
                    x64!(ops; mov eax, -1; jmp >done);
                } else {
                    // x % 0 = x: eax already holds rs1.
                    x64!(ops; jmp >done);
                }
                x64!(ops
                    ; normal:
                    ; cdq
                    ; idiv ecx
                );
                if !is_div {
                    x64!(ops; mov eax, edx);
                }
                x64!(ops; done:);
                self.store_from(ops, i.rd, RAX);
            }
            Lui => self.store_imm(ops, i.rd, imm as u32),
            Ldb | Ldh | Ldw | Ldbu | Ldhu => {
                let ix = index_reg!();
                let dst = match self.loc(i.rd) {
                    Loc::Reg(h) => h,
                    _ => RAX,
                };
                let size = i.op.mem_size() as u8;
                out.sites
                    .push((ops.offset().0, pc, AccessKind::Read, size, uncount, ix));
                match i.op {
                    Ldb => x64!(ops; movsx Rd(dst), BYTE [r12 + Rq(ix)]),
                    Ldbu => x64!(ops; movzx Rd(dst), BYTE [r12 + Rq(ix)]),
                    Ldh => x64!(ops; movsx Rd(dst), WORD [r12 + Rq(ix)]),
                    Ldhu => x64!(ops; movzx Rd(dst), WORD [r12 + Rq(ix)]),
                    _ => x64!(ops; mov Rd(dst), DWORD [r12 + Rq(ix)]),
                }
                if dst == RAX {
                    self.store_from(ops, i.rd, RAX);
                }
            }
            Stb | Sth | Stw => {
                let ix = index_reg!();
                let size = i.op.mem_size() as u8;
                let val = match self.loc(i.rs2) {
                    Loc::Reg(h) => Some(h),
                    Loc::Zero => None,
                    Loc::Mem(o) => {
                        x64!(ops; mov eax, DWORD [rbx + o]);
                        Some(RAX)
                    }
                };
                out.sites
                    .push((ops.offset().0, pc, AccessKind::Write, size, uncount, ix));
                match (size, val) {
                    (1, Some(v)) => x64!(ops; mov BYTE [r12 + Rq(ix)], Rb(v)),
                    (2, Some(v)) => x64!(ops; mov WORD [r12 + Rq(ix)], Rw(v)),
                    (_, Some(v)) => x64!(ops; mov DWORD [r12 + Rq(ix)], Rd(v)),
                    (1, None) => x64!(ops; mov BYTE [r12 + Rq(ix)], 0),
                    (2, None) => x64!(ops; mov WORD [r12 + Rq(ix)], 0),
                    (_, None) => x64!(ops; mov DWORD [r12 + Rq(ix)], 0),
                }
            }
            AssertEq => {
                let a = self.in_reg(ops, i.rs1, RAX);
                match self.loc(i.rs2) {
                    Loc::Reg(r) => x64!(ops; cmp Rd(a), Rd(r)),
                    Loc::Mem(o) => x64!(ops; cmp Rd(a), DWORD [rbx + o]),
                    Loc::Zero => x64!(ops; cmp Rd(a), 0),
                }
                let l = ops.new_dynamic_label();
                x64!(ops; jne =>l);
                out.exits.push(Exit {
                    label: l,
                    kind: ExitKind::Trap {
                        kind: TrapKind::AssertionFailed,
                        pc,
                        addr: 0,
                        aux: i.rs1 as u32 | (i.rs2 as u32) << 8,
                        uncount,
                    },
                });
            }
            Beq | Bne | Blt | Bge | Bltu | Bgeu => {
                self.emit_branch(ops, out, i, pc, None, None, seg);
                return true;
            }
            Jal if i.rd != 0 && self.opts.native_calls => {
                // A call: pushed as a native call so the matching return
                // is predicted by the CPU. The return continuation is a
                // chained jump to pc+4 followed by pc+4 as data, which a
                // return checks before trusting the native address.
                let ret_pc = pc.wrapping_add(4);
                self.store_imm(ops, i.rd, ret_pc);
                let target = pc.wrapping_add(imm as u32);
                let (lc, lk, lp) = (
                    ops.new_dynamic_label(),
                    ops.new_dynamic_label(),
                    ops.new_dynamic_label(),
                );
                x64!(ops
                    ; cmp rsp, QWORD [rbx + offsets::RSP_LIMIT]
                    ; jb =>lp
                    ; call =>lc
                );
                let site_call = ops.offset().0;
                x64!(ops; jmp =>lk);
                let site_cont = ops.offset().0;
                assert_eq!(site_cont - site_call, RET_PC_OFFSET as usize);
                ops.extend(ret_pc.to_le_bytes());
                x64!(ops; =>lp; jmp =>lc);
                // The depth-exhausted path reuses the call's stub target.
                let _ = lp;
                out.exits.push(Exit {
                    label: lc,
                    kind: ExitKind::Chain {
                        target,
                        site_end: site_call,
                    },
                });
                out.exits.push(Exit {
                    label: lk,
                    kind: ExitKind::Chain {
                        target: ret_pc,
                        site_end: site_cont,
                    },
                });
                return true;
            }
            Jal => {
                self.store_imm(ops, i.rd, pc.wrapping_add(4));
                let target = pc.wrapping_add(imm as u32);
                let l = ops.new_dynamic_label();
                x64!(ops; jmp =>l);
                let site_end = ops.offset().0;
                out.exits.push(Exit {
                    label: l,
                    kind: ExitKind::Chain { target, site_end },
                });
                return true;
            }
            Jalr => {
                match self.loc(i.rs1) {
                    Loc::Reg(h) => x64!(ops; lea eax, [Rq(h) + imm]),
                    Loc::Zero => x64!(ops; mov eax, imm),
                    Loc::Mem(o) => x64!(ops; mov eax, DWORD [rbx + o]; add eax, imm),
                }
                x64!(ops; and eax, -2);
                self.store_imm(ops, i.rd, pc.wrapping_add(4));
                if let Some((c, add)) = seg.counters {
                    self.emit_target_histogram(ops, c, add, &mut out.relocs);
                }
                if i.rd == 0 && self.opts.native_calls {
                    // Return prediction: if the newest native frame was
                    // pushed by a call whose continuation is this target,
                    // return through it.
                    x64!(ops
                        ; mov rdx, QWORD [rsp]
                        ; cmp DWORD [rdx + RET_PC_OFFSET], eax
                        ; jne >no_frame
                        ; ret
                        ; no_frame:
                    );
                }
                let table = self.lookup_table as i64;
                let mask = (LOOKUP_ENTRIES - 1) as i32;
                x64!(ops
                    ; mov ecx, eax
                    ; shr ecx, 2
                    ; and ecx, mask
                    ; shl ecx, 4
                    ; mov rdx, QWORD table
                );
                imm64(ops, &mut out.relocs, RelocKind::LookupTable, 0);
                x64!(ops
                    ; cmp DWORD [rdx + rcx], eax
                    ; jne >miss
                    ; jmp QWORD [rdx + rcx + 8]
                    ; miss:
                    ; mov DWORD [rbx + offsets::PC], eax
                    ; mov eax, ExitReason::Lookup as i32
                );
                jmp_exit_common(ops, out.base, self.stubs.exit_common, &mut out.relocs);
                return true;
            }
            Nop => {}
            Yield | Halt => {
                let (reason, at) = if i.op == Yield {
                    (ExitReason::Yield, pc.wrapping_add(4))
                } else {
                    (ExitReason::Halt, pc)
                };
                let l = ops.new_dynamic_label();
                x64!(ops; jmp =>l);
                out.exits.push(Exit {
                    label: l,
                    kind: ExitKind::Reason { reason, pc: at },
                });
                return true;
            }
            Debug => {
                self.load_into(ops, RAX, i.rs1);
                x64!(ops; mov DWORD [rbx + offsets::AUX], eax);
                let l = ops.new_dynamic_label();
                x64!(ops; jmp =>l);
                out.exits.push(Exit {
                    label: l,
                    kind: ExitKind::Reason {
                        reason: ExitReason::Debug,
                        pc: pc.wrapping_add(4),
                    },
                });
                return true;
            }
            FaddD | FsubD | FmulD | FdivD => {
                // SSE gives x86's results; operand order picks the NaN
                // that the reference returns (rs2's for add/mul).
                let (first, second) = match i.op {
                    FaddD | FmulD => (i.rs2, i.rs1),
                    _ => (i.rs1, i.rs2),
                };
                self.pair_to_xmm(ops, second, 1);
                self.pair_to_xmm(ops, first, 0);
                match i.op {
                    FaddD => x64!(ops; addsd xmm0, xmm1),
                    FsubD => x64!(ops; subsd xmm0, xmm1),
                    FmulD => x64!(ops; mulsd xmm0, xmm1),
                    _ => x64!(ops; divsd xmm0, xmm1),
                }
                x64!(ops; movq rax, xmm0);
                self.pair_from_rax(ops, i.rd);
            }
            FsqrtD => {
                self.pair_to_xmm(ops, i.rs1, 0);
                x64!(ops; sqrtsd xmm0, xmm0; movq rax, xmm0);
                self.pair_from_rax(ops, i.rd);
            }
            FeqD | FltD | FleD => {
                self.pair_to_xmm(ops, i.rs1, 0);
                self.pair_to_xmm(ops, i.rs2, 1);
                self.fcmp(ops, i, true);
            }
            FcvtWD | FcvtWuD => {
                self.pair_to_xmm(ops, i.rs1, 0);
                if i.op == FcvtWD {
                    x64!(ops; cvttsd2si eax, xmm0);
                } else {
                    x64!(ops; cvttsd2si rax, xmm0);
                }
                self.store_from(ops, i.rd, RAX);
            }
            FcvtLD => {
                self.pair_to_xmm(ops, i.rs1, 0);
                x64!(ops; cvttsd2si rax, xmm0);
                self.pair_from_rax(ops, i.rd);
            }
            FcvtDW | FcvtDWu | FcvtDL => {
                match i.op {
                    FcvtDW => {
                        self.load_into(ops, RAX, i.rs1);
                        x64!(ops; xorps xmm0, xmm0; cvtsi2sd xmm0, eax);
                    }
                    FcvtDWu => {
                        self.load_into(ops, RAX, i.rs1);
                        x64!(ops; xorps xmm0, xmm0; cvtsi2sd xmm0, rax);
                    }
                    _ => {
                        self.pair_to_rax(ops, i.rs1);
                        x64!(ops; xorps xmm0, xmm0; cvtsi2sd xmm0, rax);
                    }
                }
                x64!(ops; movq rax, xmm0);
                self.pair_from_rax(ops, i.rd);
            }
            FcvtDS => {
                self.load_into(ops, RAX, i.rs1);
                x64!(ops; movd xmm0, eax; cvtss2sd xmm0, xmm0; movq rax, xmm0);
                self.pair_from_rax(ops, i.rd);
            }
            FcvtSD => {
                self.pair_to_xmm(ops, i.rs1, 0);
                x64!(ops; cvtsd2ss xmm0, xmm0; movd eax, xmm0);
                self.store_from(ops, i.rd, RAX);
            }
            FaddS | FsubS | FmulS | FdivS => {
                let (first, second) = match i.op {
                    FaddS | FmulS => (i.rs2, i.rs1),
                    _ => (i.rs1, i.rs2),
                };
                self.load_into(ops, RAX, second);
                x64!(ops; movd xmm1, eax);
                self.load_into(ops, RAX, first);
                x64!(ops; movd xmm0, eax);
                match i.op {
                    FaddS => x64!(ops; addss xmm0, xmm1),
                    FsubS => x64!(ops; subss xmm0, xmm1),
                    FmulS => x64!(ops; mulss xmm0, xmm1),
                    _ => x64!(ops; divss xmm0, xmm1),
                }
                x64!(ops; movd eax, xmm0);
                self.store_from(ops, i.rd, RAX);
            }
            FsqrtS => {
                self.load_into(ops, RAX, i.rs1);
                x64!(ops; movd xmm0, eax; sqrtss xmm0, xmm0; movd eax, xmm0);
                self.store_from(ops, i.rd, RAX);
            }
            FeqS | FltS | FleS => {
                self.load_into(ops, RAX, i.rs1);
                x64!(ops; movd xmm0, eax);
                self.load_into(ops, RAX, i.rs2);
                x64!(ops; movd xmm1, eax);
                self.fcmp(ops, i, false);
            }
            FcvtWS | FcvtWuS => {
                self.load_into(ops, RAX, i.rs1);
                x64!(ops; movd xmm0, eax);
                if i.op == FcvtWS {
                    x64!(ops; cvttss2si eax, xmm0);
                } else {
                    x64!(ops; cvttss2si rax, xmm0);
                }
                self.store_from(ops, i.rd, RAX);
            }
            FcvtSW | FcvtSWu => {
                self.load_into(ops, RAX, i.rs1);
                if i.op == FcvtSW {
                    x64!(ops; xorps xmm0, xmm0; cvtsi2ss xmm0, eax);
                } else {
                    x64!(ops; xorps xmm0, xmm0; cvtsi2ss xmm0, rax);
                }
                x64!(ops; movd eax, xmm0);
                self.store_from(ops, i.rd, RAX);
            }
            _ => {
                // Floating point and register-pair instructions: call the
                // shared semantics with the guest registers in CpuState.
                let word = fast32_isa::encode(i).expect("decoded instruction re-encodes");
                self.spill_all(ops);
                let helper = self.stubs.exec_one as i64;
                // Native guest-call frames leave rsp 8-aligned at times:
                // realign for the ABI, keeping the old rsp on the stack.
                x64!(ops
                    ; mov rcx, rsp
                    ; and rsp, -16
                    ; push rcx
                    ; push rcx
                    ; mov rdi, rbx
                    ; mov esi, word as i32
                    ; mov edx, pc as i32
                    ; mov rax, QWORD helper
                );
                imm64(ops, &mut out.relocs, RelocKind::ExecOne, 0);
                x64!(ops
                    ; call rax
                    ; pop rsp
                );
                self.reload_all(ops);
            }
        }
        false
    }
}
