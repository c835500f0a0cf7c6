//! Profiles round-trip, merge, and every kind of bad file is refused with
//! the right error.

use fast32_cache_format::profile::*;
use fast32_cache_format::{image_hash, FormatError, HEADER_SIZE};
use proptest::prelude::*;

fn sample() -> Profile {
    Profile {
        runs: 1,
        instructions: 1000,
        blocks: vec![
            BlockCount {
                pc: 0,
                len: 4,
                count: 10,
            },
            BlockCount {
                pc: 0x40,
                len: 3,
                count: 200,
            },
        ],
        branches: vec![BranchCount {
            pc: 0x48,
            taken: 150,
            not_taken: 50,
        }],
        indirect: vec![IndirectSite {
            pc: 0x80,
            links: false,
            targets: vec![(0x100, 90), (0x200, 10)],
            other: 1,
        }],
        calls: vec![CallReturn {
            call_pc: 0x20,
            returns: 7,
        }],
        shapes: vec![Shape {
            entry: 0x40,
            blocks: vec![(0x40, 3), (0x10, 5)],
        }],
    }
}

fn h(b: u8) -> [u8; 32] {
    image_hash(&[b; 64])
}

#[test]
fn round_trip() {
    let p = sample();
    let bytes = p.to_bytes(&h(1)).unwrap();
    let (q, hash) = Profile::from_bytes(&bytes, Some(&h(1))).unwrap();
    assert_eq!(p, q);
    assert_eq!(hash, h(1));
}

#[test]
fn file_round_trip_is_atomic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.s32prof");
    sample().save(&path, &h(1)).unwrap();
    let (q, _) = Profile::load(&path, Some(&h(1))).unwrap();
    assert_eq!(q, sample());
    // Only the final file remains: no temporary left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn merge_sums_counts() {
    let mut a = sample();
    let mut b = sample();
    b.blocks.push(BlockCount {
        pc: 0x80,
        len: 2,
        count: 5,
    });
    b.indirect[0].targets = vec![(0x200, 100)];
    a.merge(&b);
    assert_eq!(a.runs, 2);
    assert_eq!(a.instructions, 2000);
    assert_eq!(a.block_count(0x40), 400);
    assert_eq!(a.block_count(0x80), 5);
    assert_eq!(a.branches[0].taken, 300);
    // Targets re-sorted by count: 0x200 now dominates.
    assert_eq!(a.indirect[0].targets[0], (0x200, 110));
    assert_eq!(a.indirect[0].other, 2);
    assert_eq!(a.calls[0].returns, 14);
    assert_eq!(a.hottest_blocks()[0].pc, 0x40);
}

#[test]
fn truncated_is_refused() {
    let bytes = sample().to_bytes(&h(1)).unwrap();
    for cut in [0, 10, HEADER_SIZE - 1] {
        assert!(matches!(
            Profile::from_bytes(&bytes[..cut], None),
            Err(FormatError::TooShort { .. })
        ));
    }
    assert!(matches!(
        Profile::from_bytes(&bytes[..bytes.len() - 1], None),
        Err(FormatError::Truncated { .. })
    ));
}

#[test]
fn bit_flips_are_refused() {
    let bytes = sample().to_bytes(&h(1)).unwrap();
    for i in HEADER_SIZE..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0x10;
        assert!(
            matches!(
                Profile::from_bytes(&b, None),
                Err(FormatError::Corrupt { .. })
            ),
            "flip at {i}"
        );
    }
}

#[test]
fn wrong_magic_version_and_program_are_refused() {
    let bytes = sample().to_bytes(&h(1)).unwrap();
    let mut b = bytes.clone();
    b[0] = b'X';
    assert!(matches!(
        Profile::from_bytes(&b, None),
        Err(FormatError::BadMagic { .. })
    ));
    let mut b = bytes.clone();
    b[8] = 99;
    assert!(matches!(
        Profile::from_bytes(&b, None),
        Err(FormatError::UnsupportedVersion { found: 99, .. })
    ));
    // A version-1 profile (shapes as branch lists, before superblocks)
    // is refused, saying which version this fast32 reads.
    let mut b = bytes.clone();
    b[8..12].copy_from_slice(&1u32.to_le_bytes());
    let e = Profile::from_bytes(&b, None).unwrap_err();
    assert!(
        matches!(
            e,
            FormatError::UnsupportedVersion {
                found: 1,
                supported: 2,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("version 1 is not supported"), "{e}");
    assert!(e.to_string().contains("record or build it again"), "{e}");
    let e = Profile::from_bytes(&bytes, Some(&h(2))).unwrap_err();
    assert!(matches!(e, FormatError::WrongProgram { .. }));
    assert!(e.to_string().contains("stale"), "{e}");
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = Profile::from_bytes(&bytes, None);
    }

    #[test]
    fn mutated_files_never_panic(pos in 0usize..2000, val in any::<u8>(), cut in 0usize..2000) {
        let mut bytes = sample().to_bytes(&h(1)).unwrap();
        let n = bytes.len();
        bytes[pos % n] = val;
        bytes.truncate(cut.max(1) % (n + 1));
        let _ = Profile::from_bytes(&bytes, None);
    }
}
