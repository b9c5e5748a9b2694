//! `wxinvoice validate`: run the pipeline over a spec directory and print every problem.

use std::path::PathBuf;

use crate::outcome::{Outcome, Status};
use crate::pipeline;

/// Arguments of `wxinvoice validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec directory (holding endpoints/, types/ and errors/).
    #[arg(value_name = "SPEC_DIR", default_value_os_t = crate::default_spec_dir())]
    pub spec_dir: PathBuf,
}

/// Prints every problem with its source line, or a one-line summary when there is none.
pub fn run(args: &Args) -> Outcome {
    let sources = pipeline::read_sources(&args.spec_dir)?;
    match pipeline::run(&sources) {
        Ok(generated) => {
            let api = &generated.api;
            println!(
                "{}: ok, {}, {}, {}, {}",
                args.spec_dir.display(),
                count(api.endpoints.len(), "endpoint"),
                count(api.types.len(), "type"),
                count(api.errors.len(), "error code"),
                count(api.events.len(), "event"),
            );
            Ok(Status::Clean)
        }
        Err(rejected) => {
            println!("{}", rejected.render());
            Ok(Status::Problems)
        }
    }
}

/// `1 endpoint`, `2 endpoints`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn counts_are_plural_unless_one() {
        assert_eq!(count(1, "type"), "1 type");
        assert_eq!(count(0, "error code"), "0 error codes");
    }
}
