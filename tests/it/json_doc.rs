//! docs/json.md lists every field the JSON reports of `check`, `revert` and `audit` emit: the
//! reports of the fixtures that exercise every part of them are walked, and each field path
//! (`steps[].verdict.findings[].code`) must appear in the document as `` `path` ``.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::util::scenario;

fn paths(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                out.insert(p.clone());
                paths(child, &p, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                paths(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

fn undocumented(reports: &[Value]) -> Vec<String> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/json.md")).unwrap();
    let mut found = BTreeSet::new();
    for r in reports {
        paths(r, "", &mut found);
    }
    // An audit result's `details` is a `revert/v2` commit entry, documented once as `commits[]`.
    let documented = |p: &String| match p.strip_prefix("results[].details.") {
        Some(rest) => doc.contains(&format!("`commits[].{rest}`")),
        None => doc.contains(&format!("`{p}`")),
    };
    found.into_iter().filter(|p| !documented(p)).collect()
}

#[test]
fn every_emitted_field_is_documented() {
    let demo = scenario("demo");
    let check = demo.rc(&["check", "--format", "json", "upstream..series"]).json();
    assert_eq!(check["schema"], "revertcheck/check/v2");

    let rev = scenario("revert");
    let revert = rev
        .rc(&["revert", "--format", "json", "helper", "conflicted", "reworked", "reverted-one", "moved-riscv"])
        .json();
    assert_eq!(revert["schema"], "revertcheck/revert/v2");

    let aud = scenario("audit");
    let db = aud.home.path().join("a.sqlite");
    let db = db.to_str().unwrap();
    aud.rc(&["audit", "--db", db]);
    aud.apply("audit-later");
    let audit = aud.rc(&["audit", "--db", db, "--format", "json"]).json();
    assert_eq!(audit["schema"], "revertcheck/audit/v2");
    assert!(!audit["transitions"]["lost_revertibility"].as_array().unwrap().is_empty());
    // Nothing is JSON text inside JSON, and lists of commits are lists.
    for r in audit["results"].as_array().unwrap() {
        assert!(r["details"].is_object(), "{r}");
        assert!(r["responsible"].is_array(), "{r}");
    }

    let missing = undocumented(&[check, revert, audit]);
    assert!(missing.is_empty(), "fields missing from docs/json.md: {missing:#?}");
}

#[test]
fn the_policy_reports_and_the_new_declaration_fields_are_documented() {
    let repo = scenario("policy");
    let check = repo.rc(&["check", "--format", "json", "mechanical~1..copilot"]).json();
    assert!(check["steps"][0]["declared"]["mechanical"].is_object());
    let list = repo.rc(&["policy", "list", "--format", "json"]).json();
    let show = repo.rc(&["policy", "show", "llm-usage-a", "--format", "json"]).json();
    let missing = undocumented(&[check, list, show]);
    assert!(missing.is_empty(), "fields missing from docs/json.md: {missing:#?}");
}

#[test]
fn the_audit_comparison_is_documented() {
    let repo = scenario("audit-evidence");
    let db = repo.home.path().join("a.sqlite");
    let audit = repo
        .rc(&["audit", "--all-commits", "--compare", "trailer", "--db", db.to_str().unwrap(), "--format", "json"])
        .json();
    assert!(audit["comparison"].is_object());
    let missing = undocumented(&[audit]);
    assert!(missing.is_empty(), "fields missing from docs/json.md: {missing:#?}");
}

#[test]
fn the_audit_split_fixes_are_documented() {
    let repo = scenario("audit-split");
    repo.apply("audit-split-later");
    let db = repo.home.path().join("a.sqlite");
    let audit = repo.rc(&["audit", "--db", db.to_str().unwrap(), "--format", "json"]).json();
    assert!(audit["split_fixes"].is_array());
    let missing = undocumented(&[audit]);
    assert!(missing.is_empty(), "fields missing from docs/json.md: {missing:#?}");
}
