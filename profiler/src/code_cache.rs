//! The persistent translated-code cache: a JIT's blocks saved to a cache
//! directory at exit and loaded by the next run of the same program, so
//! it does not translate them again.
//!
//! This module joins the JIT (which exports and loads position-independent
//! blocks) and `cache-format` (which stores them behind the checked
//! header). An entry that cannot be used — truncated, corrupt, from
//! another fast32 version, another program, another host or JIT
//! configuration, or refused by the JIT's own checks — is reported and
//! never executed; the run translates as usual and saves a fresh entry.

use fast32_cache_format::code_cache::{
    CachedBlock, CachedChain, CachedFault, CachedReloc, CachedSegment, CodeCache, CodeCacheKey,
};
use fast32_cache_format::FormatError;
use fast32_jit::translate::{ChainSite, FaultSite, Reloc, RelocKind};
use fast32_jit::{BlockEntry, BlockImages, CacheKey, Jit, LoadError};
use fast32_runtime::memory::AccessKind;
use fast32_runtime::Machine;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error(transparent)]
    Format(#[from] FormatError),
    #[error("code cache entry refused by the JIT: {0}")]
    Load(#[from] LoadError),
    #[error("code cache entry refused: {msg}")]
    Invalid { msg: String },
    #[error("cannot create the cache directory {path}: {err}")]
    Dir { path: String, err: std::io::Error },
}

pub fn key_of(k: CacheKey) -> CodeCacheKey {
    CodeCacheKey {
        host_features: k.host_features,
        options: k.options,
        emitter: k.emitter,
    }
}

/// Where the entry for this program and JIT lives inside `dir`.
pub fn entry_path(dir: &Path, image_hash: &[u8; 32], jit: &Jit) -> PathBuf {
    dir.join(CodeCache::file_name(image_hash, &key_of(jit.cache_key())))
}

fn access_code(k: AccessKind) -> u8 {
    match k {
        AccessKind::Read => 0,
        AccessKind::Write => 1,
        AccessKind::Execute => 2,
    }
}

/// Converts exported blocks into the on-disk form.
pub fn to_cache(key: CacheKey, b: BlockImages) -> CodeCache {
    CodeCache {
        key: key_of(key),
        blocks: b
            .blocks
            .iter()
            .map(|e| CachedBlock {
                pc: e.pc,
                guest_len: e.guest_len,
                code_len: e.code_len,
                relocs: e.relocs,
                faults: e.faults,
                chains: e.chains,
                segments: e.segments,
            })
            .collect(),
        code: b.code,
        relocs: b
            .relocs
            .iter()
            .map(|r| CachedReloc {
                offset: r.offset,
                kind: r.kind as u8,
                addend: r.addend,
            })
            .collect(),
        faults: b
            .faults
            .iter()
            .map(|f| CachedFault {
                offset: f.host as u32,
                guest_pc: f.guest_pc,
                kind: access_code(f.kind),
                size: f.size,
                uncount: f.uncount,
                addr_reg: f.addr_reg,
            })
            .collect(),
        chains: b
            .chains
            .iter()
            .map(|c| CachedChain {
                site: c.site,
                stub: c.stub,
                target: c.target,
            })
            .collect(),
        segments: b
            .segments
            .iter()
            .map(|&(pc, len)| CachedSegment { pc, len })
            .collect(),
    }
}

/// Converts the on-disk form back; unknown kinds are refused (the JIT
/// checks everything else when loading).
pub fn from_cache(c: CodeCache) -> Result<BlockImages, CacheError> {
    let invalid = |msg: String| CacheError::Invalid { msg };
    Ok(BlockImages {
        blocks: c
            .blocks
            .iter()
            .map(|e| BlockEntry {
                pc: e.pc,
                guest_len: e.guest_len,
                code_len: e.code_len,
                relocs: e.relocs,
                faults: e.faults,
                chains: e.chains,
                segments: e.segments,
            })
            .collect(),
        code: c.code,
        relocs: c
            .relocs
            .iter()
            .map(|r| {
                Ok(Reloc {
                    offset: r.offset,
                    kind: RelocKind::from_u8(r.kind)
                        .ok_or_else(|| invalid(format!("relocation kind {}", r.kind)))?,
                    addend: r.addend,
                })
            })
            .collect::<Result<_, CacheError>>()?,
        faults: c
            .faults
            .iter()
            .map(|f| {
                Ok(FaultSite {
                    host: f.offset as usize,
                    guest_pc: f.guest_pc,
                    kind: match f.kind {
                        0 => AccessKind::Read,
                        1 => AccessKind::Write,
                        2 => AccessKind::Execute,
                        k => return Err(invalid(format!("fault site kind {k}"))),
                    },
                    size: f.size,
                    uncount: f.uncount,
                    addr_reg: f.addr_reg,
                })
            })
            .collect::<Result<_, CacheError>>()?,
        chains: c
            .chains
            .iter()
            .map(|c| ChainSite {
                site: c.site,
                stub: c.stub,
                target: c.target,
            })
            .collect(),
        segments: c.segments.iter().map(|s| (s.pc, s.len)).collect(),
    })
}

/// Encodes the JIT's live blocks as a cache file (header + payload).
pub fn encode(jit: &Jit, image_hash: &[u8; 32]) -> Result<Vec<u8>, CacheError> {
    Ok(to_cache(jit.cache_key(), jit.export_blocks()).to_bytes(image_hash)?)
}

/// Checks and decodes a cache file's bytes and loads its blocks into
/// `jit`; returns the number of blocks loaded. On error nothing was loaded.
pub fn load_bytes(
    jit: &mut Jit,
    m: &Machine,
    bytes: &[u8],
    image_hash: &[u8; 32],
) -> Result<usize, CacheError> {
    let key = key_of(jit.cache_key());
    let c = CodeCache::from_bytes(bytes, Some(image_hash), Some(&key))?;
    Ok(jit.load_blocks(m, from_cache(c)?)?)
}

/// Loads the entry at `path` into `jit` (see [`load_bytes`]); `Ok(None)`
/// when there is no entry yet.
pub fn load(
    jit: &mut Jit,
    m: &Machine,
    path: &Path,
    image_hash: &[u8; 32],
) -> Result<Option<usize>, CacheError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => {
            return Err(FormatError::Io {
                path: path.display().to_string(),
                err,
            }
            .into())
        }
    };
    load_bytes(jit, m, &bytes, image_hash).map(Some)
}

/// Saves the JIT's live blocks to `path` atomically (creating its
/// directory); returns the number of blocks saved.
pub fn save(jit: &Jit, path: &Path, image_hash: &[u8; 32]) -> Result<usize, CacheError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|err| CacheError::Dir {
            path: dir.display().to_string(),
            err,
        })?;
    }
    let c = to_cache(jit.cache_key(), jit.export_blocks());
    let n = c.blocks.len();
    c.save(path, image_hash)?;
    Ok(n)
}
