//! The persistent code cache end to end: a JIT run saves its blocks, a
//! second run on a fresh machine loads them, translates nothing, and
//! behaves exactly like the interpreter; damaged, stale or foreign entries
//! are refused before anything is loaded, and the run still succeeds.

use fast32_cache_format::{image_hash, CodeCache};
use fast32_difftest::{gen, test_host, Engine, Observed};
use fast32_isa::s32x::Image;
use fast32_jit::{Jit, JitOptions};
use fast32_profiler::code_cache::{self, CacheError};
use fast32_runtime::Machine;

const LIMIT: u64 = 2_000_000;

/// Two profiles with the target histogram of every indirect site that ran
/// out of slots (`other > 0`) in either reduced to its total, in both.
/// A histogram keeps the targets that claimed a slot first, each on a
/// short probe sequence, and a cold run fills one table per translation
/// of the block (plain, then superblock) where a warm run fills only the
/// loaded superblock's: which of a site's targets find a slot depends on
/// the order they first came in, so one run may list a target that the
/// other counts as "other" (`__udivsi3`'s return in intrinsics_divide.s:
/// five targets, two of them on one probe sequence). The totals agree.
fn normalized(
    mut p: fast32_cache_format::Profile,
    mut q: fast32_cache_format::Profile,
) -> (fast32_cache_format::Profile, fast32_cache_format::Profile) {
    let overflowed: std::collections::HashSet<u32> = p
        .indirect
        .iter()
        .chain(&q.indirect)
        .filter(|s| s.other > 0)
        .map(|s| s.pc)
        .collect();
    for s in p.indirect.iter_mut().chain(q.indirect.iter_mut()) {
        if overflowed.contains(&s.pc) {
            s.other += s.targets.iter().map(|t| t.1).sum::<u64>();
            s.targets.clear();
        }
    }
    (p, q)
}

fn hash_of(img: &Image) -> [u8; 32] {
    image_hash(&fast32_isa::s32x::write(img))
}

/// Runs `img` on a JIT set up by `setup`; returns what it observed and the JIT.
fn run_jit(
    img: &Image,
    stdin: &[u8],
    limit: u64,
    opts: JitOptions,
    setup: impl FnOnce(&mut Jit, &Machine),
) -> (Observed, Jit) {
    let (cfg, out) = test_host(stdin);
    let mut m = Machine::new(img, cfg).expect("test program loads");
    m.cpu.insn_limit = limit;
    let mut jit = Jit::new(&m, opts).expect("jit");
    setup(&mut jit, &m);
    let outcome = jit.run(&mut m);
    m.host.flush();
    let stdout = out.lock().unwrap().clone();
    let o = Observed {
        outcome,
        regs: m.cpu.regs,
        pc: m.cpu.pc,
        instret: m.cpu.instret,
        mem_hash: m.mem.hash(),
        stdout,
    };
    (o, jit)
}

fn same(a: &Observed, b: &Observed, counting: bool) -> bool {
    a.outcome == b.outcome
        && a.regs == b.regs
        && a.pc == b.pc
        && a.mem_hash == b.mem_hash
        && a.stdout == b.stdout
        && (!counting || a.instret == b.instret)
}

/// Cold run that saves, warm run that loads; both must match the
/// interpreter, and the warm run must translate nothing.
fn check_round_trip(img: &Image, stdin: &[u8], limit: u64, opts: JitOptions) -> Result<(), String> {
    // Limits are only honoured with counting (as `fast32 run` sets it).
    let opts = JitOptions {
        counting: opts.counting || limit != u64::MAX,
        ..opts
    };
    let oracle = fast32_difftest::run(img, Engine::Interp, stdin, limit);
    let hash = hash_of(img);
    let (cold, jit) = run_jit(img, stdin, limit, opts, |j, _| j.keep_block_images());
    if !same(&cold, &oracle, opts.counting) {
        return Err(format!(
            "cold run differs:\n{cold:?}\ninterpreter:\n{oracle:?}"
        ));
    }
    let bytes = code_cache::encode(&jit, &hash).map_err(|e| e.to_string())?;
    // Blocks replaced by superblocks are saved in their final form only.
    let saved = jit.export_blocks().blocks.len() as u64;
    let cold_profile = opts.profiling.then(|| {
        fast32_profiler::to_profile(&jit.profile_data(), &jit.superblock_paths(), |_| None)
    });
    let mut loaded = 0;
    let (warm, wjit) = run_jit(img, stdin, limit, opts, |j, m| {
        loaded = code_cache::load_bytes(j, m, &bytes, &hash).expect("entry loads");
    });
    if !same(&warm, &oracle, opts.counting) {
        return Err(format!(
            "warm run differs:\n{warm:?}\ninterpreter:\n{oracle:?}"
        ));
    }
    if loaded as u64 != saved || wjit.stats.blocks_translated != 0 {
        return Err(format!(
            "saved {saved} blocks, loaded {loaded}, warm run translated {}",
            wjit.stats.blocks_translated
        ));
    }
    // Loaded blocks count like translated ones.
    if let Some(p) = cold_profile {
        let q =
            fast32_profiler::to_profile(&wjit.profile_data(), &wjit.superblock_paths(), |_| None);
        // (The first target of a site always finds a free slot.)
        if let Some(s) = p
            .indirect
            .iter()
            .chain(&q.indirect)
            .find(|s| s.other > 0 && s.targets.is_empty())
        {
            return Err(format!(
                "indirect site {:#x}: every execution counted as other",
                s.pc
            ));
        }
        let (p, q) = normalized(p, q);
        if p != q {
            return Err(format!(
                "profiles of the cold and the warm run differ:\n{p:#?}"
            ));
        }
    }
    Ok(())
}

fn option_sets() -> Vec<(JitOptions, u64)> {
    let base = JitOptions::default();
    vec![
        (base, u64::MAX),
        (
            JitOptions {
                counting: true,
                ..base
            },
            LIMIT,
        ),
        (
            JitOptions {
                counting: true,
                ..base
            },
            500,
        ),
        (
            JitOptions {
                profiling: true,
                interruptible: true,
                ..base
            },
            u64::MAX,
        ),
        (
            JitOptions {
                no_register_cache: true,
                native_calls: true,
                ..base
            },
            u64::MAX,
        ),
        // Superblocks saved and loaded (every block becomes one).
        (
            JitOptions {
                counting: true,
                profiling: true,
                superblocks: fast32_jit::Superblocks::Eager,
                ..base
            },
            LIMIT,
        ),
        (
            JitOptions {
                superblocks: fast32_jit::Superblocks::Off,
                ..base
            },
            u64::MAX,
        ),
    ]
}

#[test]
fn test_programs_round_trip_on_every_option_set() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/programs");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "s") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        let expect = fast32_difftest::filetest::parse_expect(&source).unwrap();
        let img = fast32_asm::assemble(&source, &path.display().to_string()).unwrap();
        for (opts, limit) in option_sets() {
            let limit = expect.limit.unwrap_or(limit);
            check_round_trip(&img, &expect.stdin, limit, opts)
                .unwrap_or_else(|e| panic!("{} with {opts:?}: {e}", path.display()));
        }
        n += 1;
    }
    assert!(n >= 20, "only {n} test programs found in {}", dir.display());
}

#[test]
fn random_programs_round_trip() {
    for seed in 0..150u64 {
        let img = gen::program(&mut gen::Source::from_seed(seed), 5 + (seed % 100) as u32);
        let (opts, limit) = option_sets()[seed as usize % 5];
        check_round_trip(&img, b"", limit, opts)
            .unwrap_or_else(|e| panic!("seed {seed} with {opts:?}: {e}"));
    }
}

const PROGRAM: &str = r#"
    .text
    .global _start
_start:
    li r5, 300
    li r6, 0
loop:
    andi r7, r5, 3
    slli r7, r7, 2
    la r8, table
    add r8, r8, r7
    ldw r8, r8+0
    jalr r31, r8, 0
    addi r5, r5, -1
    bne r5, r0, loop
    mv r1, r6
    halt
f0: addi r6, r6, 1
    ret
f1: addi r6, r6, 3
    ret
f2: xori r6, r6, 5
    ret
f3: slli r6, r6, 1
    ret
    .rodata
table:
    .word f0, f1, f2, f3
"#;

/// A saved entry for PROGRAM and the parts needed to load it.
fn saved_entry() -> (Image, [u8; 32], Vec<u8>) {
    let img = fast32_asm::assemble(PROGRAM, "t.s").unwrap();
    let hash = hash_of(&img);
    let (_, jit) = run_jit(&img, b"", u64::MAX, JitOptions::default(), |j, _| {
        j.keep_block_images()
    });
    let bytes = code_cache::encode(&jit, &hash).unwrap();
    (img, hash, bytes)
}

/// Loading `bytes` fails with an error accepted by `want`, nothing is
/// loaded, and the run (translating as usual) still matches the interpreter.
fn refused(img: &Image, hash: &[u8; 32], bytes: &[u8], want: impl Fn(&CacheError) -> bool) {
    let oracle = fast32_difftest::run(img, Engine::Interp, b"", u64::MAX);
    let mut err = None;
    let (o, jit) = run_jit(img, b"", u64::MAX, JitOptions::default(), |j, m| {
        err = code_cache::load_bytes(j, m, bytes, hash).err();
    });
    let err = err.expect("entry was refused");
    assert!(want(&err), "unexpected error: {err}");
    assert_eq!(jit.stats.blocks_loaded, 0, "{err}");
    assert!(jit.stats.blocks_translated > 0);
    assert!(same(&o, &oracle, false));
}

#[test]
fn damaged_and_foreign_entries_are_refused() {
    use fast32_cache_format::FormatError as F;
    let (img, hash, bytes) = saved_entry();
    // Truncated.
    refused(&img, &hash, &bytes[..bytes.len() - 3], |e| {
        matches!(e, CacheError::Format(F::Truncated { .. }))
    });
    refused(&img, &hash, &bytes[..50], |e| {
        matches!(e, CacheError::Format(F::TooShort { .. }))
    });
    // Bit-flipped anywhere in the payload (sampled).
    for i in (fast32_cache_format::HEADER_SIZE..bytes.len()).step_by(97) {
        let mut b = bytes.clone();
        b[i] ^= 0x20;
        refused(&img, &hash, &b, |e| {
            matches!(e, CacheError::Format(F::Corrupt { .. }))
        });
    }
    // Wrong magic and format version.
    let mut b = bytes.clone();
    b[7] = b'X';
    refused(&img, &hash, &b, |e| {
        matches!(e, CacheError::Format(F::BadMagic { .. }))
    });
    let mut b = bytes.clone();
    b[8] = 99;
    refused(&img, &hash, &b, |e| {
        matches!(e, CacheError::Format(F::UnsupportedVersion { .. }))
    });
    // Another program (a rebuilt one: one instruction changed).
    let other = fast32_asm::assemble(&PROGRAM.replace("li r5, 300", "li r5, 301"), "t.s").unwrap();
    refused(&other, &hash_of(&other), &bytes, |e| {
        matches!(e, CacheError::Format(F::WrongProgram { .. }))
    });
}

#[test]
fn entries_for_other_options_are_refused() {
    let (img, hash, bytes) = saved_entry();
    for opts in [
        JitOptions {
            counting: true,
            ..JitOptions::default()
        },
        JitOptions {
            profiling: true,
            ..JitOptions::default()
        },
    ] {
        let (cfg, _) = test_host(b"");
        let m = Machine::new(&img, cfg).unwrap();
        let mut jit = Jit::new(&m, opts).unwrap();
        let e = code_cache::load_bytes(&mut jit, &m, &bytes, &hash).unwrap_err();
        assert!(
            matches!(
                e,
                CacheError::Format(fast32_cache_format::FormatError::OtherHost { .. })
            ),
            "{e}"
        );
        assert_eq!(jit.stats.blocks_loaded, 0);
    }
}

/// Entries with a valid header and checksum but impossible contents (as
/// a buggy writer could produce) are refused by the JIT's own checks.
#[test]
fn structurally_invalid_entries_are_refused() {
    let (img, hash, bytes) = saved_entry();
    let good = CodeCache::from_bytes(&bytes, Some(&hash), None).unwrap();
    type Mutation = Box<dyn Fn(&mut CodeCache)>;
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "relocation outside its block",
            Box::new(|c| c.relocs[0].offset = c.blocks[0].code_len),
        ),
        (
            "unknown relocation kind",
            Box::new(|c| c.relocs[0].kind = 42),
        ),
        (
            "counts beyond the arrays",
            Box::new(|c| c.blocks[0].relocs += 1000),
        ),
        ("records left over", Box::new(|c| c.code.push(0x90))),
        (
            "pc outside the code",
            Box::new(|c| c.blocks[0].pc = 0x7fff_0000),
        ),
        ("overlong block", Box::new(|c| c.blocks[0].guest_len = 1000)),
        ("zero-length block", Box::new(|c| c.blocks[0].guest_len = 0)),
        (
            "exit outside its block",
            Box::new(|c| c.chains[0].site = u32::MAX - 2),
        ),
        (
            "fault site register",
            Box::new(|c| {
                if let Some(f) = c.faults.first_mut() {
                    f.addr_reg = 99
                }
            }),
        ),
    ];
    for (what, mutate) in cases {
        let mut c = good.clone();
        mutate(&mut c);
        let b = c.to_bytes(&hash).unwrap();
        refused(&img, &hash, &b, |e| {
            matches!(e, CacheError::Load(_) | CacheError::Invalid { .. })
        });
        let _ = what;
    }
}

#[test]
fn entry_files_are_written_atomically_and_reloaded() {
    let (img, hash, _) = saved_entry();
    let dir = std::env::temp_dir().join(format!("fast32-code-cache-test-{}", std::process::id()));
    let sub = dir.join("cache/nested");
    let (_, jit) = run_jit(&img, b"", u64::MAX, JitOptions::default(), |j, _| {
        j.keep_block_images()
    });
    let path = code_cache::entry_path(&sub, &hash, &jit);
    let n = code_cache::save(&jit, &path, &hash).unwrap();
    assert!(n > 0);
    assert_eq!(std::fs::read_dir(&sub).unwrap().count(), 1);
    let (_, warm) = run_jit(&img, b"", u64::MAX, JitOptions::default(), |j, m| {
        assert_eq!(code_cache::load(j, m, &path, &hash).unwrap(), Some(n));
    });
    assert_eq!(warm.stats.blocks_translated, 0);
    // No entry yet is not an error.
    let (_, _) = run_jit(&img, b"", u64::MAX, JitOptions::default(), |j, m| {
        assert_eq!(
            code_cache::load(j, m, &sub.join("missing.s32cc"), &hash).unwrap(),
            None
        );
    });
    std::fs::remove_dir_all(&dir).unwrap();
}
