//! `wxinvoice import` (being written).
use crate::outcome::{CliError, Outcome};
use std::path::PathBuf;
/// Arguments of `wxinvoice import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Doc pages.
    #[arg(required = true)]
    pub pages: Vec<PathBuf>,
}
/// Imports.
pub fn run(_args: &Args) -> Outcome {
    Err(CliError::new("not yet"))
}
