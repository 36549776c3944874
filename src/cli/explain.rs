//! `revertcheck explain [<code>]`: the catalog of finding codes.

use clap::Args;

use crate::error::{Error, Result};
use crate::report::explain;

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// A finding code as the reports print it (`[over_cap]`); without one, list them all.
    #[arg(value_name = "code")]
    pub code: Option<String>,
}

pub fn run(args: &ExplainArgs) -> Result<i32> {
    let Some(code) = &args.code else {
        explain::print(None);
        return Ok(0);
    };
    let code = code.trim_matches(|c| c == '[' || c == ']');
    match explain::lookup(code) {
        Some(entry) => {
            explain::print(Some(entry));
            Ok(0)
        }
        None => {
            Err(Error::bad_input(format!("finding code `{code}`"), "unknown: `revertcheck explain` lists the codes"))
        }
    }
}
