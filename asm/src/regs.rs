//! Register names.
//!
//! Accepted everywhere a register is expected: `r0`..`r31`, `zero`, `sp`
//! (r29), `fp` (r30), `lr` (r31) — what the compiler and the disassembler
//! write — and the ABI aliases from the calling convention: `rv` (r1),
//! `t0` (r2), `a0`..`a7` (r3..r10), `s0`..`s17` (r11..r28), plus `ra` for
//! r31. Case does not matter.
//!
//! Only the core names are reserved: the ABI aliases are ordinary symbol
//! names inside expressions, so a label called `s1` keeps working.

/// Register number for a name, if it is one.
pub(crate) fn register(name: &str) -> Option<u8> {
    let n = name.to_ascii_lowercase();
    if let Some(r) = core_register(&n) {
        return Some(r);
    }
    let num = |prefix: &str, base: u8, count: u8| -> Option<u8> {
        let d = n.strip_prefix(prefix)?;
        if d.is_empty()
            || (d.len() > 1 && d.starts_with('0'))
            || !d.bytes().all(|c| c.is_ascii_digit())
        {
            return None;
        }
        let v: u8 = d.parse().ok()?;
        (v < count).then_some(base + v)
    };
    match n.as_str() {
        "rv" => Some(1),
        "t0" => Some(2),
        "ra" => Some(31),
        _ => num("a", 3, 8).or_else(|| num("s", 11, 18)),
    }
}

fn core_register(n: &str) -> Option<u8> {
    match n {
        "zero" => Some(0),
        "sp" => Some(29),
        "fp" => Some(30),
        "lr" => Some(31),
        _ => {
            let d = n.strip_prefix('r')?;
            if d.is_empty()
                || (d.len() > 1 && d.starts_with('0'))
                || !d.bytes().all(|c| c.is_ascii_digit())
            {
                return None;
            }
            let v: u32 = d.parse().ok()?;
            (v < 32).then_some(v as u8)
        }
    }
}

/// Names that can never be symbols: `r0`..`r31`, `zero`, `sp`, `fp`, `lr`.
pub(crate) fn is_core_register(name: &str) -> bool {
    core_register(&name.to_ascii_lowercase()).is_some()
}

/// Looks like a register but is not one (`r32`, `r99`): worth a specific
/// message instead of "expected a register".
pub(crate) fn looks_like_bad_register(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let d = n.strip_prefix('r').or_else(|| n.strip_prefix('x'));
    d.is_some_and(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn names() {
        assert_eq!(register("r0"), Some(0));
        assert_eq!(register("R31"), Some(31));
        assert_eq!(register("r32"), None);
        assert_eq!(register("r01"), None);
        assert_eq!(register("sp"), Some(29));
        assert_eq!(register("fp"), Some(30));
        assert_eq!(register("lr"), Some(31));
        assert_eq!(register("zero"), Some(0));
        assert_eq!(register("rv"), Some(1));
        assert_eq!(register("t0"), Some(2));
        assert_eq!(register("a0"), Some(3));
        assert_eq!(register("a7"), Some(10));
        assert_eq!(register("a8"), None);
        assert_eq!(register("s0"), Some(11));
        assert_eq!(register("s17"), Some(28));
        assert_eq!(register("s18"), None);
        assert!(is_core_register("r5"));
        assert!(!is_core_register("a0"));
        assert!(looks_like_bad_register("r32"));
    }
}
