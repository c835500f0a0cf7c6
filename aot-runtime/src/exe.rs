//! The entry point of AOT executables.
//!
//! `fast32 compile` emits an object whose `main` calls
//! [`fast32_aot_main`] with a pointer to an [`ExeDescriptor`]: the guest
//! image (the whole `.s32x`, embedded), the entry table, the compiled
//! functions and their fault sites. Everything else — guest memory, host
//! services, traps, the JIT fallback — is this crate's and runtime-lib's
//! code, linked in as a static library, so an executable behaves exactly
//! like `fast32 run` with default options:
//!
//! - guest argv = the executable's argv; stdin/stdout/stderr inherited;
//! - files: the current directory and the paths named by arguments
//!   (fast32's default host-access policy); no sockets; an empty
//!   environment;
//! - the guest's exit status is the process's; a trap prints the same
//!   `fast32: trap: ...` line and exits with 200 + its kind; SIGINT,
//!   SIGTERM and SIGHUP deliver the guest's buffered stdout and exit with
//!   128 + the signal ([`fast32_runtime::termination`]).
//!
//! The EXEC service starts the child `.s32x` in a new process of this same
//! executable, which then runs that program on the JIT instead of its own
//! (`FAST32_EXEC_PROGRAM`) under exactly the parent's policy
//! (`FAST32_EXEC_POLICY`, see `AccessPolicy::encode`): nothing is derived
//! from the child's arguments, which came from the guest, and executables
//! read no options from their arguments anyway.
//!
//! A few environment variables adjust that: `FAST32_DIRS=HOST[::GUEST];...`
//! grants directories like `fast32 run --dir`, `FAST32_TRACE_HOST=1` reports
//! denied host requests on stderr, `FAST32_INHERIT_ENV=1` passes the
//! environment to the guest, `FAST32_AOT_STATS=1` prints the dispatcher's
//! counters (JIT fallbacks included) at exit, `FAST32_AOT_TRACE_FALLBACK=1`
//! the guest PCs that most often fell back to the JIT, `FAST32_DETERMINISTIC=1` and
//! `FAST32_MAX_INSTRUCTIONS=N` and `FAST32_TIMEOUT=SECONDS` act as
//! `fast32 run`'s `--deterministic`, `--max-instructions` and `--timeout`
//! (code not compiled interruptible then runs on the JIT, which polls).
//! `FAST32_AOT_FLOATING_MEMORY=1` places guest memory anywhere instead of
//! at [`crate::FIXED_MEM_BASE`], where the compiled code addresses it, so
//! the run goes to the JIT (what happens when that range is taken).
//! `FAST32_STATE_OUT=FILE` writes the final machine
//! state there (outcome, PC, registers, memory hash): the differential
//! harness compares executables with the other engines through it.

use crate::dispatch::{CompiledCode, Dispatcher};
use crate::fault::{FaultSite, SiteTable};
use fast32_runtime::host::{exec_seconds_left, AccessPolicy, ExecFn, ExecRequest, HostConfig};
use fast32_runtime::{Machine, RunOutcome, TrapKind};
use std::time::{Duration, Instant};

/// "F32AOTD4": the descriptor layout this runtime understands.
pub const DESCRIPTOR_MAGIC: u64 = u64::from_le_bytes(*b"F32AOTD4");

/// What the compiled object tells the runtime (all fields 8 bytes wide, in
/// this order: the object writer in `fast32_aot::object_driver` lays it
/// out from [`descriptor_offsets`]).
#[repr(C)]
pub struct ExeDescriptor {
    pub magic: u64,
    pub image: *const u8,
    pub image_len: u64,
    /// One host pointer per code word (0 where no entry).
    pub entries: *const usize,
    pub entries_len: u64,
    /// Start address and size of every compiled function.
    pub funcs: *const usize,
    pub func_sizes: *const u32,
    pub nfuncs: u64,
    pub sites: *const RawSite,
    pub nsites: u64,
    /// Slot read by interruptible code (null if not interruptible).
    pub interrupt_slot: *mut usize,
    /// The function the dispatcher enters compiled code through.
    pub adapter: usize,
    /// The host address of guest memory the code was compiled for (0:
    /// anywhere, read from `CpuState`).
    pub mem_base: u64,
    /// The host address of `CpuState` the code was compiled for (0: passed
    /// by the adapter).
    pub state: u64,
}

/// Byte offsets of [`ExeDescriptor`]'s fields, for the object writer.
pub mod descriptor_offsets {
    pub const MAGIC: usize = 0;
    pub const IMAGE: usize = 8;
    pub const IMAGE_LEN: usize = 16;
    pub const ENTRIES: usize = 24;
    pub const ENTRIES_LEN: usize = 32;
    pub const FUNCS: usize = 40;
    pub const FUNC_SIZES: usize = 48;
    pub const NFUNCS: usize = 56;
    pub const SITES: usize = 64;
    pub const NSITES: usize = 72;
    pub const INTERRUPT_SLOT: usize = 80;
    pub const ADAPTER: usize = 88;
    pub const MEM_BASE: usize = 96;
    pub const STATE: usize = 104;
    pub const SIZE: usize = 112;
}

const _: () = {
    use std::mem::offset_of;
    assert!(offset_of!(ExeDescriptor, image) == descriptor_offsets::IMAGE);
    assert!(offset_of!(ExeDescriptor, entries) == descriptor_offsets::ENTRIES);
    assert!(offset_of!(ExeDescriptor, funcs) == descriptor_offsets::FUNCS);
    assert!(offset_of!(ExeDescriptor, sites) == descriptor_offsets::SITES);
    assert!(offset_of!(ExeDescriptor, interrupt_slot) == descriptor_offsets::INTERRUPT_SLOT);
    assert!(offset_of!(ExeDescriptor, adapter) == descriptor_offsets::ADAPTER);
    assert!(offset_of!(ExeDescriptor, mem_base) == descriptor_offsets::MEM_BASE);
    assert!(offset_of!(ExeDescriptor, state) == descriptor_offsets::STATE);
    assert!(std::mem::size_of::<ExeDescriptor>() == descriptor_offsets::SIZE);
    assert!(std::mem::size_of::<RawSite>() == RawSite::SIZE);
};

/// A fault site as an executable stores it: function index + offset
/// (the object writer in `fast32_aot::object_driver` emits them grouped by
/// function, each function's sorted by offset; see [`SiteTable::from_raw`]).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct RawSite {
    pub func: u32,
    pub offset: u32,
    pub guest_pc: u32,
    pub kind: u8,
    pub size: u8,
    pub _pad: u16,
}

impl RawSite {
    pub const SIZE: usize = 16;

    /// The little-endian bytes the object writer stores.
    pub fn to_bytes(&self) -> [u8; 16] {
        let mut b = [0u8; 16];
        b[0..4].copy_from_slice(&self.func.to_le_bytes());
        b[4..8].copy_from_slice(&self.offset.to_le_bytes());
        b[8..12].copy_from_slice(&self.guest_pc.to_le_bytes());
        b[12] = self.kind;
        b[13] = self.size;
        b
    }

    /// The site, if its kind is valid.
    pub fn site(&self) -> Option<FaultSite> {
        Some(FaultSite {
            offset: self.offset,
            guest_pc: self.guest_pc,
            kind: TrapKind::from_u32(self.kind as u32)?,
            size: self.size,
        })
    }
}

/// Reads the compiled code's tables.
///
/// # Safety
/// `d` must be the descriptor emitted with the program's object.
unsafe fn compiled_code(d: &ExeDescriptor) -> Result<CompiledCode, String> {
    /// The descriptor's tables are data of this executable: read in
    /// place, never copied.
    unsafe fn slice<T>(p: *const T, n: u64) -> &'static [T] {
        if n == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(p, n as usize)
        }
    }
    let funcs = slice(d.funcs, d.nfuncs);
    let sizes = slice(d.func_sizes, d.nfuncs);
    let sites = SiteTable::from_raw(funcs, sizes, slice(d.sites, d.nsites))
        .ok_or("fault sites not grouped by function")?;
    Ok(CompiledCode {
        entries: std::borrow::Cow::Borrowed(slice(d.entries, d.entries_len)),
        sites,
        interrupt_slot: d.interrupt_slot,
        adapter: d.adapter,
        fixed_mem_base: (d.mem_base != 0).then_some(d.mem_base as usize),
        fixed_state: (d.state != 0).then_some(d.state as usize),
    })
}

/// Set for an EXEC child: the `.s32x` it runs instead of the embedded one.
const EXEC_PROGRAM_VAR: &str = "FAST32_EXEC_PROGRAM";
/// Set for an EXEC child: its parent's policy (`AccessPolicy::encode`).
const EXEC_POLICY_VAR: &str = "FAST32_EXEC_POLICY";

/// The EXEC service of an executable: this executable again, told to run
/// the child program under the parent's policy (see the module doc). The
/// child's argv is the guest's, its limits the parent's (what is left of
/// the time, the same instruction count).
fn exec_callback(deadline: Option<Instant>) -> ExecFn {
    Box::new(move |req: &ExecRequest| {
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::process::CommandExt;
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut cmd = std::process::Command::new(exe);
        if let Some(a0) = req.args.first() {
            cmd.arg0(std::ffi::OsStr::from_bytes(a0));
        }
        for a in req.args.iter().skip(1) {
            cmd.arg(std::ffi::OsStr::from_bytes(a));
        }
        cmd.env(EXEC_PROGRAM_VAR, &req.path)
            .env(EXEC_POLICY_VAR, req.policy.encode())
            // The parent's report, not the child's.
            .env_remove("FAST32_STATE_OUT")
            .env_remove("FAST32_TIMEOUT");
        if let Some(d) = deadline {
            cmd.env("FAST32_TIMEOUT", exec_seconds_left(d));
        }
        req.run(cmd)
    })
}

/// FAST32_TIMEOUT, if set: a positive number of seconds.
fn timeout_from_env() -> Result<Option<Duration>, String> {
    match std::env::var("FAST32_TIMEOUT")
        .ok()
        .filter(|s| !s.is_empty())
    {
        None => Ok(None),
        Some(s) => match s.parse::<f64>() {
            Ok(secs) if secs.is_finite() && secs > 0.0 => Ok(Some(Duration::from_secs_f64(secs))),
            _ => Err(format!(
                "FAST32_TIMEOUT={s} is not a positive number of seconds"
            )),
        },
    }
}

/// An EXEC child's program: nothing was compiled for it, so the JIT runs
/// it (the interpreter when there is no executable memory), as
/// `fast32 run` would.
fn run_uncompiled(m: &mut Machine, interruptible: bool) -> RunOutcome {
    let opts = fast32_jit::JitOptions {
        counting: m.cpu.insn_limit != u64::MAX,
        interruptible,
        ..fast32_jit::JitOptions::default()
    };
    match fast32_jit::Jit::new(m, opts) {
        Ok(mut j) => j.run(m),
        Err(_) => fast32_runtime::Interpreter::new(m).run(m),
    }
}

fn env_flag(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0")
}

/// `main` of an AOT executable. Returns the process exit status.
///
/// # Safety
/// `argv` must hold `argc` C strings; `desc` must point to the descriptor
/// emitted by `fast32 compile` together with the calling `main`.
#[no_mangle]
pub unsafe extern "C" fn fast32_aot_main(
    argc: i32,
    argv: *const *const libc::c_char,
    desc: *const ExeDescriptor,
) -> i32 {
    // Before any thread starts (as `fast32 run`): SIGINT/SIGTERM/SIGHUP
    // deliver the guest's buffered output and exit with 128 + the signal.
    if let Err(e) = fast32_runtime::termination::install() {
        eprintln!("fast32: warning: cannot take over termination signals: {e}");
    }
    let d = &*desc;
    if d.magic != DESCRIPTOR_MAGIC {
        eprintln!("fast32: this executable's compiled tables do not match its runtime");
        return 1;
    }
    let mut args: Vec<Vec<u8>> = Vec::new();
    for i in 0..argc.max(0) as usize {
        let p = *argv.add(i);
        if !p.is_null() {
            args.push(std::ffi::CStr::from_ptr(p).to_bytes().to_vec());
        }
    }
    // An EXEC child of an executable runs the program it was given.
    let exec_child = std::env::var_os(EXEC_PROGRAM_VAR).filter(|v| !v.is_empty());
    let child_bytes;
    let bytes: &[u8] = match &exec_child {
        Some(path) => match std::fs::read(path) {
            Ok(b) => {
                child_bytes = b;
                &child_bytes
            }
            Err(e) => {
                eprintln!(
                    "fast32: cannot read {}: {e}",
                    std::path::Path::new(path).display()
                );
                return 1;
            }
        },
        None => std::slice::from_raw_parts(d.image, d.image_len as usize),
    };
    let image = match fast32_isa::s32x::read(bytes) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("fast32: the guest image is invalid: {e}");
            return 1;
        }
    };
    let policy = if exec_child.is_some() {
        // Exactly the parent's grants; none from the arguments.
        let decoded = std::env::var(EXEC_POLICY_VAR)
            .map_err(|e| e.to_string())
            .and_then(|t| AccessPolicy::decode(&t).map_err(|e| e.to_string()));
        match decoded {
            Ok(p) => p,
            Err(e) => {
                eprintln!("fast32: {EXEC_PROGRAM_VAR} needs a valid {EXEC_POLICY_VAR}: {e}");
                return 1;
            }
        }
    } else {
        let mut policy = AccessPolicy::cwd_only();
        {
            use std::os::unix::ffi::OsStrExt;
            policy.grant_existing_args(args.iter().skip(1).map(|a| std::ffi::OsStr::from_bytes(a)));
        }
        if let Some(dirs) = std::env::var_os("FAST32_DIRS") {
            for d in dirs.to_string_lossy().split(';').filter(|d| !d.is_empty()) {
                if let Err(e) = policy.grant_dir_spec(d) {
                    eprintln!("fast32: cannot grant FAST32_DIRS entry {d}: {e}");
                    return 1;
                }
            }
        }
        policy
    };
    let env = if env_flag("FAST32_INHERIT_ENV") {
        use std::os::unix::ffi::OsStrExt;
        std::env::vars_os()
            .filter(|(k, _)| k != EXEC_PROGRAM_VAR && k != EXEC_POLICY_VAR)
            .map(|(k, v)| (k.as_bytes().to_vec(), v.as_bytes().to_vec()))
            .collect()
    } else {
        Vec::new()
    };
    let timeout = match timeout_from_env() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("fast32: {e}");
            return 1;
        }
    };
    let config = HostConfig {
        args,
        env,
        policy,
        deterministic: env_flag("FAST32_DETERMINISTIC"),
        trace_host: env_flag("FAST32_TRACE_HOST"),
        exec: Some(exec_callback(timeout.map(|t| Instant::now() + t))),
        ..HostConfig::default()
    };
    // Guest memory where the compiled code expects it (an EXEC child runs
    // on the JIT: anywhere will do). FAST32_AOT_FLOATING_MEMORY=1 puts it
    // elsewhere, which sends the run to the JIT: a test of that path.
    let mem_at = if exec_child.is_some() || env_flag("FAST32_AOT_FLOATING_MEMORY") {
        None
    } else {
        (d.mem_base != 0).then_some(d.mem_base as usize)
    };
    let mut m = match Machine::new_at(&image, config, mem_at) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("fast32: cannot load the embedded guest image: {e}");
            return 1;
        }
    };
    if let Some(n) = std::env::var("FAST32_MAX_INSTRUCTIONS")
        .ok()
        .filter(|s| !s.is_empty())
    {
        match n.parse::<u64>() {
            Ok(n) => m.cpu.insn_limit = n,
            Err(_) => {
                eprintln!("fast32: FAST32_MAX_INSTRUCTIONS={n} is not a number");
                return 1;
            }
        }
    }
    if let Some(t) = timeout {
        let flag = m.interrupt.clone();
        std::thread::spawn(move || {
            std::thread::sleep(t);
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        });
    }
    let mut stats = None;
    let outcome = if exec_child.is_some() {
        run_uncompiled(&mut m, timeout.is_some())
    } else {
        let code = match compiled_code(d) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("fast32: corrupt compiled tables: {e}");
                return 1;
            }
        };
        let mut disp = Dispatcher::new(code);
        disp.require_interrupts(timeout.is_some());
        let o = disp.run(&mut m);
        stats = Some(disp.stats);
        for (pc, n) in disp.fallback_histogram().iter().take(10) {
            eprintln!("fast32: aot: {n} JIT fallbacks at {pc:#010x}");
        }
        o
    };
    m.host.flush();
    if let RunOutcome::Trap(t) = outcome {
        eprintln!("fast32: trap: {t}");
    }
    if let Some(s) = stats.filter(|_| env_flag("FAST32_AOT_STATS")) {
        eprintln!(
            "fast32: aot: {} dispatches, {} JIT fallback entries, {} fallback blocks",
            s.dispatches, s.fallback_entries, s.fallback_blocks
        );
    }
    if let Some(path) = std::env::var_os("FAST32_STATE_OUT") {
        if let Err(e) = std::fs::write(&path, state_report(&m, &outcome)) {
            eprintln!("fast32: cannot write FAST32_STATE_OUT: {e}");
        }
    }
    outcome.exit_status()
}

/// The final state as text lines: `exit STATUS` or `trap KIND PC ADDR AUX`,
/// then `pc`, `regs` (32 values), `mem` (the memory hash), all decimal.
pub fn state_report(m: &Machine, outcome: &RunOutcome) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    match outcome {
        RunOutcome::Exit(st) => {
            let _ = writeln!(s, "exit {st}");
        }
        RunOutcome::Trap(t) => {
            let _ = writeln!(s, "trap {} {} {} {}", t.kind as u32, t.pc, t.addr, t.aux);
        }
    }
    let _ = writeln!(s, "pc {}", m.cpu.pc);
    let regs: Vec<String> = m.cpu.regs.iter().map(|r| r.to_string()).collect();
    let _ = writeln!(s, "regs {}", regs.join(" "));
    let _ = writeln!(s, "mem {}", m.mem.hash());
    s
}
