//! A loaded guest: CPU state, memory sandbox and host services, ready for
//! any engine to run.

use crate::host::{Host, HostAction, HostConfig};
use crate::memory::{GuestMemory, MemError, MemLayout};
use crate::state::CpuState;
use crate::trap::Trap;
use fast32_isa::s32x::Image;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RunOutcome {
    /// HALT (status = r1) or the EXIT service (its status).
    Exit(u32),
    /// A guest fault or a resource limit.
    Trap(Trap),
}

impl RunOutcome {
    /// The process exit status fast32 uses: the low 8 bits of the guest's
    /// status, or 200 + trap kind for traps.
    pub fn exit_status(&self) -> i32 {
        match self {
            RunOutcome::Exit(s) => (*s & 0xFF) as i32,
            RunOutcome::Trap(t) => t.kind.exit_status(),
        }
    }
}

/// Why a program could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Memory(#[from] MemError),
    #[error("entry point 0x{entry:08X} is outside the code region [0, 0x{code_limit:08X})")]
    BadEntry { entry: u32, code_limit: u32 },
}

/// A guest program loaded into its sandbox.
pub struct Machine {
    pub cpu: CpuState,
    pub mem: GuestMemory,
    pub host: Host,
    /// Set from another thread (e.g. a `--timeout` timer) to stop the run
    /// with a [`crate::TrapKind::Timeout`] trap at the next check.
    pub interrupt: Arc<AtomicBool>,
}

impl Machine {
    /// Lays out memory from the header, loads the sections, seals the
    /// page protections and sets up registers (all zero but sp).
    pub fn new(image: &Image, config: HostConfig) -> Result<Machine, LoadError> {
        Machine::new_at(image, config, None)
    }

    /// As [`Machine::new`], with guest memory at host address `mem_at` if
    /// that range is free (see [`GuestMemory::new_at`]).
    pub fn new_at(
        image: &Image,
        config: HostConfig,
        mem_at: Option<usize>,
    ) -> Result<Machine, LoadError> {
        let h = &image.header;
        if h.entry >= h.code_limit {
            return Err(LoadError::BadEntry {
                entry: h.entry,
                code_limit: h.code_limit,
            });
        }
        let layout = MemLayout::from_header(h);
        let mut mem = GuestMemory::new_at(layout, mem_at)?;
        for s in image.sections.iter().filter(|s| s.is_loaded()) {
            mem.load(s.vaddr, &s.data)?;
        }
        mem.seal()?;
        let cpu = CpuState::new(h.entry, h.stack_base, mem.base_ptr());
        let mmio = if h.has_mmio() {
            Some(h.mmio_base)
        } else {
            None
        };
        Ok(Machine {
            cpu,
            mem,
            host: Host::new(config, mmio),
            interrupt: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Services the MMIO ring (the guest executed YIELD). `Some` if the
    /// guest asked to exit.
    pub fn service_yield(&mut self) -> Option<RunOutcome> {
        match self.host.on_yield(&mut self.mem) {
            HostAction::Continue => None,
            HostAction::Exit(status) => Some(RunOutcome::Exit(status)),
        }
    }

    /// The guest executed HALT: pending requests are still serviced (as
    /// the reference does), then the run ends with r1 as status.
    pub fn halt(&mut self) -> RunOutcome {
        match self.service_yield() {
            Some(o) => o,
            None => RunOutcome::Exit(self.cpu.regs[1]),
        }
    }
}
