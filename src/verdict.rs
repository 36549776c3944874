//! Verdicts: pure functions from a commit's facts (its file and symbol changes, their
//! dependents, its declared AI use) and a policy profile to a structural level, a policy verdict
//! and findings with evidence. Same facts, same verdict: nothing here reads git or the clock.

use std::collections::HashSet;

use serde::Serialize;

use crate::changes::{ChangeKind, FileChange, LineCount, SymbolChange};
use crate::facts::Namespace;

/// How far what a change adds, removes or re-shapes reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Structural {
    /// Nothing outside the change depends on what it adds, removes or re-shapes.
    Leaf,
    /// Dependents only in the same file or in other patches of the series.
    Contained,
    /// Dependents elsewhere.
    Cascading,
}

impl Structural {
    pub fn as_str(self) -> &'static str {
        match self {
            Structural::Leaf => "leaf",
            Structural::Contained => "contained",
            Structural::Cascading => "cascading",
        }
    }
}

/// The policy verdict for a commit, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyVerdict {
    /// No AI use declared: only the structural verdict applies.
    NotDeclared,
    Ok,
    /// Core code, over the size cap, or outside the four accepted categories.
    NeedsMaintainer,
    /// Declared tests or docs only, but code changed.
    ScopeMismatch,
    MalformedTrailer,
    /// Profile `in-tree`: any declared AI use is declined.
    Declined,
}

impl PolicyVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyVerdict::NotDeclared => "not-declared",
            PolicyVerdict::Ok => "ok",
            PolicyVerdict::NeedsMaintainer => "needs-maintainer",
            PolicyVerdict::ScopeMismatch => "scope-mismatch",
            PolicyVerdict::MalformedTrailer => "malformed-trailer",
            PolicyVerdict::Declined => "declined",
        }
    }

    /// Verdicts that fail a run under the default `--fail-on policy`.
    pub fn is_failure(self) -> bool {
        !matches!(self, PolicyVerdict::NotDeclared | PolicyVerdict::Ok)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One finding, printed `path:line: severity: symbol: message` as checkpatch does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// Stable machine name (`scope_mismatch`, `cascading_interface`, ...).
    pub code: &'static str,
    pub path: Option<String>,
    pub line: Option<u32>,
    pub symbol: Option<String>,
    pub message: String,
}

/// Policy zones of a path (filled in from the policy file).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneKind {
    Tests,
    Docs,
    Build,
    Scripts,
    Code,
}

impl ZoneKind {
    /// Changes here count against the code-line cap and against a tests/docs declaration.
    pub fn is_code(self) -> bool {
        matches!(self, ZoneKind::Build | ZoneKind::Scripts | ZoneKind::Code)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ZoneKind::Tests => "tests",
            ZoneKind::Docs => "docs",
            ZoneKind::Build => "build",
            ZoneKind::Scripts => "scripts",
            ZoneKind::Code => "code",
        }
    }
}

/// A file change with its zone.
#[derive(Clone, Debug, Serialize)]
pub struct FileFacts {
    #[serde(flatten)]
    pub change: FileChange,
    pub zone: ZoneKind,
    pub core: bool,
    /// The shape of each hunk's edit (`policy::mechanical::edit_shape`), for code files: a
    /// mechanical claim expects the same edit at every site.
    #[serde(skip)]
    pub edits: Vec<String>,
    /// The text of the lines the change removes and adds (code files): what a later commit
    /// rewrites of an earlier one's lines.
    #[serde(skip)]
    pub removed_lines: Vec<String>,
    #[serde(skip)]
    pub added_lines: Vec<String>,
}

/// Something that uses a changed symbol.
#[derive(Clone, Debug, Serialize)]
pub struct Dependent {
    pub name: String,
    pub kind: String,
    /// Where the use stands.
    pub path: String,
    pub line: u32,
    pub same_file: bool,
    /// 1-based number of the patch of the series that touches this dependent, if any...
    pub in_series: Option<usize>,
    /// ...and that patch's commit id (none for a mailed patch).
    pub in_series_commit: Option<String>,
    pub core: bool,
    /// The use stands in a test file: a helper only tests use is test code.
    #[serde(skip)]
    pub in_tests: bool,
    /// The patch itself edits this user to follow the change (a caller adapted to a new
    /// signature): still a dependent, and the reason the change is not leaf-level.
    pub adapted: bool,
    /// How the use sees the changed definition (`exact`, `include`, `unique`); uses bound by
    /// name only are not dependents (`SymbolImpact::name_only`).
    pub binding: crate::graph::Binding,
}

/// A changed symbol with its blast radius.
#[derive(Clone, Debug, Serialize)]
pub struct SymbolImpact {
    pub path: String,
    #[serde(flatten)]
    pub change: SymbolChange,
    /// Direct dependents outside the patch itself (for a body change: direct callers).
    pub dependents: Vec<Dependent>,
    /// Dependents reached within the closure depth, and the distinct files they stand in.
    pub transitive: usize,
    pub files: usize,
    pub subsystems: Vec<String>,
    /// The closure was cut by its node cap.
    pub truncated: bool,
    /// Uses of the name that cannot see this definition (another target's copy, libc's
    /// function of the same name, a standalone program): left out of `dependents`.
    pub name_only: usize,
    /// The patch's own uses of what it adds, in test files and in other files outside tests
    /// (uses in the defining file are not counted): a helper only tests use is test code.
    #[serde(skip)]
    pub own_uses_in_tests: usize,
    #[serde(skip)]
    pub own_uses_elsewhere: usize,
}

impl SymbolImpact {
    /// Dependents that make it cascading: not in the same file, not in the series.
    pub fn outside(&self) -> impl Iterator<Item = &Dependent> {
        self.dependents.iter().filter(|d| !d.same_file && d.in_series.is_none())
    }

    pub fn structural(&self) -> Option<Structural> {
        if !self.change.change.reaches_dependents() {
            return None;
        }
        Some(if self.outside().next().is_some() {
            Structural::Cascading
        } else if self.dependents.is_empty() {
            Structural::Leaf
        } else {
            Structural::Contained
        })
    }
}

/// The AI use a commit declares, as the verdict needs it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Declared {
    /// Any AI use declared (an `AI-used-for:` trailer, or AI named in another trailer).
    pub present: bool,
    /// Known scopes declared: `code`, `tests`, `docs`, `research`, `analysis`.
    pub scopes: Vec<String>,
    /// Trailer problems that make the declaration unusable (unknown scope, prose, AI named
    /// in a trailer QEMU does not use).
    pub malformed: Vec<String>,
    /// A `code` scope whose note claims a mechanical change (refactoring, a named tool).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mechanical: Option<crate::policy::mechanical::Mechanical>,
    /// A `Signed-off-by:` is an AI's: an error under every profile (the DCO needs a human).
    pub ai_sign_off: bool,
}

/// What the profile asks.
#[derive(Clone, Debug, Serialize)]
pub struct Rules {
    pub profile: String,
    /// Scopes the profile's text names.
    pub scopes: Vec<String>,
    /// `None`: no cap (the kernel's rule).
    pub code_line_cap: Option<u32>,
    /// Over the cap is `needs-maintainer` (proposed) rather than a warning (draft-strict).
    pub cap_is_error: bool,
    pub declined_on_any_ai: bool,
    /// Declared scopes a declining profile still accepts (master's AGENTS.md: research).
    pub agents_whitelist: Vec<String>,
    /// A symbol with at least this many dependents outside the change is core.
    pub core_dependents_threshold: u32,
    /// How changed code lines are counted.
    pub line_count: LineCount,
}

#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    pub structural: Structural,
    pub policy: PolicyVerdict,
    /// Changed code lines outside tests and docs.
    pub code_lines: u32,
    pub findings: Vec<Finding>,
}

/// Decides one commit.
pub fn decide(
    files: &[FileFacts],
    impacts: &[SymbolImpact],
    declared: &Declared,
    rules: &Rules,
    mut findings: Vec<Finding>,
) -> Verdict {
    let code_lines: u32 = files.iter().filter(|f| f.zone.is_code()).map(|f| f.change.lines.code).sum();
    let structural = impacts.iter().filter_map(SymbolImpact::structural).max().unwrap_or(Structural::Leaf);
    // Each finding about a symbol once, at its first changed site.
    let mut seen: HashSet<SymbolKey> = HashSet::new();

    for i in impacts {
        let outside: Vec<&Dependent> = i.outside().collect();
        let what = match i.change.change {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed, still used",
            ChangeKind::Interface => "interface changed",
            // New members: existing users keep compiling; the patch's own uses of them are its
            // own code.
            ChangeKind::Extended | ChangeKind::Moved => continue,
            ChangeKind::Body | ChangeKind::CommentOnly => {
                if !i.dependents.is_empty()
                    && i.change.change == ChangeKind::Body
                    && seen.insert(SymbolKey::of("body_change_callers", i))
                {
                    findings.push(Finding {
                        severity: Severity::Info,
                        code: "body_change_callers",
                        path: Some(i.path.clone()),
                        line: Some(i.change.line),
                        symbol: Some(i.change.name.clone()),
                        message: format!(
                            "body changed; {} their interface",
                            match i.dependents.len() {
                                1 => "1 direct user keeps".to_string(),
                                n => format!("{n} direct users keep"),
                            }
                        ),
                    });
                }
                continue;
            }
        };
        if !outside.is_empty() {
            if !seen.insert(SymbolKey::of("cascading", i)) {
                continue;
            }
            // The users the patch left as they were are what a reviewer checks first; those it
            // adapted show how far the change had to reach.
            let adapted = outside.iter().filter(|d| d.adapted).count();
            let first = outside.iter().find(|d| !d.adapted).unwrap_or(&outside[0]);
            let split = match adapted {
                0 => String::new(),
                n if n == outside.len() => ", all adapted by the patch itself".to_string(),
                n => format!(", {n} adapted by the patch itself and {} left as they were", outside.len() - n),
            };
            findings.push(Finding {
                severity: Severity::Warning,
                code: "cascading",
                path: Some(i.path.clone()),
                line: Some(i.change.line),
                symbol: Some(i.change.name.clone()),
                message: format!(
                    "{what}: used outside the change by {} in {}{split} (first: {} at {}:{}){}",
                    plural(outside.len(), "symbol"),
                    plural(distinct_files(&outside), "file"),
                    first.name,
                    first.path,
                    first.line,
                    if i.subsystems.is_empty() {
                        String::new()
                    } else {
                        format!("; subsystems: {}", i.subsystems.join(", "))
                    }
                ),
            });
        } else if let Some(first) = i.dependents.iter().find(|d| d.in_series.is_some()) {
            if !seen.insert(SymbolKey::of("series_contained", i)) {
                continue;
            }
            findings.push(Finding {
                severity: Severity::Info,
                code: "series_contained",
                path: Some(i.path.clone()),
                line: Some(i.change.line),
                symbol: Some(i.change.name.clone()),
                message: format!(
                    "{what}: used by patch {} of the series ({} at {}:{})",
                    first.in_series.unwrap_or(0),
                    first.name,
                    first.path,
                    first.line
                ),
            });
        }
    }

    if !declared.present {
        return Verdict { structural, policy: PolicyVerdict::NotDeclared, code_lines, findings };
    }
    let mut policy = PolicyVerdict::Ok;
    let raise = |policy: &mut PolicyVerdict, v: PolicyVerdict, f: Finding, findings: &mut Vec<Finding>| {
        *policy = (*policy).max(v);
        findings.push(f);
    };
    let commit_level = |code, message: String| Finding {
        severity: Severity::Error,
        code,
        path: None,
        line: None,
        symbol: None,
        message,
    };

    let whitelisted = !declared.scopes.is_empty()
        && declared.malformed.is_empty()
        && declared.scopes.iter().all(|s| rules.agents_whitelist.contains(s));
    if rules.declined_on_any_ai && !whitelisted {
        raise(
            &mut policy,
            PolicyVerdict::Declined,
            commit_level("declined", format!("profile {}: any declared AI use is declined", rules.profile)),
            &mut findings,
        );
    } else if rules.declined_on_any_ai {
        findings.push(Finding {
            severity: Severity::Info,
            code: "agents_whitelist",
            path: None,
            line: None,
            symbol: None,
            message: format!(
                "profile {}: AI-used-for {} is what AGENTS.md lets agents do (the change itself is the human's)",
                rules.profile,
                declared.scopes.join(", ")
            ),
        });
    }
    for m in &declared.malformed {
        raise(
            &mut policy,
            PolicyVerdict::MalformedTrailer,
            commit_level("malformed_trailer", m.clone()),
            &mut findings,
        );
    }
    // The sign-off finding itself comes with the trailers; the verdict follows it.
    if declared.ai_sign_off {
        policy = policy.max(PolicyVerdict::MalformedTrailer);
    }
    // A profile without scopes (the kernel's, in-tree's) has nothing to compare with.
    for s in declared.scopes.iter().filter(|s| !rules.scopes.is_empty() && !rules.scopes.contains(s)) {
        findings.push(Finding {
            severity: Severity::Warning,
            code: "scope_not_in_profile",
            path: None,
            line: None,
            symbol: None,
            message: format!(
                "AI-used-for: `{s}` is not a scope of profile {} (its text names {})",
                rules.profile,
                rules.scopes.join(", ")
            ),
        });
    }
    for f in scope_mismatches(files, impacts, declared) {
        raise(&mut policy, PolicyVerdict::ScopeMismatch, f, &mut findings);
    }
    let (capped, mechanical_findings) = mechanical(files, declared);
    findings.extend(mechanical_findings);
    if let Some(cap) = rules.code_line_cap.filter(|&cap| capped && code_lines > cap) {
        let message = format!(
            "{} (tests and docs not counted; {}) exceed the {} cap of {cap} for a small fix",
            plural(code_lines as usize, "changed code line"),
            rules.line_count.describe(),
            rules.profile,
        );
        if rules.cap_is_error {
            raise(&mut policy, PolicyVerdict::NeedsMaintainer, commit_level("over_cap", message), &mut findings);
        } else {
            findings.push(Finding {
                severity: Severity::Warning,
                code: "over_cap",
                path: None,
                line: None,
                symbol: None,
                message,
            });
        }
    }
    for f in files.iter().filter(|f| f.core && f.change.lines.code > 0) {
        raise(
            &mut policy,
            PolicyVerdict::NeedsMaintainer,
            Finding {
                severity: Severity::Error,
                code: "core_code",
                path: Some(f.change.path.clone()),
                line: first_line(f),
                symbol: f.change.symbols.first().map(|s| s.name.clone()),
                message: "changes core code (a core zone of the policy): needs a maintainer's agreement first".into(),
            },
            &mut findings,
        );
    }
    for i in impacts {
        let outside = i.outside().count() as u32;
        if (i.structural() == Some(Structural::Cascading) || outside >= rules.core_dependents_threshold)
            && seen.insert(SymbolKey::of("core_symbol", i))
        {
            raise(
                &mut policy,
                PolicyVerdict::NeedsMaintainer,
                Finding {
                    severity: Severity::Error,
                    code: "core_symbol",
                    path: Some(i.path.clone()),
                    line: Some(i.change.line),
                    symbol: Some(i.change.name.clone()),
                    message: format!(
                        "{} {} that other code depends on ({} outside the change): not easy to revert",
                        i.change.kind.as_str(),
                        i.change.change.as_str(),
                        plural(outside as usize, "user")
                    ),
                },
                &mut findings,
            );
        }
    }
    Verdict { structural, policy, code_lines, findings }
}

/// Code changed under a declaration that says the AI produced only tests or docs. `research`
/// and `analysis` say the human wrote the change, so with either of them there is no mismatch;
/// comment-only files are docs already (their zone); a code file whose every change adds a
/// helper that only tests use is test code.
fn scope_mismatches(files: &[FileFacts], impacts: &[SymbolImpact], declared: &Declared) -> Vec<Finding> {
    let produced_code = declared.scopes.iter().any(|s| s == "code");
    let human_wrote = declared.scopes.iter().any(|s| s == "research" || s == "analysis");
    if produced_code || human_wrote || declared.scopes.is_empty() {
        return Vec::new();
    }
    let declares_tests = declared.scopes.iter().any(|s| s == "tests");
    let test_helpers_only = |f: &FileFacts| {
        let mine: Vec<&SymbolImpact> = impacts.iter().filter(|i| i.path == f.change.path).collect();
        f.change.file_level_line.is_none()
            && !mine.is_empty()
            && f.change.symbols.len() == mine.len()
            && mine.iter().all(|i| {
                i.change.change == ChangeKind::Added
                    && i.own_uses_elsewhere == 0
                    && (i.own_uses_in_tests > 0 || i.dependents.iter().any(|d| d.in_tests))
                    && i.dependents.iter().all(|d| d.in_tests || d.same_file)
            })
    };
    files
        .iter()
        .filter(|f| f.zone.is_code() && f.change.lines.code > 0)
        .filter(|f| !(declares_tests && test_helpers_only(f)))
        .map(|f| Finding {
            severity: Severity::Error,
            code: "scope_mismatch",
            path: Some(f.change.path.clone()),
            line: first_line(f),
            symbol: f.change.symbols.first().map(|s| s.name.clone()),
            message: format!(
                "AI-used-for declares {} but this {} file has {}",
                declared.scopes.join(", "),
                f.zone.as_str(),
                plural(f.change.lines.code as usize, "changed code line")
            ),
        })
        .collect()
}

/// A mechanical claim: no line cap when its hunks are the same edit at every site, and the
/// command used asked for when the message does not name it. Returns whether the cap applies.
fn mechanical(files: &[FileFacts], declared: &Declared) -> (bool, Vec<Finding>) {
    let Some(m) = &declared.mechanical else { return (true, Vec::new()) };
    let mut findings = Vec::new();
    let finding = |severity, code, message| Finding { severity, code, path: None, line: None, symbol: None, message };
    match &m.command {
        Some(c) => findings.push(finding(
            Severity::Info,
            "mechanical_change",
            format!("mechanical change ({}): no line cap; command named: `{c}`", m.claim),
        )),
        None => findings.push(finding(
            Severity::Warning,
            "mechanical_command_missing",
            format!(
                "mechanical change ({}): the commit message should name the command used (the spatch, sed or formatter invocation)",
                m.claim
            ),
        )),
    }
    let u = crate::policy::mechanical::Uniformity::of(
        files.iter().filter(|f| f.zone.is_code()).flat_map(|f| f.edits.iter().map(String::as_str)),
    );
    if u.is_uniform() {
        return (false, findings);
    }
    findings.push(finding(
        Severity::Warning,
        "mechanical_not_uniform",
        format!(
            "declared mechanical ({}) but its {} edit sites make {} different edits (the most common at {} sites): \
             not one tool's doing, so the small-fix cap applies",
            m.claim, u.sites, u.shapes, u.dominant
        ),
    ));
    (true, findings)
}

/// What a finding about a changed symbol is keyed by: its code and the symbol's identity. A
/// file-scoped symbol (a `static`, a `.c` file's own macro) belongs to its file, so `static int
/// clamp` of a.c and of b.c are two symbols; a global one is one symbol however many sites the
/// change touches (a prototype and its definition).
#[derive(PartialEq, Eq, Hash)]
struct SymbolKey<'a> {
    code: &'static str,
    /// The file of a file-scoped symbol; `None` for a global one.
    file: Option<&'a str>,
    namespace: Namespace,
    name: &'a str,
}

impl<'a> SymbolKey<'a> {
    fn of(code: &'static str, i: &'a SymbolImpact) -> SymbolKey<'a> {
        SymbolKey {
            code,
            file: i.change.file_scoped.then_some(i.path.as_str()),
            namespace: i.change.namespace,
            name: &i.change.name,
        }
    }
}

/// `1 file`, `2 files`.
fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

fn distinct_files(deps: &[&Dependent]) -> usize {
    let mut files: Vec<&str> = deps.iter().map(|d| d.path.as_str()).collect();
    files.sort_unstable();
    files.dedup();
    files.len()
}

fn first_line(f: &FileFacts) -> Option<u32> {
    f.change.symbols.first().map(|s| s.line).or(f.change.file_level_line)
}
