//! Evidence for the policy debate, per audited commit: how long what it added survived, how much
//! later commits rewrote of it, and the later `Fixes:` commits naming it; and the comparison of
//! AI-declared commits with the other commits of the same files and period
//! (`audit --compare trailer`).
//!
//! Lines are followed forward through the later line diffs of each file the commit changed
//! (`History::edits_later`), within a budget of line diffs per commit: a commit whose files
//! changed more often than that is counted as `truncated` and its survival is a lower bound.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::history::History;
use crate::repo::{CommitInfo, Repo};

/// Line diffs read per commit to follow its lines forward.
pub const LINE_DIFFS_PER_COMMIT: usize = 32;

const DAY: i64 = 86_400;

/// One commit's evidence.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The commit declares AI use: an `AI-used-for:` (or other selected) trailer, or an AI
    /// identity in `Co-authored-by:`, `Co-developed-by:`, `Assisted-by:` or `Signed-off-by:`.
    pub ai_declared: bool,
    /// Files it changed (text files with added lines).
    pub files: Vec<String>,
    /// Lines it added.
    pub added: u32,
    /// Of those, lines a later commit rewrote or deleted.
    pub rewritten: u32,
    /// Days from the commit to the first later rewrite of one of its lines.
    pub first_rewrite_days: Option<i64>,
    /// Days until half of its added lines had been rewritten; `None` while more than half
    /// survive.
    pub half_life_days: Option<i64>,
    /// Later commits that rewrote its lines.
    pub rewritten_by: u32,
    /// Later commits whose `Fixes:` trailer names it (ids).
    pub fixed_by: Vec<String>,
    /// The line-diff budget ran out: `rewritten` is a lower bound.
    pub truncated: bool,
}

/// Later commits' `Fixes: <id>` claims, indexed once per history window: 7-hex prefix ->
/// (the claimed prefix as written, lower case; the fixing commit's id).
pub struct FixesIndex {
    by_prefix: HashMap<String, Vec<(String, String)>>,
}

impl FixesIndex {
    pub fn new(history: &History) -> FixesIndex {
        let mut by_prefix: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for c in &history.commits {
            for line in c.message.lines() {
                let Some((key, value)) = line.split_once(':') else { continue };
                if !key.trim().eq_ignore_ascii_case("fixes") {
                    continue;
                }
                let id: String = value.trim().chars().take_while(|c| c.is_ascii_hexdigit()).collect();
                if id.len() >= 7 {
                    let id = id.to_ascii_lowercase();
                    by_prefix.entry(id[..7].to_string()).or_default().push((id, c.id.hex()));
                }
            }
        }
        FixesIndex { by_prefix }
    }

    /// The commits whose `Fixes:` names `id` (full hex), sorted.
    pub fn fixers(&self, id: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .by_prefix
            .get(&id[..7.min(id.len())])
            .into_iter()
            .flatten()
            .filter(|(prefix, fixer)| id.starts_with(prefix.as_str()) && fixer != id)
            .map(|(_, fixer)| fixer.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// Whether a message declares AI use, by the keys the audit selects on or by an AI identity.
pub fn ai_declared(message: &str, keys: &[String]) -> bool {
    use crate::policy::trailers::{check_trailers, TrailerFinding, TrailerRequirements};
    if super::has_trailer(message, keys) {
        return true;
    }
    let (_, ai, findings) = check_trailers(message, &TrailerRequirements::default());
    ai.declared()
        || findings
            .iter()
            .any(|f| matches!(f, TrailerFinding::ForeignAiAttribution { .. } | TrailerFinding::AiSignedOff { .. }))
}

/// The evidence of one commit of `history`.
pub fn of(repo: &Repo, history: &History, fixes: &FixesIndex, info: &CommitInfo, keys: &[String]) -> Result<Evidence> {
    let mut e = Evidence { ai_declared: ai_declared(&info.message, keys), ..Evidence::default() };
    e.fixed_by = fixes.fixers(&info.id.hex());
    let Some(&parent) = info.parents.first() else { return Ok(e) };
    let diffs = repo.diff_trees(Some(repo.tree_of(parent)?), repo.tree_of(info.id)?)?;
    let earlier = history.ancestors(info.id);
    let mut budget = LINE_DIFFS_PER_COMMIT;
    let mut rewrites: Vec<i64> = Vec::new(); // times of each rewritten line
    let mut by: BTreeSet<String> = BTreeSet::new();
    for d in diffs.iter().filter(|d| !d.binary && d.new_blob.is_some()) {
        let lines: Vec<u32> = d.hunks.iter().flat_map(|h| h.added.iter().copied()).collect();
        if lines.is_empty() {
            continue;
        }
        e.files.push(d.path().to_string());
        e.added += lines.len() as u32;
        if e.truncated {
            continue;
        }
        match history.edits_later(repo, d.path(), &earlier, &lines, &mut budget)? {
            Some(edits) => {
                for (_, c) in edits {
                    let Some(later) = history.get(c) else { continue };
                    rewrites.push(later.time);
                    by.insert(c.hex());
                }
            }
            None => e.truncated = true,
        }
    }
    e.files.sort();
    e.rewritten = rewrites.len() as u32;
    e.rewritten_by = by.len() as u32;
    rewrites.sort_unstable();
    let days = |t: i64| (t - info.time).max(0) / DAY;
    e.first_rewrite_days = rewrites.first().map(|&t| days(t));
    let half = (e.added as usize).div_ceil(2);
    e.half_life_days = (half > 0 && rewrites.len() >= half).then(|| days(rewrites[half - 1]));
    Ok(e)
}

/// Figures of one group of commits.
#[derive(Clone, Debug, Default, Serialize)]
pub struct GroupFigures {
    pub commits: usize,
    pub added: u64,
    pub rewritten: u64,
    /// `rewritten / added`, in percent (one decimal).
    pub rewritten_percent: f64,
    /// Commits with at least one later `Fixes:` naming them.
    pub fixed: usize,
    pub fixes: usize,
    /// `fixed / commits`, in percent.
    pub fixed_percent: f64,
    /// Median days to the first rewrite, over the commits that had one.
    pub median_first_rewrite_days: Option<i64>,
    /// Commits whose half of added lines was rewritten.
    pub half_rewritten: usize,
    /// Commits whose line budget ran out (their `rewritten` is a lower bound).
    pub truncated: usize,
}

impl GroupFigures {
    fn of<'a>(items: impl Iterator<Item = &'a Evidence>) -> GroupFigures {
        let mut g = GroupFigures::default();
        let mut firsts = Vec::new();
        for e in items {
            g.commits += 1;
            g.added += u64::from(e.added);
            g.rewritten += u64::from(e.rewritten);
            g.fixed += usize::from(!e.fixed_by.is_empty());
            g.fixes += e.fixed_by.len();
            g.half_rewritten += usize::from(e.half_life_days.is_some());
            g.truncated += usize::from(e.truncated);
            firsts.extend(e.first_rewrite_days);
        }
        let pct = |a: f64, b: f64| if b == 0.0 { 0.0 } else { (1000.0 * a / b).round() / 10.0 };
        g.rewritten_percent = pct(g.rewritten as f64, g.added as f64);
        g.fixed_percent = pct(g.fixed as f64, g.commits as f64);
        firsts.sort_unstable();
        g.median_first_rewrite_days = firsts.get(firsts.len().saturating_sub(1) / 2).copied();
        g
    }
}

/// AI-declared commits against the other audited commits of the same files and period.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// What the groups are split on (`trailer`).
    pub by: &'static str,
    pub ai_declared: GroupFigures,
    /// Other commits that changed a file an AI-declared commit changed, committed since the
    /// first AI-declared commit (the period the AI-declared ones were exposed to later change).
    pub others_same_files: GroupFigures,
    /// Every audited commit that is not AI-declared.
    pub others_all: GroupFigures,
    /// The AI-declared commits (ids), so each figure can be checked by hand.
    pub ai_commits: Vec<String>,
    pub notes: Vec<String>,
}

/// Compares the groups; `items` are (commit id, commit time, evidence).
pub fn compare(items: &[(String, i64, Evidence)], all_commits: bool) -> Comparison {
    let ai: Vec<&(String, i64, Evidence)> = items.iter().filter(|(_, _, e)| e.ai_declared).collect();
    let files: BTreeSet<&str> = ai.iter().flat_map(|(_, _, e)| e.files.iter().map(String::as_str)).collect();
    let from = ai.iter().map(|i| i.1).min().unwrap_or(i64::MAX);
    let same: Vec<&Evidence> = items
        .iter()
        .filter(|(_, t, e)| !e.ai_declared && *t >= from && e.files.iter().any(|f| files.contains(f.as_str())))
        .map(|i| &i.2)
        .collect();
    let mut notes = Vec::new();
    if ai.is_empty() {
        notes.push("no AI-declared commit among those audited: nothing to compare".into());
    } else if ai.len() < 30 {
        notes.push(format!(
            "only {} AI-declared commit{}: too few for the figures to mean more than anecdotes",
            ai.len(),
            if ai.len() == 1 { "" } else { "s" }
        ));
    }
    if !all_commits {
        notes.push("only commits carrying the selected trailers were audited: add --all-commits for the others".into());
    }
    Comparison {
        by: "trailer",
        ai_declared: GroupFigures::of(ai.iter().map(|i| &i.2)),
        others_same_files: GroupFigures::of(same.into_iter()),
        others_all: GroupFigures::of(items.iter().filter(|i| !i.2.ai_declared).map(|i| &i.2)),
        ai_commits: ai.iter().map(|i| i.0.clone()).collect(),
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(ai: bool, files: &[&str], added: u32, rewritten: u32, first: Option<i64>, fixes: usize) -> Evidence {
        Evidence {
            ai_declared: ai,
            files: files.iter().map(|f| f.to_string()).collect(),
            added,
            rewritten,
            first_rewrite_days: first,
            half_life_days: (rewritten * 2 >= added && added > 0).then_some(first.unwrap_or(0)),
            rewritten_by: u32::from(rewritten > 0),
            fixed_by: (0..fixes).map(|i| format!("f{i}")).collect(),
            truncated: false,
        }
    }

    #[test]
    fn groups_are_split_by_declaration_and_same_files_within_the_period() {
        let items = vec![
            ("a".to_string(), 100, ev(true, &["x.c"], 10, 5, Some(3), 1)),
            ("b".to_string(), 200, ev(true, &["y.c"], 10, 0, None, 0)),
            ("c".to_string(), 150, ev(false, &["x.c"], 20, 2, Some(9), 0)),
            ("d".to_string(), 300, ev(false, &["y.c"], 4, 4, Some(1), 2)),
            // Another file; and a file of theirs, before the first AI-declared commit.
            ("e".to_string(), 150, ev(false, &["z.c"], 8, 0, None, 0)),
            ("f".to_string(), 50, ev(false, &["x.c"], 8, 0, None, 0)),
        ];
        let c = compare(&items, true);
        assert_eq!(c.ai_commits, ["a", "b"]);
        assert_eq!((c.ai_declared.commits, c.ai_declared.added, c.ai_declared.rewritten), (2, 20, 5));
        assert_eq!(c.ai_declared.rewritten_percent, 25.0);
        assert_eq!((c.ai_declared.fixed, c.ai_declared.fixed_percent), (1, 50.0));
        assert_eq!(c.others_same_files.commits, 2, "c and d");
        assert_eq!((c.others_same_files.fixed, c.others_same_files.fixes), (1, 2));
        assert_eq!(c.others_all.commits, 4);
        assert_eq!(c.others_all.median_first_rewrite_days, Some(1));
        assert!(c.notes[0].contains("only 2 AI-declared commits:"));
    }
}
