//! `fast32 run`: load a program and run it on the chosen engine.

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use fast32_jit::{Jit, JitOptions};
use fast32_runtime::host::{AccessPolicy, HostConfig, OutputSink, StdinSource};
use fast32_runtime::{Interpreter, Machine, RunOutcome};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    /// The reference interpreter (the oracle).
    Interp,
    /// The x86-64 JIT (default).
    Jit,
    /// The AOT compiler's code (Cranelift), compiled in memory: the same
    /// lowering as `fast32 compile`'s executables; code that discovery
    /// could not find runs on the JIT.
    Aot,
}

#[derive(Args)]
pub struct RunArgs {
    /// Execution engine.
    #[arg(long, value_enum, default_value = "jit")]
    pub engine: Engine,
    /// Lockstep verification (JIT only): run a shadow interpreter beside the
    /// JIT, compare registers after every translated block, and stop at the
    /// first difference with the block's disassembly and its x86-64 code.
    /// The shadow has its own host services: use it on programs that do not
    /// write files.
    #[arg(long)]
    pub verify: bool,
    /// Pre-warm the JIT from a profile (`fast32 profile`): its hot blocks
    /// are translated before the program starts.
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<PathBuf>,
    /// Persistent translated-code cache (JIT engine): load the program's
    /// blocks from an entry in DIR instead of translating them, and save
    /// them there at exit. Entries for another build of the program,
    /// another fast32, host CPU or JIT configuration, and damaged entries
    /// are ignored with a warning and rewritten.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// With --profile: warn about and ignore a profile recorded for another
    /// build of the program instead of refusing to run.
    #[arg(long)]
    pub ignore_stale_profile: bool,
    /// Stop with a trap after this many guest instructions.
    #[arg(long, value_name = "N")]
    pub max_instructions: Option<u64>,
    /// Stop with a trap after this many seconds of wall-clock time.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Fixed clock for time services, so runs are reproducible to the instruction.
    #[arg(long)]
    pub deterministic: bool,
    /// Grant the guest access to a host directory, optionally under another
    /// guest path: HOST or HOST::GUEST. Repeatable.
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    pub dirs: Vec<String>,
    /// Give the guest an environment variable: NAME (its host value, if
    /// set) or NAME=VALUE. Repeatable. By default the guest sees none.
    #[arg(long = "env", value_name = "NAME[=VALUE]")]
    pub env: Vec<String>,
    /// Give the guest the whole host environment (before any --env).
    #[arg(long)]
    pub inherit_env: bool,
    /// Allow the guest to use sockets (IPv4 TCP).
    #[arg(long)]
    pub allow_net: bool,
    /// Print a line on stderr for every host request the policy denies.
    #[arg(long)]
    pub trace_host: bool,
    /// Print instruction count and speed on stderr at exit.
    #[arg(long)]
    pub stats: bool,
    /// Internal (EXEC children): run under exactly this encoded policy
    /// (`AccessPolicy::encode`) instead of deriving one from the working
    /// directory, --dir, --allow-net and the program's arguments.
    #[arg(long, hide = true, value_name = "POLICY", conflicts_with_all = ["dirs", "allow_net"])]
    pub exec_policy: Option<String>,
    /// Internal (EXEC children): the guest's argv[0], the program path as
    /// the parent guest spelled it (the host path may not be the guest's
    /// to know, under `--dir HOST::GUEST`).
    #[arg(long, hide = true, value_name = "ARG", requires = "exec_policy")]
    pub exec_argv0: Option<String>,
    /// The program (.s32x).
    pub program: PathBuf,
    /// Arguments passed to the guest (argv[1..]).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

/// Builds the host configuration shared by every engine.
pub fn host_config(a: &RunArgs) -> Result<HostConfig> {
    let argv0 = match &a.exec_argv0 {
        Some(s) => s.clone().into_bytes(),
        None => a.program.to_string_lossy().into_owned().into_bytes(),
    };
    let mut argv: Vec<Vec<u8>> = vec![argv0];
    argv.extend(a.args.iter().map(|s| s.clone().into_bytes()));
    let policy = match &a.exec_policy {
        // An EXEC child: its parent's grants, nothing from its arguments
        // (they came from a guest).
        Some(text) => AccessPolicy::decode(text).context("bad --exec-policy")?,
        None => {
            let mut policy = AccessPolicy::cwd_only();
            for d in &a.dirs {
                policy
                    .grant_dir_spec(d)
                    .with_context(|| format!("cannot grant --dir {d}"))?;
            }
            policy.grant_existing_args(&a.args);
            policy.allow_net = a.allow_net;
            policy
        }
    };
    Ok(HostConfig {
        args: argv,
        env: guest_env(a),
        deterministic: a.deterministic,
        stdin: StdinSource::Inherit,
        stdout: OutputSink::Inherit,
        stderr: OutputSink::Inherit,
        policy,
        trace_host: a.trace_host,
        exec: Some(exec_callback(a)),
    })
}

/// The guest's environment: nothing by default, the host's with
/// `--inherit-env`, plus or overridden by each `--env`.
fn guest_env(a: &RunArgs) -> Vec<(Vec<u8>, Vec<u8>)> {
    use std::os::unix::ffi::OsStrExt;
    let mut env: Vec<(Vec<u8>, Vec<u8>)> = if a.inherit_env {
        std::env::vars_os()
            .map(|(k, v)| (k.as_bytes().to_vec(), v.as_bytes().to_vec()))
            .collect()
    } else {
        Vec::new()
    };
    for e in &a.env {
        let (k, v) = match e.split_once('=') {
            Some((k, v)) => (k.as_bytes().to_vec(), Some(v.as_bytes().to_vec())),
            None => (
                e.as_bytes().to_vec(),
                std::env::var_os(e).map(|v| v.as_bytes().to_vec()),
            ),
        };
        env.retain(|(name, _)| *name != k);
        if let Some(v) = v {
            env.push((k, v));
        }
    }
    env
}

/// The EXEC service: runs the child `.s32x` as a new fast32 process with
/// the same engine and settings, in the guest's working directory, and
/// waits for it. A separate process keeps the parent's sandbox, signal
/// handling and memory untouched by the child.
///
/// The child gets exactly the parent's policy through `--exec-policy`
/// (never `--dir`/`--allow-net`, and never grants of its own arguments,
/// which came from the guest), and those arguments follow `--` so none
/// can be taken for a fast32 option. A `--timeout` bounds the child by
/// what is left of the parent's time, `--max-instructions` by the same
/// count as the parent.
fn exec_callback(a: &RunArgs) -> fast32_runtime::host::ExecFn {
    let engine = match a.engine {
        Engine::Interp => "interp",
        Engine::Jit => "jit",
        Engine::Aot => "aot",
    };
    let deterministic = a.deterministic;
    let trace_host = a.trace_host;
    let max_instructions = a.max_instructions;
    let env = a.env.clone();
    let inherit_env = a.inherit_env;
    let deadline = a
        .timeout
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(|s| Instant::now() + Duration::from_secs_f64(s));
    Box::new(move |req: &fast32_runtime::host::ExecRequest| {
        use std::os::unix::ffi::OsStrExt;
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut cmd = std::process::Command::new(exe);
        cmd.arg("run").arg("--engine").arg(engine);
        if deterministic {
            cmd.arg("--deterministic");
        }
        if trace_host {
            cmd.arg("--trace-host");
        }
        if let Some(n) = max_instructions {
            cmd.arg("--max-instructions").arg(n.to_string());
        }
        if let Some(d) = deadline {
            cmd.arg("--timeout")
                .arg(fast32_runtime::host::exec_seconds_left(d));
        }
        if inherit_env {
            cmd.arg("--inherit-env");
        }
        for e in &env {
            cmd.arg("--env").arg(e);
        }
        cmd.arg("--exec-policy").arg(req.policy.encode());
        if let Some(a0) = req.args.first() {
            cmd.arg("--exec-argv0").arg(std::ffi::OsStr::from_bytes(a0));
        }
        cmd.arg("--").arg(&req.path);
        for arg in req.args.iter().skip(1) {
            cmd.arg(std::ffi::OsStr::from_bytes(arg));
        }
        req.run(cmd)
    })
}

pub fn run(a: RunArgs) -> Result<i32> {
    // Before any thread starts: SIGINT/SIGTERM/SIGHUP then deliver the
    // guest's buffered output and exit with 128 + the signal.
    if let Err(e) = fast32_runtime::termination::install() {
        eprintln!("fast32: warning: cannot take over termination signals: {e}");
    }
    let (program_bytes, image) = crate::read_program(&a.program)?;
    let config = host_config(&a)?;
    let mut m = Machine::new(&image, config)
        .with_context(|| format!("cannot load {}", a.program.display()))?;
    if let Some(n) = a.max_instructions {
        m.cpu.insn_limit = n;
    }
    if let Some(secs) = a.timeout {
        if !(secs.is_finite() && secs > 0.0) {
            bail!("--timeout must be a positive number of seconds");
        }
        let flag = m.interrupt.clone();
        let d = Duration::from_secs_f64(secs);
        std::thread::spawn(move || {
            std::thread::sleep(d);
            flag.store(true, Ordering::Relaxed);
        });
    }
    if a.cache_dir.is_some() && a.engine != Engine::Jit {
        bail!("--cache-dir holds JIT translations: use it with --engine jit");
    }
    let start = Instant::now();
    if a.verify {
        if a.engine != Engine::Jit {
            bail!("--verify checks the JIT against the interpreter: use it with --engine jit");
        }
        if a.cache_dir.is_some() {
            bail!("--cache-dir cannot be combined with --verify (lockstep translates every block itself)");
        }
        return verify(&a, &image);
    }
    let outcome = match a.engine {
        Engine::Interp => Interpreter::new(&m).run(&mut m),
        Engine::Aot => {
            let t = Instant::now();
            let opts = fast32_aot::AotOptions {
                // Compiled loops poll the interrupt flag only when asked.
                interruptible: a.timeout.is_some(),
                // FAST32_AOT_INTRINSICS=0: keep every guest memcpy/strlen/...
                intrinsics: std::env::var("FAST32_AOT_INTRINSICS").map_or(true, |v| v != "0"),
                // FAST32_AOT_INLINE=0: every guest call a native call.
                inline: std::env::var("FAST32_AOT_INLINE").map_or(true, |v| v != "0"),
                ..fast32_aot::AotOptions::default()
            };
            let mut aot = fast32_aot::Aot::compile(&image, &opts)
                .map_err(|e| anyhow::anyhow!("AOT compilation failed: {e}"))?;
            let compile_s = t.elapsed().as_secs_f64();
            let o = aot.run(&mut m);
            if a.stats {
                eprintln!(
                    "fast32: aot: {:?}; compiled in {compile_s:.3} s",
                    aot.stats()
                );
            }
            o
        }
        Engine::Jit => {
            let opts = JitOptions {
                counting: a.max_instructions.is_some() || a.stats,
                interruptible: a.timeout.is_some(),
                no_register_cache: false,
                profiling: false,
                native_calls: false,
                superblocks: fast32_jit::Superblocks::On,
            };
            let mut jit = Jit::new(&m, opts).context("cannot start the JIT")?;
            let cache = a
                .cache_dir
                .as_ref()
                .map(|dir| code_cache_load(&mut jit, &m, dir, &program_bytes, a.stats));
            if let Some(path) = &a.profile {
                if let Some(p) =
                    crate::profile::load_for_run(path, &program_bytes, a.ignore_stale_profile)?
                {
                    let t = Instant::now();
                    let paths = fast32_profiler::prewarm_paths(&p);
                    let blocks = fast32_profiler::prewarm_blocks(&p);
                    let n = jit.prewarm(&mut m, &paths, &blocks);
                    jit.interpret_first(&fast32_profiler::interpret_first_blocks(&p));
                    if a.stats {
                        eprintln!(
                            "fast32: pre-warmed {n} superblocks and blocks from {} in {:.3} s",
                            path.display(),
                            t.elapsed().as_secs_f64()
                        );
                    }
                }
            }
            let start_run = Instant::now();
            let o = jit.run(&mut m);
            if a.stats {
                eprintln!(
                    "fast32: jit: {} blocks translated ({} guest instructions, {} bytes), {} exits linked, {} dispatches; run {:.3} s",
                    jit.stats.blocks_translated,
                    jit.stats.guest_insns_translated,
                    jit.stats.code_bytes,
                    jit.stats.exits_linked,
                    jit.stats.dispatches,
                    start_run.elapsed().as_secs_f64()
                );
                eprintln!(
                    "fast32: jit: translation {:.3} s, {} blocks loaded from the code cache, {} block runs interpreted",
                    jit.stats.translate_ns as f64 / 1e9,
                    jit.stats.blocks_loaded,
                    jit.stats.blocks_interpreted
                );
                eprintln!(
                    "fast32: jit: {} hot blocks re-translated, {} as superblocks ({} guest instructions)",
                    jit.stats.promotions, jit.stats.superblocks, jit.stats.superblock_insns
                );
            }
            if let Some((path, hash)) = cache {
                code_cache_save(&jit, &path, &hash, a.stats);
            }
            o
        }
    };
    let elapsed = start.elapsed();
    m.host.flush();
    if let RunOutcome::Trap(t) = outcome {
        eprintln!("fast32: trap: {t}");
    }
    if a.stats {
        let n = m.cpu.instret;
        eprintln!(
            "fast32: {} guest instructions in {:.3} s ({:.1} MIPS), engine {:?}",
            n,
            elapsed.as_secs_f64(),
            n as f64 / elapsed.as_secs_f64().max(1e-9) / 1e6,
            a.engine
        );
    }
    Ok(outcome.exit_status())
}

/// `--cache-dir`: loads the entry for this program and JIT, if any, into
/// `jit`. An unusable entry is reported and left to be overwritten at
/// exit; it never stops the run. Returns the entry's path and the image
/// hash for [`code_cache_save`].
fn code_cache_load(
    jit: &mut Jit,
    m: &Machine,
    dir: &std::path::Path,
    program_bytes: &[u8],
    stats: bool,
) -> (PathBuf, [u8; 32]) {
    use fast32_profiler::code_cache;
    let t = Instant::now();
    let hash = fast32_cache_format::image_hash(program_bytes);
    jit.keep_block_images();
    let path = code_cache::entry_path(dir, &hash, jit);
    match code_cache::load(jit, m, &path, &hash) {
        Ok(Some(n)) if stats => eprintln!(
            "fast32: loaded {n} blocks from {} in {:.3} s",
            path.display(),
            t.elapsed().as_secs_f64()
        ),
        Ok(_) => {}
        Err(e) => eprintln!(
            "fast32: warning: ignoring code cache entry {}: {e}",
            path.display()
        ),
    }
    (path, hash)
}

/// Saves the JIT's blocks when the run translated new ones; a failure is
/// a warning (the guest's exit status stays the run's result).
fn code_cache_save(jit: &Jit, path: &std::path::Path, hash: &[u8; 32], stats: bool) {
    if jit.stats.blocks_translated == 0 {
        return;
    }
    let t = Instant::now();
    match fast32_profiler::code_cache::save(jit, path, hash) {
        Ok(n) if stats => eprintln!(
            "fast32: saved {n} blocks to {} in {:.3} s",
            path.display(),
            t.elapsed().as_secs_f64()
        ),
        Ok(_) => {}
        Err(e) => eprintln!(
            "fast32: warning: cannot save the code cache to {}: {e}",
            path.display()
        ),
    }
}

/// `--verify`: the JIT runs the program one block at a time while a shadow
/// machine on the interpreter follows; the first block after which their
/// registers or PC differ is reported. Stdin is read up front so both
/// machines see the same bytes.
fn verify(a: &RunArgs, image: &fast32_isa::s32x::Image) -> Result<i32> {
    use std::io::Read;
    let mut input = Vec::new();
    std::io::stdin()
        .read_to_end(&mut input)
        .context("cannot read stdin")?;
    let mut shadow_cfg = host_config(a)?;
    let (sink, _) = OutputSink::capture();
    let (err_sink, _) = OutputSink::capture();
    shadow_cfg.stdout = sink;
    shadow_cfg.stderr = err_sink;
    shadow_cfg.stdin = StdinSource::Bytes(input.clone());
    let mut shadow = Machine::new(image, shadow_cfg)?;
    let mut cfg = host_config(a)?;
    cfg.stdin = StdinSource::Bytes(input);
    let mut m = Machine::new(image, cfg)?;
    if let Some(n) = a.max_instructions {
        m.cpu.insn_limit = n;
        shadow.cpu.insn_limit = n;
    }
    let report = fast32_difftest::lockstep_machines(
        &mut m,
        &mut shadow,
        u64::MAX,
        fast32_jit::Superblocks::On,
    );
    m.host.flush();
    match report {
        Ok((slices, outcome)) => {
            eprintln!("fast32: verify: {slices} blocks matched the interpreter");
            if let RunOutcome::Trap(t) = outcome {
                eprintln!("fast32: trap: {t}");
            }
            Ok(outcome.exit_status())
        }
        Err(report) => {
            eprintln!("fast32: verify: the JIT diverged from the interpreter\n{report}");
            Ok(1)
        }
    }
}
