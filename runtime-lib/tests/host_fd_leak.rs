//! Dropping a host closes every host resource it opened for the guest.
//!
//! Alone in its own test binary: counting the process's descriptors is
//! only meaningful when no other test runs alongside.

#[path = "host_util.rs"]
mod util;

use fast32_runtime::host::abi::{oflag, op};
use util::{config, Guest, TempDir};

fn open_fds() -> usize {
    match std::fs::read_dir("/proc/self/fd") {
        // The count includes the descriptor read_dir itself holds.
        Ok(d) => d.count(),
        // No procfs: probe descriptors one by one.
        Err(_) => (0..4096)
            // SAFETY: F_GETFD only queries.
            .filter(|&fd| unsafe { libc::fcntl(fd, libc::F_GETFD) } >= 0)
            .count(),
    }
}

#[test]
fn dropping_the_host_closes_everything() {
    let t = TempDir::new("leak");
    std::fs::write(t.join("a.txt"), b"a").unwrap();
    std::fs::create_dir(t.join("d")).unwrap();
    let before = open_fds();
    {
        let (mut c, _, _) = config(t.path());
        c.policy.allow_net = true;
        let mut g = Guest::with(c);
        let mut opened = 0;
        for i in 0..5 {
            let r = g.open(&format!("f{i}.txt"), oflag::WRITE | oflag::CREATE);
            assert!(r.status < 128);
            opened += 1;
        }
        assert!(g.open("a.txt", oflag::READ).status < 128);
        assert!(g.request_str(op::OPENDIR, b"d", 0).status < 128);
        assert!(g.request(op::SOCKET, 0, 0, 2 | 1 << 8).status < 128);
        opened += 3;
        assert_eq!(g.host.open_host_resources(), opened);
        assert_eq!(open_fds(), before + opened);
        // Closing one explicitly, the rest on drop.
        assert_eq!(g.close(3).status, 0);
        assert_eq!(open_fds(), before + opened - 1);
    }
    assert_eq!(open_fds(), before, "no descriptor outlives the host");

    // close_all does the same without dropping.
    let (c, _, _) = config(t.path());
    let mut g = Guest::with(c);
    g.open("a.txt", oflag::READ);
    assert_eq!(open_fds(), before + 1);
    g.host.close_all();
    assert_eq!(open_fds(), before);
    assert_eq!(g.host.open_host_resources(), 0);
}
