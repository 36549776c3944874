//! `revertcheck check` on the demo scenario (fixtures/scenarios/demo): one patch per case.

use serde_json::Value;

use crate::util::{scenario, Repo};

fn check_json(repo: &Repo, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = repo.rc(&all);
    assert!(out.status == 0 || out.status == 1, "status {}: {}", out.status, out.stderr);
    (out.status, out.json())
}

/// (structural, policy, code lines) of each step.
fn verdicts(report: &Value) -> Vec<(String, String, u64)> {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let v = &s["verdict"];
            (
                v["structural"].as_str().unwrap().to_string(),
                v["policy"].as_str().unwrap().to_string(),
                v["code_lines"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn finding_codes(step: &Value) -> Vec<String> {
    step["verdict"]["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_string()).collect()
}

#[test]
fn every_case_of_the_demo_series() {
    let repo = scenario("demo");
    let (status, report) = check_json(&repo, &["upstream..series"]);
    assert_eq!(status, 1, "policy failures exit 1");
    assert_eq!(report["schema"], "revertcheck/check/v2");
    assert_eq!(report["profile"], "proposed");
    let v = verdicts(&report);
    let expect = |i: usize, s: &str, p: &str| {
        assert_eq!((v[i].0.as_str(), v[i].1.as_str()), (s, p), "patch {}: {:?}", i + 1, v[i])
    };
    expect(0, "leaf", "ok"); // tests only
    expect(1, "leaf", "ok"); // docs only
    expect(2, "leaf", "ok"); // comment only: a docs change
    expect(3, "leaf", "ok"); // small body fix
    expect(4, "contained", "ok"); // new helper used by later patches of the series
    expect(5, "leaf", "not-declared"); // no trailer
    expect(6, "leaf", "needs-maintainer"); // over the 20-line cap
    expect(7, "leaf", "scope-mismatch"); // declared tests, changed code
                                         // A function-like macro's interface is its parameter list: a new replacement with the
                                         // same parameters is a body change (users keep compiling), in a core header.
    expect(8, "leaf", "needs-maintainer");
    expect(9, "leaf", "malformed-trailer"); // prose in AI-used-for
    assert_eq!(v[0].2, 0, "test lines are not code lines");
    assert_eq!(v[2].2, 0, "comment lines are not code lines");
    assert_eq!(v[3].2, 2, "a line edited in place counts once");
    assert_eq!(v[6].2, 21);

    let steps = report["steps"].as_array().unwrap();
    assert_eq!(steps[2]["files"][0]["zone"], "docs", "a comment-only C change counts as docs");
    assert!(finding_codes(&steps[6]).contains(&"over_cap".to_string()));
    assert!(finding_codes(&steps[7]).contains(&"scope_mismatch".to_string()));
    assert!(finding_codes(&steps[8]).contains(&"body_change_callers".to_string()));
    assert!(finding_codes(&steps[8]).contains(&"core_code".to_string()));
    assert!(finding_codes(&steps[9]).contains(&"malformed_trailer".to_string()));

    // Symbol-level facts behind the verdicts.
    let symbols = |i: usize| -> Vec<(String, String)> {
        steps[i]["symbols"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["name"].as_str().unwrap().into(), s["change"].as_str().unwrap().into()))
            .collect()
    };
    assert_eq!(symbols(3), [("foo_read".to_string(), "body".to_string())]);
    assert!(symbols(8).contains(&("QEMU_ALIGN_UP".to_string(), "body".to_string())));
    assert!(symbols(8).contains(&("qemu_align_up".to_string(), "added".to_string())));
    let macro_impact = steps[8]["symbols"].as_array().unwrap().iter().find(|s| s["name"] == "QEMU_ALIGN_UP").unwrap();
    let users: Vec<&str> =
        macro_impact["dependents"].as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert!(users.contains(&"baz_baud"), "{users:?}");
    assert!(users.contains(&"foo_realize"), "{users:?}");
    // foo_realize is touched by patch 10, so it does not count as outside the series.
    assert_eq!(macro_impact["subsystems"], serde_json::json!(["Character devices"]));
    let realize = macro_impact["dependents"].as_array().unwrap().iter().find(|d| d["name"] == "foo_realize").unwrap();
    // Patches are numbered from 1 everywhere, with the commit id beside the number.
    assert_eq!(realize["in_series"], 10);
    assert_eq!(realize["in_series_commit"], steps[9]["commit"]);

    // Series: patches 6 and 7 use patch 5's helper.
    let patch5 = serde_json::json!([{ "patch": 5, "commit": steps[4]["commit"] }]);
    assert_eq!(steps[5]["depends_on"], patch5);
    assert_eq!(steps[6]["depends_on"], patch5);
    assert_eq!(steps[4]["depends_on"], serde_json::json!([]));
    let deps = report["series"]["dependencies"].as_array().unwrap();
    let dep = |a: usize, b: usize| serde_json::json!({ "patch": a, "commit": steps[a - 1]["commit"], "uses_patch": b, "uses_commit": steps[b - 1]["commit"] });
    assert!(deps.contains(&dep(6, 5)) && deps.contains(&dep(7, 5)), "{deps:?}");
    assert_eq!(report["series"]["structural"], "contained");
    assert_eq!(report["series"]["policy"], "malformed-trailer");

    // Whom to ask, from the tree's MAINTAINERS.
    let ask = &steps[8]["maintainers"][0];
    assert_eq!(ask["title"], "Utilities");
    assert_eq!(ask["people"][0], "Una Util <una@example.org>");
}

#[test]
fn profiles_and_fail_on() {
    let repo = scenario("demo");
    let (status, report) = check_json(&repo, &["--profile", "in-tree", "series~9"]);
    assert_eq!(status, 1);
    assert_eq!(report["profile"], "in-tree");
    assert_eq!(verdicts(&report)[0].1, "declined");

    let (_, report) = check_json(&repo, &["--profile", "draft-strict", "write-decode"]);
    assert_eq!(verdicts(&report)[0].1, "ok", "draft-strict's cap is a warning");
    assert!(finding_codes(&report["steps"][0]).contains(&"over_cap".to_string()));

    // A body fix with no findings passes every level but --fail-on warning... which it also passes.
    assert_eq!(repo.rc(&["check", "series~6"]).status, 0);
    assert_eq!(repo.rc(&["check", "--fail-on", "warning", "series~6"]).status, 0);
    // The core macro change: a body change in core code.
    assert_eq!(repo.rc(&["check", "--fail-on", "never", "series~1"]).status, 0);
    assert_eq!(repo.rc(&["check", "--fail-on", "cascading", "series~1"]).status, 1);
    // Without a trailer nothing fails under the default, but the structure can.
    assert_eq!(repo.rc(&["check", "series~4"]).status, 0);
}

#[test]
fn text_output_reads_like_checkpatch() {
    let repo = scenario("demo");
    let out = repo.rc(&["check", "series~1"]);
    assert_eq!(out.status, 1);
    assert!(out.stdout.contains("include/qemu/cutils.h:5: error: QEMU_ALIGN_UP: changes core code"), "{}", out.stdout);
    assert!(out.stdout.contains("needs a maintainer's agreement first [core_code]\n"), "{}", out.stdout);
    assert!(out.stdout.contains("  verdict:  leaf, needs-maintainer; 5 code lines;"), "{}", out.stdout);
    assert!(out.stdout.contains("  ask:      Utilities: Una Util <una@example.org>\n"), "{}", out.stdout);
    assert!(out.stdout.contains("  next:     ask the maintainers of Utilities\n"), "{}", out.stdout);
}

#[test]
fn sarif_has_the_required_fields() {
    let repo = scenario("demo");
    let out = repo.rc(&["check", "--format", "sarif", "upstream..series"]);
    let sarif = out.json();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "revertcheck");
    let rules: Vec<&str> =
        run["tool"]["driver"]["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        assert!(r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(rules.contains(&r["ruleId"].as_str().unwrap()), "ruleId must name a rule");
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        if let Some(locs) = r.get("locations") {
            let phys = &locs[0]["physicalLocation"];
            assert!(phys["artifactLocation"]["uri"].as_str().is_some());
            if let Some(line) = phys["region"].get("startLine") {
                assert!(line.as_u64().unwrap() >= 1);
            }
        }
    }
    assert!(results.iter().any(|r| r["ruleId"] == "scope_mismatch"
        && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "hw/misc/foo.c"));
}

#[test]
fn markdown_is_a_reply_table() {
    let repo = scenario("demo");
    let out = repo.rc(&["check", "--format", "markdown", "upstream..series"]);
    assert!(
        out.stdout.starts_with("**revertcheck** (profile `proposed`): 10 patches, **malformed-trailer**"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("| # | subject | structure | policy | code lines | declared |"));
    assert_eq!(out.stdout.matches("\n| ").count(), 11, "{}", out.stdout);
}

#[test]
fn json_is_deterministic() {
    let repo = scenario("demo");
    let a = repo.rc(&["check", "--format", "json", "upstream..series"]).stdout;
    let b = repo.rc(&["-j", "1", "--no-cache", "check", "--format", "json", "upstream..series"]).stdout;
    // Index statistics (cache hits) legitimately differ; everything else must not.
    let strip = |s: &str| {
        let mut v: Value = serde_json::from_str(s).unwrap();
        v.as_object_mut().unwrap().remove("base_index");
        v.as_object_mut().unwrap().remove("tip_index");
        v
    };
    assert_eq!(strip(&a), strip(&b));
}

#[test]
fn mbox_of_three_patches_where_patch_3_uses_patch_1() {
    let repo = scenario("demo");
    let mbox = repo.git(&["format-patch", "--stdout", "reg-mask^..write-decode"]);
    let out = repo.rc_stdin(&["check", "--format", "json", "--mbox", "-", "--base", "reg-mask^"], mbox.as_bytes());
    assert!(out.status <= 1, "{}", out.stderr);
    let report = out.json();
    let steps = report["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[0]["label"], "patch 1/3");
    assert_eq!(steps[0]["subject"], "hw/misc/foo: add foo_reg_mask()");
    assert_eq!(steps[2]["depends_on"], serde_json::json!([{ "patch": 1, "commit": null }]));
    assert_eq!(steps[2]["source"], "<stdin>");
    assert_eq!(verdicts(&report)[0], ("contained".to_string(), "ok".to_string(), 5));
    assert_eq!(verdicts(&report)[2].1, "needs-maintainer");

    // The same patches as files.
    let dir = tempfile::tempdir().unwrap();
    repo.git(&["format-patch", "-q", "-o", dir.path().to_str().unwrap(), "reg-mask^..write-decode"]);
    let mut files: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path().display().to_string()).collect();
    files.sort();
    let mut args = vec!["check", "--format", "json", "--base", "reg-mask^", "--mbox"];
    args.extend(files.iter().map(String::as_str));
    assert_eq!(repo.rc(&args).json()["steps"].as_array().unwrap().len(), 3);
}

#[test]
fn a_patch_that_does_not_apply_names_the_patch() {
    let repo = scenario("demo");
    let mbox = repo.git(&["format-patch", "--stdout", "write-decode^..write-decode"]);
    // On the upstream base the register decoding it rewrites does not exist yet.
    let out = repo.rc_stdin(&["check", "--mbox", "-", "--base", "upstream"], mbox.as_bytes());
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("patch 1/1 (\"hw/misc/foo: decode writes per register\")"), "{}", out.stderr);
    assert!(out.stderr.contains("does not apply"), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "nothing half-written");
}

#[test]
fn without_upstream_or_on_a_detached_head_the_default_range_is_an_error_with_a_hint() {
    let repo = scenario("demo");
    for detach in [false, true] {
        if detach {
            repo.git(&["checkout", "-q", "--detach", "series"]);
        }
        let out = repo.rc(&["check", "--fail-on", "never"]);
        assert_eq!(out.status, 2, "{}", out.stderr);
        assert!(out.stdout.is_empty(), "nothing half-written: {}", out.stdout);
        let why = if detach { "HEAD is detached" } else { "no upstream" };
        assert!(out.stderr.contains(why), "{}", out.stderr);
        assert!(out.stderr.contains("hint: name the commits to check, e.g. `revertcheck check origin/master..`"));
    }
    // With an upstream the default is `@{upstream}..HEAD`.
    repo.git(&["checkout", "-q", "series"]);
    repo.git(&["branch", "-q", "base", "upstream"]);
    repo.git(&["branch", "-q", "--set-upstream-to=base"]);
    let (_, report) = check_json(&repo, &["--fail-on", "never"]);
    assert_eq!(report["base"], "@{upstream}..HEAD");
    assert_eq!(report["steps"].as_array().unwrap().len(), 10);
}

/// Every form `git rev-list` takes selects the commits git selects, oldest first.
#[test]
fn ranges_select_what_git_rev_list_selects() {
    let repo = scenario("demo");
    // A side branch off the middle of the series, so that `a...b` differs from `a..b`.
    repo.git(&["checkout", "-q", "-b", "side", "series~6"]);
    std::fs::write(repo.path().join("side.txt"), "side\n").unwrap();
    repo.git(&["add", "side.txt"]);
    repo.git(&["-c", "user.name=S", "-c", "user.email=s@x", "commit", "-q", "-m", "side: one commit"]);
    let cases: &[&[&str]] = &[
        &["upstream..series"],
        &["series...side"],
        &["side...series"],
        &["^upstream", "series"],
        &["series", "^side"],
        &["--", "--not", "upstream", "--not", "series"],
        &["series~2^!"],
        &["series^-"],
        &["upstream..series", "^series~3"],
    ];
    for args in cases {
        let (_, report) = check_json(&repo, &[&["--fail-on", "never"][..], args].concat());
        let ours: Vec<String> =
            report["steps"].as_array().unwrap().iter().map(|s| s["commit"].as_str().unwrap().to_string()).collect();
        let git_args: Vec<&str> = args.iter().copied().filter(|a| *a != "--").collect();
        let git = repo.git(&[&["rev-list", "--reverse", "--topo-order"][..], &git_args].concat());
        let git: Vec<&str> = git.lines().collect();
        assert!(!git.is_empty(), "{args:?}");
        if args.iter().any(|a| a.contains("...")) {
            // Two lines of history: any topological order is git's order too.
            let (mut a, mut b) = (ours.clone(), git.clone());
            a.sort();
            b.sort();
            assert_eq!(a, b, "{args:?}");
        } else {
            assert_eq!(ours, git, "{args:?}");
        }
    }
    // Without an exclusion each revision is one commit, as before.
    let (_, report) = check_json(&repo, &["--fail-on", "never", "series~1", "series~3"]);
    let ours: Vec<&str> = report["steps"].as_array().unwrap().iter().map(|s| s["commit"].as_str().unwrap()).collect();
    assert_eq!(ours, [repo.rev("series~1"), repo.rev("series~3")]);
}

#[test]
fn more_cases_struct_field_signature_prototype_rename_trailers_merge() {
    let repo = scenario("check-more");
    let (_, report) = check_json(&repo, &["base..merge"]);
    let steps = report["steps"].as_array().unwrap();
    let by_subject =
        |s: &str| steps.iter().find(|x| x["subject"].as_str().unwrap().starts_with(s)).unwrap_or_else(|| panic!("{s}"));
    let change_of = |step: &Value, name: &str| -> String {
        step["symbols"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .map(|s| s["change"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };

    // Within this series board_b and dev_read are touched by later patches (contained); each
    // commit checked alone shows its own blast radius.
    assert_eq!(by_subject("dev: add a mask")["verdict"]["structural"], "leaf");
    let (_, alone) = check_json(&repo, &["struct-field"]);
    let s = &alone["steps"][0];
    // A struct field added: an extension of the type. board_b uses the type but not the new
    // field, so nothing outside the patch depends on the change.
    assert_eq!(change_of(s, "DevState"), "extended");
    let dev_state = s["symbols"].as_array().unwrap().iter().find(|i| i["name"] == "DevState").unwrap();
    assert_eq!(dev_state["added_members"], serde_json::json!(["mask"]), "{dev_state:#}");
    assert_eq!(s["verdict"]["structural"], "leaf");

    // A signature change leaving a caller behind is cascading, with the caller as evidence.
    let (_, alone) = check_json(&repo, &["signature"]);
    let s = &alone["steps"][0];
    assert_eq!(change_of(s, "dev_read"), "interface");
    assert_eq!(s["verdict"]["structural"], "cascading");
    assert!(s["verdict"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "cascading" && f["message"].as_str().unwrap().contains("board_b")));

    // A prototype added in a header, defined, and called from two files in the same patch: its
    // users are the patch's own code, so it is a leaf.
    let s = by_subject("dev: add dev_reset");
    assert_eq!(change_of(s, "dev_reset"), "added");
    assert_eq!(s["verdict"]["structural"], "leaf");
    assert_eq!(s["verdict"]["policy"], "not-declared");

    // A pure rename: followed, no symbol changes, no code lines.
    let s = by_subject("board-b: move");
    assert_eq!(s["files"][0]["status"], "renamed");
    assert_eq!(s["files"][0]["old_path"], "hw/board-b.c");
    assert_eq!(s["verdict"]["code_lines"], 0);
    assert!(s["symbols"].as_array().unwrap().is_empty());
    assert_eq!(s["verdict"]["policy"], "ok");

    // AI-used-for after Signed-off-by: a warning; the comment-only change is docs, so ok.
    let s = by_subject("board-a: comment");
    assert!(finding_codes(s).contains(&"ai_after_signed_off_by".to_string()));
    assert_eq!(s["verdict"]["policy"], "ok");

    // The merge commit is reported, not analysed.
    let s = by_subject("Merge branch topic");
    assert_eq!(s["skipped"], "merge commit");
    assert!(finding_codes(s).contains(&"merge_commit".to_string()));
}

#[test]
fn draft_strict_counts_a_split_fix_as_one() {
    let repo = scenario("demo");
    // Patches 4 and 7 of the series: one author, both AI-assisted, both in hw/misc/foo.c.
    let (_, report) = check_json(&repo, &["--profile", "draft-strict", "upstream..series~2"]);
    let steps = report["steps"].as_array().unwrap();
    let off_by_one =
        steps.iter().find(|s| s["subject"].as_str().unwrap().starts_with("hw/misc/foo: fix out-of-bounds")).unwrap();
    let split = off_by_one["verdict"]["findings"].as_array().unwrap().iter().find(|f| f["code"] == "split_fix");
    assert!(
        split.is_some_and(|f| f["message"].as_str().unwrap().contains("over the draft-strict cap of 10")),
        "{off_by_one:#}"
    );
    // The proposed profile has no such rule.
    let (_, report) = check_json(&repo, &["upstream..series~2"]);
    assert!(report["steps"].as_array().unwrap().iter().all(|s| s["verdict"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["code"] != "split_fix")));
}

/// The file named `path` among a step's files.
fn file<'a>(step: &'a Value, path: &str) -> &'a Value {
    step["files"].as_array().unwrap().iter().find(|f| f["path"] == path).unwrap_or_else(|| panic!("{path}: {step:#}"))
}

#[test]
fn build_files_come_before_docs_in_the_zones() {
    let repo = scenario("check-trust");
    let (_, report) = check_json(&repo, &["meson-option"]);
    assert_eq!(file(&report["steps"][0], "meson_options.txt")["zone"], "build");
}

#[test]
fn comment_fixes_in_qapi_python_meson_kconfig_rst_are_docs() {
    let repo = scenario("check-trust");
    let (status, report) = check_json(&repo, &["comments"]);
    let step = &report["steps"][0];
    assert_eq!(status, 0, "{step:#}");
    assert_eq!(step["verdict"]["policy"], "ok", "AI-used-for: docs fits a comment fix");
    assert_eq!(step["verdict"]["code_lines"], 0);
    assert!(finding_codes(step).is_empty(), "{step:#}");
    // The QAPI doc comment: in a core zone, but a doc fix is neither code nor core.
    let qapi = file(step, "qapi/misc.json");
    assert_eq!((&qapi["zone"], &qapi["core"], &qapi["lines"]["code"]), (&"docs".into(), &false.into(), &0.into()));
    assert_eq!(qapi["lines"]["comment"], 1, "a line edited in place counts once");
    for path in ["scripts/tool.py", "hw/meson.build", "hw/Kconfig", "docs/dev.rst"] {
        let f = file(step, path);
        assert_eq!((&f["zone"], &f["lines"]["code"]), (&"docs".into(), &0.into()), "{path}: {f:#}");
        assert!(f["lines"]["comment"].as_u64().unwrap() > 0, "{path}");
    }
}

#[test]
fn maintainers_f_lines_for_added_files_are_neutral() {
    let repo = scenario("check-trust");
    let (status, report) = check_json(&repo, &["new-test"]);
    let step = &report["steps"][0];
    assert_eq!(status, 0, "{step:#}");
    assert_eq!(step["verdict"]["policy"], "ok", "{step:#}");
    let m = file(step, "MAINTAINERS");
    assert_eq!((&m["lines"]["code"], &m["lines"]["neutral"]), (&0.into(), &2.into()));
}

#[test]
fn a_one_line_edit_counts_one_line_and_the_rule_is_configurable() {
    let repo = scenario("check-trust");
    let (_, report) = check_json(&repo, &["one-line"]);
    assert_eq!(report["line_count"], "max");
    assert_eq!(verdicts(&report)[0].2, 1);
    let text = repo.rc(&["check", "one-line"]).stdout;
    assert!(text.contains("1 code line (per hunk, max(added, removed))"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("policy.toml");
    std::fs::write(&config, "line_count = \"sum\"\n").unwrap();
    let (_, report) = check_json(&repo, &["--config", config.to_str().unwrap(), "one-line"]);
    assert_eq!(report["line_count"], "sum");
    assert_eq!(verdicts(&report)[0].2, 2);

    std::fs::write(&config, "line_count = \"both\"\n").unwrap();
    let out = repo.rc(&["check", "--config", config.to_str().unwrap(), "one-line"]);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("line_count `both`"), "{}", out.stderr);
}

#[test]
fn a_new_parse_error_is_an_error_finding() {
    let repo = scenario("check-trust");
    let (_, report) = check_json(&repo, &["parse-error"]);
    let step = &report["steps"][0];
    let f = step["verdict"]["findings"].as_array().unwrap().iter().find(|f| f["code"] == "new_parse_error");
    let f = f.unwrap_or_else(|| panic!("{step:#}"));
    assert_eq!((&f["severity"], &f["path"]), (&"error".into(), &"hw/c.c".into()));
    assert_eq!(f["line"], 8, "`if (v {{` is on line 8: {f:#}");
    assert_eq!(repo.rc(&["check", "--fail-on", "error", "parse-error"]).status, 1);
    assert_eq!(repo.rc(&["check", "--fail-on", "error", "one-line"]).status, 0, "no error without one");
    // An edit that parses as well as before has no such finding.
    let (_, report) = check_json(&repo, &["one-line"]);
    assert!(!finding_codes(&report["steps"][0]).contains(&"new_parse_error".to_string()));
}

#[test]
fn findings_are_keyed_by_symbol_not_name() {
    let repo = scenario("check-trust");
    let (_, report) = check_json(&repo, &["statics"]);
    let step = &report["steps"][0];
    let findings = step["verdict"]["findings"].as_array().unwrap();
    let about = |code: &str, symbol: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f["code"] == code && f["symbol"] == symbol)
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect()
    };
    // `static int clamp` of hw/a.c and of hw/b.c: two symbols, two findings.
    assert_eq!(about("body_change_callers", "clamp"), ["hw/a.c", "hw/b.c"], "{step:#}");
    // dev_get's prototype and definition: one symbol, one finding.
    assert_eq!(about("cascading", "dev_get").len(), 1, "{step:#}");
}

#[test]
fn callers_the_patch_adapts_itself_make_it_cascading() {
    let repo = scenario("check-trust");
    let (_, report) = check_json(&repo, &["adapt"]);
    let step = &report["steps"][0];
    assert_eq!(step["verdict"]["structural"], "cascading", "{step:#}");
    let reg_read = step["symbols"].as_array().unwrap().iter().find(|s| s["name"] == "reg_read").unwrap();
    let adapted: Vec<&str> = reg_read["dependents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["adapted"] == true)
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(adapted, ["x_read", "y_read"], "{reg_read:#}");
    let out = repo.rc(&["check", "adapt"]);
    assert!(
        out.stdout.contains("used outside the change by 2 symbols in 2 files, all adapted by the patch itself"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_definition_moved_between_files_is_a_move() {
    let repo = scenario("check-trust");
    let (_, report) = check_json(&repo, &["move"]);
    let step = &report["steps"][0];
    let changes: Vec<(&str, &str)> = step["symbols"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["change"].as_str().unwrap()))
        .collect();
    assert!(changes.contains(&("c_get", "moved")), "{changes:?}");
    assert!(!changes.iter().any(|c| c.1 == "added" || c.1 == "removed"), "{changes:?}");
    assert_eq!(step["verdict"]["structural"], "leaf");
}

#[test]
fn uses_that_cannot_see_the_definition_are_not_dependents() {
    let repo = scenario("check-trust");
    // A new standalone test's `main` is not what another test program's `_start` calls.
    let (_, report) = check_json(&repo, &["test-main"]);
    let step = &report["steps"][0];
    assert_eq!(step["verdict"]["structural"], "leaf", "{step:#}");
    assert_eq!(step["symbols"][0]["name_only"], 1, "{step:#}");
    // linux-user calls libc's reboot, not the prototype of a fuzzing header it never includes.
    let (_, report) = check_json(&repo, &["reboot"]);
    let step = &report["steps"][0];
    assert_eq!(step["verdict"]["structural"], "leaf", "{step:#}");
}

#[test]
fn a_type_change_reaches_only_the_users_of_the_members_it_changed() {
    let repo = scenario("check-trust");
    let (_, report) = check_json(&repo, &["regs"]);
    let step = &report["steps"][0];
    let regs: Vec<&Value> = step["symbols"].as_array().unwrap().iter().filter(|s| s["name"] == "Regs").collect();
    assert!(!regs.is_empty(), "{step:#}");
    for r in &regs {
        assert_eq!(r["change"], "interface", "{r:#}");
        assert_eq!(r["removed_members"], serde_json::json!(["b"]));
        assert_eq!(r["changed_members"], serde_json::json!(["a"]));
        let users: Vec<&str> =
            r["dependents"].as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
        assert!(!users.contains(&"y_pass"), "y_pass never names a member: {users:?}");
    }
    assert!(regs.iter().any(|r| r["dependents"].as_array().unwrap().iter().any(|d| d["name"] == "x_a")), "{regs:#?}");
}

/// Issue #17: `[[zone]]` patterns are globs with classes and alternations, and a pattern that
/// matches no file of the base tree is a warning, not silence.
#[test]
fn zone_patterns_with_classes_and_a_warning_for_patterns_matching_nothing() {
    let repo = scenario("demo");
    let config = repo.home.path().join("policy.toml");
    std::fs::write(
        &config,
        "[[zone]]\npattern = \"hw/misc/foo.[ch]\"\nzone = \"tests\"\n[[zone]]\npattern = \"hw/vfio/*.[ch]\"\nzone = \"tests\"\n[[core]]\npattern = \"hw/{net,block}/\"\n",
    )
    .unwrap();
    let (_, report) =
        check_json(&repo, &["--config", config.to_str().unwrap(), "--fail-on", "never", "upstream..series"]);
    let zones: Vec<&str> = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["files"].as_array().unwrap())
        .filter(|f| f["path"] == "hw/misc/foo.c")
        .map(|f| f["zone"].as_str().unwrap())
        .collect();
    // (A comment-only change is docs whatever the zone.)
    assert!(zones.contains(&"tests") && !zones.contains(&"code"), "{zones:?}");
    let notes = report["notes"].to_string();
    assert!(notes.contains("[[zone]] pattern `hw/vfio/*.[ch]` matches no file of the base tree"), "{notes}");
    assert!(notes.contains("[[core]] pattern `hw/{net,block}/` matches no file"), "{notes}");
    assert!(!notes.contains("hw/misc/foo.[ch]"), "{notes}");
    // Not a glob at all: exit 2, naming the file and the pattern.
    std::fs::write(&config, "[[zone]]\npattern = \"hw/[\"\nzone = \"tests\"\n").unwrap();
    let out = repo.rc(&["check", "--config", config.to_str().unwrap(), "upstream..series"]);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("[[zone]] pattern `hw/[`"), "{}", out.stderr);
}
