//! C source -> `FileSymbols`. The only module that imports tree-sitter. Also the readers of
//! build-time generator inputs (`generators`), which give the same facts for the names
//! trace-events, decodetree, QAPI and hxtool files make.
//!
//! Pipeline for one file: mask QEMU macro idioms (`mask`, with the table in `idioms`), parse,
//! run the queries of grammars/c (`queries`), turn captures into definitions and references
//! (`extract`). Syntax trees never leave this module and are dropped as soon as a file is done.

mod errors;
mod extract;
pub mod generators;
pub mod idioms;
pub mod lexer;
pub mod mask;
pub mod preproc;
mod queries;
mod walk;

pub use errors::{parse_error_sites, ErrorSite};
pub use extract::{Extractor, Limits};
pub use generators::{ComputedInclude, GeneratedHeaders, GeneratorSpec, GeneratorTable};
pub use idioms::{IdiomSpec, IdiomTable};
pub use queries::Queries;

/// Bumped whenever extraction output changes for the same bytes: cache entries of another
/// version are ignored and rebuilt.
pub const EXTRACTOR_VERSION: u32 = 21;

/// Parses `src` with tree-sitter only, returning the node count: the floor that benchmarks
/// compare extraction against.
pub fn raw_parse_node_count(parser: &mut tree_sitter::Parser, src: &[u8]) -> usize {
    parser.parse(src, None).map_or(0, |t| t.root_node().descendant_count())
}

/// A parser for `raw_parse_node_count`.
pub fn raw_parser() -> tree_sitter::Parser {
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&tree_sitter_c::LANGUAGE.into()).expect("tree-sitter-c matches the tree-sitter ABI");
    parser
}
