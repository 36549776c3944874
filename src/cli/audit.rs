//! `revertcheck audit`: the nightly check that every AI-assisted commit can still be reverted,
//! and `revertcheck audit history`.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{Cli, Common, Format};
use crate::audit::{self, store::Store, Selection};
use crate::error::{Error, Result};
use crate::lang::IdiomTable;
use crate::report;

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub action: Option<AuditAction>,
    #[command(flatten)]
    pub run: AuditRunArgs,
}

#[derive(Subcommand, Debug)]
pub enum AuditAction {
    /// List the runs recorded in the store.
    History {
        /// The store to read [default: $XDG_DATA_HOME/revertcheck/<repo>-<hash>.sqlite].
        #[arg(long, value_name = "path")]
        db: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Args, Debug)]
pub struct AuditRunArgs {
    /// The revision to audit at.
    #[arg(long, default_value = "HEAD", value_name = "rev")]
    pub at: String,
    /// Only commits after this revision, or on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "rev|date")]
    pub since: Option<String>,
    /// Select commits carrying this trailer (repeatable) [default: AI-used-for].
    #[arg(long = "trailer", value_name = "name")]
    pub trailers: Vec<String>,
    /// Every non-merge commit in the range, tagged or not (for research).
    #[arg(long)]
    pub all_commits: bool,
    /// Only commits touching a path matching this glob (repeatable).
    #[arg(long = "path", value_name = "glob")]
    pub paths: Vec<String>,
    /// At most this many commits, newest first.
    #[arg(long, value_name = "n")]
    pub limit: Option<usize>,
    /// The store [default: $XDG_DATA_HOME/revertcheck/<repo>-<hash>.sqlite].
    #[arg(long, value_name = "path")]
    pub db: Option<PathBuf>,
    /// Also write a self-contained HTML report here.
    #[arg(long, value_name = "file")]
    pub html: Option<PathBuf>,
    /// The project's name as the HTML page's title [default: the `origin` remote's last path
    /// component, else the repository's directory name].
    #[arg(long, value_name = "name")]
    pub project_name: Option<String>,
    /// Commit links on the HTML page: `{id}` becomes the full commit id.
    #[arg(long, value_name = "template", default_value = audit::html::DEFAULT_COMMIT_URL)]
    pub commit_url: String,
    /// Links to a commit's mail on the HTML page, from its `Message-ID:` trailer (a `Link:`
    /// trailer is used as it is): `{msgid}` becomes the id without angle brackets.
    #[arg(long, value_name = "template", default_value = audit::html::DEFAULT_MAIL_URL)]
    pub mail_url: String,
    /// Record each commit's pre-merge structural verdict at landing time (leaf, contained,
    /// cascading). On by default, except with --all-commits: it builds two symbol graphs per
    /// commit (about a second each on a QEMU-sized tree), once per commit: later runs carry it
    /// over from the store.
    #[arg(long, overrides_with = "no_landing")]
    pub landing: bool,
    /// Do not compute landing verdicts.
    #[arg(long, overrides_with = "landing")]
    pub no_landing: bool,
    /// Also record each commit's evidence (how much of what it added later commits rewrote,
    /// and when; later `Fixes:` naming it) and compare AI-declared commits with the others of
    /// the same files and period.
    #[arg(long, value_enum, value_name = "by")]
    pub compare: Option<CompareBy>,
    /// AI-declared commits of one author on the same files within this many days count as one
    /// fix against the line cap (the drafts' split rule), across this run and the store's
    /// earlier ones. Needs landing verdicts (on by default without --all-commits).
    #[arg(long, value_name = "days", default_value_t = 30)]
    pub split_window: u32,
    /// Exit 1 when a commit lost its revertibility since the previous run.
    #[arg(long)]
    pub fail_on_new: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// What `--compare` splits the audited commits on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CompareBy {
    /// AI declared (an AI-used-for or selected trailer, or an AI identity in a trailer) or not.
    Trailer,
}

pub fn run(cli: &Cli, args: &AuditArgs) -> Result<i32> {
    if let Some(AuditAction::History { db, format }) = &args.action {
        let common_repo = crate::repo::Repo::discover(&cli.repo)?;
        let path = store_path(db.as_ref(), &common_repo)?;
        let store = Store::open(&path)?;
        report::audit::print_history(&store.runs()?, *format);
        return Ok(0);
    }
    let a = &args.run;
    let common = Common::new(cli, IdiomTable::builtin())?;
    let head = common.repo.resolve(&a.at)?;
    let (since_rev, since_time) = match &a.since {
        Some(s) => match parse_date(s) {
            Some(t) => (None, Some(t)),
            None => (Some(s.clone()), None),
        },
        None => (None, None),
    };
    let selection = Selection {
        trailers: if a.trailers.is_empty() { vec!["AI-used-for".into()] } else { a.trailers.clone() },
        all_commits: a.all_commits,
        since_rev,
        since_time,
        paths: a.paths.clone(),
        limit: a.limit,
        landing: a.landing || (!a.no_landing && !a.all_commits),
        compare: a.compare.is_some(),
        split_window_days: a.split_window,
    };
    let path = store_path(a.db.as_ref(), &common.repo)?;
    let mut store = Store::open(&path)?;
    let selected = audit::select(&common.repo, head, &selection)?;
    let progress = if std::io::stderr().is_terminal() && !cli.quiet {
        indicatif::ProgressBar::new(0).with_style(
            indicatif::ProgressStyle::with_template("{prefix} [{bar:40}] {pos}/{len} commits {elapsed}")
                .expect("the template is valid"),
        )
    } else {
        indicatif::ProgressBar::hidden()
    };
    progress.set_prefix("audit");
    let outcome = audit::run(&common.repo, head, &selected, &common.index_config, &mut store, &selection, &progress)?;
    if let Some(html) = &a.html {
        let facts = audit::facts::gather(&common.repo, head, &selected, &a.mail_url)?;
        let trend = store.trend()?;
        let options = audit::html::PageOptions {
            project: a.project_name.clone().unwrap_or_else(|| project_name(&common.repo)),
            commit_url: a.commit_url.clone(),
        };
        let page = audit::html::Page {
            outcome: &outcome,
            options: &options,
            facts: &facts,
            trend: &trend,
            selection: describe(a, &selection),
        };
        crate::report::write_atomically(html, audit::html::render(&page).as_bytes())?;
    }
    report::audit::print(&outcome, &path, a.format);
    if a.format == Format::Text {
        if let Some(c) = &outcome.comparison {
            report::compare::print(c);
        }
        report::compare::print_splits(&outcome.split_fixes);
    }
    let lost = !outcome.transitions.lost_revertibility.is_empty();
    Ok(if a.fail_on_new && lost { 1 } else { 0 })
}

/// The project's name: the `origin` remote's last path component (`qemu` for
/// `https://gitlab.com/qemu-project/qemu.git`), else the work tree's directory name, else the
/// git directory's (its parent's for a `.git` directory).
fn project_name(repo: &crate::repo::Repo) -> String {
    let from_url = repo.remote_url().and_then(|u| {
        let last = u.trim_end_matches('/').rsplit(['/', ':']).next()?.trim_end_matches(".git").to_string();
        (!last.is_empty()).then_some(last)
    });
    let dir = repo.work_dir().unwrap_or(repo.git_dir());
    let name = |p: &std::path::Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    let from_dir = match name(dir) {
        Some(n) if n == ".git" => dir.parent().and_then(name),
        other => other.map(|n| n.trim_end_matches(".git").to_string()),
    };
    from_url.or(from_dir).unwrap_or_else(|| "repository".into())
}

/// What the audit selected, in words, for the page.
fn describe(a: &AuditRunArgs, sel: &Selection) -> String {
    let mut out = if sel.all_commits {
        "every non-merge commit".to_string()
    } else {
        format!("commits with an {} trailer", sel.trailers.join(" or "))
    };
    if let Some(since) = &a.since {
        out.push_str(&format!(" since {since}"));
    }
    if !sel.paths.is_empty() {
        out.push_str(&format!(" touching {}", sel.paths.join(", ")));
    }
    if let Some(n) = sel.limit {
        out.push_str(&format!(", the newest {n}"));
    }
    out
}

fn store_path(explicit: Option<&PathBuf>, repo: &crate::repo::Repo) -> Result<PathBuf> {
    if let Some(p) = explicit {
        return Ok(p.clone());
    }
    audit::store::default_path(repo.git_dir()).ok_or_else(|| {
        Error::bad_input("--db", "no default location (neither XDG_DATA_HOME nor HOME is set); pass --db")
    })
}

/// `YYYY-MM-DD` as seconds since the epoch (UTC midnight).
fn parse_date(s: &str) -> Option<i64> {
    let mut parts = s.split('-');
    let (y, m, d): (i64, i64, i64) =
        (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, parts.next()?.parse().ok()?);
    if parts.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) || s.len() != 10 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400)
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates() {
        assert_eq!(super::parse_date("1970-01-01"), Some(0));
        assert_eq!(super::parse_date("2026-02-13"), Some(1_770_940_800));
        assert_eq!(super::parse_date("HEAD~3"), None);
    }
}
