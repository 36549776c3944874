//! The `check` report: checkpatch-style text, JSON, SARIF 2.1.0 and a Markdown reply.

use std::fmt::Write;

use crate::check::{CheckReport, StepReport};
use crate::cli::CheckFormat;
use crate::verdict::{Finding, Severity};

pub fn print(r: &CheckReport, format: CheckFormat) {
    match format {
        CheckFormat::Json => super::print_json(r),
        CheckFormat::Sarif => super::print_json(&super::sarif::check(r)),
        CheckFormat::Codequality => super::print_json(&super::codequality::check(r)),
        CheckFormat::Markdown => print!("{}", markdown(r)),
        CheckFormat::Text => print!("{}", text(r)),
    }
}

fn location(f: &Finding) -> String {
    match (&f.path, f.line) {
        (Some(p), Some(l)) => format!("{p}:{l}: "),
        (Some(p), None) => format!("{p}: "),
        _ => String::new(),
    }
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

pub fn text(r: &CheckReport) -> String {
    let mut out = String::new();
    for s in &r.steps {
        let _ = writeln!(out, "{} \"{}\"", s.label, s.subject);
        for f in s.verdict.findings.iter().filter(|f| f.severity > Severity::Info) {
            let symbol = f.symbol.as_deref().map(|n| format!("{n}: ")).unwrap_or_default();
            let _ = writeln!(out, "{}{}: {symbol}{}", location(f), f.severity.as_str(), f.message);
        }
        for f in s.verdict.findings.iter().filter(|f| f.severity == Severity::Info) {
            let symbol = f.symbol.as_deref().map(|n| format!("{n}: ")).unwrap_or_default();
            let _ = writeln!(out, "{}note: {symbol}{}", location(f), f.message);
        }
        let changed: Vec<String> = s
            .symbols
            .iter()
            .map(|i| format!("{} {} ({})", i.change.kind.as_str(), i.change.name, i.change.change.as_str()))
            .collect();
        if !changed.is_empty() {
            let _ = writeln!(out, "  symbols: {}", changed.join(", "));
        }
        let zones: Vec<String> = s
            .files
            .iter()
            .map(|f| format!("{} [{}{}]", f.change.path, f.zone.as_str(), if f.core { ", core" } else { "" }))
            .collect();
        let _ = writeln!(out, "  files: {}", zones.join(", "));
        let _ = writeln!(
            out,
            "  verdict: {}, {} ({}; {} code lines{})",
            s.verdict.structural.as_str(),
            s.verdict.policy.as_str(),
            declared(s),
            s.verdict.code_lines,
            if s.depends_on.is_empty() {
                String::new()
            } else {
                format!(
                    "; uses patch {}",
                    s.depends_on.iter().map(|d| d.patch.to_string()).collect::<Vec<_>>().join(", ")
                )
            }
        );
        if s.verdict.policy == crate::verdict::PolicyVerdict::NeedsMaintainer && !s.maintainers.is_empty() {
            for m in &s.maintainers {
                let _ = writeln!(
                    out,
                    "  ask: {} ({}): {}",
                    m.title,
                    m.status.as_deref().unwrap_or("?"),
                    m.people.join(", ")
                );
            }
        }
        out.push('\n');
    }
    let deps: Vec<String> =
        r.series.dependencies.iter().map(|d| format!("patch {} uses patch {}", d.patch, d.uses_patch)).collect();
    let _ = writeln!(
        out,
        "series: {} patches, {}, {} (profile {}; {} code lines, counted {}){}",
        r.steps.len(),
        r.series.structural.as_str(),
        r.series.policy.as_str(),
        r.profile,
        r.series.code_lines,
        r.line_count.describe(),
        if deps.is_empty() { String::new() } else { format!("; {}", deps.join(", ")) }
    );
    let errors = r.base_index.files_with_parse_errors.max(r.tip_index.files_with_parse_errors);
    if errors > 0 {
        let _ =
            writeln!(out, "note: {errors} C files of the tree have parse errors; symbols near them are less certain");
    }
    for n in &r.notes {
        let _ = writeln!(out, "note: {n}");
    }
    out
}

pub fn markdown(r: &CheckReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "**revertcheck** (profile `{}`): series is **{}**, policy **{}**, {} changed code lines ({}).\n",
        r.profile,
        r.series.structural.as_str(),
        r.series.policy.as_str(),
        r.series.code_lines,
        r.line_count.describe()
    );
    let _ =
        writeln!(out, "| patch | subject | structure | policy | code lines | declared |\n|---|---|---|---|---|---|");
    for s in &r.steps {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            s.label,
            s.subject.replace('|', "\\|"),
            s.verdict.structural.as_str(),
            s.verdict.policy.as_str(),
            s.verdict.code_lines,
            declared(s).replace('|', "\\|")
        );
    }
    for s in &r.steps {
        let findings: Vec<&Finding> = s.verdict.findings.iter().filter(|f| f.severity > Severity::Info).collect();
        if findings.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n**{}** {}:", s.label, s.subject);
        for f in findings {
            let _ = writeln!(
                out,
                "- {} `{}`{}: {}",
                f.severity.as_str(),
                location(f).trim_end_matches(": "),
                f.symbol.as_deref().map(|n| format!(" `{n}`")).unwrap_or_default(),
                f.message
            );
        }
    }
    if !r.series.dependencies.is_empty() {
        let deps: Vec<String> =
            r.series.dependencies.iter().map(|d| format!("patch {} uses patch {}", d.patch, d.uses_patch)).collect();
        let _ = writeln!(out, "\nWithin the series: {}.", deps.join(", "));
    }
    out
}
