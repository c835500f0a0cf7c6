//! Encoder and decoder agree on every opcode and operand range.

use fast32_isa::{decode, encode, Format, Inst, Opcode};
use proptest::prelude::*;

/// A random valid instruction of opcode `op`.
fn inst_strategy() -> impl Strategy<Value = Inst> {
    (
        prop::sample::select(Opcode::ALL.to_vec()),
        0u8..32,
        0u8..32,
        0u8..32,
        any::<i32>(),
    )
        .prop_map(|(op, rd, rs1, rs2, raw)| {
            let imm = match op.format() {
                Format::I | Format::S => (raw % 2048).clamp(-2048, 2047),
                Format::Iz => raw.rem_euclid(4096),
                Format::B => (raw % 4096) & !1,
                Format::J => (raw % (1 << 20)) & !1,
                Format::U => raw & !0xFFF,
                _ => 0,
            };
            // Clear operand fields the format does not have.
            let (rd, rs1, rs2) = match op.format() {
                Format::R => (rd, rs1, rs2),
                Format::R2 => (rd, rs1, 0),
                Format::R1 => (0, rs1, 0),
                Format::Rcmp => (0, rs1, rs2),
                Format::I | Format::Iz => (rd, rs1, 0),
                Format::S | Format::B => (0, rs1, rs2),
                Format::U | Format::J => (rd, 0, 0),
                Format::N => (0, 0, 0),
            };
            Inst {
                op,
                rd,
                rs1,
                rs2,
                imm,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn encode_then_decode_is_identity(inst in inst_strategy()) {
        let word = encode(&inst).unwrap();
        let back = decode(word).unwrap();
        prop_assert_eq!(back, inst);
        prop_assert_eq!(encode(&back).unwrap(), word);
    }

    #[test]
    fn decode_then_encode_is_canonical(word in any::<u32>()) {
        if let Ok(inst) = decode(word) {
            let canon = encode(&inst).unwrap();
            prop_assert_eq!(decode(canon).unwrap(), inst);
        }
    }
}

#[test]
fn every_opcode_number_decodes_to_itself() {
    for &op in Opcode::ALL {
        assert_eq!(Opcode::from_u7(op as u8), Some(op));
        assert_eq!(Opcode::from_mnemonic(op.mnemonic()), Some(op));
        assert_eq!(decode(op as u32).unwrap().op, op);
    }
    let defined = Opcode::ALL.len();
    let decodable = (0u32..128).filter(|n| decode(*n).is_ok()).count();
    assert_eq!(defined, decodable);
}

#[test]
fn immediate_extremes() {
    let cases = [
        (Opcode::Addi, -2048),
        (Opcode::Addi, 2047),
        (Opcode::Ori, 4095),
        (Opcode::Stw, -2048),
        (Opcode::Beq, -4096),
        (Opcode::Beq, 4094),
        (Opcode::Jal, -(1 << 20)),
        (Opcode::Jal, (1 << 20) - 2),
    ];
    for (op, imm) in cases {
        let i = Inst {
            op,
            rd: 1,
            rs1: 2,
            rs2: 3,
            imm,
        };
        let i = decode(encode(&i).unwrap()).unwrap();
        assert_eq!(i.imm, imm, "{op}");
    }
    assert!(encode(&Inst {
        op: Opcode::Addi,
        rd: 1,
        rs1: 0,
        rs2: 0,
        imm: 2048
    })
    .is_err());
    assert!(encode(&Inst {
        op: Opcode::Beq,
        rd: 0,
        rs1: 0,
        rs2: 0,
        imm: 3
    })
    .is_err());
    assert!(encode(&Inst {
        op: Opcode::Add,
        rd: 32,
        rs1: 0,
        rs2: 0,
        imm: 0
    })
    .is_err());
}

#[test]
fn known_encodings() {
    // Hand-computed from the format diagrams.
    // addi r1, r0, -1: imm 0xFFF, rs1 0, rd 1, opcode 0x10.
    assert_eq!(
        encode(&Inst {
            op: Opcode::Addi,
            rd: 1,
            rs1: 0,
            rs2: 0,
            imm: -1
        })
        .unwrap(),
        0xFFF0_0090
    );
    // beq r0, r0, +4 (raw imm 4 jumps to PC+8).
    let w = encode(&Inst {
        op: Opcode::Beq,
        rd: 0,
        rs1: 0,
        rs2: 0,
        imm: 4,
    })
    .unwrap();
    assert_eq!(w, 0x0000_0248);
    // jal r0, +8.
    let w = encode(&Inst {
        op: Opcode::Jal,
        rd: 0,
        rs1: 0,
        rs2: 0,
        imm: 8,
    })
    .unwrap();
    assert_eq!(w, 0x0080_0040);
    // lui r5, 0x12345.
    assert_eq!(
        encode(&Inst {
            op: Opcode::Lui,
            rd: 5,
            rs1: 0,
            rs2: 0,
            imm: 0x1234_5000
        })
        .unwrap(),
        0x1234_52A0
    );
}
