//! What each finding code means, for the reports that describe their rules to other tools
//! (SARIF's `rules`, GitLab Code Quality's `check_name`): one table, so a new code gets its
//! description in one place.

/// Where the policy a rule serves is written down: QEMU's code provenance policy.
pub const POLICY_URI: &str = "https://www.qemu.org/docs/master/devel/code-provenance.html";

/// A finding code with its one-line and full descriptions.
pub struct Rule {
    pub code: &'static str,
    pub short: &'static str,
    pub full: &'static str,
}

const RULES: &[Rule] = &[
    Rule {
        code: "cascading",
        short: "code outside the change depends on what it re-shapes",
        full: "The change adds, removes or re-shapes a symbol that code outside the change (another file, not a later patch of the series) uses, so it cannot be thrown away without touching that code: not leaf-level.",
    },
    Rule {
        code: "series_contained",
        short: "used only by a later patch of the series",
        full: "What the change adds is used by another patch of the same series only: contained, reverted together with the series.",
    },
    Rule {
        code: "body_change_callers",
        short: "a body change with callers",
        full: "The change rewrites the body of a function or macro that other code calls: callers see new behaviour, though no signature changed.",
    },
    Rule {
        code: "core_code",
        short: "changes a core zone",
        full: "The change touches a file in a core zone of the policy, where AI-assisted changes need a maintainer's decision.",
    },
    Rule {
        code: "core_symbol",
        short: "changes a widely used symbol",
        full: "The change re-shapes a symbol with at least the policy's threshold of dependents: core by use, wherever it lives.",
    },
    Rule {
        code: "over_cap",
        short: "over the policy's code line cap",
        full: "The change has more code lines (tests and docs excluded, counted by the stated rule) than the profile's cap for AI-assisted changes.",
    },
    Rule {
        code: "new_parse_error",
        short: "a C file no longer parses cleanly",
        full: "A C file the change touches parsed cleanly before and has tree-sitter errors after: the symbol analysis near them is less certain, and the code may not compile.",
    },
    Rule {
        code: "scope_mismatch",
        short: "declared scope does not cover the change",
        full: "The AI-used-for trailer declares a scope (tests, docs, ...) that does not cover what the change touches (code).",
    },
    Rule {
        code: "split_fix",
        short: "one fix split over patches to fit the cap",
        full: "Patches by the same author touching the same files within a few days add up to more code lines than the cap: one fix split to fit under it.",
    },
    Rule {
        code: "merge_commit",
        short: "merge commit not analysed",
        full: "A merge commit's changes are its parents' commits: check those instead.",
    },
    Rule {
        code: "declined",
        short: "AI use declined by the profile",
        full: "The profile in force (in-tree) declines any declared AI use.",
    },
    Rule {
        code: "malformed_trailer",
        short: "AI-used-for trailer cannot be read",
        full: "The AI-used-for trailer does not follow the form the policy gives, so the declared scope cannot be read.",
    },
    Rule {
        code: "missing_signed_off_by",
        short: "no Signed-off-by",
        full: "The commit has no Signed-off-by trailer: the Developer's Certificate of Origin is not given.",
    },
    Rule {
        code: "ai_after_signed_off_by",
        short: "AI trailer after Signed-off-by",
        full: "The AI-used-for trailer stands after the Signed-off-by: the sign-off should cover the declaration.",
    },
    Rule {
        code: "unknown_scope",
        short: "unknown AI-used-for scope",
        full: "The AI-used-for trailer names a scope the policy does not know.",
    },
    Rule {
        code: "foreign_ai_attribution",
        short: "AI named in another trailer",
        full: "AI involvement is stated in another trailer (Co-developed-by, Assisted-by, ...) instead of AI-used-for.",
    },
    Rule {
        code: "missing_tool",
        short: "AI tool not named",
        full: "The AI-used-for declaration does not name the tool used.",
    },
    Rule {
        code: "missing_model",
        short: "AI model not named",
        full: "The AI-used-for declaration does not name the model used, which the policy requires.",
    },
];

/// The rule of a finding code; a code this table does not know yet gets a generic description
/// rather than none.
pub fn rule(code: &'static str) -> Rule {
    RULES.iter().find(|r| r.code == code).map_or(
        Rule { code, short: "revertcheck finding", full: "A finding of revertcheck's check; see its message." },
        |r| Rule { code: r.code, short: r.short, full: r.full },
    )
}

/// Every code the table describes.
pub fn codes() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|r| r.code)
}

/// A stable 128-bit fingerprint (FNV-1a, two seeds) of the given parts, as 32 hex digits:
/// the same finding on the same patch gets the same fingerprint in every run and build.
pub fn fingerprint(parts: &[&str]) -> String {
    let hash = |seed: u64| {
        let mut h = seed;
        for part in parts {
            for &b in part.as_bytes().iter().chain(&[0u8]) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        h
    };
    format!("{:016x}{:016x}", hash(0xcbf2_9ce4_8422_2325), hash(0x6c62_272e_07bb_0142))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_documented_finding_code_is_described() {
        let doc = include_str!("../../docs/json.md");
        let line = doc.lines().find(|l| l.starts_with("| `steps[].verdict.findings[].code`")).unwrap();
        let documented: Vec<&str> = line.split('`').skip(3).step_by(2).collect();
        assert!(documented.len() > 10, "{documented:?}");
        for code in documented {
            assert!(super::codes().any(|c| c == code), "no description for `{code}`");
        }
    }

    #[test]
    fn fingerprints_are_stable() {
        assert_eq!(super::fingerprint(&["a", "b"]), super::fingerprint(&["a", "b"]));
        assert_ne!(super::fingerprint(&["ab", ""]), super::fingerprint(&["a", "b"]));
        assert_eq!(super::fingerprint(&[]).len(), 32);
    }
}
