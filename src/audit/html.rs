//! `audit --html`: one self-contained page (no external assets) with the results table
//! (sortable by clicking a header), the transitions since the previous run, and a bar chart,
//! drawn as inline SVG, of the share of audited commits still cleanly revertible by age.

use std::fmt::Write;

use super::store::StoredResult;
use super::AuditOutcome;

/// Age buckets of the chart, in days (inclusive upper bounds; the last is open).
const BUCKETS: &[(i64, &str)] = &[
    (7, "≤ 1 week"),
    (30, "≤ 1 month"),
    (90, "≤ 3 months"),
    (180, "≤ 6 months"),
    (365, "≤ 1 year"),
    (i64::MAX, "> 1 year"),
];

pub fn render(outcome: &AuditOutcome, repo_label: &str) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>revertcheck audit: {}</title>\n<style>{CSS}</style></head><body>\n",
        esc(repo_label)
    );
    let _ = write!(
        h,
        "<h1>revertcheck audit</h1>\n<p>{} at <code>{}</code>, run {}{}.</p>\n",
        esc(repo_label),
        &outcome.head[..12],
        outcome.run_id,
        outcome.previous_run.map(|p| format!(", compared with run {p}")).unwrap_or_default()
    );
    h.push_str("<p class=\"counts\">");
    for (verdict, n) in &outcome.counts {
        let _ = write!(h, "<span class=\"v-{verdict}\">{verdict}: {n}</span> ");
    }
    h.push_str("</p>\n<h2>Revertible by age</h2>\n");
    h.push_str(&chart(&outcome.results));
    h.push_str("<h2>Changes since the previous run</h2>\n");
    transitions(&mut h, outcome);
    if let Some(c) = &outcome.comparison {
        comparison(&mut h, c);
    }
    h.push_str("<h2>Commits</h2>\n<table id=\"results\"><thead><tr>");
    for (i, col) in [
        "commit",
        "summary",
        "author",
        "age (days)",
        "verdict",
        "conflicts",
        "later uses",
        "reworked",
        "responsible",
        "at landing",
    ]
    .iter()
    .enumerate()
    {
        let _ = write!(h, "<th onclick=\"sortBy({i})\">{col}</th>");
    }
    h.push_str("</tr></thead><tbody>\n");
    for r in &outcome.results {
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td class=\"v-{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
            &r.commit_id[..12],
            esc(&r.summary),
            esc(&r.author),
            r.age_days,
            r.verdict,
            r.verdict,
            r.conflicts,
            r.cascade,
            r.rework,
            esc(&r.responsible.split(',').filter(|s| !s.is_empty()).map(|s| &s[..12.min(s.len())]).collect::<Vec<_>>().join(" ")),
            r.landing.as_deref().map_or("–".to_string(), esc)
        );
    }
    h.push_str("</tbody></table>\n");
    let _ = write!(h, "<script>{JS}</script>\n</body></html>\n");
    h
}

/// `--compare trailer`: one row per group (a minimal section; the page's layout is its own).
fn comparison(h: &mut String, c: &crate::audit::evidence::Comparison) {
    h.push_str("<h2>AI-declared commits and the others</h2>\n<table id=\"comparison\"><thead><tr><th>group</th><th>commits</th><th>lines added</th><th>later rewritten</th><th>commits with a later Fixes:</th><th>median days to first rewrite</th></tr></thead><tbody>\n");
    for (name, g) in [
        ("AI-declared", &c.ai_declared),
        ("others, same files and period", &c.others_same_files),
        ("others, all", &c.others_all),
    ] {
        let _ = writeln!(
            h,
            "<tr><td>{name}</td><td>{}</td><td>{}</td><td>{} ({:.1}%)</td><td>{} ({:.1}%)</td><td>{}</td></tr>",
            g.commits,
            g.added,
            g.rewritten,
            g.rewritten_percent,
            g.fixed,
            g.fixed_percent,
            g.median_first_rewrite_days.map_or("–".to_string(), |d| d.to_string())
        );
    }
    h.push_str("</tbody></table>\n");
    for n in &c.notes {
        let _ = writeln!(h, "<p>{}</p>", esc(n));
    }
}

fn transitions(h: &mut String, o: &AuditOutcome) {
    let t = &o.transitions;
    if o.previous_run.is_none() {
        h.push_str("<p>First run on this store.</p>\n");
        return;
    }
    let _ = writeln!(h, "<ul id=\"transitions\"><li>newly audited: {}</li>", t.new.len());
    for (label, list) in [
        ("lost revertibility", &t.lost_revertibility),
        ("became reverted", &t.became_reverted),
        ("improved", &t.improved),
    ] {
        for tr in list.iter() {
            let _ = writeln!(
                h,
                "<li>{label}: <code>{}</code> {} ({} → {}){}</li>",
                &tr.commit[..12],
                esc(&tr.summary),
                tr.from,
                tr.to,
                if tr.responsible.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", because of {}",
                        tr.responsible
                            .iter()
                            .map(|r| format!("<code>{}</code>", &r[..12.min(r.len())]))
                            .collect::<Vec<_>>()
                            .join(" ")
                    )
                }
            );
        }
    }
    let _ = writeln!(h, "<li>no longer selected: {}</li></ul>", t.gone.len());
}

/// Bars: per age bucket, the share of commits whose verdict is `clean`.
fn chart(results: &[StoredResult]) -> String {
    let (w, bar, gap, top, height) = (640, 80, 20, 20, 200);
    let mut s = format!("<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{}\" role=\"img\" aria-label=\"share of revertible commits by age\">\n", top + height + 60);
    let mut lower = i64::MIN;
    for (i, &(upper, label)) in BUCKETS.iter().enumerate() {
        let in_bucket: Vec<&StoredResult> =
            results.iter().filter(|r| r.age_days > lower && r.age_days <= upper).collect();
        lower = upper;
        let x = gap + i as i32 * (bar + gap);
        let (share, text) = if in_bucket.is_empty() {
            (0.0, "–".to_string())
        } else {
            let clean = in_bucket.iter().filter(|r| r.verdict == "clean").count();
            let share = clean as f64 / in_bucket.len() as f64;
            (share, format!("{:.0}% of {}", share * 100.0, in_bucket.len()))
        };
        let bh = (share * height as f64).round() as i32;
        let _ = writeln!(
            s,
            "<rect x=\"{x}\" y=\"{}\" width=\"{bar}\" height=\"{bh}\" class=\"bar\"><title>{text}</title></rect>",
            top + height - bh
        );
        let _ = writeln!(s, "<text x=\"{}\" y=\"{}\" class=\"val\">{text}</text>", x + bar / 2, top + height - bh - 4);
        let _ =
            writeln!(s, "<text x=\"{}\" y=\"{}\" class=\"lbl\">{}</text>", x + bar / 2, top + height + 18, esc(label));
    }
    let _ = writeln!(s, "<line x1=\"0\" y1=\"{0}\" x2=\"{w}\" y2=\"{0}\" class=\"axis\"/>", top + height);
    s.push_str("</svg>\n");
    s
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const CSS: &str = "body{font-family:system-ui,sans-serif;margin:2em;max-width:75em}table{border-collapse:collapse;width:100%}\
th,td{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;font-size:.9em}th{cursor:pointer;background:#f4f4f4}\
.v-clean{color:#176b2c}.v-entangled{color:#9a6a00}.v-conflicting{color:#b00020}.v-reverted{color:#555}\
.counts span{margin-right:1em;font-weight:bold}.bar{fill:#3b7dd8}.val,.lbl{font-size:12px;text-anchor:middle}.axis{stroke:#333}";

const JS: &str = "function sortBy(col){const t=document.getElementById('results');const rows=[...t.tBodies[0].rows];\
const dir=t.dataset.col==col&&t.dataset.dir=='asc'?'desc':'asc';t.dataset.col=col;t.dataset.dir=dir;\
rows.sort((a,b)=>{const x=a.cells[col].innerText,y=b.cells[col].innerText;const n=parseFloat(x)-parseFloat(y);\
const c=isNaN(n)?x.localeCompare(y):n;return dir=='asc'?c:-c;});rows.forEach(r=>t.tBodies[0].appendChild(r));}";
