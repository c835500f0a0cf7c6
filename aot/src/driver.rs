//! What both drivers share: the target ISA, and compiling every guest
//! function of a discovered program into a [`cranelift_module::Module`]
//! (`cranelift-jit` in memory, `cranelift-object` for executables),
//! collecting sizes, fault sites and phase timings.

use crate::discover::{CodeImage, Program};
use crate::lower::{self, Decls, FaultSite};
use crate::spill_weights;
use crate::AotError;
use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::{CodegenError, CompiledCode, Context};
use cranelift_module::Module;
use cranelift_module::ModuleReloc;
use fast32_isa::disasm;
use std::path::Path;
use std::time::{Duration, Instant};

/// Builds the host ISA with fast32's settings. `pinned`: compiled code
/// finds `CpuState` in the pinned register (in-memory code, which serves
/// any machine); without it `CpuState` is at a fixed address
/// ([`Decls::fixed_state`](crate::lower::Decls::fixed_state)) and r15 is
/// one more register for guest values.
pub fn host_isa(
    opt_level: &str,
    verify: bool,
    pic: bool,
    pinned: bool,
) -> Result<OwnedTargetIsa, AotError> {
    let mut flags = settings::builder();
    let set = |f: &mut settings::Builder, k: &str, v: &str| {
        f.set(k, v)
            .map_err(|e| AotError::Host(format!("{k}={v}: {e}")))
    };
    set(&mut flags, "opt_level", opt_level)?;
    set(
        &mut flags,
        "enable_verifier",
        if verify { "true" } else { "false" },
    )?;
    set(&mut flags, "is_pic", if pic { "true" } else { "false" })?;
    set(&mut flags, "use_colocated_libcalls", "false")?;
    // Cranelift's x86-64 tail calls (jumps between guest functions are
    // `return_call`s) need frame pointers.
    set(&mut flags, "preserve_frame_pointers", "true")?;
    // Functions start on a cache line. Cranelift's object and JIT
    // modules align them only as their constants need (often 8 bytes), so
    // a function's loops sat differently in the fetch windows whenever the
    // code before it changed size: the calls benchmark's profile-guided
    // executable took 1.14x the time with its code 8 bytes further on
    // (identical instructions), its plain one 1.07x.
    set(&mut flags, "log2_min_function_alignment", "6")?;
    // In-memory code keeps the `CpuState` pointer in the pinned register
    // (r15), outside register allocation (see `lower::FnLower::state`).
    set(
        &mut flags,
        "enable_pinned_reg",
        if pinned { "true" } else { "false" },
    )?;
    cranelift_native::builder()
        .map_err(|e| AotError::Host(e.to_string()))?
        .finish(settings::Flags::new(flags))
        .map_err(|e| AotError::Host(e.to_string()))
}

/// Per-function results of [`compile_functions`].
#[derive(Default)]
pub struct CompiledFunctions {
    /// Machine-code size of each function, in `Program::functions` order.
    pub sizes: Vec<u32>,
    /// Fault sites of each function (offsets from its start).
    pub sites: Vec<Vec<FaultSite>>,
    /// Time spent building Cranelift IR from guest code.
    pub lower_time: Duration,
    /// Time spent in Cranelift (optimization, register allocation, emission).
    pub codegen_time: Duration,
    /// What the profile changed (empty without one).
    pub explain: crate::pgo::Explain,
    /// Twins compiled after the functions ([`crate::pgo::ColdPolicy::Outline`]),
    /// in the order of their sizes and sites after the functions'.
    pub twins: Vec<cranelift_module::FuncId>,
}

/// Lowers and compiles every function of `prog` into `module`. With
/// `clif_dir`, writes each function's IR there: before optimization,
/// annotated with the guest blocks' disassembly (`NAME.clif`), and after
/// (`NAME.opt.clif`).
pub fn compile_functions<M: Module>(
    module: &mut M,
    decls: &Decls,
    prog: &Program,
    code: &CodeImage,
    clif_dir: Option<&Path>,
) -> Result<CompiledFunctions, AotError> {
    let mut ctx = module.make_context();
    let mut fbc = cranelift_frontend::FunctionBuilderContext::new();
    let mut ra_ctx = regalloc2::Ctx::default();
    // FAST32_AOT_DUMP=1 prints the IR and machine code of every function.
    let dump = std::env::var_os("FAST32_AOT_DUMP").is_some();
    let mut out = CompiledFunctions::default();
    // Twins see their function's cold blocks as entries.
    let twin_prog = (!decls.twins.is_empty()).then(|| lower::twin_program(prog, decls));
    let mut twins: Vec<usize> = decls.twins.keys().copied().collect();
    twins.sort_unstable();
    let jobs = (0..prog.functions.len())
        .map(|i| (i, false))
        .chain(twins.iter().map(|&i| (i, true)));
    for (i, twin) in jobs {
        let f = &prog.functions[i];
        let (p, id) = match (&twin_prog, twin) {
            (Some(tp), true) => (tp, decls.twins[&i]),
            _ => (prog, decls.funcs[i]),
        };
        // A twin's lowering would count the function's blocks again.
        let mut scratch = crate::pgo::Explain::default();
        let explain = if twin { &mut scratch } else { &mut out.explain };
        let t = Instant::now();
        let depths =
            lower::lower_function(module, decls, p, code, i, &mut ctx, &mut fbc, explain, twin);
        out.lower_time += t.elapsed();
        if let Some(dir) = clif_dir.filter(|_| !twin) {
            write_clif(dir, prog, code, i, &ctx)?;
        }
        if dump {
            ctx.set_disasm(true);
            eprintln!("{}", ctx.func.display());
        }
        let t = Instant::now();
        let compiled = compile_one(module, &mut ctx, &mut ra_ctx, depths.as_deref());
        let compiled = match compiled {
            Ok((c, hinted)) => {
                match hinted {
                    Some(true) => out.explain.spill_hinted += 1,
                    Some(false) => out.explain.spill_hint_mismatch += 1,
                    None => {}
                }
                c
            }
            Err(e) => {
                return Err(AotError::Codegen {
                    pc: f.start,
                    msg: match &e {
                        CodegenError::Verifier(v) => format!("{}\n{}", v, ctx.func.display()),
                        _ => format!("{e:?}"),
                    },
                })
            }
        };
        let relocs: Vec<ModuleReloc> = compiled
            .buffer
            .relocs()
            .iter()
            .map(|r| ModuleReloc::from_mach_reloc(r, &ctx.func, id))
            .collect();
        module
            .define_function_bytes(
                id,
                compiled.buffer.alignment as u64,
                compiled.code_buffer(),
                &relocs,
            )
            .map_err(|e| AotError::Codegen {
                pc: f.start,
                msg: format!("{e:?}"),
            })?;
        out.codegen_time += t.elapsed();
        if let Some(dir) = clif_dir.filter(|_| !twin) {
            // What Cranelift's optimizer made of it (which loads alias
            // analysis removed, what LICM hoisted).
            let path = dir.join(format!("{}.opt.clif", lower::function_name(f.start)));
            write_text(&path, &ctx.func.display().to_string())?;
        }
        if dump {
            // After Cranelift's optimizer (what LICM hoisted, which block
            // parameters it kept): the IR the machine code came from.
            eprintln!("=== optimized\n{}", ctx.func.display());
            if let Some(vc) = compiled.vcode.as_ref() {
                eprintln!("{vc}");
            }
        }
        out.sites.push(lower::fault_sites(&compiled, code));
        out.sizes.push(compiled.code_info().total_size);
        if twin {
            out.twins.push(id);
        }
        module.clear_context(&mut ctx);
    }
    out.explain.twins = twins.len() as u64;
    Ok(out)
}

/// Compiles the function in `ctx` as `Module::define_function` would, but
/// in two steps so that the register allocator can be given the profile's
/// loop depths (`depths`, by block number; see [`crate::spill_weights`])
/// in the block order of the optimized function. Also tells whether the
/// allocator took them (`None`: there were none).
fn compile_one<M: Module>(
    module: &M,
    ctx: &mut Context,
    ra_ctx: &mut regalloc2::Ctx,
    depths: Option<&[u32]>,
) -> Result<(CompiledCode, Option<bool>), CodegenError> {
    let isa = module.isa();
    let mut ctrl = ControlPlane::default();
    ctx.optimize(isa, &mut ctrl)?;
    if let Some(d) = depths {
        let order = spill_weights::lowered_order_depths(&ctx.func, &ctx.domtree, d);
        regalloc2::hints::set_block_loop_depths(order);
    }
    let stencil = isa.compile_function(&ctx.func, &ctx.domtree, ra_ctx, ctx.want_disasm, &mut ctrl);
    // Cleared whatever happened: the next function must not see them.
    let taken = regalloc2::hints::clear_block_loop_depths();
    Ok((stencil?.apply_params(&ctx.func.params), depths.and(taken)))
}

/// Writes `fast32_guest_XXXXXXXX.clif`: the guest blocks with their
/// disassembly as comments, then the IR (instructions carry their guest
/// PC as `@xxxx` source locations).
fn write_clif(
    dir: &Path,
    prog: &Program,
    code: &CodeImage,
    fidx: usize,
    ctx: &cranelift_codegen::Context,
) -> Result<(), AotError> {
    use std::fmt::Write;
    let f = &prog.functions[fidx];
    let mut s = String::new();
    let _ = writeln!(
        s,
        "; guest function 0x{:08x}: {} blocks, entries {:x?}",
        f.start,
        f.blocks.len(),
        f.entries
    );
    for b in f.lowered_blocks() {
        let blk = prog.blocks[&b];
        let inlined = if prog.owner(b) == fidx {
            ""
        } else {
            ", inlined"
        };
        let _ = writeln!(s, "; block 0x{:08x} ({:?}{inlined})", blk.start, blk.term);
        let mut pc = blk.start;
        while pc < blk.end || (pc == blk.end && matches!(blk.term, crate::discover::Term::Trap)) {
            if !code.valid(pc) {
                break;
            }
            let w = code.word(pc);
            let _ = writeln!(
                s,
                ";   {:08x}: {:08x}  {}",
                pc,
                w,
                disasm::disasm_word(w, pc, &disasm::NoSymbols)
            );
            pc += 4;
        }
    }
    let _ = writeln!(s, "{}", ctx.func.display());
    let path = dir.join(format!("{}.clif", lower::function_name(f.start)));
    write_text(&path, &s)
}

/// Writes an `--emit-clif` file.
fn write_text(path: &Path, text: &str) -> Result<(), AotError> {
    std::fs::write(path, text).map_err(|e| AotError::Io {
        path: path.display().to_string(),
        msg: e.to_string(),
    })
}
