//! The `revert` report.

use serde::Serialize;

use crate::cli::Format;
use crate::revert::{Attribution, CascadeUse, RevertAnalysis, Target};

#[derive(Serialize)]
struct RevertReport<'a> {
    schema: &'static str,
    at: &'a str,
    at_commit: String,
    commits: &'a [RevertAnalysis],
}

pub fn print(at: &str, target: &Target, analyses: &[RevertAnalysis], format: Format) {
    if format == Format::Json {
        return super::print_json(&RevertReport {
            schema: "revertcheck/revert/v2",
            at,
            at_commit: target.commit.hex(),
            commits: analyses,
        });
    }
    for a in analyses {
        println!("{} {}: {}", &a.commit.id[..12], a.commit.summary, a.verdict.as_str());
        println!(
            "  at {at} ({}), {} days and {} commits later; git revert {}",
            target.commit.short(),
            a.age_days,
            a.age_commits,
            if a.applies { "applies" } else { "conflicts" }
        );
        if let Some(r) = &a.reverted_by {
            println!("  reverted by {} {}", &r.id[..12], r.summary);
        }
        if let Some(r) = &a.reapplied_by {
            println!("  ... and that revert was reverted by {} {}", &r.id[..12], r.summary);
        }
        for c in &a.conflicts {
            let by: Vec<String> = c.changed_by.iter().map(|r| format!("{} {}", &r.id[..12], r.summary)).collect();
            println!(
                "  {}:{}-{}: conflict ({}){}",
                c.path,
                c.start_line,
                c.end_line,
                c.kind,
                if by.is_empty() { String::new() } else { format!(", lines last changed by {}", by.join("; ")) }
            );
        }
        for u in a.cascade.iter().filter(|u| u.breaks) {
            let by =
                u.introduced_by.as_ref().map(|r| format!(" (since {} {})", &r.id[..12], r.summary)).unwrap_or_default();
            let series = match u.attribution {
                Attribution::Series => ", same series",
                Attribution::Untraced => ", written after it; writer not traced (--max-blames)",
                _ => "",
            };
            println!(
                "  {}:{}: {} uses {} ({}, {}{series}){by}",
                u.path,
                u.line,
                u.used_by,
                u.symbol,
                u.change,
                u.binding.as_str()
            );
        }
        let weak: Vec<&CascadeUse> = a.cascade.iter().filter(|u| !u.breaks).collect();
        if !weak.is_empty() {
            let unknown = weak.iter().filter(|u| u.attribution == Attribution::Unknown).count();
            println!(
                "  not counted: {} {} bound by name only, {} whose writer history does not show (--format json lists them)",
                weak.len() - unknown,
                if weak.len() - unknown == 1 { "use" } else { "uses" },
                unknown
            );
        }
        if !a.revert_with.is_empty() {
            let ids: Vec<String> = a.revert_with.iter().map(|c| format!("{} {}", &c.id[..12], c.summary)).collect();
            let applies = match a.revert_with_applies {
                Some(true) => " (together they revert cleanly)",
                Some(false) => " (together they conflict: see each with `revertcheck revert`)",
                None => "",
            };
            println!("  revert together with: {}{applies}", ids.join("; "));
        }
        for r in &a.rework {
            let by: Vec<String> = r.commits.iter().map(|c| format!("{} {}", &c.id[..12], c.summary)).collect();
            println!(
                "  note: {}: {} was changed again by {} (the revert still applies there)",
                r.path,
                r.symbol,
                if by.is_empty() { "later commits".into() } else { by.join("; ") }
            );
        }
        for e in &a.later_edits {
            println!(
                "  note: {}: {} of its lines rewritten later by {} {}",
                e.path,
                e.lines.len(),
                &e.commit.id[..12],
                e.commit.summary
            );
        }
        if a.truncated {
            println!("  (more conflicts than --max-blames: some are not traced to commits)");
        }
    }
}
