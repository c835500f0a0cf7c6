//! The `.s32x` reader and writer: round trips, one corrupted file per
//! error, no panics on garbage, and (with `FAST32_CORPUS` set) real files.

use fast32_isa::disasm::SymbolLookup;
use fast32_isa::s32x::{
    self, flags, sec_flags, Header, Image, Region, S32xError, Section, SectionKind, Symbol,
    SymbolMap, HEADER_SIZE, SECTION_ABS, SECTION_ENTRY_SIZE, SYMBOL_ENTRY_SIZE,
};
use proptest::prelude::*;

const CODE_LIMIT: u32 = 0x4000;
const RODATA_LIMIT: u32 = 0x6000;
const DATA_LIMIT: u32 = 0x9000;

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i % 13) as u8 ^ seed).collect()
}

fn section(name: &str, kind: SectionKind, vaddr: u32, data: Vec<u8>, mem_size: u32) -> Section {
    let flags = match kind.region() {
        Region::Code => sec_flags::EXEC | sec_flags::READ | sec_flags::ALLOC,
        Region::Rodata => sec_flags::READ | sec_flags::ALLOC,
        Region::Data => sec_flags::READ | sec_flags::WRITE | sec_flags::ALLOC,
    };
    Section {
        name: name.into(),
        kind,
        vaddr,
        mem_size,
        flags,
        data,
    }
}

fn sym(name: &str, value: u32, section: u16) -> Symbol {
    Symbol {
        name: name.into(),
        value,
        size: 0,
        kind: s32x::SYM_NOTYPE,
        binding: s32x::BIND_GLOBAL,
        section,
    }
}

/// An image shaped like the reference linker's output: sections out of
/// address order, `.eh_frame` in the rodata region, BSS without data, a
/// non-loaded section, absolute symbols next to code symbols.
fn sample(compressed: bool, with_symbols: bool) -> Image {
    let mut header = Header::new();
    header.entry = 0x10;
    header.flags = flags::W_XOR_X | flags::MMIO;
    header.code_limit = CODE_LIMIT;
    header.rodata_limit = RODATA_LIMIT;
    header.data_limit = DATA_LIMIT;
    header.heap_base = 0xA000;
    header.mmio_base = 0x10_0000;
    let sections = vec![
        section(".text", SectionKind::Code, 0, pattern(2048, 0x40), 2048),
        section(".bss", SectionKind::Bss, 0x6100, Vec::new(), 0x2000),
        section(".rodata", SectionKind::Rodata, 0x4000, pattern(17, 1), 17),
        section(
            ".eh_frame",
            SectionKind::Other(0x30),
            0x4014,
            pattern(1500, 2),
            1500,
        ),
        section(".data", SectionKind::Data, 0x6000, pattern(0xC0, 3), 0xC0),
        section(
            ".comment",
            SectionKind::Other(0x99),
            0,
            b"fast32".to_vec(),
            0,
        ),
    ];
    let symbols = if with_symbols {
        vec![
            sym("_start", 0, 0),
            sym("__code_start", 0, SECTION_ABS),
            sym("main", 0x40, 0),
            sym("memcpy", 0x100, 0),
            sym("table", 0x6000, 4),
            sym("__stack_top", 0x0FFF_FFF0, SECTION_ABS),
        ]
    } else {
        Vec::new()
    };
    let mut img = Image::new(header, sections, symbols);
    if compressed {
        img.set_compressed(true);
        img.normalize();
    }
    img
}

fn get32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// Byte offset of field `field` (0 name, 1 type, 2 vaddr, 3 offset,
/// 4 size, 5 mem_size, 6 flags) of section table entry `index`.
fn entry(b: &[u8], index: usize, field: usize) -> usize {
    get32(b, 0x10) as usize + index * SECTION_ENTRY_SIZE + field * 4
}

/// Index in the file's section table of the first section of `kind`.
fn index_of(b: &[u8], kind: SectionKind) -> usize {
    (0..get32(b, 0x0C) as usize)
        .find(|&i| get32(b, entry(b, i, 1)) == kind.to_u32())
        .unwrap()
}

fn read_err(b: &[u8]) -> S32xError {
    let e = s32x::read(b).expect_err("corrupted file was accepted");
    // Every message names what is wrong; make sure formatting works.
    assert!(!e.to_string().is_empty());
    e
}

fn corrupt(compressed: bool, f: impl FnOnce(&mut Vec<u8>)) -> S32xError {
    let mut b = s32x::write(&sample(compressed, true));
    s32x::read(&b).expect("sample must be valid before corruption");
    f(&mut b);
    read_err(&b)
}

// ---------------------------------------------------------------- round trips

#[test]
fn round_trip_plain() {
    let img = sample(false, false);
    let bytes = s32x::write(&img);
    assert_eq!(s32x::read(&bytes).unwrap(), img);
}

#[test]
fn round_trip_with_symbols() {
    let img = sample(false, true);
    let bytes = s32x::write(&img);
    let back = s32x::read(&bytes).unwrap();
    assert_eq!(back, img);
    assert_eq!(back.symbols.len(), 6);
    assert_eq!(
        back.header.nsections, 8,
        "6 sections + .symtab + .sym_strtab"
    );
}

#[test]
fn round_trip_compressed() {
    let img = sample(true, true);
    let bytes = s32x::write(&img);
    let plain = s32x::write(&sample(false, true));
    assert!(
        bytes.len() < plain.len(),
        "compression should shrink the file"
    );
    // .text is stored compressed (size != mem_size); .rodata is too small.
    let text = index_of(&bytes, SectionKind::Code);
    assert!(get32(&bytes, entry(&bytes, text, 4)) < 2048);
    let ro = index_of(&bytes, SectionKind::Rodata);
    assert_eq!(get32(&bytes, entry(&bytes, ro, 4)), 17);
    assert_eq!(s32x::read(&bytes).unwrap(), img);
}

#[test]
fn round_trip_bss_and_partial_data() {
    let mut img = sample(false, false);
    // Data shorter than mem_size: the rest is zero-fill, kept as is.
    img.sections[4].mem_size = 0x100;
    let img = Image::new(img.header, img.sections, img.symbols);
    let back = s32x::read(&s32x::write(&img)).unwrap();
    assert_eq!(back, img);
    let bss = back.section_by_name(".bss").unwrap();
    assert!(bss.data.is_empty() && bss.mem_size == 0x2000 && bss.is_loaded());
    assert_eq!(back.section_by_name(".data").unwrap().data.len(), 0xC0);

    // A compressed file cannot say "partial": normalize zero-extends.
    let mut c = img.clone();
    c.set_compressed(true);
    c.normalize();
    assert_eq!(c.section_by_name(".data").unwrap().data.len(), 0x100);
    assert_eq!(s32x::read(&s32x::write(&c)).unwrap(), c);
}

#[test]
fn write_recomputes_layout_fields() {
    let mut img = sample(false, true);
    let good = img.clone();
    img.header.nsections = 99;
    img.header.sec_offset = 12345;
    img.header.str_offset = 0;
    img.header.magic = 0;
    assert_eq!(s32x::read(&s32x::write(&img)).unwrap(), good);
    let mut n = img.clone();
    n.normalize();
    assert_eq!(n, good);
}

#[test]
fn stale_symbol_sections_are_not_written_twice() {
    let img = sample(false, true);
    let mut with_stale = img.clone();
    with_stale
        .sections
        .push(section(".symtab", SectionKind::Symtab, 0, vec![0; 16], 0));
    with_stale
        .sections
        .push(section(".sym_strtab", SectionKind::Strtab, 0, vec![0], 0));
    assert_eq!(s32x::read(&s32x::write(&with_stale)).unwrap(), img);
}

#[test]
fn file_layout_matches_reference_linker() {
    let b = s32x::write(&sample(false, true));
    assert_eq!(get32(&b, 0), 0x5333_3258);
    assert_eq!(get32(&b, 0x10), HEADER_SIZE as u32);
    let n = get32(&b, 0x0C) as usize;
    assert_eq!(
        get32(&b, 0x14) as usize,
        HEADER_SIZE + n * SECTION_ENTRY_SIZE
    );
    for i in 0..n {
        let (off, size) = (get32(&b, entry(&b, i, 3)), get32(&b, entry(&b, i, 4)));
        if size == 0 {
            assert_eq!(off, 0, "empty sections have offset 0");
        } else {
            assert_eq!(off % 4, 0);
        }
    }
    // Symbol tables come last, not loaded.
    for (i, kind) in [(n - 2, 0x21), (n - 1, 0x22)] {
        assert_eq!(get32(&b, entry(&b, i, 1)), kind);
        assert_eq!(get32(&b, entry(&b, i, 2)), 0);
        assert_eq!(get32(&b, entry(&b, i, 5)), 0);
    }
}

#[test]
fn accepts_old_and_unsized_layouts() {
    // stack_end = 0 (older linkers) and mem_size = 0 ("use data_limit").
    let mut img = sample(false, true);
    img.header.stack_end = 0;
    img.header.mem_size = 0;
    let back = s32x::read(&s32x::write(&img)).unwrap();
    assert_eq!(back.header.stack_end, 0);
    assert_eq!(back.header.mem_size, 0);
}

#[test]
fn lookups() {
    let img = sample(false, true);
    assert_eq!(img.symbol_by_name("main").unwrap().value, 0x40);
    assert!(img.symbol_by_name("nope").is_none());
    // _start beats the absolute __code_start at the same address.
    assert_eq!(img.symbol_at(0).unwrap().name, "_start");
    assert_eq!(img.symbol_at(0x0FFF_FFF0).unwrap().name, "__stack_top");
    assert!(img.symbol_at(0x44).is_none());

    let map = SymbolMap::new(&img);
    assert_eq!(map.len(), 3, "only code symbols that are not absolute");
    assert_eq!(map.name_for(0).as_deref(), Some("_start"));
    assert_eq!(map.name_for(0x3C).as_deref(), Some("_start+0x3c"));
    assert_eq!(map.name_for(0x50).as_deref(), Some("main+0x10"));
    assert_eq!(map.name_for(0x7FC).as_deref(), Some("memcpy+0x6fc"));
    assert_eq!(map.name_for(0x800), None, "past the end of .text");
    assert_eq!(map.name_for(0x6000), None, "data symbols are not functions");
    assert_eq!(map.exact(0x40), Some("main"));
    assert_eq!(map.exact(0x44), None);
    assert!(SymbolMap::new(&sample(false, false)).is_empty());
}

#[test]
fn sized_function_symbols_end_at_their_size() {
    let mut img = sample(false, true);
    img.symbols[2].size = 8; // main: 0x40..0x48
    img.symbols[2].kind = s32x::SYM_FUNC;
    let map = SymbolMap::new(&img);
    assert_eq!(map.name_for(0x44).as_deref(), Some("main+0x4"));
    assert_eq!(map.name_for(0x48), None);
}

// ------------------------------------------------------ one test per error

#[test]
fn err_too_short() {
    let b = s32x::write(&sample(false, true));
    assert!(matches!(
        read_err(&b[..63]),
        S32xError::TooShort { len: 63 }
    ));
    assert!(matches!(read_err(&[]), S32xError::TooShort { len: 0 }));
}

#[test]
fn err_bad_magic() {
    let e = corrupt(false, |b| put32(b, 0, 0x4C45_467F));
    assert_eq!(e, S32xError::BadMagic { found: 0x4C45_467F });
    assert!(e.to_string().contains("0x4C45467F"));
}

#[test]
fn err_unsupported_version() {
    let e = corrupt(false, |b| b[4] = 2);
    assert_eq!(e, S32xError::UnsupportedVersion { found: 2 });
}

#[test]
fn err_wrong_endianness() {
    let e = corrupt(false, |b| b[6] = 2);
    assert_eq!(e, S32xError::WrongEndianness { found: 2 });
}

#[test]
fn err_wrong_machine() {
    let e = corrupt(false, |b| b[7] = 0x33);
    assert_eq!(e, S32xError::WrongMachine { found: 0x33 });
}

#[test]
fn err_too_many_sections() {
    let e = corrupt(false, |b| put32(b, 0x0C, 5000));
    assert_eq!(e, S32xError::TooManySections { count: 5000 });
}

#[test]
fn err_section_table_outside_file() {
    let e = corrupt(false, |b| {
        let at = b.len() as u32 - 20;
        put32(b, 0x10, at);
    });
    assert!(
        matches!(e, S32xError::SectionTableOutsideFile { .. }),
        "{e:?}"
    );
    // Truncated in the middle of the table.
    let b = s32x::write(&sample(false, true));
    let e = read_err(&b[..HEADER_SIZE + 30]);
    assert!(
        matches!(e, S32xError::SectionTableOutsideFile { count: 8, .. }),
        "{e:?}"
    );
}

#[test]
fn err_string_table_outside_file() {
    let e = corrupt(false, |b| put32(b, 0x18, 0xFFFF_FFFF));
    assert!(
        matches!(
            e,
            S32xError::StringTableOutsideFile {
                size: 0xFFFF_FFFF,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn err_section_name_outside_string_table() {
    let e = corrupt(false, |b| {
        let size = get32(b, 0x18);
        let at = entry(b, 2, 0);
        put32(b, at, size);
    });
    assert!(
        matches!(e, S32xError::SectionNameOutsideStringTable { index: 2, .. }),
        "{e:?}"
    );
}

#[test]
fn err_names_too_large() {
    // 4096 sections all named by the same 5000-byte unterminated string:
    // 20 MB of names from a 120 KB file.
    let n = 4096usize;
    let str_offset = HEADER_SIZE + n * SECTION_ENTRY_SIZE;
    let mut b = vec![0u8; str_offset + 5000];
    let mut h = Header::new();
    h.nsections = n as u32;
    h.sec_offset = HEADER_SIZE as u32;
    h.str_offset = str_offset as u32;
    h.str_size = 5000;
    put32(&mut b, 0, h.magic);
    b[4] = 1;
    b[6] = 1;
    b[7] = 0x32;
    put32(&mut b, 0x0C, h.nsections);
    put32(&mut b, 0x10, h.sec_offset);
    put32(&mut b, 0x14, h.str_offset);
    put32(&mut b, 0x18, h.str_size);
    b[str_offset..].fill(b'a');
    assert!(matches!(read_err(&b), S32xError::NamesTooLarge { .. }));
}

#[test]
fn err_section_data_in_header() {
    let e = corrupt(false, |b| {
        let at = entry(b, 0, 3);
        put32(b, at, 8);
    });
    assert!(
        matches!(
            e,
            S32xError::SectionDataInHeader {
                index: 0,
                offset: 8,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn err_section_data_overflow() {
    let e = corrupt(false, |b| {
        let at = entry(b, 0, 3);
        put32(b, at, 0xFFFF_FF00);
    });
    assert!(
        matches!(e, S32xError::SectionDataOverflow { index: 0, .. }),
        "{e:?}"
    );
}

#[test]
fn err_section_data_outside_file() {
    let e = corrupt(false, |b| {
        let (at, len) = (entry(b, 2, 4), b.len() as u32);
        put32(b, at, len);
    });
    assert!(
        matches!(e, S32xError::SectionDataOutsideFile { index: 2, .. }),
        "{e:?}"
    );
    // A file cut short inside the section data.
    let b = s32x::write(&sample(false, true));
    let e = read_err(&b[..b.len() - 10]);
    assert!(
        matches!(e, S32xError::SectionDataOutsideFile { .. }),
        "{e:?}"
    );
}

#[test]
fn err_section_data_exceeds_file() {
    // Three sections share .text's 2048 file bytes.
    let e = corrupt(false, |b| {
        let (off, size) = (get32(b, entry(b, 0, 3)), get32(b, entry(b, 0, 4)));
        for i in [2, 4] {
            let (o, s) = (entry(b, i, 3), entry(b, i, 4));
            put32(b, o, off);
            put32(b, s, size);
        }
    });
    assert!(
        matches!(e, S32xError::SectionDataExceedsFile { .. }),
        "{e:?}"
    );
}

#[test]
fn err_section_data_larger_than_memory() {
    let e = corrupt(false, |b| {
        let at = entry(b, 4, 5); // .data mem_size 0xC0 -> 0x10
        put32(b, at, 0x10);
    });
    assert!(
        matches!(e, S32xError::SectionDataLargerThanMemory { ref name, size: 0xC0, mem_size: 0x10 } if name == ".data"),
        "{e:?}"
    );
}

#[test]
fn err_decompression_failed() {
    let e = corrupt(true, |b| {
        let off = get32(b, entry(b, 0, 3)) as usize;
        b[off..off + 8].fill(0xFF);
    });
    assert!(
        matches!(e, S32xError::DecompressionFailed { ref name, .. } if name == ".text"),
        "{e:?}"
    );
}

#[test]
fn err_decompressed_size_mismatch() {
    let e = corrupt(true, |b| {
        let at = entry(b, 0, 5); // .text claims 2044 bytes, inflates to 2048
        put32(b, at, 2044);
    });
    assert!(
        matches!(
            e,
            S32xError::DecompressedSizeMismatch {
                expected: 2044,
                got: 2045,
                ..
            }
        ),
        "{e:?}"
    );
    let e = corrupt(true, |b| {
        let at = entry(b, 0, 5); // claims more than the stream holds
        put32(b, at, 4000);
    });
    assert!(
        matches!(
            e,
            S32xError::DecompressedSizeMismatch {
                expected: 4000,
                got: 2048,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn err_decompressed_too_large() {
    let mut h = Header::new();
    h.code_limit = 0x2000_0000;
    h.rodata_limit = 0x2000_0000;
    h.data_limit = 0x2000_0000;
    h.mem_size = 0;
    let text = section(".text", SectionKind::Code, 0, vec![0; 4096], 4096);
    let mut img = Image::new(h, vec![text], Vec::new());
    img.set_compressed(true);
    let mut b = s32x::write(&img);
    s32x::read(&b).unwrap();
    let at = entry(&b, 0, 5);
    put32(&mut b, at, 0x1000_0004); // a zip bomb's claim
    assert!(matches!(
        read_err(&b),
        S32xError::DecompressedTooLarge { total: 0x1000_0004 }
    ));
}

#[test]
fn err_overlapping_sections() {
    let e = corrupt(false, |b| {
        let at = entry(b, 1, 2); // .bss onto .data
        put32(b, at, 0x6080);
    });
    assert!(matches!(e, S32xError::OverlappingSections { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains(".data") && msg.contains(".bss"), "{msg}");
}

#[test]
fn err_section_outside_region() {
    // .rodata moved into the code region.
    let e = corrupt(false, |b| {
        let at = entry(b, 2, 2);
        put32(b, at, 0x3000);
    });
    assert!(
        matches!(
            e,
            S32xError::SectionOutsideRegion {
                region: Region::Rodata,
                start: 0x3000,
                ..
            }
        ),
        "{e:?}"
    );
    // .text running past code_limit.
    let e = corrupt(false, |b| {
        let at = entry(b, 0, 2);
        put32(b, at, CODE_LIMIT - 0x400);
    });
    assert!(
        matches!(
            e,
            S32xError::SectionOutsideRegion {
                region: Region::Code,
                ..
            }
        ),
        "{e:?}"
    );
    // BSS past data_limit.
    let e = corrupt(false, |b| put32(b, 0x28, 0x8000));
    assert!(
        matches!(
            e,
            S32xError::SectionOutsideRegion {
                region: Region::Data,
                end: 0x8100,
                ..
            }
        ),
        "{e:?}"
    );
    // .eh_frame (type 0x30) belongs with rodata, not data.
    let e = corrupt(false, |b| {
        let at = entry(b, 3, 2);
        put32(b, at, 0x7000);
    });
    assert!(
        matches!(
            e,
            S32xError::SectionOutsideRegion {
                region: Region::Rodata,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn err_rodata_below_code() {
    let e = corrupt(false, |b| put32(b, 0x24, CODE_LIMIT - 4));
    assert!(matches!(e, S32xError::RodataBelowCode { .. }), "{e:?}");
}

#[test]
fn err_data_below_rodata() {
    let e = corrupt(false, |b| put32(b, 0x28, RODATA_LIMIT - 4));
    assert!(matches!(e, S32xError::DataBelowRodata { .. }), "{e:?}");
}

#[test]
fn err_stack_base_below_stack_end() {
    let e = corrupt(false, |b| put32(b, 0x38, 0x0FFF_FFF4));
    assert_eq!(
        e,
        S32xError::StackBaseBelowStackEnd {
            stack_base: 0x0FFF_FFF0,
            stack_end: 0x0FFF_FFF4
        }
    );
}

#[test]
fn err_stack_base_too_high() {
    let e = corrupt(false, |b| put32(b, 0x2C, 0xFFFF_FFF0));
    assert_eq!(
        e,
        S32xError::StackBaseTooHigh {
            stack_base: 0xFFFF_FFF0
        }
    );
}

#[test]
fn err_mem_size_too_small() {
    let e = corrupt(false, |b| put32(b, 0x30, 0x7000));
    assert!(
        matches!(e, S32xError::MemSizeTooSmall { mem_size: 0x7000, end: 0x8100, ref name } if name == ".bss"),
        "{e:?}"
    );
}

#[test]
fn err_mmio_window_out_of_range() {
    let e = corrupt(false, |b| put32(b, 0x3C, 0xFFFF_8000));
    assert_eq!(
        e,
        S32xError::MmioWindowOutOfRange {
            mmio_base: 0xFFFF_8000
        }
    );
}

#[test]
fn err_entry_outside_code() {
    let e = corrupt(false, |b| put32(b, 0x08, CODE_LIMIT));
    assert_eq!(
        e,
        S32xError::EntryOutsideCode {
            entry: CODE_LIMIT,
            code_limit: CODE_LIMIT
        }
    );
}

#[test]
fn err_symbol_table_size() {
    let e = corrupt(false, |b| {
        let i = index_of(b, SectionKind::Symtab);
        let at = entry(b, i, 4);
        put32(b, at, 6 * SYMBOL_ENTRY_SIZE as u32 - 3);
    });
    assert_eq!(e, S32xError::SymbolTableSize { size: 93 });
}

#[test]
fn err_symbol_strings_missing() {
    let e = corrupt(false, |b| {
        let i = index_of(b, SectionKind::Strtab);
        let at = entry(b, i, 1);
        put32(b, at, SectionKind::Debug.to_u32());
    });
    assert_eq!(e, S32xError::SymbolStringsMissing { count: 6 });
}

#[test]
fn err_symbol_name_outside_string_table() {
    let e = corrupt(false, |b| {
        let t = index_of(b, SectionKind::Symtab);
        let s = index_of(b, SectionKind::Strtab);
        let sym2 = get32(b, entry(b, t, 3)) as usize + 2 * SYMBOL_ENTRY_SIZE;
        let size = get32(b, entry(b, s, 4));
        put32(b, sym2, size);
    });
    assert!(
        matches!(e, S32xError::SymbolNameOutsideStringTable { index: 2, .. }),
        "{e:?}"
    );
}

// ------------------------------------------------------------- robustness

fn valid_files() -> Vec<Vec<u8>> {
    vec![
        s32x::write(&sample(false, true)),
        s32x::write(&sample(true, true)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = s32x::read(&bytes);
    }

    #[test]
    fn random_bytes_after_valid_header_never_panic(
        body in proptest::collection::vec(any::<u8>(), 0..600),
        nsections in 0u32..40,
    ) {
        let mut b = valid_files()[0][..HEADER_SIZE].to_vec();
        put32(&mut b, 0x0C, nsections);
        b.extend_from_slice(&body);
        let _ = s32x::read(&b);
    }

    #[test]
    fn bit_flips_never_panic(
        which in 0usize..2,
        flips in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..8), 1..6),
    ) {
        let mut b = valid_files().swap_remove(which);
        for (i, bit) in flips {
            let i = i.index(b.len());
            b[i] ^= 1 << bit;
        }
        if let Ok(img) = s32x::read(&b) {
            // Whatever was accepted must survive a write/read cycle.
            let mut n = img.clone();
            n.normalize();
            prop_assert_eq!(s32x::read(&s32x::write(&n)).unwrap(), n);
        }
    }

    #[test]
    fn word_overwrites_never_panic(
        which in 0usize..2,
        at in any::<prop::sample::Index>(),
        value in prop_oneof![any::<u32>(), Just(0u32), Just(u32::MAX), 0u32..0x10000],
    ) {
        let mut b = valid_files().swap_remove(which);
        let i = at.index(b.len() - 3) & !3;
        put32(&mut b, i, value);
        let _ = s32x::read(&b);
    }

    #[test]
    fn truncations_never_panic(which in 0usize..2, cut in any::<prop::sample::Index>()) {
        let b = valid_files().swap_remove(which);
        let len = cut.index(b.len());
        prop_assert!(s32x::read(&b[..len]).is_err());
    }
}

// ------------------------------------------------------------ real files

/// Reads every `*.s32x` in `$FAST32_CORPUS`: all must parse, and survive a
/// write/read cycle.
#[test]
fn corpus_files_parse() {
    let Some(dir) = std::env::var_os("FAST32_CORPUS") else {
        eprintln!("FAST32_CORPUS not set: skipping the real-file test");
        return;
    };
    let mut seen = 0;
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("FAST32_CORPUS is not a readable directory")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "s32x"))
        .collect();
    paths.sort();
    for path in paths {
        let bytes = std::fs::read(&path).unwrap();
        let img = s32x::read(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        eprintln!(
            "{name}: {} sections, {} symbols, {} loaded",
            img.sections.len(),
            img.symbols.len(),
            img.loaded_sections().count()
        );
        // Real files are already in the writer's normal form.
        let mut n = img.clone();
        n.normalize();
        assert_eq!(n, img, "{name}: normalize changed a real file");
        // The writer lays files out as the reference linker does.
        assert!(
            s32x::write(&img) == bytes,
            "{name}: rewrite is not byte-identical"
        );
        // Damage in the header or section table must not panic.
        let mut b = bytes.clone();
        for i in 0..img.header.str_offset as usize {
            for bit in 0..8 {
                b[i] ^= 1 << bit;
                let _ = s32x::read(&b);
                b[i] ^= 1 << bit;
            }
        }
        let mut c = img.clone();
        c.set_compressed(true);
        c.normalize();
        assert_eq!(
            s32x::read(&s32x::write(&c)).unwrap(),
            c,
            "{name} compressed"
        );
        if name == "lua.s32x" {
            for want in ["main", "memcpy", "_start"] {
                assert!(img.symbol_by_name(want).is_some(), "lua.s32x lacks {want}");
            }
            let map = SymbolMap::new(&img);
            let main = img.symbol_by_name("main").unwrap().value;
            assert_eq!(map.name_for(main).as_deref(), Some("main"));
            assert_eq!(map.name_for(main + 8), Some("main+0x8".to_string()));
        }
        seen += 1;
    }
    assert!(seen > 0, "no .s32x files in {}", dir.to_string_lossy());
}
