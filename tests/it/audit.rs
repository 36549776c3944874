//! `revertcheck audit`: two runs on a history that grows in between (fixtures/scenarios/audit,
//! then audit-later), the store, transitions, exit codes, failure injection and the HTML page.

use serde_json::{json, Value};

use crate::util::{run, scenario};

#[test]
fn two_runs_report_what_changed() {
    let repo = scenario("audit");
    let db = repo.home.path().join("audit.sqlite");
    let db = db.to_str().unwrap();
    let first = repo.rc(&["audit", "--db", db, "--format", "json", "--fail-on-new"]);
    assert_eq!(first.status, 0, "{}", first.stderr);
    let v = first.json();
    assert_eq!(v["schema"], "revertcheck/audit/v2");
    assert_eq!(v["previous_run"], serde_json::Value::Null);
    let verdicts: Vec<(&str, &str)> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["summary"].as_str().unwrap(), r["verdict"].as_str().unwrap()))
        .collect();
    assert_eq!(
        verdicts,
        [("lib: add util_add", "clean"), ("tests: add a lib test", "clean")],
        "untagged commits are not selected"
    );

    repo.apply("audit-later");
    let second = repo.rc(&["audit", "--db", db, "--format", "json", "--fail-on-new"]);
    assert_eq!(second.status, 1, "a commit lost its revertibility: {}", second.stderr);
    let v = second.json();
    assert_eq!(v["previous_run"], 1);
    let t = &v["transitions"];
    assert_eq!(t["new"], serde_json::json!([repo.rev("ai-docs")]));
    let lost = &t["lost_revertibility"][0];
    assert_eq!(lost["commit"], repo.rev("ai-helper"));
    assert_eq!((lost["from"].as_str(), lost["to"].as_str()), (Some("clean"), Some("entangled")));
    assert_eq!(lost["responsible"], serde_json::json!([repo.rev("uses-helper")]));
    assert_eq!(lost["new_responsible"], lost["responsible"]);
    assert_eq!((lost["cascade_before"].as_i64(), lost["cascade_now"].as_i64()), (Some(0), Some(1)));
    let row = v["results"].as_array().unwrap().iter().find(|r| r["commit_id"] == repo.rev("ai-helper")).unwrap();
    assert_eq!(row["responsible"], lost["responsible"]);
    assert_eq!(row["details"]["verdict"], "entangled", "details are nested, not JSON text");
    let reverted = &t["became_reverted"][0];
    assert_eq!(reverted["commit"], repo.rev("ai-tests"));

    // Without --fail-on-new the same news exits 0; and a third run sees no change.
    let third = repo.rc(&["audit", "--db", db]);
    assert_eq!(third.status, 0);
    assert!(third.stdout.contains("since run 2: 0 new, 0 lost revertibility, 0 became reverted"), "{}", third.stdout);

    let history = repo.rc(&["audit", "history", "--db", db, "--format", "json"]).json();
    assert_eq!(history["runs"].as_array().unwrap().len(), 3);
}

#[test]
fn a_failed_run_leaves_the_store_as_it_was_and_the_next_completes() {
    let repo = scenario("audit");
    let db = repo.home.path().join("audit.sqlite");
    let db = db.to_str().unwrap();
    assert_eq!(repo.rc(&["audit", "--db", db]).status, 0);
    let before = repo.rc(&["audit", "history", "--db", db]).stdout;

    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_revertcheck"));
    let out = cmd
        .current_dir(repo.path())
        .args(["audit", "--db", db, "--all-commits"])
        .env("HOME", repo.home.path())
        .env("REVERTCHECK_TEST_FAIL_STORE_AFTER", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("injected failure"));
    assert_eq!(repo.rc(&["audit", "history", "--db", db]).stdout, before, "the failed run left nothing");

    let next = repo.rc(&["audit", "--db", db, "--all-commits", "--format", "json"]);
    assert_eq!(next.status, 0);
    assert_eq!(
        next.json()["results"].as_array().unwrap().len(),
        3,
        "--all-commits takes every non-merge, non-root commit"
    );
}

#[test]
fn selection_options() {
    let repo = scenario("audit");
    let db = repo.home.path().join("a.sqlite");
    let db = db.to_str().unwrap();
    let count = |args: &[&str]| {
        let mut all = vec!["audit", "--db", db, "--format", "json"];
        all.extend_from_slice(args);
        let out = repo.rc(&all);
        assert_eq!(out.status, 0, "{}", out.stderr);
        out.json()["results"].as_array().unwrap().len()
    };
    assert_eq!(count(&["--all-commits", "--limit", "2"]), 2);
    assert_eq!(count(&["--all-commits", "--path", "tests/**"]), 1);
    assert_eq!(count(&["--since", "ai-helper"]), 1);
    assert_eq!(count(&["--since", "2100-01-01"]), 0);
    assert_eq!(count(&["--trailer", "Signed-off-by"]), 3);
}

#[test]
fn html_report_is_self_contained() {
    let repo = scenario("audit");
    repo.apply("audit-later");
    let html = repo.home.path().join("report.html");
    let out = repo.rc(&[
        "audit",
        "--db",
        repo.home.path().join("h.sqlite").to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
    ]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<table id=\"results\">"));
    assert!(page.contains("<svg id=\"chart\""));
    assert!(page.contains("onclick=\"sortBy(0)\""));
    assert_eq!(page.matches("<tr><td><code>").count(), 3);
    // The structural verdict each commit had when it landed, last column.
    assert!(page.contains("<th onclick=\"sortBy(9)\">at landing</th>"), "{page}");
    assert_eq!(page.matches("</code></td><td>leaf</td></tr>").count(), 3, "{page}");
    for external in ["src=", "href=", "@import", "url("] {
        assert!(!page.contains(external), "external asset ({external}) in the page");
    }
}

#[test]
fn default_store_lives_outside_the_repository() {
    let repo = scenario("audit");
    assert_eq!(repo.rc(&["audit"]).status, 0);
    let data = repo.home.path().join("data/revertcheck");
    let stores: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "sqlite"))
        .collect();
    assert_eq!(stores.len(), 1, "one store under XDG_DATA_HOME/revertcheck");
    let _ = run;
}

#[test]
fn landing_verdicts_computed_once_then_carried_over() {
    let repo = scenario("audit");
    let db = repo.home.path().join("l.sqlite");
    let audit = |extra: &[&str]| {
        let mut args = vec!["audit", "--db", db.to_str().unwrap(), "--format", "json"];
        args.extend_from_slice(extra);
        let v = repo.rc(&args).json();
        let landing: Vec<(String, Value)> = v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["summary"].as_str().unwrap().to_string(), r["landing"].clone()))
            .collect();
        landing
    };
    // util_add was new and unused when it landed; the test file defines a function nobody calls.
    let leaf = [("lib: add util_add".to_string(), json!("leaf")), ("tests: add a lib test".to_string(), json!("leaf"))];
    assert_eq!(audit(&[]), leaf, "on by default for tagged commits");

    // A stored landing verdict is a fact of the commit: the next run takes it from the store
    // (shown by editing the store) instead of building two graphs again.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE results SET landing = 'contained' WHERE summary = 'lib: add util_add'", []).unwrap();
    drop(conn);
    assert_eq!(audit(&[])[0].1, "contained");

    assert!(audit(&["--no-landing"]).iter().all(|(_, l)| l.is_null()));
    assert!(audit(&["--all-commits"]).iter().all(|(_, l)| l.is_null()), "off by default for research runs");
    let all = audit(&["--all-commits", "--landing"]);
    assert!(all.len() > 2 && all.iter().all(|(_, l)| l.is_string()), "{all:?}");
}
