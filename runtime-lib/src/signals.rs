//! The one process-wide SIGSEGV/SIGBUS handler that translated code
//! (JIT and AOT alike) relies on.
//!
//! Engines register a *claimer*: a function that looks at a fault and,
//! if the faulting instruction is one of its guest memory accesses, turns
//! it into a guest trap by editing the signal context and returns true.
//! Faults nobody claims go to the disposition installed before ours
//! (Rust's stack-overflow reporter, or the default action), so a real
//! host crash still looks like one.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

/// Handles a fault if it is the claimer's; must be async-signal-safe.
pub type Claim =
    unsafe fn(sig: libc::c_int, info: *mut libc::siginfo_t, uc: *mut libc::ucontext_t) -> bool;

const SLOTS: usize = 4;
static CLAIMS: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
static INSTALL: Once = Once::new();
static mut OLD_SEGV: std::mem::MaybeUninit<libc::sigaction> = std::mem::MaybeUninit::uninit();
static mut OLD_BUS: std::mem::MaybeUninit<libc::sigaction> = std::mem::MaybeUninit::uninit();

/// Registers `claim` (once per function) and installs the handler (once
/// per process).
pub fn install(claim: Claim) {
    let f = claim as usize;
    for slot in &CLAIMS {
        match slot.compare_exchange(0, f, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => break,
            Err(existing) if existing == f => break,
            Err(_) => continue,
        }
    }
    assert!(
        CLAIMS.iter().any(|s| s.load(Ordering::Acquire) == f),
        "too many fault claimers registered"
    );
    INSTALL.call_once(|| {
        // SAFETY: sigaction with a valid handler; the old actions are saved
        // before any fault can reach our handler (Once serializes this).
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = handler as *const () as usize;
            sa.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(
                libc::SIGSEGV,
                &sa,
                std::ptr::addr_of_mut!(OLD_SEGV) as *mut libc::sigaction,
            );
            libc::sigaction(
                libc::SIGBUS,
                &sa,
                std::ptr::addr_of_mut!(OLD_BUS) as *mut libc::sigaction,
            );
        }
    });
}

unsafe extern "C" fn handler(
    sig: libc::c_int,
    info: *mut libc::siginfo_t,
    uctx: *mut libc::c_void,
) {
    for slot in &CLAIMS {
        let f = slot.load(Ordering::Acquire);
        if f != 0 {
            let claim: Claim = std::mem::transmute(f);
            if claim(sig, info, uctx as *mut libc::ucontext_t) {
                return;
            }
        }
    }
    // Not ours: hand over to the previous disposition.
    let old = if sig == libc::SIGBUS {
        (*std::ptr::addr_of!(OLD_BUS)).assume_init_ref()
    } else {
        (*std::ptr::addr_of!(OLD_SEGV)).assume_init_ref()
    };
    if old.sa_flags & libc::SA_SIGINFO != 0 && old.sa_sigaction > 1 {
        let f: unsafe extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
            std::mem::transmute(old.sa_sigaction);
        f(sig, info, uctx);
    } else if old.sa_sigaction > 1 {
        let f: unsafe extern "C" fn(libc::c_int) = std::mem::transmute(old.sa_sigaction);
        f(sig);
    } else {
        // Default action: restore it and return; the fault repeats and
        // terminates the process as it would have without us.
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = libc::SIG_DFL;
        libc::sigaction(sig, &sa, std::ptr::null_mut());
    }
}
