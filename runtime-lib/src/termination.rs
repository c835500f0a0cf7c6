//! Stopping on SIGINT, SIGTERM and SIGHUP without losing guest output.
//!
//! Guest stdout is buffered by the host (see [`crate::host`]); a process
//! killed by one of these signals' default action loses what the guest
//! already handed over. [`install`] blocks the three signals in the
//! calling thread (and so in every thread it starts later) and leaves them
//! to one thread that waits for them with `sigwait`: it is an ordinary
//! thread, not a signal handler, so it may take locks and call `write`.
//! On a signal it delivers every registered output buffer as far as the
//! guest filled it, restores a terminal left in raw mode, prints
//! `fast32: stopped by SIG...` on stderr and exits with status 128 + the
//! signal number, as a shell reports a process killed by it.
//!
//! The engine keeps running meanwhile, whatever it is doing (translated
//! code that never polls, a guest blocked in a host read): nothing has to
//! reach a safe point, and the hot output path pays no lock. A second
//! signal during the delivery (a stdout nobody reads) kills the process
//! with the default action.

use crate::host::stdio::SharedBuf;
use std::sync::{Arc, Mutex, Once, Weak};
use std::time::Duration;

/// The signals that stop fast32 with its guest's output delivered.
pub const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

/// Output buffers of live hosts whose sink is a process descriptor.
static STREAMS: Mutex<Vec<Weak<SharedBuf>>> = Mutex::new(Vec::new());

/// Terminal settings to restore at a signal (set while the term service
/// has the terminal in raw mode).
static TERMIOS: Mutex<Option<libc::termios>> = Mutex::new(None);

/// How long the termination thread waits for a flush in progress.
const PATIENCE: Duration = Duration::from_secs(2);

/// Registers an output buffer for delivery at a signal.
pub(crate) fn register(buf: &Arc<SharedBuf>) {
    let mut s = STREAMS.lock().unwrap_or_else(|p| p.into_inner());
    s.retain(|w| w.strong_count() > 0);
    s.push(Arc::downgrade(buf));
}

/// Records the terminal settings a signal must restore (None: cooked mode
/// is back, nothing to restore).
pub(crate) fn set_terminal_restore(t: Option<libc::termios>) {
    *TERMIOS.lock().unwrap_or_else(|p| p.into_inner()) = t;
}

/// The signals of [`SIGNALS`] that fast32 was not started with ignored:
/// an ignored one stays ignored (`nohup` ignores SIGHUP, a shell starts
/// background jobs with SIGINT ignored).
fn signal_set() -> libc::sigset_t {
    static SET: std::sync::OnceLock<Vec<libc::c_int>> = std::sync::OnceLock::new();
    let taken = SET.get_or_init(|| {
        SIGNALS
            .into_iter()
            .filter(|&s| {
                // SAFETY: queries the disposition only (null new action).
                let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
                let rc = unsafe { libc::sigaction(s, std::ptr::null(), &mut old) };
                rc == 0 && old.sa_sigaction != libc::SIG_IGN
            })
            .collect()
    });
    // SAFETY: sigset_t is plain data initialised by sigemptyset.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for &s in taken {
            libc::sigaddset(&mut set, s);
        }
        set
    }
}

fn set_is_empty(set: &libc::sigset_t) -> bool {
    // SAFETY: sigismember only reads the set.
    SIGNALS
        .iter()
        .all(|&s| unsafe { libc::sigismember(set, s) } != 1)
}

/// Takes over SIGINT, SIGTERM and SIGHUP (those not ignored at the time)
/// for the rest of the process (once; later calls do nothing). Call it from the main thread before it starts
/// other threads: threads started earlier keep the signals unblocked and
/// the default action would still kill the process through them.
///
/// Child processes started with `std::process::Command` get the default
/// signal mask back, so they are not affected.
pub fn install() -> std::io::Result<()> {
    static ONCE: Once = Once::new();
    let mut result = Ok(());
    ONCE.call_once(|| {
        let set = signal_set();
        if set_is_empty(&set) {
            return;
        }
        // SAFETY: valid signal set; only this thread's mask changes.
        let rc = unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) };
        if rc != 0 {
            result = Err(std::io::Error::from_raw_os_error(rc));
            return;
        }
        let spawned = std::thread::Builder::new()
            .name("fast32-signals".into())
            .stack_size(64 << 10)
            .spawn(move || loop {
                let mut sig: libc::c_int = 0;
                // SAFETY: valid set and out-pointer.
                if unsafe { libc::sigwait(&set, &mut sig) } == 0 {
                    terminate(sig);
                }
            });
        if let Err(e) = spawned {
            // Without the thread, blocked signals would never stop us.
            // SAFETY: as above.
            unsafe { libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut()) };
            result = Err(e);
        }
    });
    result
}

fn signal_name(sig: libc::c_int) -> &'static str {
    match sig {
        libc::SIGINT => "SIGINT",
        libc::SIGTERM => "SIGTERM",
        libc::SIGHUP => "SIGHUP",
        _ => "a signal",
    }
}

/// Delivers the guest's output and exits with 128 + `sig`.
fn terminate(sig: libc::c_int) -> ! {
    // A second signal now takes the default action (through this thread,
    // the only one that no longer blocks it).
    let set = signal_set();
    // SAFETY: valid signal set; only this thread's mask changes.
    unsafe { libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut()) };
    let streams: Vec<Arc<SharedBuf>> = STREAMS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .filter_map(Weak::upgrade)
        .collect();
    for s in &streams {
        s.deliver_for_exit(PATIENCE);
    }
    if let Some(t) = *TERMIOS.lock().unwrap_or_else(|p| p.into_inner()) {
        // SAFETY: settings tcgetattr gave us.
        unsafe { libc::tcsetattr(0, libc::TCSAFLUSH, &t) };
    }
    let line = format!("fast32: stopped by {}\n", signal_name(sig));
    let _ = crate::host::stdio::write_all_fd(2, line.as_bytes());
    // SAFETY: ends the process without running anything else: the engine
    // thread may be anywhere.
    unsafe { libc::_exit(128 + sig) }
}
