//! Diagnostics: every problem the assembler finds is reported with its
//! file, line and column and the offending source line, and assembly goes
//! on so that one run shows as many problems as possible.

use std::fmt;

/// How bad a diagnostic is. Only errors make assembly fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem, located in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file name as given to the assembler (or of an included file).
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole program (for
    /// example a memory layout that does not fit).
    pub line: u32,
    /// 1-based column in characters; 0 when `line` is 0.
    pub col: u32,
    pub message: String,
    /// The text of the offending line, when there is one.
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:col: error: message`, then the source line and a caret
    /// under the column, the layout compilers use so editors can jump to it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}: {}",
                self.file, self.line, self.col, self.severity, self.message
            )?;
        } else {
            write!(f, "{}: {}: {}", self.file, self.severity, self.message)?;
        }
        if let Some(src) = &self.source_line {
            // Keep tabs so the caret lines up with the echoed line.
            let pad: String = src
                .chars()
                .take(self.col.saturating_sub(1) as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(f, "\n    {src}\n    {pad}^")?;
        }
        Ok(())
    }
}

/// Assembly failed. Holds every diagnostic found (errors and warnings, in
/// source order within each pass), not just the first.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct AsmError {
    pub diagnostics: Vec<Diagnostic>,
}

impl AsmError {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| !d.is_error())
    }
    pub fn error_count(&self) -> usize {
        self.errors().count()
    }
}

impl fmt::Display for AsmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.diagnostics {
            writeln!(f, "{d}")?;
        }
        let n = self.error_count();
        write!(
            f,
            "assembly failed with {n} error{}",
            if n == 1 { "" } else { "s" }
        )
    }
}

/// Where a statement or operand is: file index, 1-based line, byte offset
/// of the column within the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct Loc {
    pub file: u32,
    pub line: u32,
    pub byte: u32,
}

impl Loc {
    pub fn at(self, byte: usize) -> Loc {
        Loc {
            byte: byte as u32,
            ..self
        }
    }
}

/// A source file kept for diagnostics.
pub(crate) struct SourceFile {
    pub name: String,
    pub text: std::rc::Rc<str>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(name: String, text: std::rc::Rc<str>) -> SourceFile {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            name,
            text,
            line_starts,
        }
    }

    pub fn line(&self, line: u32) -> Option<&str> {
        let i = (line as usize).checked_sub(1)?;
        let start = *self.line_starts.get(i)?;
        let end = self
            .line_starts
            .get(i + 1)
            .map(|e| e - 1)
            .unwrap_or(self.text.len());
        let s = self.text.get(start..end)?;
        Some(s.strip_suffix('\r').unwrap_or(s))
    }
}

/// Caps keep a garbage input (a binary file, say) from producing an
/// unbounded flood of messages.
const MAX_ERRORS: usize = 100;
const MAX_WARNINGS: usize = 100;

/// The diagnostics collected so far.
#[derive(Default)]
pub(crate) struct Diags {
    pub list: Vec<Diagnostic>,
    pub errors: usize,
    warnings: usize,
    /// Set once the error cap is reached: the caller stops assembling.
    pub saturated: bool,
}

impl Diags {
    pub fn push(&mut self, files: &[SourceFile], sev: Severity, loc: Option<Loc>, msg: String) {
        if self.saturated {
            return;
        }
        match sev {
            Severity::Error => {
                self.errors += 1;
                if self.errors > MAX_ERRORS {
                    self.saturated = true;
                    let file = loc
                        .and_then(|l| files.get(l.file as usize))
                        .or(files.first())
                        .map(|f| f.name.clone())
                        .unwrap_or_default();
                    self.list.push(Diagnostic {
                        severity: Severity::Error,
                        file,
                        line: 0,
                        col: 0,
                        message: format!("too many errors ({MAX_ERRORS}); stopping"),
                        source_line: None,
                    });
                    return;
                }
            }
            Severity::Warning => {
                self.warnings += 1;
                if self.warnings > MAX_WARNINGS {
                    return;
                }
            }
        }
        let d = match loc.and_then(|l| files.get(l.file as usize).map(|f| (l, f))) {
            Some((l, f)) => {
                let src = f.line(l.line);
                let col = src
                    .map(|s| {
                        let b = (l.byte as usize).min(s.len());
                        let b = (0..=b).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
                        s[..b].chars().count() as u32 + 1
                    })
                    .unwrap_or(1);
                Diagnostic {
                    severity: sev,
                    file: f.name.clone(),
                    line: l.line,
                    col,
                    message: msg,
                    source_line: src.map(str::to_string),
                }
            }
            None => Diagnostic {
                severity: sev,
                file: files.first().map(|f| f.name.clone()).unwrap_or_default(),
                line: 0,
                col: 0,
                message: msg,
                source_line: None,
            },
        };
        self.list.push(d);
    }
}
