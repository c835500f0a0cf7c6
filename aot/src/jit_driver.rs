//! The in-memory driver: compiles every discovered guest function with
//! `cranelift-jit` up front and runs the program on the dispatcher of
//! [`fast32_aot_runtime`] (the same one AOT executables link), which hands
//! code that discovery did not find to the JIT.

use crate::discover::{discover, CodeImage, DiscoverOptions, Program};
use crate::driver;
use crate::intrinsics;
use crate::lower;
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{default_libcall_names, Module};
use fast32_aot_runtime::{CompiledCode, Dispatcher, SiteTable};
use fast32_isa::s32x::Image;
use fast32_runtime::{Machine, RunOutcome};
use std::time::{Duration, Instant};

/// Why a program could not be compiled.
#[derive(Debug, thiserror::Error)]
pub enum AotError {
    #[error("no native code generator for this host: {0}")]
    Host(String),
    #[error("code generation failed for the guest function at 0x{pc:08X}: {msg}")]
    Codegen { pc: u32, msg: String },
    #[error("module error: {0}")]
    Module(String),
    #[error("{path}: {msg}")]
    Io { path: String, msg: String },
    #[error("linking failed: {0}")]
    Link(String),
}

/// How to compile.
#[derive(Clone, Debug)]
pub struct AotOptions {
    pub discover: DiscoverOptions,
    /// Run Cranelift's IR verifier on every function (slow; tests).
    pub verify: bool,
    /// Cranelift optimization level: "none", "speed" or "speed_and_size".
    pub opt_level: &'static str,
    /// Poll the machine's interrupt flag on loop back-edges, so that
    /// `--timeout` can stop compiled loops (costs a load and a branch per
    /// iteration; off unless a timeout is asked for).
    pub interruptible: bool,
    /// Write each function's Cranelift IR here (`--emit-clif`).
    pub clif_dir: Option<std::path::PathBuf>,
    /// Profile hints: cold code, speculation, register choice.
    pub hints: Option<std::sync::Arc<crate::pgo::Hints>>,
    /// Replace calls of guest `memcpy`, `strlen`, ... by native code where
    /// provably exact ([`crate::intrinsics`]).
    pub intrinsics: bool,
    /// Lower small callees inside their callers ([`crate::inline`]).
    pub inline: bool,
}

impl AotOptions {
    /// Compiles guided by `profile` (of the program whose code is `code`):
    /// the hints, and the profiled indirect targets as discovery roots.
    pub fn apply_profile(
        &mut self,
        profile: &fast32_cache_format::Profile,
        code: &CodeImage,
        cold: crate::pgo::ColdPolicy,
    ) {
        let hints = crate::pgo::Hints::from_profile(profile, code, cold);
        self.discover.extra_targets = hints.all_targets.clone();
        self.hints = Some(std::sync::Arc::new(hints));
    }
}

impl Default for AotOptions {
    fn default() -> Self {
        AotOptions {
            discover: DiscoverOptions::default(),
            verify: cfg!(debug_assertions),
            opt_level: "speed",
            interruptible: false,
            clif_dir: None,
            hints: None,
            intrinsics: true,
            inline: true,
        }
    }
}

/// What the compiler and the dispatcher did.
#[derive(Clone, Copy, Debug, Default)]
pub struct AotStats {
    pub functions: u64,
    pub blocks: u64,
    pub guest_insns: u64,
    pub entries: u64,
    pub code_bytes: u64,
    pub compile_time: Duration,
    /// Times the dispatcher found no compiled entry and used the JIT.
    pub fallback_entries: u64,
    /// Blocks the JIT ran during those fallbacks.
    pub fallback_blocks: u64,
    /// Entries into compiled code.
    pub dispatches: u64,
    /// Call sites replaced by native routines ([`crate::intrinsics`]).
    pub intrinsic_sites: u64,
}

/// A program compiled to native code in memory.
pub struct Aot {
    /// Owns the code and the entry table (freed on drop).
    module: Option<JITModule>,
    disp: Dispatcher,
    stats: AotStats,
}

impl Drop for Aot {
    fn drop(&mut self) {
        if let Some(m) = self.module.take() {
            // SAFETY: no compiled code runs any more (run() borrows self
            // mutably) and no pointer into it outlives self.
            unsafe { m.free_memory() };
        }
    }
}

impl Aot {
    /// Discovers and compiles every guest function of `image`.
    pub fn compile(image: &Image, opts: &AotOptions) -> Result<Aot, AotError> {
        let t0 = Instant::now();
        let code = CodeImage::from_image(image);
        let mut prog = discover(&code, &opts.discover);
        if opts.inline {
            crate::inline::plan(&mut prog, &code, opts.hints.as_deref());
        }
        let live = std::sync::Arc::new(crate::liveness::analyze(&prog, &code));
        let plan = opts.intrinsics.then(|| {
            std::sync::Arc::new(intrinsics::plan(image, &code, &prog, &opts.discover, &live))
        });
        Self::compile_program(&code, &prog, opts, t0, plan, live)
    }

    /// Compiles an already discovered program, with the call sites `plan`
    /// replaces by native routines and its liveness `live`.
    pub fn compile_program(
        code: &CodeImage,
        prog: &Program,
        opts: &AotOptions,
        t0: Instant,
        plan: Option<std::sync::Arc<intrinsics::Plan>>,
        live: std::sync::Arc<crate::liveness::Liveness>,
    ) -> Result<Aot, AotError> {
        let isa = driver::host_isa(opts.opt_level, opts.verify, false, true)?;
        let mut jb = JITBuilder::with_isa(isa, default_libcall_names());
        jb.symbol(lower::FP_HELPER, lower::fast32_aot_fp as *const u8);
        for op in fast32_aot_runtime::intrinsics::IntrinsicOp::ALL {
            if let Some((name, f)) = fast32_aot_runtime::intrinsics::helper(op) {
                jb.symbol(name, f as *const u8);
            }
        }
        jb.symbol("memset", libc::memset as *const u8);
        jb.symbol("memcpy", libc::memcpy as *const u8);
        jb.symbol("memmove", libc::memmove as *const u8);
        {
            use fast32_aot_runtime::intrinsics as x;
            jb.symbol("fast32_aot_strlen_at", x::fast32_aot_strlen_at as *const u8);
            jb.symbol("fast32_aot_strcmp_at", x::fast32_aot_strcmp_at as *const u8);
        }
        // One contiguous reservation, so that code and the entry table
        // stay within the ±2 GiB reach of PC-relative references.
        let reserve =
            (256usize << 20) + prog.instruction_count() as usize * 256 + code.words.len() * 8;
        let arena = cranelift_jit::ArenaMemoryProvider::new_with_size(reserve)
            .map_err(|e| AotError::Host(format!("cannot reserve code memory: {e}")))?;
        jb.memory_provider(Box::new(arena));
        let mut module = JITModule::new(jb);
        let merr = |e: Box<cranelift_module::ModuleError>| AotError::Module(e.to_string());

        let mut decls = lower::declare(&mut module, prog, opts.interruptible).map_err(merr)?;
        decls.hints = opts.hints.clone();
        decls.live = Some(live);
        let intrinsic_sites = plan.as_ref().map_or(0, |p| p.sites.len() as u64);
        if let Some(p) = plan {
            decls.intrinsics = intrinsics::declare(&mut module, p).map_err(merr)?;
        }
        lower::define_entry_table(&mut module, &decls, prog, code).map_err(merr)?;
        let mut actx = module.make_context();
        lower::define_adapter(&mut module, &decls, &mut actx).map_err(merr)?;
        let compiled =
            driver::compile_functions(&mut module, &decls, prog, code, opts.clif_dir.as_deref())?;
        module
            .finalize_definitions()
            .map_err(|e| merr(Box::new(e)))?;

        let mut entries = vec![0usize; code.words.len()];
        let ptrs: Vec<usize> = decls
            .funcs
            .iter()
            .map(|&id| module.get_finalized_function(id) as usize)
            .collect();
        for (pc, fi) in lower::dispatch_entries(prog, opts.hints.as_deref()) {
            entries[(pc / 4) as usize] = ptrs[fi];
        }
        let sizes = &compiled.sizes;
        if std::env::var_os("FAST32_AOT_PERFMAP").is_some() {
            // For `perf report`: /tmp/perf-PID.map names the functions.
            use std::io::Write;
            let path = format!("/tmp/perf-{}.map", std::process::id());
            if let Ok(mut f) = std::fs::File::create(path) {
                for (i, func) in prog.functions.iter().enumerate() {
                    let _ = writeln!(f, "{:x} {:x} guest_{:08x}", ptrs[i], sizes[i], func.start);
                }
            }
        }
        let sites = SiteTable::new(&ptrs, sizes, compiled.sites);
        let interrupt_slot = match decls.interrupt {
            Some(id) => module.get_finalized_data(id).0 as *mut usize,
            None => std::ptr::null_mut(),
        };
        let stats = AotStats {
            functions: prog.functions.len() as u64,
            blocks: prog.blocks.len() as u64,
            guest_insns: prog.instruction_count(),
            entries: prog.all_entries().count() as u64,
            code_bytes: sizes.iter().map(|&s| s as u64).sum(),
            compile_time: t0.elapsed(),
            intrinsic_sites,
            ..AotStats::default()
        };
        let disp = Dispatcher::new(CompiledCode {
            entries: entries.into(),
            sites,
            interrupt_slot,
            adapter: module.get_finalized_function(decls.adapter) as usize,
            fixed_mem_base: None,
            fixed_state: None,
        });
        Ok(Aot {
            module: Some(module),
            disp,
            stats,
        })
    }

    /// PCs that fell back to the JIT, most frequent first (only with
    /// FAST32_AOT_TRACE_FALLBACK set in the environment).
    pub fn fallback_histogram(&self) -> Vec<(u32, u64)> {
        self.disp.fallback_histogram()
    }

    /// Limits the host stack compiled code may use below the dispatcher
    /// (default: all of the thread's stack but a margin). Deeper guest
    /// call chains return to the dispatcher and continue from there.
    pub fn set_stack_budget(&mut self, bytes: Option<u64>) {
        self.disp.set_stack_budget(bytes);
    }

    pub fn stats(&self) -> AotStats {
        let d = self.disp.stats;
        AotStats {
            fallback_entries: d.fallback_entries,
            fallback_blocks: d.fallback_blocks,
            dispatches: d.dispatches,
            ..self.stats
        }
    }

    /// Runs the machine to completion.
    pub fn run(&mut self, m: &mut Machine) -> RunOutcome {
        self.disp.run(m)
    }
}
