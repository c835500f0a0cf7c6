//! Inlining small functions at their call sites.
//!
//! A guest call lowered as a native call costs a host frame, the sync of
//! every dirty register to `CpuState` before it and the reload of the live
//! ones after it (see [`crate::lower`]). For a small callee this is often
//! more than the callee's own work.
//!
//! So a caller may lower a small callee's blocks inside its own Cranelift
//! function, once per caller (shared by all its sites of that callee), and
//! its calls of it as a jump there: the link register still gets the
//! return address, exactly as the guest code says. The callee's return
//! (`jalr r0, lr, 0`) compares the link register with the caller's return
//! sites for that callee and jumps to the one it matches; any other value
//! leaves the caller like any return to an unknown place. Guest registers
//! stay in Cranelift variables throughout, and traps keep their guest PCs:
//! the inlined code is the callee's own instructions.
//!
//! Blocks are named by guest address, so a function holds one copy of
//! each: a function never inlines a second copy of itself. Its calls of
//! itself (and of any function whose blocks it lowers: an inlined callee
//! calling another, or recursing) become jumps to those blocks all the
//! same, with their return sites added to the return's comparisons. A
//! recursive function then runs in one host frame with its registers in
//! variables: the guest code keeps its own frames on the guest stack, and
//! the link register says where each return goes (the `calls` benchmark:
//! half the host instructions, 0.49x the time). Other calls of an inlined
//! callee stay native calls.
//!
//! The callee keeps its own native function for every other caller and
//! for the dispatcher; its blocks are still owned by it
//! ([`Program::owner`]). Whatever leaves the inlined copy for the
//! dispatcher (a YIELD, a trap, a callee that exits) resumes in the
//! callee's own function, which returns to the caller's return site like
//! any call. Without a profile every call of a callee of up to
//! [`MAX_CALLEE_INSNS`] instructions is inlined; with one, only the calls
//! the profile saw run (the rest stay native calls, and code stays small),
//! and at the hot ones callees of up to [`MAX_HOT_CALLEE_INSNS`] instructions
//! that ran in the profile.

use crate::discover::{CodeImage, Program, Term};
use crate::pgo::Hints;
use std::collections::BTreeMap;

/// Largest callee inlined, in guest instructions.
pub const MAX_CALLEE_INSNS: u64 = 48;

/// Largest callee inlined at a hot call site (with a profile), counting
/// only the instructions the profile saw run, and not rarely
/// ([`run_insns`]): those are compiled out of line like the caller's own
/// cold code, so they cost the caller's hot loops nothing. Measured on
/// lua.s32x when every run instruction counted (host instructions,
/// lua-bench with a bench-small profile, whole callees): 64 → 14.31G,
/// 96 → 14.16G, 160 → 14.25G, 320 → 14.36G; past some size the inlined
/// code costs the caller's loops their registers. Since rare blocks do
/// not count, 96 → 160 with training profiles: Lisp 1255.6M → 1213.1M
/// (its `malloc` inlined where it conses), BASIC 1515.3M → 1503.1M, Lua,
/// Prolog, Forth and the bench programs unchanged (128: Lisp 1237.6M;
/// 128 counting rare blocks too: Lisp 1292.5M).
pub const MAX_HOT_CALLEE_INSNS: u64 = 160;

/// Largest callee inlined at a hot call site in all its instructions,
/// run or not: its cold code is still compiled once per caller.
/// Counting the run instructions only (up to [`MAX_HOT_CALLEE_INSNS`]),
/// Lisp's allocator (112 instructions, 86 run) is lowered inside the
/// callers that cons and the Prolog interpreter gets some of its own:
/// host instructions with their bench profiles, Prolog 1214M → 1170M,
/// Lisp 1273M → 1250M, BASIC 1510M → 1523M, Forth and Lua unchanged
/// (measured as 4 × the run bound of 96 then).
pub const MAX_HOT_CALLEE_WHOLE_INSNS: u64 = 384;

/// A call site is hot when the profile saw it run at least once per this
/// many executed guest instructions. A native call costs some 30 host
/// instructions more than an inlined one: at this rate they add up to
/// about 0.05% of the run.
pub const HOT_SITE_PERIOD: u64 = 20_000;

/// Largest function whose calls of itself are jumps inside it (see the
/// module documentation). In a large one the recursion's loop spans the
/// whole function, and its returns compare the link register with many
/// sites: Lua's pattern matcher (some 500 instructions, 7 recursive
/// sites) ran 22% more host instructions that way.
pub const MAX_RECURSIVE_INSNS: u64 = 128;

/// Most guest instructions inlined into one caller (all callees together):
/// bounds compile time and code size for callers with many sites.
pub const MAX_INLINED_PER_CALLER: u64 = 1024;

/// What one caller inlines.
#[derive(Clone, Debug, Default)]
pub struct Inlined {
    /// Call sites lowered as jumps: the JAL's PC → callee start.
    pub calls: BTreeMap<u32, u32>,
    /// Per inlined callee (its start): the return sites of its inlined
    /// calls, ascending.
    pub returns: BTreeMap<u32, Vec<u32>>,
    /// Blocks of the inlined callees and absorbed functions, ascending:
    /// lowered in the caller.
    pub blocks: Vec<u32>,
    /// Functions (their starts) whose blocks are all lowered here because
    /// this function's hot indirect jumps go there (see [`plan`]).
    pub absorbed: Vec<u32>,
    /// With absorbed functions: the indirect targets of this function and
    /// of those, ascending.
    pub targets: Vec<u32>,
}

impl Inlined {
    pub fn contains_block(&self, b: u32) -> bool {
        self.blocks.binary_search(&b).is_ok()
    }
}

/// Can function `fi` be inlined: small, leaves only by `jalr r0, lr, 0`
/// (or HALT, YIELD, a trap), never jumps outside itself but by calls, and
/// has no indirect jumps but returns?
pub fn inlinable(prog: &Program, code: &CodeImage, fi: usize) -> bool {
    inlinable_size(prog, code, fi).is_some_and(|n| n <= MAX_CALLEE_INSNS)
}

/// The size in guest instructions of function `fi` if its shape allows
/// inlining (see [`inlinable`]), whatever its size.
pub fn inlinable_size(prog: &Program, code: &CodeImage, fi: usize) -> Option<u64> {
    // (Its indirect targets, such as its own symbol, do not matter: only
    // its calls enter the inlined copy, and it has no indirect jumps.)
    let f = &prog.functions[fi];
    let own = |t: u32| prog.owns(fi, t);
    let mut returns = false;
    for s in &f.blocks {
        let b = prog.blocks[s];
        let ok = match b.term {
            Term::Fallthrough => own(b.end),
            Term::Branch { taken } => own(taken) && own(b.end),
            // Its calls stay native calls, their return sites its blocks.
            Term::Jump { target, link } => link || own(target),
            Term::Indirect { link: true } => true,
            Term::Indirect { link: false } => {
                let r = code.ends_in_return(&b);
                returns |= r;
                r
            }
            Term::Halt | Term::Trap | Term::Service => true,
        };
        if !ok {
            return None;
        }
    }
    returns.then(|| own_insns(prog, fi))
}

/// Guest instructions in function `fi`'s own blocks.
pub(crate) fn own_insns(prog: &Program, fi: usize) -> u64 {
    prog.functions[fi]
        .blocks
        .iter()
        .map(|s| ((prog.blocks[s].end - prog.blocks[s].start) / 4) as u64)
        .sum()
}

/// Guest instructions in function `fi`'s own blocks that the profile saw
/// run, but for those that ran rarely ([`Hints::is_rare`] against the
/// function's most run block): a lazy initialization run once is laid
/// out with the cold code and costs the caller's loops nothing either
/// (Lisp's `malloc`: 118 instructions on its usual path, 243 counting
/// the first call's).
fn run_insns(prog: &Program, h: &Hints, fi: usize) -> u64 {
    let f = &prog.functions[fi];
    let hottest = h.hottest(&f.blocks);
    f.blocks
        .iter()
        .filter(|&&s| !h.is_cold(s) && !h.is_rare(s, hottest))
        .map(|s| ((prog.blocks[s].end - prog.blocks[s].start) / 4) as u64)
        .sum()
}

/// Most guest instructions of other functions one function absorbs.
pub const MAX_ABSORBED_INSNS: u64 = 4096;

/// The functions function `gi` absorbs (lowers all the blocks of, with a
/// profile): when `gi` has a hot indirect jump (not a return), the
/// functions holding hot blocks the profile saw entered by jumps it
/// cannot attribute ([`Hints::unexplained`]: not function starts, which
/// indirect calls enter) or that `gi`'s sites jumped to, and that jump
/// (not call) back into `gi` from hot code. A threaded
/// interpreter's `NEXT` jumps to primitives that discovery puts in other
/// functions, and they jump back to it: absorbed, those jumps are jumps
/// between blocks of one Cranelift function, registers in host
/// registers, instead of tail calls that sync every register through
/// `CpuState` and search the callee's entries (hot-region formation
/// across function boundaries). Up to [`MAX_ABSORBED_INSNS`].
fn absorbed_functions(
    prog: &Program,
    code: &CodeImage,
    h: &Hints,
    gi: usize,
    hot: u64,
    callees: &[usize],
) -> Vec<usize> {
    let g = &prog.functions[gi];
    let sites: Vec<u32> = g
        .blocks
        .iter()
        .map(|s| prog.blocks[s])
        .filter(|b| matches!(b.term, Term::Indirect { link: false }) && !code.ends_in_return(b))
        .filter(|b| h.count(b.start) >= hot)
        .map(|b| b.end - 4)
        .collect();
    if sites.is_empty() {
        return Vec::new();
    }
    let mut wanted: Vec<u32> = h
        .unexplained
        .iter()
        .copied()
        .filter(|&t| prog.functions[prog.owner(t)].start != t)
        .collect();
    for pc in sites {
        wanted.extend(h.targets(pc).iter().map(|t| t.0));
    }
    let mut out: Vec<usize> = Vec::new();
    // Functions already decided (absorbed or not): a function holds many
    // targets, and the budget only shrinks.
    let mut decided: Vec<usize> = Vec::new();
    let mut budget = MAX_ABSORBED_INSNS;
    for t in wanted {
        if !prog.blocks.contains_key(&t) || h.count(t) < hot {
            continue;
        }
        let fi = prog.owner(t);
        if fi == gi || callees.contains(&fi) || decided.contains(&fi) {
            continue;
        }
        decided.push(fi);
        // Only a function that jumps back (a primitive's jump to `NEXT`):
        // targets entered from elsewhere would only make `gi` bigger.
        let jumps_back = prog.functions[fi].blocks.iter().any(|s| {
            let b = prog.blocks[s];
            !matches!(b.term, Term::Jump { link: true, .. })
                && h.count(b.start) >= hot
                && b.successors().iter().any(|&x| prog.owns(gi, x))
        });
        if !jumps_back {
            continue;
        }
        let size = own_insns(prog, fi);
        if size > budget {
            continue;
        }
        budget -= size;
        out.push(fi);
    }
    out
}

/// Chooses the inlined calls of every function and records them in
/// [`crate::discover::Function::inlined`].
pub fn plan(prog: &mut Program, code: &CodeImage, hints: Option<&Hints>) {
    let n = prog.functions.len();
    let sizes: Vec<Option<u64>> = (0..n).map(|fi| inlinable_size(prog, code, fi)).collect();
    let hot = hints.map_or(u64::MAX, |h| (h.total_insns / HOT_SITE_PERIOD).max(1));
    let starts: BTreeMap<u32, usize> = prog
        .functions
        .iter()
        .enumerate()
        .map(|(i, f)| (f.start, i))
        .collect();
    let mut plans = Vec::with_capacity(n);
    for (gi, g) in prog.functions.iter().enumerate() {
        let mut inl = Inlined::default();
        let mut budget = MAX_INLINED_PER_CALLER;
        let mut callees: Vec<usize> = Vec::new();
        for s in &g.blocks {
            let b = prog.blocks[s];
            let Term::Jump { target, link: true } = b.term else {
                continue;
            };
            let Some(&fi) = starts.get(&target) else {
                continue;
            };
            if fi == gi || hints.is_some_and(|h| h.is_cold(*s)) {
                continue;
            }
            // Hot sites look at what ran; the budget (compile time, code
            // size) at the whole callee.
            let fits = match (hints.filter(|h| h.count(*s) >= hot), sizes[fi]) {
                (Some(h), Some(n)) => {
                    n <= MAX_HOT_CALLEE_WHOLE_INSNS
                        && run_insns(prog, h, fi) <= MAX_HOT_CALLEE_INSNS
                }
                (None, Some(n)) => n <= MAX_CALLEE_INSNS,
                (_, None) => false,
            };
            let Some(size) = sizes[fi].filter(|_| fits) else {
                continue;
            };
            // The return site must be one of this function's blocks.
            if !prog.owns(gi, b.end) {
                continue;
            }
            if !callees.contains(&fi) {
                if size > budget {
                    continue;
                }
                budget -= size;
                callees.push(fi);
            }
            let call = b.end - 4;
            inl.calls.insert(call, target);
            inl.returns.entry(target).or_default().push(b.end);
        }
        for &fi in &callees {
            inl.blocks.extend(prog.functions[fi].blocks.iter().copied());
        }
        if let Some(h) = hints {
            let absorbed = absorbed_functions(prog, code, h, gi, hot, &callees);
            if !absorbed.is_empty() {
                inl.targets = g.indirect_targets.clone();
                for &fi in &absorbed {
                    let f = &prog.functions[fi];
                    inl.blocks.extend(f.blocks.iter().copied());
                    inl.targets.extend(f.indirect_targets.iter().copied());
                    inl.absorbed.push(f.start);
                }
                inl.targets.sort_unstable();
                inl.targets.dedup();
            }
        }
        inl.blocks.sort_unstable();
        // Calls of a function whose blocks are lowered here (this one,
        // recursively, or an inlined callee, from inside another inlined
        // callee) are jumps too: the return already compares the link
        // register with its sites here. Recursion then runs in one host
        // frame, its registers in variables.
        let mut here: Vec<u32> = callees.iter().map(|&fi| prog.functions[fi].start).collect();
        if own_insns(prog, gi) <= MAX_RECURSIVE_INSNS {
            here.push(g.start);
        }
        let lowered = |t: u32| prog.owns(gi, t) || inl.contains_block(t);
        let mut extra = Vec::new();
        for s in g.blocks.iter().chain(&inl.blocks) {
            let b = prog.blocks[s];
            let Term::Jump { target, link: true } = b.term else {
                continue;
            };
            let call = b.end - 4;
            if !here.contains(&target)
                || inl.calls.contains_key(&call)
                || hints.is_some_and(|h| h.is_cold(*s))
                || !lowered(b.end)
            {
                continue;
            }
            extra.push((call, target, b.end));
        }
        for (call, target, ret) in extra {
            inl.calls.insert(call, target);
            inl.returns.entry(target).or_default().push(ret);
        }
        for r in inl.returns.values_mut() {
            r.sort_unstable();
            r.dedup();
        }
        plans.push(inl);
    }
    for (f, inl) in prog.functions.iter_mut().zip(plans) {
        f.inlined = inl;
    }
}
