//! Constant expressions: parsing and evaluation.
//!
//! Operators and precedence follow C (lowest first): `||`, `&&`, `|`, `^`,
//! `&`, `== !=`, `< <= > >=`, `<< >>`, `+ -`, `* / %`, then unary
//! `- + ~ !`. Values are 64-bit; comparisons give 1 or 0. `%hi(e)` and
//! `%lo(e)` split a 32-bit value for a LUI + ADDI/load/store pair, with
//! the +0x800 carry that compensates for the sign-extended low half.
//!
//! Evaluation runs in two modes. During layout (pass 1) a label is only
//! known as "section + offset", which is enough for label differences in
//! one section (sizes of `.uleb128`, `.zero`, `li`); after layout (pass 2)
//! every label is an absolute address.

use crate::lexer::{Punct, Tok, Token};
use crate::regs;
use std::fmt;

/// Where bytes go. The order is the memory order of the output image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Sec {
    Text,
    Rodata,
    Data,
    InitArray,
    Bss,
    /// Contents of sections fast32 does not load (debug info, notes...).
    Discard,
}

impl Sec {
    pub fn idx(self) -> usize {
        self as usize
    }
    pub fn name(self) -> &'static str {
        match self {
            Sec::Text => ".text",
            Sec::Rodata => ".rodata",
            Sec::Data => ".data",
            Sec::InitArray => ".init_array",
            Sec::Bss => ".bss",
            Sec::Discard => "(discarded)",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UnOp {
    Neg,
    Not,
    LNot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Shl,
    Shr,
    And,
    Or,
    Xor,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    LAnd,
    LOr,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Expr {
    Num(i64),
    /// A symbol by (internal) name.
    Sym(String),
    /// `.`: the address of the current statement (or data element).
    Dot,
    /// A location captured when a `.set`/`.equ` used `.`.
    Loc(Sec, u32),
    Un(UnOp, Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Hi(Box<Expr>),
    Lo(Box<Expr>),
}

impl Expr {
    /// Does the value depend on a symbol or location? A branch whose
    /// operand does is a jump to that address; a bare number is a raw
    /// offset, as in the reference assembler.
    pub fn has_symbol(&self) -> bool {
        match self {
            Expr::Num(_) => false,
            Expr::Sym(_) | Expr::Dot | Expr::Loc(..) => true,
            Expr::Un(_, e) | Expr::Hi(e) | Expr::Lo(e) => e.has_symbol(),
            Expr::Bin(_, a, b) => a.has_symbol() || b.has_symbol(),
        }
    }

    /// Replaces `.` by a fixed location (for `.set x, .`).
    pub fn capture_dot(&mut self, sec: Sec, off: u32) {
        match self {
            Expr::Dot => *self = Expr::Loc(sec, off),
            Expr::Un(_, e) | Expr::Hi(e) | Expr::Lo(e) => e.capture_dot(sec, off),
            Expr::Bin(_, a, b) => {
                a.capture_dot(sec, off);
                b.capture_dot(sec, off);
            }
            _ => {}
        }
    }

    /// The symbol name if the expression is just a symbol.
    pub fn as_symbol(&self) -> Option<&str> {
        match self {
            Expr::Sym(s) => Some(s),
            _ => None,
        }
    }
}

/// A parse error at a byte position in the line.
#[derive(Debug)]
pub(crate) struct ParseError {
    pub pos: usize,
    pub msg: String,
}

/// Resolves numeric label references (`1b`, `1f`) to internal names.
pub(crate) type NumResolver<'r> = &'r mut dyn FnMut(u64, bool) -> Result<String, String>;

/// Tokens beyond this make an expression "too long": it bounds the depth
/// of the tree, so evaluating and dropping it can never exhaust the stack.
const MAX_EXPR_TOKENS: usize = 2000;
const MAX_PAREN_DEPTH: u32 = 100;

struct Parser<'t, 'r> {
    toks: &'t [Token],
    pos: usize,
    /// Byte position just past the operand, for "expected ... at end".
    end_pos: usize,
    resolve: NumResolver<'r>,
    depth: u32,
}

fn bin_prec(p: Punct) -> Option<(u8, BinOp)> {
    use Punct::*;
    Some(match p {
        OrOr => (1, BinOp::LOr),
        AndAnd => (2, BinOp::LAnd),
        Pipe => (3, BinOp::Or),
        Caret => (4, BinOp::Xor),
        Amp => (5, BinOp::And),
        EqEq => (6, BinOp::Eq),
        Ne => (6, BinOp::Ne),
        Lt => (7, BinOp::Lt),
        Le => (7, BinOp::Le),
        Gt => (7, BinOp::Gt),
        Ge => (7, BinOp::Ge),
        Shl => (8, BinOp::Shl),
        Shr => (8, BinOp::Shr),
        Plus => (9, BinOp::Add),
        Minus => (9, BinOp::Sub),
        Star => (10, BinOp::Mul),
        Slash => (10, BinOp::Div),
        Percent => (10, BinOp::Rem),
        _ => return None,
    })
}

impl Parser<'_, '_> {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }
    fn here(&self) -> usize {
        self.peek().map(|t| t.start).unwrap_or(self.end_pos)
    }
    fn err<T>(&self, msg: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            pos: self.here(),
            msg: msg.into(),
        })
    }

    fn expr(&mut self, min_prec: u8) -> Result<Expr, ParseError> {
        let mut lhs = self.unary()?;
        while let Some((prec, op)) = self.peek().and_then(|t| match t.tok {
            Tok::P(p) => bin_prec(p),
            _ => None,
        }) {
            if prec < min_prec {
                break;
            }
            self.pos += 1;
            let rhs = self.expr(prec + 1)?;
            lhs = Expr::Bin(op, Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        self.depth += 1;
        if self.depth > MAX_PAREN_DEPTH {
            return self.err("expression nested too deeply");
        }
        let r = self.unary_inner();
        self.depth -= 1;
        r
    }

    fn unary_inner(&mut self) -> Result<Expr, ParseError> {
        let Some(t) = self.peek().cloned() else {
            return self.err("expected an expression");
        };
        self.pos += 1;
        match t.tok {
            Tok::P(Punct::Minus) => Ok(Expr::Un(UnOp::Neg, Box::new(self.unary()?))),
            Tok::P(Punct::Plus) => self.unary(),
            Tok::P(Punct::Tilde) => Ok(Expr::Un(UnOp::Not, Box::new(self.unary()?))),
            Tok::P(Punct::Bang) => Ok(Expr::Un(UnOp::LNot, Box::new(self.unary()?))),
            Tok::P(Punct::LParen) => {
                let e = self.expr(0)?;
                if !self.peek().is_some_and(|t| t.is(Punct::RParen)) {
                    return self.err("expected ')'");
                }
                self.pos += 1;
                Ok(e)
            }
            Tok::P(Punct::Percent) => {
                let Some(name) = self
                    .peek()
                    .and_then(|t| t.ident())
                    .map(str::to_ascii_lowercase)
                else {
                    return self.err("expected %hi or %lo after '%'");
                };
                let op_pos = self.here();
                self.pos += 1;
                let hi = match name.as_str() {
                    "hi" => true,
                    "lo" => false,
                    "pcrel_hi" | "pcrel_lo" | "tprel_hi" | "tprel_lo" | "got_pcrel_hi" => {
                        return Err(ParseError {
                            pos: op_pos,
                            msg: format!(
                                "%{name} is not supported: SLOW-32 has no AUIPC; use %hi/%lo"
                            ),
                        })
                    }
                    _ => {
                        return Err(ParseError {
                            pos: op_pos,
                            msg: format!("unknown operator %{name} (expected %hi or %lo)"),
                        })
                    }
                };
                if !self.peek().is_some_and(|t| t.is(Punct::LParen)) {
                    return self.err(format!("expected '(' after %{name}"));
                }
                self.pos += 1;
                let e = self.expr(0)?;
                if !self.peek().is_some_and(|t| t.is(Punct::RParen)) {
                    return self.err("expected ')'");
                }
                self.pos += 1;
                Ok(if hi {
                    Expr::Hi(Box::new(e))
                } else {
                    Expr::Lo(Box::new(e))
                })
            }
            Tok::Int(v) => Ok(Expr::Num(v as i64)),
            Tok::Ident(s) => {
                if s == "." {
                    Ok(Expr::Dot)
                } else if regs::is_core_register(&s) {
                    Err(ParseError {
                        pos: t.start,
                        msg: format!("register '{s}' cannot be used in an expression"),
                    })
                } else {
                    Ok(Expr::Sym(s))
                }
            }
            Tok::NumLabel { n, forward } => match (self.resolve)(n, forward) {
                Ok(name) => Ok(Expr::Sym(name)),
                Err(msg) => Err(ParseError { pos: t.start, msg }),
            },
            Tok::Float(_) => Err(ParseError {
                pos: t.start,
                msg: "floating-point number not allowed here (only in .float/.double)".into(),
            }),
            Tok::Str(_) => Err(ParseError {
                pos: t.start,
                msg: "string not allowed in an expression".into(),
            }),
            Tok::P(p) => Err(ParseError {
                pos: t.start,
                msg: format!("expected an expression, found '{}'", p.text()),
            }),
        }
    }
}

/// Parses all of `toks` as one expression.
pub(crate) fn parse_expr(
    toks: &[Token],
    end_pos: usize,
    resolve: NumResolver<'_>,
) -> Result<Expr, ParseError> {
    if toks.len() > MAX_EXPR_TOKENS {
        return Err(ParseError {
            pos: toks[0].start,
            msg: format!("expression too long (more than {MAX_EXPR_TOKENS} tokens)"),
        });
    }
    let mut p = Parser {
        toks,
        pos: 0,
        end_pos,
        resolve,
        depth: 0,
    };
    let e = p.expr(0)?;
    if let Some(t) = p.peek() {
        return Err(ParseError {
            pos: t.start,
            msg: format!("unexpected {} in expression", t.describe()),
        });
    }
    Ok(e)
}

/// A value: absolute, or (before layout) an offset in a section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Val {
    Abs(i64),
    Rel(Sec, i64),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum EvalErr {
    /// The symbol is never defined.
    Undefined(String),
    /// Not known yet (pass 1: forward reference or address needed).
    NotYet,
    Msg(String),
    /// A resource limit was hit (nesting depth, work budget). Depends on
    /// how the value was reached, so it is never cached.
    Limit(String),
}

impl fmt::Display for EvalErr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalErr::Undefined(s) => write!(f, "undefined symbol '{s}'"),
            EvalErr::NotYet => write!(
                f,
                "value must be a constant known at this point (no forward references or addresses)"
            ),
            EvalErr::Msg(m) | EvalErr::Limit(m) => f.write_str(m),
        }
    }
}

/// What the evaluator needs from the assembler.
pub(crate) trait Env {
    /// Value of a symbol; `depth` is passed back to [`eval`] when the
    /// symbol is itself defined by an expression.
    fn symbol(&self, name: &str, depth: u32) -> Result<Val, EvalErr>;
    /// Value of `.`.
    fn dot(&self) -> Result<Val, EvalErr>;
    /// Value of a captured location.
    fn loc(&self, sec: Sec, off: u32) -> Val;
    /// Counts work; an error stops runaway evaluation (exponentially
    /// nested `.set` chains).
    fn step(&self) -> Result<(), EvalErr>;
}

pub(crate) const MAX_EVAL_DEPTH: u32 = 500;

/// The +0x800-compensated upper 20 bits of a 32-bit value.
pub(crate) fn hi20(v: i64) -> i64 {
    (((v as u32).wrapping_add(0x800)) >> 12) as i64
}

/// The low 12 bits of a value, sign-extended (what ADDI adds back).
pub(crate) fn lo12(v: i64) -> i64 {
    (((v as u32 & 0xFFF) << 20) as i32 >> 20) as i64
}

pub(crate) fn eval(e: &Expr, env: &dyn Env, depth: u32) -> Result<Val, EvalErr> {
    if depth > MAX_EVAL_DEPTH {
        return Err(EvalErr::Limit(
            "expression or symbol definitions nested too deeply".into(),
        ));
    }
    env.step()?;
    use Val::*;
    Ok(match e {
        Expr::Num(v) => Abs(*v),
        Expr::Sym(s) => env.symbol(s, depth + 1)?,
        Expr::Dot => env.dot()?,
        Expr::Loc(s, o) => env.loc(*s, *o),
        Expr::Un(op, a) => {
            let Abs(a) = eval(a, env, depth + 1)? else {
                return Err(EvalErr::NotYet);
            };
            Abs(match op {
                UnOp::Neg => a.wrapping_neg(),
                UnOp::Not => !a,
                UnOp::LNot => (a == 0) as i64,
            })
        }
        Expr::Hi(a) | Expr::Lo(a) => {
            let Abs(v) = eval(a, env, depth + 1)? else {
                return Err(EvalErr::NotYet);
            };
            Abs(if matches!(e, Expr::Hi(_)) {
                hi20(v)
            } else {
                lo12(v)
            })
        }
        Expr::Bin(op, a, b) => {
            let a = eval(a, env, depth + 1)?;
            let b = eval(b, env, depth + 1)?;
            match (op, a, b) {
                (BinOp::Add, Rel(s, x), Abs(y)) | (BinOp::Add, Abs(y), Rel(s, x)) => {
                    Rel(s, x.wrapping_add(y))
                }
                (BinOp::Sub, Rel(s, x), Abs(y)) => Rel(s, x.wrapping_sub(y)),
                (BinOp::Sub, Rel(s, x), Rel(t, y)) if s == t => Abs(x.wrapping_sub(y)),
                (_, Abs(x), Abs(y)) => Abs(binop(*op, x, y)?),
                _ => return Err(EvalErr::NotYet),
            }
        }
    })
}

fn binop(op: BinOp, x: i64, y: i64) -> Result<i64, EvalErr> {
    Ok(match op {
        BinOp::Add => x.wrapping_add(y),
        BinOp::Sub => x.wrapping_sub(y),
        BinOp::Mul => x.wrapping_mul(y),
        BinOp::Div | BinOp::Rem => {
            if y == 0 {
                return Err(EvalErr::Msg("division by zero in expression".into()));
            }
            if op == BinOp::Div {
                x.wrapping_div(y)
            } else {
                x.wrapping_rem(y)
            }
        }
        BinOp::Shl | BinOp::Shr => {
            if !(0..64).contains(&y) {
                return Err(EvalErr::Msg(format!(
                    "shift count {y} out of range (0..63)"
                )));
            }
            if op == BinOp::Shl {
                x.wrapping_shl(y as u32)
            } else {
                x >> y
            }
        }
        BinOp::And => x & y,
        BinOp::Or => x | y,
        BinOp::Xor => x ^ y,
        BinOp::Eq => (x == y) as i64,
        BinOp::Ne => (x != y) as i64,
        BinOp::Lt => (x < y) as i64,
        BinOp::Le => (x <= y) as i64,
        BinOp::Gt => (x > y) as i64,
        BinOp::Ge => (x >= y) as i64,
        BinOp::LAnd => (x != 0 && y != 0) as i64,
        BinOp::LOr => (x != 0 || y != 0) as i64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::lex_line;
    use std::cell::Cell;

    struct NoSyms(Cell<u32>);
    impl Env for NoSyms {
        fn symbol(&self, name: &str, _: u32) -> Result<Val, EvalErr> {
            Err(EvalErr::Undefined(name.into()))
        }
        fn dot(&self) -> Result<Val, EvalErr> {
            Ok(Val::Abs(0x100))
        }
        fn loc(&self, _: Sec, off: u32) -> Val {
            Val::Abs(off as i64)
        }
        fn step(&self) -> Result<(), EvalErr> {
            self.0.set(self.0.get() + 1);
            Ok(())
        }
    }

    fn ev(s: &str) -> Result<i64, String> {
        let l = lex_line(s, &mut false).map_err(|e| e.msg)?;
        let mut r = |_: u64, _: bool| Err::<String, String>("no".into());
        let e = parse_expr(&l.tokens, s.len(), &mut r).map_err(|e| e.msg)?;
        match eval(&e, &NoSyms(Cell::new(0)), 0) {
            Ok(Val::Abs(v)) => Ok(v),
            Ok(v) => Err(format!("{v:?}")),
            Err(e) => Err(e.to_string()),
        }
    }

    #[test]
    fn precedence_and_ops() {
        assert_eq!(ev("1 + 2 * 3"), Ok(7));
        assert_eq!(ev("(1 + 2) * 3"), Ok(9));
        assert_eq!(ev("1 << 4 | 1"), Ok(17));
        assert_eq!(ev("~0 & 0xFF"), Ok(255));
        assert_eq!(ev("-7 / 2"), Ok(-3));
        assert_eq!(ev("-7 % 2"), Ok(-1));
        assert_eq!(ev("0xF0 ^ 0xFF"), Ok(15));
        assert_eq!(ev("3 > 2 && 1 == 1"), Ok(1));
        assert_eq!(ev(". + 8"), Ok(0x108));
        assert_eq!(ev("%hi(0x12345FFF)"), Ok(0x12346));
        assert_eq!(ev("%lo(0x12345FFF)"), Ok(-1));
        assert!(ev("1 / 0").unwrap_err().contains("division by zero"));
        assert!(ev("r3 + 1").unwrap_err().contains("register"));
        assert!(ev("(1 + 2").unwrap_err().contains("')'"));
        assert!(ev("%pcrel_hi(x)").unwrap_err().contains("AUIPC"));
    }
}
