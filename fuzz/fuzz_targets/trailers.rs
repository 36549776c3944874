//! Any text as a commit message: trailer parsing and the AI-used-for checks never panic, and
//! every finding's line points into the message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use revertcheck::policy::trailers::{check_trailers, TrailerRequirements};

fuzz_target!(|data: &[u8]| {
    let message = String::from_utf8_lossy(data);
    let req = TrailerRequirements { require_tool: data.first().is_some_and(|b| b & 1 == 1), require_model: true };
    let (trailers, _, findings) = check_trailers(&message, &req);
    let lines = message.lines().count() as u32;
    for t in &trailers.entries {
        assert!(t.line >= 1 && t.line <= lines);
    }
    for f in &findings {
        if let Some(l) = f.line() {
            assert!(l <= lines);
        }
    }
});
