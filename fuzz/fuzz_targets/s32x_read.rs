//! The `.s32x` reader never panics, and what it accepts writes back to a
//! file it reads identically.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(img) = fast32_isa::s32x::read(data) {
        let again = fast32_isa::s32x::read(&fast32_isa::s32x::write(&img)).expect("rewritten image reads");
        // write recomputes the header's offsets and counts; compare
        // against the normalized image.
        let mut norm = img.clone();
        norm.normalize();
        assert_eq!(norm, again);
    }
});
