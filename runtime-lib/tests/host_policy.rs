//! The host-access policy: what a guest may and may not reach.

#[path = "host_util.rs"]
mod util;

use fast32_runtime::host::abi::{self, errno, oflag, op};
use fast32_runtime::host::{AccessPolicy, Grant, Host, HostConfig, HostError};
use std::os::unix::fs::symlink;
use util::{config, Guest, TempDir};

const WRITE_NEW: u32 = oflag::WRITE | oflag::CREATE | oflag::TRUNC;

/// A sandbox root `box/` with a secret next to it.
fn layout(tag: &str) -> (TempDir, std::path::PathBuf) {
    let t = TempDir::new(tag);
    std::fs::create_dir(t.join("box")).unwrap();
    std::fs::create_dir(t.join("box/sub")).unwrap();
    std::fs::write(t.join("box/inside.txt"), b"inside").unwrap();
    std::fs::write(t.join("secret.txt"), b"secret").unwrap();
    let root = t.join("box");
    (t, root)
}

#[test]
fn files_outside_the_working_directory_are_denied() {
    let (t, root) = layout("outside");
    let mut g = Guest::new(&root);
    let r = g.open("/etc/passwd", oflag::READ);
    assert_eq!(r.err(), Some(errno::EACCES));
    assert_eq!(
        g.stderr_text(),
        "fast32: denied open(\"/etc/passwd\"): outside granted directories\n"
    );
    let secret = t.join("secret.txt");
    let r = g.open(secret.to_str().unwrap(), oflag::READ);
    assert_eq!(r.err(), Some(errno::EACCES));
    // Inside is fine, relative or absolute.
    assert_eq!(g.open("inside.txt", oflag::READ).status, 3);
    let abs = root.join("inside.txt");
    assert_eq!(g.open(abs.to_str().unwrap(), oflag::READ).status, 4);
    assert_eq!(g.host.stats().denied, 2);
}

#[test]
fn dot_dot_cannot_escape() {
    let (_t, root) = layout("dotdot");
    let mut g = Guest::new(&root);
    for p in [
        "../secret.txt",
        "sub/../../secret.txt",
        "./sub/../../box/../secret.txt",
    ] {
        assert_eq!(g.open(p, oflag::READ).err(), Some(errno::EACCES), "{p}");
    }
    // Climbing out and back in is harmless.
    assert_eq!(g.open("sub/../../box/inside.txt", oflag::READ).status, 3);
    // Creating, stat-ing, renaming or removing outside is refused too, and
    // a missing path outside does not reveal whether it exists.
    assert_eq!(g.open("../new.txt", WRITE_NEW).err(), Some(errno::EACCES));
    assert!(!root.parent().unwrap().join("new.txt").exists());
    assert_eq!(
        g.request_str(op::STAT, b"../secret.txt", abi::STAT_PATH_SENTINEL)
            .err(),
        Some(errno::EACCES)
    );
    assert_eq!(
        g.request_str(op::STAT, b"../nowhere/x", abi::STAT_PATH_SENTINEL)
            .err(),
        Some(errno::EACCES)
    );
    assert_eq!(
        g.request_str(op::UNLINK, b"../secret.txt", 0).err(),
        Some(errno::EACCES)
    );
    assert_eq!(
        g.request_str(op::MKDIR, b"../d", 0).err(),
        Some(errno::EACCES)
    );
    assert_eq!(
        g.request_str(op::OPENDIR, b"..", 0).err(),
        Some(errno::EACCES)
    );
    g.put_data(0, b"inside.txt\0../stolen.txt\0");
    assert_eq!(g.request(op::RENAME, 25, 0, 11).err(), Some(errno::EACCES));
    g.put_data(0, b"../secret.txt\0mine.txt\0");
    assert_eq!(g.request(op::RENAME, 23, 0, 14).err(), Some(errno::EACCES));
    assert!(root.join("inside.txt").exists());
    // The working directory itself cannot be removed or renamed away.
    let me = root.to_str().unwrap().as_bytes().to_vec();
    assert_eq!(g.request_str(op::RMDIR, &me, 0).err(), Some(errno::EACCES));
}

#[test]
fn symlinks_cannot_escape() {
    let (t, root) = layout("symlink");
    symlink(t.join("secret.txt"), root.join("abs_link")).unwrap();
    symlink("../secret.txt", root.join("rel_link")).unwrap();
    symlink(t.path(), root.join("dir_link")).unwrap();
    symlink("../planted.txt", root.join("dangling")).unwrap();
    symlink("inside.txt", root.join("good_link")).unwrap();
    let mut g = Guest::new(&root);
    for p in [
        "abs_link",
        "rel_link",
        "dir_link/secret.txt",
        "sub/../rel_link",
    ] {
        assert_eq!(g.open(p, oflag::READ).err(), Some(errno::EACCES), "{p}");
    }
    // A dangling link pointing outside must not let O_CREAT plant a file.
    assert_eq!(g.open("dangling", WRITE_NEW).err(), Some(errno::EACCES));
    assert!(!t.join("planted.txt").exists());
    assert_eq!(
        g.request_str(op::OPENDIR, b"dir_link", 0).err(),
        Some(errno::EACCES)
    );
    assert_eq!(
        g.request_str(op::CHDIR, b"dir_link", 0).err(),
        Some(errno::EACCES)
    );
    // Links that stay inside work; lstat and unlink act on the link itself.
    let fd = g.open("good_link", oflag::READ).status;
    assert_eq!(g.read(fd, 16).1, b"inside");
    assert_eq!(
        g.request_str(op::LSTAT, b"abs_link", abi::STAT_PATH_SENTINEL)
            .status,
        abi::STATUS_OK
    );
    assert_eq!(
        g.request_str(op::UNLINK, b"abs_link", 0).status,
        abi::STATUS_OK
    );
    assert!(t.join("secret.txt").exists());
    // A symlink loop is reported, not followed forever.
    symlink("loop_b", root.join("loop_a")).unwrap();
    symlink("loop_a", root.join("loop_b")).unwrap();
    assert_eq!(g.open("loop_a", oflag::READ).err(), Some(errno::ELOOP));
}

#[test]
fn grants_extend_and_restrict_access() {
    let (t, root) = layout("grants");
    std::fs::create_dir(t.join("ro")).unwrap();
    std::fs::write(t.join("ro/data.txt"), b"ro data").unwrap();
    std::fs::create_dir(t.join("mapped")).unwrap();
    std::fs::write(t.join("mapped/m.txt"), b"mapped").unwrap();
    let (mut c, _, _) = config(&root);
    c.policy
        .grant_dir(t.join("ro"), t.join("ro"), true)
        .unwrap();
    c.policy
        .grant_dir(t.join("mapped"), "/data", false)
        .unwrap();
    c.policy
        .grant_file(t.join("secret.txt"), t.join("secret.txt"), true);
    c.policy
        .grant_file(t.join("out.txt"), t.join("out.txt"), false);
    let mut g = Guest::with(c);
    let ro = t.join("ro/data.txt");
    let ro = ro.to_str().unwrap();
    // Read-only grant: reads yes, writes no.
    let fd = g.open(ro, oflag::READ).status;
    assert_eq!(g.read(fd, 100).1, b"ro data");
    assert_eq!(g.open(ro, oflag::WRITE).err(), Some(errno::EACCES));
    assert_eq!(
        g.request_str(op::ACCESS, ro.as_bytes(), 2).err(),
        Some(errno::EACCES)
    );
    assert!(g.stderr_text().contains("read-only grant"));
    // Mapped grant: the guest's /data is the host's mapped/.
    let fd = g.open("/data/m.txt", oflag::READ).status;
    assert_eq!(g.read(fd, 100).1, b"mapped");
    assert_eq!(g.request_str(op::CHDIR, b"/data", 0).status, abi::STATUS_OK);
    let r = g.request(op::GETCWD, 100, 0, 0);
    assert_eq!(g.data(0, r.status as usize), b"/data\0");
    let fd = g.open("m.txt", oflag::READ).status;
    assert_eq!(g.read(fd, 100).1, b"mapped");
    // Single-file grants: that file only, even when it does not exist yet.
    let secret = t.join("secret.txt");
    assert!(g.open(secret.to_str().unwrap(), oflag::READ).status < 128);
    let out = t.join("out.txt");
    let fd = g.open(out.to_str().unwrap(), WRITE_NEW).status;
    g.write(fd, b"result");
    assert_eq!(std::fs::read(&out).unwrap(), b"result");
    let other = t.join("other.txt");
    assert_eq!(
        g.open(other.to_str().unwrap(), WRITE_NEW).err(),
        Some(errno::EACCES)
    );
    // Granting something that is not a directory fails up front.
    let mut p = AccessPolicy::cwd_only();
    assert!(p.grant_dir(t.join("secret.txt"), "/x", false).is_err());
    assert!(p.grant_dir(t.join("nope"), "/x", false).is_err());
}

#[test]
fn chdir_only_into_granted_trees() {
    let (t, root) = layout("chdir");
    std::fs::create_dir(t.join("ro")).unwrap();
    let (mut c, _, _) = config(&root);
    c.policy
        .grant_file(t.join("secret.txt"), t.join("secret.txt"), true);
    c.policy
        .grant_dir(t.join("ro"), t.join("ro"), true)
        .unwrap();
    let mut g = Guest::with(c);
    assert_eq!(
        g.request_str(op::CHDIR, b"/etc", 0).err(),
        Some(errno::EACCES)
    );
    // A granted file does not make its directory a place to live in.
    assert_eq!(
        g.request_str(op::CHDIR, b"..", 0).err(),
        Some(errno::EACCES)
    );
    assert_eq!(g.host.cwd(), root);
    // A read-only tree is fine.
    assert_eq!(g.request_str(op::CHDIR, b"../ro", 0).status, abi::STATUS_OK);
    assert_eq!(g.host.cwd(), t.join("ro"));
    assert!(g.open("../secret.txt", oflag::READ).status < 128);
    assert_eq!(g.open("../box/inside.txt", oflag::READ).status, 4);
}

#[test]
fn sockets_need_allow_net() {
    let (_t, root) = layout("net");
    let mut g = Guest::new(&root);
    let packed = 2 | 1 << 8;
    assert_eq!(
        g.request(op::SOCKET, 0, 0, packed).err(),
        Some(errno::EACCES)
    );
    assert_eq!(g.request(op::CONNECT, 8, 0, 3).err(), Some(errno::EACCES));
    assert_eq!(g.request(op::SEND, 1, 0, 1).err(), Some(errno::EACCES));
    assert!(g
        .stderr_text()
        .contains("fast32: denied socket(): network access disabled\n"));
}

#[test]
fn deny_all_and_allow_all() {
    let (t, root) = layout("modes");
    let (mut c, _, _) = config(&root);
    c.policy = AccessPolicy {
        cwd: Some(root.clone()),
        ..AccessPolicy::deny_all()
    };
    let mut g = Guest::with(c);
    assert_eq!(g.open("inside.txt", oflag::READ).err(), Some(errno::EACCES));
    assert_eq!(
        g.request_str(op::EXEC, b"x.s32x", u32::MAX).err(),
        Some(errno::EACCES)
    );

    let (mut c, _, _) = config(&root);
    c.policy = AccessPolicy {
        cwd: Some(root.clone()),
        ..AccessPolicy::allow_all()
    };
    let mut g = Guest::with(c);
    let fd = g.open("../secret.txt", oflag::READ).status;
    assert_eq!(g.read(fd, 100).1, b"secret");
    // Unconfined, the kernel follows links itself.
    symlink(t.join("secret.txt"), root.join("link")).unwrap();
    symlink(t.path(), root.join("up")).unwrap();
    let fd = g.open("link", oflag::READ).status;
    assert_eq!(g.read(fd, 100).1, b"secret");
    assert!(g.request_str(op::OPENDIR, b"up", 0).status < 128);
    assert_eq!(g.request_str(op::CHDIR, b"..", 0).status, abi::STATUS_OK);
    assert_eq!(g.host.cwd(), t.path());
    assert_eq!(g.host.stats().denied, 0);
}

#[test]
fn try_new_reports_bad_setup() {
    let t = TempDir::new("setup");
    let mut policy = AccessPolicy::cwd_only();
    policy.cwd = Some(t.join("missing"));
    let c = HostConfig {
        policy,
        ..HostConfig::default()
    };
    assert!(matches!(Host::try_new(c, None), Err(HostError::BadCwd(..))));
    let mut policy = AccessPolicy::cwd_only();
    policy.cwd = Some(t.path().to_path_buf());
    policy.dirs.push(Grant::same(t.join("no/such/dir"), false));
    let c = HostConfig {
        policy,
        ..HostConfig::default()
    };
    assert!(matches!(
        Host::try_new(c, None),
        Err(HostError::Grant { .. })
    ));
}
