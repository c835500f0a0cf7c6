//! The in-memory driver: compiles every discovered guest function with
//! `cranelift-jit` up front, then runs the program with a small
//! dispatcher.
//!
//! The dispatcher enters compiled code at `cpu.pc` through the entry table
//! and handles what comes back (see [`crate::lower`] for the ABI): YIELD,
//! DEBUG, HALT and traps as the JIT's `run_slice` does, a plain `None`
//! exit by entering compiled code again at the new PC. A PC that is not an
//! entry of compiled code (a jump target that discovery could not see) is
//! handed to the JIT, one block at a time, until the PC is an entry again;
//! [`AotStats::fallback_entries`] counts how often that happens.
//!
//! Compiled code does not count instructions nor poll the interrupt flag:
//! a run with an instruction limit goes to the JIT in counting mode, and
//! the interrupt flag (`--timeout`) is checked only in the dispatcher.
//! Programs without W^X (which may rewrite their code) run on the
//! interpreter, as with the JIT.

use crate::discover::{discover, CodeImage, DiscoverOptions, Program};
use crate::fault::{self, FaultContext, HostSite};
use crate::lower::{self, FaultSite};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{default_libcall_names, Module};
use fast32_isa::s32x::Image;
use fast32_jit::{Jit, JitOptions};
use fast32_runtime::state::ExitReason;
use fast32_runtime::{Interpreter, Machine, RunOutcome, Trap, TrapKind};
use std::sync::atomic::Ordering;
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
}

/// How to compile.
#[derive(Clone, Debug)]
pub struct AotOptions {
    pub discover: DiscoverOptions,
    /// Run Cranelift's IR verifier on every function (slow; tests).
    pub verify: bool,
    /// Cranelift optimization level: "none", "speed" or "speed_and_size".
    pub opt_level: &'static str,
}

impl Default for AotOptions {
    fn default() -> Self {
        AotOptions {
            discover: DiscoverOptions::default(),
            verify: cfg!(debug_assertions),
            opt_level: "speed",
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
}

/// A program compiled to native code in memory.
pub struct Aot {
    /// Owns the code and the entry table (freed on drop).
    module: Option<JITModule>,
    /// Host function per code word that is an entry (0 if none).
    entries: Vec<usize>,
    sites: Vec<HostSite>,
    code_start: usize,
    code_end: usize,
    jit: Option<Jit>,
    stats: AotStats,
    stack_budget: Option<u64>,
    /// With FAST32_AOT_TRACE_FALLBACK set: how often each PC fell back.
    fallback_pcs: Option<std::collections::HashMap<u32, u64>>,
}

/// Room left on the host stack below the deepest guest frame.
const STACK_MARGIN: u64 = 128 << 10;

/// An address in the current stack frame.
#[inline(never)]
fn stack_here() -> u64 {
    let marker = 0u8;
    std::hint::black_box(std::ptr::addr_of!(marker)) as u64
}

/// The lowest host stack address compiled code may use on this thread.
fn stack_limit() -> u64 {
    let here = stack_here();
    // SAFETY: plain queries of this thread's attributes.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) == 0 {
            let mut addr: *mut libc::c_void = std::ptr::null_mut();
            let mut size: libc::size_t = 0;
            let rc = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
            libc::pthread_attr_destroy(&mut attr);
            let low = addr as u64;
            if rc == 0 && low < here && here - low > 2 * STACK_MARGIN {
                return low + STACK_MARGIN;
            }
        }
    }
    here.saturating_sub(1 << 20)
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
        let prog = discover(&code, &opts.discover);
        Self::compile_program(&code, &prog, opts, t0)
    }

    /// Compiles an already discovered program.
    pub fn compile_program(
        code: &CodeImage,
        prog: &Program,
        opts: &AotOptions,
        t0: Instant,
    ) -> Result<Aot, AotError> {
        fault::install();
        let mut flags = settings::builder();
        let set = |f: &mut settings::Builder, k: &str, v: &str| {
            f.set(k, v)
                .map_err(|e| AotError::Host(format!("{k}={v}: {e}")))
        };
        set(&mut flags, "opt_level", opts.opt_level)?;
        set(
            &mut flags,
            "enable_verifier",
            if opts.verify { "true" } else { "false" },
        )?;
        set(&mut flags, "is_pic", "false")?;
        set(&mut flags, "use_colocated_libcalls", "false")?;
        let isa = cranelift_native::builder()
            .map_err(|e| AotError::Host(e.to_string()))?
            .finish(settings::Flags::new(flags))
            .map_err(|e| AotError::Host(e.to_string()))?;
        let mut jb = JITBuilder::with_isa(isa, default_libcall_names());
        jb.symbol(lower::FP_HELPER, lower::fast32_aot_fp as *const u8);
        // One contiguous reservation, so that code and the entry table
        // stay within the ±2 GiB reach of PC-relative references.
        let reserve =
            (256usize << 20) + prog.instruction_count() as usize * 256 + code.words.len() * 8;
        let arena = cranelift_jit::ArenaMemoryProvider::new_with_size(reserve)
            .map_err(|e| AotError::Host(format!("cannot reserve code memory: {e}")))?;
        jb.memory_provider(Box::new(arena));
        let mut module = JITModule::new(jb);
        let merr = |e: Box<cranelift_module::ModuleError>| AotError::Module(e.to_string());

        let decls = lower::declare(&mut module, prog).map_err(merr)?;
        lower::define_entry_table(&mut module, &decls, prog, code).map_err(merr)?;
        let mut ctx = module.make_context();
        let mut fbc = cranelift_frontend::FunctionBuilderContext::new();
        // FAST32_AOT_DUMP=1 prints the IR and machine code of every function.
        let dump = std::env::var_os("FAST32_AOT_DUMP").is_some();
        let mut fn_sites: Vec<Vec<FaultSite>> = Vec::with_capacity(prog.functions.len());
        let mut sizes = Vec::with_capacity(prog.functions.len());
        for (i, f) in prog.functions.iter().enumerate() {
            lower::lower_function(&mut module, &decls, prog, code, i, &mut ctx, &mut fbc);
            if dump {
                ctx.set_disasm(true);
                eprintln!("{}", ctx.func.display());
            }
            module
                .define_function(decls.funcs[i], &mut ctx)
                .map_err(|e| AotError::Codegen {
                    pc: f.start,
                    msg: match &e {
                        cranelift_module::ModuleError::Compilation(
                            cranelift_codegen::CodegenError::Verifier(v),
                        ) => format!("{}\n{}", v, ctx.func.display()),
                        _ => format!("{e:?}"),
                    },
                })?;
            if dump {
                if let Some(vc) = ctx.compiled_code().and_then(|c| c.vcode.as_ref()) {
                    eprintln!("{vc}");
                }
            }
            fn_sites.push(lower::fault_sites(&ctx, code));
            sizes.push(
                ctx.compiled_code()
                    .map(|c| c.code_info().total_size)
                    .unwrap_or(0),
            );
            module.clear_context(&mut ctx);
        }
        module
            .finalize_definitions()
            .map_err(|e| merr(Box::new(e)))?;

        let mut entries = vec![0usize; code.words.len()];
        let ptrs: Vec<usize> = decls
            .funcs
            .iter()
            .map(|&id| module.get_finalized_function(id) as usize)
            .collect();
        for (pc, fi) in prog.all_entries() {
            entries[(pc / 4) as usize] = ptrs[fi];
        }
        if std::env::var_os("FAST32_AOT_PERFMAP").is_some() {
            // For `perf report`: /tmp/perf-PID.map names the functions.
            use std::io::Write;
            let path = format!("/tmp/perf-{}.map", std::process::id());
            if let Ok(mut f) = std::fs::File::create(path) {
                for (i, func) in prog.functions.iter().enumerate() {
                    let _ = writeln!(f, "{:x} {:x} guest_{:08x}", ptrs[i], sizes[i], func.start);
                    // SAFETY: the function's code is mapped readable.
                    let bytes = unsafe {
                        std::slice::from_raw_parts(ptrs[i] as *const u8, sizes[i] as usize)
                    };
                    let _ = std::fs::write(format!("/tmp/fast32-aot-{:x}.bin", ptrs[i]), bytes);
                }
            }
        }
        let mut sites = Vec::new();
        let (mut lo, mut hi) = (usize::MAX, 0usize);
        for (i, s) in fn_sites.iter().enumerate() {
            lo = lo.min(ptrs[i]);
            hi = hi.max(ptrs[i] + sizes[i] as usize);
            sites.extend(s.iter().map(|&site| HostSite {
                host: ptrs[i] + site.offset as usize,
                site,
            }));
        }
        sites.sort_by_key(|s| s.host);
        let stats = AotStats {
            functions: prog.functions.len() as u64,
            blocks: prog.blocks.len() as u64,
            guest_insns: prog.instruction_count(),
            entries: prog.all_entries().count() as u64,
            code_bytes: sizes.iter().map(|&s| s as u64).sum(),
            compile_time: t0.elapsed(),
            ..AotStats::default()
        };
        Ok(Aot {
            module: Some(module),
            entries,
            sites,
            code_start: lo,
            code_end: hi,
            jit: None,
            stats,
            stack_budget: None,
            fallback_pcs: std::env::var_os("FAST32_AOT_TRACE_FALLBACK")
                .map(|_| std::collections::HashMap::new()),
        })
    }

    /// PCs that fell back to the JIT, most frequent first (only with
    /// FAST32_AOT_TRACE_FALLBACK set in the environment at compile time).
    pub fn fallback_histogram(&self) -> Vec<(u32, u64)> {
        let mut v: Vec<(u32, u64)> = self
            .fallback_pcs
            .iter()
            .flat_map(|h| h.iter().map(|(&a, &b)| (a, b)))
            .collect();
        v.sort_by_key(|e| std::cmp::Reverse(e.1));
        v
    }

    /// Limits the host stack compiled code may use below the dispatcher
    /// (default: all of the thread's stack but a margin). Deeper guest
    /// call chains return to the dispatcher and continue from there.
    pub fn set_stack_budget(&mut self, bytes: Option<u64>) {
        self.stack_budget = bytes;
    }

    pub fn stats(&self) -> AotStats {
        self.stats
    }

    fn entry(&self, pc: u32) -> usize {
        if pc & 3 != 0 {
            return 0;
        }
        self.entries.get((pc >> 2) as usize).copied().unwrap_or(0)
    }

    /// Runs the machine to completion.
    pub fn run(&mut self, m: &mut Machine) -> RunOutcome {
        if !m.mem.layout().wxorx {
            return Interpreter::new(m).run(m);
        }
        if m.cpu.insn_limit != u64::MAX {
            // Compiled code does not count instructions.
            let opts = JitOptions {
                counting: true,
                ..JitOptions::default()
            };
            return match Jit::new(m, opts) {
                Ok(mut j) => j.run(m),
                Err(_) => Interpreter::new(m).run(m),
            };
        }
        let mut sp_limit = stack_limit();
        if let Some(b) = self.stack_budget {
            let here = stack_here();
            sp_limit = sp_limit.max(here.saturating_sub(b));
        }
        let mut ctx = FaultContext {
            code_start: self.code_start,
            code_end: self.code_end,
            sites: &self.sites[..] as *const [HostSite],
            state: &mut m.cpu,
            mem_base: m.mem.base_ptr() as usize,
            saved_rsp: 0,
        };
        loop {
            if m.interrupt.load(Ordering::Relaxed) {
                return RunOutcome::Trap(Trap::new(TrapKind::Timeout, m.cpu.pc, 0, 0));
            }
            let pc = m.cpu.pc;
            let f = self.entry(pc);
            if f == 0 {
                if let Some(o) = self.fallback(m) {
                    return o;
                }
                continue;
            }
            self.stats.dispatches += 1;
            ctx.state = &mut m.cpu;
            // SAFETY: `f` was compiled for this program; the machine's
            // state and memory outlive the call.
            let r = unsafe { fault::enter(&mut ctx, f, pc, sp_limit) };
            let next = r as u32;
            m.cpu.pc = next;
            match (r >> 32) as u32 {
                x if x == ExitReason::None as u32 => {}
                x if x == ExitReason::Yield as u32 => {
                    if let Some(o) = m.service_yield() {
                        return o;
                    }
                }
                x if x == ExitReason::Debug as u32 => m.host.debug_byte(m.cpu.aux as u8),
                x if x == ExitReason::Halt as u32 => return m.halt(),
                x if x == ExitReason::Trap as u32 => {
                    let kind = TrapKind::from_u32(m.cpu.trap_kind).unwrap_or(TrapKind::LoadFault);
                    return RunOutcome::Trap(Trap::new(kind, next, m.cpu.trap_addr, m.cpu.aux));
                }
                x if x == ExitReason::Lookup as u32 => {
                    if let Some(o) = self.fallback(m) {
                        return o;
                    }
                }
                other => panic!("compiled code returned unknown exit reason {other}"),
            }
        }
    }

    /// Runs the JIT one block at a time from `cpu.pc` until the PC is an
    /// entry of compiled code again. `Some` when the machine stopped.
    fn fallback(&mut self, m: &mut Machine) -> Option<RunOutcome> {
        self.stats.fallback_entries += 1;
        if let Some(h) = &mut self.fallback_pcs {
            *h.entry(m.cpu.pc).or_default() += 1;
        }
        if self.jit.is_none() {
            match Jit::new(m, JitOptions::default()) {
                Ok(mut j) => {
                    j.set_single_step_blocks(true);
                    self.jit = Some(j);
                }
                Err(_) => {
                    // No executable memory for the JIT: the interpreter.
                    let mut i = Interpreter::new(m);
                    loop {
                        if let Some(o) = i.run_block(m) {
                            return Some(o);
                        }
                        self.stats.fallback_blocks += 1;
                        if self.entry(m.cpu.pc) != 0 {
                            return None;
                        }
                    }
                }
            }
        }
        let jit = self.jit.as_mut().expect("jit");
        loop {
            if let Some(o) = jit.run_slice(m) {
                return Some(o);
            }
            self.stats.fallback_blocks += 1;
            let pc = m.cpu.pc;
            if pc & 3 == 0
                && self
                    .entries
                    .get((pc >> 2) as usize)
                    .is_some_and(|&e| e != 0)
            {
                return None;
            }
            if m.interrupt.load(Ordering::Relaxed) {
                return Some(RunOutcome::Trap(Trap::new(TrapKind::Timeout, pc, 0, 0)));
            }
        }
    }
}
