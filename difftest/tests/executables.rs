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
