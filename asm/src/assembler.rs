//! The two passes.
//!
//! Pass 1 reads statements in order, defines labels as "section +
//! offset" and records every instruction and data element as an [`Item`]
//! whose size is already fixed; operands stay expressions. After pass 1
//! the sections are laid out ([`crate::layout`]). Pass 2 evaluates the
//! expressions with final addresses, checks ranges, encodes, and builds
//! the [`Image`].
//!
//! Sizes never depend on addresses, so two passes suffice: `li` takes one
//! instruction only when its value is a constant known where `li` appears,
//! and a `.uleb128` of a not-yet-known value takes a padded 5 bytes.

use crate::diag::{AsmError, Diags, Loc, Severity, SourceFile};
use crate::expr::{self, eval, parse_expr, Env, EvalErr, Expr, Sec, Val};
use crate::layout::{self, Layout};
use crate::lexer::{lex_line, Punct, Tok, Token};
use crate::regs;
use crate::{AsmOptions, Output};
use fast32_isa::s32x::{self, Header, Image, Section, SectionKind, Symbol};
use fast32_isa::{encode, Format, Inst, Opcode};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// An error at a byte position of the current line.
type PErr = (usize, String);
type R<T> = Result<T, PErr>;

/// Largest size of one section (offsets are 32-bit).
const MAX_SECTION_BYTES: u64 = 0xFFFF_F000;
/// Largest `.fill` with a non-zero value (it is materialized in memory).
const MAX_FILL_BYTES: u64 = 1 << 26;
const MAX_INCLUDE_DEPTH: usize = 16;
/// Evaluation work budget per expression.
const MAX_EVAL_STEPS: u32 = 100_000;

/// How an instruction's immediate is computed in pass 2.
#[derive(Clone, Debug)]
enum Imm {
    None,
    /// I, Iz or S immediate, range-checked for the format.
    Plain(Expr),
    /// LUI operand: the upper 20 bits, as written.
    Upper(Expr),
    /// Branch or JAL: a target address if the expression names a symbol,
    /// else a raw byte offset (as the reference assembler does).
    Target(Expr),
    /// Upper / lower half of a full 32-bit value (`li`, `la`).
    LiHi(Expr),
    LiLo(Expr),
}

#[derive(Clone, Debug)]
struct InstSpec {
    op: Opcode,
    rd: u8,
    rs1: u8,
    rs2: u8,
    imm: Imm,
}

fn ins(op: Opcode, rd: u8, rs1: u8, rs2: u8, imm: Imm) -> InstSpec {
    InstSpec {
        op,
        rd,
        rs1,
        rs2,
        imm,
    }
}

enum ItemKind {
    Inst(InstSpec),
    Data {
        width: u8,
        expr: Expr,
    },
    Bytes(Vec<u8>),
    Fill {
        len: u32,
        byte: u8,
    },
    /// LEB128 of a value unknown in pass 1, padded to `len` bytes.
    Leb {
        signed: bool,
        expr: Expr,
        len: u8,
    },
}

struct Item {
    sec: Sec,
    off: u32,
    /// Where to point diagnostics (the operand, or the statement).
    loc: Loc,
    kind: ItemKind,
}

#[derive(Clone, Debug)]
enum SymDef {
    Label(Sec, u32),
    Equ(Expr),
}

#[derive(Default)]
struct SymEntry {
    name: String,
    def: Option<SymDef>,
    def_loc: Option<Loc>,
    /// 0 local, 1 global, 2 weak.
    binding: u8,
    global_loc: Option<Loc>,
    kind: u8,
    size: Option<(Expr, Loc)>,
    /// Internal name of a numeric label (`1:`); never in the symbol table.
    numeric: bool,
}

#[derive(Clone, Copy, Default)]
struct SecState {
    size: u64,
    align: u64,
}

pub(crate) struct Asm<'o> {
    opts: &'o AsmOptions,
    files: Vec<SourceFile>,
    diags: Diags,
    syms: HashMap<String, usize>,
    symtab: Vec<SymEntry>,
    secs: [SecState; 6],
    cur: Sec,
    prev: Sec,
    sec_stack: Vec<(Sec, Sec)>,
    items: Vec<Item>,
    numlabels: HashMap<u64, u32>,
    /// Labels defined at the current position with nothing emitted after
    /// them yet: an instruction that pads itself to a word boundary moves
    /// them along, so `lbl: addi ...` after a `.byte` points at the `addi`.
    pending: Vec<usize>,
    include_stack: Vec<PathBuf>,
    ended: bool,
    warned_sections: HashSet<String>,
    warned_data_inst: bool,
    section_overflow: bool,
}

/// Splits operand tokens at top-level commas. Empty operands are kept
/// (`.p2align 4,,15` has one); handlers reject them where they matter.
fn split_operands(toks: &[Token]) -> Vec<&[Token]> {
    if toks.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, t) in toks.iter().enumerate() {
        match t.tok {
            Tok::P(Punct::LParen) => depth += 1,
            Tok::P(Punct::RParen) => depth -= 1,
            Tok::P(Punct::Comma) if depth <= 0 => {
                out.push(&toks[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&toks[start..]);
    out
}

/// Display form of an internal symbol name (numeric labels are `N\x01k`).
fn pretty(name: &str) -> String {
    match name.split_once('\u{1}') {
        Some((n, _)) => format!("{n}f"),
        None => name.to_string(),
    }
}

fn uleb(mut v: u64, min_len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (v & 0x7F) as u8;
        v >>= 7;
        out.push(byte | 0x80);
        if v == 0 && out.len() >= min_len {
            break;
        }
    }
    if let Some(b) = out.last_mut() {
        *b &= 0x7F;
    }
    out
}

fn sleb(mut v: i64, min_len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (v & 0x7F) as u8;
        v >>= 7;
        let done = (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0);
        out.push(byte | 0x80);
        if done && out.len() >= min_len {
            break;
        }
    }
    if let Some(b) = out.last_mut() {
        *b &= 0x7F;
    }
    out
}

/// Which operands of an f64/i64 instruction are register pairs (rd, rs1, rs2).
fn pair_operands(op: Opcode) -> (bool, bool, bool) {
    use Opcode::*;
    match op {
        FaddD | FsubD | FmulD | FdivD => (true, true, true),
        FsqrtD | FnegD | FabsD => (true, true, false),
        FeqD | FltD | FleD => (false, true, true),
        FcvtWD | FcvtWuD | FcvtSD | FcvtSL | FcvtSLu => (false, true, false),
        FcvtDW | FcvtDWu | FcvtDS | FcvtLS | FcvtLuS => (true, false, false),
        FcvtLD | FcvtLuD | FcvtDL | FcvtDLu => (true, true, false),
        _ => (false, false, false),
    }
}

/// Pass-1 evaluation: labels are section offsets, later definitions unknown.
struct EarlyEnv<'a> {
    syms: &'a HashMap<String, usize>,
    symtab: &'a [SymEntry],
    dot: (Sec, u32),
    steps: Cell<u32>,
    active: RefCell<Vec<usize>>,
}

impl Env for EarlyEnv<'_> {
    fn symbol(&self, name: &str, depth: u32) -> Result<Val, EvalErr> {
        let Some(&id) = self.syms.get(name) else {
            return Err(EvalErr::NotYet);
        };
        match &self.symtab[id].def {
            None => Err(EvalErr::NotYet),
            Some(SymDef::Label(s, o)) => Ok(Val::Rel(*s, *o as i64)),
            Some(SymDef::Equ(e)) => {
                if self.active.borrow().contains(&id) {
                    return Err(EvalErr::Msg(format!(
                        "circular definition of symbol '{}'",
                        pretty(name)
                    )));
                }
                self.active.borrow_mut().push(id);
                let r = eval(e, self, depth);
                self.active.borrow_mut().pop();
                r
            }
        }
    }
    fn dot(&self) -> Result<Val, EvalErr> {
        Ok(Val::Rel(self.dot.0, self.dot.1 as i64))
    }
    fn loc(&self, sec: Sec, off: u32) -> Val {
        Val::Rel(sec, off as i64)
    }
    fn step(&self) -> Result<(), EvalErr> {
        let n = self.steps.get() + 1;
        self.steps.set(n);
        if n > MAX_EVAL_STEPS {
            return Err(EvalErr::Limit("expression too complex to evaluate".into()));
        }
        Ok(())
    }
}

/// Pass-2 evaluation: every label has its address.
struct FinalEnv<'a> {
    syms: &'a HashMap<String, usize>,
    symtab: &'a [SymEntry],
    layout: &'a Layout,
    linker: &'a HashMap<&'static str, u32>,
    memo: &'a RefCell<HashMap<usize, Result<Val, EvalErr>>>,
    dot: u32,
    steps: Cell<u32>,
    active: RefCell<Vec<usize>>,
}

impl FinalEnv<'_> {
    fn at(&self, dot: u32) -> FinalEnv<'_> {
        FinalEnv {
            syms: self.syms,
            symtab: self.symtab,
            layout: self.layout,
            linker: self.linker,
            memo: self.memo,
            dot,
            steps: Cell::new(0),
            active: RefCell::new(Vec::new()),
        }
    }
    fn abs(&self, sec: Sec, off: u32) -> Val {
        Val::Abs(self.layout.base[sec.idx()] as i64 + off as i64)
    }
    fn value(&self, e: &Expr) -> Result<i64, EvalErr> {
        match eval(e, self, 0)? {
            Val::Abs(v) => Ok(v),
            Val::Rel(..) => Err(EvalErr::Msg("value is not absolute".into())),
        }
    }
}

impl Env for FinalEnv<'_> {
    fn symbol(&self, name: &str, depth: u32) -> Result<Val, EvalErr> {
        let entry = self.syms.get(name).map(|&id| (id, &self.symtab[id]));
        match entry.and_then(|(id, e)| e.def.as_ref().map(|d| (id, d))) {
            None => match self.linker.get(name) {
                Some(&v) => Ok(Val::Abs(v as i64)),
                None => Err(EvalErr::Undefined(pretty(name))),
            },
            Some((_, SymDef::Label(Sec::Discard, _))) => Err(EvalErr::Msg(format!(
                "symbol '{}' is in a discarded section (not loaded by fast32)",
                pretty(name)
            ))),
            Some((_, SymDef::Label(s, o))) => Ok(self.abs(*s, *o)),
            Some((id, SymDef::Equ(e))) => {
                if let Some(r) = self.memo.borrow().get(&id) {
                    return r.clone();
                }
                if self.active.borrow().contains(&id) {
                    return Err(EvalErr::Msg(format!(
                        "circular definition of symbol '{}'",
                        pretty(name)
                    )));
                }
                self.active.borrow_mut().push(id);
                let r = eval(e, self, depth);
                self.active.borrow_mut().pop();
                if !matches!(r, Err(EvalErr::Limit(_))) {
                    self.memo.borrow_mut().insert(id, r.clone());
                }
                r
            }
        }
    }
    fn dot(&self) -> Result<Val, EvalErr> {
        Ok(Val::Abs(self.dot as i64))
    }
    fn loc(&self, sec: Sec, off: u32) -> Val {
        if sec == Sec::Discard {
            return Val::Abs(0);
        }
        self.abs(sec, off)
    }
    fn step(&self) -> Result<(), EvalErr> {
        let n = self.steps.get() + 1;
        self.steps.set(n);
        if n > MAX_EVAL_STEPS {
            return Err(EvalErr::Limit("expression too complex to evaluate".into()));
        }
        Ok(())
    }
}

impl<'o> Asm<'o> {
    pub(crate) fn new(opts: &'o AsmOptions) -> Asm<'o> {
        Asm {
            opts,
            files: Vec::new(),
            diags: Diags::default(),
            syms: HashMap::new(),
            symtab: Vec::new(),
            secs: [SecState::default(); 6],
            cur: Sec::Text,
            prev: Sec::Text,
            sec_stack: Vec::new(),
            items: Vec::new(),
            numlabels: HashMap::new(),
            pending: Vec::new(),
            include_stack: Vec::new(),
            ended: false,
            warned_sections: HashSet::new(),
            warned_data_inst: false,
            section_overflow: false,
        }
    }

    // ----- diagnostics -------------------------------------------------

    fn error(&mut self, loc: Loc, msg: impl Into<String>) {
        self.diags
            .push(&self.files, Severity::Error, Some(loc), msg.into());
    }
    fn warn(&mut self, loc: Loc, msg: impl Into<String>) {
        self.diags
            .push(&self.files, Severity::Warning, Some(loc), msg.into());
    }
    fn global_error(&mut self, msg: impl Into<String>) {
        self.diags
            .push(&self.files, Severity::Error, None, msg.into());
    }
    fn where_(&self, loc: Loc) -> String {
        let f = self
            .files
            .get(loc.file as usize)
            .map(|f| f.name.as_str())
            .unwrap_or("?");
        format!("{f}:{}", loc.line)
    }

    // ----- sources -----------------------------------------------------

    /// Assembles one source text (the main file).
    pub(crate) fn run_source(&mut self, name: &str, text: &str) {
        let idx = self.files.len() as u32;
        self.files
            .push(SourceFile::new(name.to_string(), Rc::from(text)));
        self.process_file(idx);
    }

    /// Reports a problem reading the main file.
    pub(crate) fn file_error(&mut self, name: &str, msg: String) {
        if self.files.is_empty() {
            self.files
                .push(SourceFile::new(name.to_string(), Rc::from("")));
        }
        self.global_error(msg);
    }

    fn process_file(&mut self, fidx: u32) {
        let text = self.files[fidx as usize].text.clone();
        let mut in_block = false;
        let mut last = Loc {
            file: fidx,
            line: 1,
            byte: 0,
        };
        for (i, line) in text.split('\n').enumerate() {
            if self.ended || self.diags.saturated {
                break;
            }
            let line = line.strip_suffix('\r').unwrap_or(line);
            let loc = Loc {
                file: fidx,
                line: i as u32 + 1,
                byte: 0,
            };
            last = loc;
            self.line(loc, line, &mut in_block);
        }
        if in_block {
            self.warn(last, "unterminated /* comment at end of file");
        }
    }

    fn line(&mut self, loc: Loc, line: &str, in_block: &mut bool) {
        let lexed = match lex_line(line, in_block) {
            Ok(l) => l,
            Err(e) => {
                self.error(loc.at(e.pos), e.msg);
                return;
            }
        };
        for (p, w) in lexed.warnings {
            self.warn(loc.at(p), w);
        }
        for stmt in lexed.tokens.split(|t| t.is(Punct::Semi)) {
            if self.ended {
                break;
            }
            if !stmt.is_empty() {
                self.statement(loc, stmt, line.len());
            }
        }
    }

    fn statement(&mut self, loc: Loc, toks: &[Token], end: usize) {
        let mut t = toks;
        while t.len() >= 2 && t[1].is(Punct::Colon) {
            match &t[0].tok {
                Tok::Ident(name) => {
                    let name = name.clone();
                    self.define_label(loc.at(t[0].start), name);
                }
                Tok::Int(n) => self.define_numeric(loc.at(t[0].start), *n),
                _ => break,
            }
            t = &t[2..];
        }
        if t.is_empty() {
            return;
        }
        if t.len() >= 2 && t[1].is(Punct::Assign) {
            if let Some(name) = t[0].ident() {
                let name = name.to_string();
                if let Err((p, m)) = self.set_symbol(loc.at(t[0].start), &name, &t[2..], end) {
                    self.error(loc.at(p), m);
                }
                return;
            }
        }
        let Some(head) = t[0].ident() else {
            self.error(
                loc.at(t[0].start),
                format!(
                    "expected an instruction or directive, found {}",
                    t[0].describe()
                ),
            );
            return;
        };
        let head = head.to_ascii_lowercase();
        let mloc = loc.at(t[0].start);
        let ops = split_operands(&t[1..]);
        let r = if head.starts_with('.') {
            self.directive(mloc, &head, &ops, end)
        } else {
            let r = self.instruction(mloc, &head, &ops, end);
            if r.is_err() && self.cur != Sec::Bss {
                // Keep later addresses close to right, to limit follow-on errors.
                self.advance(mloc, 4, None);
            }
            r
        };
        if let Err((p, m)) = r {
            self.error(loc.at(p), m);
        }
    }

    // ----- symbols -----------------------------------------------------

    fn sym_id(&mut self, name: &str) -> usize {
        if let Some(&id) = self.syms.get(name) {
            return id;
        }
        let id = self.symtab.len();
        self.symtab.push(SymEntry {
            name: name.to_string(),
            ..SymEntry::default()
        });
        self.syms.insert(name.to_string(), id);
        id
    }

    fn check_new_symbol(&mut self, loc: Loc, name: &str) -> R<usize> {
        if name == "." {
            return Err((
                loc.byte as usize,
                "'.' cannot be defined as a symbol".into(),
            ));
        }
        if regs::is_core_register(name) {
            return Err((
                loc.byte as usize,
                format!("'{name}' is a register name and cannot be used as a symbol"),
            ));
        }
        let id = self.sym_id(name);
        if self.symtab[id].def.is_some() {
            let prev = self.symtab[id]
                .def_loc
                .map(|l| format!(" (previously defined at {})", self.where_(l)))
                .unwrap_or_default();
            let what = if matches!(self.symtab[id].def, Some(SymDef::Label(..))) {
                "duplicate label"
            } else {
                "symbol already defined:"
            };
            return Err((
                loc.byte as usize,
                format!("{what} '{}'{prev}", pretty(name)),
            ));
        }
        Ok(id)
    }

    fn define_label(&mut self, loc: Loc, name: String) {
        match self.check_new_symbol(loc, &name) {
            Ok(id) => self.place_label(id, loc),
            Err((p, m)) => self.error(loc.at(p), m),
        }
    }

    fn place_label(&mut self, id: usize, loc: Loc) {
        let off = self.secs[self.cur.idx()].size as u32;
        self.symtab[id].def = Some(SymDef::Label(self.cur, off));
        self.symtab[id].def_loc = Some(loc);
        self.pending.push(id);
    }

    fn define_numeric(&mut self, loc: Loc, n: u64) {
        let k = self.numlabels.entry(n).or_insert(0);
        let name = format!("{n}\u{1}{k}");
        *k += 1;
        let id = self.sym_id(&name);
        self.symtab[id].numeric = true;
        self.place_label(id, loc);
    }

    fn set_symbol(&mut self, loc: Loc, name: &str, toks: &[Token], end: usize) -> R<()> {
        let mut e = self.expr(toks, end)?;
        let off = self.secs[self.cur.idx()].size as u32;
        e.capture_dot(self.cur, off);
        let id = self.check_new_symbol(loc, name)?;
        self.symtab[id].def = Some(SymDef::Equ(e));
        self.symtab[id].def_loc = Some(loc);
        Ok(())
    }

    // ----- operands ----------------------------------------------------

    fn expr(&self, toks: &[Token], end: usize) -> R<Expr> {
        if toks.is_empty() {
            return Err((end, "expected an expression".into()));
        }
        let nl = &self.numlabels;
        let mut resolve = |n: u64, forward: bool| -> Result<String, String> {
            let k = nl.get(&n).copied().unwrap_or(0);
            if forward {
                Ok(format!("{n}\u{1}{k}"))
            } else if k == 0 {
                Err(format!(
                    "'{n}b' refers back to local label '{n}:', which is not defined before it"
                ))
            } else {
                Ok(format!("{n}\u{1}{}", k - 1))
            }
        };
        let op_end = toks.last().map(|t| t.end).unwrap_or(end);
        parse_expr(toks, op_end, &mut resolve).map_err(|e| (e.pos, e.msg))
    }

    fn reg(&self, toks: &[Token], end: usize) -> R<u8> {
        let Some(first) = toks.first() else {
            return Err((end, "expected a register".into()));
        };
        if toks.len() == 1 {
            if let Some(name) = first.ident() {
                if let Some(r) = regs::register(name) {
                    return Ok(r);
                }
                if regs::looks_like_bad_register(name) {
                    return Err((
                        first.start,
                        format!("invalid register '{name}' (registers are r0..r31)"),
                    ));
                }
            }
        }
        Err((
            first.start,
            format!("expected a register, found {}", first.describe()),
        ))
    }

    fn is_reg(toks: &[Token]) -> bool {
        toks.len() == 1 && toks[0].ident().and_then(regs::register).is_some()
    }

    /// A memory operand: `rs1`, `rs1+imm`, `rs1-imm`, `imm(rs1)`, `(rs1)`,
    /// or a bare expression (address relative to r0).
    fn mem(&self, toks: &[Token], end: usize) -> R<(u8, Expr)> {
        let Some(first) = toks.first() else {
            return Err((
                end,
                "expected a memory operand (rs1+imm or imm(rs1))".into(),
            ));
        };
        if let Some(r) = first.ident().and_then(regs::register) {
            if toks.len() == 1 {
                return Ok((r, Expr::Num(0)));
            }
            if toks[1].is(Punct::Plus) || toks[1].is(Punct::Minus) {
                return Ok((r, self.expr(&toks[1..], end)?));
            }
            return Err((
                toks[1].start,
                format!(
                    "expected '+offset' or '-offset' after base register, found {}",
                    toks[1].describe()
                ),
            ));
        }
        let n = toks.len();
        if n >= 3 && toks[n - 1].is(Punct::RParen) && toks[n - 3].is(Punct::LParen) {
            if let Some(name) = toks[n - 2].ident() {
                if regs::register(name).is_some() || regs::looks_like_bad_register(name) {
                    let base = self.reg(&toks[n - 2..n - 1], end)?;
                    let off = if n == 3 {
                        Expr::Num(0)
                    } else {
                        self.expr(&toks[..n - 3], end)?
                    };
                    return Ok((base, off));
                }
            }
        }
        Ok((0, self.expr(toks, end)?))
    }

    fn want(ops: &[&[Token]], counts: &[usize], mn: &str, usage: &str, end: usize) -> R<()> {
        if counts.contains(&ops.len()) {
            return Ok(());
        }
        let pos = if ops.len() > *counts.iter().max().unwrap_or(&0) {
            let i = counts.iter().max().copied().unwrap_or(0);
            ops.get(i)
                .and_then(|o| o.first())
                .map(|t| t.start)
                .unwrap_or(end)
        } else {
            end
        };
        let n = ops.len();
        Err((
            pos,
            format!(
                "'{mn}' expects {usage}, found {n} operand{}",
                if n == 1 { "" } else { "s" }
            ),
        ))
    }

    // ----- emission ----------------------------------------------------

    /// Reserves `size` bytes at the current position, recording `kind`.
    fn advance(&mut self, loc: Loc, size: u64, kind: Option<ItemKind>) {
        let si = self.cur.idx();
        let off = self.secs[si].size;
        if off + size > MAX_SECTION_BYTES {
            if !self.section_overflow {
                self.section_overflow = true;
                let name = self.cur.name();
                self.error(loc, format!("section {name} grows beyond 4 GiB"));
            }
            return;
        }
        if let Some(kind) = kind {
            self.items.push(Item {
                sec: self.cur,
                off: off as u32,
                loc,
                kind,
            });
        }
        self.secs[si].size = off + size;
        self.pending.clear();
    }

    fn emit_bytes(&mut self, loc: Loc, bytes: Vec<u8>) -> R<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        if self.cur == Sec::Bss && bytes.iter().any(|&b| b != 0) {
            return Err((
                loc.byte as usize,
                "initialized (non-zero) data in .bss".into(),
            ));
        }
        let n = bytes.len() as u64;
        self.advance(loc, n, Some(ItemKind::Bytes(bytes)));
        Ok(())
    }

    fn emit_fill(&mut self, loc: Loc, len: u64, byte: u8) -> R<()> {
        if len == 0 {
            return Ok(());
        }
        if self.cur == Sec::Bss && byte != 0 {
            return Err((loc.byte as usize, "non-zero fill in .bss".into()));
        }
        if len > MAX_SECTION_BYTES {
            return Err((loc.byte as usize, format!("size {len} is too large")));
        }
        self.advance(
            loc,
            len,
            Some(ItemKind::Fill {
                len: len as u32,
                byte,
            }),
        );
        Ok(())
    }

    fn emit_insts(&mut self, loc: Loc, insts: Vec<InstSpec>) -> R<()> {
        match self.cur {
            Sec::Bss => {
                return Err((
                    loc.byte as usize,
                    "instructions are not allowed in .bss".into(),
                ))
            }
            Sec::Text | Sec::Discard => {}
            _ => {
                if !self.warned_data_inst {
                    self.warned_data_inst = true;
                    let s = self.cur.name();
                    self.warn(
                        loc,
                        format!("instruction in {s}: it is not executable there (W^X)"),
                    );
                }
            }
        }
        let si = self.cur.idx();
        if self.cur == Sec::Text && !self.secs[si].size.is_multiple_of(4) {
            // Instructions are words: pad, and move labels that were
            // waiting for this instruction onto it.
            let pad = 4 - self.secs[si].size % 4;
            let pending = std::mem::take(&mut self.pending);
            self.advance(
                loc,
                pad,
                Some(ItemKind::Fill {
                    len: pad as u32,
                    byte: 0,
                }),
            );
            let off = self.secs[si].size as u32;
            for id in pending {
                if let Some(SymDef::Label(Sec::Text, _)) = self.symtab[id].def {
                    self.symtab[id].def = Some(SymDef::Label(Sec::Text, off));
                }
            }
        }
        self.secs[si].align = self.secs[si].align.max(4);
        for i in insts {
            self.advance(loc, 4, Some(ItemKind::Inst(i)));
        }
        Ok(())
    }

    fn switch_to(&mut self, sec: Sec) {
        self.prev = self.cur;
        self.cur = sec;
        self.pending.clear();
    }

    fn early(&self, e: &Expr) -> Result<Val, EvalErr> {
        let env = EarlyEnv {
            syms: &self.syms,
            symtab: &self.symtab,
            dot: (self.cur, self.secs[self.cur.idx()].size as u32),
            steps: Cell::new(0),
            active: RefCell::new(Vec::new()),
        };
        eval(e, &env, 0)
    }

    /// A constant needed now (sizes, counts, alignments).
    fn early_const(&self, toks: &[Token], end: usize) -> R<i64> {
        let pos = toks.first().map(|t| t.start).unwrap_or(end);
        let e = self.expr(toks, end)?;
        match self.early(&e) {
            Ok(Val::Abs(v)) => Ok(v),
            Ok(Val::Rel(..)) | Err(EvalErr::NotYet) => Err((pos, EvalErr::NotYet.to_string())),
            Err(e) => Err((pos, e.to_string())),
        }
    }

    fn byte_value(&self, toks: &[Token], end: usize) -> R<u8> {
        let pos = toks.first().map(|t| t.start).unwrap_or(end);
        let v = self.early_const(toks, end)?;
        if !(-128..=255).contains(&v) {
            return Err((pos, format!("fill value {v} does not fit in a byte")));
        }
        Ok(v as u8)
    }

    // ----- instructions ------------------------------------------------

    fn instruction(&mut self, loc: Loc, mn: &str, ops: &[&[Token]], end: usize) -> R<()> {
        use Opcode::*;
        let op_loc = |i: usize| -> Loc {
            ops.get(i)
                .and_then(|o| o.first())
                .map(|t| loc.at(t.start))
                .unwrap_or(loc)
        };
        let rr = |this: &Self, a: usize, b: usize| -> R<(u8, u8)> {
            Ok((this.reg(ops[a], end)?, this.reg(ops[b], end)?))
        };
        let mut iloc = loc;
        let insts: Vec<InstSpec> = match mn {
            "li" => {
                Self::want(ops, &[2], mn, "2 operands (rd, imm)", end)?;
                let rd = self.reg(ops[0], end)?;
                let e = self.expr(ops[1], end)?;
                iloc = op_loc(1);
                match self.early(&e) {
                    Ok(Val::Abs(v)) => {
                        if !(-(1i64 << 31)..=u32::MAX as i64).contains(&v) {
                            return Err((
                                iloc.byte as usize,
                                format!("li: value {v} does not fit in 32 bits"),
                            ));
                        }
                        let v32 = v as u32 as i32 as i64;
                        if (-2048..=2047).contains(&v32) {
                            vec![ins(Addi, rd, 0, 0, Imm::Plain(Expr::Num(v32)))]
                        } else {
                            vec![
                                ins(Lui, rd, 0, 0, Imm::Upper(Expr::Num(expr::hi20(v32)))),
                                ins(Addi, rd, rd, 0, Imm::Plain(Expr::Num(expr::lo12(v32)))),
                            ]
                        }
                    }
                    _ => vec![
                        ins(Lui, rd, 0, 0, Imm::LiHi(e.clone())),
                        ins(Addi, rd, rd, 0, Imm::LiLo(e)),
                    ],
                }
            }
            "la" => {
                Self::want(ops, &[2], mn, "2 operands (rd, symbol)", end)?;
                let rd = self.reg(ops[0], end)?;
                let e = self.expr(ops[1], end)?;
                iloc = op_loc(1);
                vec![
                    ins(Lui, rd, 0, 0, Imm::LiHi(e.clone())),
                    ins(Addi, rd, rd, 0, Imm::LiLo(e)),
                ]
            }
            "mv" | "neg" | "seqz" | "snez" | "sltz" | "sgtz" | "not" => {
                Self::want(ops, &[2], mn, "2 operands (rd, rs)", end)?;
                let (rd, rs) = rr(self, 0, 1)?;
                match mn {
                    "mv" => vec![ins(Add, rd, rs, 0, Imm::None)],
                    "neg" => vec![ins(Sub, rd, 0, rs, Imm::None)],
                    "seqz" => vec![ins(Seq, rd, rs, 0, Imm::None)],
                    "snez" => vec![ins(Sne, rd, rs, 0, Imm::None)],
                    "sltz" => vec![ins(Slt, rd, rs, 0, Imm::None)],
                    "sgtz" => vec![ins(Slt, rd, 0, rs, Imm::None)],
                    // XORI zero-extends, so ~rs is computed as -rs - 1.
                    _ => vec![
                        ins(Sub, rd, 0, rs, Imm::None),
                        ins(Addi, rd, rd, 0, Imm::Plain(Expr::Num(-1))),
                    ],
                }
            }
            "nop" => {
                Self::want(ops, &[0], mn, "no operands", end)?;
                // As the reference assembler: ADD r0, r0, r0 (word 0).
                vec![ins(Add, 0, 0, 0, Imm::None)]
            }
            "ret" => {
                Self::want(ops, &[0], mn, "no operands", end)?;
                vec![ins(Jalr, 0, 31, 0, Imm::Plain(Expr::Num(0)))]
            }
            "jr" => {
                Self::want(ops, &[1, 2], mn, "1 operand (rs) or 2 (rs, imm)", end)?;
                let rs = self.reg(ops[0], end)?;
                let imm = match ops.get(1) {
                    Some(o) => {
                        iloc = op_loc(1);
                        self.expr(o, end)?
                    }
                    None => Expr::Num(0),
                };
                vec![ins(Jalr, 0, rs, 0, Imm::Plain(imm))]
            }
            "j" | "call" | "tail" => {
                Self::want(ops, &[1], mn, "1 operand (target)", end)?;
                let rd = if mn == "call" { 31 } else { 0 };
                iloc = op_loc(0);
                vec![ins(Jal, rd, 0, 0, Imm::Target(self.expr(ops[0], end)?))]
            }
            "jalr" => {
                Self::want(
                    ops,
                    &[1, 2, 3],
                    mn,
                    "rs | rd, rs1[+imm] | rd, rs1, imm",
                    end,
                )?;
                match ops.len() {
                    1 => vec![ins(
                        Jalr,
                        31,
                        self.reg(ops[0], end)?,
                        0,
                        Imm::Plain(Expr::Num(0)),
                    )],
                    2 => {
                        let rd = self.reg(ops[0], end)?;
                        iloc = op_loc(1);
                        let (rs1, e) = self.mem(ops[1], end)?;
                        vec![ins(Jalr, rd, rs1, 0, Imm::Plain(e))]
                    }
                    _ => {
                        let (rd, rs1) = rr(self, 0, 1)?;
                        iloc = op_loc(2);
                        vec![ins(Jalr, rd, rs1, 0, Imm::Plain(self.expr(ops[2], end)?))]
                    }
                }
            }
            "bgt" | "ble" | "bgtu" | "bleu" => {
                Self::want(ops, &[3], mn, "3 operands (rs1, rs2, target)", end)?;
                let (a, b) = rr(self, 0, 1)?;
                iloc = op_loc(2);
                let t = Imm::Target(self.expr(ops[2], end)?);
                let op = match mn {
                    "bgt" => Blt,
                    "ble" => Bge,
                    "bgtu" => Bltu,
                    _ => Bgeu,
                };
                vec![ins(op, 0, b, a, t)]
            }
            "beqz" | "bnez" | "bltz" | "bgez" | "blez" | "bgtz" => {
                Self::want(ops, &[2], mn, "2 operands (rs, target)", end)?;
                let rs = self.reg(ops[0], end)?;
                iloc = op_loc(1);
                let t = Imm::Target(self.expr(ops[1], end)?);
                let (op, a, b) = match mn {
                    "beqz" => (Beq, rs, 0),
                    "bnez" => (Bne, rs, 0),
                    "bltz" => (Blt, rs, 0),
                    "bgez" => (Bge, rs, 0),
                    "blez" => (Bge, 0, rs),
                    _ => (Blt, 0, rs),
                };
                vec![ins(op, 0, a, b, t)]
            }
            _ => {
                let Some(op) = Opcode::from_mnemonic(mn) else {
                    return Err((loc.byte as usize, format!("unknown instruction '{mn}'")));
                };
                let (spec, l) = self.native(loc, op, mn, ops, end)?;
                if let Some(l) = l {
                    iloc = l;
                }
                let (prd, prs1, prs2) = pair_operands(op);
                for (is_pair, r, which) in [
                    (prd, spec.rd, "rd"),
                    (prs1, spec.rs1, "rs1"),
                    (prs2, spec.rs2, "rs2"),
                ] {
                    if is_pair && r % 2 == 1 {
                        self.warn(
                            loc,
                            format!(
                                "{mn}: {which} r{r} is odd; a 64-bit operand is the register pair (rN, rN+1) and N must be even"
                            ),
                        );
                    }
                }
                vec![spec]
            }
        };
        self.emit_insts(iloc, insts)
    }

    /// A native instruction by its format. Returns the location of the
    /// immediate operand, for range errors.
    fn native(
        &self,
        loc: Loc,
        op: Opcode,
        mn: &str,
        ops: &[&[Token]],
        end: usize,
    ) -> R<(InstSpec, Option<Loc>)> {
        let at = |i: usize| -> Option<Loc> {
            ops.get(i).and_then(|o| o.first()).map(|t| loc.at(t.start))
        };
        let reg = |i: usize| self.reg(ops[i], end);
        Ok(match op.format() {
            Format::R => {
                Self::want(ops, &[3], mn, "3 operands (rd, rs1, rs2)", end)?;
                (ins(op, reg(0)?, reg(1)?, reg(2)?, Imm::None), None)
            }
            Format::R2 => {
                Self::want(ops, &[2, 3], mn, "2 operands (rd, rs1)", end)?;
                if ops.len() == 3 {
                    reg(2)?; // accepted and ignored, as compiler output writes it
                }
                (ins(op, reg(0)?, reg(1)?, 0, Imm::None), None)
            }
            Format::R1 => {
                Self::want(ops, &[1], mn, "1 operand (rs1)", end)?;
                (ins(op, 0, reg(0)?, 0, Imm::None), None)
            }
            Format::Rcmp => {
                Self::want(ops, &[2], mn, "2 operands (rs1, rs2)", end)?;
                (ins(op, 0, reg(0)?, reg(1)?, Imm::None), None)
            }
            Format::I if op.is_load() => {
                Self::want(
                    ops,
                    &[2, 3],
                    mn,
                    "2 operands (rd, rs1+imm) or 3 (rd, rs1, imm)",
                    end,
                )?;
                let rd = reg(0)?;
                if ops.len() == 2 {
                    let (rs1, e) = self.mem(ops[1], end)?;
                    (ins(op, rd, rs1, 0, Imm::Plain(e)), at(1))
                } else {
                    (
                        ins(op, rd, reg(1)?, 0, Imm::Plain(self.expr(ops[2], end)?)),
                        at(2),
                    )
                }
            }
            Format::I | Format::Iz => {
                Self::want(ops, &[3], mn, "3 operands (rd, rs1, imm)", end)?;
                (
                    ins(op, reg(0)?, reg(1)?, 0, Imm::Plain(self.expr(ops[2], end)?)),
                    at(2),
                )
            }
            Format::S => {
                Self::want(
                    ops,
                    &[2, 3],
                    mn,
                    "rs1+imm, rs2 | rs2, imm(rs1) | rs1, rs2, imm",
                    end,
                )?;
                if ops.len() == 3 {
                    let (base, data) = (reg(0)?, reg(1)?);
                    (
                        ins(op, 0, base, data, Imm::Plain(self.expr(ops[2], end)?)),
                        at(2),
                    )
                } else if Self::is_reg(ops[1]) {
                    let (base, e) = self.mem(ops[0], end)?;
                    (ins(op, 0, base, reg(1)?, Imm::Plain(e)), at(0))
                } else {
                    let data = reg(0)?;
                    let (base, e) = self.mem(ops[1], end)?;
                    (ins(op, 0, base, data, Imm::Plain(e)), at(1))
                }
            }
            Format::B => {
                Self::want(ops, &[3], mn, "3 operands (rs1, rs2, target)", end)?;
                (
                    ins(
                        op,
                        0,
                        reg(0)?,
                        reg(1)?,
                        Imm::Target(self.expr(ops[2], end)?),
                    ),
                    at(2),
                )
            }
            Format::U => {
                Self::want(ops, &[2], mn, "2 operands (rd, imm20)", end)?;
                (
                    ins(op, reg(0)?, 0, 0, Imm::Upper(self.expr(ops[1], end)?)),
                    at(1),
                )
            }
            Format::J => {
                Self::want(
                    ops,
                    &[1, 2],
                    mn,
                    "1 operand (target) or 2 (rd, target)",
                    end,
                )?;
                // `jal target` links lr, as the reference assembler does.
                let (rd, t) = if ops.len() == 1 {
                    (31, 0)
                } else {
                    (reg(0)?, 1)
                };
                (
                    ins(op, rd, 0, 0, Imm::Target(self.expr(ops[t], end)?)),
                    at(t),
                )
            }
            Format::N => {
                if op != Opcode::Yield {
                    Self::want(ops, &[0], mn, "no operands", end)?;
                }
                // `yield r0, r0, 0` appears in real sources; YIELD has no
                // operands, so anything written after it is ignored.
                (ins(op, 0, 0, 0, Imm::None), None)
            }
        })
    }

    // ----- directives --------------------------------------------------

    fn directive(&mut self, loc: Loc, name: &str, ops: &[&[Token]], end: usize) -> R<()> {
        let first_pos = |i: usize| {
            ops.get(i)
                .and_then(|o| o.first())
                .map(|t| t.start)
                .unwrap_or(end)
        };
        let ident_op = |i: usize, what: &str| -> R<String> {
            match ops.get(i) {
                Some(o) if o.len() == 1 => match &o[0].tok {
                    Tok::Ident(s) => Ok(s.clone()),
                    Tok::NumLabel { .. }
                    | Tok::Int(_)
                    | Tok::Float(_)
                    | Tok::Str(_)
                    | Tok::P(_) => Err((
                        o[0].start,
                        format!("expected {what}, found {}", o[0].describe()),
                    )),
                },
                Some(o) if !o.is_empty() => Err((o[0].start, format!("expected {what}"))),
                _ => Err((first_pos(i), format!("expected {what}"))),
            }
        };
        match name {
            ".text" | ".code" => self.switch_to(Sec::Text),
            ".data" => self.switch_to(Sec::Data),
            ".bss" => self.switch_to(Sec::Bss),
            ".rodata" => self.switch_to(Sec::Rodata),
            ".section" | ".pushsection" => {
                let Some(o) = ops.first().filter(|o| !o.is_empty()) else {
                    return Err((end, format!("{name} needs a section name")));
                };
                let sec_name = match &o[0].tok {
                    Tok::Str(s) => String::from_utf8_lossy(s).into_owned(),
                    _ => {
                        let line = self.files[loc.file as usize].line(loc.line).unwrap_or("");
                        line.get(o[0].start..o[o.len() - 1].end).unwrap_or("").to_string()
                    }
                };
                let sec = self.classify_section(loc.at(o[0].start), &sec_name);
                if name == ".pushsection" {
                    self.sec_stack.push((self.cur, self.prev));
                }
                self.switch_to(sec);
            }
            ".popsection" => match self.sec_stack.pop() {
                Some((c, p)) => {
                    self.cur = c;
                    self.prev = p;
                    self.pending.clear();
                }
                None => return Err((loc.byte as usize, ".popsection without .pushsection".into())),
            },
            ".previous" => {
                let p = self.prev;
                self.switch_to(p);
            }
            ".globl" | ".global" | ".weak" | ".local" => {
                if ops.is_empty() {
                    return Err((end, format!("{name} needs a symbol name")));
                }
                for i in 0..ops.len() {
                    let s = ident_op(i, "a symbol name")?;
                    let id = self.sym_id(&s);
                    let e = &mut self.symtab[id];
                    match name {
                        ".weak" => e.binding = 2,
                        ".local" => e.binding = 0,
                        _ => {
                            if e.binding != 2 {
                                e.binding = 1
                            }
                        }
                    }
                    if name != ".local" && e.global_loc.is_none() {
                        e.global_loc = Some(loc);
                    }
                }
            }
            ".hidden" | ".protected" | ".internal" => {}
            ".type" => {
                Self::want(ops, &[2], name, "2 operands (symbol, @function|@object)", end)?;
                let s = ident_op(0, "a symbol name")?;
                let kind_tok = ops[1].iter().rev().find_map(|t| t.ident().map(str::to_ascii_lowercase));
                let kind = match kind_tok.as_deref() {
                    Some("function" | "stt_func" | "gnu_indirect_function") => s32x::SYM_FUNC,
                    Some("object" | "stt_object" | "tls_object" | "common") => s32x::SYM_OBJECT,
                    Some("notype" | "stt_notype") => 0,
                    _ => {
                        return Err((
                            first_pos(1),
                            "expected a symbol type (@function, @object, @notype)".into(),
                        ))
                    }
                };
                let id = self.sym_id(&s);
                self.symtab[id].kind = kind;
            }
            ".size" => {
                Self::want(ops, &[2], name, "2 operands (symbol, size)", end)?;
                let s = ident_op(0, "a symbol name")?;
                let e = self.expr(ops[1], end)?;
                let mut e = e;
                let off = self.secs[self.cur.idx()].size as u32;
                e.capture_dot(self.cur, off);
                let id = self.sym_id(&s);
                self.symtab[id].size = Some((e, loc.at(first_pos(1))));
            }
            ".equ" | ".set" | ".equiv" | ".eqv" => {
                Self::want(ops, &[2], name, "2 operands (symbol, value)", end)?;
                let s = ident_op(0, "a symbol name")?;
                self.set_symbol(loc.at(first_pos(0)), &s, ops[1], end)?;
            }
            ".byte" => self.data(loc, ops, 1, end)?,
            ".half" | ".short" | ".hword" | ".2byte" => self.data(loc, ops, 2, end)?,
            ".word" | ".long" | ".int" | ".4byte" => self.data(loc, ops, 4, end)?,
            ".quad" | ".dword" | ".8byte" => self.data(loc, ops, 8, end)?,
            ".ascii" | ".asciz" | ".string" => {
                if ops.is_empty() {
                    return Err((end, format!("{name} needs a string")));
                }
                for o in ops {
                    let mut bytes = match o {
                        [Token { tok: Tok::Str(s), .. }] => s.clone(),
                        _ => {
                            let p = o.first().map(|t| t.start).unwrap_or(end);
                            return Err((p, format!("{name} expects string literals")));
                        }
                    };
                    if name != ".ascii" {
                        bytes.push(0);
                    }
                    let l = loc.at(o[0].start);
                    self.emit_bytes(l, bytes)?;
                }
            }
            ".zero" | ".space" | ".skip" => {
                Self::want(ops, &[1, 2], name, "a size and an optional fill byte", end)?;
                let n = self.early_const(ops[0], end)?;
                if n < 0 {
                    return Err((first_pos(0), format!("{name} size {n} is negative")));
                }
                let fill = match ops.get(1) {
                    Some(o) => self.byte_value(o, end)?,
                    None => 0,
                };
                self.emit_fill(loc, n as u64, fill)?;
            }
            ".fill" => {
                Self::want(ops, &[1, 2, 3], name, "repeat[, size[, value]]", end)?;
                let repeat = self.early_const(ops[0], end)?;
                let size = match ops.get(1) {
                    Some(o) if !o.is_empty() => self.early_const(o, end)?,
                    _ => 1,
                };
                let value = match ops.get(2) {
                    Some(o) => self.early_const(o, end)?,
                    None => 0,
                };
                if repeat < 0 {
                    return Err((first_pos(0), format!(".fill repeat count {repeat} is negative")));
                }
                if !(0..=8).contains(&size) {
                    return Err((first_pos(1), format!(".fill size {size} must be 0..8")));
                }
                let total = (repeat as u64).saturating_mul(size as u64);
                if value == 0 {
                    self.emit_fill(loc, total, 0)?;
                } else {
                    if total > MAX_FILL_BYTES {
                        return Err((first_pos(0), format!(".fill of {total} non-zero bytes is too large")));
                    }
                    let unit = &value.to_le_bytes()[..size as usize];
                    let bytes: Vec<u8> = unit.iter().copied().cycle().take(total as usize).collect();
                    self.emit_bytes(loc, bytes)?;
                }
            }
            ".align" | ".p2align" | ".balign" => {
                Self::want(ops, &[0, 1, 2, 3], name, "alignment[, fill[, max]]", end)?;
                let pow2 = name != ".balign";
                let a = match ops.first() {
                    Some(o) => self.early_const(o, end)?,
                    None if pow2 => 2,
                    None => 4,
                };
                let bytes = if pow2 {
                    if !(0..=12).contains(&a) {
                        return Err((first_pos(0), format!("{name} {a}: power of two must be 0..12 (at most 4096 bytes)")));
                    }
                    1u64 << a
                } else {
                    if a <= 0 || a > 4096 || (a & (a - 1)) != 0 {
                        return Err((first_pos(0), format!(".balign {a}: must be a power of two from 1 to 4096")));
                    }
                    a as u64
                };
                let fill = match ops.get(1) {
                    Some(o) if !o.is_empty() => self.byte_value(o, end)?,
                    _ => 0,
                };
                let max = match ops.get(2) {
                    Some(o) if !o.is_empty() => Some(self.early_const(o, end)?),
                    _ => None,
                };
                self.align_to(loc, bytes, fill, max)?;
            }
            ".org" => {
                Self::want(ops, &[1, 2], name, "an offset and an optional fill byte", end)?;
                let target = self.early_const(ops[0], end)?;
                let fill = match ops.get(1) {
                    Some(o) => self.byte_value(o, end)?,
                    None => 0,
                };
                let cur = self.secs[self.cur.idx()].size as i64;
                if target < cur {
                    return Err((first_pos(0), format!(".org {target} moves backwards (section offset is already {cur})")));
                }
                self.emit_fill(loc, (target - cur) as u64, fill)?;
            }
            ".uleb128" | ".sleb128" => {
                if ops.is_empty() {
                    return Err((end, format!("{name} needs a value")));
                }
                let signed = name == ".sleb128";
                for o in ops {
                    let e = self.expr(o, end)?;
                    let l = loc.at(o[0].start);
                    match self.early(&e) {
                        Ok(Val::Abs(v)) => {
                            if !signed && v < 0 {
                                return Err((o[0].start, format!(".uleb128 value {v} is negative")));
                            }
                            let b = if signed { sleb(v, 1) } else { uleb(v as u64, 1) };
                            self.emit_bytes(l, b)?;
                        }
                        Ok(Val::Rel(..)) | Err(EvalErr::NotYet) => {
                            if self.cur == Sec::Bss {
                                return Err((o[0].start, "initialized data in .bss".into()));
                            }
                            self.advance(l, 5, Some(ItemKind::Leb { signed, expr: e, len: 5 }));
                        }
                        Err(err) => return Err((o[0].start, err.to_string())),
                    }
                }
            }
            ".float" | ".single" | ".double" => {
                if ops.is_empty() {
                    return Err((end, format!("{name} needs a value")));
                }
                for o in ops {
                    let v = Self::float_value(o, end)?;
                    let bytes = if name == ".double" {
                        v.to_le_bytes().to_vec()
                    } else {
                        (v as f32).to_le_bytes().to_vec()
                    };
                    self.emit_bytes(loc.at(o[0].start), bytes)?;
                }
            }
            ".comm" | ".lcomm" => {
                Self::want(ops, &[2, 3], name, "symbol, size[, alignment]", end)?;
                let s = ident_op(0, "a symbol name")?;
                let size = self.early_const(ops[1], end)?;
                if size < 0 {
                    return Err((first_pos(1), format!("{name} size {size} is negative")));
                }
                let align = match ops.get(2) {
                    Some(o) => self.early_const(o, end)?,
                    // Natural alignment for small objects, word alignment otherwise.
                    None => match size {
                        0 | 1 => 1,
                        2 | 3 => 2,
                        _ => 4,
                    },
                };
                if align <= 0 || align > 4096 || (align & (align - 1)) != 0 {
                    return Err((first_pos(2), format!("{name} alignment {align} must be a power of two up to 4096")));
                }
                let id = self.check_new_symbol(loc.at(first_pos(0)), &s)?;
                let bss = &mut self.secs[Sec::Bss.idx()];
                let off = bss.size.div_ceil(align as u64) * align as u64;
                if off + size as u64 > MAX_SECTION_BYTES {
                    return Err((first_pos(1), format!("{name} size {size} is too large")));
                }
                bss.size = off + size as u64;
                bss.align = bss.align.max(align as u64);
                let e = &mut self.symtab[id];
                e.def = Some(SymDef::Label(Sec::Bss, off as u32));
                e.def_loc = Some(loc);
                if name == ".comm" && e.binding == 0 {
                    e.binding = 1;
                }
                e.kind = s32x::SYM_OBJECT;
                e.size = Some((Expr::Num(size), loc));
            }
            ".include" => {
                let path = Self::string_op(ops, 0, name, end)?;
                Self::want(ops, &[1], name, "a file name", end)?;
                self.include(loc, &path)?;
            }
            ".incbin" => {
                Self::want(ops, &[1, 2, 3], name, "\"file\"[, skip[, count]]", end)?;
                let path = Self::string_op(ops, 0, name, end)?;
                let skip = match ops.get(1) {
                    Some(o) => self.early_const(o, end)?,
                    None => 0,
                };
                let count = match ops.get(2) {
                    Some(o) => Some(self.early_const(o, end)?),
                    None => None,
                };
                let data = self.read_included(loc, &path)?.1;
                let skip = skip.clamp(0, data.len() as i64) as usize;
                let rest = &data[skip..];
                let n = count.map(|c| c.clamp(0, rest.len() as i64) as usize).unwrap_or(rest.len());
                self.emit_bytes(loc, rest[..n].to_vec())?;
            }
            ".end" => self.ended = true,
            // Metadata the compilers emit that has no effect on the image.
            ".file" | ".ident" | ".loc" | ".addrsig" | ".addrsig_sym" | ".attribute" | ".option" | ".arch"
            | ".stabs" | ".stabn" | ".stabd" | ".reference" | ".note" | ".sleb128_placeholder" => {}
            _ if name.starts_with(".cfi_") || name.starts_with(".cv_") => {}
            ".macro" | ".endm" | ".rept" | ".irp" | ".irpc" | ".endr" | ".if" | ".ifdef" | ".ifndef" | ".else"
            | ".elseif" | ".endif" => {
                return Err((
                    loc.byte as usize,
                    format!("unsupported directive '{name}': fast32-asm has no macro or conditional processor"),
                ))
            }
            _ => return Err((loc.byte as usize, format!("unknown directive '{name}'"))),
        }
        Ok(())
    }

    fn string_op(ops: &[&[Token]], i: usize, name: &str, end: usize) -> R<String> {
        match ops.get(i) {
            Some(
                [Token {
                    tok: Tok::Str(s), ..
                }],
            ) => Ok(String::from_utf8_lossy(s).into_owned()),
            Some(o) if !o.is_empty() => {
                Err((o[0].start, format!("{name} expects a quoted file name")))
            }
            _ => Err((end, format!("{name} expects a quoted file name"))),
        }
    }

    fn float_value(toks: &[Token], end: usize) -> R<f64> {
        let pos = toks.first().map(|t| t.start).unwrap_or(end);
        let mut neg = false;
        let mut i = 0;
        while i < toks.len() && (toks[i].is(Punct::Minus) || toks[i].is(Punct::Plus)) {
            neg ^= toks[i].is(Punct::Minus);
            i += 1;
        }
        let v = match toks.get(i..) {
            Some([t]) => match &t.tok {
                Tok::Float(v) => *v,
                Tok::Int(v) => *v as f64,
                Tok::Ident(s) => match s.to_ascii_lowercase().as_str() {
                    "inf" | "infinity" => f64::INFINITY,
                    "nan" => f64::NAN,
                    _ => {
                        return Err((
                            t.start,
                            format!("expected a floating-point number, found '{s}'"),
                        ))
                    }
                },
                _ => {
                    return Err((
                        t.start,
                        format!("expected a floating-point number, found {}", t.describe()),
                    ))
                }
            },
            _ => return Err((pos, "expected a floating-point number".into())),
        };
        Ok(if neg { -v } else { v })
    }

    fn data(&mut self, loc: Loc, ops: &[&[Token]], width: u8, end: usize) -> R<()> {
        for o in ops {
            if o.is_empty() {
                return Err((end, "empty operand".into()));
            }
            let l = loc.at(o[0].start);
            if let [Token {
                tok: Tok::Str(s), ..
            }] = o
            {
                if width == 1 {
                    self.emit_bytes(l, s.clone())?;
                    continue;
                }
                return Err((
                    o[0].start,
                    "strings are only allowed in .byte, .ascii, .asciz and .string".into(),
                ));
            }
            let e = self.expr(o, end)?;
            if self.cur == Sec::Bss {
                if let Ok(Val::Abs(0)) = self.early(&e) {
                    self.advance(l, width as u64, None);
                    continue;
                }
                return Err((o[0].start, "initialized (non-zero) data in .bss".into()));
            }
            self.advance(l, width as u64, Some(ItemKind::Data { width, expr: e }));
        }
        Ok(())
    }

    fn align_to(&mut self, loc: Loc, bytes: u64, fill: u8, max: Option<i64>) -> R<()> {
        let si = self.cur.idx();
        let off = self.secs[si].size;
        let pad = (bytes - off % bytes) % bytes;
        if max.is_some_and(|m| (pad as i64) > m) {
            return Ok(());
        }
        self.secs[si].align = self.secs[si].align.max(bytes);
        let fill = if self.cur == Sec::Bss { 0 } else { fill };
        self.emit_fill(loc, pad, fill)
    }

    fn classify_section(&mut self, loc: Loc, name: &str) -> Sec {
        let has = |p: &str| name == p || name.starts_with(&format!("{p}."));
        if has(".text") {
            Sec::Text
        } else if has(".rodata")
            || has(".srodata")
            || name.starts_with(".fpc")
            || has(".gcc_except_table")
            // s32-ld loads debug sections as rodata; doing the same keeps
            // every address equal to the reference toolchain's.
            || name.starts_with(".debug")
        {
            Sec::Rodata
        } else if has(".data") || has(".sdata") {
            Sec::Data
        } else if has(".bss") || has(".sbss") {
            Sec::Bss
        } else if has(".init_array") || has(".ctors") {
            Sec::InitArray
        } else {
            let quiet =
                name.starts_with(".note") || name == ".comment" || name.starts_with(".llvm");
            if !quiet && self.warned_sections.insert(name.to_string()) {
                self.warn(
                    loc,
                    format!("section '{name}' is not loaded by fast32; its contents are discarded"),
                );
            }
            Sec::Discard
        }
    }

    fn read_included(&mut self, loc: Loc, path: &str) -> R<(PathBuf, Vec<u8>)> {
        if !self.opts.allow_include {
            return Err((
                loc.byte as usize,
                "file inclusion is disabled (AsmOptions::allow_include)".into(),
            ));
        }
        let p = Path::new(path);
        let mut candidates = Vec::new();
        if p.is_absolute() {
            candidates.push(p.to_path_buf());
        } else {
            let cur = &self.files[loc.file as usize].name;
            let dir = Path::new(cur).parent().unwrap_or(Path::new(""));
            candidates.push(dir.join(p));
            for d in &self.opts.include_dirs {
                candidates.push(d.join(p));
            }
        }
        for c in &candidates {
            if c.is_file() {
                return match std::fs::read(c) {
                    Ok(d) => Ok((c.clone(), d)),
                    Err(e) => Err((
                        loc.byte as usize,
                        format!("cannot read '{}': {e}", c.display()),
                    )),
                };
            }
        }
        Err((
            loc.byte as usize,
            format!(
                "cannot find '{path}' (looked in: {})",
                candidates
                    .iter()
                    .map(|c| c.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ))
    }

    fn include(&mut self, loc: Loc, path: &str) -> R<()> {
        let (found, data) = self.read_included(loc, path)?;
        let canon = found.canonicalize().unwrap_or_else(|_| found.clone());
        if self.include_stack.contains(&canon) {
            return Err((loc.byte as usize, format!("'{path}' includes itself")));
        }
        if self.include_stack.len() >= MAX_INCLUDE_DEPTH {
            return Err((
                loc.byte as usize,
                format!("includes nested more than {MAX_INCLUDE_DEPTH} deep"),
            ));
        }
        let text = String::from_utf8(data).map_err(|e| {
            (
                loc.byte as usize,
                format!(
                    "'{path}' is not valid UTF-8 (byte {})",
                    e.utf8_error().valid_up_to()
                ),
            )
        })?;
        let idx = self.files.len() as u32;
        self.files
            .push(SourceFile::new(found.display().to_string(), Rc::from(text)));
        self.include_stack.push(canon);
        let saved = std::mem::take(&mut self.pending);
        self.process_file(idx);
        self.pending = saved;
        self.include_stack.pop();
        Ok(())
    }

    // ----- pass 2 ------------------------------------------------------

    pub(crate) fn finish(mut self) -> Result<Output, AsmError> {
        let size: [u64; 6] = std::array::from_fn(|i| self.secs[i].size);
        let align: [u64; 6] = std::array::from_fn(|i| self.secs[i].align);
        let layout = match layout::compute(&size, &align, self.opts) {
            Ok(l) => Some(l),
            Err(errs) => {
                for e in errs {
                    self.global_error(e);
                }
                None
            }
        };
        let mut image = None;
        if let Some(layout) = &layout {
            image = self.pass2(layout);
        }
        if self.diags.errors > 0 {
            return Err(AsmError {
                diagnostics: self.diags.list,
            });
        }
        match image {
            Some(image) => Ok(Output {
                image,
                warnings: self.diags.list,
            }),
            None => Err(AsmError {
                diagnostics: self.diags.list,
            }),
        }
    }

    fn pass2(&mut self, layout: &Layout) -> Option<Image> {
        let opts = self.opts;
        let linker: HashMap<&'static str, u32> =
            layout::linker_symbols(layout, opts).into_iter().collect();
        let memo = RefCell::new(HashMap::new());
        let env = FinalEnv {
            syms: &self.syms,
            symtab: &self.symtab,
            layout,
            linker: &linker,
            memo: &memo,
            dot: 0,
            steps: Cell::new(0),
            active: RefCell::new(Vec::new()),
        };
        let mut out: Vec<(Severity, Loc, String)> = Vec::new();
        let loaded = [Sec::Text, Sec::Rodata, Sec::Data, Sec::InitArray];
        let mut bufs: Vec<Vec<u8>> = loaded
            .iter()
            .map(|s| {
                if self.diags.errors == 0 {
                    vec![0u8; self.secs[s.idx()].size as usize]
                } else {
                    Vec::new()
                }
            })
            .collect();
        let mut put = |sec: Sec, off: u32, bytes: &[u8]| {
            if let Some(i) = loaded.iter().position(|&s| s == sec) {
                let off = off as usize;
                if let Some(dst) = bufs[i].get_mut(off..off + bytes.len()) {
                    dst.copy_from_slice(bytes);
                }
            }
        };

        for item in &self.items {
            if item.sec == Sec::Discard {
                continue;
            }
            if out.len() + self.diags.errors > 200 {
                break;
            }
            let addr = layout.base[item.sec.idx()].wrapping_add(item.off);
            let ienv = env.at(addr);
            match &item.kind {
                ItemKind::Inst(spec) => {
                    match Self::encode_inst(&ienv, spec, addr, &mut out, item.loc) {
                        Ok(w) => put(item.sec, item.off, &w.to_le_bytes()),
                        Err(m) => out.push((Severity::Error, item.loc, m)),
                    }
                }
                ItemKind::Data { width, expr } => {
                    match ienv.value(expr) {
                        Ok(v) => {
                            let (lo, hi, what) = match width {
                                1 => (-128, 255, ".byte"),
                                2 => (-32768, 65535, ".half"),
                                4 => (-(1i64 << 31), u32::MAX as i64, ".word"),
                                _ => (i64::MIN, i64::MAX, ".quad"),
                            };
                            if !(lo..=hi).contains(&v) {
                                out.push((Severity::Error, item.loc, format!("value {v} (0x{v:X}) does not fit in {what} ({width} byte{})", if *width == 1 { "" } else { "s" })));
                            } else {
                                put(item.sec, item.off, &v.to_le_bytes()[..*width as usize]);
                            }
                        }
                        Err(e) => out.push((Severity::Error, item.loc, e.to_string())),
                    }
                }
                ItemKind::Bytes(b) => put(item.sec, item.off, b),
                ItemKind::Fill { len, byte } => {
                    if *byte != 0 {
                        put(item.sec, item.off, &vec![*byte; *len as usize]);
                    }
                }
                ItemKind::Leb { signed, expr, len } => match ienv.value(expr) {
                    Ok(v) => {
                        let n = *len as usize;
                        let b = if *signed {
                            sleb(v, n)
                        } else if v < 0 {
                            Vec::new()
                        } else {
                            uleb(v as u64, n)
                        };
                        if b.len() != n {
                            out.push((Severity::Error, item.loc, format!("value {v} does not fit in the {n} bytes reserved for this LEB128 (it was not known when the size was chosen)")));
                        } else {
                            put(item.sec, item.off, &b);
                        }
                    }
                    Err(e) => out.push((Severity::Error, item.loc, e.to_string())),
                },
            }
        }

        // Symbol definitions that were never used still deserve checking.
        let mut sym_sizes: HashMap<usize, u32> = HashMap::new();
        for (id, s) in self.symtab.iter().enumerate() {
            if let (Some(SymDef::Equ(e)), Some(l)) = (&s.def, s.def_loc) {
                if let Err(err) = env.at(0).value(e) {
                    out.push((
                        Severity::Error,
                        l,
                        format!("in the definition of '{}': {err}", pretty(&s.name)),
                    ));
                }
            }
            if let Some((e, l)) = &s.size {
                match env.at(0).value(e) {
                    Ok(v) if (0..=u32::MAX as i64).contains(&v) => {
                        sym_sizes.insert(id, v as u32);
                    }
                    Ok(v) => out.push((
                        Severity::Error,
                        *l,
                        format!(".size of '{}' is {v}, not a valid size", s.name),
                    )),
                    Err(err) => out.push((Severity::Error, *l, err.to_string())),
                }
            }
            if s.def.is_none()
                && !s.numeric
                && s.binding != 0
                && !linker.contains_key(s.name.as_str())
            {
                if let Some(l) = s.global_loc {
                    out.push((
                        Severity::Warning,
                        l,
                        format!("symbol '{}' is declared global but never defined", s.name),
                    ));
                }
            }
        }

        // Entry point.
        let entry_name = opts.entry.clone().unwrap_or_else(|| "_start".to_string());
        let entry = match self
            .syms
            .get(&entry_name)
            .and_then(|&id| self.symtab[id].def.as_ref())
        {
            Some(SymDef::Label(Sec::Discard, _)) | Some(SymDef::Equ(_)) | None => {
                if opts.entry.is_some() {
                    let v = env.at(0).value(&Expr::Sym(entry_name.clone()));
                    match v {
                        Ok(v) => v as u32,
                        Err(e) => {
                            self.flush(out);
                            self.global_error(format!("entry point '{entry_name}': {e}"));
                            return None;
                        }
                    }
                } else {
                    0
                }
            }
            Some(SymDef::Label(s, o)) => layout.base[s.idx()].wrapping_add(*o),
        };

        self.flush(out);
        if entry >= layout.code_limit {
            self.global_error(format!(
                "entry point '{entry_name}' at 0x{entry:08X} is outside the code section [0, 0x{:08X})",
                layout.code_limit
            ));
        }
        if self.diags.errors > 0 {
            return None;
        }

        let mut sections = Vec::new();
        let mut sec_index: HashMap<Sec, u16> = HashMap::new();
        let flag_r = s32x::sec_flags::READ | s32x::sec_flags::ALLOC;
        for (i, sec) in loaded.iter().enumerate() {
            let data = std::mem::take(&mut bufs[i]);
            if data.is_empty() {
                continue;
            }
            let (kind, flags) = match sec {
                Sec::Text => (SectionKind::Code, flag_r | s32x::sec_flags::EXEC),
                Sec::Rodata => (SectionKind::Rodata, flag_r),
                _ => (SectionKind::Data, flag_r | s32x::sec_flags::WRITE),
            };
            sec_index.insert(*sec, sections.len() as u16);
            sections.push(Section {
                name: sec.name().to_string(),
                kind,
                vaddr: layout.base[sec.idx()],
                mem_size: data.len() as u32,
                flags,
                data,
            });
        }
        let bss = self.secs[Sec::Bss.idx()].size;
        if bss > 0 {
            sec_index.insert(Sec::Bss, sections.len() as u16);
            sections.push(Section {
                name: ".bss".into(),
                kind: SectionKind::Bss,
                vaddr: layout.base[Sec::Bss.idx()],
                mem_size: bss as u32,
                flags: flag_r | s32x::sec_flags::WRITE,
                data: Vec::new(),
            });
        }
        let symbols = self.symbol_table(layout, &sec_index, &sym_sizes);
        let mut flags = 0;
        if opts.wxorx {
            flags |= s32x::flags::W_XOR_X;
        }
        if opts.mmio {
            flags |= s32x::flags::MMIO;
        }
        let header = Header {
            magic: s32x::MAGIC,
            version: s32x::VERSION,
            endian: s32x::ENDIAN_LITTLE,
            machine: s32x::MACHINE_SLOW32,
            entry,
            flags,
            code_limit: layout.code_limit,
            rodata_limit: layout.rodata_limit,
            data_limit: layout.bss_end,
            stack_base: layout.stack_base,
            mem_size: opts.mem_size,
            heap_base: layout.heap_base,
            stack_end: layout.stack_end,
            mmio_base: layout.mmio_base,
            ..Header::default()
        };
        // Image::new fills in the file-layout fields the writer computes.
        Some(Image::new(header, sections, symbols))
    }

    fn flush(&mut self, mut out: Vec<(Severity, Loc, String)>) {
        // `la`/`li` are two instructions from one operand: report once.
        out.dedup();
        for (sev, loc, msg) in out {
            if loc.line == 0 {
                self.diags.push(&self.files, sev, None, msg);
            } else {
                self.diags.push(&self.files, sev, Some(loc), msg);
            }
        }
    }

    fn symbol_table(
        &self,
        layout: &Layout,
        sec_index: &HashMap<Sec, u16>,
        sizes: &HashMap<usize, u32>,
    ) -> Vec<Symbol> {
        let mut syms = Vec::new();
        for (id, s) in self.symtab.iter().enumerate() {
            let Some(SymDef::Label(sec, off)) = s.def else {
                continue;
            };
            if s.numeric || sec == Sec::Discard {
                continue;
            }
            if !self.opts.local_symbols && s.binding == 0 {
                continue;
            }
            syms.push(Symbol {
                name: s.name.clone(),
                value: layout.base[sec.idx()].wrapping_add(off),
                size: sizes.get(&id).copied().unwrap_or(0),
                kind: s.kind,
                binding: s.binding,
                // A label at the very end of an empty section has no
                // section in the file; it is still an address.
                section: sec_index.get(&sec).copied().unwrap_or(s32x::SECTION_ABS),
            });
        }
        syms.sort_by_key(|s| s.value);
        let linker = layout::linker_symbols(layout, self.opts)
            .into_iter()
            .filter(|(n, _)| {
                self.syms
                    .get(*n)
                    .is_none_or(|&id| self.symtab[id].def.is_none())
            })
            .map(|(n, v)| Symbol {
                name: n.to_string(),
                value: v,
                size: 0,
                kind: s32x::SYM_NOTYPE,
                binding: 1,
                section: s32x::SECTION_ABS,
            });
        syms.extend(linker);
        syms
    }

    /// Computes an instruction word in pass 2.
    fn encode_inst(
        env: &FinalEnv,
        s: &InstSpec,
        pc: u32,
        out: &mut Vec<(Severity, Loc, String)>,
        loc: Loc,
    ) -> Result<u32, String> {
        let op = s.op;
        let val = |e: &Expr, ctx: &str| -> Result<i64, String> {
            env.value(e).map_err(|err| match err {
                EvalErr::Undefined(n) if !ctx.is_empty() => format!("{ctx} undefined label '{n}'"),
                other => other.to_string(),
            })
        };
        let fits32 = |v: i64| (-(1i64 << 31)..=u32::MAX as i64).contains(&v);
        let imm: i64 = match &s.imm {
            Imm::None => 0,
            Imm::Plain(e) => {
                let v = val(e, "")?;
                let hint = if e.has_symbol() && !matches!(e, Expr::Lo(_)) {
                    "; for an address use %lo(symbol) after lui rd, %hi(symbol), or la"
                } else {
                    ""
                };
                match op.format() {
                    Format::Iz => {
                        if (-2048..0).contains(&v) {
                            if !matches!(e, Expr::Lo(_)) {
                                out.push((
                                    Severity::Warning,
                                    loc,
                                    format!("{op}: immediate {v} is zero-extended: encoded as 0x{:03X} ({})", v & 0xFFF, v & 0xFFF),
                                ));
                            }
                        } else if !(0..=4095).contains(&v) {
                            return Err(format!("immediate {v} out of range for {op} (0..4095, zero-extended){hint}"));
                        }
                    }
                    _ => {
                        if !(-2048..=2047).contains(&v) {
                            return Err(format!(
                                "immediate {v} out of range for {op} (-2048..2047){hint}"
                            ));
                        }
                        if matches!(op, Opcode::Slli | Opcode::Srli | Opcode::Srai)
                            && !(0..=31).contains(&v)
                        {
                            out.push((
                                Severity::Warning,
                                loc,
                                format!(
                                    "{op}: shift amount {v}: only its low 5 bits ({}) are used",
                                    v & 31
                                ),
                            ));
                        }
                    }
                }
                v
            }
            Imm::Upper(e) => {
                let v = val(e, "")?;
                if !(-0x80000..=0xFFFFF).contains(&v) {
                    return Err(format!(
                        "lui immediate {v} out of range (0..0xFFFFF): it is the upper 20 bits of the value; use %hi(...) or li"
                    ));
                }
                (((v as u32) & 0xFFFFF) << 12) as i32 as i64
            }
            Imm::LiHi(e) | Imm::LiLo(e) => {
                let v = val(e, "")?;
                if !fits32(v) {
                    return Err(format!("value {v} (0x{v:X}) does not fit in 32 bits"));
                }
                if matches!(s.imm, Imm::LiHi(_)) {
                    ((expr::hi20(v) as u32) << 12) as i32 as i64
                } else {
                    expr::lo12(v)
                }
            }
            Imm::Target(e) => {
                let is_branch = op.format() == Format::B;
                let ctx = if is_branch { "branch to" } else { "jump to" };
                let v = val(e, ctx)?;
                let off = if e.has_symbol() {
                    if !fits32(v) {
                        return Err(format!(
                            "{ctx} address {v} outside the 32-bit address space"
                        ));
                    }
                    let base = if is_branch { pc.wrapping_add(4) } else { pc };
                    (v as u32).wrapping_sub(base) as i32 as i64
                } else {
                    v
                };
                let name = e
                    .as_symbol()
                    .map(|n| format!(" '{}'", pretty(n)))
                    .unwrap_or_default();
                if off & 1 != 0 {
                    return Err(format!(
                        "{op} target{name} is not 2-byte aligned (offset {off})"
                    ));
                }
                let (lo, hi) = if is_branch {
                    (-4096, 4094)
                } else {
                    (-(1 << 20), (1 << 20) - 2)
                };
                if !(lo..=hi).contains(&off) {
                    return Err(format!(
                        "{op} target{name} out of range: offset {off:+} bytes, {op} reaches {lo}..{hi:+}{}",
                        if is_branch { " (invert the condition around a j)" } else { "" }
                    ));
                }
                off
            }
        };
        encode(&Inst {
            op,
            rd: s.rd,
            rs1: s.rs1,
            rs2: s.rs2,
            imm: imm as i32,
        })
        .map_err(|e| e.to_string())
    }
}
