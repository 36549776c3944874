//! The integration tests: one binary, one module per area. Every test builds real git
//! repositories from fixtures/ in temporary directories.

mod audit;
mod bad_input;
mod check;
mod ci_reports;
mod deps;
mod extract;
mod json_doc;
mod qemu;
mod readonly;
mod revert;
mod revert_trust;
mod util;
