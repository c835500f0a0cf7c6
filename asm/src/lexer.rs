//! Splits one source line into tokens.
//!
//! Comments are `#` and `//` to the end of the line and `/* ... */`
//! (which may span lines, hence the carried `in_block` state). `;`
//! separates statements on one line, as in GNU as.

/// Punctuation and operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Punct {
    Comma,
    LParen,
    RParen,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Shl,
    Shr,
    Amp,
    Pipe,
    Caret,
    Tilde,
    Bang,
    Assign,
    EqEq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    AndAnd,
    OrOr,
    Colon,
    Semi,
    At,
}

impl Punct {
    pub fn text(self) -> &'static str {
        use Punct::*;
        match self {
            Comma => ",",
            LParen => "(",
            RParen => ")",
            Plus => "+",
            Minus => "-",
            Star => "*",
            Slash => "/",
            Percent => "%",
            Shl => "<<",
            Shr => ">>",
            Amp => "&",
            Pipe => "|",
            Caret => "^",
            Tilde => "~",
            Bang => "!",
            Assign => "=",
            EqEq => "==",
            Ne => "!=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            AndAnd => "&&",
            OrOr => "||",
            Colon => ":",
            Semi => ";",
            At => "@",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// Identifiers, mnemonics (`fadd.s`), directives (`.word`), `.` itself.
    Ident(String),
    /// Integer and character literals.
    Int(u64),
    /// Decimal floating-point literal (only `.float`/`.double` accept it).
    Float(f64),
    /// `1b` / `1f`: reference to the previous / next numeric label `1:`.
    NumLabel {
        n: u64,
        forward: bool,
    },
    /// String literal, escapes already decoded.
    Str(Vec<u8>),
    P(Punct),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    /// Byte offsets in the line.
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn is(&self, p: Punct) -> bool {
        self.tok == Tok::P(p)
    }
    pub fn ident(&self) -> Option<&str> {
        match &self.tok {
            Tok::Ident(s) => Some(s),
            _ => None,
        }
    }
    /// Short human description for "found X" messages.
    pub fn describe(&self) -> String {
        match &self.tok {
            Tok::Ident(s) => format!("'{s}'"),
            Tok::Int(v) => format!("number {v}"),
            Tok::Float(v) => format!("number {v}"),
            Tok::NumLabel { n, forward } => {
                format!("'{n}{}'", if *forward { 'f' } else { 'b' })
            }
            Tok::Str(_) => "a string".to_string(),
            Tok::P(p) => format!("'{}'", p.text()),
        }
    }
}

#[derive(Debug)]
pub(crate) struct LexError {
    pub pos: usize,
    pub msg: String,
}

/// Tokens of one line plus non-fatal remarks (position, message).
pub(crate) struct Lexed {
    pub tokens: Vec<Token>,
    pub warnings: Vec<(usize, String)>,
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b'.' || c == b'$'
}
fn is_ident_cont(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c == b'$'
}

/// Decodes the escape whose backslash is at `i`. Returns the byte, the
/// index after the escape, and an optional warning.
fn escape(b: &[u8], i: usize) -> Result<(u8, usize, Option<String>), LexError> {
    let Some(&e) = b.get(i + 1) else {
        return Err(LexError {
            pos: i,
            msg: "backslash at end of line".into(),
        });
    };
    let simple = |v: u8| Ok((v, i + 2, None));
    match e {
        b'n' => simple(b'\n'),
        b't' => simple(b'\t'),
        b'r' => simple(b'\r'),
        b'a' => simple(7),
        b'b' => simple(8),
        b'f' => simple(12),
        b'v' => simple(11),
        b'e' => simple(27),
        b'\\' => simple(b'\\'),
        b'"' => simple(b'"'),
        b'\'' => simple(b'\''),
        b'0'..=b'7' => {
            let mut v: u32 = 0;
            let mut j = i + 1;
            while j < b.len() && j < i + 4 && (b'0'..=b'7').contains(&b[j]) {
                v = v * 8 + (b[j] - b'0') as u32;
                j += 1;
            }
            let warn = (v > 255).then(|| format!("octal escape value {v} truncated to a byte"));
            Ok(((v & 0xFF) as u8, j, warn))
        }
        b'x' | b'X' => {
            let mut v: u32 = 0;
            let mut j = i + 2;
            while j < b.len() && j < i + 4 && b[j].is_ascii_hexdigit() {
                v = v * 16 + (b[j] as char).to_digit(16).unwrap_or(0);
                j += 1;
            }
            if j == i + 2 {
                return Err(LexError {
                    pos: i,
                    msg: "\\x escape needs hex digits".into(),
                });
            }
            Ok((v as u8, j, None))
        }
        _ if e.is_ascii() => Ok((
            e,
            i + 2,
            Some(format!(
                "unknown escape sequence '\\{}'; using '{}'",
                e as char, e as char
            )),
        )),
        // A backslash before a non-ASCII character: keep the backslash's
        // target as-is (its UTF-8 bytes are copied by the caller).
        _ => Ok((b'\\', i + 1, Some("unknown escape sequence".into()))),
    }
}

fn number(line: &str, i: usize) -> Result<(Tok, usize), LexError> {
    let b = line.as_bytes();
    let mut j = i;
    while j < b.len() && b[j].is_ascii_digit() {
        j += 1;
    }
    // Decimal floating point: digits '.' digits [exp] or digits exp.
    let exp_at = |k: usize| -> Option<usize> {
        if k < b.len() && (b[k] == b'e' || b[k] == b'E') {
            let mut m = k + 1;
            if m < b.len() && (b[m] == b'+' || b[m] == b'-') {
                m += 1;
            }
            if m < b.len() && b[m].is_ascii_digit() {
                while m < b.len() && b[m].is_ascii_digit() {
                    m += 1;
                }
                return Some(m);
            }
        }
        None
    };
    let mut float_end = None;
    if j < b.len() && b[j] == b'.' && j + 1 < b.len() && b[j + 1].is_ascii_digit() {
        let mut k = j + 1;
        while k < b.len() && b[k].is_ascii_digit() {
            k += 1;
        }
        float_end = Some(exp_at(k).unwrap_or(k));
    } else if let Some(k) = exp_at(j) {
        float_end = Some(k);
    }
    if let Some(k) = float_end {
        if k >= b.len() || !is_ident_cont(b[k]) {
            let text = &line[i..k];
            return match text.parse::<f64>() {
                Ok(v) => Ok((Tok::Float(v), k)),
                Err(_) => Err(LexError {
                    pos: i,
                    msg: format!("invalid number '{text}'"),
                }),
            };
        }
    }
    // Integer (or numeric label reference): take the whole alphanumeric word.
    let mut k = i;
    while k < b.len() && (b[k].is_ascii_alphanumeric() || b[k] == b'_') {
        k += 1;
    }
    let word = &line[i..k];
    let bad = || LexError {
        pos: i,
        msg: format!("invalid number '{word}'"),
    };
    if k < b.len() && (b[k] == b'.' || b[k] == b'$') {
        return Err(bad());
    }
    let wb = word.as_bytes();
    let last = wb[wb.len() - 1];
    if wb.len() >= 2
        && (last == b'b' || last == b'f')
        && wb[..wb.len() - 1].iter().all(u8::is_ascii_digit)
    {
        let n = word[..word.len() - 1].parse::<u64>().map_err(|_| bad())?;
        return Ok((
            Tok::NumLabel {
                n,
                forward: last == b'f',
            },
            k,
        ));
    }
    let (digits, radix) = if let Some(h) = word.strip_prefix("0x").or(word.strip_prefix("0X")) {
        (h, 16)
    } else if let Some(h) = word.strip_prefix("0b").or(word.strip_prefix("0B")) {
        (h, 2)
    } else if let Some(h) = word.strip_prefix("0o").or(word.strip_prefix("0O")) {
        (h, 8)
    } else if word.len() > 1 && word.starts_with('0') {
        // C and GNU as: a leading zero means octal.
        (&word[1..], 8)
    } else {
        (word, 10)
    };
    if digits.is_empty() {
        return Err(bad());
    }
    match u64::from_str_radix(digits, radix) {
        Ok(v) => Ok((Tok::Int(v), k)),
        Err(e) => {
            if digits.chars().all(|c| c.is_digit(radix)) {
                Err(LexError {
                    pos: i,
                    msg: format!("integer literal '{word}' is too large ({e})"),
                })
            } else {
                Err(bad())
            }
        }
    }
}

/// Tokenizes `line`. `in_block` carries an open `/* */` comment across lines.
pub(crate) fn lex_line(line: &str, in_block: &mut bool) -> Result<Lexed, LexError> {
    let b = line.as_bytes();
    let mut i = 0;
    let mut tokens = Vec::new();
    let mut warnings = Vec::new();
    while i < b.len() {
        if *in_block {
            match line[i..].find("*/") {
                Some(j) => {
                    i += j + 2;
                    *in_block = false;
                }
                None => i = b.len(),
            }
            continue;
        }
        let c = b[i];
        let next = b.get(i + 1).copied().unwrap_or(0);
        let start = i;
        let mut punct = |p: Punct, len: usize, i: &mut usize| {
            tokens.push(Token {
                tok: Tok::P(p),
                start,
                end: start + len,
            });
            *i += len;
        };
        match c {
            b' ' | b'\t' | b'\r' | 0x0b | 0x0c => i += 1,
            b'#' => break,
            b'/' if next == b'/' => break,
            b'/' if next == b'*' => {
                *in_block = true;
                i += 2;
            }
            b'"' => {
                let mut out = Vec::new();
                let mut j = i + 1;
                loop {
                    match b.get(j) {
                        None => {
                            return Err(LexError {
                                pos: i,
                                msg: "unterminated string literal".into(),
                            })
                        }
                        Some(b'"') => break,
                        Some(b'\\') => {
                            let (v, nj, w) = escape(b, j)?;
                            if let Some(w) = w {
                                warnings.push((j, w));
                            }
                            out.push(v);
                            j = nj;
                        }
                        Some(&ch) => {
                            out.push(ch);
                            j += 1;
                        }
                    }
                }
                tokens.push(Token {
                    tok: Tok::Str(out),
                    start: i,
                    end: j + 1,
                });
                i = j + 1;
            }
            b'\'' => {
                let j = i + 1;
                let (v, nj) = match b.get(j) {
                    None => {
                        return Err(LexError {
                            pos: i,
                            msg: "unterminated character literal".into(),
                        })
                    }
                    Some(b'\\') => {
                        let (v, nj, w) = escape(b, j)?;
                        if let Some(w) = w {
                            warnings.push((j, w));
                        }
                        (v, nj)
                    }
                    Some(&ch) if ch.is_ascii() => (ch, j + 1),
                    Some(_) => {
                        return Err(LexError {
                            pos: i,
                            msg: "character literal must be a single ASCII character".into(),
                        })
                    }
                };
                if b.get(nj) != Some(&b'\'') {
                    return Err(LexError {
                        pos: i,
                        msg: "unterminated character literal (expected closing ')".into(),
                    });
                }
                tokens.push(Token {
                    tok: Tok::Int(v as u64),
                    start: i,
                    end: nj + 1,
                });
                i = nj + 1;
            }
            b'0'..=b'9' => {
                let (tok, end) = number(line, i)?;
                tokens.push(Token { tok, start: i, end });
                i = end;
            }
            _ if is_ident_start(c) => {
                let mut j = i + 1;
                while j < b.len() && is_ident_cont(b[j]) {
                    j += 1;
                }
                tokens.push(Token {
                    tok: Tok::Ident(line[i..j].to_string()),
                    start: i,
                    end: j,
                });
                i = j;
            }
            b',' => punct(Punct::Comma, 1, &mut i),
            b'(' => punct(Punct::LParen, 1, &mut i),
            b')' => punct(Punct::RParen, 1, &mut i),
            b'+' => punct(Punct::Plus, 1, &mut i),
            b'-' => punct(Punct::Minus, 1, &mut i),
            b'*' => punct(Punct::Star, 1, &mut i),
            b'/' => punct(Punct::Slash, 1, &mut i),
            b'%' => punct(Punct::Percent, 1, &mut i),
            b'^' => punct(Punct::Caret, 1, &mut i),
            b'~' => punct(Punct::Tilde, 1, &mut i),
            b':' => punct(Punct::Colon, 1, &mut i),
            b';' => punct(Punct::Semi, 1, &mut i),
            b'@' => punct(Punct::At, 1, &mut i),
            b'<' if next == b'<' => punct(Punct::Shl, 2, &mut i),
            b'<' if next == b'=' => punct(Punct::Le, 2, &mut i),
            b'<' if next == b'>' => punct(Punct::Ne, 2, &mut i),
            b'<' => punct(Punct::Lt, 1, &mut i),
            b'>' if next == b'>' => punct(Punct::Shr, 2, &mut i),
            b'>' if next == b'=' => punct(Punct::Ge, 2, &mut i),
            b'>' => punct(Punct::Gt, 1, &mut i),
            b'&' if next == b'&' => punct(Punct::AndAnd, 2, &mut i),
            b'&' => punct(Punct::Amp, 1, &mut i),
            b'|' if next == b'|' => punct(Punct::OrOr, 2, &mut i),
            b'|' => punct(Punct::Pipe, 1, &mut i),
            b'!' if next == b'=' => punct(Punct::Ne, 2, &mut i),
            b'!' => punct(Punct::Bang, 1, &mut i),
            b'=' if next == b'=' => punct(Punct::EqEq, 2, &mut i),
            b'=' => punct(Punct::Assign, 1, &mut i),
            _ => {
                let ch = line[i..].chars().next().unwrap_or('?');
                return Err(LexError {
                    pos: i,
                    msg: format!("unexpected character '{}'", ch.escape_default()),
                });
            }
        }
    }
    Ok(Lexed { tokens, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        let mut b = false;
        lex_line(s, &mut b)
            .unwrap()
            .tokens
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn numbers() {
        assert_eq!(toks("0x1F"), vec![Tok::Int(31)]);
        assert_eq!(toks("0b101"), vec![Tok::Int(5)]);
        assert_eq!(toks("010"), vec![Tok::Int(8)]);
        assert_eq!(toks("0o17"), vec![Tok::Int(15)]);
        assert_eq!(toks("0"), vec![Tok::Int(0)]);
        assert_eq!(toks("1.5"), vec![Tok::Float(1.5)]);
        assert_eq!(toks("2e3"), vec![Tok::Float(2000.0)]);
        assert_eq!(
            toks("1b 2f"),
            vec![
                Tok::NumLabel {
                    n: 1,
                    forward: false
                },
                Tok::NumLabel {
                    n: 2,
                    forward: true
                }
            ]
        );
        assert_eq!(toks("'a' '\\n'"), vec![Tok::Int(97), Tok::Int(10)]);
    }

    #[test]
    fn comments_and_strings() {
        assert_eq!(toks("add # x"), vec![Tok::Ident("add".into())]);
        assert_eq!(toks("\"a#b\\n\""), vec![Tok::Str(b"a#b\n".to_vec())]);
        let mut b = false;
        assert!(lex_line("a /* x", &mut b).is_ok());
        assert!(b);
        assert_eq!(lex_line("y */ z", &mut b).unwrap().tokens.len(), 1);
        assert!(lex_line("\"abc", &mut false).is_err());
    }
}
