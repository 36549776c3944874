//! Can a landed commit still be thrown away? The analysis behind `revertcheck revert` and the
//! nightly audit: textual (does `git revert` apply), semantic cascade (later code using what the
//! commit introduced or re-shaped), rework (later edits of the symbols it changed), and whether
//! it was already reverted.
//!
//! One `Target` (index, symbols and graph of the revision reverted at) serves every commit
//! analysed against it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;

use crate::changes::{self, ChangeKind};
use crate::error::Result;
use crate::facts::FileSymbols;
use crate::graph::{DepGraph, Node};
use crate::history::History;
use crate::index::{self, Index, IndexConfig};
use crate::lang::Extractor;
use crate::repo::{is_c_path, BlobId, CommitId, CommitInfo, FileDiff, Repo};
use crate::symbols::{scope_of, FileId, Scope, SymbolTable};

/// The revision reverted at, indexed once.
pub struct Target {
    pub commit: CommitId,
    pub info: CommitInfo,
    pub index: Index,
    pub table: SymbolTable,
    pub graph: DepGraph,
}

impl Target {
    pub fn new(repo: &Repo, commit: CommitId, config: &IndexConfig) -> Result<Target> {
        let info = repo.commit_info(commit)?;
        let index = index::index_tree(repo, repo.tree_of(commit)?, config)?;
        let table = SymbolTable::build(&index);
        let graph = DepGraph::build(&index, &table);
        Ok(Target { commit, info, index, table, graph })
    }
}

/// The four outcomes, worst last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RevertVerdict {
    /// `git revert` applies and nothing later depends on or reworked what the commit did.
    Clean,
    /// Applies, but later code uses what it introduced, or later commits reworked its symbols.
    Entangled,
    /// `git revert` would stop with conflicts.
    Conflicting,
    /// A later commit already reverts it.
    Reverted,
}

impl RevertVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            RevertVerdict::Clean => "clean",
            RevertVerdict::Entangled => "entangled",
            RevertVerdict::Conflicting => "conflicting",
            RevertVerdict::Reverted => "reverted",
        }
    }
}

/// A commit as reports name it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CommitRef {
    pub id: String,
    pub summary: String,
}

impl CommitRef {
    pub fn of(info: &CommitInfo) -> CommitRef {
        CommitRef { id: info.id.hex(), summary: info.summary.clone() }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ConflictReport {
    pub path: String,
    pub start_line: u32,
    pub end_line: u32,
    pub kind: &'static str,
    /// Later commits that last changed the conflicting lines.
    pub changed_by: Vec<CommitRef>,
}

/// A later use of something the commit added or re-shaped.
#[derive(Clone, Debug, Serialize)]
pub struct CascadeUse {
    pub symbol: String,
    pub change: &'static str,
    /// The symbol (or `<file scope>`) that uses it at the target revision.
    pub used_by: String,
    pub path: String,
    pub line: u32,
    pub introduced_by: Option<CommitRef>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Rework {
    pub symbol: String,
    pub path: String,
    pub commits: Vec<CommitRef>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RevertAnalysis {
    pub commit: CommitRef,
    pub verdict: RevertVerdict,
    pub applies: bool,
    pub conflicts: Vec<ConflictReport>,
    pub cascade: Vec<CascadeUse>,
    pub rework: Vec<Rework>,
    pub reverted_by: Option<CommitRef>,
    /// A revert of the commit was itself reverted: the commit's change is in the tree again.
    pub reapplied_by: Option<CommitRef>,
    pub age_days: i64,
    pub age_commits: usize,
    /// Blame was capped: some uses carry no `introduced_by`.
    pub truncated: bool,
}

/// Limits on the expensive parts: tracing conflicts back to later commits.
#[derive(Clone, Copy, Debug)]
pub struct RevertLimits {
    pub max_blames: usize,
}

impl Default for RevertLimits {
    fn default() -> Self {
        RevertLimits { max_blames: 64 }
    }
}

/// Analyses reverting `commit` at `target`. `history` must hold the commit and everything
/// between it and the target (`History::window(repo, target, &[commit, ...])`).
pub fn analyse(
    repo: &Repo,
    target: &Target,
    history: &History,
    commit: CommitId,
    mainline: Option<u32>,
    config: &IndexConfig,
    limits: RevertLimits,
) -> Result<RevertAnalysis> {
    let info = repo.commit_info(commit)?;
    let earlier = history.ancestors(commit);
    let later: BTreeMap<CommitId, &CommitInfo> = history.later_than(&earlier).into_iter().map(|c| (c.id, c)).collect();
    // What the commit changed, against the parent a revert goes back to.
    repo.check_revertible(commit, mainline)?;
    let parent = match mainline {
        Some(m) => info.parents.get(m as usize - 1).copied(),
        None => info.parents.first().copied(),
    };
    let old_tree = parent.map(|p| repo.tree_of(p)).transpose()?;
    let diffs = repo.diff_trees(old_tree, repo.tree_of(commit)?)?;
    let textual = repo.revert_diff_in_memory(commit, &diffs, target.commit)?;
    let mut blames = 0usize;
    let mut truncated = false;

    let mut conflicts = Vec::new();
    for c in &textual.conflicts {
        let changed_by = if blames < limits.max_blames {
            blames += 1;
            history
                .blame_later(repo, &c.path, &earlier, (c.start_line, c.end_line))?
                .into_iter()
                .filter_map(|id| later.get(&id).map(|c| CommitRef::of(c)))
                .collect()
        } else {
            truncated = true;
            Vec::new()
        };
        conflicts.push(ConflictReport {
            path: c.path.clone(),
            start_line: c.start_line,
            end_line: c.end_line,
            kind: c.kind,
            changed_by,
        });
    }

    // What the commit did, symbol by symbol.
    let mut extractor = Extractor::new(&config.queries, &config.idioms, config.limits);
    let mut own: BTreeSet<(String, String)> = BTreeSet::new(); // (path at target, symbol)
    let mut introduced = Vec::new(); // (path, name, change, file_scoped, new-side symbols)
    for d in diffs.iter().filter(|d| is_c_path(d.path()) && !d.binary) {
        let (old, new) = sides(repo, d, config, &mut extractor)?;
        let path = d.path().to_string();
        let change = changes::c_file_change(
            d,
            old.as_ref().map(|(s, t)| (s.as_ref(), t.as_slice())),
            new.as_ref().map(|(s, t)| (s.as_ref(), t.as_slice())),
            |def| scope_of(def, &path, FileId(0)) != Scope::Global,
            changes::LineCount::Max,
        );
        for s in &change.symbols {
            own.insert((path.clone(), s.name.clone()));
            introduced.push((path.clone(), s.clone(), new.as_ref().map(|(fs, _)| fs.clone())));
        }
    }

    let mut cascade = Vec::new();
    let mut rework = Vec::new();
    let mut path_changes = PathChanges { history, later: &later, skip: commit };
    // A prototype and its definition are two changed sites of one symbol: look at it once.
    let mut seen_symbols: BTreeSet<crate::symbols::SymbolId> = BTreeSet::new();
    for (path, change, new_side) in &introduced {
        let Some(id) = find_at_target(target, path, &change.name, change.namespace, change.file_scoped) else {
            continue;
        };
        if matches!(change.change, ChangeKind::Added | ChangeKind::Interface) && seen_symbols.insert(id) {
            for (dep, edge) in target.graph.dependents(target.graph.symbol_node(id)) {
                let dep_path = target.table.path(edge.file).to_string();
                let used_by = match target.graph.node(dep) {
                    Node::Symbol(s) => target.table.symbol(*s).name.clone(),
                    Node::FileScope(_) => "<file scope>".to_string(),
                    Node::External { name, .. } => name.clone(),
                };
                if own.contains(&(dep_path.clone(), used_by.clone())) {
                    continue;
                }
                let introduced_by = path_changes
                    .introducing(repo, &dep_path, &used_by, &change.name, config, &mut extractor)?
                    .map(CommitRef::of);
                // For an interface change, uses older than the commit were adapted by it; only
                // later ones break when the old interface comes back.
                if change.change == ChangeKind::Interface && introduced_by.is_none() {
                    continue;
                }
                cascade.push(CascadeUse {
                    symbol: change.name.clone(),
                    change: change.change.as_str(),
                    used_by,
                    path: dep_path,
                    line: edge.line,
                    introduced_by,
                });
            }
        }
        if change.change != ChangeKind::Removed {
            if let Some(r) =
                reworked(repo, target, &mut path_changes, path, change, new_side.as_deref(), config, &mut extractor)?
            {
                rework.push(r);
            }
        }
    }
    cascade.sort_by(|a, b| (&a.symbol, &a.path, a.line).cmp(&(&b.symbol, &b.path, b.line)));

    let (reverted_by, reapplied_by) = revert_chain(&later, commit);
    let verdict = if reverted_by.is_some() && reapplied_by.is_none() {
        RevertVerdict::Reverted
    } else if !conflicts.is_empty() {
        RevertVerdict::Conflicting
    } else if !cascade.is_empty() || !rework.is_empty() {
        RevertVerdict::Entangled
    } else {
        RevertVerdict::Clean
    };
    Ok(RevertAnalysis {
        commit: CommitRef::of(&info),
        verdict,
        applies: conflicts.is_empty(),
        conflicts,
        cascade,
        rework,
        reverted_by,
        reapplied_by,
        age_days: (target.info.time - info.time).max(0) / 86_400,
        age_commits: later.len(),
        truncated,
    })
}

type Side = Option<(Arc<FileSymbols>, Vec<u8>)>;

fn sides(repo: &Repo, d: &FileDiff, config: &IndexConfig, extractor: &mut Extractor) -> Result<(Side, Side)> {
    let read = |blob, extractor: &mut Extractor| -> Result<Side> {
        Ok(Some((index::file_symbols(repo, blob, config, extractor)?, repo.read_blob(blob)?)))
    };
    let old = match d.old_blob {
        Some(b) => read(b, extractor)?,
        None => None,
    };
    let new = match d.new_blob {
        Some(b) => read(b, extractor)?,
        None => None,
    };
    Ok((old, new))
}

/// The symbol at the target revision that a change of `name` in `path` corresponds to: the same
/// key when the file is still there, else a global symbol of that name (the file was renamed).
fn find_at_target(
    target: &Target,
    path: &str,
    name: &str,
    namespace: crate::facts::Namespace,
    file_scoped: bool,
) -> Option<crate::symbols::SymbolId> {
    let name_id = target.table.name_id(name)?;
    if file_scoped {
        let file = target.table.file_id(path)?;
        target.table.lookup(namespace, name_id, Scope::File(file))
    } else {
        target.table.lookup(namespace, name_id, Scope::Global)
    }
}

/// The later commit reverting `commit`, and a later one reverting that revert.
fn revert_chain(later: &BTreeMap<CommitId, &CommitInfo>, commit: CommitId) -> (Option<CommitRef>, Option<CommitRef>) {
    let reverts = |target: CommitId| {
        let needle = format!("This reverts commit {}", target.hex());
        let mut hits: Vec<&CommitInfo> = later.values().copied().filter(|c| c.message.contains(&needle)).collect();
        hits.sort_by_key(|c| c.time);
        hits.first().map(|c| (*c).clone())
    };
    let Some(revert) = reverts(commit) else { return (None, None) };
    let again = reverts(revert.id);
    (Some(CommitRef::of(&revert)), again.as_ref().map(CommitRef::of))
}

/// Later commits that changed the definition of a symbol the commit changed: compares its
/// hashes as the commit left them with those at the target, and if they differ finds which
/// later commits changed them.
#[allow(clippy::too_many_arguments)]
fn reworked(
    repo: &Repo,
    target: &Target,
    path_changes: &mut PathChanges,
    path: &str,
    change: &changes::SymbolChange,
    new_side: Option<&FileSymbols>,
    config: &IndexConfig,
    extractor: &mut Extractor,
) -> Result<Option<Rework>> {
    let hashes = |fs: &FileSymbols| {
        fs.definitions
            .iter()
            .find(|d| fs.def_name(d) == change.name && d.kind == change.kind)
            .map(|d| (d.interface_hash, d.body_hash))
    };
    let Some(as_left) = new_side.and_then(hashes) else { return Ok(None) };
    let Some(now) = target.index.files.iter().find(|f| f.path == path).and_then(|f| hashes(&f.symbols)) else {
        return Ok(None);
    };
    if now == as_left {
        return Ok(None);
    }
    let mut commits = Vec::new();
    for (info, before, after) in path_changes.of(repo, path)? {
        let h_before = hashes(&*index::file_symbols(repo, before, config, extractor)?);
        let h_after = hashes(&*index::file_symbols(repo, after, config, extractor)?);
        if h_before != h_after && h_after.is_some() {
            commits.push(CommitRef::of(info));
        }
    }
    commits.sort();
    Ok(Some(Rework { symbol: change.name.clone(), path: path.to_string(), commits }))
}

/// For each path asked about, the later non-merge commits that changed its blob (with the blob
/// before and after), from the history window's path index.
struct PathChanges<'a> {
    history: &'a History,
    later: &'a BTreeMap<CommitId, &'a CommitInfo>,
    skip: CommitId,
}

impl<'a> PathChanges<'a> {
    /// The later commit that made `user` (a definition in `path`, or `<file scope>`) use
    /// `name`: the newest one to change the file whose new side has the use and whose old side
    /// does not. Symbol-level, from the path index and the blob cache: `git blame` would walk
    /// the file's whole history per use.
    fn introducing(
        &mut self,
        repo: &Repo,
        path: &str,
        user: &str,
        name: &str,
        config: &IndexConfig,
        extractor: &mut Extractor,
    ) -> Result<Option<&'a CommitInfo>> {
        let uses = |fs: &FileSymbols| {
            fs.references.iter().any(|r| {
                fs.name(r.name) == name
                    && match r.from {
                        Some(d) => fs.def_name(&fs.definitions[d as usize]) == user,
                        None => user == "<file scope>",
                    }
            })
        };
        for &(i, before, after) in self.history.changes_of(repo, path)?.iter() {
            let info = &self.history.commits[i];
            if info.id == self.skip || !self.later.contains_key(&info.id) {
                continue;
            }
            let Some(after) = after else { continue };
            if !uses(&*index::file_symbols(repo, after, config, extractor)?) {
                continue;
            }
            let used_before = match before {
                Some(b) => uses(&*index::file_symbols(repo, b, config, extractor)?),
                None => false,
            };
            if !used_before {
                return Ok(Some(info));
            }
        }
        Ok(None)
    }

    fn of(&mut self, repo: &Repo, path: &str) -> Result<Vec<(&'a CommitInfo, BlobId, BlobId)>> {
        Ok(self
            .history
            .changes_of(repo, path)?
            .iter()
            .filter_map(|&(i, before, after)| {
                let info = &self.history.commits[i];
                if info.id == self.skip || !self.later.contains_key(&info.id) {
                    return None;
                }
                Some((info, before?, after?))
            })
            .collect())
    }
}
