//! Path confinement under attack: sequences of CHDIR, OPEN + READ and
//! OPENDIR + READDIR requests whose paths are built from `..`, `.`,
//! symbolic links (into and out of the grant, absolute and relative,
//! looping), mapped guest prefixes and absolute host paths. Oracle: the
//! guest never reads a byte of a file outside its grant, never lists a
//! directory outside it, and the host never panics.
//!
//! Fixture (created once, read-only for the guest):
//! ```text
//! ROOT/outside/secret.txt        "OUTSIDE"       (not granted)
//! ROOT/outside/back -> ../g      (a way back in, from outside)
//! ROOT/g/inside.txt              "INSIDE"        (granted read-only, cwd)
//! ROOT/g/sub/deep.txt            "INSIDE"        (also granted as /mapped)
//! ROOT/g/link_out  -> ../outside
//! ROOT/g/link_abs  -> ROOT/outside/secret.txt
//! ROOT/g/link_in   -> sub
//! ROOT/g/sub/link_up -> ../..
//! ROOT/g/loop      -> loop
//! ```
#![no_main]
use fast32_isa::s32x::Image;
use fast32_runtime::host::{abi, AccessPolicy, Host};
use fast32_runtime::Machine;
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::os::unix::fs::symlink;
use std::path::PathBuf;
use std::sync::OnceLock;

fn image() -> &'static Image {
    static IMG: OnceLock<Image> = OnceLock::new();
    IMG.get_or_init(|| {
        fast32_asm::assemble(".text\n.global _start\n_start:\n    halt\n", "paths.s")
            .expect("assembles")
    })
}

fn root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let base = std::env::temp_dir().join(format!("fast32-fuzz-paths-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("outside")).unwrap();
        std::fs::create_dir_all(base.join("g/sub")).unwrap();
        let root = std::fs::canonicalize(&base).unwrap();
        std::fs::write(root.join("outside/secret.txt"), "OUTSIDE").unwrap();
        std::fs::write(root.join("g/inside.txt"), "INSIDE").unwrap();
        std::fs::write(root.join("g/sub/deep.txt"), "INSIDE").unwrap();
        symlink("../g", root.join("outside/back")).unwrap();
        symlink("../outside", root.join("g/link_out")).unwrap();
        symlink(root.join("outside/secret.txt"), root.join("g/link_abs")).unwrap();
        symlink("sub", root.join("g/link_in")).unwrap();
        symlink("../..", root.join("g/sub/link_up")).unwrap();
        symlink("loop", root.join("g/loop")).unwrap();
        root
    })
}

thread_local! {
    static MACHINE: RefCell<Option<Machine>> = const { RefCell::new(None) };
}

fn fresh_host() -> Host {
    let root = root();
    let (mut cfg, _) = fast32_difftest::test_host(b"");
    let mut policy = AccessPolicy::deny_all();
    policy.allow_term = false;
    policy.cwd = Some(root.join("g"));
    policy
        .grant_dir(root.join("g"), root.join("g"), true)
        .unwrap();
    policy
        .grant_dir(root.join("g/sub"), "/mapped", true)
        .unwrap();
    cfg.policy = policy;
    Host::new(cfg, Some(image().header.mmio_base))
}

/// One request through the rings: `(response length, response status)`.
fn request(m: &mut Machine, opcode: u32, length: u32, status: u32, data: &[u8]) -> (u32, u32) {
    let base = image().header.mmio_base;
    m.mem
        .slice_mut(base + abi::DATA_BUFFER, data.len())
        .unwrap()
        .copy_from_slice(data);
    for (off, v) in [
        (abi::REQ_HEAD, 1),
        (abi::REQ_TAIL, 0),
        (abi::RESP_HEAD, 0),
        (abi::RESP_TAIL, 0),
        (abi::REQ_RING, opcode),
        (abi::REQ_RING + 4, length),
        (abi::REQ_RING + 8, 0),
        (abi::REQ_RING + 12, status),
    ] {
        m.mem.write(base + off, 4, v).unwrap();
    }
    let _ = m.host.on_yield(&mut m.mem);
    assert_eq!(
        m.mem.read(base + abi::RESP_HEAD, 4).unwrap(),
        1,
        "no response"
    );
    (
        m.mem.read(base + abi::RESP_RING + 4, 4).unwrap(),
        m.mem.read(base + abi::RESP_RING + 12, 4).unwrap(),
    )
}

const TOKENS: &[&str] = &[
    "..",
    ".",
    "",
    "inside.txt",
    "sub",
    "deep.txt",
    "link_out",
    "link_abs",
    "link_in",
    "link_up",
    "secret.txt",
    "loop",
    "outside",
    "g",
    "back",
    "mapped",
];

/// A path from the fuzzer's bytes: a start (relative, `/`, the fixture
/// root, `/mapped`) and up to 8 tokens.
fn path(bytes: &mut std::slice::Iter<u8>) -> Vec<u8> {
    let mut p = match bytes.next().copied().unwrap_or(0) % 4 {
        0 => String::new(),
        1 => "/".to_string(),
        2 => format!("{}/", root().display()),
        _ => "/mapped/".to_string(),
    };
    let n = bytes.next().copied().unwrap_or(0) % 9;
    for i in 0..n {
        if i > 0 {
            p.push('/');
        }
        p.push_str(TOKENS[bytes.next().copied().unwrap_or(0) as usize % TOKENS.len()]);
    }
    let mut v = p.into_bytes();
    v.push(0);
    v
}

fuzz_target!(|data: &[u8]| {
    MACHINE.with(|slot| {
        let mut slot = slot.borrow_mut();
        let m = slot.get_or_insert_with(|| {
            let (cfg, _) = fast32_difftest::test_host(b"");
            Machine::new(image(), cfg).expect("loads")
        });
        m.host = fresh_host();
        let mut bytes = data.iter();
        for _ in 0..8 {
            let Some(&op) = bytes.next() else { break };
            let p = path(&mut bytes);
            let len = p.len() as u32;
            match op % 3 {
                0 => {
                    let (_, fd) = request(m, abi::op::OPEN, len, abi::oflag::READ, &p);
                    if fd == abi::STATUS_ERR {
                        continue;
                    }
                    let (n, st) = request(m, abi::op::READ, 64, fd, &[]);
                    if st != abi::STATUS_ERR {
                        let base = image().header.mmio_base + abi::DATA_BUFFER;
                        let got = m.mem.slice(base, n as usize).unwrap().to_vec();
                        assert!(
                            !got.starts_with(b"OUTSIDE"),
                            "read a file outside the grant through {:?}",
                            String::from_utf8_lossy(&p)
                        );
                    }
                    request(m, abi::op::CLOSE, 0, fd, &[]);
                }
                1 => {
                    let (_, fd) = request(m, abi::op::OPENDIR, len, 0, &p);
                    if fd == abi::STATUS_ERR {
                        continue;
                    }
                    for _ in 0..16 {
                        let (_, st) = request(m, abi::op::READDIR, 0, fd, &[]);
                        if st != abi::STATUS_OK {
                            break;
                        }
                        let base = image().header.mmio_base + abi::DATA_BUFFER;
                        let n = m.mem.read(base + 12, 4).unwrap() as usize;
                        let name = m.mem.slice(base + 16, n.min(255)).unwrap().to_vec();
                        assert!(
                            name != b"secret.txt"
                                && name != b"back"
                                && name != b"g"
                                && name != b"outside",
                            "listed a directory outside the grant through {:?}",
                            String::from_utf8_lossy(&p)
                        );
                    }
                    request(m, abi::op::CLOSEDIR, 0, fd, &[]);
                }
                _ => {
                    request(m, abi::op::CHDIR, len, 0, &p);
                }
            }
        }
        m.host.close_all();
        assert_eq!(m.host.open_host_resources(), 0);
    });
});
