//! Guest memory: one sandbox shared by every engine.
//!
//! Each machine reserves the guest's whole 32-bit address space plus
//! guards (64 KiB below, 4 GiB, 64 KiB above: `PROT_NONE` address space,
//! nothing committed), then opens the regions the `.s32x` header
//! describes. Translated code adds a zero-extended 32-bit guest address to
//! the base pointer: any address, even one computed from `0xFFFFFFFF + 3`,
//! lands inside the reservation, so no guest access can ever reach host
//! memory, and an access to an unmapped or read-only page faults in
//! hardware. The first 64 KiB of guest memory are mapped a second time
//! just above 4 GiB ([`MIRROR_SIZE`]), so that compiled code may add a
//! 12-bit offset to a register without wrapping the sum at 4 GiB.
//!
//! The interpreter and the host services check the per-page permission
//! table instead of faulting, so the oracle never depends on signals.
//!
//! Region map (page-granular, as the reference interpreter maps it):
//! - code `[0, code_limit)`: read + execute (write too without W^X);
//! - rodata `[code_limit, rodata_limit)`: read (write too without W^X);
//! - data `[rodata_limit, data_limit)`: read + write;
//! - heap `[max(page_up(data_limit), 0x3000), heap_end)`: read + write,
//!   where heap_end is `stack_end`, or `mmio_base` if the MMIO window
//!   lies below the stack;
//! - MMIO window `[mmio_base, +64 KiB)`: read + write, when flagged;
//! - stack `[stack_end, stack_base + 16)`: read + write. A header with
//!   `stack_end = 0` (older linkers) has no stack bound: everything
//!   between the heap (or MMIO window) and the stack top is read + write.
//!
//! Every region is clipped to `mem_size` (when non-zero). Unlike the
//! reference interpreter, an access that straddles two accessible pages
//! of different regions succeeds: page protection cannot see region
//! boundaries inside a page pair, and all engines must agree.

use fast32_isa::s32x::{Header, MMIO_WINDOW_SIZE};
use std::ptr::NonNull;

pub const PAGE_SIZE: u32 = 4096;
pub const PAGE_SHIFT: u32 = 12;
const NUM_PAGES: usize = 1 << 20;
/// Address space reserved beyond 4 GiB so that a 32-bit address plus an
/// access size never leaves the reservation.
pub const GUARD_SIZE: usize = 64 * 1024;
/// Address space reserved below guest address 0 (never mapped): code
/// that adds a negative offset to a zero-extended register without
/// wrapping at 4 GiB lands here, and faults.
pub const GUARD_BELOW: usize = 64 * 1024;
/// Total reservation per machine.
pub const RESERVATION_SIZE: usize = GUARD_BELOW + (1usize << 32) + GUARD_SIZE;
/// Guest bytes `[0, MIRROR_SIZE)` also appear at host `base + 4 GiB` (the
/// same pages mapped twice) when [`MemLayout::mirrors_low_memory`]: an
/// address computed as `register + offset` without wrapping at 4 GiB then
/// reaches the bytes the guest's wrapped address names. Compiled code
/// addresses memory that way, so that the offset becomes part of the host
/// addressing mode.
pub const MIRROR_SIZE: usize = GUARD_SIZE;

/// Page permission bits.
pub const PERM_R: u8 = 1;
pub const PERM_W: u8 = 2;
pub const PERM_X: u8 = 4;

/// A guest memory access that is not allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind} of {size} byte(s) at 0x{addr:08X}")]
pub struct MemFault {
    pub kind: AccessKind,
    pub addr: u32,
    pub size: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccessKind {
    Read,
    Write,
    Execute,
}

impl std::fmt::Display for AccessKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AccessKind::Read => "read",
            AccessKind::Write => "write",
            AccessKind::Execute => "execute",
        })
    }
}

/// Why a sandbox could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum MemError {
    #[error("cannot reserve 4 GiB of address space for the guest: {0}")]
    Reserve(std::io::Error),
    #[error("cannot change protection of guest pages 0x{start:08X}..0x{end:08X}: {err}")]
    Protect {
        start: u64,
        end: u64,
        err: std::io::Error,
    },
    #[error("section at 0x{addr:08X} (+{len} bytes) lies outside mapped guest memory")]
    Unmapped { addr: u32, len: usize },
}

/// One mapped region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub name: &'static str,
    /// First byte (page-aligned down).
    pub start: u64,
    /// One past the last byte (page-aligned up; may be 2^32).
    pub end: u64,
    pub perms: u8,
}

/// The region map derived from a header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemLayout {
    pub regions: Vec<Region>,
    pub code_limit: u32,
    pub wxorx: bool,
    pub mmio_base: Option<u32>,
}

fn page_down(x: u64) -> u64 {
    x & !(PAGE_SIZE as u64 - 1)
}
fn page_up(x: u64) -> u64 {
    (x + PAGE_SIZE as u64 - 1) & !(PAGE_SIZE as u64 - 1)
}

impl MemLayout {
    /// Does no region reach into the top [`MIRROR_SIZE`] bytes of the
    /// 4 GiB guest space? Then low memory is mirrored above 4 GiB
    /// ([`GuestMemory::mirrored`]): an access there wraps to the bytes it
    /// names, and no access that starts below 4 GiB can run on into the
    /// mirror, as the pages just below 4 GiB fault first.
    pub fn mirrors_low_memory(&self) -> bool {
        let top = (1u64 << 32) - MIRROR_SIZE as u64;
        self.regions.iter().all(|r| r.end <= top)
    }

    /// Derives the region map from a header (which the loader has already
    /// validated for ordering).
    pub fn from_header(h: &Header) -> MemLayout {
        let wx = h.wxorx();
        let ro_extra = if wx { 0 } else { PERM_W };
        let limit: u64 = if h.mem_size == 0 {
            1 << 32
        } else {
            h.mem_size as u64
        };
        let mut regions = Vec::new();
        let mut push = |name, start: u64, end: u64, perms| {
            let (s, e) = (page_down(start), page_up(end.min(limit)));
            if e > s {
                regions.push(Region {
                    name,
                    start: s,
                    end: e,
                    perms,
                });
            }
        };
        let code = h.code_limit as u64;
        let rodata = (h.rodata_limit as u64).max(code);
        let data = (h.data_limit as u64).max(rodata);
        push("code", 0, code, PERM_R | PERM_X | ro_extra);
        push("rodata", code, rodata, PERM_R | ro_extra);
        push("data", rodata, data, PERM_R | PERM_W);
        let mmio = if h.has_mmio() {
            Some(h.mmio_base)
        } else {
            None
        };
        let stack_top = h.stack_base as u64 + 16;
        let heap_start = page_up(data).max(0x3000);
        // No stack bound (stack_end = 0): the stack reaches down to the heap.
        let stack_start = if h.stack_end == 0 {
            heap_start
        } else {
            h.stack_end as u64
        };
        let mut heap_end = stack_start;
        if let Some(m) = mmio {
            let m = m as u64;
            if m >= heap_start && m < heap_end {
                heap_end = m;
            }
            push("mmio", m, m + MMIO_WINDOW_SIZE as u64, PERM_R | PERM_W);
        }
        push("heap", heap_start, heap_end, PERM_R | PERM_W);
        push("stack", stack_start, stack_top, PERM_R | PERM_W);
        MemLayout {
            regions,
            code_limit: h.code_limit,
            wxorx: wx,
            mmio_base: mmio,
        }
    }
}

/// A machine's guest memory: a reservation of 4 GiB and guards, and its
/// page permission table.
pub struct GuestMemory {
    base: NonNull<u8>,
    perms: Box<[u8]>,
    layout: MemLayout,
    /// Low memory is mirrored above 4 GiB ([`MIRROR_SIZE`]).
    mirrored: bool,
}

// The reservation is owned exclusively by this value.
unsafe impl Send for GuestMemory {}

fn host_prot(perms: u8) -> libc::c_int {
    let mut p = libc::PROT_NONE;
    if perms & PERM_R != 0 {
        p |= libc::PROT_READ;
    }
    if perms & PERM_W != 0 {
        p |= libc::PROT_WRITE;
    }
    p
}

/// An anonymous `PROT_NONE` mapping of `len` bytes at `addr` (a hint, or
/// exact with `flags`): address space, no memory committed until a page
/// is opened and touched (MAP_NORESERVE).
///
/// # Safety
/// With `MAP_FIXED`, `[addr, addr + len)` must be address space this
/// value owns.
unsafe fn map_reserved(
    addr: *mut libc::c_void,
    len: usize,
    flags: libc::c_int,
) -> *mut libc::c_void {
    libc::mmap(
        addr,
        len,
        libc::PROT_NONE,
        libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | flags,
        -1,
        0,
    )
}

impl GuestMemory {
    /// Reserves the sandbox and maps the regions read + write, ready for
    /// loading; call [`GuestMemory::seal`] afterwards to apply the guest
    /// permissions to the host pages.
    pub fn new(layout: MemLayout) -> Result<GuestMemory, MemError> {
        GuestMemory::new_at(layout, None)
    }

    /// As [`GuestMemory::new`], with the sandbox at host address `at` if
    /// that address range is free (code compiled for a fixed memory base
    /// addresses guest memory with constant displacements). If it is not,
    /// the sandbox goes anywhere, as with `new`: callers compare
    /// [`GuestMemory::base_ptr`] with what they asked for.
    pub fn new_at(layout: MemLayout, at: Option<usize>) -> Result<GuestMemory, MemError> {
        // SAFETY: a fresh mapping that replaces none (no MAP_FIXED, or
        // MAP_FIXED_NOREPLACE).
        let reserve = |addr: usize, flags: libc::c_int| unsafe {
            map_reserved(addr as *mut libc::c_void, RESERVATION_SIZE, flags)
        };
        let mut ptr = libc::MAP_FAILED;
        if let Some(addr) = at.and_then(|a| a.checked_sub(GUARD_BELOW)) {
            ptr = reserve(addr, libc::MAP_FIXED_NOREPLACE);
            if ptr != libc::MAP_FAILED && ptr as usize != addr {
                // A kernel without MAP_FIXED_NOREPLACE took it as a hint.
                // SAFETY: the mapping just made, unused.
                unsafe { libc::munmap(ptr, RESERVATION_SIZE) };
                ptr = libc::MAP_FAILED;
            }
        }
        if ptr == libc::MAP_FAILED {
            ptr = reserve(0, 0);
        }
        if ptr == libc::MAP_FAILED {
            return Err(MemError::Reserve(std::io::Error::last_os_error()));
        }
        // SAFETY: inside the reservation just made.
        let base = unsafe { (ptr as *mut u8).add(GUARD_BELOW) };
        let base = NonNull::new(base).expect("mmap returned null");
        let mut mem = GuestMemory {
            base,
            perms: vec![0u8; NUM_PAGES].into_boxed_slice(),
            mirrored: false,
            layout,
        };
        if mem.layout.mirrors_low_memory() {
            mem.mirrored = mem.mirror_low_memory();
        }
        let regions = mem.layout.regions.clone();
        for r in &regions {
            mem.protect(r.start, r.end, libc::PROT_READ | libc::PROT_WRITE)?;
            for p in (r.start >> PAGE_SHIFT)..(r.end >> PAGE_SHIFT) {
                mem.perms[p as usize] |= r.perms;
            }
        }
        Ok(mem)
    }

    /// Maps one shared-memory object over guest `[0, MIRROR_SIZE)` and
    /// again at `base + 4 GiB` (both PROT_NONE until [`Self::protect`]
    /// opens them). False if the host refuses (then compiled code that
    /// relies on the mirror is not used: see [`GuestMemory::mirrored`]).
    fn mirror_low_memory(&mut self) -> bool {
        // SAFETY: a new anonymous file, mapped twice inside our own
        // reservation (MAP_FIXED replaces only our PROT_NONE pages).
        unsafe {
            let fd = libc::memfd_create(c"fast32-guest-low".as_ptr(), libc::MFD_CLOEXEC);
            if fd < 0 {
                return false;
            }
            let mut ok = libc::ftruncate(fd, MIRROR_SIZE as libc::off_t) == 0;
            for at in [0usize, 1 << 32] {
                if !ok {
                    break;
                }
                let want = self.base.as_ptr().add(at) as *mut libc::c_void;
                let p = libc::mmap(
                    want,
                    MIRROR_SIZE,
                    libc::PROT_NONE,
                    libc::MAP_SHARED | libc::MAP_FIXED,
                    fd,
                    0,
                );
                ok = p == want;
            }
            libc::close(fd);
            if !ok {
                // Back to reserved pages at both places.
                for at in [0usize, 1 << 32] {
                    let p = self.base.as_ptr().add(at) as *mut libc::c_void;
                    map_reserved(p, MIRROR_SIZE, libc::MAP_FIXED);
                }
            }
            ok
        }
    }

    /// Is guest low memory mirrored above 4 GiB ([`MIRROR_SIZE`])? Code
    /// compiled for a layout that [`MemLayout::mirrors_low_memory`] relies
    /// on it.
    pub fn mirrored(&self) -> bool {
        self.mirrored
    }

    /// Gives guest pages `[start, end)` host protection `prot`, and their
    /// mirror above 4 GiB too.
    fn protect(&mut self, start: u64, end: u64, prot: libc::c_int) -> Result<(), MemError> {
        if self.mirrored && start < MIRROR_SIZE as u64 {
            self.mprotect(1 << 32, start, end.min(MIRROR_SIZE as u64), prot)?;
        }
        self.mprotect(0, start, end, prot)
    }

    /// `mprotect` of the host pages at `above` bytes past guest pages
    /// `[start, end)` (0, or the mirror's 4 GiB).
    fn mprotect(
        &self,
        above: usize,
        start: u64,
        end: u64,
        prot: libc::c_int,
    ) -> Result<(), MemError> {
        // SAFETY: [start, end) + `above` lies inside our own reservation.
        let rc = unsafe {
            libc::mprotect(
                self.base.as_ptr().add(above + start as usize) as *mut libc::c_void,
                (end - start) as usize,
                prot,
            )
        };
        if rc != 0 {
            return Err(MemError::Protect {
                start,
                end,
                err: std::io::Error::last_os_error(),
            });
        }
        Ok(())
    }

    /// Applies guest permissions to host pages: read-only pages become
    /// read-only in hardware, so translated code faults on a bad store.
    pub fn seal(&mut self) -> Result<(), MemError> {
        // Permissions change only at region boundaries: each stretch
        // between two consecutive boundaries has one permission, so the
        // runs come from a handful of boundaries, not from a scan of the
        // 2^20-entry table (1.2 million host instructions at every start,
        // 11% of a short csv run).
        let mut cuts: Vec<u64> = self
            .layout
            .regions
            .iter()
            .flat_map(|r| [r.start, r.end])
            .chain([0, 1 << 32])
            .collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut run: Option<(u64, u64, u8)> = None;
        for w in cuts.windows(2) {
            let (start, end) = (w[0], w[1]);
            let p = self.perms[(start >> PAGE_SHIFT) as usize];
            run = match run {
                Some((s, _, q)) if q == p => Some((s, end, p)),
                Some((s, e, q)) => {
                    self.protect_run(s, e, q)?;
                    Some((start, end, p))
                }
                None => Some((start, end, p)),
            };
        }
        if let Some((s, e, q)) = run {
            self.protect_run(s, e, q)?;
        }
        Ok(())
    }

    /// Gives a maximal run of pages with guest permissions `p` its host
    /// protection (pages start unmapped-but-reserved or read + write).
    fn protect_run(&mut self, start: u64, end: u64, p: u8) -> Result<(), MemError> {
        if p != 0 && p != (PERM_R | PERM_W) && p != (PERM_R | PERM_W | PERM_X) {
            self.protect(start, end, host_prot(p))?;
        }
        Ok(())
    }

    pub fn layout(&self) -> &MemLayout {
        &self.layout
    }

    /// Host address of guest address 0. Translated code adds the
    /// zero-extended guest address to it.
    #[inline]
    pub fn base_ptr(&self) -> *mut u8 {
        self.base.as_ptr()
    }

    /// Permission bits of the page holding `addr`.
    #[inline]
    pub fn page_perms(&self, addr: u32) -> u8 {
        // SAFETY: perms has exactly 2^20 entries.
        unsafe { *self.perms.get_unchecked((addr >> PAGE_SHIFT) as usize) }
    }

    /// Is `[addr, addr + size)` entirely accessible with `need`?
    /// Addresses wrap modulo 2^32, as guest address arithmetic does.
    #[inline]
    pub fn check(&self, addr: u32, size: u32, need: u8) -> bool {
        let last = addr.wrapping_add(size - 1);
        if self.page_perms(addr) & need == 0 {
            return false;
        }
        (last >> PAGE_SHIFT) == (addr >> PAGE_SHIFT) || self.page_perms(last) & need != 0
    }

    #[inline]
    fn fault(kind: AccessKind, addr: u32, size: u32) -> MemFault {
        MemFault { kind, addr, size }
    }

    /// Reads `size` (1, 2 or 4) bytes little-endian, zero-extended.
    #[inline]
    pub fn read(&self, addr: u32, size: u32) -> Result<u32, MemFault> {
        if !self.check(addr, size, PERM_R) {
            return Err(Self::fault(AccessKind::Read, addr, size));
        }
        Ok(self.read_unchecked(addr, size))
    }

    #[inline]
    fn read_unchecked(&self, addr: u32, size: u32) -> u32 {
        let p = self.base.as_ptr();
        // SAFETY: checked accessible above; a wrapping access (addr near
        // 2^32) is split bytewise.
        unsafe {
            if addr.checked_add(size - 1).is_none() {
                let mut v = 0u32;
                for i in 0..size {
                    v |= (*p.add(addr.wrapping_add(i) as usize) as u32) << (8 * i);
                }
                return v;
            }
            let q = p.add(addr as usize);
            match size {
                1 => *q as u32,
                2 => (q as *const u16).read_unaligned() as u32,
                _ => (q as *const u32).read_unaligned(),
            }
        }
    }

    /// Writes the low `size` (1, 2 or 4) bytes of `value`.
    #[inline]
    pub fn write(&mut self, addr: u32, size: u32, value: u32) -> Result<(), MemFault> {
        if !self.check(addr, size, PERM_W) {
            return Err(Self::fault(AccessKind::Write, addr, size));
        }
        let p = self.base.as_ptr();
        // SAFETY: checked writable; host pages of writable guest pages are
        // writable.
        unsafe {
            if addr.checked_add(size - 1).is_none() {
                for i in 0..size {
                    *p.add(addr.wrapping_add(i) as usize) = (value >> (8 * i)) as u8;
                }
                return Ok(());
            }
            let q = p.add(addr as usize);
            match size {
                1 => *q = value as u8,
                2 => (q as *mut u16).write_unaligned(value as u16),
                _ => (q as *mut u32).write_unaligned(value),
            }
        }
        Ok(())
    }

    /// Fetches an instruction word: must lie below `code_limit`.
    #[inline]
    pub fn fetch(&self, pc: u32) -> Result<u32, MemFault> {
        if pc >= self.layout.code_limit || !self.check(pc, 4, PERM_X) {
            return Err(Self::fault(AccessKind::Execute, pc, 4));
        }
        Ok(self.read_unchecked(pc, 4))
    }

    fn check_range(&self, addr: u32, len: usize, need: u8) -> Result<(), MemFault> {
        let kind = if need == PERM_W {
            AccessKind::Write
        } else {
            AccessKind::Read
        };
        if len == 0 {
            return Ok(());
        }
        let end = addr as u64 + len as u64;
        if end > 1 << 32 {
            return Err(Self::fault(kind, addr, len as u32));
        }
        let mut page = (addr >> PAGE_SHIFT) as u64;
        let last = (end - 1) >> PAGE_SHIFT;
        while page <= last {
            if self.perms[page as usize] & need == 0 {
                let at = (page << PAGE_SHIFT).max(addr as u64) as u32;
                return Err(Self::fault(kind, at, len as u32));
            }
            page += 1;
        }
        Ok(())
    }

    /// Borrows `len` readable guest bytes (no wrap-around).
    pub fn slice(&self, addr: u32, len: usize) -> Result<&[u8], MemFault> {
        self.check_range(addr, len, PERM_R)?;
        if len == 0 {
            return Ok(&[]);
        }
        // SAFETY: every page of the range is mapped readable.
        Ok(unsafe { std::slice::from_raw_parts(self.base.as_ptr().add(addr as usize), len) })
    }

    /// Borrows `len` writable guest bytes (no wrap-around).
    pub fn slice_mut(&mut self, addr: u32, len: usize) -> Result<&mut [u8], MemFault> {
        self.check_range(addr, len, PERM_W)?;
        if len == 0 {
            return Ok(&mut []);
        }
        // SAFETY: every page of the range is mapped writable, and `self`
        // is borrowed mutably for the slice's lifetime.
        Ok(unsafe { std::slice::from_raw_parts_mut(self.base.as_ptr().add(addr as usize), len) })
    }

    /// Copies guest bytes out.
    pub fn read_bytes(&self, addr: u32, buf: &mut [u8]) -> Result<(), MemFault> {
        buf.copy_from_slice(self.slice(addr, buf.len())?);
        Ok(())
    }

    /// Copies bytes into writable guest memory.
    pub fn write_bytes(&mut self, addr: u32, data: &[u8]) -> Result<(), MemFault> {
        self.slice_mut(addr, data.len())?.copy_from_slice(data);
        Ok(())
    }

    /// Reads a NUL-terminated string of at most `max` bytes (without the NUL).
    pub fn read_cstr(&self, addr: u32, max: usize) -> Result<Vec<u8>, MemFault> {
        let mut out = Vec::new();
        let mut a = addr;
        while out.len() < max {
            let b = self.read(a, 1)? as u8;
            if b == 0 {
                break;
            }
            out.push(b);
            a = a.wrapping_add(1);
        }
        Ok(out)
    }

    /// Places section contents before [`GuestMemory::seal`], ignoring guest
    /// write permission (code and rodata are loaded this way).
    pub fn load(&mut self, addr: u32, data: &[u8]) -> Result<(), MemError> {
        if self.check_range(addr, data.len(), PERM_R).is_err() {
            return Err(MemError::Unmapped {
                addr,
                len: data.len(),
            });
        }
        if data.is_empty() {
            return Ok(());
        }
        // SAFETY: every page is mapped, and before sealing all mapped host
        // pages are writable.
        unsafe {
            std::ptr::copy_nonoverlapping(
                data.as_ptr(),
                self.base.as_ptr().add(addr as usize),
                data.len(),
            );
        }
        Ok(())
    }

    /// A 64-bit FNV-1a hash of all non-zero accessible guest pages, for
    /// comparing the final state of two engines.
    ///
    /// Pages the host never made resident are all zero and are skipped
    /// without reading them (`mincore`), so hashing a machine with a large
    /// mostly untouched heap costs time proportional to what was used.
    pub fn hash(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut resident = Vec::new();
        for r in &self.layout.regions {
            let pages = ((r.end - r.start) >> PAGE_SHIFT) as usize;
            resident.clear();
            resident.resize(pages, 1u8);
            // SAFETY: the range lies inside our reservation; mincore only
            // reports residency into `resident`.
            unsafe {
                libc::mincore(
                    self.base.as_ptr().add(r.start as usize) as *mut libc::c_void,
                    (r.end - r.start) as usize,
                    resident.as_mut_ptr(),
                );
            }
            for (i, &res) in resident.iter().enumerate() {
                let addr = r.start + ((i as u64) << PAGE_SHIFT);
                if res & 1 == 0 || self.perms[(addr >> PAGE_SHIFT) as usize] & PERM_R == 0 {
                    continue;
                }
                let Ok(bytes) = self.slice(addr as u32, PAGE_SIZE as usize) else {
                    continue;
                };
                if bytes.iter().all(|&b| b == 0) {
                    continue;
                }
                h ^= addr;
                h = h.wrapping_mul(0x100_0000_01b3);
                for chunk in bytes.chunks(8) {
                    h ^= u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
                    h = h.wrapping_mul(0x100_0000_01b3);
                }
            }
        }
        h
    }
}

impl Drop for GuestMemory {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly our own reservation.
        unsafe {
            libc::munmap(
                self.base.as_ptr().sub(GUARD_BELOW) as *mut libc::c_void,
                RESERVATION_SIZE,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Low memory is visible at 4 GiB too, with the same protection; a
    /// layout that maps the top of the guest space gets no mirror.
    #[test]
    fn low_memory_is_mirrored_above_4_gib() {
        let h = Header::new();
        let layout = MemLayout::from_header(&h);
        assert!(layout.mirrors_low_memory());
        let mut mem = GuestMemory::new(layout).expect("guest memory");
        assert!(mem.mirrored());
        mem.load(8, &[1, 2, 3, 4]).expect("load");
        mem.seal().expect("seal");
        // SAFETY: the mirror page is mapped readable (code is R).
        let above = unsafe { std::ptr::read(mem.base_ptr().add((1 << 32) + 8) as *const [u8; 4]) };
        assert_eq!(above, [1, 2, 3, 4]);

        let top = Header {
            mem_size: 0,
            stack_base: 0xFFFF_FFF0,
            stack_end: 0xFFF0_0000,
            ..Header::new()
        };
        let layout = MemLayout::from_header(&top);
        assert!(!layout.mirrors_low_memory());
        assert!(!GuestMemory::new(layout).expect("guest memory").mirrored());
    }
}
