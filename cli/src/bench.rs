//! `fast32 bench`: every engine on the same programs, side by side with
//! native C, measured honestly.
//!
//! Method: each program is assembled (and its C equivalent compiled with
//! the system C compiler at -O2); every engine runs it once and must print
//! exactly what the interpreter prints before any time counts; the guest
//! instruction count comes from that interpreter run, which is also the
//! interpreter's first timed run; then every engine runs `--runs` times,
//! interleaved (A B C A B C ...) so drift on a shared machine hits all
//! engines alike, as whole processes timed from outside. The interpreter,
//! 10 to 200 times slower than the rest, runs at most 3 times and stops
//! once its runs add up to [`INTERP_BUDGET`]: the default inputs are sized
//! so native code runs about 0.1 s (shorter runs measure process start and
//! noise), which makes one interpreter run of `strings` take 20 s.
//! Medians are quoted with their min–max spread. Ratios between engines
//! come from the same invocation only, as the median over rounds of the
//! two engines' ratio in that round: a round's runs follow each other, so
//! a machine that slows down for a while slows both sides of a ratio
//! (with a ratio of medians, each median may come from another stretch
//! of the run). The interpreter, whose runs do not follow the rounds,
//! is compared by medians.

use anyhow::{bail, Context, Result};
use clap::Args;
use fast32_bench_data as data;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Args)]
pub struct BenchArgs {
    /// Embedded programs to run (default: all). See --list.
    pub programs: Vec<String>,
    /// Engines, comma-separated: interp, jit, jit-prewarm (JIT pre-warmed
    /// from a profile of the training input), aot (`fast32 compile`d
    /// executable), aot-pgo (compiled with that profile), aot-mem
    /// (in-memory AOT, compile time included), native (the C twin at -O2);
    /// external ones come from --external.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "interp,jit,jit-prewarm,aot,aot-pgo,native"
    )]
    pub engines: Vec<String>,
    /// Timed runs per program and engine (the interpreter runs at most 3 times, and no more once its runs took 10 s).
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Small inputs (for CI and a quick look).
    #[arg(long)]
    pub quick: bool,
    /// Write report.json, report.md and report.svg into this directory.
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
    /// Another engine to compare, run as `CMD PROG.s32x ARGS...`
    /// (e.g. `--external dbt=/path/to/slow32-dbt`). Repeatable.
    #[arg(long, value_name = "NAME=CMD")]
    pub external: Vec<String>,
    /// Benchmark a user program as well: FILE.s32x; its arguments follow
    /// after `--args`.
    #[arg(long, value_name = "FILE.s32x")]
    pub program: Option<PathBuf>,
    /// Arguments for --program (one string, split on whitespace).
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    pub args: String,
    /// File fed to --program on stdin.
    #[arg(long, value_name = "FILE")]
    pub stdin: Option<PathBuf>,
    /// Training arguments for --program's profile (jit-prewarm, aot-pgo);
    /// default: the measured arguments.
    #[arg(long, allow_hyphen_values = true)]
    pub train_args: Option<String>,
    /// Training stdin for --program's profile; default: --stdin.
    #[arg(long, value_name = "FILE")]
    pub train_stdin: Option<PathBuf>,
    /// Also time the interpreters among the SLOW-32 project's programs
    /// found in this directory (`FAST32_CORPUS`: forth, sbasic, prolog,
    /// lisp, lua; names select them like embedded programs) on their
    /// bench inputs, profile-guided builds trained on different inputs
    /// (bench-data/corpus, bench-data/lua).
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// Where generated inputs and build products are kept.
    #[arg(long, default_value = "target/fast32-bench")]
    pub work_dir: PathBuf,
    /// List the embedded programs and exit.
    #[arg(long)]
    pub list: bool,
}

/// One program to measure.
struct Case {
    name: String,
    s32x: PathBuf,
    native: Option<PathBuf>,
    args: Vec<String>,
    /// Bytes processed per run, for MB/s.
    bytes: Option<u64>,
    stdin: Option<PathBuf>,
    /// The input the profile is recorded on.
    train_args: Vec<String>,
    train_stdin: Option<PathBuf>,
    /// Built on demand by [`prepare_case`].
    profile: Option<PathBuf>,
    aot_exe: Option<PathBuf>,
    aot_pgo_exe: Option<PathBuf>,
}

/// The cases of the corpus workloads (those in `names`, or all) whose
/// programs `dir` holds, their inputs written into `work`.
fn corpus_cases(dir: &Path, names: &[&str], work: &Path) -> Result<Vec<Case>> {
    let dir = dir
        .canonicalize()
        .with_context(|| format!("corpus directory {}", dir.display()))?;
    let mut cases = Vec::new();
    let chosen: Vec<&data::CorpusWorkload> = data::corpus_workloads()
        .iter()
        .filter(|w| names.is_empty() || names.contains(&w.name))
        .collect();
    for &w in &chosen {
        let inputs = w
            .inputs(&dir)
            .with_context(|| format!("cannot read the {} corpus files", w.name))?;
        let Some((bench, train)) = inputs else {
            if let (true, Some(p)) = (dir.join(w.image).is_file(), w.prefix) {
                eprintln!(
                    "fast32: {} has {} but not {p}, which its inputs start with: {} skipped",
                    dir.display(),
                    w.image,
                    w.name
                );
            }
            continue;
        };
        let bench_in = work.join(format!("{}.bench.stdin", w.name));
        let train_in = work.join(format!("{}.train.stdin", w.name));
        crate::write_atomic(&bench_in, &bench)?;
        crate::write_atomic(&train_in, &train)?;
        cases.push(Case {
            name: w.name.to_string(),
            s32x: dir.join(w.image),
            native: None,
            args: Vec::new(),
            bytes: None,
            stdin: Some(bench_in),
            train_args: Vec::new(),
            train_stdin: Some(train_in),
            profile: None,
            aot_exe: None,
            aot_pgo_exe: None,
        });
    }
    if cases.is_empty() {
        let names: Vec<&str> = chosen.iter().map(|w| w.image).collect();
        bail!(
            "{} holds none of the corpus programs ({})",
            dir.display(),
            names.join(", ")
        );
    }
    Ok(cases)
}

/// Statistics of one program × engine.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Cell {
    pub engine: String,
    pub runs: usize,
    pub median_s: f64,
    pub min_s: f64,
    pub max_s: f64,
    pub mips: Option<f64>,
    pub mb_per_s: Option<f64>,
    /// Time over native code's (median of the rounds' ratios).
    pub vs_native: Option<f64>,
    /// Time over the plain executable's (`aot`, median of the rounds'
    /// ratios): what a profile buys.
    pub vs_aot: Option<f64>,
    pub vs_interp: Option<f64>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Row {
    pub program: String,
    pub args: Vec<String>,
    pub guest_instructions: u64,
    pub output: String,
    pub cells: Vec<Cell>,
    /// External engines whose output differed from the interpreter's
    /// (engine, what it printed): reported, not timed. A fast32 engine
    /// that differs stops the bench instead: that is a fast32 bug.
    pub wrong: Vec<(String, String)>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Report {
    pub machine: String,
    pub cores: usize,
    pub fast32_version: &'static str,
    pub quick: bool,
    pub runs: usize,
    pub rows: Vec<Row>,
}

enum EngineKind {
    Fast32(&'static str),
    /// The JIT pre-warmed from the case's profile.
    JitPrewarm,
    /// A compiled executable (with the profile: `true`).
    Exe {
        pgo: bool,
    },
    Native,
    External(String),
}

fn engine_kind(name: &str, externals: &[(String, String)]) -> Result<EngineKind> {
    Ok(match name {
        "interp" => EngineKind::Fast32("interp"),
        "jit" => EngineKind::Fast32("jit"),
        "jit-prewarm" => EngineKind::JitPrewarm,
        "aot" => EngineKind::Exe { pgo: false },
        "aot-pgo" => EngineKind::Exe { pgo: true },
        "aot-mem" => EngineKind::Fast32("aot"),
        "native" => EngineKind::Native,
        other => match externals.iter().find(|(n, _)| n == other) {
            Some((_, cmd)) => EngineKind::External(cmd.clone()),
            None => bail!(
                "unknown engine {other:?}: available are interp, jit, jit-prewarm, aot, aot-pgo, aot-mem, native and the names given with --external"
            ),
        },
    })
}

fn machine_name() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

fn command_for(kind: &EngineKind, case: &Case) -> Option<Command> {
    let exe = std::env::current_exe().ok()?;
    let mut cmd = match kind {
        EngineKind::Fast32(engine) => {
            let mut c = Command::new(exe);
            c.args(["run", "--deterministic", "--engine", engine]);
            // The reference run's instruction count (see `reference_run`).
            if *engine == "interp" {
                c.arg("--stats");
            }
            c.arg(&case.s32x);
            c
        }
        EngineKind::JitPrewarm => {
            let mut c = Command::new(exe);
            c.args(["run", "--deterministic", "--engine", "jit", "--profile"]);
            c.arg(case.profile.as_ref()?);
            c.arg(&case.s32x);
            c
        }
        EngineKind::Exe { pgo } => {
            let path = if *pgo {
                case.aot_pgo_exe.as_ref()?
            } else {
                case.aot_exe.as_ref()?
            };
            let mut c = Command::new(path);
            // What `fast32 run --deterministic PROG` gives the guest.
            use std::os::unix::process::CommandExt;
            c.arg0(&case.s32x).env("FAST32_DETERMINISTIC", "1");
            c
        }
        EngineKind::Native => Command::new(case.native.as_ref()?),
        EngineKind::External(cmdline) => {
            let mut parts = cmdline.split_whitespace();
            let mut c = Command::new(parts.next()?);
            c.args(parts);
            c.arg(&case.s32x);
            c
        }
    };
    cmd.args(&case.args);
    match &case.stdin {
        Some(f) => cmd.stdin(std::fs::File::open(f).ok()?),
        None => cmd.stdin(Stdio::null()),
    };
    Some(cmd)
}

/// Builds what the case's engines need: the profile (recorded on the
/// training input), the executables with and without it.
fn prepare_case(
    case: &mut Case,
    kinds: &[EngineKind],
    work: &Path,
    spinner: &ProgressBar,
) -> Result<()> {
    let exe = std::env::current_exe().context("cannot find the fast32 executable")?;
    let wants = |f: &dyn Fn(&EngineKind) -> bool| kinds.iter().any(f);
    let need_profile =
        wants(&|k| matches!(k, EngineKind::JitPrewarm | EngineKind::Exe { pgo: true }));
    // `may_fail`: the step's own exit status is not an error (a guest may
    // exit non-zero on its training input; its profile is still written).
    let run_tool = |what: &str, may_fail: bool, mut cmd: Command| -> Result<()> {
        let out = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .with_context(|| format!("cannot run fast32 to {what}"))?;
        if !out.status.success() && !may_fail {
            bail!(
                "{}: cannot {what}:\n{}",
                case.name,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(())
    };
    if need_profile {
        spinner.set_message(format!("profiling {} on its training input", case.name));
        let prof = work.join(format!("{}.s32prof", case.name));
        let mut c = Command::new(&exe);
        c.args(["profile", "--deterministic"])
            .arg(&case.s32x)
            .arg("-o")
            .arg(&prof)
            .arg("--")
            .args(&case.train_args);
        match &case.train_stdin {
            Some(f) => c.stdin(std::fs::File::open(f)?),
            None => c.stdin(Stdio::null()),
        };
        run_tool("profile", true, c)?;
        if !prof.exists() {
            bail!("{}: profiling wrote no profile", case.name);
        }
        case.profile = Some(prof);
    }
    for pgo in [false, true] {
        if !wants(&|k| matches!(k, EngineKind::Exe { pgo: p } if *p == pgo)) {
            continue;
        }
        spinner.set_message(format!(
            "compiling {}{}",
            case.name,
            if pgo { " with its profile" } else { "" }
        ));
        let out = work.join(format!(
            "{}{}.aot",
            case.name,
            if pgo { "-pgo" } else { "" }
        ));
        let mut c = Command::new(&exe);
        c.args(["compile", "--quiet"])
            .arg(&case.s32x)
            .arg("-o")
            .arg(&out);
        if pgo {
            c.arg("--profile")
                .arg(case.profile.as_ref().expect("profiled"));
        }
        run_tool("compile", false, c)?;
        if pgo {
            case.aot_pgo_exe = Some(out);
        } else {
            case.aot_exe = Some(out);
        }
    }
    Ok(())
}

/// Runs once, returning stdout, exit code and wall time.
fn run_once(cmd: Command) -> Result<(Vec<u8>, i32, Duration)> {
    run_full(cmd).map(|(out, code, t, _)| (out, code, t))
}

/// Runs `cmd` to its end: stdout, exit status, wall time and stderr.
fn run_full(mut cmd: Command) -> Result<(Vec<u8>, i32, Duration, Vec<u8>)> {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let start = Instant::now();
    let out = cmd.output().context("cannot start benchmark process")?;
    let t = start.elapsed();
    Ok((out.stdout, out.status.code().unwrap_or(-1), t, out.stderr))
}

/// The median over rounds of `a[k] / b[k]` (runs `k` of two engines,
/// one round apart at most); `None` without a common round.
fn paired_ratio(a: &[f64], b: &[f64]) -> Option<f64> {
    let mut r: Vec<f64> = a.iter().zip(b).map(|(x, y)| x / y).collect();
    (!r.is_empty()).then(|| median(&mut r))
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn compile_c(name: &str, source: &str, dir: &Path) -> Result<PathBuf> {
    let src = dir.join(format!("{name}.c"));
    let exe = dir.join(format!("{name}-native"));
    std::fs::write(&src, source)?;
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let out = Command::new(&cc)
        .args(data::C_FLAGS)
        .arg("-o")
        .arg(&exe)
        .arg(&src)
        .args(data::C_LIBS)
        .output()
        .with_context(|| format!("cannot run the C compiler {cc:?}"))?;
    if !out.status.success() {
        bail!(
            "{cc} failed on {}:\n{}",
            src.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(exe)
}

/// Once the interpreter's timed runs of a program add up to this, it runs
/// no more (it has run at least once).
const INTERP_BUDGET: Duration = Duration::from_secs(10);

/// The reference run: the interpreter's output, exit status and time, and
/// the guest instructions it counted (`--stats`, on stderr).
fn reference_run(case: &Case) -> Result<(Vec<u8>, i32, Duration, u64)> {
    let cmd = command_for(&EngineKind::Fast32("interp"), case).context("interp")?;
    let (out, code, t, err) = run_full(cmd)?;
    let err = String::from_utf8_lossy(&err);
    let insns = err
        .lines()
        .find_map(|l| {
            l.strip_prefix("fast32: ")
                .and_then(|r| r.split_once(" guest instructions"))
                .and_then(|(n, _)| n.trim().parse().ok())
        })
        .with_context(|| format!("no instruction count from the interpreter: {err}"))?;
    Ok((out, code, t, insns))
}

pub fn bench(a: BenchArgs) -> Result<i32> {
    if a.list {
        for p in data::programs() {
            crate::out(&format!("{:<10} {}\n", p.name, p.description))?;
        }
        return Ok(0);
    }
    if a.runs == 0 {
        bail!("--runs must be at least 1");
    }
    let externals: Vec<(String, String)> = a
        .external
        .iter()
        .map(|e| {
            e.split_once('=')
                .map(|(n, c)| (n.to_string(), c.to_string()))
                .with_context(|| format!("--external wants NAME=CMD, got {e:?}"))
        })
        .collect::<Result<_>>()?;
    let mut engines = a.engines.clone();
    for (n, _) in &externals {
        if !engines.contains(n) {
            engines.push(n.clone());
        }
    }
    let kinds: Vec<EngineKind> = engines
        .iter()
        .map(|e| engine_kind(e, &externals))
        .collect::<Result<_>>()?;

    let work = &a.work_dir;
    std::fs::create_dir_all(work).with_context(|| format!("cannot create {}", work.display()))?;
    let work = work.canonicalize()?;
    let inputs = data::Inputs::new(work.clone());

    // Build every case.
    // Names select embedded programs and (with --corpus) corpus
    // workloads; none: every embedded program and workload, or only the
    // user program with --program alone.
    let is_corpus = |n: &str| data::corpus_workloads().iter().any(|w| w.name == n);
    let selected: Vec<&data::Program> = if a.programs.is_empty() {
        if a.program.is_some() && a.corpus.is_none() {
            Vec::new()
        } else {
            data::programs().iter().collect()
        }
    } else {
        a.programs
            .iter()
            .filter(|n| !(a.corpus.is_some() && is_corpus(n)))
            .map(|n| {
                data::programs()
                    .iter()
                    .find(|p| p.name == n)
                    .with_context(|| {
                        if is_corpus(n) {
                            format!("{n:?} is a corpus workload: give --corpus DIR")
                        } else {
                            format!("no embedded program {n:?} (see --list)")
                        }
                    })
            })
            .collect::<Result<_>>()?
    };
    let corpus_names: Vec<&str> = a
        .programs
        .iter()
        .map(String::as_str)
        .filter(|n| is_corpus(n))
        .collect();
    let spinner = ProgressBar::new_spinner();
    spinner.set_style(ProgressStyle::with_template("{spinner} {msg}").expect("template"));
    spinner.enable_steady_tick(Duration::from_millis(120));
    let mut cases = Vec::new();
    for p in &selected {
        spinner.set_message(format!("building {}", p.name));
        let src = data::assembly_source(p);
        let image = fast32_asm::assemble(&src, &format!("{}.s", p.name))
            .map_err(|e| anyhow::anyhow!("embedded program {} does not assemble:\n{e}", p.name))?;
        let s32x = work.join(format!("{}.s32x", p.name));
        crate::write_atomic(&s32x, &fast32_isa::s32x::write(&image))?;
        let native = if engines.iter().any(|e| e == "native") {
            Some(compile_c(p.name, p.c, &work)?)
        } else {
            None
        };
        spinner.set_message(format!("preparing inputs for {}", p.name));
        let kind = if a.quick {
            data::RunKind::Quick
        } else {
            data::RunKind::Default
        };
        let args = p
            .args(&inputs, kind)
            .with_context(|| format!("cannot prepare the input of {}", p.name))?;
        let train_args = p
            .args(&inputs, data::RunKind::Training)
            .with_context(|| format!("cannot prepare the training input of {}", p.name))?;
        let bytes = match &p.unit {
            Some(u) => Some(u.work(&args)?),
            None => None,
        };
        cases.push(Case {
            name: p.name.to_string(),
            s32x,
            native,
            args,
            bytes,
            stdin: None,
            train_args,
            train_stdin: None,
            profile: None,
            aot_exe: None,
            aot_pgo_exe: None,
        });
    }
    if let Some(path) = &a.program {
        cases.push(Case {
            name: path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "program".into()),
            s32x: path.canonicalize()?,
            native: None,
            args: a.args.split_whitespace().map(String::from).collect(),
            bytes: None,
            stdin: a.stdin.as_ref().map(|p| p.canonicalize()).transpose()?,
            train_args: a
                .train_args
                .as_deref()
                .unwrap_or(&a.args)
                .split_whitespace()
                .map(String::from)
                .collect(),
            train_stdin: a
                .train_stdin
                .as_ref()
                .or(a.stdin.as_ref())
                .map(|p| p.canonicalize())
                .transpose()?,
            profile: None,
            aot_exe: None,
            aot_pgo_exe: None,
        });
    }
    if let Some(dir) = &a.corpus {
        cases.extend(corpus_cases(dir, &corpus_names, &work)?);
    }
    for case in &mut cases {
        prepare_case(case, &kinds, &work, &spinner)?;
    }
    spinner.finish_and_clear();

    let mut rows = Vec::new();
    for case in &cases {
        // Correctness first: every engine prints what the interpreter prints.
        let (want, want_code, interp_first, insns) = reference_run(case)?;
        let mut wrong: Vec<(String, String)> = Vec::new();
        for (name, kind) in engines.iter().zip(&kinds) {
            if name == "interp" {
                continue;
            }
            let Some(cmd) = command_for(kind, case) else {
                continue;
            };
            let (got, code, _) = run_once(cmd)?;
            if (got != want || code != want_code) && matches!(kind, EngineKind::External(_)) {
                let printed = String::from_utf8_lossy(&got).trim_end().to_string();
                eprintln!(
                    "fast32: {}: {name} disagrees with the interpreter (exit {code} vs {want_code}); not timed:\n  interp: {:?}\n  {name}: {:?}",
                    case.name,
                    String::from_utf8_lossy(&want).trim_end(),
                    printed
                );
                wrong.push((name.clone(), printed));
            } else if got != want || code != want_code {
                bail!(
                    "{}: engine {name} disagrees with the interpreter (exit {code} vs {want_code}):\n  interp: {:?}\n  {name}: {:?}",
                    case.name,
                    String::from_utf8_lossy(&want),
                    String::from_utf8_lossy(&got)
                );
            }
        }

        // Timed runs, interleaved.
        let live: Vec<(usize, &String)> = engines
            .iter()
            .enumerate()
            .filter(|(i, _)| command_for(&kinds[*i], case).is_some())
            .filter(|(_, n)| !wrong.iter().any(|(w, _)| w == *n))
            .collect();
        let runs_for = |name: &str| {
            if name == "interp" {
                a.runs.min(3)
            } else {
                a.runs
            }
        };
        let total: usize = live.iter().map(|(_, n)| runs_for(n)).sum();
        let bar = ProgressBar::new(total as u64);
        bar.set_style(
            ProgressStyle::with_template("{msg:>12} [{bar:30}] {pos}/{len}")
                .expect("template")
                .progress_chars("=> "),
        );
        bar.set_message(case.name.clone());
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); engines.len()];
        // The reference run is the interpreter's first timed run.
        let interp = engines.iter().position(|e| e == "interp");
        if let Some(i) = interp {
            times[i].push(interp_first.as_secs_f64());
            bar.inc(1);
        }
        for _ in 0..a.runs {
            for &(i, name) in &live {
                // (The interpreter's count includes the reference run.)
                let spent = Some(i) == interp
                    && times[i].iter().sum::<f64>() >= INTERP_BUDGET.as_secs_f64();
                if times[i].len() >= runs_for(name) || spent {
                    continue;
                }
                let cmd = command_for(&kinds[i], case).expect("checked above");
                let (out, _, t) = run_once(cmd)?;
                if out != want {
                    bail!(
                        "{}: engine {name} changed its output between runs",
                        case.name
                    );
                }
                times[i].push(t.as_secs_f64());
                bar.inc(1);
            }
        }
        bar.finish_and_clear();
        // In round order (`median` sorts).
        let rounds = times.clone();
        let med: Vec<Option<f64>> = times
            .iter_mut()
            .map(|t| if t.is_empty() { None } else { Some(median(t)) })
            .collect();
        let interp_t = interp.and_then(|i| med[i]);
        let at = |n: &str| {
            engines
                .iter()
                .position(|e| e == n)
                .filter(|&j| med[j].is_some())
        };
        let (native_at, aot_at) = (at("native"), at("aot"));
        // Engine `i`'s time over engine `j`'s.
        let ratio = |i: usize, j: Option<usize>| -> Option<f64> {
            let j = j?;
            if interp == Some(i) || interp == Some(j) {
                return Some(med[i]? / med[j]?);
            }
            paired_ratio(&rounds[i], &rounds[j])
        };
        let mut cells = Vec::new();
        for (i, name) in engines.iter().enumerate() {
            let Some(m) = med[i] else { continue };
            let t = &times[i];
            let is_guest = name != "native";
            cells.push(Cell {
                engine: name.clone(),
                runs: t.len(),
                median_s: m,
                min_s: t.iter().cloned().fold(f64::INFINITY, f64::min),
                max_s: t.iter().cloned().fold(0.0, f64::max),
                mips: is_guest.then(|| insns as f64 / m / 1e6),
                mb_per_s: case.bytes.map(|b| b as f64 / m / 1e6),
                vs_native: ratio(i, native_at),
                vs_aot: ratio(i, aot_at.filter(|_| is_guest)),
                vs_interp: interp_t.map(|x| x / m),
            });
        }
        rows.push(Row {
            program: case.name.clone(),
            args: case
                .args
                .iter()
                .map(|s| {
                    Path::new(s)
                        .file_name()
                        .filter(|_| s.contains('/'))
                        .map(|f| f.to_string_lossy().into_owned())
                        .unwrap_or_else(|| s.clone())
                })
                .collect(),
            guest_instructions: insns,
            output: String::from_utf8_lossy(&want).trim_end().to_string(),
            cells,
            wrong,
        });
    }

    let report = Report {
        machine: machine_name(),
        cores: std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        fast32_version: env!("CARGO_PKG_VERSION"),
        quick: a.quick,
        runs: a.runs,
        rows,
    };
    let md = markdown(&report);
    crate::out(&md)?;
    if let Some(dir) = &a.report {
        std::fs::create_dir_all(dir)?;
        crate::write_atomic(
            &dir.join("report.json"),
            serde_json::to_string_pretty(&report)?.as_bytes(),
        )?;
        crate::write_atomic(&dir.join("report.md"), md.as_bytes())?;
        crate::write_atomic(&dir.join("report.svg"), chart(&report)?.as_bytes())?;
        eprintln!("report written to {}", dir.display());
    }
    Ok(0)
}

fn markdown(r: &Report) -> String {
    let mut s = format!(
        "fast32 {} bench on {} ({} cores), {} timed runs per engine (the interpreter at most 3 and 10 s), {} inputs.\n\
         Whole-process wall time, median [min–max]; × columns: median of the rounds' ratios (runs interleaved), speedup vs interp: ratio of medians; this run only.\n\n",
        r.fast32_version,
        r.machine,
        r.cores,
        r.runs,
        if r.quick { "quick" } else { "default" }
    );
    s += "| program | guest insns | engine | median s | spread s | guest MIPS | MB/s | × native time | × aot time | speedup vs interp |\n";
    s += "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n";
    for row in &r.rows {
        for (k, c) in row.cells.iter().enumerate() {
            let (p, n) = if k == 0 {
                (row.program.as_str(), format!("{}", row.guest_instructions))
            } else {
                ("", String::new())
            };
            let opt = |v: Option<f64>, prec: usize| {
                v.map(|x| format!("{x:.prec$}"))
                    .unwrap_or_else(|| "–".into())
            };
            s += &format!(
                "| {p} | {n} | {} | {:.4} | {:.4}–{:.4} | {} | {} | {} | {} | {} |\n",
                c.engine,
                c.median_s,
                c.min_s,
                c.max_s,
                opt(c.mips, 0),
                opt(c.mb_per_s, 1),
                opt(c.vs_native, 2),
                opt(c.vs_aot, 2),
                opt(c.vs_interp, 1),
            );
        }
    }
    s += "\nOutputs (identical on every engine timed):\n";
    for row in &r.rows {
        s += &format!(
            "- {} {}: `{}`\n",
            row.program,
            row.args.join(" "),
            abridged(&row.output)
        );
        for (engine, printed) in &row.wrong {
            s += &format!("  - **{engine} printed something else, not timed**: `{printed}`\n");
        }
    }
    s
}

/// `output` with at most [`OUTPUT_LINES`] lines, the first and last ones
/// (an interpreter's transcript can run to hundreds); `report.json`
/// keeps the whole.
fn abridged(output: &str) -> String {
    let lines: Vec<&str> = output.lines().collect();
    if lines.len() <= OUTPUT_LINES {
        return output.to_string();
    }
    let (head, tail) = (OUTPUT_LINES - 2, 1);
    let mut s = lines[..head].join("\n");
    s += &format!("\n... ({} lines in all)\n", lines.len());
    s += &lines[lines.len() - tail..].join("\n");
    s
}

const OUTPUT_LINES: usize = 8;

/// A grouped bar chart of median times relative to native (or to the
/// fastest engine when there is no native column), log scale.
fn chart(r: &Report) -> Result<String> {
    use plotters::prelude::*;
    let mut svg = String::new();
    {
        let engines: Vec<String> = {
            let mut v: Vec<String> = Vec::new();
            for row in &r.rows {
                for c in &row.cells {
                    if !v.contains(&c.engine) {
                        v.push(c.engine.clone());
                    }
                }
            }
            v
        };
        let n_prog = r.rows.len().max(1);
        let root =
            SVGBackend::with_string(&mut svg, (160 * n_prog as u32 + 200, 480)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut max_rel: f64 = 1.0;
        for row in &r.rows {
            let base = row
                .cells
                .iter()
                .find(|c| c.engine == "native")
                .or_else(|| {
                    row.cells
                        .iter()
                        .min_by(|a, b| a.median_s.total_cmp(&b.median_s))
                })
                .map(|c| c.median_s)
                .unwrap_or(1.0);
            for c in &row.cells {
                max_rel = max_rel.max(c.median_s / base);
            }
        }
        let mut ch = ChartBuilder::on(&root)
            .caption(
                "time relative to native C (lower is better)",
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..n_prog as f64, (0.5f64..max_rel * 1.5).log_scale())?;
        let names: Vec<String> = r.rows.iter().map(|r| r.program.clone()).collect();
        ch.configure_mesh()
            .x_labels(n_prog)
            .x_label_formatter(&|x| names.get(x.floor() as usize).cloned().unwrap_or_default())
            .y_desc("× native time")
            .draw()?;
        let width = 0.8 / engines.len().max(1) as f64;
        for (ei, e) in engines.iter().enumerate() {
            let color = Palette99::pick(ei).to_rgba();
            let bars: Vec<_> = r
                .rows
                .iter()
                .enumerate()
                .filter_map(|(pi, row)| {
                    let base = row
                        .cells
                        .iter()
                        .find(|c| c.engine == "native")
                        .or_else(|| {
                            row.cells
                                .iter()
                                .min_by(|a, b| a.median_s.total_cmp(&b.median_s))
                        })?
                        .median_s;
                    let c = row.cells.iter().find(|c| &c.engine == e)?;
                    let x0 = pi as f64 + 0.1 + ei as f64 * width;
                    Some(Rectangle::new(
                        [(x0, 0.5), (x0 + width * 0.9, c.median_s / base)],
                        color.filled(),
                    ))
                })
                .collect();
            ch.draw_series(bars)?
                .label(e.clone())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled())
                });
        }
        ch.configure_series_labels()
            .border_style(BLACK)
            .background_style(WHITE.mix(0.8))
            .draw()?;
        root.present()?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::{median, paired_ratio};

    /// A slow stretch in one round moves the medians of both engines
    /// differently, not the rounds' ratios.
    #[test]
    fn ratios_are_paired_by_round() {
        let a = [1.1, 1.1, 2.2, 1.1, 2.2];
        let b = [1.0, 2.0, 2.0, 1.0, 1.0];
        assert_eq!(
            paired_ratio(&a, &b).map(|r| (r * 1000.0).round()),
            Some(1100.0)
        );
        let (ma, mb) = (median(&mut a.to_vec()), median(&mut b.to_vec()));
        assert!((ma / mb - 1.1).abs() < 1e-9);
        let a = [1.0, 5.0, 1.0];
        let b = [1.0, 5.0, 5.0];
        assert_eq!(paired_ratio(&a, &b), Some(1.0));
        assert_eq!(median(&mut a.to_vec()) / median(&mut b.to_vec()), 0.2);
        assert_eq!(paired_ratio(&[], &b), None);
    }
}
