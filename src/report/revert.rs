//! The `revert` report.

use serde::Serialize;

use crate::cli::Format;
use std::fmt::Write;

use super::text::{self, and_list, bold, capped, count, dim, finding_line, location, short, Level};
use crate::revert::{Attribution, CascadeUse, CommitRef, ConflictReport, RevertAnalysis, RevertVerdict, Target};
use crate::verdict::Severity;

#[derive(Serialize)]
struct RevertReport<'a> {
    schema: &'static str,
    at: &'a str,
    at_commit: String,
    commits: &'a [RevertAnalysis],
}

pub fn print(at: &str, target: &Target, analyses: &[RevertAnalysis], format: Format, verbose: bool) {
    if format == Format::Json {
        return super::print_json(&RevertReport {
            schema: "revertcheck/revert/v2",
            at,
            at_commit: target.commit.hex(),
            commits: analyses,
        });
    }
    anstream::print!("{}", text(at, &target.commit.short(), analyses, verbose));
}

/// `1a2b3c4d5e6f "subject"`.
fn named(c: &CommitRef) -> String {
    format!("{} \"{}\"", short(&c.id), c.summary)
}

/// Commits: up to two with their subjects, more by id (three, or all with --verbose).
fn commits(list: &[&CommitRef], verbose: bool) -> String {
    if list.len() <= 2 {
        return list.iter().map(|c| named(c)).collect::<Vec<_>>().join(", ");
    }
    let ids: Vec<String> = list.iter().map(|c| short(&c.id).to_string()).collect();
    if verbose {
        list.iter().map(|c| named(c)).collect::<Vec<_>>().join(", ")
    } else {
        capped(&ids, 3)
    }
}

/// The conflicting regions, one line per set of later commits that last changed them.
fn conflict_lines(a: &RevertAnalysis, verbose: bool) -> Vec<String> {
    let mut groups: Vec<(Vec<&CommitRef>, Vec<&ConflictReport>)> = Vec::new();
    for c in &a.conflicts {
        let by: Vec<&CommitRef> = c.changed_by.iter().collect();
        match groups.iter_mut().find(|(b, _)| *b == by) {
            Some(g) => g.1.push(c),
            None => groups.push((by, vec![c])),
        }
    }
    groups
        .into_iter()
        .map(|(by, regions)| {
            let first = regions[0];
            let span = |c: &ConflictReport| {
                if c.end_line > c.start_line {
                    format!("{}:{}-{}", c.path, c.start_line, c.end_line)
                } else {
                    format!("{}:{}", c.path, c.start_line)
                }
            };
            let lines = |c: &ConflictReport| span(c).rsplit(':').next().unwrap_or("").to_string();
            let what = if regions.len() == 1 {
                let which = if first.end_line > first.start_line { "lines" } else { "line" };
                format!("git revert conflicts in {which} {} ({})", lines(first), first.kind)
            } else if regions.iter().all(|c| c.path == first.path) {
                let spans: Vec<String> = regions.iter().map(|c| lines(c)).collect();
                format!("{} conflicting regions, lines {}", regions.len(), capped(&spans, 6))
            } else {
                let spans: Vec<String> = regions.iter().map(|c| span(c)).collect();
                format!("{} conflicting regions: {}", regions.len(), capped(&spans, 4))
            };
            let who = if by.is_empty() {
                "; not traced to a later commit".to_string()
            } else {
                format!("; last changed by {}", commits(&by, verbose))
            };
            finding_line(
                &location(Some(&first.path), Some(first.start_line)),
                Severity::Error,
                &format!("{what}{who}"),
                "revert_conflict",
            )
        })
        .collect()
}

/// Later code that breaks, one line per commit that wrote it.
fn entangled_lines(a: &RevertAnalysis) -> Vec<String> {
    let mut groups: Vec<(Option<&CommitRef>, Attribution, Vec<&CascadeUse>)> = Vec::new();
    for u in a.cascade.iter().filter(|u| u.breaks) {
        let key = u.introduced_by.as_ref();
        match groups.iter_mut().find(|(k, at, _)| *k == key && *at == u.attribution) {
            Some(g) => g.2.push(u),
            None => groups.push((key, u.attribution, vec![u])),
        }
    }
    groups
        .into_iter()
        .map(|(by, attribution, uses)| {
            let first = uses[0];
            let each = |u: &CascadeUse| format!("{} uses {} ({})", u.used_by, u.symbol, u.change);
            let what = if uses.len() == 1 {
                each(first)
            } else {
                let list: Vec<String> = uses.iter().map(|u| format!("{} at {}:{}", each(u), u.path, u.line)).collect();
                format!("{} uses of what it introduced: {}", uses.len(), capped(&list, 3))
            };
            let who = match (by, attribution) {
                (Some(c), Attribution::Series) => format!(", written in the same series by {}", named(c)),
                (Some(c), _) => format!(", written later by {}", named(c)),
                (None, Attribution::Untraced) => ", written after it; writer not traced (--max-blames)".to_string(),
                (None, _) => String::new(),
            };
            finding_line(
                &location(Some(&first.path), Some(first.line)),
                Severity::Error,
                &format!("{what}{who}"),
                "revert_entangled",
            )
        })
        .collect()
}

/// Later work on the same definitions and lines: notes, grouped by file.
fn note_lines(a: &RevertAnalysis, verbose: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut paths: Vec<&str> = a.rework.iter().map(|r| r.path.as_str()).collect();
    paths.dedup();
    for path in paths {
        let here: Vec<_> = a.rework.iter().filter(|r| r.path == path).collect();
        let mut symbols: Vec<String> = here.iter().map(|r| r.symbol.clone()).collect();
        symbols.dedup();
        let mut by: Vec<&CommitRef> = here.iter().flat_map(|r| &r.commits).collect();
        by.sort();
        by.dedup();
        let who = if by.is_empty() {
            "later commits".to_string()
        } else {
            format!("{} ({})", count(by.len(), "later commit", "later commits"), commits(&by, verbose))
        };
        out.push(finding_line(
            &location(Some(path), None),
            Severity::Info,
            &format!(
                "{} changed again by {who}{}",
                and_list(&symbols),
                if a.conflicts.iter().any(|c| c.path == path) { "" } else { "; the revert still applies there" }
            ),
            "later_rework",
        ));
    }
    let mut paths: Vec<&str> = a.later_edits.iter().map(|e| e.path.as_str()).collect();
    paths.dedup();
    for path in paths {
        let here: Vec<_> = a.later_edits.iter().filter(|e| e.path == path).collect();
        let lines: usize = here.iter().map(|e| e.lines.len()).sum();
        let by: Vec<&CommitRef> = here.iter().map(|e| &e.commit).collect();
        out.push(finding_line(
            &location(Some(path), here[0].lines.first().copied()),
            Severity::Info,
            &format!("{} of its lines rewritten later by {}", lines, commits(&by, verbose)),
            "later_edit",
        ));
    }
    out
}

fn next_step(a: &RevertAnalysis) -> String {
    let with: Vec<String> = a.revert_with.iter().map(|c| short(&c.id).to_string()).collect();
    let together = if with.is_empty() {
        String::new()
    } else {
        format!(
            "revert together with {}{}",
            and_list(&with),
            match a.revert_with_applies {
                Some(true) => " (together they revert cleanly)",
                Some(false) => " (together they conflict: see each with `revertcheck revert`)",
                None => "",
            }
        )
    };
    let regions = count(a.conflicts.len(), "conflicting region", "conflicting regions");
    match a.verdict {
        RevertVerdict::Clean => format!("git revert {}", short(&a.commit.id)),
        RevertVerdict::Reverted => match &a.reapplied_by {
            Some(r) => format!("nothing to do: reverted, then re-applied by {}", short(&r.id)),
            None => "nothing to do: already reverted".to_string(),
        },
        RevertVerdict::Entangled if !together.is_empty() => together,
        RevertVerdict::Entangled => "rework the later users named above before reverting".to_string(),
        RevertVerdict::Conflicting if !together.is_empty() => format!("{together}; then resolve {regions} by hand"),
        RevertVerdict::Conflicting => format!("resolve {regions} by hand"),
    }
}

fn verdict_word(v: RevertVerdict) -> String {
    let level = match v {
        RevertVerdict::Clean | RevertVerdict::Reverted => Level::Good,
        RevertVerdict::Entangled => Level::Look,
        RevertVerdict::Conflicting => Level::Bad,
    };
    text::verdict(v.as_str(), level)
}

pub fn text(at: &str, at_short: &str, analyses: &[RevertAnalysis], verbose: bool) -> String {
    let mut out = String::new();
    // `--at ece408818d27` needs no `(ece408818d27)` after it.
    let at = if at_short.starts_with(at) || at.starts_with(at_short) {
        at.to_string()
    } else {
        format!("{at} ({at_short})")
    };
    for a in analyses {
        let _ = writeln!(out, "{} {}", bold(short(&a.commit.id)), bold(&a.commit.summary));
        if let Some(r) = &a.reverted_by {
            let _ = writeln!(
                out,
                "{}",
                finding_line("", Severity::Info, &format!("reverted by {}", named(r)), "revert_reverted")
            );
        }
        if let Some(r) = &a.reapplied_by {
            let _ = writeln!(
                out,
                "{}",
                finding_line(
                    "",
                    Severity::Info,
                    &format!("... and that revert was reverted by {}", named(r)),
                    "revert_reapplied"
                )
            );
        }
        for l in conflict_lines(a, verbose).into_iter().chain(entangled_lines(a)).chain(note_lines(a, verbose)) {
            let _ = writeln!(out, "{l}");
        }
        let weak: Vec<&CascadeUse> = a.cascade.iter().filter(|u| !u.breaks).collect();
        if verbose && !weak.is_empty() {
            let unknown = weak.iter().filter(|u| u.attribution == Attribution::Unknown).count();
            let _ = writeln!(
                out,
                "{}",
                finding_line(
                    "",
                    Severity::Info,
                    &format!(
                        "not counted: {} bound by name only, {} whose writer history does not show (--format json lists them)",
                        count(weak.len() - unknown, "use", "uses"),
                        unknown
                    ),
                    "uncounted_uses"
                )
            );
        }
        if a.truncated {
            let _ = writeln!(
                out,
                "{}",
                finding_line(
                    "",
                    Severity::Info,
                    "more conflicts than --max-blames: some are not traced to commits",
                    "blame_limit"
                )
            );
        }
        let _ = writeln!(
            out,
            "  {}  {}; git revert {} at {at}, {} and {} later",
            dim("verdict:"),
            verdict_word(a.verdict),
            if a.applies { "applies" } else { "conflicts" },
            count(a.age_commits, "commit", "commits"),
            count(a.age_days as usize, "day", "days"),
        );
        let _ = writeln!(out, "  {}     {}", dim("next:"), next_step(a));
        if analyses.len() > 1 {
            out.push('\n');
        }
    }
    if analyses.len() > 1 {
        let mut counts: Vec<(RevertVerdict, usize)> = Vec::new();
        for a in analyses {
            match counts.iter_mut().find(|(v, _)| *v == a.verdict) {
                Some(c) => c.1 += 1,
                None => counts.push((a.verdict, 1)),
            }
        }
        counts.sort_by_key(|(v, _)| *v);
        let parts: Vec<String> = counts.iter().map(|(v, n)| format!("{n} {}", v.as_str())).collect();
        let _ =
            writeln!(out, "{} {}: {}", bold("revert:"), count(analyses.len(), "commit", "commits"), parts.join(", "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(id: &str, summary: &str) -> CommitRef {
        CommitRef { id: id.repeat(40 / id.len()), summary: summary.into() }
    }

    fn conflict(path: &str, start: u32, end: u32, by: &[CommitRef]) -> ConflictReport {
        ConflictReport { path: path.into(), start_line: start, end_line: end, kind: "content", changed_by: by.to_vec() }
    }

    #[test]
    fn conflicts_are_grouped_by_the_commits_that_last_changed_them() {
        let (a, b) = (commit("a", "rename the headers"), commit("b", "tidy"));
        let analysis = RevertAnalysis {
            commit: commit("c", "the commit"),
            verdict: RevertVerdict::Conflicting,
            applies: false,
            conflicts: vec![
                conflict("x.h", 10, 12, std::slice::from_ref(&a)),
                conflict("y.c", 5, 5, std::slice::from_ref(&b)),
                conflict("x.h", 40, 44, std::slice::from_ref(&a)),
                conflict("z.c", 7, 9, std::slice::from_ref(&a)),
                conflict("w.c", 1, 1, &[]),
            ],
            cascade: Vec::new(),
            existing_uses: 0,
            revert_with: Vec::new(),
            revert_with_applies: None,
            rework: Vec::new(),
            later_edits: Vec::new(),
            reverted_by: None,
            reapplied_by: None,
            age_days: 3,
            age_commits: 1,
            truncated: false,
        };
        let lines: Vec<String> = conflict_lines(&analysis, false).iter().map(|l| strip(l)).collect();
        assert_eq!(
            lines,
            [
                "x.h:10: error: 3 conflicting regions: x.h:10-12, x.h:40-44, z.c:7-9; last changed by \
                 aaaaaaaaaaaa \"rename the headers\" [revert_conflict]",
                "y.c:5: error: git revert conflicts in line 5 (content); last changed by bbbbbbbbbbbb \"tidy\" [revert_conflict]",
                "w.c:1: error: git revert conflicts in line 1 (content); not traced to a later commit [revert_conflict]",
            ]
        );
        let text = strip(&text("HEAD", "cccccccccccc", std::slice::from_ref(&analysis), false));
        assert!(
            text.ends_with(
                "  verdict:  conflicting; git revert conflicts at HEAD (cccccccccccc), 1 commit and 3 days later\n  \
                 next:     resolve 5 conflicting regions by hand\n"
            ),
            "{text}"
        );
    }

    /// The text without its colour escapes.
    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(at) = rest.find('\x1b') {
            out.push_str(&rest[..at]);
            rest = &rest[at + rest[at..].find('m').unwrap() + 1..];
        }
        out + rest
    }
}
