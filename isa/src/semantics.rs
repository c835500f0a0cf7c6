//! Exact SLOW-32 arithmetic, bit for bit as the reference interpreter
//! computes it on x86-64.
//!
//! Every engine calls these functions (the interpreter directly, the JIT and
//! the AOT code as out-of-line helpers for the rare cases), so an edge case
//! is decided once. The reference engine is C compiled by gcc for x86-64
//! SSE, so the results are x86's: the default NaN has its sign bit set,
//! float-to-int casts give the "integer indefinite" value, and
//! float-to-unsigned casts follow gcc's instruction sequences. Rust's own
//! `as` casts saturate instead, and LLVM is free to swap the operands of
//! commutative float ops, so nothing here relies on either.

/// x86's default (quiet) NaN for f32: sign bit set.
pub const F32_DEFAULT_NAN: u32 = 0xFFC0_0000;
/// x86's default (quiet) NaN for f64: sign bit set.
pub const F64_DEFAULT_NAN: u64 = 0xFFF8_0000_0000_0000;

#[inline]
pub fn div(a: u32, b: u32) -> u32 {
    if b == 0 {
        u32::MAX
    } else if a == 0x8000_0000 && b == u32::MAX {
        0x8000_0000
    } else {
        ((a as i32) / (b as i32)) as u32
    }
}

#[inline]
pub fn rem(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else if a == 0x8000_0000 && b == u32::MAX {
        0
    } else {
        ((a as i32) % (b as i32)) as u32
    }
}

#[inline]
pub fn mulh(a: u32, b: u32) -> u32 {
    ((a as i32 as i64 * b as i32 as i64) >> 32) as u32
}

#[inline]
pub fn mulhu(a: u32, b: u32) -> u32 {
    ((a as u64 * b as u64) >> 32) as u32
}

// ---------------------------------------------------------------- f32 ----

#[inline]
fn quiet32(x: u32) -> u32 {
    x | 0x0040_0000
}

#[inline]
fn is_nan32(x: u32) -> bool {
    (x & 0x7FFF_FFFF) > 0x7F80_0000
}

/// NaN result of an SSE binary op `first op second`: the first operand's
/// NaN (quieted) if it is one, else the second's; `None` if neither is NaN.
#[inline]
fn nan_pick32(first: u32, second: u32) -> Option<u32> {
    if is_nan32(first) {
        Some(quiet32(first))
    } else if is_nan32(second) {
        Some(quiet32(second))
    } else {
        None
    }
}

/// Result of an operation without NaN inputs; a NaN here is x86's default.
#[inline]
fn fix32(r: f32) -> u32 {
    if r.is_nan() {
        F32_DEFAULT_NAN
    } else {
        r.to_bits()
    }
}

/// FADD.S. gcc evaluates the commutative ops as `b + a`, so with two NaN
/// inputs the result carries rs2's payload.
#[inline]
pub fn fadd_s(a: u32, b: u32) -> u32 {
    match nan_pick32(b, a) {
        Some(n) => n,
        None => fix32(f32::from_bits(a) + f32::from_bits(b)),
    }
}

#[inline]
pub fn fmul_s(a: u32, b: u32) -> u32 {
    match nan_pick32(b, a) {
        Some(n) => n,
        None => fix32(f32::from_bits(a) * f32::from_bits(b)),
    }
}

#[inline]
pub fn fsub_s(a: u32, b: u32) -> u32 {
    match nan_pick32(a, b) {
        Some(n) => n,
        None => fix32(f32::from_bits(a) - f32::from_bits(b)),
    }
}

#[inline]
pub fn fdiv_s(a: u32, b: u32) -> u32 {
    match nan_pick32(a, b) {
        Some(n) => n,
        None => fix32(f32::from_bits(a) / f32::from_bits(b)),
    }
}

#[inline]
pub fn fsqrt_s(a: u32) -> u32 {
    if is_nan32(a) {
        quiet32(a)
    } else {
        fix32(f32::from_bits(a).sqrt())
    }
}

#[inline]
pub fn feq_s(a: u32, b: u32) -> u32 {
    (f32::from_bits(a) == f32::from_bits(b)) as u32
}
#[inline]
pub fn flt_s(a: u32, b: u32) -> u32 {
    (f32::from_bits(a) < f32::from_bits(b)) as u32
}
#[inline]
pub fn fle_s(a: u32, b: u32) -> u32 {
    (f32::from_bits(a) <= f32::from_bits(b)) as u32
}

/// x86 `cvttss2si`/`cvttsd2si` with a 32-bit destination.
#[inline]
pub fn cvtt_i32(x: f64) -> u32 {
    if x.is_nan() || x >= 2147483648.0 || x <= -2147483649.0 {
        0x8000_0000
    } else {
        (x as i32) as u32
    }
}

/// x86 `cvttsd2si` with a 64-bit destination.
#[inline]
pub fn cvtt_i64(x: f64) -> u64 {
    if x.is_nan() || !(-9223372036854775808.0..9223372036854775808.0).contains(&x) {
        0x8000_0000_0000_0000
    } else {
        (x as i64) as u64
    }
}

/// gcc's float/double → uint64 sequence: values below 2^63 (and NaN,
/// which compares unordered) convert directly; others have 2^63 subtracted
/// first and the top bit flipped back.
#[inline]
pub fn cvtt_u64(x: f64) -> u64 {
    if x >= 9223372036854775808.0 {
        cvtt_i64(x - 9223372036854775808.0) ^ 0x8000_0000_0000_0000
    } else {
        cvtt_i64(x)
    }
}

/// FCVT.W.S / FCVT.W.D: C `(int32_t)x`.
#[inline]
pub fn fcvt_w(x: f64) -> u32 {
    cvtt_i32(x)
}

/// FCVT.WU.S / FCVT.WU.D: gcc converts to `uint32_t` through a 64-bit
/// truncation and keeps the low half, so out-of-range values wrap and
/// NaN/inf give 0.
#[inline]
pub fn fcvt_wu(x: f64) -> u32 {
    cvtt_i64(x) as u32
}

/// f32 → uint64 (FCVT.LU.S). gcc's sequence subtracts 2^63 in single
/// precision, which is exact for every f32 ≥ 2^63, so doing it in f64
/// gives the same bits.
#[inline]
pub fn fcvt_lu(x: f64) -> u64 {
    cvtt_u64(x)
}

#[inline]
pub fn fcvt_l(x: f64) -> u64 {
    cvtt_i64(x)
}

#[inline]
pub fn f32_to_f64(a: u32) -> f64 {
    f32::from_bits(a) as f64
}

#[inline]
pub fn fcvt_s_w(a: u32) -> u32 {
    (a as i32 as f32).to_bits()
}
#[inline]
pub fn fcvt_s_wu(a: u32) -> u32 {
    (a as f32).to_bits()
}
#[inline]
pub fn fcvt_s_l(v: u64) -> u32 {
    (v as i64 as f32).to_bits()
}
#[inline]
pub fn fcvt_s_lu(v: u64) -> u32 {
    (v as f32).to_bits()
}

// ---------------------------------------------------------------- f64 ----

#[inline]
fn quiet64(x: u64) -> u64 {
    x | 0x0008_0000_0000_0000
}

#[inline]
fn is_nan64(x: u64) -> bool {
    (x & 0x7FFF_FFFF_FFFF_FFFF) > 0x7FF0_0000_0000_0000
}

#[inline]
fn nan_pick64(first: u64, second: u64) -> Option<u64> {
    if is_nan64(first) {
        Some(quiet64(first))
    } else if is_nan64(second) {
        Some(quiet64(second))
    } else {
        None
    }
}

#[inline]
fn fix64(r: f64) -> u64 {
    if r.is_nan() {
        F64_DEFAULT_NAN
    } else {
        r.to_bits()
    }
}

#[inline]
pub fn fadd_d(a: u64, b: u64) -> u64 {
    match nan_pick64(b, a) {
        Some(n) => n,
        None => fix64(f64::from_bits(a) + f64::from_bits(b)),
    }
}
#[inline]
pub fn fmul_d(a: u64, b: u64) -> u64 {
    match nan_pick64(b, a) {
        Some(n) => n,
        None => fix64(f64::from_bits(a) * f64::from_bits(b)),
    }
}
#[inline]
pub fn fsub_d(a: u64, b: u64) -> u64 {
    match nan_pick64(a, b) {
        Some(n) => n,
        None => fix64(f64::from_bits(a) - f64::from_bits(b)),
    }
}
#[inline]
pub fn fdiv_d(a: u64, b: u64) -> u64 {
    match nan_pick64(a, b) {
        Some(n) => n,
        None => fix64(f64::from_bits(a) / f64::from_bits(b)),
    }
}
#[inline]
pub fn fsqrt_d(a: u64) -> u64 {
    if is_nan64(a) {
        quiet64(a)
    } else {
        fix64(f64::from_bits(a).sqrt())
    }
}
#[inline]
pub fn feq_d(a: u64, b: u64) -> u32 {
    (f64::from_bits(a) == f64::from_bits(b)) as u32
}
#[inline]
pub fn flt_d(a: u64, b: u64) -> u32 {
    (f64::from_bits(a) < f64::from_bits(b)) as u32
}
#[inline]
pub fn fle_d(a: u64, b: u64) -> u32 {
    (f64::from_bits(a) <= f64::from_bits(b)) as u32
}

/// FCVT.D.S: exact widening; a NaN keeps its payload (shifted) and is quieted.
#[inline]
pub fn fcvt_d_s(a: u32) -> u64 {
    if is_nan32(a) {
        let sign = ((a >> 31) as u64) << 63;
        let payload = ((a & 0x007F_FFFF) as u64) << 29;
        quiet64(sign | 0x7FF0_0000_0000_0000 | payload)
    } else {
        (f32::from_bits(a) as f64).to_bits()
    }
}

/// FCVT.S.D: rounding narrowing; a NaN keeps the top payload bits.
#[inline]
pub fn fcvt_s_d(a: u64) -> u32 {
    if is_nan64(a) {
        let sign = ((a >> 63) as u32) << 31;
        let payload = ((a >> 29) & 0x007F_FFFF) as u32;
        quiet32(sign | 0x7F80_0000 | payload)
    } else {
        fix32(f64::from_bits(a) as f32)
    }
}

#[inline]
pub fn fcvt_d_w(a: u32) -> u64 {
    (a as i32 as f64).to_bits()
}
#[inline]
pub fn fcvt_d_wu(a: u32) -> u64 {
    (a as f64).to_bits()
}
#[inline]
pub fn fcvt_d_l(v: u64) -> u64 {
    (v as i64 as f64).to_bits()
}
#[inline]
pub fn fcvt_d_lu(v: u64) -> u64 {
    (v as f64).to_bits()
}

/// Joins a register pair (lo = rN, hi = rN+1).
#[inline]
pub fn pair(lo: u32, hi: u32) -> u64 {
    (hi as u64) << 32 | lo as u64
}

/// Which register-pair operands the reference interpreter validates, for
/// an f64/i64 instruction: `(rd, rs1, rs2)` flags. A validated operand
/// must be even and below 31, otherwise the instruction faults.
/// Operands not validated still name a pair `(rN, rN+1)`; with rN = 31
/// there is no partner, which fast32 also treats as a fault.
pub fn pair_checks(op: crate::Opcode) -> (bool, bool, bool) {
    use crate::Opcode::*;
    match op {
        FaddD | FsubD | FmulD | FdivD => (true, true, true),
        FsqrtD => (true, true, false),
        FeqD | FltD | FleD => (false, true, true),
        FcvtWD | FcvtWuD | FcvtSD => (false, true, false),
        FcvtDW | FcvtDWu | FcvtDS => (true, false, false),
        FcvtLD | FcvtLuD => (false, true, false),
        FcvtDL | FcvtDLu => (true, false, false),
        _ => (false, false, false),
    }
}

/// Which operands of an instruction name a register pair at all:
/// `(rd, rs1, rs2)`.
pub fn pair_operands(op: crate::Opcode) -> (bool, bool, bool) {
    use crate::Opcode::*;
    match op {
        FaddD | FsubD | FmulD | FdivD => (true, true, true),
        FsqrtD | FnegD | FabsD => (true, true, false),
        FeqD | FltD | FleD => (false, true, true),
        FcvtWD | FcvtWuD | FcvtSD => (false, true, false),
        FcvtDW | FcvtDWu | FcvtDS => (true, false, false),
        FcvtLS | FcvtLuS => (true, false, false),
        FcvtSL | FcvtSLu => (false, true, false),
        FcvtLD | FcvtLuD | FcvtDL | FcvtDLu => (true, true, false),
        _ => (false, false, false),
    }
}

/// If `inst` uses an invalid register pair, the offending register.
///
/// Validated operands (see [`pair_checks`]) must be even and < 31; every
/// other pair operand only needs a partner register (rN < 31).
pub fn bad_pair(inst: &crate::Inst) -> Option<u8> {
    let (cd, c1, c2) = pair_checks(inst.op);
    let (pd, p1, p2) = pair_operands(inst.op);
    let bad = |r: u8, checked: bool, is_pair: bool| {
        if checked {
            r & 1 != 0 || r >= 31
        } else {
            is_pair && r >= 31
        }
    };
    if bad(inst.rs1, c1, p1) {
        Some(inst.rs1)
    } else if bad(inst.rs2, c2, p2) {
        Some(inst.rs2)
    } else if bad(inst.rd, cd, pd) {
        Some(inst.rd)
    } else {
        None
    }
}
