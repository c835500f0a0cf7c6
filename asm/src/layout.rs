//! Memory layout of the linked image, and the symbols a linker defines.
//!
//! The rules are those of the reference linker `s32-ld` in its default
//! packed mode, as the repository's programs are linked (`--mmio 64K`):
//!
//! - `.text` at 0; `code_limit` = end of code rounded up to a page (at
//!   least one page);
//! - `.rodata` at `code_limit`; `rodata_limit` = its end rounded up to a page;
//! - `.data` at `rodata_limit`, then `.init_array`, then `.bss`, each
//!   aligned as its contents ask (at least 4); the header's `data_limit`
//!   is the end of `.bss`, as `s32-ld` writes it;
//! - heap from the page after `.bss`;
//! - with MMIO, a 64 KiB window at `page_up(heap_base + heap_size)`;
//! - stack top `stack_base` (0x0FFFFFF0), bottom `stack_base - stack_size`.
//!
//! `s32-ld` switches tiny programs (everything under 4 KiB) to a
//! "compact" layout with the stack just above the data; it cannot combine
//! that with MMIO (its stack then overlaps the window), so fast32 always
//! uses the regular layout: one rule for every program, stack at
//! 0x0FFFFFF0 as the ISA documentation says.

use crate::expr::Sec;
use crate::AsmOptions;
use fast32_isa::s32x::MMIO_WINDOW_SIZE;

pub(crate) const PAGE: u64 = 0x1000;

fn page_up(x: u64) -> u64 {
    (x + PAGE - 1) & !(PAGE - 1)
}
fn align_up(x: u64, a: u64) -> u64 {
    let a = a.max(1);
    x.div_ceil(a) * a
}

/// Addresses of everything, decided after pass 1.
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    /// Base address per [`Sec`] (index by `Sec::idx`); 0 for `Discard`.
    pub base: [u32; 6],
    pub code_limit: u32,
    pub rodata_limit: u32,
    /// End of initialized data (`.data` + `.init_array`).
    pub data_end: u32,
    pub bss_end: u32,
    pub heap_base: u32,
    pub mmio_base: u32,
    pub stack_base: u32,
    pub stack_end: u32,
    pub init_array: (u32, u32),
}

/// Lays the sections out. `size` and `align` are indexed by `Sec::idx`.
pub(crate) fn compute(
    size: &[u64; 6],
    align: &[u64; 6],
    opts: &AsmOptions,
) -> Result<Layout, Vec<String>> {
    let mut errs = Vec::new();
    let s = |x: Sec| size[x.idx()];
    let text_base = 0u64;
    // At least one page, so that the entry point (0 for an empty
    // program) always lies inside the code region a loader accepts.
    let code_limit = page_up(text_base + s(Sec::Text)).max(PAGE);
    let rodata_base = code_limit;
    let rodata_limit = page_up(rodata_base + s(Sec::Rodata));
    let data_base = rodata_limit;
    let data_raw_end = data_base + s(Sec::Data);
    let init_base = if s(Sec::InitArray) > 0 {
        align_up(data_raw_end, align[Sec::InitArray.idx()].max(4))
    } else {
        data_raw_end
    };
    let data_end = init_base + s(Sec::InitArray);
    let bss_base = if s(Sec::Bss) > 0 {
        align_up(data_end, align[Sec::Bss.idx()].max(4))
    } else {
        data_end
    };
    let bss_end = bss_base + s(Sec::Bss);
    let heap_base = page_up(bss_end);
    let mmio_base = if opts.mmio {
        page_up(heap_base + opts.heap_size as u64)
    } else {
        0
    };
    let stack_base = opts.stack_base as u64;
    let stack_size = opts.stack_size as u64;
    let mem_size = if opts.mem_size == 0 {
        1u64 << 32
    } else {
        opts.mem_size as u64
    };

    if stack_size > stack_base {
        errs.push(format!(
            "stack size 0x{stack_size:X} is larger than the stack base 0x{stack_base:X}"
        ));
    }
    let stack_end = stack_base.saturating_sub(stack_size);
    if stack_base >= mem_size {
        errs.push(format!(
            "stack base 0x{stack_base:08X} lies outside guest memory (mem_size 0x{mem_size:X})"
        ));
    }
    if bss_end > stack_end {
        errs.push(format!(
            "program too large: code, data and bss end at 0x{bss_end:X}, past the stack bottom 0x{stack_end:08X} \
             (sizes: .text 0x{:X}, .rodata 0x{:X}, .data 0x{:X}, .bss 0x{:X})",
            s(Sec::Text),
            s(Sec::Rodata),
            s(Sec::Data) + s(Sec::InitArray),
            s(Sec::Bss)
        ));
    } else if opts.mmio && mmio_base + MMIO_WINDOW_SIZE as u64 > stack_end {
        errs.push(format!(
            "MMIO window 0x{mmio_base:08X}..0x{:08X} overlaps the stack (bottom 0x{stack_end:08X}); \
             reduce heap_size or stack_size, or raise stack_base",
            mmio_base + MMIO_WINDOW_SIZE as u64
        ));
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let u = |x: u64| x as u32;
    let mut base = [0u32; 6];
    base[Sec::Text.idx()] = u(text_base);
    base[Sec::Rodata.idx()] = u(rodata_base);
    base[Sec::Data.idx()] = u(data_base);
    base[Sec::InitArray.idx()] = u(init_base);
    base[Sec::Bss.idx()] = u(bss_base);
    Ok(Layout {
        base,
        code_limit: u(code_limit),
        rodata_limit: u(rodata_limit),
        data_end: u(data_end),
        bss_end: u(bss_end),
        heap_base: u(heap_base),
        mmio_base: u(mmio_base),
        stack_base: u(stack_base),
        stack_end: u(stack_end),
        // s32-ld defines both as 0 when there is no .init_array.
        init_array: if s(Sec::InitArray) > 0 {
            (u(init_base), u(data_end))
        } else {
            (0, 0)
        },
    })
}

/// The symbols `s32-ld` defines, with the same names and meanings, so
/// that startup code written for the reference toolchain (zeroing
/// `__bss_start..__bss_end`, finding the MMIO window at `__mmio_base`,
/// malloc's `__heap_start`) works unchanged. A program's own definition
/// of one of these names wins, as with `s32-ld`.
pub(crate) fn linker_symbols(l: &Layout, opts: &AsmOptions) -> Vec<(&'static str, u32)> {
    let mmio_end = if opts.mmio {
        l.mmio_base + MMIO_WINDOW_SIZE
    } else {
        0
    };
    let heap_end = if opts.mmio { l.mmio_base } else { l.stack_end };
    let data_base = l.base[Sec::Data.idx()];
    vec![
        ("__code_start", 0),
        ("__code_end", l.code_limit),
        ("__rodata_start", l.base[Sec::Rodata.idx()]),
        ("__rodata_end", l.rodata_limit),
        ("__data_start", data_base),
        ("__data_end", l.data_end),
        ("__data_load", data_base),
        ("__data_load_start", data_base),
        ("__bss_start", l.data_end),
        ("__bss_end", l.bss_end),
        ("__bss_start__", l.data_end),
        ("__bss_end__", l.bss_end),
        ("_bss_start", l.data_end),
        ("_bss_end", l.bss_end),
        ("__heap_start", l.heap_base),
        ("__heap_end", heap_end),
        ("__mmio_base", l.mmio_base),
        ("__mmio_end", mmio_end),
        ("__stack_base", l.stack_base),
        ("__stack_top", l.stack_base),
        ("__stack_end", l.stack_end),
        ("__stack_bottom", l.stack_end),
        ("_stack", l.stack_base),
        ("__etext", l.rodata_limit),
        ("_etext", l.rodata_limit),
        ("etext", l.rodata_limit),
        ("__edata", l.data_end),
        ("_edata", l.data_end),
        ("edata", l.data_end),
        ("__end", l.bss_end),
        ("_end", l.bss_end),
        ("end", l.bss_end),
        ("__init_array_start", l.init_array.0),
        ("__init_array_end", l.init_array.1),
        // fast32-asm does not build .eh_frame from CFI directives; the
        // symbols exist (empty) so unwinder code still assembles.
        ("__eh_frame_start", 0),
        ("__eh_frame_end", 0),
        ("__eh_frame_hdr_start", 0),
        ("__eh_frame_hdr_end", 0),
    ]
}
