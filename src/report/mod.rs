//! Everything revertcheck prints on stdout: text for people, JSON (versioned) for programs, DOT
//! for graphs, and later SARIF, Markdown and HTML. Output types here are the only serialised
//! types, and each JSON document carries a `schema` string that changes when its shape does.

pub mod deps;
pub mod index;
pub mod revert;

/// Writes a JSON document to stdout with a trailing newline.
pub fn print_json<T: serde::Serialize>(value: &T) {
    let text = serde_json::to_string_pretty(value).expect("report types always serialise");
    println!("{text}");
}
