//! IPv4 TCP sockets through the ring, loopback only.

#[path = "host_util.rs"]
mod util;

use fast32_runtime::host::abi::{self, errno, op};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use util::{config, Guest, TempDir};

const LOOPBACK: u32 = 0x7F00_0001;
const TCP: u32 = 2 | 1 << 8;

fn net_guest(t: &TempDir) -> Guest {
    let (mut c, _, _) = config(t.path());
    c.policy.allow_net = true;
    Guest::with(c)
}

fn sockaddr(addr: u32, port: u16) -> Vec<u8> {
    let mut v = addr.to_le_bytes().to_vec();
    v.extend_from_slice(&port.to_le_bytes());
    v.extend_from_slice(&2u16.to_le_bytes());
    v
}

#[test]
fn guest_server_accepts_a_host_client() {
    let t = TempDir::new("server");
    let mut g = net_guest(&t);
    let s = g.request(op::SOCKET, 0, 0, TCP).status;
    assert_eq!(s, 3);
    g.put_data(0, &sockaddr(LOOPBACK, 0));
    assert_eq!(g.request(op::BIND, 8, 0, s).status, abi::STATUS_OK);
    assert_eq!(g.request(op::LISTEN, 4, 0, s).status, abi::STATUS_OK);
    let r = g.request(op::GETSOCKNAME, 8, 0, s);
    assert_eq!((r.status, r.length), (abi::STATUS_OK, 8));
    assert_eq!(g.data_u32(0), LOOPBACK);
    let port = u16::from_le_bytes(g.data(4, 2).try_into().unwrap());
    assert_ne!(port, 0);

    let client = std::thread::spawn(move || {
        let mut c = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        c.write_all(b"ping").unwrap();
        let mut buf = Vec::new();
        c.read_to_end(&mut buf).unwrap();
        buf
    });
    let r = g.request(op::ACCEPT, 8, 0, s);
    let conn = r.status;
    assert_eq!((conn, r.length), (4, 8));
    assert_eq!(g.data_u32(0), LOOPBACK, "peer address");
    let mut got = Vec::new();
    while got.len() < 4 {
        let (r, bytes) = g.read(conn, 16);
        assert!(r.status > 0 && r.status != abi::STATUS_ERR);
        got.extend(bytes);
    }
    assert_eq!(got, b"ping");
    g.put_data(0, b"pong");
    assert_eq!(g.request(op::SEND, 4, 0, conn).status, 4);
    assert_eq!(g.request(op::SHUTDOWN, 1, 0, conn).status, abi::STATUS_OK);
    assert_eq!(client.join().unwrap(), b"pong");
    assert_eq!(g.close(conn).status, abi::STATUS_OK);
    assert_eq!(g.close(s).status, abi::STATUS_OK);
    assert_eq!(g.host.open_host_resources(), 0);
}

#[test]
fn guest_client_connects_to_a_host_server() {
    let t = TempDir::new("client");
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut c, _) = listener.accept().unwrap();
        let mut buf = [0u8; 5];
        c.read_exact(&mut buf).unwrap();
        c.write_all(b"world").unwrap();
        buf
    });
    let mut g = net_guest(&t);
    let s = g.request(op::SOCKET, 0, 0, TCP | 6 << 16).status;
    g.put_data(0, &sockaddr(LOOPBACK, port));
    assert_eq!(g.request(op::CONNECT, 8, 0, s).status, abi::STATUS_OK);
    assert_eq!(g.write(s, b"hello").status, 5);
    let mut got = Vec::new();
    while got.len() < 5 {
        let (r, bytes) = g.read(s, 16);
        assert!(r.status > 0 && r.status != abi::STATUS_ERR);
        got.extend(bytes);
    }
    assert_eq!(got, b"world");
    assert_eq!(&server.join().unwrap(), b"hello");
}

#[test]
fn socket_argument_errors() {
    let t = TempDir::new("sockerr");
    let mut g = net_guest(&t);
    assert_eq!(
        g.request(op::SOCKET, 0, 0, 10 | 1 << 8).err(),
        Some(errno::EAFNOSUPPORT)
    );
    assert_eq!(
        g.request(op::SOCKET, 0, 0, 2 | 2 << 8).err(),
        Some(errno::EPROTONOSUPPORT)
    );
    assert_eq!(
        g.request(op::SOCKET, 0, 0, TCP | 17 << 16).err(),
        Some(errno::EPROTONOSUPPORT)
    );
    let s = g.request(op::SOCKET, 0, 0, TCP).status;
    let mut bad = sockaddr(LOOPBACK, 0);
    bad[6] = 10;
    g.put_data(0, &bad);
    assert_eq!(
        g.request(op::BIND, 8, 0, s).err(),
        Some(errno::EAFNOSUPPORT)
    );
    assert_eq!(g.request(op::BIND, 4, 0, s).err(), Some(errno::EINVAL));
    assert_eq!(g.request(op::LISTEN, 1, 0, 1).err(), Some(errno::ENOTSOCK));
    assert_eq!(g.request(op::LISTEN, 1, 0, 99).err(), Some(errno::EBADF));
    assert_eq!(g.request(op::SHUTDOWN, 3, 0, s).err(), Some(errno::EINVAL));
    // Connecting to a closed port: ECONNREFUSED from the host.
    let port = {
        let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        l.local_addr().unwrap().port()
    };
    g.put_data(0, &sockaddr(LOOPBACK, port));
    assert_eq!(
        g.request(op::CONNECT, 8, 0, s).err(),
        Some(errno::ECONNREFUSED)
    );
}
