//! The `revertcheck` binary: parse the command line, run, map the outcome to an exit status.

fn main() {
    // Like git and every other Unix filter: when the reader goes away (`revertcheck ... | head`),
    // end quietly on SIGPIPE. Rust ignores SIGPIPE by default, so `println!` would panic with a
    // backtrace instead.
    #[cfg(unix)]
    // SAFETY: called first thing, before any other thread exists; SIG_DFL is always valid.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    std::process::exit(revertcheck::cli::main());
}
