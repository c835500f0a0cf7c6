//! Malformed MMIO requests get error responses, never a host panic or
//! fault. The input is laid out as the guest would leave the window:
//! 16 bytes of ring indices (REQ_HEAD, REQ_TAIL, RESP_HEAD, RESP_TAIL),
//! then the request ring, then the data buffer. Everything on the host is
//! denied (files, sockets, exec, the term service), time is virtual, so
//! fuzzing touches nothing outside the process.
#![no_main]
use fast32_isa::s32x::Image;
use fast32_runtime::host::{abi, Host};
use fast32_runtime::Machine;
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::sync::OnceLock;

fn image() -> &'static Image {
    static IMG: OnceLock<Image> = OnceLock::new();
    IMG.get_or_init(|| {
        fast32_asm::assemble(".text\n.global _start\n_start:\n    halt\n", "host.s")
            .expect("assembles")
    })
}

thread_local! {
    /// One guest memory for every input (reserving and sealing 4 GiB per
    /// input would dominate the run); each input gets a fresh host and a
    /// cleared MMIO window.
    static MACHINE: RefCell<Option<Machine>> = const { RefCell::new(None) };
}

fn fresh_host() -> Host {
    let (mut cfg, _) = fast32_difftest::test_host(b"fuzz input\n");
    cfg.policy.allow_term = false;
    Host::new(cfg, Some(image().header.mmio_base))
}

fuzz_target!(|data: &[u8]| {
    MACHINE.with(|slot| {
        let mut slot = slot.borrow_mut();
        let m = slot.get_or_insert_with(|| {
            let (cfg, _) = fast32_difftest::test_host(b"");
            Machine::new(image(), cfg).expect("loads")
        });
        m.host = fresh_host();
        service(m, data);
    });
});

fn service(m: &mut Machine, data: &[u8]) {
    let base = image().header.mmio_base;
    m.mem
        .slice_mut(
            base,
            abi::DATA_BUFFER as usize + abi::DATA_CAPACITY as usize,
        )
        .expect("the MMIO window is writable")
        .fill(0);
    let ring = (abi::RING_ENTRIES * abi::DESC_BYTES) as usize;
    let (ctl, rest) = data.split_at(data.len().min(16));
    let (req, buf) = rest.split_at(rest.len().min(ring));
    let mut put = |at: u32, bytes: &[u8]| {
        let dst = m
            .mem
            .slice_mut(base + at, bytes.len())
            .expect("the MMIO window is writable");
        dst.copy_from_slice(bytes);
    };
    let mut words = [0u8; 16];
    words[..ctl.len()].copy_from_slice(ctl);
    put(abi::REQ_HEAD, &words[0..8]);
    put(abi::RESP_HEAD, &words[8..16]);
    put(abi::REQ_RING, req);
    put(
        abi::DATA_BUFFER,
        &buf[..buf.len().min(abi::DATA_CAPACITY as usize)],
    );
    let _ = m.host.on_yield(&mut m.mem);
    m.host.close_all();
    assert_eq!(m.host.open_host_resources(), 0);
}
