//! Any two C texts as the sides of a diff: diff-to-symbols never panics and its counts add up.
//! The input is split at the first NUL; lines of either side missing from the other are the
//! removed and added lines.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use revertcheck::changes::c_file_change;
use revertcheck::lang::{Extractor, IdiomTable, Limits, Queries};
use revertcheck::repo::{DiffStatus, FileDiff, Hunk};

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let (old, new) = (&data[..split], data.get(split + 1..).unwrap_or_default());
    thread_local! {
        // Compiling the queries per input made this target 50x slower than `extract`.
        static SHARED: (Queries, IdiomTable) = (Queries::load().unwrap(), IdiomTable::builtin());
    }
    let (old_fs, new_fs) = SHARED.with(|(queries, idioms)| {
        let mut e = Extractor::new(queries, idioms, Limits { parse_timeout: std::time::Duration::from_secs(2) });
        (e.extract(old), e.extract(new))
    });
    let lines = |t: &[u8]| t.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect::<Vec<_>>();
    let (ol, nl) = (lines(old), lines(new));
    let (os, ns): (HashSet<_>, HashSet<_>) = (ol.iter().collect(), nl.iter().collect());
    let removed: Vec<u32> = ol.iter().enumerate().filter(|(_, l)| !ns.contains(l)).map(|(i, _)| i as u32 + 1).collect();
    let added: Vec<u32> = nl.iter().enumerate().filter(|(_, l)| !os.contains(l)).map(|(i, _)| i as u32 + 1).collect();
    let hunk = Hunk { old_start: 1, old_lines: ol.len() as u32, new_start: 1, new_lines: nl.len() as u32, removed, added };
    let diff = FileDiff {
        old_path: Some("a.c".into()),
        new_path: Some("a.c".into()),
        old_blob: None,
        new_blob: None,
        status: DiffStatus::Modified,
        binary: false,
        similarity: 0,
        hunks: vec![hunk],
    };
    let change = c_file_change(&diff, Some((&old_fs, old)), Some((&new_fs, new)), |_| false);
    assert!(change.lines.code + change.lines.comment <= change.lines.added + change.lines.removed);
});
