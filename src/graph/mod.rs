//! The dependency graph: which symbol uses which, with file:line evidence. The only user of
//! petgraph.
//!
//! Resolution of a use of `name` in file F: a file-scoped definition in F, then one in a file
//! textually connected to F (a `.c.inc` F includes, or the `.c` that includes F; for a private
//! header a few units include, those units; for a header expanded elsewhere, that place; see
//! `includes`), then the global symbol. A global symbol with providing sites in several files
//! is still one node; the edge records the site nearest to F by path and is marked ambiguous.
//! Names defined nowhere (libc, glib, generated headers) become external nodes.
//!
//! Each edge also says how well the use can see the definition (`Binding`): in the same file,
//! through F's `#include` chain, as the only definition of the name its link unit can reach, or
//! by name alone. Only the first three are dependencies a verdict may rest on: `linux-user`
//! calling libc's `reboot` is not a use of a `reboot` prototype in a fuzzing header it never
//! includes, and `target/arm` code does not use `target/hexagon`'s `DisasContext`.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::OnceLock;

use crate::fxhash::{FxHashMap, FxHashSet};

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use crate::facts::{Namespace, RefKind, SymbolKind};
use crate::index::Index;
use crate::symbols::{FileId, LinkUnit, NameId, Scope, SymbolId, SymbolTable};

mod includes;

use includes::connected_files;
pub use includes::resolve_include;

/// A node: a symbol, a name defined nowhere in the tree, or a file's top-level code.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    Symbol(SymbolId),
    External {
        namespace: Namespace,
        name: String,
    },
    /// Code outside any definition: `type_init(foo_register_types)`, `#ifdef` conditions.
    FileScope(FileId),
}

/// How a use reaches the definition it is resolved to, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Binding {
    /// The definition stands in the using file.
    Exact,
    /// A file the using file includes (directly or through other headers), or a `.c.inc`
    /// textually joined with it, holds a site of the definition.
    Include,
    /// Nothing visible declares it, but it is the only definition of the name that the using
    /// file's link unit can reach (a call without a prototype in view, an include we could not
    /// resolve).
    Unique,
    /// Bound by name only: several candidates, or one the using file cannot link with.
    NameOnly,
}

impl Binding {
    pub fn as_str(self) -> &'static str {
        match self {
            Binding::Exact => "exact",
            Binding::Include => "include",
            Binding::Unique => "unique",
            Binding::NameOnly => "name-only",
        }
    }

    /// Strong enough for a verdict to rest on.
    pub fn is_resolved(self) -> bool {
        self != Binding::NameOnly
    }
}

/// Evidence for one use: the first place (in line order) where `from` uses `to` in one file.
#[derive(Clone, Debug)]
pub struct Edge {
    pub kind: RefKind,
    pub file: FileId,
    pub line: u32,
    /// The target has providing definitions in several files; `site_file` is the nearest.
    pub ambiguous: bool,
    pub site_file: Option<FileId>,
    /// How the use sees the target symbol (any of its sites); `NameOnly` for externals.
    pub binding: Binding,
}

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct GraphStats {
    pub nodes: usize,
    pub edges: usize,
    pub ambiguous_edges: usize,
    /// Edges to symbols that the use can see only by name (`Binding::NameOnly`).
    pub name_only_edges: usize,
    pub externals: usize,
    pub includes_resolved: usize,
    pub includes_unresolved: usize,
}

pub struct DepGraph {
    graph: DiGraph<Node, Edge>,
    symbol_nodes: Vec<NodeIndex>,
    file_nodes: Vec<NodeIndex>,
    visibility: Visibility,
    pub stats: GraphStats,
}

impl DepGraph {
    pub fn build(index: &Index, table: &SymbolTable) -> DepGraph {
        let mut graph = DiGraph::new();
        let symbol_nodes: Vec<NodeIndex> =
            (0..table.symbols.len()).map(|i| graph.add_node(Node::Symbol(SymbolId(i as u32)))).collect();
        let file_nodes: Vec<NodeIndex> =
            (0..table.files.len()).map(|i| graph.add_node(Node::FileScope(FileId(i as u32)))).collect();
        let mut stats = GraphStats::default();
        let (connected, includes) = connected_files(index, table, &mut stats);
        let visibility = Visibility::new(includes, connected.clone());
        let mut externals: FxHashMap<(Namespace, NameId), NodeIndex> = FxHashMap::default();
        // One edge per (user, used, file): a symbol with sites in several files (per-target
        // copies) keeps the evidence of each file's use, so each can be judged by what that
        // file sees.
        let mut seen: FxHashSet<(NodeIndex, NodeIndex, FileId)> = FxHashSet::default();

        for (fi, file) in index.files.iter().enumerate() {
            let fid = FileId(fi as u32);
            let fs = &file.symbols;
            let in_template = table.has_used_names(fid);
            for r in &fs.references {
                let from = match r.from {
                    Some(d) => symbol_nodes[table.symbol_of_def(fid, d).0 as usize],
                    None => file_nodes[fi],
                };
                let namespace = if r.kind == RefKind::Tag { Namespace::Tag } else { Namespace::Ordinary };
                let written = table.file_name(fid, r.name);
                // A use written as an invocation (`ADDRESS_SPACE_LD_INTERNAL(m)(...)` in a
                // template) stands for the names it makes where the file is included.
                let used = if in_template { table.used_names(fid, r.name, r.line) } else { None };
                for k in 0..used.map_or(1, <[_]>::len) {
                    let (name, text, unit) = match used {
                        Some(u) => (u[k].name, u[k].text.as_ref(), u[k].unit),
                        None => (written, fs.name(r.name), fid),
                    };
                    // In a template: its own statics, then those of the unit whose inclusion
                    // made the name, then what the template itself sees.
                    let found = match unit != fid {
                        true => table
                            .lookup(namespace, name, Scope::File(fid))
                            .or_else(|| resolve(table, &connected, namespace, name, unit))
                            .or_else(|| resolve(table, &connected, namespace, name, fid)),
                        false => resolve(table, &connected, namespace, name, fid),
                    };
                    let (to, target) = match found {
                        Some(id) => (symbol_nodes[id.0 as usize], Some(id)),
                        None => {
                            let node = *externals.entry((namespace, name)).or_insert_with(|| {
                                graph.add_node(Node::External { namespace, name: text.to_string() })
                            });
                            (node, None)
                        }
                    };
                    if from == to || !seen.insert((from, to, fid)) {
                        continue;
                    }
                    let ambiguous = target.is_some_and(|id| table.is_multi_file(id));
                    let site_file = match target {
                        Some(id) if ambiguous => nearest_site(table, table.symbol(id).providers().map(|s| s.file), fid),
                        Some(id) => table.symbol(id).sites.first().map(|s| s.file),
                        None => None,
                    };
                    let binding = match target {
                        Some(id) => visibility.binding(table, fid, id, None),
                        None => Binding::NameOnly,
                    };
                    stats.ambiguous_edges += usize::from(ambiguous);
                    stats.name_only_edges += usize::from(target.is_some() && binding == Binding::NameOnly);
                    graph.add_edge(
                        from,
                        to,
                        Edge { kind: r.kind, file: fid, line: r.line, ambiguous, site_file, binding },
                    );
                }
            }
        }
        stats.nodes = graph.node_count();
        stats.edges = graph.edge_count();
        stats.externals = externals.len();
        DepGraph { graph, symbol_nodes, file_nodes, visibility, stats }
    }

    /// Does `file` see `other`: the same file, or one it includes (transitively) or is joined
    /// with?
    pub fn sees(&self, file: FileId, other: FileId) -> bool {
        file == other || self.visibility.seen_from(file).binary_search(&other).is_ok()
    }

    /// How a use in `use_file` sees symbol `id`: any of its sites, or with `site`, the
    /// providing site in that one file (and the symbol's declarations): what a change of one
    /// per-target copy of a name reaches.
    pub fn binding(&self, table: &SymbolTable, use_file: FileId, id: SymbolId, site: Option<FileId>) -> Binding {
        self.visibility.binding(table, use_file, id, site)
    }

    pub fn symbol_node(&self, id: SymbolId) -> NodeIndex {
        self.symbol_nodes[id.0 as usize]
    }

    pub fn file_node(&self, id: FileId) -> NodeIndex {
        self.file_nodes[id.0 as usize]
    }

    pub fn node(&self, n: NodeIndex) -> &Node {
        &self.graph[n]
    }

    /// Direct neighbours: what `n` uses (`Outgoing`) or what uses `n` (`Incoming`), with evidence.
    pub fn neighbours(&self, n: NodeIndex, dir: Direction) -> Vec<(NodeIndex, &Edge)> {
        let mut out: Vec<(NodeIndex, &Edge)> = self
            .graph
            .edges_directed(n, dir)
            .map(|e| (if dir == Direction::Outgoing { e.target() } else { e.source() }, e.weight()))
            .collect();
        out.sort_by_key(|(_, e)| (e.file, e.line));
        out
    }

    pub fn dependents(&self, n: NodeIndex) -> Vec<(NodeIndex, &Edge)> {
        self.neighbours(n, Direction::Incoming)
    }

    pub fn dependencies(&self, n: NodeIndex) -> Vec<(NodeIndex, &Edge)> {
        self.neighbours(n, Direction::Outgoing)
    }

    /// Breadth-first closure from `start` in `dir`, up to `depth` steps and `max_nodes` nodes.
    /// Returns (node, depth, the edge that reached it) and whether `max_nodes` cut it short.
    pub fn closure(&self, start: NodeIndex, dir: Direction, depth: u32, max_nodes: usize) -> (Vec<Reached>, bool) {
        let mut seen = HashSet::from([start]);
        let mut queue = VecDeque::from([(start, 0u32)]);
        let mut out = Vec::new();
        while let Some((n, d)) = queue.pop_front() {
            if d == depth {
                continue;
            }
            for (next, _) in self.neighbours(n, dir) {
                if seen.insert(next) {
                    if out.len() == max_nodes {
                        return (out, true);
                    }
                    let edge = self.graph.find_edge_undirected(n, next).map(|(e, _)| e);
                    out.push(Reached { node: next, depth: d + 1, via: n, edge });
                    queue.push_back((next, d + 1));
                }
            }
        }
        (out, false)
    }

    pub fn edge(&self, e: EdgeIndex) -> &Edge {
        &self.graph[e]
    }
}

/// One node reached by `closure`.
#[derive(Clone, Debug)]
pub struct Reached {
    pub node: NodeIndex,
    pub depth: u32,
    pub via: NodeIndex,
    pub edge: Option<EdgeIndex>,
}

fn resolve(
    table: &SymbolTable,
    connected: &HashMap<FileId, Vec<FileId>>,
    namespace: Namespace,
    name: NameId,
    file: FileId,
) -> Option<SymbolId> {
    if let Some(id) = table.lookup(namespace, name, Scope::File(file)) {
        return Some(id);
    }
    for &other in connected.get(&file).map_or(&[][..], Vec::as_slice) {
        if let Some(id) = table.lookup(namespace, name, Scope::File(other)) {
            return Some(id);
        }
    }
    table.lookup(namespace, name, Scope::Global)
}

/// The candidate file sharing the longest directory prefix with `from`, first by path on ties.
fn nearest_site(table: &SymbolTable, candidates: impl Iterator<Item = FileId>, from: FileId) -> Option<FileId> {
    let from_path = table.path(from);
    candidates.min_by_key(|&f| (std::cmp::Reverse(common_dirs(table.path(f), from_path)), f))
}

fn common_dirs(a: &str, b: &str) -> usize {
    a.split('/').zip(b.split('/')).take_while(|(x, y)| x == y).count()
}

/// What each file can see through `#include`: the include graph, with each file's transitive
/// closure worked out the first time it is asked for (about 300 headers for a QEMU `.c` file
/// through `qemu/osdep.h`).
struct Visibility {
    /// Per file, the files its `#include` lines name (those found in the tree).
    includes: Vec<Vec<FileId>>,
    /// Translation-unit files textually joined with each other (`.c` and the `.c.inc` it
    /// includes, both ways).
    connected: HashMap<FileId, Vec<FileId>>,
    /// Per file, the sorted closure of its includes, itself included.
    closure: Vec<OnceLock<Box<[FileId]>>>,
}

impl Visibility {
    fn new(includes: Vec<Vec<FileId>>, connected: HashMap<FileId, Vec<FileId>>) -> Visibility {
        let closure = (0..includes.len()).map(|_| OnceLock::new()).collect();
        Visibility { includes, connected, closure }
    }

    /// Every file `file` sees: itself, the files joined with it, and everything they include,
    /// transitively.
    fn seen_from(&self, file: FileId) -> &[FileId] {
        self.closure[file.0 as usize].get_or_init(|| {
            let mut seen: FxHashSet<FileId> = FxHashSet::default();
            let mut stack = vec![file];
            stack.extend(self.connected.get(&file).into_iter().flatten());
            while let Some(f) = stack.pop() {
                if seen.insert(f) {
                    stack.extend(self.includes[f.0 as usize].iter().filter(|i| !seen.contains(i)));
                }
            }
            let mut out: Vec<FileId> = seen.into_iter().collect();
            out.sort_unstable();
            out.into()
        })
    }

    fn binding(&self, table: &SymbolTable, use_file: FileId, id: SymbolId, site: Option<FileId>) -> Binding {
        let symbol = table.symbol(id);
        let seen = self.seen_from(use_file);
        let sees = |f: FileId| f == use_file || seen.binary_search(&f).is_ok();
        // Most uses are settled by the first two checks below, before these are needed.
        let unit = || LinkUnit::of(table.path(use_file));
        let links = |unit: &LinkUnit, f: FileId| unit.links_with(&LinkUnit::of(table.path(f)));
        let providers = || {
            let mut providers: Vec<FileId> = symbol.providers().map(|s| s.file).collect();
            providers.dedup();
            providers
        };
        // A definition read from a damaged tree competes like any other, but is never the one
        // the linker is sure to find: a local of a function tree-sitter could not read
        // (decNumber.c's `Int r;`) would otherwise be the "only" `r` for every `r` QEMU writes.
        let damaged = |f: FileId| symbol.providers().any(|s| s.file == f && s.damaged);
        let declarations = || symbol.sites.iter().filter(|s| s.kind.is_declaration_only()).map(|s| s.file);
        // Types, macros and enumerators exist only where a header brings them in; the linker
        // binds functions and variables by name alone.
        let linkable = matches!(
            symbol.kind(),
            SymbolKind::Function | SymbolKind::Prototype | SymbolKind::Variable | SymbolKind::ExternVariable
        );
        let Some(site) = site else {
            if symbol.sites.iter().any(|s| s.file == use_file) {
                return Binding::Exact;
            }
            if symbol.sites.iter().any(|s| sees(s.file)) {
                return Binding::Include;
            }
            let (unit, providers) = (unit(), providers());
            let mut reachable = providers.iter().filter(|&&f| links(&unit, f));
            return match (reachable.next(), reachable.next()) {
                (Some(&f), None) if linkable && !damaged(f) => Binding::Unique,
                _ => Binding::NameOnly,
            };
        };
        // One providing site of several: the use reaches it only if it sees that file, or if
        // no other provider it could link with competes (a stub never competes with the real
        // definition; a real definition always wins over a stub).
        if site == use_file {
            return Binding::Exact;
        }
        if sees(site) {
            return Binding::Include;
        }
        let path = |f: FileId| table.path(f);
        let (unit, providers) = (unit(), providers());
        let competing =
            providers.iter().any(|&f| f != site && links(&unit, f) && (!is_stub(path(f)) || is_stub(path(site))));
        // A declaration the use cannot see binds nothing: only a definition can be "the only
        // one" the linker would find (`reboot` declared in a fuzzing header is not libc's).
        if competing || !links(&unit, site) || !providers.contains(&site) || damaged(site) {
            return Binding::NameOnly;
        }
        if declarations().any(sees) {
            Binding::Include
        } else if linkable {
            Binding::Unique
        } else {
            Binding::NameOnly
        }
    }
}

/// QEMU links `stubs/` (and `*-stub.c`, `stub*.c` files) only where the real definition is
/// absent: a use reaches the real one.
pub fn is_stub(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    path.starts_with("stubs/") || path.contains("/stubs/") || file.contains("stub")
}
