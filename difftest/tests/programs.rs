//! Every test program under `tests/programs/` (workspace root) meets its
//! `; run:` expectations on every engine, and the engines agree.

use fast32_difftest::{filetest, Engine};

#[test]
fn test_programs_pass_on_every_engine() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/programs");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/programs exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "s"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no test programs in {}", dir.display());
    let mut failures = Vec::new();
    for f in &files {
        if let Err(e) = filetest::run_file(f, &Engine::ALL) {
            failures.push(format!("{}: {e}", f.display()));
        }
    }
    println!("{} test programs, {} failed", files.len(), failures.len());
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}
