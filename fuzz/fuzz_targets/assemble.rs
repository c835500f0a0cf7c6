//! The assembler never panics on any source text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(src) = std::str::from_utf8(data) {
        let _ = fast32_asm::assemble(src, "fuzz.s");
    }
});
