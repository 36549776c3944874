//! revertcheck: evidence for maintainers deciding on AI-assisted C patches.
//!
//! The pipeline, one module per stage: `repo` (git) -> `index` (blobs -> `FileSymbols`, cached)
//! -> `symbols` (`SymbolTable`) -> `graph` (`DepGraph`) -> `changes` (`SymbolChange`) ->
//! `verdict` -> `report`. See ARCHITECTURE.md.

pub mod audit;
pub mod changes;
pub mod check;
pub mod cli;
pub mod error;
pub mod facts;
pub mod fxhash;
pub mod graph;
pub mod history;
pub mod index;
pub mod instances;
pub mod lang;
pub mod members;
pub mod patch;
pub mod policy;
pub mod repo;
pub mod report;
pub mod revert;
pub mod scenario;
pub mod symbols;
pub mod verdict;
