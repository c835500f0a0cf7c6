//! The negotiated `term` service: cursor control and colours as ANSI
//! escape sequences on stdout, raw keyboard input, and a shadow copy of
//! the screen for save/restore and flicker-free batched updates.
//!
//! Sub-opcodes (offsets from the base granted by SVC_REQUEST):
//! 0 SET_MODE (status 1 raw / 0 cooked; EINVAL when stdin is no
//! terminal), 1 GET_SIZE (rows, cols as two u32 in the data buffer),
//! 2 MOVE_CURSOR (status = row << 16 | col, 1-based), 3 CLEAR (status 0
//! screen, 1 to end of line, 2 to end of screen), 4 SET_ATTR (SGR number),
//! 5 READ_KEY (blocking; status = byte, or STATUS_EOF), 6 KEY_AVAIL
//! (status 1/0), 7 SET_COLOR (status = fg << 8 | bg), 8 PUTC (status =
//! byte), 9 PUTS (bytes in the data buffer), 10 SAVE_SCREEN, 11
//! RESTORE_SCREEN (repaints), 12 BEGIN_UPDATE (output goes to the shadow
//! only), 13 END_UPDATE (emits the difference).
//!
//! The bytes emitted for each operation are the reference host's, so a
//! transcript of a run matches it byte for byte.

use super::abi::{errno, STATUS_EOF, STATUS_OK};
use super::stdio::{Output, Stdin};

pub const OPCODE_COUNT: u32 = 14;
pub const VERSION: u32 = 1;

const SET_MODE: u32 = 0;
const GET_SIZE: u32 = 1;
const MOVE_CURSOR: u32 = 2;
const CLEAR: u32 = 3;
const SET_ATTR: u32 = 4;
const READ_KEY: u32 = 5;
const KEY_AVAIL: u32 = 6;
const SET_COLOR: u32 = 7;
const PUTC: u32 = 8;
const PUTS: u32 = 9;
const SAVE_SCREEN: u32 = 10;
const RESTORE_SCREEN: u32 = 11;
const BEGIN_UPDATE: u32 = 12;
const END_UPDATE: u32 = 13;

const MAX_DIM: u16 = 256;
const MAX_SAVE_DEPTH: usize = 8;
const DEFAULT_FG: u8 = 7;

#[derive(Clone, Copy, PartialEq, Eq)]
struct Cell {
    ch: u8,
    attr: u8,
    fg: u8,
    bg: u8,
}

const BLANK: Cell = Cell {
    ch: b' ',
    attr: 0,
    fg: DEFAULT_FG,
    bg: 0,
};

/// Cursor and pen: what SAVE/RESTORE and BEGIN/END_UPDATE carry along.
#[derive(Clone, Copy)]
struct Pen {
    row: i64,
    col: i64,
    attr: u32,
    fg: u32,
    bg: u32,
}

struct Snapshot {
    cells: Vec<Cell>,
    pen: Pen,
}

/// State of one granted `term` session.
pub(crate) struct TermSession {
    rows: i64,
    cols: i64,
    cells: Vec<Cell>,
    pen: Pen,
    saved: Vec<Snapshot>,
    update: Option<Snapshot>,
    /// Terminal settings to restore when raw mode ends.
    saved_termios: Option<libc::termios>,
    raw: bool,
}

// termios is plain data.
unsafe impl Send for TermSession {}

/// Rows and columns of the terminal on fd 1, if there is one.
fn window_size(stdout: &Output) -> Option<(u16, u16)> {
    let fd = stdout.inherited_fd()?;
    // SAFETY: winsize is plain data; TIOCGWINSZ fills it.
    let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
    // SAFETY: a valid winsize out-pointer.
    let r = unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut ws) };
    (r == 0).then_some((ws.ws_row, ws.ws_col))
}

/// The data a handler needs besides its session.
pub(crate) struct TermIo<'a> {
    pub stdout: &'a mut Output,
    pub stdin: &'a mut Stdin,
    /// Fixed 24x80 geometry (deterministic runs).
    pub deterministic: bool,
}

/// A term request's outcome: (length, status) or a guest errno.
pub(crate) type TermResult = Result<(u32, u32), u32>;

impl TermSession {
    pub fn new(io: &TermIo<'_>) -> TermSession {
        let (mut rows, mut cols) = if io.deterministic {
            (24, 80)
        } else {
            window_size(io.stdout).unwrap_or((24, 80))
        };
        rows = rows.min(MAX_DIM);
        cols = cols.min(MAX_DIM);
        if rows < 1 {
            rows = 24;
        }
        if cols < 1 {
            cols = 80;
        }
        let saved_termios = if io.stdin.is_inherited() && io.stdin.tty {
            // SAFETY: termios is plain data filled by tcgetattr.
            let mut t: libc::termios = unsafe { std::mem::zeroed() };
            // SAFETY: valid out-pointer.
            (unsafe { libc::tcgetattr(0, &mut t) } == 0).then_some(t)
        } else {
            None
        };
        TermSession {
            rows: rows as i64,
            cols: cols as i64,
            cells: vec![BLANK; rows as usize * cols as usize],
            pen: Pen {
                row: 0,
                col: 0,
                attr: 0,
                fg: DEFAULT_FG as u32,
                bg: 0,
            },
            saved: Vec::new(),
            update: None,
            saved_termios,
            raw: false,
        }
    }

    fn emitting(&self) -> bool {
        self.update.is_none()
    }

    fn cell_index(&self, row: i64, col: i64) -> Option<usize> {
        (row >= 0 && row < self.rows && col >= 0 && col < self.cols)
            .then(|| (row * self.cols + col) as usize)
    }

    /// Advances the shadow cursor over one output byte.
    fn shadow_putc(&mut self, ch: u8) {
        match ch {
            b'\n' => {
                self.pen.row += 1;
                self.pen.col = 0;
            }
            b'\r' => self.pen.col = 0,
            b'\t' => {
                self.pen.col = (self.pen.col + 8) & !7;
                if self.pen.col >= self.cols {
                    self.pen.col = 0;
                    self.pen.row += 1;
                }
            }
            c if c < 0x20 => {}
            c => {
                if let Some(i) = self.cell_index(self.pen.row, self.pen.col) {
                    self.cells[i] = Cell {
                        ch: c,
                        attr: self.pen.attr as u8,
                        fg: self.pen.fg as u8,
                        bg: self.pen.bg as u8,
                    };
                }
                self.pen.col += 1;
                if self.pen.col >= self.cols {
                    self.pen.col = 0;
                    self.pen.row += 1;
                }
            }
        }
    }

    fn shadow_clear(&mut self, mode: u32) {
        let total = self.rows * self.cols;
        let here = self.pen.row * self.cols + self.pen.col;
        let (start, end) = match mode {
            1 => (here, (self.pen.row + 1) * self.cols),
            2 => (here, total),
            _ => {
                self.pen.row = 0;
                self.pen.col = 0;
                (0, total)
            }
        };
        let (start, end) = (start.max(0), end.min(total));
        if start < end {
            self.cells[start as usize..end as usize].fill(BLANK);
        }
    }

    fn set_raw(&mut self, raw: bool) -> Result<(), u32> {
        if raw {
            let mut t = match self.saved_termios {
                Some(t) => t,
                None => {
                    // SAFETY: plain data filled by tcgetattr.
                    let mut t: libc::termios = unsafe { std::mem::zeroed() };
                    // SAFETY: valid out-pointer.
                    unsafe { libc::tcgetattr(0, &mut t) };
                    t
                }
            };
            t.c_lflag &= !(libc::ECHO | libc::ICANON | libc::ISIG | libc::IEXTEN);
            t.c_iflag &= !(libc::IXON | libc::ICRNL | libc::BRKINT | libc::INPCK | libc::ISTRIP);
            t.c_oflag &= !libc::OPOST;
            t.c_cc[libc::VMIN] = 1;
            t.c_cc[libc::VTIME] = 0;
            // SAFETY: valid termios.
            unsafe { libc::tcsetattr(0, libc::TCSAFLUSH, &t) };
            self.raw = true;
            // A SIGINT/SIGTERM/SIGHUP exit puts cooked mode back too.
            crate::termination::set_terminal_restore(self.saved_termios);
        } else {
            self.restore_terminal();
            self.raw = false;
        }
        Ok(())
    }

    fn restore_terminal(&mut self) {
        crate::termination::set_terminal_restore(None);
        if let Some(t) = &self.saved_termios {
            // SAFETY: the settings tcgetattr gave us.
            unsafe { libc::tcsetattr(0, libc::TCSAFLUSH, t) };
        }
    }

    /// Serves one term sub-opcode. `data` is the part of the MMIO data
    /// buffer the request names (from its offset to the end).
    pub fn handle(
        &mut self,
        sub: u32,
        length: u32,
        status: u32,
        data: &mut [u8],
        io: &mut TermIo<'_>,
    ) -> TermResult {
        let out = &mut *io.stdout;
        match sub {
            SET_MODE => {
                if !(io.stdin.is_inherited() && io.stdin.tty) {
                    return Err(errno::EINVAL);
                }
                out.flush();
                self.set_raw(status != 0)?;
                Ok((0, STATUS_OK))
            }
            GET_SIZE => {
                if data.len() < 8 {
                    return Err(errno::EINVAL);
                }
                let (rows, cols) = if io.deterministic {
                    (24, 80)
                } else {
                    window_size(out).unwrap_or((24, 80))
                };
                data[0..4].copy_from_slice(&(rows as u32).to_le_bytes());
                data[4..8].copy_from_slice(&(cols as u32).to_le_bytes());
                Ok((8, STATUS_OK))
            }
            MOVE_CURSOR => {
                let row = (status >> 16) & 0xFFFF;
                let col = status & 0xFFFF;
                if self.emitting() {
                    out.write_fmt(format_args!("\x1b[{row};{col}H"));
                }
                self.pen.row = row as i64 - 1;
                self.pen.col = col as i64 - 1;
                Ok((0, STATUS_OK))
            }
            CLEAR => {
                if self.emitting() {
                    out.write_buffered(match status {
                        1 => b"\x1b[K",
                        2 => b"\x1b[J",
                        _ => b"\x1b[2J\x1b[H",
                    });
                }
                self.shadow_clear(status);
                Ok((0, STATUS_OK))
            }
            SET_ATTR => {
                if self.emitting() {
                    out.write_fmt(format_args!("\x1b[{status}m"));
                }
                self.pen.attr = status;
                Ok((0, STATUS_OK))
            }
            READ_KEY => {
                // A raw one-byte read, like the reference's read(0, &ch, 1):
                // bytes GETCHAR has buffered are not keys.
                if io.stdin.raw_blocks() {
                    out.flush();
                }
                let mut ch = [0u8; 1];
                match io.stdin.read(&mut ch) {
                    Ok(1) => {
                        if let Some(d) = data.first_mut() {
                            *d = ch[0];
                        }
                        Ok((1, ch[0] as u32))
                    }
                    _ => Ok((0, STATUS_EOF)),
                }
            }
            KEY_AVAIL => {
                out.flush();
                Ok((0, io.stdin.poll_ready() as u32))
            }
            SET_COLOR => {
                let fg = (status >> 8) & 0xFF;
                let bg = status & 0xFF;
                if self.emitting() {
                    out.write_fmt(format_args!("\x1b[3{fg};4{bg}m"));
                }
                self.pen.fg = fg;
                self.pen.bg = bg;
                Ok((0, STATUS_OK))
            }
            PUTC => {
                let ch = status as u8;
                if self.emitting() {
                    out.push_byte(ch);
                }
                self.shadow_putc(ch);
                Ok((0, STATUS_OK))
            }
            PUTS => {
                let len = (length as usize).min(data.len());
                let bytes = &data[..len];
                if self.emitting() {
                    out.write_buffered(bytes);
                }
                for &b in bytes {
                    self.shadow_putc(b);
                }
                Ok((0, STATUS_OK))
            }
            SAVE_SCREEN => {
                if self.saved.len() >= MAX_SAVE_DEPTH {
                    return Err(errno::EINVAL);
                }
                self.saved.push(Snapshot {
                    cells: self.cells.clone(),
                    pen: self.pen,
                });
                Ok((0, STATUS_OK))
            }
            RESTORE_SCREEN => {
                let Some(snap) = self.saved.pop() else {
                    return Err(errno::EINVAL);
                };
                self.repaint(&snap, out);
                self.cells = snap.cells;
                self.pen = snap.pen;
                let p = self.pen;
                out.write_fmt(format_args!(
                    "\x1b[{}m\x1b[3{};4{}m\x1b[{};{}H",
                    p.attr,
                    p.fg,
                    p.bg,
                    p.row + 1,
                    p.col + 1
                ));
                Ok((0, STATUS_OK))
            }
            BEGIN_UPDATE => {
                if self.update.is_some() {
                    return Err(errno::EINVAL);
                }
                self.update = Some(Snapshot {
                    cells: self.cells.clone(),
                    pen: self.pen,
                });
                Ok((0, STATUS_OK))
            }
            END_UPDATE => {
                let Some(prev) = self.update.take() else {
                    return Err(errno::EINVAL);
                };
                self.emit_difference(&prev, out);
                Ok((0, STATUS_OK))
            }
            _ => Err(errno::EINVAL),
        }
    }

    /// Clears the terminal and draws every non-blank cell of `snap`.
    fn repaint(&self, snap: &Snapshot, out: &mut Output) {
        out.write_buffered(b"\x1b[0m\x1b[2J\x1b[H");
        let (mut attr, mut fg, mut bg) = (0u8, DEFAULT_FG, 0u8);
        for r in 0..self.rows {
            out.write_fmt(format_args!("\x1b[{};1H", r + 1));
            let mut last: i64 = -1;
            for c in 0..self.cols {
                let cell = snap.cells[(r * self.cols + c) as usize];
                if cell == BLANK {
                    continue;
                }
                if c != last + 1 {
                    out.write_fmt(format_args!("\x1b[{};{}H", r + 1, c + 1));
                }
                if cell.attr != attr {
                    out.write_fmt(format_args!("\x1b[{}m", cell.attr));
                    attr = cell.attr;
                }
                if cell.fg != fg || cell.bg != bg {
                    out.write_fmt(format_args!("\x1b[3{};4{}m", cell.fg, cell.bg));
                    fg = cell.fg;
                    bg = cell.bg;
                }
                out.push_byte(cell.ch);
                last = c;
            }
        }
    }

    /// Emits what changed since `prev` with as few sequences as it can,
    /// then puts the cursor and pen where the guest left them.
    fn emit_difference(&self, prev: &Snapshot, out: &mut Output) {
        let mut attr = prev.pen.attr as i64;
        let mut fg = prev.pen.fg as i64;
        let mut bg = prev.pen.bg as i64;
        let mut row = prev.pen.row;
        let mut col = prev.pen.col;
        for r in 0..self.rows {
            for c in 0..self.cols {
                let i = (r * self.cols + c) as usize;
                let cur = self.cells[i];
                if cur == prev.cells[i] {
                    continue;
                }
                if r != row || c != col {
                    out.write_fmt(format_args!("\x1b[{};{}H", r + 1, c + 1));
                    row = r;
                    col = c;
                }
                if cur.attr as i64 != attr {
                    out.write_fmt(format_args!("\x1b[{}m", cur.attr));
                    attr = cur.attr as i64;
                    if cur.attr == 0 {
                        fg = DEFAULT_FG as i64;
                        bg = 0;
                    }
                }
                if cur.fg as i64 != fg || cur.bg as i64 != bg {
                    out.write_fmt(format_args!("\x1b[3{};4{}m", cur.fg, cur.bg));
                    fg = cur.fg as i64;
                    bg = cur.bg as i64;
                }
                out.push_byte(cur.ch);
                col += 1;
                if col >= self.cols {
                    col = 0;
                    row += 1;
                }
            }
        }
        let p = self.pen;
        if p.attr as i64 != attr {
            out.write_fmt(format_args!("\x1b[{}m", p.attr));
        }
        if p.fg as i64 != fg || p.bg as i64 != bg {
            out.write_fmt(format_args!("\x1b[3{};4{}m", p.fg, p.bg));
        }
        out.write_fmt(format_args!("\x1b[{};{}H", p.row + 1, p.col + 1));
        out.flush();
    }

    /// Ends the session: cooked mode back on.
    pub fn close(&mut self) {
        if self.raw {
            self.restore_terminal();
            self.raw = false;
        }
    }
}

impl Drop for TermSession {
    fn drop(&mut self) {
        self.close();
    }
}
