//! Shared helpers for the host-service tests: a sealed guest memory with
//! an MMIO window, and a driver that submits requests the way the guest
//! libc does (`runtime/mmio_request.c`): descriptor into the request ring,
//! advance REQ_HEAD, YIELD, take one response, advance RESP_TAIL.
//!
//! Included by the other `host_*.rs` tests with `#[path]`.
#![allow(dead_code)]

use fast32_isa::s32x::{flags, Header};
use fast32_runtime::host::abi;
use fast32_runtime::host::{AccessPolicy, Host, HostAction, HostConfig, OutputSink, StdinSource};
use fast32_runtime::{GuestMemory, MemLayout};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub const MMIO: u32 = 0x0010_0000;
pub const DATA: u32 = MMIO + abi::DATA_BUFFER;
/// A writable heap address well away from the window.
pub const HEAP: u32 = 0x0000_8000;

pub fn header() -> Header {
    Header {
        flags: flags::MMIO | flags::W_XOR_X,
        code_limit: 0x1000,
        rodata_limit: 0x2000,
        data_limit: 0x3000,
        stack_base: 0x0FFF_FFF0,
        stack_end: 0x0FFF_0000,
        mem_size: 0x1000_0000,
        mmio_base: MMIO,
        ..Header::default()
    }
}

pub fn memory() -> GuestMemory {
    let layout = MemLayout::from_header(&header());
    let mut mem = GuestMemory::new(layout).expect("guest memory");
    mem.seal().expect("seal");
    mem
}

/// One response descriptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resp {
    pub opcode: u32,
    pub length: u32,
    pub offset: u32,
    pub status: u32,
}

impl Resp {
    /// The errno of an error response.
    pub fn err(&self) -> Option<u32> {
        (self.status == abi::STATUS_ERR).then_some(self.length)
    }
}

pub struct Guest {
    pub mem: GuestMemory,
    pub host: Host,
    pub stdout: Arc<Mutex<Vec<u8>>>,
    pub stderr: Arc<Mutex<Vec<u8>>>,
    pub last_action: HostAction,
}

/// A config with captured output, no stdin, a policy rooted at `cwd`.
pub type Captured = Arc<Mutex<Vec<u8>>>;

pub fn config(cwd: &Path) -> (HostConfig, Captured, Captured) {
    let (out, out_buf) = OutputSink::capture();
    let (err, err_buf) = OutputSink::capture();
    let mut policy = AccessPolicy::cwd_only();
    policy.cwd = Some(cwd.to_path_buf());
    let c = HostConfig {
        args: vec![b"prog.s32x".to_vec()],
        env: Vec::new(),
        deterministic: true,
        stdin: StdinSource::Bytes(Vec::new()),
        stdout: out,
        stderr: err,
        policy,
        trace_host: true,
        exec: None,
    };
    (c, out_buf, err_buf)
}

impl Guest {
    pub fn new(cwd: &Path) -> Guest {
        let (c, _, _) = config(cwd);
        Guest::with(c)
    }

    /// A guest with `config`; captured streams are picked up when the
    /// config uses [`OutputSink::Capture`].
    pub fn with(config: HostConfig) -> Guest {
        let grab = |s: &OutputSink| match s {
            OutputSink::Capture(b) => b.clone(),
            OutputSink::Inherit => Arc::new(Mutex::new(Vec::new())),
        };
        let stdout = grab(&config.stdout);
        let stderr = grab(&config.stderr);
        Guest {
            mem: memory(),
            host: Host::new(config, Some(MMIO)),
            stdout,
            stderr,
            last_action: HostAction::Continue,
        }
    }

    pub fn word(&self, off: u32) -> u32 {
        self.mem.read(MMIO + off, 4).unwrap()
    }

    pub fn set_word(&mut self, off: u32, v: u32) {
        self.mem.write(MMIO + off, 4, v).unwrap()
    }

    pub fn put_data(&mut self, off: u32, bytes: &[u8]) {
        self.mem.write_bytes(DATA + off, bytes).unwrap()
    }

    pub fn data(&self, off: u32, len: usize) -> Vec<u8> {
        let mut v = vec![0; len];
        self.mem.read_bytes(DATA + off, &mut v).unwrap();
        v
    }

    pub fn data_u32(&self, off: u32) -> u32 {
        u32::from_le_bytes(self.data(off, 4).try_into().unwrap())
    }

    /// Queues a request without yielding.
    pub fn submit(&mut self, opcode: u32, length: u32, offset: u32, status: u32) {
        let head = self.word(abi::REQ_HEAD);
        let d = abi::REQ_RING + head * abi::DESC_BYTES;
        self.set_word(d, opcode);
        self.set_word(d + 4, length);
        self.set_word(d + 8, offset);
        self.set_word(d + 12, status);
        self.set_word(abi::REQ_HEAD, (head + 1) % abi::RING_ENTRIES);
    }

    /// Takes the next response, if any.
    pub fn take_response(&mut self) -> Option<Resp> {
        let (head, tail) = (self.word(abi::RESP_HEAD), self.word(abi::RESP_TAIL));
        if head == tail {
            return None;
        }
        let d = abi::RESP_RING + tail * abi::DESC_BYTES;
        let r = Resp {
            opcode: self.word(d),
            length: self.word(d + 4),
            offset: self.word(d + 8),
            status: self.word(d + 12),
        };
        self.set_word(abi::RESP_TAIL, (tail + 1) % abi::RING_ENTRIES);
        Some(r)
    }

    pub fn yield_now(&mut self) -> HostAction {
        let a = self.host.on_yield(&mut self.mem);
        self.last_action = a;
        a
    }

    /// One request, the way `s32_mmio_request` does it.
    pub fn request(&mut self, opcode: u32, length: u32, offset: u32, status: u32) -> Resp {
        self.submit(opcode, length, offset, status);
        self.yield_now();
        let r = self.take_response().expect("a response");
        assert_eq!(r.opcode, opcode);
        assert_eq!(r.offset, offset);
        r
    }

    /// A request whose payload is `s` + NUL at data offset 0.
    pub fn request_str(&mut self, opcode: u32, s: &[u8], status: u32) -> Resp {
        let mut b = s.to_vec();
        b.push(0);
        self.put_data(0, &b);
        self.request(opcode, b.len() as u32, 0, status)
    }

    pub fn open(&mut self, path: &str, flags: u32) -> Resp {
        self.request_str(abi::op::OPEN, path.as_bytes(), flags)
    }

    pub fn write(&mut self, fd: u32, bytes: &[u8]) -> Resp {
        self.put_data(0, bytes);
        self.request(abi::op::WRITE, bytes.len() as u32, 0, fd)
    }

    pub fn read(&mut self, fd: u32, len: u32) -> (Resp, Vec<u8>) {
        let r = self.request(abi::op::READ, len, 0, fd);
        let n = if r.status == abi::STATUS_ERR {
            0
        } else {
            r.status
        };
        (r, self.data(0, n as usize))
    }

    pub fn close(&mut self, fd: u32) -> Resp {
        self.request(abi::op::CLOSE, 0, 0, fd)
    }

    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().unwrap()).into_owned()
    }

    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let base = std::fs::canonicalize(std::env::temp_dir()).unwrap();
        let p = base.join(format!(
            "fast32-host-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, p: &str) -> PathBuf {
        self.0.join(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
