//! fast32's benchmark programs.
//!
//! Each [`Program`] is a SLOW-32 assembly program and an equivalent C
//! program that print the same single line (a checksum line) byte for
//! byte, plus the arguments for three run sizes. The `fast32 bench`
//! command assembles each program with `fast32_asm`, compiles the C twin
//! with `cc` and [`C_FLAGS`], runs every engine with the same arguments,
//! checks that all outputs agree, and times them.
//!
//! The assembly sources are self-contained: [`Program::asm`] is the
//! shared runtime (`programs/rt.s`: `_start`,
//! argv, `exit`, `write`, `read`, `open`, `close`, printing, `atoi`), so
//! `fast32_asm::assemble(&assembly_source(p), p.name)` works in memory
//! with no `.include`.
//!
//! Every program takes its size from `argv[1]` (a count, or for `csv` an
//! input file) and exits with status 0. Input files are generated, never
//! committed: call [`Program::prepare`] (or use [`Program::args`], which
//! does) before running with a program's arguments.
//!
//! Guest instruction counts at the default size (`fast32 run --stats
//! --deterministic`) are in [`Program::default_instructions`]; see
//! `bench-data/README.md` for timings.

pub mod csvgen;

use std::io;
use std::path::{Path, PathBuf};

/// Flags for compiling the C twins. Build each as
/// `cc C_FLAGS... -o EXE PROG.c C_LIBS...`.
///
/// `-ffp-contract=off`: no fused multiply-add, so `float`'s C twin rounds
/// after every operation exactly as the guest's separate `fmul.d` and
/// `fadd.d` do. `-fno-math-errno`: `sqrt` becomes the plain IEEE
/// instruction (it is correctly rounded either way; this only drops the
/// errno call path).
pub const C_FLAGS: &[&str] = &["-O2", "-ffp-contract=off", "-fno-math-errno"];

/// Libraries for linking the C twins, after the source file (`float`
/// uses `sqrt`).
pub const C_LIBS: &[&str] = &["-lm"];

/// The shared guest runtime, appended to every program's source.
pub const RUNTIME_ASM: &str = include_str!("../programs/rt.s");

/// Which input a run uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RunKind {
    /// The measured run.
    Default,
    /// A different, smaller input, for recording profiles.
    Training,
    /// A CI-sized run (tens of millions of guest instructions).
    Quick,
}

impl RunKind {
    pub const ALL: [RunKind; 3] = [RunKind::Default, RunKind::Training, RunKind::Quick];
}

/// Where generated input files live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inputs {
    /// Directory of the generated data files. Make it absolute: the
    /// arguments name files in it, and the guest resolves relative paths
    /// against its own working directory.
    pub dir: PathBuf,
}

impl Inputs {
    pub fn new(dir: impl Into<PathBuf>) -> Inputs {
        Inputs { dir: dir.into() }
    }
}

/// How to report a program's speed besides time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Throughput in MB/s (10^6 bytes per second); the work is the size
    /// of the file named by argument `arg` (0 = `argv[1]`, the first
    /// argument after the program).
    InputMegabytes { arg: usize },
}

impl Unit {
    /// Label for reports, e.g. `"MB/s"`.
    pub fn label(&self) -> &'static str {
        match self {
            Unit::InputMegabytes { .. } => "MB/s",
        }
    }

    /// Amount of work in a run with these (guest) arguments, in the
    /// unit's numerator (bytes for `InputMegabytes`).
    pub fn work(&self, args: &[String]) -> io::Result<u64> {
        match *self {
            Unit::InputMegabytes { arg } => {
                let path = args.get(arg).ok_or_else(|| {
                    io::Error::new(io::ErrorKind::InvalidInput, "missing input argument")
                })?;
                Ok(std::fs::metadata(path)?.len())
            }
        }
    }

    /// The rate for `work` done in `seconds`, in the unit of [`Unit::label`].
    pub fn rate(&self, work: u64, seconds: f64) -> f64 {
        match self {
            Unit::InputMegabytes { .. } => work as f64 / 1e6 / seconds,
        }
    }
}

/// One benchmark.
pub struct Program {
    /// Short name: "core", "csv", "calls", "dispatch", "float", "strings".
    pub name: &'static str,
    /// One line on what it exercises.
    pub description: &'static str,
    /// Full assembly source, runtime included: assembles alone.
    pub asm: &'static str,
    /// The equivalent C program (compile with [`C_FLAGS`]); prints the
    /// same bytes as the guest for the same arguments.
    pub c: &'static str,
    /// Arguments (argv[1..]) of the measured run.
    pub default_args: fn(&Inputs) -> Vec<String>,
    /// Arguments of a different input, for profiles.
    pub training_args: fn(&Inputs) -> Vec<String>,
    /// Arguments of a CI-sized run.
    pub quick_args: fn(&Inputs) -> Vec<String>,
    /// Throughput unit, if the program has one besides time.
    pub unit: Option<Unit>,
    /// Creates the input files a run of this kind needs (cached; no-op
    /// for programs without input files).
    pub prepare: fn(&Inputs, RunKind) -> io::Result<()>,
    /// Guest instructions of the default run (measured with `fast32 run
    /// --stats --deterministic`; for `csv` it depends on the generated
    /// file, which is fixed by its seed and size). For planning how often
    /// to run slow engines.
    pub default_instructions: u64,
}

impl Program {
    /// The arguments of a run of this kind (inputs not created).
    pub fn args_for(&self, inputs: &Inputs, kind: RunKind) -> Vec<String> {
        match kind {
            RunKind::Default => (self.default_args)(inputs),
            RunKind::Training => (self.training_args)(inputs),
            RunKind::Quick => (self.quick_args)(inputs),
        }
    }

    /// Prepares the inputs of a run of this kind and returns its
    /// arguments.
    pub fn args(&self, inputs: &Inputs, kind: RunKind) -> io::Result<Vec<String>> {
        (self.prepare)(inputs, kind)?;
        Ok(self.args_for(inputs, kind))
    }
}

impl std::fmt::Debug for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Program")
            .field("name", &self.name)
            .field("description", &self.description)
            .field("unit", &self.unit)
            .field("default_instructions", &self.default_instructions)
            .finish_non_exhaustive()
    }
}

/// The whole assembly source of `p` (program, then the runtime). The same
/// text as [`Program::asm`]; kept as a function so that callers need not
/// know how the runtime is combined.
pub fn assembly_source(p: &Program) -> String {
    p.asm.to_string()
}

/// All benchmarks, in report order.
pub fn programs() -> &'static [Program] {
    PROGRAMS
}

/// The benchmark called `name`.
pub fn program(name: &str) -> Option<&'static Program> {
    PROGRAMS.iter().find(|p| p.name == name)
}

/// The runtime followed by the program source, at compile time. The
/// runtime comes first so that `_start`, not a function that is called,
/// sits at address 0: the reference DBT (`slow32-dbt`) mistakes a call to
/// guest address 0 for a missing translation and jumps to host address 0.
macro_rules! guest {
    ($file:literal) => {
        concat!(
            include_str!("../programs/rt.s"),
            "\n# ---- program ----\n",
            include_str!(concat!("../programs/", $file))
        )
    };
}

fn no_inputs(_: &Inputs, _: RunKind) -> io::Result<()> {
    Ok(())
}

fn count(n: u32) -> Vec<String> {
    vec![n.to_string()]
}

/// The generated CSV file of a run: (file name, seed, size in bytes).
pub fn csv_input(kind: RunKind) -> (&'static str, u64, u64) {
    match kind {
        RunKind::Default => ("csv-s1-100000000.csv", 1, 100_000_000),
        RunKind::Training => ("csv-s2-10000000.csv", 2, 10_000_000),
        RunKind::Quick => ("csv-s3-1000000.csv", 3, 1_000_000),
    }
}

fn csv_path(inputs: &Inputs, kind: RunKind) -> Vec<String> {
    let (name, _, _) = csv_input(kind);
    vec![path_arg(&inputs.dir.join(name))]
}

fn path_arg(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn csv_prepare(inputs: &Inputs, kind: RunKind) -> io::Result<()> {
    let (name, seed, bytes) = csv_input(kind);
    csvgen::ensure(&inputs.dir, name, seed, bytes).map(|_| ())
}

static PROGRAMS: &[Program] = &[
    Program {
        name: "core",
        description:
            "integer ALU, branches and memory: LCG array mixing, a hash table, bubble passes",
        asm: guest!("core.s"),
        c: include_str!("../programs/core.c"),
        default_args: |_| count(4600),
        training_args: |_| count(1000),
        quick_args: |_| count(300),
        unit: None,
        prepare: no_inputs,
        default_instructions: 427_402_492,
    },
    Program {
        name: "csv",
        description: "goto-driven CSV validator over a generated 100 MB file read through MMIO",
        asm: guest!("csv.s"),
        c: include_str!("../programs/csv.c"),
        default_args: |i| csv_path(i, RunKind::Default),
        training_args: |i| csv_path(i, RunKind::Training),
        quick_args: |i| csv_path(i, RunKind::Quick),
        unit: Some(Unit::InputMegabytes { arg: 0 }),
        prepare: csv_prepare,
        default_instructions: 548_504_439,
    },
    Program {
        name: "calls",
        description: "calls and returns: naive fib, Ackermann, Takeuchi, mutual recursion",
        asm: guest!("calls.s"),
        c: include_str!("../programs/calls.c"),
        default_args: |_| count(4800),
        training_args: |_| count(800),
        quick_args: |_| count(60),
        unit: None,
        prepare: no_inputs,
        default_instructions: 2_405_699_724,
    },
    Program {
        name: "dispatch",
        description: "bytecode interpreter: threaded dispatch through a jump table in rodata",
        asm: guest!("dispatch.s"),
        c: include_str!("../programs/dispatch.c"),
        default_args: |_| count(600_000),
        training_args: |_| count(200_000),
        quick_args: |_| count(20_000),
        unit: None,
        prepare: no_inputs,
        default_instructions: 938_255_096,
    },
    Program {
        name: "float",
        description: "f64 n-body simulation on register pairs: fadd/fmul/fdiv/fsqrt.d, conversions",
        asm: guest!("float.s"),
        c: include_str!("../programs/float.c"),
        default_args: |_| count(2_000_000),
        training_args: |_| count(150_000),
        quick_args: |_| count(20_000),
        unit: None,
        prepare: no_inputs,
        default_instructions: 1_454_002_449,
    },
    Program {
        name: "strings",
        description: "memcpy/strlen/strcmp/memset (global functions) over generated strings",
        asm: guest!("strings.s"),
        c: include_str!("../programs/strings.c"),
        default_args: |_| count(8400),
        training_args: |_| count(400),
        quick_args: |_| count(30),
        unit: None,
        prepare: no_inputs,
        default_instructions: 8_129_935_397,
    },
];

/// A workload for one of the interpreters among the `FAST32_CORPUS`
/// programs (built from the SLOW-32 project's sources, never committed):
/// the image's file name in the corpus directory, and its bench and
/// training inputs on stdin. Training and bench inputs are different
/// programs for the interpreter (a profile never sees the timed input);
/// `fast32 bench --corpus DIR` times them with the embedded programs, and
/// `scripts/corpus-pgo.sh` measures them one by one.
#[derive(Debug)]
pub struct CorpusWorkload {
    /// Short name in reports.
    pub name: &'static str,
    /// The executable, in the corpus directory.
    pub image: &'static str,
    /// A file of the corpus directory that both inputs start with (the
    /// Forth kernel's prelude), if any.
    pub prefix: Option<&'static str>,
    /// The timed input (after `prefix`).
    pub bench: &'static str,
    /// The training input (after `prefix`).
    pub train: &'static str,
}

impl CorpusWorkload {
    /// The bench and training stdin of this workload for the corpus in
    /// `dir`, or `None` when `dir` does not hold its image (or prefix).
    pub fn inputs(&self, dir: &Path) -> io::Result<Option<(Vec<u8>, Vec<u8>)>> {
        if !dir.join(self.image).is_file() {
            return Ok(None);
        }
        let prefix = match self.prefix {
            Some(p) if !dir.join(p).is_file() => return Ok(None),
            Some(p) => std::fs::read(dir.join(p))?,
            None => Vec::new(),
        };
        let with = |text: &str| [prefix.as_slice(), text.as_bytes()].concat();
        Ok(Some((with(self.bench), with(self.train))))
    }
}

/// The corpus workloads, in report order.
pub fn corpus_workloads() -> &'static [CorpusWorkload] {
    CORPUS
}

static CORPUS: &[CorpusWorkload] = &[
    CorpusWorkload {
        name: "forth",
        image: "kernel.s32x",
        prefix: Some("prelude.fth"),
        bench: include_str!("../corpus/forth.bench.fth"),
        train: include_str!("../corpus/forth.train.fth"),
    },
    CorpusWorkload {
        name: "sbasic",
        image: "sbasic.s32x",
        prefix: None,
        bench: include_str!("../corpus/sbasic.bench.bas"),
        train: include_str!("../corpus/sbasic.train.bas"),
    },
    CorpusWorkload {
        name: "prolog",
        image: "prolog.s32x",
        prefix: None,
        bench: include_str!("../corpus/prolog.bench.pl"),
        train: include_str!("../corpus/prolog.train.pl"),
    },
    CorpusWorkload {
        name: "lisp",
        image: "lisp.s32x",
        prefix: None,
        bench: include_str!("../corpus/lisp.bench.scm"),
        train: include_str!("../corpus/lisp.train.scm"),
    },
    CorpusWorkload {
        name: "lua",
        image: "lua.s32x",
        prefix: None,
        bench: include_str!("../lua/bench-small.lua"),
        train: include_str!("../lua/train.lua"),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Inputs come only for images the directory holds, with the prefix
    /// file first.
    #[test]
    fn corpus_inputs_start_with_the_prefix() {
        let dir = std::env::temp_dir().join(format!("fast32-corpus-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let forth = corpus_workloads()
            .iter()
            .find(|w| w.name == "forth")
            .unwrap();
        assert!(forth.inputs(&dir).unwrap().is_none());
        std::fs::write(dir.join("kernel.s32x"), b"x").unwrap();
        // No prelude: nothing to run.
        assert!(forth.inputs(&dir).unwrap().is_none());
        std::fs::write(dir.join("prelude.fth"), b": PRE ;\n").unwrap();
        let (bench, train) = forth.inputs(&dir).unwrap().unwrap();
        assert!(bench.starts_with(b": PRE ;\n") && train.starts_with(b": PRE ;\n"));
        assert_eq!(&bench[8..], forth.bench.as_bytes());
        assert_eq!(&train[8..], forth.train.as_bytes());
        assert_ne!(forth.bench, forth.train);
        std::fs::remove_dir_all(&dir).ok();
    }
}
