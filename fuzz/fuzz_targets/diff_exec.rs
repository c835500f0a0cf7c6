//! Random programs steered by the fuzzer's bytes behave identically on
//! every engine (the same check as difftest's proptest, for longer runs).
#![no_main]
use fast32_difftest::{compare, gen, Engine};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let size = 5 + data.first().copied().unwrap_or(0) as u32 % 100;
    let img = gen::program(&mut gen::Source::from_bytes(data), size);
    if let Err(e) = compare(&img, &Engine::ALL, b"", 2_000_000) {
        panic!("{e}");
    }
});
