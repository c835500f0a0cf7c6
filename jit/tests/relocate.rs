//! A block translated for one place and relocated to another is
//! byte-identical to the block translated for the other place directly:
//! the relocation list names every position-dependent field, and nothing
//! else in the code depends on where it or the JIT's data live.

use fast32_jit::regmap::RegMap;
use fast32_jit::translate::{apply_relocs, Options, RelocEnv, RelocKind, Stubs, Translator};

/// A small deterministic generator (no dependency needed).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 16) as u32
    }
}

/// Guest code: random decodable words, with branches and jumps common.
fn random_code(rng: &mut Rng, n: usize) -> Vec<u32> {
    let mut words = Vec::with_capacity(n);
    while words.len() < n {
        let w = rng.next();
        if let Ok(i) = fast32_isa::decode(w) {
            // Keep blocks long enough to be interesting: few HALTs.
            if i.op == fast32_isa::Opcode::Halt && !rng.next().is_multiple_of(8) {
                continue;
            }
            words.push(w);
        }
    }
    words
}

struct Place {
    base: usize,
    stubs: Stubs,
    table: usize,
    flag: usize,
    counters: usize,
    hot: usize,
}

fn place(k: usize) -> Place {
    Place {
        base: 0x7f00_0000_0000 + k * 0x12_3450,
        stubs: Stubs {
            exit_common: 0x7f00_0000_0000 + k * 0x11_1110 + 0x40,
            chain_exit: 0x7f00_0000_0000 + k * 0x11_1110 + 0x90,
            exec_one: 0x5555_0000_0000 + k * 0x10_0000,
        },
        table: 0x7e00_0000_0000 + k * 0x1000_0000,
        flag: 0x6000_0000_1000 + k * 0x2000,
        counters: 0x6100_0000_2000 + k * 0x4000,
        hot: 0x6200_0000_3000 + k * 0x8000,
    }
}

fn translator<'a>(
    map: &'a RegMap,
    p: &Place,
    opts: (bool, bool, bool, bool, bool),
) -> Translator<'a> {
    let (counting, interrupt, profiling, native_calls, hot) = opts;
    Translator {
        map,
        stubs: p.stubs,
        opts: Options {
            counting,
            interrupt_flag: interrupt.then_some(p.flag),
            counters: profiling.then_some(p.counters),
            native_calls,
            hot_counter: hot.then_some(p.hot),
        },
        lookup_table: p.table,
        code_limit: 0x10_0000,
    }
}

#[test]
fn relocated_blocks_equal_direct_translations() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut kinds_seen = [false; 8];
    let mut multi = 0;
    for round in 0..40 {
        let words = random_code(&mut rng, 600);
        let map = if round % 3 == 0 {
            RegMap::none()
        } else {
            RegMap::for_code(&words)
        };
        let fetch = |pc: u32| words.get(pc as usize / 4).copied();
        let opts = (
            round & 1 != 0,
            round & 2 != 0,
            round & 4 != 0,
            round & 8 != 0,
            round % 5 != 0,
        );
        let (a, b) = (place(1), place(2 + round));
        for start in (0..words.len() as u32 - 1).step_by(7) {
            let pc = start * 4;
            // Plain blocks, and superblocks along fixed paths: the next
            // blocks are the fall-through ones, or taken targets.
            let ta0 = translator(&map, &a, opts).translate(pc, a.base, &fetch);
            let mut starts = vec![pc];
            let mut cur = ta0.last;
            while let Some((lpc, i)) = cur.filter(|_| starts.len() < 6) {
                let next = if i.op.is_branch() && starts.len() % 2 == 0 {
                    lpc.wrapping_add(4).wrapping_add(i.imm as u32)
                } else if i.op == fast32_isa::Opcode::Jal {
                    lpc.wrapping_add(i.imm as u32)
                } else {
                    lpc.wrapping_add(4)
                };
                if fetch(next).is_none() || starts.contains(&next) {
                    break;
                }
                starts.push(next);
                cur = translator(&map, &a, opts)
                    .translate(next, a.base, &fetch)
                    .last;
            }
            let path: &[u32] = if start % 2 == 0 {
                &starts
            } else {
                &starts[..1]
            };
            let ta = translator(&map, &a, opts).translate_path(path, a.base, &fetch);
            let tb = translator(&map, &b, opts).translate_path(path, b.base, &fetch);
            if path.len() > 1 && ta.segments.len() > 1 {
                multi += 1;
            }
            let mut moved = ta.code.clone();
            let env = RelocEnv {
                block: b.base,
                exit_common: b.stubs.exit_common,
                chain_exit: b.stubs.chain_exit,
                lookup_table: b.table,
                exec_one: b.stubs.exec_one,
                interrupt_flag: Some(b.flag),
                counters: Some(b.counters),
                hot_counter: Some(b.hot),
            };
            apply_relocs(&mut moved, &ta.relocs, &env).unwrap();
            assert_eq!(moved, tb.code, "block at 0x{pc:x}, options {opts:?}");
            assert_eq!(ta.relocs, tb.relocs);
            assert_eq!(ta.chains, tb.chains);
            for r in &ta.relocs {
                kinds_seen[r.kind as usize] = true;
            }
            // Every chain site first jumps to its own stub.
            for c in &ta.chains {
                let f = c.site as usize;
                let rel = i32::from_le_bytes(ta.code[f..f + 4].try_into().unwrap());
                assert_eq!(f as i64 + 4 + rel as i64, c.stub as i64);
            }
            // Fault sites move with the block.
            for (sa, sb) in ta.fault_sites.iter().zip(&tb.fault_sites) {
                assert_eq!(sa.host - a.base, sb.host - b.base);
            }
        }
    }
    for k in [
        RelocKind::ExitCommon,
        RelocKind::ChainExit,
        RelocKind::LookupTable,
        RelocKind::ExecOne,
        RelocKind::InterruptFlag,
        RelocKind::Counters,
        RelocKind::HotCounter,
    ] {
        assert!(kinds_seen[k as usize], "no {k:?} relocation was exercised");
    }
    assert!(multi > 100, "only {multi} superblocks of several blocks");
}

#[test]
fn relocation_errors_are_reported() {
    let words = [fast32_isa::encode(&fast32_isa::Inst {
        op: fast32_isa::Opcode::Jal,
        rd: 0,
        rs1: 0,
        rs2: 0,
        imm: 8,
    })
    .unwrap()];
    let map = RegMap::none();
    let p = place(1);
    let fetch = |pc: u32| words.get(pc as usize / 4).copied();
    let t = translator(&map, &p, (false, true, false, false, false)).translate(0, p.base, &fetch);
    let env = RelocEnv {
        block: p.base,
        exit_common: p.stubs.exit_common,
        chain_exit: p.stubs.chain_exit,
        lookup_table: p.table,
        exec_one: p.stubs.exec_one,
        interrupt_flag: None,
        counters: None,
        hot_counter: None,
    };
    let mut code = t.code.clone();
    assert!(matches!(
        apply_relocs(&mut code, &t.relocs, &env),
        Err(fast32_jit::translate::RelocError::Missing(
            RelocKind::InterruptFlag
        ))
    ));
    let mut short = t.code[..4].to_vec();
    let env = RelocEnv {
        interrupt_flag: Some(p.flag),
        ..env
    };
    assert!(matches!(
        apply_relocs(&mut short, &t.relocs, &env),
        Err(fast32_jit::translate::RelocError::OutOfBounds { .. })
    ));
    let far = RelocEnv {
        exit_common: p.base + (4usize << 30),
        ..env
    };
    assert!(matches!(
        apply_relocs(&mut code, &t.relocs, &far),
        Err(fast32_jit::translate::RelocError::TooFar)
    ));
}
