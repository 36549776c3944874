//! `revert` verdicts rest only on later uses that see the commit's definition
//! (fixtures/scenarios/revert-trust): each case is a reason the verdict used to be wrong.

use serde_json::Value;

use crate::util::{scenario, Repo};

fn analyse(repo: &Repo, tag: &str) -> Value {
    let out = repo.rc(&["revert", "--format", "json", "--at", "main", tag]);
    assert!(out.status <= 1, "{tag}: status {}: {}", out.status, out.stderr);
    assert_eq!(out.json()["schema"], "revertcheck/revert/v2");
    out.json()["commits"][0].clone()
}

fn breaking(a: &Value) -> Vec<(String, String)> {
    a["cascade"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["breaks"] == true)
        .map(|u| (u["symbol"].as_str().unwrap().to_string(), u["used_by"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn uses_the_commit_wrote_itself_or_that_predate_it_do_not_entangle() {
    let repo = scenario("revert-trust");
    // Adds dev_count and its only use; the file with the use is renamed later, and the
    // rename commit must not be taken for the one that wrote the use.
    let a = analyse(&repo, "own-use");
    assert_eq!(a["verdict"], "clean", "{a:#}");
    assert!(a["existing_uses"].as_u64().unwrap() >= 1, "{a:#}");
    assert!(a["cascade"].as_array().unwrap().is_empty(), "{a:#}");

    // A stub of cpu_kick: the calls that predate it are not its dependents, and the later
    // call binds to the real definition, not to the stub.
    let a = analyse(&repo, "stub");
    assert_eq!(a["verdict"], "clean", "{a:#}");
    let later: Vec<&Value> = a["cascade"].as_array().unwrap().iter().collect();
    assert!(later.iter().all(|u| u["binding"] == "name-only" && u["breaks"] == false), "{a:#}");
}

#[test]
fn another_target_s_copy_of_a_type_is_not_a_dependent() {
    let repo = scenario("revert-trust");
    let a = analyse(&repo, "alpha-ctx");
    assert_eq!(a["verdict"], "clean", "target/beta's Ctx is its own: {a:#}");
}

#[test]
fn an_added_field_entangles_only_through_later_uses_of_that_field() {
    let repo = scenario("revert-trust");
    let a = analyse(&repo, "field");
    assert_eq!(a["verdict"], "entangled", "{a:#}");
    // board_reset uses DevState (later) but not the mask: not a cascade.
    assert_eq!(breaking(&a), [("DevState.mask".to_string(), "dev_level".to_string())]);
    assert_eq!(a["revert_with"][0]["id"], repo.rev("use-mask"));
    assert_eq!(a["revert_with_applies"], true, "{a:#}");
    assert_eq!(a["cascade"][0]["line"], 5);
}

#[test]
fn a_move_is_not_an_addition() {
    let repo = scenario("revert-trust");
    let a = analyse(&repo, "move");
    assert_eq!(a["verdict"], "clean", "board_reset's later call still resolves after the revert: {a:#}");
}

#[test]
fn reverted_only_when_the_diff_undoes_it() {
    let repo = scenario("revert-trust");
    // Named by subject, and the diff is the inverse.
    let a = analyse(&repo, "debug");
    assert_eq!(a["verdict"], "reverted", "{a:#}");
    assert_eq!(a["reverted_by"]["id"], repo.rev("real-revert"));
    // Named by subject, but the diff only adds a comment elsewhere.
    let a = analyse(&repo, "own-use");
    assert!(a["reverted_by"].is_null(), "{a:#}");
}

#[test]
fn later_patches_of_the_same_series_are_named_with_the_revert_set() {
    let repo = scenario("revert-trust");
    let a = analyse(&repo, "topic-1");
    assert_eq!(a["verdict"], "entangled", "{a:#}");
    let u = &a["cascade"][0];
    assert_eq!(u["symbol"], "dev_irq");
    assert_eq!(u["attribution"], "series");
    assert_eq!(u["binding"], "include");
    // topic-2's board_irq is used by topic-3: the set is closed over it, newest first.
    let set: Vec<&str> = a["revert_with"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(set, [repo.rev("topic-3"), repo.rev("topic-2")], "{a:#}");
    assert_eq!(a["revert_with_applies"], true, "checked in memory: {a:#}");
    let out = repo.rc(&["revert", "--at", "main", "topic-1"]);
    assert!(out.stdout.contains("  next:     revert together with "), "{}", out.stdout);
}

#[test]
fn a_commit_outside_the_target_s_history_is_an_error() {
    let repo = scenario("revert-trust");
    let out = repo.rc(&["revert", "--at", "main", "side-commit"]);
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("`side-commit`") && out.stderr.contains("not an ancestor of --at `main`"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_use_the_revert_brings_back_breaks_where_a_later_commit_dropped_its_include() {
    let repo = scenario("revert-trust");
    let a = analyse(&repo, "drop-use");
    assert_eq!(a["verdict"], "entangled", "{a:#}");
    let u = &a["cascade"][0];
    assert_eq!((u["symbol"].as_str(), u["change"].as_str()), (Some("legacy_word"), Some("restored")), "{a:#}");
    assert_eq!(u["introduced_by"]["id"], repo.rev("drop-include"));
}

#[test]
fn a_macro_moved_into_a_header_that_later_code_uses_is_entangled() {
    let repo = scenario("revert-trust");
    let a = analyse(&repo, "move-macro");
    assert_eq!(a["verdict"], "entangled", "hw/reset.c uses DEV_MAGIC through dev.h: {a:#}");
    assert_eq!(breaking(&a), [("DEV_MAGIC".to_string(), "board_reset".to_string())]);
}
