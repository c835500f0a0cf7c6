//! Code discovery: which guest addresses start blocks, what the blocks
//! are, and how they are grouped into guest functions.
//!
//! Discovery never translates the code region blindly (the Forth kernel
//! keeps data in `.text`): it follows control flow from a set of roots,
//!
//! - the entry point,
//! - code addresses named by the symbol table,
//! - words of the data sections that point into code at a decodable
//!   instruction boundary (jump tables, function pointers),
//! - code addresses built by LUI (+ ADDI/ORI) in discovered code (the
//!   address of a function passed as a pointer),
//! - extra targets given by the caller (later: from profiles),
//!
//! and from every direct branch/JAL target and every return address after
//! a linking JAL/JALR reached that way. A word that does not decode (or an
//! invalid f64 register pair) ends the walk: the block ends in a trap, as
//! the interpreter's would.
//!
//! Functions: the entry point and every target of a linking JAL start a
//! function; every block belongs to the function whose start is the
//! closest one at or below its address (compiled code keeps a function's
//! blocks together). Symbols do not start functions: real binaries mark
//! every symbol `notype`, and hand-written code names loop labels, so a
//! symbol split would turn loop back-edges into calls. An edge between
//! blocks of different functions is a cross-function jump (a tail call),
//! and its target becomes an entry of the function that owns it.

use fast32_isa::s32x::Image;
use fast32_isa::{decode, semantics as sem, Flow, Inst, Opcode};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// The guest code region as words, plus what discovery scans for roots.
#[derive(Clone, Debug)]
pub struct CodeImage {
    /// Words of the code region; instruction `i` is at address `4 * i`.
    /// Only addresses below `4 * words.len()` hold instructions (the
    /// interpreter treats the rest of the code region as an execute fault).
    pub words: Vec<u32>,
    pub code_limit: u32,
    /// The end of the bytes that sections load below `code_limit`; the
    /// rest of the code region is zero padding (which decodes as
    /// `add r0, r0, r0`).
    pub text_end: u32,
    pub entry: u32,
    /// Code addresses named by symbols.
    pub symbols: Vec<u32>,
    /// (address, value) of the 32-bit word at every even address of the
    /// loaded sections above the code region.
    pub data_words: Vec<(u32, u32)>,
    /// The rodata region's bytes (`[code_limit, rodata_limit)`, zero where
    /// no section loads) when the image is W^X, so that nothing can write
    /// them during a run; empty otherwise.
    pub rodata: Vec<u8>,
    /// Guest low memory is mirrored above 4 GiB in this image's layout
    /// ([`fast32_runtime::memory::MemLayout::mirrors_low_memory`]):
    /// compiled code may add offsets without wrapping at 4 GiB.
    pub low_memory_mirrored: bool,
}

impl CodeImage {
    pub fn from_image(image: &Image) -> CodeImage {
        let code_limit = image.header.code_limit;
        let n = (code_limit / 4) as usize;
        let mut bytes = vec![0u8; n * 4];
        let mut data_words = Vec::new();
        let ro_len = if image.header.wxorx() {
            image.header.rodata_limit.saturating_sub(code_limit) as usize
        } else {
            0
        };
        let mut rodata = vec![0u8; ro_len];
        let mut text_end = 0u32;
        for s in image.sections.iter().filter(|s| s.is_loaded()) {
            if s.vaddr < code_limit {
                let end = (s.vaddr as u64 + s.data.len() as u64).min(code_limit as u64);
                text_end = text_end.max(end as u32);
            }
            for (i, &b) in s.data.iter().enumerate() {
                let a = s.vaddr as u64 + i as u64;
                if a >= code_limit as u64 && a - (code_limit as u64) < ro_len as u64 {
                    rodata[(a - code_limit as u64) as usize] = b;
                }
            }
            for (i, &b) in s.data.iter().enumerate() {
                let a = s.vaddr as u64 + i as u64;
                if a < bytes.len() as u64 {
                    bytes[a as usize] = b;
                }
            }
            // Words at or above the code region, at every halfword: the
            // toolchain does not always align jump tables to 4 bytes.
            let mut off = s.vaddr % 2;
            while off as usize + 4 <= s.data.len() {
                let addr = s.vaddr.wrapping_add(off);
                if addr >= code_limit {
                    let o = off as usize;
                    let v = u32::from_le_bytes([
                        s.data[o],
                        s.data[o + 1],
                        s.data[o + 2],
                        s.data[o + 3],
                    ]);
                    data_words.push((addr, v));
                }
                off += 2;
            }
        }
        let words = bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let symbols = image
            .symbols
            .iter()
            .filter(|s| !s.is_absolute() && s.value < code_limit)
            .map(|s| s.value)
            .collect();
        CodeImage {
            words,
            code_limit,
            text_end,
            entry: image.header.entry,
            symbols,
            data_words,
            rodata,
            low_memory_mirrored: fast32_runtime::memory::MemLayout::from_header(&image.header)
                .mirrors_low_memory(),
        }
    }

    /// The 32-bit word at `addr` if all four bytes lie in read-only data
    /// ([`CodeImage::rodata`]): its value is the same for the whole run.
    pub fn read_only_word(&self, addr: u32) -> Option<u32> {
        let off = addr.checked_sub(self.code_limit)? as usize;
        let b = self.rodata.get(off..off.checked_add(4)?)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Is `pc` a valid address inside the loaded code (not the zero
    /// padding after it)? Values in data and constants count as code
    /// pointers only there: a data table of small numbers read at every
    /// halfword makes many values below `code_limit`, and taken as roots
    /// in the padding they made discovery decode all of it (the CSV
    /// validator of the corpus: 257,708 instructions compiled for 5,577
    /// of code). A jump into the padding, were there one, runs on the JIT.
    pub fn in_text(&self, pc: u32) -> bool {
        self.valid(pc) && pc < self.text_end
    }

    /// Is `pc` an address the interpreter would execute from its decoded
    /// slots (aligned, inside the code words)?
    pub fn valid(&self, pc: u32) -> bool {
        pc & 3 == 0 && ((pc >> 2) as usize) < self.words.len()
    }

    /// The word at a valid `pc`.
    pub fn word(&self, pc: u32) -> u32 {
        self.words[(pc >> 2) as usize]
    }

    /// Does block `b` end in a plain return ([`is_return`])?
    pub fn ends_in_return(&self, b: &Block) -> bool {
        matches!(b.term, Term::Indirect { link: false })
            && self.inst(b.end - 4).is_some_and(|i| is_return(&i))
    }

    /// The instruction at `pc`, `None` if the word traps when executed
    /// (unknown opcode or invalid register pair) or `pc` is not valid.
    pub fn inst(&self, pc: u32) -> Option<Inst> {
        if !self.valid(pc) {
            return None;
        }
        let i = decode(self.word(pc)).ok()?;
        if sem::bad_pair(&i).is_some() {
            return None;
        }
        Some(i)
    }
}

/// Is `i` a plain return, `jalr r0, lr, 0`? Every analysis treats it as
/// leaving the function for the address its caller left in lr, never as
/// one of the function's indirect jumps (whose targets it would make
/// dirty or live everywhere).
pub fn is_return(i: &Inst) -> bool {
    i.op == Opcode::Jalr && i.rd == 0 && i.rs1 == fast32_isa::REG_LR && i.imm == 0
}

/// How a block ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Term {
    /// No control instruction: execution continues at `end`, which starts
    /// another block.
    Fallthrough,
    /// Conditional branch at `end - 4`: `taken`, else `end`.
    Branch { taken: u32 },
    /// JAL at `end - 4`; with `link`, `end` is the return site.
    Jump { target: u32, link: bool },
    /// JALR at `end - 4`; with `link`, `end` is the return site.
    Indirect { link: bool },
    /// HALT at `end - 4`.
    Halt,
    /// YIELD or DEBUG at `end - 4`: leaves translated code, then resumes
    /// at `end`.
    Service,
    /// The instruction at `end` traps when executed (unknown opcode, bad
    /// register pair, or `end` is outside the code words).
    Trap,
}

/// A basic block: instructions `[start, end)` plus how it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    pub start: u32,
    pub end: u32,
    pub term: Term,
}

impl Block {
    /// Static successors (guest addresses; may be invalid targets).
    pub fn successors(&self) -> Vec<u32> {
        match self.term {
            Term::Fallthrough | Term::Service => vec![self.end],
            Term::Branch { taken } => vec![taken, self.end],
            Term::Jump { target, link } => {
                if link {
                    vec![target, self.end]
                } else {
                    vec![target]
                }
            }
            Term::Indirect { link } => {
                if link {
                    vec![self.end]
                } else {
                    vec![]
                }
            }
            Term::Halt | Term::Trap => vec![],
        }
    }
}

/// A guest function: the unit that becomes one native function.
#[derive(Clone, Debug, Default)]
pub struct Function {
    pub start: u32,
    /// Starts of the blocks it owns, ascending.
    pub blocks: Vec<u32>,
    /// Addresses at which the function can be entered from outside
    /// (its start, return sites, resume points after YIELD/DEBUG,
    /// indirect-jump targets, targets of cross-function jumps). Ascending.
    pub entries: Vec<u32>,
    /// Targets of indirect jumps (from symbols, data, extra roots) owned
    /// by this function: an indirect jump inside it first tries these.
    pub indirect_targets: Vec<u32>,
    /// Callees lowered inside this function ([`crate::inline`]).
    pub inlined: crate::inline::Inlined,
}

impl Function {
    /// Every block lowered in this function: its own, then those of the
    /// callees it inlines.
    pub fn lowered_blocks(&self) -> impl Iterator<Item = u32> + '_ {
        self.blocks.iter().chain(&self.inlined.blocks).copied()
    }

    /// The indirect-jump targets lowered in this function, ascending: its
    /// own, and those of the functions it absorbs ([`crate::inline`]).
    pub fn lowered_indirect_targets(&self) -> &[u32] {
        if self.inlined.absorbed.is_empty() {
            &self.indirect_targets
        } else {
            &self.inlined.targets
        }
    }
}

/// The result of discovery.
#[derive(Clone, Debug, Default)]
pub struct Program {
    /// Every block, by start address.
    pub blocks: BTreeMap<u32, Block>,
    /// Functions, ascending by start address.
    pub functions: Vec<Function>,
    /// Roots that can be reached indirectly (symbols, data, extra).
    pub indirect_roots: BTreeSet<u32>,
    /// The roots whose address the program itself holds or builds (data
    /// words, LUI-built constants) or a profile saw reached: the code that
    /// can really be entered indirectly. A symbol alone does not make code
    /// reachable; register liveness ([`crate::liveness`]) relies on this.
    pub address_taken: BTreeSet<u32>,
}

impl Program {
    /// Index of the function owning the block at `addr` (any address).
    pub fn owner(&self, addr: u32) -> usize {
        match self.functions.binary_search_by(|f| f.start.cmp(&addr)) {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        }
    }

    /// Is there a block at `t`, owned by function `fidx`?
    pub fn owns(&self, fidx: usize, t: u32) -> bool {
        self.blocks.contains_key(&t) && self.owner(t) == fidx
    }

    /// Is the block at `t` lowered inside function `fidx` (owned by it, or
    /// a block of a callee it inlines)?
    pub fn is_local(&self, fidx: usize, t: u32) -> bool {
        self.owns(fidx, t)
            || (self.blocks.contains_key(&t) && self.functions[fidx].inlined.contains_block(t))
    }

    /// Where the return (`jalr r0, lr, 0`) ending the block at `start`
    /// may continue inside function `fidx`: the return sites of the calls
    /// lowered as jumps there of the function owning the block (a callee
    /// inlined in `fidx`, or `fidx` itself when it calls itself).
    pub fn inlined_return_sites(&self, fidx: usize, start: u32) -> Option<&[u32]> {
        let callee = self.functions[self.owner(start)].start;
        self.functions[fidx]
            .inlined
            .returns
            .get(&callee)
            .map(Vec::as_slice)
    }

    /// Every address that can be entered from the dispatcher, with the
    /// index of its function.
    pub fn all_entries(&self) -> impl Iterator<Item = (u32, usize)> + '_ {
        self.functions
            .iter()
            .enumerate()
            .flat_map(|(i, f)| f.entries.iter().map(move |&e| (e, i)))
    }

    pub fn instruction_count(&self) -> u64 {
        self.blocks
            .values()
            .map(|b| ((b.end - b.start) / 4) as u64)
            .sum()
    }
}

/// Discovery options.
#[derive(Clone, Debug, Default)]
pub struct DiscoverOptions {
    /// More addresses that may be reached indirectly (e.g. from a profile).
    pub extra_targets: Vec<u32>,
    /// Do not scan data sections for code pointers.
    pub no_data_scan: bool,
    /// Do not treat code addresses built by LUI (+ ADDI/ORI) as roots.
    pub no_constant_scan: bool,
}

/// Finds the blocks and functions of `code`.
pub fn discover(code: &CodeImage, opts: &DiscoverOptions) -> Program {
    // Roots.
    let mut indirect_roots = BTreeSet::new();
    let mut address_taken = BTreeSet::new();
    for &a in &code.symbols {
        if code.valid(a) {
            indirect_roots.insert(a);
        }
    }
    for &a in &opts.extra_targets {
        if code.valid(a) {
            indirect_roots.insert(a);
            address_taken.insert(a);
        }
    }
    if !opts.no_data_scan {
        for &(_, v) in &code.data_words {
            if code.in_text(v) && code.inst(v).is_some() {
                indirect_roots.insert(v);
                address_taken.insert(v);
            }
        }
    }
    let mut leaders: BTreeSet<u32> = BTreeSet::new();
    let mut func_starts: BTreeSet<u32> = BTreeSet::new();
    let mut work: Vec<u32> = Vec::new();
    if code.valid(code.entry) {
        work.push(code.entry);
        func_starts.insert(code.entry);
    }
    work.extend(indirect_roots.iter().copied());
    leaders.extend(work.iter().copied());

    // Walk: mark every reachable instruction address.
    let mut seen: HashSet<u32> = HashSet::new();
    while let Some(mut pc) = work.pop() {
        // Values of LUI in this straight-line run: a LUI + ADDI/ORI pair
        // that makes a code address (`la` of a function whose address is
        // passed around) is an indirect root.
        let mut lui: [Option<u32>; 32] = [None; 32];
        loop {
            if !code.valid(pc) || !seen.insert(pc) {
                break;
            }
            let Some(inst) = code.inst(pc) else { break };
            let next = pc.wrapping_add(4);
            if !opts.no_constant_scan {
                let made = match (inst.op, lui[inst.rs1 as usize]) {
                    (Opcode::Addi, Some(h)) => Some(h.wrapping_add(inst.imm as u32)),
                    (Opcode::Ori, Some(h)) => Some(h | inst.imm as u32),
                    (Opcode::Lui, _) => Some(inst.imm as u32),
                    _ => None,
                };
                if let Some(v) = made.filter(|&v| code.in_text(v) && code.inst(v).is_some()) {
                    address_taken.insert(v);
                    if indirect_roots.insert(v) {
                        leaders.insert(v);
                        work.push(v);
                    }
                }
                if inst.op.writes_rd() {
                    lui[inst.rd as usize] = match inst.op {
                        Opcode::Lui if inst.rd != 0 => Some(inst.imm as u32),
                        _ => None,
                    };
                }
            }
            let mut push = |t: u32, leaders: &mut BTreeSet<u32>| {
                if code.valid(t) {
                    leaders.insert(t);
                    work.push(t);
                }
            };
            match inst.flow(pc) {
                Flow::Next => {
                    if matches!(inst.op, Opcode::Yield | Opcode::Debug) {
                        push(next, &mut leaders);
                        break;
                    }
                    pc = next;
                }
                Flow::Branch { taken } => {
                    push(taken, &mut leaders);
                    push(next, &mut leaders);
                    break;
                }
                Flow::Jump { target, link } => {
                    push(target, &mut leaders);
                    if link {
                        if code.valid(target) {
                            func_starts.insert(target);
                        }
                        push(next, &mut leaders);
                    }
                    break;
                }
                Flow::Indirect { link } => {
                    if link {
                        push(next, &mut leaders);
                    }
                    break;
                }
                Flow::Stop => break,
            }
        }
    }

    // Blocks: from each leader to the next control instruction or leader.
    let mut blocks = BTreeMap::new();
    for &l in &leaders {
        if !code.valid(l) {
            continue;
        }
        let mut pc = l;
        let block = loop {
            if pc != l && leaders.contains(&pc) {
                break Block {
                    start: l,
                    end: pc,
                    term: Term::Fallthrough,
                };
            }
            let Some(inst) = code.inst(pc) else {
                break Block {
                    start: l,
                    end: pc,
                    term: Term::Trap,
                };
            };
            let next = pc.wrapping_add(4);
            let term = match inst.flow(pc) {
                Flow::Next if matches!(inst.op, Opcode::Yield | Opcode::Debug) => {
                    Some(Term::Service)
                }
                Flow::Next => None,
                Flow::Branch { taken } => Some(Term::Branch { taken }),
                Flow::Jump { target, link } => Some(Term::Jump { target, link }),
                Flow::Indirect { link } => Some(Term::Indirect { link }),
                Flow::Stop => Some(Term::Halt),
            };
            if let Some(term) = term {
                break Block {
                    start: l,
                    end: next,
                    term,
                };
            }
            pc = next;
        };
        blocks.insert(l, block);
    }

    // Functions.
    if func_starts.is_empty() {
        if let Some(&first) = blocks.keys().next() {
            func_starts.insert(first);
        }
    }
    let mut prog = Program {
        blocks,
        functions: func_starts
            .iter()
            .map(|&s| Function {
                start: s,
                ..Function::default()
            })
            .collect(),
        indirect_roots,
        address_taken,
    };
    if prog.functions.is_empty() {
        return prog;
    }
    let mut entries: Vec<BTreeSet<u32>> = vec![BTreeSet::new(); prog.functions.len()];
    for (i, f) in prog.functions.iter().enumerate() {
        entries[i].insert(f.start);
    }
    let owners: Vec<(u32, usize)> = prog.blocks.keys().map(|&b| (b, prog.owner(b))).collect();
    for &(b, o) in &owners {
        prog.functions[o].blocks.push(b);
        let block = prog.blocks[&b];
        // Resume points and return sites are entered from outside.
        match block.term {
            Term::Service | Term::Jump { link: true, .. } | Term::Indirect { link: true }
                if prog.blocks.contains_key(&block.end) =>
            {
                entries[prog.owner(block.end)].insert(block.end);
            }
            _ => {}
        }
        for s in block.successors() {
            if prog.blocks.contains_key(&s) {
                let so = prog.owner(s);
                if so != o {
                    entries[so].insert(s);
                }
            }
        }
    }
    for &r in &prog.indirect_roots {
        if prog.blocks.contains_key(&r) {
            let o = prog.owner(r);
            entries[o].insert(r);
            prog.functions[o].indirect_targets.push(r);
        }
    }
    for (f, e) in prog.functions.iter_mut().zip(entries) {
        f.entries = e.into_iter().collect();
    }
    prog
}

#[cfg(test)]
mod tests {
    use super::*;

    fn img(src: &str) -> CodeImage {
        let image = fast32_asm::assemble(src, "t.s").expect("assembles");
        CodeImage::from_image(&image)
    }

    /// A data word that points into the zero padding after the code (as
    /// a table of small numbers read at a halfword offset does) is no
    /// root: discovery would decode the padding as instructions. One that
    /// points into the code is.
    #[test]
    fn data_pointing_into_the_padding_is_no_root() {
        let src = "
        .text
        _start:
            li r1, 0
            halt
        f:
            jalr r0, r31, 0
        .data
        table:
            .word f
            .word 0x100
        ";
        let c = img(src);
        assert!(
            c.text_end <= 0x100 && 0x100 < c.code_limit,
            "{} {}",
            c.text_end,
            c.code_limit
        );
        let mut no_syms = c.clone();
        no_syms.symbols.clear();
        let p = discover(&no_syms, &DiscoverOptions::default());
        assert!(p.indirect_roots.contains(&8), "{:?}", p.indirect_roots);
        assert!(!p.indirect_roots.contains(&0x100), "{:?}", p.indirect_roots);
        assert!(
            p.blocks.keys().all(|&b| b < c.text_end),
            "{:?}",
            p.blocks.keys()
        );
    }

    #[test]
    fn straight_line_call_and_return() {
        let src = "
        .text
        _start:
            li r1, 5
            jal r31, f
            halt
        f:
            addi r1, r1, 1
            jalr r0, r31, 0
        ";
        let c = img(src);
        let mut c = c;
        c.symbols.clear();
        let p = discover(&c, &DiscoverOptions::default());
        let starts: Vec<u32> = p.functions.iter().map(|f| f.start).collect();
        assert_eq!(starts.len(), 2, "{p:#?}");
        let f0 = &p.functions[0];
        let f1 = &p.functions[1];
        // The return site after the JAL is an entry of the caller.
        let jal_block = p.blocks[&f0.start];
        assert!(matches!(jal_block.term, Term::Jump { link: true, .. }));
        assert!(f0.entries.contains(&jal_block.end));
        assert_eq!(f1.entries, vec![f1.start]);
        assert!(matches!(
            p.blocks[&f1.start].term,
            Term::Indirect { link: false }
        ));
        assert_eq!(p.blocks[&jal_block.end].term, Term::Halt);
    }

    #[test]
    fn data_in_code_ends_the_walk_with_a_trap() {
        let src = "
        .text
        _start:
            li r1, 1
            .word 0x0000007E
            halt
        ";
        let mut c = img(src);
        c.symbols.clear();
        let p = discover(&c, &DiscoverOptions::default());
        assert_eq!(p.blocks.len(), 1);
        let b = p.blocks.values().next().unwrap();
        assert_eq!(b.term, Term::Trap);
        // The HALT after the data word is never reached, so not translated.
        assert!(!p.blocks.contains_key(&(b.end + 4)));
    }

    #[test]
    fn jump_tables_in_data_become_indirect_targets() {
        let src = "
        .text
        _start:
            la r2, table
            ldw r3, 4(r2)
            jalr r0, r3, 0
        case0:
            li r1, 10
            halt
        case1:
            li r1, 11
            halt
        .rodata
        table:
            .word case0
            .word case1
        ";
        let mut c = img(src);
        c.symbols.clear();
        let p = discover(&c, &DiscoverOptions::default());
        assert_eq!(p.functions.len(), 1);
        let f = &p.functions[0];
        assert_eq!(f.indirect_targets.len(), 2, "{p:#?}");
        for t in &f.indirect_targets {
            assert!(f.entries.contains(t));
            assert_eq!(p.blocks[t].term, Term::Halt);
        }
    }

    #[test]
    fn branches_split_blocks_and_yield_resumes() {
        let src = "
        .text
        _start:
            li r1, 3
        loop:
            addi r1, r1, -1
            yield
            bne r1, r0, loop
            halt
        ";
        let mut c = img(src);
        c.symbols.clear();
        let p = discover(&c, &DiscoverOptions::default());
        let v: Vec<Block> = p.blocks.values().copied().collect();
        assert_eq!(v.len(), 4, "{v:#?}");
        assert_eq!(v[0].term, Term::Fallthrough);
        assert_eq!(v[1].term, Term::Service);
        assert!(matches!(v[2].term, Term::Branch { taken } if taken == v[1].start));
        assert_eq!(v[3].term, Term::Halt);
        assert!(p.functions[0].entries.contains(&v[2].start));
    }

    #[test]
    fn cross_function_jumps_make_entries() {
        let src = "
        .text
        _start:
            jal r31, f
            halt
        f:
            beq r1, r0, g_mid
            jalr r0, r31, 0
        g:
            li r1, 1
        g_mid:
            jalr r0, r31, 0
        caller_of_g:
            jal r31, g
            halt
        ";
        let mut c = img(src);
        c.symbols.clear();
        // caller_of_g is only reachable as an extra (profiled) target.
        let image = fast32_asm::assemble(src, "t.s").unwrap();
        let cg = image.symbol_by_name("caller_of_g").unwrap().value;
        let g_mid = image.symbol_by_name("g_mid").unwrap().value;
        let g = image.symbol_by_name("g").unwrap().value;
        let p = discover(
            &c,
            &DiscoverOptions {
                extra_targets: vec![cg],
                ..Default::default()
            },
        );
        let gi = p.functions.iter().position(|f| f.start == g).unwrap();
        assert!(p.functions[gi].entries.contains(&g_mid), "{p:#?}");
        assert_eq!(p.owner(g_mid), gi);
    }

    #[test]
    fn symbols_are_roots_but_not_functions() {
        let src = "
        .text
        _start:
            halt
        unreached:
            li r1, 2
            halt
        ";
        let c = img(src);
        let p = discover(&c, &DiscoverOptions::default());
        assert_eq!(p.functions.len(), 1);
        assert_eq!(p.blocks.len(), 2);
        assert_eq!(p.functions[0].entries.len(), 2);
    }
}
