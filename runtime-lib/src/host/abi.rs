//! The guest/host MMIO contract: window layout, opcodes, status words,
//! payload sizes and the guest's errno numbering.
//!
//! Everything here is a fact of the SLOW-32 ABI (the guest libc is built
//! against it); nothing is a fast32 choice.

/// Offsets inside the 64 KiB MMIO window.
pub const REQ_HEAD: u32 = 0x0000;
pub const REQ_TAIL: u32 = 0x0004;
pub const REQ_RING: u32 = 0x1000;
pub const RESP_HEAD: u32 = 0x2000;
pub const RESP_TAIL: u32 = 0x2004;
pub const RESP_RING: u32 = 0x3000;
pub const DATA_BUFFER: u32 = 0x4000;

/// Descriptors per ring.
pub const RING_ENTRIES: u32 = 256;
/// Bytes per descriptor (opcode, length, offset, status).
pub const DESC_BYTES: u32 = 16;
/// Bytes in the shared data buffer.
pub const DATA_CAPACITY: u32 = 48 * 1024;

/// Response status words.
pub const STATUS_OK: u32 = 0;
pub const STATUS_EOF: u32 = 0xFFFF_FFFD;
pub const STATUS_EINTR: u32 = 0xFFFF_FFFE;
pub const STATUS_ERR: u32 = 0xFFFF_FFFF;

/// STAT's `status` when the request names a path rather than an fd.
pub const STAT_PATH_SENTINEL: u32 = 0xFFFF_FFFF;
/// EXEC's `status` when the child inherits the parent's stdio.
pub const EXEC_INHERIT_STDIO: u32 = 0xFFFF_FFFF;

/// Opcodes.
pub mod op {
    pub const NOP: u32 = 0x00;
    pub const PUTCHAR: u32 = 0x01;
    pub const GETCHAR: u32 = 0x02;
    pub const WRITE: u32 = 0x03;
    pub const READ: u32 = 0x04;
    pub const OPEN: u32 = 0x05;
    pub const CLOSE: u32 = 0x06;
    pub const SEEK: u32 = 0x07;
    pub const EXIT: u32 = 0x09;
    pub const STAT: u32 = 0x0A;
    pub const FLUSH: u32 = 0x0B;
    pub const READ_DIRECT: u32 = 0x0C;
    pub const FTRUNCATE: u32 = 0x0D;
    pub const EXEC: u32 = 0x10;

    pub const UNLINK: u32 = 0x20;
    pub const RENAME: u32 = 0x21;
    pub const MKDIR: u32 = 0x22;
    pub const RMDIR: u32 = 0x23;
    pub const LSTAT: u32 = 0x24;
    pub const ACCESS: u32 = 0x25;
    pub const CHDIR: u32 = 0x26;
    pub const GETCWD: u32 = 0x27;
    pub const OPENDIR: u32 = 0x28;
    pub const READDIR: u32 = 0x29;
    pub const CLOSEDIR: u32 = 0x2A;
    pub const REWINDDIR: u32 = 0x2B;

    pub const GETTIME: u32 = 0x30;
    pub const SLEEP: u32 = 0x31;
    pub const GETTZ: u32 = 0x35;

    pub const SOCKET: u32 = 0x40;
    pub const CONNECT: u32 = 0x41;
    pub const ACCEPT: u32 = 0x42;
    pub const SEND: u32 = 0x43;
    pub const RECV: u32 = 0x44;
    pub const SHUTDOWN: u32 = 0x45;
    pub const BIND: u32 = 0x46;
    pub const LISTEN: u32 = 0x47;
    pub const GETSOCKNAME: u32 = 0x48;

    pub const ARGS_INFO: u32 = 0x60;
    pub const ARGS_DATA: u32 = 0x61;
    pub const ENVP_INFO: u32 = 0x62;
    pub const ENVP_DATA: u32 = 0x63;
    pub const GETENV: u32 = 0x64;

    pub const SVC_REQUEST: u32 = 0xF0;
    pub const SVC_RELEASE: u32 = 0xF1;
    pub const SVC_QUERY: u32 = 0xF2;
    pub const SVC_LIST: u32 = 0xF3;
    pub const SVC_VERSION: u32 = 0xF4;

    /// A short name for traces and statistics.
    pub fn name(op: u32) -> &'static str {
        match op {
            NOP => "nop",
            PUTCHAR => "putchar",
            GETCHAR => "getchar",
            WRITE => "write",
            READ => "read",
            OPEN => "open",
            CLOSE => "close",
            SEEK => "seek",
            EXIT => "exit",
            STAT => "stat",
            FLUSH => "flush",
            READ_DIRECT => "read_direct",
            FTRUNCATE => "ftruncate",
            EXEC => "exec",
            UNLINK => "unlink",
            RENAME => "rename",
            MKDIR => "mkdir",
            RMDIR => "rmdir",
            LSTAT => "lstat",
            ACCESS => "access",
            CHDIR => "chdir",
            GETCWD => "getcwd",
            OPENDIR => "opendir",
            READDIR => "readdir",
            CLOSEDIR => "closedir",
            REWINDDIR => "rewinddir",
            GETTIME => "gettime",
            SLEEP => "sleep",
            GETTZ => "gettz",
            SOCKET => "socket",
            CONNECT => "connect",
            ACCEPT => "accept",
            SEND => "send",
            RECV => "recv",
            SHUTDOWN => "shutdown",
            BIND => "bind",
            LISTEN => "listen",
            GETSOCKNAME => "getsockname",
            ARGS_INFO => "args_info",
            ARGS_DATA => "args_data",
            ENVP_INFO => "envp_info",
            ENVP_DATA => "envp_data",
            GETENV => "getenv",
            SVC_REQUEST => "svc_request",
            SVC_RELEASE => "svc_release",
            SVC_QUERY => "svc_query",
            SVC_LIST => "svc_list",
            SVC_VERSION => "svc_version",
            _ => "unknown",
        }
    }
}

/// Guest open flags (the guest's `fcntl.h` and stdio's FILE flags agree).
pub mod oflag {
    pub const READ: u32 = 0x01;
    pub const WRITE: u32 = 0x02;
    pub const APPEND: u32 = 0x04;
    pub const CREATE: u32 = 0x08;
    pub const TRUNC: u32 = 0x10;
    pub const KNOWN: u32 = READ | WRITE | APPEND | CREATE | TRUNC;
}

/// Linux `O_*` numbering, accepted when a request carries bits outside
/// [`oflag::KNOWN`] (a guest built against a Linux-style `fcntl.h`).
pub mod linux_oflag {
    pub const ACCMODE: u32 = 0o3;
    pub const WRONLY: u32 = 0o1;
    pub const RDWR: u32 = 0o2;
    pub const CREAT: u32 = 0o100;
    pub const EXCL: u32 = 0o200;
    pub const TRUNC: u32 = 0o1000;
    pub const APPEND: u32 = 0o2000;
}

/// Payload sizes.
pub const STAT_SIZE: u32 = 112;
pub const TIMEPAIR_SIZE: u32 = 16;
pub const TZINFO_SIZE: u32 = 16;
pub const ARGS_INFO_SIZE: u32 = 16;
pub const ENVP_INFO_SIZE: u32 = 16;
pub const DIRENT_SIZE: u32 = 272;
pub const DIRENT_NAME_MAX: usize = 255;
pub const SOCKADDR_SIZE: u32 = 8;
/// Largest argv / environment blobs the guest libc accepts.
pub const ARGS_MAX_BYTES: usize = 64 * 1024;
pub const ENVP_MAX_BYTES: usize = 128 * 1024;
/// Largest EXEC payload (path + arguments) and extra-argument count.
pub const EXEC_MAX_BYTES: u32 = 4096;
pub const EXEC_MAX_EXTRA_ARGS: usize = 11;

/// Socket constants of the v1 (IPv4 TCP) network ABI.
pub const AF_INET: u32 = 2;
pub const SOCK_STREAM: u32 = 1;
pub const IPPROTO_TCP: u32 = 6;

/// Service negotiation.
pub const SVC_OK: u32 = 0;
pub const SVC_DENIED: u32 = 1;
pub const SVC_UNKNOWN: u32 = 2;
pub const SVC_CONFLICT: u32 = 3;
pub const SVC_LIMIT: u32 = 4;
pub const SVC_PROTOCOL_VERSION: u32 = 1;
pub const SVC_MAX_NAME_LEN: u32 = 32;
/// First opcode handed to negotiated services; ranges must end below
/// the negotiation opcodes.
pub const SVC_DYNAMIC_BASE: u32 = 0x80;
pub const SVC_DYNAMIC_END: u32 = 0xF0;

/// Guest errno values (the guest's `errno.h`, Linux numbering).
pub mod errno {
    pub const EPERM: u32 = 1;
    pub const ENOENT: u32 = 2;
    pub const ESRCH: u32 = 3;
    pub const EINTR: u32 = 4;
    pub const EIO: u32 = 5;
    pub const ENXIO: u32 = 6;
    pub const E2BIG: u32 = 7;
    pub const ENOEXEC: u32 = 8;
    pub const EBADF: u32 = 9;
    pub const ECHILD: u32 = 10;
    pub const EAGAIN: u32 = 11;
    pub const ENOMEM: u32 = 12;
    pub const EACCES: u32 = 13;
    pub const EFAULT: u32 = 14;
    pub const EBUSY: u32 = 16;
    pub const EEXIST: u32 = 17;
    pub const EXDEV: u32 = 18;
    pub const ENODEV: u32 = 19;
    pub const ENOTDIR: u32 = 20;
    pub const EISDIR: u32 = 21;
    pub const EINVAL: u32 = 22;
    pub const ENFILE: u32 = 23;
    pub const EMFILE: u32 = 24;
    pub const ENOTTY: u32 = 25;
    pub const EFBIG: u32 = 27;
    pub const ENOSPC: u32 = 28;
    pub const ESPIPE: u32 = 29;
    pub const EROFS: u32 = 30;
    pub const EMLINK: u32 = 31;
    pub const EPIPE: u32 = 32;
    pub const EDOM: u32 = 33;
    pub const ERANGE: u32 = 34;
    pub const ENAMETOOLONG: u32 = 36;
    pub const ENOSYS: u32 = 38;
    pub const ENOTEMPTY: u32 = 39;
    pub const ELOOP: u32 = 40;
    pub const ENOTSOCK: u32 = 88;
    pub const EDESTADDRREQ: u32 = 89;
    pub const EMSGSIZE: u32 = 90;
    pub const EPROTONOSUPPORT: u32 = 93;
    pub const EOPNOTSUPP: u32 = 95;
    pub const EAFNOSUPPORT: u32 = 97;
    pub const EADDRINUSE: u32 = 98;
    pub const EADDRNOTAVAIL: u32 = 99;
    pub const ENETUNREACH: u32 = 101;
    pub const ECONNABORTED: u32 = 103;
    pub const ECONNRESET: u32 = 104;
    pub const ENOBUFS: u32 = 105;
    pub const EISCONN: u32 = 106;
    pub const ENOTCONN: u32 = 107;
    pub const ETIMEDOUT: u32 = 110;
    pub const ECONNREFUSED: u32 = 111;
    pub const EHOSTUNREACH: u32 = 113;
    pub const EALREADY: u32 = 114;
    pub const EINPROGRESS: u32 = 115;

    /// "Error, errno not reported": the response's length is 0, which the
    /// guest libc turns into EIO. The reference host answers this way when
    /// the host call behind CLOSE, FTRUNCATE, UNLINK, RENAME, MKDIR, RMDIR,
    /// ACCESS, CHDIR or CLOSEDIR fails (it clears the length after
    /// recording the errno); fast32 does the same so guests print the same
    /// messages.
    pub const UNREPORTED: u32 = 0;

    /// Translates a host errno into the guest's numbering (identity on
    /// Linux); anything without a guest equivalent becomes EIO.
    pub fn from_host(e: i32) -> u32 {
        use libc as l;
        let table: &[(i32, u32)] = &[
            (l::EPERM, EPERM),
            (l::ENOENT, ENOENT),
            (l::ESRCH, ESRCH),
            (l::EINTR, EINTR),
            (l::EIO, EIO),
            (l::ENXIO, ENXIO),
            (l::E2BIG, E2BIG),
            (l::ENOEXEC, ENOEXEC),
            (l::EBADF, EBADF),
            (l::ECHILD, ECHILD),
            (l::EAGAIN, EAGAIN),
            (l::ENOMEM, ENOMEM),
            (l::EACCES, EACCES),
            (l::EFAULT, EFAULT),
            (l::EBUSY, EBUSY),
            (l::EEXIST, EEXIST),
            (l::EXDEV, EXDEV),
            (l::ENODEV, ENODEV),
            (l::ENOTDIR, ENOTDIR),
            (l::EISDIR, EISDIR),
            (l::EINVAL, EINVAL),
            (l::ENFILE, ENFILE),
            (l::EMFILE, EMFILE),
            (l::ENOTTY, ENOTTY),
            (l::EFBIG, EFBIG),
            (l::ENOSPC, ENOSPC),
            (l::ESPIPE, ESPIPE),
            (l::EROFS, EROFS),
            (l::EMLINK, EMLINK),
            (l::EPIPE, EPIPE),
            (l::EDOM, EDOM),
            (l::ERANGE, ERANGE),
            (l::ENAMETOOLONG, ENAMETOOLONG),
            (l::ENOSYS, ENOSYS),
            (l::ENOTEMPTY, ENOTEMPTY),
            (l::ELOOP, ELOOP),
            (l::ENOTSOCK, ENOTSOCK),
            (l::EDESTADDRREQ, EDESTADDRREQ),
            (l::EMSGSIZE, EMSGSIZE),
            (l::EPROTONOSUPPORT, EPROTONOSUPPORT),
            (l::EOPNOTSUPP, EOPNOTSUPP),
            (l::EAFNOSUPPORT, EAFNOSUPPORT),
            (l::EADDRINUSE, EADDRINUSE),
            (l::EADDRNOTAVAIL, EADDRNOTAVAIL),
            (l::ENETUNREACH, ENETUNREACH),
            (l::ECONNABORTED, ECONNABORTED),
            (l::ECONNRESET, ECONNRESET),
            (l::ENOBUFS, ENOBUFS),
            (l::EISCONN, EISCONN),
            (l::ENOTCONN, ENOTCONN),
            (l::ETIMEDOUT, ETIMEDOUT),
            (l::ECONNREFUSED, ECONNREFUSED),
            (l::EHOSTUNREACH, EHOSTUNREACH),
            (l::EALREADY, EALREADY),
            (l::EINPROGRESS, EINPROGRESS),
        ];
        table
            .iter()
            .find(|(h, _)| *h == e)
            .map(|(_, g)| *g)
            .unwrap_or(EIO)
    }

    /// The guest errno for a host I/O error.
    pub fn from_io(e: &std::io::Error) -> u32 {
        match e.raw_os_error() {
            Some(code) => from_host(code),
            None => match e.kind() {
                std::io::ErrorKind::NotFound => ENOENT,
                std::io::ErrorKind::PermissionDenied => EACCES,
                std::io::ErrorKind::AlreadyExists => EEXIST,
                std::io::ErrorKind::InvalidInput => EINVAL,
                std::io::ErrorKind::WouldBlock => EAGAIN,
                _ => EIO,
            },
        }
    }
}
