//! The `check` report: JSON here; SARIF 2.1.0 in `sarif`, GitLab Code Quality in
//! `codequality`; the text, the reply and Markdown in `check_text`.

use super::check_text::{self, TextOptions};
use crate::check::CheckReport;
use crate::cli::CheckFormat;

pub fn print(r: &CheckReport, format: CheckFormat, opts: TextOptions) {
    match format {
        CheckFormat::Json => super::print_json(r),
        CheckFormat::Sarif => super::print_json(&super::sarif::check(r)),
        CheckFormat::Codequality => super::print_json(&super::codequality::check(r)),
        CheckFormat::Markdown => print!("{}", check_text::markdown(r)),
        CheckFormat::Reply => print!("{}", check_text::reply(r)),
        CheckFormat::Text => anstream::print!("{}", check_text::text(r, opts)),
    }
}
