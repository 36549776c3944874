//! SARIF 2.1.0 for code-scanning systems: one result per finding, every result located, rules
//! described (`fullDescription`, `helpUri`), each patch's and the series' verdicts as
//! properties, and the repository and revision in `versionControlProvenance`. A test validates
//! the output against the OASIS schema (tests/schemas/sarif-schema-2.1.0.json).

use serde_json::{json, Value};

use super::rules;
use crate::check::{CheckReport, StepReport};
use crate::verdict::{Finding, Severity};

/// The OASIS schema of SARIF 2.1.0 (with its errata), as `$schema`.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// How a finding without a place of its own was located.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Located {
    /// The finding names its file.
    Finding,
    /// The first file the patch changes (trailer and series findings).
    FirstChangedFile,
    /// The mbox file a mailed patch came from.
    PatchFile,
    /// Nothing better: the repository's root (a merge commit, an empty commit).
    Repository,
}

impl Located {
    pub fn as_str(self) -> &'static str {
        match self {
            Located::Finding => "finding",
            Located::FirstChangedFile => "first_changed_file",
            Located::PatchFile => "patch_file",
            Located::Repository => "repository",
        }
    }
}

/// Where a finding is reported: its own file and line, else the patch's first changed file,
/// else the mbox file, else the repository root; never nowhere. Lines are 1 or more.
pub fn location_of(f: &Finding, s: &StepReport) -> (String, u32, Located) {
    let line = f.line.filter(|&l| l > 0).unwrap_or(1);
    if let Some(p) = &f.path {
        return (p.clone(), line, Located::Finding);
    }
    if let Some(first) = s.files.first() {
        return (first.change.path.clone(), 1, Located::FirstChangedFile);
    }
    if let Some(src) = &s.source {
        return (src.clone(), 1, Located::PatchFile);
    }
    (".".to_string(), 1, Located::Repository)
}

/// A finding's identity across runs: its code, place (path and symbol, not line: lines move)
/// and the patch's subject (not its commit id: rebases change it).
pub fn fingerprint(f: &Finding, s: &StepReport, path: &str) -> String {
    rules::fingerprint(&[f.code, path, f.symbol.as_deref().unwrap_or(""), &s.subject, &f.message])
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn verdicts(s: &StepReport, number: usize) -> Value {
    json!({
        "patch": number,
        "label": s.label,
        "commit": s.commit,
        "subject": s.subject,
        "structural": s.verdict.structural.as_str(),
        "policy": s.verdict.policy.as_str(),
        "code_lines": s.verdict.code_lines,
    })
}

/// The `check` report as a SARIF 2.1.0 log.
pub fn check(r: &CheckReport) -> Value {
    let mut codes: Vec<&'static str> = r.steps.iter().flat_map(|s| s.verdict.findings.iter().map(|f| f.code)).collect();
    codes.sort_unstable();
    codes.dedup();
    let rules: Vec<Value> = codes
        .iter()
        .map(|&code| {
            let rule = rules::rule(code);
            json!({
                "id": code,
                "shortDescription": { "text": rule.short },
                "fullDescription": { "text": rule.full },
                "helpUri": rules::POLICY_URI,
                "help": { "text": format!("{} See QEMU's code provenance policy: {}", rule.full, rules::POLICY_URI) },
            })
        })
        .collect();
    let mut results = Vec::new();
    for (k, s) in r.steps.iter().enumerate() {
        for f in &s.verdict.findings {
            let (path, line, located) = location_of(f, s);
            let symbol = f.symbol.as_deref().map(|n| format!("{n}: ")).unwrap_or_default();
            let mut props = verdicts(s, k + 1);
            props["located"] = json!(located.as_str());
            results.push(json!({
                "ruleId": f.code,
                "ruleIndex": codes.iter().position(|c| *c == f.code).expect("every code has a rule"),
                "level": level(f.severity),
                "message": { "text": format!("{}: {symbol}{}", s.label, f.message) },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": uri_reference(&path), "uriBaseId": "SRCROOT" },
                    "region": { "startLine": line },
                }}],
                "partialFingerprints": { "revertcheck/v1": fingerprint(f, s, &path) },
                "properties": props,
            }));
        }
    }
    let mut run = json!({
        "tool": { "driver": {
            "name": "revertcheck",
            "version": env!("CARGO_PKG_VERSION"),
            "informationUri": rules::POLICY_URI,
            "rules": rules,
        }},
        "results": results,
        "properties": {
            "profile": r.profile,
            "line_count": r.line_count.as_str(),
            "base": r.base,
            "series": {
                "structural": r.series.structural.as_str(),
                "policy": r.series.policy.as_str(),
                "code_lines": r.series.code_lines,
            },
            "steps": r.steps.iter().enumerate().map(|(k, s)| verdicts(s, k + 1)).collect::<Vec<_>>(),
        },
    });
    let p = &r.provenance;
    if let Some(local) = &p.local_uri {
        run["originalUriBaseIds"] = json!({ "SRCROOT": { "uri": format!("{}/", local.trim_end_matches('/')) } });
    }
    if let Some(repo) = p.repository_uri.as_ref().or(p.local_uri.as_ref()) {
        let mut vcs = json!({ "repositoryUri": repo, "mappedTo": { "uriBaseId": "SRCROOT" } });
        if let Some(rev) = &p.revision {
            vcs["revisionId"] = json!(rev);
        }
        run["versionControlProvenance"] = json!([vcs]);
    }
    json!({ "$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run] })
}

/// A remote's URL as a URI without credentials: `https://user:token@host/p` becomes
/// `https://host/p`, scp-like `git@host:p` becomes `ssh://host/p`; a local path is no
/// repository URI (none).
pub fn repository_uri(url: &str) -> Option<String> {
    if let Some((scheme, rest)) = url.split_once("://") {
        if scheme == "file" {
            return None;
        }
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        return (!host.is_empty()).then(|| format!("{scheme}://{host}/{path}"));
    }
    // scp-like syntax: [user@]host:path, where the host has no slash before the colon.
    let (authority, path) = url.split_once(':')?;
    if authority.contains('/') || authority.is_empty() || authority.len() == 1 {
        return None; // a path, or a Windows drive letter
    }
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    Some(format!("ssh://{host}/{}", path.trim_start_matches('/')))
}

/// A local directory as a `file://` URI (absolute, percent-encoded).
pub fn file_uri(path: &std::path::Path) -> String {
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    format!("file://{}", uri_reference(&abs.to_string_lossy()))
}

/// A path as a URI reference: bytes other than unreserved characters and `/` percent-encoded.
pub fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::repository_uri;

    #[test]
    fn remote_urls_lose_their_credentials() {
        assert_eq!(
            repository_uri("https://gitlab.com/qemu-project/qemu.git").unwrap(),
            "https://gitlab.com/qemu-project/qemu.git"
        );
        assert_eq!(repository_uri("https://me:glpat-x@gitlab.com/q/q.git").unwrap(), "https://gitlab.com/q/q.git");
        assert_eq!(
            repository_uri("git@gitlab.com:qemu-project/qemu.git").unwrap(),
            "ssh://gitlab.com/qemu-project/qemu.git"
        );
        assert_eq!(repository_uri("/srv/git/qemu.git"), None);
        assert_eq!(repository_uri("../qemu"), None);
        assert_eq!(repository_uri("file:///srv/git/qemu.git"), None);
    }
}
