//! Any bytes as an mbox: parsing either fails with an error naming the input or yields mails
//! whose diffs pass the structural check again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use revertcheck::patch::{parse_diff, parse_mbox};

fuzz_target!(|data: &[u8]| {
    match parse_mbox(data, "fuzz.mbox") {
        Ok(mails) => {
            assert!(!mails.is_empty());
            for m in mails {
                assert!(parse_diff(&String::from_utf8_lossy(&m.diff)).is_ok());
            }
        }
        Err(e) => assert!(e.to_string().starts_with("fuzz.mbox")),
    }
});
