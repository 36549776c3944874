//! The nightly audit: every selected commit's revert verdict at HEAD, stored, and compared with
//! the previous run on the same store.
//!
//! The analysis runs first (in parallel over commits, one shared `Target` and `History`); the
//! store is written once at the end in one transaction, so an interrupted audit changes nothing.

pub mod evidence;
pub mod facts;
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
    /// Was `clean`, now `entangled` or `conflicting` (or worse than before): with the commits
    /// responsible.
    pub lost_revertibility: Vec<Transition>,
    pub became_reverted: Vec<Transition>,
    /// Same verdict, but more conflicts or breaking uses, or commits newly responsible: still
    /// entangled, and more so.
    pub worsened: Vec<Transition>,
    /// Got better (for example conflicting -> clean after a later fix), or the same verdict
    /// with fewer conflicts or breaking uses and no new responsible commit.
    pub improved: Vec<Transition>,
    /// In the previous run, not selected now.
    pub gone: Vec<String>,
}

/// One commit whose stored result moved: verdicts and counts before and now.
#[derive(Clone, Debug, Serialize)]
pub struct Transition {
    pub commit: String,
    pub summary: String,
    pub from: String,
    pub to: String,
    pub conflicts_before: i64,
    pub conflicts_now: i64,
    pub cascade_before: i64,
    pub cascade_now: i64,
    /// Every commit behind the conflicts and breaking uses now...
    pub responsible: Vec<String>,
    /// ...and those among them that were not responsible before.
    pub new_responsible: Vec<String>,
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
        // (structural, policy, change); rows stored before the policy was are computed again.
        let known: HashMap<&str, (&str, &str, Option<&String>)> = match &previous {
            Some((run, rows)) if run.tool_version == env!("CARGO_PKG_VERSION") => rows
                .iter()
                .filter_map(|r| {
                    Some((
                        r.commit_id.as_str(),
                        (r.landing.as_deref()?, r.landing_policy.as_deref()?, r.change.as_ref()),
                    ))
                })
                .collect(),
            _ => HashMap::new(),
        };
        let todo: Vec<&CommitInfo> = selected.iter().filter(|c| !known.contains_key(c.id.hex().as_str())).collect();
        progress.reset();
        progress.set_prefix("landing");
        progress.set_length(todo.len() as u64);
        let computed: Vec<Result<(String, Landing)>> = todo
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
                    let structural = verdict.map_or("root", |v| v.0.as_str()).to_string();
                    Ok((info.id.hex(), (structural, verdict.map(|v| v.1.as_str().to_string()), change)))
                },
            )
            .collect();
        let computed: HashMap<String, Landing> = computed.into_iter().collect::<Result<_>>()?;
        progress.finish_and_clear();
        for r in &mut results {
            match known.get(r.commit_id.as_str()) {
                Some(&(structural, policy, change)) => {
                    r.landing = Some(structural.to_string());
                    r.landing_policy = Some(policy.to_string());
                    r.change = change.cloned();
                }
                None => {
                    if let Some((structural, policy, change)) = computed.get(&r.commit_id) {
                        r.landing = Some(structural.clone());
                        r.landing_policy = policy.clone();
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

/// A commit's verdicts at landing as stored: structural (`root` for a root commit), policy,
/// and for an AI-declared commit its change as the split rule reads it (JSON).
type Landing = (String, Option<String>, Option<String>);

/// The structural and policy verdicts of a commit's own change.
type Verdicts = (crate::verdict::Structural, crate::verdict::PolicyVerdict);

/// The structural and policy verdicts `check` gives the commit's own change (parent to
/// commit), none for a root commit; and for an AI-declared commit its change as the split rule
/// reads it.
fn landing_verdict(
    repo: &Repo,
    info: &CommitInfo,
    config: &IndexConfig,
    policy: &crate::policy::Policy,
) -> Result<(Option<Verdicts>, Option<split::Change>)> {
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
        source: None,
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
    Ok((Some((report.series.structural, report.series.policy)), change))
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
        responsible: responsible.join(","), // the store keeps ids comma separated
        details: serde_json::to_string(a).expect("analyses always serialise"),
        landing: None,
        evidence: None,
        change: None,
        landing_policy: None,
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

/// What changed between the previous run's results and this run's: verdicts first, then, for
/// a commit whose verdict stayed, the number of conflicts and breaking uses and who is behind
/// them.
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
        let was: Vec<&str> = old.responsible_ids();
        let new_responsible: Vec<String> =
            r.responsible_ids().into_iter().filter(|c| !was.contains(c)).map(str::to_string).collect();
        let transition = Transition {
            commit: id.to_string(),
            summary: r.summary.clone(),
            from: old.verdict.clone(),
            to: r.verdict.clone(),
            conflicts_before: old.conflicts,
            conflicts_now: r.conflicts,
            cascade_before: old.cascade,
            cascade_now: r.cascade,
            responsible: r.responsible_ids().into_iter().map(str::to_string).collect(),
            new_responsible,
        };
        if old.verdict == r.verdict {
            let more = r.conflicts > old.conflicts || r.cascade > old.cascade;
            let fewer = r.conflicts < old.conflicts || r.cascade < old.cascade;
            if more || !transition.new_responsible.is_empty() {
                t.worsened.push(transition);
            } else if fewer {
                t.improved.push(transition);
            }
        } else if r.verdict == "reverted" {
            t.became_reverted.push(transition);
        } else if old.verdict == "clean" || rank(&r.verdict) > rank(&old.verdict) {
            t.lost_revertibility.push(transition);
        } else {
            t.improved.push(transition);
        }
    }
    t.gone = before.keys().filter(|id| !after.contains_key(*id)).map(|s| s.to_string()).collect();
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, verdict: &str, conflicts: i64, cascade: i64, responsible: &str) -> StoredResult {
        StoredResult {
            commit_id: id.into(),
            summary: format!("commit {id}"),
            author: "A <a@example.org>".into(),
            committed_at: 0,
            age_days: 0,
            age_commits: 0,
            verdict: verdict.into(),
            applies: conflicts == 0,
            conflicts,
            cascade,
            rework: 0,
            reverted_by: None,
            responsible: responsible.into(),
            details: "{}".into(),
            landing: None,
            landing_policy: None,
            evidence: None,
            change: None,
        }
    }

    #[test]
    fn compare_sees_counts_and_new_responsible_commits_not_only_verdicts() {
        let before = [
            row("a", "entangled", 0, 1, "x"),
            row("b", "entangled", 0, 2, "x"),
            row("c", "entangled", 0, 1, "x"),
            row("d", "clean", 0, 0, ""),
            row("e", "conflicting", 1, 0, "y"),
        ];
        let now = [
            row("a", "entangled", 0, 3, "x"),   // more breaking uses
            row("b", "entangled", 0, 1, "x"),   // fewer
            row("c", "entangled", 0, 1, "x,z"), // same count, a new responsible commit
            row("d", "clean", 0, 0, ""),
            row("e", "entangled", 0, 1, "z"),
        ];
        let t = compare(Some(&before), &now);
        let ids = |l: &[Transition]| l.iter().map(|t| t.commit.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&t.worsened), ["a", "c"]);
        assert_eq!(ids(&t.improved), ["b", "e"]);
        assert!(t.lost_revertibility.is_empty() && t.became_reverted.is_empty());
        assert_eq!((t.worsened[0].cascade_before, t.worsened[0].cascade_now), (1, 3));
        assert_eq!(t.worsened[1].new_responsible, ["z"]);
        assert_eq!(t.improved[1].new_responsible, ["z"]);
    }
}
