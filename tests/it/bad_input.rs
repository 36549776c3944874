//! Bad input: a clear message naming the input, exit status 2, nothing half-written; or, where
//! the run can go on, a counted and reported diagnostic.

use crate::util::{run, scenario};

fn assert_usage_error(out: &crate::util::Output, names: &str) {
    assert_eq!(out.status, 2, "stdout: {}\nstderr: {}", out.stdout, out.stderr);
    assert!(out.stderr.contains(names), "the message should name `{names}`: {}", out.stderr);
    assert!(out.stdout.is_empty(), "nothing half-written on stdout: {}", out.stdout);
}

#[test]
fn unknown_revision_symbol_and_not_a_repository() {
    let repo = scenario("revert");
    assert_usage_error(&repo.rc(&["index", "v9.9"]), "unknown revision `v9.9`");
    assert_usage_error(&repo.rc(&["check", "v9.9..HEAD"]), "unknown revision `v9.9`");
    assert_usage_error(&repo.rc(&["revert", "nope"]), "unknown revision `nope`");
    assert_usage_error(&repo.rc(&["deps", "no_such_function"]), "no symbol `no_such_function`");
    let empty = tempfile::tempdir().unwrap();
    let out = run(empty.path(), repo.home.path(), &["index"], None);
    assert_usage_error(&out, "is not a git repository");
    assert_usage_error(&repo.rc(&["index", "HEAD:lib.c"]), "names a blob, not a commit");
    assert_usage_error(&repo.rc(&["check", "--profile", "lax", "HEAD"]), "lax");
    // Only `deps` draws graphs: elsewhere `--format dot` is refused, not quietly printed as text.
    for cmd in ["index", "revert", "audit"] {
        assert_usage_error(&repo.rc(&[cmd, "--format", "dot"]), "'dot'");
    }
    assert!(repo.rc(&["deps", "--format", "dot", "alpha"]).stdout.starts_with("digraph"));
}

#[test]
fn empty_repository() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    revertcheck::scenario::git(dir.path(), &["init", "-q"], 0).unwrap();
    let out = run(dir.path(), home.path(), &["index"], None);
    assert_usage_error(&out, "unknown revision `HEAD`");
}

#[test]
fn shallow_clone_with_history_cut_before_the_commit() {
    let repo = scenario("revert");
    let shallow = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    let target = shallow.path().join("s");
    revertcheck::scenario::git(shallow.path(), &["clone", "-q", "--depth", "2", &url, target.to_str().unwrap()], 0)
        .unwrap();
    let head_parent = revertcheck::scenario::git(&target, &["rev-parse", "HEAD~1"], 0).unwrap();
    let out = run(&target, repo.home.path(), &["revert", head_parent.trim()], None);
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert!(out.stderr.contains("parent of"), "{}", out.stderr);
    assert!(
        out.stderr.contains("hint: a shallow clone can be completed with `git fetch --unshallow`"),
        "{}",
        out.stderr
    );
    // What the shallow history does hold still works.
    assert_eq!(run(&target, repo.home.path(), &["index"], None).status, 0);
}

#[test]
fn bad_mboxes() {
    let repo = scenario("demo");
    let mbox = |bytes: &[u8]| repo.rc_stdin(&["check", "--mbox", "-", "--base", "upstream"], bytes);
    assert_usage_error(&mbox(b""), "<stdin>: empty input");
    assert_usage_error(&mbox(b"\x89PNG\r\n\x1a\n"), "not an mbox");
    let good = repo.git(&["format-patch", "--stdout", "series~9^..series~9"]);
    assert_usage_error(&mbox(&good.as_bytes()[..good.len() / 2]), "truncated");
    let bad_hunk = good.replacen("@@ -", "@@ -x", 1);
    assert_usage_error(&mbox(bad_hunk.as_bytes()), "bad hunk header");
    let crlf = good.replace('\n', "\r\n");
    let out = mbox(crlf.as_bytes());
    assert_eq!(out.status, 0, "CRLF line endings are fine: {}", out.stderr);
    let encoded = good.replacen("Subject: [PATCH]", "Subject: =?UTF-8?q?[PATCH]_caf=C3=A9:?=", 1);
    let out = repo.rc_stdin(&["check", "--format", "json", "--mbox", "-", "--base", "upstream"], encoded.as_bytes());
    assert!(out.json()["steps"][0]["subject"].as_str().unwrap().starts_with("café:"), "{}", out.stdout);
    let binary = "From: A <a@b>\nSubject: [PATCH] logo\n\n---\ndiff --git a/logo.png b/logo.png\nnew file mode 100644\nGIT binary patch\nliteral 1\nIcmZ?l000\n\n";
    assert_usage_error(&mbox(binary.as_bytes()), "patch 1/1 (\"logo\"): not a diff git can read");
    assert_usage_error(&repo.rc(&["check", "--mbox", "/nonexistent/x.mbox"]), "/nonexistent/x.mbox");
}

#[test]
fn hostile_c_files_are_counted_not_fatal() {
    let repo = scenario("revert");
    let deep = format!("int f(void) {{ return {}1{}; }}\n", "(".repeat(10_000), ")".repeat(10_000));
    let long_line = format!("int g(void) {{ return 0; }} /* {} */\n", "x".repeat(1 << 20));
    std::fs::write(repo.path().join("deep.c"), deep).unwrap();
    std::fs::write(repo.path().join("long.c"), long_line).unwrap();
    std::fs::write(repo.path().join("latin1.c"), b"/* Andr\xe9 */\nint h(void) { return 1; }\n").unwrap();
    std::fs::write(repo.path().join("binary.h"), b"\0\x01\x02ELF").unwrap();
    std::fs::write(repo.path().join("big.c"), vec![b'/'; 5 << 20]).unwrap();
    std::fs::write(repo.path().join("broken.c"), "int broken(int x\n{\n    if (x > ) {\n}\n").unwrap();
    std::os::unix::fs::symlink("lib.c", repo.path().join("link.c")).unwrap();
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "hostile files"]);
    let out = repo.rc(&["index", "--format", "json"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let v = out.json();
    let st = &v["index"];
    assert_eq!(st["binary"], serde_json::json!(["binary.h"]));
    assert_eq!(st["non_utf8"], serde_json::json!(["latin1.c"]));
    let skipped: Vec<(&str, &str)> = st["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["path"].as_str().unwrap(), s["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(skipped, [("big.c", "too_large"), ("link.c", "symlink")]);
    let damaged: Vec<&str> =
        v["parse_errors"].as_array().unwrap().iter().map(|p| p["path"].as_str().unwrap()).collect();
    assert!(damaged.contains(&"broken.c"), "{damaged:?}");
    let defs = repo.rc(&["debug", "defs", "--kind", "function"]).stdout;
    for f in ["deep.c:f", "long.c:g", "latin1.c:h"] {
        assert!(defs.contains(f), "{f} should still be indexed: {defs}");
    }
    // The size cap is configurable.
    let out = repo.rc(&["--max-file-size", "6000000", "index", "--format", "json"]);
    assert!(out.json()["index"]["skipped"].as_array().unwrap().iter().all(|s| s["path"] != "big.c"));
}

#[test]
fn policy_file_errors_name_the_file_and_key() {
    let repo = scenario("demo");
    let cfg = repo.home.path().join("p.toml");
    std::fs::write(&cfg, "zonez = 3\n").unwrap();
    let out = repo.rc(&["check", "--config", cfg.to_str().unwrap(), "series"]);
    assert_usage_error(&out, "p.toml");
    assert!(out.stderr.contains("zonez"), "{}", out.stderr);
    std::fs::write(&cfg, "profile = [\n").unwrap();
    assert_usage_error(&repo.rc(&["check", "--config", cfg.to_str().unwrap(), "series"]), "p.toml");
}

#[test]
fn unusable_cache_directory_and_corrupt_entries() {
    let repo = scenario("revert");
    let cache = repo.home.path().join("c");
    let cache_s = cache.to_str().unwrap();
    let first = repo.rc(&["--cache-dir", cache_s, "index", "--format", "json"]).json();
    assert!(first["index"]["parsed"].as_u64().unwrap() > 0);
    // Corrupt every entry: each is detected and rebuilt, not trusted.
    let databases: Vec<_> = walk(&cache).into_iter().filter(|p| p.ends_with("cache.sqlite")).collect();
    assert_eq!(databases.len(), 1, "one database: {databases:?}");
    let db = rusqlite::Connection::open(&databases[0]).unwrap();
    let corrupted = db.execute("UPDATE entries SET data = x'52434B0167617262616765'", []).unwrap() as u64;
    assert!(corrupted > 0);
    drop(db);
    let second = repo.rc(&["--cache-dir", cache_s, "index", "--format", "json"]).json();
    assert_eq!(second["index"]["cache_corrupt"].as_u64().unwrap(), corrupted);
    assert_eq!(second["symbols"], first["symbols"]);
    let third = repo.rc(&["--cache-dir", cache_s, "index", "--format", "json"]).json();
    assert_eq!(third["index"]["cache_corrupt"], 0, "rebuilt entries are good");
    assert_eq!(third["index"]["parsed"], 0);
    // A file where the database should be that is not one: replaced, and the run says nothing
    // is wrong (it is only a cache).
    std::fs::write(&databases[0], b"this is not an SQLite database at all, only text").unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", databases[0].display()));
    }
    let fourth = repo.rc(&["--cache-dir", cache_s, "index", "--format", "json"]).json();
    assert_eq!(fourth["symbols"], first["symbols"]);
    assert_eq!(fourth["index"]["cache_write_error"], serde_json::Value::Null, "{fourth:#}");
    let fifth = repo.rc(&["--cache-dir", cache_s, "index", "--format", "json"]).json();
    assert_eq!(fifth["index"]["parsed"], 0, "{fifth:#}");
    // A cache path that cannot be a directory: the run goes on without a cache, and says so.
    let file = repo.home.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let out = repo.rc(&["--cache-dir", file.to_str().unwrap(), "index", "--format", "json"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.json()["index"]["cache_write_error"].as_str().unwrap().contains("not-a-dir"));
}

/// An upgrade starts a new cache directory and removes the older versions' beside it, but only
/// directories that hold nothing but cache files, and says so.
#[test]
fn older_cache_versions_are_removed_when_a_new_one_starts() {
    let repo = scenario("revert");
    let cache = repo.home.path().join("c");
    let cache_s = cache.to_str().unwrap();
    let old_db = cache.join("v1.3").join("cache.sqlite");
    let foreign = cache.join("v0.9").join("notes.txt");
    for (path, bytes) in [(&old_db, &b"an old database"[..]), (&foreign, &b"not ours"[..])] {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let first = repo.rc(&["--cache-dir", cache_s, "index", "--format", "json"]).json();
    let pruned = first["index"]["cache_pruned"].as_array().unwrap();
    assert_eq!(pruned.len(), 1, "{first:#}");
    assert_eq!(pruned[0]["path"], cache.join("v1.3").to_str().unwrap());
    assert_eq!(pruned[0]["bytes"], 15);
    assert!(!old_db.exists() && foreign.exists());
    let text = repo.rc(&["--cache-dir", cache_s, "index"]);
    assert!(!text.stdout.contains("removed older cache"), "once only: {}", text.stdout);
    std::fs::create_dir_all(cache.join("v2.3")).unwrap();
    std::fs::write(cache.join("v2.3").join("cache.sqlite-wal"), b"1234").unwrap();
    let current: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("cache.sqlite").exists())
        .collect();
    assert_eq!(current.len(), 1, "{current:?}");
    std::fs::remove_dir_all(&current[0]).unwrap();
    let text = repo.rc(&["--cache-dir", cache_s, "index"]);
    assert!(text.stdout.contains("removed older cache versions v2.3 (0.0 MB)"), "{}", text.stdout);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn audit_store_that_is_corrupt_or_newer() {
    let repo = scenario("audit");
    let db = repo.home.path().join("bad.sqlite");
    std::fs::write(&db, b"this is not an SQLite database at all, only text").unwrap();
    assert_usage_error(&repo.rc(&["audit", "--db", db.to_str().unwrap()]), "bad.sqlite");
}

#[test]
fn index_of_two_revisions_reparses_only_changed_blobs() {
    let repo = scenario("revert");
    let cache = repo.home.path().join("cache2");
    let c = cache.to_str().unwrap();
    let first = repo.rc(&["--cache-dir", c, "index", "--format", "json", "clean"]).json();
    assert_eq!(first["index"]["cache_hits"], 0);
    let parsed = first["index"]["parsed"].as_u64().unwrap();
    assert_eq!(parsed, first["index"]["unique_blobs"].as_u64().unwrap());
    // Between `clean` and `helper`, lib.c and lib.h changed (two commits); main.c and other.c did not.
    let second = repo.rc(&["--cache-dir", c, "index", "--format", "json", "helper"]).json();
    assert_eq!(second["index"]["parsed"], 2, "{second:#}");
    assert_eq!(second["index"]["cache_hits"], 2);
    let third = repo.rc(&["--cache-dir", c, "index", "--format", "json", "helper"]).json();
    assert_eq!(third["index"]["parsed"], 0);
}

#[test]
fn interrupted_index_and_audit_leave_cache_and_store_consistent() {
    let repo = scenario("revert");
    let db = repo.home.path().join("i.sqlite");
    let cache = repo.home.path().join("ic");
    let (db, cache) = (db.to_str().unwrap(), cache.to_str().unwrap());
    assert_eq!(repo.rc(&["--cache-dir", cache, "audit", "--all-commits", "--db", db]).status, 0);
    let runs_before =
        repo.rc(&["audit", "history", "--db", db, "--format", "json"]).json()["runs"].as_array().unwrap().len();
    // Interrupt at different points of the work (the delay is when, not how long anything takes).
    for delay_ms in [0u64, 5, 15, 40, 80] {
        for args in [
            vec!["--cache-dir", cache, "--no-cache", "index"],
            vec!["--cache-dir", cache, "audit", "--all-commits", "--db", db],
        ] {
            let child = std::process::Command::new(env!("CARGO_BIN_EXE_revertcheck"))
                .current_dir(repo.path())
                .args(&args)
                .env("HOME", repo.home.path())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(std::time::Duration::from_millis(delay_ms));
            let _ = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status();
            let _ = child.wait_with_output();
        }
    }
    let index = repo.rc(&["--cache-dir", cache, "index", "--format", "json"]);
    assert_eq!(index.status, 0);
    assert_eq!(index.json()["index"]["cache_corrupt"], 0, "cache entries are written atomically");
    let runs = repo.rc(&["audit", "history", "--db", db, "--format", "json"]).json()["runs"].as_array().unwrap().len();
    assert!(runs >= runs_before, "interrupted runs never remove what was recorded");
    let next = repo.rc(&["--cache-dir", cache, "audit", "--all-commits", "--db", db, "--format", "json"]);
    assert_eq!(next.status, 0, "{}", next.stderr);
    assert_eq!(next.json()["run_id"].as_i64().unwrap() as usize, runs + 1);
}

#[test]
fn parse_timeout_is_a_named_diagnostic_not_a_hang() {
    let repo = scenario("revert");
    let big: String = (0..40_000).map(|i| format!("int f{i}(int x) {{ return x * {i}; }}\n")).collect();
    std::fs::write(repo.path().join("huge.c"), big).unwrap();
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "a large file"]);
    let out = repo.rc(&["--no-cache", "--parse-timeout", "1", "index", "--format", "json"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let v = out.json();
    assert!(v["index"]["files_timed_out"].as_u64().unwrap() >= 1);
    let timed_out: Vec<&str> = v["parse_errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["timed_out"] == true)
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert!(timed_out.contains(&"huge.c"), "{timed_out:?}");
    let text = repo.rc(&["--no-cache", "--parse-timeout", "1", "index", "--verbose"]).stdout;
    assert!(text.contains("parse: huge.c: timed out"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_reader_that_goes_away_ends_the_run_quietly() {
    use std::os::unix::process::ExitStatusExt;
    let repo = scenario("revert");
    // The read end is closed right after the spawn, long before the child has indexed anything
    // to print: its first write meets a closed pipe, as with `revertcheck index | head -0`.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_revertcheck"))
        .current_dir(repo.path())
        .args(["index", "--format", "json"])
        .env("HOME", repo.home.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.signal(), Some(libc::SIGPIPE), "{:?} {stderr}", out.status);
}

#[test]
fn two_runs_sharing_a_cache_at_once() {
    let repo = scenario("revert");
    let cache = repo.home.path().join("shared");
    let cache = cache.to_str().unwrap();
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_revertcheck"))
            .current_dir(repo.path())
            .args(["--cache-dir", cache, "index", "--format", "json"])
            .env("HOME", repo.home.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["index"]["cache_write_error"], serde_json::Value::Null, "{json:#}");
        assert_eq!(json["index"]["cache_corrupt"], 0);
    }
    let third = repo.rc(&["--cache-dir", cache, "index", "--format", "json"]).json();
    assert_eq!(third["index"]["parsed"], 0, "{third:#}");
}
