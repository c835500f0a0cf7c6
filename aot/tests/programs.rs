//! The AOT compiler on the text test programs and on code whose jump
//! targets discovery cannot see.

use fast32_aot::{Aot, AotOptions};
use fast32_difftest::{compare, filetest, test_host, Engine};
use fast32_runtime::{Machine, RunOutcome};

fn opts() -> AotOptions {
    AotOptions {
        verify: true,
        ..AotOptions::default()
    }
}

fn run_image(image: &fast32_isa::s32x::Image) -> (RunOutcome, fast32_aot::AotStats, Vec<u8>) {
    let mut aot = Aot::compile(image, &opts()).expect("compiles");
    let (cfg, out) = test_host(b"");
    let mut m = Machine::new(image, cfg).expect("loads");
    let o = aot.run(&mut m);
    m.host.flush();
    let stdout = out.lock().unwrap().clone();
    (o, aot.stats(), stdout)
}

/// Every test program runs compiled (no JIT fallback) and agrees with the
/// interpreter.
#[test]
fn test_programs_run_compiled() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/programs");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/programs exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "s"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    for f in &files {
        if let Err(e) = filetest::run_file(f, &[Engine::Interp, Engine::Aot]) {
            failures.push(format!("{}: {e}", f.display()));
        }
        let src = std::fs::read_to_string(f).unwrap();
        if src.contains("max-instructions") {
            continue; // runs on the JIT (compiled code does not count)
        }
        // From the file: test programs may `.include` files beside them.
        let (_, stats, _) = run_image(&fast32_asm::assemble_file(f).expect("assembles"));
        println!("{}: {stats:?}", f.display());
        if stats.dispatches == 0 {
            failures.push(format!("{}: never entered compiled code", f.display()));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// A jump target computed at run time (not in any table, symbol or
/// branch) is not discovered: the dispatcher hands it to the JIT, which
/// runs until compiled code can take over again.
#[test]
fn computed_jump_falls_back_to_the_jit() {
    let src = "
        .text
    _start:
        li r10, 0
        li r11, 5
    loop:
        la r5, base
        addi r5, r5, 12        # base + 12 = hidden (never named)
        jalr r31, r5, 0        # indirect call to an address nobody names
        addi r11, r11, -1
        bne r11, r0, loop
        li r1, 0
        add r1, r1, r10
        halt
    base:
        halt
        halt
        halt
        addi r10, r10, 3       # hidden: reached only through r5
        jalr r0, r31, 0
    ";
    // The assembler names every label; strip symbols so that only
    // control flow can find code.
    let mut image = fast32_asm::assemble(src, "t.s").expect("assembles");
    image.symbols.clear();
    let mut aot = Aot::compile(&image, &opts()).expect("compiles");
    let (cfg, _) = test_host(b"");
    let mut m = Machine::new(&image, cfg).expect("loads");
    let o = aot.run(&mut m);
    assert_eq!(o, RunOutcome::Exit(15));
    let s = aot.stats();
    assert!(s.fallback_entries > 0, "{s:?}");
    assert!(s.dispatches > 1, "{s:?}");
    compare(&image, &[Engine::Interp, Engine::Aot], b"", u64::MAX).unwrap();
}

/// `sum(n) = n + sum(n - 1)`, 6000 frames deep, calling itself with `call`
/// (`jal r31, sum`) or `indirect` (`jalr r31, r5, 0`, r5 = sum).
fn recursive_sum(call: &str) -> String {
    format!(
        "
        .text
    _start:
        li r1, 6000
        la r5, sum
        jal r31, sum
        halt
    sum:
        beq r1, r0, base
        addi sp, sp, -8
        stw r31, 0(sp)
        stw r1, 4(sp)
        addi r1, r1, -1
        {call}
        ldw r2, 4(sp)
        add r1, r1, r2
        ldw r31, 0(sp)
        addi sp, sp, 8
        jalr r0, r31, 0
    base:
        jalr r0, r31, 0
    "
    )
}

/// Runs [`recursive_sum`] with a small host stack budget (so that
/// recursion through native calls reaches it) and returns the statistics.
fn run_recursive_sum(call: &str) -> fast32_aot::jit_driver::AotStats {
    let image = fast32_asm::assemble(&recursive_sum(call), "t.s").expect("assembles");
    let mut aot = Aot::compile(&image, &opts()).expect("compiles");
    aot.set_stack_budget(Some(16 << 10));
    let (cfg, _) = test_host(b"");
    let mut m = Machine::new(&image, cfg).expect("loads");
    let o = aot.run(&mut m);
    let s = aot.stats();
    let n: u64 = 6000;
    assert_eq!(o, RunOutcome::Exit((n * (n + 1) / 2) as u32), "{s:?}");
    assert_eq!(s.fallback_entries, 0, "{s:?}");
    s
}

#[test]
fn deep_recursion_does_not_overflow_the_host_stack() {
    // An indirect call is a native call: 6000 host frames do not fit.
    let s = run_recursive_sum("jalr r31, r5, 0");
    assert!(s.dispatches > 1, "the stack limit was never reached: {s:?}");
}

#[test]
fn direct_self_recursion_runs_in_one_host_frame() {
    // A function's calls of itself are jumps inside its native function
    // (the return compares the link register with their return sites):
    // however deep, the host stack does not grow, and the dispatcher
    // enters compiled code once.
    let s = run_recursive_sum("jal r31, sum");
    assert_eq!(s.dispatches, 1, "{s:?}");
}

/// With `FAST32_CORPUS` set (the directory of the SLOW-32 corpus), the Lua
/// interpreter compiled ahead of time runs the benchmark script and prints
/// the reference output, almost entirely in compiled code.
#[test]
fn lua_corpus_benchmark_matches_reference() {
    let Some(dir) = std::env::var_os("FAST32_CORPUS") else {
        eprintln!("FAST32_CORPUS not set: skipping");
        return;
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let prog = std::path::Path::new(&dir).join("lua.s32x");
    let image = fast32_isa::s32x::read(&std::fs::read(prog).expect("lua.s32x")).expect("s32x");
    let stdin = std::fs::read(root.join("tests/corpus/lua-bench.stdin")).unwrap();
    let want = std::fs::read(root.join("tests/corpus/lua-bench.expected-stdout")).unwrap();
    let mut aot = Aot::compile(&image, &AotOptions::default()).expect("compiles");
    let (cfg, out) = test_host(&stdin);
    let mut m = Machine::new(&image, cfg).expect("loads");
    let o = aot.run(&mut m);
    m.host.flush();
    assert_eq!(o, RunOutcome::Exit(0));
    assert!(
        *out.lock().unwrap() == want,
        "stdout differs from the reference"
    );
    let s = aot.stats();
    assert!(s.fallback_blocks < 1000, "{s:?}");
}

/// Registers kept in `CpuState` across blocks
/// (`tests/programs/memory_registers_blocks.s`, whose results every engine
/// checks): in the optimized IR no load of r21 is left (each read is
/// forwarded from its store, across a guest store and two branches: guest
/// memory and each register slot are alias regions of their own), and
/// r22, written before a branch whose successors both overwrite it
/// unread, is stored only by those successors.
#[test]
fn cpu_state_registers_are_forwarded_and_dead_writes_dropped() {
    let ir = start_ir_of("memory_registers_blocks.s", "forwarded");
    // (Both registers are in CpuState: stores of them are in the IR.)
    assert_eq!(state_accesses(&ir, "store", 21), 1, "{ir}");
    assert_eq!(state_accesses(&ir, "load", 21), 0, "{ir}");
    assert_eq!(state_accesses(&ir, "store", 22), 2, "{ir}");
}

/// A register kept in `CpuState` is read back from its own store in the
/// next guest block although the other register of its pair was stored
/// in between (`tests/programs/memory_register_pair_slots.s`): each slot
/// that no f64 pair shares is an alias region of its own.
#[test]
fn a_register_slot_is_forwarded_past_its_pair_partners_store() {
    let ir = start_ir_of("memory_register_pair_slots.s", "pair-slots");
    // Both are in CpuState (stored), and r23 is never loaded.
    let stored = |r| state_accesses(&ir, "store", r) >= 1;
    assert!(stored(22) && stored(23), "{ir}");
    assert_eq!(state_accesses(&ir, "load", 23), 0, "{ir}");
}

/// The optimized IR of `_start` in test program `tests/programs/{file}`.
fn start_ir_of(file: &str, tag: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/programs")
        .join(file);
    let image = fast32_asm::assemble_file(&path).expect("assembles");
    optimized_ir(&image, opts(), "_start", tag)
}

/// How many `op` instructions (`load`, `store`) of `ir` access register
/// `r`'s `CpuState` slot.
fn state_accesses(ir: &str, op: &str, r: u8) -> usize {
    let slot = format!("+{}", fast32_runtime::state::offsets::reg(r));
    ir.lines()
        .filter(|l| {
            let code = l.split(';').next().unwrap().trim_end();
            code.contains(op) && code.ends_with(&slot)
        })
        .count()
}

/// The IR of the function at symbol `func` after Cranelift's optimizer
/// (`--emit-clif`'s `NAME.opt.clif`), compiled with `o`.
fn optimized_ir(image: &fast32_isa::s32x::Image, o: AotOptions, func: &str, tag: &str) -> String {
    function_ir(image, o, func, tag, "opt.clif")
}

/// The IR of the function at symbol `func`, compiled with `o`, as
/// `--emit-clif` writes it in `NAME.{ext}`.
fn function_ir(
    image: &fast32_isa::s32x::Image,
    o: AotOptions,
    func: &str,
    tag: &str,
    ext: &str,
) -> String {
    let dir = std::env::temp_dir().join(format!("fast32-clif-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let o = AotOptions {
        clif_dir: Some(dir.clone()),
        ..o
    };
    Aot::compile(image, &o).expect("compiles");
    let start = image.symbol_by_name(func).unwrap().value;
    let name = format!("{}.{ext}", fast32_aot::lower::function_name(start));
    let ir = std::fs::read_to_string(dir.join(name)).expect("optimized IR written");
    std::fs::remove_dir_all(&dir).ok();
    ir
}

/// With a profile, an inlined return tests first the call site it
/// returned to most often in the profile, not the site whose block ran
/// most: in Ackermann's function the join after both arms (`3:`) runs on
/// every non-leaf call, but the non-leaf return goes back there only from
/// the second of the nested calls, which mostly returns from a leaf.
#[test]
fn inlined_returns_test_the_most_returned_to_site_first() {
    let src = "    .text
_start:
    li r20, 0
1:  li r3, 2
    andi r4, r20, 1
    addi r4, r4, 3
    call ack
    addi r20, r20, 1
    li r21, 50
    blt r20, r21, 1b
    halt
ack:
    bnez r3, 1f
    addi r1, r4, 1
    ret
1:  addi sp, sp, -8
    stw sp+0, lr
    stw sp+4, r11
    mv r11, r3
    bnez r4, 2f
    addi r3, r11, -1
    li r4, 1
    call ack
    j 3f
2:  addi r4, r4, -1
    call ack
    addi r3, r11, -1
    mv r4, r1
    call ack
3:  ldw lr, sp+0
    ldw r11, sp+4
    addi sp, sp, 8
    ret
";
    let image = fast32_asm::assemble(src, "ack.s").expect("assembles");
    let ack = image.symbol_by_name("ack").unwrap().value;
    // The nested call's return site and the join.
    let (nested, join) = (ack + 14 * 4, ack + 17 * 4);
    let o = fast32_difftest::pgo_options(&image, 1_000_000, fast32_aot::pgo::ColdPolicy::Outline);
    let ir = optimized_ir(&image, o, "_start", "returns");
    // Each return that tests both sites tests `nested` first.
    // (`v9 = icmp eq v4, v8  ; v8 = 92`: the constant in the comment.)
    let tested = |l: &str, t: u32| {
        l.contains(" icmp") && l.contains(" eq ") && l.trim_end().ends_with(&format!("= {t}"))
    };
    let order: Vec<bool> = ir
        .lines()
        .filter(|l| tested(l, nested) || tested(l, join))
        .map(|l| tested(l, nested))
        .collect();
    assert!(order.len() >= 2, "{ir}");
    assert!(
        order.windows(2).any(|w| w == [true, false]),
        "{order:?}\n{ir}"
    );
    assert!(
        !order.windows(2).any(|w| w == [false, true]),
        "{order:?}\n{ir}"
    );
}

/// With a profile, blocks that ran under 1/`RARE_BLOCK_RATIO` as often as
/// their function's hottest are laid out with the cold ones, except a
/// loop's exit: the fall-through of its backward branch stays in line.
#[test]
fn rarely_run_blocks_are_laid_out_cold_but_not_loop_exits() {
    let src = "    .text
_start:
    li r20, 0
    li r22, 0
1:  slli r21, r20, 18
    bnez r21, 2f
    addi r22, r22, 7
2:  addi r20, r20, 1
    lui r23, 24
    blt r20, r23, 1b
    mv r3, r22
    halt
";
    // The loop runs 98304 times; its `addi r22` (0x10) 6 times, the exit
    // (0x20) once, both under 1/10000 of the loop's count.
    assert_eq!(fast32_aot::pgo::RARE_BLOCK_RATIO, 10_000);
    let image = fast32_asm::assemble(src, "rare.s").expect("assembles");
    let o = fast32_difftest::pgo_options(&image, 10_000_000, fast32_aot::pgo::ColdPolicy::Outline);
    let ir = function_ir(&image, o, "_start", "rare", "clif");
    // The guest PC (`@0010`) of the first instruction of each cold block.
    let mut cold = Vec::new();
    let mut lines = ir.lines();
    while let Some(l) = lines.next() {
        let l = l.trim();
        if l.starts_with("block") && l.ends_with("cold:") {
            let pc = lines
                .by_ref()
                .find_map(|l| l.trim().strip_prefix('@'))
                .and_then(|l| u32::from_str_radix(&l[..4], 16).ok());
            cold.extend(pc);
        }
    }
    assert!(cold.contains(&0x10), "{cold:x?}\n{ir}");
    for pc in [0x08, 0x14, 0x20] {
        assert!(!cold.contains(&pc), "0x{pc:x} in {cold:x?}\n{ir}");
    }
}

/// What `fast32 compile --explain` reports for `image` compiled with `o`.
fn explain_of(image: &fast32_isa::s32x::Image, o: &AotOptions) -> fast32_aot::pgo::Explain {
    let bytes = fast32_isa::s32x::write(image);
    fast32_aot::object_driver::compile_object(&bytes, image, o)
        .expect("compiles")
        .explain
}

/// Runs `image` compiled in memory with `o` and on the interpreter:
/// both end the same way with the same registers, which it returns.
fn registers_as_on_the_interpreter(image: &fast32_isa::s32x::Image, o: &AotOptions) -> [u32; 32] {
    let mut aot = Aot::compile(image, o).expect("compiles");
    let (cfg, _) = test_host(b"");
    let mut m = Machine::new(image, cfg).expect("loads");
    let outcome = aot.run(&mut m);
    let (cfg, _) = test_host(b"");
    let mut r = Machine::new(image, cfg).expect("loads");
    let expected = fast32_runtime::Interpreter::new(&r).run(&mut r);
    assert_eq!(outcome, expected);
    assert_eq!(m.cpu.regs, r.cpu.regs);
    m.cpu.regs
}

/// With a profile, an indirect jump followed by a table jump in its own
/// function tests a target first only where that pays: a threaded `NEXT`
/// that spreads over ten primitives (10% each) goes straight to the
/// table; a jump that goes one way 15 times in 16 tests that target (and
/// its other target, which every jump left by then takes). Both run as
/// on the interpreter.
#[test]
fn thinly_spread_jumps_are_not_speculated() {
    let mut src = String::from(
        "    .text
_start:
    li r20, 0
    la r28, thread
round:
    mv r26, r28
next:
    ldw r24, r26+0
    addi r26, r26, 4
    jalr r0, r24, 0
",
    );
    for k in 0..10 {
        src += &format!("p{k}: addi r21, r21, {}\n    j next\n", k + 1);
    }
    src += "done:
    addi r20, r20, 1
    andi r22, r20, 15
    la r24, often
    bnez r22, 1f
    la r24, seldom
1:  jalr r0, r24, 0
often:
    addi r23, r23, 1
seldom:
    li r25, 1000
    blt r20, r25, round
    mv r3, r21
    halt
    .data
thread:
    .word p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, done
";
    let image = fast32_asm::assemble(&src, "spread.s").expect("assembles");
    let code = fast32_aot::CodeImage::from_image(&image);
    let jumps: Vec<u32> = (0..code.words.len() as u32 * 4)
        .step_by(4)
        .filter(|&pc| {
            code.inst(pc)
                .is_some_and(|i| i.op == fast32_isa::Opcode::Jalr && i.rd == 0)
        })
        .collect();
    let [next, one_way] = jumps[..] else {
        panic!("two jumps expected: {jumps:x?}")
    };
    let often = image.symbol_by_name("often").unwrap().value;
    let o =
        fast32_difftest::pgo_options(&image, 10_000_000, fast32_aot::pgo::ColdPolicy::Translate);
    let e = explain_of(&image, &o);
    let sites: Vec<(u32, Vec<u32>)> = e
        .speculated
        .iter()
        .map(|s| (s.0, s.2.iter().map(|t| t.0).collect()))
        .collect();
    assert!(!sites.iter().any(|s| s.0 == next), "{sites:x?}");
    let tested = sites.iter().find(|s| s.0 == one_way).map(|s| &s.1);
    assert_eq!(tested.map(|t| t[0]), Some(often), "{sites:x?}");

    assert_eq!(registers_as_on_the_interpreter(&image, &o)[3], 55 * 1000);
}

/// With a profile, a threaded interpreter's `NEXT` (a small block ending
/// in a jump through the function's target table) is copied into each
/// primitive that jumps to it often enough, so that every primitive ends
/// in an indirect jump of its own; without one, nothing is copied. Both
/// run as on the interpreter.
#[test]
fn dispatch_is_copied_into_hot_handlers() {
    let mut src = String::from(
        "    .text
_start:
    li r21, 2000
round:
    la r26, thread
next:
    ldw r24, r26+0
    addi r26, r26, 4
    jalr r0, r24, 0
",
    );
    for k in 0..6 {
        src += &format!("p{k}: addi r20, r20, {}\n    j next\n", k + 1);
    }
    src += "done:
    addi r21, r21, -1
    bnez r21, round
    mv r3, r20
    halt
    .data
thread:
    .word p0, p1, p2, p3, p4, p5, p0, p1, done
";
    let image = fast32_asm::assemble(&src, "copies.s").expect("assembles");
    let next = image.symbol_by_name("next").unwrap().value;
    let plain = explain_of(&image, &opts());
    assert!(
        plain.dispatch_copies.is_empty(),
        "{:x?}",
        plain.dispatch_copies
    );
    let o = fast32_difftest::pgo_options(&image, 10_000_000, fast32_aot::pgo::ColdPolicy::Outline);
    let e = explain_of(&image, &o);
    // One copy for each primitive and for `round`, which falls into
    // `NEXT` (once per round, 1/9 of `NEXT`'s runs: often enough), and
    // one of `round` and `NEXT` for `done`, which branches to `round`.
    let round = image.symbol_by_name("round").unwrap().value;
    let mut copies = e.dispatch_copies.clone();
    copies.sort_unstable();
    let start = image.symbol_by_name("_start").unwrap().value;
    let mut expected = vec![(start, next, next); 7];
    expected.push((start, round, next));
    expected.sort_unstable();
    assert_eq!(copies, expected);

    for opts in [opts(), o] {
        assert_eq!(registers_as_on_the_interpreter(&image, &opts)[3], 2000 * 24);
    }
}
