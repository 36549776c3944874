//! The split rule across landed history (fixtures/scenarios/audit-split, then
//! audit-split-later): two AI-declared commits of one author in `src/lib.c`, 12 and 13 code lines,
//! audited in two runs; the second run sees the first commit only through the store.

use serde_json::Value;

use crate::util::scenario;

fn audit(repo: &crate::util::Repo, db: &std::path::Path, extra: &[&str]) -> Value {
    let mut args = vec!["audit", "--db", db.to_str().unwrap(), "--format", "json"];
    args.extend_from_slice(extra);
    let out = repo.rc(&args);
    assert_eq!(out.status, 0, "{}", out.stderr);
    out.json()
}

#[test]
fn a_fix_split_across_two_audits_is_summed_from_the_store() {
    let repo = scenario("audit-split");
    let db = repo.home.path().join("a.sqlite");
    let first = audit(&repo, &db, &[]);
    assert!(first.get("split_fixes").is_none(), "12 lines alone are under the cap: {first:#}");

    repo.apply("audit-split-later");
    let (a, b) = (repo.rev("a"), repo.rev("b"));
    // Only the new commit is selected; the first comes from the store's previous run.
    let second = audit(&repo, &db, &["--since", "a"]);
    assert_eq!(second["results"].as_array().unwrap().len(), 1);
    let splits = second["split_fixes"].as_array().expect("a split fix");
    assert_eq!(splits.len(), 1);
    assert_eq!(splits[0]["commit"], b.as_str());
    assert_eq!(splits[0]["with"], serde_json::json!([a]));
    assert_eq!(
        (splits[0]["total_lines"].as_u64(), splits[0]["cap"].as_u64()),
        (Some(25), Some(20)),
        "12 + 13 code lines"
    );
    assert_eq!(splits[0]["files"], serde_json::json!(["src/lib.c"]));
    assert_eq!(splits[0]["window_days"], 30);

    // Text output names both commits.
    let out = repo.rc(&["audit", "--db", db.to_str().unwrap(), "--since", "a"]);
    assert!(
        out.stdout.contains(&format!("split fix: {} lib: add lib_checksum_verify: with {}", &b[..12], &a[..12])),
        "{}",
        out.stdout
    );

    // A fresh store does not know the first commit; a window shorter than the minute between
    // them separates them.
    let fresh = repo.home.path().join("fresh.sqlite");
    assert!(audit(&repo, &fresh, &["--since", "a"]).get("split_fixes").is_none());
    let both = audit(&repo, &fresh, &[]);
    assert_eq!(both["split_fixes"].as_array().unwrap().len(), 2, "each names the other when both are audited");
    assert!(audit(&repo, &fresh, &["--split-window", "0"]).get("split_fixes").is_none());
}
