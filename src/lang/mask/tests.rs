//! The masking pass on the shapes QEMU writes.
use super::*;

fn masked(src: &str) -> (String, Vec<String>) {
    let m = mask(src.as_bytes(), &IdiomTable::builtin());
    (String::from_utf8(m.text).unwrap(), m.invocations.into_iter().map(|i| i.name).collect())
}

#[test]
fn file_level_invocations_are_blanked_but_gnu_style_definitions_are_not() {
    let src = "DEFINE_TYPES(foo_types)\nstatic void\nbar(void)\n{\n}\nint\nbaz(int x)\n{\n}\n";
    let (text, names) = masked(src);
    assert_eq!(names, ["DEFINE_TYPES"]);
    assert!(text.starts_with("                       \nstatic void\nbar(void)"));
    assert!(text.contains("baz(int x)"));
}

#[test]
fn gnu_style_prototype_is_not_an_invocation() {
    let (_, names) = masked("static void\nfoo(void);\n");
    assert!(names.is_empty());
}

#[test]
fn attributes_and_wrappers_keep_offsets() {
    let src = "struct S { int a; } QEMU_PACKED;\nvoid f(void) { g_autoptr(Error) err = NULL; }\n";
    let (text, _) = masked(src);
    assert_eq!(text.len(), src.len());
    assert!(text.contains("} ".to_string().as_str()) && !text.contains("QEMU_PACKED"));
    assert!(text.contains("          Error  err = NULL;"));
}

#[test]
fn directives_are_never_masked() {
    let (text, names) = masked("#define QEMU_PACKED __attribute__((packed))\n#define FOO(x) bar(x)\n");
    assert!(names.is_empty());
    assert!(text.contains("#define QEMU_PACKED"));
}

#[test]
fn general_rules_rewrite_into_parseable_c() {
    let src = "void f(void)\n{\n    QTAILQ_FOREACH(r, &q, next) {\n    }\n    RCU_READ_LOCK_GUARD() {\n    }\n\
               \x20   g_assert_cmpint(a, ==, b);\n    switch (x) {\n    case 1 ... N:\n        break;\n    }\n}\n\
               static QLIST_HEAD(, Req) reqs;\n";
    let m = mask(src.as_bytes(), &IdiomTable::builtin());
    let text = String::from_utf8(m.text).unwrap();
    assert_eq!(text.len(), src.len());
    assert!(text.contains("    if            (r, &q, next) {\n"), "{text}");
    assert!(text.contains("\n                          {\n"), "{text}");
    assert!(text.contains("g_assert_cmpint(a  ==  b);"), "{text}");
    assert!(text.contains("case 1 +   N:"), "{text}");
    assert!(text.contains("static QLIST_HEAD        reqs;"), "{text}");
    let uses: Vec<&str> = m.uses.iter().map(|u| &src[u.start..u.end]).collect();
    assert_eq!(uses, ["QTAILQ_FOREACH", "RCU_READ_LOCK_GUARD", "Req"]);
}

#[test]
fn valid_c_is_left_alone() {
    for src in [
        "int sum(int first, ...);\nint a[4] = { [0 ... 3] = 1 };\n",
        "void f(void)\n{\n    switch (x) {\n    CASE_OTHER(2)\n    CASE_OTHER(3)\n    }\n}\n",
        "void f(void)\n{\n    if (x) {\n    }\n    y = FOO(a) * b;\n    g(a, -1, b);\n}\n",
        "static int x;\nint (*fn)(void);\nstatic _Atomic(int) counter;\n",
        "asm(\"nop\"\n    TEST(a)\n    TEST(b)\n);\n",
    ] {
        let m = mask(src.as_bytes(), &IdiomTable::builtin());
        assert_eq!(String::from_utf8(m.text).unwrap(), src);
        assert!(m.uses.is_empty() && m.invocations.is_empty(), "{src}");
    }
}

#[test]
fn attribute_before_a_function_pointer_keeps_the_declarator() {
    let (text, _) = masked("int GRAPH_RDLOCK_PTR (*flush)(void);\n");
    assert_eq!(text, "int                  (*flush)(void);\n");
}

#[test]
fn indented_invocations_count_only_outside_braces() {
    let (_, names) =
        masked("REG32(CTRL, 4)\n    FIELD(CTRL, EN, 0, 1)\nvoid f(void)\n{\n    FIELD(CTRL, EN, 0, 1)\n}\n");
    assert_eq!(names, ["REG32", "FIELD"]);
}

#[test]
fn gnu_attributes_and_macros_that_expand_to_them_are_blanked() {
    let src = "#define NI __attribute__((noinline))\n#define FLAT QEMU_FLATTEN __attribute__((cold))\n\
               #define NOTHING\n#define VALUE 1\n\
               TCGOp * NI f(void);\nstatic const G g __attribute__((unused)) = { 1 };\n\
               int FLAT NOTHING h(void);\nint v = VALUE;\n";
    let m = mask(src.as_bytes(), &IdiomTable::builtin());
    let text = String::from_utf8(m.text).unwrap();
    assert!(text.contains("\nTCGOp *    f(void);\n"), "{text}");
    assert!(text.contains("\nstatic const G g                         = { 1 };\n"), "{text}");
    assert!(text.contains("\nint              h(void);\nint v = VALUE;\n"), "{text}");
    assert!(text.starts_with("#define NI __attribute__((noinline))\n"), "directives stay: {text}");
    let uses: Vec<&str> = m.uses.iter().map(|u| &src[u.start..u.end]).collect();
    assert_eq!(uses, ["NI", "FLAT", "NOTHING"], "the file's own macros stay uses");
    // One definition that is more than an attribute and the name is no attribute.
    let src = "#ifdef A\n#define MAYBE __attribute__((x))\n#else\n#define MAYBE static\n#endif\nMAYBE int f(void);\n";
    assert!(String::from_utf8(mask(src.as_bytes(), &IdiomTable::builtin()).text)
        .unwrap()
        .ends_with("\nMAYBE int f(void);\n"));
}
