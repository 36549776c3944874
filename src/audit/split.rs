//! The drafts' split rule across landed history: AI-declared commits by one author touching
//! the same files within a window (30 days by default) count as one fix against the cap,
//! whether they landed in one series or in several, and whether this run or an earlier run of
//! the same store audited the older ones.
//!
//! Each AI-declared commit's change (`Change`: its code lines by the policy's rule, its code
//! files and the symbols it touched) is computed with the landing verdict, stored, and carried
//! over to later runs like it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::store::StoredResult;

/// An AI-declared commit's change as the split rule reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub code_lines: u32,
    /// Code files with changed code lines.
    pub files: Vec<String>,
    /// Symbols it touched in them.
    pub functions: Vec<String>,
    /// The line cap its check applied; `None`: the profile has none, or a mechanical change.
    pub cap: Option<u32>,
}

/// One commit whose fix, with others, exceeds the cap.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SplitFix {
    pub commit: String,
    pub summary: String,
    /// The other commits of the group, oldest first.
    pub with: Vec<String>,
    pub files: Vec<String>,
    pub functions: Vec<String>,
    pub total_lines: u32,
    pub cap: u32,
    pub window_days: u32,
}

/// Split fixes among `now` (this run's results), counting the AI-declared commits of `now` and
/// of `stored` (earlier runs' results, for commits this run did not select).
pub fn find(now: &[StoredResult], stored: &[StoredResult], window_days: u32) -> Vec<SplitFix> {
    let change = |r: &StoredResult| -> Option<Change> { serde_json::from_str(r.change.as_deref()?).ok() };
    let current: BTreeSet<&str> = now.iter().map(|r| r.commit_id.as_str()).collect();
    let pool: Vec<(&StoredResult, Change)> = now
        .iter()
        .chain(stored.iter().filter(|r| !current.contains(r.commit_id.as_str())))
        .filter_map(|r| Some((r, change(r)?)))
        .collect();
    let window = i64::from(window_days) * 86_400;
    let mut out = Vec::new();
    for (r, c) in pool.iter().filter(|(r, _)| current.contains(r.commit_id.as_str())) {
        let Some(cap) = c.cap else { continue };
        if c.code_lines > cap {
            continue; // over the cap alone: the landing check said so already
        }
        let mut group: Vec<&(&StoredResult, Change)> = pool
            .iter()
            .filter(|(o, oc)| {
                o.commit_id != r.commit_id
                    && oc.cap.is_some()
                    && o.author == r.author
                    && (o.committed_at - r.committed_at).abs() <= window
                    && oc.files.iter().any(|f| c.files.contains(f))
            })
            .collect();
        let total = c.code_lines + group.iter().map(|(_, oc)| oc.code_lines).sum::<u32>();
        if group.is_empty() || total <= cap {
            continue;
        }
        group.sort_by_key(|(o, _)| (o.committed_at, o.commit_id.clone()));
        let files: BTreeSet<&String> =
            group.iter().flat_map(|(_, oc)| oc.files.iter()).filter(|f| c.files.contains(f)).collect();
        let functions: BTreeSet<&String> =
            group.iter().flat_map(|(_, oc)| oc.functions.iter()).filter(|f| c.functions.contains(f)).collect();
        out.push(SplitFix {
            commit: r.commit_id.clone(),
            summary: r.summary.clone(),
            with: group.iter().map(|(o, _)| o.commit_id.clone()).collect(),
            files: files.into_iter().cloned().collect(),
            functions: functions.into_iter().cloned().collect(),
            total_lines: total,
            cap,
            window_days,
        });
    }
    out.sort_by(|a, b| a.commit.cmp(&b.commit));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, author: &str, day: i64, lines: u32, files: &[&str]) -> StoredResult {
        let c = Change {
            code_lines: lines,
            files: files.iter().map(|f| f.to_string()).collect(),
            functions: vec!["f".into()],
            cap: Some(20),
        };
        StoredResult {
            commit_id: id.into(),
            summary: id.into(),
            author: author.into(),
            committed_at: day * 86_400,
            age_days: 0,
            age_commits: 0,
            verdict: "clean".into(),
            applies: true,
            conflicts: 0,
            cascade: 0,
            rework: 0,
            reverted_by: None,
            responsible: String::new(),
            details: "{}".into(),
            landing: None,
            evidence: None,
            change: Some(serde_json::to_string(&c).unwrap()),
            landing_policy: None,
        }
    }

    #[test]
    fn same_author_same_file_within_the_window_from_this_run_or_the_store() {
        let stored = vec![row("a", "A <a@x>", 0, 12, &["x.c"])];
        let now = vec![
            row("b", "A <a@x>", 10, 12, &["x.c"]),
            // Another author, another file, or out of the window: not part of it.
            row("c", "C <c@x>", 10, 12, &["x.c"]),
            row("d", "A <a@x>", 10, 12, &["y.c"]),
            row("e", "A <a@x>", 35, 12, &["x.c"]),
        ];
        let s = find(&now, &stored, 30);
        assert_eq!(s.len(), 2, "{s:#?}");
        assert_eq!(
            (s[0].commit.as_str(), s[0].with.clone(), s[0].total_lines),
            ("b", vec!["a".to_string(), "e".to_string()], 36)
        );
        // e is 25 days after b and 35 after a: within 30 days of b only.
        assert_eq!((s[1].commit.as_str(), s[1].with.clone(), s[1].total_lines), ("e", vec!["b".to_string()], 24));
        // Without the store, b's group lacks a.
        assert_eq!(find(&now, &[], 30)[0].with, ["e"]);
        assert!(find(&now[..1], &stored, 5).is_empty(), "a window of 5 days");
    }
}
