//! Intrinsics: calls to guest routines named `memcpy`, `memmove`,
//! `memset`, `strlen` and `strcmp` replaced by native code
//! ([`fast32_aot_runtime::intrinsics`]) where that is provably exact, and
//! calls to the unsigned division routines `__udivsi3` and `__umodsi3`
//! replaced by a host division inline (SLOW-32 divides only signed: its
//! compilers call these for every unsigned `/` and `%`; Lua's number
//! formatting and table hashing spend 3% of its run in a bit-by-bit
//! `__udivsi3`).
//!
//! A name proves nothing, so each named routine is classified:
//!
//! 1. *Statically*: every instruction reachable from its start (branches
//!    and plain jumps followed, never a call, YIELD, DEBUG, HALT, an
//!    indirect jump other than `jalr r0, lr, 0`, or an instruction that
//!    traps) gives its write set W, which must lie within rv, t0 and
//!    a0..a7 (so sp, lr and callee-saved registers are untouched), and its
//!    upward-exposed uses, which must be its arguments and lr.
//! 2. *Dynamically*: the reference interpreter runs it on a machine with
//!    the same image over probe inputs (sizes 0..70, every alignment,
//!    overlaps for memmove, bytes >= 0x80, equal and different strings,
//!    buffers ending at the last readable byte before unmapped memory).
//!    Every store must fall inside the destination, every load inside the
//!    4-byte-aligned cover of the source bytes (an aligned word never
//!    crosses a page, so the native range check is then exact about
//!    faults), sp and lr must be kept, and memory and rv must equal one
//!    candidate's native semantics on every probe. Exactly one candidate
//!    must match. A division routine must not touch memory at all; its
//!    probes are edge values (0, 1, 2, 3, 7, 10, 0xff, 0x100, 0xffff,
//!    0x10000, 0x7fffffff, 0x80000000, all ones...) paired with each
//!    other and 500 random pairs, and its candidates differ in what a
//!    zero divisor gives.
//!
//! A call site `jal lr, R` of a classified routine is replaced only where
//! the registers of W other than rv are dead at the return site
//! ([`crate::liveness`]): the native code cannot reproduce the values the
//! routine leaves there. Except those whose values the probes pin down:
//! they also find, for each register a routine writes, what it leaves
//! there in terms of its arguments and result ([`Val`]: 0, the
//! destination plus the count, the quotient, its old value...), for a
//! zero and for a nonzero count or divisor ([`split_arg`]), and compiled
//! code sets those too. A byte-loop `memset` leaves `dst + n` in two
//! registers and zeros in two more; a bit-by-bit `__udivsi3` the
//! remainder, zeros and the dividend's last bit. The liveness analysis
//! must assume C callers may read them (a variadic callee reads every
//! argument register): Prolog's hot `memset` calls were all kept.
//!
//! Compiled code finds how far each range may go itself, from the
//! layout's few intervals, and calls the C library's `memset`, `memcpy`
//! or `memmove` (the native helper, which searches every interval, when
//! that test fails) or the string scans. Where the native code declines
//! (a range outside accessible memory, an overlapping memcpy, an
//! unterminated string) the guest routine runs and faults as the
//! interpreter does.
//!
//! Programs without W^X run self-modifying code exactly on the
//! interpreter; no intrinsics are planned for them, nor when discovery
//! did not scan for code addresses (the liveness analysis needs them).

use crate::discover::{is_return, CodeImage, DiscoverOptions, Program, Term};
use crate::liveness;
use crate::lower::inst_regs;
use crate::pgo::Hints;
use fast32_aot_runtime::intrinsics::{arith, region_table, strcmp_result, IntrinsicOp};
use fast32_isa::s32x::Image;
use fast32_isa::{Flow, Opcode, REG_LR, REG_SP};
use fast32_runtime::host::HostConfig;
use fast32_runtime::memory::{MemLayout, PERM_R, PERM_W};
use fast32_runtime::{Interpreter, Machine};
use std::collections::{BTreeMap, HashMap};

/// Registers a replaceable routine may write: rv (r1), t0 (r2), a0..a7.
const SCRATCH: u32 = 0x7FE;
/// Most instructions a routine may have (static walk).
const MAX_INSNS: usize = 4096;
/// Most instructions one probe may run.
const PROBE_CAP: u64 = 50_000;
/// Most instructions all probes of one routine may run together: a
/// routine that runs near [`PROBE_CAP`] on each of its two thousand
/// probes would otherwise cost seconds of compile time. The byte-wise
/// `memmove`s of the test programs and of the corpus programs run some
/// 400,000 over theirs.
const ROUTINE_CAP: u64 = 16_000_000;
/// The return address probes use: never a code address.
const SENTINEL: u32 = 0xFFFF_FFFC;
/// Size of the probe buffer area at the top of the stack region.
const ARENA: u32 = 2048;

/// What the compiler does with rv at a replaced call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RvMode {
    /// rv gets the native result (destination for mem*, length,
    /// comparison).
    Result,
    /// The routine never writes rv: it keeps its value.
    Keep,
}

/// One named routine and what classification found.
#[derive(Clone, Debug)]
pub struct Routine {
    pub name: &'static str,
    pub start: u32,
    /// The native semantics it matches, or why not.
    pub class: Result<(IntrinsicOp, RvMode), String>,
    /// Registers it may write.
    pub writes: u32,
    /// Of those (rv aside), the ones whose final values the native code
    /// reproduces: (register, value when the [`split_arg`] is zero, when
    /// it is not).
    pub model: Vec<(u8, Val, Val)>,
}

/// The argument whose being zero changes what a routine leaves in its
/// registers (a division's divisor, a memory routine's count: the loop
/// does not run), if any.
pub fn split_arg(op: IntrinsicOp) -> Option<usize> {
    match op {
        _ if op.is_arith() => Some(1),
        _ if op.is_mem() => Some(2),
        _ => None,
    }
}

/// A value a routine leaves in a register, in terms of its arguments
/// `a`, `b`, `c` (a0..a2), its result `rv` and the register's value
/// before the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Val {
    Keep,
    Zero,
    Ones,
    A,
    B,
    C,
    Quot,
    Rem,
    ABit0,
    APlusC,
    BPlusC,
    APlusRv,
}

impl Val {
    /// Cheapest first.
    const ALL: [Val; 12] = [
        Val::Keep,
        Val::Zero,
        Val::Ones,
        Val::A,
        Val::B,
        Val::C,
        Val::Quot,
        Val::Rem,
        Val::ABit0,
        Val::APlusC,
        Val::BPlusC,
        Val::APlusRv,
    ];

    /// How many arguments it reads: a routine of fewer arguments has
    /// whatever the caller left in the others (and its probes, distinct
    /// values), no argument of it.
    fn args(self) -> usize {
        match self {
            Val::Keep | Val::Zero | Val::Ones | Val::A | Val::ABit0 | Val::APlusRv => 1,
            Val::B | Val::Quot | Val::Rem => 2,
            Val::C | Val::APlusC | Val::BPlusC => 3,
        }
    }

    /// Its value (`None`: the quotient or remainder by zero).
    pub fn eval(self, args: [u32; 3], rv: u32, old: u32) -> Option<u32> {
        let [a, b, c] = args;
        Some(match self {
            Val::Keep => old,
            Val::Zero => 0,
            Val::Ones => u32::MAX,
            Val::A => a,
            Val::B => b,
            Val::C => c,
            Val::Quot => a.checked_div(b)?,
            Val::Rem => a.checked_rem(b)?,
            Val::ABit0 => a & 1,
            Val::APlusC => a.wrapping_add(c),
            Val::BPlusC => b.wrapping_add(c),
            Val::APlusRv => a.wrapping_add(rv),
        })
    }
}

impl Routine {
    /// The registers [`Routine::model`] reproduces.
    pub fn modeled(&self) -> u32 {
        self.model.iter().fold(0, |m, x| m | 1 << x.0)
    }
}

/// A replaced call site.
#[derive(Clone, Copy, Debug)]
pub struct Site {
    pub pc: u32,
    pub op: IntrinsicOp,
    pub rv: RvMode,
    pub routine: u32,
    /// The registers of the routine's [`Routine::model`] live at the
    /// return site: the ones compiled code sets (the others are dead
    /// there, and setting them would only cost).
    pub model_live: u32,
}

/// What [`plan`] decided.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub routines: Vec<Routine>,
    /// Replaced call sites by JAL address.
    pub sites: BTreeMap<u32, Site>,
    /// Call sites of classified routines left alone: (pc, routine start,
    /// scratch registers live at the return site).
    pub kept: Vec<(u32, u32, u32)>,
    /// The image's merged readable and writable address intervals
    /// (`[start, end)`): compiled code tests ranges against them, and the
    /// helpers' [`region_table`] is made of them.
    pub readable: Intervals,
    pub writable: Intervals,
    /// Why nothing was planned at all, if so.
    pub disabled: Option<String>,
}

/// The routine names recognized and their candidate semantics.
const NAMES: [(&str, &[IntrinsicOp]); 7] = [
    ("memcpy", &[IntrinsicOp::Memcpy]),
    ("memmove", &[IntrinsicOp::Memmove]),
    ("memset", &[IntrinsicOp::Memset]),
    ("strlen", &[IntrinsicOp::Strlen]),
    (
        "strcmp",
        &[
            IntrinsicOp::StrcmpDiffU,
            IntrinsicOp::StrcmpDiffS,
            IntrinsicOp::StrcmpSignU,
            IntrinsicOp::StrcmpSignS,
        ],
    ),
    (
        "__udivsi3",
        &[
            IntrinsicOp::UdivZeroOnes,
            IntrinsicOp::UdivZeroZero,
            IntrinsicOp::UdivZeroA,
        ],
    ),
    (
        "__umodsi3",
        &[
            IntrinsicOp::UmodZeroA,
            IntrinsicOp::UmodZeroZero,
            IntrinsicOp::UmodZeroOnes,
        ],
    ),
];

fn arity(op: IntrinsicOp) -> usize {
    match op {
        _ if op.is_arith() => 2,
        _ if op.is_mem() => 3,
        IntrinsicOp::Strlen => 1,
        _ => 2,
    }
}

/// Guest address intervals `[start, end)`.
pub type Intervals = Vec<(u64, u64)>;

/// Merged address intervals of the layout's regions with permission `p`.
fn intervals(layout: &MemLayout, p: u8) -> Intervals {
    let mut v: Vec<(u64, u64)> = layout
        .regions
        .iter()
        .filter(|r| r.perms & p != 0)
        .map(|r| (r.start, r.end))
        .collect();
    v.sort_unstable();
    let mut out: Vec<(u64, u64)> = Vec::new();
    for (s, e) in v {
        match out.last_mut() {
            Some(l) if s <= l.1 => l.1 = l.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Plans the intrinsic call sites of a discovered program; `live` is its
/// whole-program liveness ([`liveness::analyze`], computed once for this
/// and for the lowering).
pub fn plan(
    image: &Image,
    code: &CodeImage,
    prog: &Program,
    opts: &DiscoverOptions,
    live: &liveness::Liveness,
) -> Plan {
    let layout = MemLayout::from_header(&image.header);
    let (rd, wr) = (intervals(&layout, PERM_R), intervals(&layout, PERM_W));
    let mut plan = Plan {
        readable: rd,
        writable: wr,
        ..Plan::default()
    };
    if !layout.wxorx {
        plan.disabled = Some("the program is not W^X".into());
        return plan;
    }
    if opts.no_data_scan || opts.no_constant_scan {
        plan.disabled = Some("discovery did not scan for code addresses".into());
        return plan;
    }
    let mut prober: Option<Prober> = None;
    for (name, cands) in NAMES {
        let Some(sym) = image
            .symbols
            .iter()
            .find(|s| s.name == name && !s.is_absolute() && prog.blocks.contains_key(&s.value))
        else {
            continue;
        };
        let start = sym.value;
        let (writes, class, model) = match static_check(code, start, cands) {
            Err(e) => (0, Err(e), Vec::new()),
            Ok(writes) => {
                if prober.is_none() {
                    prober = Some(Prober::new(image, &plan.writable));
                }
                let p = prober.as_mut().expect("just made");
                match p.classify(code, start, cands, writes) {
                    Ok((c, model)) => (writes, Ok(c), model),
                    Err(e) => (writes, Err(e), Vec::new()),
                }
            }
        };
        plan.routines.push(Routine {
            name,
            start,
            class,
            writes,
            model,
        });
    }
    if !plan.routines.iter().any(|r| r.class.is_ok()) {
        return plan;
    }
    for b in prog.blocks.values() {
        let Term::Jump { target, link: true } = b.term else {
            continue;
        };
        let Some(r) = plan.routines.iter().find(|r| r.start == target) else {
            continue;
        };
        let Ok((op, rv)) = r.class else { continue };
        let pc = b.end - 4;
        if code.inst(pc).is_none_or(|i| i.rd != REG_LR) {
            continue;
        }
        // rv gets the native result; the rest of W keeps values the
        // native code does not reproduce.
        let scratch = match rv {
            RvMode::Result => r.writes & !2,
            RvMode::Keep => r.writes,
        } & !r.modeled();
        let clash = live.at(b.end) & scratch;
        if clash == 0 {
            plan.sites.insert(
                pc,
                Site {
                    pc,
                    op,
                    rv,
                    routine: target,
                    model_live: live.at(b.end) & r.modeled(),
                },
            );
        } else {
            plan.kept.push((pc, target, clash));
        }
    }
    plan
}

/// The static checks; returns the write set.
fn static_check(code: &CodeImage, start: u32, cands: &[IntrinsicOp]) -> Result<u32, String> {
    // Reachable instructions with their successors.
    let mut insts: BTreeMap<u32, (u32, u32, Vec<u32>)> = BTreeMap::new();
    let mut work = vec![start];
    while let Some(pc) = work.pop() {
        if insts.contains_key(&pc) {
            continue;
        }
        if insts.len() >= MAX_INSNS {
            return Err(format!("more than {MAX_INSNS} instructions"));
        }
        let Some(i) = code.inst(pc) else {
            return Err(format!("0x{pc:08x} does not decode"));
        };
        if cands[0].is_arith() && (i.op.is_load() || i.op.is_store()) {
            return Err(format!("0x{pc:08x} accesses memory"));
        }
        let (r, w) = inst_regs(&i);
        let next = pc.wrapping_add(4);
        let succ = match i.flow(pc) {
            Flow::Next if matches!(i.op, Opcode::Yield | Opcode::Debug) => {
                return Err(format!("0x{pc:08x} calls the host"));
            }
            Flow::Next => vec![next],
            Flow::Branch { taken } => vec![taken, next],
            Flow::Jump {
                target,
                link: false,
            } => vec![target],
            Flow::Jump { link: true, .. } => return Err(format!("0x{pc:08x} is a call")),
            Flow::Indirect { link: false } if is_return(&i) => vec![],
            Flow::Indirect { .. } => return Err(format!("0x{pc:08x} jumps indirectly")),
            Flow::Stop => return Err(format!("0x{pc:08x} halts")),
        };
        work.extend(succ.iter().copied());
        insts.insert(pc, (r, w, succ));
    }
    let writes = insts.values().fold(0, |m, x| m | x.1) & !1;
    if writes & !SCRATCH != 0 {
        return Err(format!(
            "writes {} (only rv, t0 and a0..a7 may be clobbered)",
            reg_list(writes & !SCRATCH)
        ));
    }
    // Upward-exposed uses.
    let mut live: HashMap<u32, u32> = insts.keys().map(|&pc| (pc, 0)).collect();
    loop {
        let mut changed = false;
        for (&pc, (r, w, succ)) in insts.iter().rev() {
            let out = succ.iter().fold(0, |m, s| m | live[s]);
            let v = (r | (out & !w)) & !1;
            if v != live[&pc] {
                live.insert(pc, v);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let n = cands.iter().map(|&c| arity(c)).max().unwrap_or(0);
    let allowed = (((1u32 << n) - 1) << 3) | 1 << REG_LR;
    let ue = live[&start];
    if ue & !allowed != 0 {
        return Err(format!("reads {} before writing", reg_list(ue & !allowed)));
    }
    Ok(writes)
}

/// "r2 r5" for a register mask.
pub fn reg_list(mask: u32) -> String {
    (0..32)
        .filter(|r| mask & (1 << r) != 0)
        .map(|r| format!("r{r}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One probe: arguments, the arena's initial bytes, the byte ranges the
/// routine may read and write.
struct Probe {
    args: [u32; 3],
    init: Vec<u8>,
    reads: Vec<(u32, u32)>,
    write: (u32, u32),
}

/// Runs routines on the reference interpreter.
struct Prober {
    m: Option<(Machine, Interpreter)>,
    /// Arena: `[base, base + ARENA)`, ending at the end of a writable
    /// interval (so the byte after it faults) when that could be found.
    base: u32,
    sp: u32,
    seed: u64,
    /// Instructions the current routine's probes may still run
    /// ([`ROUTINE_CAP`]).
    budget: u64,
}

impl Prober {
    fn new(image: &Image, writable: &[(u64, u64)]) -> Prober {
        let sb = image.header.stack_base as u64;
        let top = writable
            .iter()
            .find(|&&(s, e)| s <= sb && sb < e && e - s >= 4 * ARENA as u64 && e <= 1 << 32)
            .map(|&(_, e)| e);
        let m = top.and_then(|_| {
            let m = Machine::new(image, HostConfig::default()).ok()?;
            let i = Interpreter::new(&m);
            Some((m, i))
        });
        let base = top.map_or(0, |t| (t - ARENA as u64) as u32);
        Prober {
            m,
            base,
            sp: base.wrapping_sub(256),
            seed: 0x9E37_79B9_7F4A_7C15,
            budget: ROUTINE_CAP,
        }
    }

    fn rand(&mut self) -> u8 {
        self.seed = self
            .seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.seed >> 33) as u8
    }

    fn random_arena(&mut self, nonzero: bool) -> Vec<u8> {
        (0..ARENA)
            .map(|_| {
                let b = self.rand();
                if nonzero && b == 0 {
                    0x9B
                } else {
                    b
                }
            })
            .collect()
    }

    fn probes(&mut self, op: IntrinsicOp) -> Vec<Probe> {
        let b = self.base;
        let end = b + ARENA;
        let mut v = Vec::new();
        match op {
            IntrinsicOp::Memcpy | IntrinsicOp::Memmove | IntrinsicOp::Memset => {
                let mut shapes: Vec<(u32, u32, u32)> = Vec::new();
                for n in 0..=70u32 {
                    for da in 0..4 {
                        for sa in 0..4 {
                            shapes.push((b + 512 + da, b + 64 + sa, n));
                        }
                    }
                }
                // Against the end of writable memory.
                for n in 1..=24u32 {
                    shapes.push((end - n, b + 64 + n % 4, n));
                    shapes.push((b + 64 + n % 4, end - n, n));
                }
                if op == IntrinsicOp::Memmove {
                    for n in 0..=40u32 {
                        for k in 1..=9u32 {
                            shapes.push((b + 300 + k, b + 300, n));
                            shapes.push((b + 300, b + 300 + k, n));
                        }
                    }
                }
                for (i, (dst, src, n)) in shapes.into_iter().enumerate() {
                    let init = self.random_arena(false);
                    if op == IntrinsicOp::Memset {
                        let c = [0x5Au32, 0x133, 0xFFFF_FF80, 0, 0xFF][i % 5];
                        v.push(Probe {
                            args: [dst, c, n],
                            init,
                            reads: vec![],
                            write: (dst, n),
                        });
                    } else {
                        v.push(Probe {
                            args: [dst, src, n],
                            init,
                            reads: vec![(src, n)],
                            write: (dst, n),
                        });
                    }
                }
            }
            _ if op.is_arith() => {
                // (Each probe runs a bit-by-bit division for some 300
                // steps: this set and the random pairs cost Lua's compile
                // about 0.03 s.)
                let edges = [
                    0u32,
                    1,
                    2,
                    3,
                    7,
                    10,
                    0xFF,
                    0x100,
                    0xFFFF,
                    0x1_0000,
                    0x7FFF_FFFF,
                    0x8000_0000,
                    0x8000_0001,
                    0xFFFF_FFFE,
                    0xFFFF_FFFF,
                    0xDEAD_BEEF,
                    0x1234_5678,
                ];
                let mut pairs: Vec<(u32, u32)> = Vec::new();
                for &a in &edges {
                    for &b in &edges {
                        pairs.push((a, b));
                    }
                }
                for _ in 0..500 {
                    let w = |p: &mut Self| u32::from_le_bytes(std::array::from_fn(|_| p.rand()));
                    let a = w(self) >> (self.rand() % 32);
                    let b = w(self) >> (self.rand() % 32);
                    pairs.push((a, b));
                }
                for (a, b) in pairs {
                    v.push(Probe {
                        args: [a, b, 0],
                        init: Vec::new(),
                        reads: vec![],
                        write: (0, 0),
                    });
                }
            }
            IntrinsicOp::Strlen => {
                // A string of `len` bytes at `s`.
                let mut probe = |s: u32, len: u32| {
                    let mut init = self.random_arena(true);
                    init[(s - b + len) as usize] = 0;
                    v.push(Probe {
                        args: [s, 0, 0],
                        init,
                        reads: vec![(s, len + 1)],
                        write: (s, 0),
                    });
                };
                for len in 0..=70u32 {
                    for a in 0..4 {
                        probe(b + 100 + a, len);
                    }
                }
                // Ending at the last readable byte.
                for len in 0..=12u32 {
                    probe(end - 1 - len, len);
                }
            }
            _ => {
                // (a offset, b offset, common prefix, a's byte, b's byte);
                // a byte 0 ends that string.
                let pairs: [(u8, u8); 10] = [
                    (0, 0),
                    (0x41, 0x61),
                    (0x61, 0x41),
                    (0x80, 0x01),
                    (0x01, 0x80),
                    (0xFF, 0xFE),
                    (0x41, 0),
                    (0, 0x41),
                    (0xC3, 0x7F),
                    (0x30, 0x39),
                ];
                let mut shapes = Vec::new();
                for k in 0..=40u32 {
                    for (pi, &(x, y)) in pairs.iter().enumerate() {
                        let (aa, ba) = ((k + pi as u32) % 4, (k / 4 + pi as u32 * 3) % 4);
                        shapes.push((b + 100 + aa, b + 600 + ba, k, x, y));
                    }
                }
                for k in 0..=10u32 {
                    for &(x, y) in &pairs[..3] {
                        // a's last byte is the last readable one.
                        shapes.push((end - 1 - k, b + 600 + k % 4, k, x, y));
                        shapes.push((b + 100 + k % 4, end - 1 - k, k, x, y));
                    }
                }
                for (sa, sb, k, x, y) in shapes {
                    let mut init = self.random_arena(true);
                    for j in 0..k {
                        init[(sb - b + j) as usize] = init[(sa - b + j) as usize];
                    }
                    init[(sa - b + k) as usize] = x;
                    init[(sb - b + k) as usize] = y;
                    // Strings that go on after a difference are terminated
                    // within the arena (the last byte ends them anyway).
                    if x != 0 && sa + k + 2 < end {
                        init[(sa - b + k + 1) as usize] = 0;
                    }
                    if y != 0 && sb + k + 2 < end {
                        init[(sb - b + k + 1) as usize] = 0;
                    }
                    if x != 0 && sa + k + 1 >= end || y != 0 && sb + k + 1 >= end {
                        continue;
                    }
                    v.push(Probe {
                        args: [sa, sb, 0],
                        init,
                        reads: vec![(sa, k + 1), (sb, k + 1)],
                        write: (sa, 0),
                    });
                }
            }
        }
        v
    }

    /// Expected (arena, rv) of `op` on a probe.
    fn expected(&self, op: IntrinsicOp, p: &Probe) -> (Vec<u8>, u32) {
        if let Some(v) = arith(op, p.args[0], p.args[1]) {
            return (Vec::new(), v);
        }
        let mut a = p.init.clone();
        let off = |x: u32| (x - self.base) as usize;
        let [x, y, n] = p.args;
        match op {
            IntrinsicOp::Memcpy | IntrinsicOp::Memmove => {
                let (d, s, n) = (off(x), off(y), n as usize);
                a.copy_within(s..s + n, d);
                (a, x)
            }
            IntrinsicOp::Memset => {
                let (d, n) = (off(x), n as usize);
                a[d..d + n].fill(y as u8);
                (a, x)
            }
            IntrinsicOp::Strlen => {
                let s = off(x);
                let len = a[s..].iter().position(|&c| c == 0).unwrap_or(0);
                (a, len as u32)
            }
            _ => {
                let (s, t) = (off(x), off(y));
                let mut k = 0;
                while a[s + k] == a[t + k] && a[s + k] != 0 {
                    k += 1;
                }
                let r = strcmp_result(op, a[s + k], a[t + k]);
                (a, r as u32)
            }
        }
    }

    /// The one candidate of `cands` the routine matches, and the
    /// registers it writes whose final values [`Val`]s name (its model).
    #[allow(clippy::type_complexity)]
    fn classify(
        &mut self,
        code: &CodeImage,
        start: u32,
        cands: &[IntrinsicOp],
        writes: u32,
    ) -> Result<((IntrinsicOp, RvMode), Vec<(u8, Val, Val)>), String> {
        if self.m.is_none() {
            return Err("no probe area (stack region too small)".into());
        }
        let rv = if writes & 2 != 0 {
            RvMode::Result
        } else {
            RvMode::Keep
        };
        let family = cands[0];
        if rv == RvMode::Keep && arity(family) != 3 {
            return Err("never sets rv".into());
        }
        let probes = self.probes(family);
        self.budget = ROUTINE_CAP;
        let mut alive: Vec<IntrinsicOp> = cands.to_vec();
        // Per written register (rv aside), the values still possible
        // when the split argument is zero and when it is not.
        let usable: Vec<Val> = Val::ALL
            .into_iter()
            .filter(|v| v.args() <= arity(family))
            .collect();
        let mut vals: Vec<(u8, Vec<Val>, Vec<Val>)> = (2..32u8)
            .filter(|&r| writes & (1 << r) != 0)
            .map(|r| (r, usable.clone(), usable.clone()))
            .collect();
        let split = split_arg(family);
        for (pi, p) in probes.iter().enumerate() {
            let (arena, before, after) = self.run(code, start, family, p, pi as u32)?;
            let got_rv = after[1];
            let zero = split.is_some_and(|k| p.args[k] == 0);
            for (r, z, nz) in &mut vals {
                let r = *r as usize;
                let set = if zero { z } else { nz };
                set.retain(|v| v.eval(p.args, got_rv, before[r]) == Some(after[r]));
            }
            alive.retain(|&op| {
                let (want, want_rv) = self.expected(op, p);
                want == arena && (rv == RvMode::Keep || want_rv == got_rv)
            });
            if alive.is_empty() {
                return Err(format!(
                    "differs from {} on probe {pi} (args {:x?})",
                    family.name(),
                    p.args
                ));
            }
        }
        // (Without a split, the zero class had no probes: any value.)
        let model = vals
            .into_iter()
            .filter_map(|(r, z, n)| Some((r, *z.first()?, *n.first()?)))
            .collect();
        match alive[..] {
            [op] => Ok(((op, rv), model)),
            _ => Err("more than one semantics matches".into()),
        }
    }

    /// Runs the routine on one probe: (arena afterwards, registers before
    /// and after), or why the run disqualifies it.
    #[allow(clippy::type_complexity)]
    fn run(
        &mut self,
        code: &CodeImage,
        start: u32,
        op: IntrinsicOp,
        p: &Probe,
        k: u32,
    ) -> Result<(Vec<u8>, [u32; 32], [u32; 32]), String> {
        let (base, sp) = (self.base, self.sp);
        let (m, interp) = self.m.as_mut().expect("checked");
        // (An arithmetic probe has no arena: it may not touch memory.)
        m.mem
            .write_bytes(base, &p.init)
            .map_err(|e| format!("probe area: {e}"))?;
        let mut regs = [0u32; 32];
        for (r, v) in regs.iter_mut().enumerate().skip(1) {
            *v = 0xD00D_0000 ^ (r as u32) << 8 ^ k.wrapping_mul(0x9E37);
        }
        // Argument registers past the routine's arguments keep their
        // distinct values: were they 0, a register the routine zeroes
        // would look unchanged ([`Val::Keep`]).
        let n = arity(op);
        regs[3..3 + n].copy_from_slice(&p.args[..n]);
        regs[REG_SP as usize] = sp;
        regs[REG_LR as usize] = SENTINEL;
        let before = regs;
        m.cpu.regs = regs;
        m.cpu.pc = start;
        m.cpu.instret = 0;
        m.cpu.insn_limit = u64::MAX;
        let cover = |a: u32, n: u32| (a & !3, (a + n + 3) & !3);
        let mut steps = 0u64;
        while m.cpu.pc != SENTINEL {
            steps += 1;
            if steps > PROBE_CAP {
                return Err(format!("runs more than {PROBE_CAP} instructions"));
            }
            if self.budget == 0 {
                return Err(format!(
                    "runs more than {ROUTINE_CAP} instructions over its probes"
                ));
            }
            self.budget -= 1;
            let pc = m.cpu.pc;
            if let Some(i) = code.inst(pc) {
                let ea = m.cpu.regs[i.rs1 as usize].wrapping_add(i.imm as u32);
                let size = i.op.mem_size();
                if i.op.is_load() {
                    let ok = p.reads.iter().any(|&(a, n)| {
                        let (lo, hi) = cover(a, n);
                        n > 0 && ea >= lo && ea as u64 + size as u64 <= hi as u64
                    });
                    if !ok {
                        return Err(format!("0x{pc:08x} reads outside its source"));
                    }
                } else if i.op.is_store() {
                    let (a, n) = p.write;
                    if !(ea >= a && ea as u64 + size as u64 <= a as u64 + n as u64) {
                        return Err(format!("0x{pc:08x} writes outside its destination"));
                    }
                }
            }
            if let Some(o) = interp.run_steps(m, 1) {
                return Err(format!("stops on a probe: {o:?}"));
            }
        }
        let after = m.cpu.regs;
        for r in 1..32 {
            if SCRATCH & (1 << r) == 0 && after[r] != before[r] {
                return Err(format!("changes r{r}"));
            }
        }
        let mut arena = vec![0u8; if p.init.is_empty() { 0 } else { ARENA as usize }];
        m.mem
            .read_bytes(base, &mut arena)
            .map_err(|e| format!("probe area: {e}"))?;
        Ok((arena, before, after))
    }
}

impl Plan {
    /// The `--explain` report: routines, replaced and kept call sites
    /// (with profile counts when there is a profile).
    pub fn render(&self, hints: Option<&Hints>) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        if let Some(why) = &self.disabled {
            let _ = writeln!(s, "intrinsics: none ({why})");
            return s;
        }
        let _ = writeln!(
            s,
            "intrinsics: {} call sites replaced, {} kept (scratch registers live after the call)",
            self.sites.len(),
            self.kept.len()
        );
        for r in &self.routines {
            match &r.class {
                Ok((op, rv)) => {
                    let n = self.sites.values().filter(|x| x.routine == r.start).count();
                    let k = self.kept.iter().filter(|x| x.1 == r.start).count();
                    let model = if r.model.is_empty() {
                        String::new()
                    } else {
                        format!(" (sets {} as it does)", reg_list(r.modeled()))
                    };
                    let _ = writeln!(
                        s,
                        "  {} at 0x{:08x}: {}{}, clobbers {}{model}; {n} sites replaced, {k} kept",
                        r.name,
                        r.start,
                        op.name(),
                        if *rv == RvMode::Keep {
                            " (rv unchanged)"
                        } else {
                            ""
                        },
                        reg_list(r.writes)
                    );
                }
                Err(e) => {
                    let _ = writeln!(s, "  {} at 0x{:08x}: not replaced: {e}", r.name, r.start);
                }
            }
        }
        let mut sites: Vec<(u32, u32, u64)> = self
            .sites
            .values()
            .map(|x| (x.pc, x.routine, hints.map_or(0, |h| h.count(x.pc))))
            .collect();
        sites.sort_by_key(|x| (std::cmp::Reverse(x.2), x.0));
        let name = |a: u32| {
            self.routines
                .iter()
                .find(|r| r.start == a)
                .map_or("?", |r| r.name)
        };
        for (pc, r, c) in sites.iter().take(30) {
            match hints {
                Some(_) => {
                    let _ = writeln!(s, "    0x{pc:08x} call {} ×{c} in profile", name(*r));
                }
                None => {
                    let _ = writeln!(s, "    0x{pc:08x} call {}", name(*r));
                }
            }
        }
        if sites.len() > 30 {
            let _ = writeln!(s, "    ... {} more", sites.len() - 30);
        }
        for (pc, r, live) in self.kept.iter().take(30) {
            let _ = writeln!(
                s,
                "    0x{pc:08x} call {} kept: {} live after it",
                name(*r),
                reg_list(*live)
            );
        }
        s
    }
}

/// What [`declare`] added to a module for the intrinsics.
pub struct IntrinsicDecls {
    pub plan: std::sync::Arc<Plan>,
    /// The native helper of each memory operation the plan uses
    /// ([`fast32_aot_runtime::intrinsics::helper`]): it gets the calls
    /// whose ranges fail the inline test, and searches every interval.
    pub helpers: Vec<(IntrinsicOp, cranelift_module::FuncId)>,
    /// The region table.
    pub regions: cranelift_module::DataId,
    /// The routine compiled code calls directly for each operation the
    /// plan uses ([`direct_routine`]), after finding the accessible
    /// extent of its ranges itself from the (few, constant) intervals of
    /// the layout. (The helper's search of the region table and its own
    /// call cost some 20 to 30 host instructions a call: Lisp makes a
    /// million small `memset`s.)
    pub direct: Vec<(IntrinsicOp, cranelift_module::FuncId)>,
}

/// What compiled code calls directly for `op`: the C library's
/// `memset(p, c, n)`, `memcpy(d, s, n)`, `memmove(d, s, n)` when the
/// ranges lie inside accessible intervals (else the helper), and the
/// scans `fast32_aot_strlen_at(p, max)` and
/// `fast32_aot_strcmp_at(pa, pb, lim, op)` given the readable bytes.
/// `None` for the divisions, done inline.
pub fn direct_routine(op: IntrinsicOp) -> Option<&'static str> {
    match op {
        IntrinsicOp::Memset => Some("memset"),
        IntrinsicOp::Memcpy => Some("memcpy"),
        IntrinsicOp::Memmove => Some("memmove"),
        IntrinsicOp::Strlen => Some("fast32_aot_strlen_at"),
        _ if op.is_arith() => None,
        _ => Some("fast32_aot_strcmp_at"),
    }
}

/// The signature of [`direct_routine`]s.
pub fn direct_signature<M: cranelift_module::Module>(
    m: &M,
    op: IntrinsicOp,
) -> cranelift_codegen::ir::Signature {
    use cranelift_codegen::ir::{types, AbiParam};
    let mut sig = m.make_signature();
    let params: &[types::Type] = match op {
        IntrinsicOp::Memset => &[types::I64, types::I32, types::I64],
        IntrinsicOp::Memcpy | IntrinsicOp::Memmove => &[types::I64; 3],
        IntrinsicOp::Strlen => &[types::I64; 2],
        _ => &[types::I64, types::I64, types::I64, types::I32],
    };
    for &t in params {
        sig.params.push(AbiParam::new(t));
    }
    sig.returns.push(AbiParam::new(types::I64));
    sig
}

/// The helpers' signature: `(op, mem_base, regions, a0, a1, a2) -> u64`.
pub fn helper_signature<M: cranelift_module::Module>(m: &M) -> cranelift_codegen::ir::Signature {
    use cranelift_codegen::ir::{types, AbiParam};
    let mut sig = m.make_signature();
    sig.params.push(AbiParam::new(types::I32));
    sig.params.push(AbiParam::new(types::I64));
    sig.params.push(AbiParam::new(types::I64));
    for _ in 0..3 {
        sig.params.push(AbiParam::new(types::I32));
    }
    sig.returns.push(AbiParam::new(types::I64));
    sig
}

/// Declares the helpers and defines the region table, if `plan` replaces
/// any call site.
pub fn declare<M: cranelift_module::Module>(
    m: &mut M,
    plan: std::sync::Arc<Plan>,
) -> crate::lower::ModuleResult<Option<IntrinsicDecls>> {
    use cranelift_module::{DataDescription, Linkage};
    if plan.sites.is_empty() {
        return Ok(None);
    }
    let mut ops: Vec<IntrinsicOp> = plan.sites.values().map(|s| s.op).collect();
    ops.sort_by_key(|&op| op as u32);
    ops.dedup();
    let (mut helpers, mut direct) = (Vec::new(), Vec::new());
    for op in ops {
        if let Some(name) = direct_routine(op) {
            let id = m.declare_function(name, Linkage::Import, &direct_signature(m, op))?;
            direct.push((op, id));
        }
        if let Some((name, _)) = fast32_aot_runtime::intrinsics::helper(op).filter(|_| op.is_mem())
        {
            let id = m.declare_function(name, Linkage::Import, &helper_signature(m))?;
            helpers.push((op, id));
        }
    }
    let regions = m.declare_data("fast32_aot_intrinsic_regions", Linkage::Local, false, false)?;
    let mut d = DataDescription::new();
    let table = region_table(&plan.readable, &plan.writable);
    let bytes: Vec<u8> = table.iter().flat_map(|w| w.to_le_bytes()).collect();
    d.define(bytes.into_boxed_slice());
    d.set_align(8);
    m.define_data(regions, &d)?;
    Ok(Some(IntrinsicDecls {
        plan,
        helpers,
        regions,
        direct,
    }))
}
