//! IPv4 TCP sockets (network ABI v1). Available only with
//! `AccessPolicy::allow_net`; otherwise every socket opcode answers
//! EACCES.
//!
//! Addresses cross the ABI as 8 bytes: `addr: u32, port: u16, family:
//! u16`, little-endian host values (127.0.0.1 is 0x7F000001).

use super::abi::{self, errno, op, STATUS_OK};
use super::fds::Handle;
use super::{data, data_mut, Host, Reply, Req};
use crate::memory::GuestMemory;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

fn last_errno() -> u32 {
    errno::from_io(&std::io::Error::last_os_error())
}

fn to_sockaddr(addr: u32, port: u16) -> libc::sockaddr_in {
    // SAFETY: sockaddr_in is plain data; all-zero is a valid value.
    let mut sa: libc::sockaddr_in = unsafe { std::mem::zeroed() };
    sa.sin_family = libc::AF_INET as libc::sa_family_t;
    sa.sin_port = port.to_be();
    sa.sin_addr = libc::in_addr {
        s_addr: addr.to_be(),
    };
    sa
}

fn encode_sockaddr(out: &mut [u8], sa: &libc::sockaddr_in) {
    out[0..4].copy_from_slice(&u32::from_be(sa.sin_addr.s_addr).to_le_bytes());
    out[4..6].copy_from_slice(&u16::from_be(sa.sin_port).to_le_bytes());
    out[6..8].copy_from_slice(&(abi::AF_INET as u16).to_le_bytes());
}

const SA_LEN: libc::socklen_t = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;

/// Marks a descriptor close-on-exec.
fn set_cloexec(fd: RawFd) {
    // SAFETY: fcntl on a descriptor we own.
    unsafe {
        let fl = libc::fcntl(fd, libc::F_GETFD);
        if fl >= 0 {
            libc::fcntl(fd, libc::F_SETFD, fl | libc::FD_CLOEXEC);
        }
    }
}

fn new_tcp_socket() -> Result<OwnedFd, u32> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let ty = libc::SOCK_STREAM | libc::SOCK_CLOEXEC;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let ty = libc::SOCK_STREAM;
    // SAFETY: plain socket creation.
    let fd = unsafe { libc::socket(libc::AF_INET, ty, libc::IPPROTO_TCP) };
    if fd < 0 {
        return Err(last_errno());
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    set_cloexec(fd);
    // SAFETY: a fresh descriptor we own.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

impl Host {
    /// The host socket behind guest fd `fd`.
    fn socket_fd(&self, fd: u32) -> Result<RawFd, u32> {
        match self.fds.get(fd) {
            None => Err(errno::EBADF),
            Some(Handle::Socket(s)) => Ok(s.as_raw_fd()),
            Some(_) => Err(errno::ENOTSOCK),
        }
    }

    /// The address a BIND or CONNECT request carries.
    fn sockaddr_arg(mem: &GuestMemory, base: u32, req: &Req) -> Result<libc::sockaddr_in, u32> {
        if req.length < abi::SOCKADDR_SIZE {
            return Err(errno::EINVAL);
        }
        let b = data(mem, base, req.offset, abi::SOCKADDR_SIZE)?;
        let addr = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let port = u16::from_le_bytes([b[4], b[5]]);
        let family = u16::from_le_bytes([b[6], b[7]]);
        if family as u32 != abi::AF_INET {
            return Err(errno::EAFNOSUPPORT);
        }
        Ok(to_sockaddr(addr, port))
    }

    pub(super) fn op_net(&mut self, mem: &mut GuestMemory, base: u32, req: &Req) -> Reply {
        if !self.allow_net {
            return Err(self.deny(req.opcode, &[], "network access disabled"));
        }
        match req.opcode {
            op::SOCKET => {
                let family = req.status & 0xFF;
                let ty = (req.status >> 8) & 0xFF;
                let proto = (req.status >> 16) & 0xFF;
                if family != abi::AF_INET {
                    return Err(errno::EAFNOSUPPORT);
                }
                if ty != abi::SOCK_STREAM || (proto != 0 && proto != abi::IPPROTO_TCP) {
                    return Err(errno::EPROTONOSUPPORT);
                }
                let s = new_tcp_socket()?;
                let fd = self.fds.alloc(Handle::Socket(s))?;
                Ok((0, fd))
            }
            op::BIND => {
                let fd = self.socket_fd(req.status)?;
                let sa = Self::sockaddr_arg(mem, base, req)?;
                let yes: libc::c_int = 1;
                // SAFETY: valid option pointer and length; valid address.
                unsafe {
                    libc::setsockopt(
                        fd,
                        libc::SOL_SOCKET,
                        libc::SO_REUSEADDR,
                        &yes as *const libc::c_int as *const libc::c_void,
                        std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                    );
                    if libc::bind(fd, &sa as *const _ as *const libc::sockaddr, SA_LEN) != 0 {
                        return Err(last_errno());
                    }
                }
                Ok((0, STATUS_OK))
            }
            op::LISTEN => {
                let fd = self.socket_fd(req.status)?;
                let backlog = match req.length as i32 {
                    n if n <= 0 => 8,
                    n => n.min(128),
                };
                // SAFETY: no memory effects.
                if unsafe { libc::listen(fd, backlog) } != 0 {
                    return Err(last_errno());
                }
                Ok((0, STATUS_OK))
            }
            op::CONNECT => {
                let fd = self.socket_fd(req.status)?;
                let sa = Self::sockaddr_arg(mem, base, req)?;
                loop {
                    // SAFETY: a valid address of SA_LEN bytes.
                    let r = unsafe {
                        libc::connect(fd, &sa as *const _ as *const libc::sockaddr, SA_LEN)
                    };
                    if r == 0 {
                        break;
                    }
                    let e = last_errno();
                    if e != errno::EINTR {
                        return Err(e);
                    }
                }
                Ok((0, STATUS_OK))
            }
            op::ACCEPT => {
                let fd = self.socket_fd(req.status)?;
                // Check the reply slot before accepting a connection we
                // could not report.
                data_mut(mem, base, req.offset, abi::SOCKADDR_SIZE)?;
                // SAFETY: sockaddr_in is plain data.
                let mut peer: libc::sockaddr_in = unsafe { std::mem::zeroed() };
                let new = loop {
                    let mut len = SA_LEN;
                    // SAFETY: valid out-pointers.
                    let r = unsafe {
                        libc::accept(fd, &mut peer as *mut _ as *mut libc::sockaddr, &mut len)
                    };
                    if r >= 0 {
                        break r;
                    }
                    let e = last_errno();
                    if e != errno::EINTR {
                        return Err(e);
                    }
                };
                set_cloexec(new);
                // SAFETY: a fresh descriptor we own.
                let s = unsafe { OwnedFd::from_raw_fd(new) };
                let gfd = self.fds.alloc(Handle::Socket(s))?;
                let out = data_mut(mem, base, req.offset, abi::SOCKADDR_SIZE)?;
                encode_sockaddr(out, &peer);
                Ok((abi::SOCKADDR_SIZE, gfd))
            }
            op::SHUTDOWN => {
                let fd = self.socket_fd(req.status)?;
                let how = match req.length {
                    0 => libc::SHUT_RD,
                    1 => libc::SHUT_WR,
                    2 => libc::SHUT_RDWR,
                    _ => return Err(errno::EINVAL),
                };
                // SAFETY: no memory effects.
                if unsafe { libc::shutdown(fd, how) } != 0 {
                    return Err(last_errno());
                }
                Ok((0, STATUS_OK))
            }
            op::GETSOCKNAME => {
                let fd = self.socket_fd(req.status)?;
                let out = data_mut(mem, base, req.offset, abi::SOCKADDR_SIZE)?;
                // SAFETY: sockaddr_in is plain data.
                let mut sa: libc::sockaddr_in = unsafe { std::mem::zeroed() };
                let mut len = SA_LEN;
                // SAFETY: valid out-pointers.
                if unsafe {
                    libc::getsockname(fd, &mut sa as *mut _ as *mut libc::sockaddr, &mut len)
                } != 0
                {
                    return Err(last_errno());
                }
                encode_sockaddr(out, &sa);
                Ok((abi::SOCKADDR_SIZE, STATUS_OK))
            }
            op::SEND => self.op_write(mem, base, req),
            op::RECV => self.op_read(mem, base, req),
            _ => Err(errno::EINVAL),
        }
    }
}
