//! Translated-code cache entries: the JIT's blocks of one program, saved at
//! exit so the next run loads them instead of translating.
//!
//! An entry is valid only for the exact guest image (header), the exact
//! fast32 version (header, checked: code from another build is never
//! loaded) and the same [`CodeCacheKey`] (payload: host CPU features the
//! emitter uses, JIT options that change code, and a fingerprint of the
//! emitter). Blocks are stored position-independently: their code plus the
//! list of fields to patch when they are placed in a new process (see the
//! `fast32-jit` crate's `BlockImage`).

use crate::{decode_payload, encode_payload, frame, hex, unframe, FormatError, Kind};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What an entry depends on besides the guest image and fast32 version.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeCacheKey {
    /// Bit mask of the host CPU features the emitter relies on.
    pub host_features: u64,
    /// Bit mask of the JIT options that change emitted code.
    pub options: u32,
    /// Fingerprint of the emitter (its source and the CPU-state layout).
    pub emitter: u64,
}

/// A position-dependent field of a block's code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedReloc {
    pub offset: u32,
    /// The JIT's relocation kind (checked by the JIT when loading).
    pub kind: u8,
    pub addend: u32,
}

/// A guest load or store in a block that may fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedFault {
    /// Offset of the faulting host instruction in the block.
    pub offset: u32,
    pub guest_pc: u32,
    /// 0 read, 1 write, 2 execute.
    pub kind: u8,
    pub size: u8,
    pub uncount: u16,
    pub addr_reg: u8,
}

/// A chainable direct exit, stored unchained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedChain {
    pub site: u32,
    pub stub: u32,
    pub target: u32,
}

/// One translated block: its records are the next `code_len` bytes of
/// [`CodeCache::code`], `relocs` entries of [`CodeCache::relocs`], and so
/// on (stored flat so that decoding thousands of blocks does not allocate
/// several vectors per block).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedBlock {
    pub pc: u32,
    pub guest_len: u32,
    pub code_len: u32,
    pub relocs: u32,
    pub faults: u32,
    pub chains: u32,
}

/// A whole cache entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeCache {
    pub key: CodeCacheKey,
    pub blocks: Vec<CachedBlock>,
    /// Host code of every block, as translated (one byte string: decoding
    /// a megabyte of code byte by byte would cost more than translating).
    #[serde(with = "byte_string")]
    pub code: Vec<u8>,
    pub relocs: Vec<CachedReloc>,
    pub faults: Vec<CachedFault>,
    pub chains: Vec<CachedChain>,
}

impl CodeCache {
    /// Encodes with the checked header, tied to the guest image's hash.
    pub fn to_bytes(&self, image_hash: &[u8; 32]) -> Result<Vec<u8>, FormatError> {
        Ok(frame(
            Kind::CodeCache,
            image_hash,
            &encode_payload(Kind::CodeCache, self)?,
        ))
    }

    /// Decodes an entry. Refused: anything the header check refuses (bad
    /// magic, format version, truncation, corruption), an entry written by
    /// another fast32 version, for another image (`expect_image`), or with
    /// another key (`expect_key`).
    pub fn from_bytes(
        bytes: &[u8],
        expect_image: Option<&[u8; 32]>,
        expect_key: Option<&CodeCacheKey>,
    ) -> Result<CodeCache, FormatError> {
        let (_, payload) = unframe(Kind::CodeCache, bytes, expect_image, true)?;
        let c: CodeCache = decode_payload(Kind::CodeCache, payload)?;
        if let Some(k) = expect_key {
            if *k != c.key {
                return Err(FormatError::OtherHost {
                    expected: describe(k),
                    found: describe(&c.key),
                });
            }
        }
        Ok(c)
    }

    pub fn save(&self, path: &Path, image_hash: &[u8; 32]) -> Result<(), FormatError> {
        crate::write_atomic(path, &self.to_bytes(image_hash)?)
    }

    pub fn load(
        path: &Path,
        expect_image: Option<&[u8; 32]>,
        expect_key: Option<&CodeCacheKey>,
    ) -> Result<CodeCache, FormatError> {
        Self::from_bytes(&crate::read_file(path)?, expect_image, expect_key)
    }

    /// File name of the entry for an image and key inside a cache
    /// directory: entries of different programs, hosts and options live
    /// side by side instead of evicting each other.
    pub fn file_name(image_hash: &[u8; 32], key: &CodeCacheKey) -> String {
        format!(
            "{}-{:x}-{:x}-{:016x}.s32cc",
            hex(image_hash),
            key.host_features,
            key.options,
            key.emitter
        )
    }
}

fn describe(k: &CodeCacheKey) -> String {
    format!(
        "host features {:#x}, options {:#x}, emitter {:016x}",
        k.host_features, k.options, k.emitter
    )
}

/// `Vec<u8>` as a serde byte string (what `serde_bytes` does).
mod byte_string {
    use serde::de::{Error, SeqAccess, Visitor};
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a byte string")
            }
            fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E: Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
                let mut v = Vec::new();
                while let Some(b) = seq.next_element()? {
                    v.push(b);
                }
                Ok(v)
            }
        }
        d.deserialize_byte_buf(V)
    }
}
