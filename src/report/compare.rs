//! `audit --compare trailer`: the evidence of AI-declared commits against the others, as text
//! (the JSON is the audit report's `comparison`).

use crate::audit::evidence::{Comparison, GroupFigures, LINE_DIFFS_PER_COMMIT};
use crate::audit::split::SplitFix;

/// The audit's split fixes across history, one line each.
pub fn print_splits(splits: &[SplitFix]) {
    for s in splits {
        println!(
            "split fix: {} {}: with {} (same author, {}{}, within {} days) {} code lines, over the cap of {}",
            &s.commit[..12],
            s.summary,
            s.with.iter().map(|c| &c[..12]).collect::<Vec<_>>().join(", "),
            s.files.join(", "),
            if s.functions.is_empty() { String::new() } else { format!(" ({})", s.functions.join(", ")) },
            s.window_days,
            s.total_lines,
            s.cap
        );
    }
}

pub fn print(c: &Comparison) {
    println!("\ncompared by {}: lines later rewritten, later Fixes: naming the commit", c.by);
    println!(
        "  {:<34} {:>7} {:>9} {:>9} {:>7} {:>8} {:>7} {:>11} {:>9}",
        "group", "commits", "added", "rewritten", "%", "fixed", "%", "median 1st", "truncated"
    );
    let row = |name: &str, g: &GroupFigures| {
        println!(
            "  {:<34} {:>7} {:>9} {:>9} {:>6.1}% {:>8} {:>6.1}% {:>10} {:>9}",
            name,
            g.commits,
            g.added,
            g.rewritten,
            g.rewritten_percent,
            g.fixed,
            g.fixed_percent,
            g.median_first_rewrite_days.map_or("-".to_string(), |d| format!("{d}d")),
            g.truncated
        );
    };
    row("AI-declared", &c.ai_declared);
    row("others, same files and period", &c.others_same_files);
    row("others, all", &c.others_all);
    println!(
        "  (lines followed through at most {LINE_DIFFS_PER_COMMIT} later line diffs per commit; 'truncated' commits' \
         rewrites are a lower bound)"
    );
    if !c.ai_commits.is_empty() {
        println!("  AI-declared: {}", c.ai_commits.iter().map(|c| &c[..12]).collect::<Vec<_>>().join(" "));
    }
    for n in &c.notes {
        println!("  note: {n}");
    }
}
