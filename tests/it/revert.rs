//! `revertcheck revert` on fixtures/scenarios/revert: one landed commit per case, and the textual
//! verdict compared with `git revert` itself on every one.

use serde_json::Value;

use crate::util::{scenario, Repo};

fn analyse(repo: &Repo, tag: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["revert", "--format", "json", tag];
    args.extend_from_slice(extra);
    let out = repo.rc(&args);
    assert!(out.status <= 1, "{tag}: status {}: {}", out.status, out.stderr);
    (out.status, out.json()["commits"][0].clone())
}

/// Does `git revert --no-commit` apply the revert cleanly at HEAD? Run in a scratch clone.
fn git_applies(repo: &Repo, tag: &str, mainline: Option<&str>) -> bool {
    let scratch = tempfile::tempdir().unwrap();
    let clone = scratch.path().join("c");
    let ok = std::process::Command::new("git")
        .args(["clone", "-q", repo.path().to_str().unwrap(), clone.to_str().unwrap()])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let mut args = vec!["revert", "--no-commit"];
    if let Some(m) = mainline {
        args.extend(["-m", m]);
    }
    args.push(tag);
    revertcheck::scenario::git(&clone, &args, 1).is_ok()
}

#[test]
fn each_case_and_agreement_with_git() {
    let repo = scenario("revert");
    let cases = [
        ("clean", "clean"),
        ("conflicted", "conflicting"),
        ("helper", "entangled"),
        // Later edits of its symbol elsewhere in the function: reported, but the revert
        // applies and nothing later uses what it did.
        ("reworked", "clean"),
        ("the-revert", "reverted"),
        ("before-rename", "clean"),
        // Moved, then deleted while a similar header was added: git pairs that header with a
        // closer deleted file, so the move meets a deletion (rename/delete conflict).
        ("moved-riscv", "conflicting"),
    ];
    for (tag, expected) in cases {
        let (status, a) = analyse(&repo, tag, &[]);
        assert_eq!(a["verdict"], expected, "{tag}: {a:#}");
        assert_eq!(status, i32::from(expected != "clean"), "{tag}");
        assert_eq!(
            a["applies"].as_bool().unwrap(),
            git_applies(&repo, tag, None),
            "{tag}: textual verdict differs from git revert"
        );
    }
    let (_, a) = analyse(&repo, "merge", &["-m", "1"]);
    assert_eq!(a["applies"].as_bool().unwrap(), git_applies(&repo, "merge", Some("1")), "merge -m 1");
    let (_, a) = analyse(&repo, "reverted-one", &[]);
    assert_eq!(a["applies"].as_bool().unwrap(), git_applies(&repo, "reverted-one", None));
}

#[test]
fn evidence_names_the_later_commits() {
    let repo = scenario("revert");
    let (_, a) = analyse(&repo, "conflicted", &[]);
    let c = &a["conflicts"][0];
    assert_eq!(c["path"], "lib.c");
    assert_eq!(c["kind"], "content");
    assert!(c["start_line"].as_u64().unwrap() >= 1);
    assert_eq!(c["changed_by"][0]["summary"], "lib: change delta again");
    // The attribution is `git blame` limited to the commits after the reverted one.
    for c in a["conflicts"].as_array().unwrap() {
        let range = format!("{},{}", c["start_line"], c["end_line"]);
        let path = c["path"].as_str().unwrap();
        let blame = repo.git(&["blame", "-s", "-l", "-L", &range, "conflicted..HEAD", "--", path]);
        let mut git: Vec<&str> =
            blame.lines().filter(|l| !l.starts_with('^')).filter_map(|l| l.split_whitespace().next()).collect();
        git.sort();
        git.dedup();
        let mut ours: Vec<&str> =
            c["changed_by"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
        ours.sort();
        assert_eq!(ours, git, "{path}:{range}");
    }

    // The same lines, followed forward: the commit's own lines that the later commit rewrote.
    let edits = a["later_edits"].as_array().unwrap();
    assert!(edits.iter().any(|e| e["path"] == "lib.c" && e["commit"]["summary"] == "lib: change delta again"), "{a:#}");
    // The reworked commit's own lines were left alone: the later edit was elsewhere in the function.
    let (_, r) = analyse(&repo, "reworked", &[]);
    assert!(r["later_edits"].as_array().unwrap().iter().all(|e| e["commit"]["id"] != repo.rev("rework")), "{r:#}");

    let (_, a) = analyse(&repo, "helper", &[]);
    let uses = a["cascade"].as_array().unwrap();
    let main_use = uses.iter().find(|u| u["path"] == "main.c").unwrap_or_else(|| panic!("{uses:#?}"));
    assert_eq!(main_use["symbol"], "helper_sum");
    assert_eq!(main_use["used_by"], "main");
    assert_eq!(main_use["introduced_by"]["id"], repo.rev("uses-helper"));

    let (_, a) = analyse(&repo, "reworked", &[]);
    assert!(a["applies"].as_bool().unwrap(), "the rework touched other lines");
    let r = &a["rework"][0];
    assert_eq!(r["symbol"], "epsilon");
    assert_eq!(r["commits"][0]["id"], repo.rev("rework"));
}

#[test]
fn revert_and_revert_of_revert() {
    let repo = scenario("revert");
    let (_, a) = analyse(&repo, "the-revert", &[]);
    assert_eq!(a["reverted_by"]["id"], repo.rev("revert-of-revert"));
    let (_, a) = analyse(&repo, "reverted-one", &[]);
    assert_eq!(a["reverted_by"]["id"], repo.rev("the-revert"));
    assert_eq!(a["reapplied_by"]["id"], repo.rev("revert-of-revert"));
    assert_ne!(a["verdict"], "reverted", "the change is back in the tree");
}

#[test]
fn merges_need_a_mainline_and_several_commits_share_one_index() {
    let repo = scenario("revert");
    let out = repo.rc(&["revert", "merge"]);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("is a merge of 2 parents; pass -m <parent>"), "{}", out.stderr);
    let out = repo.rc(&["revert", "clean", "-m", "1"]);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("-m was given but the commit is not a merge"));

    let out = repo.rc(&["revert", "--format", "json", "clean", "helper", "conflicted"]);
    let v = out.json();
    let verdicts: Vec<&str> = v["commits"].as_array().unwrap().iter().map(|c| c["verdict"].as_str().unwrap()).collect();
    assert_eq!(verdicts, ["clean", "entangled", "conflicting"]);
    assert_eq!(out.status, 1);
}

#[test]
fn text_report() {
    let repo = scenario("revert");
    let out = repo.rc(&["revert", "helper"]);
    assert!(out.stdout.contains(" lib: add helper_sum\n"), "{}", out.stdout);
    assert!(out.stdout.contains("  verdict:  entangled; git revert applies"), "{}", out.stdout);
    assert!(out.stdout.contains("main.c:5: error: main uses helper_sum (added), written later by "), "{}", out.stdout);
    assert!(out.stdout.contains("[revert_entangled]\n"), "{}", out.stdout);
    assert!(out.stdout.contains("  next:     revert together with "), "{}", out.stdout);
}
