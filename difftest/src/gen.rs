//! Random valid SLOW-32 programs for differential testing.
//!
//! Programs are built from a byte source (a fuzzer's input, or a seeded
//! generator for proptest), so every program is reproducible from its
//! seed. They always terminate: backward branches only close loops with a
//! bounded counter, calls go to leaf functions (some called from several
//! sites), indirect jumps go through jump tables to known targets. They
//! exercise every ALU and FP instruction, loads and stores in and
//! (rarely) out of bounds, stores to read-only memory, forward branches
//! of every kind, calls and returns, jump tables, DEBUG output, YIELD,
//! invalid register pairs, f64 pairs moved as two words (aligned,
//! misaligned, faulting at either word), NaNs and other f64 edges in
//! data, and calls of guest C-library routines (memcpy, memmove, memset,
//! strlen) that compiled code may replace.
//!
//! Register use: r1..r27 random values; r28 loop counter; r29 sp; r30
//! base of the data area; r31 link register.

use fast32_isa::s32x::{flags, sec_flags, Header, Image, Section, SectionKind, Symbol};
use fast32_isa::{encode, Format, Inst, Opcode};

/// Where generated programs put things.
pub const CODE_BASE: u32 = 0;
pub const DATA_SIZE: u32 = 0x2000;
/// Guest memory size of generated programs.
pub const MEM_SIZE: u32 = 0x1000_0000;

/// A deterministic stream of random numbers, fed by bytes first (so a
/// fuzzer's mutations steer the program) and then by xorshift.
pub struct Source<'a> {
    bytes: &'a [u8],
    state: u64,
}

impl<'a> Source<'a> {
    /// The xorshift continuation is seeded by a hash of all the bytes,
    /// not their count alone: otherwise every input of a given length
    /// below a few words would make the same program after its first
    /// bytes, and a fuzzer's short inputs would explore almost nothing.
    pub fn from_bytes(bytes: &'a [u8]) -> Source<'a> {
        let hash = bytes.iter().fold(0xCBF2_9CE4_8422_2325u64, |h, &b| {
            (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01B3)
        });
        Source {
            bytes,
            state: (hash ^ 0x9E37_79B9_7F4A_7C15) | 1,
        }
    }

    pub fn from_seed(seed: u64) -> Source<'static> {
        Source {
            bytes: &[],
            state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
        }
    }

    pub fn u32(&mut self) -> u32 {
        if self.bytes.len() >= 4 {
            let (h, t) = self.bytes.split_at(4);
            self.bytes = t;
            return u32::from_le_bytes([h[0], h[1], h[2], h[3]]);
        }
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        (self.state >> 16) as u32
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u32) -> u32 {
        self.u32() % n
    }

    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }

    /// An "interesting" 32-bit value: edges more often than chance.
    pub fn value(&mut self) -> u32 {
        const EDGES: [u32; 14] = [
            0,
            1,
            2,
            0xFFFF_FFFF,
            0x8000_0000,
            0x7FFF_FFFF,
            31,
            32,
            33,
            0x3F80_0000, // 1.0f
            0x7FC0_0000, // NaN
            0x7F80_0000, // inf
            0x4F00_0000, // 2^31 as f32
            0x0000_0000,
        ];
        match self.below(4) {
            0 => EDGES[self.below(EDGES.len() as u32) as usize],
            1 => self.below(256),
            _ => self.u32(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Item {
    Raw(Inst),
    /// Conditional branch to a label.
    Branch {
        op: Opcode,
        rs1: u8,
        rs2: u8,
        label: usize,
    },
    /// JAL to a label.
    Jal {
        rd: u8,
        label: usize,
    },
    Label(usize),
    /// A word in rodata: the address of a code label (jump-table entry).
    TableEntry(usize),
    /// A word in rodata that is no code address (a masked table's slot
    /// past its entries).
    Word(u32),
}

struct Builder<'s, 'a> {
    src: &'s mut Source<'a>,
    code: Vec<Item>,
    funcs: Vec<Vec<Item>>,
    rodata: Vec<Item>,
    labels: usize,
    rodata_base: u32,
    data_base: u32,
    /// Labels of the C-library routines ([`LIBC_NAMES`]) when this
    /// program has them.
    libc: Option<[usize; 4]>,
}

/// Guest C-library routines, the test programs' own (byte and word loops
/// as a compiler's libc has them), that a generated program may call. The
/// AOT compiler replaces a call of one by a native routine where the
/// registers the routine leaves are dead after it ([`crate`]'s engines
/// compare the results, faults included).
const LIBC: &str = include_str!("../../tests/programs/include/mem_routines.inc");
const LIBC_NAMES: [&str; 4] = ["memcpy", "memmove", "memset", "strlen"];

/// The routines of [`LIBC`], assembled once: their instructions
/// (position independent) and each routine's offset among them.
fn libc_code() -> &'static (Vec<Inst>, [u32; 4]) {
    static CODE: std::sync::OnceLock<(Vec<Inst>, [u32; 4])> = std::sync::OnceLock::new();
    CODE.get_or_init(assemble_libc)
}

fn assemble_libc() -> (Vec<Inst>, [u32; 4]) {
    let src = format!("        .text\n        .global _start\n_start:\n{LIBC}");
    let img = fast32_asm::assemble(&src, "mem_routines.inc").expect("the routines assemble");
    let text = &img.sections[0].data;
    let insts = text
        .chunks_exact(4)
        .map(|w| {
            let w = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
            fast32_isa::decode(w).expect("the routines decode")
        })
        .collect();
    let offsets = LIBC_NAMES.map(|n| img.symbol_by_name(n).expect("routine symbol").value);
    (insts, offsets)
}

const ALU_R: [Opcode; 25] = [
    Opcode::Add,
    Opcode::Sub,
    Opcode::Xor,
    Opcode::Or,
    Opcode::And,
    Opcode::Sll,
    Opcode::Srl,
    Opcode::Sra,
    Opcode::Slt,
    Opcode::Sltu,
    Opcode::Mul,
    Opcode::Mulh,
    Opcode::Mulhu,
    Opcode::Div,
    Opcode::Rem,
    Opcode::Seq,
    Opcode::Sne,
    Opcode::Sgt,
    Opcode::Sgtu,
    Opcode::Sle,
    Opcode::Sleu,
    Opcode::Sge,
    Opcode::Sgeu,
    Opcode::Add,
    Opcode::Sub,
];
const ALU_I: [Opcode; 9] = [
    Opcode::Addi,
    Opcode::Ori,
    Opcode::Andi,
    Opcode::Xori,
    Opcode::Slli,
    Opcode::Srli,
    Opcode::Srai,
    Opcode::Slti,
    Opcode::Sltiu,
];
const BRANCHES: [Opcode; 6] = [
    Opcode::Beq,
    Opcode::Bne,
    Opcode::Blt,
    Opcode::Bge,
    Opcode::Bltu,
    Opcode::Bgeu,
];
const LOADS: [Opcode; 5] = [
    Opcode::Ldb,
    Opcode::Ldh,
    Opcode::Ldw,
    Opcode::Ldbu,
    Opcode::Ldhu,
];
const STORES: [Opcode; 3] = [Opcode::Stb, Opcode::Sth, Opcode::Stw];

fn inst(op: Opcode, rd: u8, rs1: u8, rs2: u8, imm: i32) -> Inst {
    Inst {
        op,
        rd,
        rs1,
        rs2,
        imm,
    }
}

impl<'s, 'a> Builder<'s, 'a> {
    fn label(&mut self) -> usize {
        self.labels += 1;
        self.labels - 1
    }

    fn reg(&mut self) -> u8 {
        1 + self.src.below(27) as u8
    }

    /// A source register: sometimes r0, r29 or r30.
    fn src_reg(&mut self) -> u8 {
        match self.src.below(20) {
            0 => 0,
            1 => 29,
            2 => 30,
            _ => self.reg(),
        }
    }

    fn li(&mut self, out: &mut Vec<Item>, rd: u8, v: u32) {
        let lo = ((v & 0xFFF) as i32) << 20 >> 20;
        let hi = v.wrapping_sub(lo as u32);
        if hi != 0 {
            out.push(Item::Raw(inst(Opcode::Lui, rd, 0, 0, hi as i32)));
            out.push(Item::Raw(inst(Opcode::Addi, rd, rd, 0, lo)));
        } else {
            out.push(Item::Raw(inst(Opcode::Addi, rd, 0, 0, lo)));
        }
    }

    /// One straight-line instruction (or a short idiom).
    fn simple(&mut self, out: &mut Vec<Item>, allow_faults: bool) {
        let s = &mut *self;
        match s.src.below(100) {
            0..=29 => {
                let op = ALU_R[s.src.below(ALU_R.len() as u32) as usize];
                let (rd, a, b) = (s.reg(), s.src_reg(), s.src_reg());
                out.push(Item::Raw(inst(op, rd, a, b, 0)));
            }
            30..=49 => {
                let op = ALU_I[s.src.below(ALU_I.len() as u32) as usize];
                let imm = match op.format() {
                    Format::Iz => s.src.below(4096) as i32,
                    _ => (s.src.below(4096) as i32) - 2048,
                };
                let (rd, a) = (s.reg(), s.src_reg());
                out.push(Item::Raw(inst(op, rd, a, 0, imm)));
            }
            50..=53 => {
                let (rd, v) = (s.reg(), s.src.value());
                s.li(out, rd, v);
            }
            54..=65 if s.src.chance(25) => s.pair_move(out, false, allow_faults),
            66..=75 if s.src.chance(25) => s.pair_move(out, true, allow_faults),
            54..=65 => {
                // Load from the data area (base r30), occasionally wild.
                let op = LOADS[s.src.below(5) as usize];
                let rd = s.reg();
                if allow_faults && s.src.chance(3) {
                    let base = s.reg();
                    out.push(Item::Raw(inst(op, rd, base, 0, s.src.below(64) as i32)));
                } else {
                    let off = s.src.below(DATA_SIZE - 8) as i32 - 2048;
                    if (-2048..2048).contains(&off) {
                        out.push(Item::Raw(inst(op, rd, 30, 0, off)));
                    } else {
                        out.push(Item::Raw(inst(op, rd, 30, 0, off & 0x7FF)));
                    }
                }
            }
            66..=75 => {
                let op = STORES[s.src.below(3) as usize];
                let v = s.src_reg();
                if allow_faults && s.src.chance(3) {
                    // Wild store, or a store into code/rodata.
                    let base = if s.src.chance(50) { 0 } else { s.reg() };
                    out.push(Item::Raw(inst(op, 0, base, v, s.src.below(2048) as i32)));
                } else {
                    let off = (s.src.below(2040) as i32) - 1020;
                    out.push(Item::Raw(inst(op, 0, 30, v, off + 1024)));
                }
            }
            76..=87 => {
                // Floating point: f32 on any registers, f64 on pairs.
                let op = Opcode::from_u7(0x53 + s.src.below(0x78 - 0x53 + 1) as u8).unwrap();
                let pair = |s: &mut Self| {
                    if allow_faults && s.src.chance(2) {
                        1 + 2 * s.src.below(13) as u8
                    } else {
                        2 + 2 * s.src.below(13) as u8
                    }
                };
                let (pd, p1, p2) = fast32_isa::semantics::pair_operands(op);
                let rd = if pd { pair(s) } else { s.reg() };
                let a = if p1 { pair(s) } else { s.src_reg() };
                let b = if p2 { pair(s) } else { s.src_reg() };
                let b = if op.format() == Format::R2 { 0 } else { b };
                out.push(Item::Raw(inst(op, rd, a, b, 0)));
            }
            88..=90 => {
                let rd = s.reg();
                out.push(Item::Raw(inst(
                    Opcode::Lui,
                    rd,
                    0,
                    0,
                    (s.src.u32() & !0xFFF) as i32,
                )));
            }
            91 => {
                let a = s.src_reg();
                out.push(Item::Raw(inst(Opcode::Debug, 0, a, 0, 0)));
            }
            92 => out.push(Item::Raw(inst(Opcode::Yield, 0, 0, 0, 0))),
            93 => out.push(Item::Raw(inst(Opcode::Nop, 0, 0, 0, 0))),
            94 if allow_faults && s.src.chance(10) => {
                let (a, b) = (s.src_reg(), s.src_reg());
                out.push(Item::Raw(inst(Opcode::AssertEq, 0, a, b, 0)));
            }
            94 => {
                let a = s.src_reg();
                out.push(Item::Raw(inst(Opcode::AssertEq, 0, a, a, 0)));
            }
            95..=96 => {
                // Division with interesting divisors.
                let (rd, a, b) = (s.reg(), s.src_reg(), s.reg());
                let v = [0u32, 0xFFFF_FFFF, 1, 7][s.src.below(4) as usize];
                s.li(out, b, v);
                let op = if s.src.chance(50) {
                    Opcode::Div
                } else {
                    Opcode::Rem
                };
                out.push(Item::Raw(inst(op, rd, a, b, 0)));
            }
            _ => {
                if allow_faults && s.src.chance(2) {
                    // An undefined opcode.
                    let n = [0x21u32, 0x7E, 0x42, 0x35][s.src.below(4) as usize];
                    out.push(Item::Raw(Inst {
                        op: Opcode::Nop,
                        rd: 0,
                        rs1: 0,
                        rs2: 0,
                        imm: n as i32,
                    }));
                    // Marked by imm on a NOP; replaced at encoding time.
                } else {
                    let (rd, a, b) = (s.reg(), s.src_reg(), s.src_reg());
                    out.push(Item::Raw(inst(Opcode::Add, rd, a, b, 0)));
                }
            }
        }
    }

    /// A double moved as two word accesses at consecutive addresses, the
    /// way compiled code moves an f64 register pair: the AOT compiler
    /// fuses such a pair into one 8-byte access where both words must
    /// fault together, and lowers a block with several twice, on whether
    /// they are all 8-aligned. In the data area at 8-aligned offsets or
    /// 4 mod 8 (r30 is 8-aligned); occasionally through any register,
    /// which may fault at either word, or be the pair's own first half.
    fn pair_move(&mut self, out: &mut Vec<Item>, store: bool, allow_faults: bool) {
        let p = 2 + 2 * self.src.below(13) as u8;
        self.pair_access(out, p, store, allow_faults);
        // Often the rest of a statement on doubles, `c = a op b` (loads,
        // an FP operation, a store): several moves in one block, and pairs
        // that FP instructions use, which compiled code keeps as f64
        // values (the moves that get fused).
        if self.src.chance(60) {
            let op = [Opcode::FaddD, Opcode::FsubD, Opcode::FmulD, Opcode::FdivD]
                [self.src.below(4) as usize];
            let (a, b) = (p, 2 + 2 * self.src.below(13) as u8);
            self.pair_access(out, b, false, allow_faults);
            let c = 2 + 2 * self.src.below(13) as u8;
            out.push(Item::Raw(inst(op, c, a, b, 0)));
            self.pair_access(out, c, true, allow_faults);
        }
    }

    /// One pair move of register pair `p` (see [`Self::pair_move`]).
    fn pair_access(&mut self, out: &mut Vec<Item>, p: u8, store: bool, allow_faults: bool) {
        let (base, off) = if allow_faults && self.src.chance(4) {
            (self.reg(), 4 * self.src.below(16) as i32)
        } else if store {
            // (Stores stay where the other stores go.)
            (30, 4 + 4 * self.src.below(509) as i32)
        } else {
            (30, 4 * self.src.below(1022) as i32 - 2048)
        };
        for (k, r) in [(0, p), (4, p + 1)] {
            out.push(Item::Raw(if store {
                inst(Opcode::Stw, 0, base, r, off + k)
            } else {
                inst(Opcode::Ldw, r, base, 0, off + k)
            }));
        }
    }

    /// A call of one of the C-library routines: pointers into the data
    /// area and lengths under 64 bytes, or now and then a destination in
    /// read-only data or a source at the end of guest memory (a fault in
    /// the middle of the routine, after part of the work).
    fn libc_call(&mut self, out: &mut Vec<Item>) {
        let Some(labels) = self.libc else { return };
        let k = self.src.below(4) as usize;
        let data = |s: &mut Self| s.data_base + s.src.below(DATA_SIZE - 80);
        let (mut a0, mut a1) = (data(self), data(self));
        let a2 = self.src.below(64);
        if self.src.chance(6) {
            if self.src.chance(50) {
                a0 = self.rodata_base; // stores fault (strlen only reads)
            } else {
                // Loads run off the end of guest memory (strlen's at
                // once: the last bytes of memory are the stack's zeros).
                if k == 3 {
                    a0 = MEM_SIZE + 4 * self.src.below(4);
                } else {
                    a1 = MEM_SIZE - 4 * self.src.below(4);
                }
            }
        }
        if k == 2 {
            a1 = self.src.value(); // memset's fill byte
        }
        for (r, v) in [(3, a0), (4, a1), (5, a2)] {
            self.li(out, r, v);
        }
        out.push(Item::Jal {
            rd: 31,
            label: labels[k],
        });
    }

    /// A structured statement: simple ops, forward branches, a loop, a
    /// call, or a jump table.
    fn statement(&mut self, out: &mut Vec<Item>, depth: u32, in_loop: bool, in_func: bool) {
        let allow_faults = true;
        match self.src.below(100) {
            0..=64 => self.simple(out, allow_faults),
            65..=79 if depth < 3 => {
                // if (cond) skip a few statements.
                let op = BRANCHES[self.src.below(6) as usize];
                let (a, b) = (self.src_reg(), self.src_reg());
                let l = self.label();
                out.push(Item::Branch {
                    op,
                    rs1: a,
                    rs2: b,
                    label: l,
                });
                let n = 1 + self.src.below(4);
                for _ in 0..n {
                    self.statement(out, depth + 1, in_loop, in_func);
                }
                out.push(Item::Label(l));
            }
            80..=87 if !in_loop && !in_func && depth < 2 => {
                // Counted loop on r28.
                let n = 1 + self.src.below(6);
                self.li(out, 28, n);
                let top = self.label();
                out.push(Item::Label(top));
                let body = 1 + self.src.below(6);
                for _ in 0..body {
                    self.statement(out, depth + 1, true, in_func);
                }
                out.push(Item::Raw(inst(Opcode::Addi, 28, 28, 0, -1)));
                out.push(Item::Branch {
                    op: Opcode::Bne,
                    rs1: 28,
                    rs2: 0,
                    label: top,
                });
            }
            88..=93 if !in_func && self.libc.is_some() && self.src.chance(50) => {
                self.libc_call(out);
            }
            88..=93 if !in_func && !self.funcs.is_empty() && self.src.chance(30) => {
                // Call a leaf function made for another site: its return
                // then goes to one of several sites.
                let k = self.src.below(self.funcs.len() as u32) as usize;
                let Item::Label(f) = self.funcs[k][0] else {
                    unreachable!("a function body starts with its label")
                };
                out.push(Item::Jal { rd: 31, label: f });
            }
            88..=93 if !in_func => {
                // Call a leaf function.
                let f = self.label();
                let mut body = vec![Item::Label(f)];
                let n = 1 + self.src.below(5);
                for _ in 0..n {
                    self.statement(&mut body, depth + 1, true, true);
                }
                body.push(Item::Raw(inst(Opcode::Jalr, 0, 31, 0, 0)));
                self.funcs.push(body);
                out.push(Item::Jal { rd: 31, label: f });
            }
            94..=99 if depth < 3 => {
                // Jump table with four targets in rodata. Sometimes the
                // fourth slot holds a word past the code region instead,
                // as a masked switch over a shorter table reads what
                // follows it: taking it traps at that address.
                let join = self.label();
                let targets: Vec<usize> = (0..4).map(|_| self.label()).collect();
                let table_off = (self.rodata.len() * 4) as u32;
                let past = self.src.chance(8);
                for (k, &t) in targets.iter().enumerate() {
                    if past && k == 3 {
                        let w = 0x0010_0000 + 4 * self.src.below(1024);
                        self.rodata.push(Item::Word(w));
                    } else {
                        self.rodata.push(Item::TableEntry(t));
                    }
                }
                let sel = self.src_reg();
                out.push(Item::Raw(inst(Opcode::Andi, 27, sel, 0, 3)));
                out.push(Item::Raw(inst(Opcode::Slli, 27, 27, 0, 2)));
                let tab = self.rodata_base + table_off;
                let mut tmp = Vec::new();
                self.li(&mut tmp, 26, tab);
                out.extend(tmp);
                out.push(Item::Raw(inst(Opcode::Add, 26, 26, 27, 0)));
                out.push(Item::Raw(inst(Opcode::Ldw, 26, 26, 0, 0)));
                out.push(Item::Raw(inst(Opcode::Jalr, 0, 26, 0, 0)));
                for &t in &targets {
                    out.push(Item::Label(t));
                    self.simple(out, false);
                    out.push(Item::Jal { rd: 0, label: join });
                }
                out.push(Item::Label(join));
            }
            _ => self.simple(out, allow_faults),
        }
    }
}

fn page_up(x: u32) -> u32 {
    (x + 0xFFF) & !0xFFF
}

/// Generates a program of about `size` statements.
pub fn program(src: &mut Source<'_>, size: u32) -> Image {
    // Layout is fixed up front so that addresses can be materialised.
    let code_limit = 0x10000u32;
    let rodata_base = code_limit;
    let data_base = code_limit + 0x1000;
    let mut b = Builder {
        src,
        code: Vec::new(),
        funcs: Vec::new(),
        rodata: Vec::new(),
        labels: 0,
        rodata_base,
        data_base,
        libc: None,
    };
    if b.src.chance(40) {
        b.libc = Some([b.label(), b.label(), b.label(), b.label()]);
    }
    let mut code = Vec::new();
    let db = b.data_base;
    b.li(&mut code, 30, db + 2048);
    for r in 1..28u8 {
        let v = b.src.value();
        b.li(&mut code, r, v);
    }
    for _ in 0..size {
        b.statement(&mut code, 0, false, false);
    }
    code.push(Item::Raw(inst(Opcode::Halt, 0, 0, 0, 0)));
    let funcs = std::mem::take(&mut b.funcs);
    for f in funcs {
        code.extend(f);
    }
    if let Some(labels) = b.libc {
        let (insts, offsets) = libc_code();
        for (k, &i) in insts.iter().enumerate() {
            for (n, &o) in offsets.iter().enumerate() {
                if o == 4 * k as u32 {
                    code.push(Item::Label(labels[n]));
                }
            }
            code.push(Item::Raw(i));
        }
    }
    b.code = code;

    // Resolve labels.
    let mut addr = vec![0u32; b.labels];
    let mut pc = CODE_BASE;
    for it in &b.code {
        match it {
            Item::Label(l) => addr[*l] = pc,
            Item::TableEntry(_) | Item::Word(_) => {}
            _ => pc += 4,
        }
    }
    let mut words = Vec::new();
    let mut pc = CODE_BASE;
    for it in &b.code {
        let w = match *it {
            Item::Label(_) | Item::TableEntry(_) | Item::Word(_) => continue,
            Item::Raw(i) if i.op == Opcode::Nop && i.imm != 0 => i.imm as u32,
            Item::Raw(i) => encode(&i).expect("generated instruction encodes"),
            Item::Branch {
                op,
                rs1,
                rs2,
                label,
            } => {
                let off = addr[label].wrapping_sub(pc + 4) as i32;
                encode(&inst(op, 0, rs1, rs2, off)).expect("branch in range")
            }
            Item::Jal { rd, label } => {
                let off = addr[label].wrapping_sub(pc) as i32;
                encode(&inst(Opcode::Jal, rd, 0, 0, off)).expect("jal in range")
            }
        };
        words.push(w);
        pc += 4;
    }
    let code_bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    assert!((code_bytes.len() as u32) < code_limit, "program too large");
    let rodata_bytes: Vec<u8> = b
        .rodata
        .iter()
        .flat_map(|it| match it {
            Item::TableEntry(l) => addr[*l].to_le_bytes(),
            Item::Word(w) => w.to_le_bytes(),
            _ => [0; 4],
        })
        .collect();
    // Random words, some of them the high word of an f64 edge: a pair
    // loaded across one is then a NaN (quiet or signalling, either sign,
    // the low word its payload), an infinity, a denormal or -0, so FP
    // operations on loaded doubles meet NaNs in either operand (which NaN
    // an operation returns depends on the operands' order).
    const F64_HIGH_EDGES: [u32; 7] = [
        0x7FF8_0000, // quiet NaN
        0xFFF8_0000, // negative quiet NaN
        0x7FF4_0000, // signalling NaN
        0x7FF0_0000, // infinity (or a NaN with a nonzero low word)
        0xFFF0_0000, // negative infinity
        0x0008_0000, // denormal
        0x8000_0000, // -0 (with a zero low word)
    ];
    let mut data = vec![0u8; DATA_SIZE as usize];
    for chunk in data.chunks_mut(4) {
        let w = if b.src.chance(8) {
            F64_HIGH_EDGES[b.src.below(F64_HIGH_EDGES.len() as u32) as usize]
        } else {
            b.src.u32()
        };
        chunk.copy_from_slice(&w.to_le_bytes());
    }
    let symbol = |name: &str, value: u32| Symbol {
        name: name.into(),
        value,
        size: 0,
        kind: fast32_isa::s32x::SYM_FUNC,
        binding: 1,
        section: 1,
    };
    let mut symbols = vec![symbol("_start", 0)];
    if let Some(labels) = b.libc {
        for (name, l) in LIBC_NAMES.iter().zip(labels) {
            symbols.push(symbol(name, addr[l]));
        }
    }
    let header = Header {
        magic: fast32_isa::s32x::MAGIC,
        version: 1,
        endian: 1,
        machine: 0x32,
        entry: 0,
        flags: flags::W_XOR_X,
        code_limit,
        rodata_limit: data_base,
        data_limit: data_base + DATA_SIZE,
        stack_base: 0x0FFF_FFF0,
        mem_size: MEM_SIZE,
        heap_base: page_up(data_base + DATA_SIZE),
        stack_end: 0x0FFF_0000,
        mmio_base: 0,
        ..Header::default()
    };
    let mut sections = vec![Section {
        name: ".text".into(),
        kind: SectionKind::Code,
        vaddr: 0,
        mem_size: code_bytes.len() as u32,
        flags: sec_flags::EXEC | sec_flags::READ | sec_flags::ALLOC,
        data: code_bytes,
    }];
    if !rodata_bytes.is_empty() {
        sections.push(Section {
            name: ".rodata".into(),
            kind: SectionKind::Rodata,
            vaddr: rodata_base,
            mem_size: rodata_bytes.len() as u32,
            flags: sec_flags::READ | sec_flags::ALLOC,
            data: rodata_bytes,
        });
    }
    sections.push(Section {
        name: ".data".into(),
        kind: SectionKind::Data,
        vaddr: data_base,
        mem_size: DATA_SIZE,
        flags: sec_flags::READ | sec_flags::WRITE | sec_flags::ALLOC,
        data,
    });
    Image {
        header,
        sections,
        symbols,
    }
}
