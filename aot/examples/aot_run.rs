//! Runs a `.s32x` program on the AOT compiler (and, with `--jit`, on the
//! JIT too) and prints timings: `aot_run PROG [STDIN_FILE] [--jit] [args]`.

use fast32_aot::{Aot, AotOptions};
use fast32_jit::{Jit, JitOptions};
use fast32_runtime::host::{AccessPolicy, HostConfig, OutputSink, StdinSource};
use fast32_runtime::Machine;
use std::time::Instant;

fn config(stdin: &[u8]) -> (HostConfig, std::sync::Arc<std::sync::Mutex<Vec<u8>>>) {
    let (out, buf) = OutputSink::capture();
    let cfg = HostConfig {
        args: vec![b"prog".to_vec()],
        env: Vec::new(),
        deterministic: true,
        stdin: StdinSource::Bytes(stdin.to_vec()),
        stdout: out,
        stderr: OutputSink::Inherit,
        policy: AccessPolicy::deny_all(),
        trace_host: false,
        exec: None,
    };
    (cfg, buf)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let prog = &args[1];
    let stdin = args
        .get(2)
        .filter(|a| !a.starts_with("--"))
        .map(|p| std::fs::read(p).expect("stdin file"))
        .unwrap_or_default();
    let with_jit = args.iter().any(|a| a == "--jit");
    let image = fast32_isa::s32x::read(&std::fs::read(prog).expect("program")).expect("s32x");

    let t = Instant::now();
    let mut aot = Aot::compile(&image, &AotOptions::default()).expect("compiles");
    let compile = t.elapsed();
    let (cfg, out) = config(&stdin);
    let mut m = Machine::new(&image, cfg).expect("loads");
    let t = Instant::now();
    let o = aot.run(&mut m);
    m.host.flush();
    let run = t.elapsed();
    let aot_out = out.lock().unwrap().clone();
    eprintln!("aot: {o:?} compile {compile:?} run {run:?}");
    eprintln!("aot stats: {:?}", aot.stats());
    for (pc, n) in aot.fallback_histogram().iter().take(15) {
        eprintln!("  fallback at 0x{pc:08x}: {n}");
    }
    if let Ok(p) = std::env::var("AOT_OUT") {
        std::fs::write(p, &aot_out).unwrap();
    }
    if with_jit {
        let (cfg, out) = config(&stdin);
        let mut m = Machine::new(&image, cfg).expect("loads");
        let t = Instant::now();
        let o = Jit::new(&m, JitOptions::default())
            .expect("jit")
            .run(&mut m);
        m.host.flush();
        eprintln!("jit: {o:?} run {:?}", t.elapsed());
        let same = *out.lock().unwrap() == aot_out;
        eprintln!("stdout identical: {same}");
    }
}
