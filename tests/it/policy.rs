//! Issue #18: scope semantics, the mechanical category, split fixes and folding in a series, AI
//! identities and sign-offs, profiles as data (fixtures/scenarios/policy, one tag per case).

use serde_json::Value;

use crate::util::{scenario, Repo};

fn check(repo: &Repo, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = repo.rc(&all);
    assert!(out.status == 0 || out.status == 1, "status {}: {}", out.status, out.stderr);
    (out.status, out.json())
}

/// The only step of checking one tagged commit under `profile`.
fn step(repo: &Repo, profile: &str, tag: &str) -> Value {
    let (_, report) = check(repo, &["--profile", profile, tag]);
    assert_eq!(report["profile"], profile);
    report["steps"][0].clone()
}

fn policy(step: &Value) -> &str {
    step["verdict"]["policy"].as_str().unwrap()
}

/// The messages of a step's findings with this code.
fn findings<'a>(step: &'a Value, code: &str) -> Vec<&'a str> {
    step["verdict"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .map(|f| f["message"].as_str().unwrap())
        .collect()
}

#[test]
fn research_and_analysis_never_make_a_code_change_a_mismatch() {
    let repo = scenario("policy");
    for profile in ["proposed", "llm-usage-a", "llm-usage-b"] {
        for tag in ["research", "analysis"] {
            let s = step(&repo, profile, tag);
            assert_eq!(policy(&s), "ok", "{profile} {tag}: {s:#}");
            assert!(findings(&s, "scope_mismatch").is_empty());
        }
    }
    // The proposal names `research`, draft A `analysis`: the other word is flagged, not refused.
    let s = step(&repo, "llm-usage-a", "research");
    assert_eq!(
        findings(&s, "scope_not_in_profile"),
        ["AI-used-for: `research` is not a scope of profile llm-usage-a (its text names code, tests, docs, analysis)"]
    );
    assert!(findings(&step(&repo, "proposed", "research"), "scope_not_in_profile").is_empty());
    // Master's AGENTS.md lets agents do research: not declined, a note says why.
    let s = step(&repo, "in-tree", "research");
    assert_eq!(policy(&s), "ok", "{s:#}");
    assert_eq!(findings(&s, "agents_whitelist").len(), 1);
    assert_eq!(policy(&step(&repo, "in-tree", "docs-code")), "declined");
}

#[test]
fn docs_cover_comments_but_not_code_lines_and_tests_cover_test_only_helpers() {
    let repo = scenario("policy");
    // A comment and a code line in one file: the code line is the mismatch.
    let s = step(&repo, "proposed", "docs-code");
    assert_eq!(policy(&s), "scope-mismatch");
    assert_eq!(
        findings(&s, "scope_mismatch"),
        ["AI-used-for declares docs but this code file has 1 changed code line"]
    );
    // dev_peek_reg(): added in hw/misc/dev.c with its prototype, used only by the qtest.
    let s = step(&repo, "proposed", "test-helper");
    assert_eq!(policy(&s), "ok", "{s:#}");
}

#[test]
fn a_uniform_mechanical_change_has_no_cap_and_names_its_command() {
    let repo = scenario("policy");
    // dev_log -> dev_trace at 25 sites, with the sed command in the message.
    let s = step(&repo, "proposed", "mechanical");
    assert_eq!(s["verdict"]["code_lines"], 25);
    assert_eq!(policy(&s), "ok", "{s:#}");
    assert_eq!(
        findings(&s, "mechanical_change"),
        ["mechanical change (refactoring): no line cap; command named: `sed -i -e 's/dev_log(/dev_trace(/' hw/misc/dev.c`"]
    );
    assert_eq!(s["declared"]["mechanical"]["claim"], "refactoring");
    // The same cast at 24 sites, the command not named: accepted, the command asked for.
    let s = step(&repo, "proposed", "mechanical-no-command");
    assert_eq!(policy(&s), "ok");
    assert_eq!(findings(&s, "mechanical_command_missing").len(), 1);
    // 24 different edits claimed as refactoring: not a tool's doing, the cap applies.
    let s = step(&repo, "proposed", "not-uniform");
    assert_eq!(policy(&s), "needs-maintainer");
    assert_eq!(
        findings(&s, "mechanical_not_uniform"),
        ["declared mechanical (refactoring) but its 24 edit sites make 24 different edits (the most common at 1 sites): \
not one tool's doing, so the small-fix cap applies"]
    );
    assert_eq!(findings(&s, "over_cap").len(), 1);
}

#[test]
fn a_fix_split_across_a_series_is_summed_with_its_commits_listed() {
    let repo = scenario("policy");
    let (split1, split2, split3) = (repo.rev("split-1"), repo.rev("split-2"), repo.rev("split-3"));
    let (_, report) = check(&repo, &["--profile", "llm-usage-a", "split-1~1..split-3"]);
    let steps = report["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 3);
    let first = findings(&steps[0], "split_fix");
    assert_eq!(
        first,
        [format!(
            "with patch 2 ({}, 4 lines), patch 3 ({}, 4 lines) (same author, same files hw/misc/dev.c, functions dev_reset, \
within 14 days) this fix has 12 code lines, over the llm-usage-a cap of 10",
            &split2[..12],
            &split3[..12]
        )]
    );
    assert!(findings(&steps[2], "split_fix")[0].contains(&split1[..12]));
    // Each part alone is a small fix.
    assert!(steps.iter().all(|s| policy(s) == "ok"));
    // The proposal and drafts B and C have no split rule.
    for profile in ["proposed", "llm-usage-b", "llm-usage-c"] {
        let (_, report) = check(&repo, &["--profile", profile, "split-1~1..split-3"]);
        assert!(report["steps"].as_array().unwrap().iter().all(|s| findings(s, "split_fix").is_empty()), "{profile}");
    }
    // A mechanical change has no cap, so it is not part of a split fix.
    let (_, report) =
        check(&repo, &["--profile", "llm-usage-a", "mechanical~1..mechanical-no-command", "split-1~1..split-1"]);
    let steps = report["steps"].as_array().unwrap();
    assert!(steps.iter().all(|s| findings(s, "split_fix").is_empty()), "{report:#}");
}

#[test]
fn a_commit_without_the_trailer_that_rewrites_ai_lines_is_folded() {
    let repo = scenario("policy");
    let ai = repo.rev("fold-ai");
    let (_, report) = check(&repo, &["fold-ai~1..fold-human"]);
    let human = &report["steps"][1];
    assert_eq!(policy(human), "not-declared");
    assert_eq!(
        findings(human, "folded"),
        [format!(
            "rewrites 2 code lines that AI-declared patch 1 ({}) added, without an AI-used-for trailer: \
AI material folded into a commit that does not declare it",
            &ai[..12]
        )]
    );
    // Alone, the human commit has nothing to be compared with.
    assert!(findings(&step(&repo, "proposed", "fold-human"), "folded").is_empty());
}

#[test]
fn a_person_named_claude_is_a_person() {
    let repo = scenario("policy");
    let (status, report) = check(&repo, &["claude-dupont"]);
    let s = &report["steps"][0];
    assert_eq!(status, 0, "{s:#}");
    assert_eq!(policy(s), "not-declared");
    assert!(findings(s, "malformed_trailer").is_empty());
}

#[test]
fn an_ai_sign_off_is_an_error_under_every_profile_and_the_missing_human_one_is_named() {
    let repo = scenario("policy");
    // After QEMU mirror commit 0d4985abea: the sign-off in a body paragraph, Co-authored-by
    // in the trailer block.
    for profile in ["proposed", "draft-strict", "llm-usage-a", "llm-usage-b", "llm-usage-c", "in-tree", "kernel"] {
        let s = step(&repo, profile, "copilot");
        assert_eq!(
            findings(&s, "ai_signed_off_by"),
            ["`Signed-off-by: GitHub Copilot <copilot@github.com>` is an AI's (the address copilot@github.com is a known \
AI tool's), in a body paragraph rather than the trailer block: the DCO needs a human's sign-off (message line 6)"],
            "{profile}"
        );
        assert_eq!(
            findings(&s, "no_human_signed_off_by"),
            ["no human Signed-off-by: the only sign-off (`GitHub Copilot <copilot@github.com>`) is an AI's; every commit \
needs a human's (DCO)"]
        );
        assert!(s["verdict"]["policy"] != "ok" && s["verdict"]["policy"] != "not-declared", "{profile}");
    }
    let s = step(&repo, "proposed", "copilot");
    assert!(findings(&s, "malformed_trailer")[0].contains("Co-authored-by"));
}

#[test]
fn the_kernel_profile_reads_assisted_by() {
    let repo = scenario("policy");
    let s = step(&repo, "kernel", "kernel");
    assert_eq!(policy(&s), "ok", "{s:#}");
    assert!(s["declared"]["present"].as_bool().unwrap());
    let s = step(&repo, "proposed", "kernel");
    assert_eq!(policy(&s), "malformed-trailer");
    assert!(findings(&s, "malformed_trailer")[0].contains("Assisted-by"));
}

#[test]
fn policy_list_and_show() {
    let repo = scenario("policy");
    let out = repo.rc(&["policy", "list", "--format", "json"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let list = out.json();
    assert_eq!(list["schema"], "revertcheck/policy/v1");
    assert_eq!(list["selected"], "proposed");
    let names: Vec<&str> = list["profiles"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["proposed", "draft-strict", "llm-usage-a", "llm-usage-b", "llm-usage-c", "in-tree", "kernel"]);

    let out = repo.rc(&["policy", "show", "llm-usage-a"]);
    assert_eq!(out.status, 0);
    assert!(out.stdout.contains("scopes:             code, tests, docs, analysis"), "{}", out.stdout);
    assert!(out.stdout.contains("10 (a rule of thumb: a warning"), "{}", out.stdout);
    assert!(out.stdout.contains("\"splitting a submission in multiple parts is not a valid way to bypass this rule\""));
    let show = repo.rc(&["policy", "show", "kernel", "--format", "json"]).json();
    assert_eq!(show["profile"]["ai_trailer"], "assisted-by");
    assert_eq!(show["profile"]["code_line_cap"], Value::Null);

    let out = repo.rc(&["policy", "show", "lax"]);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("profile `lax`: no such profile"), "{}", out.stderr);
    let out = repo.rc(&["check", "--profile", "lax", "research"]);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("--profile lax: profile `lax` is not one of proposed, draft-strict"), "{}", out.stderr);
}

#[test]
fn a_policy_file_defines_its_own_profile_and_ai_identities() {
    let repo = scenario("policy");
    let file = repo.path().join("ours.toml");
    std::fs::write(
        &file,
        "profile = \"ours\"\n[[profiles]]\nname = \"ours\"\nbase = \"proposed\"\nscopes = [\"code\", \"tests\", \"docs\"]\n\
code_line_cap = 3\n[identity]\nnames = [\"claude dupont\"]\n",
    )
    .unwrap();
    let config = file.to_str().unwrap();
    let list = repo.rc(&["policy", "list", "--config", config, "--format", "json"]).json();
    assert_eq!(list["selected"], "ours");
    // The cap of 3 makes the 4-line fix too large; the project counts Claude Dupont as a tool.
    let (_, report) = check(&repo, &["--config", config, "split-1", "claude-dupont"]);
    assert_eq!(report["profile"], "ours");
    assert_eq!(policy(&report["steps"][0]), "needs-maintainer");
    assert_eq!(policy(&report["steps"][1]), "malformed-trailer");
    assert_eq!(findings(&report["steps"][1], "ai_signed_off_by").len(), 1);

    std::fs::write(&file, "[[profiles]]\nname = \"ours\"\nbase = \"lax\"\n").unwrap();
    let out = repo.rc(&["check", "--config", config, "research"]);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("ours.toml: profile `ours`: base `lax` is not one of"), "{}", out.stderr);
}
