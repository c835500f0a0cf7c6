//! fast32's ahead-of-time compiler: SLOW-32 executables to native code
//! with Cranelift.
//!
//! - [`discover`]: which guest addresses start blocks, and the guest
//!   functions they form;
//! - [`lower`]: one Cranelift function per guest function (the native ABI
//!   is documented there), independent of how the code is emitted;
//! - [`fault`]: the entry trampoline and hardware faults → guest traps;
//! - [`jit_driver`]: compiles a whole program in memory ([`Aot`]) and runs
//!   it, handing code that discovery did not find to the JIT.

pub mod discover;
pub mod fault;
pub mod jit_driver;
pub mod lower;
pub mod regflow;

pub use discover::{discover, CodeImage, DiscoverOptions, Program};
pub use jit_driver::{Aot, AotError, AotOptions, AotStats};
