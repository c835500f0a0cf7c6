//! `fast32 compile`: a `.s32x` to a standalone native executable.

use anyhow::{Context, Result};
use clap::Args;
use fast32_aot::pgo::ColdPolicy;
use fast32_aot::{object_driver, AotOptions};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args, Debug)]
pub struct CompileArgs {
    /// The SLOW-32 executable to compile.
    pub program: PathBuf,
    /// Output executable (default: the program's path without `.s32x`).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// A profile of this program (`fast32 profile`): profile-guided
    /// compilation (cold code out of line, indirect jumps and calls
    /// speculated on their dominant targets, registers chosen by dynamic
    /// use, profiled indirect targets compiled as entries).
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// With --profile: code the profile never saw run is compiled in a
    /// twin of its function, which the function tail-calls when it gets
    /// there (`outline`), out of line at the end of its function
    /// (`translate`), or not at all, left to the embedded JIT (`jit`).
    /// `outline` is fastest when the profiled run covers what the program
    /// runs; `translate` keeps code the profile missed almost as fast as
    /// without a profile (see the README).
    // Default `outline`, by measurement (host instructions, profiles of a
    // different input than the measured one, corpus-pgo.sh): against
    // `translate`, Forth 0.914, Lua 0.967, Lisp 0.972, sbasic 1.029,
    // Prolog 1.014; the benchmark programs equal or better (dispatch
    // 0.976). The hot functions lose their cold code, which register
    // allocation no longer has to fit around, and reaching cold code costs
    // a tail call, where `jit` costs a round trip through the dispatcher
    // and the JIT (Lua with a profile of another script: 600000 of them).
    #[arg(long, value_name = "POLICY", default_value = "outline", value_parser = ["outline", "translate", "jit"])]
    pub cold: String,
    /// Report which calls became native intrinsics and, with --profile,
    /// what the profile changed.
    #[arg(long)]
    pub explain: bool,
    /// Keep every call of the guest's memcpy, memmove, memset, strlen and
    /// strcmp (no native replacements).
    #[arg(long)]
    pub no_intrinsics: bool,
    /// Keep every guest call a native call (no small callees lowered
    /// inside their callers).
    #[arg(long)]
    pub no_inline: bool,
    /// Warn and compile without the profile if it belongs to another build.
    #[arg(long)]
    pub ignore_stale_profile: bool,
    /// Write each function's Cranelift IR, annotated with guest PCs and
    /// disassembly, into this directory (NAME.clif), and the IR after
    /// Cranelift's optimizer (NAME.opt.clif).
    #[arg(long, value_name = "DIR")]
    pub emit_clif: Option<PathBuf>,
    /// Also write the relocatable object file here.
    #[arg(long, value_name = "FILE")]
    pub emit_object: Option<PathBuf>,
    /// Cranelift optimization level.
    #[arg(long, default_value = "speed", value_parser = ["none", "speed", "speed_and_size"])]
    pub opt_level: String,
    /// Make compiled loops poll the interrupt flag (only useful for
    /// embedding; executables have no timeout).
    #[arg(long, hide = true)]
    pub interruptible: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

fn default_output(p: &std::path::Path) -> PathBuf {
    if p.extension().is_some_and(|e| e == "s32x") {
        p.with_extension("")
    } else {
        let mut s = p.as_os_str().to_owned();
        s.push(".exe");
        PathBuf::from(s)
    }
}

pub fn compile(a: CompileArgs) -> Result<i32> {
    let t0 = Instant::now();
    let (bytes, image) = crate::read_program(&a.program)?;
    let out = a
        .output
        .clone()
        .unwrap_or_else(|| default_output(&a.program));
    if out == a.program {
        anyhow::bail!("the output would overwrite the program: choose another name with -o");
    }
    let mut opts = AotOptions {
        // FAST32_VERIFY_CLIF=1 runs Cranelift's IR verifier on every
        // function: a lowering bug is then reported with the function's IR
        // instead of as a panic deep in an optimization pass.
        verify: std::env::var_os("FAST32_VERIFY_CLIF").is_some(),
        opt_level: match a.opt_level.as_str() {
            "none" => "none",
            "speed_and_size" => "speed_and_size",
            _ => "speed",
        },
        interruptible: a.interruptible,
        clif_dir: a.emit_clif.clone(),
        intrinsics: !a.no_intrinsics,
        inline: !a.no_inline,
        ..AotOptions::default()
    };
    if let Some(path) = &a.profile {
        if let Some(p) = crate::profile::load_for_run(path, &bytes, a.ignore_stale_profile)? {
            let cold = match a.cold.as_str() {
                "jit" => ColdPolicy::Jit,
                "outline" => ColdPolicy::Outline,
                _ => ColdPolicy::Translate,
            };
            opts.apply_profile(&p, &fast32_aot::CodeImage::from_image(&image), cold);
        }
    }
    if let Some(dir) = &a.emit_clif {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut obj = object_driver::compile_object(&bytes, &image, &opts)
        .with_context(|| format!("cannot compile {}", a.program.display()))?;
    if let Some(o) = &a.emit_object {
        crate::write_atomic(o, &obj.bytes)?;
    }
    let t = Instant::now();
    fast32_aot::link::link(&obj.bytes, &out)
        .with_context(|| format!("cannot link {}", out.display()))?;
    obj.phases.link = t.elapsed();
    if !a.quiet {
        let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        let p = obj.phases;
        crate::out(&format!(
            "fast32: compiled {} -> {} ({:.1} MiB)\n",
            a.program.display(),
            out.display(),
            size as f64 / (1 << 20) as f64
        ))?;
        crate::out(&format!(
            "  {} functions, {} blocks, {} guest instructions, {} bytes of native code\n",
            obj.functions, obj.blocks, obj.guest_insns, obj.code_bytes
        ))?;
        crate::out(&format!(
            "  discovery {:.3} s, lowering {:.3} s, cranelift {:.3} s, object {:.3} s, link {:.3} s; total {:.3} s\n",
            p.discovery.as_secs_f64(),
            p.lowering.as_secs_f64(),
            p.cranelift.as_secs_f64(),
            p.emit.as_secs_f64(),
            p.link.as_secs_f64(),
            t0.elapsed().as_secs_f64()
        ))?;
    }
    if a.explain {
        if opts.hints.is_some() {
            crate::out(&obj.explain.render())?;
        } else {
            crate::out(&obj.explain.inlining())?;
            crate::out(&obj.explain.intrinsics)?;
        }
    }
    Ok(0)
}
