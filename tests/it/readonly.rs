//! The read-only guarantee: every subcommand leaves the analysed repository byte for byte as it
//! was (objects, packs, refs, packed-refs, HEAD, index, config, logs, work tree, mtimes), also
//! when the repository is bare, packed, or read-only by permissions.

use crate::util::fingerprint::Fingerprint;
use crate::util::{run, scenario, Repo};

/// Every subcommand, on the demo scenario, with the inputs that exercise its writes-prone paths
/// (in-memory apply for --mbox, in-memory revert merges, the audit store).
fn every_command(repo: &Repo) -> Vec<Vec<String>> {
    let mbox = repo.home.path().join("series.mbox");
    std::fs::write(&mbox, repo.git(&["format-patch", "--stdout", "reg-mask^..write-decode"])).unwrap();
    let db = repo.home.path().join("audit.sqlite");
    let html = repo.home.path().join("audit.html");
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        s(&["index", "series"]),
        s(&["deps", "foo_update_irq", "--reverse", "--rev", "series"]),
        s(&["deps", "qemu_strtoi", "--format", "dot"]),
        s(&["check", "upstream..series"]),
        s(&["check", "--mbox", mbox.to_str().unwrap(), "--base", "reg-mask^"]),
        s(&["revert", "landed-ai", "--at", "series"]),
        s(&["audit", "--at", "series", "--db", db.to_str().unwrap(), "--html", html.to_str().unwrap()]),
        s(&["audit", "history", "--db", db.to_str().unwrap()]),
        s(&["debug", "defs", "series"]),
        s(&["debug", "edges", "--at", "series"]),
    ]
}

fn assert_read_only(repo: &Repo, root: &std::path::Path) {
    for args in every_command(repo) {
        let before = Fingerprint::of(root);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = repo.rc(&args);
        assert!(out.status <= 1, "{args:?}: {}", out.stderr);
        before.assert_same(&Fingerprint::of(root), &format!("revertcheck {}", args.join(" ")));
    }
}

#[test]
fn no_subcommand_writes_to_the_repository() {
    let repo = scenario("demo");
    assert!(Fingerprint::of(repo.path()).len() > 50);
    assert_read_only(&repo, repo.path());
}

#[test]
fn packed_repository_stays_unchanged_too() {
    let repo = scenario("demo");
    repo.git(&["gc", "-q", "--aggressive"]);
    assert_read_only(&repo, repo.path());
}

#[test]
fn bare_repository_works() {
    let repo = scenario("demo");
    let bare = tempfile::tempdir().unwrap();
    let bare_path = bare.path().join("demo.git");
    repo.git(&["clone", "-q", "--bare", repo.path().to_str().unwrap(), bare_path.to_str().unwrap()]);
    let before = Fingerprint::of(&bare_path);
    let out = run(&bare_path, repo.home.path(), &["check", "--format", "json", "upstream..series"], None);
    assert_eq!(out.status, 1, "{}", out.stderr);
    assert_eq!(out.json()["steps"].as_array().unwrap().len(), 10);
    let out = run(&bare_path, repo.home.path(), &["revert", "landed-ai", "--at", "series"], None);
    assert!(out.status <= 1, "{}", out.stderr);
    before.assert_same(&Fingerprint::of(&bare_path), "commands on a bare repository");
}

#[test]
fn read_only_permissions() {
    let repo = scenario("demo");
    let git_dir = repo.path().join(".git");
    let chmod = |mode: &str| {
        let ok = std::process::Command::new("chmod")
            .args(["-R", mode, git_dir.to_str().unwrap()])
            .status()
            .unwrap()
            .success();
        assert!(ok);
    };
    // As root, permission bits do not stop writes; the fingerprint still proves there were none.
    let probe = tempfile::tempdir().unwrap();
    let probe_dir = probe.path().join("ro");
    std::fs::create_dir(&probe_dir).unwrap();
    let ok = std::process::Command::new("chmod").args(["a-w", probe_dir.to_str().unwrap()]).status().unwrap().success();
    assert!(ok);
    let enforced = std::fs::write(probe_dir.join("probe"), b"x").is_err();
    chmod("a-w");
    let before = Fingerprint::of(repo.path());
    let results: Vec<(Vec<String>, i32, String)> = every_command(&repo)
        .into_iter()
        .map(|args| {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = repo.rc(&a);
            (args, out.status, out.stderr)
        })
        .collect();
    chmod("u+w");
    for (args, status, stderr) in results {
        assert!(status <= 1, "{args:?} on a read-only .git (permissions enforced: {enforced}): {stderr}");
    }
    before.assert_same(&Fingerprint::of(repo.path()), "commands on a read-only repository");
}

#[test]
fn the_fingerprint_sees_every_kind_of_write() {
    let repo = scenario("revert");
    let root = repo.path();
    let check = |what: &str, change: &dyn Fn()| {
        let before = Fingerprint::of(root);
        change();
        assert_ne!(before, Fingerprint::of(root), "{what} went unnoticed");
    };
    check("a loose object", &|| {
        repo.git(&["hash-object", "-w", "--stdin"]);
    });
    check("a ref", &|| {
        repo.git(&["tag", "new-tag"]);
    });
    check("the index", &|| {
        std::fs::write(root.join("new.c"), "int x;\n").unwrap();
        repo.git(&["add", "new.c"]);
    });
    check("the work tree", &|| std::fs::write(root.join("lib.h"), "changed\n").unwrap());
    check("an mtime only", &|| {
        std::thread::sleep(std::time::Duration::from_millis(20));
        let f = std::fs::File::options().append(true).open(root.join("main.c")).unwrap();
        f.set_modified(std::time::SystemTime::now()).unwrap();
    });
    assert_eq!(Fingerprint::of(root), Fingerprint::of(root));
}
