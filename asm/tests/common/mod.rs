//! Helpers shared by the assembler tests.
#![allow(dead_code)]

use fast32_asm::{assemble, assemble_output, AsmError, AsmOptions, Output};
use fast32_isa::s32x::{Image, Section};
use fast32_isa::{decode, Inst, Opcode};
use std::collections::HashMap;

/// Assembles or panics with the full diagnostics.
pub fn asm(src: &str) -> Image {
    match assemble(src, "test.s") {
        Ok(i) => i,
        Err(e) => panic!("assembly failed:\n{e}\n--- source ---\n{src}"),
    }
}

pub fn asm_out(src: &str) -> Output {
    match assemble_output(src, "test.s", &AsmOptions::default()) {
        Ok(o) => o,
        Err(e) => panic!("assembly failed:\n{e}\n--- source ---\n{src}"),
    }
}

/// Assembles expecting failure.
pub fn asm_err(src: &str) -> AsmError {
    match assemble(src, "test.s") {
        Ok(_) => panic!("assembly unexpectedly succeeded:\n{src}"),
        Err(e) => e,
    }
}

pub fn section<'a>(img: &'a Image, name: &str) -> &'a Section {
    img.section_by_name(name).unwrap_or_else(|| {
        panic!(
            "no section {name}; have {:?}",
            img.sections.iter().map(|s| &s.name).collect::<Vec<_>>()
        )
    })
}

/// The words of `.text`.
pub fn words(img: &Image) -> Vec<u32> {
    section(img, ".text")
        .data
        .chunks(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

pub fn insts(img: &Image) -> Vec<Inst> {
    words(img)
        .into_iter()
        .map(|w| decode(w).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

pub fn sym(img: &Image, name: &str) -> u32 {
    img.symbol_by_name(name)
        .unwrap_or_else(|| panic!("no symbol {name}"))
        .value
}

/// Bytes at an address (searching loaded sections).
pub fn bytes_at(img: &Image, addr: u32, len: usize) -> Vec<u8> {
    for s in &img.sections {
        if addr >= s.vaddr && (addr as u64 + len as u64) <= s.vaddr as u64 + s.mem_size as u64 {
            let o = (addr - s.vaddr) as usize;
            return (o..o + len)
                .map(|i| s.data.get(i).copied().unwrap_or(0))
                .collect();
        }
    }
    panic!("address 0x{addr:08x} (+{len}) not in any section");
}

/// The result of running a program with [`run`].
#[derive(Debug)]
pub struct RunResult {
    pub exit: u32,
    pub stdout: Vec<u8>,
    pub regs: [u32; 32],
    pub steps: u64,
}

/// A minimal interpreter for the integer subset (enough for the example
/// programs): checks that assembled programs *behave*, not just encode.
pub fn run(img: &Image, max_steps: u64) -> RunResult {
    let mut mem: HashMap<u32, u8> = HashMap::new();
    for s in img.loaded_sections() {
        for (i, b) in s.data.iter().enumerate() {
            mem.insert(s.vaddr + i as u32, *b);
        }
    }
    let h = img.header;
    let mut r = [0u32; 32];
    r[29] = h.stack_base;
    let mut pc = h.entry;
    let mut out = Vec::new();
    let rd8 = |m: &HashMap<u32, u8>, a: u32| *m.get(&a).unwrap_or(&0);
    let rd = |m: &HashMap<u32, u8>, a: u32, n: u32| -> u32 {
        (0..n).fold(0u32, |acc, i| {
            acc | (rd8(m, a.wrapping_add(i)) as u32) << (8 * i)
        })
    };
    for step in 0..max_steps {
        assert!(pc < h.code_limit, "pc 0x{pc:08x} left the code");
        let w = rd(&mem, pc, 4);
        let i = decode(w).unwrap_or_else(|e| panic!("at 0x{pc:08x}: {e}"));
        let (a, b, imm) = (r[i.rs1 as usize], r[i.rs2 as usize], i.imm as u32);
        let mut next = pc.wrapping_add(4);
        let wr = |v: u32, r: &mut [u32; 32]| {
            if i.rd != 0 {
                r[i.rd as usize] = v
            }
        };
        use Opcode::*;
        match i.op {
            Add => wr(a.wrapping_add(b), &mut r),
            Sub => wr(a.wrapping_sub(b), &mut r),
            Xor => wr(a ^ b, &mut r),
            Or => wr(a | b, &mut r),
            And => wr(a & b, &mut r),
            Sll => wr(a << (b & 31), &mut r),
            Srl => wr(a >> (b & 31), &mut r),
            Sra => wr(((a as i32) >> (b & 31)) as u32, &mut r),
            Slt => wr(((a as i32) < (b as i32)) as u32, &mut r),
            Sltu => wr((a < b) as u32, &mut r),
            Sgt => wr(((a as i32) > (b as i32)) as u32, &mut r),
            Sgtu => wr((a > b) as u32, &mut r),
            Sle => wr(((a as i32) <= (b as i32)) as u32, &mut r),
            Sleu => wr((a <= b) as u32, &mut r),
            Sge => wr(((a as i32) >= (b as i32)) as u32, &mut r),
            Sgeu => wr((a >= b) as u32, &mut r),
            Seq => wr((a == b) as u32, &mut r),
            Sne => wr((a != b) as u32, &mut r),
            Mul => wr(a.wrapping_mul(b), &mut r),
            Div => wr(fast32_isa::semantics::div(a, b), &mut r),
            Rem => wr(fast32_isa::semantics::rem(a, b), &mut r),
            Addi => wr(a.wrapping_add(imm), &mut r),
            Ori => wr(a | imm, &mut r),
            Andi => wr(a & imm, &mut r),
            Xori => wr(a ^ imm, &mut r),
            Slli => wr(a << (imm & 31), &mut r),
            Srli => wr(a >> (imm & 31), &mut r),
            Srai => wr(((a as i32) >> (imm & 31)) as u32, &mut r),
            Slti => wr(((a as i32) < (imm as i32)) as u32, &mut r),
            Sltiu => wr((a < imm) as u32, &mut r),
            Lui => wr(imm, &mut r),
            Ldb => wr(
                rd(&mem, a.wrapping_add(imm), 1) as u8 as i8 as i32 as u32,
                &mut r,
            ),
            Ldbu => wr(rd(&mem, a.wrapping_add(imm), 1), &mut r),
            Ldh => wr(
                rd(&mem, a.wrapping_add(imm), 2) as u16 as i16 as i32 as u32,
                &mut r,
            ),
            Ldhu => wr(rd(&mem, a.wrapping_add(imm), 2), &mut r),
            Ldw => wr(rd(&mem, a.wrapping_add(imm), 4), &mut r),
            Stb | Sth | Stw => {
                let addr = a.wrapping_add(imm);
                assert!(
                    addr >= h.rodata_limit,
                    "store to 0x{addr:08x} below rodata_limit (W^X)"
                );
                for k in 0..i.op.mem_size() {
                    mem.insert(addr.wrapping_add(k), (b >> (8 * k)) as u8);
                }
            }
            Jal => {
                wr(pc.wrapping_add(4), &mut r);
                next = pc.wrapping_add(imm);
            }
            Jalr => {
                next = a.wrapping_add(imm) & !1;
                wr(pc.wrapping_add(4), &mut r);
            }
            Beq | Bne | Blt | Bge | Bltu | Bgeu => {
                let t = match i.op {
                    Beq => a == b,
                    Bne => a != b,
                    Blt => (a as i32) < (b as i32),
                    Bge => (a as i32) >= (b as i32),
                    Bltu => a < b,
                    _ => a >= b,
                };
                if t {
                    next = pc.wrapping_add(4).wrapping_add(imm);
                }
            }
            Debug => out.push(a as u8),
            AssertEq => assert_eq!(a, b, "assert_eq failed at 0x{pc:08x}"),
            Nop | Yield => {}
            Halt => {
                return RunResult {
                    exit: r[1],
                    stdout: out,
                    regs: r,
                    steps: step + 1,
                }
            }
            other => panic!("test interpreter does not implement {other}"),
        }
        pc = next;
    }
    panic!("program did not halt within {max_steps} steps");
}
