//! Generates (or reuses) every benchmark input and prints each program's
//! arguments per run kind.
//!
//! `cargo run --release -p fast32-bench-data --example gen_inputs [DIR]`
//! (DIR defaults to `target/bench-inputs`).

use fast32_bench_data::{programs, Inputs, RunKind};
use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/bench-inputs"));
    let dir = std::path::absolute(dir)?;
    let inputs = Inputs::new(dir);
    for p in programs() {
        for kind in RunKind::ALL {
            let args = p.args(&inputs, kind)?;
            println!("{} {:?}: {}", p.name, kind, args.join(" "));
        }
    }
    Ok(())
}
