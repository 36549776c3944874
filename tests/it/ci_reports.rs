//! The reports CI systems ingest, on the demo history: SARIF validated against the OASIS
//! 2.1.0 schema (tests/schemas/), GitLab Code Quality, and the `check` JSON, each compared
//! with a snapshot in tests/snapshots/ (`REVERTCHECK_BLESS=1 cargo test --test it ci_reports`
//! rewrites them; review the diff).

use serde_json::Value;

use crate::util::{scenario, Repo};

fn snapshot(name: &str, value: &Value) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(name);
    let text = serde_json::to_string_pretty(value).unwrap() + "\n";
    if std::env::var_os("REVERTCHECK_BLESS").is_some() {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if expected != text {
        let diff: Vec<String> = expected
            .lines()
            .zip(text.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .take(10)
            .map(|(i, (a, b))| format!("line {}:\n  - {a}\n  + {b}", i + 1))
            .collect();
        panic!("{} differs from the snapshot (REVERTCHECK_BLESS=1 rewrites it):\n{}", path.display(), diff.join("\n"));
    }
}

fn sarif_errors(sarif: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(include_str!("../schemas/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("the OASIS schema compiles");
    validator.iter_errors(sarif).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

/// The demo repository with a remote whose URL carries credentials (which must not leak).
fn demo() -> Repo {
    let repo = scenario("demo");
    repo.git(&["remote", "add", "origin", "https://ci:glpat-secret@gitlab.example.org/qemu/qemu.git"]);
    repo
}

#[test]
fn sarif_is_valid_every_result_located_rules_described_verdicts_and_provenance() {
    let repo = demo();
    let sarif = repo.rc(&["check", "--format", "sarif", "upstream..series"]).json();
    let errors = sarif_errors(&sarif);
    assert!(errors.is_empty(), "not valid SARIF 2.1.0: {errors:#?}");
    assert!(!sarif.to_string().contains("glpat-secret"), "credentials leaked");
    // The validator does reject what the schema forbids.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    assert_eq!(sarif_errors(&broken).len(), 2, "{:#?}", sarif_errors(&broken));

    let run = &sarif["runs"][0];
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        assert!(rule["fullDescription"]["text"].as_str().is_some_and(|t| t.len() > 20), "{rule}");
        assert!(rule["helpUri"].as_str().is_some_and(|u| u.starts_with("https://")), "{rule}");
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 11, "one per finding of the demo series");
    for r in results {
        let phys = &r["locations"][0]["physicalLocation"];
        assert!(phys["artifactLocation"]["uri"].as_str().is_some_and(|u| !u.is_empty()), "unlocated: {r}");
        assert!(phys["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(["structural", "policy", "commit", "patch"].iter().all(|k| r["properties"].get(k).is_some()), "{r}");
    }
    // A trailer finding has no file of its own: it stands on the patch's first changed file.
    let trailer = results.iter().find(|r| r["ruleId"] == "malformed_trailer").expect("the demo has one");
    assert_eq!(trailer["properties"]["located"], "first_changed_file");
    assert_eq!(run["properties"]["series"]["structural"], "contained");
    assert_eq!(run["properties"]["steps"].as_array().unwrap().len(), 10);
    let vcs = &run["versionControlProvenance"][0];
    assert_eq!(vcs["repositoryUri"], "https://gitlab.example.org/qemu/qemu.git");
    assert_eq!(vcs["revisionId"], repo.rev("series"));

    let mut normalised = sarif.clone();
    normalised["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"] = "file:///<repo>/".into();
    normalised["runs"][0]["tool"]["driver"]["version"] = "<version>".into();
    snapshot("demo-check.sarif.json", &normalised);
}

#[test]
fn sarif_of_mailed_patches_without_a_remote_is_valid_and_located() {
    let repo = scenario("demo");
    let mbox = repo.git(&["format-patch", "--stdout", "reg-mask^..write-decode"]);
    let out = repo.rc_stdin(&["check", "--format", "sarif", "--mbox", "-", "--base", "reg-mask^"], mbox.as_bytes());
    let sarif = out.json();
    let errors = sarif_errors(&sarif);
    assert!(errors.is_empty(), "not valid SARIF 2.1.0: {errors:#?}");
    let run = &sarif["runs"][0];
    let vcs = &run["versionControlProvenance"][0];
    assert!(vcs["repositoryUri"].as_str().unwrap().starts_with("file:///"), "the local repository: {vcs}");
    assert_eq!(vcs["revisionId"], repo.rev("reg-mask^"), "mailed patches are about their base");
    for r in run["results"].as_array().unwrap() {
        assert!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].is_string(), "{r}");
        assert_eq!(r["properties"]["commit"], Value::Null);
    }
}

#[test]
fn codequality_issues_have_what_gitlab_reads() {
    let repo = demo();
    let out = repo.rc(&["check", "--format", "codequality", "upstream..series"]);
    assert_eq!(out.status, 1, "the demo series has policy findings: {}", out.stderr);
    let issues = out.json();
    let issues = issues.as_array().unwrap();
    assert_eq!(issues.len(), 11);
    let mut fingerprints = std::collections::HashSet::new();
    for i in issues {
        assert!(i["description"].as_str().is_some_and(|d| !d.is_empty()), "{i}");
        assert!(i["check_name"].is_string());
        assert!(["info", "minor", "major", "critical", "blocker"].contains(&i["severity"].as_str().unwrap()), "{i}");
        assert!(i["location"]["path"].as_str().is_some_and(|p| !p.is_empty()), "{i}");
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(fingerprints.insert(i["fingerprint"].as_str().unwrap().to_string()), "duplicate fingerprint: {i}");
    }
    // The malformed trailer blocks the merge (policy failure): critical.
    assert!(issues.iter().any(|i| i["check_name"] == "malformed_trailer" && i["severity"] == "critical"));
    // Same inputs, same fingerprints: a rerun is byte for byte the same report.
    assert_eq!(repo.rc(&["check", "--format", "codequality", "upstream..series"]).stdout, out.stdout);
    snapshot("demo-check.codequality.json", &out.json());
}

#[test]
fn check_json_of_the_demo_series_matches_its_snapshot() {
    let repo = scenario("demo");
    let mut report = repo.rc(&["check", "--format", "json", "upstream..series"]).json();
    // Index statistics depend on the cache and the clock, not on the series.
    report.as_object_mut().unwrap().remove("base_index");
    report.as_object_mut().unwrap().remove("tip_index");
    snapshot("demo-check.json", &report);
}

#[test]
fn the_readme_gitlab_job_produces_its_artifact_on_the_demo() {
    let work = tempfile::tempdir().unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_revertcheck")).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let out = std::process::Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ci/gitlab-job.sh"))
        .arg(work.path())
        .env("PATH", path)
        .env("HOME", work.path())
        .env("XDG_CACHE_HOME", work.path().join("cache"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("job exit status 1 (allowed: 1)"), "{stdout}");
    let artifact = std::fs::read_to_string(work.path().join("demo/gl-code-quality-report.json")).unwrap();
    let issues: Value = serde_json::from_str(&artifact).unwrap();
    assert_eq!(issues.as_array().unwrap().len(), 11);
}
