//! The corpus of real trailers (fixtures/trailers/corpus.toml): each case committed on a small
//! tree as a one-line change, checked under every profile its entry names.

use std::collections::BTreeMap;

use revertcheck::scenario::Scenario;
use serde::Deserialize;

use crate::util::Repo;

#[derive(Deserialize)]
struct Corpus {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    #[allow(dead_code)]
    source: String,
    change: String,
    message: String,
    expect: BTreeMap<String, String>,
}

const CODE: &str = "#include \"qemu/osdep.h\"\n\nint dev_reset_value(void)\n{\n    return 0;\n}\n";
const DOCS: &str = "The device\n==========\n\nIt resets to 0.\n";
const TEST: &str = "#include \"qemu/osdep.h\"\n\nint main(void)\n{\n    return 0;\n}\n";

#[test]
fn every_real_trailer_gets_its_verdict_under_every_profile() {
    let text = std::fs::read_to_string(crate::util::fixtures().join("trailers/corpus.toml")).unwrap();
    let corpus: Corpus = toml::from_str(&text).unwrap();
    // One commit per case, each its own one-line change of the kind it names.
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("000-base/COMMIT".into(), b"base\n\nSigned-off-by: A Human <human@example.org>\n".to_vec()),
        ("000-base/hw/misc/dev.c".into(), CODE.into()),
        ("000-base/docs/devel/dev.rst".into(), DOCS.into()),
        ("000-base/tests/qtest/dev-test.c".into(), TEST.into()),
    ];
    for (n, case) in corpus.case.iter().enumerate() {
        let step = format!("{:03}-{}", n + 1, case.name);
        let value = n + 1;
        let (path, body) = match case.change.as_str() {
            "code" => ("hw/misc/dev.c", CODE.replace("return 0;", &format!("return {value};"))),
            "docs" => ("docs/devel/dev.rst", DOCS.replace("to 0.", &format!("to {value}."))),
            "tests" => ("tests/qtest/dev-test.c", TEST.replace("return 0;", &format!("return {value};"))),
            other => panic!("{}: change `{other}` is not code, docs or tests", case.name),
        };
        files.push((format!("{step}/COMMIT"), case.message.clone().into_bytes()));
        files.push((format!("{step}/{path}"), body.into_bytes()));
        // Back to the base content so the next case's change is one line again.
        files.push((format!("{step}z-undo/COMMIT"), b"undo\n\nSigned-off-by: A Human <human@example.org>\n".to_vec()));
        let original = match case.change.as_str() {
            "code" => CODE,
            "docs" => DOCS,
            _ => TEST,
        };
        files.push((format!("{step}z-undo/{path}"), original.as_bytes().to_vec()));
    }
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
    let dir = tempfile::tempdir().unwrap();
    Scenario::from_files(&refs).build(dir.path()).unwrap();
    let repo = Repo { dir, home: tempfile::tempdir().unwrap() };

    let profiles: std::collections::BTreeSet<&String> = corpus.case.iter().flat_map(|c| c.expect.keys()).collect();
    let range = format!("{}..HEAD", repo.git(&["rev-list", "--max-parents=0", "HEAD"]).trim());
    let mut wrong = Vec::new();
    for profile in profiles {
        let out = repo.rc(&["check", "--format", "json", "--profile", profile, &range]);
        assert!(out.status == 0 || out.status == 1, "{profile}: {}", out.stderr);
        let report = out.json();
        let steps = report["steps"].as_array().unwrap();
        assert_eq!(steps.len(), 2 * corpus.case.len(), "every case and its undo");
        for (case, step) in corpus.case.iter().zip(steps.iter().step_by(2)) {
            let Some(expected) = case.expect.get(profile) else { continue };
            let got = step["verdict"]["policy"].as_str().unwrap();
            if got != expected {
                wrong.push(format!("{} under {profile}: {got}, expected {expected}", case.name));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
