//! The audit's persistent store: SQLite through rusqlite (bundled, nothing to install).
//!
//! Tables: `meta` (schema version), `runs` (one row per completed audit) and `results` (one row
//! per audited commit per run). A run is written in one transaction after the analysis is done,
//! so a run killed halfway leaves the store as it was; concurrent runs serialise on SQLite's
//! write lock (`BEGIN IMMEDIATE`, with a busy timeout) and each sees a consistent previous run.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde::Serialize;

use crate::error::{Error, Result};

/// The schema this build writes. Older stores are migrated; newer ones are refused.
pub const SCHEMA_VERSION: i64 = 3;

const MIGRATIONS: &[&str] = &[
    // 0 -> 1
    "CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started_at INTEGER NOT NULL,
        finished_at INTEGER NOT NULL,
        head TEXT NOT NULL,
        options TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        commits INTEGER NOT NULL
     );
     CREATE TABLE results (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        commit_id TEXT NOT NULL,
        summary TEXT NOT NULL,
        author TEXT NOT NULL,
        committed_at INTEGER NOT NULL,
        age_days INTEGER NOT NULL,
        age_commits INTEGER NOT NULL,
        verdict TEXT NOT NULL,
        applies INTEGER NOT NULL,
        conflicts INTEGER NOT NULL,
        cascade INTEGER NOT NULL,
        rework INTEGER NOT NULL,
        reverted_by TEXT,
        responsible TEXT NOT NULL,
        details TEXT NOT NULL,
        PRIMARY KEY (run_id, commit_id)
     );
     CREATE INDEX results_by_commit ON results(commit_id);",
    // 1 -> 2: the structural verdict at landing time (`audit --landing`).
    "ALTER TABLE results ADD COLUMN landing TEXT;",
    // 2 -> 3: evidence for the policy debate (`audit --compare trailer`): survival of the
    // commit's lines, later rewrites, `Fixes:` naming it, as JSON (`audit::evidence::Evidence`);
    // an AI-declared commit's change as the split rule reads it (`audit::split::Change`); and the
    // policy verdict at landing time, beside the structural one.
    "ALTER TABLE results ADD COLUMN evidence TEXT;
     ALTER TABLE results ADD COLUMN change TEXT;
     ALTER TABLE results ADD COLUMN landing_policy TEXT;",
];

/// One audited commit as stored.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StoredResult {
    pub commit_id: String,
    pub summary: String,
    pub author: String,
    pub committed_at: i64,
    pub age_days: i64,
    pub age_commits: i64,
    pub verdict: String,
    pub applies: bool,
    pub conflicts: i64,
    pub cascade: i64,
    pub rework: i64,
    pub reverted_by: Option<String>,
    /// Later commits responsible for conflicts and breaking uses (ids, comma separated in the
    /// store; a list in the JSON report).
    #[serde(serialize_with = "comma_list")]
    pub responsible: String,
    /// The full analysis as JSON text in the store; a nested object in the JSON report.
    #[serde(serialize_with = "json_text")]
    pub details: String,
    /// The pre-merge structural verdict of the commit at landing (leaf, contained, cascading),
    /// when the run computed it (`--landing`).
    pub landing: Option<String>,
    /// `audit::evidence::Evidence` as JSON, when the run computed it (`--compare`).
    #[serde(serialize_with = "opt_json_text")]
    pub evidence: Option<String>,
    /// `audit::split::Change` as JSON: an AI-declared commit's code lines and files, computed
    /// with the landing verdict and carried over like it.
    #[serde(serialize_with = "opt_json_text")]
    pub change: Option<String>,
    /// The policy verdict `check` gave the commit at landing (`ok`, `needs-maintainer`, ...),
    /// computed with the landing verdict.
    pub landing_policy: Option<String>,
}

impl StoredResult {
    /// The commits behind conflicts and breaking uses, as a list.
    pub fn responsible_ids(&self) -> Vec<&str> {
        self.responsible.split(',').filter(|s| !s.is_empty()).collect()
    }
}

fn comma_list<S: serde::Serializer>(text: &str, s: S) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let ids: Vec<&str> = text.split(',').filter(|id| !id.is_empty()).collect();
    let mut seq = s.serialize_seq(Some(ids.len()))?;
    for id in ids {
        seq.serialize_element(id)?;
    }
    seq.end()
}

/// Stored JSON text written out as JSON; text that does not parse (a hand-edited store) is
/// written as a string rather than failing the report.
fn json_text<S: serde::Serializer>(text: &str, s: S) -> std::result::Result<S::Ok, S::Error> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => v.serialize(s),
        Err(_) => s.serialize_str(text),
    }
}

/// `json_text` for an optional column: null when absent.
fn opt_json_text<S: serde::Serializer>(text: &Option<String>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match text {
        Some(t) => json_text(t, s),
        None => s.serialize_none(),
    }
}

/// One run's share of cleanly revertible commits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrendPoint {
    pub run_id: i64,
    pub finished_at: i64,
    pub head: String,
    pub commits: i64,
    pub clean: i64,
}

/// A completed run, as `audit history` lists it.
#[derive(Clone, Debug, Serialize)]
pub struct RunRow {
    pub id: i64,
    pub started_at: i64,
    pub finished_at: i64,
    pub head: String,
    pub options: String,
    pub tool_version: String,
    pub commits: i64,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the store at `path`, migrating an older schema.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::Io { path: dir.to_path_buf(), source: e })?;
        }
        let bad = |why: String| Error::bad_input(path.display().to_string(), why);
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)
            .map_err(|e| bad(format!("cannot open the audit store: {e}")))?;
        conn.busy_timeout(Duration::from_secs(30)).map_err(|e| bad(e.to_string()))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| bad(format!("not an SQLite database, or damaged: {e}")))?;
        let mut store = Store { conn, path: path.to_path_buf() };
        store.migrate()?;
        Ok(store)
    }

    fn bad(&self, why: impl std::fmt::Display) -> Error {
        Error::bad_input(self.path.display().to_string(), why.to_string())
    }

    fn migrate(&mut self) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(|e| {
            Error::bad_input(self.path.display().to_string(), format!("not an SQLite database, or damaged: {e}"))
        })?;
        tx.execute_batch("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)").map_err(
            |e| Error::bad_input(self.path.display().to_string(), format!("not an SQLite database, or damaged: {e}")),
        )?;
        let version: i64 = tx
            .query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get::<_, String>(0))
            .optional()
            .map_err(|e| Error::bad_input(self.path.display().to_string(), e.to_string()))?
            .map_or(Ok(0), |v| v.parse())
            .map_err(|_| Error::bad_input(self.path.display().to_string(), "schema_version is not a number"))?;
        if version > SCHEMA_VERSION {
            return Err(Error::bad_input(
                self.path.display().to_string(),
                format!(
                    "written by a newer revertcheck (schema {version}, this one reads up to {SCHEMA_VERSION}); use a newer revertcheck or another --db"
                ),
            ));
        }
        for m in &MIGRATIONS[version as usize..] {
            tx.execute_batch(m)
                .map_err(|e| Error::bad_input(self.path.display().to_string(), format!("migration failed: {e}")))?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![SCHEMA_VERSION.to_string()],
        )
        .map_err(|e| Error::bad_input(self.path.display().to_string(), e.to_string()))?;
        tx.commit().map_err(|e| Error::bad_input(self.path.display().to_string(), e.to_string()))
    }

    /// The newest completed run and its results.
    pub fn last_run(&self) -> Result<Option<(RunRow, Vec<StoredResult>)>> {
        let run = self
            .conn
            .query_row(
                "SELECT id, started_at, finished_at, head, options, tool_version, commits FROM runs ORDER BY id DESC LIMIT 1",
                [],
                run_row,
            )
            .optional()
            .map_err(|e| self.bad(e))?;
        let Some(run) = run else { return Ok(None) };
        let results = self.results(run.id)?;
        Ok(Some((run, results)))
    }

    pub fn results(&self, run_id: i64) -> Result<Vec<StoredResult>> {
        self.query_results("WHERE run_id = ?1", run_id)
    }

    /// The latest stored row of every commit whose AI-declared change was recorded (for the
    /// split rule across runs), runs before `before_run` only.
    pub fn ai_changes(&self, before_run: i64) -> Result<Vec<StoredResult>> {
        self.query_results(
            "WHERE change IS NOT NULL AND run_id < ?1 AND run_id = (SELECT MAX(r2.run_id) FROM results r2
                 WHERE r2.commit_id = results.commit_id AND r2.change IS NOT NULL AND r2.run_id < ?1)",
            before_run,
        )
    }

    fn query_results(&self, filter: &str, param: i64) -> Result<Vec<StoredResult>> {
        let sql = format!(
            "SELECT commit_id, summary, author, committed_at, age_days, age_commits, verdict, applies, conflicts,
                    cascade, rework, reverted_by, responsible, details, landing, evidence, change, landing_policy
             FROM results {filter} ORDER BY committed_at, commit_id"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.bad(e))?;
        let rows = stmt
            .query_map(params![param], |r| {
                Ok(StoredResult {
                    commit_id: r.get(0)?,
                    summary: r.get(1)?,
                    author: r.get(2)?,
                    committed_at: r.get(3)?,
                    age_days: r.get(4)?,
                    age_commits: r.get(5)?,
                    verdict: r.get(6)?,
                    applies: r.get::<_, i64>(7)? != 0,
                    conflicts: r.get(8)?,
                    cascade: r.get(9)?,
                    rework: r.get(10)?,
                    reverted_by: r.get(11)?,
                    responsible: r.get(12)?,
                    details: r.get(13)?,
                    landing: r.get(14)?,
                    evidence: r.get(15)?,
                    change: r.get(16)?,
                    landing_policy: r.get(17)?,
                })
            })
            .map_err(|e| self.bad(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.bad(e))
    }

    pub fn runs(&self) -> Result<Vec<RunRow>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, started_at, finished_at, head, options, tool_version, commits FROM runs ORDER BY id")
            .map_err(|e| self.bad(e))?;
        let rows = stmt.query_map([], run_row).map_err(|e| self.bad(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.bad(e))
    }

    /// Every stored run with its verdict counts, oldest first: the audit page's trend.
    pub fn trend(&self) -> Result<Vec<TrendPoint>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT r.id, r.finished_at, r.head, count(x.commit_id), coalesce(sum(x.verdict = 'clean'), 0)
                 FROM runs r LEFT JOIN results x ON x.run_id = r.id GROUP BY r.id ORDER BY r.id",
            )
            .map_err(|e| self.bad(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(TrendPoint {
                    run_id: r.get(0)?,
                    finished_at: r.get(1)?,
                    head: r.get(2)?,
                    commits: r.get(3)?,
                    clean: r.get(4)?,
                })
            })
            .map_err(|e| self.bad(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.bad(e))
    }

    /// Writes a whole run in one transaction; returns its id. `fail_after` injects a failure
    /// after that many result rows (tests prove a failed run leaves nothing behind).
    pub fn write_run(&mut self, run: &RunRow, results: &[StoredResult], fail_after: Option<usize>) -> Result<i64> {
        let path = self.path.display().to_string();
        let err = |e: rusqlite::Error| Error::bad_input(path.clone(), format!("writing the run failed: {e}"));
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(err)?;
        tx.execute(
            "INSERT INTO runs (started_at, finished_at, head, options, tool_version, commits) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![run.started_at, run.finished_at, run.head, run.options, run.tool_version, run.commits],
        )
        .map_err(err)?;
        let run_id = tx.last_insert_rowid();
        {
            let mut stmt = tx
                .prepare(
                    "INSERT INTO results (run_id, commit_id, summary, author, committed_at, age_days, age_commits, verdict,
                        applies, conflicts, cascade, rework, reverted_by, responsible, details, landing, evidence, change,
                        landing_policy)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
                )
                .map_err(err)?;
            for (i, r) in results.iter().enumerate() {
                if fail_after == Some(i) {
                    return Err(Error::bad_input(path, "injected failure (test)"));
                }
                stmt.execute(params![
                    run_id,
                    r.commit_id,
                    r.summary,
                    r.author,
                    r.committed_at,
                    r.age_days,
                    r.age_commits,
                    r.verdict,
                    i64::from(r.applies),
                    r.conflicts,
                    r.cascade,
                    r.rework,
                    r.reverted_by,
                    r.responsible,
                    r.details,
                    r.landing,
                    r.evidence,
                    r.change,
                    r.landing_policy
                ])
                .map_err(err)?;
            }
        }
        tx.commit().map_err(err)?;
        Ok(run_id)
    }
}

fn run_row(r: &rusqlite::Row) -> rusqlite::Result<RunRow> {
    Ok(RunRow {
        id: r.get(0)?,
        started_at: r.get(1)?,
        finished_at: r.get(2)?,
        head: r.get(3)?,
        options: r.get(4)?,
        tool_version: r.get(5)?,
        commits: r.get(6)?,
    })
}

/// The default store for a repository: `$XDG_DATA_HOME/revertcheck/<name>-<hash>.sqlite`, else
/// `~/.local/share/revertcheck/...`; the hash keeps two repositories of one name apart.
pub fn default_path(git_dir: &Path) -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()).map(PathBuf::from).or_else(|| {
        std::env::var_os("HOME").filter(|d| !d.is_empty()).map(|h| PathBuf::from(h).join(".local/share"))
    })?;
    let canonical = git_dir.canonicalize().unwrap_or_else(|_| git_dir.to_path_buf());
    let text = canonical.to_string_lossy();
    let name: String = canonical
        .components()
        .rev()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .find(|c| c != ".git" && c != "repo")
        .unwrap_or_else(|| "repo".into())
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let hash = crate::lang::lexer::normalized_hash(text.as_bytes());
    Some(base.join("revertcheck").join(format!("{name}-{:08x}.sqlite", hash as u32)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, verdict: &str) -> StoredResult {
        StoredResult {
            commit_id: id.into(),
            summary: "s".into(),
            author: "a".into(),
            committed_at: 1,
            age_days: 0,
            age_commits: 0,
            verdict: verdict.into(),
            applies: true,
            conflicts: 0,
            cascade: 0,
            rework: 0,
            reverted_by: None,
            responsible: String::new(),
            details: "{}".into(),
            landing: None,
            evidence: None,
            change: None,
            landing_policy: None,
        }
    }

    fn run() -> RunRow {
        RunRow {
            id: 0,
            started_at: 1,
            finished_at: 2,
            head: "h".into(),
            options: "{}".into(),
            tool_version: "t".into(),
            commits: 2,
        }
    }

    #[test]
    fn a_failed_run_leaves_the_previous_one_intact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.sqlite");
        let mut store = Store::open(&path).unwrap();
        store.write_run(&run(), &[row("c1", "clean")], None).unwrap();
        assert!(store.write_run(&run(), &[row("c1", "entangled"), row("c2", "clean")], Some(1)).is_err());
        let (last, results) = store.last_run().unwrap().unwrap();
        assert_eq!(last.id, 1);
        assert_eq!(results, vec![row("c1", "clean")]);
        assert_eq!(store.runs().unwrap().len(), 1);
    }

    #[test]
    fn a_version_1_store_is_migrated_and_keeps_its_runs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.sqlite");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '1');").unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.execute_batch("INSERT INTO runs VALUES (1, 1, 2, 'h', '{}', 't', 1); INSERT INTO results VALUES (1, 'c1', 's', 'a', 1, 0, 0, 'clean', 1, 0, 0, 0, NULL, '', '{}');").unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        let (run, results) = store.last_run().unwrap().unwrap();
        assert_eq!(run.id, 1);
        assert_eq!(results[0].verdict, "clean");
        assert_eq!(results[0].landing, None);
        assert_eq!(results[0].evidence, None);
    }

    #[test]
    fn newer_schema_is_refused_and_garbage_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.sqlite");
        drop(Store::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'", []).unwrap();
        drop(conn);
        let err = Store::open(&path).err().unwrap().to_string();
        assert!(err.contains("newer revertcheck (schema 99"), "{err}");

        let junk = dir.path().join("junk.sqlite");
        std::fs::write(&junk, b"this is not a database, just some text that is long enough").unwrap();
        let err = Store::open(&junk).err().unwrap().to_string();
        assert!(err.contains("junk.sqlite") && err.contains("not an SQLite database"), "{err}");
    }
}
