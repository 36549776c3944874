//! Any bytes as a C file: extraction never panics, and what it returns is consistent (names in
//! range, spans ordered, references attributed to existing definitions).
#![no_main]

use libfuzzer_sys::fuzz_target;
use revertcheck::lang::{Extractor, IdiomTable, Limits, Queries};

fuzz_target!(|data: &[u8]| {
    thread_local! {
        static SHARED: (Queries, IdiomTable) = (Queries::load().unwrap(), IdiomTable::builtin());
    }
    SHARED.with(|(queries, idioms)| {
        let fs = Extractor::new(queries, idioms, Limits { parse_timeout: std::time::Duration::from_secs(2) }).extract(data);
        for d in &fs.definitions {
            assert!((d.name as usize) < fs.names.len());
            assert!(d.start_line <= d.end_line && d.start_byte <= d.end_byte);
            assert!(d.end_byte as usize <= data.len());
        }
        for r in &fs.references {
            assert!((r.name as usize) < fs.names.len());
            assert!(r.from.is_none_or(|f| (f as usize) < fs.definitions.len()));
        }
        let _ = fs.render();
    });
});
