//! Host services driven through the ring as the guest libc drives them.

#[path = "host_util.rs"]
mod util;

use fast32_runtime::host::abi::{self, errno, oflag, op};
use fast32_runtime::host::{
    AccessPolicy, ExecRequest, ExecStdio, Host, HostAction, HostConfig, OutputSink, StdinSource,
};
use std::sync::{Arc, Mutex};
use util::{config, Guest, TempDir, DATA, HEAP, MMIO};

const WRITE_NEW: u32 = oflag::WRITE | oflag::CREATE | oflag::TRUNC;

#[test]
fn stdout_is_buffered_and_ordered_with_stderr() {
    let t = TempDir::new("stdout");
    let shared = Arc::new(Mutex::new(Vec::new()));
    let (mut c, _, _) = config(t.path());
    c.stdout = OutputSink::Capture(shared.clone());
    c.stderr = OutputSink::Capture(shared.clone());
    let mut g = Guest::with(c);
    assert_eq!(g.write(1, b"hello ").status, 6);
    g.put_data(0, b"!");
    assert_eq!(g.request(op::PUTCHAR, 1, 0, 0).status, 0);
    g.host.debug_byte(b'x');
    // Nothing reached the sink yet: stdout is buffered.
    assert!(shared.lock().unwrap().is_empty());
    // A write to stderr flushes stdout first, keeping the order.
    assert_eq!(g.write(2, b"[err]").status, 5);
    assert_eq!(&*shared.lock().unwrap(), b"hello !x[err]");
    g.write(1, b"tail");
    g.host.flush();
    assert_eq!(&*shared.lock().unwrap(), b"hello !x[err]tail");
}

#[test]
fn byte_per_request_writes_are_counted_and_delivered() {
    let t = TempDir::new("bytes");
    let mut g = Guest::new(t.path());
    for i in 0..20_000u32 {
        let b = b'a' + (i % 26) as u8;
        let r = g.write(1, &[b]);
        assert_eq!(r.status, 1);
    }
    drop(g.host);
    let out = g.stdout.lock().unwrap().clone();
    assert_eq!(out.len(), 20_000);
    assert!(out.starts_with(b"abcdefghijklmnopqrstuvwxyzabc"));
}

#[test]
fn stats_count_requests_per_opcode() {
    let t = TempDir::new("stats");
    let mut g = Guest::new(t.path());
    for _ in 0..3 {
        g.write(1, b"x");
    }
    g.request(op::NOP, 0, 0, 0);
    g.request(0x77, 0, 0, 0);
    let s = g.host.stats();
    assert_eq!(s.count(op::WRITE), 3);
    assert_eq!(s.count(op::NOP), 1);
    assert_eq!(s.requests, 5);
    assert_eq!(s.errors, 1);
    assert_eq!(s.summary()[0], (op::WRITE, "write", 3));
}

#[test]
fn file_round_trip_seek_stat_truncate() {
    let t = TempDir::new("file");
    let mut g = Guest::new(t.path());
    let r = g.open("data.txt", WRITE_NEW);
    assert_eq!(r.status, 3, "first guest fd is 3");
    let fd = r.status;
    assert_eq!(g.write(fd, b"hello, world\n").status, 13);
    assert_eq!(g.close(fd).status, abi::STATUS_OK);
    assert_eq!(
        std::fs::read(t.join("data.txt")).unwrap(),
        b"hello, world\n"
    );

    let fd = g.open("data.txt", oflag::READ).status;
    assert_eq!(fd, 3, "fd numbers are reused lowest-first");
    let (r, bytes) = g.read(fd, 5);
    assert_eq!((r.status, r.length), (5, 5));
    assert_eq!(bytes, b"hello");

    // SEEK: whence byte at +0, i32 distance at +4.
    g.put_data(0, &[1, 0, 0, 0]);
    g.put_data(4, &2i32.to_le_bytes());
    assert_eq!(g.request(op::SEEK, 8, 0, fd).status, 7);
    let (_, bytes) = g.read(fd, 100);
    assert_eq!(bytes, b"world\n");
    let (r, _) = g.read(fd, 100);
    assert_eq!(r.status, 0, "end of file reads 0");

    // READ_DIRECT: the bytes land at a guest address.
    g.put_data(0, &[0, 0, 0, 0]);
    g.put_data(4, &0i32.to_le_bytes());
    assert_eq!(g.request(op::SEEK, 8, 0, fd).status, 0);
    let r = g.request(op::READ_DIRECT, 64, HEAP, fd);
    assert_eq!(r.status, 13);
    let mut got = vec![0; 13];
    g.mem.read_bytes(HEAP, &mut got).unwrap();
    assert_eq!(got, b"hello, world\n");

    // fstat and stat agree on the size; st_mode says regular file.
    let r = g.request(op::STAT, 0, 0, fd);
    assert_eq!((r.status, r.length), (abi::STATUS_OK, abi::STAT_SIZE));
    // st_size sits after dev, ino, mode, nlink, uid, gid, rdev.
    let size = u64::from_le_bytes(g.data(40, 8).try_into().unwrap());
    let mode = g.data_u32(16);
    assert_eq!(size, 13);
    assert_eq!(mode & 0o170000, 0o100000);
    let r = g.request_str(op::STAT, b"data.txt", abi::STAT_PATH_SENTINEL);
    assert_eq!(r.status, abi::STATUS_OK);
    assert_eq!(u64::from_le_bytes(g.data(40, 8).try_into().unwrap()), 13);
    g.close(fd);

    // FTRUNCATE needs a writable fd.
    let fd = g.open("data.txt", oflag::READ | oflag::WRITE).status;
    g.put_data(0, &5u32.to_le_bytes());
    assert_eq!(g.request(op::FTRUNCATE, 4, 0, fd).status, abi::STATUS_OK);
    g.close(fd);
    assert_eq!(std::fs::read(t.join("data.txt")).unwrap(), b"hello");

    // Append mode.
    let fd = g.open("data.txt", oflag::WRITE | oflag::APPEND).status;
    g.write(fd, b"!!");
    g.close(fd);
    assert_eq!(std::fs::read(t.join("data.txt")).unwrap(), b"hello!!");

    // Missing file: ENOENT in length.
    let r = g.open("missing.txt", oflag::READ);
    assert_eq!(r.err(), Some(errno::ENOENT));
}

#[test]
fn stdin_bytes_getchar_and_read() {
    let t = TempDir::new("stdin");
    let (mut c, _, _) = config(t.path());
    c.stdin = StdinSource::Bytes(b"ab\ncdef".to_vec());
    let mut g = Guest::with(c);
    // Raw READ on fd 0 takes bytes straight from the source.
    let (r, bytes) = g.read(0, 2);
    assert_eq!((r.status, r.length), (2, 2));
    assert_eq!(bytes, b"ab");
    // GETCHAR goes through a stdio-like buffer filled a chunk at a time.
    let r = g.request(op::GETCHAR, 0, 0, 0);
    assert_eq!((r.status, r.length), (0, 1));
    assert_eq!(g.data(0, 1), b"\n");
    // ... so the rest of the input now sits in that buffer, out of reach
    // of raw reads (the reference's fgetc vs read(0) behave the same).
    let (r, _) = g.read(0, 100);
    assert_eq!(r.status, 0);
    let mut rest = Vec::new();
    loop {
        let r = g.request(op::GETCHAR, 0, 0, 0);
        if r.status == abi::STATUS_ERR {
            // End of file: status -1, length 0 (the guest's EOF).
            assert_eq!(r.length, 0);
            break;
        }
        rest.push(g.data(0, 1)[0]);
    }
    assert_eq!(rest, b"cdef");
    // EOF is sticky for GETCHAR.
    assert_eq!(g.request(op::GETCHAR, 0, 0, 0).status, abi::STATUS_ERR);
    // SEEK on fd 0 repositions the raw source.
    g.put_data(0, &[0, 0, 0, 0]);
    g.put_data(4, &3i32.to_le_bytes());
    assert_eq!(g.request(op::SEEK, 8, 0, 0).status, 3);
    assert_eq!(g.read(0, 100).1, b"cdef");
}

#[test]
fn args_env_and_getenv() {
    let t = TempDir::new("args");
    let (mut c, _, _) = config(t.path());
    c.args = vec![b"prog.s32x".to_vec(), b"one".to_vec(), b"".to_vec()];
    c.env = vec![
        (b"HOME".to_vec(), b"/home/guest".to_vec()),
        (b"EMPTY".to_vec(), b"".to_vec()),
    ];
    let mut g = Guest::with(c);
    let r = g.request(op::ARGS_INFO, 16, 0, 0);
    assert_eq!((r.status, r.length), (abi::STATUS_OK, 16));
    assert_eq!(g.data_u32(0), 3);
    let total = g.data_u32(4);
    assert_eq!(total, 15);
    // Fetch in two chunks, as the guest does for large blobs.
    let r = g.request(op::ARGS_DATA, 10, 0, 0);
    assert_eq!(r.length, 10);
    let mut blob = g.data(0, 10);
    let r = g.request(op::ARGS_DATA, 10, 0, 10);
    assert_eq!(r.length, 5);
    blob.extend(g.data(0, 5));
    assert_eq!(blob, b"prog.s32x\0one\0\0");
    assert_eq!(
        g.request(op::ARGS_DATA, 4, 0, 16).err(),
        Some(errno::EINVAL)
    );

    g.request(op::ENVP_INFO, 16, 0, 0);
    assert_eq!(g.data_u32(0), 2);
    let total = g.data_u32(4);
    let r = g.request(op::ENVP_DATA, total, 0, 0);
    assert_eq!(r.length, total);
    assert_eq!(g.data(0, total as usize), b"HOME=/home/guest\0EMPTY=\0");

    let r = g.request_str(op::GETENV, b"HOME", 0);
    assert_eq!((r.status, r.length), (11, 11));
    assert_eq!(g.data(0, 11), b"/home/guest");
    assert_eq!(g.request_str(op::GETENV, b"EMPTY", 0).status, 0);
    let r = g.request_str(op::GETENV, b"PATH", 0);
    assert_eq!(
        r.err(),
        Some(errno::EINVAL),
        "unset variables answer an error"
    );
}

#[test]
fn deterministic_clock_sleep_and_zone() {
    let t = TempDir::new("time");
    let mut g = Guest::new(t.path());
    let mut stamps = Vec::new();
    for _ in 0..3 {
        let r = g.request(op::GETTIME, 16, 0, 0);
        assert_eq!((r.status, r.length), (abi::STATUS_OK, 16));
        let secs = g.data_u32(0) as u64 | (g.data_u32(4) as u64) << 32;
        stamps.push((secs, g.data_u32(8)));
    }
    assert_eq!(
        stamps,
        vec![
            (946_684_800, 0),
            (946_684_800, 1_000_000),
            (946_684_800, 2_000_000)
        ]
    );
    // SLEEP advances the virtual clock without sleeping.
    let start = std::time::Instant::now();
    g.put_data(0, &[5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let r = g.request(op::SLEEP, 16, 0, 0);
    assert_eq!(r.status, abi::STATUS_OK);
    assert_eq!(g.data(0, 16), vec![0; 16], "no time remains");
    assert!(start.elapsed().as_secs() < 2);
    g.request(op::GETTIME, 16, 0, 0);
    assert_eq!(g.data_u32(0), 946_684_805);
    // Bad nanoseconds.
    g.put_data(
        0,
        &[0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0xCA, 0x9A, 0x3B, 0, 0, 0, 0],
    );
    assert_eq!(g.request(op::SLEEP, 16, 0, 0).err(), Some(errno::EINVAL));
    // An absurd sleep saturates the virtual clock instead of wrapping.
    g.put_data(0, &[0xFF; 8]);
    g.put_data(8, &[0; 8]);
    assert_eq!(g.request(op::SLEEP, 16, 0, 0).status, abi::STATUS_OK);
    assert_eq!(g.request(op::GETTIME, 16, 0, 0).status, abi::STATUS_OK);
    // GETTZ: UTC in deterministic runs.
    g.put_data(0, &[0; 16]);
    let r = g.request(op::GETTZ, 16, 0, 0);
    assert_eq!((r.status, r.length), (abi::STATUS_OK, 16));
    assert_eq!(g.data_u32(0), 0);
    assert_eq!(g.data_u32(4), 0);
    assert_eq!(&g.data(8, 8), b"UTC\0\0\0\0\0");
}

#[test]
fn real_clock_is_near_system_time() {
    let t = TempDir::new("clock");
    let (mut c, _, _) = config(t.path());
    c.deterministic = false;
    let mut g = Guest::with(c);
    g.request(op::GETTIME, 16, 0, 0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let secs = g.data_u32(0) as u64 | (g.data_u32(4) as u64) << 32;
    assert!(secs.abs_diff(now) < 5);
    assert!(g.data_u32(8) < 1_000_000_000);
    g.put_data(0, &[0; 16]);
    let r = g.request(op::GETTZ, 16, 0, 0);
    assert_eq!(r.status, abi::STATUS_OK);
    assert_ne!(g.data(8, 1)[0], 0, "some zone abbreviation");
}

#[test]
fn directories_list_rewind_and_close() {
    let t = TempDir::new("dirs");
    std::fs::write(t.join("a.txt"), b"a").unwrap();
    std::fs::create_dir(t.join("sub")).unwrap();
    let mut g = Guest::new(t.path());
    let r = g.request_str(op::OPENDIR, b".", 0);
    let dfd = r.status;
    assert_eq!(dfd, 3);
    let mut names = Vec::new();
    loop {
        let r = g.request(op::READDIR, abi::DIRENT_SIZE, 0, dfd);
        if r.status == abi::STATUS_EOF {
            break;
        }
        assert_eq!((r.status, r.length), (abi::STATUS_OK, abi::DIRENT_SIZE));
        let namlen = g.data_u32(12) as usize;
        let name = String::from_utf8(g.data(16, namlen)).unwrap();
        assert_eq!(g.data(16 + namlen as u32, 1), [0]);
        let dtype = g.data_u32(8);
        if name == "sub" {
            assert_eq!(dtype, 4, "DT_DIR");
        }
        if name == "a.txt" {
            assert_eq!(dtype, 8, "DT_REG");
        }
        names.push(name);
    }
    names.sort();
    assert_eq!(names, vec![".", "..", "a.txt", "sub"]);
    assert_eq!(g.request(op::REWINDDIR, 0, 0, dfd).status, abi::STATUS_OK);
    assert_eq!(g.request(op::READDIR, 272, 0, dfd).status, abi::STATUS_OK);
    assert_eq!(g.request(op::CLOSEDIR, 0, 0, dfd).status, abi::STATUS_OK);
    // Reference errnos: READDIR failures are EINVAL, CLOSEDIR of a
    // non-directory EBADF.
    assert_eq!(
        g.request(op::READDIR, 272, 0, dfd).err(),
        Some(errno::EINVAL)
    );
    assert_eq!(g.request(op::CLOSEDIR, 0, 0, 1).err(), Some(errno::EBADF));
    assert_eq!(g.host.open_host_resources(), 0);
}

#[test]
fn metadata_operations_and_virtual_cwd() {
    let t = TempDir::new("meta");
    let mut g = Guest::new(t.path());
    let ok = abi::STATUS_OK;
    assert_eq!(g.request_str(op::MKDIR, b"d", 0o700).status, ok);
    assert!(t.join("d").is_dir());
    // Failures of the host call behind MKDIR, RENAME, ACCESS, CHDIR,
    // UNLINK, RMDIR, CLOSE and FTRUNCATE carry no errno (length 0, which
    // the guest reads as EIO), exactly as the reference host answers.
    let unreported = Some(errno::UNREPORTED);
    assert_eq!(g.request_str(op::MKDIR, b"d", 0).err(), unreported);
    let fd = g.open("d/f", WRITE_NEW).status;
    g.write(fd, b"xyz");
    g.close(fd);
    // RENAME: old and new path back to back, status = old length + NUL.
    g.put_data(0, b"d/f\0d/g\0");
    assert_eq!(g.request(op::RENAME, 8, 0, 4).status, ok);
    assert!(t.join("d/g").exists() && !t.join("d/f").exists());
    assert_eq!(g.request(op::RENAME, 8, 0, 8).err(), Some(errno::EINVAL));
    // ACCESS.
    assert_eq!(g.request_str(op::ACCESS, b"d/g", 4 | 2).status, ok);
    assert_eq!(g.request_str(op::ACCESS, b"d/nope", 0).err(), unreported);
    // LSTAT sees a symlink as a symlink; STAT follows it.
    std::os::unix::fs::symlink("g", t.join("d/link")).unwrap();
    assert_eq!(
        g.request_str(op::LSTAT, b"d/link", abi::STAT_PATH_SENTINEL)
            .status,
        ok
    );
    assert_eq!(g.data_u32(16) & 0o170000, 0o120000);
    g.request_str(op::STAT, b"d/link", abi::STAT_PATH_SENTINEL);
    assert_eq!(g.data_u32(16) & 0o170000, 0o100000);
    // CHDIR is virtual: GETCWD reports it, relative paths follow it, the
    // process's own cwd is untouched.
    let before = std::env::current_dir().unwrap();
    assert_eq!(g.request_str(op::CHDIR, b"d", 0).status, ok);
    assert_eq!(std::env::current_dir().unwrap(), before);
    let r = g.request(op::GETCWD, 4096, 0, 0);
    let want = t.join("d");
    let want = want.to_str().unwrap();
    assert_eq!(r.status as usize, want.len() + 1);
    assert_eq!(g.data(0, want.len() + 1), [want.as_bytes(), b"\0"].concat());
    assert_eq!(g.request(op::GETCWD, 3, 0, 0).err(), Some(errno::EINVAL));
    let fd = g.open("g", oflag::READ).status;
    assert_eq!(g.read(fd, 10).1, b"xyz");
    g.close(fd);
    assert_eq!(g.request_str(op::CHDIR, b"g", 0).err(), unreported);
    assert_eq!(g.request_str(op::CHDIR, b"..", 0).status, ok);
    assert_eq!(g.host.cwd(), t.path());
    // UNLINK and RMDIR.
    assert_eq!(g.request_str(op::RMDIR, b"d", 0).err(), unreported);
    assert_eq!(g.request_str(op::UNLINK, b"d/link", 0).status, ok);
    assert!(
        t.join("d/g").exists(),
        "unlink removes the link, not its target"
    );
    assert_eq!(g.request_str(op::UNLINK, b"d/g", 0).status, ok);
    assert_eq!(g.request_str(op::RMDIR, b"d/..", 0).err(), unreported);
    // STAT and LSTAT failures are EINVAL in the reference.
    assert_eq!(
        g.request_str(op::STAT, b"d/nope", abi::STAT_PATH_SENTINEL)
            .err(),
        Some(errno::EINVAL)
    );
    assert_eq!(g.request_str(op::RMDIR, b"d", 0).status, ok);
    assert!(!t.join("d").exists());
}

#[test]
fn malformed_requests_get_errors() {
    let t = TempDir::new("bad");
    let mut g = Guest::new(t.path());
    let cap = abi::DATA_CAPACITY;
    // Payload running past the data buffer.
    assert_eq!(
        g.request(op::WRITE, 16, cap - 8, 1).err(),
        Some(errno::EINVAL)
    );
    assert_eq!(
        g.request(op::WRITE, 4, u32::MAX - 1, 1).err(),
        Some(errno::EINVAL)
    );
    assert_eq!(
        g.request(op::WRITE, cap + 1, 0, 1).err(),
        Some(errno::EINVAL)
    );
    assert_eq!(g.request(op::WRITE, 0, 0, 1).err(), Some(errno::EINVAL));
    assert_eq!(
        g.request(op::GETTIME, 16, cap - 15, 0).err(),
        Some(errno::EINVAL)
    );
    assert_eq!(
        g.request(op::STAT, 0, cap - 100, 1).err(),
        Some(errno::EINVAL)
    );
    assert_eq!(g.request(op::OPEN, 0, 0, 0).err(), Some(errno::EINVAL));
    assert_eq!(g.request(op::PUTCHAR, 0, cap, 0).err(), Some(errno::EINVAL));
    // Bad descriptors.
    assert_eq!(g.request(op::WRITE, 1, 0, 3).err(), Some(errno::EBADF));
    assert_eq!(g.request(op::READ, 1, 0, 99999).err(), Some(errno::EBADF));
    assert_eq!(g.request(op::WRITE, 1, 0, 0).err(), Some(errno::EBADF));
    assert_eq!(g.close(77).err(), Some(errno::EINVAL), "reference: EINVAL");
    // READ_DIRECT into code (read-only), unmapped memory, or across the
    // top of the address space: EINVAL (as the reference DBT answers a bad
    // range), nothing written.
    let (mut c, _, _) = config(t.path());
    c.stdin = StdinSource::Bytes(vec![1; 100]);
    let mut g = Guest::with(c);
    assert_eq!(
        g.request(op::READ_DIRECT, 16, 0x100, 0).err(),
        Some(errno::EINVAL)
    );
    assert_eq!(
        g.request(op::READ_DIRECT, 16, 0x2000_0000, 0).err(),
        Some(errno::EINVAL)
    );
    assert_eq!(
        g.request(op::READ_DIRECT, 16, 0xFFFF_FFF8, 0).err(),
        Some(errno::EINVAL)
    );
    assert_eq!(g.request(op::READ_DIRECT, 0, 0x100, 0).status, 0);
    // Unknown and reserved opcodes.
    for opcode in [0x08, 0x0E, 0x32, 0x50, 0x80, 0xEF, 0xFF, 0x1234_5678] {
        assert_eq!(g.request(opcode, 0, 0, 0).err(), Some(errno::EINVAL));
    }
    // Garbage indices are taken modulo the ring size.
    g.set_word(abi::REQ_HEAD, 0xFFFF_FF05);
    g.set_word(abi::REQ_TAIL, 5);
    g.yield_now();
    assert_eq!(g.word(abi::REQ_TAIL), 5);
}

#[test]
fn exit_stops_servicing() {
    let t = TempDir::new("exit");
    let mut g = Guest::new(t.path());
    g.write(1, b"bye");
    g.submit(op::EXIT, 0, 0, 7);
    g.submit(op::WRITE, 1, 0, 1);
    assert_eq!(g.yield_now(), HostAction::Exit(7));
    let r = g.take_response().unwrap();
    assert_eq!((r.opcode, r.status), (op::EXIT, 7));
    assert!(g.take_response().is_none(), "requests after EXIT wait");
    assert_eq!(g.stdout_text(), "bye", "EXIT flushes stdout");
}

#[test]
fn no_mmio_window_makes_yield_a_no_op() {
    let (c, out, _) = config(&std::env::temp_dir());
    let mut host = Host::new(c, None);
    let mut mem = util::memory();
    mem.write(MMIO, 4, 1).unwrap();
    assert_eq!(host.on_yield(&mut mem), HostAction::Continue);
    assert_eq!(host.stats().yields, 0);
    host.debug_byte(b'Z');
    host.flush();
    assert_eq!(&*out.lock().unwrap(), b"Z");
}

#[test]
fn exec_goes_through_the_callback() {
    let t = TempDir::new("exec");
    std::fs::write(t.join("child.s32x"), b"not really").unwrap();
    let seen: Arc<Mutex<Vec<ExecRequest>>> = Arc::default();
    let seen2 = seen.clone();
    let (mut c, _, _) = config(t.path());
    c.exec = Some(Box::new(move |r: &ExecRequest| {
        seen2.lock().unwrap().push(r.clone());
        Ok(42)
    }));
    let mut g = Guest::with(c);
    g.put_data(0, b"child.s32x\0-v\0x y\0");
    let r = g.request(op::EXEC, 18, 0, abi::EXEC_INHERIT_STDIO);
    assert_eq!(r.status, 42);
    let req = seen.lock().unwrap()[0].clone();
    assert_eq!(req.path, t.join("child.s32x"));
    assert_eq!(
        req.args,
        vec![b"child.s32x".to_vec(), b"-v".to_vec(), b"x y".to_vec()]
    );
    assert_eq!(req.cwd, t.path());
    assert_eq!(req.stdio, ExecStdio::Inherit);
    // Redirected stdio must name an open fd backed by a host descriptor.
    let fd = g.open("out.txt", WRITE_NEW).status;
    g.put_data(0, b"child.s32x\0");
    assert_eq!(g.request(op::EXEC, 11, 0, fd).status, 42);
    assert!(matches!(
        seen.lock().unwrap()[1].stdio,
        ExecStdio::Fd(raw) if raw > 2
    ));
    // An unusable redirect fd: the reference's child exits 127.
    assert_eq!(g.request(op::EXEC, 11, 0, 50).status, 127);
    // Not a .s32x, missing, or no callback.
    assert_eq!(
        g.request_str(op::EXEC, b"child.exe", u32::MAX).err(),
        Some(errno::EINVAL)
    );
    assert_eq!(
        g.request_str(op::EXEC, b"gone.s32x", u32::MAX).err(),
        Some(errno::ENOENT)
    );
    let mut g = Guest::new(t.path());
    assert_eq!(
        g.request_str(op::EXEC, b"child.s32x", u32::MAX).err(),
        Some(errno::ENOENT)
    );
}

#[test]
fn service_negotiation_and_term() {
    let t = TempDir::new("svc");
    let mut g = Guest::new(t.path());
    assert_eq!(g.request(op::SVC_VERSION, 0, 0, 0).status, 1);
    let r = g.request(op::SVC_LIST, 0, 0, 0);
    assert_eq!(g.data(0, r.length as usize), b"term\0");
    // term ops before the grant are unknown opcodes.
    assert_eq!(
        g.request(0x88, 0, 0, b'x' as u32).err(),
        Some(errno::EINVAL)
    );
    let r = g.request_str(op::SVC_QUERY, b"term", 0);
    assert_eq!((r.length, g.data_u32(0)), (4, abi::SVC_OK));
    g.request_str(op::SVC_QUERY, b"tube", 0);
    assert_eq!(g.data_u32(0), abi::SVC_UNKNOWN);

    let r = g.request_str(op::SVC_REQUEST, b"term", 0);
    assert_eq!((r.status, r.length), (abi::STATUS_OK, 16));
    assert_eq!(g.data_u32(0), abi::SVC_OK);
    let base = g.data_u32(4);
    assert_eq!((base, g.data_u32(8), g.data_u32(12)), (0x80, 14, 1));
    g.request_str(op::SVC_REQUEST, b"term", 0);
    assert_eq!(g.data_u32(0), abi::SVC_CONFLICT);

    // Term output: escape sequences on stdout.
    g.request(base + 3, 0, 0, 0); // clear
    g.request(base + 2, 0, 0, 2 << 16 | 5); // move to row 2, col 5
    g.request(base + 8, 0, 0, b'A' as u32); // putc
    g.put_data(0, b"hi");
    g.request(base + 9, 2, 0, 0); // puts
    g.request(base + 7, 0, 0, 1 << 8 | 4); // color fg 1 bg 4
    g.request(base + 4, 0, 0, 7); // reverse
    let r = g.request(base + 1, 8, 0, 0); // size: fixed in deterministic runs
    assert_eq!((r.length, g.data_u32(0), g.data_u32(4)), (8, 24, 80));
    // Raw mode needs a terminal.
    assert_eq!(g.request(base, 0, 0, 1).err(), Some(errno::EINVAL));
    // No input: READ_KEY says EOF, KEY_AVAIL says ready (like a file at
    // its end).
    assert_eq!(g.request(base + 5, 0, 0, 0).status, abi::STATUS_EOF);
    assert_eq!(g.request(base + 6, 0, 0, 0).status, 1);
    // Batched update: nothing is emitted until END_UPDATE, which emits
    // only the difference.
    g.host.flush();
    let before = g.stdout_text().len();
    assert_eq!(g.request(base + 12, 0, 0, 0).status, abi::STATUS_OK);
    g.request(base + 2, 0, 0, 1 << 16 | 1);
    g.request(base + 8, 0, 0, b'Z' as u32);
    g.host.flush();
    assert_eq!(g.stdout_text().len(), before);
    assert_eq!(g.request(base + 13, 0, 0, 0).status, abi::STATUS_OK);
    assert_eq!(g.request(base + 13, 0, 0, 0).err(), Some(errno::EINVAL));
    // Save / restore repaints the saved screen.
    assert_eq!(g.request(base + 10, 0, 0, 0).status, abi::STATUS_OK);
    assert_eq!(g.request(base + 11, 0, 0, 0).status, abi::STATUS_OK);
    assert_eq!(g.request(base + 11, 0, 0, 0).err(), Some(errno::EINVAL));
    g.host.flush();
    let out = g.stdout_text();
    assert!(out.starts_with("\x1b[2J\x1b[H\x1b[2;5HAhi\x1b[31;44m\x1b[7m"));
    let update = &out[before..];
    // Only the changed cell, then the cursor back where the guest left it.
    assert!(
        update.starts_with("\x1b[1;1HZ\x1b[1;2H\x1b[0m"),
        "{update:?}"
    );
    assert!(out.contains("\x1b[0m\x1b[2J\x1b[H\x1b[1;1H"), "repaint");

    g.request_str(op::SVC_RELEASE, b"term", 0);
    assert_eq!(g.request(base + 8, 0, 0, 0).err(), Some(errno::EINVAL));
    assert_eq!(
        g.request_str(op::SVC_RELEASE, b"term", 0).err(),
        Some(errno::ENOENT)
    );
    // A policy without term denies it.
    let (mut c, _, _) = config(t.path());
    c.policy.allow_term = false;
    let mut g = Guest::with(c);
    g.request_str(op::SVC_REQUEST, b"term", 0);
    assert_eq!(g.data_u32(0), abi::SVC_DENIED);
}

#[test]
fn host_and_config_can_move_to_another_thread() {
    fn is_send<T: Send>() {}
    is_send::<Host>();
    is_send::<HostConfig>();
}

#[test]
fn data_buffer_addresses_follow_the_window() {
    // Sanity of the helper itself: the data buffer is at MMIO + 0x4000.
    assert_eq!(DATA, MMIO + 0x4000);
    let _ = AccessPolicy::allow_all();
    let _ = HostConfig::default();
}

#[test]
fn ring_indices_wrap_and_every_request_gets_a_response() {
    let t = TempDir::new("ring");
    let mut g = Guest::new(t.path());
    // Push the indices near the wrap point, then batch requests across it.
    g.set_word(abi::REQ_HEAD, 250);
    g.set_word(abi::REQ_TAIL, 250);
    g.set_word(abi::RESP_HEAD, 252);
    g.set_word(abi::RESP_TAIL, 252);
    for _ in 0..10 {
        g.submit(abi::op::NOP, 0, 0, 0);
    }
    g.yield_now();
    assert_eq!(g.word(abi::REQ_TAIL), 4);
    assert_eq!(g.word(abi::RESP_HEAD), 6);
    let mut n = 0;
    while let Some(r) = g.take_response() {
        assert_eq!((r.opcode, r.status), (abi::op::NOP, abi::STATUS_OK));
        n += 1;
    }
    assert_eq!(n, 10);
    assert_eq!(g.host.stats().count(abi::op::NOP), 10);
}

/// Many one-byte WRITEs to stdout, one YIELD each (the pattern of guest
/// libcs that do not buffer): every byte arrives, in order, across many
/// fills of the host's 64 KiB stdout buffer, and only once. (This was an
/// ignored timing loop; speed is measured end to end with `farm-bench`,
/// never in a test.)
#[test]
fn one_byte_writes_arrive_whole_and_in_order() {
    let t = TempDir::new("byte-writes");
    let mut g = Guest::new(t.path());
    let n = 300_000u32;
    let byte = |i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8;
    for i in 0..n {
        g.put_data(0, &[byte(i)]);
        g.submit(op::WRITE, 1, 0, 1);
        g.yield_now();
        let r = g.take_response().expect("a response per WRITE");
        assert_eq!((r.status, r.length), (1, 1), "write {i}: one byte written");
    }
    g.host.flush();
    let out = g.stdout.lock().unwrap();
    assert_eq!(out.len(), n as usize);
    assert!(out.iter().enumerate().all(|(i, &b)| b == byte(i as u32)));
}
