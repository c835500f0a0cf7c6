//! The `.s32x` executable format: types (this file), reading and writing.
//!
//! Layout (little-endian): a 64-byte header, a section table of 28-byte
//! entries, a string table of section names, then section data. An
//! optional symbol table is a `SYMTAB` section of 16-byte entries whose
//! names live in a separate `STRTAB` section (not the header's string
//! table).

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
    /// Size in memory (for BSS larger than `data`, which is empty).
    pub mem_size: u32,
    pub flags: u32,
    /// File contents, uncompressed. Empty for BSS.
    pub data: Vec<u8>,
}

impl Section {
    /// Is this section placed in guest memory?
    pub fn is_loaded(&self) -> bool {
        self.mem_size > 0
            && matches!(
                self.kind,
                SectionKind::Code | SectionKind::Data | SectionKind::Bss | SectionKind::Rodata
            )
    }
}

/// A symbol from the optional symbol table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub value: u32,
    pub size: u32,
    /// 0 notype, 1 func, 2 object, 3 section.
    pub kind: u8,
    /// 0 local, 1 global, 2 weak.
    pub binding: u8,
}

pub const SYM_FUNC: u8 = 1;
pub const SYM_OBJECT: u8 = 2;

/// A whole executable, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    pub header: Header,
    pub sections: Vec<Section>,
    pub symbols: Vec<Symbol>,
}
