//! Template files named by their includers' macros (fixtures/scenarios/instances): physmem.c
//! includes memory_ldst.c.inc with `SUFFIX` set, which includes memory_ldst_endian.c.inc once
//! per `ENDIANNESS`, and `ADDRESS_SPACE_LD(uw)` there is `address_space_lduw_le` and three more;
//! ops_sse.h picks its `SUFFIX` by `#if SHIFT`, set by its includer; softfloat.c declares the
//! functions its template defines.

use serde_json::Value;

use crate::util::{scenario, Repo};

fn deps(repo: &Repo, name: &str, rev: &str) -> (i32, Value) {
    let out = repo.rc(&["deps", name, "--reverse", "--format", "json", "--rev", rev]);
    let json = if out.status == 0 { out.json() } else { Value::Null };
    (out.status, json)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_string)).collect()
}

#[test]
fn each_inclusion_names_the_template_definition_and_its_callers_bind_to_it() {
    let repo = scenario("instances");
    let (status, json) = deps(&repo, "address_space_lduw_le", "main~1");
    assert_eq!(status, 0);
    let s = &json["symbols"][0];
    assert_eq!(s["symbol"]["name"], "ADDRESS_SPACE_LD(uw)", "named by its text: {s:#}");
    assert_eq!(s["symbol"]["path"], "system/memory_ldst_endian.c.inc");
    assert_eq!(
        strings(&s["names"]),
        [
            "address_space_lduw_be",
            "address_space_lduw_be_cached_slow",
            "address_space_lduw_le",
            "address_space_lduw_le_cached_slow"
        ],
        "two endiannesses by two first arguments, through two levels of includes"
    );
    assert_eq!(strings(&s["also_at"]), ["include/exec/memory_ldst.h.inc:4"], "the prototype, named the same way");
    let users: Vec<_> = s["entries"].as_array().unwrap().iter().map(|e| (&e["node"]["name"], &e["binding"])).collect();
    assert_eq!(users.len(), 1, "{users:?}");
    assert_eq!(users[0].0, "dev_read");
    // Its body calls `ADDRESS_SPACE_LD_INTERNAL(m)(...)`: memory_ldst.c.inc's static
    // `address_space_ldm_internal_cached_slow` where physmem.c includes it the second time.
    let (_, json) = deps(&repo, "address_space_ldm_internal_cached_slow", "main~1");
    let s = &json["symbols"][0];
    assert_eq!(s["symbol"]["name"], "glue(address_space_ldm_internal,SUFFIX)", "{s:#}");
    assert_eq!(s["entries"][0]["node"]["name"], "ADDRESS_SPACE_LD(uw)", "{s:#}");
    assert_eq!(s["entries"].as_array().map(Vec::len), Some(1));
    // The template is compiled inside physmem.c, two includes up: it sees what physmem.c
    // includes (`hwaddr`), not by name only.
    let out = repo.rc(&["deps", "address_space_lduw_le", "--format", "json", "--rev", "main~1"]);
    let json = out.json();
    let hwaddr = json["symbols"][0]["entries"].as_array().unwrap().iter().find(|e| e["node"]["name"] == "hwaddr");
    assert_eq!(hwaddr.map(|e| &e["binding"]), Some(&Value::from("include")), "{json:#}");
}

#[test]
fn a_definition_in_an_arm_the_includer_does_not_compile_gets_no_name_from_it() {
    let repo = scenario("instances");
    let (_, json) = deps(&repo, "helper_psrlw_xmm", "main~1");
    let s = &json["symbols"][0];
    assert_eq!(strings(&s["names"]), ["helper_psrlw_mmx", "helper_psrlw_xmm", "helper_psrlw_ymm"], "{s:#}");
    let users: Vec<_> = s["entries"].as_array().unwrap().iter().map(|e| e["node"]["name"].clone()).collect();
    assert!(users.contains(&Value::from("gen_psrlw")), "{s:#}");
    let (_, json) = deps(&repo, "helper_pshufb_xmm", "main~1");
    assert_eq!(strings(&json["symbols"][0]["names"]), ["helper_pshufb_xmm", "helper_pshufb_ymm"]);
    let (status, _) = deps(&repo, "helper_pshufb_mmx", "main~1");
    assert_eq!(status, 2, "under `#if SHIFT >= 1`: no MMX variant");
}

#[test]
fn declarations_of_a_template_static_are_of_its_definition() {
    let repo = scenario("instances");
    let (_, json) = deps(&repo, "parts64_addsub", "main~1");
    let s = &json["symbols"][0];
    assert_eq!(s["symbol"]["name"], "partsN(addsub)", "{s:#}");
    assert_eq!(s["symbol"]["path"], "fpu/softfloat-parts.c.inc");
    assert_eq!(strings(&s["also_at"]), ["fpu/softfloat.c:4", "fpu/softfloat.c:5"]);
    assert_eq!(s["entries"][0]["node"]["name"], "float32_add");
    // An argument the macro only pastes is no use: physmem.c's `m` has no users.
    let (_, json) = deps(&repo, "m", "main~1");
    assert_eq!(json["symbols"][0]["entries"].as_array().map(Vec::len), Some(0), "{json:#}");
}

#[test]
fn changing_a_template_definition_reaches_the_callers_of_its_names() {
    let repo = scenario("instances");
    let out = repo.rc(&["check", "--format", "json", "main~1..main"]);
    assert_eq!(out.status, 1, "{}", out.stderr);
    let step = out.json()["steps"][0].clone();
    assert_eq!(step["verdict"]["structural"], "cascading", "{step:#}");
    let ld = step["symbols"].as_array().unwrap().iter().find(|s| s["name"] == "ADDRESS_SPACE_LD(uw)").unwrap();
    let users: Vec<_> = ld["dependents"].as_array().unwrap().iter().map(|d| (&d["name"], &d["path"])).collect();
    assert_eq!(users.len(), 1, "{ld:#}");
    assert_eq!(users[0], (&Value::from("dev_read"), &Value::from("hw/misc/dev.c")));
}

#[test]
fn a_helper_declared_with_a_pasted_name_is_named_per_inclusion_and_calls_its_helper() {
    let repo = scenario("instances");
    // helper.h includes ops_sse_header.h.inc with SHIFT 0 and 1: `DEF_HELPER_2(glue(psrlw,
    // SUFFIX), ...)` declares gen_helper_psrlw_mmx and gen_helper_psrlw_xmm.
    let (_, json) = deps(&repo, "gen_helper_psrlw_xmm", "main~1");
    let s = &json["symbols"][0];
    assert_eq!(strings(&s["names"]), ["gen_helper_psrlw_mmx", "gen_helper_psrlw_xmm"], "{s:#}");
    assert_eq!(s["entries"][0]["node"]["name"], "gen_psrlw_op");
    assert_eq!(s["entries"].as_array().map(Vec::len), Some(1));
    // What it calls: ops_sse.h's helper of that name, through the same two levels of names.
    let out = repo.rc(&["deps", "gen_helper_psrlw_xmm", "--format", "json", "--rev", "main~1"]);
    let json = out.json();
    let used: Vec<_> =
        json["symbols"][0]["entries"].as_array().unwrap().iter().map(|e| e["node"]["path"].clone()).collect();
    assert!(used.contains(&Value::from("target/x86/ops_sse.h")), "{json:#}");
}

#[test]
fn functions_a_template_macro_defines_are_named_per_inclusion_too() {
    let repo = scenario("instances");
    // atomic_template.h: `GEN_ATOMIC_HELPER(fetch_add)` defines `ATOMIC_NAME(fetch_add)`, whose
    // name comes from the file's `#if DATA_SIZE` arms, DATA_SIZE being cputlb.c's.
    let (_, json) = deps(&repo, "cpu_atomic_fetch_addw_le_mmu", "main~1");
    let s = &json["symbols"][0];
    assert_eq!(s["symbol"]["name"], "ATOMIC_NAME(fetch_add)", "{s:#}");
    // `END` is `_be` or `_le` by `#elif HOST_BIG_ENDIAN`, a macro of the host: one name for each
    // configuration of it.
    assert_eq!(
        strings(&s["names"]),
        ["cpu_atomic_fetch_addb_mmu", "cpu_atomic_fetch_addw_be_mmu", "cpu_atomic_fetch_addw_le_mmu"]
    );
    assert_eq!(s["entries"][0]["node"]["name"], "helper_atomic_fetch_addw_le");
}

#[test]
fn the_index_report_counts_templates_and_their_names() {
    let repo = scenario("instances");
    let out = repo.rc(&["index", "--at", "main~1", "--format", "json"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    // memory_ldst_endian.c.inc, memory_ldst.c.inc, memory_ldst.h.inc, ops_sse.h,
    // ops_sse_header.h.inc, softfloat-parts.c.inc, atomic_template.h; ten definitions named
    // 4 + 2 + 3 + 2 + 1 + 2 + 2 + 2 + 2 + 3 ways (ADDRESS_SPACE_LD(uw), address_space_ldm_internal,
    // psrlw, pshufb, emms, vzero, partsN(addsub), gen_helper_psrlw, helper_info_psrlw,
    // ATOMIC_NAME(fetch_add)); the prototype helper_psrlw_xmm of DEF_HELPER yields to ops_sse.h's
    // definition of that name.
    let t = &out.json()["templates"];
    assert_eq!((t["files"].as_u64(), t["named"].as_u64(), t["names"].as_u64()), (Some(7), Some(10), Some(23)), "{t}");
}

#[test]
fn the_same_call_text_in_two_arms_stands_for_each_arm_s_names() {
    let repo = scenario("instances");
    // ops_sse.h writes `glue(reg_reset, SUFFIX)(d)` in its `SHIFT == 0` arm and in the other:
    // the MMX helper calls reg_reset_mmx, the vector one reg_reset_xmm, never the other way.
    let users = |name: &str| {
        let (_, json) = deps(&repo, name, "main~1");
        let entries = json["symbols"][0]["entries"].as_array().cloned().unwrap_or_default();
        entries.iter().map(|e| e["node"]["name"].as_str().unwrap_or_default().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(users("reg_reset_mmx"), ["glue(helper_emms,SUFFIX)"]);
    assert_eq!(users("reg_reset_xmm"), ["glue(helper_vzero,SUFFIX)"]);
}
