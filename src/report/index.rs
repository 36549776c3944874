//! The `index` report.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use crate::cli::Format;
use crate::graph::{DepGraph, GraphStats};
use crate::index::{Index, IndexStats};
use crate::symbols::SymbolTable;

#[derive(Serialize)]
pub struct IndexSummary {
    pub schema: &'static str,
    pub rev: String,
    pub tree: String,
    pub files: usize,
    pub bytes: u64,
    /// Definition sites by kind.
    pub definitions: BTreeMap<&'static str, usize>,
    pub symbols: usize,
    pub references: usize,
    pub graph: GraphStats,
    /// Template files (definitions or uses named by a macro's text) and the names their
    /// definitions get where they are included.
    pub templates: TemplateStats,
    pub index: IndexStats,
    pub parse_errors: Vec<ParseProblem>,
    pub elapsed_ms: u128,
}

#[derive(Serialize)]
pub struct ParseProblem {
    pub path: String,
    pub error_nodes: u32,
    pub missing_nodes: u32,
    pub timed_out: bool,
}

#[derive(Serialize, Default)]
pub struct TemplateStats {
    pub files: usize,
    /// Symbols with names per inclusion, and how many names they have in all.
    pub named: usize,
    pub names: usize,
}

impl IndexSummary {
    pub fn new(rev: &str, index: &Index, table: &SymbolTable, graph: &DepGraph, elapsed: Duration) -> IndexSummary {
        let mut definitions = BTreeMap::new();
        let mut references = 0;
        let mut parse_errors = Vec::new();
        for f in &index.files {
            for d in &f.symbols.definitions {
                *definitions.entry(d.kind.as_str()).or_insert(0) += 1;
            }
            references += f.symbols.references.len();
            let h = &f.symbols.health;
            if !h.is_clean() {
                parse_errors.push(ParseProblem {
                    path: f.path.clone(),
                    error_nodes: h.error_nodes,
                    missing_nodes: h.missing_nodes,
                    timed_out: h.timed_out,
                });
            }
        }
        IndexSummary {
            schema: "revertcheck/index/v1",
            rev: rev.to_string(),
            tree: index.tree.hex(),
            files: index.files.len(),
            bytes: index.stats.bytes,
            definitions,
            symbols: table.symbols.len(),
            references,
            graph: graph.stats.clone(),
            templates: TemplateStats {
                files: index.files.iter().filter(|f| f.symbols.template).count(),
                named: table.symbols.iter().filter(|s| !s.aliases.is_empty()).count(),
                names: table.symbols.iter().map(|s| s.aliases.len()).sum(),
            },
            index: index.stats.clone(),
            parse_errors,
            elapsed_ms: elapsed.as_millis(),
        }
    }
}

pub fn print(s: &IndexSummary, format: Format, verbose: bool) {
    if format == Format::Json {
        return super::print_json(s);
    }
    let st = &s.index;
    println!("{} (tree {})", s.rev, &s.tree[..12]);
    println!(
        "files        {} C files and {} build-time generator inputs, {:.1} MB",
        st.files - st.generator_inputs,
        st.generator_inputs,
        st.bytes as f64 / 1e6
    );
    let kinds: Vec<String> = s.definitions.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!("definitions  {}", kinds.join(", "));
    println!("symbols      {}", s.symbols);
    println!("references   {} (distinct per definition)", s.references);
    println!(
        "graph        {} nodes, {} edges, {} ambiguous, {} by name only, {} externals",
        s.graph.nodes, s.graph.edges, s.graph.ambiguous_edges, s.graph.name_only_edges, s.graph.externals
    );
    println!("includes     {} resolved, {} not in the tree", s.graph.includes_resolved, s.graph.includes_unresolved);
    println!(
        "templates    {} files named by their includers' macros: {} definitions get {} names",
        s.templates.files, s.templates.named, s.templates.names
    );
    println!(
        "parse        {} files with ERROR/MISSING nodes, {} timed out",
        st.files_with_parse_errors, st.files_timed_out
    );
    println!(
        "skipped      {} (too large, links, submodules), {} binary, {} not UTF-8 (parsed as bytes)",
        st.skipped.len(),
        st.binary.len(),
        st.non_utf8.len()
    );
    println!(
        "cache        {} hits, {} parsed, {} corrupt entries rebuilt{}",
        st.cache_hits,
        st.parsed,
        st.cache_corrupt,
        st.cache_write_error.as_ref().map_or(String::new(), |e| format!(" (not written: {e})")) + &pruned(st)
    );
    println!("elapsed      {} ms (index {} ms)", s.elapsed_ms, st.elapsed_ms);
    if verbose {
        for p in &s.parse_errors {
            if p.timed_out {
                println!("  parse: {}: timed out (--parse-timeout); nothing extracted", p.path);
            } else {
                println!("  parse: {}: {} errors, {} missing", p.path, p.error_nodes, p.missing_nodes);
            }
        }
        for k in &st.skipped {
            println!("  skipped: {}: {:?}", k.path, k.reason);
        }
        for p in &st.binary {
            println!("  binary: {p}");
        }
        for p in &st.non_utf8 {
            println!("  not UTF-8: {p}");
        }
    }
}

/// `, removed older cache versions v2.3 (30.1 MB)`, or nothing.
fn pruned(st: &IndexStats) -> String {
    if st.cache_pruned.is_empty() {
        return String::new();
    }
    let names: Vec<String> = st
        .cache_pruned
        .iter()
        .map(|p| std::path::Path::new(&p.path).file_name().map_or(p.path.clone(), |n| n.to_string_lossy().into_owned()))
        .collect();
    let bytes: u64 = st.cache_pruned.iter().map(|p| p.bytes).sum();
    format!(", removed older cache versions {} ({:.1} MB)", names.join(", "), bytes as f64 / 1e6)
}
