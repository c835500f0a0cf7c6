//! The code cache decoder refuses bad entries with an error, never a
//! panic. Half the inputs are used as whole files (header checks), half
//! as payloads framed with a valid header and checksum, so the fuzzer
//! reaches the payload decoder instead of stopping at the checksum.
#![no_main]
use fast32_cache_format::{frame, CodeCache, Kind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((&mode, rest)) if mode & 1 == 1 => {
            let hash = [7u8; 32];
            let bytes = frame(Kind::CodeCache, &hash, rest);
            if let Ok(c) = CodeCache::from_bytes(&bytes, Some(&hash), None) {
                // What decodes must encode and decode to the same value.
                let again = c.to_bytes(&hash).expect("a decoded entry encodes");
                assert_eq!(CodeCache::from_bytes(&again, Some(&hash), None).unwrap(), c);
            }
        }
        _ => {
            let _ = CodeCache::from_bytes(data, None, None);
        }
    }
});
