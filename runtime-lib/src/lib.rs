//! The SLOW-32 guest machine, shared by every fast32 engine and linked into
//! AOT-compiled executables: the guest memory sandbox, the CPU state layout
//! translated code uses, traps, the MMIO host services, and the reference
//! interpreter that is the oracle for all other engines.

pub mod fpu;
pub mod host;
pub mod interp;
pub mod machine;
pub mod memory;
pub mod signals;
pub mod state;
pub mod termination;
pub mod trap;

pub use interp::Interpreter;
pub use machine::{LoadError, Machine, RunOutcome};
pub use memory::{GuestMemory, MemFault, MemLayout};
pub use state::{CpuState, ExitReason};
pub use trap::{Trap, TrapKind};
