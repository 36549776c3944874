//! The seam between `check` and `policy`: loading the policy, zones of paths, and a commit
//! message's trailers turned into the verdict's `Declared` and findings.

use crate::error::{Error, Result};
use crate::policy::trailers::{self, ScopeKind, TrailerFinding};
use crate::policy::{Policy, ProfileName};
use crate::verdict::{Declared, Finding, Severity, ZoneKind};

use super::TrailerSummary;

pub fn load_policy(file: Option<(&str, &str)>, profile: Option<ProfileName>) -> Result<Policy> {
    Policy::load(file, profile).map_err(|e| {
        let input = file.map_or("policy", |f| f.0).to_string();
        Error::BadInput { why: e.trim_start_matches(&format!("policy file {input}: ")).to_string(), input }
    })
}

pub fn zone(policy: &Policy, path: &str) -> (ZoneKind, bool) {
    let z = policy.zone_of(path);
    (z.zone, z.core)
}

/// What a message declares, with trailer findings.
pub fn trailers(policy: &Policy, message: &str) -> (Declared, TrailerSummary, Vec<Finding>) {
    let (parsed, ai, problems) = trailers::check_trailers(message, &policy.profile.trailer);
    let foreign = problems.iter().any(|p| matches!(p, TrailerFinding::ForeignAiAttribution { .. }));
    let declared = Declared {
        present: ai.declared() || foreign,
        scopes: ai
            .scopes
            .iter()
            .filter(|s| !matches!(s.kind, ScopeKind::Unknown(_)))
            .map(|s| s.kind.as_str().to_string())
            .collect(),
        malformed: problems.iter().filter(|p| p.invalidates_declaration()).map(TrailerFinding::message).collect(),
    };
    let findings = problems
        .iter()
        .filter(|p| !p.invalidates_declaration())
        .map(|p| Finding {
            severity: match p {
                TrailerFinding::MissingSignedOff => Severity::Error,
                TrailerFinding::OutsideBlock { key, .. } if key.eq_ignore_ascii_case("AI-used-for") => Severity::Error,
                _ => Severity::Warning,
            },
            code: p.code(),
            path: None,
            line: None,
            symbol: None,
            message: match p.line() {
                Some(l) => format!("{} (message line {l})", p.message()),
                None => p.message(),
            },
        })
        .collect();
    let note = |f: fn(&trailers::Scope) -> &Option<String>| ai.scopes.iter().find_map(|s| f(s).clone());
    let summary = TrailerSummary {
        ai_used_for: ai.raw.clone(),
        tool: note(|s| &s.tool),
        model: note(|s| &s.model),
        extent: note(|s| &s.extent),
        signed_off_by: parsed.values("Signed-off-by").map(|t| t.value.clone()).collect(),
    };
    (declared, summary, findings)
}
