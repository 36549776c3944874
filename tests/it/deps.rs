//! `revertcheck deps` and `index` on the demo scenario.

use crate::util::scenario;

#[test]
fn dependents_and_dependencies_with_evidence() {
    let repo = scenario("demo");
    let out = repo.rc(&["deps", "--reverse", "--format", "json", "qemu_strtoi", "--rev", "upstream"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["schema"], "revertcheck/deps/v1");
    let users: Vec<(String, String, u64)> = v["symbols"][0]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["node"]["name"].as_str().unwrap().into(),
                e["path"].as_str().unwrap().into(),
                e["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(users.contains(&("bar_parse_level".into(), "hw/misc/bar.c".into(), 9)), "{users:?}");
    assert!(users.contains(&("baz_baud".into(), "hw/char/baz.c".into(), 8)), "{users:?}");

    // Transitive: baz_init reaches qemu_strtoi through baz_baud at depth 2.
    let v =
        repo.rc(&["deps", "--reverse", "--depth", "2", "--format", "json", "qemu_strtoi", "--rev", "upstream"]).json();
    let deep = v["symbols"][0]["entries"].as_array().unwrap().iter().find(|e| e["node"]["name"] == "baz_init").unwrap();
    assert_eq!(deep["depth"], 2);

    // What foo_realize uses, with a file-scope static and a macro from a core header.
    let v = repo.rc(&["deps", "--format", "json", "hw/misc/foo.c:foo_realize", "--rev", "upstream"]).json();
    let uses: Vec<&str> =
        v["symbols"][0]["entries"].as_array().unwrap().iter().map(|e| e["node"]["name"].as_str().unwrap()).collect();
    for u in ["FooState", "FOO", "foo_ops", "QEMU_ALIGN_UP", "FOO_NUM_REGS", "memory_region_init_io"] {
        assert!(uses.contains(&u), "{u} missing from {uses:?}");
    }
    // The TypeInfo initialiser makes foo_class_init a dependent of foo_types.
    let v = repo.rc(&["deps", "--reverse", "--format", "json", "foo_class_init", "--rev", "upstream"]).json();
    assert_eq!(v["symbols"][0]["entries"][0]["node"]["name"], "foo_types");

    let dot = repo.rc(&["deps", "--reverse", "--format", "dot", "qemu_strtoi", "--rev", "upstream"]).stdout;
    assert!(dot.starts_with("digraph deps {") && dot.contains("\"baz_baud\" -> \"qemu_strtoi\""), "{dot}");
}

#[test]
fn index_counts_and_determinism() {
    let repo = scenario("demo");
    let a = repo.rc(&["index", "--format", "json", "upstream"]).json();
    assert_eq!(a["schema"], "revertcheck/index/v1");
    assert_eq!(a["files"], 7);
    // 12 written, and the 2 autoptr cleanups glib's G_DEFINE_AUTOPTR_CLEANUP_FUNC defines for the
    // QOM type that OBJECT_DECLARE_SIMPLE_TYPE declares.
    assert_eq!(a["definitions"]["function"].as_u64().unwrap(), 14);
    // The qtest file's `g_assert_cmpint(x, ==, y)` parses once masking joins the comparison.
    assert_eq!(a["index"]["files_with_parse_errors"], 0);
    let b = repo.rc(&["-j", "1", "--no-cache", "index", "--format", "json", "upstream"]).json();
    for key in ["definitions", "symbols", "references", "graph"] {
        assert_eq!(a[key], b[key], "{key} differs between runs");
    }
    let text = repo.rc(&["index", "upstream"]).stdout;
    assert!(text.contains("files        7 C files"), "{text}");
}

/// `debug edges` (the export benches/oracle compares with clang) holds the same edges as `deps`.
#[test]
fn debug_edges_lists_every_edge_with_its_binding() {
    let repo = scenario("demo");
    let out = repo.rc(&["debug", "edges", "--at", "upstream"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let rows: Vec<Vec<&str>> = out.stdout.lines().map(|l| l.split('\t').collect()).collect();
    assert!(rows.iter().all(|r| r.len() == 11), "{}", out.stdout);
    // user file, user, kind, line, used, kind, site, site line, binding, use kind, use line
    let edge = rows.iter().find(|r| r[1] == "bar_parse_level" && r[4] == "qemu_strtoi").expect("bar -> qemu_strtoi");
    assert_eq!((edge[0], edge[2], edge[8], edge[9], edge[10]), ("hw/misc/bar.c", "function", "include", "call", "9"));
    assert!(rows.iter().any(|r| r[1] == "foo_realize" && r[4] == "foo_ops" && r[8] == "exact"));
}
