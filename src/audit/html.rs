//! `audit --html`: one self-contained page (no external resources: inline CSS, SVG and a little
//! script) that answers a maintainer's questions about the audit: how many AI-assisted commits
//! can still be thrown away, how that share moved over every stored run, which MAINTAINERS
//! sections hold the entangled ones, and, per commit, what stands in the way (conflicts, later
//! uses, the commits to revert with it). Rows expand (`<details>`), filter by verdict, section,
//! author and declared AI use, and sort by clicking a header. Commit ids link to the project's
//! web UI and to the patch's mail when the message says where it is.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

use serde_json::Value;

use super::facts::CommitFacts;
use super::store::{StoredResult, TrendPoint};
use super::AuditOutcome;

/// QEMU's GitLab, the default commit link.
pub const DEFAULT_COMMIT_URL: &str = "https://gitlab.com/qemu-project/qemu/-/commit/{id}";
/// lore's redirector finds a message on whichever list archived it.
pub const DEFAULT_MAIL_URL: &str = "https://lore.kernel.org/r/{msgid}";

/// How the page names the project and links commits.
#[derive(Clone, Debug)]
pub struct PageOptions {
    /// The page's title: the project's name, not a local path.
    pub project: String,
    /// Commit links: `{id}` is replaced by the full commit id.
    pub commit_url: String,
}

/// Everything the page shows.
pub struct Page<'a> {
    pub outcome: &'a AuditOutcome,
    pub options: &'a PageOptions,
    pub facts: &'a HashMap<String, CommitFacts>,
    /// Every stored run, oldest first (this one included).
    pub trend: &'a [TrendPoint],
    /// What was selected, in words (for the empty state and the header).
    pub selection: String,
}

/// Age buckets of the chart, in days (inclusive upper bounds; the last is open).
const BUCKETS: &[(i64, &str)] = &[
    (7, "≤ 1 week"),
    (30, "≤ 1 month"),
    (90, "≤ 3 months"),
    (180, "≤ 6 months"),
    (365, "≤ 1 year"),
    (i64::MAX, "> 1 year"),
];

/// Entries listed per kind in an expanded row; the rest are counted.
const MAX_LISTED: usize = 40;
/// Sections shown in the roll-up before the rest fold away.
const SECTIONS_SHOWN: usize = 25;

const NO_SECTION: &str = "(no MAINTAINERS section)";
const NOT_DECLARED: &str = "(none declared)";

pub fn render(page: &Page) -> String {
    let o = page.outcome;
    let project = esc(&page.options.project);
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{project}: revertibility audit</title>\n<style>{CSS}</style></head><body>\n"
    );
    let _ = writeln!(h, "<h1>{project}: can these commits still be reverted?</h1>");
    let _ = writeln!(
        h,
        "<p class=\"sub\">Audit run {} at {} ({}); {}{}. Verdicts: <b>clean</b> reverts alone, \
         <b>entangled</b> applies but later code uses what it added, <b>conflicting</b> does not apply, \
         <b>reverted</b> was undone already.</p>",
        o.run_id,
        page.commit_link(&o.head),
        esc(&page.selection),
        plural(o.results.len(), "commit"),
        o.previous_run.map(|p| format!(", compared with run {p}")).unwrap_or_default()
    );
    h.push_str("<p class=\"counts\">");
    for (verdict, n) in &o.counts {
        let _ = write!(h, "<span class=\"badge v-{v}\">{v}: {n}</span> ", v = esc(verdict));
    }
    if let Some(share) = share(o.results.iter().filter(|r| r.verdict == "clean").count(), o.results.len()) {
        let _ = write!(h, "<span class=\"badge\">revertible: {share:.0}%</span>");
    }
    h.push_str("</p>\n");

    if o.results.is_empty() {
        let _ = writeln!(
            h,
            "<p id=\"empty\" class=\"empty\">No commits to show: none was selected ({}). \
             Nothing AI-assisted to revert here; the trend below still lists the stored runs.</p>",
            esc(&page.selection)
        );
    }
    h.push_str("<h2>Revertible share over the stored runs</h2>\n");
    h.push_str(&trend(page.trend));
    h.push_str("<h2>Changes since the previous run</h2>\n");
    transitions(&mut h, page);
    if let Some(c) = &page.outcome.comparison {
        comparison(&mut h, c);
    }
    if !o.results.is_empty() {
        h.push_str("<h2>Revertible by age</h2>\n");
        h.push_str(&chart(&o.results));
        h.push_str("<h2>By MAINTAINERS section</h2>\n");
        rollup(&mut h, page);
        h.push_str("<h2>Commits</h2>\n");
        filters(&mut h, page);
        table(&mut h, page);
    }
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

impl Page<'_> {
    fn commit_link(&self, id: &str) -> String {
        let short = &id[..12.min(id.len())];
        format!(
            "<a class=\"c\" href=\"{}\"><code>{}</code></a>",
            esc(&self.options.commit_url.replace("{id}", id)),
            esc(short)
        )
    }

    fn links(&self, ids: &[&str]) -> String {
        ids.iter().map(|id| self.commit_link(id)).collect::<Vec<_>>().join(" ")
    }

    fn facts(&self, id: &str) -> CommitFacts {
        self.facts.get(id).cloned().unwrap_or_default()
    }
}

fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn transitions(h: &mut String, page: &Page) {
    let o = page.outcome;
    let t = &o.transitions;
    if o.previous_run.is_none() {
        h.push_str("<p>First run on this store: nothing to compare with yet.</p>\n");
        return;
    }
    let lists = [
        ("lost revertibility", &t.lost_revertibility),
        ("became reverted", &t.became_reverted),
        ("more entangled", &t.worsened),
        ("improved", &t.improved),
    ];
    let summary: Vec<String> = lists.iter().map(|(label, l)| format!("{label}: <b>{}</b>", l.len())).collect();
    let _ = writeln!(
        h,
        "<p id=\"transitions\">{}; newly audited: {}; no longer selected: {}.</p>",
        summary.join("; "),
        t.new.len(),
        t.gone.len()
    );
    for (label, list) in lists {
        if list.is_empty() {
            continue;
        }
        // Short lists open; a long one (a first run after many merges) folds.
        let _ = writeln!(
            h,
            "<details class=\"tr\"{}><summary>{label} ({})</summary><ul>",
            if list.len() <= 10 { " open" } else { "" },
            list.len()
        );
        for tr in list.iter() {
            let counts = format!(
                "conflicts {} → {}, later uses {} → {}",
                tr.conflicts_before, tr.conflicts_now, tr.cascade_before, tr.cascade_now
            );
            let new: Vec<&str> = tr.new_responsible.iter().map(String::as_str).collect();
            let _ = writeln!(
                h,
                "<li class=\"t-{}\">{label}: {} {} ({} → {}; {counts}){}</li>",
                label.replace(' ', "-"),
                page.commit_link(&tr.commit),
                esc(&tr.summary),
                esc(&tr.from),
                esc(&tr.to),
                if new.is_empty() { String::new() } else { format!(", newly because of {}", page.links(&new)) }
            );
        }
        h.push_str("</ul></details>\n");
    }
}

/// A line of the clean share per stored run, oldest left.
fn trend(points: &[TrendPoint]) -> String {
    let points: Vec<&TrendPoint> = points.iter().filter(|p| p.commits > 0).collect();
    if points.is_empty() {
        return "<p class=\"empty\">No run with audited commits is stored yet.</p>\n".into();
    }
    let (w, h, left, top, bottom) = (720.0, 180.0, 44.0, 12.0, 36.0);
    // Room on the right for the last point's label.
    let step = if points.len() > 1 { (w - left - 70.0) / (points.len() - 1) as f64 } else { 0.0 };
    let xy = |i: usize, p: &TrendPoint| {
        let x = left + 10.0 + step * i as f64;
        let y = top + (h - top - bottom) * (1.0 - p.clean as f64 / p.commits as f64);
        (x, y)
    };
    let mut s = format!(
        "<svg id=\"trend\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" role=\"img\" \
         aria-label=\"share of cleanly revertible commits per audit run\">\n"
    );
    for pct in [0, 50, 100] {
        let y = top + (h - top - bottom) * (1.0 - pct as f64 / 100.0);
        let _ = writeln!(
            s,
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{w}\" y2=\"{y:.1}\" class=\"grid\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"yl\">{pct}%</text>",
            left - 6.0,
            y + 4.0
        );
    }
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (x, y) = xy(i, p);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let _ = writeln!(s, "<polyline points=\"{}\" class=\"line\"/>", line.join(" "));
    let label_every = points.len().div_ceil(8).max(1);
    for (i, p) in points.iter().enumerate() {
        let (x, y) = xy(i, p);
        let pct = p.clean as f64 * 100.0 / p.commits as f64;
        let _ = writeln!(
            s,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" class=\"pt\"><title>run {}: {pct:.0}% clean of {} (head {}, {})</title></circle>",
            p.run_id,
            p.commits,
            esc(&p.head[..12.min(p.head.len())]),
            date(p.finished_at)
        );
        if i % label_every == 0 || i + 1 == points.len() {
            let _ = writeln!(
                s,
                "<text x=\"{x:.1}\" y=\"{:.1}\" class=\"xl\">run {}</text><text x=\"{x:.1}\" y=\"{:.1}\" class=\"xl\">{}</text>",
                h - bottom + 14.0,
                p.run_id,
                h - bottom + 28.0,
                date(p.finished_at)
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

/// `YYYY-MM-DD` of seconds since the epoch (UTC).
fn date(secs: i64) -> String {
    // Civil from days (Howard Hinnant's algorithm).
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Bars: per age bucket, the share of commits whose verdict is `clean`.
fn chart(results: &[StoredResult]) -> String {
    let (w, bar, gap, top, height) = (640, 80, 20, 20, 160);
    let mut s = format!("<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{}\" role=\"img\" aria-label=\"share of revertible commits by age\">\n", top + height + 40);
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

/// Per MAINTAINERS section (each changed file's most specific one): how many commits, by
/// verdict, and the share still revertible; most commits first.
fn rollup(h: &mut String, page: &Page) {
    let mut by: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for r in &page.outcome.results {
        let mut sections = page.facts(&r.commit_id).sections;
        if sections.is_empty() {
            sections.push(NO_SECTION.into());
        }
        for s in sections {
            *by.entry(s).or_default().entry(r.verdict.clone()).or_default() += 1;
        }
    }
    let mut rows: Vec<(String, BTreeMap<String, usize>, usize)> = by
        .into_iter()
        .map(|(s, v)| {
            let n = v.values().sum();
            (s, v, n)
        })
        .collect();
    // Most commits first; among equals, the least revertible first.
    rows.sort_by(|a, b| {
        let clean = |r: &(String, BTreeMap<String, usize>, usize)| r.1.get("clean").copied().unwrap_or(0) * 1000 / r.2;
        b.2.cmp(&a.2).then(clean(a).cmp(&clean(b))).then(a.0.cmp(&b.0))
    });
    let head = "<tr><th>section</th><th>commits</th><th>clean</th><th>entangled</th><th>conflicting</th>\
                <th>reverted</th><th>revertible</th></tr>";
    let _ = writeln!(h, "<table id=\"sections\" class=\"rollup\"><thead>{head}</thead><tbody>");
    for (i, (section, v, n)) in rows.iter().enumerate() {
        if i == SECTIONS_SHOWN {
            let _ = writeln!(
                h,
                "</tbody></table>\n<details><summary>{} more sections</summary>\n<table class=\"rollup\"><thead>{head}</thead><tbody>",
                rows.len() - SECTIONS_SHOWN
            );
        }
        let get = |k: &str| v.get(k).copied().unwrap_or(0);
        let pct = share(get("clean"), *n).unwrap_or(0.0);
        let _ = writeln!(
            h,
            "<tr><td><a href=\"#results\" class=\"pick\" data-section=\"{s}\">{s}</a></td><td>{n}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td><span class=\"meter\"><span style=\"width:{pct:.0}%\"></span></span> {pct:.0}%</td></tr>",
            get("clean"),
            get("entangled"),
            get("conflicting"),
            get("reverted"),
            s = esc(section)
        );
    }
    h.push_str("</tbody></table>\n");
    if rows.len() > SECTIONS_SHOWN {
        h.push_str("</details>\n");
    }
}

/// The declared scope of an `AI-used-for:` value, for the filter (`code (tool: x)` is `code`).
fn scope(value: &str) -> String {
    value.split(['(', ';']).next().unwrap_or("").trim().to_lowercase()
}

fn author_name(author: &str) -> &str {
    author.split(" <").next().unwrap_or(author).trim()
}

fn filters(h: &mut String, page: &Page) {
    let results = &page.outcome.results;
    let mut verdicts = BTreeSet::new();
    let mut sections = BTreeSet::new();
    let mut authors = BTreeSet::new();
    let mut trailers = BTreeSet::new();
    for r in results {
        let f = page.facts(&r.commit_id);
        verdicts.insert(r.verdict.clone());
        authors.insert(author_name(&r.author).to_string());
        if f.sections.is_empty() {
            sections.insert(NO_SECTION.to_string());
        }
        sections.extend(f.sections);
        if f.ai_used_for.is_empty() {
            trailers.insert(NOT_DECLARED.to_string());
        }
        trailers.extend(f.ai_used_for.iter().map(|v| scope(v)));
    }
    h.push_str("<form id=\"filters\" onsubmit=\"return false\">");
    for (key, label, values) in [
        ("verdict", "verdict", &verdicts),
        ("section", "section", &sections),
        ("author", "author", &authors),
        ("trailer", "AI-used-for", &trailers),
    ] {
        let _ = write!(
            h,
            "<label>{label} <select data-key=\"{key}\" onchange=\"applyFilters()\"><option value=\"\">all</option>"
        );
        for v in values {
            let _ = write!(h, "<option>{}</option>", esc(v));
        }
        h.push_str("</select></label> ");
    }
    let _ = writeln!(
        h,
        "<button type=\"button\" onclick=\"clearFilters()\">show all</button> <span id=\"shown\">{} shown</span></form>",
        plural(results.len(), "commit")
    );
}

fn table(h: &mut String, page: &Page) {
    h.push_str("<table id=\"results\"><thead><tr>");
    for (i, col) in [
        "commit",
        "summary (click to expand)",
        "author",
        "age (days)",
        "verdict",
        "conflicts",
        "later uses",
        "reworked",
        "responsible",
        "at landing",
        "policy",
    ]
    .iter()
    .enumerate()
    {
        let _ = write!(h, "<th onclick=\"sortBy({i})\">{col}</th>");
    }
    h.push_str("</tr></thead><tbody>\n");
    for r in &page.outcome.results {
        let f = page.facts(&r.commit_id);
        let details: Value = serde_json::from_str(&r.details).unwrap_or(Value::Null);
        let sections = if f.sections.is_empty() { vec![NO_SECTION.to_string()] } else { f.sections.clone() };
        let trailers: Vec<String> = if f.ai_used_for.is_empty() {
            vec![NOT_DECLARED.to_string()]
        } else {
            f.ai_used_for.iter().map(|v| scope(v)).collect()
        };
        let mail = f
            .mail
            .as_ref()
            .map(|m| format!(" <a class=\"mail\" href=\"{}\" title=\"the patch's mail\">mail</a>", esc(m)))
            .unwrap_or_default();
        let responsible = r.responsible_ids();
        let _ = writeln!(
            h,
            "<tr data-verdict=\"{v}\" data-section=\"{}\" data-author=\"{}\" data-trailer=\"{}\">\
             <td>{}{mail}</td><td><details><summary>{}</summary>{}</details></td><td title=\"{}\">{}</td><td>{}</td>\
             <td class=\"v-{v}\">{v}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&sections.join("|")),
            esc(author_name(&r.author)),
            esc(&trailers.join("|")),
            page.commit_link(&r.commit_id),
            esc(&r.summary),
            expanded(page, r, &details, &f),
            esc(&r.author),
            esc(author_name(&r.author)),
            r.age_days,
            r.conflicts,
            r.cascade,
            r.rework,
            page.links(&responsible),
            r.landing.as_deref().map_or("–".to_string(), esc),
            r.landing_policy
                .as_deref()
                .map_or("–".to_string(), |p| format!("<span class=\"p-{0}\">{0}</span>", esc(p))),
            v = esc(&r.verdict),
        );
    }
    h.push_str("</tbody></table>\n");
}

fn commit_ref(page: &Page, v: &Value) -> String {
    let id = v["id"].as_str().unwrap_or("");
    format!("{} {}", page.commit_link(id), esc(v["summary"].as_str().unwrap_or("")))
}

fn more(h: &mut String, total: usize) {
    if total > MAX_LISTED {
        let _ = write!(h, "<li>… and {} more (see `revertcheck revert`)</li>", total - MAX_LISTED);
    }
}

/// An expanded row: what stands in the way of the revert, and what to revert with it.
fn expanded(page: &Page, r: &StoredResult, d: &Value, f: &CommitFacts) -> String {
    let mut h = String::from("<div class=\"more\">");
    let _ = write!(
        h,
        "<p>{} · sections: {} · AI-used-for: {}</p>",
        page.commit_link(&r.commit_id),
        esc(&if f.sections.is_empty() { NO_SECTION.to_string() } else { f.sections.join(", ") }),
        esc(&if f.ai_used_for.is_empty() { NOT_DECLARED.to_string() } else { f.ai_used_for.join("; ") })
    );
    if let Some(by) = d.get("reverted_by").filter(|v| !v.is_null()) {
        let _ = write!(h, "<p>Reverted by {}.</p>", commit_ref(page, by));
    }
    let conflicts = d["conflicts"].as_array().map(Vec::as_slice).unwrap_or_default();
    if !conflicts.is_empty() {
        let _ = write!(h, "<p>Conflicts ({}):</p><ul>", conflicts.len());
        for c in conflicts.iter().take(MAX_LISTED) {
            let by: Vec<String> =
                c["changed_by"].as_array().into_iter().flatten().map(|b| commit_ref(page, b)).collect();
            let _ = write!(
                h,
                "<li><code>{}:{}-{}</code> ({}){}</li>",
                esc(c["path"].as_str().unwrap_or("")),
                c["start_line"],
                c["end_line"],
                esc(c["kind"].as_str().unwrap_or("")),
                if by.is_empty() { String::new() } else { format!(", changed since by {}", by.join(", ")) }
            );
        }
        more(&mut h, conflicts.len());
        h.push_str("</ul>");
    }
    let uses: Vec<&Value> =
        d["cascade"].as_array().into_iter().flatten().filter(|u| u["breaks"].as_bool() == Some(true)).collect();
    if !uses.is_empty() {
        let _ = write!(h, "<p>Later uses that break on a revert alone ({}):</p><ul>", uses.len());
        for u in uses.iter().take(MAX_LISTED) {
            let by = u
                .get("introduced_by")
                .filter(|v| !v.is_null())
                .map(|b| format!(", written by {}", commit_ref(page, b)));
            let _ = write!(
                h,
                "<li><code>{}</code> ({}) used by <code>{}</code> at <code>{}:{}</code>{}</li>",
                esc(u["symbol"].as_str().unwrap_or("")),
                esc(u["change"].as_str().unwrap_or("")),
                esc(u["used_by"].as_str().unwrap_or("")),
                esc(u["path"].as_str().unwrap_or("")),
                u["line"],
                by.unwrap_or_default()
            );
        }
        more(&mut h, uses.len());
        h.push_str("</ul>");
    }
    let set = d["revert_with"].as_array().map(Vec::as_slice).unwrap_or_default();
    if !set.is_empty() {
        let applies = match d["revert_with_applies"].as_bool() {
            Some(true) => "together they revert cleanly",
            Some(false) => "together they still conflict",
            None => "not tried together",
        };
        let _ = write!(h, "<p>Revert together with (newest first; {applies}):</p><ol>");
        for c in set {
            let _ = write!(h, "<li>{}</li>", commit_ref(page, c));
        }
        h.push_str("</ol>");
    }
    if conflicts.is_empty() && uses.is_empty() && set.is_empty() && r.reverted_by.is_none() {
        h.push_str(
            "<p>Nothing stands in the way: <code>git revert</code> applies and no later code uses what it added.</p>",
        );
    }
    h.push_str("</div>");
    h
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const CSS: &str = "body{font-family:system-ui,sans-serif;margin:2em;max-width:90em;color:#1b1b1b}\
h1{font-size:1.5em;margin-bottom:.2em}.sub{color:#444;max-width:60em}\
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;\
font-size:.9em;vertical-align:top;overflow-wrap:break-word}#results td:nth-child(1),#results td:nth-child(n+4):nth-child(-n+8),#results td:nth-child(n+10){white-space:nowrap}#results td:nth-child(2){min-width:24em}#results td:nth-child(3){max-width:12em}#results td:nth-child(9){max-width:14em}th{cursor:pointer;background:#f4f4f4;position:sticky;top:0}\
.v-clean{color:#176b2c}.v-entangled{color:#9a6a00}.v-conflicting{color:#b00020}.v-reverted{color:#555}\
.p-ok,.p-not-declared{color:#176b2c}.p-needs-maintainer,.p-scope-mismatch,.p-malformed-trailer,.p-declined{color:#b00020}\
.badge{display:inline-block;margin-right:.6em;padding:.15em .6em;border-radius:1em;background:#f0f0f0;font-weight:bold}\
.bar{fill:#3b7dd8}.val,.lbl,.xl{font-size:12px;text-anchor:middle}.yl{font-size:11px;text-anchor:end}.axis{stroke:#333}\
.grid{stroke:#ddd}.line{fill:none;stroke:#3b7dd8;stroke-width:2}.pt{fill:#3b7dd8}\
.rollup{width:auto;min-width:40em}.meter{display:inline-block;width:6em;height:.7em;background:#eee;vertical-align:middle}\
.meter span{display:block;height:100%;background:#3b7dd8}\
#filters{margin:.5em 0 1em}#filters label{margin-right:.8em}#filters select{max-width:18em}#shown{color:#444}\
details summary{cursor:pointer}.more{background:#fafafa;border-left:3px solid #ccc;padding:.2em .8em;margin:.3em 0}\
.more ul,.more ol{margin:.2em 0;padding-left:1.4em}a.c{text-decoration:none}.mail{font-size:.8em}\
.empty{padding:1em;background:#f6f6f6;border:1px dashed #bbb}";

const JS: &str = "function sortBy(col){const t=document.getElementById('results');const rows=[...t.tBodies[0].rows];\
const dir=t.dataset.col==col&&t.dataset.dir=='asc'?'desc':'asc';t.dataset.col=col;t.dataset.dir=dir;\
const key=r=>{const c=r.cells[col];const s=c.querySelector('summary');return (s||c).innerText;};\
rows.sort((a,b)=>{const x=key(a),y=key(b);const n=parseFloat(x)-parseFloat(y);\
const c=isNaN(n)?x.localeCompare(y):n;return dir=='asc'?c:-c;});rows.forEach(r=>t.tBodies[0].appendChild(r));}\n\
function applyFilters(){const want={};document.querySelectorAll('#filters select').forEach(s=>{if(s.value)want[s.dataset.key]=s.value;});\
let shown=0;const rows=document.querySelectorAll('#results tbody tr');rows.forEach(r=>{\
const ok=Object.entries(want).every(([k,v])=>(r.dataset[k]||'').split('|').includes(v));\
r.hidden=!ok;if(ok)shown++;});document.getElementById('shown').textContent=shown+' of '+rows.length+' shown';}\n\
function clearFilters(){document.querySelectorAll('#filters select').forEach(s=>s.value='');applyFilters();}\n\
function setFilter(key,value){const s=document.querySelector('#filters select[data-key='+key+']');if(s){s.value=value;applyFilters();}}\n\
document.querySelectorAll('a.pick').forEach(a=>a.addEventListener('click',()=>setFilter('section',a.dataset.section)));";

#[cfg(test)]
mod tests {
    #[test]
    fn dates_and_scopes() {
        assert_eq!(super::date(0), "1970-01-01");
        assert_eq!(super::date(1_770_940_800), "2026-02-13");
        assert_eq!(super::scope("Code (tool: Claude; model: x)"), "code");
        assert_eq!(super::author_name("A B <a@b>"), "A B");
    }
}
