//! Register dataflow inside one guest function, so that compiled code
//! moves only the guest registers it must between Cranelift variables and
//! `CpuState`:
//!
//! - *dirty* (forward, may): registers whose variable may differ from
//!   `CpuState` (defined since the last sync). Exits and calls store only
//!   these; after a call nothing is dirty.
//! - *live* (backward, may): registers whose current value may still be
//!   read, by guest code or by such a store. An entry loads, and a return
//!   site reloads after its call, only what is live there.
//!
//! With the native ABI's register passing ([`crate::lower::Abi`]): a
//! return (any exit) passes the returned registers in values, so they are
//! live there; a call passes the argument registers, so they are live
//! before it; after a call the returned registers that are not arguments
//! are dirty (`CpuState` has not seen the callee's values). Argument
//! registers are never stored at calls nor returned registers at exits,
//! whatever their dirty bit says.
//!
//! Registers of f64-resident pairs (`paired`, see [`crate::lower`]) live
//! in one 64-bit variable per pair: writing one half inserts it into the
//! pair's value (a read of the other half), and storing a dirty half
//! stores the whole pair (a read of both halves).
//!
//! Both work on the function's local CFG: the edges that lowering turns
//! into Cranelift jumps. Faulting loads and stores are not exits in this
//! sense: after a trap, registers in `CpuState` may be stale.

use crate::discover::{Block, CodeImage, Program, Term};
use crate::lower::inst_regs;
use fast32_isa::Opcode;
use std::collections::HashMap;

/// Per block of one function: dirty and live registers at its start.
#[derive(Debug, Default)]
pub struct RegFlow {
    pub dirty_in: HashMap<u32, u32>,
    pub live_in: HashMap<u32, u32>,
    /// Registers possibly dirty at any indirect jump of the function (they
    /// all share one dispatch block, whose miss path stores these).
    pub indirect_dirty: u32,
}

/// Where control goes at the end of a block, for the analysis.
enum Succ {
    /// A local block: values flow in variables.
    Local(u32),
    /// Anything else (exit, cross-function jump, indirect miss): the dirty
    /// registers are stored, and these are read as well (passed as
    /// arguments of a tail call or returned).
    Exit(u32),
}

struct Info {
    /// Local successors and exits, after the terminator.
    succs: Vec<Succ>,
    /// A linking call: the return site's registers are reloaded.
    call_ret: Option<u32>,
    /// The call is replaced by a native routine ([`crate::intrinsics`]):
    /// if the routine does the work, execution goes on at the return site
    /// with registers in variables (nothing stored, nothing reloaded);
    /// else the call happens.
    intrinsic: bool,
    /// Ends in an indirect jump through the shared dispatch block.
    indirect: bool,
    /// (reads, writes, exits here) per instruction, terminator included.
    insts: Vec<(u32, u32, bool)>,
}

/// The other halves of the f64-resident pair registers in `m` (`paired`:
/// both halves of every such pair).
fn partners(m: u32, paired: u32) -> u32 {
    let m = m & paired;
    ((m & 0x5555_5555) << 1) | ((m & 0xAAAA_AAAA) >> 1)
}

fn block_info(
    prog: &Program,
    code: &CodeImage,
    fidx: usize,
    b: &Block,
    (args, rets): (u32, u32),
    paired: u32,
    intrinsic_site: &dyn Fn(u32) -> bool,
) -> Info {
    let local = |t: u32| prog.is_local(fidx, t);
    let inlined = &prog.functions[fidx].inlined;
    let succ = |t: u32| {
        if local(t) {
            Succ::Local(t)
        } else if prog.blocks.contains_key(&t) {
            Succ::Exit(args) // a tail call
        } else {
            Succ::Exit(0) // to the dispatcher, through `CpuState`
        }
    };
    let mut insts = Vec::new();
    let mut pc = b.start;
    while pc < b.end {
        let i = code.inst(pc).expect("valid");
        let (r, w) = inst_regs(&i);
        // A half written alone is inserted into its pair's value.
        let r = r | (partners(w, paired) & !w);
        insts.push((r, w, i.op == Opcode::AssertEq));
        pc += 4;
    }
    let mut call_ret = None;
    let mut intrinsic = false;
    // A return (`jalr r0, lr, 0`) leaves the function: lowering never
    // looks it up among the function's indirect targets.
    let is_return = code.ends_in_return(b);
    let indirect = matches!(b.term, Term::Indirect { link: false })
        && !is_return
        && !prog.functions[fidx].lowered_indirect_targets().is_empty();
    let succs = match b.term {
        Term::Fallthrough => vec![succ(b.end)],
        Term::Branch { taken } => vec![succ(taken), succ(b.end)],
        Term::Jump { target, link } => {
            if link && inlined.calls.contains_key(&(b.end - 4)) {
                // Into the function's copy of the callee.
                vec![Succ::Local(target)]
            } else if link {
                call_ret = Some(b.end);
                intrinsic = intrinsic_site(b.end - 4);
                // The call itself stores the dirty registers; a callee that
                // is not compiled is an exit.
                vec![Succ::Exit(0)]
            } else {
                vec![succ(target)]
            }
        }
        Term::Indirect { link } => {
            if link {
                call_ret = Some(b.end);
                vec![Succ::Exit(0)]
            } else if is_return {
                // An inlined callee's return goes to its return sites in
                // this function, or leaves.
                let mut v: Vec<Succ> = prog
                    .inlined_return_sites(fidx, b.start)
                    .unwrap_or(&[])
                    .iter()
                    .map(|&t| Succ::Local(t))
                    .collect();
                v.push(Succ::Exit(rets));
                v
            } else {
                let mut v: Vec<Succ> = prog.functions[fidx]
                    .lowered_indirect_targets()
                    .iter()
                    .map(|&t| Succ::Local(t))
                    .collect();
                // A miss (or a return) passes the returned registers.
                v.push(Succ::Exit(rets));
                v
            }
        }
        Term::Halt | Term::Service | Term::Trap => vec![Succ::Exit(0)],
    };
    Info {
        succs,
        call_ret,
        intrinsic,
        indirect,
        insts,
    }
}

/// Computes dirty and live sets for every block of function `fidx`.
///
/// `args` and `rets`: the registers passed as call arguments and return
/// values ([`crate::lower::Abi::arg_mask`], [`crate::lower::Abi::ret_mask`]);
/// `paired`: both halves of every f64-resident pair; `intrinsic_site`:
/// is the call at this PC replaced by a native routine?
pub fn analyze(
    prog: &Program,
    code: &CodeImage,
    fidx: usize,
    (args, rets): (u32, u32),
    paired: u32,
    intrinsic_site: &dyn Fn(u32) -> bool,
) -> RegFlow {
    // A dirty half is stored with its partner.
    let widen = |d: u32| d | partners(d, paired);
    let f = &prog.functions[fidx];
    let infos: Vec<(u32, Info)> = f
        .lowered_blocks()
        .map(|s| {
            (
                s,
                block_info(
                    prog,
                    code,
                    fidx,
                    &prog.blocks[&s],
                    (args, rets),
                    paired,
                    intrinsic_site,
                ),
            )
        })
        .collect();
    let mut flow = RegFlow::default();
    for &(s, _) in &infos {
        flow.dirty_in.insert(s, 0);
        flow.live_in.insert(s, 0);
    }
    // Dirty: forward to a fixpoint.
    let mut changed = true;
    while changed {
        changed = false;
        for (s, info) in &infos {
            let mut d = flow.dirty_in[s];
            for &(_, w, _) in &info.insts {
                d |= w;
            }
            if let Some(ret) = info.call_ret {
                // After the call only the returned registers that are not
                // arguments are dirty (and after a native routine that did
                // the work, those dirty before it and rv).
                if let Some(e) = flow.dirty_in.get_mut(&ret) {
                    let d = (rets & !args) | if info.intrinsic { d | 1 << 1 } else { 0 };
                    if *e | d != *e {
                        *e |= d;
                        changed = true;
                    }
                }
                continue;
            }
            if info.indirect {
                flow.indirect_dirty |= d;
            }
            for succ in &info.succs {
                if let Succ::Local(t) = succ {
                    let e = flow.dirty_in.get_mut(t).expect("local block");
                    if *e | d != *e {
                        *e |= d;
                        changed = true;
                    }
                }
            }
        }
    }
    // Indirect-jump targets are entered with everything dirty at any
    // indirect jump (the shared dispatch block merges them).
    for &t in f.lowered_indirect_targets() {
        if let Some(e) = flow.dirty_in.get_mut(&t) {
            *e |= flow.indirect_dirty;
        }
    }
    // Live: backward to a fixpoint.
    let mut changed = true;
    while changed {
        changed = false;
        for (s, info) in infos.iter().rev() {
            // Dirty set before each instruction.
            let mut dirty_before = Vec::with_capacity(info.insts.len());
            let mut d = flow.dirty_in[s];
            for &(_, w, _) in &info.insts {
                dirty_before.push(d);
                d |= w;
            }
            let n = info.insts.len();
            let mut live = 0u32;
            if info.call_ret.is_none() {
                for succ in &info.succs {
                    live |= match succ {
                        Succ::Local(t) => flow.live_in[t],
                        Succ::Exit(extra) => widen(d) | extra,
                    };
                }
                if info.indirect {
                    live |= widen(flow.indirect_dirty);
                }
            }
            for k in (0..n).rev() {
                let (r, w, exits) = info.insts[k];
                let is_term = k + 1 == n && control_term(prog.blocks[s].term);
                if let (true, Some(ret)) = (is_term, info.call_ret) {
                    // The call stores the registers dirty before it and
                    // passes the arguments (the link register gets a
                    // constant), and reloads after. A native routine in its
                    // place reads a0..a2, and if it does the work the
                    // return site's registers stay in their variables.
                    live = r | widen(dirty_before[k]) | (args & !w);
                    if info.intrinsic {
                        let after = flow.live_in.get(&ret).copied().unwrap_or(0);
                        live |= INTRINSIC_ARGS | (after & !w);
                    }
                    continue;
                }
                live = (live & !w) | r;
                if exits {
                    live |= widen(dirty_before[k]);
                }
            }
            live &= !1;
            let e = flow.live_in.get_mut(s).expect("block");
            if *e | live != *e {
                *e |= live;
                changed = true;
            }
        }
    }
    flow
}

/// a0..a2: what a native routine replacing a call reads.
const INTRINSIC_ARGS: u32 = 0b111 << 3;

/// Does a block with this terminator end in a control instruction?
fn control_term(t: Term) -> bool {
    !matches!(t, Term::Fallthrough | Term::Trap)
}
