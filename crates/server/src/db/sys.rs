//! The one place that calls the C library directly: asking Linux to stop a child when
//! its parent dies, and sending a signal to a process. Everything else is safe Rust.
#![allow(unsafe_code)]

use std::process::Command;

/// Makes the child receive SIGINT (PostgreSQL's "fast shutdown") when the thread that
/// spawned it dies, so a SIGKILLed server never leaves its private PostgreSQL running.
/// The caller must spawn from a thread that lives as long as the child should.
#[cfg(target_os = "linux")]
pub fn stop_with_parent(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: the closure runs in the forked child before exec and calls only
    // async-signal-safe functions (prctl, getppid), allocating nothing.
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGINT as libc::c_ulong, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may have died between fork and prctl: then nobody will stop us.
            if libc::getppid() != parent {
                return Err(std::io::Error::other("the parent exited while starting PostgreSQL"));
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
pub fn stop_with_parent(_cmd: &mut Command) {}

/// Sends SIGINT to `pid` (for a postmaster: fast shutdown). Returns false if there is no
/// such process.
pub fn interrupt(pid: u32) -> bool {
    // SAFETY: kill(2) has no memory-safety preconditions.
    unsafe { libc::kill(pid as libc::pid_t, libc::SIGINT) == 0 }
}

/// Whether a process with this id exists (signal 0 checks without sending anything).
pub fn alive(pid: u32) -> bool {
    // SAFETY: kill(2) with signal 0 only checks for existence and permission.
    let r = unsafe { libc::kill(pid as libc::pid_t, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Whether this process runs as root.
pub fn is_root() -> bool {
    // SAFETY: geteuid(2) cannot fail and touches no memory.
    unsafe { libc::geteuid() == 0 }
}
