//! Names made at build time (fixtures/scenarios/generated): trace events, TCG helpers,
//! decodetree patterns and QAPI commands are definitions at their input's file:line, so
//! `check`, `revert` and `deps` connect them with the C that uses them.

use serde_json::Value;

use crate::util::{scenario, Repo};

fn check(repo: &Repo, rev: &str) -> Value {
    let out = repo.rc(&["check", "--format", "json", rev]);
    assert!(out.status <= 1, "{rev}: status {}: {}", out.status, out.stderr);
    out.json()["steps"][0].clone()
}

fn revert(repo: &Repo, rev: &str) -> Value {
    let out = repo.rc(&["revert", "--format", "json", "--at", "main", rev]);
    assert!(out.status <= 1, "{rev}: status {}: {}", out.status, out.stderr);
    out.json()["commits"][0].clone()
}

/// (name, change) of a step's symbols.
fn symbols(step: &Value) -> Vec<(String, String)> {
    step["symbols"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap().to_string(), s["change"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn a_trace_event_and_its_only_call_in_one_patch_is_leaf() {
    let repo = scenario("generated");
    let step = check(&repo, "trace-leaf");
    assert_eq!(step["verdict"]["structural"], "leaf", "{step:#}");
    let s = symbols(&step);
    assert!(s.contains(&("trace_nic_reset".into(), "added".into())), "{s:?}");
    let file = step["files"].as_array().unwrap().iter().find(|f| f["path"] == "hw/net/trace-events").unwrap();
    assert_eq!(file["zone"], "code", "a trace-events file is code: {file:#}");
}

#[test]
fn new_trace_event_arguments_reach_the_callers_of_the_directory_only() {
    let repo = scenario("generated");
    // The caller in hw/net/nic.c is left as it was: a dependent, but in the directory whose
    // trace.h the event serves, so as close as the same file.
    let step = check(&repo, "trace-arg");
    assert_eq!(step["verdict"]["structural"], "contained", "{step:#}");
    let irq = step["symbols"].as_array().unwrap().iter().find(|s| s["name"] == "trace_nic_irq").unwrap();
    assert_eq!(irq["dependents"][0]["name"], "nic_set_irq", "{irq:#}");
    assert_eq!(irq["dependents"][0]["same_file"], true, "{irq:#}");
    let s = symbols(&step);
    assert!(s.contains(&("trace_nic_irq".into(), "interface".into())), "{s:?}");
    // The event's enable macro keeps its name: not a change.
    assert!(!s.iter().any(|(n, _)| n == "TRACE_NIC_IRQ"), "{s:?}");
}

#[test]
fn removing_a_trans_function_a_decode_pattern_still_calls_is_cascading() {
    let repo = scenario("generated");
    let step = check(&repo, "drop-trans");
    assert_eq!(step["verdict"]["structural"], "cascading", "{step:#}");
    let trans = &step["symbols"][0];
    assert_eq!((trans["name"].as_str(), trans["change"].as_str()), (Some("trans_ADD"), Some("removed")));
    let user = &trans["dependents"][0];
    assert_eq!((user["path"].as_str(), user["line"].as_u64()), (Some("target/toy/insn.decode"), Some(5)), "{step:#}");
    assert_eq!(user["binding"], "include", "the .decode is part of translate.c's unit: {step:#}");
}

#[test]
fn a_qmp_command_with_its_handler_in_one_patch_is_leaf() {
    let repo = scenario("generated");
    let step = check(&repo, "qmp");
    assert_eq!(step["verdict"]["structural"], "leaf", "{step:#}");
    let s = symbols(&step);
    for name in ["qmp_query_toy_count", "qmp_marshal_query_toy_count"] {
        assert!(s.iter().any(|(n, c)| n == name && c == "added"), "{name}: {s:?}");
    }
}

#[test]
fn reverting_what_later_commits_use_through_generated_names_is_entangled() {
    let repo = scenario("generated");
    // The event is used by a later file: reverting it breaks that file.
    let a = revert(&repo, "trace-tx");
    assert_eq!(a["verdict"], "entangled", "{a:#}");
    assert_eq!(a["cascade"][0]["symbol"], "trace_nic_tx", "{a:#}");
    assert_eq!(a["cascade"][0]["binding"], "include", "through hw/net/trace.h: {a:#}");
    assert_eq!(a["revert_with"][0]["id"], repo.rev("later"), "{a:#}");
    // The helper is called by a later translator function through gen_helper_sub, which
    // translate.c sees through `#include HELPER_H` in exec/helper-gen.h.
    let a = revert(&repo, "helper");
    assert_eq!(a["verdict"], "entangled", "{a:#}");
    assert_eq!(a["cascade"][0]["symbol"], "gen_helper_sub", "{a:#}");
    assert_eq!(a["cascade"][0]["binding"], "include", "{a:#}");
    assert_eq!(a["revert_with"][0]["id"], repo.rev("later"), "{a:#}");
    // Nothing later uses the QMP command.
    assert_eq!(revert(&repo, "qmp")["verdict"], "clean");
}

#[test]
fn deps_names_the_generator_input_as_the_definition() {
    let repo = scenario("generated");
    let out = repo.rc(&["deps", "--format", "json", "--reverse", "trace_nic_tx"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let s = &out.json()["symbols"][0];
    assert_eq!((s["symbol"]["path"].as_str(), s["symbol"]["line"].as_u64()), (Some("hw/net/trace-events"), Some(6)));
    assert_eq!(s["entries"][0]["node"]["name"], "dma_send");

    // A helper: defined by HELPER(sub), declared by its DEF_HELPER line; the translators call it
    // through gen_helper_sub; helper-info.c.inc's `helper_info_sub` points at it.
    let out = repo.rc(&["deps", "--format", "json", "--reverse", "--depth", "2", "helper_sub"]);
    let s = &out.json()["symbols"][0];
    assert_eq!(s["symbol"]["path"], "target/toy/op_helper.c");
    assert_eq!(s["also_at"][0], "target/toy/helper.h:2");
    let names: Vec<&str> =
        s["entries"].as_array().unwrap().iter().map(|e| e["node"]["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["helper_info_sub", "gen_helper_sub", "trans_SUB"]);

    // A decodetree argument set is a type the translator sees through the generated .c.inc.
    let out = repo.rc(&["deps", "--format", "json", "--reverse", "arg_rrr"]);
    let s = &out.json()["symbols"][0];
    assert_eq!(s["symbol"]["path"], "target/toy/insn.decode");
    let bindings: Vec<&str> = s["entries"].as_array().unwrap().iter().map(|e| e["binding"].as_str().unwrap()).collect();
    assert!(!bindings.is_empty() && bindings.iter().all(|b| *b == "include"), "{s:#}");

    // A QAPI type used by C through the generated header.
    let out = repo.rc(&["deps", "--format", "json", "--reverse", "ToyInfo"]);
    let s = &out.json()["symbols"][0];
    assert_eq!(s["symbol"]["path"], "qapi/machine.json");
    let users: Vec<&str> =
        s["entries"].as_array().unwrap().iter().map(|e| e["node"]["name"].as_str().unwrap()).collect();
    assert!(users.contains(&"qmp_query_toy"), "{s:#}");
}

#[test]
fn a_project_describes_its_own_generator_in_revertcheck_toml() {
    let repo = scenario("generated");
    let step = check(&repo, "project-event");
    assert_eq!(step["verdict"]["structural"], "leaf", "{step:#}");
    let s = symbols(&step);
    assert!(s.contains(&("log_disk_write".into(), "added".into())), "{s:?}");
    let added = step["symbols"].as_array().unwrap().iter().find(|x| x["name"] == "log_disk_write").unwrap();
    assert_eq!(added["path"], "hw/disk/events", "{added:#}");
    // A broken entry is bad input, named.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[[generator]]\nname = \"g\"\nreader = \"trace-events\"\nmatch = { basename = \"events\" }\ndefines.event = [\"klass log_{name}\"]\n").unwrap();
    let out = repo.rc(&["check", "--config", bad.to_str().unwrap(), "project-event"]);
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("bad.toml") && out.stderr.contains("generator `g`") && out.stderr.contains("klass"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_qapi_struct_that_gains_a_member_is_extended_not_reshaped() {
    let repo = scenario("generated");
    let step = check(&repo, "qapi-member");
    let info = step["symbols"].as_array().unwrap().iter().find(|s| s["name"] == "ToyInfo").unwrap();
    assert_eq!(info["change"], "extended", "{info:#}");
    assert_eq!(info["added_members"], serde_json::json!(["threads"]), "{info:#}");
    // qmp_query_toy uses ToyInfo but not the new member: nothing outside depends on the change.
    assert_eq!(step["verdict"]["structural"], "leaf", "{step:#}");
}

#[test]
fn a_renamed_trace_event_whose_caller_the_patch_adapts_is_not_cascading() {
    // Two posted QEMU series did this (hw/arm/smmuv3, vfio/iommufd): the event is renamed in
    // trace-events and its one call in the same directory follows.
    let repo = scenario("generated");
    let step = check(&repo, "trace-rename");
    assert_ne!(step["verdict"]["structural"], "cascading", "{step:#}");
    let removed = step["symbols"].as_array().unwrap().iter().find(|s| s["name"] == "trace_nic_irq").unwrap();
    assert_eq!(removed["change"], "removed");
    assert_eq!(removed["dependents"][0]["adapted"], true, "{removed:#}");
    assert_eq!(removed["dependents"][0]["same_file"], true, "{removed:#}");
}
