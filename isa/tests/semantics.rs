//! The shared arithmetic against the values the reference interpreter
//! computes (measured on x86-64; see ../shared/isa-edge-cases.md).

use fast32_isa::semantics::*;

#[test]
fn division_edges() {
    // x/0 = -1, x%0 = x, INT_MIN/-1 = INT_MIN, INT_MIN%-1 = 0.
    assert_eq!(div(7, 0), 0xFFFF_FFFF);
    assert_eq!(rem(7, 0), 7);
    assert_eq!(div(0x8000_0000, 0xFFFF_FFFF), 0x8000_0000);
    assert_eq!(rem(0x8000_0000, 0xFFFF_FFFF), 0);
    assert_eq!(div((-7i32) as u32, 2), (-3i32) as u32);
    assert_eq!(rem((-7i32) as u32, 2), (-1i32) as u32);
}

#[test]
fn multiply_high() {
    let cases: [(u32, u32, u32, u32, u32); 5] = [
        (
            0xFFFF_FFFF,
            0xFFFF_FFFF,
            0x0000_0001,
            0x0000_0000,
            0xFFFF_FFFE,
        ),
        (
            0x7FFF_FFFF,
            0x7FFF_FFFF,
            0x0000_0001,
            0x3FFF_FFFF,
            0x3FFF_FFFF,
        ),
        (0xFFFF_FFFD, 5, 0xFFFF_FFF1, 0xFFFF_FFFF, 0x0000_0004),
        (
            0xDEAD_BEEF,
            0x1234_5678,
            0x5621_CA08,
            0xFDA1_6776,
            0x0FD5_BDEE,
        ),
        (0x8000_0000, 0x8000_0000, 0, 0x4000_0000, 0x4000_0000),
    ];
    for (a, b, lo, h, hu) in cases {
        assert_eq!(a.wrapping_mul(b), lo, "{a:x}*{b:x}");
        assert_eq!(mulh(a, b), h, "mulh {a:x}*{b:x}");
        assert_eq!(mulhu(a, b), hu, "mulhu {a:x}*{b:x}");
    }
}

#[test]
fn f32_nan_and_infinity() {
    let one = 1.0f32.to_bits();
    assert_eq!(fdiv_s(one, 0), 0x7F80_0000);
    assert_eq!(fdiv_s((-1.0f32).to_bits(), 0), 0xFF80_0000);
    assert_eq!(fdiv_s(one, 0x8000_0000), 0xFF80_0000);
    assert_eq!(fdiv_s(0, 0), 0xFFC0_0000);
    assert_eq!(fmul_s(0x7F80_0000, 0), 0xFFC0_0000);
    assert_eq!(fsub_s(0x7F80_0000, 0x7F80_0000), 0xFFC0_0000);
    // Denormals are kept.
    assert_eq!(fmul_s(0x0080_0000, 0.5f32.to_bits()), 0x0040_0000);
    // NaN payloads.
    assert_eq!(fadd_s(0x7FC1_2345, one), 0x7FC1_2345);
    assert_eq!(fadd_s(one, 0x7FC1_2345), 0x7FC1_2345);
    assert_eq!(fadd_s(0x7F80_0001, one), 0x7FC0_0001);
    assert_eq!(fadd_s(one, 0xFF80_000B), 0xFFC0_000B);
    // Two NaNs: FADD/FMUL take rs2's, FSUB/FDIV rs1's.
    assert_eq!(fadd_s(0x7FC0_000A, 0x7FC0_000B), 0x7FC0_000B);
    assert_eq!(fmul_s(0x7FC0_000A, 0x7FC0_000B), 0x7FC0_000B);
    assert_eq!(fsub_s(0x7FC0_000A, 0x7FC0_000B), 0x7FC0_000A);
    assert_eq!(fdiv_s(0x7FC0_000A, 0x7FC0_000B), 0x7FC0_000A);
    // Square roots.
    assert_eq!(fsqrt_s((-1.0f32).to_bits()), 0xFFC0_0000);
    assert_eq!(fsqrt_s(0x8000_0000), 0x8000_0000);
    assert_eq!(fsqrt_s(0xFF80_0000), 0xFFC0_0000);
    assert_eq!(fsqrt_s(0x7FC1_2345), 0x7FC1_2345);
    assert_eq!(fsqrt_s(0xFF80_0005), 0xFFC0_0005);
}

#[test]
fn comparisons_with_nan_and_zero() {
    let nan = 0x7FC0_0000;
    for f in [feq_s, flt_s, fle_s] {
        assert_eq!(f(nan, nan), 0);
        assert_eq!(f(nan, 0), 0);
    }
    assert_eq!(feq_s(0, 0x8000_0000), 1);
    assert_eq!(flt_s(0, 0x8000_0000), 0);
    assert_eq!(fle_s(0, 0x8000_0000), 1);
    let dnan = 0x7FF8_0000_0000_0000;
    assert_eq!(feq_d(dnan, dnan), 0);
    assert_eq!(fle_d(0, 1 << 63), 1);
}

#[test]
fn f64_specials() {
    let one = 1.0f64.to_bits();
    assert_eq!(fdiv_d(one, 0), 0x7FF0_0000_0000_0000);
    assert_eq!(fdiv_d((-1.0f64).to_bits(), 0), 0xFFF0_0000_0000_0000);
    assert_eq!(fdiv_d(0, 0), 0xFFF8_0000_0000_0000);
    assert_eq!(fsqrt_d((-1.0f64).to_bits()), 0xFFF8_0000_0000_0000);
    assert_eq!(fsqrt_d(1 << 63), 1 << 63);
}

#[test]
fn widening_and_narrowing() {
    assert_eq!(fcvt_d_s(0x7F80_0001), 0x7FF8_0000_2000_0000);
    assert_eq!(fcvt_d_s(0x7FC1_2345), 0x7FF8_2468_A000_0000);
    assert_eq!(fcvt_s_d(0x7FF8_0000_1234_5678), 0x7FC0_0000);
    assert_eq!(fcvt_s_d(0x7FF0_0000_0000_0001), 0x7FC0_0000);
    assert_eq!(fcvt_s_d(1e300f64.to_bits()), 0x7F80_0000);
    assert_eq!(fcvt_s_d(1e-40f64.to_bits()), 0x0001_16C2);
}

#[test]
fn int_to_float() {
    assert_eq!(fcvt_s_w(0xFFFF_FFFF), 0xBF80_0000);
    assert_eq!(fcvt_s_wu(0xFFFF_FFFF), 0x4F80_0000);
    assert_eq!(fcvt_s_w(0x7FFF_FFFF), 0x4F00_0000);
    assert_eq!(fcvt_s_w(0x8000_0000), 0xCF00_0000);
    assert_eq!(fcvt_s_w(0x0100_0001), 0x4B80_0000);
    assert_eq!(fcvt_s_wu(0x8000_0000), 0x4F00_0000);
    assert_eq!(fcvt_d_wu(0xFFFF_FFFF), 0x41EF_FFFF_FFE0_0000);
    assert_eq!(fcvt_d_lu(u64::MAX), 0x43F0_0000_0000_0000);
    assert_eq!(fcvt_s_lu(u64::MAX), 0x5F80_0000);
}

#[test]
fn float_to_int_table() {
    let nan = f64::NAN;
    let inf = f64::INFINITY;
    // (input, W, WU, L, LU)
    let rows: [(f64, u32, u32, u64, u64); 12] = [
        (nan, 0x8000_0000, 0, 1 << 63, 1 << 63),
        (-nan, 0x8000_0000, 0, 1 << 63, 1 << 63),
        (inf, 0x8000_0000, 0, 1 << 63, 0),
        (-inf, 0x8000_0000, 0, 1 << 63, 1 << 63),
        (3e9, 0x8000_0000, 0xB2D0_5E00, 0xB2D0_5E00, 0xB2D0_5E00),
        (
            -3e9,
            0x8000_0000,
            0x4D2F_A200,
            0xFFFF_FFFF_4D2F_A200,
            0xFFFF_FFFF_4D2F_A200,
        ),
        (5e9, 0x8000_0000, 0x2A05_F200, 0x1_2A05_F200, 0x1_2A05_F200),
        (-1.5, 0xFFFF_FFFF, 0xFFFF_FFFF, u64::MAX, u64::MAX),
        (1.5, 1, 1, 1, 1),
        (-0.5, 0, 0, 0, 0),
        (1e19, 0x8000_0000, 0, 1 << 63, 0x8AC7_2304_89E8_0000),
        (2e19, 0x8000_0000, 0, 1 << 63, 0),
    ];
    for (x, w, wu, l, lu) in rows {
        assert_eq!(fcvt_w(x), w, "W {x}");
        assert_eq!(fcvt_wu(x), wu, "WU {x}");
        assert_eq!(fcvt_l(x), l, "L {x}");
        assert_eq!(fcvt_lu(x), lu, "LU {x}");
    }
    assert_eq!(fcvt_lu(-1e19), 1 << 63);
    assert_eq!(fcvt_lu(18446744073709551616.0), 0);
    // f32 inputs.
    let f = |b: u32| f32::from_bits(b) as f64;
    assert_eq!(fcvt_w(f(0x4F00_0000)), 0x8000_0000);
    assert_eq!(fcvt_wu(f(0x4F00_0000)), 0x8000_0000);
    assert_eq!(fcvt_wu(f(0xCF00_0000)), 0x8000_0000);
    assert_eq!(fcvt_wu(f(0x4F7F_FFFF)), 0xFFFF_FF00);
    assert_eq!(fcvt_lu(1e19f32 as f64), 0x8AC7_2300_0000_0000);
    // f64 near the 32-bit limits.
    assert_eq!(fcvt_w(2147483647.9), 0x7FFF_FFFF);
    assert_eq!(fcvt_w(4294967295.9), 0x8000_0000);
    assert_eq!(fcvt_wu(4294967295.9), 0xFFFF_FFFF);
    assert_eq!(fcvt_w(-2147483649.0), 0x8000_0000);
    assert_eq!(fcvt_wu(-2147483649.0), 0x7FFF_FFFF);
    assert_eq!(fcvt_l(-2147483649.0), 0xFFFF_FFFF_7FFF_FFFF);
}

#[test]
fn pair_validation_follows_the_reference() {
    use fast32_isa::{Inst, Opcode};
    let mk = |op, rd, rs1, rs2| Inst {
        op,
        rd,
        rs1,
        rs2,
        imm: 0,
    };
    assert_eq!(bad_pair(&mk(Opcode::FaddD, 2, 4, 6)), None);
    assert_eq!(bad_pair(&mk(Opcode::FaddD, 2, 5, 6)), Some(5));
    assert_eq!(bad_pair(&mk(Opcode::FcvtWD, 1, 7, 0)), Some(7));
    // Not validated by the reference: odd pairs are used as written...
    assert_eq!(bad_pair(&mk(Opcode::FnegD, 10, 7, 0)), None);
    // ...but r31 has no partner.
    assert_eq!(bad_pair(&mk(Opcode::FnegD, 10, 31, 0)), Some(31));
    // r30 is a valid pair.
    assert_eq!(bad_pair(&mk(Opcode::FsqrtD, 30, 30, 0)), None);
}
