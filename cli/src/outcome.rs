//! How a subcommand ends: clean, with problems found (exit 1), or unable to run (exit 2).

use std::fmt;
use std::process::ExitCode;

/// What a subcommand found when it ran to the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Nothing to report: exit 0.
    Clean,
    /// Problems or differences were found and printed: exit 1.
    Problems,
}

/// Why a subcommand could not do its job: bad arguments, unreadable files, failed tools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError(pub String);

impl CliError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A subcommand's result.
pub type Outcome = Result<Status, CliError>;

/// Turns an outcome into the process exit status, printing `error: …` for failures.
pub fn exit(outcome: Outcome) -> ExitCode {
    match outcome {
        Ok(Status::Clean) => ExitCode::SUCCESS,
        Ok(Status::Problems) => ExitCode::from(1),
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}
