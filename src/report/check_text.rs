//! The `check` report for people: checkpatch-style text for a terminal, a plain-text reply to
//! paste on qemu-devel (`--format reply`) and Markdown for GitLab/GitHub comments. All three say
//! the same things: per patch `N/M`, its findings with their codes, its verdict and the next
//! step; per series a one-line summary.

use std::fmt::Write;

use super::check_findings::{changes, lines, Line};
use super::text::{self, and_list, bold, capped, count, dim, plural, Level};
use crate::check::{CheckReport, StepReport};
use crate::verdict::{PolicyVerdict, Severity, Structural};

/// How much of the run itself the text tells (parse errors of the tree, ...).
#[derive(Clone, Copy, Debug, Default)]
pub struct TextOptions {
    pub verbose: bool,
}

fn declared(s: &StepReport) -> String {
    if !s.declared.present {
        return "no AI use declared".into();
    }
    if s.trailers.ai_used_for.is_empty() {
        return "AI named in another trailer".into();
    }
    format!("AI-used-for: {}", s.trailers.ai_used_for.join("; "))
}

fn policy_level(p: PolicyVerdict) -> Level {
    match p {
        PolicyVerdict::Ok | PolicyVerdict::NotDeclared => Level::Good,
        PolicyVerdict::NeedsMaintainer => Level::Look,
        _ => Level::Bad,
    }
}

fn structural_level(s: Structural) -> Level {
    match s {
        Structural::Leaf => Level::Good,
        Structural::Contained => Level::Look,
        Structural::Cascading => Level::Bad,
    }
}

/// `leaf, ok; 5 code lines; AI-used-for: ...; uses patch 5`.
fn summary(s: &StepReport, color: bool) -> String {
    let (structural, policy) = (s.verdict.structural.as_str(), s.verdict.policy.as_str());
    let (structural, policy) = if color {
        (
            text::verdict(structural, structural_level(s.verdict.structural)),
            text::verdict(policy, policy_level(s.verdict.policy)),
        )
    } else {
        (structural.to_string(), policy.to_string())
    };
    let uses = if s.depends_on.is_empty() {
        String::new()
    } else {
        let n: Vec<String> = s.depends_on.iter().map(|p| p.patch.to_string()).collect();
        format!("; uses {} {}", if n.len() == 1 { "patch" } else { "patches" }, and_list(&n))
    };
    format!("{structural}, {policy}; {}; {}{uses}", plural(s.verdict.code_lines as usize, "code line"), declared(s))
}

/// MAINTAINERS sections of the patch that name people: `Title: A <a@b>, B <b@c>; lists: l@x`.
fn ask(s: &StepReport) -> Vec<String> {
    s.maintainers
        .iter()
        .filter(|m| !m.people.is_empty())
        .map(|m| {
            let lists = if m.lists.is_empty() { String::new() } else { format!("; lists: {}", m.lists.join(", ")) };
            format!("{}: {}{lists}", m.title, m.people.join(", "))
        })
        .collect()
}

/// The series' title, Message-ID and archive link, as far as they are known.
fn series_source(r: &CheckReport) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(t) = &r.series.title {
        parts.push(format!("\"{t}\""));
    }
    if let Some(id) = &r.series.message_id {
        parts.push(format!("Message-ID <{id}>"));
    }
    if let Some(link) = &r.series.link {
        parts.push(link.clone());
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// A patch's Message-ID and archive link, when known.
fn message_line(s: &StepReport) -> Option<String> {
    match (&s.message_id, &s.link) {
        (Some(id), Some(link)) => Some(format!("<{id}> {link}")),
        (Some(id), None) => Some(format!("<{id}>")),
        _ => None,
    }
}

/// What the author or the maintainer does next, from the verdict.
pub fn next_step(r: &CheckReport, k: usize) -> String {
    let s = &r.steps[k];
    let has = |code: &str| s.verdict.findings.iter().any(|f| f.code == code);
    let sections: Vec<String> =
        s.maintainers.iter().filter(|m| !m.people.is_empty()).map(|m| m.title.clone()).collect();
    let ask_them = if sections.is_empty() {
        let core: Vec<String> = s.files.iter().filter(|f| f.core).map(|f| f.change.path.clone()).collect();
        if core.is_empty() {
            "ask the subsystem's maintainers".to_string()
        } else {
            format!("ask the maintainers of {}", capped(&core, 3))
        }
    } else {
        format!("ask the maintainers of {}", and_list(&sections))
    };
    let users: Vec<String> =
        r.series.dependencies.iter().filter(|d| d.uses_patch == k + 1).map(|d| d.patch.to_string()).collect();
    match s.verdict.policy {
        PolicyVerdict::Declined => "declined under the policy in force: rewrite it without AI assistance".to_string(),
        PolicyVerdict::MalformedTrailer => {
            "fix the trailer: `AI-used-for: code (tool: ..., model: ...)`, scopes code, tests, docs, research, analysis"
                .to_string()
        }
        PolicyVerdict::ScopeMismatch => {
            "declare `code` in AI-used-for, or move the code change to a patch of its own".to_string()
        }
        PolicyVerdict::NeedsMaintainer => {
            let mut ways = Vec::new();
            let cap = r.code_line_cap.unwrap_or(0);
            if has("over_cap") && cap > 0 && s.verdict.code_lines > cap {
                ways.push(format!(
                    "split the patch: {} over the cap of {}",
                    plural((s.verdict.code_lines - cap) as usize, "code line"),
                    cap
                ));
            }
            ways.push(ask_them);
            ways.join(", or ")
        }
        PolicyVerdict::Ok | PolicyVerdict::NotDeclared => match s.verdict.structural {
            Structural::Cascading => "review the users outside the change named above".to_string(),
            _ if !users.is_empty() => format!(
                "keep it with {} {} that {} it (apply and revert them together)",
                if users.len() == 1 { "patch" } else { "patches" },
                and_list(&users),
                if users.len() == 1 { "uses" } else { "use" }
            ),
            _ => "nothing to do".to_string(),
        },
    }
}

/// `1/10`.
fn number(r: &CheckReport, k: usize) -> String {
    format!("{}/{}", k + 1, r.steps.len())
}

/// `6 and 7 use 5; 10 uses 9`.
fn within_series(r: &CheckReport) -> Option<String> {
    // (patch, the patch it uses), 1-based.
    let deps: Vec<(usize, usize)> = r.series.dependencies.iter().map(|d| (d.patch, d.uses_patch)).collect();
    if deps.is_empty() {
        return None;
    }
    let distinct = |f: fn(&(usize, usize)) -> usize| {
        let mut v: Vec<usize> = deps.iter().map(f).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    // By the patch used (`6 and 7 use 5`) or by the user (`3 uses 1 and 2`): whichever says it
    // in fewer parts.
    let (used, users) = (distinct(|d| d.1), distinct(|d| d.0));
    let parts: Vec<String> = if used.len() <= users.len() {
        used.iter()
            .map(|b| {
                let who: Vec<String> = deps.iter().filter(|d| d.1 == *b).map(|d| d.0.to_string()).collect();
                format!("{} {} {b}", and_list(&who), if who.len() == 1 { "uses" } else { "use" })
            })
            .collect()
    } else {
        users
            .iter()
            .map(|a| {
                let what: Vec<String> = deps.iter().filter(|d| d.0 == *a).map(|d| d.1.to_string()).collect();
                format!("{a} uses {}", and_list(&what))
            })
            .collect()
    };
    Some(parts.join("; "))
}

/// `7 ok, 1 needs-maintainer`, in the order of the verdicts.
fn policy_counts(r: &CheckReport) -> String {
    let mut counts: Vec<(PolicyVerdict, usize)> = Vec::new();
    for s in &r.steps {
        match counts.iter_mut().find(|(p, _)| *p == s.verdict.policy) {
            Some(c) => c.1 += 1,
            None => counts.push((s.verdict.policy, 1)),
        }
    }
    // ok before not-declared: what passed, then what did not ask.
    counts.sort_by_key(|(p, _)| if *p == PolicyVerdict::Ok { None } else { Some(*p) });
    counts.iter().map(|(p, n)| format!("{n} {}", p.as_str())).collect::<Vec<_>>().join(", ")
}

/// The patches a maintainer has to look at: `7/10 (needs-maintainer), 8/10 (scope-mismatch)`.
fn attention(r: &CheckReport) -> Vec<String> {
    r.steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.verdict.policy.is_failure() || s.verdict.structural == Structural::Cascading)
        .map(|(k, s)| {
            let why =
                if s.verdict.policy.is_failure() { s.verdict.policy.as_str() } else { s.verdict.structural.as_str() };
            format!("{} ({why})", number(r, k))
        })
        .collect()
}

fn series_line(r: &CheckReport) -> String {
    format!(
        "{}: {}; {}; {} ({}); profile {}",
        count(r.steps.len(), "patch", "patches"),
        policy_counts(r),
        r.series.structural.as_str(),
        plural(r.series.code_lines as usize, "code line"),
        r.line_count.describe(),
        r.profile
    )
}

fn series_next(r: &CheckReport) -> String {
    let look = attention(r);
    if look.is_empty() {
        "nothing to do".to_string()
    } else {
        format!(
            "{} {} attention: {}",
            count(look.len(), "patch", "patches"),
            if look.len() == 1 { "needs" } else { "need" },
            look.join(", ")
        )
    }
}

pub fn text(r: &CheckReport, opts: TextOptions) -> String {
    let mut out = String::new();
    for (k, s) in r.steps.iter().enumerate() {
        let id = s.commit.as_deref().map(|c| format!("{} ", text::short(c))).unwrap_or_default();
        let _ = writeln!(out, "{} {id}{}", bold(&number(r, k)), bold(&s.subject));
        for l in lines(s) {
            let _ = writeln!(out, "{}", l.text());
        }
        let changed = changes(s, opts.verbose);
        if !changed.is_empty() {
            let _ = writeln!(out, "  {}  {}", dim("changes:"), changed.join(", "));
        }
        let files: Vec<String> = s
            .files
            .iter()
            .map(|f| format!("{} ({}{})", f.change.path, f.zone.as_str(), if f.core { ", core" } else { "" }))
            .collect();
        if !files.is_empty() {
            let _ = writeln!(out, "  {}    {}", dim("files:"), files.join(", "));
        }
        if let Some(m) = message_line(s) {
            let _ = writeln!(out, "  {}  {m}", dim("message:"));
        }
        let _ = writeln!(out, "  {}  {}", dim("verdict:"), summary(s, true));
        if s.verdict.policy == PolicyVerdict::NeedsMaintainer {
            for a in ask(s) {
                let _ = writeln!(out, "  {}      {a}", dim("ask:"));
            }
        }
        let _ = writeln!(out, "  {}     {}", dim("next:"), next_step(r, k));
        out.push('\n');
    }
    let _ = writeln!(out, "{} {}", bold("series:"), series_line(r));
    if let Some(source) = series_source(r) {
        let _ = writeln!(out, "  {}  {source}", dim("thread:"));
    }
    if let Some(w) = within_series(r) {
        let _ = writeln!(out, "  {}  {w}", dim("within:"));
    }
    if !r.steps.is_empty() {
        let _ = writeln!(out, "  {}    {}", dim("next:"), series_next(r));
    }
    let errors = r.base_index.files_with_parse_errors.max(r.tip_index.files_with_parse_errors);
    if opts.verbose && errors > 0 {
        let _ = writeln!(
            out,
            "note: {} of the tree {} parse errors; symbols near them are less certain",
            count(errors, "C file", "C files"),
            if errors == 1 { "has" } else { "have" }
        );
    }
    if opts.verbose {
        for (which, st) in [("base", &r.base_index), ("tip", &r.tip_index)] {
            if st.files == 0 {
                continue;
            }
            let _ = writeln!(
                out,
                "note: {which} index: {}, {} from the cache, {} parsed in {} ms{}",
                count(st.files, "C file", "C files"),
                st.cache_hits,
                st.parsed,
                st.elapsed_ms,
                st.cache_write_error.as_deref().map(|e| format!("; cache not written: {e}")).unwrap_or_default()
            );
        }
    }
    for n in &r.notes {
        let _ = writeln!(out, "note: {n}");
    }
    out
}

/// A plain-text reply for qemu-devel: per patch `[N/M]` with its verdict, the evidence (errors
/// and warnings with their locations) and whom to ask. No colour, no commit ids (the list knows
/// patches by number), lines short enough to quote.
pub fn reply(r: &CheckReport) -> String {
    fn para(out: &mut String, first: &str, text: &str, indent: &str) {
        let _ = writeln!(out, "{}", text::hanging(first, text, 76, indent));
    }
    let mut out = String::new();
    para(&mut out, "", &format!("revertcheck {}, profile {}:", env!("CARGO_PKG_VERSION"), r.profile), "");
    out.push('\n');
    for (k, s) in r.steps.iter().enumerate() {
        let _ = writeln!(out, "[{}] {}", number(r, k), s.subject);
        para(&mut out, "  ", &summary(s, false), "    ");
        for l in lines(s).iter().filter(|l| l.severity > Severity::Info) {
            let at = l.at().map(|a| format!("{a}: ")).unwrap_or_default();
            let item = format!("- {at}{}: {} [{}]", text::severity_word(l.severity), l.message, l.code);
            para(&mut out, "  ", &item, "    ");
        }
        let next = next_step(r, k);
        if next != "nothing to do" {
            para(&mut out, "  ", &format!("Next: {next}"), "    ");
        }
        if s.verdict.policy == PolicyVerdict::NeedsMaintainer {
            for a in ask(s) {
                para(&mut out, "  ", &format!("Ask: {a}"), "    ");
            }
        }
        out.push('\n');
    }
    para(&mut out, "", &format!("Series: {}", series_line(r)), "  ");
    if let Some(source) = series_source(r) {
        para(&mut out, "", &format!("Thread: {source}"), "  ");
    }
    if let Some(w) = within_series(r) {
        para(&mut out, "", &format!("Within the series: {w}."), "  ");
    }
    if !r.steps.is_empty() {
        para(&mut out, "", &format!("Next: {}", series_next(r)), "  ");
    }
    for n in &r.notes {
        para(&mut out, "", &format!("Note: {n}"), "  ");
    }
    out
}

fn md(text: &str) -> String {
    text.replace('|', "\\|")
}

/// Markdown for a GitLab or GitHub comment: a table of the patches, then the findings of those
/// that have any, each with its location and code, and the next step.
pub fn markdown(r: &CheckReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "**revertcheck** (profile `{}`): {}, **{}**, {} ({}).\n",
        r.profile,
        count(r.steps.len(), "patch", "patches"),
        r.series.policy.as_str(),
        plural(r.series.code_lines as usize, "changed code line"),
        r.line_count.describe()
    );
    if let Some(source) = series_source(r) {
        let _ = writeln!(out, "Series: {}\n", md(&source));
    }
    let _ = writeln!(out, "| # | subject | structure | policy | code lines | declared |\n|---|---|---|---|---|---|");
    for (k, s) in r.steps.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            number(r, k),
            md(&s.subject),
            s.verdict.structural.as_str(),
            s.verdict.policy.as_str(),
            s.verdict.code_lines,
            md(&declared(s))
        );
    }
    for (k, s) in r.steps.iter().enumerate() {
        let shown: Vec<Line> = lines(s).into_iter().filter(|l| l.severity > Severity::Info).collect();
        if shown.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n**{}** {}:\n", number(r, k), s.subject);
        for l in shown {
            let at = l.at().map(|a| format!(" `{a}`")).unwrap_or_default();
            let _ = writeln!(out, "- **{}**{at}: {} `[{}]`", text::severity_word(l.severity), l.message, l.code);
        }
        let _ = writeln!(out, "- next: {}", next_step(r, k));
        if s.verdict.policy == PolicyVerdict::NeedsMaintainer {
            for a in ask(s) {
                let _ = writeln!(out, "- ask: {a}");
            }
        }
    }
    if let Some(w) = within_series(r) {
        let _ = writeln!(out, "\nWithin the series: {w}.");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::SeriesSummary;

    fn report(dependencies: &[(usize, usize)]) -> CheckReport {
        CheckReport {
            schema: "test",
            profile: "proposed".into(),
            line_count: Default::default(),
            base: "base".into(),
            steps: Vec::new(),
            series: SeriesSummary {
                structural: Structural::Leaf,
                policy: PolicyVerdict::NotDeclared,
                dependencies: dependencies
                    .iter()
                    .map(|&(patch, uses_patch)| crate::check::SeriesDependency {
                        patch,
                        commit: None,
                        uses_patch,
                        uses_commit: None,
                    })
                    .collect(),
                code_lines: 0,
                title: None,
                message_id: None,
                link: None,
            },
            base_index: Default::default(),
            tip_index: Default::default(),
            notes: Vec::new(),
            code_line_cap: Some(20),
            provenance: Default::default(),
        }
    }

    #[test]
    fn the_series_dependencies_read_in_the_fewest_parts() {
        assert_eq!(within_series(&report(&[])), None);
        assert_eq!(within_series(&report(&[(6, 5), (7, 5), (10, 9)])).unwrap(), "6 and 7 use 5; 10 uses 9");
        assert_eq!(within_series(&report(&[(3, 1), (3, 2), (4, 3)])).unwrap(), "3 uses 1 and 2; 4 uses 3");
    }
}
