//! Policy profiles as data: each posted version of the AI policy is one named profile, with the
//! posted text it rests on quoted (date, version). Where the shared notes and a posted text
//! differ, the posted text wins, so the quotes below are what the rules are read from.
//!
//! A policy file may define its own profiles (`[[profiles]]`, based on a built-in one) and
//! select one with `profile = "name"`.

use serde::{Deserialize, Serialize};

use crate::changes::LineCount;

use super::trailers::TrailerRequirements;

/// Which trailer declares AI use under a profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AiTrailer {
    /// QEMU: `AI-used-for: SCOPE (NOTE), ...`.
    AiUsedFor,
    /// Linux kernel: `Assisted-by: AGENT:MODEL [TOOLS]` or `Assisted-by: LLM [TOOLS]`.
    AssistedBy,
}

impl AiTrailer {
    pub fn key(self) -> &'static str {
        match self {
            AiTrailer::AiUsedFor => "AI-used-for",
            AiTrailer::AssistedBy => "Assisted-by",
        }
    }
}

/// One profile's rules.
#[derive(Clone, Debug, Serialize)]
pub struct Profile {
    pub name: String,
    /// What it is: the posted text, its version and date.
    pub title: String,
    /// The posted text's own words the rules are read from.
    pub quotes: Vec<String>,
    pub ai_trailer: AiTrailer,
    /// Scopes the profile's text names (`research` in the proposal, `analysis` in draft A).
    pub scopes: Vec<String>,
    /// Changed code lines a small fix may have; `None`: no cap.
    pub code_line_cap: Option<u32>,
    /// Over the cap is `needs-maintainer` (a rule) rather than a warning (a rule of thumb).
    pub cap_is_error: bool,
    /// Any declared AI use is declined, except the scopes of `agents_whitelist`.
    pub declined_on_any_ai: bool,
    /// What an agent may do under a declining profile (master's AGENTS.md): declared scopes in
    /// this list are not declined.
    pub agents_whitelist: Vec<String>,
    /// Tool and model required in the note.
    pub trailer: TrailerRequirements,
    /// Commit messages (and cover letters, review replies) must be written by a human.
    pub human_message_required: bool,
    pub core_dependents_threshold: u32,
    /// AI commits by one author touching the same function or file within this many days
    /// count as one fix against the cap (the drafts' split rule).
    pub split_fix_window_days: Option<u32>,
    /// How a hunk's changed code lines are counted against the cap.
    pub line_count: LineCount,
}

const PROPOSAL_TITLE: &str =
    "qemu-devel proposal \"docs/devel: relax policy on AI-generated contributions\", v1 28 May 2026, v2 29 May 2026 (Paolo Bonzini; not merged)";

/// The built-in profiles' names, in `policy list` order.
pub const BUILTIN: &[&str] =
    &["proposed", "draft-strict", "llm-usage-a", "llm-usage-b", "llm-usage-c", "in-tree", "kernel"];

fn own(l: &[&str]) -> Vec<String> {
    l.iter().map(|s| s.to_string()).collect()
}

/// A built-in profile by name.
pub fn builtin(name: &str) -> Option<Profile> {
    let base = Profile {
        name: name.to_string(),
        title: PROPOSAL_TITLE.to_string(),
        quotes: own(&[
            "AI-used-for: tests, docs / AI-used-for: code (refactoring) / AI-used-for: code (tool: <name>, model: <version>, extent: <what the tool did>)",
            "small bug fixes: 20 lines of code or less, tests not counted",
            "mechanical changes: a deterministic tool (Coccinelle, sed, a formatter) is preferred where one can do it",
            "core code, \"that other things depend on\" and \"cannot simply be thrown away once a problem is noticed long after the fact\", needs a maintainer's agreement first",
        ]),
        ai_trailer: AiTrailer::AiUsedFor,
        scopes: own(&["code", "tests", "docs", "research"]),
        code_line_cap: Some(20),
        cap_is_error: true,
        declined_on_any_ai: false,
        agents_whitelist: Vec::new(),
        trailer: TrailerRequirements::default(),
        human_message_required: false,
        core_dependents_threshold: 10,
        split_fix_window_days: None,
        line_count: LineCount::Max,
    };
    let draft = |title: &str, scopes: &[&str], quotes: &[&str]| Profile {
        title: title.to_string(),
        quotes: own(quotes),
        scopes: own(scopes),
        code_line_cap: Some(10),
        cap_is_error: false,
        split_fix_window_days: Some(14),
        ..base.clone()
    };
    let profile = match name {
        "proposed" => base,
        // The shared notes' reading of the drafts, before the three texts were told apart:
        // kept so configurations naming it keep working.
        "draft-strict" => Profile {
            human_message_required: true,
            ..draft(
                "the stricter llm-usage.rst drafts as one reading (qemu-devel, mid/late 2026; not merged)",
                &["code", "tests", "docs", "research", "analysis"],
                &[
                    "small fixes below 10 lines (a rule of thumb)",
                    "splitting a submission in multiple parts is not a valid way to bypass this rule",
                    "cover letters, commit messages and review replies MUST be written by humans",
                ],
            )
        },
        "llm-usage-a" => Profile {
            human_message_required: true,
            ..draft(
                "docs/devel/llm-usage.rst draft A (qemu-devel, mid 2026; not merged)",
                &["code", "tests", "docs", "analysis"],
                &[
                    "below 10 lines of code (rule of thumb)",
                    "splitting a submission in multiple parts is not a valid way to bypass this rule",
                    "cover letters, commit messages and review replies MUST be written by humans",
                    "AGENTS.md: If you commit agent-generated material, include an `AI-used-for:` trailer before `Signed-off-by`. Do not omit it by folding the material into a larger commit.",
                ],
            )
        },
        // Drafts B and C state "10 lines" without calling it a rule of thumb and without the
        // split sentence: as far as their words go, a hard cap and no split rule.
        "llm-usage-b" => Profile {
            cap_is_error: true,
            split_fix_window_days: None,
            ..draft(
                "docs/devel/llm-usage.rst draft B (qemu-devel, mid/late 2026; not merged)",
                &["code", "tests", "docs", "research"],
                &["10 lines", "do not include your prompts"],
            )
        },
        "llm-usage-c" => Profile {
            cap_is_error: true,
            split_fix_window_days: None,
            ..draft(
                "docs/devel/llm-usage.rst draft C (qemu-devel, late 2026; not merged)",
                &["code", "tests", "docs", "research"],
                &[
                    "10 lines",
                    "the trailer attests compliance",
                    "no \"clean room\" reimplementation",
                    "official project agents may be exempted",
                ],
            )
        },
        "in-tree" => Profile {
            title: "QEMU master: docs/devel/code-provenance.rst and AGENTS.md (in force)".to_string(),
            quotes: own(&[
                "code-provenance.rst: contributions believed to contain AI-generated content are declined",
                "AGENTS.md: agents may help only with research, static analysis, debugging, local experiments and trivial non-copyrightable changes, none upstreamed",
            ]),
            scopes: Vec::new(),
            declined_on_any_ai: true,
            agents_whitelist: own(&["research", "analysis"]),
            ..base
        },
        "kernel" => Profile {
            title: "Linux kernel Documentation/process (Assisted-by), Dec 2025, revised mid-2026".to_string(),
            quotes: own(&[
                "Assisted-by: AGENT_NAME:MODEL_VERSION [TOOL1] [TOOL2] (Dec 2025, e.g. Assisted-by: Claude:claude-3-opus coccinelle sparse)",
                "Assisted-by: LLM [TOOL1] [TOOL2] (mid-2026, e.g. Assisted-by: LLM coccinelle sparse)",
                "an AI must not add Signed-off-by",
            ]),
            ai_trailer: AiTrailer::AssistedBy,
            scopes: Vec::new(),
            code_line_cap: None,
            ..base
        },
        _ => return None,
    };
    Some(profile)
}

/// A profile defined in a policy file: a built-in one with some rules changed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileFile {
    pub name: String,
    /// The built-in profile it starts from.
    pub base: String,
    pub title: Option<String>,
    #[serde(default)]
    pub quotes: Vec<String>,
    pub scopes: Option<Vec<String>>,
    /// 0: no cap.
    pub code_line_cap: Option<u32>,
    pub cap_is_error: Option<bool>,
    pub declined_on_any_ai: Option<bool>,
    pub agents_whitelist: Option<Vec<String>>,
    pub require_tool: Option<bool>,
    pub require_model: Option<bool>,
    pub human_message_required: Option<bool>,
    pub split_fix_window_days: Option<u32>,
}

impl ProfileFile {
    /// The checked profile, or what is wrong with it.
    pub fn compile(&self) -> Result<Profile, String> {
        if builtin(&self.name).is_some() {
            return Err(format!("profile `{}` redefines a built-in profile; choose another name", self.name));
        }
        let mut p = builtin(&self.base).ok_or_else(|| {
            format!("profile `{}`: base `{}` is not one of {}", self.name, self.base, BUILTIN.join(", "))
        })?;
        p.name = self.name.clone();
        p.title = self.title.clone().unwrap_or_else(|| format!("{} (based on {})", self.name, self.base));
        if !self.quotes.is_empty() {
            p.quotes = self.quotes.clone();
        }
        if let Some(s) = &self.scopes {
            for scope in s {
                if !["code", "tests", "docs", "research", "analysis"].contains(&scope.as_str()) {
                    return Err(format!(
                        "profile `{}`: scope `{scope}` is not one of code, tests, docs, research, analysis",
                        self.name
                    ));
                }
            }
            p.scopes = s.clone();
        }
        if let Some(cap) = self.code_line_cap {
            p.code_line_cap = (cap > 0).then_some(cap);
        }
        macro_rules! set {
            ($($field:ident),*) => { $(if let Some(v) = &self.$field { p.$field = v.clone(); })* };
        }
        set!(cap_is_error, declined_on_any_ai, agents_whitelist, human_message_required);
        if let Some(d) = self.split_fix_window_days {
            p.split_fix_window_days = (d > 0).then_some(d);
        }
        if let Some(t) = self.require_tool {
            p.trailer.require_tool = t;
        }
        if let Some(m) = self.require_model {
            p.trailer.require_model = m;
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_profile_quotes_its_text() {
        for name in BUILTIN {
            let p = builtin(name).unwrap();
            assert_eq!(p.name, *name);
            assert!(!p.quotes.is_empty() && !p.title.is_empty(), "{name}");
        }
        assert!(builtin("lax").is_none());
        assert!(builtin("llm-usage-a").unwrap().scopes.contains(&"analysis".to_string()));
        assert!(!builtin("llm-usage-a").unwrap().scopes.contains(&"research".to_string()));
        assert_eq!(builtin("kernel").unwrap().code_line_cap, None);
        let b = builtin("llm-usage-b").unwrap();
        assert_eq!((b.code_line_cap, b.cap_is_error, b.split_fix_window_days), (Some(10), true, None));
        assert_eq!(builtin("llm-usage-a").unwrap().split_fix_window_days, Some(14));
    }
}
