//! revertcheck: evidence for maintainers deciding on AI-assisted C patches.
//!
//! The pipeline, one module per stage: `repo` (git) -> `index` (blobs -> `FileSymbols`, cached)
//! -> `symbols` (`SymbolTable`) -> `graph` (`DepGraph`) -> `changes` (`SymbolChange`) ->
//! `verdict` -> `report`. See ARCHITECTURE.md.

pub mod facts;
pub mod lang;
