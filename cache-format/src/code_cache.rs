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
    /// Plain blocks of its path (more than one for a superblock).
    pub segments: u32,
}

/// One plain block of a translation's path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedSegment {
    pub pc: u32,
    /// Guest instructions.
    pub len: u32,
}

/// A whole cache entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeCache {
    pub key: CodeCacheKey,
    #[serde(with = "packed")]
    pub blocks: Vec<CachedBlock>,
    /// Host code of every block, as translated (one byte string: decoding
    /// a megabyte of code byte by byte would cost more than translating).
    #[serde(with = "byte_string")]
    pub code: Vec<u8>,
    #[serde(with = "packed")]
    pub relocs: Vec<CachedReloc>,
    #[serde(with = "packed")]
    pub faults: Vec<CachedFault>,
    #[serde(with = "packed")]
    pub chains: Vec<CachedChain>,
    #[serde(with = "packed")]
    pub segments: Vec<CachedSegment>,
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

/// A record stored as fixed-width little-endian bytes. The record arrays
/// are serialized as one byte string each: decoding tens of thousands of
/// small records field by field through serde took longer than
/// translating the blocks they describe.
pub trait Packed: Sized {
    const SIZE: usize;
    fn pack(&self, out: &mut Vec<u8>);
    /// `b` is exactly `SIZE` bytes.
    fn unpack(b: &[u8]) -> Self;
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl Packed for CachedBlock {
    const SIZE: usize = 28;
    fn pack(&self, out: &mut Vec<u8>) {
        for v in [
            self.pc,
            self.guest_len,
            self.code_len,
            self.relocs,
            self.faults,
            self.chains,
            self.segments,
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    fn unpack(b: &[u8]) -> Self {
        CachedBlock {
            pc: u32_at(b, 0),
            guest_len: u32_at(b, 4),
            code_len: u32_at(b, 8),
            relocs: u32_at(b, 12),
            faults: u32_at(b, 16),
            chains: u32_at(b, 20),
            segments: u32_at(b, 24),
        }
    }
}

impl Packed for CachedSegment {
    const SIZE: usize = 8;
    fn pack(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.pc.to_le_bytes());
        out.extend_from_slice(&self.len.to_le_bytes());
    }
    fn unpack(b: &[u8]) -> Self {
        CachedSegment {
            pc: u32_at(b, 0),
            len: u32_at(b, 4),
        }
    }
}

impl Packed for CachedReloc {
    const SIZE: usize = 9;
    fn pack(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.offset.to_le_bytes());
        out.push(self.kind);
        out.extend_from_slice(&self.addend.to_le_bytes());
    }
    fn unpack(b: &[u8]) -> Self {
        CachedReloc {
            offset: u32_at(b, 0),
            kind: b[4],
            addend: u32_at(b, 5),
        }
    }
}

impl Packed for CachedFault {
    const SIZE: usize = 13;
    fn pack(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.offset.to_le_bytes());
        out.extend_from_slice(&self.guest_pc.to_le_bytes());
        out.push(self.kind);
        out.push(self.size);
        out.extend_from_slice(&self.uncount.to_le_bytes());
        out.push(self.addr_reg);
    }
    fn unpack(b: &[u8]) -> Self {
        CachedFault {
            offset: u32_at(b, 0),
            guest_pc: u32_at(b, 4),
            kind: b[8],
            size: b[9],
            uncount: u16::from_le_bytes([b[10], b[11]]),
            addr_reg: b[12],
        }
    }
}

impl Packed for CachedChain {
    const SIZE: usize = 12;
    fn pack(&self, out: &mut Vec<u8>) {
        for v in [self.site, self.stub, self.target] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    fn unpack(b: &[u8]) -> Self {
        CachedChain {
            site: u32_at(b, 0),
            stub: u32_at(b, 4),
            target: u32_at(b, 8),
        }
    }
}

/// `Vec<T: Packed>` as one serde byte string.
mod packed {
    use super::Packed;
    use serde::de::Error;
    use serde::{Deserializer, Serializer};

    pub fn serialize<T: Packed, S: Serializer>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
        let mut out = Vec::with_capacity(v.len() * T::SIZE);
        for x in v {
            x.pack(&mut out);
        }
        s.serialize_bytes(&out)
    }

    pub fn deserialize<'de, T: Packed, D: Deserializer<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        let bytes = super::byte_string::deserialize(d)?;
        if bytes.len() % T::SIZE != 0 {
            return Err(D::Error::custom(format!(
                "{} bytes is not a whole number of {}-byte records",
                bytes.len(),
                T::SIZE
            )));
        }
        Ok(bytes.chunks_exact(T::SIZE).map(T::unpack).collect())
    }
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
