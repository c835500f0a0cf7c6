//! The one place that knows the payload codec (bincode 2, standard
//! configuration, serde types). bincode is unmaintained upstream but
//! frozen; swapping it means changing only this module (and bumping the
//! format version).

use serde::{de::DeserializeOwned, Serialize};

/// Upper bound on any length prefix inside a payload, so a corrupted
/// length cannot make the decoder allocate gigabytes.
const LIMIT: usize = 1 << 30;

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, String> {
    bincode::serde::encode_to_vec(value, bincode::config::standard()).map_err(|e| e.to_string())
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let cfg = bincode::config::standard().with_limit::<LIMIT>();
    let (v, used) = bincode::serde::decode_from_slice(bytes, cfg).map_err(|e| e.to_string())?;
    if used != bytes.len() {
        return Err(format!(
            "{} trailing bytes after the payload",
            bytes.len() - used
        ));
    }
    Ok(v)
}
