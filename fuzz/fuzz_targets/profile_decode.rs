//! The profile decoder refuses bad files with an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = fast32_cache_format::Profile::from_bytes(data, None);
});
