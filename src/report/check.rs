//! The `check` report: JSON and SARIF 2.1.0 here; the text, the reply and Markdown in
//! `check_text`.

use serde_json::json;

use super::check_text::{self, TextOptions};
use crate::check::CheckReport;
use crate::cli::CheckFormat;
use crate::verdict::Severity;

pub fn print(r: &CheckReport, format: CheckFormat, opts: TextOptions) {
    match format {
        CheckFormat::Json => super::print_json(r),
        CheckFormat::Sarif => super::print_json(&sarif(r)),
        CheckFormat::Markdown => print!("{}", check_text::markdown(r)),
        CheckFormat::Reply => print!("{}", check_text::reply(r)),
        CheckFormat::Text => anstream::print!("{}", check_text::text(r, opts)),
    }
}

/// SARIF 2.1.0: one result per finding, located where the finding has a path.
pub fn sarif(r: &CheckReport) -> serde_json::Value {
    let mut rules: Vec<&'static str> = r.steps.iter().flat_map(|s| s.verdict.findings.iter().map(|f| f.code)).collect();
    rules.sort_unstable();
    rules.dedup();
    let results: Vec<serde_json::Value> = r
        .steps
        .iter()
        .flat_map(|s| {
            s.verdict.findings.iter().map(move |f| {
                let mut result = json!({
                    "ruleId": f.code,
                    "level": match f.severity { Severity::Error => "error", Severity::Warning => "warning", Severity::Info => "note" },
                    "message": { "text": format!("{}{}", f.symbol.as_deref().map(|n| format!("{n}: ")).unwrap_or_default(), f.message) },
                    "properties": { "patch": s.label, "commit": s.commit, "subject": s.subject },
                });
                if let Some(path) = &f.path {
                    let mut physical = json!({ "artifactLocation": { "uri": path } });
                    if let Some(line) = f.line.filter(|&l| l > 0) {
                        physical["region"] = json!({ "startLine": line });
                    }
                    result["locations"] = json!([{ "physicalLocation": physical }]);
                }
                result
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "revertcheck",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(|id| json!({ "id": id, "shortDescription": { "text": id.replace('_', " ") } })).collect::<Vec<_>>(),
            }},
            "results": results,
        }],
    })
}
