//! Native replacements for guest libc routines (`memcpy`, `strlen`, ...)
//! that compiled code calls instead of the guest routine where the
//! compiler proved the replacement exact (see `fast32_aot::intrinsics`).
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
}

impl IntrinsicOp {
    pub const ALL: [IntrinsicOp; 8] = [
        IntrinsicOp::Memcpy,
        IntrinsicOp::Memmove,
        IntrinsicOp::Memset,
        IntrinsicOp::Strlen,
        IntrinsicOp::StrcmpDiffU,
        IntrinsicOp::StrcmpDiffS,
        IntrinsicOp::StrcmpSignU,
        IntrinsicOp::StrcmpSignS,
    ];

    pub fn from_u32(v: u32) -> Option<IntrinsicOp> {
        IntrinsicOp::ALL.iter().copied().find(|o| *o as u32 == v)
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
        }
    }
}

/// Name of the helper compiled code imports.
pub const INTRINSIC_HELPER: &str = "fast32_aot_intrinsic";

/// Bit set in the helper's result when it did the work; the low 32 bits
/// are then the routine's return value.
pub const HANDLED: u64 = 1 << 32;

/// Strings are scanned a word at a time this far before calling glibc.
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

/// Does the work of `op` on guest memory at `mem` if every byte it
/// touches is accessible; returns [`HANDLED`] | return value, or 0.
///
/// # Safety
/// `mem` must be the base of a guest sandbox and `regions` a table from
/// [`region_table`] describing pages that are mapped accordingly in it.
#[no_mangle]
pub unsafe extern "C" fn fast32_aot_intrinsic(
    op: u32,
    mem: *mut u8,
    regions: *const u64,
    a0: u32,
    a1: u32,
    a2: u32,
) -> u64 {
    let (nr, nw) = (*regions as usize, *regions.add(1) as usize);
    let r = std::slice::from_raw_parts(regions.add(2), 2 * nr);
    let w = std::slice::from_raw_parts(regions.add(2 + 2 * nr), 2 * nw);
    let Some(op) = IntrinsicOp::from_u32(op) else {
        return 0;
    };
    let at = |a: u32| mem.add(a as usize);
    match op {
        IntrinsicOp::Memcpy | IntrinsicOp::Memmove => {
            let (dst, src, n) = (a0, a1, a2);
            if !within(r, src, n) || !within(w, dst, n) {
                return 0;
            }
            if op == IntrinsicOp::Memcpy {
                let disjoint =
                    src as u64 + n as u64 <= dst as u64 || dst as u64 + n as u64 <= src as u64;
                if n != 0 && !disjoint {
                    return 0;
                }
                std::ptr::copy_nonoverlapping(at(src), at(dst), n as usize);
            } else {
                std::ptr::copy(at(src), at(dst), n as usize);
            }
            HANDLED | dst as u64
        }
        IntrinsicOp::Memset => {
            let (dst, c, n) = (a0, a1, a2);
            if !within(w, dst, n) {
                return 0;
            }
            std::ptr::write_bytes(at(dst), c as u8, n as usize);
            HANDLED | dst as u64
        }
        IntrinsicOp::Strlen => {
            let Some(end) = extent(r, a0 as u64) else {
                return 0;
            };
            let max = (end - a0 as u64) as usize;
            let p = at(a0);
            // Short strings (most) a word at a time: cheaper than a call.
            let mut k = 0;
            while k + 8 <= max.min(SHORT) {
                let z = zero_bytes((p.add(k) as *const u64).read_unaligned());
                if z != 0 {
                    return HANDLED | (k + (z.trailing_zeros() / 8) as usize) as u64;
                }
                k += 8;
            }
            if k < SHORT {
                // Fewer than 8 readable bytes left.
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
        _ => {
            let (Some(ea), Some(eb)) = (extent(r, a0 as u64), extent(r, a1 as u64)) else {
                return 0;
            };
            let lim = (ea - a0 as u64).min(eb - a1 as u64) as usize;
            let (pa, pb) = (at(a0), at(a1));
            let stop = |k: usize| {
                let (x, y) = (*pa.add(k), *pb.add(k));
                (x != y || x == 0).then(|| HANDLED | strcmp_result(op, x, y) as u32 as u64)
            };
            // Short strings a word at a time: stop at the first word with
            // a difference or a zero byte, then find it byte by byte.
            let mut k = 0;
            while k + 8 <= lim.min(SHORT) {
                let x = (pa.add(k) as *const u64).read_unaligned();
                let y = (pb.add(k) as *const u64).read_unaligned();
                if x != y || zero_bytes(x) != 0 {
                    break;
                }
                k += 8;
            }
            if k < SHORT {
                return (k..lim).find_map(stop).unwrap_or(0);
            }
            // The first pair that differs lies within a's terminator.
            let na = k + libc::strnlen(pa.add(k) as *const libc::c_char, lim - k);
            let span = (na + 1).min(lim) - k;
            let sa = std::slice::from_raw_parts(pa.add(k), span);
            let sb = std::slice::from_raw_parts(pb.add(k), span);
            match first_difference(sa, sb) {
                Some(i) => HANDLED | strcmp_result(op, sa[i], sb[i]) as u32 as u64,
                None if na < lim => HANDLED,
                None => 0,
            }
        }
    }
}

/// A word with the high bit set in the lowest zero byte of `x` (and
/// possibly in bytes above it, never below).
fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(0x0101_0101_0101_0101) & !x & 0x8080_8080_8080_8080
}

/// Index of the first byte where `a` and `b` (same length) differ: equal
/// 64-byte blocks skipped by `bcmp`, then eight bytes at a time.
fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i + 64 <= a.len() && a[i..i + 64] == b[i..i + 64] {
        i += 64;
    }
    while i + 8 <= a.len() {
        let x = u64::from_le_bytes(a[i..i + 8].try_into().expect("8 bytes"));
        let y = u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        if x != y {
            return Some(i + ((x ^ y).trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    (i..a.len()).find(|&k| a[k] != b[k])
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
