//! Text test programs with their expected results, run on every engine
//! (in the manner of Cranelift's filetests).
//!
//! A test is a SLOW-32 assembly file whose comment lines starting with
//! `# run:` state what running it must produce:
//!
//! ```text
//! # run: exit 42                 guest exit status (HALT's r1 or EXIT)
//! # run: stdout "hi\n"           exact stdout (Rust-style escapes)
//! # run: trap load_fault pc=0x0000000c addr=0x10000000
//! # run: stdin "abc"             bytes on the guest's stdin
//! # run: max-instructions 1000   instruction limit for the run
//! # run: reg r5 0x00000007       a register's final value
//! ```
//!
//! Every engine must meet the expectations and agree with the interpreter
//! on everything observable.

use crate::{compare, Engine, Observed};
use fast32_runtime::{RunOutcome, TrapKind};

#[derive(Debug, Default)]
pub struct Expect {
    pub exit: Option<u32>,
    pub stdout: Option<Vec<u8>>,
    pub trap: Option<(TrapKind, Option<u32>, Option<u32>)>,
    pub stdin: Vec<u8>,
    pub limit: Option<u64>,
    pub regs: Vec<(u8, u32)>,
}

fn unescape(s: &str) -> Result<Vec<u8>, String> {
    let s = s.trim();
    let inner = s
        .strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .ok_or_else(|| format!("expected a quoted string, got {s}"))?;
    let mut out = Vec::new();
    let mut it = inner.bytes();
    while let Some(c) = it.next() {
        if c != b'\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some(b'n') => out.push(b'\n'),
            Some(b't') => out.push(b'\t'),
            Some(b'r') => out.push(b'\r'),
            Some(b'0') => out.push(0),
            Some(b'\\') => out.push(b'\\'),
            Some(b'"') => out.push(b'"'),
            Some(b'x') => {
                let h: String = [it.next(), it.next()]
                    .iter()
                    .map(|b| b.map(|b| b as char).unwrap_or('?'))
                    .collect();
                out.push(u8::from_str_radix(&h, 16).map_err(|_| format!("bad \\x{h}"))?);
            }
            other => return Err(format!("unknown escape \\{:?}", other.map(|b| b as char))),
        }
    }
    Ok(out)
}

fn num(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let r = if let Some(h) = s.strip_prefix("0x") {
        u64::from_str_radix(&h.replace('_', ""), 16)
    } else {
        s.replace('_', "").parse()
    };
    r.map_err(|_| format!("bad number {s}"))
}

fn trap_kind(s: &str) -> Result<TrapKind, String> {
    Ok(match s {
        "load_fault" => TrapKind::LoadFault,
        "store_fault" => TrapKind::StoreFault,
        "execute_fault" => TrapKind::ExecuteFault,
        "illegal_instruction" => TrapKind::IllegalInstruction,
        "bad_register_pair" => TrapKind::BadRegisterPair,
        "assertion_failed" => TrapKind::AssertionFailed,
        "instruction_limit" => TrapKind::InstructionLimit,
        "timeout" => TrapKind::Timeout,
        other => return Err(format!("unknown trap kind {other}")),
    })
}

/// Reads the `# run:` lines of a test source.
pub fn parse_expect(source: &str) -> Result<Expect, String> {
    let mut e = Expect::default();
    for (n, line) in source.lines().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix("# run:") else {
            continue;
        };
        let rest = rest.trim();
        let (key, val) = rest.split_once(' ').unwrap_or((rest, ""));
        let at = |m: String| format!("line {}: {m}", n + 1);
        match key {
            "exit" => e.exit = Some(num(val).map_err(at)? as u32),
            "stdout" => e.stdout = Some(unescape(val).map_err(at)?),
            "stdin" => e.stdin = unescape(val).map_err(at)?,
            "max-instructions" => e.limit = Some(num(val).map_err(at)?),
            "reg" => {
                let (r, v) = val
                    .split_once(' ')
                    .ok_or_else(|| at("reg rN VALUE".into()))?;
                let r: u8 = r
                    .trim()
                    .trim_start_matches('r')
                    .parse()
                    .map_err(|_| at(format!("bad register {r}")))?;
                e.regs.push((r, num(v).map_err(at)? as u32));
            }
            "trap" => {
                let mut parts = val.split_whitespace();
                let kind = trap_kind(parts.next().unwrap_or("")).map_err(at)?;
                let (mut pc, mut addr) = (None, None);
                for p in parts {
                    if let Some(v) = p.strip_prefix("pc=") {
                        pc = Some(num(v).map_err(at)? as u32);
                    } else if let Some(v) = p.strip_prefix("addr=") {
                        addr = Some(num(v).map_err(at)? as u32);
                    } else {
                        return Err(at(format!("unknown trap field {p}")));
                    }
                }
                e.trap = Some((kind, pc, addr));
            }
            other => return Err(at(format!("unknown directive {other}"))),
        }
    }
    if e.exit.is_none() && e.trap.is_none() {
        return Err("a test must state `# run: exit N` or `# run: trap ...`".into());
    }
    Ok(e)
}

/// Checks one observed run against the expectations.
pub fn check(e: &Expect, o: &Observed) -> Result<(), String> {
    match (e.exit, e.trap, o.outcome) {
        (Some(want), _, RunOutcome::Exit(got)) if want == got => {}
        (_, Some((kind, pc, addr)), RunOutcome::Trap(t))
            if t.kind == kind
                && pc.is_none_or(|p| p == t.pc)
                && addr.is_none_or(|a| a == t.addr) => {}
        _ => {
            return Err(format!(
                "expected {}, got {:?}",
                match (e.exit, e.trap) {
                    (Some(x), _) => format!("exit {x}"),
                    (_, Some(t)) => format!("trap {t:?}"),
                    _ => unreachable!(),
                },
                o.outcome
            ))
        }
    }
    if let Some(want) = &e.stdout {
        if want != &o.stdout {
            return Err(format!(
                "stdout differs:\n  expected {:?}\n  got      {:?}",
                String::from_utf8_lossy(want),
                String::from_utf8_lossy(&o.stdout)
            ));
        }
    }
    for &(r, v) in &e.regs {
        if o.regs[r as usize] != v {
            return Err(format!(
                "r{r} is 0x{:08x}, expected 0x{v:08x}",
                o.regs[r as usize]
            ));
        }
    }
    Ok(())
}

/// Assembles and runs one test file on `engines`.
pub fn run_file(path: &std::path::Path, engines: &[Engine]) -> Result<(), String> {
    let source = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let expect = parse_expect(&source)?;
    let image = fast32_asm::assemble(&source, &path.display().to_string())
        .map_err(|e| format!("assembly failed:\n{e}"))?;
    let limit = expect.limit.unwrap_or(u64::MAX);
    let observed = compare(&image, engines, &expect.stdin, limit)?;
    check(&expect, &observed)
}
