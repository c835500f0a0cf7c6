//! The differential harness shared by tests, fuzz targets and the CLI:
//! run one program on several engines and compare everything observable
//! (exit or trap, registers, PC, retired-instruction count, a hash of
//! memory, stdout), and a lockstep mode that finds the first translated
//! block whose effect differs from the interpreter's.
//!
//! The interpreter is the oracle; every other engine must match it.

pub mod filetest;
pub mod gen;

use fast32_isa::s32x::Image;
use fast32_jit::{Jit, JitOptions};
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
    /// The ahead-of-time compiler (Cranelift), compiled in memory. After a
    /// trap its registers may be stale and the address of a memory fault
    /// is best-effort, so for traps only the trap kind and PC, stdout and
    /// memory are compared.
    Aot,
}

impl Engine {
    pub const ALL: [Engine; 7] = [
        Engine::Interp,
        Engine::Jit,
        Engine::JitCounting,
        Engine::JitNoRegCache,
        Engine::JitProfiling,
        Engine::JitNativeCalls,
        Engine::Aot,
    ];

    /// Does the engine maintain the exact instruction count?
    pub fn counts(self) -> bool {
        matches!(self, Engine::Interp | Engine::JitCounting)
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
        | Engine::JitNativeCalls => {
            let opts = JitOptions {
                counting: engine == Engine::JitCounting || limit != u64::MAX,
                interruptible: false,
                no_register_cache: engine == Engine::JitNoRegCache,
                profiling: engine == Engine::JitProfiling,
                native_calls: engine == Engine::JitNativeCalls,
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

/// Runs `image` on every engine in `engines` and returns a description of
/// the first disagreement with the first engine (the oracle).
pub fn compare(
    image: &Image,
    engines: &[Engine],
    stdin: &[u8],
    limit: u64,
) -> Result<Observed, String> {
    let oracle = run(image, engines[0], stdin, limit);
    for &e in &engines[1..] {
        let mut got = run(image, e, stdin, limit);
        if !e.counts() || !engines[0].counts() {
            got.instret = oracle.instret;
        }
        if e == Engine::Aot {
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
/// configuration on both sides). See [`lockstep_machines`].
pub fn lockstep(image: &Image, stdin: &[u8], max_slices: u64) -> Result<u64, String> {
    let (cfg_a, _) = test_host(stdin);
    let (cfg_b, _) = test_host(stdin);
    let mut a = Machine::new(image, cfg_a).map_err(|e| e.to_string())?;
    let mut b = Machine::new(image, cfg_b).map_err(|e| e.to_string())?;
    lockstep_machines(&mut a, &mut b, max_slices).map(|(n, _)| n)
}

/// Lockstep verification: runs machine `a` on the JIT one block at a time
/// (exits are never linked, so each slice is one block) and after each
/// slice brings machine `b` to the same instruction count with the
/// interpreter, comparing registers, PC and outcome. Returns the number of
/// slices and the final outcome, or a report of the first divergence: the
/// guest block, its disassembly, the x86-64 code emitted for it and the
/// registers that differ.
pub fn lockstep_machines(
    a: &mut Machine,
    b: &mut Machine,
    max_slices: u64,
) -> Result<(u64, RunOutcome), String> {
    let opts = JitOptions {
        counting: true,
        interruptible: false,
        no_register_cache: false,
        profiling: false,
        native_calls: false,
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
            report += &describe_block(a, start_pc, n.max(1) as u32);
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
