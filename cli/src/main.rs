//! `fast32`: run, assemble and disassemble SLOW-32 programs.

mod bench;
mod compile;
mod profile;
mod run;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "fast32",
    version,
    about = "Run SLOW-32 programs at native speed",
    long_about = "fast32 runs SLOW-32 executables (.s32x). It has a reference interpreter \
                  (the oracle), an assembler and a disassembler.\n\n\
                  Typical use:\n  \
                  fast32 run prog.s32x arg1 arg2 < input\n  \
                  fast32 compile prog.s32x -o prog && ./prog arg1 arg2\n  \
                  fast32 asm prog.s -o prog.s32x\n  \
                  fast32 disasm prog.s32x"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a .s32x program; its exit status becomes fast32's.
    Run(run::RunArgs),
    /// Compile a .s32x program to a standalone native executable (Cranelift).
    Compile(compile::CompileArgs),
    /// Record a profile (`profile PROG -o OUT -- ARGS`), or merge / show profiles.
    Profile(profile::ProfileArgs),
    /// Benchmark every engine on the embedded programs, side by side with native C.
    Bench(bench::BenchArgs),
    /// Assemble one SLOW-32 source file into a linked .s32x executable.
    Asm {
        /// Assembly source (GNU-style syntax, see docs/INSTRUCTION-SET in SLOW-32).
        source: PathBuf,
        /// Output executable.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Disassemble a .s32x program (code sections, with symbols when present).
    Disasm {
        program: PathBuf,
        /// Also print the header and section table.
        #[arg(long)]
        headers: bool,
    },
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Bench(args) => bench::bench(args),
        Command::Compile(args) => compile::compile(args),
        Command::Profile(args) => profile::profile(args),
        Command::Asm { source, output } => asm(&source, &output).map(|()| 0),
        Command::Disasm { program, headers } => disasm(&program, headers).map(|()| 0),
    };
    match result {
        Ok(code) => std::process::exit(code),
        // A reader that went away (`fast32 disasm p | head`): stop quietly
        // with the status a shell reports for a process SIGPIPE ended.
        Err(e) if closed_pipe(&e) => std::process::exit(128 + 13),
        Err(e) => {
            eprintln!("fast32: error: {e:#}");
            std::process::exit(1);
        }
    }
}

/// Is `e` a write to a pipe whose reader has gone? Rust ignores SIGPIPE,
/// so such writes fail with `BrokenPipe` instead of ending the process.
fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes `text` to stdout, returning the error `print!` would panic on
/// (a closed pipe) so that [`main`] can end quietly.
pub fn out(text: &str) -> Result<()> {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    o.write_all(text.as_bytes())?;
    o.flush()?;
    Ok(())
}

/// Reads and parses a `.s32x` file, with the path in every error.
pub fn load_image(path: &std::path::Path) -> Result<fast32_isa::s32x::Image> {
    Ok(read_program(path)?.1)
}

/// Like [`load_image`], also returning the file's bytes (what profiles
/// are tied to).
pub fn read_program(path: &std::path::Path) -> Result<(Vec<u8>, fast32_isa::s32x::Image)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let image = fast32_isa::s32x::read(&bytes)
        .with_context(|| format!("{} is not a valid SLOW-32 executable", path.display()))?;
    Ok((bytes, image))
}

/// Writes a file atomically (temporary file, fsync, rename), so an
/// interrupted run never leaves a half-written output.
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    Ok(fast32_cache_format::write_atomic(path, bytes)?)
}

fn asm(source: &std::path::Path, output: &std::path::Path) -> Result<()> {
    let image = match fast32_asm::assemble_file(source) {
        Ok(i) => i,
        Err(e) => {
            // Diagnostics already carry file:line; print them as they are.
            eprint!("{e}");
            if !e.to_string().ends_with('\n') {
                eprintln!();
            }
            anyhow::bail!("assembly of {} failed", source.display());
        }
    };
    write_atomic(output, &fast32_isa::s32x::write(&image))
}

fn disasm(path: &std::path::Path, headers: bool) -> Result<()> {
    use fast32_isa::s32x::SectionKind;
    use std::io::Write;
    let image = load_image(path)?;
    let syms = fast32_isa::s32x::SymbolMap::new(&image);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if headers {
        let h = &image.header;
        writeln!(out, "entry        0x{:08x}", h.entry)?;
        writeln!(out, "flags        0x{:08x}", h.flags)?;
        writeln!(out, "code_limit   0x{:08x}", h.code_limit)?;
        writeln!(out, "rodata_limit 0x{:08x}", h.rodata_limit)?;
        writeln!(out, "data_limit   0x{:08x}", h.data_limit)?;
        writeln!(out, "stack_base   0x{:08x}", h.stack_base)?;
        writeln!(out, "stack_end    0x{:08x}", h.stack_end)?;
        writeln!(out, "heap_base    0x{:08x}", h.heap_base)?;
        writeln!(out, "mem_size     0x{:08x}", h.mem_size)?;
        writeln!(out, "mmio_base    0x{:08x}", h.mmio_base)?;
        for s in &image.sections {
            writeln!(
                out,
                "section {:<12} {:?} vaddr 0x{:08x} size 0x{:x} flags 0x{:x}",
                s.name, s.kind, s.vaddr, s.mem_size, s.flags
            )?;
        }
        writeln!(out, "symbols      {}", image.symbols.len())?;
        writeln!(out)?;
    }
    for s in image
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Code)
    {
        writeln!(out, "section {} (0x{:08x}):", s.name, s.vaddr)?;
        for (i, chunk) in s.data.chunks(4).enumerate() {
            let pc = s.vaddr.wrapping_add((i * 4) as u32);
            if let Some(label) = syms.exact(pc) {
                writeln!(out, "\n{label}:")?;
            }
            let mut w = [0u8; 4];
            w[..chunk.len()].copy_from_slice(chunk);
            let word = u32::from_le_bytes(w);
            writeln!(
                out,
                "  {pc:08x}:  {word:08x}  {}",
                fast32_isa::disasm::disasm_word(word, pc, &syms)
            )?;
        }
    }
    out.flush()?;
    Ok(())
}
