//! Lowering guest functions to Cranelift IR, independent of the driver
//! (the in-memory [`crate::jit_driver`] and, next, an object-file driver
//! use the same code through [`cranelift_module::Module`]).
//!
//! # The native ABI
//!
//! Every guest function becomes one native function with Cranelift's
//! `tail` calling convention:
//!
//! ```text
//! fn(entry_pc: u32, args: [u64; A]) -> (u64, [u64; R])
//! ```
//!
//! - The `CpuState` pointer is never passed: executables have it at a
//!   fixed address ([`Decls::fixed_state`]); in memory it is in
//!   Cranelift's pinned register (r15), set by the adapter.
//! - `entry_pc` says where to start: one of the function's entries
//!   ([`crate::discover::Function::entries`]); the function start is
//!   tested first, then a switch jumps to the entry's block.
//! - `args` are the guest registers of [`Abi::args`] (stack pointer, link
//!   register, first arguments), passed in host registers; the returned
//!   `[u64; R]` are those of [`Abi::rets`] (the same plus the return
//!   value). Every other guest register is in `CpuState` at a call and at
//!   a return; inside a function registers live in Cranelift variables
//!   (see [`crate::regflow`] for which are stored and loaded where).
//!   Passed registers and variables hold a guest register zero-extended
//!   to 64 bits, so that it can be added to the memory base as it is.
//! - The result word is `reason << 32 | pc`: `reason` an [`ExitReason`]
//!   (0 = `None`: "continue at `pc`"), `pc` the next guest PC. A plain
//!   guest return (JALR to a place this function does not know) is `None`
//!   with the target; the caller compares it with its own return address.
//! - In executables guest memory is at a fixed host address
//!   ([`Decls::fixed_mem_base`]), a displacement in every access; in
//!   memory the base is read from `CpuState` (again after each guest call,
//!   rather than held in a callee-saved register). The host stack limit is
//!   read from `CpuState`. Before every native call the function compares the host
//!   stack pointer with the limit; below it, it returns to the dispatcher
//!   (with the call's target as pc) instead of growing the host stack, so
//!   deep guest recursion costs dispatcher round trips, never a crash.
//! - The dispatcher enters through an adapter ([`define_adapter`], the
//!   platform's C convention) that moves the passed registers between
//!   `CpuState` and the call, so outside compiled code `CpuState` is
//!   complete.
//!
//! Calls (JAL with a link) of a function whose blocks this one lowers
//! (itself, or a callee inlined here: see [`crate::inline`]) are jumps.
//! Other calls (JAL with a link) to a known function are native calls followed
//! by a return-address check: if the callee's result is `None` with
//! `pc + 4`, execution continues at the return site; anything else is
//! passed up to the dispatcher unchanged. Jumps between functions are
//! native tail calls (`return_call`): the callee's result is the
//! caller's. Indirect jumps
//! try a switch over the function's known indirect targets, then return
//! the target; indirect calls look the target up in the entry table
//! (`fast32_aot_entries`: one host pointer per code word, 0 where no entry)
//! and call it, or return to the dispatcher.
//!
//! Guest memory accesses are plain loads and stores at `mem_base +
//! zext(addr)` that may fault; every instruction carries its guest PC as
//! source location, and [`FaultSite`]s (host offset → guest PC, access kind
//! and size) are collected from the compiled code for the fault handler.

use crate::discover::{CodeImage, Program, Term};
use crate::intrinsics::Val;
use crate::pgo::{ColdPolicy, Explain, Hints};
use cranelift_codegen::entity::EntityRef;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    types, AbiParam, Block, BlockArg, FuncRef, GlobalValue, InstBuilder, MemFlagsData, SigRef,
    Signature, SourceLoc, StackSlot, StackSlotData, StackSlotKind, UserFuncName, Value,
};
use cranelift_codegen::isa::CallConv;
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Switch, Variable};
use cranelift_module::{DataDescription, DataId, FuncId, Linkage, Module, ModuleError};

/// Bytes of a `strlen` or `strcmp` scan done inline before the call
/// ([`FnLower::inline_scan`]), in 16-byte vectors.
const INLINE_SCAN: usize = 64;

/// Largest `memcpy`, `memmove` or `memset` done inline
/// ([`FnLower::inline_small_mem`]).
const INLINE_MEM: usize = 64;

/// A copy of a callee's entry block and of the block that returns from
/// it, entered from one call site only ([`FnLower::peel`]).
struct Peel {
    /// (guest block, its copy), the entry first.
    blocks: Vec<(u32, Block)>,
    /// The return site of that call.
    lr: u32,
}

/// Most call sites of a function given copies of their callee's leaf
/// return ([`FnLower::peel`]): bounds code growth.
const MAX_PEELS: usize = 64;

/// Largest block copied by [`FnLower::peel`], in guest instructions.
const MAX_PEEL_INSNS: u32 = 8;

/// Which case of a routine's register model ([`crate::intrinsics::Val`]
/// pairs) holds after a replaced call: is its split argument zero?
#[derive(Clone, Copy, Debug)]
enum ZeroCase {
    Known(bool),
    /// The argument is zero (a `b1` value).
    Test(Value),
}

/// Module errors are large; keep them boxed.
pub type ModuleResult<T> = Result<T, Box<ModuleError>>;
use fast32_aot_runtime::intrinsics::{DivZero, IntrinsicOp};
use fast32_isa::{semantics as sem, Format, Inst, Opcode};
use fast32_runtime::state::{offsets, ExitReason};
use fast32_runtime::TrapKind;
use std::collections::{HashMap, HashSet};

pub use fast32_aot_runtime::{fast32_aot_fp, FaultSite, FP_HELPER};
/// Name of the adapter function ([`define_adapter`]).
pub const ADAPTER: &str = "fast32_aot_adapter";
/// Name of the FP helper's register-preserving trampoline
/// ([`define_adapter`]).
pub const FP_TRAMPOLINE: &str = "fast32_aot_fp_preserving";
/// Name of the entry table data object.
pub const ENTRY_TABLE: &str = "fast32_aot_entries";
/// Name of the interrupt slot (interruptible code only): a word the
/// dispatcher sets to the address of the machine's interrupt flag.
pub const INTERRUPT_SLOT: &str = "fast32_aot_interrupt_slot";

/// Guest registers that cross native calls in host registers instead of
/// `CpuState` (see the module documentation).
///
/// `args` travel as call arguments and `rets` as return values; `args` is
/// a prefix of `rets`, so a register passed in is also passed back. The
/// choice is fixed, from the SLOW-32 calling convention: the stack
/// pointer and link register (used by every non-leaf function), the
/// first arguments, the return value and the first callee-saved
/// registers (which callees restore just before returning). Cranelift's
/// `tail` convention has 6 argument and 8 return registers on x86-64;
/// `state` and `entry_pc` take two of the arguments, the result word one
/// of the returns.
#[derive(Clone, Debug)]
pub struct Abi {
    pub args: Vec<u8>,
    pub rets: Vec<u8>,
}

impl Abi {
    /// The register choice for SLOW-32 code.
    pub fn slow32() -> Abi {
        let args = vec![fast32_isa::REG_SP, fast32_isa::REG_LR, 3, 4];
        let mut rets = args.clone();
        rets.push(1);
        Abi { args, rets }
    }

    pub fn arg_mask(&self) -> u32 {
        self.args.iter().fold(0, |m, &r| m | 1 << r)
    }

    pub fn ret_mask(&self) -> u32 {
        self.rets.iter().fold(0, |m, &r| m | 1 << r)
    }
}

/// The signature every lowered guest function has (Cranelift's `tail`
/// convention): `(entry_pc, args...) -> (result, rets...)`; `CpuState`
/// is at its fixed address or in the pinned register.
pub fn guest_signature(abi: &Abi) -> Signature {
    let mut sig = Signature::new(CallConv::Tail);
    sig.params.push(AbiParam::new(types::I32)); // entry_pc
    for _ in &abi.args {
        sig.params.push(AbiParam::new(types::I64));
    }
    sig.returns.push(AbiParam::new(types::I64));
    for _ in &abi.rets {
        sig.returns.push(AbiParam::new(types::I64));
    }
    sig
}

/// The signature of the adapter the dispatcher enters compiled code
/// through (platform convention): `(state, mem_base, entry_pc, sp_limit,
/// function) -> result`.
fn adapter_signature<M: Module>(m: &M) -> Signature {
    let mut sig = m.make_signature();
    sig.params.push(AbiParam::new(types::I64)); // state
    sig.params.push(AbiParam::new(types::I64)); // mem_base
    sig.params.push(AbiParam::new(types::I32)); // entry_pc
    sig.params.push(AbiParam::new(types::I64)); // sp_limit
    sig.params.push(AbiParam::new(types::I64)); // function
    sig.returns.push(AbiParam::new(types::I64));
    sig
}

fn fp_signature<M: Module>(m: &M) -> Signature {
    let mut sig = m.make_signature();
    for _ in 0..5 {
        sig.params.push(AbiParam::new(types::I32));
    }
    sig.returns.push(AbiParam::new(types::I64));
    sig
}

/// The FP trampoline's signature: the helper's arguments and where to
/// store its result. Cranelift's `preserve_all` convention has no return
/// values; it clobbers no register at the call site, so the values of a
/// hot FP loop stay in host registers across the (cold) helper calls
/// instead of being spilled around them.
fn fp_trampoline_signature() -> Signature {
    let mut sig = Signature::new(CallConv::PreserveAll);
    for _ in 0..5 {
        sig.params.push(AbiParam::new(types::I32));
    }
    sig.params.push(AbiParam::new(types::I64)); // result address
    sig
}

/// What [`declare`] put into the module.
pub struct Decls {
    /// One per [`Program::functions`], same order.
    pub funcs: Vec<FuncId>,
    pub fp: FuncId,
    /// The FP helper through a register-preserving trampoline
    /// ([`FP_TRAMPOLINE`]).
    pub fp_trampoline: FuncId,
    /// The dispatcher's way in ([`ADAPTER`]).
    pub adapter: FuncId,
    pub table: DataId,
    /// The interrupt slot, when compiling interruptible code.
    pub interrupt: Option<DataId>,
    pub sig: Signature,
    /// Registers passed in host registers across calls.
    pub abi: Abi,
    /// Profile hints (profile-guided compilation), if any.
    pub hints: Option<std::sync::Arc<Hints>>,
    /// Call sites replaced by native routines ([`crate::intrinsics`]).
    pub intrinsics: Option<crate::intrinsics::IntrinsicDecls>,
    /// The host address guest memory will be at, if fixed (executables:
    /// [`fast32_aot_runtime::FIXED_MEM_BASE`]); otherwise code reads the
    /// base from `CpuState`. In-memory compilation serves machines
    /// wherever their memory is.
    pub fixed_mem_base: Option<u64>,
    /// The host address `CpuState` will be at, if fixed (executables:
    /// [`fast32_aot_runtime::FIXED_STATE`]): then code finds it there
    /// (see [`FnLower::state`]) and the ISA has no pinned register.
    /// Otherwise the adapter puts its address in the pinned register.
    pub fixed_state: Option<u64>,
    /// Twins of functions ([`ColdPolicy::Outline`]), by function index.
    pub twins: HashMap<usize, FuncId>,
    /// Whole-program register liveness, if computed: registers dead where
    /// a transfer lands need not be passed ([`FnLower::call_args_at`]).
    pub live: Option<std::sync::Arc<crate::liveness::Liveness>>,
}

/// The addresses the dispatcher may enter compiled code at, with their
/// function: every entry but the blocks left to the JIT (cold code under
/// [`ColdPolicy::Jit`]), which must fall back to the JIT instead.
pub fn dispatch_entries(prog: &Program, hints: Option<&Hints>) -> Vec<(u32, usize)> {
    prog.all_entries()
        .filter(|&(pc, _)| !hints.is_some_and(|h| h.left_to_jit(pc)))
        .collect()
}

/// Symbol name of the function starting at `start`.
pub fn function_name(start: u32) -> String {
    format!("fast32_guest_{start:08x}")
}

/// Declares every guest function, the FP helper, the entry table and
/// (for `interruptible` code) the interrupt slot.
pub fn declare<M: Module>(m: &mut M, prog: &Program, interruptible: bool) -> ModuleResult<Decls> {
    let abi = Abi::slow32();
    let sig = guest_signature(&abi);
    let mut funcs = Vec::with_capacity(prog.functions.len());
    for f in &prog.functions {
        funcs.push(m.declare_function(&function_name(f.start), Linkage::Local, &sig)?);
    }
    let fp = m.declare_function(FP_HELPER, Linkage::Import, &fp_signature(m))?;
    let adapter = m.declare_function(ADAPTER, Linkage::Local, &adapter_signature(m))?;
    let fp_trampoline =
        m.declare_function(FP_TRAMPOLINE, Linkage::Local, &fp_trampoline_signature())?;
    let table = m.declare_data(ENTRY_TABLE, Linkage::Local, false, false)?;
    let interrupt = if interruptible {
        let id = m.declare_data(INTERRUPT_SLOT, Linkage::Local, true, false)?;
        let mut desc = DataDescription::new();
        desc.define_zeroinit(8);
        desc.set_align(8);
        m.define_data(id, &desc)?;
        Some(id)
    } else {
        None
    };
    Ok(Decls {
        funcs,
        fp,
        fp_trampoline,
        adapter,
        table,
        interrupt,
        sig,
        abi,
        hints: None,
        intrinsics: None,
        fixed_mem_base: None,
        fixed_state: None,
        twins: HashMap::new(),
        live: None,
    })
}

/// Declares a twin for each function of `prog` with code the profile
/// never saw run, under [`ColdPolicy::Outline`].
pub fn declare_twins<M: Module>(m: &mut M, d: &mut Decls, prog: &Program) -> ModuleResult<()> {
    let Some(h) = d.hints.clone().filter(|h| h.cold == ColdPolicy::Outline) else {
        return Ok(());
    };
    for (i, f) in prog.functions.iter().enumerate() {
        if f.lowered_blocks().any(|s| h.is_cold(s)) {
            let name = format!("{}_cold", function_name(f.start));
            let id = m.declare_function(&name, Linkage::Local, &d.sig)?;
            d.twins.insert(i, id);
        }
    }
    Ok(())
}

/// The program as a twin sees it ([`ColdPolicy::Outline`]): each twinned
/// function can also be entered at its cold blocks, where the function
/// hands over to the twin.
pub fn twin_program(prog: &Program, d: &Decls) -> Program {
    let mut p = prog.clone();
    let Some(h) = d.hints.as_deref() else {
        return p;
    };
    for &i in d.twins.keys() {
        let f = &mut p.functions[i];
        let cold: Vec<u32> = f.lowered_blocks().filter(|&s| h.is_cold(s)).collect();
        f.entries.extend(cold);
        f.entries.sort_unstable();
        f.entries.dedup();
    }
    p
}

/// Defines the entry table: one pointer per code word, the function that
/// can be entered there (or 0).
pub fn define_entry_table<M: Module>(
    m: &mut M,
    d: &Decls,
    prog: &Program,
    code: &CodeImage,
) -> ModuleResult<()> {
    let mut desc = DataDescription::new();
    // Explicit zeros, not `define_zeroinit`: an object file puts
    // zero-initialized data in .bss, where relocations cannot live.
    desc.define(vec![0u8; code.words.len().max(1) * 8].into_boxed_slice());
    desc.set_align(8);
    let refs: Vec<_> = d
        .funcs
        .iter()
        .map(|&f| m.declare_func_in_data(f, &mut desc))
        .collect();
    for (pc, fi) in dispatch_entries(prog, d.hints.as_deref()) {
        desc.write_function_addr((pc / 4) * 8, refs[fi]);
    }
    Ok(m.define_data(d.table, &desc)?)
}

/// Defines the adapter through which the dispatcher (platform calling
/// convention) enters a guest function (`tail` convention): it records
/// the memory base and stack limit in `CpuState`, passes the argument
/// registers from `CpuState`, and stores the returned registers back, so
/// that outside compiled code `CpuState` holds every guest register.
pub fn define_adapter<M: Module>(m: &mut M, d: &Decls, ctx: &mut Context) -> ModuleResult<()> {
    let sig = adapter_signature(m);
    define_one_block(
        m,
        ctx,
        d.adapter,
        sig,
        |_, f| f.import_signature(d.sig.clone()),
        |b, p, sig_ref| {
            let (state, mem, entry, limit, func) = (p[0], p[1], p[2], p[3], p[4]);
            b.ins().store(TRUSTED, mem, state, offsets::MEM_BASE);
            b.ins().store(TRUSTED, limit, state, offsets::RSP_LIMIT);
            // Compiled code finds `CpuState` in the pinned register (the
            // entry trampoline, `fast32_aot_enter`, saved the host's
            // value), or at its fixed address, which `state` is then.
            if d.fixed_state.is_none() {
                b.ins().set_pinned_reg(state);
            }
            let mut args = vec![entry];
            for &r in &d.abi.args {
                args.push(b.ins().uload32(TRUSTED, state, offsets::reg(r)));
            }
            let call = b.ins().call_indirect(sig_ref, func, &args);
            let res = b.inst_results(call).to_vec();
            for (k, &r) in d.abi.rets.iter().enumerate() {
                b.ins()
                    .istore32(TRUSTED, res[k + 1], state, offsets::reg(r));
            }
            b.ins().return_(&[res[0]]);
        },
    )?;
    define_fp_trampoline(m, d, ctx)
}

/// Defines [`FP_TRAMPOLINE`]: calls the FP helper and stores its result
/// at the given address. Its `preserve_all` prologue saves the registers
/// the helper may clobber, a cost paid only on the slow paths that call
/// it.
fn define_fp_trampoline<M: Module>(m: &mut M, d: &Decls, ctx: &mut Context) -> ModuleResult<()> {
    define_one_block(
        m,
        ctx,
        d.fp_trampoline,
        fp_trampoline_signature(),
        |m, f| m.declare_func_in_func(d.fp, f),
        |b, p, fp_ref| {
            let call = b.ins().call(fp_ref, &p[..5]);
            let r = b.inst_results(call)[0];
            b.ins().store(TRUSTED, r, p[5], 0);
            b.ins().return_(&[]);
        },
    )
}

/// Defines function `id` (signature `sig`) as a single block that `body`
/// fills from the function's parameters: the runtime glue around guest
/// code. `import` first declares, in the function, what `body` calls.
fn define_one_block<M: Module, T>(
    m: &mut M,
    ctx: &mut Context,
    id: FuncId,
    sig: Signature,
    import: impl FnOnce(&mut M, &mut cranelift_codegen::ir::Function) -> T,
    body: impl FnOnce(&mut FunctionBuilder<'_>, &[Value], T),
) -> ModuleResult<()> {
    ctx.func.signature = sig;
    ctx.func.name = UserFuncName::user(0, id.as_u32());
    let imported = import(m, &mut ctx.func);
    let mut fbc = FunctionBuilderContext::new();
    let config = m.target_config();
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, &mut fbc);
        let blk = b.create_block();
        b.append_block_params_for_function_params(blk);
        b.switch_to_block(blk);
        let p = b.block_params(blk).to_vec();
        body(&mut b, &p, imported);
        b.seal_all_blocks();
        b.finalize(config);
    }
    m.define_function(id, ctx)?;
    m.clear_context(ctx);
    Ok(())
}

/// Builds the IR of function `fidx` into `ctx.func` (not yet compiled).
#[allow(clippy::too_many_arguments)] // the module, the program and the reusable contexts
pub fn lower_function<M: Module>(
    m: &mut M,
    d: &Decls,
    prog: &Program,
    code: &CodeImage,
    fidx: usize,
    ctx: &mut Context,
    fbc: &mut FunctionBuilderContext,
    explain: &mut Explain,
    twin: bool,
) -> Option<Vec<u32>> {
    ctx.func.signature = d.sig.clone();
    let hints = d.hints.as_deref();
    let own = if twin { d.twins[&fidx] } else { d.funcs[fidx] };
    ctx.func.name = UserFuncName::user(0, own.as_u32());
    let outline = d.twins.get(&fidx).map(|&t| {
        let other = if twin { d.funcs[fidx] } else { t };
        (m.declare_func_in_func(other, &mut ctx.func), twin)
    });
    let fp_ref = m.declare_func_in_func(d.fp, &mut ctx.func);
    let fp_preserving_ref = m.declare_func_in_func(d.fp_trampoline, &mut ctx.func);
    let table_gv = m.declare_data_in_func(d.table, &mut ctx.func);
    let interrupt_gv = d
        .interrupt
        .map(|id| m.declare_data_in_func(id, &mut ctx.func));
    let sig_ref = ctx.func.import_signature(d.sig.clone());
    let intrinsics = d.intrinsics.as_ref().map(|x| {
        let f: Vec<_> = x
            .helpers
            .iter()
            .map(|&(op, id)| (op, m.declare_func_in_func(id, &mut ctx.func)))
            .collect();
        let g = m.declare_data_in_func(x.regions, &mut ctx.func);
        let l: Vec<_> = x
            .direct
            .iter()
            .map(|&(op, id)| (op, m.declare_func_in_func(id, &mut ctx.func)))
            .collect();
        (x, f, g, l)
    });
    let mut func_refs: HashMap<usize, FuncRef> = HashMap::new();
    let func = &prog.functions[fidx];
    for f in func.lowered_blocks() {
        let b = prog.blocks[&f];
        let mut want = |t: u32| {
            if !prog.blocks.contains_key(&t) {
                return;
            }
            if prog.blocks.contains_key(&t) {
                let o = prog.owner(t);
                func_refs
                    .entry(o)
                    .or_insert_with(|| m.declare_func_in_func(d.funcs[o], &mut ctx.func));
            }
        };
        if let (Term::Indirect { .. }, Some(h)) = (b.term, hints) {
            for &(t, _) in h.targets(b.end - 4) {
                want(t);
            }
        }
        match b.term {
            Term::Jump { target, link } => {
                want(target);
                if link {
                    want(b.end);
                }
            }
            _ => {
                for s in b.successors() {
                    want(s);
                }
            }
        }
    }

    let (args, rets) = (d.abi.arg_mask(), d.abi.ret_mask());
    // Call sites a native routine replaces.
    let intrinsic_site = |pc: u32| {
        d.intrinsics
            .as_ref()
            .is_some_and(|x| x.plan.sites.contains_key(&pc))
    };
    let choose = |hints: Option<&Hints>| {
        let weights = block_weights(prog, fidx, hints, &intrinsic_site);
        let f64_pairs = f64_pairs(code, &weights, rets);
        let across = live_across_native_calls(d, &weights);
        let in_mem = memory_registers(code, &weights, rets, paired_mask(f64_pairs), &across);
        (f64_pairs, in_mem)
    };
    let (f64_pairs, in_mem) = choose(hints);
    if hints.is_some() && (f64_pairs, in_mem) != choose(None) {
        explain.regalloc_changed += 1;
    }
    let flow = crate::regflow::analyze(
        prog,
        code,
        fidx,
        (args, rets),
        paired_mask(f64_pairs),
        &intrinsic_site,
    );
    let config = m.target_config();
    let (guest_flags, state_flags) = alias_regions(&mut ctx.func, f64_pairs);
    let builder = FunctionBuilder::new(&mut ctx.func, fbc);
    let mut l = FnLower {
        b: builder,
        prog,
        code,
        fidx,
        vars: [Variable::from_u32(0); 32],
        flow,
        in_mem,
        f64_pairs,
        fvars: [Variable::from_u32(0); 32],
        pending: Vec::new(),
        dirty: 0,
        mem_cache: [None; 32],
        mem_cache_on: false,
        dead_write: false,
        dispatch: None,
        per_site_dispatch: false,
        peels: Vec::new(),
        dispatch_copies: Vec::new(),
        copy_plan: HashMap::new(),
        peel_heads: Vec::new(),
        dispatch_start: usize::MAX,
        copies: HashMap::new(),
        known_lr: None,
        f64_cache: Vec::new(),
        blocks: HashMap::new(),
        mem_var: Variable::from_u32(0),
        guest_flags,
        state_flags,
        fixed_mem_base: d.fixed_mem_base,
        fixed_state: d.fixed_state,
        state_const: false,
        state_var: Variable::from_u32(0),
        streak_var: Variable::from_u32(0),
        outline,
        table: None,
        narrowed: HashMap::new(),
        abi: &d.abi,
        args,
        rets,
        fp_ref,
        fp_preserving_ref,
        fp_slot: None,
        table_gv,
        interrupt_gv,
        cur_block: 0,
        aligned: Vec::new(),
        sig_ref,
        func_refs,
        hints,
        live: d.live.as_deref(),
        explain,
        intrinsics,
    };
    l.lower();
    l.b.seal_all_blocks();
    let depths = l.profile_depths();
    l.b.finalize(config);
    depths
}

/// How many entry blocks that ran in the profile a twin
/// ([`ColdPolicy::Outline`]) passes through itself, with no block that
/// never ran between them, before it hands back to its function. Handing
/// back at the first costs two tail calls through the entry switches
/// each time a loop alternates between code the training run saw and
/// code it did not: Lua with a profile of `bench-data/lua/uncovered.lua`
/// timed on bench-small made 7.2 million such round trips and ran 1.54x
/// the host instructions of its plain executable; at 16, 1.15x (wall time
/// 1.38x and 1.09x). Where the profile covers the input, Lua's
/// interpreter loop runs 1.3% more host instructions (some handlers run
/// in the twin after each excursion; wall time 0.99x in 31 paired runs),
/// the other corpus programs the same; the twins hold some hot code too
/// (Lua: 17% more native code).
///
/// Re-measured with the spill weights of [`crate::spill_weights`] (Lua
/// timed on bench-small, host instructions; plain 1806M): with the
/// training profile, 1701M at 1, 1703M at 2, 1702M at 4, 1707M at 8,
/// 1719M at 16, 1794M at 64 and 1849M when the twin never hands back (the
/// twin's copy of the interpreter loop, with all its never-run code, is
/// allocated worse than the function's); with the profile of
/// `uncovered.lua`, 2201M at 4, 2032M at 8 and 2003M at 16. Laying the
/// twin's never-run blocks out cold, or keeping the count in a stack slot
/// rather than a variable, changed nothing (1721M, 1723M at 16). So 16:
/// 1% given up where the training covers the input, against 10% lost at 4
/// where it does not.
const TWIN_STAY_BLOCKS: i64 = 16;

/// Indirect jumps get one target table per site while the function's
/// sites × targets stays under this (else one shared table): the CFG edges
/// it adds cost compile time.
const PER_SITE_EDGE_BUDGET: usize = 16384;

/// With a profile, an interpreter's dispatch (a block of at most this
/// many guest instructions ending in an indirect jump through a table, or
/// such a block and [`DISPATCH_COPY_DEPTH`] short block before it on the
/// way there) is copied into each predecessor that ran at least
/// 1/[`DISPATCH_COPY_MIN_SHARE`] as often ([`FnLower::dispatch_copy`]),
/// the most run first, up to [`MAX_DISPATCH_COPIES`] copies and
/// [`DISPATCH_COPY_TABLE_BYTES`] of the host jump tables they bring per
/// function. Each copy's table jump is a host indirect branch of its own,
/// predicted from where it is: threaded code, as interpreters get it by
/// repeating their dispatch in every handler. Lua's handlers mostly jump
/// to shared tails that end in a few such dispatches, the Forth kernel's
/// all to one `NEXT`. Wall time of the profile-guided executable with the
/// copies over without, 21 to 31 paired runs: Forth 0.77-0.78 (9 copies;
/// 991M to 934M host instructions), Lua 0.96-0.98 (24 copies in
/// `luaV_execute`; 1719M to 1649M). With up to two or three blocks
/// before the dispatch and no table budget, more was copied (Forth 29 and
/// 40 copies, each with its own 12 KiB table; Lua 49 and 62) and less
/// gained: Forth 0.93 and 0.88, Lua 1.00 and 0.96-0.97; with the budget,
/// two (Forth 10 copies, Lua 65) took 1.06 and 1.05 of the time of one,
/// three (Forth 10, Lua 85) 1.08 and 1.01.
const DISPATCH_COPY_MAX_INSNS: u32 = 12;
/// The block before the dispatch: at most this many guest instructions
/// with it.
const DISPATCH_COPY_CHAIN_INSNS: u32 = 24;
/// Host jump-table bytes the copies of one function may bring (the Forth
/// kernel's `NEXT` brings 12 KiB per copy, Lua's dispatches 512 bytes).
const DISPATCH_COPY_TABLE_BYTES: u64 = 128 << 10;
/// Blocks before the dispatch a copied chain may hold.
const DISPATCH_COPY_DEPTH: u32 = 1;
const MAX_DISPATCH_COPIES: usize = 96;
const DISPATCH_COPY_MIN_SHARE: u64 = 32;

/// An indirect jump followed by a table jump inside its function tests a
/// speculated target only if at least this share of the jumps that reach
/// the compare (those that missed the targets tested before) go there: a
/// compare costs every jump that reaches it, a hit saves the table jump
/// (about 12 host instructions). The Forth kernel's `NEXT` reaches dozens
/// of primitives, the two most taken with 6% each: testing them first
/// cost 4 host instructions per dispatch for 12% hits (bench input:
/// 1156M host instructions with them, 991M without; wall time 0.89 of
/// that). The dispatch benchmark's sites, with 3 or 4 targets of 20-40%
/// each, keep all of theirs. Jumps that leave the function and calls
/// keep every target of at least [`crate::pgo`]'s 5%: their general path
/// is a lookup and an indirect call.
const JUMP_SPEC_MIN_SHARE: f64 = 0.2;

/// Indirect jumps with at most this many known targets branch through a
/// tree of compares rather than a jump table (see `emit_target_switch`).
const SWITCH_TREE_MAX_TARGETS: usize = 32;

/// A target table has a slot per code word between its first and last
/// target: it is used while it has at most this many slots per target (or
/// [`MIN_TABLE_SLOTS`]), else a tree of compares. Lua's interpreter loop
/// has 117 targets over 4049 words (inlined callees widen the range): at 32
/// slots per target it got the tree, about 7 compares per dispatch, and
/// ran 8% more host instructions (bench-small: 2547M against 2345M plain,
/// 2291M against 2230M with a profile). A table costs 4 bytes per slot.
const TABLE_SLOTS_PER_TARGET: usize = 64;

/// See [`TABLE_SLOTS_PER_TARGET`].
const MIN_TABLE_SLOTS: usize = 1024;

/// How many guest registers a function keeps in Cranelift variables; the
/// others live in `CpuState` (loaded and stored at each use, like the
/// JIT's uncached registers). Keeping all 31 in variables makes large
/// functions spill heavily: x86-64 has 15 allocatable registers. 11 since
/// the memory base no longer takes one in executables (host instructions:
/// calls 326M at 10, 286M at 11, 299M at 12; Lua bench-small 2568M / 2550M
/// / 2599M plain, 2324M / 2337M / 2350M with a profile; 8 for very large
/// functions only, or 13, was worse for Lua). Still the best with the
/// profile's spill weights ([`crate::spill_weights`]), which might have
/// let the allocator keep more: Lua bench-small with the training profile
/// 1764M at 9, 1741M at 10, 1719M at 11, 1745M at 12, 1794M at 13 and
/// 1802M at 16.
pub const MAX_VAR_REGISTERS: u32 = 11;

/// How many guest register pairs a function keeps as f64 values
/// ([`f64_pairs`]), in host vector registers: x86-64 has 16, and the
/// arithmetic needs a few for temporaries.
pub const MAX_F64_PAIRS: u32 = 12;

/// Each block of function `fidx` with the weight of its instructions when
/// choosing registers: with a profile, how often the block ran (so the
/// registers of the hot loop win over those of cold setup code); without,
/// 8 per loop level (capped), the usual static estimate.
///
/// With a profile, the blocks of an inlined callee weigh what they ran
/// times the share of the callee's calls made from this function's
/// inlined sites: its count covers every caller, and sites whose call a
/// native routine replaces (`replaced`) run the copy only when the
/// routine declines. (strings.s inlines its own byte-loop `strlen`,
/// `memcpy` and `strcmp`, which the profile saw run 190M instructions
/// through the interpreter; weighed as counted, their registers took the
/// hot loop's, and the profile-guided build ran 1% slower than plain.)
fn block_weights(
    prog: &Program,
    fidx: usize,
    hints: Option<&Hints>,
    replaced: &dyn Fn(u32) -> bool,
) -> Vec<(u32, u32, u64)> {
    let depths = if hints.is_none() {
        loop_depths(prog, fidx)
    } else {
        HashMap::new()
    };
    let f = &prog.functions[fidx];
    // The share of each inlined callee's calls (by owner index).
    let mut share: HashMap<usize, f64> = HashMap::new();
    if let Some(h) = hints {
        let mut sites: HashMap<u32, u64> = HashMap::new();
        for (&call, &callee) in &f.inlined.calls {
            let n = if replaced(call) { 0 } else { h.count(call) };
            *sites.entry(callee).or_default() += n;
        }
        // (A function calling itself keeps its own counts.)
        for (callee, n) in sites.into_iter().filter(|&(c, _)| prog.owner(c) != fidx) {
            let total = h.count(callee).max(1);
            share.insert(prog.owner(callee), (n as f64 / total as f64).min(1.0));
        }
    }
    // Without a profile an inlined callee's blocks weigh 1: weighing them
    // like their call sites (inside the caller's loops, but rarely run,
    // such as a buffer refill) let them take the loop's registers (csv:
    // 26% more host instructions).
    // (`loop_depths` covers the function's own blocks only.)
    f.lowered_blocks()
        .map(|s| {
            let w = hints.map_or_else(
                || 8u64.pow(depths.get(&s).copied().unwrap_or(0).min(4)),
                |h| {
                    let n = h.count(s);
                    let n = match share.get(&prog.owner(s)) {
                        Some(&k) => (n as f64 * k) as u64,
                        None => n,
                    };
                    n.saturating_add(1)
                },
            );
            (s, prog.blocks[&s].end, w)
        })
        .collect()
}

/// Every instruction of the weighted blocks, with its block's weight.
fn weighted_insts<'c>(
    code: &'c CodeImage,
    weights: &'c [(u32, u32, u64)],
) -> impl Iterator<Item = (Inst, u64)> + 'c {
    weights.iter().flat_map(move |&(start, end, w)| {
        (start..end)
            .step_by(4)
            .filter_map(move |pc| code.inst(pc).map(|i| (i, w)))
    })
}

/// For each instruction of `[start, last)`: is it lowered with
/// [`FnLower::mem_cache`] on (straight-line code, not the first of a pair
/// move that may be fused), and does it write a register of `in_mem` that
/// a later instruction of the same run of such instructions writes again
/// (a dead write: its value need not be stored)?
fn dead_writes(code: &CodeImage, start: u32, last: u32, in_mem: u32) -> (Vec<bool>, Vec<bool>) {
    let n = ((last - start) / 4) as usize;
    let insts: Vec<Inst> = (0..n)
        .map(|k| {
            code.inst(start + 4 * k as u32)
                .expect("blocks hold valid instructions")
        })
        .collect();
    // Two word moves of a pair may be lowered fused, with a branch.
    let paired = |k: usize| {
        insts
            .get(k + 1)
            .is_some_and(|x| pair_move(&insts[k], x).is_some())
    };
    let cached: Vec<bool> = (0..n)
        .map(|k| straight_line(insts[k].op) && !paired(k) && (k == 0 || !paired(k - 1)))
        .collect();
    let mut dead = vec![false; n];
    let mut later = 0u32;
    for k in (0..n).rev() {
        if !cached[k] {
            later = 0;
            continue;
        }
        let rd = insts[k].rd;
        let (_, writes) = inst_regs(&insts[k]);
        if writes & (1 << rd) != 0 && rd != 0 && in_mem & (1 << rd) != 0 {
            dead[k] = later & (1 << rd) != 0;
            later |= 1 << rd;
        }
    }
    (cached, dead)
}

/// Is `op` lowered as straight-line code, so that values it reads or
/// computes dominate the rest of its guest block (see
/// [`FnLower::cache_mem`])? `AssertEq` branches only to an exit.
fn straight_line(op: Opcode) -> bool {
    use Opcode::*;
    matches!(
        op,
        Add | Sub
            | Xor
            | Or
            | And
            | Sll
            | Srl
            | Sra
            | Slt
            | Sltu
            | Mul
            | Mulh
            | Div
            | Rem
            | Seq
            | Sne
            | Sgt
            | Sgtu
            | Sle
            | Sleu
            | Sge
            | Sgeu
            | Mulhu
            | Addi
            | Ori
            | Andi
            | Xori
            | Slli
            | Srli
            | Srai
            | Slti
            | Sltiu
            | Lui
            | Ldb
            | Ldh
            | Ldw
            | Ldbu
            | Ldhu
            | Stb
            | Sth
            | Stw
            | AssertEq
            | Nop
            | FnegS
            | FabsS
    )
}

/// The even register whose pair `i` then `n` move between registers and
/// consecutive words of memory: `ldw rN, X+k; ldw rN+1, X+k+4` (the first
/// load not changing the base of the second) or `stw X+k, rN; stw X+k+4,
/// rN+1`.
fn pair_move(i: &Inst, n: &Inst) -> Option<u8> {
    use Opcode::{Ldw, Stw};
    if i.imm.checked_add(4) != Some(n.imm) || n.rs1 != i.rs1 {
        return None;
    }
    let r = match (i.op, n.op) {
        (Ldw, Ldw) if i.rd != i.rs1 && n.rd == i.rd + 1 => i.rd,
        (Stw, Stw) if n.rs2 == i.rs2 + 1 => i.rs2,
        _ => return None,
    };
    (r & 1 == 0 && r < 31).then_some(r)
}

/// FP-double instructions that read their pair operands as f64 values
/// ([`FnLower::pair_f64`]); those with a pair destination also write one.
fn fp_double_reader(op: Opcode) -> bool {
    use Opcode::*;
    matches!(
        op,
        FaddD | FsubD | FmulD | FdivD | FsqrtD | FeqD | FltD | FleD
    )
}

/// Both halves of every pair in `pairs` (a mask of pair bases).
pub(crate) fn paired_mask(pairs: u32) -> u32 {
    pairs | pairs << 1
}

/// The register pairs (a mask of their even first registers) that
/// function `fidx` keeps as one f64 variable each instead of two word
/// variables: pairs whose weighted uses as FP-double operands outweigh
/// integer accesses to their halves (each half's integer access costs an
/// extraction or insertion, each FP use of a word pair a combine or
/// split), neither half an [`Abi`] register (`abi`: those pass in integer
/// registers), the most used first, at most [`MAX_F64_PAIRS`].
fn f64_pairs(code: &CodeImage, weights: &[(u32, u32, u64)], abi: u32) -> u32 {
    let mut fp = [0u64; 32];
    let mut int = [0u64; 32];
    // Pairs some FP instruction uses (moves alone make no f64 value).
    let mut fp_op = 0u32;
    for &(start, end, w) in weights {
        let mut pc = start;
        while pc < end {
            let Some(i) = code.inst(pc) else {
                pc += 4;
                continue;
            };
            // Two word loads or stores moving one pair are one 8-byte
            // move for a resident pair (see
            // `FnLower::fused_pair_access`): an FP use, not two integer
            // accesses.
            let next = (pc + 4 < end).then(|| code.inst(pc + 4)).flatten();
            if let Some(p) = next.and_then(|n| pair_move(&i, &n)) {
                fp[p as usize] = fp[p as usize].saturating_add(w);
                pc += 8;
                continue;
            }
            pc += 4;
            let (r, wr) = inst_regs(&i);
            let (pd, p1, p2) = sem::pair_operands(i.op);
            // Aligned pairs this instruction uses as f64 operands.
            let mut as_pair = 0u32;
            for (is_pair, reg) in [(pd, i.rd), (p1, i.rs1), (p2, i.rs2)] {
                if is_pair && reg & 1 == 0 && reg < 31 {
                    as_pair |= 1 << reg;
                }
            }
            fp_op |= as_pair;
            for p in (2..31).step_by(2) {
                if as_pair & (1 << p) != 0 {
                    fp[p] = fp[p].saturating_add(w);
                }
                let halves = (r | wr) & !paired_mask(as_pair) & (0b11 << p);
                int[p] = int[p].saturating_add(w * u64::from(halves.count_ones()));
            }
        }
    }
    let mut pairs: Vec<usize> = (2..31)
        .step_by(2)
        .filter(|&p| abi & (0b11 << p) == 0 && fp_op & (1 << p) != 0 && 2 * fp[p] >= int[p])
        .collect();
    pairs.sort_by_key(|&p| std::cmp::Reverse(fp[p]));
    pairs
        .iter()
        .take(MAX_F64_PAIRS as usize)
        .fold(0u32, |m, &p| m | 1 << p)
}

/// Functions of at least this many blocks address `CpuState` from its
/// fixed address in every block that needs it ([`FnLower::state`]) rather
/// than from a variable. A function this large has more live values than
/// host registers; its state variable was spilled and reloaded from the
/// host stack all over (Lua's interpreter loop, 860 blocks: 6% of its
/// host instructions). A constant costs an immediate move per block and
/// no register. Host instructions with a profile (plain in parentheses):
/// Lua (functions of 860 and 809 blocks) 1877M → 1810M (1834M → 1814M)
/// at 800 blocks and at 400; BASIC (one of 1267) unchanged at 800,
/// 1509M → 1522M at 400 (five more of 434 to 713); with the constant in
/// every function, Forth 1183M → 1363M.
pub const STATE_CONST_BLOCKS: usize = 800;

/// What a register kept in a variable pays, in uses, at each host call
/// it is live across ([`live_across_native_calls`]): a spill and a
/// reload, since Cranelift has few callee-saved registers to keep it in
/// (rbx and r12 to r15 with frame pointers on; r15 is pinned in memory).
/// In `CpuState` it pays nothing there. (strings.s, whose main loop makes
/// three such calls: 66.1M host instructions at 0, 66.3M at 1, 65.2M at
/// 2, 67.0M at 4; with a profile 67.0M, 66.2M, 65.2M and 67.4M. The
/// corpus programs did not change.)
const NATIVE_CALL_COST: u64 = 2;

/// The registers function `fidx` accesses in memory: all but the
/// registers in `forced` (the [`Abi`] registers, always variables), those
/// in `paired` (halves of f64 variables, see [`f64_pairs`]) and its
/// others that gain most from a variable, up to [`MAX_VAR_REGISTERS`] in
/// all: their uses, weighted by [`block_weights`], less
/// [`NATIVE_CALL_COST`] per call in `across`. A register that would gain
/// nothing stays in memory even where the budget has room.
fn memory_registers(
    code: &CodeImage,
    weights: &[(u32, u32, u64)],
    forced: u32,
    paired: u32,
    across: &[u64; 32],
) -> u32 {
    let mut uses = [0u64; 32];
    for (i, w) in weighted_insts(code, weights) {
        let (r, wr) = inst_regs(&i);
        for (k, u) in uses.iter_mut().enumerate() {
            if (r | wr) & (1 << k) != 0 {
                *u = u.saturating_add(w);
            }
        }
    }
    let forced_used = (1..32).filter(|&r| uses[r] > 0 && forced & (1 << r) != 0);
    let budget = (MAX_VAR_REGISTERS as usize).saturating_sub(forced_used.count());
    let score = |r: usize| uses[r] as i128 - NATIVE_CALL_COST as i128 * across[r] as i128;
    let mut regs: Vec<usize> = (1..32)
        .filter(|&r| uses[r] > 0 && (forced | paired) & (1 << r) == 0)
        .collect();
    regs.sort_by_key(|&r| std::cmp::Reverse(score(r)));
    let vars = (regs.iter().filter(|&&r| score(r) > 0).take(budget)).fold(0u32, |m, &r| m | 1 << r);
    regs.iter().fold(0u32, |m, &r| m | 1 << r) & !vars
}

/// For each guest register, the summed block weight of the call sites
/// whose routine compiled code calls natively ([`crate::intrinsics`]:
/// not the inline divisions) with the register live after the call and
/// not set by it (rv and the modeled registers are).
fn live_across_native_calls(d: &Decls, weights: &[(u32, u32, u64)]) -> [u64; 32] {
    let mut across = [0u64; 32];
    let (Some(x), Some(live)) = (d.intrinsics.as_ref(), d.live.as_deref()) else {
        return across;
    };
    for &(start, end, w) in weights {
        for (_, site) in x.plan.sites.range(start..end) {
            if site.op.is_arith() {
                continue;
            }
            // (rv is r1.)
            let l = live.at(site.pc + 4) & !site.model_live & !0b10;
            for (r, a) in across.iter_mut().enumerate() {
                if l & (1 << r) != 0 {
                    *a = a.saturating_add(w);
                }
            }
        }
    }
    across
}

/// Loop nesting depth of each block of function `fidx` (blocks in no loop
/// are absent): every back edge `u -> h` found by a depth-first walk from
/// the function's entries makes a natural loop, `h` plus every block that
/// reaches `u` without passing through `h`.
fn loop_depths(prog: &Program, fidx: usize) -> HashMap<u32, u32> {
    let f = &prog.functions[fidx];
    let owned: HashSet<u32> = f.blocks.iter().copied().collect();
    let succs = |b: u32| -> Vec<u32> {
        prog.blocks[&b]
            .successors()
            .into_iter()
            .filter(|s| owned.contains(s))
            .collect()
    };
    let mut preds: HashMap<u32, Vec<u32>> = HashMap::new();
    for &b in &f.blocks {
        for s in succs(b) {
            preds.entry(s).or_default().push(b);
        }
    }
    // Iterative DFS; `on_stack` marks the current path.
    let mut back_edges = Vec::new();
    let mut visited: HashSet<u32> = HashSet::new();
    let mut on_stack: HashSet<u32> = HashSet::new();
    for &root in f.entries.iter().chain(f.blocks.iter()) {
        if !owned.contains(&root) || !visited.insert(root) {
            continue;
        }
        on_stack.insert(root);
        let mut stack = vec![(root, succs(root), 0usize)];
        while let Some((b, ss, i)) = stack.last_mut() {
            if let Some(&s) = ss.get(*i) {
                *i += 1;
                let from = *b;
                if on_stack.contains(&s) {
                    back_edges.push((from, s));
                } else if visited.insert(s) {
                    on_stack.insert(s);
                    let next = succs(s);
                    stack.push((s, next, 0));
                }
            } else {
                on_stack.remove(b);
                stack.pop();
            }
        }
    }
    // Back edges to one header form one loop.
    let mut latches: HashMap<u32, Vec<u32>> = HashMap::new();
    for (u, h) in back_edges {
        latches.entry(h).or_default().push(u);
    }
    let mut depth: HashMap<u32, u32> = HashMap::new();
    for (h, us) in latches {
        let mut body: HashSet<u32> = HashSet::from([h]);
        let mut work = us;
        while let Some(x) = work.pop() {
            if body.insert(x) {
                work.extend(preds.get(&x).into_iter().flatten().copied());
            }
        }
        for x in body {
            *depth.entry(x).or_default() += 1;
        }
    }
    depth
}

/// (read mask, write mask) of one instruction, pair partners included.
pub(crate) fn inst_regs(i: &Inst) -> (u32, u32) {
    let bit = |r: u8| if r < 32 { 1u32 << r } else { 0 };
    let (pd, p1, p2) = sem::pair_operands(i.op);
    let mut reads = match i.op.format() {
        Format::R | Format::Rcmp | Format::S | Format::B => bit(i.rs1) | bit(i.rs2),
        Format::R2 | Format::R1 | Format::I | Format::Iz => bit(i.rs1),
        Format::U | Format::J | Format::N => 0,
    };
    if p1 {
        reads |= bit(i.rs1 + 1);
    }
    if p2 {
        reads |= bit(i.rs2 + 1);
    }
    let mut writes = if i.op.writes_rd() { bit(i.rd) } else { 0 };
    if pd {
        writes |= bit(i.rd) | bit(i.rd + 1);
    }
    (reads, writes)
}

const TRUSTED: MemFlagsData = MemFlagsData::trusted();

/// The memory flags of guest memory accesses, and of `CpuState`
/// accesses by offset ([`StateFlags`]), each kind in alias regions of
/// its own. Without them every access was in Cranelift's one default
/// region, so every guest store ended what Cranelift knew of `CpuState`:
/// a register kept there was loaded again after each store, where (with
/// the regions) Cranelift's alias analysis forwards the stored or loaded
/// value along the dominator tree. Each register slot is a region of its
/// own, so a store to one register does not end what is known of another
/// (the analysis keeps one last store per region), except the two slots
/// of an f64-resident pair (`f64_pairs`), which are also stored as one
/// 8-byte access: such a pair is one region. Lowering touches any other
/// slot only with 4-byte loads and stores of its own register. (With one
/// region per pair, a store to r22 hid the value just stored to r23:
/// BASIC's profile-guided executable ran 1.3% more host instructions,
/// Lua's plain one 0.7%.) Sound because none of them overlap (`CpuState`
/// is outside the guest's sandbox) and nothing else writes them while
/// compiled code runs but calls, which Cranelift takes as touching every
/// region. (The interrupt flag, set from another thread, is read with an
/// atomic load, which alias analysis leaves alone.)
fn alias_regions(
    func: &mut cranelift_codegen::ir::Function,
    f64_pairs: u32,
) -> (MemFlagsData, StateFlags) {
    use cranelift_codegen::ir::AliasRegionData;
    let mut region = |user_id: u32, description: String| {
        func.dfg.alias_regions.insert(AliasRegionData {
            user_id,
            description: description.into(),
        })
    };
    let guest = region(1, "guest memory".into());
    let other = TRUSTED.with_alias_region(Some(region(2, "cpu state".into())));
    let mut regs = [other; 32];
    for p in (0..32u32).step_by(2) {
        if f64_pairs & (1 << p) != 0 {
            let r = region(3 + p, format!("cpu state r{}-r{}", p, p + 1));
            regs[p as usize] = TRUSTED.with_alias_region(Some(r));
            regs[p as usize + 1] = regs[p as usize];
        } else {
            for q in [p, p + 1] {
                let r = region(3 + q, format!("cpu state r{q}"));
                regs[q as usize] = TRUSTED.with_alias_region(Some(r));
            }
        }
    }
    (
        MemFlagsData::new().with_alias_region(Some(guest)),
        StateFlags { other, regs },
    )
}

/// Flags of `CpuState` accesses: one alias region per register slot (per
/// pair for f64-resident pairs), one for the rest (see
/// [`alias_regions`]).
#[derive(Clone, Copy)]
struct StateFlags {
    other: MemFlagsData,
    regs: [MemFlagsData; 32],
}

impl StateFlags {
    fn at(&self, off: i32) -> MemFlagsData {
        let k = (off - offsets::reg(0)) / 4;
        match usize::try_from(k) {
            Ok(k) if off >= offsets::reg(0) && k < 32 && (off - offsets::reg(0)) % 4 == 0 => {
                self.regs[k]
            }
            _ => self.other,
        }
    }
}

fn reason(r: ExitReason) -> i64 {
    (r as i64) << 32
}

/// The intrinsic plan, each operation's helper, and the region table, as
/// one function refers to them.
type IntrinsicRefs<'a> = (
    &'a crate::intrinsics::IntrinsicDecls,
    Vec<(IntrinsicOp, FuncRef)>,
    GlobalValue,
    Vec<(IntrinsicOp, FuncRef)>,
);

struct FnLower<'a, 'f> {
    b: FunctionBuilder<'f>,
    prog: &'a Program,
    code: &'a CodeImage,
    fidx: usize,
    vars: [Variable; 32],
    /// Dirty and live registers per block (see [`crate::regflow`]).
    flow: crate::regflow::RegFlow,
    /// Guest registers accessed in `CpuState` directly, not kept in
    /// variables (see [`memory_registers`]).
    in_mem: u32,
    /// Register pairs (a mask of their first registers) whose home is one
    /// f64 variable (see [`f64_pairs`]): FP-double instructions use it
    /// directly, integer accesses extract or insert a half, and `CpuState`
    /// is synced with 8-byte loads and stores.
    f64_pairs: u32,
    /// The variable of each pair in `f64_pairs`, by first register.
    fvars: [Variable; 32],
    /// (pair, low, high): halves of f64-resident pairs written by integer
    /// instructions of the guest block being lowered, not yet inserted
    /// into the pair's variable. Inserting late makes `ldw rN; ldw rN+1`
    /// one combine instead of two insertions; the block's terminator
    /// inserts what is left ([`Self::flush_pairs`]).
    pending: Vec<(u8, Option<Value>, Option<Value>)>,
    /// Registers whose variables may differ from `CpuState` here.
    dirty: u32,
    /// (value, unstored) of registers in `in_mem` that straight-line code
    /// of the guest block being lowered has read or written. A read is
    /// then not repeated (Cranelift's alias analysis would forward it too,
    /// see [`alias_regions`]; this keeps the IR small); a write that the
    /// same code overwrites, or that is dead where the block hands control
    /// on ([`dead_writes`], [`Self::dead_at_end`]), is never stored, unless
    /// an exit in between needs it (Cranelift removes no store that a
    /// guest access in between, which may fault, could observe).
    mem_cache: [Option<(Value, bool)>; 32],
    /// Is `mem_cache` in use (straight-line instructions only)?
    mem_cache_on: bool,
    /// Does the instruction being lowered write a register of `in_mem`
    /// that the same straight-line code writes again?
    dead_write: bool,
    /// The shared indirect-jump dispatch block, once needed.
    dispatch: Option<Block>,
    /// Does every indirect jump get its own target table?
    per_site_dispatch: bool,
    /// Copies of callee blocks to lower after the function's own blocks
    /// (see [`Self::peel`]).
    peels: Vec<Peel>,
    /// The blocks of the copies lowered, by guest address.
    peel_heads: Vec<(u32, Block)>,
    /// Copies of small dispatch blocks for one predecessor each, to lower
    /// after the function's own blocks (see [`Self::dispatch_copy`]).
    dispatch_copies: Vec<Vec<(u32, Block)>>,
    /// The edges (predecessor block, target) that get a copy of the
    /// dispatch chain at the target, with that chain
    /// ([`Self::plan_dispatch_copies`]).
    copy_plan: HashMap<(u32, u32), Vec<u32>>,
    /// How many blocks the layout had when the dispatch (lowered last)
    /// began.
    dispatch_start: usize,
    /// While a copy is lowered: its blocks, which its edges go to
    /// instead of the originals.
    copies: HashMap<u32, Block>,
    /// While a copy is lowered: the link register's value (the return
    /// site of the call that entered it).
    known_lr: Option<u32>,
    /// (pair, f64 value) of register pairs whose current value is known
    /// as an f64 SSA value in the code being lowered (see
    /// [`Self::pair_f64`]): chains of FP instructions then skip
    /// splitting and recombining words.
    f64_cache: Vec<(u8, Value)>,
    hints: Option<&'a Hints>,
    /// [`Decls::live`].
    live: Option<&'a crate::liveness::Liveness>,
    explain: &'a mut Explain,
    blocks: HashMap<u32, Block>,
    /// The guest memory base, loaded from `CpuState` at entry and again
    /// after each guest call, so that no host register holds it across
    /// calls (a callee-saved register would cost every callee a save and
    /// a restore).
    mem_var: Variable,
    /// Flags of guest memory accesses and of `CpuState` accesses, in
    /// alias regions of their own, so that Cranelift's alias analysis
    /// knows a guest store leaves `CpuState` alone (see [`alias_regions`]).
    guest_flags: MemFlagsData,
    state_flags: StateFlags,
    /// [`Decls::fixed_mem_base`].
    fixed_mem_base: Option<u64>,
    /// [`Decls::fixed_state`].
    fixed_state: Option<u64>,
    /// Code addresses `CpuState` from the constant [`Self::fixed_state`]
    /// (else from a variable): functions of [`STATE_CONST_BLOCKS`] blocks
    /// or more.
    state_const: bool,
    /// See [`Self::state`].
    state_var: Variable,
    /// In a twin: hot entry blocks passed since the last cold block.
    streak_var: Variable,
    /// With [`ColdPolicy::Outline`]: the other half of a function and its
    /// twin, and whether this is the twin.
    outline: Option<(FuncRef, bool)>,
    /// The current block's table jump ([`crate::jumptable`]), with its
    /// index once the lowering has passed the instruction that forms it.
    table: Option<(crate::jumptable::TableJump, Option<Value>)>,
    /// 32-bit values → a 64-bit value known to be their zero extension:
    /// reads of register variables (which hold their register
    /// zero-extended) and zero-extending loads. Writing one to a register,
    /// or using it as an address, needs no extension.
    narrowed: HashMap<Value, Value>,
    abi: &'a Abi,
    /// [`Abi::arg_mask`] and [`Abi::ret_mask`].
    args: u32,
    rets: u32,
    /// The FP helper ([`FP_HELPER`]): for instructions that always call it
    /// (conversions), where saving every register around each call in a
    /// trampoline would cost more than what the call clobbers.
    fp_ref: FuncRef,
    /// The FP helper through [`FP_TRAMPOLINE`], for the rare slow paths
    /// of inline arithmetic, and the stack slot it stores its result in
    /// (created at the first use).
    fp_preserving_ref: FuncRef,
    fp_slot: Option<StackSlot>,
    table_gv: GlobalValue,
    /// The interrupt slot, polled on loop back-edges (interruptible code).
    interrupt_gv: Option<GlobalValue>,
    /// Start of the guest block being lowered.
    cur_block: u32,
    /// PCs of the pair moves ([`pair_move`]) of the guest block being
    /// lowered whose address is known to be 8-aligned here: the block's
    /// aligned version ([`Self::aligned_accesses`]) is being lowered.
    aligned: Vec<u32>,
    sig_ref: SigRef,
    func_refs: HashMap<usize, FuncRef>,
    /// The intrinsic plan, helpers (by operation) and region table, if
    /// any.
    intrinsics: Option<IntrinsicRefs<'a>>,
}

impl FnLower<'_, '_> {
    fn lower(&mut self) {
        let f = &self.prog.functions[self.fidx];
        let entry = self.b.create_block();
        self.b.append_block_params_for_function_params(entry);
        for r in 1..32 {
            self.vars[r] = self.b.declare_var(types::I64);
        }
        for p in (2..32).step_by(2) {
            if self.f64_pairs & (1 << p) != 0 {
                self.fvars[p] = self.b.declare_var(types::F64);
            }
        }
        for s in f.lowered_blocks() {
            let blk = self.b.create_block();
            self.blocks.insert(s, blk);
        }
        self.b.switch_to_block(entry);
        let params = self.b.block_params(entry).to_vec();
        let entry_pc = params[0];
        self.b.set_srcloc(SourceLoc::new(f.start));
        for (k, &r) in self.abi.args.iter().enumerate() {
            self.b.def_var(self.vars[r as usize], params[k + 1]);
        }
        self.mem_var = self.b.declare_var(types::I64);
        self.state_var = self.b.declare_var(types::I64);
        if let Some((_, true)) = self.outline {
            self.streak_var = self.b.declare_var(types::I32);
            let zero = self.b.ins().iconst(types::I32, 0);
            self.b.def_var(self.streak_var, zero);
        }
        self.state_const = f.lowered_blocks().count() >= STATE_CONST_BLOCKS;
        self.reload_state_and_mem();
        let bad_entry = self.b.create_block();
        self.b.set_cold_block(bad_entry);
        // Each entry loads the registers live there (but the arguments),
        // then joins its block. Direct calls enter at the start: test
        // that first.
        let mut sw = Switch::new();
        let mut stubs = Vec::new();
        let mut start_stub = None;
        for &e in &f.entries {
            let stub = self.b.create_block();
            if e == f.start && f.entries.len() > 1 {
                start_stub = Some(stub);
            } else {
                sw.set_entry(e as u128, stub);
            }
            stubs.push((stub, e));
        }
        if let Some(stub) = start_stub {
            let others = self.b.create_block();
            let is_start = self
                .b
                .ins()
                .icmp_imm_s(IntCC::Equal, entry_pc, f.start as i64);
            self.b.ins().brif(is_start, stub, &[], others, &[]);
            self.b.switch_to_block(others);
        }
        sw.emit(&mut self.b, entry_pc, bad_entry);
        for (stub, e) in stubs {
            self.b.switch_to_block(stub);
            self.b.set_srcloc(SourceLoc::new(e));
            self.reload(self.flow.live_in[&e] & !self.args);
            self.b.ins().jump(self.blocks[&e], &[]);
        }
        self.b.switch_to_block(bad_entry);
        let v = self.b.ins().uextend(types::I64, entry_pc);
        let v = self.b.ins().bor_imm_s(v, reason(ExitReason::Lookup));
        self.return_synced(v, None);

        // Per-site target tables cost sites × targets CFG edges.
        let sites = f
            .blocks
            .iter()
            .filter(|s| {
                let b = self.prog.blocks[s];
                matches!(b.term, Term::Indirect { link: false }) && !self.code.ends_in_return(&b)
            })
            .count();
        self.per_site_dispatch = sites * f.lowered_indirect_targets().len() <= PER_SITE_EDGE_BUDGET;
        let starts: Vec<u32> = f.lowered_blocks().collect();
        // How often the function's most run block ran, against which the
        // others are rare ([`Hints::is_rare`]).
        let hottest = self.hints.map_or(0, |h| h.hottest(&starts));
        // The fall-through successors of backward branches (a loop's
        // exit) stay where they are however rarely they ran: Cranelift
        // puts the edge back to the loop's head right after the branch,
        // and with the exit elsewhere the back edge costs a `jcc` to the
        // exit and a `jmp` to the head instead of one `jcc`
        // (strings: +0.4% host instructions).
        let exits_loop: HashSet<u32> = starts
            .iter()
            .filter_map(|&s| {
                let b = self.prog.blocks[&s];
                matches!(b.term, Term::Branch { taken } if taken <= b.start).then_some(b.end)
            })
            .collect();
        self.explain.inlined_sites += f.inlined.calls.len() as u64;
        self.explain.inlined_callees += f.inlined.returns.len() as u64;
        self.explain.functions += 1;
        if !f.inlined.absorbed.is_empty() {
            let n = f
                .inlined
                .absorbed
                .iter()
                .map(|&a| crate::inline::own_insns(self.prog, self.prog.owner(a)))
                .sum();
            self.explain
                .regions
                .push((f.start, f.inlined.absorbed.clone(), n));
        }
        if let Some(h) = self.hints {
            if starts.iter().all(|&s| h.is_cold(s)) {
                self.explain.cold_functions += 1;
            }
        }
        self.plan_dispatch_copies();
        for s in starts {
            let blk = self.blocks[&s];
            self.b.switch_to_block(blk);
            if let Some((function, true)) = self.outline {
                // A twin ([`ColdPolicy::Outline`]) hands back to its
                // function at a block that ran and that the function can
                // be entered at, once [`TWIN_STAY_BLOCKS`] such blocks
                // have passed since the last one that never ran; until
                // then it runs them itself.
                let hot = self.hints.is_some_and(|h| !h.is_cold(s));
                if !hot {
                    let zero = self.b.ins().iconst(types::I32, 0);
                    self.b.def_var(self.streak_var, zero);
                } else if f.entries.binary_search(&s).is_ok() {
                    let n = self.b.use_var(self.streak_var);
                    let n = self.b.ins().iadd_imm_s(n, 1);
                    self.b.def_var(self.streak_var, n);
                    let done = self.b.ins().icmp_imm_s(
                        IntCC::UnsignedGreaterThanOrEqual,
                        n,
                        TWIN_STAY_BLOCKS,
                    );
                    let back = self.b.create_block();
                    let body = self.b.create_block();
                    self.b.ins().brif(done, back, &[], body, &[]);
                    self.b.switch_to_block(back);
                    self.start_exit_block(s);
                    self.tail_call(function, s);
                    self.b.switch_to_block(body);
                }
                self.lower_block(s);
                continue;
            }
            self.explain.blocks += 1;
            if self.hints.is_some_and(|h| h.is_rare(s, hottest)) && !exits_loop.contains(&s) {
                // Ran, but rarely: out of the hot path too (Cranelift
                // emits cold blocks after all the others).
                self.b.set_cold_block(blk);
                self.explain.rare_blocks += 1;
            }
            if let Some(h) = self.hints.filter(|h| h.is_cold(s)) {
                // Never ran in the profile: out of the hot path, in the
                // function's twin, or not compiled at all (the dispatcher
                // runs it on the JIT).
                self.b.set_cold_block(blk);
                let b = self.prog.blocks[&s];
                self.explain.cold_blocks += 1;
                self.explain.cold_insns += ((b.end - b.start) / 4) as u64;
                if let Some((twin, false)) = self.outline {
                    self.explain.outlined_blocks += 1;
                    self.start_exit_block(s);
                    self.tail_call(twin, s);
                    continue;
                }
                if h.cold == ColdPolicy::Jit {
                    self.explain.jit_blocks += 1;
                    self.start_exit_block(s);
                    self.exit_const(ExitReason::None, s);
                    continue;
                }
            }
            self.lower_block(s);
        }
        for peel in std::mem::take(&mut self.peels) {
            self.copies = peel.blocks.iter().copied().collect();
            self.peel_heads.extend(peel.blocks.iter().copied());
            self.known_lr = Some(peel.lr);
            for &(s, blk) in &peel.blocks {
                self.b.switch_to_block(blk);
                self.lower_block(s);
            }
        }
        self.copies.clear();
        self.known_lr = None;
        for copy in std::mem::take(&mut self.dispatch_copies) {
            self.copies = copy.iter().copied().collect();
            self.peel_heads.extend(copy.iter().copied());
            for (t, blk) in copy {
                self.b.switch_to_block(blk);
                self.lower_block(t);
            }
        }
        self.copies.clear();
        self.dispatch_start = self.b.func.layout.blocks().count();
        self.lower_dispatch();
    }

    /// With a profile: each Cranelift block's loop depth for the register
    /// allocator (indexed by block number; see [`crate::spill_weights`]).
    /// A block started while a guest block was lowered gets the depth of
    /// that block's count, one laid out as cold gets 0, and the dispatch's
    /// blocks the deepest of their predecessors (they run when those jump
    /// through them).
    fn profile_depths(&self) -> Option<Vec<u32>> {
        let h = self.hints?;
        let f = &self.prog.functions[self.fidx];
        let hottest = h.hottest(&f.lowered_blocks().collect::<Vec<_>>());
        let depth = |s: u32| crate::spill_weights::depth_for_count(h.count(s), hottest);
        let mut heads: HashMap<Block, u32> = self.blocks.iter().map(|(&s, &b)| (b, s)).collect();
        heads.extend(self.peel_heads.iter().map(|&(s, b)| (b, s)));
        let func = &*self.b.func;
        let cfg = cranelift_codegen::flowgraph::ControlFlowGraph::with_function(func);
        let mut depths = vec![0u32; func.dfg.num_blocks()];
        // Before the first guest block: the entry switch, which runs once
        // per call (at most as often as the first block). Not the entries'
        // counts: those blocks run mostly from inside (Lua with a profile,
        // bench-small, levels of 4 from depth 8: 1788M host instructions
        // at the hottest entry's depth, 1723M at the first block's, 1780M
        // without these depths).
        let mut cur = depth(f.start);
        for (i, b) in func.layout.blocks().enumerate() {
            if let Some(&s) = heads.get(&b) {
                cur = depth(s);
            }
            depths[b.index()] = if func.layout.is_cold(b) {
                0
            } else if i >= self.dispatch_start {
                cfg.pred_iter(b)
                    .map(|p| depths[p.block.index()])
                    .max()
                    .unwrap_or(0)
            } else {
                cur
            };
        }
        Some(depths)
    }

    // ---- registers -------------------------------------------------------

    /// The f64-resident pair holding register `r`, if any.
    fn resident(&self, r: u8) -> Option<u8> {
        let p = r & !1;
        (r < 32 && self.f64_pairs & (1 << p) != 0).then_some(p)
    }

    /// Is `r` the first register of an f64-resident pair?
    fn is_f64_pair(&self, r: u8) -> bool {
        r & 1 == 0 && self.resident(r).is_some()
    }

    /// The current value of f64-resident pair `p`: its variable with the
    /// pending halves inserted (the variable is left as it is).
    fn pair_now(&mut self, p: u8) -> Value {
        let pend = self.pending.iter().find(|e| e.0 == p).copied();
        let (lo, hi) = match pend {
            None => return self.b.use_var(self.fvars[p as usize]),
            Some((_, lo, hi)) => (lo, hi),
        };
        let lo = lo.map(|v| self.b.ins().uextend(types::I64, v));
        let hi = hi.map(|v| {
            let v = self.b.ins().uextend(types::I64, v);
            self.b.ins().ishl_imm_s(v, 32)
        });
        let bits = match (lo, hi) {
            (Some(lo), Some(hi)) => self.b.ins().bor(lo, hi),
            (lo, hi) => {
                let old = self.b.use_var(self.fvars[p as usize]);
                let old = self.b.ins().bitcast(types::I64, MemFlagsData::new(), old);
                let (keep, new) = match (lo, hi) {
                    (Some(lo), _) => (0xFFFF_FFFF_0000_0000u64, lo),
                    (_, Some(hi)) => (0xFFFF_FFFF, hi),
                    _ => unreachable!("a pending entry has a half"),
                };
                let kept = self.b.ins().band_imm_s(old, keep as i64);
                self.b.ins().bor(kept, new)
            }
        };
        self.b.ins().bitcast(types::F64, MemFlagsData::new(), bits)
    }

    /// Inserts the pending halves of pair `p` into its variable.
    fn flush_pair(&mut self, p: u8) {
        if self.pending.iter().any(|e| e.0 == p) {
            let v = self.pair_now(p);
            self.pending.retain(|e| e.0 != p);
            self.b.def_var(self.fvars[p as usize], v);
        }
    }

    /// Inserts every pending half (before control leaves the guest block).
    fn flush_pairs(&mut self) {
        while let Some(&(p, _, _)) = self.pending.first() {
            self.flush_pair(p);
        }
    }

    /// Turns [`Self::mem_cache`] on for an instruction whose lowering is
    /// straight-line code (its values then dominate the rest of the
    /// block), or else checks that it is empty and turns it off: code with
    /// branches of its own may read or write a register on one path only.
    /// ([`dead_writes`] ends a run of writes at such an instruction, so
    /// nothing is left unstored there.)
    fn cache_mem(&mut self, on: bool) {
        if !on {
            debug_assert!(self.mem_cache.iter().all(|e| !matches!(e, Some((_, true)))));
            self.mem_cache = [None; 32];
        }
        self.mem_cache_on = on;
    }

    /// The `CpuState` pointer, read once at entry and after each guest
    /// call into a variable, and never held across a call (where it would
    /// cost every callee a callee-saved register's save and restore).
    /// In memory it comes from Cranelift's pinned register (r15 on
    /// x86-64), set by the adapter. In executables it is at a fixed
    /// address ([`Decls::fixed_state`]) and r15 is free: the variable is
    /// loaded from the state page's copy of its own address (a load, so
    /// that Cranelift keeps it in a register rather than rematerializing
    /// the constant in every block), and in the largest functions
    /// ([`STATE_CONST_BLOCKS`]) the pointer is that constant instead.
    fn state(&mut self) -> Value {
        match self.fixed_state {
            Some(a) if self.state_const => self.b.ins().iconst(types::I64, a as i64),
            _ => self.b.use_var(self.state_var),
        }
    }

    fn load_state(&mut self, ty: types::Type, off: i32) -> Value {
        let st = self.state();
        self.b.ins().load(ty, self.state_flags.at(off), st, off)
    }

    /// A 32-bit word of `CpuState`, zero-extended to 64 bits.
    fn load_state_wide(&mut self, off: i32) -> Value {
        let st = self.state();
        self.b.ins().uload32(self.state_flags.at(off), st, off)
    }

    fn store_state(&mut self, v: Value, off: i32) {
        let st = self.state();
        self.b.ins().store(self.state_flags.at(off), v, st, off);
    }

    /// (Re)defines the state and memory base variables, at entry and
    /// after each guest call.
    fn reload_state_and_mem(&mut self) {
        match self.fixed_state {
            None => {
                let st = self.b.ins().get_pinned_reg(types::I64);
                self.b.def_var(self.state_var, st);
            }
            Some(a) if !self.state_const => {
                let at = self.b.ins().iconst(
                    types::I64,
                    a as i64 + fast32_aot_runtime::STATE_SELF_OFFSET as i64,
                );
                let st = self.b.ins().load(types::I64, TRUSTED, at, 0);
                self.b.def_var(self.state_var, st);
            }
            Some(_) => {}
        }
        if self.fixed_mem_base.is_none() {
            let v = self.load_state(types::I64, offsets::MEM_BASE);
            self.b.def_var(self.mem_var, v);
        }
    }

    /// The host address of guest address 0: a constant when memory is at
    /// a fixed place (then a guest access is one instruction with the
    /// base as displacement), else loaded at entry and after each call.
    fn mem(&mut self) -> Value {
        match self.fixed_mem_base {
            Some(b) => self.b.ins().iconst(types::I64, b as i64),
            None => self.b.use_var(self.mem_var),
        }
    }

    fn reg(&mut self, r: u8) -> Value {
        if r == 0 || r >= 32 {
            self.b.ins().iconst(types::I32, 0)
        } else if let Some(p) = self.resident(r) {
            let high = r != p;
            if let Some(&(_, lo, hi)) = self.pending.iter().find(|e| e.0 == p) {
                if let Some(v) = if high { hi } else { lo } {
                    return v;
                }
            }
            let v = self.b.use_var(self.fvars[p as usize]);
            let bits = self.b.ins().bitcast(types::I64, MemFlagsData::new(), v);
            let bits = if high {
                self.b.ins().ushr_imm_s(bits, 32)
            } else {
                bits
            };
            self.b.ins().ireduce(types::I32, bits)
        } else if self.in_mem & (1 << r) != 0 {
            if let Some((v, _)) = self.mem_cache[r as usize] {
                return v;
            }
            let v = self.load_state(types::I32, offsets::reg(r));
            if self.mem_cache_on {
                self.mem_cache[r as usize] = Some((v, false));
            }
            v
        } else {
            let w = self.b.use_var(self.vars[r as usize]);
            let v = self.b.ins().ireduce(types::I32, w);
            self.narrowed.insert(v, w);
            v
        }
    }

    /// `v` (32 bits) zero-extended to 64. A register variable's own value
    /// needs no instruction; the results of 32-bit arithmetic need none on
    /// x86-64 either (Cranelift knows those instructions zero the upper
    /// half), anything else a move.
    fn widen(&mut self, v: Value) -> Value {
        match self.narrowed.get(&v) {
            Some(&w) => w,
            None => self.b.ins().uextend(types::I64, v),
        }
    }

    fn set(&mut self, r: u8, v: Value) {
        if r != 0 && r < 32 {
            self.invalidate_f64(r);
            if let Some(p) = self.resident(r) {
                let high = r != p;
                let k = match self.pending.iter().position(|e| e.0 == p) {
                    Some(k) => k,
                    None => {
                        self.pending.push((p, None, None));
                        self.pending.len() - 1
                    }
                };
                if high {
                    self.pending[k].2 = Some(v);
                } else {
                    self.pending[k].1 = Some(v);
                }
                self.dirty |= 1 << r;
                return;
            }
            if self.in_mem & (1 << r) != 0 {
                if self.mem_cache_on && self.dead_write {
                    self.mem_cache[r as usize] = Some((v, true));
                } else {
                    self.mem_cache[r as usize] = self.mem_cache_on.then_some((v, false));
                    self.store_state(v, offsets::reg(r));
                }
                return;
            }
            let w = self.widen(v);
            self.b.def_var(self.vars[r as usize], w);
            self.dirty |= 1 << r;
        }
    }

    /// Sets register `r` to `w`, a 64-bit value whose upper half is zero
    /// (a zero-extending load).
    fn set64(&mut self, r: u8, w: Value) {
        // Its low half, known to widen back to `w` (a register variable
        // takes `w` itself; the other homes of a register take 32 bits).
        let v = self.b.ins().ireduce(types::I32, w);
        self.narrowed.insert(v, w);
        self.set(r, v);
    }

    /// Stores the dirty registers but the returned ones to `CpuState`
    /// (before a return: the [`Abi::rets`] travel as return values).
    fn writeback(&mut self) {
        self.store_dirty(!self.rets);
    }

    /// Stores the dirty registers but the arguments to `CpuState` (before
    /// a call: the [`Abi::args`] travel as arguments). Afterwards
    /// `CpuState` holds every register but the arguments.
    fn writeback_call(&mut self) {
        self.store_dirty(!self.args);
    }

    /// [`Self::writeback_call`] before the guest continues at `resume`
    /// (if known): registers dead there are not stored.
    fn writeback_call_at(&mut self, resume: Option<u32>) {
        let live = self.live_at(resume);
        self.store_dirty(!self.args & live);
    }

    /// The registers live at guest address `pc` ([`Decls::live`]); all
    /// when unknown.
    fn live_at(&self, pc: Option<u32>) -> u32 {
        match (pc, self.live) {
            (Some(pc), Some(l)) => l.at(pc),
            _ => crate::liveness::ALL,
        }
    }

    /// A dirty f64-resident pair is stored whole (8 bytes; its value may
    /// have pending halves: inserted here without changing the variable,
    /// for exits in the middle of a guest block).
    fn store_dirty(&mut self, mask: u32) {
        // Written memory registers (an exit inside the guest block: their
        // entries stay dirty for the block's own path).
        for r in 1..32u8 {
            if let Some((v, true)) = self.mem_cache[r as usize] {
                self.store_state(v, offsets::reg(r));
            }
        }
        let paired = paired_mask(self.f64_pairs);
        for p in (2..32u8).step_by(2) {
            if self.f64_pairs & (1 << p) != 0 && self.dirty & mask & (0b11 << p) != 0 {
                let v = self.pair_now(p);
                self.store_state(v, offsets::reg(p));
            }
        }
        for r in 1..32u8 {
            if self.dirty & !self.in_mem & !paired & mask & (1 << r) != 0 {
                let v = self.b.use_var(self.vars[r as usize]);
                let st = self.state();
                self.b
                    .ins()
                    .istore32(self.state_flags.at(offsets::reg(r)), v, st, offsets::reg(r));
            }
        }
    }

    /// Loads the registers in `mask` from `CpuState` (nothing is dirty
    /// afterwards).
    ///
    /// An f64-resident pair with a half in `mask` is loaded whole, as two
    /// words combined: whoever stored it last (a caller, a callee, the
    /// dispatcher) may have stored two words, and an 8-byte load right
    /// after two 4-byte stores misses store forwarding (measured 25%
    /// slower on the float benchmark), while 4-byte loads after an 8-byte
    /// store forward. Nothing is pending here: calls flush first.
    fn reload(&mut self, mask: u32) {
        debug_assert!(self.pending.is_empty(), "pending halves at a reload");
        self.dirty = 0;
        let paired = paired_mask(self.f64_pairs);
        for p in (2..32u8).step_by(2) {
            if self.f64_pairs & (1 << p) != 0 && mask & (0b11 << p) != 0 {
                let mut word = |r: u8| self.load_state(types::I32, offsets::reg(r));
                let (lo, hi) = (word(p), word(p + 1));
                self.pending.push((p, Some(lo), Some(hi)));
                self.flush_pair(p);
            }
        }
        for r in 1..32u8 {
            if mask & !self.in_mem & !paired & (1 << r) != 0 {
                let v = self.load_state_wide(offsets::reg(r));
                self.b.def_var(self.vars[r as usize], v);
            }
        }
    }

    // ---- exits -------------------------------------------------------------

    /// Returns `result` with the returned registers from their variables
    /// (after [`Self::writeback`]).
    fn return_vars(&mut self, result: Value) {
        let mut vals = vec![result];
        for k in 0..self.abi.rets.len() {
            let r = self.abi.rets[k];
            vals.push(self.b.use_var(self.vars[r as usize]));
        }
        self.b.ins().return_(&vals);
    }

    /// Returns `result` when `CpuState` holds every register but the
    /// arguments (after [`Self::writeback_call`], or at entry): the other
    /// returned registers are read from there.
    ///
    /// With `resume`, the guest continues there (a `None` exit): a
    /// register dead there is returned as 0.
    fn return_synced(&mut self, result: Value, resume: Option<u32>) {
        let dead = !self.live_at(resume);
        let mut vals = vec![result];
        for k in 0..self.abi.rets.len() {
            let r = self.abi.rets[k];
            vals.push(if dead & (1 << r) != 0 {
                self.b.ins().iconst(types::I64, 0)
            } else if self.args & (1 << r) != 0 {
                self.b.use_var(self.vars[r as usize])
            } else {
                self.load_state_wide(offsets::reg(r))
            });
        }
        self.b.ins().return_(&vals);
    }

    /// Leaves for the dispatcher (a cold path: everything goes through
    /// `CpuState`).
    fn ret_const(&mut self, why: ExitReason, pc: u32) {
        let resume = (why == ExitReason::None).then_some(pc);
        self.writeback_call_at(resume);
        let v = self.b.ins().iconst(types::I64, reason(why) | pc as i64);
        self.return_synced(v, resume);
    }

    fn ret_dyn(&mut self, pc: Value) {
        let v = self.b.ins().uextend(types::I64, pc);
        self.return_vars(v);
    }

    fn exit_const(&mut self, why: ExitReason, pc: u32) {
        self.ret_const(why, pc);
    }

    fn store_state_u32(&mut self, off: i32, v: u32) {
        let c = self.b.ins().iconst(types::I32, v as i64);
        self.store_state(c, off);
    }

    fn exit_trap(&mut self, kind: TrapKind, pc: u32, addr: u32, aux: u32) {
        self.store_state_u32(offsets::TRAP_KIND, kind as u32);
        self.store_state_u32(offsets::TRAP_ADDR, addr);
        self.store_state_u32(offsets::AUX, aux);
        self.ret_const(ExitReason::Trap, pc);
    }

    // ---- control flow --------------------------------------------------

    /// A copy, for the call site returning to `ret_pc`, of the entry
    /// block of the callee at `target` if it returns, or else of it and
    /// of its successor that returns (a leaf path: `if n < 2 return n`),
    /// if it has one; `None` to enter the callee's own blocks. In the
    /// copy the link register is known,
    /// so its return is a jump to `ret_pc`: no compare chain over the
    /// callee's return sites, whose outcome (which call a recursion
    /// returns to) the host's branch predictor cannot foresee. Both
    /// blocks must be small, write no link register, and be hot where a
    /// profile says.
    fn peel(&mut self, target: u32, ret_pc: u32) -> Option<Block> {
        if self.known_lr.is_some()
            || self.peels.len() >= MAX_PEELS
            || matches!(self.outline, Some((_, true)))
        {
            return None;
        }
        let simple = |l: &Self, s: u32| -> Option<crate::discover::Block> {
            let b = *l.prog.blocks.get(&s)?;
            let local = l.prog.is_local(l.fidx, s) && l.blocks.contains_key(&s);
            let cold = l.hints.is_some_and(|h| h.is_cold(s));
            let small = (b.end - b.start) / 4 <= MAX_PEEL_INSNS;
            let keeps_lr = (b.start..b.end).step_by(4).all(|pc| {
                l.code
                    .inst(pc)
                    .is_some_and(|i| inst_regs(&i).1 & (1 << fast32_isa::REG_LR) == 0)
            });
            (local && !cold && small && keeps_lr).then_some(b)
        };
        let entry = simple(self, target)?;
        let mut starts = vec![target];
        if !self.code.ends_in_return(&entry) {
            let Term::Branch { taken } = entry.term else {
                return None;
            };
            let returns = |t: u32| {
                t != target
                    && self
                        .prog
                        .blocks
                        .get(&t)
                        .is_some_and(|b| self.code.ends_in_return(b))
            };
            let leaf = [taken, entry.end].into_iter().find(|&t| returns(t))?;
            simple(self, leaf)?;
            starts.push(leaf);
        }
        let blocks: Vec<(u32, Block)> = starts
            .into_iter()
            .map(|s| (s, self.b.create_block()))
            .collect();
        let copy = blocks[0].1;
        self.peels.push(Peel { blocks, lr: ret_pc });
        self.explain.peeled_returns += 1;
        Some(copy)
    }

    /// The block of `t` if this function owns it (while a copy is
    /// lowered, the copy's own block of `t` if it has one).
    fn local_block(&self, t: u32) -> Option<Block> {
        if let Some(&b) = self.copies.get(&t) {
            return Some(b);
        }
        if self.prog.is_local(self.fidx, t) {
            self.blocks.get(&t).copied()
        } else {
            None
        }
    }

    /// The call arguments for entering guest address `t`.
    fn call_args(&mut self, t: Value) -> Vec<Value> {
        let mut args = vec![t];
        for k in 0..self.abi.args.len() {
            let r = self.abi.args[k];
            args.push(self.b.use_var(self.vars[r as usize]));
        }
        args
    }

    /// The call arguments for entering known guest address `t` (value
    /// `tv`): a register dead there (read by nothing before it is
    /// written, [`crate::liveness`]) is passed as 0. Its value is then
    /// not kept alive up to here: an interpreter loop's jump-table
    /// registers, for example, or a second argument register a callee
    /// never reads.
    fn call_args_at(&mut self, tv: Value, t: u32) -> Vec<Value> {
        let mut args = self.call_args(tv);
        let dead = !self.live_at(Some(t));
        for k in 0..self.abi.args.len() {
            if dead & (1 << self.abi.args[k]) != 0 {
                args[k + 1] = self.b.ins().iconst(types::I64, 0);
            }
        }
        args
    }

    /// Emits a transfer to guest address `t` (the current block ends).
    fn edge(&mut self, t: u32) {
        if let Some(blk) = self.local_block(t) {
            if t <= self.cur_block {
                self.poll_interrupt(t);
            }
            let blk = self.dispatch_copy(t).unwrap_or(blk);
            self.b.ins().jump(blk, &[]);
            return;
        }
        if !self.prog.blocks.contains_key(&t) {
            // Not discovered (or not executable): the dispatcher decides.
            self.exit_const(ExitReason::None, t);
            return;
        }
        // A jump into another function: a tail call (its result is ours;
        // the host stack does not grow).
        let fref = self.func_refs[&self.prog.owner(t)];
        self.tail_call(fref, t);
    }

    /// Continues at guest address `t` in function `fref` (entered there):
    /// the dirty registers stored but the arguments, which it is passed.
    fn tail_call(&mut self, fref: FuncRef, t: u32) {
        self.writeback_call_at(Some(t));
        let tv = self.b.ins().iconst(types::I32, t as i64);
        let args = self.call_args_at(tv, t);
        self.b.ins().return_call(fref, &args);
    }

    /// Begins the block of guest block `s` when it is only an exit (the
    /// state it is entered with, without lowering its code).
    fn start_exit_block(&mut self, s: u32) {
        self.cur_block = s;
        self.b.set_srcloc(SourceLoc::new(s));
        self.dirty = self.flow.dirty_in[&s];
    }

    /// On a loop back-edge of interruptible code: leave (with the
    /// registers written back) if the machine's interrupt flag is set, so
    /// that `--timeout` stops compiled loops.
    fn poll_interrupt(&mut self, t: u32) {
        let Some(gv) = self.interrupt_gv else { return };
        let slot = self.b.ins().symbol_value(types::I64, gv);
        let flag = self.b.ins().load(types::I64, TRUSTED, slot, 0);
        // Atomic: another thread sets it, and alias analysis must not
        // take this read for an earlier one.
        let set = self.b.ins().atomic_load(types::I8, TRUSTED, flag);
        let stop = self.b.create_block();
        let cont = self.b.create_block();
        self.b.set_cold_block(stop);
        self.b.ins().brif(set, stop, &[], cont, &[]);
        self.b.switch_to_block(stop);
        let dirty = self.dirty;
        self.exit_const(ExitReason::InstructionLimit, t);
        self.dirty = dirty;
        self.b.switch_to_block(cont);
    }

    /// With a profile, a copy for the current block of the dispatch chain
    /// at `t` (a small block ending in an indirect jump through a table:
    /// an interpreter's fetch, decode and jump, and maybe a short block
    /// before it), if [`Self::plan_dispatch_copies`] chose the edge. Each
    /// copy's table jump is an indirect branch of its own, which the host
    /// predicts from where it is (see [`DISPATCH_COPY_MAX_INSNS`]).
    fn dispatch_copy(&mut self, t: u32) -> Option<Block> {
        if !self.copies.is_empty() || self.known_lr.is_some() {
            return None;
        }
        let chain = self.copy_plan.get(&(self.cur_block, t))?.clone();
        let copy: Vec<(u32, Block)> = chain.iter().map(|&c| (c, self.b.create_block())).collect();
        let blk = copy[0].1;
        let start = self.prog.functions[self.fidx].start;
        self.explain
            .dispatch_copies
            .push((start, chain[0], chain[chain.len() - 1]));
        self.dispatch_copies.push(copy);
        Some(blk)
    }

    /// Chooses the edges that get a copy of the dispatch chain at their
    /// target ([`Self::dispatch_copy`]): from blocks that ran at least
    /// 1/[`DISPATCH_COPY_MIN_SHARE`] as often as the target, to a target
    /// with other predecessors, most run first, up to
    /// [`MAX_DISPATCH_COPIES`] copies and [`DISPATCH_COPY_TABLE_BYTES`] of
    /// the host jump tables they bring.
    fn plan_dispatch_copies(&mut self) {
        let Some(h) = self.hints else {
            return;
        };
        if self.outline.is_some_and(|o| o.1) {
            return;
        }
        let f = &self.prog.functions[self.fidx];
        let mut preds: HashMap<u32, u32> = HashMap::new();
        let mut edges = Vec::new();
        for p in f.lowered_blocks() {
            let b = &self.prog.blocks[&p];
            if !matches!(
                b.term,
                Term::Branch { .. } | Term::Fallthrough | Term::Jump { link: false, .. }
            ) {
                continue;
            }
            let mut succ = b.successors();
            succ.sort_unstable();
            succ.dedup();
            for t in succ {
                *preds.entry(t).or_default() += 1;
                edges.push((p, t));
            }
        }
        let mut candidates = Vec::new();
        for (p, t) in edges {
            let (n, from) = (h.count(t), h.count(p));
            if p == t
                || h.is_cold(p)
                || preds.get(&t).copied().unwrap_or(0) < 2
                || from.saturating_mul(DISPATCH_COPY_MIN_SHARE) < n
            {
                continue;
            }
            let Some(chain) =
                self.dispatch_chain(h, t, DISPATCH_COPY_CHAIN_INSNS, DISPATCH_COPY_DEPTH)
            else {
                continue;
            };
            let bytes = self.dispatch_table_bytes(chain[chain.len() - 1]);
            candidates.push((from, p, t, bytes, chain));
        }
        candidates.sort_by_key(|c| (std::cmp::Reverse(c.0), c.1, c.2));
        let mut bytes = 0;
        for (_, p, t, b, chain) in candidates {
            if self.copy_plan.len() >= MAX_DISPATCH_COPIES {
                break;
            }
            if bytes + b > DISPATCH_COPY_TABLE_BYTES {
                continue;
            }
            bytes += b;
            self.copy_plan.insert((p, t), chain);
        }
    }

    /// About how many bytes of host jump table a copy of the dispatch
    /// block at `d` brings: 4 per entry of a read-only table jump, or of
    /// the function's target table when it switches with one.
    fn dispatch_table_bytes(&self, d: u32) -> u64 {
        let b = &self.prog.blocks[&d];
        if let Some(tj) = crate::jumptable::recognize(self.code, b.start, b.end - 4) {
            return 4 * tj.targets.len() as u64;
        }
        let targets = self.prog.functions[self.fidx].lowered_indirect_targets();
        match (targets.first(), targets.last()) {
            (Some(&lo), Some(&hi)) if targets.len() > SWITCH_TREE_MAX_TARGETS => {
                (hi - lo) as u64 + 4
            }
            _ => 16 * targets.len() as u64,
        }
    }

    /// Is the block at `t` a dispatch ([`Self::dispatch_copy`])?
    fn is_dispatch_block(&self, h: &Hints, t: u32) -> bool {
        let Some(b) = self.prog.blocks.get(&t) else {
            return false;
        };
        if !self.prog.is_local(self.fidx, t)
            || !matches!(b.term, Term::Indirect { link: false })
            || self.code.ends_in_return(b)
            || (b.end - b.start) / 4 > DISPATCH_COPY_MAX_INSNS
            || h.is_cold(t)
        {
            return false;
        }
        crate::jumptable::recognize(self.code, b.start, b.end - 4).is_some()
            || !self.prog.functions[self.fidx]
                .lowered_indirect_targets()
                .is_empty()
    }

    /// The blocks from `t` to a dispatch block: `t` itself, or short
    /// blocks on the way (a handler's common tail), at most `depth` of
    /// them and `left` guest instructions, the hotter successor first.
    fn dispatch_chain(&self, h: &Hints, t: u32, left: u32, depth: u32) -> Option<Vec<u32>> {
        if self.is_dispatch_block(h, t) {
            return Some(vec![t]);
        }
        let b = self.prog.blocks.get(&t)?;
        let n = (b.end - b.start) / 4;
        if depth == 0
            || n > left
            || !self.prog.is_local(self.fidx, t)
            || h.is_cold(t)
            || !matches!(
                b.term,
                Term::Branch { .. } | Term::Fallthrough | Term::Jump { link: false, .. }
            )
        {
            return None;
        }
        let mut succ = b.successors();
        succ.sort_by_key(|&x| std::cmp::Reverse(h.count(x)));
        succ.into_iter().filter(|&x| x != t).find_map(|x| {
            let mut c = self.dispatch_chain(h, x, left - n, depth - 1)?;
            if c.contains(&t) {
                return None;
            }
            c.insert(0, t);
            Some(c)
        })
    }

    /// A block that performs `edge(t)`; local blocks directly (except
    /// back-edges of interruptible code, which poll first).
    fn edge_block(&mut self, t: u32, pending: &mut Vec<(Block, u32)>) -> Block {
        if let Some(blk) = self.local_block(t) {
            if t > self.cur_block || self.interrupt_gv.is_none() {
                return self.dispatch_copy(t).unwrap_or(blk);
            }
        }
        let blk = self.b.create_block();
        pending.push((blk, t));
        blk
    }

    fn fill_pending(&mut self, pending: Vec<(Block, u32)>) {
        let dirty = self.dirty;
        for (blk, t) in pending {
            self.b.switch_to_block(blk);
            self.dirty = dirty;
            self.edge(t);
        }
    }

    /// Is the host stack below the limit the dispatcher set (no room for
    /// another native call)?
    fn stack_low(&mut self) -> Value {
        let sp = self.b.ins().get_stack_pointer(types::I64);
        let limit = self.load_state(types::I64, offsets::RSP_LIMIT);
        self.b.ins().icmp(IntCC::UnsignedLessThan, sp, limit)
    }

    /// After a call returned `res` (result word, returned registers):
    /// take the returned registers, reload the others live at `ret_pc`,
    /// continue at `ret_pc` if that is where the callee returned to, else
    /// pass `res` up.
    fn after_call(&mut self, res: Vec<Value>, ret_pc: u32) {
        self.reload_state_and_mem();
        self.reload_for_return(ret_pc);
        for (k, &r) in self.abi.rets.iter().enumerate() {
            self.b.def_var(self.vars[r as usize], res[k + 1]);
        }
        let v = res[0];
        let ok = self.b.ins().icmp_imm_s(IntCC::Equal, v, ret_pc as i64);
        let mut pending = Vec::new();
        let cont = self.edge_block(ret_pc, &mut pending);
        let other = self.b.create_block();
        self.b.ins().brif(ok, cont, &[], other, &[]);
        self.b.switch_to_block(other);
        self.b.ins().return_(&res);
        self.fill_pending(pending);
    }

    /// After a call that synced `CpuState` ([`Self::writeback_call`]):
    /// reloads the registers live at the return site `ret_pc` but the
    /// returned ones (which come back in host registers, or were not
    /// touched). `CpuState` is then stale for returned registers that are
    /// not arguments of the next call.
    fn reload_for_return(&mut self, ret_pc: u32) {
        let live = match self.local_block(ret_pc) {
            Some(_) => self.flow.live_in[&ret_pc],
            None => 0,
        };
        self.reload(live & !self.rets);
        self.dirty = self.rets & !self.args;
    }

    /// At a call site [`crate::intrinsics`] replaced: calls the native
    /// code (the C library after an inline range test, else the helper;
    /// a string scan) and, if it did the work, sets rv and the routine's
    /// modeled registers and continues at the return site; otherwise (and
    /// at any other site) the current block is where the guest call
    /// follows. A division is done inline and always
    /// succeeds: returns true, and the guest call is not lowered.
    fn call_intrinsic(&mut self, pc: u32, ret_pc: u32) -> bool {
        let Some((x, helpers, regions, direct)) = &self.intrinsics else {
            return false;
        };
        let Some(site) = x.plan.sites.get(&pc) else {
            return false;
        };
        let (x, regions, site) = (*x, *regions, *site);
        let find =
            |refs: &[(IntrinsicOp, FuncRef)]| refs.iter().find(|r| r.0 == site.op).map(|r| r.1);
        let (direct, helper) = (find(direct), find(helpers));
        let model = x
            .plan
            .routines
            .iter()
            .find(|r| r.start == site.routine)
            .into_iter()
            .flat_map(|r| r.model.iter().copied())
            .filter(|m| site.model_live & (1 << m.0) != 0)
            .collect::<Vec<_>>();
        if let Some((zero, rem)) = site.op.divide() {
            self.divide_inline(zero, rem, &model, pc);
            self.edge(ret_pc);
            return true;
        }
        let f = direct.expect("a direct routine is declared for every planned operation");
        // No register is stored: if the native code does the work,
        // execution goes on at the return site with registers in their
        // variables (the ones the guest routine would clobber are set as
        // it leaves them, or dead there, see `crate::intrinsics`), else
        // the call syncs them as any call.
        let (a0, a1, a2) = (self.reg(3), self.reg(4), self.reg(5));
        let mem = self.mem();
        // Where the native code did the work: its result in the low word
        // of `res`.
        let fast = self.b.create_block();
        let res = self.b.append_block_param(fast, types::I64);
        let slow = self.b.create_block();
        self.b.set_cold_block(slow);
        let host = |s: &mut Self, a: Value| {
            let a = s.b.ins().uextend(types::I64, a);
            s.b.ins().iadd(mem, a)
        };
        if !site.op.is_mem() {
            // A scan over the readable bytes from each string's start
            // (none outside the intervals: the scan then declines).
            let readable = &x.plan.readable;
            let pa = host(self, a0);
            let strs = if site.op == IntrinsicOp::Strlen {
                vec![a0]
            } else {
                vec![a0, a1]
            };
            let pb = (strs.len() == 2).then(|| host(self, a1));
            // The scan's first INLINE_SCAN bytes inline when that many are
            // readable from each string: one compare per string where it
            // lies well inside the first interval (data and heap), else
            // (the stack, near an interval's end) the intervals' walk.
            // The call gets the readable length: from the walk when it
            // found too few bytes to scan inline, else (the inline scan
            // found no stop) walked for it there.
            let scan = self.b.create_block();
            let walk = self.b.create_block();
            let miss = self.b.create_block();
            let call = self.b.create_block();
            let lim = self.b.append_block_param(call, types::I64);
            match self.inside_first(&strs, readable, INLINE_SCAN as u64) {
                Some(q) => self.b.ins().brif(q, scan, &[], walk, &[]),
                None => self.b.ins().jump(walk, &[]),
            };
            self.b.switch_to_block(walk);
            let walked = self.scan_limit(&strs, readable);
            let enough = self.b.ins().icmp_imm_s(
                IntCC::UnsignedGreaterThanOrEqual,
                walked,
                INLINE_SCAN as i64,
            );
            self.b.ins().brif(enough, scan, &[], call, &[walked.into()]);
            self.b.switch_to_block(scan);
            self.inline_scan(site.op, pa, pb, fast, miss);
            self.b.switch_to_block(miss);
            let walked = self.scan_limit(&strs, readable);
            self.b.ins().jump(call, &[walked.into()]);
            self.b.switch_to_block(call);
            let call = match pb {
                None => self.b.ins().call(f, &[pa, lim]),
                Some(pb) => {
                    let op = self.b.ins().iconst(types::I32, site.op as u32 as i64);
                    self.b.ins().call(f, &[pa, pb, lim, op])
                }
            };
            let r = self.b.inst_results(call)[0];
            let done = self.b.ins().ushr_imm_s(r, 32);
            self.b.ins().brif(done, fast, &[r.into()], slow, &[]);
        } else {
            // The C library routine, when the ranges lie inside the
            // accessible intervals (checked inline; else the helper).
            let (dst, src) = (a0, a1);
            // One compare per range where it lies in the first interval
            // (data and heap), else the intervals' walk.
            let quick = self.range_in_first(dst, a2, &x.plan.writable);
            let quick = match (site.op, quick) {
                (IntrinsicOp::Memset, q) => q,
                (_, Some(q)) => self
                    .range_in_first(src, a2, &x.plan.readable)
                    .map(|r| self.b.ins().band(q, r)),
                (_, None) => None,
            };
            let walk = self.b.create_block();
            let tested = self.b.create_block();
            let ok_in = self.b.append_block_param(tested, types::I8);
            match quick {
                Some(q) => self.b.ins().brif(q, tested, &[q.into()], walk, &[]),
                None => self.b.ins().jump(walk, &[]),
            };
            self.b.switch_to_block(walk);
            let mut ok = self.within(dst, a2, &x.plan.writable);
            if site.op != IntrinsicOp::Memset {
                let r = self.within(src, a2, &x.plan.readable);
                ok = self.b.ins().band(ok, r);
            }
            self.b.ins().jump(tested, &[ok.into()]);
            self.b.switch_to_block(tested);
            let mut ok = ok_in;
            if site.op == IntrinsicOp::Memcpy {
                // Disjoint: d + n <= s or s + n <= d (64-bit sums).
                let n = self.b.ins().uextend(types::I64, a2);
                let d = self.b.ins().uextend(types::I64, dst);
                let s = self.b.ins().uextend(types::I64, src);
                let de = self.b.ins().iadd(d, n);
                let se = self.b.ins().iadd(s, n);
                let x = self.b.ins().icmp(IntCC::UnsignedLessThanOrEqual, de, s);
                let y = self.b.ins().icmp(IntCC::UnsignedLessThanOrEqual, se, d);
                let disjoint = self.b.ins().bor(x, y);
                ok = self.b.ins().band(ok, disjoint);
            }
            let call_blk = self.b.create_block();
            let helper_blk = self.b.create_block();
            self.b.set_cold_block(helper_blk);
            self.b.ins().brif(ok, call_blk, &[], helper_blk, &[]);
            self.b.switch_to_block(call_blk);
            let d = host(self, dst);
            let second = if site.op == IntrinsicOp::Memset {
                a1
            } else {
                host(self, src)
            };
            let n = self.b.ins().uextend(types::I64, a2);
            let copied = self.b.create_block();
            self.inline_small_mem(site.op, d, second, n, copied);
            self.b.ins().call(f, &[d, second, n]);
            self.b.ins().jump(copied, &[]);
            self.b.switch_to_block(copied);
            // Done, rv = dst (`fast` reads the low word only).
            let v = self.b.ins().uextend(types::I64, dst);
            self.b.ins().jump(fast, &[v.into()]);
            self.b.switch_to_block(helper_blk);
            let helper = helper.expect("a helper is declared for every memory operation planned");
            let op = self.b.ins().iconst(types::I32, site.op as u32 as i64);
            let table = self.b.ins().symbol_value(types::I64, regions);
            let call = self.b.ins().call(helper, &[op, mem, table, a0, a1, a2]);
            let r = self.b.inst_results(call)[0];
            let done = self.b.ins().ushr_imm_s(r, 32);
            self.b.ins().brif(done, fast, &[r.into()], slow, &[]);
        }
        self.b.switch_to_block(fast);
        let dirty = self.dirty;
        let rv = if site.rv == crate::intrinsics::RvMode::Result {
            self.b.ins().ireduce(types::I32, res)
        } else {
            self.reg(1)
        };
        let split = match crate::intrinsics::split_arg(site.op) {
            None => ZeroCase::Known(false),
            Some(k) => self.zero_case([a0, a1, a2][k], 3 + k as u8, pc),
        };
        let vals = self.model_values(&model, [a0, a1, a2], rv, split, None);
        let result = site.rv == crate::intrinsics::RvMode::Result;
        self.set_returned(result.then_some(rv), vals);
        self.edge(ret_pc);
        self.b.switch_to_block(slow);
        self.dirty = dirty;
        false
    }

    /// `memcpy`, `memmove` or `memset` of up to [`INLINE_MEM`] bytes
    /// inline, then a jump to `done`; larger ones continue (in a new
    /// current block) to the call. `d` is the host destination, `second`
    /// the host source or (memset) the byte value, `n` the length; the
    /// ranges were checked accessible. Every load comes before the first
    /// store, so overlapping ranges (memmove) copy right. The copies are
    /// pairs of possibly overlapping accesses, from the start and to the
    /// end (as the C library does for small sizes): a few compares pick
    /// the width instead of a call that clobbers the caller's registers.
    fn inline_small_mem(
        &mut self,
        op: IntrinsicOp,
        d: Value,
        second: Value,
        n: Value,
        done: Block,
    ) {
        let flags = self.guest_flags.with_notrap();
        let call = self.b.create_block();
        let small = self.b.create_block();
        let fits = self
            .b
            .ins()
            .icmp_imm_s(IntCC::UnsignedLessThanOrEqual, n, INLINE_MEM as i64);
        self.b.ins().brif(fits, small, &[], call, &[]);
        self.b.switch_to_block(small);
        let end_d = self.b.ins().iadd(d, n);
        let end_s = (op != IntrinsicOp::Memset).then(|| self.b.ins().iadd(second, n));
        // Widths, widest first: (bytes, type, chunks from the start).
        let widths: [(i64, types::Type, i64); 6] = [
            (32, types::I8X16, 2),
            (16, types::I8X16, 1),
            (8, types::I64, 1),
            (4, types::I32, 1),
            (2, types::I16, 1),
            (1, types::I8, 1),
        ];
        for (w, ty, chunks) in widths {
            let this = self.b.create_block();
            let next = self.b.create_block();
            let ge = self
                .b
                .ins()
                .icmp_imm_s(IntCC::UnsignedGreaterThanOrEqual, n, w);
            self.b.ins().brif(ge, this, &[], next, &[]);
            self.b.switch_to_block(this);
            // `chunks` pieces of `ty` from each end: they cover [0, n)
            // for n in [w, 2w] (a single byte: one access).
            let size = ty.bytes() as i32;
            let mut at: Vec<(bool, i32)> = (0..chunks as i32).map(|k| (false, k * size)).collect();
            if w > 1 {
                at.extend((1..=chunks as i32).map(|k| (true, -k * size)));
            }
            let loaded: Vec<Value> = match end_s {
                // memset: the byte repeated across `ty`.
                None => {
                    let c = self.b.ins().ireduce(types::I8, second);
                    let v = if ty.is_vector() {
                        self.b.ins().splat(ty, c)
                    } else if ty == types::I8 {
                        c
                    } else {
                        let c = self.b.ins().uextend(ty, c);
                        let ones = match ty.bytes() {
                            2 => 0x0101,
                            4 => 0x0101_0101,
                            _ => 0x0101_0101_0101_0101u64 as i64,
                        };
                        self.b.ins().imul_imm_s(c, ones)
                    };
                    vec![v; at.len()]
                }
                Some(end_s) => at
                    .iter()
                    .map(|&(from_end, off)| {
                        let base = if from_end { end_s } else { second };
                        self.b.ins().load(ty, flags, base, off)
                    })
                    .collect(),
            };
            for (&(from_end, off), v) in at.iter().zip(loaded) {
                let base = if from_end { end_d } else { d };
                self.b.ins().store(flags, v, base, off);
            }
            self.b.ins().jump(done, &[]);
            self.b.switch_to_block(next);
        }
        // n == 0.
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(call);
    }

    /// The first [`INLINE_SCAN`] bytes of a `strlen` (`pb` = None) or
    /// `strcmp` scan, inline, in the current block; that many bytes must
    /// be readable from each string. If the scan stops inside them (a
    /// NUL, or a byte that differs), jumps to `fast` with the routine's
    /// result in the low word (as the native routines give it, less their
    /// [`HANDLED`] bit, which `fast` does not read), else to `miss` (the
    /// call, which scans from the start). Most strings end early, and
    /// without the call the registers live across it need not leave host
    /// registers.
    ///
    /// [`HANDLED`]: fast32_aot_runtime::intrinsics::HANDLED
    fn inline_scan(
        &mut self,
        op: IntrinsicOp,
        pa: Value,
        pb: Option<Value>,
        fast: Block,
        miss: Block,
    ) {
        let hit = self.b.create_block();
        // In bounds (see above): cannot trap.
        let flags = self.guest_flags.with_notrap();
        let zero = self.b.func.dfg.constants.insert(vec![0u8; 16].into());
        let zero = self.b.ins().vconst(types::I8X16, zero);
        // Chunk by chunk, leaving at the first that holds the stop.
        let i = self.b.append_block_param(hit, types::I64);
        for k in 0..INLINE_SCAN / 16 {
            let off = (k * 16) as i32;
            let a = self.b.ins().load(types::I8X16, flags, pa, off);
            let stop = match pb {
                None => self.b.ins().icmp(IntCC::Equal, a, zero),
                Some(pb) => {
                    // A byte of `a` where `b` has the same, else 0: zero
                    // where they differ or `a` ends.
                    let b = self.b.ins().load(types::I8X16, flags, pb, off);
                    let same = self.b.ins().icmp(IntCC::Equal, a, b);
                    let kept = self.b.ins().umin(a, same);
                    self.b.ins().icmp(IntCC::Equal, kept, zero)
                }
            };
            let bits = self.b.ins().vhigh_bits(types::I32, stop);
            let at = self.b.ins().ctz(bits);
            let at = self.b.ins().uextend(types::I64, at);
            let at = self.b.ins().iadd_imm_s(at, off as i64);
            let next = if k + 1 < INLINE_SCAN / 16 {
                self.b.create_block()
            } else {
                miss
            };
            self.b.ins().brif(bits, hit, &[at.into()], next, &[]);
            if next != miss {
                self.b.switch_to_block(next);
            }
        }
        self.b.switch_to_block(hit);
        let value = match pb {
            None => i,
            Some(pb) => {
                let (pa_i, pb_i) = (self.b.ins().iadd(pa, i), self.b.ins().iadd(pb, i));
                let signed = matches!(op, IntrinsicOp::StrcmpDiffS | IntrinsicOp::StrcmpSignS);
                let (x, y) = if signed {
                    let x = self.b.ins().sload8(types::I32, flags, pa_i, 0);
                    (x, self.b.ins().sload8(types::I32, flags, pb_i, 0))
                } else {
                    let x = self.b.ins().uload8(types::I32, flags, pa_i, 0);
                    (x, self.b.ins().uload8(types::I32, flags, pb_i, 0))
                };
                let r = if matches!(op, IntrinsicOp::StrcmpDiffU | IntrinsicOp::StrcmpDiffS) {
                    self.b.ins().isub(x, y)
                } else {
                    let gt = self.b.ins().icmp(IntCC::SignedGreaterThan, x, y);
                    let lt = self.b.ins().icmp(IntCC::SignedLessThan, x, y);
                    let gt = self.b.ins().uextend(types::I32, gt);
                    let lt = self.b.ins().uextend(types::I32, lt);
                    self.b.ins().isub(gt, lt)
                };
                self.b.ins().uextend(types::I64, r)
            }
        };
        self.b.ins().jump(fast, &[value.into()]);
    }

    /// Whether each of `addrs` has at least `n` bytes of the first of
    /// `intervals` from it on: `addr - start <= size - n`, one compare
    /// each (None when that interval is shorter than `n`).
    fn inside_first(&mut self, addrs: &[Value], intervals: &[(u64, u64)], n: u64) -> Option<Value> {
        let &(s, e) = intervals.first().filter(|&&(s, e)| e - s >= n)?;
        let mut all: Option<Value> = None;
        for &addr in addrs {
            let a = self.b.ins().uextend(types::I64, addr);
            let d = self.b.ins().iadd_imm_s(a, -(s as i64));
            let ok = self
                .b
                .ins()
                .icmp_imm_s(IntCC::UnsignedLessThanOrEqual, d, (e - s - n) as i64);
            all = Some(match all {
                None => ok,
                Some(x) => self.b.ins().band(x, ok),
            });
        }
        all
    }

    /// Whether `[addr, addr + len)` lies inside the first of `intervals`:
    /// `addr - start + len <= size` (u64), one compare (None without
    /// intervals).
    fn range_in_first(
        &mut self,
        addr: Value,
        len: Value,
        intervals: &[(u64, u64)],
    ) -> Option<Value> {
        let &(s, e) = intervals.first()?;
        let a = self.b.ins().uextend(types::I64, addr);
        let n = self.b.ins().uextend(types::I64, len);
        let d = self.b.ins().iadd_imm_s(a, -(s as i64));
        let end = self.b.ins().iadd(d, n);
        Some(
            self.b
                .ins()
                .icmp_imm_s(IntCC::UnsignedLessThanOrEqual, end, (e - s) as i64),
        )
    }

    /// How many bytes are readable from each of `addrs` (the least), as
    /// an i64.
    fn scan_limit(&mut self, addrs: &[Value], readable: &[(u64, u64)]) -> Value {
        let mut lim = self.extent_in(addrs[0], readable);
        for &a in &addrs[1..] {
            let l = self.extent_in(a, readable);
            lim = self.b.ins().umin(lim, l);
        }
        lim
    }

    /// How many bytes from `addr` on lie in the same one of `intervals`
    /// (to its end; 0 outside them), as an i64. Tests the first three
    /// intervals in turn (a layout has the data and heap, the stack and
    /// the MMIO window), each with one compare and branch: most
    /// addresses are in the first.
    fn extent_in(&mut self, addr: Value, intervals: &[(u64, u64)]) -> Value {
        let a = self.b.ins().uextend(types::I64, addr);
        let join = self.b.create_block();
        let n = self.b.append_block_param(join, types::I64);
        for &(s, e) in intervals.iter().take(3) {
            let d = self.b.ins().iadd_imm_s(a, -(s as i64));
            let inside = self
                .b
                .ins()
                .icmp_imm_s(IntCC::UnsignedLessThan, d, (e - s) as i64);
            let end = self.b.ins().iconst(types::I64, e as i64);
            let left = self.b.ins().isub(end, a);
            let next = self.b.create_block();
            // (Out of line: the stack and MMIO are the rare cases.)
            self.b.set_cold_block(next);
            self.b.ins().brif(inside, join, &[left.into()], next, &[]);
            self.b.switch_to_block(next);
        }
        let zero = self.b.ins().iconst(types::I64, 0);
        self.b.ins().jump(join, &[zero.into()]);
        self.b.switch_to_block(join);
        n
    }

    /// Does `[addr, addr + len)` (guest words, as u64 sums) lie inside
    /// one of `intervals`? As [`Self::extent_in`]: the bytes left in the
    /// interval `addr` is in must cover `len`.
    fn within(&mut self, addr: Value, len: Value, intervals: &[(u64, u64)]) -> Value {
        let left = self.extent_in(addr, intervals);
        let n = self.b.ins().uextend(types::I64, len);
        self.b.ins().icmp(IntCC::UnsignedLessThanOrEqual, n, left)
    }

    /// rv = a0 / a1 (or a0 % a1) unsigned, with the guest routine's
    /// result for a zero divisor, and the other registers of `model` as
    /// the routine leaves them (see [`crate::intrinsics`]).
    fn divide_inline(&mut self, zero: DivZero, rem: bool, model: &[(u8, Val, Val)], pc: u32) {
        let (a, b) = (self.reg(3), self.reg(4));
        let is_zero = self.b.ins().icmp_imm_s(IntCC::Equal, b, 0);
        let one = self.b.ins().iconst(types::I32, 1);
        // Cranelift's udiv traps on a zero divisor: divide by 1 instead,
        // and select the zero-divisor result.
        let d = self.b.ins().select(is_zero, one, b);
        let quot = self.b.ins().udiv(a, d);
        let rest = self.b.ins().urem(a, d);
        let z = match zero {
            DivZero::Ones => Val::Ones,
            DivZero::Zero => Val::Zero,
            DivZero::Dividend => Val::A,
        };
        // (A division's values name no third argument: see `Val::args`.)
        let unused = self.b.ins().iconst(types::I32, 0);
        let args = [a, b, unused];
        let q = Some((quot, rest));
        let rv_model = [(1u8, z, if rem { Val::Rem } else { Val::Quot })];
        // (Reads no rv.)
        let split = self.zero_case(b, 4, pc);
        let rv = self.model_values(&rv_model, args, quot, split, q)[0].1;
        let vals = self.model_values(model, args, rv, split, q);
        self.set_returned(Some(rv), vals);
    }

    /// Sets rv (if the routine returns one) and the registers of its
    /// model after a replaced call, before the jump to the return site.
    fn set_returned(&mut self, rv: Option<Value>, vals: Vec<(u8, Value)>) {
        if let Some(v) = rv {
            self.set(1, v);
        }
        for (r, v) in vals {
            self.set(r, v);
        }
        // Halves of f64-resident pairs go into their pair before the
        // jump.
        self.flush_pairs();
    }

    /// Whether `arg`, guest register `reg` at the call at `pc` (a count
    /// or divisor that selects a model's case), is zero: known when the
    /// call's block sets it to a constant (`memset(p, 0, 24)`, a
    /// division by 10), else a test. Cranelift folds a select on a
    /// constant, but the register reads of its dropped arm stay: it keeps
    /// unused `CpuState` loads (Lisp's `cons_alloc`: three per call).
    fn zero_case(&mut self, arg: Value, reg: u8, pc: u32) -> ZeroCase {
        // The guest block sets the register to a constant before the call
        // (in `CpuState`, the value read here is a load even so).
        match self.last_writer(1 << reg, pc) {
            Some(i)
                if matches!(i.op, Opcode::Addi | Opcode::Ori | Opcode::Xori) && i.rs1 == 0
                    || i.op == Opcode::Lui =>
            {
                ZeroCase::Known(i.imm == 0)
            }
            _ => ZeroCase::Test(self.b.ins().icmp_imm_s(IntCC::Equal, arg, 0)),
        }
    }

    /// The values of `model`'s registers after a replaced routine, from
    /// its arguments `args` and result `rv` ([`Val`]), the first of each
    /// entry where `split` (the split argument is zero) holds. All are
    /// computed before any is set: they read registers as they were.
    fn model_values(
        &mut self,
        model: &[(u8, Val, Val)],
        args: [Value; 3],
        rv: Value,
        split: ZeroCase,
        quot_rem: Option<(Value, Value)>,
    ) -> Vec<(u8, Value)> {
        let [a, b, c] = args;
        let val = |s: &mut Self, r: u8, v: Val| match v {
            Val::Keep => s.reg(r),
            Val::Zero => s.b.ins().iconst(types::I32, 0),
            Val::Ones => s.b.ins().iconst(types::I32, -1i32 as u32 as i64),
            Val::A => a,
            Val::B => b,
            Val::C => c,
            Val::Quot => quot_rem.expect("a division's model").0,
            Val::Rem => quot_rem.expect("a division's model").1,
            Val::ABit0 => s.b.ins().band_imm_s(a, 1),
            Val::APlusC => s.b.ins().iadd(a, c),
            Val::BPlusC => s.b.ins().iadd(b, c),
            Val::APlusRv => s.b.ins().iadd(a, rv),
        };
        model
            .iter()
            .map(|&(r, vz, vn)| {
                let v = match split {
                    ZeroCase::Test(is_zero) => {
                        let y = val(self, r, vn);
                        let x = val(self, r, vz);
                        if x == y {
                            x
                        } else {
                            self.b.ins().select(is_zero, x, y)
                        }
                    }
                    ZeroCase::Known(true) => val(self, r, vz),
                    ZeroCase::Known(false) => val(self, r, vn),
                };
                (r, v)
            })
            .collect()
    }

    fn call_direct(&mut self, target: u32, ret_pc: u32) {
        if !self.prog.blocks.contains_key(&target) {
            self.exit_const(ExitReason::None, target);
            return;
        }
        self.writeback_call_at(Some(target));
        let fref = self.func_refs[&self.prog.owner(target)];
        let low = self.stack_low();
        let low_blk = self.b.create_block();
        let ok_blk = self.b.create_block();
        self.b.set_cold_block(low_blk);
        self.b.ins().brif(low, low_blk, &[], ok_blk, &[]);
        self.b.switch_to_block(low_blk);
        let v = self
            .b
            .ins()
            .iconst(types::I64, reason(ExitReason::None) | target as i64);
        self.return_synced(v, Some(target));
        self.b.switch_to_block(ok_blk);
        let tv = self.b.ins().iconst(types::I32, target as i64);
        let args = self.call_args_at(tv, target);
        let call = self.b.ins().call(fref, &args);
        let res = self.b.inst_results(call).to_vec();
        self.after_call(res, ret_pc);
    }

    /// Targets the profile saw at the JALR at `pc` that compiled code can
    /// reach directly (empty without a profile), most taken first, up to
    /// the first that fewer than `min_share` of the jumps still untested
    /// go to.
    fn speculation_targets(&mut self, pc: u32, links: bool, min_share: f64) -> Vec<u32> {
        let Some(h) = self.hints else {
            return Vec::new();
        };
        let total = h.indirect.get(&pc).map_or(0, |v| v.1);
        // Targets come most taken first: each compare sees the jumps that
        // missed the ones before it.
        let mut reaching = total;
        let ts: Vec<(u32, u64)> = h
            .targets(pc)
            .iter()
            .copied()
            .take_while(|&(_, n)| {
                let pays = n as f64 >= min_share * reaching as f64;
                reaching = reaching.saturating_sub(n);
                pays
            })
            .filter(|&(t, _)| self.prog.blocks.contains_key(&t))
            .filter(|&(t, _)| !h.left_to_jit(t))
            .collect();
        if !ts.is_empty() {
            self.explain.speculated.push((pc, links, ts.clone(), total));
        }
        ts.into_iter().map(|t| t.0).collect()
    }

    /// The order in which the inlined return at `pc` tests its sites:
    /// with a profile, the sites that return most often first: by the
    /// return's own recorded targets, then by how often each site's block
    /// ran (a block that is also reached other ways, such as the join
    /// after both arms of `ack`, runs more often than it is returned to:
    /// ordered by block counts alone, `ack`'s return tested its 1% site
    /// first); without, the sites inside the callee itself (its recursive
    /// calls, which return far more often than the outermost call), then
    /// the others.
    fn return_site_order(&self, sites: &[u32], pc: u32) -> Vec<u32> {
        let mut v = sites.to_vec();
        match self.hints {
            Some(h) => {
                let returned = |r: u32| h.targets(pc).iter().find(|t| t.0 == r).map_or(0, |t| t.1);
                v.sort_by_key(|&r| std::cmp::Reverse((returned(r), h.count(r))))
            }
            None => {
                let callee = self.prog.owner(self.cur_block);
                v.sort_by_key(|&r| self.prog.owner(r) != callee);
            }
        }
        v
    }

    /// Emits `if t == target { on_hit(target) }` for each speculated
    /// target and continues in the miss block. `on_hit` ends its block;
    /// the dirty-register state is the same on every path.
    fn speculate(&mut self, t: Value, targets: &[u32], mut on_hit: impl FnMut(&mut Self, u32)) {
        for &target in targets {
            let hit = self.b.create_block();
            let miss = self.b.create_block();
            let eq = self.b.ins().icmp_imm_s(IntCC::Equal, t, target as i64);
            self.b.ins().brif(eq, hit, &[], miss, &[]);
            self.b.switch_to_block(hit);
            let dirty = self.dirty;
            on_hit(self, target);
            self.dirty = dirty;
            self.b.switch_to_block(miss);
        }
    }

    /// The compiled entry at guest address `t` (entry table
    /// [`ENTRY_TABLE`]: one host pointer per code word): continues in a new
    /// block where there is one and returns its host address; a `t`
    /// outside the code, misaligned or without an entry goes to `miss`.
    fn lookup_entry(&mut self, t: Value, miss: Block) -> Value {
        let look = self.b.create_block();
        let limit = (self.code.words.len() as i64) * 4;
        let in_code = self.b.ins().icmp_imm_s(IntCC::UnsignedLessThan, t, limit);
        let low_bits = self.b.ins().band_imm_s(t, 3);
        let aligned = self.b.ins().icmp_imm_s(IntCC::Equal, low_bits, 0);
        let ok = self.b.ins().band(in_code, aligned);
        self.b.ins().brif(ok, look, &[], miss, &[]);

        self.b.switch_to_block(look);
        let base = self.b.ins().symbol_value(types::I64, self.table_gv);
        let t64 = self.b.ins().uextend(types::I64, t);
        let off = self.b.ins().ishl_imm_s(t64, 1);
        let addr = self.b.ins().iadd(base, off);
        let ptr = self
            .b
            .ins()
            .load(types::I64, TRUSTED.with_readonly(), addr, 0);
        let has = self.b.ins().icmp_imm_s(IntCC::NotEqual, ptr, 0);
        let found = self.b.create_block();
        self.b.ins().brif(has, found, &[], miss, &[]);
        self.b.switch_to_block(found);
        ptr
    }

    /// `s`: the JALR's `rs1 + imm`; `t` = `s & !1`, its target.
    fn call_indirect(&mut self, s: Value, t: Value, ret_pc: u32, pc: u32) {
        let spec = self.speculation_targets(pc, true, 0.0);
        self.speculate(s, &spec, |l, target| l.call_direct(target, ret_pc));
        self.writeback_call();
        let miss = self.b.create_block();
        self.b.set_cold_block(miss);
        let ptr = self.lookup_entry(t, miss);
        let low = self.stack_low();
        let go = self.b.create_block();
        self.b.ins().brif(low, miss, &[], go, &[]);
        self.b.switch_to_block(go);
        let args = self.call_args(t);
        let call = self.b.ins().call_indirect(self.sig_ref, ptr, &args);
        let res = self.b.inst_results(call).to_vec();
        let dirty = self.dirty;
        self.after_call(res, ret_pc);
        self.dirty = dirty;

        self.b.switch_to_block(miss);
        let v = self.b.ins().uextend(types::I64, t);
        self.return_synced(v, None);
    }

    /// `s`: the JALR's `rs1 + imm`; `t` = `s & !1`, its target. The
    /// speculated targets (even addresses) are compared with `s`: an odd
    /// `s` (which no compiler makes) misses them all and goes the general
    /// way, and no compare waits for the masking.
    fn jump_indirect(&mut self, s: Value, t: Value, is_return: bool, pc: u32) {
        if let Some(site) = self.known_lr.filter(|_| is_return) {
            // A copied leaf return ([`Self::peel`]): the link register
            // still holds its call's return site.
            if self.local_block(site).is_some() {
                self.edge(site);
                return;
            }
        }
        if is_return {
            // The return of an inlined callee: to the return site of the
            // call that entered it, if the link register names one.
            if let Some(sites) = self.prog.inlined_return_sites(self.fidx, self.cur_block) {
                let sites = self.return_site_order(sites, pc);
                self.speculate(s, &sites, |l, target| l.edge(target));
            }
            self.writeback();
            self.ret_dyn(t);
            return;
        }
        if let Some((tj, Some(idx))) = self.table.take() {
            self.table_jump(&tj, idx, t);
            return;
        }
        // Before a table jump inside the function, a compare pays only for
        // a target taken often enough.
        let switch_follows = !self.prog.functions[self.fidx]
            .lowered_indirect_targets()
            .is_empty();
        let min = if switch_follows {
            JUMP_SPEC_MIN_SHARE
        } else {
            0.0
        };
        let spec = self.speculation_targets(pc, false, min);
        self.speculate(s, &spec, |l, target| l.edge(target));
        let speculated = !spec.is_empty();
        if !switch_follows {
            self.leave_indirect(t);
            return;
        }
        if self.per_site_dispatch {
            // Each jump site its own table: the host's indirect-branch
            // predictor then learns each site's targets separately, as
            // in threaded interpreters (one jump per handler).
            self.emit_target_switch(s, speculated);
            return;
        }
        // Otherwise all indirect jumps of the function share one dispatch
        // block, so that its targets merge one predecessor, not one per
        // jump (large functions with many sites and targets).
        let d = match self.dispatch {
            Some(d) => d,
            None => {
                let d = self.b.create_block();
                self.b.append_block_param(d, types::I32);
                self.dispatch = Some(d);
                d
            }
        };
        self.b.ins().jump(d, &[BlockArg::Value(s)]);
    }

    /// A jump through a jump table in read-only memory
    /// ([`crate::jumptable`]): one host table jump on the guest's index,
    /// to the blocks of the table's targets (or out, for targets in other
    /// functions). Needs no profile: the table names every target. `idx`
    /// is the guest's index; `t` (the loaded target) serves the default:
    /// an index beyond the table (which a bounds-checked switch never
    /// makes) leaves for the dispatcher.
    fn table_jump(&mut self, tj: &crate::jumptable::TableJump, idx: Value, t: Value) {
        self.explain.table_jumps += 1;
        let dirty = self.dirty;
        let mut pending = Vec::new();
        let mut by_target: HashMap<u32, Block> = HashMap::new();
        let mut table = Vec::with_capacity(tj.targets.len());
        // Entries past the code region (a masked index into a shorter
        // table: the strings after it) share one exit, which stores
        // nothing: execution there traps at once, reading no register.
        let mut outside: Option<Block> = None;
        for &target in &tj.targets {
            if crate::liveness::outside_code(target, self.code.code_limit) {
                let b = *outside.get_or_insert_with(|| self.b.create_block());
                table.push(b);
                continue;
            }
            let blk = match by_target.get(&target) {
                Some(&b) => b,
                None => {
                    let b = self.edge_block(target, &mut pending);
                    by_target.insert(target, b);
                    b
                }
            };
            table.push(blk);
        }
        if tj.complete() {
            // No index leaves the table: no general path (which would
            // keep the loaded target alive).
            self.br_table(idx, &table, table[0]);
        } else {
            let other = self.b.create_block();
            self.b.set_cold_block(other);
            self.br_table(idx, &table, other);
            self.b.switch_to_block(other);
            self.writeback();
            self.ret_dyn(t);
        }
        if let Some(b) = outside {
            self.b.switch_to_block(b);
            self.b.set_cold_block(b);
            let v = self.b.ins().uextend(types::I64, t);
            let mut vals = vec![v];
            for _ in 0..self.abi.rets.len() {
                vals.push(self.b.ins().iconst(types::I64, 0));
            }
            self.b.ins().return_(&vals);
        }
        self.dirty = dirty;
        self.fill_pending(pending);
    }

    /// Jumps to `table[idx]`, or to `default` for an index past its end.
    fn br_table(&mut self, idx: Value, table: &[Block], default: Block) {
        let calls: Vec<_> = table
            .iter()
            .map(|&blk| self.b.func.dfg.block_call(blk, &[]))
            .collect();
        let def = self.b.func.dfg.block_call(default, &[]);
        let jt = self
            .b
            .create_jump_table(cranelift_codegen::ir::JumpTableData::new(def, &calls));
        self.b.ins().br_table(idx, jt);
    }

    /// Emits the shared dispatch block (after every guest block).
    fn lower_dispatch(&mut self) {
        let Some(d) = self.dispatch else { return };
        self.b.switch_to_block(d);
        self.dirty = self.flow.indirect_dirty;
        let s = self.b.block_params(d)[0];
        self.emit_target_switch(s, false);
    }

    /// Jumps to the block of the function's indirect target `s & !1`, or
    /// leaves with that target for the dispatcher if it is none of them.
    /// `s` is the JALR's `rs1 + imm` before masking: every target is a
    /// multiple of 4, so an odd `s` (which no compiler makes) matches no
    /// compare and rotates into a huge table index, and takes the miss
    /// path, which masks it. The hot path then neither masks nor keeps a
    /// masked copy alive for the miss path (the Forth kernel's `NEXT`
    /// stored it to a stack slot at every dispatch).
    /// `speculated`: the profile's dominant targets were tested before
    /// (the rest are better served by one table jump than by more
    /// compares: dispatch under PGO ran 1.44x the time with a tree).
    fn emit_target_switch(&mut self, s: Value, speculated: bool) {
        let other = self.b.create_block();
        let targets = self.prog.functions[self.fidx]
            .lowered_indirect_targets()
            .to_vec();
        let (lo, hi) = (targets[0], targets[targets.len() - 1]);
        let slots = ((hi - lo) / 4 + 1) as usize;
        // Few targets: a tree of compares (conditional branches, which the
        // host predicts from the branch history); the dispatch benchmark
        // (23 targets per site) ran in 0.48x the time of one table jump
        // per site. Many targets (Lua's interpreter loop): one table jump.
        let use_table = speculated || targets.len() > SWITCH_TREE_MAX_TARGETS;
        if use_table && slots <= MIN_TABLE_SLOTS.max(TABLE_SLOTS_PER_TARGET * targets.len()) {
            // A dense table indexed by (t - lo) / 4, one indirect branch
            // (a misaligned t rotates into a huge index: the default).
            let mut table = vec![other; slots];
            for &x in &targets {
                table[((x - lo) / 4) as usize] = self.blocks[&x];
            }
            let off = self.b.ins().iadd_imm_s(s, -(lo as i64));
            let idx = self.b.ins().rotr_imm_s(off, 2);
            self.br_table(idx, &table, other);
        } else {
            let mut sw = Switch::new();
            for &x in &targets {
                sw.set_entry(x as u128, self.blocks[&x]);
            }
            sw.emit(&mut self.b, s, other);
        }
        self.b.switch_to_block(other);
        let t = self.b.ins().band_imm_s(s, !1i64);
        // Not `leave_indirect`: its tail call on this miss path cost the
        // dispatch benchmark's hot loop 5.5% more host instructions with
        // a profile (register allocation), and a function with targets of
        // its own rarely misses them.
        self.writeback();
        self.ret_dyn(t);
    }

    /// An indirect jump to `t` in a function without indirect targets of
    /// its own: a tail call of the compiled entry at `t` if there is one (the entry
    /// table, as for indirect calls), else back to the dispatcher with
    /// `t`. Threaded interpreters jump between primitives that discovery
    /// puts in different functions; through the dispatcher each such jump
    /// cost a return, a table lookup and an entry (Forth: 2 million round
    /// trips in a 42-million-instruction run). Interruptible code goes
    /// back to the dispatcher, which checks the interrupt flag: a loop of
    /// tail calls passes no back edge that would poll it.
    fn leave_indirect(&mut self, t: Value) {
        if self.interrupt_gv.is_some() {
            self.writeback();
            self.ret_dyn(t);
            return;
        }
        self.writeback_call();
        let miss = self.b.create_block();
        self.b.set_cold_block(miss);
        let ptr = self.lookup_entry(t, miss);
        let args = self.call_args(t);
        self.b.ins().return_call_indirect(self.sig_ref, ptr, &args);

        self.b.switch_to_block(miss);
        let v = self.b.ins().uextend(types::I64, t);
        self.return_synced(v, None);
    }

    // ---- instructions ----------------------------------------------------

    fn lower_block(&mut self, start: u32) {
        self.cur_block = start;
        // Cached values are SSA values of this guest block's code only.
        self.f64_cache.clear();
        debug_assert!(self.pending.is_empty(), "pending halves across blocks");
        debug_assert!(!self.mem_cache_on && self.mem_cache.iter().all(Option::is_none));
        let blk = self.prog.blocks[&start];
        self.dirty = self.flow.dirty_in[&start];
        let control = !matches!(blk.term, Term::Fallthrough | Term::Trap);
        let last = if control { blk.end - 4 } else { blk.end };
        self.table = match blk.term {
            Term::Indirect { link: false } => {
                crate::jumptable::recognize(self.code, blk.start, last).map(|tj| (tj, None))
            }
            _ => None,
        };
        let (cached, mut dead) = dead_writes(self.code, blk.start, last, self.in_mem);
        let end_dead = self.dead_at_end(&blk, last, &cached, &mut dead);
        // (A table jump's index is a value of the body: one version only.)
        let aligned = match self.table {
            None => self.aligned_accesses(blk.start, last),
            Some(_) => Vec::new(),
        };
        if aligned.len() < 2 {
            self.lower_body(blk.start, last, &cached, &dead);
        } else {
            // Two versions of the body: one where every pair move of
            // `aligned` is known 8-aligned (one test for all of them at
            // the top, each move one 8-byte access), and the usual one
            // (each move tests its own address), joined before the
            // terminator with every cache flushed.
            self.b.set_srcloc(SourceLoc::new(blk.start));
            let mut tested: Vec<(u8, i32)> = Vec::new();
            let mut misaligned = None;
            for &pc in &aligned {
                let i = self.code.inst(pc).expect("blocks hold valid instructions");
                if tested.contains(&(i.rs1, i.imm & 7)) {
                    continue;
                }
                tested.push((i.rs1, i.imm & 7));
                let a = self.reg(i.rs1);
                let low = self.b.ins().iadd_imm_s(a, (i.imm & 7) as i64);
                let m = self.b.ins().band_imm_s(low, 7);
                misaligned = Some(match misaligned {
                    Some(x) => self.b.ins().bor(x, m),
                    None => m,
                });
            }
            let misaligned = misaligned.expect("at least two accesses");
            self.explain.versioned_blocks += 1;
            let (fast, slow, join) = (
                self.b.create_block(),
                self.b.create_block(),
                self.b.create_block(),
            );
            self.b.set_cold_block(slow);
            self.b.ins().brif(misaligned, slow, &[], fast, &[]);
            let dirty = self.dirty;
            let mut joined = 0;
            for (arm, known) in [(fast, aligned), (slow, Vec::new())] {
                self.b.switch_to_block(arm);
                self.dirty = dirty;
                self.f64_cache.clear();
                self.aligned = known;
                self.lower_body(blk.start, last, &cached, &dead);
                self.drop_dead(end_dead);
                self.cache_mem(false);
                self.flush_pairs();
                self.b.ins().jump(join, &[]);
                // Stores of a pair one version left clean are harmless.
                joined |= self.dirty;
            }
            self.aligned.clear();
            self.b.switch_to_block(join);
            self.dirty = joined;
            self.f64_cache.clear();
        }
        self.b.set_srcloc(SourceLoc::new(last));
        // Values flow to other blocks in variables only.
        self.drop_dead(end_dead);
        self.cache_mem(false);
        self.flush_pairs();
        match blk.term {
            Term::Fallthrough => self.edge(blk.end),
            Term::Trap => self.lower_trap(blk.end),
            _ => {
                let i = self.code.inst(last).expect("control instruction");
                self.lower_control(&i, last, blk.end);
            }
        }
    }

    /// The pair moves of `[start, last)` ([`pair_move`] of an
    /// f64-resident pair) whose base register still holds its value from
    /// the block's entry, so that one test at the entry tells whether
    /// each address is 8-aligned. In the float benchmark's inner loop,
    /// seven loads and three stores go through one base: seven alignment
    /// tests, and stores as two halves each (a stored pair's test would
    /// make a diamond, see [`Self::fused_pair_access`]).
    fn aligned_accesses(&self, start: u32, last: u32) -> Vec<u32> {
        use Opcode::{Ldw, Stw};
        let mut written = 0u32;
        let mut found = Vec::new();
        let mut pc = start;
        while pc < last {
            let i = self.code.inst(pc).expect("blocks hold valid instructions");
            let next = (pc + 4 < last).then(|| self.code.inst(pc + 4)).flatten();
            let pair = next.and_then(|n| {
                pair_move(&i, &n)
                    .filter(|_| matches!(i.op, Ldw | Stw))
                    .map(|p| (p, n))
            });
            match pair {
                Some((p, n)) => {
                    // A pair kept in words gains from one 8-byte access
                    // where an FP instruction uses the f64 next (loads)
                    // or computed it (stores): no combining or splitting.
                    let gains = self.is_f64_pair(p)
                        || match i.op {
                            Ldw => self.read_as_f64_next(p, pc + 8, last),
                            _ => self.written_as_f64(p, pc),
                        };
                    // (A base of r0 is a constant: no test needed or made.)
                    if gains && i.rs1 != 0 && written & (1 << i.rs1) == 0 {
                        found.push(pc);
                    }
                    written |= inst_regs(&i).1 | inst_regs(&n).1;
                    pc += 8;
                }
                None => {
                    written |= inst_regs(&i).1;
                    pc += 4;
                }
            }
        }
        found
    }

    /// Is the value register pair `p` has at `from` read in `[from,
    /// last)`, and only as an f64 operand of FP-double instructions (an
    /// integer read of a half would need it extracted from the f64)?
    fn read_as_f64_next(&self, p: u8, from: u32, last: u32) -> bool {
        let mut halves = 0b11u32 << p;
        let mut fp_read = false;
        let mut pc = from;
        while pc < last && halves != 0 {
            let Some(i) = self.code.inst(pc) else { break };
            let (r, w) = inst_regs(&i);
            if r & halves != 0 {
                let (_, p1, p2) = sem::pair_operands(i.op);
                if !(fp_double_reader(i.op) && (p1 && i.rs1 == p || p2 && i.rs2 == p)) {
                    return false;
                }
                fp_read = true;
            }
            halves &= !w;
            pc += 4;
        }
        fp_read
    }

    /// Did an FP-double instruction of the guest block write register
    /// pair `p` last before `pc` (its f64 then in [`Self::f64_cache`])?
    fn written_as_f64(&self, p: u8, pc: u32) -> bool {
        self.last_writer(0b11 << p, pc)
            .is_some_and(|i| fp_double_reader(i.op) && sem::pair_operands(i.op).0 && i.rd == p)
    }

    /// The last instruction of the guest block being lowered, before
    /// `pc`, that writes a register of `mask`.
    fn last_writer(&self, mask: u32, pc: u32) -> Option<Inst> {
        (self.cur_block..pc)
            .step_by(4)
            .rev()
            .map_while(|q| self.code.inst(q))
            .find(|i| inst_regs(i).1 & mask != 0)
    }

    /// Registers live where block `blk` hands control on, by the
    /// whole-program liveness: its static successors' for fall-through,
    /// branches, jumps and complete table jumps; every register after
    /// calls, returns, services and traps (code elsewhere reads
    /// `CpuState`, and this does not follow it).
    fn live_out(&self, live: &crate::liveness::Liveness, blk: &crate::discover::Block) -> u32 {
        match blk.term {
            Term::Fallthrough => live.at(blk.end),
            Term::Branch { taken } => live.at(taken) | live.at(blk.end),
            Term::Jump {
                target,
                link: false,
            } => live.at(target),
            Term::Indirect { link: false } => match &self.table {
                Some((tj, _)) if tj.complete() => tj.targets.iter().fold(0, |m, &t| m | live.at(t)),
                _ => crate::liveness::ALL,
            },
            _ => crate::liveness::ALL,
        }
    }

    /// Marks dead (in `dead`) the writes of `CpuState` registers in the
    /// block's last run of straight-line instructions that nothing reads
    /// before the block ends and that are dead where it hands control on
    /// ([`Self::live_out`]), so that they are never stored (Cranelift
    /// does not remove dead stores, and a store to `CpuState` is one to
    /// memory). Returns the registers whose last write there is such a
    /// write: their values are dropped at the end of the body
    /// ([`Self::drop_dead`]). Mid-block exits still store them
    /// ([`Self::store_dirty`]); a fault may leave them stale, as it may
    /// any register kept in `CpuState` (the trap reports the PC).
    fn dead_at_end(
        &self,
        blk: &crate::discover::Block,
        last: u32,
        cached: &[bool],
        dead: &mut [bool],
    ) -> u32 {
        let Some(live) = self.live.filter(|_| self.in_mem != 0) else {
            return 0;
        };
        let mut needed = self.live_out(live, blk);
        if last < blk.end {
            let i = self.code.inst(last).expect("control instruction");
            needed |= inst_regs(&i).0;
        }
        let mut end_dead = 0u32;
        let mut written = 0u32;
        for k in (0..cached.len()).rev() {
            if !cached[k] {
                break;
            }
            let i = self
                .code
                .inst(blk.start + 4 * k as u32)
                .expect("blocks hold valid instructions");
            let (reads, writes) = inst_regs(&i);
            let rd = i.rd;
            if rd != 0 && writes == 1 << rd && self.in_mem & (1 << rd) != 0 {
                if needed & (1 << rd) == 0 {
                    dead[k] = true;
                    if written & (1 << rd) == 0 {
                        end_dead |= 1 << rd;
                    }
                }
                written |= 1 << rd;
            }
            needed = (needed & !writes) | reads;
        }
        end_dead
    }

    /// Forgets the unstored values of `regs` (see [`Self::dead_at_end`]).
    fn drop_dead(&mut self, regs: u32) {
        for r in 1..32 {
            if regs & (1 << r) != 0 && matches!(self.mem_cache[r], Some((_, true))) {
                self.mem_cache[r] = None;
            }
        }
    }

    /// The instructions of `[start, last)`: a guest block but its
    /// terminator.
    fn lower_body(&mut self, start: u32, last: u32, cached: &[bool], dead: &[bool]) {
        let mut pc = start;
        while pc < last {
            self.b.set_srcloc(SourceLoc::new(pc));
            let at = self.table.as_ref().filter(|(tj, _)| tj.index_pc == pc);
            if let Some((r, mask)) = at.map(|(tj, _)| (tj.index, tj.mask)) {
                // The table index, read before the instruction that forms
                // it from the register may overwrite that register.
                let x = self.reg(r);
                let v = match mask {
                    Some(m) => self.b.ins().band_imm_s(x, m as i64),
                    None => x,
                };
                if let Some((_, idx)) = &mut self.table {
                    *idx = Some(v);
                }
            }
            let i = self.code.inst(pc).expect("blocks hold valid instructions");
            let k = ((pc - start) / 4) as usize;
            self.cache_mem(cached[k]);
            self.dead_write = dead[k];
            if pc + 4 < last {
                let n = self
                    .code
                    .inst(pc + 4)
                    .expect("blocks hold valid instructions");
                if self.fused_pair_access(&i, &n, pc) {
                    pc += 8;
                    continue;
                }
            }
            self.lower_inst(&i, pc);
            pc += 4;
        }
    }

    /// `ldw rN, X+k; ldw rN+1, X+k+4` into an f64-resident pair as a
    /// single 8-byte load when the address is 8-aligned, so that the 8
    /// bytes lie in one host page: both words then fault or neither, and
    /// the first instruction's PC is the right one for a fault. Otherwise
    /// (possibly across a page, or wrapping past 4 GiB) the two
    /// instructions run as written. (Testing the page offset instead took
    /// 4 host instructions per access, this 2.)
    ///
    /// The two `stw` storing such a pair stay two 4-byte stores of its
    /// halves, without a test: a store diamond uses the stored value in
    /// both arms, and Cranelift then computes it (and what it is made of)
    /// in each arm anew, diamond after diamond (the float benchmark ran
    /// 97M host instructions with fused stores, 75M without).
    ///
    /// In a block's aligned version ([`Self::aligned_accesses`]) both
    /// kinds are one 8-byte access without a test.
    /// Returns false, lowering nothing, when the pattern does not apply.
    fn fused_pair_access(&mut self, i: &Inst, n: &Inst, pc: u32) -> bool {
        use Opcode::{Ldw, Stw};
        let Some(pair) = pair_move(i, n) else {
            return false;
        };
        if self.aligned.contains(&pc) {
            // Known 8-aligned: one access, no test. A pair kept in words
            // moves whole as the f64 an FP instruction of the block
            // computed (a store) or as the f64 FP instructions read next
            // (a load: its words are extracted for the registers, and
            // Cranelift drops what nothing reads).
            let cached = self.f64_cache.iter().any(|e| e.0 == pair);
            if i.op == Stw && !self.is_f64_pair(pair) && !cached {
                return false;
            }
            let a = self.reg(i.rs1);
            let p = self.host_addr(a, i.imm);
            if i.op == Stw {
                let v = self.pair_f64(pair);
                self.b.ins().store(self.guest_flags, v, p, 0);
            } else {
                let v = self.b.ins().load(types::F64, self.guest_flags, p, 0);
                self.set_pair_f64(pair, v);
            }
            self.explain.fused_pair_moves += 1;
            return true;
        }
        if i.op != Ldw || !self.is_f64_pair(pair) {
            return false;
        }
        // Static lowering state is the same on both paths below: pending
        // halves of the pair are folded into its variable first (before
        // the branch ends this block).
        self.flush_pair(pair);
        let a = self.reg(i.rs1);
        // An 8-aligned address keeps the 8 bytes in one page (and below
        // 4 GiB). With an offset that is a multiple of 8 the base register
        // alone tells, a test the accesses through one base share.
        let low = if i.imm % 8 == 0 {
            a
        } else {
            self.b.ins().iadd_imm_s(a, i.imm as i64)
        };
        let misaligned = self.b.ins().band_imm_s(low, 7);
        let (split, whole, join) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        self.b.set_cold_block(split);
        self.b.ins().brif(misaligned, split, &[], whole, &[]);
        let dirty = self.dirty;
        self.b.switch_to_block(whole);
        let p = self.host_addr(a, i.imm);
        let v = self.b.ins().load(types::F64, self.guest_flags, p, 0);
        self.b.def_var(self.fvars[pair as usize], v);
        self.b.ins().jump(join, &[]);
        self.b.switch_to_block(split);
        self.lower_inst(i, pc);
        self.b.set_srcloc(SourceLoc::new(pc + 4));
        self.lower_inst(n, pc + 4);
        self.flush_pair(pair);
        self.b.ins().jump(join, &[]);
        self.b.switch_to_block(join);
        self.invalidate_f64(pair);
        self.invalidate_f64(pair + 1);
        self.dirty = dirty | 0b11 << pair;
        self.explain.fused_pair_moves += 1;
        true
    }

    fn lower_trap(&mut self, pc: u32) {
        if !self.code.valid(pc) {
            self.exit_trap(TrapKind::ExecuteFault, pc, pc, 4);
            return;
        }
        let word = self.code.word(pc);
        match fast32_isa::decode(word) {
            Err(_) => self.exit_trap(TrapKind::IllegalInstruction, pc, word, 0),
            Ok(i) => {
                let r = sem::bad_pair(&i).unwrap_or(0);
                self.exit_trap(TrapKind::BadRegisterPair, pc, r as u32, 0)
            }
        }
    }

    fn lower_control(&mut self, i: &Inst, pc: u32, next: u32) {
        let ret_pc = pc.wrapping_add(4);
        match i.op {
            Opcode::Beq | Opcode::Bne | Opcode::Blt | Opcode::Bge | Opcode::Bltu | Opcode::Bgeu => {
                let cc = match i.op {
                    Opcode::Beq => IntCC::Equal,
                    Opcode::Bne => IntCC::NotEqual,
                    Opcode::Blt => IntCC::SignedLessThan,
                    Opcode::Bge => IntCC::SignedGreaterThanOrEqual,
                    Opcode::Bltu => IntCC::UnsignedLessThan,
                    _ => IntCC::UnsignedGreaterThanOrEqual,
                };
                let a = self.reg(i.rs1);
                let b = self.reg(i.rs2);
                let c = self.b.ins().icmp(cc, a, b);
                let taken = ret_pc.wrapping_add(i.imm as u32);
                let mut pending = Vec::new();
                let bt = self.edge_block(taken, &mut pending);
                let bf = self.edge_block(next, &mut pending);
                self.b.ins().brif(c, bt, &[], bf, &[]);
                self.fill_pending(pending);
            }
            Opcode::Jal => {
                let target = pc.wrapping_add(i.imm as u32);
                if i.rd != 0 {
                    let v = self.b.ins().iconst(types::I32, ret_pc as i64);
                    self.set(i.rd, v);
                    self.flush_pairs();
                    let inlined = self.prog.functions[self.fidx]
                        .inlined
                        .calls
                        .contains_key(&pc);
                    if self.call_intrinsic(pc, ret_pc) {
                        // Done inline (a division): no guest call.
                    } else if inlined {
                        // Into this function's copy of the callee (or
                        // into a copy of its leaf path for this site).
                        match self.peel(target, ret_pc) {
                            Some(blk) => {
                                if target <= self.cur_block {
                                    self.poll_interrupt(target);
                                }
                                self.b.ins().jump(blk, &[]);
                            }
                            None => self.edge(target),
                        }
                    } else {
                        self.call_direct(target, ret_pc);
                    }
                } else {
                    self.edge(target);
                }
            }
            Opcode::Jalr => {
                let a = self.reg(i.rs1);
                let s = self.b.ins().iadd_imm_s(a, i.imm as i64);
                let t = self.b.ins().band_imm_s(s, !1i64);
                if i.rd != 0 {
                    let v = self.b.ins().iconst(types::I32, ret_pc as i64);
                    self.set(i.rd, v);
                    self.flush_pairs();
                    self.call_indirect(s, t, ret_pc, pc);
                } else {
                    self.jump_indirect(s, t, crate::discover::is_return(i), pc);
                }
            }
            Opcode::Halt => self.exit_const(ExitReason::Halt, pc),
            Opcode::Yield => self.exit_const(ExitReason::Yield, ret_pc),
            Opcode::Debug => {
                let a = self.reg(i.rs1);
                self.store_state(a, offsets::AUX);
                self.exit_const(ExitReason::Debug, ret_pc);
            }
            _ => unreachable!("{:?} is not a control instruction", i.op),
        }
    }

    fn addr(&mut self, i: &Inst) -> Value {
        let a = self.reg(i.rs1);
        self.host_addr(a, i.imm)
    }

    /// The host address of guest address `a + imm` (wrapping at 4 GiB).
    /// Where low memory is mirrored above 4 GiB and nothing is mapped
    /// just below it ([`CodeImage::low_memory_mirrored`]), the sum is not
    /// wrapped: `a + imm` past 4 GiB reaches the mirror of the bytes the
    /// wrapped address names, below 0 the unmapped guard, and the offset
    /// folds into the host addressing mode (`disp(reg)`) instead of an
    /// `lea` of the 32-bit sum before each access.
    fn host_addr(&mut self, a: Value, imm: i32) -> Value {
        if self.code.low_memory_mirrored {
            let w = self.widen(a);
            let mem = self.mem();
            let p = self.b.ins().iadd(mem, w);
            return self.b.ins().iadd_imm_s(p, imm as i64);
        }
        let ea = if imm == 0 {
            self.widen(a)
        } else {
            let ea = self.b.ins().iadd_imm_s(a, imm as i64);
            self.b.ins().uextend(types::I64, ea)
        };
        let mem = self.mem();
        self.b.ins().iadd(mem, ea)
    }

    fn lower_inst(&mut self, i: &Inst, pc: u32) {
        use Opcode::*;
        fn ins_cmp(l: &mut FnLower<'_, '_>, cc: IntCC, a: Value, b: Value) -> Value {
            let c = l.b.ins().icmp(cc, a, b);
            l.b.ins().uextend(types::I32, c)
        }
        let guest = self.guest_flags;
        let rd = i.rd;
        match i.op {
            Add | Sub | Xor | Or | And | Sll | Srl | Sra | Slt | Sltu | Mul | Mulh | Div | Rem
            | Seq | Sne | Sgt | Sgtu | Sle | Sleu | Sge | Sgeu | Mulhu => {
                let a = self.reg(i.rs1);
                let b = self.reg(i.rs2);
                let v = match i.op {
                    Add => self.b.ins().iadd(a, b),
                    Sub => self.b.ins().isub(a, b),
                    Xor => self.b.ins().bxor(a, b),
                    Or => self.b.ins().bor(a, b),
                    And => self.b.ins().band(a, b),
                    Sll | Srl | Sra => {
                        let s = self.b.ins().band_imm_s(b, 31);
                        match i.op {
                            Sll => self.b.ins().ishl(a, s),
                            Srl => self.b.ins().ushr(a, s),
                            _ => self.b.ins().sshr(a, s),
                        }
                    }
                    Slt => ins_cmp(self, IntCC::SignedLessThan, a, b),
                    Sltu => ins_cmp(self, IntCC::UnsignedLessThan, a, b),
                    Mul => self.b.ins().imul(a, b),
                    Mulh => self.b.ins().smulhi(a, b),
                    Mulhu => self.b.ins().umulhi(a, b),
                    Div | Rem => self.divrem(i.op == Div, a, b),
                    Seq => ins_cmp(self, IntCC::Equal, a, b),
                    Sne => ins_cmp(self, IntCC::NotEqual, a, b),
                    Sgt => ins_cmp(self, IntCC::SignedGreaterThan, a, b),
                    Sgtu => ins_cmp(self, IntCC::UnsignedGreaterThan, a, b),
                    Sle => ins_cmp(self, IntCC::SignedLessThanOrEqual, a, b),
                    Sleu => ins_cmp(self, IntCC::UnsignedLessThanOrEqual, a, b),
                    Sge => ins_cmp(self, IntCC::SignedGreaterThanOrEqual, a, b),
                    _ => ins_cmp(self, IntCC::UnsignedGreaterThanOrEqual, a, b),
                };
                self.set(rd, v);
            }
            Addi | Ori | Andi | Xori | Slli | Srli | Srai | Slti | Sltiu => {
                let a = self.reg(i.rs1);
                let imm = i.imm as i64;
                let v = match i.op {
                    Addi => self.b.ins().iadd_imm_s(a, imm),
                    Ori => self.b.ins().bor_imm_s(a, imm),
                    Andi => self.b.ins().band_imm_s(a, imm),
                    Xori => self.b.ins().bxor_imm_s(a, imm),
                    Slli => self.b.ins().ishl_imm_s(a, imm & 31),
                    Srli => self.b.ins().ushr_imm_s(a, imm & 31),
                    Srai => self.b.ins().sshr_imm_s(a, imm & 31),
                    Slti => {
                        let c = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, a, imm);
                        self.b.ins().uextend(types::I32, c)
                    }
                    _ => {
                        let c = self.b.ins().icmp_imm_s(
                            IntCC::UnsignedLessThan,
                            a,
                            i.imm as u32 as i64,
                        );
                        self.b.ins().uextend(types::I32, c)
                    }
                };
                self.set(rd, v);
            }
            Lui => {
                let v = self.b.ins().iconst(types::I32, i.imm as u32 as i64);
                self.set(rd, v);
            }
            Ldb | Ldh | Ldw | Ldbu | Ldhu => {
                let p = self.addr(i);
                // A masked index's table load reads read-only memory
                // inside the table: it cannot fault, and Cranelift may
                // drop it where the loaded register is dead (a pure
                // `load`: Cranelift treats no extending load as pure).
                if matches!(&self.table, Some((tj, _)) if tj.load_in_table && tj.load_pc == pc) {
                    let flags = TRUSTED.with_readonly().with_can_move();
                    let v = self.b.ins().load(types::I32, flags, p, 0);
                    self.set(rd, v);
                    return;
                }
                let v = match i.op {
                    Ldb => self.b.ins().sload8(types::I32, guest, p, 0),
                    Ldh => self.b.ins().sload16(types::I32, guest, p, 0),
                    Ldbu => self.b.ins().uload8(types::I64, guest, p, 0),
                    Ldhu => self.b.ins().uload16(types::I64, guest, p, 0),
                    _ => self.b.ins().uload32(guest, p, 0),
                };
                if self.b.func.dfg.value_type(v) == types::I64 {
                    self.set64(rd, v);
                } else {
                    self.set(rd, v);
                }
            }
            Stb | Sth | Stw => {
                let p = self.addr(i);
                let v = self.reg(i.rs2);
                match i.op {
                    Stb => self.b.ins().istore8(guest, v, p, 0),
                    Sth => self.b.ins().istore16(guest, v, p, 0),
                    _ => self.b.ins().store(guest, v, p, 0),
                };
            }
            AssertEq => {
                let a = self.reg(i.rs1);
                let b = self.reg(i.rs2);
                let ne = self.b.ins().icmp(IntCC::NotEqual, a, b);
                let fail = self.b.create_block();
                let cont = self.b.create_block();
                self.b.set_cold_block(fail);
                self.b.ins().brif(ne, fail, &[], cont, &[]);
                self.b.switch_to_block(fail);
                self.exit_trap(
                    TrapKind::AssertionFailed,
                    pc,
                    0,
                    i.rs1 as u32 | (i.rs2 as u32) << 8,
                );
                self.b.switch_to_block(cont);
            }
            Nop => {}
            FnegS | FabsS => {
                let a = self.reg(i.rs1);
                let v = if i.op == FnegS {
                    self.b.ins().bxor_imm_s(a, 0x8000_0000u32 as i64)
                } else {
                    self.b.ins().band_imm_s(a, 0x7FFF_FFFF)
                };
                self.set(rd, v);
            }
            FnegD | FabsD if self.is_f64_pair(i.rd) || self.is_f64_pair(i.rs1) => {
                // Sign-bit operations on the f64 (xor/and of the bits, as
                // in the interpreter: a NaN's payload is untouched).
                let a = self.pair_f64(i.rs1);
                let v = if i.op == FnegD {
                    self.b.ins().fneg(a)
                } else {
                    self.b.ins().fabs(a)
                };
                self.set_pair_f64(rd, v);
            }
            FnegD | FabsD => {
                // Pair (rs1, rs1+1) -> (rd, rd+1): only the high word changes.
                let lo = self.reg(i.rs1);
                let hi = self.reg(i.rs1 + 1);
                let h = if i.op == FnegD {
                    self.b.ins().bxor_imm_s(hi, 0x8000_0000u32 as i64)
                } else {
                    self.b.ins().band_imm_s(hi, 0x7FFF_FFFF)
                };
                self.set(rd, lo);
                self.set(rd + 1, h);
            }
            op if (0x53..=0x78).contains(&(op as u8)) => self.lower_fp(i),
            Jal | Jalr | Beq | Bne | Blt | Bge | Bltu | Bgeu | Halt | Yield | Debug => {
                unreachable!("control instruction inside a block")
            }
            _ => unreachable!("unhandled opcode {:?}", i.op),
        }
    }

    fn divrem(&mut self, is_div: bool, a: Value, b: Value) -> Value {
        let zero = self.b.ins().icmp_imm_s(IntCC::Equal, b, 0);
        let a_min = self
            .b
            .ins()
            .icmp_imm_s(IntCC::Equal, a, i32::MIN as u32 as i64);
        let b_m1 = self
            .b
            .ins()
            .icmp_imm_s(IntCC::Equal, b, 0xFFFF_FFFFu32 as i64);
        let ovf = self.b.ins().band(a_min, b_m1);
        let special = self.b.ins().bor(zero, ovf);
        let one = self.b.ins().iconst(types::I32, 1);
        let safe_b = self.b.ins().select(special, one, b);
        if is_div {
            // a / 1 = a covers the overflow case (MIN / -1 = MIN).
            let q = self.b.ins().sdiv(a, safe_b);
            let m1 = self.b.ins().iconst(types::I32, 0xFFFF_FFFFu32 as i64);
            self.b.ins().select(zero, m1, q)
        } else {
            // a % 1 = 0 covers the overflow case.
            let r = self.b.ins().srem(a, safe_b);
            self.b.ins().select(zero, a, r)
        }
    }

    /// The f64 in register pair `r`, `r + 1`: the value an FP instruction
    /// of this guest block last wrote there if still valid, else the two
    /// words combined. (Pairs in `CpuState` are not read as one 8-byte
    /// load: after two 4-byte stores that defeats store forwarding, and
    /// the float benchmark ran 25% slower.)
    fn pair_f64(&mut self, r: u8) -> Value {
        if self.is_f64_pair(r) {
            self.flush_pair(r);
            return self.b.use_var(self.fvars[r as usize]);
        }
        if let Some(&(_, v)) = self.f64_cache.iter().find(|e| e.0 == r) {
            return v;
        }
        let lo = self.reg(r);
        let hi = self.reg(r + 1);
        let lo = self.b.ins().uextend(types::I64, lo);
        let hi = self.b.ins().uextend(types::I64, hi);
        let hi = self.b.ins().ishl_imm_s(hi, 32);
        let bits = self.b.ins().bor(lo, hi);
        self.b.ins().bitcast(types::F64, MemFlagsData::new(), bits)
    }

    /// Writes f64 `v` to register pair `r`, `r + 1`, and remembers it for
    /// the FP instructions that follow in this guest block.
    fn set_pair_f64(&mut self, r: u8, v: Value) {
        if self.is_f64_pair(r) {
            self.pending.retain(|e| e.0 != r);
            self.invalidate_f64(r);
            self.invalidate_f64(r + 1);
            self.b.def_var(self.fvars[r as usize], v);
            self.dirty |= 0b11 << r;
            return;
        }
        self.set_pair_bits(r, v);
        // Register 0 reads as zero whatever was written: never cached.
        if r != 0 {
            self.f64_cache.push((r, v));
        }
    }

    /// Drops the cached f64 of every pair holding register `r`.
    fn invalidate_f64(&mut self, r: u8) {
        self.f64_cache
            .retain(|&(p, _)| p != r && p.wrapping_add(1) != r);
    }

    fn set_pair_bits(&mut self, r: u8, v: Value) {
        let bits = self.b.ins().bitcast(types::I64, MemFlagsData::new(), v);
        let lo = self.b.ins().ireduce(types::I32, bits);
        let hi = self.b.ins().ushr_imm_s(bits, 32);
        let hi = self.b.ins().ireduce(types::I32, hi);
        self.set(r, lo);
        self.set(r + 1, hi);
    }

    fn reg_f32(&mut self, r: u8) -> Value {
        let v = self.reg(r);
        self.b.ins().bitcast(types::F32, MemFlagsData::new(), v)
    }

    /// FP instructions inline, where Cranelift's x86 code computes what
    /// the interpreter computes: compares, and the arithmetic when no
    /// operand is a NaN (a NaN operand's payload rules follow operand
    /// order, which only the helper reproduces exactly, so those take a
    /// cold path through it). Sign operations never get here:
    /// [`Self::lower_inst`] does them on the bits. `false`: not handled
    /// here.
    fn lower_fp_inline(&mut self, i: &Inst) -> bool {
        use cranelift_codegen::ir::condcodes::FloatCC;
        use Opcode::*;
        match i.op {
            FeqS | FltS | FleS | FeqD | FltD | FleD => {
                let cc = match i.op {
                    FeqS | FeqD => FloatCC::Equal,
                    FltS | FltD => FloatCC::LessThan,
                    _ => FloatCC::LessThanOrEqual,
                };
                let (a, b) = if matches!(i.op, FeqS | FltS | FleS) {
                    (self.reg_f32(i.rs1), self.reg_f32(i.rs2))
                } else {
                    (self.pair_f64(i.rs1), self.pair_f64(i.rs2))
                };
                let c = self.b.ins().fcmp(cc, a, b);
                let r = self.b.ins().uextend(types::I32, c);
                self.set(i.rd, r);
            }
            FaddS | FsubS | FmulS | FdivS | FsqrtS | FaddD | FsubD | FmulD | FdivD | FsqrtD => {
                let double = matches!(i.op, FaddD | FsubD | FmulD | FdivD | FsqrtD);
                let unary = matches!(i.op, FsqrtS | FsqrtD);
                let a = if double {
                    self.pair_f64(i.rs1)
                } else {
                    self.reg_f32(i.rs1)
                };
                let b = if unary {
                    a
                } else if double {
                    self.pair_f64(i.rs2)
                } else {
                    self.reg_f32(i.rs2)
                };
                // The ISA's result is SSE's `first op second` (`sqrt a`):
                // the first operand's NaN (quieted) if both are NaN, the one
                // NaN operand's otherwise, x86's default NaN for an invalid
                // operation, with `first` = rs2 for FADD and FMUL (the
                // interpreter computes `b + a`) and rs1 for FSUB and FDIV.
                // Cranelift emits each operation in the order given, so no
                // NaN test is needed, but where it may reorder: it swaps a
                // commutative operation's operands to fold a load into it,
                // and rewrites a product of two negations as the product of
                // the unnegated values. There the test and the exact slow
                // path stay. (Only a load as the first operand is swapped
                // there: x86 folds a second operand's load in place. The
                // float benchmark's loaded velocities are second.)
                let is = |v: Value, op: cranelift_codegen::ir::Opcode| {
                    use cranelift_codegen::ir::ValueDef;
                    match self.b.func.dfg.value_def(v) {
                        ValueDef::Result(inst, _) => self.b.func.dfg.insts[inst].opcode() == op,
                        _ => false,
                    }
                };
                use cranelift_codegen::ir::Opcode as Op;
                let reordered = match i.op {
                    FaddS | FaddD => is(b, Op::Load),
                    FmulS | FmulD => is(b, Op::Load) || is(a, Op::Fneg) && is(b, Op::Fneg),
                    _ => false,
                };
                if !reordered {
                    let r = match i.op {
                        FaddS | FaddD => self.b.ins().fadd(b, a),
                        FmulS | FmulD => self.b.ins().fmul(b, a),
                        FsubS | FsubD => self.b.ins().fsub(a, b),
                        FdivS | FdivD => self.b.ins().fdiv(a, b),
                        _ => self.b.ins().sqrt(a),
                    };
                    if double {
                        self.set_pair_f64(i.rd, r);
                    } else {
                        let r = self.b.ins().bitcast(types::I32, MemFlagsData::new(), r);
                        self.set(i.rd, r);
                    }
                    return true;
                }
                let nan = self.b.ins().fcmp(FloatCC::Unordered, a, b);
                let slow = self.b.create_block();
                let fast = self.b.create_block();
                // The result arrives as a block parameter (its bits, so
                // no NaN is touched on the way), written to the
                // destination once, after the join.
                let join = self.b.create_block();
                let ty = if double { types::F64 } else { types::I32 };
                let res = self.b.append_block_param(join, ty);
                self.b.set_cold_block(slow);
                self.b.ins().brif(nan, slow, &[], fast, &[]);
                self.b.switch_to_block(fast);
                let r = if matches!(i.op, FaddS | FaddD) {
                    self.b.ins().fadd(a, b)
                } else {
                    self.b.ins().fmul(a, b)
                };
                let r = if double {
                    r
                } else {
                    self.b.ins().bitcast(types::I32, MemFlagsData::new(), r)
                };
                self.b.ins().jump(join, &[BlockArg::Value(r)]);
                self.b.switch_to_block(slow);
                let bits = self.fp_helper_call(i, true);
                let r = if double {
                    self.b.ins().bitcast(types::F64, MemFlagsData::new(), bits)
                } else {
                    self.b.ins().ireduce(types::I32, bits)
                };
                self.b.ins().jump(join, &[BlockArg::Value(r)]);
                self.b.switch_to_block(join);
                if double {
                    self.set_pair_f64(i.rd, res);
                } else {
                    self.set(i.rd, res);
                }
            }
            _ => return false,
        }
        true
    }

    fn lower_fp(&mut self, i: &Inst) {
        if !self.lower_fp_inline(i) {
            self.lower_fp_helper(i);
        }
    }

    /// Any FP instruction through the interpreter's code.
    fn lower_fp_helper(&mut self, i: &Inst) {
        let (pd, _, _) = sem::pair_operands(i.op);
        let r = self.fp_helper_call(i, false);
        if pd {
            let v = self.b.ins().bitcast(types::F64, MemFlagsData::new(), r);
            self.set_pair_f64(i.rd, v);
        } else {
            let lo = self.b.ins().ireduce(types::I32, r);
            self.set(i.rd, lo);
        }
    }

    /// Calls the interpreter's code for FP instruction `i`: the result's
    /// bits (a pair's high word in the upper half). `preserving`: through
    /// [`FP_TRAMPOLINE`] (a cold path: the call clobbers no register).
    fn fp_helper_call(&mut self, i: &Inst, preserving: bool) -> Value {
        let (_, p1, p2) = sem::pair_operands(i.op);
        let a = self.reg(i.rs1);
        let ah = if p1 {
            self.reg(i.rs1 + 1)
        } else {
            self.b.ins().iconst(types::I32, 0)
        };
        let uses_rs2 = i.op.format() == Format::R;
        let b = if uses_rs2 {
            self.reg(i.rs2)
        } else {
            self.b.ins().iconst(types::I32, 0)
        };
        let bh = if p2 {
            self.reg(i.rs2 + 1)
        } else {
            self.b.ins().iconst(types::I32, 0)
        };
        let op = self.b.ins().iconst(types::I32, i.op as u8 as i64);
        if !preserving {
            let call = self.b.ins().call(self.fp_ref, &[op, a, ah, b, bh]);
            return self.b.inst_results(call)[0];
        }
        let slot = match self.fp_slot {
            Some(s) => s,
            None => {
                let s = self.b.create_sized_stack_slot(StackSlotData::new(
                    StackSlotKind::ExplicitSlot,
                    8,
                    3,
                ));
                self.fp_slot = Some(s);
                s
            }
        };
        let out = self.b.ins().stack_addr(types::I64, slot, 0);
        self.b
            .ins()
            .call(self.fp_preserving_ref, &[op, a, ah, b, bh, out]);
        self.b.ins().load(types::I64, TRUSTED, out, 0)
    }
}

/// Fault sites of a compiled function, from its trap records and source
/// locations.
pub fn fault_sites(cc: &cranelift_codegen::CompiledCode, code: &CodeImage) -> Vec<FaultSite> {
    let srclocs = cc.buffer.get_srclocs_sorted();
    let mut out = Vec::new();
    for t in cc.buffer.traps() {
        // The srcloc range holding this offset.
        let idx = srclocs.partition_point(|s| s.end <= t.offset);
        let Some(s) = srclocs.get(idx) else { continue };
        if s.start > t.offset || s.loc.is_default() {
            continue;
        }
        let pc = s.loc.bits();
        let Some(i) = code.inst(pc) else { continue };
        let kind = if i.op.is_load() {
            TrapKind::LoadFault
        } else if i.op.is_store() {
            TrapKind::StoreFault
        } else {
            continue;
        };
        out.push(FaultSite {
            offset: t.offset,
            guest_pc: pc,
            kind,
            size: i.op.mem_size() as u8,
        });
    }
    out.sort_by_key(|s| s.offset);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::{discover, CodeImage, DiscoverOptions};

    /// With a profile, an inlined callee's blocks weigh their count times
    /// the share of the callee's calls this caller's sites make, and
    /// nothing from sites a native routine replaces.
    #[test]
    fn inlined_blocks_weigh_this_callers_share() {
        use fast32_cache_format::profile::{BlockCount, Profile};
        let src = "
    .text
_start:
    call leaf
    call other
    halt
other:
    mv r20, lr
    li r5, 99
again:
    call leaf
    addi r5, r5, -1
    bne r5, r0, again
    jalr r0, r20, 0
leaf:
    addi r6, r6, 1
    ret
";
        let image = fast32_asm::assemble(src, "t.s").expect("assembles");
        let code = CodeImage::from_image(&image);
        let at = |n: &str| image.symbol_by_name(n).unwrap().value;
        let (start, leaf) = (at("_start"), at("leaf"));
        let block = |pc: u32, len: u32, count: u64| BlockCount { pc, len, count };
        let p = Profile {
            runs: 1,
            instructions: 0,
            blocks: vec![
                block(start, 1, 1),
                block(start + 4, 1, 1),
                block(start + 8, 1, 1),
                block(at("other"), 2, 1),
                block(at("again"), 1, 99),
                block(at("again") + 4, 2, 99),
                block(at("again") + 12, 1, 1),
                block(leaf, 2, 100),
            ],
            branches: Vec::new(),
            indirect: Vec::new(),
            calls: Vec::new(),
            shapes: Vec::new(),
        };
        let hints = Hints::from_profile(&p, &code, ColdPolicy::Translate);
        let mut prog = discover(&code, &DiscoverOptions::default());
        crate::inline::plan(&mut prog, &code, Some(&hints));
        let main = prog.owner(start);
        assert_eq!(prog.functions[main].inlined.calls.get(&start), Some(&leaf));
        let weight = |replaced: &dyn Fn(u32) -> bool| {
            block_weights(&prog, main, Some(&hints), replaced)
                .into_iter()
                .find(|w| w.0 == leaf)
                .map(|w| w.2)
        };
        // One call of 100 from here: 100 * 1/100, plus 1.
        assert_eq!(weight(&|_| false), Some(2));
        assert_eq!(weight(&|pc| pc == start), Some(1));
        // The other caller makes 99 of them.
        let other = prog.owner(at("other"));
        let w = block_weights(&prog, other, Some(&hints), &|_| false);
        assert_eq!(w.iter().find(|w| w.0 == leaf).map(|w| w.2), Some(100));
    }

    /// Nested loops get depths 1 and 2; code before, between and after
    /// them none; a loop with two latches (a `continue`) counts once.
    #[test]
    fn loop_depths_of_nested_loops() {
        let src = "
        .text
        _start:
            li r5, 3
        outer:
            li r6, 4
        inner:
            addi r6, r6, -1
            beq r6, r7, skip
            addi r8, r8, 1
            bne r6, r0, inner
        skip:
            bne r6, r0, inner
            addi r5, r5, -1
            bne r5, r0, outer
            halt
        ";
        let image = fast32_asm::assemble(src, "t.s").expect("assembles");
        let code = CodeImage::from_image(&image);
        let p = discover(&code, &DiscoverOptions::default());
        let d = loop_depths(&p, p.owner(0));
        let at = |pc: u32| d.get(&pc).copied().unwrap_or(0);
        assert_eq!(at(0), 0, "{d:?}");
        assert_eq!(at(4), 1, "outer head: {d:?}");
        assert_eq!(at(8), 2, "inner head: {d:?}");
        assert_eq!(at(0x10), 2, "inner body: {d:?}");
        assert_eq!(at(0x18), 2, "second latch: {d:?}");
        assert_eq!(at(0x1c), 1, "outer tail: {d:?}");
        assert_eq!(at(0x24), 0, "after: {d:?}");
    }
}
