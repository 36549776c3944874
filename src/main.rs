//! The `revertcheck` binary: parse the command line, run, map the outcome to an exit status.

fn main() {
    std::process::exit(revertcheck::cli::main());
}
