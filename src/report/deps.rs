//! The `deps` report: a symbol's uses or users, direct or transitive, with file:line evidence.

use petgraph::Direction;
use serde::Serialize;

use crate::cli::DepsFormat;
use crate::graph::{DepGraph, Node};
use crate::symbols::{Scope, SymbolId, SymbolTable};

#[derive(Serialize)]
pub struct DepsResult {
    pub schema: &'static str,
    pub direction: &'static str,
    pub symbols: Vec<SymbolDeps>,
}

#[derive(Serialize)]
pub struct SymbolDeps {
    pub symbol: NodeRef,
    /// The symbol's other sites, `path:line` (a header's prototype, a generator input's
    /// declaration such as a `DEF_HELPER` line), file order.
    pub also_at: Vec<String>,
    /// The names a template's definition gets where it is included (`address_space_lduw_le`
    /// for `ADDRESS_SPACE_LD(uw)`), sorted; empty for most symbols.
    pub names: Vec<String>,
    pub entries: Vec<DepEntry>,
    /// The `--max-nodes` cap cut the listing short.
    pub truncated: bool,
}

/// A node as a reader wants it named.
#[derive(Serialize, Clone)]
pub struct NodeRef {
    pub name: String,
    pub kind: String,
    /// `file` for a file-scoped symbol, `global`, or `external`.
    pub scope: String,
    pub path: Option<String>,
    pub line: Option<u32>,
}

#[derive(Serialize)]
pub struct DepEntry {
    pub node: NodeRef,
    pub depth: u32,
    /// How the use is made: call, value, type, tag, lexical.
    pub via: String,
    /// Where the use stands.
    pub path: String,
    pub line: u32,
    pub ambiguous: bool,
    /// How the use sees the definition: `exact`, `include`, `unique`, `name-only`.
    pub binding: &'static str,
}

pub fn node_ref(table: &SymbolTable, graph: &DepGraph, n: petgraph::graph::NodeIndex) -> NodeRef {
    match graph.node(n) {
        Node::Symbol(id) => symbol_ref(table, *id),
        Node::External { name, .. } => {
            NodeRef { name: name.clone(), kind: "external".into(), scope: "external".into(), path: None, line: None }
        }
        Node::FileScope(f) => NodeRef {
            name: format!("<file scope of {}>", table.path(*f)),
            kind: "file_scope".into(),
            scope: "file".into(),
            path: Some(table.path(*f).to_string()),
            line: None,
        },
    }
}

pub fn symbol_ref(table: &SymbolTable, id: SymbolId) -> NodeRef {
    let s = table.symbol(id);
    let site = s.providers().next().unwrap_or(&s.sites[0]);
    NodeRef {
        name: s.name.clone(),
        kind: s.kind().as_str().into(),
        scope: match s.scope {
            Scope::Global => "global".into(),
            Scope::File(_) => "file".into(),
        },
        path: Some(table.path(site.file).to_string()),
        line: Some(site.line),
    }
}

impl DepsResult {
    pub fn new(
        table: &SymbolTable,
        graph: &DepGraph,
        ids: &[SymbolId],
        reverse: bool,
        depth: u32,
        max_nodes: usize,
    ) -> DepsResult {
        let dir = if reverse { Direction::Incoming } else { Direction::Outgoing };
        let symbols = ids
            .iter()
            .map(|&id| {
                let (reached, truncated) = graph.closure(graph.symbol_node(id), dir, depth, max_nodes);
                let entries = reached
                    .iter()
                    .map(|r| {
                        let e = r.edge.map(|e| graph.edge(e));
                        DepEntry {
                            node: node_ref(table, graph, r.node),
                            depth: r.depth,
                            via: e.map_or("", |e| e.kind.as_str()).into(),
                            path: e.map_or(String::new(), |e| table.path(e.file).to_string()),
                            line: e.map_or(0, |e| e.line),
                            ambiguous: e.is_some_and(|e| e.ambiguous),
                            binding: e.map_or("", |e| e.binding.as_str()),
                        }
                    })
                    .collect();
                let symbol = symbol_ref(table, id);
                let also_at = table
                    .symbol(id)
                    .sites
                    .iter()
                    .map(|s| (table.path(s.file), s.line))
                    .filter(|&(p, l)| (Some(p), Some(l)) != (symbol.path.as_deref(), symbol.line))
                    .map(|(p, l)| format!("{p}:{l}"))
                    .collect();
                let mut names = table.symbol(id).aliases.clone();
                names.sort();
                SymbolDeps { symbol, also_at, names, entries, truncated }
            })
            .collect();
        DepsResult { schema: "revertcheck/deps/v1", direction: if reverse { "used_by" } else { "uses" }, symbols }
    }
}

pub fn print(r: &DepsResult, table: &SymbolTable, format: DepsFormat) {
    let _ = table;
    match format {
        DepsFormat::Json => super::print_json(r),
        DepsFormat::Dot => {
            println!("digraph deps {{");
            for s in &r.symbols {
                for e in &s.entries {
                    let (a, b) = if r.direction == "used_by" {
                        (&e.node.name, &s.symbol.name)
                    } else {
                        (&s.symbol.name, &e.node.name)
                    };
                    println!("  \"{a}\" -> \"{b}\" [label=\"{}\"];", e.via);
                }
            }
            println!("}}");
        }
        DepsFormat::Text => anstream::print!("{}", text(r)),
    }
}

/// The text: the symbol and where it is defined, then one `path:line:` line per use (the
/// evidence first, as compilers and checkpatch print it), farther ones under `N steps away:`; what comes from
/// outside the tree (libc, a header not in it) on one line at the end.
fn text(r: &DepsResult) -> String {
    use std::fmt::Write;

    use super::text::{bold, capped, count, dim};
    let mut out = String::new();
    for s in &r.symbols {
        let sym = &s.symbol;
        let _ = writeln!(
            out,
            "{} ({}, {} scope) defined at {}:{}",
            bold(&sym.name),
            sym.kind.replace('_', "-"),
            sym.scope,
            sym.path.as_deref().unwrap_or("?"),
            sym.line.unwrap_or(0)
        );
        if !s.also_at.is_empty() {
            let _ = writeln!(out, "also declared at {}", s.also_at.join(", "));
        }
        if !s.names.is_empty() {
            let _ = writeln!(out, "named where it is included: {}", s.names.join(", "));
        }
        let (inside, outside): (Vec<_>, Vec<_>) = s.entries.iter().partition(|e| e.node.kind != "external");
        let what = if r.direction == "used_by" { "used by" } else { "uses" };
        let _ = writeln!(
            out,
            "{what} {}{}:",
            count(inside.len(), "symbol", "symbols"),
            if s.truncated { " (truncated by --max-nodes)" } else { "" }
        );
        let mut depth = 1;
        for e in inside {
            if e.depth != depth {
                depth = e.depth;
                let _ = writeln!(out, "  {} steps away:", depth);
            }
            let at = e.node.path.as_deref().map(|p| format!(", {p}:{}", e.node.line.unwrap_or(0))).unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}{}: {} ({}{at}) {}{}",
                if e.depth > 1 { "  " } else { "" },
                bold(&format!("{}:{}", e.path, e.line)),
                e.node.name,
                e.node.kind.replace('_', "-"),
                dim(&format!("via {}", e.via)),
                match (e.ambiguous, e.binding) {
                    (_, "name-only") => "; by name only: the use cannot see this definition",
                    (true, _) => "; ambiguous: defined in several files",
                    _ => "",
                }
            );
        }
        if !outside.is_empty() {
            let mut names: Vec<String> = outside.iter().map(|e| e.node.name.clone()).collect();
            names.dedup();
            let _ = writeln!(out, "and {} from outside the tree: {}", names.len(), capped(&names, 12));
        }
    }
    out
}
