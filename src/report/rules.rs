//! What each finding code means, for the reports that describe their rules to other tools
//! (SARIF's `rules`, GitLab Code Quality's `check_name`), read from the one catalog of finding
//! codes (`report::explain`), so a new code gets its description in one place.

/// Where the policy a rule serves is written down: QEMU's code provenance policy.
pub const POLICY_URI: &str = "https://www.qemu.org/docs/master/devel/code-provenance.html";

/// A finding code with its one-line and full descriptions.
pub struct Rule {
    pub code: &'static str,
    pub short: &'static str,
    pub full: String,
}

/// The rule of a finding code, from the catalog `revertcheck explain` prints
/// (`report::explain`): its title, and what it means and why the policy cares. A code the
/// catalog does not know (a test checks there is none) gets a generic description rather than
/// none.
pub fn rule(code: &'static str) -> Rule {
    match super::explain::lookup(code) {
        Some(e) => Rule { code, short: e.title, full: format!("{} {}", e.means, e.why) },
        None => Rule {
            code,
            short: "revertcheck finding",
            full: "A finding of revertcheck's check; see its message.".to_string(),
        },
    }
}

/// Every code the catalog describes.
pub fn codes() -> impl Iterator<Item = &'static str> {
    super::explain::CATALOG.iter().map(|e| e.code)
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
