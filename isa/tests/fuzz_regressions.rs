//! Inputs the fuzzers found; each must load (or be refused) without a
//! panic, and what loads must survive a write/read round trip.

fn check(bytes: &[u8]) {
    if let Ok(img) = fast32_isa::s32x::read(bytes) {
        let again = fast32_isa::s32x::read(&fast32_isa::s32x::write(&img))
            .expect("a written image reads back");
        // write recomputes the header's offsets and counts; compare
        // against the normalized image.
        let mut norm = img.clone();
        norm.normalize();
        assert_eq!(norm, again);
    }
}

#[test]
fn s32x_read_crash_407dc590() {
    check(include_bytes!("fuzz-regressions/s32x-crash-407dc590.bin"));
}
