//! Whole-program backward register liveness over the discovered CFG, for
//! deciding where a guest routine's scratch registers are dead after a
//! call (so that a native replacement need not reproduce their values;
//! see [`crate::intrinsics`]).
//!
//! Conservative wherever control is not known:
//!
//! - HALT, YIELD/DEBUG, traps, indirect calls and indirect jumps that are
//!   not plain returns make every register live, but for a jump through a
//!   complete read-only table ([`crate::jumptable`]), whose successors are
//!   its entries;
//! - a direct call makes live what the callee may read before writing
//!   (its upward-exposed uses, computed interprocedurally with returns
//!   reading nothing) plus what is live at the return site and not
//!   written by the callee on every path to its returns (must-write
//!   summaries, [`must_defs`]);
//! - a return (`jalr r0, lr, 0`) in function F is live with the union of
//!   what is live at the return sites it may reach: those of the direct
//!   calls of F, of the calls inside F (lr may still hold one), and,
//!   through tail jumps and cross-function branches from another
//!   function, that function's. Code that may be entered indirectly (its
//!   address is in data, built by LUI/ADDI/ORI, or seen by a profile) may
//!   also return to every indirect call's return site, and to wherever a
//!   function with an indirect jump returns. The entry function returns
//!   with every register live.
//!
//! The analysis assumes that code addresses come only from those sources
//! (as discovery does: a target computed by other arithmetic is not
//! discovered either) and that lr holds a return address at a return (set
//! by a call, possibly saved and restored).

use crate::discover::{CodeImage, Program, Term};
use crate::lower::inst_regs;
use std::collections::HashMap;

/// Every register but r0.
pub const ALL: u32 = !1;

/// Live registers at the start of every discovered block.
#[derive(Debug, Default)]
pub struct Liveness {
    pub live_in: HashMap<u32, u32>,
    /// Upward-exposed uses of each function, by start address.
    pub uses: HashMap<u32, u32>,
    /// The end of the code region: see [`outside_code`].
    pub code_limit: u32,
}

impl Liveness {
    /// Registers live at guest address `pc` (a block start; anything else
    /// is treated as all live, but addresses outside the code region,
    /// where nothing is live: see [`outside_code`]).
    pub fn at(&self, pc: u32) -> u32 {
        lookup(&self.live_in, pc, self.code_limit)
    }
}

/// What `live` says is live at `pc`; for an address it does not know (no
/// discovered block), nothing outside the code region (see
/// [`outside_code`]), else everything.
fn lookup(live: &HashMap<u32, u32>, pc: u32, code_limit: u32) -> u32 {
    match live.get(&pc) {
        Some(&l) => l,
        None if outside_code(pc, code_limit) => 0,
        None => ALL,
    }
}

/// Execution can only fetch below `code_limit` (whatever the W^X flag
/// says, nothing else is executable): control that reaches an address at
/// or above it traps at once, before reading any register, and a trap
/// leaves registers unobserved. Such targets are common: a `switch`
/// masked to a power of two (`andi r, r, 127`) whose table is shorter
/// (Lua's 83 opcodes in 128 slots) reads its last slots from the strings
/// after it; counted as unknown code, they made every register live at
/// every dispatch.
pub fn outside_code(pc: u32, code_limit: u32) -> bool {
    pc >= code_limit
}

/// How a block's end passes liveness on.
#[derive(Clone, Debug)]
enum Out {
    /// Union of these blocks' live-in (all live if one is not a block).
    Succ(Vec<u32>),
    /// A direct call of the function starting at `callee`, returning to
    /// `ret`.
    Call { callee: u32, ret: u32 },
    /// A return from the function with this index.
    Return(usize),
    /// Everything live.
    All,
}

struct BlockFacts {
    start: u32,
    /// Registers read before written in the block, and written in it.
    used: u32,
    defs: u32,
    out: Out,
}

fn facts(prog: &Program, code: &CodeImage) -> Vec<BlockFacts> {
    let mut v = Vec::with_capacity(prog.blocks.len());
    for b in prog.blocks.values() {
        let (mut used, mut defs) = (0u32, 0u32);
        let mut pc = b.start;
        while pc < b.end {
            if let Some(i) = code.inst(pc) {
                let (r, w) = inst_regs(&i);
                used |= r & !defs;
                defs |= w;
            }
            pc += 4;
        }
        let out = match b.term {
            Term::Fallthrough => Out::Succ(vec![b.end]),
            Term::Branch { taken } => Out::Succ(vec![taken, b.end]),
            Term::Jump {
                target,
                link: false,
            } => Out::Succ(vec![target]),
            Term::Jump { target, link: true } => {
                if prog.blocks.contains_key(&target) && prog.blocks.contains_key(&b.end) {
                    Out::Call {
                        callee: target,
                        ret: b.end,
                    }
                } else {
                    Out::All
                }
            }
            Term::Indirect { link: false } if code.ends_in_return(b) => {
                Out::Return(prog.owner(b.start))
            }
            Term::Indirect { link: false } => {
                match crate::jumptable::recognize(code, b.start, b.end - 4).filter(|t| t.complete())
                {
                    Some(tj) => {
                        let mut ts = tj.targets;
                        ts.sort_unstable();
                        ts.dedup();
                        Out::Succ(ts)
                    }
                    None => Out::All,
                }
            }
            Term::Indirect { .. } | Term::Halt | Term::Service | Term::Trap => Out::All,
        };
        v.push(BlockFacts {
            start: b.start,
            used: used & ALL,
            defs,
            out,
        });
    }
    v
}

/// Return contexts: for each function, the return sites its returns may
/// reach, or `None` for "anywhere" (all live).
/// Sets of return sites as bitsets over an index of all return sites.
struct SiteSets {
    sites: Vec<u32>,
    /// Per function (and one virtual node): the sites, or `None` for
    /// "anywhere".
    sets: Vec<Option<Vec<u64>>>,
}

fn return_contexts(prog: &Program, code: &CodeImage) -> SiteSets {
    let n = prog.functions.len();
    let sites: Vec<u32> = prog
        .blocks
        .values()
        .filter(|b| {
            matches!(
                b.term,
                Term::Jump { link: true, .. } | Term::Indirect { link: true }
            )
        })
        .map(|b| b.end)
        .collect();
    let index: HashMap<u32, usize> = sites.iter().enumerate().map(|(i, &a)| (a, i)).collect();
    let words = sites.len().div_ceil(64);
    // Node n is virtual: "entered indirectly", which returns to every
    // indirect call's return site and to wherever a function holding an
    // indirect jump returns; every function with address-taken code gets
    // its contexts.
    let mut ctx: Vec<Option<Vec<u64>>> = vec![Some(vec![0u64; words]); n + 1];
    if n == 0 {
        return SiteSets { sites, sets: ctx };
    }
    let virt = n;
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n + 1];
    let add_site = |ctx: &mut Vec<Option<Vec<u64>>>, f: usize, site: u32| {
        if prog.blocks.contains_key(&site) {
            if let Some(s) = ctx[f].as_mut() {
                let i = index[&site];
                s[i / 64] |= 1 << (i % 64);
            }
        } else {
            ctx[f] = None;
        }
    };
    for b in prog.blocks.values() {
        let o = prog.owner(b.start);
        match b.term {
            Term::Jump { target, link: true } => {
                if prog.blocks.contains_key(&target) {
                    add_site(&mut ctx, prog.owner(target), b.end);
                }
                // lr holds this return site until the function restores it.
                add_site(&mut ctx, o, b.end);
            }
            Term::Indirect { link: true } => {
                add_site(&mut ctx, virt, b.end);
                add_site(&mut ctx, o, b.end);
            }
            Term::Indirect { link: false } => {
                if !code.ends_in_return(b) {
                    succs[o].push(virt);
                }
            }
            _ => {
                for s in b.successors() {
                    if prog.blocks.contains_key(&s) {
                        let so = prog.owner(s);
                        if so != o {
                            succs[o].push(so);
                        }
                    }
                }
            }
        }
    }
    for &a in &prog.address_taken {
        if prog.blocks.contains_key(&a) {
            succs[virt].push(prog.owner(a));
        }
    }
    // The entry function returns to wherever lr = 0 leads.
    if prog.blocks.contains_key(&code.entry) {
        ctx[prog.owner(code.entry)] = None;
    }
    for v in succs.iter_mut() {
        v.sort_unstable();
        v.dedup();
    }
    // Propagate along the edges (a worklist of changed functions).
    let mut work: Vec<usize> = (0..=n).collect();
    let mut queued = vec![true; n + 1];
    while let Some(f) = work.pop() {
        queued[f] = false;
        let from = ctx[f].clone();
        for &t in &succs[f] {
            if t == f {
                continue;
            }
            let changed = match (&from, &mut ctx[t]) {
                (_, None) => false,
                (None, t) => {
                    *t = None;
                    true
                }
                (Some(a), Some(set)) => {
                    let mut c = false;
                    for (x, &y) in set.iter_mut().zip(a) {
                        c |= *x | y != *x;
                        *x |= y;
                    }
                    c
                }
            };
            if changed && !queued[t] {
                queued[t] = true;
                work.push(t);
            }
        }
    }
    ctx.truncate(n);
    SiteSets { sites, sets: ctx }
}

/// Registers every function surely writes on every path from its start
/// to a return (its own, or one of a function it tail-jumps to), by
/// function start: a register live after a call but surely written by
/// the callee is not live before the call. Paths that leave through an
/// unknown indirect jump count as returning with what they wrote so far;
/// paths that end in HALT or a trap never return.
fn must_defs(prog: &Program, facts: &[BlockFacts]) -> HashMap<u32, u32> {
    let index: HashMap<u32, usize> = facts
        .iter()
        .enumerate()
        .map(|(i, f)| (f.start, i))
        .collect();
    let mut md: HashMap<u32, u32> = prog.functions.iter().map(|f| (f.start, ALL)).collect();
    loop {
        let mut changed = false;
        for (fi, func) in prog.functions.iter().enumerate() {
            let mut inn: HashMap<u32, u32> = HashMap::new();
            inn.insert(func.start, 0);
            let mut work = vec![func.start];
            let mut result = ALL;
            while let Some(b) = work.pop() {
                let Some(&k) = index.get(&b) else { continue };
                let f = &facts[k];
                let out = inn[&b] | f.defs;
                let mut flow = |t: u32, v: u32, result: &mut u32, work: &mut Vec<u32>| {
                    if !prog.blocks.contains_key(&t) {
                        *result &= v;
                        return;
                    }
                    let to = prog.owner(t);
                    if to != fi {
                        let callee = if prog.functions[to].start == t {
                            md.get(&t).copied().unwrap_or(0)
                        } else {
                            0
                        };
                        *result &= v | callee;
                        return;
                    }
                    // Not yet reached: no constraint so far.
                    let n = inn.get(&t).map_or(v, |&e| e & v);
                    if inn.get(&t) != Some(&n) {
                        inn.insert(t, n);
                        work.push(t);
                    }
                };
                match &f.out {
                    Out::Succ(v) => {
                        for &t in v {
                            flow(t, out, &mut result, &mut work);
                        }
                    }
                    Out::Call { callee, ret } => {
                        let c = md.get(callee).copied().unwrap_or(0);
                        flow(*ret, out | c, &mut result, &mut work);
                    }
                    Out::Return(_) => result &= out,
                    Out::All => {
                        let blk = prog.blocks[&b];
                        match blk.term {
                            Term::Halt | Term::Trap => {}
                            Term::Service => flow(blk.end, out, &mut result, &mut work),
                            Term::Indirect { link: true } => {
                                flow(blk.end, out, &mut result, &mut work)
                            }
                            _ => result &= out,
                        }
                    }
                }
            }
            let e = md.get_mut(&func.start).expect("every function");
            if *e & result != *e {
                *e &= result;
                changed = true;
            }
        }
        if !changed {
            return md;
        }
    }
}

/// One backward fixpoint. `ret_live(f, live_in)` gives what a return in
/// function `f` makes live; `uses` the callees' upward-exposed uses.
fn solve(
    prog: &Program,
    code_limit: u32,
    facts: &[BlockFacts],
    uses: &HashMap<u32, u32>,
    md: &HashMap<u32, u32>,
    ret_live: impl Fn(usize, &HashMap<u32, u32>) -> u32,
) -> HashMap<u32, u32> {
    let mut live: HashMap<u32, u32> = facts.iter().map(|f| (f.start, 0)).collect();
    loop {
        let mut changed = false;
        // What each function's returns make live, from the last sweep (a
        // sweep that changes nothing used the final values).
        let rets: Vec<u32> = (0..prog.functions.len())
            .map(|fi| ret_live(fi, &live))
            .collect();
        for f in facts.iter().rev() {
            let get = |a: u32, live: &HashMap<u32, u32>| lookup(live, a, code_limit);
            let out = match &f.out {
                Out::Succ(v) => v.iter().fold(0, |m, &s| m | get(s, &live)),
                Out::Call { callee, ret } => {
                    let kill = md.get(callee).copied().unwrap_or(0);
                    uses.get(callee).copied().unwrap_or(ALL) | (get(*ret, &live) & !kill)
                }
                Out::Return(fi) => rets[*fi],
                Out::All => ALL,
            };
            let new = (f.used | (out & !f.defs)) & ALL;
            let old = live.insert(f.start, new).unwrap_or(0);
            if old | new != old {
                changed = true;
                live.insert(f.start, old | new);
            }
        }
        if !changed {
            return live;
        }
    }
}

/// Computes the liveness of every block of `prog`.
pub fn analyze(prog: &Program, code: &CodeImage) -> Liveness {
    let facts = facts(prog, code);
    let md = must_defs(prog, &facts);
    // Upward-exposed uses: returns read nothing; iterate with the callees'
    // current estimates until they settle (recursion).
    let mut uses: HashMap<u32, u32> = prog.functions.iter().map(|f| (f.start, 0)).collect();
    loop {
        let rel = solve(prog, code.code_limit, &facts, &uses, &md, |_, _| 0);
        let mut changed = false;
        for f in &prog.functions {
            let u = rel.get(&f.start).copied().unwrap_or(ALL);
            let e = uses.entry(f.start).or_insert(0);
            if *e | u != *e {
                *e |= u;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let ctx = return_contexts(prog, code);
    let live_in = solve(
        prog,
        code.code_limit,
        &facts,
        &uses,
        &md,
        |fi, live| match &ctx.sets[fi] {
            None => ALL,
            Some(bits) => {
                let mut m = 0;
                for (w, &word) in bits.iter().enumerate() {
                    let mut x = word;
                    while x != 0 {
                        let i = w * 64 + x.trailing_zeros() as usize;
                        x &= x - 1;
                        m |= lookup(live, ctx.sites[i], code.code_limit);
                    }
                }
                m
            }
        },
    );
    Liveness {
        live_in,
        uses,
        code_limit: code.code_limit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::{discover, DiscoverOptions};

    fn run(src: &str) -> (Liveness, fast32_isa::s32x::Image) {
        let image = fast32_asm::assemble(src, "t.s").expect("assembles");
        let code = CodeImage::from_image(&image);
        let p = discover(&code, &DiscoverOptions::default());
        (analyze(&p, &code), image)
    }

    /// r5 is read after the second call's return site only; the return
    /// of `f` therefore makes r5 live, and so the first return site too.
    #[test]
    fn returns_see_every_callers_return_site() {
        let src = "
        .text
        _start:
            jal r31, main
            halt
        main:
            mv r20, r31
            jal r31, f
        r1site:
            li r5, 0
            jal r31, f
        r2site:
            add r1, r5, r0
            jalr r0, r20, 0
        f:
            li r6, 1
            jalr r0, r31, 0
        ";
        let (l, img) = run(src);
        let at = |n: &str| l.at(img.symbol_by_name(n).unwrap().value);
        assert_eq!(at("r1site") & (1 << 6), 0, "r6 is written before read");
        assert_ne!(at("r2site") & (1 << 5), 0);
        // f's return reaches r2site (r5 live) as well as r1site, where r5
        // is overwritten; at f's start r5 is live through its return.
        assert_ne!(at("f") & (1 << 5), 0);
        assert_eq!(at("r1site") & (1 << 5), 0);
        // main returns through r20: an unknown target, all live (but the
        // rv its block writes).
        assert_eq!(at("r2site"), ALL & !2);
    }

    /// Code whose address is in data returns like the function holding
    /// it; an upward-exposed use of a callee is live before the call.
    #[test]
    fn address_taken_and_callee_uses() {
        let src = "
        .text
        _start:
            li r7, 3
            jal r31, g
        after:
            li r1, 0
            halt
        g:
            add r8, r7, r0
            jalr r0, r31, 0
        h:
            jalr r0, r31, 0
        .rodata
            .word h
        ";
        let (l, img) = run(src);
        let at = |n: &str| l.at(img.symbol_by_name(n).unwrap().value);
        // No call starts a function at h: it is part of g, whose return
        // site runs into HALT.
        assert_eq!(at("h"), ALL & !2);
        assert_ne!(at("g") & (1 << 7), 0);
        assert_ne!(
            l.uses[&img.symbol_by_name("g").unwrap().value] & (1 << 7),
            0
        );
        assert_eq!(at("after"), ALL & !2, "HALT reads everything");
    }

    /// A two-slot jump table (`andi` with 1) at `dispatch`, its index in
    /// r9; the test adds the entries and the `table` in rodata.
    const MASKED_DISPATCH: &str = "
        .text
        _start:
            li r9, 1
        dispatch:
            andi r5, r9, 1
            slli r5, r5, 2
            la r6, table
            add r5, r5, r6
            ldw r5, r5+0
            jalr r0, r5, 0
    ";

    /// A jump through a complete read-only table has its entries as
    /// successors: what every entry overwrites first (the table's own
    /// registers) is dead before it, what one entry reads is live. A
    /// table that is not complete keeps everything live.
    #[test]
    fn complete_table_jumps_have_their_entries_as_successors() {
        let src = format!(
            "{MASKED_DISPATCH}
        a:
            li r5, 0
            li r6, 0
            add r1, r7, r0
            halt
        b:
            li r5, 0
            li r6, 0
            li r7, 0
            halt
        .rodata
        table:
            .word a
            .word b
        "
        );
        let (l, img) = run(&src);
        let at = |n: &str| l.at(img.symbol_by_name(n).unwrap().value);
        assert_eq!(at("dispatch") & (1 << 6), 0, "the table base: dead");
        assert_ne!(at("dispatch") & (1 << 7), 0, "read by entry a");
        assert_ne!(at("dispatch") & (1 << 9), 0, "the index");
        let open = src.replace("andi r5, r9, 1", "mv r5, r9");
        let (l, img) = run(&open);
        // Everything but what the block writes before reading.
        let at = l.at(img.symbol_by_name("dispatch").unwrap().value);
        assert_eq!(at, ALL & !(1 << 5) & !(1 << 6));
    }

    /// A masked table whose last slot holds a value past the code region
    /// (the words after a shorter table): reaching it traps at once, so
    /// it reads nothing, where an unknown address inside the code region
    /// would make everything live.
    #[test]
    fn table_slots_past_the_code_read_nothing() {
        let src = format!(
            "{MASKED_DISPATCH}
        a:
            li r8, 0
            add r1, r7, r0
            halt
        .rodata
        table:
            .word a
            .word 0x00F00000
        "
        );
        let (l, img) = run(&src);
        let at = l.at(img.symbol_by_name("dispatch").unwrap().value);
        assert_ne!(at & (1 << 7), 0, "read by entry a");
        assert_eq!(at & (1 << 8), 0, "written by entry a, read by no entry");
        assert_eq!(l.at(0x00F0_0000), 0);
        let inside = src.replace(".word 0x00F00000", ".word 8");
        let (l, img) = run(&inside);
        let at = l.at(img.symbol_by_name("dispatch").unwrap().value);
        assert_ne!(at & (1 << 8), 0, "an unknown address in the code: all live");
    }
}
