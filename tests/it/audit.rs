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
fn html_report_answers_questions_and_is_self_contained() {
    let repo = scenario("audit");
    repo.git(&["remote", "add", "origin", "https://gitlab.com/qemu-project/qemu.git"]);
    let db = repo.home.path().join("h.sqlite");
    let db = db.to_str().unwrap();
    assert_eq!(repo.rc(&["audit", "--db", db]).status, 0);
    repo.apply("audit-later");
    let html = repo.home.path().join("report.html");
    // A umask of 027 gives 0640: the page is an ordinary file, not a 0600 temporary one.
    let out = std::process::Command::new("sh")
        .current_dir(repo.path())
        .env("HOME", repo.home.path())
        .env("XDG_CACHE_HOME", repo.home.path().join("cache"))
        .args(["-c", "umask 027; exec \"$0\" \"$@\"", env!("CARGO_BIN_EXE_revertcheck")])
        .args(["audit", "--db", db, "--html", html.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&html).unwrap().permissions().mode() & 0o777, 0o640);
    }
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    // The project's name (from the remote), not a local path.
    assert!(page.contains("<title>qemu: revertibility audit</title>"), "{page}");
    assert!(!page.contains(repo.path().to_str().unwrap()), "a local path in the page");
    // Commit ids link to QEMU's GitLab by default.
    let helper = repo.rev("ai-helper");
    assert!(page.contains(&format!("href=\"https://gitlab.com/qemu-project/qemu/-/commit/{helper}\"")), "{page}");
    // One expandable row per commit; the entangled one lists the later use and the revert set.
    assert!(page.contains("<table id=\"results\">"));
    assert_eq!(page.matches("<tr data-verdict=").count(), 3);
    assert_eq!(page.matches("<details><summary>").count(), 3);
    let uses = repo.rev("uses-helper");
    let row = page.lines().find(|l| l.contains("data-verdict=\"entangled\"")).expect("an entangled row");
    assert!(row.contains("Later uses that break on a revert alone (1)"), "{row}");
    assert!(row.contains("Revert together with"), "{row}");
    assert!(row.contains(&format!("/commit/{uses}\"")), "{row}");
    // Filters, the roll-up per section, the trend over both runs, the transitions with counts.
    for key in ["verdict", "section", "author", "trailer"] {
        assert!(page.contains(&format!("<select data-key=\"{key}\"")), "no {key} filter");
    }
    assert!(page.contains("<table id=\"sections\""));
    assert!(page.contains("<svg id=\"trend\""));
    assert_eq!(page.matches("<circle ").count(), 2, "one point per stored run");
    assert!(page.contains("lost revertibility: <b>1</b>"), "{page}");
    assert!(page.contains("<details class=\"tr\" open><summary>lost revertibility (1)</summary>"), "{page}");
    assert!(page.contains("later uses 0 → 1"), "{page}");
    // The verdicts when each commit landed: structural and policy.
    assert!(page.contains("<th onclick=\"sortBy(9)\">at landing</th><th onclick=\"sortBy(10)\">policy</th>"));
    assert_eq!(page.matches("<td>leaf</td><td><span class=\"p-").count(), 3, "{page}");
    // Nothing loaded from elsewhere: links only.
    for external in ["src=", "<link", "@import", "url("] {
        assert!(!page.contains(external), "external resource ({external}) in the page");
    }

    // Another forge's URLs and name.
    let other = repo.home.path().join("other.html");
    let out = repo.rc(&[
        "audit",
        "--db",
        db,
        "--html",
        other.to_str().unwrap(),
        "--project-name",
        "Fork <test>",
        "--commit-url",
        "https://git.example.org/c/{id}",
    ]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let page = std::fs::read_to_string(&other).unwrap();
    assert!(page.contains("<title>Fork &lt;test&gt;: revertibility audit</title>"));
    assert!(page.contains(&format!("href=\"https://git.example.org/c/{helper}\"")));
}

#[test]
fn html_report_has_an_explicit_empty_state() {
    let repo = scenario("audit");
    let html = repo.home.path().join("empty.html");
    let db = repo.home.path().join("e.sqlite");
    let out = repo.rc(&["audit", "--db", db.to_str().unwrap(), "--since", "HEAD", "--html", html.to_str().unwrap()]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<p id=\"empty\""), "{page}");
    assert!(page.contains("since HEAD"), "{page}");
    assert!(!page.contains("<table id=\"results\""));
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
