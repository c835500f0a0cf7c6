//! `fast32 profile`: record, merge and inspect execution profiles.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use fast32_cache_format::{image_hash, Profile};
use fast32_runtime::{Machine, RunOutcome};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ProfileArgs {
    #[command(subcommand)]
    pub sub: Option<ProfileSub>,
    /// Where to write the profile (`fast32 profile PROG.s32x -o OUT -- ARGS`).
    #[arg(short, long, required = true)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub run: Option<crate::run::RunArgs>,
}

#[derive(Subcommand)]
pub enum ProfileSub {
    /// Sum profiles of the same program (several training inputs).
    Merge {
        inputs: Vec<PathBuf>,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Print the hottest blocks, side exits and indirect sites.
    Show {
        profile: PathBuf,
        /// The program the profile was recorded for (for disassembly; a
        /// profile of another build is refused).
        program: PathBuf,
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
}

pub fn profile(a: ProfileArgs) -> Result<i32> {
    match a.sub {
        Some(ProfileSub::Merge { inputs, output }) => merge(&inputs, &output),
        Some(ProfileSub::Show {
            profile,
            program,
            top,
        }) => show(&profile, &program, top),
        None => {
            let run = a.run.context("fast32 profile needs a program")?;
            let out = a.output.context("fast32 profile needs -o OUT")?;
            record(run, &out)
        }
    }
}

fn record(a: crate::run::RunArgs, out: &std::path::Path) -> Result<i32> {
    let (bytes, image) = crate::read_program(&a.program)?;
    let mut m = Machine::new(&image, crate::run::host_config(&a)?)
        .with_context(|| format!("cannot load {}", a.program.display()))?;
    if let Some(n) = a.max_instructions {
        m.cpu.insn_limit = n;
    }
    let start = Instant::now();
    let (outcome, p) = fast32_profiler::profile_run(&mut m).context("cannot start the JIT")?;
    let elapsed = start.elapsed();
    m.host.flush();
    if let RunOutcome::Trap(t) = outcome {
        eprintln!("fast32: trap: {t}");
    }
    p.save(out, &image_hash(&bytes))?;
    eprintln!(
        "fast32: profile of {} instructions in {} blocks written to {} ({:.3} s run)",
        p.instructions,
        p.blocks.len(),
        out.display(),
        elapsed.as_secs_f64()
    );
    Ok(outcome.exit_status())
}

fn merge(inputs: &[PathBuf], output: &std::path::Path) -> Result<i32> {
    if inputs.is_empty() {
        bail!("nothing to merge: give one or more profiles");
    }
    let (mut acc, hash) = Profile::load(&inputs[0], None)
        .with_context(|| format!("cannot read {}", inputs[0].display()))?;
    for path in &inputs[1..] {
        let (p, _) = Profile::load(path, Some(&hash)).with_context(|| {
            format!(
                "cannot merge {} with {}",
                path.display(),
                inputs[0].display()
            )
        })?;
        acc.merge(&p);
    }
    acc.save(output, &hash)?;
    eprintln!(
        "fast32: merged {} profiles ({} runs) into {}",
        inputs.len(),
        acc.runs,
        output.display()
    );
    Ok(0)
}

fn show(profile: &std::path::Path, program: &std::path::Path, top: usize) -> Result<i32> {
    let (bytes, image) = crate::read_program(program)?;
    let (p, _) = Profile::load(profile, Some(&image_hash(&bytes)))
        .with_context(|| format!("cannot use {}", profile.display()))?;
    let syms = fast32_isa::s32x::SymbolMap::new(&image);
    let code: Vec<(u32, &[u8])> = image
        .sections
        .iter()
        .filter(|s| s.kind == fast32_isa::s32x::SectionKind::Code)
        .map(|s| (s.vaddr, s.data.as_slice()))
        .collect();
    let fetch = |pc: u32| {
        code.iter().find_map(|(base, data)| {
            let off = pc.checked_sub(*base)? as usize;
            let w = data.get(off..off + 4)?;
            Some(u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
        })
    };
    crate::out(&fast32_profiler::report(&p, top, fetch, &syms))?;
    Ok(0)
}

/// Loads a profile for `run --profile`, refusing (or with `ignore_stale`,
/// warning about and ignoring) one recorded for another program.
pub fn load_for_run(
    path: &std::path::Path,
    program_bytes: &[u8],
    ignore_stale: bool,
) -> Result<Option<Profile>> {
    match Profile::load(path, Some(&image_hash(program_bytes))) {
        Ok((p, _)) => Ok(Some(p)),
        Err(e @ fast32_cache_format::FormatError::WrongProgram { .. }) if ignore_stale => {
            eprintln!("fast32: warning: ignoring {}: {e}", path.display());
            Ok(None)
        }
        Err(e) => Err(e).with_context(|| format!("cannot use profile {}", path.display())),
    }
}
