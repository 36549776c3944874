//! The integration tests: one binary, one module per area. Every test builds real git
//! repositories from fixtures/ in temporary directories.

mod audit;
mod bad_input;
mod check;
mod ci_reports;
mod cli;
mod corpus;
mod damaged;
mod deps;
mod evidence;
mod explain;
mod extract;
mod generated;
mod instances;
mod json_doc;
mod mail;
mod plumbing;
mod policy;
mod qemu;
mod readonly;
mod revert;
mod revert_trust;
mod split_history;
mod templates;
mod text;
mod trailers;
mod util;
