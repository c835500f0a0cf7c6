//! The `.s32x` executable format: types, [`read()`], [`write()`], and a
//! symbol lookup for the disassembler.
//!
//! Layout (little-endian): a 64-byte header, a section table of 28-byte
//! entries, a string table of section names, then section data. An
//! optional symbol table is a `SYMTAB` section of 16-byte entries whose
//! names live in a separate `STRTAB` section (not the header's string
//! table).
//!
//! [`read()`] never trusts a size or offset from the file: every range is
//! checked against the file length (in 64-bit arithmetic, so nothing wraps)
//! before it is sliced or allocated, and decompression is bounded, so a
//! hostile file can make it return an error but never panic or exhaust
//! memory. It also checks the memory layout the header describes, so that
//! the loader and every engine after it can rely on it.
//!
//! What real files look like (the reference linker `s32-ld`, and the
//! checks here were tested against binaries it produced):
//! - the section table follows the header, the name table follows it,
//!   section data starts 16-byte aligned, each section 4-byte aligned;
//! - sections are not sorted by address (`.bss` may come before `.rodata`);
//! - `.eh_frame` (0x30) and `.eh_frame_hdr` (0x31) are loaded, in the
//!   rodata region, like the reference loader does with every section whose
//!   `mem_size` is non-zero;
//! - BSS has offset 0 and size 0;
//! - `.symtab`/`.sym_strtab` come last, with `vaddr = 0` and `mem_size = 0`;
//!   every symbol is NOTYPE/GLOBAL with size 0; a symbol's section number
//!   is its section's index in the file, 0xFFFF for linker-made absolute
//!   symbols (`__bss_start`, `__stack_top`, ...);
//! - older linkers wrote `stack_end = 0` (no stack bound);
//! - the header's `data_limit` is the end of BSS; `mem_size` is 256 MiB;
//! - the docs' minimum region sizes (64 KiB code, 1 MiB data...) do not
//!   hold (a 32 KiB code region is common), so they are not checked.
//!
//! No linker writes compressed files; the compression rule below is this
//! crate's reading of the spec (see [`read()`]).

use crate::disasm::SymbolLookup;
use std::collections::HashMap;
use std::fmt;
use std::io::Read as _;

/// `"S32X"` read as a little-endian u32.
pub const MAGIC: u32 = 0x5333_3258;
pub const VERSION: u16 = 1;
pub const ENDIAN_LITTLE: u8 = 1;
pub const MACHINE_SLOW32: u8 = 0x32;
pub const HEADER_SIZE: usize = 64;
pub const SECTION_ENTRY_SIZE: usize = 28;
pub const SYMBOL_ENTRY_SIZE: usize = 16;

/// Size of the MMIO window when the MMIO flag is set.
pub const MMIO_WINDOW_SIZE: u32 = 0x1_0000;

/// Header flags.
pub mod flags {
    pub const W_XOR_X: u32 = 0x0001;
    pub const HAS_EVT: u32 = 0x0002;
    pub const HAS_TSR: u32 = 0x0004;
    pub const HAS_DEBUG: u32 = 0x0008;
    pub const STRIPPED: u32 = 0x0010;
    pub const PIC: u32 = 0x0020;
    pub const COMPRESSED: u32 = 0x0040;
    pub const MMIO: u32 = 0x0080;
}

/// Section flags.
pub mod sec_flags {
    pub const EXEC: u32 = 0x0001;
    pub const WRITE: u32 = 0x0002;
    pub const READ: u32 = 0x0004;
    pub const ALLOC: u32 = 0x0008;
}

/// The 64-byte file header, field for field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Header {
    pub magic: u32,
    pub version: u16,
    pub endian: u8,
    pub machine: u8,
    pub entry: u32,
    pub nsections: u32,
    pub sec_offset: u32,
    pub str_offset: u32,
    pub str_size: u32,
    pub flags: u32,
    pub code_limit: u32,
    pub rodata_limit: u32,
    pub data_limit: u32,
    pub stack_base: u32,
    pub mem_size: u32,
    pub heap_base: u32,
    /// Lowest stack address. 0 in binaries from older linkers: no bound.
    pub stack_end: u32,
    pub mmio_base: u32,
}

impl Header {
    pub fn wxorx(&self) -> bool {
        self.flags & flags::W_XOR_X != 0
    }
    pub fn has_mmio(&self) -> bool {
        self.flags & flags::MMIO != 0
    }
}

/// Section type numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SectionKind {
    Null,
    Code,
    Data,
    Bss,
    Rodata,
    Evt,
    Tsr,
    Debug,
    Symtab,
    Strtab,
    /// Any other type number; preserved, not loaded.
    Other(u32),
}

impl SectionKind {
    pub fn from_u32(v: u32) -> SectionKind {
        match v {
            0x00 => SectionKind::Null,
            0x01 => SectionKind::Code,
            0x02 => SectionKind::Data,
            0x03 => SectionKind::Bss,
            0x04 => SectionKind::Rodata,
            0x10 => SectionKind::Evt,
            0x11 => SectionKind::Tsr,
            0x20 => SectionKind::Debug,
            0x21 => SectionKind::Symtab,
            0x22 => SectionKind::Strtab,
            other => SectionKind::Other(other),
        }
    }
    pub fn to_u32(self) -> u32 {
        match self {
            SectionKind::Null => 0x00,
            SectionKind::Code => 0x01,
            SectionKind::Data => 0x02,
            SectionKind::Bss => 0x03,
            SectionKind::Rodata => 0x04,
            SectionKind::Evt => 0x10,
            SectionKind::Tsr => 0x11,
            SectionKind::Debug => 0x20,
            SectionKind::Symtab => 0x21,
            SectionKind::Strtab => 0x22,
            SectionKind::Other(v) => v,
        }
    }
}

/// One section, with its contents already decompressed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub kind: SectionKind,
    pub vaddr: u32,
    /// Size in memory. 0 means "not loaded" (symbol tables, empty sections).
    pub mem_size: u32,
    pub flags: u32,
    /// File contents, uncompressed. Empty for BSS. May be shorter than
    /// `mem_size`: the loader zero-fills the rest (guest memory starts
    /// zeroed), as the reference loader does.
    pub data: Vec<u8>,
}

impl Section {
    /// Is this section placed in guest memory? Every section with a
    /// non-zero `mem_size` is, whatever its type: the reference loader does
    /// exactly that, and real binaries rely on it for `.eh_frame` and
    /// `.eh_frame_hdr` (types 0x30/0x31), which the linker places in the
    /// rodata region. Symbol tables have `mem_size = 0` and never load.
    pub fn is_loaded(&self) -> bool {
        self.mem_size > 0
    }

    /// The region a loaded section must lie in (see [`SectionKind::region`]).
    pub fn region(&self) -> Region {
        self.kind.region()
    }

    /// One past the last byte in memory, in 64 bits so that a section
    /// ending at 4 GiB is representable and nothing wraps.
    pub fn end(&self) -> u64 {
        self.vaddr as u64 + self.mem_size as u64
    }
}

impl SectionKind {
    /// Which memory region the reference linker places this kind of section
    /// in: code in code; rodata and everything it treats as rodata (EVT,
    /// TSR, debug, `.eh_frame`, `.eh_frame_hdr`, `.gcc_except_table`) in
    /// rodata; data, BSS and anything else after the data.
    pub fn region(self) -> Region {
        match self {
            SectionKind::Code => Region::Code,
            SectionKind::Rodata
            | SectionKind::Evt
            | SectionKind::Tsr
            | SectionKind::Debug
            | SectionKind::Other(0x30..=0x32) => Region::Rodata,
            _ => Region::Data,
        }
    }
}

/// The three regions the header's limits carve out of guest memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Region {
    /// `[0, code_limit)`
    Code,
    /// `[code_limit, rodata_limit)`
    Rodata,
    /// `[rodata_limit, data_limit)`
    Data,
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Region::Code => "code",
            Region::Rodata => "rodata",
            Region::Data => "data",
        })
    }
}

impl Header {
    /// A header with the identity fields set and the reference linker's
    /// fixed (non-packed) layout: 1 MiB code, 1 MiB rodata, 1 MiB data,
    /// a 64 KiB stack under 0x0FFFFFF0, 256 MiB of memory, W^X on.
    /// File-layout fields (`nsections`, offsets) are filled in by
    /// [`Image::normalize`] / [`write()`].
    pub fn new() -> Header {
        Header {
            magic: MAGIC,
            version: VERSION,
            endian: ENDIAN_LITTLE,
            machine: MACHINE_SLOW32,
            flags: flags::W_XOR_X,
            code_limit: 0x0010_0000,
            rodata_limit: 0x0020_0000,
            data_limit: 0x0030_0000,
            stack_base: 0x0FFF_FFF0,
            stack_end: 0x0FFF_FFF0 - 0x1_0000,
            mem_size: 0x1000_0000,
            ..Header::default()
        }
    }

    /// Is the section data zlib-compressed (see [`read()`] for the rule)?
    pub fn is_compressed(&self) -> bool {
        self.flags & flags::COMPRESSED != 0
    }

    /// `[start, end)` of a region, from the limits.
    pub fn region_bounds(&self, region: Region) -> (u32, u32) {
        match region {
            Region::Code => (0, self.code_limit),
            Region::Rodata => (self.code_limit, self.rodata_limit),
            Region::Data => (self.rodata_limit, self.data_limit),
        }
    }
}

/// A symbol from the optional symbol table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub value: u32,
    pub size: u32,
    /// 0 notype, 1 func, 2 object, 3 section. Real binaries use 0 for
    /// everything, functions included.
    pub kind: u8,
    /// 0 local, 1 global, 2 weak.
    pub binding: u8,
    /// Index of the symbol's section in the file's section table, as
    /// stored; [`SECTION_ABS`] for absolute (linker-made) symbols. Kept raw
    /// so that a file round-trips; do not use it to index
    /// [`Image::sections`] (the symbol sections are not in that list).
    pub section: u16,
}

impl Symbol {
    /// Absolute symbols (`__stack_top`, `__bss_end`, ...) are numbers, not
    /// places in a section: a disassembler must not name code after them.
    pub fn is_absolute(&self) -> bool {
        self.section == SECTION_ABS
    }
}

/// Symbol types (the `type` byte).
pub const SYM_NOTYPE: u8 = 0;
pub const SYM_FUNC: u8 = 1;
pub const SYM_OBJECT: u8 = 2;
pub const SYM_SECTION: u8 = 3;
/// Symbol bindings.
pub const BIND_LOCAL: u8 = 0;
pub const BIND_GLOBAL: u8 = 1;
pub const BIND_WEAK: u8 = 2;
/// Section number of absolute symbols: the reference linker stores its
/// "no section" index (-1) in the u16 field.
pub const SECTION_ABS: u16 = 0xFFFF;

/// A whole executable, decoded.
///
/// `sections` holds every section of the file except the symbol table and
/// its string table, which are decoded into `symbols` instead (and written
/// back from it). The header is kept as read, file-layout fields included;
/// [`write()`] recomputes those (see [`Image::normalize`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    pub header: Header,
    pub sections: Vec<Section>,
    pub symbols: Vec<Symbol>,
}

/// At most this many sections: real files have 4 to 8, and the cap bounds
/// the work a hostile section count can cause.
pub const MAX_SECTIONS: u32 = 4096;
/// At most this many bytes of decompressed section data in one file (the
/// default guest memory size): a compressed section's `mem_size` comes from
/// the file, so without a cap a small file could demand gigabytes.
pub const MAX_DECOMPRESSED: u64 = 0x1000_0000;
/// At most this many bytes of section and symbol names in total. Names
/// may overlap in their string table, so without a cap a small file could
/// make us copy the same long string millions of times.
pub const MAX_NAME_BYTES: u64 = 16 << 20;
/// Highest acceptable `stack_base`: the runtime maps the stack up to
/// `stack_base + 16`, which must not wrap past 4 GiB.
pub const MAX_STACK_BASE: u32 = 0xFFFF_FFEF;
/// Sections smaller than this are stored raw even in compressed files, as
/// the spec advises (zlib's overhead exceeds the gain).
pub const COMPRESS_MIN_SIZE: usize = 1024;

/// Why a byte string is not a valid `.s32x` executable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum S32xError {
    #[error("file is {len} bytes, too short for the {HEADER_SIZE}-byte header")]
    TooShort { len: usize },
    #[error("bad magic 0x{found:08X} (expected 0x{MAGIC:08X}, \"S32X\")")]
    BadMagic { found: u32 },
    #[error("unsupported format version {found} (only version {VERSION} exists)")]
    UnsupportedVersion { found: u16 },
    #[error("endianness byte is 0x{found:02X}; only little-endian (0x01) is supported")]
    WrongEndianness { found: u8 },
    #[error("machine type is 0x{found:02X}, not SLOW-32 (0x32)")]
    WrongMachine { found: u8 },
    #[error("{count} sections; at most {MAX_SECTIONS} are accepted")]
    TooManySections { count: u32 },
    #[error(
        "section table at 0x{offset:X} ({count} entries of {SECTION_ENTRY_SIZE} bytes, \
         ending at 0x{end:X}) extends past the end of the {file_len}-byte file"
    )]
    SectionTableOutsideFile {
        offset: u32,
        count: u32,
        end: u64,
        file_len: usize,
    },
    #[error(
        "section name table at 0x{offset:X} ({size} bytes) extends past the end of \
         the {file_len}-byte file"
    )]
    StringTableOutsideFile {
        offset: u32,
        size: u32,
        file_len: usize,
    },
    #[error("section {index}: name offset {offset} is outside the {size}-byte name table")]
    SectionNameOutsideStringTable { index: u32, offset: u32, size: u32 },
    #[error("names take more than {MAX_NAME_BYTES} bytes in total ({total} so far)")]
    NamesTooLarge { total: u64 },
    #[error(
        "section {index} ({name}): its {size} bytes of data at file offset 0x{offset:X} \
         overlap the {HEADER_SIZE}-byte header"
    )]
    SectionDataInHeader {
        index: u32,
        name: String,
        offset: u32,
        size: u32,
    },
    #[error(
        "section {index} ({name}): data offset 0x{offset:X} + size 0x{size:X} \
         overflows 32 bits"
    )]
    SectionDataOverflow {
        index: u32,
        name: String,
        offset: u32,
        size: u32,
    },
    #[error(
        "section {index} ({name}): data 0x{offset:X}..0x{end:X} lies outside the \
         {file_len}-byte file"
    )]
    SectionDataOutsideFile {
        index: u32,
        name: String,
        offset: u32,
        end: u64,
        file_len: usize,
    },
    #[error(
        "sections claim {total} bytes of file data in total, more than the {file_len}-byte \
         file holds (sections may not share file bytes)"
    )]
    SectionDataExceedsFile { total: u64, file_len: usize },
    #[error("section {name}: {size} bytes of file data do not fit its mem_size of {mem_size}")]
    SectionDataLargerThanMemory {
        name: String,
        size: u32,
        mem_size: u32,
    },
    #[error("section {name}: zlib decompression failed: {reason}")]
    DecompressionFailed { name: String, reason: String },
    #[error(
        "section {name}: decompressed to {got} bytes, but mem_size says {expected} \
         (decompression stops at mem_size + 1)"
    )]
    DecompressedSizeMismatch {
        name: String,
        expected: u32,
        got: u64,
    },
    #[error(
        "compressed sections expand to {total} bytes, more than the {MAX_DECOMPRESSED}-byte cap"
    )]
    DecompressedTooLarge { total: u64 },
    #[error(
        "sections {first} [0x{first_start:08X}, 0x{first_end:X}) and {second} \
         [0x{second_start:08X}, 0x{second_end:X}) overlap in memory"
    )]
    OverlappingSections {
        first: String,
        first_start: u32,
        first_end: u64,
        second: String,
        second_start: u32,
        second_end: u64,
    },
    #[error(
        "section {name} [0x{start:08X}, 0x{end:X}) lies outside the {region} region \
         [0x{region_start:08X}, 0x{region_end:08X})"
    )]
    SectionOutsideRegion {
        name: String,
        region: Region,
        start: u32,
        end: u64,
        region_start: u32,
        region_end: u32,
    },
    #[error("rodata_limit 0x{rodata_limit:08X} is below code_limit 0x{code_limit:08X}")]
    RodataBelowCode { code_limit: u32, rodata_limit: u32 },
    #[error("data_limit 0x{data_limit:08X} is below rodata_limit 0x{rodata_limit:08X}")]
    DataBelowRodata { rodata_limit: u32, data_limit: u32 },
    #[error("stack_base 0x{stack_base:08X} is below stack_end 0x{stack_end:08X}")]
    StackBaseBelowStackEnd { stack_base: u32, stack_end: u32 },
    #[error(
        "stack_base 0x{stack_base:08X} is above 0x{MAX_STACK_BASE:08X} (the stack top would wrap)"
    )]
    StackBaseTooHigh { stack_base: u32 },
    #[error("mem_size 0x{mem_size:08X} is smaller than the end 0x{end:X} of section {name}")]
    MemSizeTooSmall {
        mem_size: u32,
        name: String,
        end: u64,
    },
    #[error(
        "MMIO window at 0x{mmio_base:08X} (0x{MMIO_WINDOW_SIZE:X} bytes) runs past \
         the end of the 4 GiB address space"
    )]
    MmioWindowOutOfRange { mmio_base: u32 },
    #[error("entry point 0x{entry:08X} is outside the code region [0, 0x{code_limit:08X})")]
    EntryOutsideCode { entry: u32, code_limit: u32 },
    #[error("symbol table is {size} bytes, not a multiple of {SYMBOL_ENTRY_SIZE}")]
    SymbolTableSize { size: u32 },
    #[error("symbol table has {count} symbols but there is no symbol string table")]
    SymbolStringsMissing { count: u32 },
    #[error("symbol {index}: name offset {offset} is outside the {size}-byte symbol string table")]
    SymbolNameOutsideStringTable { index: u32, offset: u32, size: u32 },
}

fn le16(b: &[u8], at: usize) -> u16 {
    match b.get(at..at + 2) {
        Some(s) => u16::from_le_bytes([s[0], s[1]]),
        None => 0,
    }
}

fn le32(b: &[u8], at: usize) -> u32 {
    match b.get(at..at + 4) {
        Some(s) => u32::from_le_bytes([s[0], s[1], s[2], s[3]]),
        None => 0,
    }
}

/// A NUL-terminated name starting at `at` (already checked to be inside
/// `table`). A name without a NUL runs to the end of the table, as the
/// reference loader (which appends a NUL) reads it. Bytes that are not
/// UTF-8 are replaced, so a name is always printable.
fn name_at(table: &[u8], at: usize, budget: &mut u64) -> Result<String, S32xError> {
    let rest = table.get(at..).unwrap_or(&[]);
    let len = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    *budget += len as u64;
    if *budget > MAX_NAME_BYTES {
        return Err(S32xError::NamesTooLarge { total: *budget });
    }
    Ok(String::from_utf8_lossy(&rest[..len]).into_owned())
}

fn parse_header(h: &[u8]) -> Header {
    Header {
        magic: le32(h, 0x00),
        version: le16(h, 0x04),
        endian: h.get(0x06).copied().unwrap_or(0),
        machine: h.get(0x07).copied().unwrap_or(0),
        entry: le32(h, 0x08),
        nsections: le32(h, 0x0C),
        sec_offset: le32(h, 0x10),
        str_offset: le32(h, 0x14),
        str_size: le32(h, 0x18),
        flags: le32(h, 0x1C),
        code_limit: le32(h, 0x20),
        rodata_limit: le32(h, 0x24),
        data_limit: le32(h, 0x28),
        stack_base: le32(h, 0x2C),
        mem_size: le32(h, 0x30),
        heap_base: le32(h, 0x34),
        stack_end: le32(h, 0x38),
        mmio_base: le32(h, 0x3C),
    }
}

/// A section table entry, with its name resolved and its file range checked.
struct RawSection {
    name: String,
    kind: SectionKind,
    vaddr: u32,
    offset: u32,
    size: u32,
    mem_size: u32,
    flags: u32,
}

/// Would [`read()`] take a section with these fields for the symbol table or
/// its string table? Used by the reader to find them and by the writer to
/// drop stale copies from [`Image::sections`] (it writes its own).
fn is_symtab(kind: SectionKind, mem_size: u32) -> bool {
    kind == SectionKind::Symtab && mem_size == 0
}
fn is_sym_strtab(kind: SectionKind, vaddr: u32, mem_size: u32) -> bool {
    kind == SectionKind::Strtab && vaddr == 0 && mem_size == 0
}

/// Checks the memory layout the header describes, on its own.
fn check_header_layout(h: &Header) -> Result<(), S32xError> {
    if h.rodata_limit < h.code_limit {
        return Err(S32xError::RodataBelowCode {
            code_limit: h.code_limit,
            rodata_limit: h.rodata_limit,
        });
    }
    if h.data_limit < h.rodata_limit {
        return Err(S32xError::DataBelowRodata {
            rodata_limit: h.rodata_limit,
            data_limit: h.data_limit,
        });
    }
    if h.stack_base > MAX_STACK_BASE {
        return Err(S32xError::StackBaseTooHigh {
            stack_base: h.stack_base,
        });
    }
    // stack_end = 0 comes from older linkers and means "no bound".
    if h.stack_end != 0 && h.stack_base < h.stack_end {
        return Err(S32xError::StackBaseBelowStackEnd {
            stack_base: h.stack_base,
            stack_end: h.stack_end,
        });
    }
    if h.has_mmio() && h.mmio_base as u64 + MMIO_WINDOW_SIZE as u64 > 1 << 32 {
        return Err(S32xError::MmioWindowOutOfRange {
            mmio_base: h.mmio_base,
        });
    }
    if h.entry >= h.code_limit {
        return Err(S32xError::EntryOutsideCode {
            entry: h.entry,
            code_limit: h.code_limit,
        });
    }
    Ok(())
}

/// Checks where the loaded sections go: each inside its region and below
/// `mem_size` (when set), and no two overlapping.
fn check_placement(h: &Header, loaded: &[&RawSection]) -> Result<(), S32xError> {
    for s in loaded {
        let end = s.vaddr as u64 + s.mem_size as u64;
        let region = s.kind.region();
        let (lo, hi) = h.region_bounds(region);
        if s.vaddr < lo || end > hi as u64 {
            return Err(S32xError::SectionOutsideRegion {
                name: s.name.clone(),
                region,
                start: s.vaddr,
                end,
                region_start: lo,
                region_end: hi,
            });
        }
        // mem_size = 0 means "use data_limit": nothing more to check.
        if h.mem_size != 0 && end > h.mem_size as u64 {
            return Err(S32xError::MemSizeTooSmall {
                mem_size: h.mem_size,
                name: s.name.clone(),
                end,
            });
        }
    }
    let mut by_addr: Vec<&RawSection> = loaded.to_vec();
    by_addr.sort_by_key(|s| s.vaddr);
    for pair in by_addr.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let a_end = a.vaddr as u64 + a.mem_size as u64;
        if (b.vaddr as u64) < a_end {
            return Err(S32xError::OverlappingSections {
                first: a.name.clone(),
                first_start: a.vaddr,
                first_end: a_end,
                second: b.name.clone(),
                second_start: b.vaddr,
                second_end: b.vaddr as u64 + b.mem_size as u64,
            });
        }
    }
    Ok(())
}

/// Inflates one zlib stream, reading at most `mem_size + 1` bytes of output
/// so that a stream that expands more than announced costs nothing extra.
fn inflate(name: &str, input: &[u8], mem_size: u32) -> Result<Vec<u8>, S32xError> {
    // Grow as output arrives rather than trusting mem_size up front.
    let mut out = Vec::with_capacity((mem_size as usize).min(input.len().saturating_mul(4)));
    let mut dec = flate2::read::ZlibDecoder::new(input).take(mem_size as u64 + 1);
    dec.read_to_end(&mut out)
        .map_err(|e| S32xError::DecompressionFailed {
            name: name.to_string(),
            reason: e.to_string(),
        })?;
    if out.len() as u64 != mem_size as u64 {
        return Err(S32xError::DecompressedSizeMismatch {
            name: name.to_string(),
            expected: mem_size,
            got: out.len() as u64,
        });
    }
    Ok(out)
}

/// Parses and validates a `.s32x` file.
///
/// Besides the file structure it checks the memory layout, so a returned
/// [`Image`] is safe to load as is: limits in order (`code <= rodata <=
/// data`), `stack_end <= stack_base <= 0xFFFFFFEF` (`stack_end = 0`, from
/// older linkers, means no bound), the MMIO window inside 4 GiB, the entry
/// point in `[0, code_limit)`, and every loaded section (`mem_size > 0`)
/// inside its region, below `mem_size` when that is non-zero (0 means "use
/// `data_limit`"), and clear of every other loaded section.
///
/// Compression (header flag `COMPRESSED`): a section is a zlib stream when
/// it has file data, a non-zero `mem_size`, and a file `size` different
/// from `mem_size`; it must inflate to exactly `mem_size` bytes. Sections
/// whose size equals `mem_size` are stored raw (the spec advises not
/// compressing small sections, so a reader must allow both), and so are
/// sections with `mem_size = 0` (symbol tables), which have no uncompressed
/// size to bound the output with.
///
/// The symbol table is the first `SYMTAB` section with `mem_size = 0`; its
/// names are in the first `STRTAB` with `vaddr = 0`, `mem_size = 0` and an
/// offset other than the header's name table (the reference loader's rule).
/// Both are taken out of [`Image::sections`].
pub fn read(bytes: &[u8]) -> Result<Image, S32xError> {
    let file_len = bytes.len();
    let Some(hb) = bytes.get(..HEADER_SIZE) else {
        return Err(S32xError::TooShort { len: file_len });
    };
    let header = parse_header(hb);
    if header.magic != MAGIC {
        return Err(S32xError::BadMagic {
            found: header.magic,
        });
    }
    if header.version != VERSION {
        return Err(S32xError::UnsupportedVersion {
            found: header.version,
        });
    }
    if header.endian != ENDIAN_LITTLE {
        return Err(S32xError::WrongEndianness {
            found: header.endian,
        });
    }
    if header.machine != MACHINE_SLOW32 {
        return Err(S32xError::WrongMachine {
            found: header.machine,
        });
    }
    if header.nsections > MAX_SECTIONS {
        return Err(S32xError::TooManySections {
            count: header.nsections,
        });
    }

    let table_end = header.sec_offset as u64 + header.nsections as u64 * SECTION_ENTRY_SIZE as u64;
    let Some(table) = bytes.get(header.sec_offset as usize..table_end as usize) else {
        return Err(S32xError::SectionTableOutsideFile {
            offset: header.sec_offset,
            count: header.nsections,
            end: table_end,
            file_len,
        });
    };
    let str_end = header.str_offset as u64 + header.str_size as u64;
    let Some(names) = bytes.get(header.str_offset as usize..str_end as usize) else {
        return Err(S32xError::StringTableOutsideFile {
            offset: header.str_offset,
            size: header.str_size,
            file_len,
        });
    };

    let mut name_budget = 0u64;
    let mut file_data_total = 0u64;
    let mut raws = Vec::with_capacity(header.nsections as usize);
    for (i, e) in table.chunks_exact(SECTION_ENTRY_SIZE).enumerate() {
        let index = i as u32;
        let name_offset = le32(e, 0);
        if name_offset >= header.str_size {
            return Err(S32xError::SectionNameOutsideStringTable {
                index,
                offset: name_offset,
                size: header.str_size,
            });
        }
        let s = RawSection {
            name: name_at(names, name_offset as usize, &mut name_budget)?,
            kind: SectionKind::from_u32(le32(e, 4)),
            vaddr: le32(e, 8),
            offset: le32(e, 12),
            size: le32(e, 16),
            mem_size: le32(e, 20),
            flags: le32(e, 24),
        };
        if s.size > 0 {
            let end = s.offset as u64 + s.size as u64;
            if (s.offset as usize) < HEADER_SIZE {
                return Err(S32xError::SectionDataInHeader {
                    index,
                    name: s.name,
                    offset: s.offset,
                    size: s.size,
                });
            }
            if end > u32::MAX as u64 {
                return Err(S32xError::SectionDataOverflow {
                    index,
                    name: s.name,
                    offset: s.offset,
                    size: s.size,
                });
            }
            if end > file_len as u64 {
                return Err(S32xError::SectionDataOutsideFile {
                    index,
                    name: s.name,
                    offset: s.offset,
                    end,
                    file_len,
                });
            }
            // Bounds the copying below by the file size, whatever the
            // section count: real sections never share file bytes.
            file_data_total += s.size as u64;
            if file_data_total > file_len as u64 {
                return Err(S32xError::SectionDataExceedsFile {
                    total: file_data_total,
                    file_len,
                });
            }
        }
        raws.push(s);
    }

    check_header_layout(&header)?;

    let symtab = raws.iter().position(|s| is_symtab(s.kind, s.mem_size));
    let sym_strtab = raws
        .iter()
        .position(|s| is_sym_strtab(s.kind, s.vaddr, s.mem_size) && s.offset != header.str_offset);
    let is_symbol_part = |i: usize| Some(i) == symtab || Some(i) == sym_strtab;

    let compressed_file = header.is_compressed();
    let is_compressed =
        |s: &RawSection| compressed_file && s.size > 0 && s.mem_size > 0 && s.size != s.mem_size;
    let mut loaded = Vec::new();
    for (i, s) in raws.iter().enumerate() {
        if is_symbol_part(i) || s.mem_size == 0 {
            continue;
        }
        if !is_compressed(s) && s.size > s.mem_size {
            return Err(S32xError::SectionDataLargerThanMemory {
                name: s.name.clone(),
                size: s.size,
                mem_size: s.mem_size,
            });
        }
        loaded.push(s);
    }
    check_placement(&header, &loaded)?;

    let inflated: u64 = raws
        .iter()
        .filter(|s| is_compressed(s))
        .map(|s| s.mem_size as u64)
        .sum();
    if inflated > MAX_DECOMPRESSED {
        return Err(S32xError::DecompressedTooLarge { total: inflated });
    }

    let file_bytes = |s: &RawSection| -> &[u8] {
        if s.size == 0 {
            return &[];
        }
        bytes
            .get(s.offset as usize..s.offset as usize + s.size as usize)
            .unwrap_or(&[])
    };

    let mut sections = Vec::with_capacity(raws.len());
    for (i, s) in raws.iter().enumerate() {
        if is_symbol_part(i) {
            continue;
        }
        let stored = file_bytes(s);
        let data = if is_compressed(s) {
            inflate(&s.name, stored, s.mem_size)?
        } else {
            stored.to_vec()
        };
        sections.push(Section {
            name: s.name.clone(),
            kind: s.kind,
            vaddr: s.vaddr,
            mem_size: s.mem_size,
            flags: s.flags,
            data,
        });
    }

    let mut symbols = Vec::new();
    if let Some(t) = symtab.map(|i| &raws[i]) {
        if !(t.size as usize).is_multiple_of(SYMBOL_ENTRY_SIZE) {
            return Err(S32xError::SymbolTableSize { size: t.size });
        }
        let count = t.size / SYMBOL_ENTRY_SIZE as u32;
        let strings = match sym_strtab.map(|i| &raws[i]) {
            Some(s) => file_bytes(s),
            None if count == 0 => &[][..],
            None => return Err(S32xError::SymbolStringsMissing { count }),
        };
        symbols.reserve(count as usize);
        for (i, e) in file_bytes(t).chunks_exact(SYMBOL_ENTRY_SIZE).enumerate() {
            let name_offset = le32(e, 0);
            if name_offset as usize >= strings.len() {
                return Err(S32xError::SymbolNameOutsideStringTable {
                    index: i as u32,
                    offset: name_offset,
                    size: strings.len() as u32,
                });
            }
            symbols.push(Symbol {
                name: name_at(strings, name_offset as usize, &mut name_budget)?,
                value: le32(e, 4),
                section: le16(e, 8),
                kind: e.get(10).copied().unwrap_or(0),
                binding: e.get(11).copied().unwrap_or(0),
                size: le32(e, 12),
            });
        }
    }

    Ok(Image {
        header,
        sections,
        symbols,
    })
}

/// Name of the symbol table section written by [`write()`] (as `s32-ld`).
pub const SYMTAB_NAME: &str = ".symtab";
/// Name of the symbol string table section written by [`write()`].
pub const SYM_STRTAB_NAME: &str = ".sym_strtab";

/// A NUL-separated string table that stores each distinct name once,
/// starting with the empty name at offset 0 (as `s32-ld` does).
struct StringTable {
    bytes: Vec<u8>,
    offsets: HashMap<String, u32>,
}

impl StringTable {
    fn new() -> StringTable {
        StringTable {
            bytes: vec![0],
            offsets: HashMap::from([(String::new(), 0)]),
        }
    }
    fn add(&mut self, name: &str) -> u32 {
        if let Some(&o) = self.offsets.get(name) {
            return o;
        }
        let o = self.bytes.len() as u32;
        self.bytes.extend_from_slice(name.as_bytes());
        self.bytes.push(0);
        self.offsets.insert(name.to_string(), o);
        o
    }
}

/// The sections [`write()`] emits from `image.sections`: all but leftovers
/// that [`read()`] would mistake for the symbol table (the writer makes its
/// own from `image.symbols`).
fn kept_sections(image: &Image) -> impl Iterator<Item = &Section> {
    image
        .sections
        .iter()
        .filter(|s| !is_symtab(s.kind, s.mem_size) && !is_sym_strtab(s.kind, s.vaddr, s.mem_size))
}

/// In a compressed file a loaded section's file size either equals its
/// `mem_size` or marks it compressed, so there is no way to store "some
/// bytes, zero-fill the rest": such data is zero-extended to `mem_size`.
fn needs_padding(s: &Section, compressed: bool) -> bool {
    compressed && s.mem_size > 0 && !s.data.is_empty() && s.data.len() < s.mem_size as usize
}

/// The section-name table and header [`write()`] produces for `image`.
fn layout(image: &Image) -> (Header, StringTable, Vec<u32>) {
    let mut names = StringTable::new();
    let mut name_offsets: Vec<u32> = kept_sections(image).map(|s| names.add(&s.name)).collect();
    if !image.symbols.is_empty() {
        name_offsets.push(names.add(SYMTAB_NAME));
        name_offsets.push(names.add(SYM_STRTAB_NAME));
    }
    let n = name_offsets.len() as u32;
    let mut h = image.header;
    h.magic = MAGIC;
    h.version = VERSION;
    h.endian = ENDIAN_LITTLE;
    h.machine = MACHINE_SLOW32;
    h.nsections = n;
    h.sec_offset = HEADER_SIZE as u32;
    h.str_offset = (HEADER_SIZE + n as usize * SECTION_ENTRY_SIZE) as u32;
    h.str_size = names.bytes.len() as u32;
    (h, names, name_offsets)
}

impl Image {
    /// An image ready to write, normalized so that `read(&write(&img))`
    /// gives it back unchanged.
    pub fn new(header: Header, sections: Vec<Section>, symbols: Vec<Symbol>) -> Image {
        let mut image = Image {
            header,
            sections,
            symbols,
        };
        image.normalize();
        image
    }

    /// Makes the image what a write/read cycle returns, so that
    /// `read(&write(&img)) == Ok(img)` holds for any image whose contents
    /// are valid. [`write()`] decides the file layout itself: it sets magic,
    /// version, endianness and machine, recomputes `nsections`,
    /// `sec_offset`, `str_offset` and `str_size`, drops sections that look
    /// like a symbol table (it writes one from `symbols`), and in a
    /// compressed image zero-extends partial section data to `mem_size`.
    /// This applies the same changes here.
    pub fn normalize(&mut self) {
        let compressed = self.header.is_compressed();
        self.sections.retain(|s| {
            !is_symtab(s.kind, s.mem_size) && !is_sym_strtab(s.kind, s.vaddr, s.mem_size)
        });
        for s in &mut self.sections {
            if needs_padding(s, compressed) {
                s.data.resize(s.mem_size as usize, 0);
            }
        }
        self.header = layout(self).0;
    }

    /// Turns compression of section data on or off for [`write()`].
    pub fn set_compressed(&mut self, on: bool) {
        if on {
            self.header.flags |= flags::COMPRESSED;
        } else {
            self.header.flags &= !flags::COMPRESSED;
        }
    }

    /// The sections placed in guest memory, in file order.
    pub fn loaded_sections(&self) -> impl Iterator<Item = &Section> {
        self.sections.iter().filter(|s| s.is_loaded())
    }

    /// The first section with this name.
    pub fn section_by_name(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// The first symbol with this name (real files have no duplicates).
    pub fn symbol_by_name(&self, name: &str) -> Option<&Symbol> {
        self.symbols.iter().find(|s| s.name == name)
    }

    /// A symbol whose value is exactly `addr`. Section symbols win over
    /// absolute ones (`__code_start` and `_start` are both 0, and only one
    /// names code), then functions, then the first in the table.
    pub fn symbol_at(&self, addr: u32) -> Option<&Symbol> {
        self.symbols
            .iter()
            .filter(|s| s.value == addr)
            .min_by_key(|s| (s.is_absolute(), s.kind != SYM_FUNC))
    }
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn deflate(data: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write as _;
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data).ok()?;
    enc.finish().ok()
}

/// Serializes an image: header, section table, name table, then section
/// data (starting 16-byte aligned, each section 4-byte aligned, as
/// `s32-ld` lays it out), then `.symtab` and `.sym_strtab` when there are
/// symbols. File-layout header fields are recomputed (see
/// [`Image::normalize`]). With the header's `COMPRESSED` flag set, loaded
/// sections of at least [`COMPRESS_MIN_SIZE`] bytes are zlib-compressed
/// when that makes them smaller; others are stored raw (see [`read()`]).
///
/// It does not validate: an image [`read()`] would reject (say, overlapping
/// sections) is written as is, and reading it back reports the problem.
pub fn write(image: &Image) -> Vec<u8> {
    let (header, names, name_offsets) = layout(image);
    let compressed = header.is_compressed();

    struct Out<'a> {
        kind: u32,
        vaddr: u32,
        mem_size: u32,
        flags: u32,
        stored: std::borrow::Cow<'a, [u8]>,
    }
    let mut outs: Vec<Out> = kept_sections(image)
        .map(|s| {
            let mut stored = std::borrow::Cow::Borrowed(&s.data[..]);
            if needs_padding(s, compressed) {
                let mut v = s.data.clone();
                v.resize(s.mem_size as usize, 0);
                stored = v.into();
            }
            if compressed && s.mem_size > 0 && stored.len() >= COMPRESS_MIN_SIZE {
                if let Some(z) = deflate(&stored) {
                    // Smaller than mem_size, so `size != mem_size` marks it.
                    if z.len() < stored.len() {
                        stored = z.into();
                    }
                }
            }
            Out {
                kind: s.kind.to_u32(),
                vaddr: s.vaddr,
                mem_size: s.mem_size,
                flags: s.flags,
                stored,
            }
        })
        .collect();

    if !image.symbols.is_empty() {
        let mut strings = StringTable::new();
        let mut table = Vec::with_capacity(image.symbols.len() * SYMBOL_ENTRY_SIZE);
        for s in &image.symbols {
            put32(&mut table, strings.add(&s.name));
            put32(&mut table, s.value);
            table.extend_from_slice(&s.section.to_le_bytes());
            table.push(s.kind);
            table.push(s.binding);
            put32(&mut table, s.size);
        }
        for (kind, stored) in [
            (SectionKind::Symtab, table),
            (SectionKind::Strtab, strings.bytes),
        ] {
            outs.push(Out {
                kind: kind.to_u32(),
                vaddr: 0,
                mem_size: 0,
                flags: 0,
                stored: stored.into(),
            });
        }
    }

    // File offsets: data starts 16-byte aligned after the name table.
    let mut offsets = Vec::with_capacity(outs.len());
    let mut at = (header.str_offset as usize + names.bytes.len()).next_multiple_of(16);
    for o in &outs {
        if o.stored.is_empty() {
            offsets.push(0);
        } else {
            offsets.push(at as u32);
            at = (at + o.stored.len()).next_multiple_of(4);
        }
    }

    let mut out = Vec::with_capacity(at);
    for v in [
        header.magic,
        header.version as u32 | (header.endian as u32) << 16 | (header.machine as u32) << 24,
        header.entry,
        header.nsections,
        header.sec_offset,
        header.str_offset,
        header.str_size,
        header.flags,
        header.code_limit,
        header.rodata_limit,
        header.data_limit,
        header.stack_base,
        header.mem_size,
        header.heap_base,
        header.stack_end,
        header.mmio_base,
    ] {
        put32(&mut out, v);
    }
    for ((o, &offset), &name) in outs.iter().zip(&offsets).zip(&name_offsets) {
        for v in [
            name,
            o.kind,
            o.vaddr,
            offset,
            o.stored.len() as u32,
            o.mem_size,
            o.flags,
        ] {
            put32(&mut out, v);
        }
    }
    out.extend_from_slice(&names.bytes);
    for (o, &offset) in outs.iter().zip(&offsets) {
        if !o.stored.is_empty() {
            // Padding goes before a section, not after, so that the file
            // ends with its last section's bytes, as `s32-ld`'s files do.
            out.resize(offset as usize, 0);
            out.extend_from_slice(&o.stored);
        }
    }
    out
}

/// Function names by address, for the disassembler: `main`, `main+0x10`.
///
/// Real binaries mark every symbol NOTYPE with size 0, so a "function" is
/// any symbol that lies in a loaded code section and is not absolute, and
/// it extends to the next one (or to its size, when given, or to the end of
/// its code section).
#[derive(Clone, Debug, Default)]
pub struct SymbolMap {
    /// Sorted by `start`, starts distinct.
    entries: Vec<MapEntry>,
}

#[derive(Clone, Debug)]
struct MapEntry {
    start: u32,
    end: u64,
    name: String,
}

impl SymbolMap {
    pub fn new(image: &Image) -> SymbolMap {
        let code: Vec<(u64, u64)> = image
            .loaded_sections()
            .filter(|s| s.kind == SectionKind::Code)
            .map(|s| (s.vaddr as u64, s.end()))
            .collect();
        let containing = |v: u32| {
            code.iter()
                .find(|&&(lo, hi)| (lo..hi).contains(&(v as u64)))
                .map(|&(_, hi)| hi)
        };
        let mut cands: Vec<(&Symbol, u64)> = image
            .symbols
            .iter()
            .filter(|s| !s.is_absolute())
            .filter_map(|s| containing(s.value).map(|hi| (s, hi)))
            .collect();
        // Stable: among symbols at one address, functions first, then the
        // first in the table.
        cands.sort_by_key(|(s, _)| (s.value, s.kind != SYM_FUNC));
        cands.dedup_by_key(|(s, _)| s.value);
        let mut entries: Vec<MapEntry> = cands
            .iter()
            .map(|&(s, section_end)| {
                let mut end = section_end;
                if s.size > 0 {
                    end = end.min(s.value as u64 + s.size as u64);
                }
                MapEntry {
                    start: s.value,
                    end,
                    name: s.name.clone(),
                }
            })
            .collect();
        for i in 1..entries.len() {
            let next = entries[i].start as u64;
            let prev = &mut entries[i - 1];
            prev.end = prev.end.min(next);
        }
        SymbolMap { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The function containing `addr` and the offset into it.
    pub fn lookup(&self, addr: u32) -> Option<(&str, u32)> {
        let i = self.entries.partition_point(|e| e.start <= addr);
        let e = self.entries.get(i.checked_sub(1)?)?;
        ((addr as u64) < e.end).then(|| (e.name.as_str(), addr - e.start))
    }

    /// The function starting exactly at `addr` (for labels in a listing).
    pub fn exact(&self, addr: u32) -> Option<&str> {
        match self.lookup(addr) {
            Some((name, 0)) => Some(name),
            _ => None,
        }
    }
}

impl SymbolLookup for SymbolMap {
    fn name_for(&self, addr: u32) -> Option<String> {
        self.lookup(addr).map(|(name, off)| match off {
            0 => name.to_string(),
            _ => format!("{name}+0x{off:x}"),
        })
    }
}
