//! Embeds the demo scenario (fixtures/scenarios/demo) in the binary, so `revertcheck demo` needs
//! nothing but itself and git, and compiles src/lang/walk.c against tree-sitter's sources.

use std::path::Path;

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("fixtures/scenarios/demo is readable").flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            let rel = path.strip_prefix(root).expect("below root").to_string_lossy().replace('\\', "/");
            out.push(format!(
                "    ({rel:?}, include_bytes!({:?})),",
                path.canonicalize().expect("exists").display().to_string()
            ));
        }
    }
}

/// src/lang/walk.c reads tree-sitter's internal headers, which ship in the tree-sitter crate
/// beside the public ones its build script announces (`links = "tree-sitter"`).
fn compile_walk() {
    let include =
        std::path::PathBuf::from(std::env::var("DEP_TREE_SITTER_INCLUDE").expect("tree-sitter announces its headers"));
    let internal = include.parent().expect("the tree-sitter crate's root").join("src");
    println!("cargo:rerun-if-changed=src/lang/walk.c");
    cc::Build::new()
        .file("src/lang/walk.c")
        .include(&include)
        .include(&internal)
        .flag_if_supported("-std=c11")
        .flag_if_supported("-Wno-unused-parameter")
        .define("_POSIX_C_SOURCE", "200112L")
        .define("_DEFAULT_SOURCE", None)
        .compile("revertcheck-walk");
}

fn main() {
    compile_walk();
    let root = Path::new("fixtures/scenarios/demo");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut lines = Vec::new();
    collect(root, root, &mut lines);
    let code = format!(
        "/// The demo scenario: (step/path, contents).\npub static DEMO_FILES: &[(&str, &[u8])] = &[\n{}\n];\n",
        lines.join("\n")
    );
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("demo_files.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
