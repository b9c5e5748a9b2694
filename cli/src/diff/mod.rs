//! `wxinvoice diff`: classify the changes between two specs, like oasdiff does for OpenAPI.
//!
//! [`source`] turns each argument into a spec directory, [`compare`] finds the changes,
//! [`rules`] says what each kind is worth, [`report`] prints them.

pub mod change;
pub mod compare;
pub mod events;
pub mod generated;
pub mod report;
pub mod rules;
pub mod source;

use clap::ValueEnum;

use crate::outcome::{Outcome, Status};
use crate::pipeline;
use change::Tally;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line per change.
    Text,
    /// A PR comment grouped by endpoint.
    Markdown,
    /// An array of {id, level, direction, endpoint, message}.
    Json,
    /// A CHANGELOG entry draft (Keep a Changelog headings).
    Changelog,
}

/// When to exit with status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// When any change is breaking.
    Breaking,
    /// When any change is breaking or a warning.
    Warning,
    /// Never: exit 0 whatever changed.
    Never,
}

/// Arguments of `wxinvoice diff`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The old spec: a directory, or a git revision (`HEAD~1`, `main`).
    #[arg(value_name = "BASE", required_unless_present = "list_rules")]
    pub base: Option<String>,
    /// The new spec: a directory, or a git revision.
    #[arg(value_name = "HEAD", required_unless_present = "list_rules")]
    pub head: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit 1 when a change of this level (or worse) is found.
    #[arg(long, value_enum, default_value_t = FailOn::Never)]
    pub fail_on: FailOn,
    /// After the report, print the version bump the changes call for (patch, minor, major).
    #[arg(long)]
    pub semver: bool,
    /// Print every rule (id, direction, level) and exit.
    #[arg(long, conflicts_with_all = ["base", "head"])]
    pub list_rules: bool,
}

/// Loads both sides, prints the changes and applies `--fail-on`.
pub fn run(args: &Args) -> Outcome {
    let (Some(base_arg), Some(head_arg)) = (&args.base, &args.head) else {
        let all: Vec<&change::Rule> = rules::ALL.iter().chain(events::ALL).copied().collect();
        print!("{}", report::rules(&all));
        return Ok(Status::Clean);
    };
    let base_source = source::resolve(base_arg)?;
    let head_source = source::resolve(head_arg)?;
    let base = pipeline::load_api(&base_source.dir, &format!("base ({base_arg})"))?;
    let head = pipeline::load_api(&head_source.dir, &format!("head ({head_arg})"))?;
    let mut changes = compare::compare(&base, &head);
    changes.extend(events::compare(&base.events, &head.events));
    let printed = match args.format {
        Format::Text => report::text(&changes),
        Format::Markdown => report::markdown(&changes),
        Format::Json => report::json(&changes),
        Format::Changelog => report::changelog(&changes),
    };
    print!("{printed}");
    if args.semver {
        let hint = report::semver_hint(&changes);
        match args.format {
            // Keep the JSON parseable: the hint goes to stderr.
            Format::Json => eprint!("{hint}"),
            Format::Markdown => print!("\n**Suggested version bump:** {hint}"),
            Format::Text | Format::Changelog => print!("{hint}"),
        }
    }
    Ok(status(args.fail_on, &Tally::of(&changes)))
}

fn status(fail_on: FailOn, tally: &Tally) -> Status {
    let failed = match fail_on {
        FailOn::Breaking => tally.breaking > 0,
        FailOn::Warning => tally.breaking + tally.warnings > 0,
        FailOn::Never => false,
    };
    if failed {
        Status::Problems
    } else {
        Status::Clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_on_thresholds() {
        let warnings_only = Tally {
            breaking: 0,
            warnings: 2,
            info: 1,
        };
        assert_eq!(status(FailOn::Breaking, &warnings_only), Status::Clean);
        assert_eq!(status(FailOn::Warning, &warnings_only), Status::Problems);
        assert_eq!(
            status(
                FailOn::Never,
                &Tally {
                    breaking: 3,
                    warnings: 0,
                    info: 0
                }
            ),
            Status::Clean
        );
    }
}
