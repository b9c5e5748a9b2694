//! `wxinvoice`: the spec toolchain of `wechat-invoice`.
//!
//! This file only parses the command line and dispatches; each subcommand lives in its own
//! module and returns an [`outcome::Outcome`], which decides the exit status.

mod diff;
mod generate;
mod import;
mod outcome;
mod pipeline;
mod textdiff;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The wechat-invoice spec toolchain.
#[derive(Debug, Parser)]
#[command(name = "wxinvoice", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a spec directory and print every problem found.
    #[command(after_help = "Example:\n  wxinvoice validate spec\n\n\
        Exit status: 0 when the spec is valid, 1 when it has problems, 2 when it cannot be read.")]
    Validate(validate::Args),
    /// Write the generated Rust code, or check that it is up to date.
    #[command(
        after_help = "Examples:\n  wxinvoice generate --spec spec --out generated\n  \
        wxinvoice generate --check    # in CI: fails with a diff when generated/ is stale\n\n\
        Exit status: 0 when written or up to date, 1 when the spec has problems or --check \
        found differences, 2 on I/O errors."
    )]
    Generate(generate::Args),
    /// Classify the changes between two specs (directories or git revisions).
    #[command(after_help = "Examples:\n  wxinvoice diff HEAD~1 .\n  \
        wxinvoice diff main HEAD --format markdown --fail-on breaking\n  \
        wxinvoice diff old/spec new/spec --format json\n  wxinvoice diff --list-rules\n\n\
        BASE and HEAD are spec directories (or directories holding spec/); anything else is a \
        git revision whose spec/ tree is read with `git archive`.\n\
        Exit status: 1 when --fail-on is met, 2 when a spec cannot be loaded, else 0.")]
    Diff(diff::Args),
    /// Turn WeChat doc pages (copied as text) into spec endpoint files.
    #[command(
        after_help = "Examples:\n  wxinvoice import getauthdata.md --name get_auth_data\n  \
        wxinvoice import rejectinsert.md getauthurl.md --out spec/endpoints\n\n\
        Every guess is said on stderr. Exit status: 0 when the new file validates against the \
        spec directory, 1 when it was written but has problems to fix, 2 on bad input."
    )]
    Import(import::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Import(args) => import::run(&args),
    };
    outcome::exit(outcome)
}

/// The default spec directory, relative to the current directory.
fn default_spec_dir() -> PathBuf {
    PathBuf::from("spec")
}
