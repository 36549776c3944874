//! Everything revertcheck prints on stdout: text for people, JSON (versioned) for programs, DOT
//! for graphs, SARIF 2.1.0 and GitLab Code Quality for CI systems, Markdown for replies. Output types here are the only serialised
//! types, and each JSON document carries a `schema` string that changes when its shape does.

pub mod audit;
pub mod check;
mod check_findings;
pub mod check_text;
pub mod codequality;
pub mod compare;
pub mod deps;
pub mod explain;
pub mod index;
pub mod policy;
pub mod revert;
pub mod rules;
pub mod sarif;
pub mod text;

/// Writes a JSON document to stdout with a trailing newline.
pub fn print_json<T: serde::Serialize>(value: &T) {
    let text = serde_json::to_string_pretty(value).expect("report types always serialise");
    println!("{text}");
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so a
/// reader (or an interrupted run) never sees half a file.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> crate::error::Result<()> {
    use std::io::Write;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let io = |e: std::io::Error| crate::error::Error::Io { path: path.to_path_buf(), source: e };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    // A temporary file is created 0600; a report is an ordinary file: 0666 less the umask, as
    // `>` in a shell would create it (0644 with the usual umask 022).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o666 & !umask())).map_err(io)?;
    }
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// The process's umask, read without changing it (Linux's /proc); elsewhere set and restored at
/// once, the only portable way to read it.
#[cfg(unix)]
fn umask() -> u32 {
    let from_proc = std::fs::read_to_string("/proc/self/status").ok().and_then(|s| {
        let line = s.lines().find(|l| l.starts_with("Umask:"))?;
        u32::from_str_radix(line.trim_start_matches("Umask:").trim(), 8).ok()
    });
    from_proc.unwrap_or_else(|| {
        // SAFETY: umask only swaps the process's file mode mask; it is restored right away.
        let old = unsafe { libc::umask(0o022) };
        unsafe { libc::umask(old) };
        #[allow(clippy::useless_conversion)] // mode_t is u16 on some systems
        u32::from(old)
    })
}
