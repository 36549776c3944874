use revertcheck::lang::*;
use std::time::Instant;
fn main() {
    let q = std::env::var("REVERTCHECK_QEMU").unwrap();
    let repo = revertcheck::repo::Repo::discover(std::path::Path::new(&q)).unwrap();
    let c = repo.resolve("ece408818d27f745ef1b05fb3cc99a1e7a5bf580").unwrap();
    let files = repo.c_files(c, 4 << 20).unwrap();
    let blobs: Vec<Vec<u8>> = files.files.iter().map(|f| repo.read_blob(f.blob).unwrap()).collect();
    let mode = std::env::args().nth(1).unwrap_or_default();
    let t = Instant::now();
    let table = IdiomTable::builtin();
    match mode.as_str() {
        "raw" => {
            let mut p = raw_parser();
            let mut n = 0;
            for b in &blobs {
                n += raw_parse_node_count(&mut p, b);
            }
            println!("nodes {n}");
        }
        "rawonly" => {
            let mut p = raw_parser();
            for b in &blobs {
                let _ = p.parse(b, None);
            }
        }
        "mask" => {
            let mut n = 0;
            for b in &blobs {
                n += idioms::mask(b, &table).invocations.len();
            }
            println!("inv {n}");
        }
        "walk" => {
            let mut p = raw_parser();
            let mut n = 0usize;
            let mut tq = std::time::Duration::ZERO;
            let lang: tree_sitter::Language = tree_sitter_c::LANGUAGE.into();
            let ident = lang.id_for_node_kind("identifier", true);
            for b in &blobs {
                let t = p.parse(b, None).unwrap();
                let s = Instant::now();
                let mut c = t.walk();
                'w: loop {
                    if c.node().kind_id() == ident {
                        n += 1;
                    }
                    if c.goto_first_child() {
                        continue;
                    }
                    while !c.goto_next_sibling() {
                        if !c.goto_parent() {
                            break 'w;
                        }
                    }
                }
                tq += s.elapsed();
            }
            println!("idents {n} walk time {tq:?}");
        }
        "query" => {
            use tree_sitter::StreamingIterator;
            let which = std::env::args().nth(2).unwrap_or_default();
            let src = match which.as_str() {
                "defs" => include_str!("../grammars/c/definitions.scm").to_string(),
                "refs" => include_str!("../grammars/c/references.scm").to_string(),
                "ident" => "(identifier) @a (type_identifier) @b".to_string(),
                _ => format!(
                    "{}\n{}",
                    include_str!("../grammars/c/definitions.scm"),
                    include_str!("../grammars/c/references.scm")
                ),
            };
            let q = tree_sitter::Query::new(&tree_sitter_c::LANGUAGE.into(), &src).unwrap();
            let mut p = raw_parser();
            let mut cur = tree_sitter::QueryCursor::new();
            if let Ok(d) = std::env::var("DEPTH") {
                cur.set_max_start_depth(Some(d.parse().unwrap()));
            }
            let mut n = 0usize;
            let mut tq = std::time::Duration::ZERO;
            for b in &blobs {
                let t = p.parse(b, None).unwrap();
                let s = Instant::now();
                let mut caps = cur.captures(&q, t.root_node(), b.as_slice());
                while let Some(_) = caps.next() {
                    n += 1;
                }
                tq += s.elapsed();
            }
            println!("captures {n} query time {tq:?}");
        }
        _ => {
            let qs = Queries::load().unwrap();
            let mut e = Extractor::new(&qs, &table, Limits::default());
            let mut n = 0;
            for b in &blobs {
                n += e.extract(b).references.len();
            }
            println!("refs {n}");
        }
    }
    println!("{mode}: {:?}", t.elapsed());
}
