//! Every instruction and pseudo-instruction encodes to the expected word.

mod common;
use common::*;
use fast32_isa::{decode, Format, Inst, Opcode};

/// Hand-computed from the field layouts in docs/INSTRUCTION-SET.md:
/// R `funct7|rs2|rs1|funct3|rd|op`, I `imm[11:0]|rs1|funct3|rd|op`,
/// S `imm[11:5]|rs2|rs1|funct3|imm[4:0]|op`, B `imm[12]|imm[10:5]|rs2|rs1|
/// funct3|imm[4:1]|imm[11]|op`, U `imm[31:12]|rd|op`, J `imm[20]|imm[10:1]|
/// imm[11]|imm[19:12]|rd|op`.
#[test]
fn hand_computed_words() {
    let cases: &[(&str, u32)] = &[
        // rd=1 <<7 = 0x80, rs1=2 <<15 = 0x10000, rs2=3 <<20 = 0x300000
        ("add r1, r2, r3", 0x0031_0080),
        ("sub r1, r2, r3", 0x0031_0081),
        ("mulhu sp, fp, lr", 0x01FF_0E9F),
        // imm -1 -> 0xFFF in [31:20]
        ("addi r1, r0, -1", 0xFFF0_0090),
        ("addi r5, r6, 2047", 0x7FF3_0290),
        ("addi r5, r6, -2048", 0x8003_0290),
        // XORI zero-extends: -1 is stored as 0xFFF (with a warning)
        ("xori r1, r2, 4095", 0xFFF1_009E),
        ("andi r1, r2, 0x800", 0x8001_0092),
        // loads: ldw r3, r4+8: imm 8 <<20, rs1 4 <<15, rd 3 <<7, op 0x32
        ("ldw r3, r4+8", 0x0082_01B2),
        ("ldw r3, 8(r4)", 0x0082_01B2),
        ("ldw r3, r4, 8", 0x0082_01B2),
        ("ldbu r3, r4-1", 0xFFF2_01B3),
        // stw r1+8, r2: imm[4:0]=8 <<7 = 0x400, rs1 1<<15, rs2 2<<20
        ("stw r1+8, r2", 0x0020_843A),
        ("stw r2, 8(r1)", 0x0020_843A),
        ("stw r1, r2, 8", 0x0020_843A),
        // imm -4: imm[11:5]=0x7F <<25, imm[4:0]=0x1C <<7
        ("sth sp-4, r5", 0xFE5E_8E39),
        ("lui r1, 0x12345", 0x1234_50A0),
        // raw branch offset 4: imm[4:1]=2 <<8
        ("beq r0, r0, 4", 0x0000_0248),
        // raw branch offset -4: imm[12]=1, imm[10:5]=0x3F, imm[4:1]=0xE, imm[11]=1
        ("bne r1, r2, -4", 0xFE20_8EC9),
        // raw JAL offset 8: imm[10:1]=4 <<21
        ("jal r0, 8", 0x0080_0040),
        ("jalr r0, lr, 0", 0x000F_8041),
        ("debug r5", 0x0002_8052),
        ("assert_eq r3, r4", 0x0041_803F),
        ("fsqrt.s r1, r2", 0x0001_00D7),
        ("halt", 0x0000_007F),
        ("yield", 0x0000_0051),
        // nop is ADD r0, r0, r0, as the reference assembler emits it
        ("nop", 0x0000_0000),
    ];
    for (src, want) in cases {
        let img = asm(src);
        let got = words(&img)[0];
        assert_eq!(got, *want, "{src}: got 0x{got:08X}, want 0x{want:08X}");
    }
}

fn operands_for(op: Opcode) -> (String, Inst) {
    let m = op.mnemonic();
    let mk = |rd, rs1, rs2, imm| Inst {
        op,
        rd,
        rs1,
        rs2,
        imm,
    };
    match op.format() {
        Format::R => (format!("{m} r4, r6, r8"), mk(4, 6, 8, 0)),
        Format::R2 => (format!("{m} r10, r12"), mk(10, 12, 0, 0)),
        Format::R1 => (format!("{m} r9"), mk(0, 9, 0, 0)),
        Format::Rcmp => (format!("{m} r3, r31"), mk(0, 3, 31, 0)),
        Format::I if op.is_load() => (format!("{m} r7, r29-12"), mk(7, 29, 0, -12)),
        Format::I if op == Opcode::Jalr => (format!("{m} r1, r2, 16"), mk(1, 2, 0, 16)),
        Format::I => (format!("{m} r1, r2, -2000"), mk(1, 2, 0, -2000)),
        Format::Iz => (format!("{m} r1, r2, 4000"), mk(1, 2, 0, 4000)),
        Format::S => (format!("{m} r5+-100, r6"), mk(0, 5, 6, -100)),
        // `.` is this instruction; branch offsets are relative to PC+4.
        Format::B => (format!("{m} r1, r2, .+12"), mk(0, 1, 2, 8)),
        Format::U => (
            format!("{m} r7, 0xABCDE"),
            mk(7, 0, 0, 0xABCD_E000u32 as i32),
        ),
        Format::J => (format!("{m} r5, .-64"), mk(5, 0, 0, -64)),
        Format::N => (m.to_string(), mk(0, 0, 0, 0)),
    }
}

/// Every native instruction: assemble, decode, get the same operands back.
#[test]
fn round_trip_every_native_instruction() {
    for &op in Opcode::ALL {
        if op == Opcode::Nop {
            // `nop` is the pseudo-instruction (word 0), checked above.
            continue;
        }
        let (src, want) = operands_for(op);
        // Put the instruction after some padding so `.`-relative targets
        // are not at address 0.
        let img = asm(&format!("nop\nnop\n{src}\n"));
        let got = decode(words(&img)[2]).unwrap();
        assert_eq!(got, want, "{src}");
    }
}

/// Shift immediates use the whole 12-bit field (as the reference does).
#[test]
fn shift_amount_keeps_12_bits() {
    let out = asm_out("slli r1, r2, 33\n");
    assert_eq!(insts(&out.image)[0].imm, 33);
    assert!(out
        .warnings
        .iter()
        .any(|w| w.message.contains("low 5 bits")));
}

#[test]
fn zero_extended_negative_immediate_warns() {
    let out = asm_out("xori r1, r2, -1\n");
    assert_eq!(words(&out.image)[0], 0xFFF1_009E);
    assert!(
        out.warnings
            .iter()
            .any(|w| w.message.contains("zero-extended")),
        "{:?}",
        out.warnings
    );
}

fn li_value(src: &str) -> (u32, usize) {
    let img = asm(src);
    let is = insts(&img);
    let mut r1: u32 = 0;
    for i in &is {
        match i.op {
            Opcode::Lui => r1 = i.imm as u32,
            Opcode::Addi if i.rs1 == 0 => r1 = i.imm as u32,
            Opcode::Addi => r1 = r1.wrapping_add(i.imm as u32),
            o => panic!("unexpected {o}"),
        }
    }
    (r1, is.len())
}

#[test]
fn li_expansions() {
    for (v, n) in [
        (0i64, 1),
        (2047, 1),
        (-2048, 1),
        (-1, 1),
        (0xFFFF_FFFF, 1), // is -1 as a 32-bit value
        (2048, 2),
        (0x1234_5678, 2),
        (0x1234_5800, 2), // low half 0x800: %hi must carry
        (0x7FFF_FFFF, 2),
        (0x8000_0000, 2),
        (-2049, 2),
        (0x0000_1000, 2),
    ] {
        let (got, count) = li_value(&format!("li r1, {v}\n"));
        assert_eq!(got, v as u32, "li {v}");
        assert_eq!(count, n, "li {v}: instruction count");
    }
    // A constant defined later is not known when the size is chosen.
    let (got, count) = li_value("li r1, K\n.equ K, 5\n");
    assert_eq!((got, count), (5, 2));
    let (got, count) = li_value(".equ K, 5\nli r1, K*3\n");
    assert_eq!((got, count), (15, 1));
}

#[test]
fn pseudo_instructions() {
    use Opcode::*;
    let i = |op, rd, rs1, rs2, imm| Inst {
        op,
        rd,
        rs1,
        rs2,
        imm,
    };
    let cases: Vec<(&str, Vec<Inst>)> = vec![
        ("mv r3, r4", vec![i(Add, 3, 4, 0, 0)]),
        ("not r3, r4", vec![i(Sub, 3, 0, 4, 0), i(Addi, 3, 3, 0, -1)]),
        ("neg r3, r4", vec![i(Sub, 3, 0, 4, 0)]),
        ("seqz r3, r4", vec![i(Seq, 3, 4, 0, 0)]),
        ("snez r3, r4", vec![i(Sne, 3, 4, 0, 0)]),
        ("sltz r3, r4", vec![i(Slt, 3, 4, 0, 0)]),
        ("sgtz r3, r4", vec![i(Slt, 3, 0, 4, 0)]),
        ("ret", vec![i(Jalr, 0, 31, 0, 0)]),
        ("jr r5", vec![i(Jalr, 0, 5, 0, 0)]),
        ("jalr r5", vec![i(Jalr, 31, 5, 0, 0)]),
        ("jalr r0, r31", vec![i(Jalr, 0, 31, 0, 0)]),
        ("jalr r1, 8(r5)", vec![i(Jalr, 1, 5, 0, 8)]),
        ("l: j l", vec![i(Jal, 0, 0, 0, 0)]),
        ("l: jal l", vec![i(Jal, 31, 0, 0, 0)]),
        ("l: call l", vec![i(Jal, 31, 0, 0, 0)]),
        ("l: tail l", vec![i(Jal, 0, 0, 0, 0)]),
        // bgt a, b == blt b, a; offsets relative to PC+4, target is 0.
        ("l: bgt r1, r2, l", vec![i(Blt, 0, 2, 1, -4)]),
        ("l: ble r1, r2, l", vec![i(Bge, 0, 2, 1, -4)]),
        ("l: bgtu r1, r2, l", vec![i(Bltu, 0, 2, 1, -4)]),
        ("l: bleu r1, r2, l", vec![i(Bgeu, 0, 2, 1, -4)]),
        ("l: beqz r7, l", vec![i(Beq, 0, 7, 0, -4)]),
        ("l: bnez r7, l", vec![i(Bne, 0, 7, 0, -4)]),
        ("l: bltz r7, l", vec![i(Blt, 0, 7, 0, -4)]),
        ("l: bgez r7, l", vec![i(Bge, 0, 7, 0, -4)]),
        ("l: blez r7, l", vec![i(Bge, 0, 0, 7, -4)]),
        ("l: bgtz r7, l", vec![i(Blt, 0, 0, 7, -4)]),
        ("nop", vec![i(Add, 0, 0, 0, 0)]),
        // ABI register names
        ("add rv, t0, a0", vec![i(Add, 1, 2, 3, 0)]),
        ("add a7, s0, s17", vec![i(Add, 10, 11, 28, 0)]),
        ("add zero, sp, fp", vec![i(Add, 0, 29, 30, 0)]),
        ("ADD R1, LR, RA", vec![i(Add, 1, 31, 31, 0)]),
    ];
    for (src, want) in cases {
        let img = asm(src);
        assert_eq!(insts(&img), want, "{src}");
    }
}

#[test]
fn la_and_hi_lo_pairs() {
    // A data label whose low 12 bits have bit 11 set: the ADDI subtracts,
    // so %hi must round up.
    let img = asm(
        "_start:\n la r3, target\n lui r4, %hi(target+4)\n addi r4, r4, %lo(target+4)\n \
         lui r5, %hi(target)\n ldw r6, r5+%lo(target)\n stw r5+%lo(target), r6\n halt\n\
         .data\n .zero 0x9F0\ntarget: .word 0x11223344, 7\n",
    );
    let t = sym(&img, "target");
    assert_eq!(t & 0xFFF, 0x9F0);
    let is = insts(&img);
    let pair = |hi: &Inst, lo: &Inst| (hi.imm as u32).wrapping_add(lo.imm as u32);
    assert_eq!(is[0].op, Opcode::Lui);
    assert!(is[1].imm < 0, "low half is negative");
    assert_eq!(pair(&is[0], &is[1]), t);
    assert_eq!(pair(&is[2], &is[3]), t + 4);
    assert_eq!(pair(&is[4], &is[5]), t);
    assert_eq!(pair(&is[4], &is[6]), t);
    assert_eq!(is[6].op, Opcode::Stw);
    // And the loaded value is right when run.
    let r = run(&img, 100);
    assert_eq!(r.regs[6], 0x1122_3344);
    assert_eq!(r.regs[3], t);
}

#[test]
fn hi_lo_with_negative_low_half_constants() {
    for v in [
        0x0000_0800u32,
        0x1234_5FFF,
        0xFFFF_F800,
        0x7FFF_F800,
        0x8000_0800,
        0xFFFF_FFFF,
    ] {
        let img = asm(&format!("lui r1, %hi({v})\naddi r1, r1, %lo({v})\n"));
        let is = insts(&img);
        assert_eq!(
            (is[0].imm as u32).wrapping_add(is[1].imm as u32),
            v,
            "0x{v:08X}"
        );
        if v & 0x800 != 0 {
            assert!(is[1].imm < 0);
        }
    }
}

#[test]
fn branch_and_jump_offsets() {
    let img = asm(
        "top:\n nop\n beq r1, r2, top\n bne r1, r2, fwd\n jal r0, top\n j fwd\n nop\nfwd:\n halt\n",
    );
    let is = insts(&img);
    // beq at 4: target 0, relative to PC+4=8 -> -8
    assert_eq!(is[1].imm, -8);
    // bne at 8: target 24, relative to 12 -> 12
    assert_eq!(is[2].imm, 12);
    // jal at 12: target 0, relative to the JAL itself -> -12
    assert_eq!(is[3].imm, -12);
    // j at 16: target 24 -> 8
    assert_eq!(is[4].imm, 8);
    for (k, i) in is.iter().enumerate() {
        let pc = 4 * k as u32;
        match i.flow(pc) {
            fast32_isa::Flow::Branch { taken } | fast32_isa::Flow::Jump { target: taken, .. } => {
                assert!(taken == 0 || taken == 24)
            }
            _ => {}
        }
    }
}

#[test]
fn numeric_local_labels() {
    let img = asm("1: nop\n j 1b\n j 1f\n1: nop\n j 1b\n");
    let is = insts(&img);
    assert_eq!(is[1].imm, -4);
    assert_eq!(is[2].imm, 4);
    assert_eq!(is[4].imm, -4);
}

#[test]
fn odd_register_pair_warns() {
    let out = asm_out("fadd.d r2, r4, r6\nfadd.d r3, r4, r6\nfcvt.w.d r1, r4\n");
    let w: Vec<_> = out
        .warnings
        .iter()
        .filter(|w| w.message.contains("pair"))
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].line, 2);
}

#[test]
fn instructions_are_word_aligned_and_labels_follow() {
    let img = asm(".byte 1\nlbl: addi r1, r0, 1\n");
    assert_eq!(sym(&img, "lbl"), 4);
    let t = &section(&img, ".text").data;
    assert_eq!(&t[..4], &[1, 0, 0, 0]);
    assert_eq!(words(&img)[1], 0x0010_0090);
}

#[test]
fn compiler_style_operands() {
    // As FPC and older compiler output write them.
    let img = asm("\taddi\tr3,r30,0\n\tjalr\tr0,r31\n\tyield r0, r0, 0\n\tfneg.d r4, r4, r0\n");
    let is = insts(&img);
    assert_eq!(
        is[0],
        Inst {
            op: Opcode::Addi,
            rd: 3,
            rs1: 30,
            rs2: 0,
            imm: 0
        }
    );
    assert_eq!(
        is[1],
        Inst {
            op: Opcode::Jalr,
            rd: 0,
            rs1: 31,
            rs2: 0,
            imm: 0
        }
    );
    assert_eq!(is[2].op, Opcode::Yield);
    assert_eq!(
        is[3],
        Inst {
            op: Opcode::FnegD,
            rd: 4,
            rs1: 4,
            rs2: 0,
            imm: 0
        }
    );
}

/// What fast32 prints is what it reads: the disassembler's text for every
/// instruction (`ldw rd, rs1+imm`, `stw rs1+imm, rs2`, `beq r1, r2, .+8`,
/// `sp`/`fp`/`lr`) assembles back to the same instruction.
#[test]
fn disassembler_text_round_trips() {
    for &op in Opcode::ALL {
        if op == Opcode::Nop {
            continue; // prints `nop`, which is the ADD r0,r0,r0 pseudo
        }
        let (_, inst) = operands_for(op);
        let text = inst.to_string();
        let img = asm(&format!("{text}\n"));
        assert_eq!(decode(words(&img)[0]).unwrap(), inst, "{text}");
        // The PC-aware form used by listings, for non-control-flow ops.
        if !matches!(op.format(), Format::B | Format::J) {
            let text = fast32_isa::disasm::format_inst(&inst, 0, &fast32_isa::disasm::NoSymbols);
            assert_eq!(decode(words(&asm(&text))[0]).unwrap(), inst, "{text}");
        }
    }
}
