//! `revertcheck debug ...`: dumps of intermediate stages, for developers and bug reports.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{Cli, Common};
use crate::error::{Error, Result};
use std::io::Write;

use crate::graph::{DepGraph, Node};
use crate::lang::{mask, parse_error_sites, Extractor, IdiomTable, Limits, Queries};
use crate::symbols::{FileId, SymbolId, SymbolTable};

#[derive(Args, Debug)]
pub struct DebugArgs {
    #[command(subcommand)]
    pub what: DebugCommand,
}

#[derive(Subcommand, Debug)]
pub enum DebugCommand {
    /// Extract one C file from disk and print its definitions, references and includes; a
    /// build-time generator's input (trace-events, `.decode`, QAPI schema, `.hx`, by its path)
    /// is read by its generator.
    Extract { file: PathBuf },
    /// Build a scenario directory (fixtures/scenarios/<name>) into a repository at `into`; with
    /// `--extend`, add its steps on top of the repository already there.
    Scenario {
        dir: PathBuf,
        into: PathBuf,
        #[arg(long)]
        extend: bool,
    },
    /// Print C files as tree-sitter sees them after idiom masking (same length, same lines).
    Mask {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List the ERROR and MISSING nodes tree-sitter leaves after masking, as
    /// `path:line:column: ERROR|MISSING (N bytes) | the line`: where a masking rule is wanted.
    /// Files from disk, or with `--rev` every C file of a revision.
    ParseErrors {
        files: Vec<PathBuf>,
        /// Every C file of this revision instead of files from disk.
        #[arg(long, conflicts_with = "files")]
        rev: Option<String>,
    },
    /// List every definition site of a revision as `path:name kind line`.
    Defs {
        #[arg(default_value = "HEAD")]
        rev: String,
        /// Only this kind (function, prototype, macro, ...).
        #[arg(long)]
        kind: Option<String>,
    },
    /// For each path (or with none, every file of the revision), the MAINTAINERS sections that
    /// cover it, as `path<TAB>title|title|...`, deepest first: what
    /// `get_maintainer.pl -f path --sections` lists.
    Maintainers {
        paths: Vec<String>,
        #[arg(long, default_value = "HEAD")]
        rev: String,
    },
    /// List every edge of a revision's dependency graph, one per line, tab-separated: user
    /// file, user symbol (`-` for file-level code), its kind and line, used symbol, its kind
    /// (`external` for names defined nowhere), the file and line of its nearest site (`-` and
    /// 0 if none), binding, use kind, line of the first use. For comparisons with a compiler's view
    /// (benches/oracle).
    Edges {
        #[arg(long, default_value = "HEAD")]
        at: String,
    },
}

pub fn run(cli: &Cli, args: &DebugArgs) -> Result<i32> {
    match &args.what {
        DebugCommand::Maintainers { paths, rev } => {
            let repo = crate::repo::Repo::discover(&cli.repo)?;
            let tree = repo.tree_of(repo.resolve(rev)?)?;
            let Some(bytes) = repo.file_at(tree, "MAINTAINERS")? else {
                return Err(Error::bad_input(format!("{rev}:MAINTAINERS"), "no such file"));
            };
            let dirs = repo.directories(tree)?;
            let m = crate::policy::maintainers::Maintainers::parse_in(&String::from_utf8_lossy(&bytes), &|p| {
                dirs.contains(p)
            });
            let paths = if paths.is_empty() { repo.paths(tree)? } else { paths.clone() };
            let mut out = std::io::stdout().lock();
            for p in paths {
                let titles: Vec<&str> = m.sections_for(&p).iter().map(|s| s.title.as_str()).collect();
                let _ = writeln!(out, "{p}\t{}", titles.join("|"));
            }
        }
        DebugCommand::Extract { file } => {
            let src = read(file)?;
            // A build-time generator's input (by its path as given: `hw/net/trace-events`).
            let generators = crate::lang::GeneratorTable::builtin();
            if let Some(generator) = generators.for_path(&file.to_string_lossy()) {
                print!("{}", generator.extract(&src).render());
                return Ok(0);
            }
            let queries = Queries::load().map_err(|e| Error::bad_input("grammars/c", e))?;
            let idioms = IdiomTable::builtin();
            print!("{}", Extractor::new(&queries, &idioms, Limits::default()).extract(&src).render());
        }
        DebugCommand::Mask { files } => {
            let idioms = IdiomTable::builtin();
            let mut out = std::io::stdout().lock();
            for file in files {
                let src = read(file)?;
                // A closed pipe (`| head`) ends the dump; nothing is left half-done.
                if out.write_all(&mask::mask(&src, &idioms).text).is_err() {
                    break;
                }
            }
        }
        DebugCommand::ParseErrors { files, rev } => {
            let idioms = IdiomTable::builtin();
            let mut inputs: Vec<(String, Vec<u8>)> = Vec::new();
            if let Some(rev) = rev {
                let common = Common::new(cli, IdiomTable::builtin())?;
                let tree = common.repo.tree_of(common.repo.resolve(rev)?)?;
                for f in common.repo.c_files(tree, common.index_config.max_file_size)?.files {
                    inputs.push((f.path, common.repo.read_blob(f.blob)?));
                }
            } else {
                if files.is_empty() {
                    return Err(Error::bad_input("debug parse-errors", "name C files, or a revision with --rev"));
                }
                for file in files {
                    let src = read(file)?;
                    inputs.push((file.display().to_string(), src));
                }
            }
            for (path, src) in &inputs {
                let lines: Vec<&[u8]> = src.split(|&b| b == b'\n').collect();
                for site in parse_error_sites(src, &idioms) {
                    let text =
                        lines.get(site.line as usize - 1).map_or(Default::default(), |l| String::from_utf8_lossy(l));
                    let what = if site.missing { "MISSING" } else { "ERROR" };
                    println!(
                        "{path}:{}:{}: {what} ({} bytes) | {}",
                        site.line,
                        site.column + 1,
                        site.len,
                        text.trim_end()
                    );
                }
            }
        }
        DebugCommand::Scenario { dir, into, extend } => {
            let scenario = crate::scenario::Scenario::from_dir(dir)?;
            if *extend {
                scenario.extend(into)?;
            } else {
                std::fs::create_dir_all(into).map_err(|e| Error::Io { path: into.clone(), source: e })?;
                scenario.build(into)?;
            }
        }
        DebugCommand::Defs { rev, kind } => {
            let common = Common::new(cli, IdiomTable::builtin())?;
            let index = common.index(rev)?;
            for f in &index.files {
                for d in &f.symbols.definitions {
                    if kind.as_deref().is_none_or(|k| k == d.kind.as_str()) {
                        println!("{}:{} {} {}", f.path, f.symbols.def_name(d), d.kind.as_str(), d.name_line);
                    }
                }
            }
        }
        DebugCommand::Edges { at } => {
            let common = Common::new(cli, IdiomTable::builtin())?;
            let index = common.index(at)?;
            let table = SymbolTable::build(&index);
            let graph = DepGraph::build(&index, &table);
            print_edges(&table, &graph);
        }
    }
    Ok(0)
}

/// `debug edges`: every edge from every symbol and every file's top-level code. A used symbol
/// with names per inclusion is written `text|name|name...`.
fn print_edges(table: &SymbolTable, graph: &DepGraph) {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let users = (0..table.symbols.len())
        .map(|i| graph.symbol_node(SymbolId(i as u32)))
        .chain((0..table.files.len()).map(|i| graph.file_node(FileId(i as u32))));
    for from in users {
        for (to, e) in graph.dependencies(from) {
            let (user, user_kind, user_line) = match graph.node(from) {
                Node::Symbol(id) => {
                    let sym = table.symbol(*id);
                    // the site in the edge's file whose extent holds the use
                    let site = sym
                        .sites
                        .iter()
                        .find(|s| s.file == e.file && s.start_line <= e.line && e.line <= s.end_line)
                        .or_else(|| sym.sites.iter().find(|s| s.file == e.file));
                    (sym.name.as_str(), site.map_or(sym.kind(), |s| s.kind).as_str(), site.map_or(0, |s| s.line))
                }
                _ => ("-", "file", 0),
            };
            let (used, used_kind, site_line) = match graph.node(to) {
                Node::Symbol(id) => {
                    let sym = table.symbol(*id);
                    let site_line = sym.sites.iter().find(|s| Some(s.file) == e.site_file).map_or(0, |s| s.line);
                    // A template's definition, then the names it gets where it is included.
                    let names = std::iter::once(sym.name.as_str()).chain(sym.aliases.iter().map(String::as_str));
                    (names.collect::<Vec<_>>().join("|"), sym.kind().as_str(), site_line)
                }
                Node::External { name, .. } => (name.clone(), "external", 0),
                Node::FileScope(_) => continue,
            };
            let site = e.site_file.map_or("-", |f| table.path(f));
            let line = format!(
                "{}\t{user}\t{user_kind}\t{user_line}\t{used}\t{used_kind}\t{site}\t{site_line}\t{}\t{}\t{}",
                table.path(e.file),
                e.binding.as_str(),
                e.kind.as_str(),
                e.line
            );
            // A closed pipe (`| head`) ends the dump.
            if writeln!(out, "{line}").is_err() {
                return;
            }
        }
    }
}

/// A file from disk, or an error that names it.
fn read(file: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::read(file).map_err(|e| Error::Io { path: file.to_path_buf(), source: e })
}
