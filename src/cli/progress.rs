//! Progress on stderr for the stages that take more than a moment on a QEMU-sized tree (index,
//! graph, check, revert; the audit has its own bar). Drawn only on a terminal and never with
//! `--quiet`; cleared when the stage ends, so nothing of it stays in the output.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::Cli;

fn shown(cli: &Cli) -> bool {
    !cli.quiet && std::io::stderr().is_terminal()
}

/// A spinner with a message, for a stage whose size is not known up front.
pub fn stage(cli: &Cli, message: impl Into<String>) -> ProgressBar {
    if !shown(cli) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner()
        .with_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("the template is valid"))
        .with_message(message.into());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// A bar over `len` items (commits to revert, say).
pub fn bar(cli: &Cli, len: usize, prefix: &'static str) -> ProgressBar {
    if !shown(cli) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64)
        .with_style(
            ProgressStyle::with_template("{prefix} [{bar:40}] {pos}/{len} {msg} {elapsed}")
                .expect("the template is valid"),
        )
        .with_prefix(prefix);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
