//! GitLab Code Quality: a JSON list of issues that a merge request shows beside its diff
//! (`artifacts: reports: codequality:`). Each finding is one issue, located as in SARIF (never
//! without a path), with a fingerprint stable across runs and rebases.

use serde_json::{json, Value};

use super::sarif::{fingerprint, location_of};
use crate::check::CheckReport;
use crate::verdict::{PolicyVerdict, Severity};

/// GitLab's severity of a finding: notes are `info`, warnings `minor`, errors `major`, and an
/// error on a patch whose policy verdict is a failure `critical` (it is what blocks the merge).
fn severity(s: Severity, policy: PolicyVerdict) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Warning => "minor",
        Severity::Error if policy.is_failure() => "critical",
        Severity::Error => "major",
    }
}

/// The `check` report as a Code Quality report.
pub fn check(r: &CheckReport) -> Value {
    let mut seen = std::collections::HashSet::new();
    let mut issues = Vec::new();
    for s in &r.steps {
        for f in &s.verdict.findings {
            let (path, line, _) = location_of(f, s);
            let mut fp = fingerprint(f, s, &path);
            // GitLab keys issues by fingerprint: two equal findings on one patch stay two.
            let mut n = 1;
            while !seen.insert(fp.clone()) {
                n += 1;
                fp = super::rules::fingerprint(&[&fp, &n.to_string()]);
            }
            let symbol = f.symbol.as_deref().map(|n| format!("{n}: ")).unwrap_or_default();
            issues.push(json!({
                "type": "issue",
                "description": format!("{} \"{}\": {symbol}{}", s.label, s.subject, f.message),
                "check_name": f.code,
                "categories": [category(f.code)],
                "fingerprint": fp,
                "severity": severity(f.severity, s.verdict.policy),
                "location": { "path": path, "lines": { "begin": line } },
            }));
        }
    }
    Value::Array(issues)
}

/// Code Climate's category: structure for blast-radius findings, style for the trailers.
fn category(code: &str) -> &'static str {
    match code {
        "cascading" | "series_contained" | "body_change_callers" | "core_code" | "core_symbol" | "new_parse_error" => {
            "Complexity"
        }
        "over_cap" | "split_fix" => "Duplication",
        _ => "Style",
    }
}
