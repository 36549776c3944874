//! The blast radius of one changed symbol: who depends on it, in the base graph for what a patch
//! removes or re-shapes and in the tip graph for what it adds.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::Direction;

use super::{CheckContext, Side};
use crate::changes::{ChangeKind, SymbolChange};
use crate::graph::Node;
use crate::symbols::{FileId, Scope, SymbolId};
use crate::verdict::{Dependent, SymbolImpact};

/// Closure work is capped: a macro used everywhere must not take the run down.
const MAX_CLOSURE_NODES: usize = 20_000;

pub(super) fn of(
    ctx: &CheckContext,
    base: &Side,
    tip: &Side,
    touched: &BTreeMap<(String, String), Vec<usize>>,
    step: usize,
    path: &str,
    change: &SymbolChange,
) -> SymbolImpact {
    let mut impact = SymbolImpact {
        path: path.to_string(),
        change: change.clone(),
        dependents: Vec::new(),
        transitive: 0,
        files: 0,
        subsystems: Vec::new(),
        truncated: false,
        name_only: 0,
        own_uses_in_tests: 0,
        own_uses_elsewhere: 0,
    };
    if change.change == ChangeKind::CommentOnly {
        return impact;
    }
    // Removed and re-shaped symbols are judged by who used them before; added ones by who uses
    // them after the series. A symbol the series itself added is only in the tip.
    let (side, id) = match change.change {
        ChangeKind::Added => (tip, find(tip, path, change)),
        _ => match find(base, path, change) {
            Some(id) => (base, Some(id)),
            None => (tip, find(tip, path, change)),
        },
    };
    let Some(id) = id else { return impact };
    let node = side.graph.symbol_node(id);
    // A type whose members changed reaches only the code naming the removed or changed ones
    // (added ones are the patch's own business): users of the type that never name them keep
    // compiling. Read per file; a file that cannot be read keeps its users.
    let members: Vec<String> = change.removed_members.iter().chain(&change.changed_members).cloned().collect();
    let member_level = change.change == ChangeKind::Interface && !members.is_empty();
    let mut names_members: BTreeMap<FileId, bool> = BTreeMap::new();
    for (dep, edge) in side.graph.dependents(node) {
        if member_level {
            let names = *names_members.entry(edge.file).or_insert_with(|| {
                ctx.repo.read_blob(side.blobs[edge.file.0 as usize]).map_or(true, |text| {
                    let accessed = crate::members::member_names(&text);
                    members.iter().any(|m| accessed.contains(m))
                })
            });
            if !names {
                continue;
            }
        }
        let dep_path = side.table.path(edge.file).to_string();
        let (name, kind) = match side.graph.node(dep) {
            Node::Symbol(s) => {
                let sym = side.table.symbol(*s);
                (sym.name.clone(), sym.kind().as_str().to_string())
            }
            Node::FileScope(_) => ("<file scope>".to_string(), "file_scope".to_string()),
            Node::External { name, .. } => (name.clone(), "external".to_string()),
        };
        let site_file = side.table.file_id(path);
        let binding = side.graph.binding(&side.table, edge.file, id, site_file);
        if !binding.is_resolved() {
            impact.name_only += 1;
            continue;
        }
        let steps = touched.get(&(dep_path.clone(), name.clone()));
        let own = steps.is_some_and(|s| s.contains(&step));
        // The patch's own code: new uses of what it adds are part of it; users it had to edit
        // to follow a removal or an interface change are the change's reach.
        let adapted = own && matches!(change.change, ChangeKind::Removed | ChangeKind::Interface);
        if own && !adapted {
            // Whether the patch's own uses are tests' decides if a new helper is test code.
            if super::adapter::zone(ctx.policy, &dep_path).0 == crate::verdict::ZoneKind::Tests {
                impact.own_uses_in_tests += 1;
            } else if dep_path != path {
                impact.own_uses_elsewhere += 1;
            }
            continue;
        }
        // 1-based, as every report numbers patches; the commit id is filled in by `check`.
        let in_series = steps.and_then(|s| s.iter().copied().find(|&j| j != step)).map(|j| j + 1);
        impact.dependents.push(Dependent {
            adapted,
            binding,
            same_file: dep_path == path || private_to_dir(ctx, path, &dep_path),
            core: super::adapter::zone(ctx.policy, &dep_path).1,
            in_tests: super::adapter::zone(ctx.policy, &dep_path).0 == crate::verdict::ZoneKind::Tests,
            in_series,
            in_series_commit: None,
            name,
            kind,
            path: dep_path,
            line: edge.line,
        });
    }
    if change.change.reaches_dependents() {
        let (reached, truncated) = side.graph.closure(node, Direction::Incoming, ctx.depth, MAX_CLOSURE_NODES);
        impact.transitive = reached.len();
        impact.truncated = truncated;
        let files: BTreeSet<&str> =
            reached.iter().filter_map(|r| r.edge.map(|e| side.table.path(side.graph.edge(e).file))).collect();
        impact.files = files.len();
    }
    // Where the users are, for every change with users: a new macro value or inline body
    // reaches them too, even though they keep compiling.
    {
        if let Some(m) = ctx.maintainers {
            let mut subsystems: BTreeSet<String> = BTreeSet::new();
            for f in impact.outside().map(|d| d.path.as_str()).collect::<BTreeSet<_>>() {
                if let Some(s) = m.sections_for(f).first() {
                    subsystems.insert(s.title.clone());
                }
            }
            impact.subsystems = subsystems.into_iter().collect();
        }
    }
    impact
}

fn find(side: &Side, path: &str, change: &SymbolChange) -> Option<SymbolId> {
    let name = side.table.name_id(&change.name)?;
    let scope = if change.file_scoped { Scope::File(side.table.file_id(path)?) } else { Scope::Global };
    side.table.lookup(change.namespace, name, scope)
}

/// A use in the directory of a generator input whose names serve that directory only (a
/// trace event of `hw/net/trace-events` called from `hw/net/e1000.c`): as close as the same file.
fn private_to_dir(ctx: &CheckContext, def_path: &str, dep_path: &str) -> bool {
    let dir = |p: &str| p.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    ctx.config.generators.for_path(def_path).is_some_and(|g| g.private) && dir(def_path) == dir(dep_path)
}
