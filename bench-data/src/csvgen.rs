//! Deterministic CSV input for the `csv` benchmark.
//!
//! [`write_csv`] produces exactly the requested number of bytes from a
//! seed: the same seed and size give the same bytes on every machine. The
//! data is valid for the `csv` program's grammar (RFC 4180 with bare-LF
//! line ends allowed) and exercises all of it: eight columns per record,
//! quoted fields with commas, escaped quotes (`""`) and the occasional
//! embedded line break, empty fields, and a mix of LF and CRLF record
//! ends (about one record in four ends with CRLF). Records average about
//! 150 bytes, so 100 MB is roughly 670 000 records.
//!
//! The last record is a filler record (`ID,xxxx...,,,,,,` plus LF) sized
//! so that the file has exactly the requested length. Inputs shorter than
//! a record hold one single-field record of filler.
//!
//! [`ensure`] caches: an existing file of the right size is reused; the
//! file names the benchmark uses include the seed and size, so a size
//! check is enough to catch a stale or truncated file.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Columns in every record.
pub const COLUMNS: usize = 8;

/// The generator's random numbers (SplitMix64: tiny, fast, and fully
/// specified, so the data never depends on a library version).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-enough in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() >> 32) * n) >> 32
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const WORDS: &[&str] = &[
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
    "uniform", "victor", "whiskey", "xray", "yankee", "zulu", "red", "green", "blue", "quick",
    "brown", "fox", "lazy", "dog", "jumps", "over", "the", "a", "of", "and", "to", "in", "ledger",
    "invoice", "balance", "account", "transfer", "pending", "closed", "review",
];

const CATEGORIES: &[&str] = &[
    "retail",
    "wholesale",
    "online",
    "internal",
    "export",
    "misc",
];

fn words(rng: &mut Rng, out: &mut Vec<u8>, min: u64, max: u64, sep: &[u8]) {
    let n = min + rng.below(max - min + 1);
    for i in 0..n {
        if i > 0 {
            out.extend_from_slice(sep);
        }
        out.extend_from_slice(WORDS[rng.below(WORDS.len() as u64) as usize].as_bytes());
    }
}

fn number(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(v.to_string().as_bytes());
}

fn two_digits(out: &mut Vec<u8>, v: u64) {
    out.push(b'0' + (v / 10 % 10) as u8);
    out.push(b'0' + (v % 10) as u8);
}

/// Appends one record (with its line end) to `out`.
fn record(rng: &mut Rng, id: u64, out: &mut Vec<u8>) {
    // 1: id
    number(out, id);
    out.push(b',');
    // 2: name, sometimes empty
    if !rng.chance(5) {
        let len = 3 + rng.below(10);
        let first = b'A' + rng.below(26) as u8;
        out.push(first);
        for _ in 1..len {
            out.push(b'a' + rng.below(26) as u8);
        }
    }
    out.push(b',');
    // 3: description, always quoted: commas, "" and rare line breaks
    out.push(b'"');
    words(rng, out, 1, 8, b" ");
    if rng.chance(30) {
        out.extend_from_slice(b", ");
        words(rng, out, 1, 4, b" ");
    }
    if rng.chance(15) {
        out.extend_from_slice(b" \"\"");
        words(rng, out, 1, 2, b" ");
        out.extend_from_slice(b"\"\"");
    }
    if rng.chance(2) {
        out.extend_from_slice(if rng.chance(50) { b"\n" } else { b"\r\n" });
        words(rng, out, 1, 3, b" ");
    }
    out.push(b'"');
    out.push(b',');
    // 4: amount
    if rng.chance(20) {
        out.push(b'-');
    }
    number(out, rng.below(1_000_000));
    out.push(b'.');
    two_digits(out, rng.below(100));
    out.push(b',');
    // 5: date
    out.extend_from_slice(b"20");
    two_digits(out, rng.below(30));
    out.push(b'-');
    two_digits(out, 1 + rng.below(12));
    out.push(b'-');
    two_digits(out, 1 + rng.below(28));
    out.push(b',');
    // 6: category, quoted half of the time
    let cat = CATEGORIES[rng.below(CATEGORIES.len() as u64) as usize].as_bytes();
    if rng.chance(50) {
        out.push(b'"');
        out.extend_from_slice(cat);
        out.push(b'"');
    } else {
        out.extend_from_slice(cat);
    }
    out.push(b',');
    // 7: flag, sometimes empty
    match rng.below(3) {
        0 => out.extend_from_slice(b"true"),
        1 => out.extend_from_slice(b"false"),
        _ => {}
    }
    out.push(b',');
    // 8: notes: plain words, or quoted with commas
    if rng.chance(20) {
        out.push(b'"');
        words(rng, out, 1, 10, b", ");
        out.push(b'"');
    } else {
        words(rng, out, 0, 12, b" ");
    }
    // line end
    if rng.chance(25) {
        out.extend_from_slice(b"\r\n");
    } else {
        out.push(b'\n');
    }
}

/// Room kept for the final filler record; larger than any record the
/// generator makes (about 330 bytes at most).
const TAIL_ROOM: u64 = 1024;

/// Writes exactly `bytes` bytes of CSV generated from `seed` to `w`.
pub fn write_csv<W: Write>(w: &mut W, seed: u64, bytes: u64) -> io::Result<()> {
    let mut rng = Rng(seed ^ 0x6373_765F_6265_6E63);
    let mut rec = Vec::with_capacity(1024);
    let mut total = 0u64;
    let mut id = 1u64;
    if bytes > TAIL_ROOM {
        loop {
            rec.clear();
            record(&mut rng, id, &mut rec);
            if total + rec.len() as u64 + TAIL_ROOM > bytes {
                break;
            }
            w.write_all(&rec)?;
            total += rec.len() as u64;
            id += 1;
        }
    }
    // The filler record: "ID,<filler>,,,,,,\n", or for tiny inputs a single
    // field of filler and a LF.
    let remaining = bytes - total;
    if remaining == 0 {
        return Ok(());
    }
    let id_text = id.to_string();
    let fixed = id_text.len() as u64 + COLUMNS as u64; // 7 commas + LF
    rec.clear();
    let filler = if remaining >= fixed {
        rec.extend_from_slice(id_text.as_bytes());
        rec.push(b',');
        remaining - fixed
    } else {
        remaining - 1
    };
    for i in 0..filler {
        rec.push(b'a' + (i % 26) as u8);
    }
    if remaining >= fixed {
        rec.extend_from_slice(&[b','; COLUMNS - 2]);
    }
    rec.push(b'\n');
    debug_assert_eq!(rec.len() as u64, remaining);
    w.write_all(&rec)
}

/// Generates the CSV for `seed` and `bytes` at `path`, atomically: it is
/// written to a temporary file in the same directory, then renamed.
pub fn generate(path: &Path, seed: u64, bytes: u64) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let mut tmp_name = name.to_os_string();
    tmp_name.push(format!(".tmp{}", std::process::id()));
    let tmp = dir.join(tmp_name);
    let result = (|| {
        let mut w = BufWriter::with_capacity(1 << 20, fs::File::create(&tmp)?);
        write_csv(&mut w, seed, bytes)?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// `dir/name`, generated with `seed` unless a file of exactly `bytes`
/// bytes is already there. Creates `dir` if needed.
pub fn ensure(dir: &Path, name: &str, seed: u64, bytes: u64) -> io::Result<PathBuf> {
    let path = dir.join(name);
    if let Ok(m) = fs::metadata(&path) {
        if m.is_file() && m.len() == bytes {
            return Ok(path);
        }
    }
    fs::create_dir_all(dir)?;
    generate(&path, seed, bytes)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(seed: u64, n: u64) -> Vec<u8> {
        let mut v = Vec::new();
        write_csv(&mut v, seed, n).unwrap();
        v
    }

    #[test]
    fn exact_size_and_deterministic() {
        for n in [0u64, 1, 5, 9, 10, 100, 1023, 1024, 1025, 5000, 123_457] {
            let a = bytes(7, n);
            assert_eq!(a.len() as u64, n, "size {n}");
            assert_eq!(a, bytes(7, n));
            if n > 0 {
                assert_eq!(*a.last().unwrap(), b'\n');
            }
        }
        assert_ne!(bytes(1, 10_000), bytes(2, 10_000));
    }

    #[test]
    fn ensure_caches_and_repairs() {
        let dir = tempfile::tempdir().unwrap();
        let p = ensure(dir.path(), "x.csv", 3, 20_000).unwrap();
        assert_eq!(fs::read(&p).unwrap(), bytes(3, 20_000));
        // A truncated file is regenerated.
        fs::write(&p, b"short").unwrap();
        let p2 = ensure(dir.path(), "x.csv", 3, 20_000).unwrap();
        assert_eq!(p, p2);
        assert_eq!(fs::read(&p).unwrap(), bytes(3, 20_000));
        // No temporary files are left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
