//! Data directives, alignment, sections, memory layout and linker symbols.

mod common;
use common::*;
use fast32_asm::{assemble_with, AsmOptions};
use fast32_isa::s32x::{self, SectionKind};

#[test]
fn data_directives_little_endian() {
    let img = asm(".data\n\
         d: .byte 1, -1, 'A', 0x7f\n\
         .half 0x1234, -2\n\
         .short 5\n\
         .word 0xDEADBEEF, -1\n\
         .long 7\n\
         .quad 0x0102030405060708, -1\n");
    let d = &section(&img, ".data").data;
    let want: Vec<u8> = [
        vec![1, 0xFF, b'A', 0x7F],
        vec![0x34, 0x12, 0xFE, 0xFF],
        vec![5, 0],
        vec![0xEF, 0xBE, 0xAD, 0xDE, 0xFF, 0xFF, 0xFF, 0xFF],
        vec![7, 0, 0, 0],
        vec![8, 7, 6, 5, 4, 3, 2, 1],
        vec![0xFF; 8],
    ]
    .concat();
    assert_eq!(d, &want);
}

#[test]
fn strings_and_escapes() {
    let img = asm(".rodata\n\
         a: .ascii \"ab\", \"c\"\n\
         b: .asciz \"x\\n\\t\\\\\\\"\\0\\101\\x41\"\n\
         c: .string \"\", \"#;not a comment\"\n\
         d: .byte \"hi\", 0\n");
    let r = &section(&img, ".rodata").data;
    let mut want = b"abc".to_vec();
    want.extend_from_slice(b"x\n\t\\\"\0AA\0");
    want.extend_from_slice(b"\0#;not a comment\0");
    want.extend_from_slice(b"hi\0");
    assert_eq!(r, &want);
    assert_eq!(sym(&img, "b") - sym(&img, "a"), 3);
}

#[test]
fn alignment_and_fill() {
    let img = asm(".data\n\
         .byte 1\n\
         .align 2\n\
         w: .word 2\n\
         .byte 3\n\
         .p2align 3, 0xAA\n\
         q: .byte 4\n\
         .balign 4, 0x55\n\
         r: .byte 5\n\
         .zero 3\n\
         .space 2, 9\n\
         .fill 2, 2, 0x0102\n\
         .p2align 4,,1\n\
         s: .byte 6\n");
    let base = section(&img, ".data").vaddr;
    assert_eq!(sym(&img, "w") - base, 4);
    assert_eq!(sym(&img, "q") - base, 16);
    assert_eq!(sym(&img, "r") - base, 20);
    let d = &section(&img, ".data").data;
    assert_eq!(&d[..4], &[1, 0, 0, 0]);
    assert_eq!(&d[9..16], &[0xAA; 7]);
    assert_eq!(&d[17..20], &[0x55; 3]);
    assert_eq!(&d[20..31], &[5, 0, 0, 0, 9, 9, 2, 1, 2, 1, 6]);
    // .p2align 4 with max 1 byte of padding does not align here
    assert_eq!(sym(&img, "s") - base, 30);
}

#[test]
fn leb128() {
    let img = asm(".data\n\
         .uleb128 624485, 0, 127, 128\n\
         .sleb128 -123456, -1, 63, 64\n\
         .uleb128 end - start\n\
         start: .byte 1, 2, 3\n\
         end:\n\
         .uleb128 end - start\n");
    let d = &section(&img, ".data").data;
    let want: Vec<u8> = [
        vec![0xE5, 0x8E, 0x26, 0x00, 0x7F, 0x80, 0x01],
        vec![0xC0, 0xBB, 0x78, 0x7F, 0x3F, 0xC0, 0x00],
        // forward difference: not known in pass 1, so padded to 5 bytes
        vec![0x83, 0x80, 0x80, 0x80, 0x00],
        vec![1, 2, 3],
        // backward difference: compact
        vec![3],
    ]
    .concat();
    assert_eq!(d, &want);
}

#[test]
fn floats() {
    let img = asm(".data\n .float 1.5, -2\n .double 0.1, -inf\n");
    let d = &section(&img, ".data").data;
    assert_eq!(&d[0..4], &1.5f32.to_le_bytes());
    assert_eq!(&d[4..8], &(-2.0f32).to_le_bytes());
    assert_eq!(&d[8..16], &0.1f64.to_le_bytes());
    assert_eq!(&d[16..24], &f64::NEG_INFINITY.to_le_bytes());
}

#[test]
fn word_with_symbols_and_differences() {
    let img =
        asm("_start: halt\nf2: halt\n.rodata\ntable: .word _start, f2, f2+8, f2 - _start, table\n");
    let t = sym(&img, "table");
    let b = bytes_at(&img, t, 20);
    let w = |i: usize| u32::from_le_bytes(b[i * 4..i * 4 + 4].try_into().unwrap());
    assert_eq!((w(0), w(1), w(2), w(3), w(4)), (0, 4, 12, 4, t));
}

#[test]
fn layout_matches_the_reference_linker() {
    let img = asm("_start: nop\n halt\n\
         .section .rodata.str1.1,\"aMS\",@progbits,1\n s: .asciz \"hey!\"\n\
         .data\n d: .byte 1,2,3,4,5,6\n\
         .bss\n b: .zero 100\n\
         .section .init_array,\"aw\"\n .word _start\n");
    let h = img.header;
    assert_eq!(h.entry, 0);
    assert_eq!(h.code_limit, 0x1000);
    assert_eq!(section(&img, ".rodata").vaddr, 0x1000);
    assert_eq!(h.rodata_limit, 0x2000);
    assert_eq!(section(&img, ".data").vaddr, 0x2000);
    assert_eq!(section(&img, ".init_array").vaddr, 0x2008);
    let bss = section(&img, ".bss");
    assert_eq!(bss.kind, SectionKind::Bss);
    assert_eq!((bss.vaddr, bss.mem_size), (0x200C, 100));
    assert!(bss.data.is_empty());
    assert_eq!(h.data_limit, 0x200C + 100);
    assert_eq!(h.heap_base, 0x3000);
    assert_eq!(h.mmio_base, 0x0010_3000);
    assert_eq!(h.stack_base, 0x0FFF_FFF0);
    assert_eq!(h.stack_end, 0x0FFE_FFF0);
    assert_eq!(h.mem_size, 0x1000_0000);
    assert_eq!(h.flags, s32x::flags::W_XOR_X | s32x::flags::MMIO);
    for (name, v) in [
        ("__mmio_base", 0x0010_3000),
        ("__mmio_end", 0x0011_3000),
        ("__bss_start", 0x200C),
        ("__bss_end", 0x2070),
        ("__data_start", 0x2000),
        ("__data_end", 0x200C),
        ("__heap_start", 0x3000),
        ("__heap_end", 0x0010_3000),
        ("__stack_top", 0x0FFF_FFF0),
        ("__stack_end", 0x0FFE_FFF0),
        ("__init_array_start", 0x2008),
        ("__init_array_end", 0x200C),
        ("__code_end", 0x1000),
        ("__rodata_end", 0x2000),
        ("_end", 0x2070),
    ] {
        assert_eq!(sym(&img, name), v, "{name}");
        assert!(img.symbol_by_name(name).unwrap().is_absolute(), "{name}");
    }
    // The image survives the file format.
    let bytes = s32x::write(&img);
    assert_eq!(s32x::read(&bytes).unwrap(), img);
}

#[test]
fn linker_symbols_are_usable_from_code() {
    let img = asm("_start:\n la r1, __mmio_base\n la r2, __bss_end\n halt\n.bss\n .zero 8\n");
    let r = run(&img, 10);
    assert_eq!(r.regs[1], img.header.mmio_base);
    assert_eq!(r.regs[2], sym(&img, "__bss_end"));
}

#[test]
fn options_change_the_layout() {
    let opts = AsmOptions {
        mmio: false,
        wxorx: false,
        stack_base: 0x0080_0000,
        stack_size: 0x1000,
        ..AsmOptions::default()
    };
    let img = assemble_with("halt\n", "t.s", &opts).unwrap();
    let h = img.header;
    assert_eq!(h.flags, 0);
    assert_eq!(h.mmio_base, 0);
    assert_eq!((h.stack_base, h.stack_end), (0x0080_0000, 0x007F_F000));
    assert_eq!(img.symbol_by_name("__mmio_base").unwrap().value, 0);
    assert_eq!(img.symbol_by_name("__heap_end").unwrap().value, 0x007F_F000);

    // A heap that pushes the MMIO window into the stack is an error.
    let bad = AsmOptions {
        heap_size: 0x0FFE_0000,
        ..AsmOptions::default()
    };
    let e = assemble_with("halt\n", "t.s", &bad).unwrap_err();
    assert!(e.to_string().contains("MMIO window"), "{e}");
}

#[test]
fn comm_and_sections() {
    let img = asm(".comm buf, 64, 16\n.lcomm small, 3\n\
         .section .text.foo,\"ax\"\nf: halt\n\
         .section .data.rel.ro\nd: .word 1\n\
         .section .bss.x\nb: .zero 4\n\
         .section .note.GNU-stack,\"\",@progbits\n\
         .text\ng: halt\n");
    assert_eq!(sym(&img, "buf") % 16, 0);
    let bss = section(&img, ".bss");
    assert!(sym(&img, "small") >= bss.vaddr && sym(&img, "b") >= bss.vaddr);
    assert_eq!(sym(&img, "g"), 4);
    assert_eq!(sym(&img, "d"), section(&img, ".data").vaddr);
    let buf = img.symbol_by_name("buf").unwrap();
    assert_eq!((buf.size, buf.kind, buf.binding), (64, s32x::SYM_OBJECT, 1));
    assert_eq!(img.symbol_by_name("small").unwrap().binding, 0);
}

#[test]
fn unknown_sections_are_discarded_with_a_warning() {
    let out = asm_out("halt\n.section .weird\n.word 1, 2\n.text\nnop\n");
    assert_eq!(words(&out.image), vec![0x7F, 0]);
    assert!(out.warnings.iter().any(|w| w.message.contains(".weird")));
}

#[test]
fn push_pop_previous() {
    let img = asm(
        "a: nop\n.pushsection .data\nd: .word 1\n.popsection\nb: nop\n.data\n.previous\nc: nop\n",
    );
    assert_eq!((sym(&img, "a"), sym(&img, "b"), sym(&img, "c")), (0, 4, 8));
}

#[test]
fn org_moves_forward() {
    let img = asm(".data\n.byte 1\n.org 8, 0xEE\nx: .byte 2\n");
    let d = &section(&img, ".data").data;
    assert_eq!(d, &[1, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 2]);
}

#[test]
fn zero_data_is_allowed_in_bss() {
    let img = asm(".bss\nz: .word 0\n.byte 0\n.zero 3\n");
    assert_eq!(section(&img, ".bss").mem_size, 8);
}
