//! Embeds the demo scenario (fixtures/scenarios/demo) in the binary, so `revertcheck demo` needs
//! nothing but itself and git.

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

fn main() {
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
