//! fast32's on-disk formats: execution profiles (what a program did, for
//! the AOT compiler and for pre-warming the JIT) and translated-code cache
//! entries.
//!
//! Every file starts with a fixed 100-byte header that is checked before
//! any payload byte is decoded:
//!
//! | offset | size | field |
//! |---:|---:|---|
//! | 0 | 8 | magic: `FAST32PF` (profile) or `FAST32CC` (code cache) |
//! | 8 | 4 | format version (LE) |
//! | 12 | 16 | fast32 version that wrote it, NUL-padded |
//! | 28 | 32 | SHA-256 of the guest `.s32x` it describes |
//! | 60 | 8 | payload length (LE) |
//! | 68 | 32 | SHA-256 of the payload |
//! | 100 | … | payload (see [`codec`]) |
//!
//! Profiles are accepted from any fast32 version (their meaning does not
//! depend on the build); code cache entries only from the same version,
//! and only for the same host/JIT key ([`code_cache`]).
//!
//! So a truncated, bit-flipped, foreign, wrong-version or wrong-program
//! file is refused with an error naming the problem, and writes are atomic
//! (temporary file + rename): an interrupted run never leaves half a file.

pub mod code_cache;
mod codec;
pub mod profile;

use sha2::{Digest, Sha256};
use std::path::Path;

pub use code_cache::{CodeCache, CodeCacheKey};
pub use profile::Profile;

pub const HEADER_SIZE: usize = 100;

/// Which kind of file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Profile,
    CodeCache,
}

impl Kind {
    pub fn magic(self) -> &'static [u8; 8] {
        match self {
            Kind::Profile => b"FAST32PF",
            Kind::CodeCache => b"FAST32CC",
        }
    }
    /// Current format version of this kind.
    pub fn version(self) -> u32 {
        match self {
            // 2: shapes are superblock paths (plain blocks, not branches).
            Kind::Profile => 2,
            // 2: record arrays packed as byte strings.
            // 3: superblocks (each block's path of plain blocks).
            Kind::CodeCache => 3,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Kind::Profile => "profile",
            Kind::CodeCache => "code cache entry",
        }
    }
}

/// The version string recorded in headers.
pub const FAST32_VERSION: &str = env!("CARGO_PKG_VERSION");

/// SHA-256 of a guest image's bytes: what files are tied to.
pub fn image_hash(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

pub fn hex(h: &[u8]) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("{path}: {err}")]
    Io { path: String, err: std::io::Error },
    #[error("file is {len} bytes, shorter than the {HEADER_SIZE}-byte header: truncated")]
    TooShort { len: usize },
    #[error("not a fast32 {expected} (magic {found:?})")]
    BadMagic {
        expected: &'static str,
        found: String,
    },
    #[error(
        "{kind} format version {found} is not supported (this fast32 reads version {supported}); record or build it again with this fast32"
    )]
    UnsupportedVersion {
        kind: &'static str,
        found: u32,
        supported: u32,
    },
    #[error("{kind} was written by fast32 {found}, this is fast32 {current}")]
    OtherFast32 {
        kind: &'static str,
        found: String,
        current: &'static str,
    },
    #[error("stale {kind}: it was recorded for another build of the program (image SHA-256 {found}, this program is {expected}); re-run `fast32 profile` on the current program")]
    WrongProgram {
        kind: &'static str,
        expected: String,
        found: String,
    },
    #[error("truncated {kind}: header announces {announced} payload bytes, {present} present")]
    Truncated {
        kind: &'static str,
        announced: u64,
        present: usize,
    },
    #[error("code cache entry was built for another host or JIT configuration ({found}; this run needs {expected})")]
    OtherHost { expected: String, found: String },
    #[error("corrupt {kind}: payload checksum mismatch")]
    Corrupt { kind: &'static str },
    #[error("corrupt {kind}: {msg}")]
    Decode { kind: &'static str, msg: String },
    #[error("cannot encode {kind}: {msg}")]
    Encode { kind: &'static str, msg: String },
}

/// What the header says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub kind: Kind,
    pub version: u32,
    pub fast32_version: String,
    pub image_hash: [u8; 32],
}

/// Builds a whole file: header + payload.
pub fn frame(kind: Kind, image_hash: &[u8; 32], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_SIZE + payload.len());
    out.extend_from_slice(kind.magic());
    out.extend_from_slice(&kind.version().to_le_bytes());
    let mut v = [0u8; 16];
    let vb = FAST32_VERSION.as_bytes();
    v[..vb.len().min(16)].copy_from_slice(&vb[..vb.len().min(16)]);
    out.extend_from_slice(&v);
    out.extend_from_slice(image_hash);
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&Sha256::digest(payload));
    out.extend_from_slice(payload);
    out
}

/// Checks the header and payload integrity; returns the header and the
/// payload bytes. `expect_image` refuses files for another program;
/// `same_fast32` refuses files written by another fast32 version.
pub fn unframe<'a>(
    kind: Kind,
    bytes: &'a [u8],
    expect_image: Option<&[u8; 32]>,
    same_fast32: bool,
) -> Result<(Header, &'a [u8]), FormatError> {
    let name = kind.name();
    if bytes.len() < HEADER_SIZE {
        return Err(FormatError::TooShort { len: bytes.len() });
    }
    if &bytes[0..8] != kind.magic() {
        return Err(FormatError::BadMagic {
            expected: name,
            found: String::from_utf8_lossy(&bytes[0..8]).into_owned(),
        });
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != kind.version() {
        return Err(FormatError::UnsupportedVersion {
            kind: name,
            found: version,
            supported: kind.version(),
        });
    }
    let fv = &bytes[12..28];
    let fv_end = fv.iter().position(|&b| b == 0).unwrap_or(16);
    let fast32_version = String::from_utf8_lossy(&fv[..fv_end]).into_owned();
    if same_fast32 && fast32_version != FAST32_VERSION {
        return Err(FormatError::OtherFast32 {
            kind: name,
            found: fast32_version,
            current: FAST32_VERSION,
        });
    }
    let mut image_hash = [0u8; 32];
    image_hash.copy_from_slice(&bytes[28..60]);
    if let Some(want) = expect_image {
        if want != &image_hash {
            return Err(FormatError::WrongProgram {
                kind: name,
                expected: hex(want),
                found: hex(&image_hash),
            });
        }
    }
    let len = u64::from_le_bytes(bytes[60..68].try_into().expect("8 bytes"));
    let payload = &bytes[HEADER_SIZE..];
    if len != payload.len() as u64 {
        return Err(FormatError::Truncated {
            kind: name,
            announced: len,
            present: payload.len(),
        });
    }
    if Sha256::digest(payload).as_slice() != &bytes[68..100] {
        return Err(FormatError::Corrupt { kind: name });
    }
    Ok((
        Header {
            kind,
            version,
            fast32_version,
            image_hash,
        },
        payload,
    ))
}

/// Writes `bytes` to `path` atomically (temporary file in the same
/// directory, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FormatError> {
    use std::io::Write;
    let io = |err| FormatError::Io {
        path: path.display().to_string(),
        err,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

/// Reads a whole file with the path in the error.
pub fn read_file(path: &Path) -> Result<Vec<u8>, FormatError> {
    std::fs::read(path).map_err(|err| FormatError::Io {
        path: path.display().to_string(),
        err,
    })
}

pub(crate) fn encode_payload<T: serde::Serialize>(
    kind: Kind,
    v: &T,
) -> Result<Vec<u8>, FormatError> {
    codec::encode(v).map_err(|msg| FormatError::Encode {
        kind: kind.name(),
        msg,
    })
}

pub(crate) fn decode_payload<T: serde::de::DeserializeOwned>(
    kind: Kind,
    bytes: &[u8],
) -> Result<T, FormatError> {
    codec::decode(bytes).map_err(|msg| FormatError::Decode {
        kind: kind.name(),
        msg,
    })
}
