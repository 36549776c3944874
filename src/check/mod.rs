//! The pre-merge check: for each commit or mailed patch of a series, what it changes at symbol
//! level, who depends on that, which policy zones it touches, what its trailers declare, and the
//! verdicts.
//!
//! Two graphs serve the whole series: the base's (before the first patch) for what patches remove
//! or re-shape, and the tip's (after the last) for what they add. Per patch only the changed
//! files are extracted, through the blob cache.

mod impact;
mod links;
mod mail;

use links::message_id_of;
pub use links::{bare_message_id, lore_url};

pub use mail::mail_steps;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::changes::{self, FileChange, LineCount};
use crate::error::{Error, Result};
use crate::facts::ParseHealth;
use crate::graph::DepGraph;
use crate::index::{self, IndexConfig, IndexStats};
use crate::lang::Extractor;
use crate::policy::maintainers::Maintainers;
use crate::policy::Policy;
use crate::repo::{CommitId, DiffStatus, Repo, TreeId};
use crate::symbols::{scope_of, FileId, Scope, SymbolTable};
use crate::verdict::{
    self, Declared, FileFacts, Finding, PolicyVerdict, Rules, Severity, Structural, SymbolImpact, Verdict, ZoneKind,
};

/// The check report's schema: v2 counts code lines by a stated rule (`line_count`).
pub const CHECK_SCHEMA: &str = "revertcheck/check/v2";

/// One commit or mailed patch to check: the change from `old_tree` to `new_tree`.
#[derive(Clone, Debug)]
pub struct Step {
    /// Short sha, or `patch 2/5`.
    pub label: String,
    pub commit: Option<CommitId>,
    pub subject: String,
    pub author: String,
    pub message: String,
    /// The Message-ID the patch was mailed with (for a commit, its `Message-ID:` or `Link:`
    /// trailer), without angle brackets.
    pub message_id: Option<String>,
    pub old_tree: TreeId,
    pub new_tree: TreeId,
    /// A merge commit: reported, not analysed (its changes are its parents' commits).
    pub merge: bool,
    /// Author time, seconds since the epoch (0 for mailed patches without a date).
    pub time: i64,
    /// The file a mailed patch was read from (`<stdin>` for stdin); none for a commit.
    pub source: Option<String>,
}

/// What a commit declares about AI use, for the report.
#[derive(Clone, Debug, Serialize)]
pub struct TrailerSummary {
    pub ai_used_for: Vec<String>,
    pub tool: Option<String>,
    pub model: Option<String>,
    pub extent: Option<String>,
    pub signed_off_by: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StepReport {
    pub label: String,
    pub commit: Option<String>,
    pub subject: String,
    pub author: String,
    /// The file a mailed patch was read from; none for a commit.
    pub source: Option<String>,
    pub skipped: Option<String>,
    pub trailers: TrailerSummary,
    pub declared: Declared,
    pub files: Vec<FileFacts>,
    pub symbols: Vec<SymbolImpact>,
    pub verdict: Verdict,
    /// Earlier patches of the series whose additions this one uses.
    pub depends_on: Vec<PatchRef>,
    /// MAINTAINERS sections of the changed files: whom to ask.
    pub maintainers: Vec<MaintainerSection>,
    /// The Message-ID it was mailed with (a commit's `Message-ID:` or `Link:` trailer), without
    /// brackets, and its page in the qemu-devel archive.
    pub message_id: Option<String>,
    pub link: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct MaintainerSection {
    pub title: String,
    pub status: Option<String>,
    pub people: Vec<String>,
    /// `L:` mailing lists to copy.
    pub lists: Vec<String>,
}

/// A patch of the series as every report names it: its 1-based number and, for a commit, its id.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PatchRef {
    pub patch: usize,
    pub commit: Option<String>,
}

/// Patch `patch` uses what patch `uses_patch` added (1-based numbers, commit ids beside them).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SeriesDependency {
    pub patch: usize,
    pub commit: Option<String>,
    pub uses_patch: usize,
    pub uses_commit: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SeriesSummary {
    pub structural: Structural,
    pub policy: PolicyVerdict,
    /// Which patch uses what an earlier one added.
    pub dependencies: Vec<SeriesDependency>,
    pub code_lines: u32,
    /// A mailed series' cover letter subject, without its `[PATCH 0/N]`.
    pub title: Option<String>,
    /// The series' Message-ID (the cover letter's, else the first patch's), without brackets.
    pub message_id: Option<String>,
    /// Its page in the qemu-devel archive.
    pub link: Option<String>,
}

impl SeriesSummary {
    /// Names the series by its cover letter and Message-ID (a mailed series).
    pub fn set_source(&mut self, title: Option<String>, message_id: Option<&str>) {
        self.title = title;
        self.message_id = message_id.map(bare_message_id);
        self.link = message_id.map(lore_url);
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct CheckReport {
    pub schema: &'static str,
    pub profile: String,
    /// How changed code lines are counted (`max` or `sum` per hunk).
    pub line_count: LineCount,
    pub base: String,
    pub steps: Vec<StepReport>,
    pub series: SeriesSummary,
    /// How the base and tip indexes were built (parse errors are counted there).
    pub base_index: IndexStats,
    pub tip_index: IndexStats,
    pub notes: Vec<String>,
    /// The profile's cap on code lines, for the text's next step ("34 lines over the cap");
    /// `None` when the profile has none.
    #[serde(skip)]
    pub code_line_cap: Option<u32>,
    /// Where the checked code comes from, for reports that name it (SARIF); not part of the
    /// JSON report.
    #[serde(skip)]
    pub provenance: Provenance,
}

/// The repository and revision a report is about, as SARIF's `versionControlProvenance`
/// names them.
#[derive(Clone, Debug, Default)]
pub struct Provenance {
    /// The repository's URL (a remote's, without credentials), if it has one.
    pub repository_uri: Option<String>,
    /// The local repository (its work tree, else its git directory) as a `file://` URI.
    pub local_uri: Option<String>,
    /// The commit the results are about: the series' last commit, or the base mailed patches
    /// apply to.
    pub revision: Option<String>,
}

/// Everything `check` needs besides the steps.
pub struct CheckContext<'a> {
    pub repo: &'a Repo,
    pub config: &'a IndexConfig,
    pub policy: &'a Policy,
    pub maintainers: Option<&'a Maintainers>,
    /// Closure depth for the transitive blast radius.
    pub depth: u32,
}

/// One side of the series, indexed.
pub(crate) struct Side {
    pub table: SymbolTable,
    pub graph: DepGraph,
    pub stats: IndexStats,
    /// Each file's blob, by `FileId`: read again only when a type change asks which users
    /// name its changed members.
    pub blobs: Vec<crate::repo::BlobId>,
}

impl Side {
    fn new(repo: &Repo, tree: TreeId, config: &IndexConfig) -> Result<Side> {
        let index = index::index_tree(repo, tree, config)?;
        let table = SymbolTable::build(&index);
        let graph = DepGraph::build(&index, &table);
        let blobs = index.files.iter().map(|f| f.blob).collect();
        Ok(Side { table, graph, stats: index.stats, blobs })
    }
}

/// Checks the steps of a series (oldest first).
pub fn check(ctx: &CheckContext, steps: &[Step], base_label: &str, notes: Vec<String>) -> Result<CheckReport> {
    let first = steps.first().map(|s| s.old_tree);
    let last = steps.last().map(|s| s.new_tree);
    let (Some(base_tree), Some(tip_tree)) = (first, last) else {
        return Ok(empty_report(ctx, base_label, notes));
    };
    let base = Side::new(ctx.repo, base_tree, ctx.config)?;
    let tip = Side::new(ctx.repo, tip_tree, ctx.config)?;
    let mut extractor = Extractor::new(&ctx.config.queries, &ctx.config.idioms, ctx.config.limits);

    // Pass 1: file and symbol changes of every step, and what parses worse after it.
    let mut per_step: Vec<Vec<FileFacts>> = Vec::with_capacity(steps.len());
    let mut parse_findings: Vec<Vec<Finding>> = Vec::with_capacity(steps.len());
    for step in steps {
        if step.merge {
            per_step.push(Vec::new());
            parse_findings.push(Vec::new());
            continue;
        }
        let (files, findings) = file_facts(ctx, step, &mut extractor)?;
        per_step.push(files);
        parse_findings.push(findings);
    }
    // Who touches what: (path, symbol name) -> step indexes. A later rename moves what an
    // earlier patch touched: the tip graph knows it by its new path.
    let renames: Vec<(&str, &str)> = per_step
        .iter()
        .flatten()
        .filter_map(|f| f.change.old_path.as_deref().map(|old| (old, f.change.path.as_str())))
        .collect();
    let mut touched: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (k, files) in per_step.iter().enumerate() {
        for f in files {
            for s in &f.change.symbols {
                let mut path = f.change.path.as_str();
                touched.entry((path.to_string(), s.name.clone())).or_default().push(k);
                for &(old, new) in &renames {
                    if old == path {
                        path = new;
                        touched.entry((path.to_string(), s.name.clone())).or_default().push(k);
                    }
                }
            }
        }
    }

    // Pass 2: blast radius of every changed symbol.
    let mut impacts: Vec<Vec<SymbolImpact>> = per_step
        .iter()
        .enumerate()
        .map(|(k, files)| {
            files
                .iter()
                .flat_map(|f| f.change.symbols.iter().map(move |s| (f, s)))
                .map(|(f, s)| impact::of(ctx, &base, &tip, &touched, k, &f.change.path, s))
                .collect()
        })
        .collect();
    let commit_of = |n: usize| steps[n - 1].commit.map(|c| c.hex());
    for list in &mut impacts {
        for d in list.iter_mut().flat_map(|i| i.dependents.iter_mut()) {
            d.in_series_commit = d.in_series.and_then(commit_of);
        }
    }
    // (later patch, earlier patch it uses), 1-based: a dependent of patch k's symbol touched by
    // patch j is a use in one direction or the other.
    let mut dependencies: Vec<(usize, usize)> = impacts
        .iter()
        .enumerate()
        .flat_map(|(k, list)| {
            list.iter().flat_map(move |i| {
                i.dependents.iter().filter_map(move |d| d.in_series.map(|j| (j.max(k + 1), j.min(k + 1))))
            })
        })
        .filter(|(a, b)| a != b)
        .collect();
    dependencies.sort_unstable();
    dependencies.dedup();

    // Pass 3: verdicts.
    let rules = rules(ctx.policy);
    let mut reports = Vec::with_capacity(steps.len());
    for (k, (((step, files), impacts), parsed)) in
        steps.iter().zip(per_step).zip(impacts).zip(parse_findings).enumerate()
    {
        let (declared, trailers, mut findings) = crate::check::adapter::trailers(ctx.policy, &step.message);
        findings.extend(parsed);
        if step.merge {
            findings.push(Finding {
                severity: Severity::Warning,
                code: "merge_commit",
                path: None,
                line: None,
                symbol: None,
                message: "merge commit: not analysed; check the commits it merges".into(),
            });
        }
        let depends_on: Vec<PatchRef> = dependencies
            .iter()
            .filter(|(a, _)| *a == k + 1)
            .map(|&(_, b)| PatchRef { patch: b, commit: commit_of(b) })
            .collect();
        let verdict = verdict::decide(&files, &impacts, &declared, &rules, findings);
        let maintainers = sections(ctx.maintainers, files.iter().map(|f| f.change.path.as_str()));
        reports.push(StepReport {
            label: step.label.clone(),
            commit: step.commit.map(|c| c.hex()),
            subject: step.subject.clone(),
            author: step.author.clone(),
            source: step.source.clone(),
            skipped: step.merge.then(|| "merge commit".to_string()),
            trailers,
            declared,
            files,
            symbols: impacts,
            verdict,
            depends_on,
            maintainers,
            message_id: step.message_id.clone(),
            link: step.message_id.as_deref().map(lore_url),
        });
    }
    let dependencies: Vec<SeriesDependency> = dependencies
        .into_iter()
        .map(|(a, b)| SeriesDependency { patch: a, commit: commit_of(a), uses_patch: b, uses_commit: commit_of(b) })
        .collect();
    split_fixes(ctx, steps, &mut reports);
    folded(&mut reports);
    let series = SeriesSummary {
        structural: reports.iter().map(|r| r.verdict.structural).max().unwrap_or(Structural::Leaf),
        policy: reports.iter().map(|r| r.verdict.policy).max().unwrap_or(PolicyVerdict::NotDeclared),
        dependencies,
        code_lines: reports.iter().map(|r| r.verdict.code_lines).sum(),
        message_id: reports.first().and_then(|r| r.message_id.clone()),
        link: reports.first().and_then(|r| r.link.clone()),
        title: None,
    };
    Ok(CheckReport {
        schema: CHECK_SCHEMA,
        profile: ctx.policy.profile.name.clone(),
        line_count: ctx.policy.profile.line_count,
        base: base_label.to_string(),
        steps: reports,
        series,
        base_index: base.stats,
        tip_index: tip.stats,
        notes,
        code_line_cap: ctx.policy.profile.code_line_cap,
        provenance: Provenance::default(),
    })
}

/// The steps of commit ranges, oldest first.
pub fn commit_steps(repo: &Repo, revs: &[String]) -> Result<(Vec<Step>, String)> {
    let specs: Vec<String> = if revs.is_empty() {
        if repo.upstream().is_none() {
            let why = if repo.head_detached() {
                "HEAD is detached, so there is no upstream to check against"
            } else {
                "the current branch has no upstream (`@{upstream}`)"
            };
            return Err(Error::NoDefaultRange { why: why.into() });
        }
        vec!["@{upstream}..HEAD".to_string()]
    } else {
        revs.to_vec()
    };
    let mut steps = Vec::new();
    for id in repo.rev_list(&specs)? {
        let info = repo.commit_info(id)?;
        let old_tree = match info.parents.first() {
            Some(&p) => repo.tree_of(p)?,
            None if repo.is_shallow() => {
                return Err(Error::MissingHistory {
                    what: format!("parent of {}", id.short()),
                    why: "not in this shallow clone (its history is cut at this commit)".into(),
                })
            }
            None => repo.empty_tree()?,
        };
        steps.push(Step {
            label: id.short(),
            commit: Some(id),
            subject: info.summary.clone(),
            author: format!("{} <{}>", info.author, info.author_email),
            message: info.message.clone(),
            message_id: message_id_of(&info.message),
            old_tree,
            new_tree: repo.tree_of(id)?,
            merge: info.parents.len() > 1,
            time: info.time,
            source: None,
        });
    }
    Ok((steps, specs.join(" ")))
}

/// AI-declared code, not a human's change helped by research or analysis.
fn ai_code(r: &StepReport) -> bool {
    r.declared.present && (r.declared.scopes.is_empty() || r.declared.scopes.iter().any(|s| s == "code"))
}

/// AI-declared code the line cap applies to: not a mechanical change made the same way at
/// every site.
fn ai_capped_code(r: &StepReport) -> bool {
    ai_code(r) && is_capped(r)
}

/// AI-declared code (for the audit's split rule across history).
pub fn is_ai_code(r: &StepReport) -> bool {
    ai_code(r)
}

/// The line cap applies: not a mechanical change made the same way at every site.
pub fn is_capped(r: &StepReport) -> bool {
    r.declared.mechanical.is_none() || r.verdict.findings.iter().any(|f| f.code == "mechanical_not_uniform")
}

/// The drafts' split rule ("splitting a submission in multiple parts is not a valid way to
/// bypass this rule"): AI-declared commits by one author touching the same file (and so the
/// same functions) within the profile's window count as one fix against the cap; each commit
/// of such a group that is under the cap alone gets a finding listing the others.
fn split_fixes(ctx: &CheckContext, steps: &[Step], reports: &mut [StepReport]) {
    let profile = &ctx.policy.profile;
    let (Some(window_days), Some(cap)) = (profile.split_fix_window_days, profile.code_line_cap) else { return };
    let files = |r: &StepReport| -> BTreeSet<String> {
        r.files.iter().filter(|f| f.zone.is_code() && f.change.lines.code > 0).map(|f| f.change.path.clone()).collect()
    };
    let functions = |r: &StepReport| -> BTreeSet<String> {
        r.files
            .iter()
            .filter(|f| f.zone.is_code())
            .flat_map(|f| f.change.symbols.iter().map(|s| s.name.clone()))
            .collect()
    };
    for k in 0..reports.len() {
        if !ai_capped_code(&reports[k]) {
            continue;
        }
        let mine = files(&reports[k]);
        let group: Vec<usize> = (0..reports.len())
            .filter(|&j| {
                ai_capped_code(&reports[j])
                    && reports[j].author == reports[k].author
                    && (steps[j].time - steps[k].time).abs() <= i64::from(window_days) * 86_400
                    && !files(&reports[j]).is_disjoint(&mine)
            })
            .collect();
        let total: u32 = group.iter().map(|&j| reports[j].verdict.code_lines).sum();
        if group.len() > 1 && total > cap && reports[k].verdict.code_lines <= cap {
            let others: Vec<String> = group
                .iter()
                .filter(|&&j| j != k)
                .map(|&j| format!("patch {} ({}, {} lines)", j + 1, reports[j].label, reports[j].verdict.code_lines))
                .collect();
            let shared_files: BTreeSet<String> = group
                .iter()
                .filter(|&&j| j != k)
                .flat_map(|&j| files(&reports[j]))
                .filter(|f| mine.contains(f))
                .collect();
            let mine_fns = functions(&reports[k]);
            let shared_fns: BTreeSet<String> = group
                .iter()
                .filter(|&&j| j != k)
                .flat_map(|&j| functions(&reports[j]))
                .filter(|f| mine_fns.contains(f))
                .collect();
            let fns = if shared_fns.is_empty() {
                String::new()
            } else {
                format!(", functions {}", shared_fns.into_iter().collect::<Vec<_>>().join(", "))
            };
            reports[k].verdict.findings.push(Finding {
                severity: Severity::Warning,
                code: "split_fix",
                path: None,
                line: None,
                symbol: None,
                message: format!(
                    "with {} (same author, same files {}{fns}, within {window_days} days) this fix has {total} code lines, over the {} cap of {cap}",
                    others.join(", "),
                    shared_files.into_iter().collect::<Vec<_>>().join(", "),
                    profile.name,
                ),
            });
        }
    }
}

/// A line worth tracing: not punctuation or a keyword alone.
fn traceable(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 8 && t.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).any(|w| w.len() >= 3)
}

/// AGENTS.md: "Do not omit it by folding the material into a larger commit." A commit without
/// an AI declaration that rewrites or removes code lines an earlier AI-declared commit of the
/// series added has folded AI material into a commit that does not say so.
fn folded(reports: &mut [StepReport]) {
    for k in 0..reports.len() {
        if reports[k].declared.present {
            continue;
        }
        let mut found = Vec::new();
        for j in (0..k).filter(|&j| ai_code(&reports[j])) {
            for f in reports[k].files.iter().filter(|f| f.zone.is_code()) {
                let Some(earlier) = reports[j].files.iter().find(|e| e.change.path == f.change.path) else { continue };
                let n = f
                    .removed_lines
                    .iter()
                    .filter(|l| traceable(l) && earlier.added_lines.iter().any(|a| a.trim() == l.trim()))
                    .count();
                if n > 0 {
                    found.push((j, f.change.path.clone(), n));
                }
            }
        }
        for (j, path, n) in found {
            let msg = format!(
                "rewrites {n} code line{} that AI-declared patch {} ({}) added, without an AI-used-for trailer: \
                 AI material folded into a commit that does not declare it",
                if n == 1 { "" } else { "s" },
                j + 1,
                reports[j].label
            );
            reports[k].verdict.findings.push(Finding {
                severity: Severity::Warning,
                code: "folded",
                path: Some(path),
                line: None,
                symbol: None,
                message: msg,
            });
        }
    }
}

fn empty_report(ctx: &CheckContext, base_label: &str, mut notes: Vec<String>) -> CheckReport {
    notes.push("nothing to check: the range is empty".into());
    CheckReport {
        schema: CHECK_SCHEMA,
        profile: ctx.policy.profile.name.clone(),
        line_count: ctx.policy.profile.line_count,
        base: base_label.to_string(),
        steps: Vec::new(),
        series: SeriesSummary {
            structural: Structural::Leaf,
            policy: PolicyVerdict::NotDeclared,
            dependencies: Vec::new(),
            code_lines: 0,
            title: None,
            message_id: None,
            link: None,
        },
        base_index: IndexStats::default(),
        tip_index: IndexStats::default(),
        notes,
        code_line_cap: ctx.policy.profile.code_line_cap,
        provenance: Provenance::default(),
    }
}

/// The file changes of one step, C files mapped onto symbols, every file given its zone; and
/// a finding for each C file tree-sitter reads worse after the step than before.
fn file_facts(ctx: &CheckContext, step: &Step, extractor: &mut Extractor) -> Result<(Vec<FileFacts>, Vec<Finding>)> {
    let repo = ctx.repo;
    let rule = ctx.policy.profile.line_count;
    let diffs = repo.diff_trees(Some(step.old_tree), step.new_tree)?;
    let added_files: BTreeSet<String> =
        diffs.iter().filter(|d| d.status == DiffStatus::Added).map(|d| d.path().to_string()).collect();
    let mut out = Vec::new();
    let mut findings = Vec::new();
    for d in &diffs {
        let path = d.path().to_string();
        let read = |blob: Option<crate::repo::BlobId>| -> Result<Option<Vec<u8>>> {
            match blob {
                Some(b) if !d.binary => Ok(Some(repo.read_blob(b)?)),
                _ => Ok(None),
            }
        };
        let (old_text, new_text) = (read(d.old_blob)?, read(d.new_blob)?);
        let change: FileChange = if index::is_indexed_path(ctx.config, &path) && !d.binary {
            let side = |path: &str, blob: Option<crate::repo::BlobId>, extractor: &mut Extractor| -> Result<_> {
                blob.map(|b| index::file_symbols(repo, path, b, ctx.config, extractor)).transpose()
            };
            let old = side(d.old_path.as_deref().unwrap_or(&path), d.old_blob, extractor)?;
            let new = side(&path, d.new_blob, extractor)?;
            if let Some(new) = &new {
                findings.extend(new_parse_error(&path, old.as_ref().map(|o| &o.health), &new.health));
            }
            changes::c_file_change(
                d,
                old.as_deref().zip(old_text.as_deref()),
                new.as_deref().zip(new_text.as_deref()),
                |def| scope_of(def, &path, FileId(0)) != Scope::Global,
                rule,
            )
        } else {
            changes::other_file_change(d, old_text.as_deref(), new_text.as_deref(), &added_files, rule)
        };
        let (zone, core) = adapter::zone(ctx.policy, &path);
        // Comment-only changes are documentation, whatever the file's zone, in C and in every
        // format whose comments we can tell from code.
        let knows_comments = change.is_c || changes::comments::Syntax::of(&path).is_some();
        let (zone, core) = if knows_comments && change.comment_only() { (ZoneKind::Docs, false) } else { (zone, core) };
        let (edits, removed_lines, added_lines) =
            if zone.is_code() { edit_shapes(d, old_text.as_deref(), new_text.as_deref()) } else { Default::default() };
        out.push(FileFacts { change, zone, core, edits, removed_lines, added_lines });
    }
    let mut changed: Vec<&mut FileChange> = out.iter_mut().map(|f| &mut f.change).collect();
    changes::mark_moves(&mut changed);
    Ok((out, findings))
}

/// The shape of each hunk's edit (what a mechanical claim expects to be the same everywhere),
/// and the removed and added lines' text.
fn edit_shapes(
    d: &crate::repo::FileDiff,
    old: Option<&[u8]>,
    new: Option<&[u8]>,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let lines = |text: Option<&[u8]>| -> Vec<String> {
        text.map(|t| String::from_utf8_lossy(t).lines().map(str::to_string).collect()).unwrap_or_default()
    };
    let (old, new) = (lines(old), lines(new));
    let pick = |all: &[String], numbers: &[u32]| -> Vec<String> {
        numbers.iter().filter_map(|&n| all.get((n as usize).checked_sub(1)?)).cloned().collect()
    };
    let (mut shapes, mut all_removed, mut all_added) = (Vec::new(), Vec::new(), Vec::new());
    for h in &d.hunks {
        let (removed, added) = (pick(&old, &h.removed), pick(&new, &h.added));
        let r: Vec<&str> = removed.iter().map(String::as_str).collect();
        let a: Vec<&str> = added.iter().map(String::as_str).collect();
        shapes.push(crate::policy::mechanical::edit_shape(&r, &a));
        all_removed.extend(removed);
        all_added.extend(added);
    }
    (shapes, all_removed, all_added)
}

/// More ERROR and MISSING nodes after the change than before: the C may no longer compile, and
/// the symbols read near the damage (an interface change, say) are less certain.
fn new_parse_error(path: &str, old: Option<&ParseHealth>, new: &ParseHealth) -> Option<Finding> {
    let before = old.map_or(0, ParseHealth::errors);
    let after = new.errors();
    (after > before).then(|| Finding {
        severity: Severity::Error,
        code: "new_parse_error",
        path: Some(path.to_string()),
        line: new.first_error_line,
        symbol: None,
        message: format!(
            "no longer parses cleanly: {after} parse errors after the change, {before} before; \
             the C may not compile, and symbols read near the error are uncertain"
        ),
    })
}

fn rules(policy: &Policy) -> Rules {
    let p = &policy.profile;
    Rules {
        profile: p.name.as_str().to_string(),
        scopes: p.scopes.clone(),
        code_line_cap: p.code_line_cap,
        cap_is_error: p.cap_is_error,
        declined_on_any_ai: p.declined_on_any_ai,
        agents_whitelist: p.agents_whitelist.clone(),
        core_dependents_threshold: p.core_dependents_threshold,
        line_count: p.line_count,
    }
}

fn sections<'p>(maintainers: Option<&Maintainers>, paths: impl Iterator<Item = &'p str>) -> Vec<MaintainerSection> {
    let Some(m) = maintainers else { return Vec::new() };
    let mut out: Vec<MaintainerSection> = paths
        .flat_map(|p| m.sections_for(p))
        .map(|s| MaintainerSection {
            title: s.title.clone(),
            status: s.status.clone(),
            people: s.maintainers.iter().chain(&s.reviewers).cloned().collect(),
            lists: s.lists.clone(),
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

pub(crate) mod adapter;
