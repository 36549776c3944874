//! The nightly audit: every selected commit's revert verdict at HEAD, stored, and compared with
//! the previous run on the same store.
//!
//! The analysis runs first (in parallel over commits, one shared `Target` and `History`); the
//! store is written once at the end in one transaction, so an interrupted audit changes nothing.

pub mod evidence;
pub mod html;
pub mod split;
pub mod store;

use std::collections::{BTreeMap, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::history::History;
use crate::index::IndexConfig;
use crate::repo::{CommitId, CommitInfo, Repo};
use crate::revert::{self, RevertAnalysis, RevertLimits, Target};
use store::{RunRow, Store, StoredResult};

/// Which commits to audit.
#[derive(Clone, Debug, Serialize)]
pub struct Selection {
    /// Trailer keys that mark a commit (case-insensitive); default `AI-used-for`.
    pub trailers: Vec<String>,
    /// Every non-merge commit, tagged or not.
    pub all_commits: bool,
    /// Only commits newer than this revision (exclusive)...
    pub since_rev: Option<String>,
    /// ...or committed at or after this time (seconds since the epoch).
    pub since_time: Option<i64>,
    /// Only commits touching a path matching one of these globs.
    pub paths: Vec<String>,
    /// At most this many commits, newest first.
    pub limit: Option<usize>,
    /// Also compute each commit's pre-merge structural verdict at landing time (two symbol
    /// graphs per commit: about a second per commit on a QEMU-sized tree, so computed once per
    /// commit and then carried over from the previous run).
    pub landing: bool,
    /// Compute each commit's evidence (survival, later rewrites, `Fixes:`) and compare the
    /// AI-declared commits with the others (`--compare trailer`).
    pub compare: bool,
    /// AI-declared commits of one author on the same files within this many days count as
    /// one fix against the cap (the drafts' split rule, across landed history).
    pub split_window_days: u32,
}

/// How each stored verdict moved since the previous run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Transitions {
    /// Audited now, not in the previous run.
    pub new: Vec<String>,
    /// Was `clean`, now `entangled` or `conflicting`: with the commits responsible.
    pub lost_revertibility: Vec<Transition>,
    pub became_reverted: Vec<Transition>,
    /// Got better (for example conflicting -> clean after a later fix).
    pub improved: Vec<Transition>,
    /// In the previous run, not selected now.
    pub gone: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Transition {
    pub commit: String,
    pub summary: String,
    pub from: String,
    pub to: String,
    pub responsible: Vec<String>,
}

#[derive(Serialize)]
pub struct AuditOutcome {
    pub schema: &'static str,
    pub run_id: i64,
    pub head: String,
    pub previous_run: Option<i64>,
    pub counts: BTreeMap<String, usize>,
    pub transitions: Transitions,
    pub results: Vec<StoredResult>,
    /// AI-declared commits against the others (`--compare trailer`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<evidence::Comparison>,
    /// AI-declared commits whose fix, with others of the same author and files within the
    /// window (from this run or the store), exceeds the cap.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub split_fixes: Vec<split::SplitFix>,
    #[serde(skip)]
    pub analyses: Vec<RevertAnalysis>,
}

/// Picks the commits to audit (non-merge, non-root), newest first.
pub fn select(repo: &Repo, head: CommitId, sel: &Selection) -> Result<Vec<CommitInfo>> {
    let hide = match &sel.since_rev {
        Some(rev) => vec![repo.resolve(rev)?],
        None => Vec::new(),
    };
    let globs: Vec<crate::policy::glob::Glob> = sel.paths.iter().map(|p| crate::policy::glob::Glob::new(p)).collect();
    let mut out = Vec::new();
    for id in repo.walk(head, &hide)? {
        let info = repo.commit_info(id)?;
        // Merges need a mainline and a root commit has nothing to revert to: neither is audited.
        if info.parents.len() != 1 {
            continue;
        }
        if sel.since_time.is_some_and(|t| info.time < t) {
            continue;
        }
        if !sel.all_commits && !has_trailer(&info.message, &sel.trailers) {
            continue;
        }
        if !globs.is_empty() {
            let parent_tree = info.parents.first().map(|p| repo.tree_of(*p)).transpose()?;
            let paths = repo.changed_paths(parent_tree, repo.tree_of(id)?)?;
            if !paths.iter().any(|(path, ..)| globs.iter().any(|g| g.matches(path))) {
                continue;
            }
        }
        out.push(info);
        if sel.limit.is_some_and(|l| out.len() >= l) {
            break;
        }
    }
    Ok(out)
}

/// Whether the commit message's trailer block carries one of `keys`.
pub fn has_trailer(message: &str, keys: &[String]) -> bool {
    let trailers = crate::policy::trailers::parse_trailers(message);
    trailers.entries.iter().any(|t| keys.iter().any(|k| k.eq_ignore_ascii_case(&t.key)))
}

/// Runs the audit and records it.
pub fn run(
    repo: &Repo,
    head: CommitId,
    selected: &[CommitInfo],
    config: &IndexConfig,
    store: &mut Store,
    selection: &Selection,
    progress: &indicatif::ProgressBar,
) -> Result<AuditOutcome> {
    let options_json = serde_json::to_string(selection).expect("selection serialises");
    let landing = match selection.landing {
        true => Some(crate::policy::Policy::load(None, None).map_err(|e| Error::bad_input("policy", e))?),
        false => None,
    };
    let started = now();
    let previous = store.last_run()?;
    let target = Target::new(repo, head, config)?;
    let ids: Vec<CommitId> = selected.iter().map(|c| c.id).collect();
    let history = History::window(repo, head, &ids)?;
    if ids.len() > 1 {
        history.index_every_path(repo)?; // many commits ask about many paths
    }
    let git_dir = repo.git_dir().to_path_buf();
    progress.set_length(selected.len() as u64);
    let limits = RevertLimits::audit();
    let fixes = selection.compare.then(|| evidence::FixesIndex::new(&history));
    let analyses: Vec<Result<(RevertAnalysis, Option<evidence::Evidence>)>> = selected
        .par_iter()
        .map_init(
            || Repo::open_git_dir(&git_dir),
            |repo, info| {
                let repo = repo
                    .as_ref()
                    .map_err(|e| Error::Git { context: "opening the repository".into(), message: e.to_string() })?;
                let a = revert::analyse(repo, &target, &history, info.id, None, config, limits)?;
                let e = match &fixes {
                    Some(f) => Some(evidence::of(repo, &history, f, info, &selection.trailers)?),
                    None => None,
                };
                progress.inc(1);
                Ok((a, e))
            },
        )
        .collect();
    let (analyses, evidences): (Vec<RevertAnalysis>, Vec<Option<evidence::Evidence>>) =
        analyses.into_iter().collect::<Result<Vec<_>>>()?.into_iter().unzip();
    progress.finish_and_clear();

    let mut results: Vec<StoredResult> = selected
        .iter()
        .zip(&analyses)
        .zip(&evidences)
        .map(|((info, a), e)| StoredResult {
            evidence: e.as_ref().map(|e| serde_json::to_string(e).expect("evidence serialises")),
            ..stored(info, a)
        })
        .collect();
    let comparison = selection.compare.then(|| {
        let items: Vec<(String, i64, evidence::Evidence)> = selected
            .iter()
            .zip(&evidences)
            .filter_map(|(info, e)| Some((info.id.hex(), info.time, e.clone()?)))
            .collect();
        evidence::compare(&items, selection.all_commits)
    });
    if let Some(policy) = &landing {
        // A commit's landing verdict never changes: reuse what the previous run of this same
        // tool version stored, and compute only the commits it did not have.
        let known: HashMap<&str, (&str, Option<&String>)> = match &previous {
            Some((run, rows)) if run.tool_version == env!("CARGO_PKG_VERSION") => rows
                .iter()
                .filter_map(|r| Some((r.commit_id.as_str(), (r.landing.as_deref()?, r.change.as_ref()))))
                .collect(),
            _ => HashMap::new(),
        };
        let todo: Vec<&CommitInfo> = selected.iter().filter(|c| !known.contains_key(c.id.hex().as_str())).collect();
        progress.reset();
        progress.set_prefix("landing");
        progress.set_length(todo.len() as u64);
        // (commit, (landing verdict, change as JSON))
        type Landed = (String, (String, Option<String>));
        let computed: Vec<Result<Landed>> = todo
            .par_iter()
            .map_init(
                || Repo::open_git_dir(&git_dir),
                |repo, info| {
                    let repo = repo
                        .as_ref()
                        .map_err(|e| Error::Git { context: "opening the repository".into(), message: e.to_string() })?;
                    let (verdict, change) = landing_verdict(repo, info, config, policy)?;
                    progress.inc(1);
                    let change = change.map(|c| serde_json::to_string(&c).expect("changes serialise"));
                    Ok((info.id.hex(), (verdict.map_or("root", |v| v.as_str()).to_string(), change)))
                },
            )
            .collect();
        let computed: HashMap<String, (String, Option<String>)> = computed.into_iter().collect::<Result<_>>()?;
        progress.finish_and_clear();
        for r in &mut results {
            match known.get(r.commit_id.as_str()) {
                Some((landing, change)) => {
                    r.landing = Some(landing.to_string());
                    r.change = change.cloned();
                }
                None => {
                    if let Some((landing, change)) = computed.get(&r.commit_id) {
                        r.landing = Some(landing.clone());
                        r.change = change.clone();
                    }
                }
            }
        }
    }
    // Oldest first, as the store lists them.
    results.sort_by(|a, b| (a.committed_at, &a.commit_id).cmp(&(b.committed_at, &b.commit_id)));
    let transitions = compare(previous.as_ref().map(|p| p.1.as_slice()), &results);
    // Every earlier run's AI-declared changes: the commits of a split may have been audited
    // by different runs.
    let stored_changes = store.ai_changes(i64::MAX)?;
    let split_fixes = split::find(&results, &stored_changes, selection.split_window_days);
    let run = RunRow {
        id: 0,
        started_at: started,
        finished_at: now(),
        head: head.hex(),
        options: options_json,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        commits: results.len() as i64,
    };
    let fail_after = std::env::var("REVERTCHECK_TEST_FAIL_STORE_AFTER").ok().and_then(|v| v.parse().ok());
    let run_id = store.write_run(&run, &results, fail_after)?;
    let mut counts = BTreeMap::new();
    for r in &results {
        *counts.entry(r.verdict.clone()).or_insert(0) += 1;
    }
    Ok(AuditOutcome {
        schema: "revertcheck/audit/v2",
        run_id,
        head: head.hex(),
        previous_run: previous.map(|p| p.0.id),
        counts,
        transitions,
        results,
        comparison,
        split_fixes,
        analyses,
    })
}

/// The structural verdict `check` gives the commit's own change (parent to commit), none for
/// a root commit; and for an AI-declared commit its change as the split rule reads it.
fn landing_verdict(
    repo: &Repo,
    info: &CommitInfo,
    config: &IndexConfig,
    policy: &crate::policy::Policy,
) -> Result<(Option<crate::verdict::Structural>, Option<split::Change>)> {
    let Some(&parent) = info.parents.first() else { return Ok((None, None)) };
    let step = crate::check::Step {
        label: info.id.short(),
        commit: Some(info.id),
        subject: info.summary.clone(),
        author: info.author.clone(),
        message: info.message.clone(),
        message_id: None,
        old_tree: repo.tree_of(parent)?,
        new_tree: repo.tree_of(info.id)?,
        merge: false,
        time: info.time,
    };
    let ctx = crate::check::CheckContext { repo, config, policy, maintainers: None, depth: 1 };
    let report = crate::check::check(&ctx, &[step], "landing", Vec::new())?;
    let change = report.steps.first().filter(|s| crate::check::is_ai_code(s)).map(|s| {
        let code: Vec<&crate::verdict::FileFacts> =
            s.files.iter().filter(|f| f.zone.is_code() && f.change.lines.code > 0).collect();
        let mut functions: Vec<String> =
            code.iter().flat_map(|f| f.change.symbols.iter().map(|s| s.name.clone())).collect();
        functions.sort();
        functions.dedup();
        split::Change {
            code_lines: s.verdict.code_lines,
            files: code.iter().map(|f| f.change.path.clone()).collect(),
            functions,
            cap: policy.profile.code_line_cap.filter(|_| crate::check::is_capped(s)),
        }
    });
    Ok((Some(report.series.structural), change))
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

fn stored(info: &CommitInfo, a: &RevertAnalysis) -> StoredResult {
    let mut responsible: Vec<String> = a
        .conflicts
        .iter()
        .flat_map(|c| c.changed_by.iter().map(|r| r.id.clone()))
        .chain(a.revert_with.iter().map(|r| r.id.clone()))
        .collect();
    responsible.sort();
    responsible.dedup();
    StoredResult {
        commit_id: info.id.hex(),
        summary: info.summary.clone(),
        author: format!("{} <{}>", info.author, info.author_email),
        committed_at: info.time,
        age_days: a.age_days,
        age_commits: a.age_commits as i64,
        verdict: a.verdict.as_str().to_string(),
        applies: a.applies,
        conflicts: a.conflicts.len() as i64,
        // What decides the verdict: uses that break on a revert alone.
        cascade: a.cascade.iter().filter(|u| u.breaks).count() as i64,
        rework: a.rework.len() as i64,
        reverted_by: a.reverted_by.as_ref().map(|r| r.id.clone()),
        responsible: responsible.join(","),
        details: serde_json::to_string(a).expect("analyses always serialise"),
        landing: None,
        evidence: None,
        change: None,
    }
}

fn rank(verdict: &str) -> u8 {
    match verdict {
        "clean" => 0,
        "entangled" => 1,
        "conflicting" => 2,
        _ => 3,
    }
}

/// What changed between the previous run's results and this run's.
pub fn compare(previous: Option<&[StoredResult]>, now: &[StoredResult]) -> Transitions {
    let mut t = Transitions::default();
    let before: BTreeMap<&str, &StoredResult> =
        previous.unwrap_or(&[]).iter().map(|r| (r.commit_id.as_str(), r)).collect();
    let after: BTreeMap<&str, &StoredResult> = now.iter().map(|r| (r.commit_id.as_str(), r)).collect();
    for (id, r) in &after {
        let Some(old) = before.get(id) else {
            t.new.push(id.to_string());
            continue;
        };
        if old.verdict == r.verdict {
            continue;
        }
        let transition = Transition {
            commit: id.to_string(),
            summary: r.summary.clone(),
            from: old.verdict.clone(),
            to: r.verdict.clone(),
            responsible: r.responsible.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
        };
        if r.verdict == "reverted" {
            t.became_reverted.push(transition);
        } else if old.verdict == "clean" {
            t.lost_revertibility.push(transition);
        } else if rank(&r.verdict) < rank(&old.verdict) {
            t.improved.push(transition);
        } else {
            t.lost_revertibility.push(transition);
        }
    }
    t.gone = before.keys().filter(|id| !after.contains_key(*id)).map(|s| s.to_string()).collect();
    t
}
