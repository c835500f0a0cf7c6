//! Code cache entries round-trip, and every kind of bad entry is refused
//! with the right error before any of it could be used.

use fast32_cache_format::code_cache::*;
use fast32_cache_format::{image_hash, FormatError, HEADER_SIZE};
use proptest::prelude::*;

fn key() -> CodeCacheKey {
    CodeCacheKey {
        host_features: 1,
        options: 0b101,
        emitter: 0x0123_4567_89ab_cdef,
    }
}

fn sample() -> CodeCache {
    CodeCache {
        key: key(),
        blocks: vec![
            CachedBlock {
                pc: 0x40,
                guest_len: 3,
                code_len: 6,
                relocs: 1,
                faults: 1,
                chains: 1,
                segments: 2,
            },
            CachedBlock {
                pc: 0x80,
                guest_len: 1,
                code_len: 2,
                relocs: 0,
                faults: 0,
                chains: 0,
                segments: 1,
            },
        ],
        code: vec![0xe9, 1, 2, 3, 4, 0xc3, 0x90, 0x90],
        relocs: vec![CachedReloc {
            offset: 1,
            kind: 0,
            addend: 0,
        }],
        faults: vec![CachedFault {
            offset: 5,
            guest_pc: 0x44,
            kind: 1,
            size: 4,
            uncount: 2,
            addr_reg: 1,
        }],
        chains: vec![CachedChain {
            site: 1,
            stub: 5,
            target: 0x80,
        }],
        segments: vec![
            CachedSegment { pc: 0x40, len: 2 },
            CachedSegment { pc: 0x10, len: 1 },
            CachedSegment { pc: 0x80, len: 1 },
        ],
    }
}

fn h(b: u8) -> [u8; 32] {
    image_hash(&[b; 64])
}

#[test]
fn round_trip() {
    let c = sample();
    let bytes = c.to_bytes(&h(1)).unwrap();
    assert_eq!(
        CodeCache::from_bytes(&bytes, Some(&h(1)), Some(&key())).unwrap(),
        c
    );
}

#[test]
fn file_round_trip_is_atomic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(CodeCache::file_name(&h(1), &key()));
    sample().save(&path, &h(1)).unwrap();
    assert_eq!(
        CodeCache::load(&path, Some(&h(1)), Some(&key())).unwrap(),
        sample()
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn file_names_separate_programs_and_keys() {
    let other = CodeCacheKey {
        options: 0,
        ..key()
    };
    let names = [
        CodeCache::file_name(&h(1), &key()),
        CodeCache::file_name(&h(2), &key()),
        CodeCache::file_name(&h(1), &other),
    ];
    assert_ne!(names[0], names[1]);
    assert_ne!(names[0], names[2]);
    assert!(names[0].ends_with(".s32cc"));
}

#[test]
fn truncated_is_refused() {
    let bytes = sample().to_bytes(&h(1)).unwrap();
    for cut in [0, 10, HEADER_SIZE - 1] {
        assert!(matches!(
            CodeCache::from_bytes(&bytes[..cut], None, None),
            Err(FormatError::TooShort { .. })
        ));
    }
    for cut in [HEADER_SIZE, bytes.len() - 1] {
        assert!(matches!(
            CodeCache::from_bytes(&bytes[..cut], None, None),
            Err(FormatError::Truncated { .. })
        ));
    }
}

#[test]
fn bit_flips_are_refused() {
    let bytes = sample().to_bytes(&h(1)).unwrap();
    for i in HEADER_SIZE..bytes.len() {
        for bit in [0x01, 0x10, 0x80] {
            let mut b = bytes.clone();
            b[i] ^= bit;
            assert!(
                matches!(
                    CodeCache::from_bytes(&b, None, None),
                    Err(FormatError::Corrupt { .. })
                ),
                "flip {bit:#x} at {i}"
            );
        }
    }
    // A flip in the header's checksum field is caught the same way.
    let mut b = bytes.clone();
    b[80] ^= 1;
    assert!(matches!(
        CodeCache::from_bytes(&b, None, None),
        Err(FormatError::Corrupt { .. })
    ));
}

#[test]
fn wrong_magic_version_program_and_key_are_refused() {
    let bytes = sample().to_bytes(&h(1)).unwrap();
    let mut b = bytes.clone();
    b[0] = b'X';
    assert!(matches!(
        CodeCache::from_bytes(&b, None, None),
        Err(FormatError::BadMagic { .. })
    ));
    // A profile is not a code cache entry, even with a valid header.
    let profile = fast32_cache_format::Profile::default()
        .to_bytes(&h(1))
        .unwrap();
    assert!(matches!(
        CodeCache::from_bytes(&profile, None, None),
        Err(FormatError::BadMagic { .. })
    ));
    let mut b = bytes.clone();
    b[8] = 99;
    assert!(matches!(
        CodeCache::from_bytes(&b, None, None),
        Err(FormatError::UnsupportedVersion { found: 99, .. })
    ));
    // Another fast32 build's code is never loaded.
    let mut b = bytes.clone();
    b[12..28].copy_from_slice(b"0.0.0-other\0\0\0\0\0");
    assert!(matches!(
        CodeCache::from_bytes(&b, None, None),
        Err(FormatError::OtherFast32 { .. })
    ));
    assert!(matches!(
        CodeCache::from_bytes(&bytes, Some(&h(2)), Some(&key())),
        Err(FormatError::WrongProgram { .. })
    ));
    for other in [
        CodeCacheKey {
            host_features: 3,
            ..key()
        },
        CodeCacheKey {
            options: 0,
            ..key()
        },
        CodeCacheKey {
            emitter: 7,
            ..key()
        },
    ] {
        let e = CodeCache::from_bytes(&bytes, Some(&h(1)), Some(&other)).unwrap_err();
        assert!(matches!(e, FormatError::OtherHost { .. }), "{e}");
        assert!(e.to_string().contains("another host"), "{e}");
    }
}

#[test]
fn valid_frame_with_garbage_payload_is_a_decode_error() {
    let bytes =
        fast32_cache_format::frame(fast32_cache_format::Kind::CodeCache, &h(1), &[0xff; 40]);
    assert!(matches!(
        CodeCache::from_bytes(&bytes, None, None),
        Err(FormatError::Decode { .. })
    ));
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = CodeCache::from_bytes(&bytes, None, None);
    }

    #[test]
    fn random_payloads_never_panic(payload in proptest::collection::vec(any::<u8>(), 0..400)) {
        let bytes = fast32_cache_format::frame(fast32_cache_format::Kind::CodeCache, &h(1), &payload);
        let _ = CodeCache::from_bytes(&bytes, Some(&h(1)), Some(&key()));
    }
}
