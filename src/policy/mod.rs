//! The policy revertcheck checks (see shared POLICY facts in the README): named profiles, path
//! zones, core code, trailer requirements, and the policy file that configures them.
//!
//! The policy file is TOML (`.revertcheck.toml` read from the base tree of a check, so a patch
//! cannot loosen its own rules, or `--config`). Its serde shape is compiled into a checked
//! `Policy` before use; unknown keys are errors that name the key.
//!
//! ```toml
//! profile = "proposed"          # a built-in profile (`revertcheck policy list`) or one below
//! code_line_cap = 20            # optional override of the profile's cap
//! core_dependents_threshold = 10
//! line_count = "max"            # per hunk: max(added, removed) code lines; or "sum"
//! [trailer]
//! require_model = false
//! require_tool = false
//! [[zone]]
//! pattern = "contrib/**"
//! zone = "scripts"
//! [[core]]
//! pattern = "hw/pci/**"
//! [[idiom]]                     # passed to the C extractor: name, role, defines, uses, pastes
//! name = "MY_TYPE_INIT"
//! role = "file_level"
//! [[profiles]]                  # a profile of the project's own, based on a built-in one
//! name = "ours"
//! base = "llm-usage-a"
//! code_line_cap = 15            # 0: no cap
//! scopes = ["code", "tests", "docs", "analysis"]
//! [identity]                    # more AI identities, added to the built-in lists
//! names = ["hal"]
//! domains = ["ai.example.com"]
//! ```

pub mod glob;
pub mod identity;
pub mod maintainers;
pub mod mechanical;
pub mod profiles;
pub mod trailers;

use serde::Deserialize;

use crate::lang::{GeneratorSpec, IdiomSpec};
use crate::verdict::ZoneKind;
use glob::Glob;
use identity::Identities;
pub use profiles::Profile;
use profiles::ProfileFile;
use trailers::TrailerRequirements;

/// The policy file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    profile: Option<String>,
    code_line_cap: Option<u32>,
    core_dependents_threshold: Option<u32>,
    line_count: Option<String>,
    trailer: Option<TrailerFile>,
    #[serde(default)]
    zone: Vec<ZoneRule>,
    #[serde(default)]
    core: Vec<CoreRule>,
    #[serde(default)]
    idiom: Vec<IdiomSpec>,
    #[serde(default)]
    generator: Vec<GeneratorSpec>,
    /// Profiles of the project's own.
    #[serde(default)]
    profiles: Vec<ProfileFile>,
    identity: Option<IdentityFile>,
}

/// `[identity]`: more AI names, addresses and domains (added to the built-in lists).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentityFile {
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    addresses: Vec<String>,
    #[serde(default)]
    domains: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrailerFile {
    #[serde(default)]
    require_model: bool,
    #[serde(default)]
    require_tool: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ZoneRule {
    pattern: String,
    zone: ZoneKind,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CoreRule {
    pattern: String,
}

/// Built-in QEMU zones, tried after the policy file's. First match wins: build files come
/// before docs, so `meson_options.txt` is a build file and not a `*.txt` document.
const BUILTIN_ZONES: &[(&str, ZoneKind)] = &[
    ("tests/**", ZoneKind::Tests),
    ("**/tests/**", ZoneKind::Tests),
    ("**/*-test.c", ZoneKind::Tests),
    // MAINTAINERS is project metadata, reviewed like build files.
    ("MAINTAINERS", ZoneKind::Build),
    ("**/meson*", ZoneKind::Build),
    ("**/Kconfig*", ZoneKind::Build),
    ("configure", ZoneKind::Build),
    ("**/Makefile*", ZoneKind::Build),
    ("**/*.mak", ZoneKind::Build),
    (".gitlab-ci.d/**", ZoneKind::Build),
    ("docs/**", ZoneKind::Docs),
    ("**/*.rst", ZoneKind::Docs),
    ("**/*.md", ZoneKind::Docs),
    ("**/*.txt", ZoneKind::Docs),
    ("**/README*", ZoneKind::Docs),
    ("COPYING*", ZoneKind::Docs),
    ("LICENSE*", ZoneKind::Docs),
    ("scripts/**", ZoneKind::Scripts),
    // Everything else, qapi/*.json (the QMP interface) included, is code.
    ("**", ZoneKind::Code),
];

/// Built-in core code: what much of QEMU depends on.
const BUILTIN_CORE: &[&str] = &[
    // Shared headers; device headers (include/hw/<subsystem>/) are not core.
    "include/qemu/**",
    "include/exec/**",
    "include/system/**",
    "include/sysemu/**",
    "include/qom/**",
    "include/block/**",
    "include/migration/**",
    "include/qapi/**",
    "include/hw/core/**",
    "include/hw/qdev-core.h",
    "util/**",
    "qom/**",
    "system/**",
    "accel/**",
    "migration/**",
    "block.c",
    "qapi/**",
    "hw/core/**",
    "target/*/cpu.h",
    "tcg/**",
];

/// The checked policy.
#[derive(Clone, Debug)]
pub struct Policy {
    pub profile: Profile,
    zones: Vec<(Glob, ZoneKind)>,
    core: Vec<Glob>,
    /// How many of `zones` and `core` come from the policy file (they come first).
    own_zones: usize,
    own_core: usize,
    /// `[[idiom]]` entries for the C extractor.
    pub idioms: Vec<IdiomSpec>,
    /// `[[generator]]` entries: the project's build-time generators (grammars/generators.toml).
    pub generators: Vec<GeneratorSpec>,
    /// Where the policy came from, for reports.
    pub source: String,
    /// Who counts as an AI in trailers.
    pub identities: Identities,
    /// The policy file's own profiles (for `policy list`).
    pub defined: Vec<Profile>,
}

/// A path's zone and whether it is core code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZoneOf {
    pub zone: ZoneKind,
    pub core: bool,
}

impl Policy {
    /// The policy from `file` (its name for messages, and its text), or the built-in one;
    /// `profile` (a built-in name or one the file defines) overrides the file's choice.
    pub fn load(file: Option<(&str, &str)>, profile: Option<&str>) -> Result<Policy, String> {
        let (source, parsed): (String, PolicyFile) = match file {
            Some((name, text)) => {
                (name.to_string(), toml::from_str(text).map_err(|e| format!("policy file {name}: {}", e.message()))?)
            }
            None => ("built-in QEMU policy".to_string(), PolicyFile::default()),
        };
        let defined: Vec<Profile> = parsed
            .profiles
            .iter()
            .map(ProfileFile::compile)
            .collect::<Result<_, _>>()
            .map_err(|e| format!("policy file {source}: {e}"))?;
        let name = profile.or(parsed.profile.as_deref()).unwrap_or("proposed");
        let mut profile =
            profiles::builtin(name).or_else(|| defined.iter().find(|p| p.name == name).cloned()).ok_or_else(|| {
                let mut known: Vec<String> = profiles::BUILTIN.iter().map(|s| s.to_string()).collect();
                known.extend(defined.iter().map(|p| p.name.clone()));
                format!("policy file {source}: profile `{name}` is not one of {}", known.join(", "))
            })?;
        if let Some(cap) = parsed.code_line_cap {
            profile.code_line_cap = (cap > 0).then_some(cap);
        }
        if let Some(t) = parsed.core_dependents_threshold {
            profile.core_dependents_threshold = t;
        }
        if let Some(rule) = &parsed.line_count {
            profile.line_count = rule.parse().map_err(|e| format!("policy file {source}: {e}"))?;
        }
        if let Some(t) = parsed.trailer {
            profile.trailer = TrailerRequirements { require_tool: t.require_tool, require_model: t.require_model };
        }
        let mut identities = Identities::default();
        if let Some(i) = &parsed.identity {
            identities.extend(&i.names, &i.addresses, &i.domains);
        }
        let glob = |table: &str, p: &str| {
            Glob::parse(p).map_err(|e| format!("policy file {source}: [[{table}]] pattern `{p}`: {e}"))
        };
        let mut zones = Vec::new();
        for z in &parsed.zone {
            zones.push((glob("zone", &z.pattern)?, z.zone));
        }
        let own_zones = zones.len();
        zones.extend(BUILTIN_ZONES.iter().map(|(p, z)| (Glob::new(p), *z)));
        let mut core = Vec::new();
        for c in &parsed.core {
            core.push(glob("core", &c.pattern)?);
        }
        let own_core = core.len();
        core.extend(BUILTIN_CORE.iter().map(|p| Glob::new(p)));
        crate::lang::GeneratorTable::build(&parsed.generator).map_err(|e| format!("policy file {source}: {e}"))?;
        Ok(Policy {
            profile,
            zones,
            core,
            own_zones,
            own_core,
            idioms: parsed.idiom,
            generators: parsed.generator,
            source,
            identities,
            defined,
        })
    }

    /// The policy file's `[[zone]]` and `[[core]]` patterns that match none of `paths` (a
    /// pattern that silently matches nothing is a mistake worth a warning).
    pub fn unmatched_patterns(&self, paths: &[String]) -> Vec<String> {
        let own = self.zones[..self.own_zones]
            .iter()
            .map(|(g, _)| ("zone", g))
            .chain(self.core[..self.own_core].iter().map(|g| ("core", g)));
        own.filter(|(_, g)| !paths.iter().any(|p| g.matches(p)))
            .map(|(table, g)| format!("[[{table}]] pattern `{}`", g.pattern()))
            .collect()
    }

    pub fn zone_of(&self, path: &str) -> ZoneOf {
        let zone = self.zones.iter().find(|(g, _)| g.matches(path)).map_or(ZoneKind::Code, |(_, z)| *z);
        ZoneOf { zone, core: zone == ZoneKind::Code && self.core.iter().any(|g| g.matches(path)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::LineCount;

    #[test]
    fn builtin_zones() {
        let p = Policy::load(None, None).unwrap();
        assert_eq!(p.profile.name, "proposed");
        assert_eq!(p.zone_of("tests/qtest/foo-test.c").zone, ZoneKind::Tests);
        assert_eq!(p.zone_of("docs/devel/a.rst").zone, ZoneKind::Docs);
        assert_eq!(p.zone_of("hw/misc/meson.build").zone, ZoneKind::Build);
        assert_eq!(p.zone_of("scripts/checkpatch.pl").zone, ZoneKind::Scripts);
        assert_eq!(p.zone_of("hw/misc/foo.c"), ZoneOf { zone: ZoneKind::Code, core: false });
        assert_eq!(p.zone_of("util/cutils.c"), ZoneOf { zone: ZoneKind::Code, core: true });
        assert!(p.zone_of("target/arm/cpu.h").core);
        assert_eq!(p.profile.line_count, LineCount::Max);
        // Build files before docs: `meson_options.txt` is not a `*.txt` document.
        for build in ["meson_options.txt", "meson.build", "hw/arm/Kconfig", "configure", "Makefile", "MAINTAINERS"] {
            assert_eq!(p.zone_of(build).zone, ZoneKind::Build, "{build}");
        }
        assert_eq!(p.zone_of("docs/meson.build").zone, ZoneKind::Build);
        assert_eq!(p.zone_of("docs/about/index.txt").zone, ZoneKind::Docs);
    }

    #[test]
    fn policy_file_overrides_and_errors_name_the_key() {
        let text = "profile = \"draft-strict\"\ncode_line_cap = 5\n[trailer]\nrequire_model = true\n\
[[zone]]\npattern = \"contrib/**\"\nzone = \"scripts\"\n[[core]]\npattern = \"hw/pci/**\"\n\
[[idiom]]\nname = \"MY_INIT\"\nrole = \"file_level\"\n";
        let p = Policy::load(Some((".revertcheck.toml", text)), None).unwrap();
        assert_eq!(p.profile.name, "draft-strict");
        assert_eq!(p.profile.code_line_cap, Some(5));
        assert!(!p.profile.cap_is_error);
        assert!(p.profile.trailer.require_model);
        assert_eq!(p.zone_of("contrib/x.c").zone, ZoneKind::Scripts);
        assert!(p.zone_of("hw/pci/pci.c").core);
        assert_eq!(p.idioms.len(), 1);
        let in_tree = Policy::load(Some(("x", text)), Some("in-tree")).unwrap();
        assert!(in_tree.profile.declined_on_any_ai);

        let sum = Policy::load(Some(("p.toml", "line_count = \"sum\"\n")), None).unwrap();
        assert_eq!(sum.profile.line_count, LineCount::Sum);
        let err = Policy::load(Some(("p.toml", "line_count = \"both\"\n")), None).unwrap_err();
        assert!(err.starts_with("policy file p.toml") && err.contains("line_count `both`"), "{err}");

        let err = Policy::load(Some((".revertcheck.toml", "zonez = 1\n")), None).unwrap_err();
        assert!(err.contains(".revertcheck.toml") && err.contains("zonez"), "{err}");
        let err = Policy::load(Some(("p.toml", "profile = \"lax\"\n")), None).unwrap_err();
        assert!(err.contains("profile `lax`"), "{err}");
        let err = Policy::load(Some(("p.toml", "profile = \n")), None).unwrap_err();
        assert!(err.starts_with("policy file p.toml"), "{err}");
    }
}
