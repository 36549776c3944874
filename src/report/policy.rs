//! `policy list` and `policy show`: the profiles, as text or JSON.

use serde::Serialize;

use crate::policy::identity::Identities;
use crate::policy::profiles::Profile;

/// The schema of both documents.
pub const POLICY_SCHEMA: &str = "revertcheck/policy/v1";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(Serialize)]
struct ListReport<'a> {
    schema: &'static str,
    /// The profile a check would apply here.
    selected: &'a str,
    source: &'a str,
    profiles: Vec<ListEntry<'a>>,
}

#[derive(Serialize)]
struct ListEntry<'a> {
    name: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct ShowReport<'a> {
    schema: &'static str,
    profile: &'a Profile,
    identities: &'a Identities,
}

pub fn list(profiles: &[Profile], selected: &str, source: &str, format: Format) {
    if format == Format::Json {
        return super::print_json(&ListReport {
            schema: POLICY_SCHEMA,
            selected,
            source,
            profiles: profiles.iter().map(|p| ListEntry { name: &p.name, title: &p.title }).collect(),
        });
    }
    let width = profiles.iter().map(|p| p.name.len()).max().unwrap_or(0);
    for p in profiles {
        let mark = if p.name == selected { "*" } else { " " };
        println!("{mark} {:width$}  {}", p.name, p.title);
    }
    println!("\n* selected by {source}");
}

pub fn show(p: &Profile, ids: &Identities, format: Format) {
    if format == Format::Json {
        return super::print_json(&ShowReport { schema: POLICY_SCHEMA, profile: p, identities: ids });
    }
    println!("{}: {}", p.name, p.title);
    println!("  AI trailer:         {}", p.ai_trailer.key());
    if !p.scopes.is_empty() {
        println!("  scopes:             {}", p.scopes.join(", "));
    }
    match p.code_line_cap {
        Some(cap) => println!(
            "  code line cap:      {cap} ({}; counted {})",
            if p.cap_is_error { "a rule: over it needs a maintainer" } else { "a rule of thumb: a warning" },
            p.line_count.describe()
        ),
        None => println!("  code line cap:      none"),
    }
    if p.declined_on_any_ai {
        println!(
            "  any declared AI use is declined{}",
            if p.agents_whitelist.is_empty() {
                String::new()
            } else {
                format!(", except {} (AGENTS.md)", p.agents_whitelist.join(", "))
            }
        );
    }
    println!(
        "  note requires:      {}",
        match (p.trailer.require_tool, p.trailer.require_model) {
            (false, false) => "nothing",
            (true, false) => "tool",
            (false, true) => "model",
            (true, true) => "tool and model",
        }
    );
    println!("  human-written commit message required: {}", if p.human_message_required { "yes" } else { "no" });
    if let Some(days) = p.split_fix_window_days {
        println!("  split fixes:        AI commits of one author on the same files within {days} days count as one");
    }
    println!("  core code:          needs a maintainer past {} outside users", p.core_dependents_threshold);
    println!("  Signed-off-by:      a human's, never an AI's (every profile)");
    println!("  the posted text:");
    for q in &p.quotes {
        println!("    \"{q}\"");
    }
}
