//! Native replacements for guest libc routines (`memcpy`, `strlen`, ...)
//! that compiled code calls instead of the guest routine where the
//! compiler proved the replacement exact (see `fast32_aot::intrinsics`).
//! Unsigned division (`__udivsi3`, `__umodsi3`: SLOW-32 has only signed
//! `div` and `rem`) needs no helper: compiled code divides inline, and
//! [`arith`] is its reference.
//!
//! The helper never faults and never guesses: it first checks that every
//! byte it will touch lies in guest memory with the needed permission,
//! using the region table the compiler embedded (the layout is fixed by
//! the `.s32x` header), and otherwise answers "not handled", upon which
//! compiled code calls the guest routine, which then faults exactly as
//! the interpreter does.

/// Which native semantics a call site uses. The values are what compiled
/// code passes to [`fast32_aot_intrinsic`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum IntrinsicOp {
    /// `memcpy(dst, src, n)`; overlapping ranges are not handled.
    Memcpy = 1,
    /// `memmove(dst, src, n)`.
    Memmove = 2,
    /// `memset(dst, c, n)`.
    Memset = 3,
    /// `strlen(s)`.
    Strlen = 4,
    /// `strcmp(a, b)`: difference of the first differing unsigned bytes.
    StrcmpDiffU = 5,
    /// ... of the first differing bytes as signed chars.
    StrcmpDiffS = 6,
    /// -1/0/1 comparing unsigned bytes.
    StrcmpSignU = 7,
    /// -1/0/1 comparing signed chars.
    StrcmpSignS = 8,
    /// `a / b` unsigned, all ones for `b == 0`.
    UdivZeroOnes = 9,
    /// ... 0 for `b == 0`.
    UdivZeroZero = 10,
    /// ... `a` for `b == 0`.
    UdivZeroA = 11,
    /// `a % b` unsigned, `a` for `b == 0`.
    UmodZeroA = 12,
    /// ... 0 for `b == 0`.
    UmodZeroZero = 13,
    /// ... all ones for `b == 0`.
    UmodZeroOnes = 14,
}

impl IntrinsicOp {
    pub const ALL: [IntrinsicOp; 14] = [
        IntrinsicOp::Memcpy,
        IntrinsicOp::Memmove,
        IntrinsicOp::Memset,
        IntrinsicOp::Strlen,
        IntrinsicOp::StrcmpDiffU,
        IntrinsicOp::StrcmpDiffS,
        IntrinsicOp::StrcmpSignU,
        IntrinsicOp::StrcmpSignS,
        IntrinsicOp::UdivZeroOnes,
        IntrinsicOp::UdivZeroZero,
        IntrinsicOp::UdivZeroA,
        IntrinsicOp::UmodZeroA,
        IntrinsicOp::UmodZeroZero,
        IntrinsicOp::UmodZeroOnes,
    ];

    pub fn from_u32(v: u32) -> Option<IntrinsicOp> {
        Some(match v {
            1 => IntrinsicOp::Memcpy,
            2 => IntrinsicOp::Memmove,
            3 => IntrinsicOp::Memset,
            4 => IntrinsicOp::Strlen,
            5 => IntrinsicOp::StrcmpDiffU,
            6 => IntrinsicOp::StrcmpDiffS,
            7 => IntrinsicOp::StrcmpSignU,
            8 => IntrinsicOp::StrcmpSignS,
            9 => IntrinsicOp::UdivZeroOnes,
            10 => IntrinsicOp::UdivZeroZero,
            11 => IntrinsicOp::UdivZeroA,
            12 => IntrinsicOp::UmodZeroA,
            13 => IntrinsicOp::UmodZeroZero,
            14 => IntrinsicOp::UmodZeroOnes,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            IntrinsicOp::Memcpy => "memcpy",
            IntrinsicOp::Memmove => "memmove",
            IntrinsicOp::Memset => "memset",
            IntrinsicOp::Strlen => "strlen",
            IntrinsicOp::StrcmpDiffU => "strcmp (unsigned byte difference)",
            IntrinsicOp::StrcmpDiffS => "strcmp (signed char difference)",
            IntrinsicOp::StrcmpSignU => "strcmp (-1/0/1, unsigned bytes)",
            IntrinsicOp::StrcmpSignS => "strcmp (-1/0/1, signed chars)",
            IntrinsicOp::UdivZeroOnes => "unsigned division (x / 0 = 0xffffffff)",
            IntrinsicOp::UdivZeroZero => "unsigned division (x / 0 = 0)",
            IntrinsicOp::UdivZeroA => "unsigned division (x / 0 = x)",
            IntrinsicOp::UmodZeroA => "unsigned remainder (x % 0 = x)",
            IntrinsicOp::UmodZeroZero => "unsigned remainder (x % 0 = 0)",
            IntrinsicOp::UmodZeroOnes => "unsigned remainder (x % 0 = 0xffffffff)",
        }
    }

    /// `memset`, `memcpy` or `memmove`?
    pub fn is_mem(self) -> bool {
        matches!(
            self,
            IntrinsicOp::Memcpy | IntrinsicOp::Memmove | IntrinsicOp::Memset
        )
    }

    /// Does compiled code compute `op` inline on registers (no helper,
    /// no memory)?
    pub fn is_arith(self) -> bool {
        arith(self, 0, 1).is_some()
    }

    /// The result of an arithmetic `op` for a zero divisor and dividend
    /// `a`, and whether `op` is a remainder (else a quotient).
    pub fn divide(self) -> Option<(DivZero, bool)> {
        Some(match self {
            IntrinsicOp::UdivZeroOnes => (DivZero::Ones, false),
            IntrinsicOp::UdivZeroZero => (DivZero::Zero, false),
            IntrinsicOp::UdivZeroA => (DivZero::Dividend, false),
            IntrinsicOp::UmodZeroA => (DivZero::Dividend, true),
            IntrinsicOp::UmodZeroZero => (DivZero::Zero, true),
            IntrinsicOp::UmodZeroOnes => (DivZero::Ones, true),
            _ => return None,
        })
    }
}

/// What an unsigned division routine returns for a zero divisor: guest
/// libraries differ, and the compiler matches the one it finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DivZero {
    Ones,
    Zero,
    Dividend,
}

/// The result of an arithmetic (division) `op` on `a` and `b`, or `None`
/// for the memory and string operations.
pub fn arith(op: IntrinsicOp, a: u32, b: u32) -> Option<u32> {
    let (zero, rem) = op.divide()?;
    Some(match (b, zero) {
        (0, DivZero::Ones) => u32::MAX,
        (0, DivZero::Zero) => 0,
        (0, DivZero::Dividend) => a,
        _ if rem => a % b,
        _ => a / b,
    })
}

/// Bit set in the helper's result when it did the work; the low 32 bits
/// are then the routine's return value.
pub const HANDLED: u64 = 1 << 32;

/// Strings are scanned 16 bytes at a time (SSE2, inline) this far before
/// `strlen` calls glibc's vectorized `strnlen`: most strings are short,
/// and for them the call costs more than the scan.
const SHORT: usize = 64;

/// The region table the compiler embeds: `[nr, nw, (start, end) * nr,
/// (start, end) * nw]` as u64 words, the merged readable and writable
/// guest address intervals.
pub fn region_table(readable: &[(u64, u64)], writable: &[(u64, u64)]) -> Vec<u64> {
    let mut t = vec![readable.len() as u64, writable.len() as u64];
    for &(s, e) in readable.iter().chain(writable) {
        t.push(s);
        t.push(e);
    }
    t
}

/// The end of the interval of `list` containing `addr`, if any.
fn extent(list: &[u64], addr: u64) -> Option<u64> {
    list.chunks_exact(2)
        .find(|p| p[0] <= addr && addr < p[1])
        .map(|p| p[1])
}

/// Is `[addr, addr + len)` inside one interval of `list`?
fn within(list: &[u64], addr: u32, len: u32) -> bool {
    len == 0 || extent(list, addr as u64).is_some_and(|e| addr as u64 + len as u64 <= e)
}

/// The readable and writable interval lists of a region table.
///
/// # Safety
/// `regions` must point to a table from [`region_table`].
unsafe fn tables<'t>(regions: *const u64) -> (&'t [u64], &'t [u64]) {
    let (nr, nw) = (*regions as usize, *regions.add(1) as usize);
    (
        std::slice::from_raw_parts(regions.add(2), 2 * nr),
        std::slice::from_raw_parts(regions.add(2 + 2 * nr), 2 * nw),
    )
}

/// Does the work of `op` on guest memory at `mem` if every byte it
/// touches is accessible; returns [`HANDLED`] | return value, or 0. (Tests
/// and tools; compiled code calls the operation's own helper, see
/// [`helper`].)
///
/// # Safety
/// `mem` must be the base of a guest sandbox and `regions` a table from
/// [`region_table`] describing pages that are mapped accordingly in it.
pub unsafe fn fast32_aot_intrinsic(
    op: u32,
    mem: *mut u8,
    regions: *const u64,
    a0: u32,
    a1: u32,
    a2: u32,
) -> u64 {
    let Some(o) = IntrinsicOp::from_u32(op) else {
        return 0;
    };
    match (arith(o, a0, a1), helper(o)) {
        (Some(v), _) => HANDLED | v as u64,
        (None, Some((_, f))) => f(op, mem, regions, a0, a1, a2),
        (None, None) => 0,
    }
}

/// The signature of every helper: `(op, mem, regions, a0, a1, a2)`, `op`
/// the [`IntrinsicOp`] (which strcmp variant), the result [`HANDLED`] |
/// return value, or 0.
pub type Helper = unsafe extern "C" fn(u32, *mut u8, *const u64, u32, u32, u32) -> u64;

/// The symbol and function compiled code calls for `op`: one per
/// operation, so that a call pays for no dispatch on `op` and for no more
/// saved registers than its operation uses. `None` for the arithmetic
/// operations, which compiled code does inline.
pub fn helper(op: IntrinsicOp) -> Option<(&'static str, Helper)> {
    Some(match op {
        IntrinsicOp::Memcpy => ("fast32_aot_memcpy", fast32_aot_memcpy),
        IntrinsicOp::Memmove => ("fast32_aot_memmove", fast32_aot_memmove),
        IntrinsicOp::Memset => ("fast32_aot_memset", fast32_aot_memset),
        IntrinsicOp::Strlen => ("fast32_aot_strlen", fast32_aot_strlen),
        _ if op.is_arith() => return None,
        _ => ("fast32_aot_strcmp", fast32_aot_strcmp),
    })
}

/// # Safety
/// As [`fast32_aot_intrinsic`].
#[no_mangle]
pub unsafe extern "C" fn fast32_aot_memcpy(
    _: u32,
    mem: *mut u8,
    regions: *const u64,
    dst: u32,
    src: u32,
    n: u32,
) -> u64 {
    copy(mem, regions, dst, src, n, false)
}

/// # Safety
/// As [`fast32_aot_intrinsic`].
#[no_mangle]
pub unsafe extern "C" fn fast32_aot_memmove(
    _: u32,
    mem: *mut u8,
    regions: *const u64,
    dst: u32,
    src: u32,
    n: u32,
) -> u64 {
    copy(mem, regions, dst, src, n, true)
}

/// # Safety
/// As [`fast32_aot_intrinsic`].
#[no_mangle]
pub unsafe extern "C" fn fast32_aot_memset(
    _: u32,
    mem: *mut u8,
    regions: *const u64,
    dst: u32,
    c: u32,
    n: u32,
) -> u64 {
    let (_, w) = tables(regions);
    if !within(w, dst, n) {
        return 0;
    }
    std::ptr::write_bytes(mem.add(dst as usize), c as u8, n as usize);
    HANDLED | dst as u64
}

#[inline(always)]
unsafe fn copy(
    mem: *mut u8,
    regions: *const u64,
    dst: u32,
    src: u32,
    n: u32,
    overlap: bool,
) -> u64 {
    let (r, w) = tables(regions);
    if !within(r, src, n) || !within(w, dst, n) {
        return 0;
    }
    let at = |a: u32| mem.add(a as usize);
    if overlap {
        std::ptr::copy(at(src), at(dst), n as usize);
    } else {
        let disjoint = src as u64 + n as u64 <= dst as u64 || dst as u64 + n as u64 <= src as u64;
        if n != 0 && !disjoint {
            return 0;
        }
        std::ptr::copy_nonoverlapping(at(src), at(dst), n as usize);
    }
    HANDLED | dst as u64
}

/// Bit `i` set where byte `i` of the 16 at `p` is zero.
#[inline(always)]
unsafe fn zeros16(p: *const u8) -> u32 {
    use std::arch::x86_64::*;
    let v = _mm_loadu_si128(p as *const __m128i);
    _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())) as u32
}

/// # Safety
/// As [`fast32_aot_intrinsic`].
#[no_mangle]
pub unsafe extern "C" fn fast32_aot_strlen(
    _: u32,
    mem: *mut u8,
    regions: *const u64,
    a: u32,
    _: u32,
    _: u32,
) -> u64 {
    let (r, _) = tables(regions);
    let Some(end) = extent(r, a as u64) else {
        return 0;
    };
    strlen_scan(mem.add(a as usize), end - a as u64)
}

/// `strlen` of the string at `p`, of which `max` bytes are readable:
/// [`HANDLED`] | length, or 0 without a NUL in them. Compiled code finds
/// `max` itself (from the layout's intervals) and calls this directly.
///
/// # Safety
/// `max` bytes at `p` must be readable.
#[no_mangle]
pub unsafe extern "C" fn fast32_aot_strlen_at(p: *const u8, max: u64) -> u64 {
    strlen_scan(p, max)
}

#[inline(always)]
unsafe fn strlen_scan(p: *const u8, max: u64) -> u64 {
    let max = max as usize;
    // 16 bytes at a time, never past readable memory.
    let mut k = 0;
    while k + 16 <= max.min(SHORT) {
        let z = zeros16(p.add(k));
        if z != 0 {
            return HANDLED | (k + z.trailing_zeros() as usize) as u64;
        }
        k += 16;
    }
    if k < SHORT {
        // Fewer than 16 readable bytes left.
        return match (k..max).find(|&i| *p.add(i) == 0) {
            Some(n) => HANDLED | n as u64,
            None => 0,
        };
    }
    // glibc's vectorized scan, bounded by readable memory.
    let n = k + libc::strnlen(p.add(k) as *const libc::c_char, max - k);
    if n < max {
        HANDLED | n as u64
    } else {
        0
    }
}

/// # Safety
/// As [`fast32_aot_intrinsic`].
#[no_mangle]
pub unsafe extern "C" fn fast32_aot_strcmp(
    op: u32,
    mem: *mut u8,
    regions: *const u64,
    a: u32,
    b: u32,
    _: u32,
) -> u64 {
    let Some(op) = IntrinsicOp::from_u32(op) else {
        return 0;
    };
    let (r, _) = tables(regions);
    let (Some(ea), Some(eb)) = (extent(r, a as u64), extent(r, b as u64)) else {
        return 0;
    };
    let lim = (ea - a as u64).min(eb - b as u64);
    strcmp_scan(op, mem.add(a as usize), mem.add(b as usize), lim)
}

/// `strcmp` of the strings at `pa` and `pb`, `lim` bytes of each
/// readable, with the result of the variant `op`: [`HANDLED`] | result,
/// or 0 when they are equal and unterminated through `lim`. Compiled
/// code finds `lim` itself and calls this directly.
///
/// # Safety
/// `lim` bytes at `pa` and at `pb` must be readable.
#[no_mangle]
pub unsafe extern "C" fn fast32_aot_strcmp_at(
    pa: *const u8,
    pb: *const u8,
    lim: u64,
    op: u32,
) -> u64 {
    match IntrinsicOp::from_u32(op) {
        Some(op) => strcmp_scan(op, pa, pb, lim),
        None => 0,
    }
}

#[inline(always)]
unsafe fn strcmp_scan(op: IntrinsicOp, pa: *const u8, pb: *const u8, lim: u64) -> u64 {
    use std::arch::x86_64::*;
    let lim = lim as usize;
    let result = |k: usize| HANDLED | strcmp_result(op, *pa.add(k), *pb.add(k)) as u32 as u64;
    let mut k = 0;
    if lim >= LONG_SCAN && std::is_x86_feature_detected!("avx2") {
        k = strcmp_equal_run_avx2(pa, pb, lim);
    }
    // 64 bytes at a time while nothing stops there (long equal runs):
    // a byte of `a` where `b` matches, else 0, is zero exactly where the
    // scan stops; one test for the minimum of four vectors.
    let z = _mm_setzero_si128();
    while k + 64 <= lim {
        let kept = |o: usize| {
            let x = _mm_loadu_si128(pa.add(k + o) as *const __m128i);
            let y = _mm_loadu_si128(pb.add(k + o) as *const __m128i);
            _mm_min_epu8(x, _mm_cmpeq_epi8(x, y))
        };
        let m = _mm_min_epu8(
            _mm_min_epu8(kept(0), kept(16)),
            _mm_min_epu8(kept(32), kept(48)),
        );
        if _mm_movemask_epi8(_mm_cmpeq_epi8(m, z)) != 0 {
            break;
        }
        k += 64;
    }
    // 16 bytes at a time: stop at the first byte that differs or ends a.
    while k + 16 <= lim {
        let x = _mm_loadu_si128(pa.add(k) as *const __m128i);
        let y = _mm_loadu_si128(pb.add(k) as *const __m128i);
        let same = _mm_movemask_epi8(_mm_cmpeq_epi8(x, y)) as u32;
        let nul = _mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_setzero_si128())) as u32;
        let stop = (same ^ 0xffff) | nul;
        if stop != 0 {
            return result(k + stop.trailing_zeros() as usize);
        }
        k += 16;
    }
    // The last bytes before the end of readable memory one by one; equal
    // up to there without a NUL: declined (the guest routine faults).
    (k..lim)
        .find(|&i| *pa.add(i) != *pb.add(i) || *pa.add(i) == 0)
        .map_or(0, result)
}

/// From this many readable bytes on, [`strcmp_scan`] first skips the
/// strings' equal run 64 bytes a step with AVX2 (where the host has it):
/// a call for long strings only, where it halves the loop's instructions.
const LONG_SCAN: usize = 256;

/// How far from the start `a` and `b` are equal without a NUL, in whole
/// 64-byte steps that end at most `lim` bytes in: the block holding the
/// stop (if any) is left to the caller's scan.
///
/// # Safety
/// `lim` bytes at `pa` and at `pb` must be readable; the host must have
/// AVX2.
#[target_feature(enable = "avx2")]
unsafe fn strcmp_equal_run_avx2(pa: *const u8, pb: *const u8, lim: usize) -> usize {
    use std::arch::x86_64::*;
    let z = _mm256_setzero_si256();
    let mut k = 0;
    while k + 64 <= lim {
        let kept = |o: usize| {
            let x = _mm256_loadu_si256(pa.add(k + o) as *const __m256i);
            let y = _mm256_loadu_si256(pb.add(k + o) as *const __m256i);
            _mm256_min_epu8(x, _mm256_cmpeq_epi8(x, y))
        };
        let m = _mm256_min_epu8(kept(0), kept(32));
        if _mm256_movemask_epi8(_mm256_cmpeq_epi8(m, z)) != 0 {
            break;
        }
        k += 64;
    }
    k
}

/// The value a strcmp variant returns for the first pair of bytes that
/// differ (or the two terminating zeros).
pub fn strcmp_result(op: IntrinsicOp, x: u8, y: u8) -> i32 {
    match op {
        IntrinsicOp::StrcmpDiffU => x as i32 - y as i32,
        IntrinsicOp::StrcmpDiffS => x as i8 as i32 - y as i8 as i32,
        IntrinsicOp::StrcmpSignU => (x as i32 - y as i32).signum(),
        _ => (x as i8 as i32 - y as i8 as i32).signum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `from_u32` is the inverse of the discriminants compiled code passes.
    #[test]
    fn op_numbers_round_trip() {
        for op in IntrinsicOp::ALL {
            assert_eq!(IntrinsicOp::from_u32(op as u32), Some(op));
        }
        assert_eq!(IntrinsicOp::from_u32(0), None);
        assert_eq!(IntrinsicOp::from_u32(15), None);
    }

    /// Division: the quotient or remainder, and each zero-divisor result.
    #[test]
    fn division_ops() {
        let t = region_table(&[], &[]);
        let m = std::ptr::null_mut();
        let run = |op: IntrinsicOp, a: u32, b: u32| unsafe {
            fast32_aot_intrinsic(op as u32, m, t.as_ptr(), a, b, 0)
        };
        assert_eq!(
            run(IntrinsicOp::UdivZeroOnes, 0xFFFF_FFFF, 7),
            HANDLED | 0x2492_4924
        );
        assert_eq!(run(IntrinsicOp::UmodZeroA, 0xFFFF_FFFF, 7), HANDLED | 3);
        assert_eq!(run(IntrinsicOp::UdivZeroOnes, 9, 0), HANDLED | 0xFFFF_FFFF);
        assert_eq!(run(IntrinsicOp::UdivZeroZero, 9, 0), HANDLED);
        assert_eq!(run(IntrinsicOp::UdivZeroA, 9, 0), HANDLED | 9);
        assert_eq!(run(IntrinsicOp::UmodZeroA, 9, 0), HANDLED | 9);
        assert_eq!(run(IntrinsicOp::UmodZeroZero, 9, 0), HANDLED);
        assert_eq!(run(IntrinsicOp::UmodZeroOnes, 9, 0), HANDLED | 0xFFFF_FFFF);
        assert!(IntrinsicOp::UmodZeroOnes.is_arith() && !IntrinsicOp::Strlen.is_arith());
        assert!(helper(IntrinsicOp::UdivZeroA).is_none());
    }

    /// The string scans against byte-by-byte models, for every position
    /// of the NUL or the first difference and every readable length
    /// around the vector width.
    #[test]
    fn string_scans_match_a_byte_model() {
        let model_len = |a: &[u8], lim: usize| match a[..lim].iter().position(|&c| c == 0) {
            Some(n) => HANDLED | n as u64,
            None => 0,
        };
        let model_cmp = |op, a: &[u8], b: &[u8], lim: usize| {
            (0..lim)
                .find(|&i| a[i] != b[i] || a[i] == 0)
                .map_or(0, |i| HANDLED | strcmp_result(op, a[i], b[i]) as u32 as u64)
        };
        let ops = [
            IntrinsicOp::StrcmpDiffU,
            IntrinsicOp::StrcmpDiffS,
            IntrinsicOp::StrcmpSignU,
            IntrinsicOp::StrcmpSignS,
        ];
        // Short strings at every position; long ones (the AVX2 skip of
        // equal runs) around its 64-byte steps.
        let long = [190, 255, 256, 257, 300, 319, 320, 321, 383];
        for stop in (0..140).chain(long) {
            let a = vec![b'k'; 400];
            let mut b = a.clone();
            let mut z = a.clone();
            z[stop] = 0;
            b[stop] = 0x90;
            let lims = (0..150).filter(|l| l % 16 < 2 || l % 16 > 14 || *l < 40);
            for lim in lims.chain([255, 256, 257, 320, 321, 384, 399]) {
                unsafe {
                    let want = model_len(&z, lim);
                    assert_eq!(strlen_scan(z.as_ptr(), lim as u64), want, "{stop} {lim}");
                    for op in ops {
                        for (x, y) in [(&a, &b), (&b, &a), (&z, &a), (&a, &z), (&a, &a), (&z, &z)] {
                            let want = model_cmp(op, x, y, lim);
                            let (px, py) = (x.as_ptr(), y.as_ptr());
                            assert_eq!(strcmp_scan(op, px, py, lim as u64), want);
                        }
                    }
                }
            }
        }
    }

    /// The checks refuse ranges that leave an interval, and the ops work
    /// inside them (a plain buffer stands in for guest memory).
    #[test]
    fn bounds_and_ops() {
        let mut buf = vec![0u8; 64];
        buf[..6].copy_from_slice(b"hello\0");
        buf[16..20].copy_from_slice(b"hex\0");
        let t = region_table(&[(0, 32)], &[(8, 32)]);
        let m = buf.as_mut_ptr();
        unsafe {
            assert_eq!(fast32_aot_intrinsic(4, m, t.as_ptr(), 0, 0, 0), HANDLED | 5);
            // Copy 6 bytes to 8: fine; to 4 (not writable): refused.
            assert_eq!(fast32_aot_intrinsic(1, m, t.as_ptr(), 8, 0, 6), HANDLED | 8);
            assert_eq!(&buf[8..14], b"hello\0");
            assert_eq!(fast32_aot_intrinsic(1, m, t.as_ptr(), 4, 0, 6), 0);
            // Reading past the readable end: refused.
            assert_eq!(fast32_aot_intrinsic(1, m, t.as_ptr(), 8, 30, 4), 0);
            // Overlap: memcpy refuses, memmove does it.
            assert_eq!(fast32_aot_intrinsic(1, m, t.as_ptr(), 10, 8, 6), 0);
            assert_eq!(
                fast32_aot_intrinsic(2, m, t.as_ptr(), 10, 8, 6),
                HANDLED | 10
            );
            assert_eq!(&buf[8..16], b"hehello\0");
            // strcmp "hello" vs "hex": 'l' - 'x'.
            let r = fast32_aot_intrinsic(5, m, t.as_ptr(), 0, 16, 0);
            assert_eq!(r, HANDLED | (b'l' as i32 - b'x' as i32) as u32 as u64);
            let r = fast32_aot_intrinsic(7, m, t.as_ptr(), 0, 16, 0);
            assert_eq!(r, HANDLED | (-1i32) as u32 as u64);
            // memset into the read-only part: refused.
            assert_eq!(fast32_aot_intrinsic(3, m, t.as_ptr(), 0, 1, 4), 0);
            // Longer strings: a difference after the first eight bytes, and
            // equal strings.
            buf[32..46].copy_from_slice(b"0123456789ab\x90\0");
            buf[48..62].copy_from_slice(b"0123456789a\x7f\x90\0");
            let mut t2 = t.clone();
            t2[3] = 64;
            let r = fast32_aot_intrinsic(6, m, t2.as_ptr(), 32, 48, 0);
            assert_eq!(r, HANDLED | (b'b' as i32 - 0x7f) as u32 as u64);
            let r = fast32_aot_intrinsic(8, m, t2.as_ptr(), 32, 32, 0);
            assert_eq!(r, HANDLED);
            assert_eq!(
                fast32_aot_intrinsic(4, m, t2.as_ptr(), 48, 0, 0),
                HANDLED | 13
            );
            // Past the byte-by-byte prefix (16 bytes).
            let mut big = vec![b'q'; 96];
            big[40] = 0;
            big[48 + 18] = b'r';
            big[48 + 40] = 0;
            big[95] = 0;
            let t3 = region_table(&[(0, 96)], &[]);
            let bm = big.as_mut_ptr();
            assert_eq!(
                fast32_aot_intrinsic(4, bm, t3.as_ptr(), 0, 0, 0),
                HANDLED | 40
            );
            let r = fast32_aot_intrinsic(7, bm, t3.as_ptr(), 0, 48, 0);
            assert_eq!(r, HANDLED | (-1i32) as u32 as u64);
            assert_eq!(fast32_aot_intrinsic(5, bm, t3.as_ptr(), 0, 0, 0), HANDLED);
            // Equal up to the end of readable memory, no NUL: declined.
            let t4 = region_table(&[(0, 88)], &[]);
            assert_eq!(fast32_aot_intrinsic(5, bm, t4.as_ptr(), 41, 41, 0), 0);
            assert_eq!(fast32_aot_intrinsic(4, bm, t4.as_ptr(), 41, 0, 0), 0);
            // A string without a NUL before the end of its interval.
            buf[20..32].fill(b'x');
            assert_eq!(fast32_aot_intrinsic(4, m, t.as_ptr(), 20, 0, 0), 0);
        }
    }
}
