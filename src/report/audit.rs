//! The `audit` and `audit history` reports.

use std::path::Path;

use crate::audit::store::RunRow;
use crate::audit::AuditOutcome;
use crate::cli::Format;
use crate::verdict::Severity;

pub fn print(o: &AuditOutcome, store: &Path, format: Format) {
    if format == Format::Json {
        return super::print_json(o);
    }
    let counts: Vec<String> = o.counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!(
        "audit run {} at {}: {} ({})",
        o.run_id,
        &o.head[..12],
        super::text::count(o.results.len(), "commit", "commits"),
        if counts.is_empty() { "none selected".into() } else { counts.join(", ") }
    );
    for r in &o.results {
        println!("  {} {:<11} {:>5}d  {}", &r.commit_id[..12], r.verdict, r.age_days, r.summary);
    }
    match o.previous_run {
        None => println!("first run on {}", store.display()),
        Some(p) => {
            let t = &o.transitions;
            println!(
                "since run {p}: {} new, {} lost revertibility, {} became reverted, {} improved, {} no longer selected",
                t.new.len(),
                t.lost_revertibility.len(),
                t.became_reverted.len(),
                t.improved.len(),
                t.gone.len()
            );
            for (label, list) in [
                ("lost revertibility", &t.lost_revertibility),
                ("became reverted", &t.became_reverted),
                ("more entangled", &t.worsened),
                ("improved", &t.improved),
            ] {
                for tr in list.iter() {
                    let by: Vec<&str> = tr.responsible.iter().map(|r| &r[..12.min(r.len())]).collect();
                    // Checkpatch-style, with the code `revertcheck explain` knows.
                    let (severity, code) = match tr.to.as_str() {
                        "entangled" => (Severity::Error, "revert_entangled"),
                        "conflicting" => (Severity::Error, "revert_conflict"),
                        "reverted" => (Severity::Info, "revert_reverted"),
                        _ => (Severity::Info, "revert_improved"),
                    };
                    let line = super::text::finding_line(
                        &format!("{}: ", &tr.commit[..12]),
                        severity,
                        &format!(
                            "{label} ({} -> {}){}: \"{}\"",
                            tr.from,
                            tr.to,
                            if by.is_empty() { String::new() } else { format!(" because of {}", by.join(", ")) },
                            tr.summary
                        ),
                        code,
                    );
                    anstream::println!("  {line}");
                }
            }
            let lost: Vec<&str> = t.lost_revertibility.iter().map(|tr| &tr.commit[..12]).collect();
            if !lost.is_empty() {
                println!("  next: revertcheck revert {} (what now stands in the way)", lost.join(" "));
            }
        }
    }
}

pub fn print_history(runs: &[RunRow], format: Format) {
    if format == Format::Json {
        return super::print_json(&serde_json::json!({ "schema": "revertcheck/audit-history/v1", "runs": runs }));
    }
    if runs.is_empty() {
        println!("no runs recorded");
    }
    for r in runs {
        println!(
            "run {:>4}  head {}  {} commits  {}s  revertcheck {}",
            r.id,
            &r.head[..12.min(r.head.len())],
            r.commits,
            r.finished_at - r.started_at,
            r.tool_version
        );
    }
}
