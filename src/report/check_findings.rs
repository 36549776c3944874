//! The findings and changes of one patch as the text formats print them: findings grouped (the
//! body changes of one file on one line, the enumerators of one enum that share a finding on one
//! line), changed symbols with their kinds merged and their members listed.

use super::text::{and_list, capped, count, finding_line, location, plural};
use crate::check::StepReport;
use crate::facts::SymbolKind;
use crate::verdict::{Finding, Severity};

/// A finding as the reports print it, possibly standing for several of the same kind.
pub(super) struct Line {
    pub severity: Severity,
    pub code: &'static str,
    pub path: Option<String>,
    pub line: Option<u32>,
    pub message: String,
}

impl Line {
    fn location(&self) -> String {
        location(self.path.as_deref(), self.line)
    }

    pub fn text(&self) -> String {
        finding_line(&self.location(), self.severity, &self.message, self.code)
    }

    /// `path:line` or nothing, for Markdown and replies.
    pub fn at(&self) -> Option<String> {
        let loc = self.location();
        let loc = loc.trim_end_matches(": ");
        (!loc.is_empty()).then(|| loc.to_string())
    }
}

fn with_symbol(f: &Finding) -> String {
    match &f.symbol {
        Some(n) => format!("{n}: {}", f.message),
        None => f.message.clone(),
    }
}

/// The findings of one patch, grouped: body changes of one file on one line, the enumerators of
/// one enum that share a finding on one line; errors first, then warnings, then notes.
pub(super) fn lines(s: &StepReport) -> Vec<Line> {
    let kind_of = |path: &str, name: &str| {
        s.symbols.iter().find(|i| i.path == path && i.change.name == name).map(|i| i.change.kind)
    };
    // The enum an enumerator belongs to: the nearest enum at or above it in the same file.
    let enum_of = |path: &str, line: u32| {
        s.symbols
            .iter()
            .filter(|i| i.path == path && i.change.kind == SymbolKind::Enum && i.change.line <= line)
            .max_by_key(|i| i.change.line)
            .map(|i| i.change.name.clone())
    };
    let mut out: Vec<Line> = Vec::new();
    let mut used = vec![false; s.verdict.findings.len()];
    let findings = &s.verdict.findings;
    for (k, f) in findings.iter().enumerate() {
        if used[k] {
            continue;
        }
        used[k] = true;
        let path = f.path.as_deref().unwrap_or("");
        // Body changes of one file: one line naming each function and its users.
        if f.code == "body_change_callers" {
            let mut names = Vec::new();
            for (j, g) in findings.iter().enumerate().skip(k) {
                if g.code == f.code && g.path == f.path && (j == k || !used[j]) {
                    used[j] = true;
                    let name = g.symbol.clone().unwrap_or_default();
                    let users = s
                        .symbols
                        .iter()
                        .find(|i| i.path == path && i.change.name == name)
                        .map_or(0, |i| i.dependents.len());
                    names.push(format!("{name} ({})", count(users, "direct user", "direct users")));
                }
            }
            let message = if names.len() == 1 {
                format!("body changed: {}; its users keep their interface", names[0])
            } else {
                format!("bodies changed: {}; their users keep their interface", and_list(&names))
            };
            out.push(Line { severity: f.severity, code: f.code, path: f.path.clone(), line: f.line, message });
            continue;
        }
        // Enumerators of one enum with the same finding: one line for the enum.
        let is_enumerator = |g: &Finding| {
            g.symbol.as_deref().and_then(|n| kind_of(g.path.as_deref().unwrap_or(""), n))
                == Some(SymbolKind::EnumConstant)
        };
        if is_enumerator(f) {
            let owner = enum_of(path, f.line.unwrap_or(0));
            let mut members = vec![f.symbol.clone().unwrap_or_default()];
            for (j, g) in findings.iter().enumerate().skip(k + 1) {
                if !used[j]
                    && g.code == f.code
                    && g.path == f.path
                    && g.severity == f.severity
                    && is_enumerator(g)
                    && enum_of(path, g.line.unwrap_or(0)) == owner
                {
                    used[j] = true;
                    members.push(g.symbol.clone().unwrap_or_default());
                }
            }
            if members.len() > 1 {
                let whose = owner.map(|o| format!(" of {o}")).unwrap_or_default();
                // A cascade counts the users of all the enumerators together.
                if f.code == "cascading" {
                    if let Some((what, _)) = f.message.split_once(": used outside the change by ") {
                        let impacts: Vec<_> =
                            s.symbols.iter().filter(|i| i.path == path && members.contains(&i.change.name)).collect();
                        let mut users: Vec<(&str, &str)> = impacts
                            .iter()
                            .flat_map(|i| i.outside().map(|d| (d.path.as_str(), d.name.as_str())))
                            .collect();
                        users.sort_unstable();
                        users.dedup();
                        let mut files: Vec<&str> = users.iter().map(|u| u.0).collect();
                        files.dedup();
                        let first = impacts.iter().find_map(|i| i.outside().next());
                        out.push(Line {
                            severity: f.severity,
                            code: f.code,
                            path: f.path.clone(),
                            line: f.line,
                            message: format!(
                                "{} enumerators{whose} ({}): {what}: used outside the change by {} in {}{}",
                                members.len(),
                                capped(&members, 6),
                                count(users.len(), "symbol", "symbols"),
                                count(files.len(), "file", "files"),
                                first
                                    .map(|d| format!(" (first: {} at {}:{})", d.name, d.path, d.line))
                                    .unwrap_or_default()
                            ) + &subsystems(&impacts),
                        });
                        continue;
                    }
                }
                out.push(Line {
                    severity: f.severity,
                    code: f.code,
                    path: f.path.clone(),
                    line: f.line,
                    message: format!(
                        "{} enumerators{whose} ({}): {} (the first; the others alike)",
                        members.len(),
                        capped(&members, 6),
                        f.message
                    ),
                });
                continue;
            }
        }
        out.push(Line {
            severity: f.severity,
            code: f.code,
            path: f.path.clone(),
            line: f.line,
            message: with_symbol(f),
        });
    }
    out.sort_by_key(|l| std::cmp::Reverse(l.severity));
    out
}

/// `; subsystems: A, B` of several symbols' users together.
fn subsystems(impacts: &[&crate::verdict::SymbolImpact]) -> String {
    let mut all: Vec<&str> = impacts.iter().flat_map(|i| i.subsystems.iter().map(String::as_str)).collect();
    all.sort_unstable();
    all.dedup();
    if all.is_empty() {
        String::new()
    } else {
        format!("; subsystems: {}", all.join(", "))
    }
}

/// `function foo (added)`, with the kinds of one name merged (`foo_reg_mask (function and
/// prototype, added)`) and the enumerators of one enum counted under it.
pub(super) fn changes(s: &StepReport, verbose: bool) -> Vec<String> {
    // name, kinds, change, members (`+added -removed ~changed`)
    let mut items: Vec<(String, Vec<&'static str>, &'static str, Vec<String>)> = Vec::new();
    let mut enumerators: Vec<(String, &'static str, usize)> = Vec::new();
    for i in &s.symbols {
        let change = i.change.change.as_str();
        if i.change.kind == SymbolKind::EnumConstant {
            let owner = s
                .symbols
                .iter()
                .filter(|e| e.path == i.path && e.change.kind == SymbolKind::Enum && e.change.line <= i.change.line)
                .max_by_key(|e| e.change.line)
                .map_or_else(|| format!("an enum in {}", i.path), |e| e.change.name.clone());
            match enumerators.iter_mut().find(|(o, c, _)| *o == owner && *c == change) {
                Some(e) => e.2 += 1,
                None => enumerators.push((owner, change, 1)),
            }
            continue;
        }
        let kind = i.change.kind.as_str();
        let members: Vec<String> = (i.change.added_members.iter().map(|m| format!("+{m}")))
            .chain(i.change.removed_members.iter().map(|m| format!("-{m}")))
            .chain(i.change.changed_members.iter().map(|m| format!("~{m}")))
            .collect();
        match items.iter_mut().find(|(n, _, c, _)| *n == i.change.name && *c == change) {
            Some((_, kinds, _, known)) => {
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
                if known.is_empty() {
                    *known = members;
                }
            }
            None => items.push((i.change.name.clone(), vec![kind], change, members)),
        }
    }
    let mut out: Vec<String> = items
        .into_iter()
        .map(|(name, kinds, change, members)| {
            let kinds: Vec<String> = kinds.iter().map(|k| k.replace('_', "-")).collect();
            let members = if members.is_empty() {
                String::new()
            } else {
                format!(": {}", capped(&members, if verbose { usize::MAX } else { 6 }).replace(", ", " "))
            };
            format!("{name} ({}, {}{members})", and_list(&kinds), change.replace('_', "-"))
        })
        .collect();
    out.extend(
        enumerators.into_iter().map(|(owner, change, n)| format!("{} of {owner} ({change})", plural(n, "enumerator"))),
    );
    if !verbose && out.len() > 8 {
        let more = out.len() - 8;
        out.truncate(8);
        out.push(format!("and {more} more (--verbose)"));
    }
    out
}
