//! Floating-point and register-pair instructions, executed on a register
//! file. Shared by the interpreter and by translated code (which calls it
//! through a helper), so every engine computes these bit for bit alike.

use fast32_isa::semantics as sem;

/// Executes the f32/f64 instruction with opcode `op` (0x53..=0x78) on
/// `regs`. Register pairs are (rN, rN+1); the caller has already rejected
/// invalid pairs. A pair written to r0 puts its high half in r1; the
/// caller re-zeroes r0. `regs` may have a 33rd sink entry for rd.
#[inline]
pub fn exec_float(regs: &mut [u32], op: u8, rd: usize, rs1: usize, rs2: usize) {
    let a = regs[rs1];
    let b = regs[rs2];
    let hi = |r: usize| if r + 1 < 32 { regs[r + 1] } else { 0 };
    let p1 = sem::pair(a, hi(rs1));
    let p2 = sem::pair(b, hi(rs2));
    enum Res {
        W(u32),
        P(u64),
    }
    let res = match op {
        0x53 => Res::W(sem::fadd_s(a, b)),
        0x54 => Res::W(sem::fsub_s(a, b)),
        0x55 => Res::W(sem::fmul_s(a, b)),
        0x56 => Res::W(sem::fdiv_s(a, b)),
        0x57 => Res::W(sem::fsqrt_s(a)),
        0x58 => Res::W(sem::feq_s(a, b)),
        0x59 => Res::W(sem::flt_s(a, b)),
        0x5A => Res::W(sem::fle_s(a, b)),
        0x5B => Res::W(sem::fcvt_w(sem::f32_to_f64(a))),
        0x5C => Res::W(sem::fcvt_wu(sem::f32_to_f64(a))),
        0x5D => Res::W(sem::fcvt_s_w(a)),
        0x5E => Res::W(sem::fcvt_s_wu(a)),
        0x5F => Res::W(a ^ 0x8000_0000),
        0x60 => Res::W(a & 0x7FFF_FFFF),
        0x61 => Res::P(sem::fadd_d(p1, p2)),
        0x62 => Res::P(sem::fsub_d(p1, p2)),
        0x63 => Res::P(sem::fmul_d(p1, p2)),
        0x64 => Res::P(sem::fdiv_d(p1, p2)),
        0x65 => Res::P(sem::fsqrt_d(p1)),
        0x66 => Res::W(sem::feq_d(p1, p2)),
        0x67 => Res::W(sem::flt_d(p1, p2)),
        0x68 => Res::W(sem::fle_d(p1, p2)),
        0x69 => Res::W(sem::fcvt_w(f64::from_bits(p1))),
        0x6A => Res::W(sem::fcvt_wu(f64::from_bits(p1))),
        0x6B => Res::P(sem::fcvt_d_w(a)),
        0x6C => Res::P(sem::fcvt_d_wu(a)),
        0x6D => Res::P(sem::fcvt_d_s(a)),
        0x6E => Res::W(sem::fcvt_s_d(p1)),
        0x6F => Res::P(p1 ^ (1 << 63)),
        0x70 => Res::P(p1 & !(1 << 63)),
        0x71 => Res::P(sem::fcvt_l(sem::f32_to_f64(a))),
        0x72 => Res::P(sem::fcvt_lu(sem::f32_to_f64(a))),
        0x73 => Res::W(sem::fcvt_s_l(p1)),
        0x74 => Res::W(sem::fcvt_s_lu(p1)),
        0x75 => Res::P(sem::fcvt_l(f64::from_bits(p1))),
        0x76 => Res::P(sem::fcvt_lu(f64::from_bits(p1))),
        0x77 => Res::P(sem::fcvt_d_l(p1)),
        0x78 => Res::P(sem::fcvt_d_lu(p1)),
        _ => return,
    };
    match res {
        Res::W(v) => regs[rd] = v,
        Res::P(v) => {
            regs[rd] = v as u32;
            if rd + 1 < 32 {
                regs[rd + 1] = (v >> 32) as u32;
            }
        }
    }
}
