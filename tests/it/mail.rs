//! Mailed series (fixtures/mail, made by its make.sh from the demo scenario), checked with
//! `--mbox` and compared with what `git am` makes of the same files: the commits `git am`
//! creates, checked as a range, must give the same subjects, authors, trailers, files, symbols
//! and verdicts.

use serde_json::Value;

use crate::util::{fixtures, scenario, Repo};

fn mail(name: &str) -> String {
    fixtures().join("mail").join(name).display().to_string()
}

fn dir(name: &str) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(fixtures().join("mail").join(name))
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    files.sort();
    files
}

fn check(repo: &Repo, args: &[&str]) -> Value {
    let out = repo.rc(&[&["check", "--format", "json", "--fail-on", "never"][..], args].concat());
    assert_eq!(out.status, 0, "{args:?}: {}", out.stderr);
    out.json()
}

/// What must agree between a mailed patch and the commit `git am` makes of it.
fn essentials(step: &Value) -> Value {
    let mut v = serde_json::json!({
        "subject": step["subject"], "author": step["author"], "trailers": step["trailers"],
        "declared": step["declared"], "files": step["files"], "symbols": step["symbols"],
        "structural": step["verdict"]["structural"], "policy": step["verdict"]["policy"],
        "code_lines": step["verdict"]["code_lines"], "depends_on": step["depends_on"],
    });
    let codes: Vec<&str> =
        step["verdict"]["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    v["findings"] = codes.into();
    // A mailed patch has no commit id: patch numbers say the same.
    strip_commits(&mut v);
    v
}

fn strip_commits(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.remove("in_series_commit");
            map.remove("commit");
            map.remove("uses_commit");
            map.values_mut().for_each(strip_commits);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_commits),
        _ => {}
    }
}

/// `git am [extra] files` on a branch at `base`, then the same files through `--mbox`
/// (`mbox_args` adds e.g. `--base`): the two reports must agree step by step.
fn same_as_git_am(repo: &Repo, base: &str, files: &[String], am_extra: &[&str], mbox_args: &[&str]) -> (Value, Value) {
    let branch = format!("am-{}", repo.git(&["rev-parse", "--short", base]).trim());
    repo.git(&["checkout", "-q", "-B", &branch, base]);
    let files_ref: Vec<&str> = files.iter().map(String::as_str).collect();
    // `git am` stops at a cover letter (an empty patch) unless told to drop it.
    repo.git(
        &[&["-c", "user.name=C", "-c", "user.email=c@x", "am", "-q", "--empty=drop"][..], am_extra, &files_ref]
            .concat(),
    );
    // HEAD is the series applied: the mailed check must find its base by itself or --base.
    let range = check(repo, &[&format!("{base}..{branch}")]);
    let mailed = check(repo, &[&["--mbox"][..], &files_ref, mbox_args].concat());
    let (r, m) = (range["steps"].as_array().unwrap(), mailed["steps"].as_array().unwrap());
    assert_eq!(r.len(), m.len(), "{}", mailed["notes"]);
    assert!(!r.is_empty());
    for (a, b) in r.iter().zip(m) {
        assert_eq!(essentials(a), essentials(b));
    }
    (range, mailed)
}

#[test]
fn a_format_patch_directory_with_cover_letter_and_base_commit() {
    let repo = scenario("demo");
    let files = dir("cover-dir");
    assert!(files[0].ends_with("0000-cover-letter.patch"));
    // HEAD is the whole series, where these patches no longer apply: only `base-commit:` can
    // tell the base (issue #17: the cover letter and the base were the two failures).
    repo.git(&["checkout", "-q", "series"]);
    let (_, mailed) = same_as_git_am(&repo, "upstream", &files, &[], &[]);
    assert_eq!(mailed["series"]["title"], "foo: registers, docs and a helper");
    // Commits applied by git am carry no Message-ID trailer: none is made up for them.
    assert!(range_has_no_link(&repo));
    assert_eq!(mailed["steps"].as_array().unwrap().len(), 5);
    assert!(mailed["base"].as_str().unwrap().starts_with("base-commit 48a629f"), "{}", mailed["base"]);
    // --base overrides, and here the patches do not apply there.
    let out = repo.rc(&[
        &["check", "--base", "series", "--mbox"][..],
        &files.iter().map(String::as_str).collect::<Vec<_>>()[..],
    ]
    .concat());
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert!(out.stderr.contains("does not apply"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn missing_and_duplicate_patches_are_reported() {
    let repo = scenario("demo");
    let files = dir("cover-dir");
    let without_3: Vec<&str> = files.iter().map(String::as_str).filter(|f| !f.contains("/0003-")).collect();
    // Reported, and the rest checked (one patch of a series alone is a common input).
    let v = check(&repo, &[&["--mbox"][..], &without_3].concat());
    assert_eq!(v["steps"].as_array().unwrap().len(), 4);
    assert!(v["notes"].to_string().contains("the series is incomplete: patch 3/5 missing (v1)"), "{}", v["notes"]);
    let mut twice: Vec<&str> = files.iter().map(String::as_str).collect();
    twice.push(&files[2]);
    let v = check(&repo, &[&["--mbox"][..], &twice].concat());
    assert_eq!(v["steps"].as_array().unwrap().len(), 5);
    assert!(v["notes"].to_string().contains("patch 2/5 appears twice (identical): checked once"), "{}", v["notes"]);
}

#[test]
fn a_b4_mbox_with_base_commit_and_a_prerequisite_series() {
    let repo = scenario("demo");
    repo.git(&["checkout", "-q", "series"]);
    let (a, b) = (mail("b4-prereq-a.mbox"), mail("b4-prereq-b.mbox"));
    // The prerequisite given first: both applied, in that order, on B's base-commit.
    let v = check(&repo, &["--mbox", &a, &b]);
    let subjects: Vec<&str> = v["steps"].as_array().unwrap().iter().map(|s| s["subject"].as_str().unwrap()).collect();
    assert_eq!(subjects.len(), 6);
    assert_eq!(subjects[4], "hw/misc/foo: add foo_reg_mask()");
    assert_eq!(v["series"]["message_id"], "series-b-0@example.org");
    assert_eq!(v["series"]["link"], "https://lore.kernel.org/qemu-devel/series-b-0@example.org/");
    assert_eq!(v["steps"][5]["message_id"], "series-b-2@example.org");
    let notes = v["notes"].to_string();
    assert!(notes.contains("prerequisite-message-id <series-a-0@example.org>"), "{notes}");
    assert_eq!(notes.matches("prerequisite-patch-id").count(), 4, "{notes}");
    // Text and markdown name the series and its archive page too.
    let text = repo.rc(&["check", "--fail-on", "never", "--mbox", &a, &b]).stdout;
    assert!(
        text.contains(
            "Message-ID <series-b-0@example.org>, https://lore.kernel.org/qemu-devel/series-b-0@example.org/"
        ),
        "{text}"
    );
    assert!(text
        .contains("  message:  <series-b-2@example.org> https://lore.kernel.org/qemu-devel/series-b-2@example.org/"));
    let md = repo.rc(&["check", "--fail-on", "never", "--format", "markdown", "--mbox", &a, &b]).stdout;
    assert!(md.contains("https://lore.kernel.org/qemu-devel/series-b-0@example.org/"), "{md}");
    // The same as git am of both.
    same_as_git_am(&repo, "upstream", &[a.clone(), b.clone()], &[], &[]);
    // Alone, B applies to its base-commit here (its patches do not touch A's lines), and the
    // report says what it declared it needs.
    repo.git(&["checkout", "-q", "series"]);
    let v = check(&repo, &["--mbox", &b]);
    assert_eq!(v["steps"].as_array().unwrap().len(), 2);
    assert!(v["notes"].to_string().contains("needs another series first"), "{}", v["notes"]);
    // Two versions of one series in one input is refused, naming both.
    let out = repo.rc(&["check", "--mbox", &a, &dir("cover-dir")[1]]);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("more than one series or version"), "{}", out.stderr);
}

#[test]
fn a_series_with_a_binary_file_a_mode_change_and_no_newline_at_end() {
    let repo = scenario("demo");
    let files = dir("binary");
    let (range, _) = same_as_git_am(&repo, "upstream", &files, &[], &["--base", "upstream"]);
    let paths: Vec<&str> =
        range["steps"][1]["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert!(paths.contains(&"pc-bios/foo.rom") && paths.contains(&"hw/misc/bar.c"), "{paths:?}");
}

#[test]
fn a_quoted_printable_latin1_mail_with_a_scissors_line() {
    let repo = scenario("demo");
    let file = mail("latin1-qp.eml");
    let (_, mailed) = same_as_git_am(&repo, "upstream", &[file], &["--scissors"], &["--base", "upstream"]);
    let step = &mailed["steps"][0];
    assert_eq!(step["subject"], "docs/devel/foo: a café note");
    assert_eq!(step["author"], "André Blé <andre@example.org>");
    assert_eq!(step["trailers"]["ai_used_for"][0], "docs");
    // git am kept the Latin-1 byte of the diff as it was mailed: so did we.
    let blob = repo.git(&["show", "HEAD:docs/devel/foo.rst"]);
    assert!(blob.contains('\u{fffd}') || !blob.contains("café"), "the file holds Latin-1, not UTF-8");
}

fn range_has_no_link(repo: &Repo) -> bool {
    let v = check(repo, &["upstream..HEAD"]);
    v["series"]["link"].is_null() && v["steps"].as_array().unwrap().iter().all(|s| s["message_id"].is_null())
}

/// A landed commit names its thread in a `Message-ID:` trailer (as b4 and patchew add it) or a
/// `Link:` to an archive: both are shown with the lore link.
#[test]
fn commits_name_their_thread_by_message_id_or_link_trailer() {
    let repo = scenario("demo");
    repo.git(&["checkout", "-q", "-b", "links", "upstream"]);
    let msgs = [
        "docs: one\n\nSigned-off-by: A <a@x>\nMessage-ID: <20260601.1-1-a@example.org>\n",
        "docs: two\n\nSigned-off-by: A <a@x>\nLink: https://lore.kernel.org/r/20260601.2-1-a@example.org\n",
        "docs: three\n\nSigned-off-by: A <a@x>\n",
    ];
    for (i, m) in msgs.iter().enumerate() {
        std::fs::write(repo.path().join(format!("docs/l{i}.rst")), "x\n").unwrap();
        repo.git(&["add", "."]);
        repo.git(&["-c", "user.name=A", "-c", "user.email=a@x", "commit", "-q", "-m", m]);
    }
    let v = check(&repo, &["upstream..links"]);
    let ids: Vec<&Value> = v["steps"].as_array().unwrap().iter().map(|s| &s["message_id"]).collect();
    assert_eq!(ids[0], "20260601.1-1-a@example.org");
    assert_eq!(ids[1], "20260601.2-1-a@example.org");
    assert!(ids[2].is_null());
    assert_eq!(v["steps"][1]["link"], "https://lore.kernel.org/qemu-devel/20260601.2-1-a@example.org/");
    assert_eq!(v["series"]["message_id"], "20260601.1-1-a@example.org");
}

/// Found on QEMU (a libvirt-ci bump): a patch that moves a submodule has no blob to apply to;
/// git am moves the gitlink, and so must we.
#[test]
fn a_submodule_bump_applies_like_git_am() {
    let repo = scenario("demo");
    repo.git(&["checkout", "-q", "-b", "sub", "upstream"]);
    let (one, two) = (repo.rev("upstream~1"), repo.rev("upstream"));
    let commit = |sha: &str, msg: &str| {
        repo.git(&["update-index", "--add", "--cacheinfo", &format!("160000,{sha},roms/sub")]);
        repo.git(&["-c", "user.name=A", "-c", "user.email=a@x", "commit", "-q", "-m", msg]);
    };
    commit(&one, "roms: add sub\n\nSigned-off-by: A <a@x>");
    commit(&two, "roms: bump sub\n\nSigned-off-by: A <a@x>");
    let out = repo.home.path().join("sub");
    repo.git(&["format-patch", "-q", "-o", out.to_str().unwrap(), "sub~1..sub"]);
    let files: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().path().display().to_string()).collect();
    same_as_git_am(&repo, "sub~1", &files, &[], &["--base", "sub~1"]);
}

/// A `base-commit:` the repository lacks is an error naming it, with what to do.
#[test]
fn a_base_commit_not_in_the_repository_is_named() {
    let repo = scenario("demo");
    let mut mbox = String::new();
    for f in dir("cover-dir") {
        mbox.push_str(&std::fs::read_to_string(f).unwrap());
    }
    let mbox = mbox.replace(&repo.rev("upstream"), "0123456789abcdef0123456789abcdef01234567");
    let out = repo.rc_stdin(&["check", "--mbox", "-"], mbox.as_bytes());
    assert_eq!(out.status, 2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains("base-commit: 0123456789abcdef0123456789abcdef01234567: the series' base is not in this repository: fetch it, or pass --base <rev>"),
        "{}",
        out.stderr
    );
    // --base overrides the line, and then it applies.
    let out = repo.rc_stdin(&["check", "--fail-on", "never", "--mbox", "-", "--base", "upstream"], mbox.as_bytes());
    assert_eq!(out.status, 0, "{}", out.stderr);
}
