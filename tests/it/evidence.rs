//! `audit --compare trailer` (fixtures/scenarios/audit-evidence): an AI-declared commit whose
//! lines a later `Fixes:` commit rewrote, a human one of the same file rewritten once.

use revertcheck::audit::store::Store;
use serde_json::Value;

use crate::util::scenario;

#[test]
fn the_audit_records_survival_rewrites_and_fixes_and_compares_the_groups() {
    let repo = scenario("audit-evidence");
    let db = repo.home.path().join("a.sqlite");
    let html = repo.home.path().join("a.html");
    let out = repo.rc(&[
        "audit",
        "--all-commits",
        "--compare",
        "trailer",
        "--db",
        db.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let report = out.json();
    let c = &report["comparison"];
    assert_eq!(c["ai_commits"], serde_json::json!([repo.rev("ai")]));
    let ai = &c["ai_declared"];
    assert_eq!((ai["commits"].as_u64(), ai["added"].as_u64(), ai["rewritten"].as_u64()), (Some(1), Some(9), Some(2)));
    assert_eq!((ai["fixed"].as_u64(), ai["fixes"].as_u64()), (Some(1), Some(1)));
    // The three human commits touch the same file after the AI-declared one; one of their
    // lines was rewritten, none was named by a Fixes:.
    let same = &c["others_same_files"];
    assert_eq!(
        (same["commits"].as_u64(), same["rewritten"].as_u64(), same["fixed"].as_u64()),
        (Some(3), Some(1), Some(0))
    );
    assert_eq!(c["notes"][0], "only 1 AI-declared commit: too few for the figures to mean more than anecdotes");

    let evidence = |rev: &str| -> Value {
        let id = repo.rev(rev);
        let r = report["results"].as_array().unwrap().iter().find(|r| r["commit_id"] == id.as_str()).unwrap();
        r["evidence"].clone()
    };
    let e = evidence("ai");
    assert_eq!(e["fixed_by"], serde_json::json!([repo.rev("fix")]));
    assert_eq!((e["rewritten"].as_u64(), e["rewritten_by"].as_u64()), (Some(2), Some(1)));
    let e = evidence("human");
    assert_eq!((e["added"].as_u64(), e["rewritten"].as_u64()), (Some(9), Some(1)));
    assert_eq!(e["fixed_by"], serde_json::json!([]));

    // Stored in the audit database, and shown on the page.
    let (_, rows) = Store::open(&db).unwrap().last_run().unwrap().unwrap();
    assert!(rows.iter().all(|r| r.evidence.is_some()), "{rows:?}");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<h2>AI-declared commits and the others</h2>"));

    // Without --compare nothing of it is computed.
    let out = repo.rc(&["audit", "--all-commits", "--db", db.to_str().unwrap(), "--format", "json"]);
    let report = out.json();
    assert!(report.get("comparison").is_none());
    assert!(report["results"].as_array().unwrap().iter().all(|r| r["evidence"].is_null()));
}
