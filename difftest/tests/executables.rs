//! AOT *executables* (`fast32 compile`: object driver, link against the
//! runtime library, run as a child process) agree with the interpreter on
//! every test program and on a sweep of generated programs. Each case
//! links a real executable, so the sweep is smaller than the in-process
//! engines' (see `jit_seeds.rs`, `random.rs`).

use fast32_difftest::{compare, filetest, gen, Engine};

#[test]
fn test_programs_pass_as_executables() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/programs");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/programs exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "s"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    for f in &files {
        if let Err(e) = filetest::run_file(
            f,
            &[Engine::Interp, Engine::AotExe, Engine::AotExePgoOutline],
        ) {
            failures.push(format!("{}: {e}", f.display()));
        }
    }
    println!(
        "{} test programs as executables, {} failed",
        files.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[test]
fn generated_programs_match_as_executables() {
    for seed in 0..40u64 {
        let size = 10 + (seed * 7 % 110) as u32;
        let img = gen::program(&mut gen::Source::from_seed(seed ^ 0xe8e), size);
        let engines = [Engine::Interp, Engine::AotExe, Engine::AotExePgoOutline];
        if let Err(e) = compare(&img, &engines, b"", u64::MAX) {
            panic!("seed {seed} size {size}: {e}");
        }
    }
}

/// A function as large as Lua's interpreter loop: executables address
/// `CpuState` in it from its fixed address in every block
/// (`fast32_aot::lower::STATE_CONST_BLOCKS`), not from a variable. Many
/// registers (some kept in `CpuState`), guest calls inside it, and
/// memory, all compared with the interpreter's.
#[test]
fn a_function_past_the_state_constant_size_matches_as_executable() {
    let mut s = String::from(
        "    .text\n    .global _start\n_start:\n    li r20, 0\n    li r21, 0\n    li r22, 48\n    la r23, table\nloop:\n    blt r21, r22, body\n    j done\nbody:\n",
    );
    for k in 0..500u32 {
        let (a, b) = (3 + k % 17, 3 + (k * 5 + 1) % 17);
        s += &format!("    andi r24, r21, {}\n    beq r24, r0, s{k}\n", 1 + k % 63);
        s += &format!("    add r{a}, r{b}, r20\n    xor r20, r20, r{a}\n    slli r25, r20, 3\n    add r20, r20, r25\n");
        if k % 40 == 0 {
            s += &format!("    ldw r26, r23+{0}\n    add r26, r26, r20\n    stw r23+{0}, r26\n    jal r31, leaf\n", 4 * (k % 16));
        }
        s += &format!(
            "s{k}:\n    addi r{}, r{}, {}\n",
            3 + k % 17,
            3 + k % 17,
            k % 7
        );
    }
    s += "    addi r21, r21, 1\n    j loop\ndone:\n    li r1, 0\n    halt\n";
    s += "leaf:\n    xori r20, r20, 0x5a5\n    jalr r0, r31, 0\n";
    s += "    .data\ntable:\n    .space 64\n";
    let img = fast32_asm::assemble(&s, "large_function.s").expect("assembles");
    let prog = fast32_aot::discover(
        &fast32_aot::CodeImage::from_image(&img),
        &Default::default(),
    );
    let blocks = prog.functions.iter().map(|f| f.blocks.len()).max();
    assert!(
        blocks >= Some(fast32_aot::lower::STATE_CONST_BLOCKS),
        "{blocks:?} blocks"
    );
    let engines = [Engine::Interp, Engine::AotExe, Engine::AotExePgoOutline];
    compare(&img, &engines, b"", u64::MAX).unwrap();
}

/// A loop that runs 20 iterations through code a profile saw, then 12
/// through code it never saw, and again: the profile-guided executable
/// goes into the function's twin for the unseen iterations and comes back
/// once the twin has passed 16 seen entry blocks (return sites) in a row
/// (`TWIN_STAY_BLOCKS` in the lowering); results equal the interpreter's,
/// with the profile and without.
#[test]
fn a_loop_alternating_seen_and_unseen_code_matches_as_executable() {
    let src = "    .text
    .globl _start
_start:
    li s0, 0
    li s1, 0
    li s2, 300
loop:
    andi t0, s0, 31
    li r21, 20
    blt t0, r21, seen
unseen:
    call bump
unseen_ret:
    xor s1, s1, s0
    slli r22, s1, 3
    add s1, s1, r22
    j next
seen:
    call bump
seen_ret:
    addi s1, s1, 3
next:
    addi s0, s0, 1
    blt s0, s2, loop
    mv r1, s1
    halt
bump:
    addi s1, s1, 1
    slli r22, s1, 1
    xor s1, s1, r22
    ret
";
    let image = fast32_asm::assemble(src, "alternate.s").expect("assembles");
    let at = |n: &str| image.symbol_by_name(n).unwrap().value;
    let code = fast32_aot::CodeImage::from_image(&image);
    let prog = fast32_aot::discover(&code, &Default::default());
    let unseen = [at("unseen"), at("unseen_ret")];
    assert!(prog.blocks.contains_key(&at("seen_ret")), "a return site");
    let p =
        fast32_aot::pgo::profile_of_blocks(&prog, |pc| if unseen.contains(&pc) { 0 } else { 1000 });
    let want = fast32_difftest::run(&image, Engine::Interp, b"", u64::MAX);
    for pgo in [false, true] {
        let mut opts = fast32_aot::AotOptions {
            verify: true,
            ..Default::default()
        };
        if pgo {
            opts.apply_profile(&p, &code, fast32_aot::pgo::ColdPolicy::Outline);
        }
        let mut got = fast32_difftest::run_executable_with(&image, b"", u64::MAX, &opts)
            .unwrap_or_else(|e| panic!("{e}"));
        got.instret = want.instret;
        assert!(got == want, "profile {pgo}:\n{want:?}\n{got:?}");
    }
}
