//! fast32's ahead-of-time compiler: SLOW-32 executables to native code
//! with Cranelift.
//!
//! - [`discover`]: which guest addresses start blocks, and the guest
//!   functions they form;
//! - [`lower`]: one Cranelift function per guest function (the native ABI
//!   is documented there), independent of how the code is emitted;
//! - [`driver`]: what both drivers share (ISA settings, the per-function
//!   compile loop, `--emit-clif`);
//! - [`jit_driver`]: compiles a whole program in memory ([`Aot`]) and runs
//!   it on `fast32_aot_runtime`'s dispatcher;
//! - [`object_driver`]: compiles a whole program into a relocatable
//!   object with the guest image embedded;
//! - [`intrinsics`] and [`liveness`]: native `memcpy`, `strlen`, ... at
//!   call sites where that is provably exact;
//! - [`inline`]: small callees lowered inside their callers;
//! - [`pgo`]: profile hints (cold code, indirect-jump speculation,
//!   register choice by dynamic use);
//! - [`spill_weights`]: the register allocator's loop depths from the
//!   profile's block counts;
//! - [`link`]: links that object against the embedded runtime library
//!   into a standalone executable.

pub mod discover;
pub mod driver;
pub mod inline;
pub mod intrinsics;
pub mod jit_driver;
pub mod jumptable;
pub mod link;
pub mod liveness;
pub mod lower;
pub mod object_driver;
pub mod pgo;
pub mod regflow;
pub mod spill_weights;

pub use discover::{discover, CodeImage, DiscoverOptions, Program};
pub use jit_driver::{Aot, AotError, AotOptions, AotStats};
