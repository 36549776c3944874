//! The seam between `check` and `policy`: loading the policy, zones of paths, and a commit
//! message's trailers turned into the verdict's `Declared` and findings.

use crate::error::{Error, Result};
use crate::policy::profiles::AiTrailer;
use crate::policy::trailers::{self, ScopeKind, TrailerFinding};
use crate::policy::{mechanical, Policy};
use crate::verdict::{Declared, Finding, Severity, ZoneKind};

use super::TrailerSummary;

pub fn load_policy(file: Option<(&str, &str)>, profile: Option<&str>) -> Result<Policy> {
    Policy::load(file, profile).map_err(|e| {
        let input = file.map_or("built-in QEMU policy", |f| f.0).to_string();
        let why = e.trim_start_matches(&format!("policy file {input}: ")).to_string();
        // An unknown `--profile` is the flag's fault, not the file's.
        let input = match profile {
            Some(p) if why.starts_with(&format!("profile `{p}` is not one of")) => format!("--profile {p}"),
            _ => input,
        };
        Error::BadInput { why, input }
    })
}

pub fn zone(policy: &Policy, path: &str) -> (ZoneKind, bool) {
    let z = policy.zone_of(path);
    (z.zone, z.core)
}

/// What a message declares, with trailer findings.
pub fn trailers(policy: &Policy, message: &str) -> (Declared, TrailerSummary, Vec<Finding>) {
    let (parsed, ai, mut problems) =
        trailers::check_trailers_with(message, &policy.profile.trailer, &policy.identities);
    // Under the kernel's rule `Assisted-by:` is the declaration, not a foreign attribution.
    let kernel = policy.profile.ai_trailer == AiTrailer::AssistedBy;
    let assisted = kernel
        && problems.iter().any(|p| matches!(p, TrailerFinding::ForeignAiAttribution { key, .. } if key.eq_ignore_ascii_case("assisted-by")));
    if kernel {
        problems.retain(
            |p| !matches!(p, TrailerFinding::ForeignAiAttribution { key, .. } if key.eq_ignore_ascii_case("assisted-by")),
        );
    }
    let foreign = problems.iter().any(|p| matches!(p, TrailerFinding::ForeignAiAttribution { .. }));
    let ai_sign_off = problems.iter().any(|p| matches!(p, TrailerFinding::AiSignedOff { .. }));
    let declared = Declared {
        present: ai.declared() || foreign || assisted || ai_sign_off,
        mechanical: mechanical::claim(&ai, message),
        ai_sign_off,
        scopes: ai
            .scopes
            .iter()
            .filter(|s| !matches!(s.kind, ScopeKind::Unknown(_)))
            .map(|s| s.kind.as_str().to_string())
            .collect(),
        malformed: problems
            .iter()
            .filter(|p| p.invalidates_declaration())
            .map(TrailerFinding::message)
            .chain((kernel && ai.declared()).then(|| {
                "AI-used-for: is QEMU's trailer; the kernel declares AI use with `Assisted-by: AGENT:MODEL [TOOLS]` \
                 or `Assisted-by: LLM [TOOLS]`"
                    .to_string()
            }))
            .collect(),
    };
    let findings = problems
        .iter()
        .filter(|p| !p.invalidates_declaration())
        .map(|p| Finding {
            severity: match p {
                TrailerFinding::MissingSignedOff
                | TrailerFinding::AiSignedOff { .. }
                | TrailerFinding::NoHumanSignedOff { .. } => Severity::Error,
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
