//! The dependency graph: which symbol uses which, with file:line evidence. The only user of
//! petgraph.
//!
//! Resolution of a use of `name` in file F: a file-scoped definition in F, then one in a file
//! textually connected to F (a `.c.inc` F includes, or the `.c` that includes F; for a private
//! header a few units include, those units, see `template_units`), then the global symbol. A global symbol with providing sites in several files is still one node; the edge
//! records the site nearest to F by path and is marked ambiguous. Names defined nowhere (libc,
//! glib, generated headers) become external nodes.
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
use crate::symbols::{is_translation_unit_path, FileId, LinkUnit, NameId, Scope, SymbolId, SymbolTable};

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

/// For each translation-unit file, the other translation-unit files it is textually joined
/// with by `#include` (both directions): their file-scoped symbols are visible to it. And per
/// file, the files its includes resolve to.
fn connected_files(
    index: &Index,
    table: &SymbolTable,
    stats: &mut GraphStats,
) -> (HashMap<FileId, Vec<FileId>>, Vec<Vec<FileId>>) {
    let mut by_basename: HashMap<&str, Vec<FileId>> = HashMap::new();
    for (i, path) in table.files.iter().enumerate() {
        let base = path.rsplit('/').next().unwrap_or(path);
        by_basename.entry(base).or_default().push(FileId(i as u32));
    }
    // Generated files (`trace/trace-hw_net.h`, `target/riscv/decode-insn32.c.inc`) stand for
    // their generator's input, which holds the definitions.
    let mut generated: HashMap<&str, (FileId, bool)> = HashMap::new();
    for (fi, file) in index.files.iter().enumerate() {
        for path in file.generated.iter().flat_map(|g| g.paths.iter()) {
            generated
                .entry(path.as_str())
                .or_insert((FileId(fi as u32), file.generated.as_ref().is_some_and(|g| g.joins)));
        }
    }
    let mut connected: HashMap<FileId, Vec<FileId>> = HashMap::new();
    let mut includes: Vec<Vec<FileId>> = vec![Vec::new(); index.files.len()];
    let mut joined_inputs: Vec<(FileId, FileId)> = Vec::new();
    let mut expanded_in: Vec<(FileId, FileId)> = Vec::new();
    for (fi, file) in index.files.iter().enumerate() {
        let from = FileId(fi as u32);
        let computed = file.symbols.includes.iter().flat_map(|inc| {
            index.computed_includes.iter().filter(move |c| c.when == inc.path).map(|c| c.also.as_str())
        });
        // The file an include of `when` brings in, where the `also` header is expanded
        // (exec/helper-gen.h, whose helper-gen.h.inc includes the target's helper.h).
        for c in file
            .symbols
            .includes
            .iter()
            .flat_map(|inc| index.computed_includes.iter().filter(move |c| c.when == inc.path))
        {
            let when = resolve_include(table, &by_basename, &file.path, &c.when);
            let also = resolve_include(table, &by_basename, &file.path, &c.also);
            if let (Some(when), Some(also)) = (when, also) {
                expanded_in.push((also, when));
            }
        }
        let paths: Vec<(&str, bool)> = file
            .symbols
            .includes
            .iter()
            .map(|i| (i.path.as_str(), i.exact))
            .chain(computed.map(|p| (p, false)))
            .collect();
        for (inc_path, exact) in paths {
            let found = if exact {
                resolve_include_exactly(table, &file.path, inc_path)
            } else {
                resolve_include(table, &by_basename, &file.path, inc_path)
            };
            let target = match found {
                Some(target) => target,
                None => match resolve_generated(&generated, &file.path, inc_path) {
                    Some((input, joins)) => {
                        stats.includes_resolved += 1;
                        includes[fi].push(input);
                        if joins {
                            joined_inputs.push((input, from));
                        }
                        continue;
                    }
                    None => {
                        stats.includes_unresolved += 1;
                        continue;
                    }
                },
            };
            stats.includes_resolved += 1;
            includes[fi].push(target);
            if exact {
                // A header an include-path macro names (`#define HELPER_H "accel/tcg/tcg-runtime.h"`
                // before `#include "exec/helper-gen.h.inc"`) is expanded by what the definer
                // includes next: it sees what the definer sees. One way.
                expanded_in.push((target, from));
            }
            if is_translation_unit_path(table.path(target)) && is_translation_unit_path(&file.path) {
                connected.entry(from).or_default().push(target);
                connected.entry(target).or_default().push(from);
                // `#include "tcg-target.c.inc"` in tcg/tcg.c is each host's tcg/<host>/ file,
                // by the build's include path: every one equally near is compiled in tcg.c.
                for other in alternatives(table, &by_basename, &file.path, inc_path, target) {
                    expanded_in.push((other, from));
                }
            }
        }
    }
    // A generated C fragment (decodetree's `.c.inc`) is part of the translation unit that
    // includes it, and of every file joined with that one: the `trans_*` functions it calls may
    // be defined in another `.c.inc` of the same unit.
    for (input, includer) in joined_inputs {
        let unit: Vec<FileId> = connected.get(&includer).cloned().unwrap_or_default();
        for other in unit.into_iter().chain([includer]).filter(|&f| f != input) {
            connected.entry(input).or_default().push(other);
            connected.entry(other).or_default().push(input);
        }
    }
    for (header, units) in template_units(table, &includes) {
        connected.entry(header).or_default().extend(units);
    }
    for (fragment, above) in unit_ancestors(table, &includes) {
        connected.entry(fragment).or_default().extend(above);
    }
    // A header a computed include brings in (the target's helper.h) is expanded inside the file
    // that includes it: its DEF_HELPER lines make code that sees what helper-gen.h.inc includes
    // (`TCGv_ptr`, `tcgv_ptr_temp`). One way.
    for (header, context) in expanded_in {
        if header == context {
            continue;
        }
        connected.entry(header).or_default().push(context);
        // And the private headers it includes, expanded in the same place (target/i386/helper.h
        // includes tcg/ops_sse_header.h.inc, whose DEF_HELPER lines are the target's too).
        for &inner in &includes[header.0 as usize] {
            let path = table.path(inner);
            if inner != context && inner != header && !path.starts_with("include/") && !is_translation_unit_path(path) {
                connected.entry(inner).or_default().push(context);
            }
        }
    }
    // What every translation unit includes first (QEMU's qemu/osdep.h, which brings in
    // qemu/typedefs.h and glib) comes before every header too: a header's macro that names
    // `Object` sees its typedef. One way.
    if let Some(prelude) = prelude(index, table, &includes) {
        for fi in 0..index.files.len() {
            let f = FileId(fi as u32);
            if f != prelude && !is_translation_unit_path(table.path(f)) {
                connected.entry(f).or_default().push(prelude);
            }
        }
    }
    for v in connected.values_mut() {
        v.sort();
        v.dedup();
    }
    (connected, includes)
}

/// The other files an include could name as well as `chosen`, `resolve_include`'s pick: those
/// with the same name, as near to the includer (tcg/<host>/tcg-target.c.inc for tcg/tcg.c).
fn alternatives(
    table: &SymbolTable,
    by_basename: &HashMap<&str, Vec<FileId>>,
    from_path: &str,
    include: &str,
    chosen: FileId,
) -> Vec<FileId> {
    let base = include.rsplit('/').next().unwrap_or(include);
    let suffix = format!("/{include}");
    let near = common_dirs(table.path(chosen), from_path);
    let unit = LinkUnit::of(table.path(chosen));
    by_basename
        .get(base)
        .into_iter()
        .flatten()
        .copied()
        .filter(|&f| {
            let path = table.path(f);
            f != chosen && path.ends_with(&suffix) && common_dirs(path, from_path) == near && LinkUnit::of(path) == unit
        })
        .collect()
}

/// The header most `.c` files include first, when more than half of those that include any
/// do: QEMU's rule that every `.c` file starts with `#include "qemu/osdep.h"`.
fn prelude(index: &Index, table: &SymbolTable, includes: &[Vec<FileId>]) -> Option<FileId> {
    let mut first: FxHashMap<FileId, usize> = FxHashMap::default();
    let mut units = 0;
    for (fi, file) in index.files.iter().enumerate() {
        if !file.path.ends_with(".c") || file.symbols.includes.is_empty() {
            continue;
        }
        units += 1;
        // The first include, if it resolved: `includes` keeps the resolved ones in order.
        if let Some(&target) = includes[fi].first() {
            let first_path = &file.symbols.includes[0].path;
            let base = first_path.rsplit('/').next().unwrap_or(first_path);
            if table.path(target).ends_with(base) {
                *first.entry(target).or_default() += 1;
            }
        }
    }
    let (&prelude, &count) = first.iter().max_by_key(|(f, n)| (**n, std::cmp::Reverse(**f)))?;
    (count * 2 > units && !is_translation_unit_path(table.path(prelude))).then_some(prelude)
}

/// A `.c.inc` included by another (system/memory_ldst_endian.c.inc by memory_ldst.c.inc, by
/// physmem.c) is compiled in the unit at the top: it sees that unit's statics and includes
/// (`hwaddr`), one way. Joins of direct pairs are made both ways above; here the files further
/// up, at most a few (a fragment many units include is joined with none of them this way).
fn unit_ancestors(table: &SymbolTable, includes: &[Vec<FileId>]) -> Vec<(FileId, Vec<FileId>)> {
    const MAX_LEVELS: usize = 4;
    const MAX_ANCESTORS: usize = 4;
    let unit_path = |f: FileId| is_translation_unit_path(table.path(f));
    let mut includers: FxHashMap<FileId, Vec<FileId>> = FxHashMap::default();
    for (fi, targets) in includes.iter().enumerate() {
        let from = FileId(fi as u32);
        if !unit_path(from) {
            continue;
        }
        for &t in targets.iter().filter(|&&t| t != from && unit_path(t)) {
            includers.entry(t).or_default().push(from);
        }
    }
    let mut out = Vec::new();
    for (&fragment, direct) in &includers {
        let (mut above, mut frontier) = (Vec::new(), direct.clone());
        for _ in 0..MAX_LEVELS {
            let mut next: Vec<FileId> = frontier
                .iter()
                .flat_map(|f| includers.get(f).into_iter().flatten().copied())
                .filter(|f| *f != fragment && !above.contains(f) && !direct.contains(f))
                .collect();
            next.sort_unstable();
            next.dedup();
            if next.is_empty() {
                break;
            }
            above.extend(next.iter().copied());
            frontier = next;
        }
        above.sort_unstable();
        above.dedup();
        if !above.is_empty() && above.len() <= MAX_ANCESTORS {
            out.push((fragment, above));
        }
    }
    out.sort_unstable();
    out
}

/// A header outside `include/` that a few translation units include, directly or through
/// other such headers, is a fragment of them: a template instantiated with the includer's
/// macros (`accel/tcg/atomic_template.h` in cputlb.c and user-exec.c, `ops_sse.h`,
/// `cirrus_vga_rop2.h`), or a private header. It sees what its includers define and include
/// before it: `atomic_mmu_lookup` is a static of cputlb.c. Joined one way only, the header to
/// its units: they already see it. A header more files include is an interface, and sees only
/// what it includes itself.
fn template_units(table: &SymbolTable, includes: &[Vec<FileId>]) -> Vec<(FileId, Vec<FileId>)> {
    /// How many units, and how many header levels up, a fragment may have.
    const MAX_UNITS: usize = 4;
    const MAX_LEVELS: usize = 3;
    let fragment = |f: FileId| {
        let path = table.path(f);
        !is_translation_unit_path(path) && !path.starts_with("include/")
    };
    let mut includers: FxHashMap<FileId, Vec<FileId>> = FxHashMap::default();
    for (fi, targets) in includes.iter().enumerate() {
        for &t in targets.iter().filter(|&&t| fragment(t) && t.0 as usize != fi) {
            includers.entry(t).or_default().push(FileId(fi as u32));
        }
    }
    let mut out = Vec::new();
    for (&header, direct) in &mut includers.clone() {
        // A template is included once per instantiation: five times by cputlb.c.
        direct.sort_unstable();
        direct.dedup();
        let (mut units, mut level, mut frontier) = (Vec::new(), 0, direct.clone());
        let mut fits = direct.len() <= MAX_UNITS;
        while fits && !frontier.is_empty() && level < MAX_LEVELS {
            let mut next = Vec::new();
            for f in frontier.drain(..) {
                if is_translation_unit_path(table.path(f)) {
                    units.push(f);
                } else if fragment(f) {
                    next.extend(includers.get(&f).into_iter().flatten().copied());
                } else {
                    // Included by an interface header: it is part of that interface.
                    fits = false;
                }
            }
            units.sort_unstable();
            units.dedup();
            fits &= units.len() <= MAX_UNITS;
            frontier = next;
            level += 1;
        }
        if fits && frontier.is_empty() && !units.is_empty() {
            out.push((header, units));
        }
    }
    out.sort_unstable();
    out
}

/// Finds the file an `#include` names: next to the includer, under `include/`, then the file
/// with that path suffix nearest to the includer.
pub fn resolve_include(
    table: &SymbolTable,
    by_basename: &HashMap<&str, Vec<FileId>>,
    from_path: &str,
    include: &str,
) -> Option<FileId> {
    let dir = from_path.rsplit_once('/').map_or("", |(d, _)| d);
    let sibling = if dir.is_empty() { include.to_string() } else { format!("{dir}/{include}") };
    if let Some(id) = table.file_id(&normalize(&sibling)) {
        return Some(id);
    }
    if let Some(id) = table.file_id(&format!("include/{include}")) {
        return Some(id);
    }
    let base = include.rsplit('/').next().unwrap_or(include);
    let suffix = format!("/{include}");
    let candidates = by_basename.get(base)?;
    let from = table.file_id(from_path)?;
    // Never a guess into a program the includer is not part of: QEMU's `"helper.h"` is no
    // firmware's (pc-bios/s390-ccw/helper.h). A program of its own may include QEMU's headers
    // (a TCG plugin, `<qemu-plugin.h>`). Targets are left to the nearest path: linux-user/aarch64
    // includes target/arm's `"cpu.h"`.
    let unit = LinkUnit::of(from_path);
    let may_include = |path: &str| match (&unit, LinkUnit::of(path)) {
        (LinkUnit::Standalone(a), LinkUnit::Standalone(b)) => *a == b,
        (_, LinkUnit::Standalone(_)) => false,
        _ => true,
    };
    nearest_site(
        table,
        candidates.iter().copied().filter(|&f| {
            let path = table.path(f);
            (path.ends_with(&suffix) || path == include) && may_include(path)
        }),
        from,
    )
}

/// An include named by a macro: next to the includer, from the top of the tree, or under
/// `include/`; no guess by file name.
fn resolve_include_exactly(table: &SymbolTable, from_path: &str, include: &str) -> Option<FileId> {
    let dir = from_path.rsplit_once('/').map_or("", |(d, _)| d);
    let sibling = if dir.is_empty() { include.to_string() } else { format!("{dir}/{include}") };
    [normalize(&sibling), normalize(include), format!("include/{include}")].iter().find_map(|p| table.file_id(p))
}

/// The generator input an `#include` of a generated file stands for: the generated path
/// next to the includer (`decode-insn32.c.inc` from `target/riscv/translate.c`), or as written
/// from the top of the build tree (`trace/trace-hw_net.h`, `qapi/qapi-types-block-core.h`).
fn resolve_generated(
    generated: &HashMap<&str, (FileId, bool)>,
    from_path: &str,
    include: &str,
) -> Option<(FileId, bool)> {
    let dir = from_path.rsplit_once('/').map_or("", |(d, _)| d);
    let sibling = normalize(&format!("{dir}/{include}"));
    generated.get(sibling.as_str()).or_else(|| generated.get(normalize(include).as_str())).copied()
}

/// Folds `a/../b` and `./` in a relative path.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(p),
        }
    }
    parts.join("/")
}
