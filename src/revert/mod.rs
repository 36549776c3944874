//! Can a landed commit still be thrown away? The analysis behind `revertcheck revert` and the
//! nightly audit: textual (does `git revert` apply), semantic cascade (later code using what the
//! commit introduced or re-shaped), rework (later edits of the symbols it changed), and whether
//! it was already reverted.
//!
//! One `Target` (index, symbols and graph of the revision reverted at) serves every commit
//! analysed against it.

mod members_later;
mod restored;
mod reverted;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

use serde::Serialize;

use crate::changes::{self, ChangeKind};
use crate::error::Result;
use crate::facts::FileSymbols;
use crate::facts::SymbolKind;
use crate::graph::{Binding, DepGraph, Node};
use crate::history::History;
use crate::index::{self, Index, IndexConfig};
use crate::lang::Extractor;
use crate::members;
use crate::repo::{BlobId, CommitId, CommitInfo, FileDiff, Repo};
use crate::symbols::{scope_of, FileId, Scope, SymbolTable};

/// The revision reverted at, indexed once.
pub struct Target {
    pub commit: CommitId,
    pub info: CommitInfo,
    pub index: Index,
    pub table: SymbolTable,
    pub graph: DepGraph,
    /// Per file, the names it accesses as members (`.x`, `->x`), sorted: read the first time a
    /// type change asks, then shared by every commit analysed (an audit asks thousands of
    /// times about the same headers' includers).
    member_names: Vec<OnceLock<Box<[String]>>>,
}

impl Target {
    pub fn new(repo: &Repo, commit: CommitId, config: &IndexConfig) -> Result<Target> {
        let info = repo.commit_info(commit)?;
        let index = index::index_tree(repo, repo.tree_of(commit)?, config)?;
        let table = SymbolTable::build(&index);
        let graph = DepGraph::build(&index, &table);
        let member_names = (0..index.files.len()).map(|_| OnceLock::new()).collect();
        Ok(Target { commit, info, index, table, graph, member_names })
    }

    /// The names file `file` accesses as members.
    fn member_names(&self, repo: &Repo, file: FileId) -> Result<&[String]> {
        let slot = &self.member_names[file.0 as usize];
        if let Some(names) = slot.get() {
            return Ok(names);
        }
        let text = repo.read_blob(self.index.files[file.0 as usize].blob)?;
        let mut names: Vec<String> = members::member_names(&text);
        names.sort_unstable();
        names.dedup();
        let _ = slot.set(names.into());
        Ok(slot.get().expect("set above"))
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

/// Who wrote a use found at the target, as far as history tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Attribution {
    /// A later commit outside the commit's series.
    Later,
    /// A later patch of the commit's own series (merged by the same merge).
    Series,
    /// No later commit in the window wrote it, and it is not in the file as the commit left
    /// it: history we could not follow. Reported, never a reason for `entangled` on its own.
    Unknown,
    /// Not in the file as the commit left it, so written later, but the writer was not traced:
    /// the analysis's blame budget (`--max-blames`) was spent. Breaks like `later`.
    Untraced,
}

impl Attribution {
    pub fn as_str(self) -> &'static str {
        match self {
            Attribution::Later => "later",
            Attribution::Series => "series",
            Attribution::Unknown => "unknown",
            Attribution::Untraced => "untraced",
        }
    }
}

/// A later use of something the commit added or re-shaped. Uses the commit wrote itself, or
/// that were there before it, are not listed (`existing_uses` counts them).
#[derive(Clone, Debug, Serialize)]
pub struct CascadeUse {
    pub symbol: String,
    pub change: &'static str,
    /// The symbol (or `<file scope>`) that uses it at the target revision.
    pub used_by: String,
    pub path: String,
    pub line: u32,
    /// How the use sees the commit's definition: `exact`, `include`, `unique`, `name-only`.
    pub binding: Binding,
    pub attribution: Attribution,
    /// The commit that wrote the use (null when `attribution` is `unknown`).
    pub introduced_by: Option<CommitRef>,
    /// This use breaks when the commit is reverted alone: a later commit wrote it and it sees
    /// the commit's definition (`binding` other than `name-only`).
    pub breaks: bool,
}

/// Lines the commit wrote that a later commit rewrote or deleted (line-level rework).
#[derive(Clone, Debug, Serialize)]
pub struct LineEdit {
    /// The file as the commit left it.
    pub path: String,
    /// The commit's lines (as it left the file) that `commit` edited.
    pub lines: Vec<u32>,
    pub commit: CommitRef,
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
    /// Uses at the target of what the commit added or re-shaped that were already there when
    /// it landed (written by the commit itself, or older): a revert takes them back with it.
    pub existing_uses: usize,
    /// Later commits whose uses break on a revert alone: reverting them too (newest first)
    /// leaves no dangling use of what the commit introduced.
    pub revert_with: Vec<CommitRef>,
    /// Whether reverting `revert_with` and the commit together (newest first) applies at the
    /// target, checked in memory; null when there is no set or the commit's own revert
    /// conflicts. `revert` closes the set over three levels (uses of what those commits added,
    /// and so on, at most 16 commits); the audit stops at one.
    pub revert_with_applies: Option<bool>,
    /// Later edits of the symbols the commit changed: information, not a verdict.
    pub rework: Vec<Rework>,
    /// Later edits of the very lines the commit wrote, file by file (followed through the same
    /// line diffs the conflicts' blame reads, within `RevertLimits::max_line_diffs`):
    /// information. Empty in the audit.
    pub later_edits: Vec<LineEdit>,
    pub reverted_by: Option<CommitRef>,
    /// A revert of the commit was itself reverted: the commit's change is in the tree again.
    pub reapplied_by: Option<CommitRef>,
    pub age_days: i64,
    pub age_commits: usize,
    /// Blame was capped: some conflicts or member uses carry no writer.
    pub truncated: bool,
}

/// Limits on the expensive parts: tracing conflicts back to later commits.
#[derive(Clone, Copy, Debug)]
pub struct RevertLimits {
    pub max_blames: usize,
    /// Line diffs read to follow the commit's own lines forward (`later_edits`); 0 skips it.
    /// One per later change of each file the commit touched: `revert` affords it, the nightly
    /// audit of thousands of commits does not (it tripled the audit's time on QEMU).
    pub max_line_diffs: usize,
    /// Levels of the revert set: 1 names the later commits using what the commit introduced;
    /// each further level adds those using what they introduced (one more analysis each).
    pub revert_set_depth: u32,
}

/// A revert set stops growing past this many commits.
const MAX_REVERT_SET: usize = 16;

impl Default for RevertLimits {
    fn default() -> Self {
        RevertLimits { max_blames: 64, max_line_diffs: 256, revert_set_depth: 3 }
    }
}

impl RevertLimits {
    /// What the audit uses: conflicts traced as by `revert`; line-level rework left out and the
    /// revert set one level deep (each further level is another analysis per commit).
    pub fn audit() -> RevertLimits {
        RevertLimits { max_line_diffs: 0, revert_set_depth: 1, ..RevertLimits::default() }
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
    let mut introduced = Vec::new(); // (path, change, new-side symbols)
    let mut restoring = Vec::new(); // (path, old side, new side): uses a revert brings back
    for d in diffs.iter().filter(|d| index::is_indexed_path(config, d.path()) && !d.binary) {
        let (old, new) = sides(repo, d, config, &mut extractor)?;
        let path = d.path().to_string();
        let change = changes::c_file_change(
            d,
            old.as_ref().map(|(s, t)| (s.as_ref(), t.as_slice())),
            new.as_ref().map(|(s, t)| (s.as_ref(), t.as_slice())),
            |def| scope_of(def, &path, FileId(0)) != Scope::Global,
            changes::LineCount::Max,
        );
        for s in change.symbols {
            introduced.push((path.clone(), s, new.as_ref().map(|(fs, _)| fs.clone())));
        }
        if let (Some((old_fs, _)), Some((new_fs, _))) = (&old, &new) {
            restoring.push((path.clone(), old_fs.clone(), new_fs.clone()));
        }
    }
    let moved = changes::moved_keys(introduced.iter().map(|(p, c, _)| (p.as_str(), c)));

    let commit_tree = repo.tree_of(commit)?;
    let series = history.series_of(commit);
    let after = After { repo, target, history, earlier: &earlier, later: &later, series, commit_tree, config };
    let mut cascade = Vec::new();
    let mut existing_uses = 0usize;
    let mut rework = Vec::new();
    let mut path_changes = PathChanges { history, later: &later, skip: commit, commit_tree };
    // A prototype and its definition are two changed sites of one symbol: look at it once.
    let mut seen_symbols: BTreeSet<crate::symbols::SymbolId> = BTreeSet::new();
    // Member uses share the blame budget with the conflicts.
    let mut budget = members_later::BlameBudget { left: limits.max_blames.saturating_sub(blames), ran_out: false };
    // Where each changed file is at the target (a rename search per later deletion): once.
    let mut paths_now: BTreeMap<String, Option<String>> = BTreeMap::new();
    // Every changed site of each symbol at the target: a use binds to the change if it sees
    // any of them (the header declaring it, not only the stub that also defines it). And for
    // a moved symbol, where it came from: a revert puts it back there.
    let mut sites_of: BTreeMap<crate::symbols::SymbolId, Vec<FileId>> = BTreeMap::new();
    let mut moved_from: BTreeMap<(crate::facts::Namespace, String), Option<FileId>> = BTreeMap::new();
    for (path, change, _) in &introduced {
        if !paths_now.contains_key(path) {
            let p = history.path_at_target(repo, path, &earlier)?;
            paths_now.insert(path.clone(), p);
        }
        let path_now = paths_now[path].as_deref();
        let key = (change.namespace, change.name.clone());
        if change.change == ChangeKind::Removed && moved.contains(&key) {
            moved_from.insert(key, path_now.and_then(|p| target.table.file_id(p)));
            continue;
        }
        if let Some(id) =
            path_now.and_then(|p| find_at_target(target, p, &change.name, change.namespace, change.file_scoped))
        {
            sites_of.entry(id).or_default().extend(path_now.and_then(|p| target.table.file_id(p)));
        }
    }
    for (path, change, new_side) in &introduced {
        // A type whose members could be read is judged member by member: a revert takes
        // away the members the commit added and gives back the old declarations of those it
        // changed, so only code naming those breaks. Enumerators are symbols of their own
        // (judged as such); an enum type reaches nobody through itself.
        let member_level = members::has_members(change.kind)
            && matches!(change.change, ChangeKind::Extended | ChangeKind::Interface)
            && !(change.added_members.is_empty()
                && change.changed_members.is_empty()
                && change.removed_members.is_empty());
        let fields: Vec<String> = change.added_members.iter().chain(&change.changed_members).cloned().collect();
        let key = (change.namespace, change.name.clone());
        let reaches = match change.change {
            // A moved definition reaches the later code that sees its new place but not its old.
            ChangeKind::Added => true,
            _ if member_level => !change.enum_type && !fields.is_empty(),
            ChangeKind::Interface => true,
            _ => false,
        };
        let path_now = match paths_now.get(path) {
            Some(p) => p.clone(),
            None => {
                let p = history.path_at_target(repo, path, &earlier)?;
                paths_now.insert(path.clone(), p.clone());
                p
            }
        };
        let found = path_now
            .as_deref()
            .and_then(|p| find_at_target(target, p, &change.name, change.namespace, change.file_scoped));
        if let (true, Some(id)) = (reaches, found) {
            if !seen_symbols.insert(id) {
                continue;
            }
            let site = path_now.as_deref().and_then(|p| target.table.file_id(p));
            if member_level {
                existing_uses += after.scan_members(id, site, change, &mut extractor, &mut cascade, &mut budget)?;
            }
            let dependents =
                if member_level { Vec::new() } else { target.graph.dependents(target.graph.symbol_node(id)) };
            for (dep, edge) in dependents {
                let dep_path = target.table.path(edge.file).to_string();
                let used_by = match target.graph.node(dep) {
                    Node::Symbol(s) => target.table.symbol(*s).name.clone(),
                    Node::FileScope(_) => "<file scope>".to_string(),
                    Node::External { name, .. } => name.clone(),
                };
                let line = edge.line;
                if let Some(&from) = moved_from.get(&key) {
                    // The revert puts it back where it was: a function or variable the linker
                    // still finds, or a type or macro in a file the use still sees, keeps
                    // working; one moved into a header later code includes does not.
                    let linked = !change.file_scoped
                        && matches!(change.kind, SymbolKind::Function | SymbolKind::Prototype | SymbolKind::Variable);
                    if linked || from.is_none_or(|f| target.graph.sees(edge.file, f)) {
                        continue;
                    }
                }
                let sites = sites_of.get(&id).map_or(&[][..], Vec::as_slice);
                let mut binding = sites
                    .iter()
                    .map(|&s| target.graph.binding(&target.table, edge.file, id, Some(s)))
                    .min()
                    .unwrap_or_else(|| target.graph.binding(&target.table, edge.file, id, site));
                // A macro using it is expanded where the macro is used: judge the use there.
                if let (Binding::NameOnly, Node::Symbol(m)) = (binding, target.graph.node(dep)) {
                    let is_macro =
                        matches!(target.table.symbol(*m).kind(), SymbolKind::Macro | SymbolKind::FunctionMacro);
                    if is_macro
                        && target
                            .graph
                            .dependents(dep)
                            .iter()
                            .any(|(_, e)| sites.iter().chain(site.as_ref()).any(|&s| target.graph.sees(e.file, s)))
                    {
                        binding = Binding::Include;
                    }
                }
                let attribution =
                    path_changes.introducing(repo, &dep_path, &used_by, &change.name, config, &mut extractor)?;
                let (attribution, introduced_by) = match attribution {
                    Introduced::Before => {
                        existing_uses += 1;
                        continue;
                    }
                    Introduced::By(info) => (after.attribution(info), Some(CommitRef::of(info))),
                    Introduced::Unknown => (Attribution::Unknown, None),
                };
                cascade.push(CascadeUse {
                    symbol: change.name.clone(),
                    change: change.change.as_str(),
                    used_by,
                    path: dep_path,
                    line,
                    binding,
                    breaks: attribution != Attribution::Unknown && binding.is_resolved(),
                    attribution,
                    introduced_by,
                });
            }
        }
        if change.change != ChangeKind::Removed {
            if let Some(p) = &path_now {
                if let Some(r) =
                    reworked(repo, target, &mut path_changes, p, change, new_side.as_deref(), config, &mut extractor)?
                {
                    rework.push(r);
                }
            }
        }
    }
    for (path, old_fs, new_fs) in &restoring {
        let path_now = match paths_now.get(path) {
            Some(p) => p.clone(),
            None => history.path_at_target(repo, path, &earlier)?,
        };
        after.scan_restored(path_now, old_fs, new_fs, &mut extractor, &mut cascade)?;
    }
    // A struct tag and its typedef are two symbols of one type: each use once, best bound.
    // Line-level rework: who later rewrote the lines the commit wrote.
    let mut later_edits: Vec<LineEdit> = Vec::new();
    let mut line_diffs = limits.max_line_diffs;
    for d in diffs.iter().filter(|d| limits.max_line_diffs > 0 && !d.binary && d.new_blob.is_some()) {
        let lines: Vec<u32> = d.hunks.iter().flat_map(|h| h.added.iter().copied()).collect();
        if lines.is_empty() {
            continue;
        }
        let Some(edits) = history.edits_later(repo, d.path(), &earlier, &lines, &mut line_diffs)? else {
            truncated = true;
            break;
        };
        let mut by_commit: BTreeMap<CommitId, Vec<u32>> = BTreeMap::new();
        for (line, c) in edits {
            by_commit.entry(c).or_default().push(line);
        }
        for (c, mut lines) in by_commit {
            let Some(info) = later.get(&c) else { continue };
            lines.sort_unstable();
            later_edits.push(LineEdit { path: d.path().to_string(), lines, commit: CommitRef::of(info) });
        }
    }
    truncated |= budget.ran_out;
    cascade.sort_by(|a, b| {
        (&a.symbol, &a.path, a.line, &a.used_by, a.binding).cmp(&(&b.symbol, &b.path, b.line, &b.used_by, b.binding))
    });
    cascade.dedup_by(|b, a| (&a.symbol, &a.path, a.line, &a.used_by) == (&b.symbol, &b.path, b.line, &b.used_by));
    let mut revert_with: Vec<(usize, CommitRef)> = cascade
        .iter()
        .filter(|u| u.breaks)
        .filter_map(|u| u.introduced_by.clone())
        .map(|r| (CommitId::parse_hex(&r.id).and_then(|id| history.position(id)).unwrap_or(usize::MAX), r))
        .collect();
    revert_with.sort();
    revert_with.dedup();
    // The set is closed over what its own commits added, level by level: a later commit that
    // uses what L added must go with L.
    let mut frontier: Vec<(usize, CommitRef)> = revert_with.clone();
    for _ in 1..limits.revert_set_depth {
        let mut next = Vec::new();
        for (_, r) in &frontier {
            let Some(id) = CommitId::parse_hex(&r.id) else { continue };
            let inner = RevertLimits { revert_set_depth: 1, max_line_diffs: 0, ..limits };
            let sub = analyse(repo, target, history, id, None, config, inner)?;
            for r in sub.revert_with {
                let pos = CommitId::parse_hex(&r.id).and_then(|id| history.position(id)).unwrap_or(usize::MAX);
                if r.id != info.id.hex() && !revert_with.iter().any(|(_, have)| have.id == r.id) {
                    revert_with.push((pos, r.clone()));
                    next.push((pos, r));
                }
            }
        }
        if next.is_empty() || revert_with.len() >= MAX_REVERT_SET {
            break;
        }
        frontier = next;
    }
    revert_with.sort();
    revert_with.dedup();
    let revert_with: Vec<CommitRef> = revert_with.into_iter().map(|(_, r)| r).collect();
    // Does the set revert together, newest first, the commit last?
    let revert_with_applies = if revert_with.is_empty() || !conflicts.is_empty() {
        None
    } else {
        let mut sets = Vec::new();
        for r in &revert_with {
            let id = CommitId::parse_hex(&r.id).expect("ids come from commits");
            let later_info = repo.commit_info(id)?;
            let Some(&p) = later_info.parents.first() else { continue };
            sets.push(repo.diff_trees(Some(repo.tree_of(p)?), repo.tree_of(id)?)?);
        }
        sets.push(diffs.clone());
        let refs: Vec<&[crate::repo::FileDiff]> = sets.iter().map(Vec::as_slice).collect();
        Some(repo.joint_revert_applies(&refs, target.commit)?)
    };

    let (reverted_by, reapplied_by) = reverted::revert_chain(repo, history, &later, &info)?;
    let verdict = if reverted_by.is_some() && reapplied_by.is_none() {
        RevertVerdict::Reverted
    } else if !conflicts.is_empty() {
        RevertVerdict::Conflicting
    } else if cascade.iter().any(|u| u.breaks) {
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
        existing_uses,
        revert_with,
        revert_with_applies,
        rework,
        later_edits,
        reverted_by,
        reapplied_by,
        age_days: (target.info.time - info.time).max(0) / 86_400,
        age_commits: later.len(),
        truncated,
    })
}

/// What the analysis of one commit knows about the history after it: shared by the scans for
/// later member uses and for uses a revert restores.
struct After<'a> {
    repo: &'a Repo,
    target: &'a Target,
    history: &'a History,
    /// `history.ancestors(commit)`.
    earlier: &'a [bool],
    later: &'a BTreeMap<CommitId, &'a CommitInfo>,
    /// The merge that brought the commit in (`History::series_of`).
    series: Option<usize>,
    /// The tree the commit left.
    commit_tree: crate::repo::TreeId,
    config: &'a IndexConfig,
}

impl After<'_> {
    /// How a later commit relates to the analysed one: the same series, or later work.
    fn attribution(&self, info: &CommitInfo) -> Attribution {
        if self.series.is_some() && self.history.series_of(info.id) == self.series {
            Attribution::Series
        } else {
            Attribution::Later
        }
    }
}

type Side = Option<(Arc<FileSymbols>, Vec<u8>)>;

fn sides(repo: &Repo, d: &FileDiff, config: &IndexConfig, extractor: &mut Extractor) -> Result<(Side, Side)> {
    let read = |path: &str, blob, extractor: &mut Extractor| -> Result<Side> {
        Ok(Some((index::file_symbols(repo, path, blob, config, extractor)?, repo.read_blob(blob)?)))
    };
    let old = match d.old_blob {
        Some(b) => read(d.old_path.as_deref().unwrap_or(d.path()), b, extractor)?,
        None => None,
    };
    let new = match d.new_blob {
        Some(b) => read(d.path(), b, extractor)?,
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

/// Later commits that changed the definition of a symbol the commit changed: compares its
/// hashes as the commit left them with those at the target, and if they differ finds which
/// later commits changed them.
#[allow(clippy::too_many_arguments)]
fn reworked(
    repo: &Repo,
    target: &Target,
    path_changes: &mut PathChanges,
    path_now: &str,
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
    let Some(now) = target.index.files.iter().find(|f| f.path == path_now).and_then(|f| hashes(&f.symbols)) else {
        return Ok(None);
    };
    if now == as_left {
        return Ok(None);
    }
    let mut commits = Vec::new();
    for (info, before, after) in path_changes.of(repo, path_now)? {
        let h_before = hashes(&*index::file_symbols(repo, path_now, before, config, extractor)?);
        let h_after = hashes(&*index::file_symbols(repo, path_now, after, config, extractor)?);
        if h_before != h_after && h_after.is_some() {
            commits.push(CommitRef::of(info));
        }
    }
    commits.sort();
    Ok(Some(Rework { symbol: change.name.clone(), path: path_now.to_string(), commits }))
}

/// Who wrote a use found at the target.
enum Introduced<'a> {
    /// This later commit.
    By(&'a CommitInfo),
    /// It is in the file as the commit left it: the commit's own, or older.
    Before,
    /// Neither: history the window does not hold, or a rename not followed.
    Unknown,
}

/// For each path asked about, the later non-merge commits that changed its blob (with the blob
/// before and after), from the history window's path index.
struct PathChanges<'a> {
    history: &'a History,
    later: &'a BTreeMap<CommitId, &'a CommitInfo>,
    skip: CommitId,
    /// The tree the analysed commit left.
    commit_tree: crate::repo::TreeId,
}

impl<'a> PathChanges<'a> {
    /// Who made `user` (a definition in `path`, or `<file scope>`) use `name`: the newest later
    /// commit to change the file whose new side has the use and whose old side does not,
    /// following the file back through renames; else `Before` when the file as the commit left
    /// it already has the use. Symbol-level, from the path index and the blob cache: `git
    /// blame` would walk the file's whole history per use.
    fn introducing(
        &mut self,
        repo: &Repo,
        path: &str,
        user: &str,
        name: &str,
        config: &IndexConfig,
        extractor: &mut Extractor,
    ) -> Result<Introduced<'a>> {
        let uses = |fs: &FileSymbols| {
            fs.references.iter().any(|r| {
                fs.name(r.name) == name
                    && match r.from {
                        Some(d) => fs.def_name(&fs.definitions[d as usize]) == user,
                        None => user == "<file scope>",
                    }
            })
        };
        let mut path = path.to_string();
        let mut older_than = 0usize;
        'follow: loop {
            for &(i, before, after) in self.history.changes_of(repo, &path)?.iter() {
                let info = &self.history.commits[i];
                if i < older_than || info.id == self.skip || !self.later.contains_key(&info.id) {
                    continue;
                }
                let Some(after) = after else { continue };
                if !uses(&*index::file_symbols(repo, &path, after, config, extractor)?) {
                    continue;
                }
                let used_before = match before {
                    Some(b) => uses(&*index::file_symbols(repo, &path, b, config, extractor)?),
                    None => match self.history.renamed_from(repo, i, &path)? {
                        // A rename: the use came with the file; keep looking under the old name.
                        Some(old) => {
                            path = old;
                            older_than = i + 1;
                            continue 'follow;
                        }
                        None => false,
                    },
                };
                if !used_before {
                    return Ok(Introduced::By(info));
                }
            }
            break;
        }
        Ok(match repo.entry_at(self.commit_tree, &path)? {
            Some((_, blob)) if uses(&*index::file_symbols(repo, &path, blob, config, extractor)?) => Introduced::Before,
            _ => Introduced::Unknown,
        })
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
