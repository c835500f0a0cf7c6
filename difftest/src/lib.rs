//! The differential harness shared by tests, fuzz targets and the CLI:
//! run one program on several engines and compare everything observable
//! (exit or trap, registers, PC, retired-instruction count, a hash of
//! memory, stdout), and a lockstep mode that finds the first translated
//! block whose effect differs from the interpreter's.
//!
//! The interpreter is the oracle; every other engine must match it.

pub mod filetest;
pub mod gen;
pub mod peephole;

use fast32_isa::s32x::Image;
use fast32_jit::{Jit, JitOptions, Superblocks};
use fast32_runtime::host::{AccessPolicy, HostConfig, OutputSink, StdinSource};
use fast32_runtime::{Interpreter, Machine, RunOutcome, TrapKind};
use std::fmt;

/// An engine configuration to compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// The reference interpreter.
    Interp,
    /// The JIT as `fast32 run` uses it.
    Jit,
    /// The JIT maintaining the instruction count.
    JitCounting,
    /// The JIT with every guest register in memory (no host-register cache).
    JitNoRegCache,
    /// The JIT with profiling counters (must not change behaviour).
    JitProfiling,
    /// The JIT with native call/ret return prediction.
    JitNativeCalls,
    /// The JIT turning every block into a superblock on its first entry
    /// (extending through every branch, so side exits are taken all the
    /// time), maintaining the instruction count.
    JitEagerSuperblocks,
    /// The JIT with plain blocks only.
    JitNoSuperblocks,
    /// The ahead-of-time compiler (Cranelift), compiled in memory. After a
    /// trap its registers may be stale and the address of a memory fault
    /// is best-effort, so for traps only the trap kind and PC, stdout and
    /// memory are compared.
    Aot,
    /// A standalone executable from `fast32 compile` (object driver +
    /// link), run as a child process; its final state comes back through
    /// `FAST32_STATE_OUT`. Compared like [`Engine::Aot`]. Slow to build
    /// (a link per program), so not in [`Engine::ALL`].
    AotExe,
    /// AOT guided by a profile recorded on a *different* input (the
    /// training stdin is fixed bytes, not the test's): a profile must
    /// never change results.
    AotPgo,
    /// Like [`Engine::AotPgo`], with code the profile never saw left to
    /// the JIT (`--cold=jit`).
    AotPgoColdJit,
    /// An executable like [`Engine::AotExe`], guided by the profile of
    /// [`Engine::AotPgo`], with code the profile never saw compiled in
    /// twins of its functions (`--cold=outline`, executables only).
    AotExePgoOutline,
}

impl Engine {
    pub const ALL: [Engine; 11] = [
        Engine::Interp,
        Engine::Jit,
        Engine::JitCounting,
        Engine::JitNoRegCache,
        Engine::JitProfiling,
        Engine::JitNativeCalls,
        Engine::JitEagerSuperblocks,
        Engine::JitNoSuperblocks,
        Engine::Aot,
        Engine::AotPgo,
        Engine::AotPgoColdJit,
    ];

    /// Does the engine maintain the exact instruction count?
    pub fn counts(self) -> bool {
        matches!(
            self,
            Engine::Interp | Engine::JitCounting | Engine::JitEagerSuperblocks
        )
    }
}

/// Everything a run leaves behind that engines must agree on.
#[derive(Clone, PartialEq, Eq)]
pub struct Observed {
    pub outcome: RunOutcome,
    pub regs: [u32; 32],
    pub pc: u32,
    pub instret: u64,
    pub mem_hash: u64,
    pub stdout: Vec<u8>,
}

impl fmt::Debug for Observed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "outcome {:?} pc 0x{:08x} instret {}",
            self.outcome, self.pc, self.instret
        )?;
        for (i, r) in self.regs.iter().enumerate() {
            write!(f, "r{i}=0x{r:08x}{}", if i % 8 == 7 { "\n" } else { " " })?;
        }
        write!(
            f,
            "mem 0x{:016x} stdout {:?}",
            self.mem_hash,
            String::from_utf8_lossy(&self.stdout)
        )
    }
}

/// Host configuration for harness runs: deterministic clock, given stdin,
/// captured output, no file or network access.
pub fn test_host(stdin: &[u8]) -> (HostConfig, std::sync::Arc<std::sync::Mutex<Vec<u8>>>) {
    let (out, buf) = OutputSink::capture();
    let (err, _) = OutputSink::capture();
    let cfg = HostConfig {
        args: vec![b"prog".to_vec()],
        env: Vec::new(),
        deterministic: true,
        stdin: StdinSource::Bytes(stdin.to_vec()),
        stdout: out,
        stderr: err,
        policy: AccessPolicy::deny_all(),
        trace_host: false,
        exec: None,
    };
    (cfg, buf)
}

/// Runs `image` on `engine`, stopping after `limit` instructions.
pub fn run(image: &Image, engine: Engine, stdin: &[u8], limit: u64) -> Observed {
    let (cfg, out) = test_host(stdin);
    let mut m = Machine::new(image, cfg).expect("test program loads");
    m.cpu.insn_limit = limit;
    let outcome = match engine {
        Engine::Interp => Interpreter::new(&m).run(&mut m),
        Engine::Jit
        | Engine::JitCounting
        | Engine::JitNoRegCache
        | Engine::JitProfiling
        | Engine::JitNativeCalls
        | Engine::JitEagerSuperblocks
        | Engine::JitNoSuperblocks => {
            let opts = JitOptions {
                counting: engine.counts() || limit != u64::MAX,
                interruptible: false,
                no_register_cache: engine == Engine::JitNoRegCache,
                profiling: engine == Engine::JitProfiling,
                native_calls: engine == Engine::JitNativeCalls,
                superblocks: match engine {
                    Engine::JitEagerSuperblocks => Superblocks::Eager,
                    Engine::JitNoSuperblocks => Superblocks::Off,
                    _ => Superblocks::On,
                },
            };
            Jit::new(&m, opts).expect("jit").run(&mut m)
        }
        Engine::Aot => {
            let opts = fast32_aot::AotOptions {
                verify: true,
                ..Default::default()
            };
            fast32_aot::Aot::compile(image, &opts)
                .expect("aot compiles")
                .run(&mut m)
        }
        Engine::AotPgo | Engine::AotPgoColdJit => {
            let cold = if engine == Engine::AotPgoColdJit {
                fast32_aot::pgo::ColdPolicy::Jit
            } else {
                fast32_aot::pgo::ColdPolicy::Translate
            };
            let opts = pgo_options(image, limit, cold);
            fast32_aot::Aot::compile(image, &opts)
                .expect("aot compiles")
                .run(&mut m)
        }
        Engine::AotExe => {
            drop(m);
            return run_executable(image, stdin, limit).unwrap_or_else(|e| panic!("{e}"));
        }
        Engine::AotExePgoOutline => {
            drop(m);
            let opts = pgo_options(image, limit, fast32_aot::pgo::ColdPolicy::Outline);
            return run_executable_with(image, stdin, limit, &opts)
                .unwrap_or_else(|e| panic!("{e}"));
        }
    };
    m.host.flush();
    let stdout = out.lock().map(|b| b.clone()).unwrap_or_default();
    Observed {
        outcome,
        regs: m.cpu.regs,
        pc: m.cpu.pc,
        instret: m.cpu.instret,
        mem_hash: m.mem.hash(),
        stdout,
    }
}

/// The training stdin of profile-guided engines: deliberately unlike any
/// test input.
pub const TRAINING_STDIN: &[u8] = b"training input: not the test's\n";

/// AOT options with hints from a profile of `image` recorded by the
/// profiling JIT on [`TRAINING_STDIN`].
pub fn pgo_options(
    image: &Image,
    limit: u64,
    cold: fast32_aot::pgo::ColdPolicy,
) -> fast32_aot::AotOptions {
    let (cfg, _) = test_host(TRAINING_STDIN);
    let mut tm = Machine::new(image, cfg).expect("test program loads");
    tm.cpu.insn_limit = limit;
    let (_, profile) = fast32_profiler::profile_run(&mut tm).expect("profiling run");
    let mut opts = fast32_aot::AotOptions {
        verify: true,
        ..Default::default()
    };
    opts.apply_profile(&profile, &fast32_aot::CodeImage::from_image(image), cold);
    opts
}

/// Compiles `image` to an executable (in a temporary directory), runs it
/// with `stdin` and reads back what it observed. The executable runs
/// with the same deterministic host as [`test_host`]; its stderr is
/// discarded like the harness's.
pub fn run_executable(image: &Image, stdin: &[u8], limit: u64) -> Result<Observed, String> {
    let opts = fast32_aot::AotOptions {
        verify: true,
        ..Default::default()
    };
    run_executable_with(image, stdin, limit, &opts)
}

/// [`run_executable`] with the compiler's options.
pub fn run_executable_with(
    image: &Image,
    stdin: &[u8],
    limit: u64,
    opts: &fast32_aot::AotOptions,
) -> Result<Observed, String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let bytes = fast32_isa::s32x::write(image);
    let obj = fast32_aot::object_driver::compile_object(&bytes, image, opts)
        .map_err(|e| format!("compile: {e}"))?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let exe = dir.path().join("prog");
    fast32_aot::link::link(&obj.bytes, &exe).map_err(|e| format!("link: {e}"))?;
    let state = dir.path().join("state");
    let mut cmd = Command::new(&exe);
    // argv[0] as the harness host gives it.
    cmd.env_clear()
        .env("FAST32_STATE_OUT", &state)
        .env("FAST32_DETERMINISTIC", "1")
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if limit != u64::MAX {
        cmd.env("FAST32_MAX_INSTRUCTIONS", limit.to_string());
    }
    {
        use std::os::unix::process::CommandExt;
        cmd.arg0("prog");
    }
    let mut child = cmd.spawn().map_err(|e| format!("spawn: {e}"))?;
    let mut input = child.stdin.take().expect("piped stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let _ = writer.join();
    let text = std::fs::read_to_string(&state).map_err(|e| {
        format!(
            "the executable left no state ({e}); status {:?}",
            out.status
        )
    })?;
    parse_state(&text, out.stdout)
}

fn parse_state(text: &str, stdout: Vec<u8>) -> Result<Observed, String> {
    let bad = || format!("malformed state report:\n{text}");
    let mut outcome = None;
    let mut pc = None;
    let mut regs = None;
    let mut mem_hash = None;
    for line in text.lines() {
        let mut w = line.split_whitespace();
        let key = w.next().unwrap_or("");
        let nums: Vec<u64> = w
            .map(|x| x.parse::<u64>())
            .collect::<Result<_, _>>()
            .map_err(|_| bad())?;
        match (key, nums.as_slice()) {
            ("exit", [s]) => outcome = Some(RunOutcome::Exit(*s as u32)),
            ("trap", [k, p, a, x]) => {
                let kind = TrapKind::from_u32(*k as u32).ok_or_else(bad)?;
                outcome = Some(RunOutcome::Trap(fast32_runtime::Trap::new(
                    kind, *p as u32, *a as u32, *x as u32,
                )));
            }
            ("pc", [p]) => pc = Some(*p as u32),
            ("regs", r) if r.len() == 32 => {
                let mut a = [0u32; 32];
                for (d, s) in a.iter_mut().zip(r) {
                    *d = *s as u32;
                }
                regs = Some(a);
            }
            ("mem", [h]) => mem_hash = Some(*h),
            _ => return Err(bad()),
        }
    }
    Ok(Observed {
        outcome: outcome.ok_or_else(bad)?,
        regs: regs.ok_or_else(bad)?,
        pc: pc.ok_or_else(bad)?,
        instret: 0,
        mem_hash: mem_hash.ok_or_else(bad)?,
        stdout,
    })
}

/// How long one engine may take on one test program. Compiled code
/// counts no instructions, so a lowering bug that loops (a return sent
/// to the wrong site) would otherwise hang the test instead of failing it.
pub const ENGINE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(120);

/// [`run`] on a thread of its own, failing after [`ENGINE_DEADLINE`]
/// (the runaway thread is left behind: the test fails anyway).
pub fn run_with_deadline(
    image: &Image,
    engine: Engine,
    stdin: &[u8],
    limit: u64,
) -> Result<Observed, String> {
    use std::sync::mpsc::{channel, RecvTimeoutError};
    let (tx, rx) = channel();
    let (img, input) = (image.clone(), stdin.to_vec());
    let worker = std::thread::Builder::new()
        .name(format!("{engine:?}"))
        .spawn(move || {
            let _ = tx.send(run(&img, engine, &input, limit));
        })
        .map_err(|e| format!("cannot start a thread for {engine:?}: {e}"))?;
    match rx.recv_timeout(ENGINE_DEADLINE) {
        Ok(observed) => {
            let _ = worker.join();
            Ok(observed)
        }
        Err(RecvTimeoutError::Timeout) => Err(format!(
            "{engine:?} did not finish within {} s (a loop the oracle does not have?)",
            ENGINE_DEADLINE.as_secs()
        )),
        // The run panicked: pass its panic on.
        Err(RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => Err(format!("{engine:?} ended without a result")),
        },
    }
}

/// Runs `image` on every engine in `engines` and returns a description of
/// the first disagreement with the first engine (the oracle).
pub fn compare(
    image: &Image,
    engines: &[Engine],
    stdin: &[u8],
    limit: u64,
) -> Result<Observed, String> {
    let oracle = run_with_deadline(image, engines[0], stdin, limit)?;
    for &e in &engines[1..] {
        let mut got = run_with_deadline(image, e, stdin, limit)?;
        if !e.counts() || !engines[0].counts() {
            got.instret = oracle.instret;
        }
        if matches!(
            e,
            Engine::Aot
                | Engine::AotExe
                | Engine::AotPgo
                | Engine::AotPgoColdJit
                | Engine::AotExePgoOutline
        ) {
            relax_aot_trap(&oracle, &mut got);
        }
        if got != oracle {
            return Err(format!(
                "{e:?} differs from {:?}\n--- {:?}:\n{:?}\n--- {e:?}:\n{:?}",
                engines[0], engines[0], oracle, got
            ));
        }
    }
    Ok(oracle)
}

/// After a trap, AOT-compiled code leaves registers possibly stale and
/// reports a memory fault's address best-effort: take those from the
/// oracle when kind and PC agree.
fn relax_aot_trap(oracle: &Observed, got: &mut Observed) {
    if let (RunOutcome::Trap(want), RunOutcome::Trap(have)) = (oracle.outcome, &mut got.outcome) {
        if want.kind == have.kind && want.pc == have.pc {
            if matches!(want.kind, TrapKind::LoadFault | TrapKind::StoreFault) {
                have.addr = want.addr;
            }
            got.regs = oracle.regs;
            got.pc = oracle.pc;
        }
    }
}

/// Lockstep verification of a generated or test program (harness host
/// configuration on both sides), with every block made a superblock on
/// first entry. See [`lockstep_machines`].
pub fn lockstep(image: &Image, stdin: &[u8], max_slices: u64) -> Result<u64, String> {
    let (cfg_a, _) = test_host(stdin);
    let (cfg_b, _) = test_host(stdin);
    let mut a = Machine::new(image, cfg_a).map_err(|e| e.to_string())?;
    let mut b = Machine::new(image, cfg_b).map_err(|e| e.to_string())?;
    lockstep_machines(&mut a, &mut b, max_slices, Superblocks::Eager).map(|(n, _)| n)
}

/// Lockstep verification: runs machine `a` on the JIT one translation at
/// a time (exits are never linked, so each slice is one entry into a
/// block or superblock, up to the exit it leaves by: the end of its path
/// or a side exit) and after each slice brings machine `b` to the same
/// instruction count with the interpreter, comparing registers, PC and
/// outcome. The granularity is therefore the translation unit: inside a
/// superblock, state is compared where it exits, not at every plain block
/// it covers. Returns the number of slices and the final outcome, or a
/// report of the first divergence: the guest code of the translation (its
/// path of plain blocks for a superblock), the x86-64 code emitted for it
/// and the registers that differ.
pub fn lockstep_machines(
    a: &mut Machine,
    b: &mut Machine,
    max_slices: u64,
    superblocks: Superblocks,
) -> Result<(u64, RunOutcome), String> {
    let opts = JitOptions {
        counting: true,
        interruptible: false,
        no_register_cache: false,
        profiling: false,
        native_calls: false,
        superblocks,
    };
    let mut jit = Jit::new(a, opts).map_err(|e| e.to_string())?;
    jit.set_single_step_blocks(true);
    let mut interp = Interpreter::new(b);
    for slice in 0..max_slices {
        let start_pc = a.cpu.pc;
        let before = a.cpu.instret;
        let ja = jit.run_slice(a);
        let n = a.cpu.instret - before;
        let ib = interp.run_steps(b, n);
        let ib = match (&ja, ib) {
            // A trap or exit inside the slice: the interpreter stops there too.
            (Some(_), None) => interp.run_steps(b, 1),
            (_, o) => o,
        };
        if a.cpu.regs != b.cpu.regs || a.cpu.pc != b.cpu.pc || ja != ib {
            let mut report = format!(
                "divergence in slice {slice}: block at 0x{start_pc:08x} ({n} instructions)\n"
            );
            match jit.path_of(start_pc) {
                Some(path) => {
                    for &(pc, len) in path {
                        report += &format!("superblock part at 0x{pc:08x}:\n");
                        report += &describe_block(a, pc, len);
                    }
                }
                None => report += &describe_block(a, start_pc, n.max(1) as u32),
            }
            if let Some((addr, code)) = jit.host_code(start_pc) {
                report += "x86-64 code:\n";
                report += &disasm_host(addr, code);
            }
            report += &format!("jit:    pc 0x{:08x} {:?}\n", a.cpu.pc, ja);
            report += &format!("interp: pc 0x{:08x} {:?}\n", b.cpu.pc, ib);
            for r in 0..32 {
                if a.cpu.regs[r] != b.cpu.regs[r] {
                    report += &format!(
                        "  r{r}: jit 0x{:08x} interp 0x{:08x}\n",
                        a.cpu.regs[r], b.cpu.regs[r]
                    );
                }
            }
            return Err(report);
        }
        if let Some(o) = ja {
            return Ok((slice + 1, o));
        }
    }
    Err(format!("no result after {max_slices} blocks"))
}

/// Disassembly of `n` instructions from `pc`.
pub fn describe_block(m: &Machine, pc: u32, n: u32) -> String {
    let mut s = String::new();
    for k in 0..n.min(256) {
        let p = pc.wrapping_add(4 * k);
        match m.mem.fetch(p) {
            Ok(w) => {
                s += &format!(
                    "  {p:08x}: {w:08x}  {}\n",
                    fast32_isa::disasm::disasm_word(w, p, &fast32_isa::disasm::NoSymbols)
                )
            }
            Err(_) => break,
        }
    }
    s
}

/// Intel-syntax listing of translated host code.
pub fn disasm_host(addr: usize, code: &[u8]) -> String {
    use iced_x86::{Decoder, DecoderOptions, Formatter, IntelFormatter};
    let mut dec = Decoder::with_ip(64, code, addr as u64, DecoderOptions::NONE);
    let mut fmt = IntelFormatter::new();
    let mut out = String::new();
    let mut text = String::new();
    for ins in &mut dec {
        text.clear();
        fmt.format(&ins, &mut text);
        out += &format!("  {:016x}  {}\n", ins.ip(), text);
    }
    out
}
