//! The codegen pipeline as the CLI runs it: a thin shell over
//! [`wechat_invoice_codegen::generate`], the one entry point `build.rs` and the mock use too,
//! so every command reports exactly the problems a build would.

use std::path::Path;

use wechat_invoice_codegen::load;
use wechat_invoice_codegen::{Api, Failure, GeneratedFile, SourceFile};

use crate::outcome::CliError;

/// Why a spec did not make it through the pipeline.
#[derive(Debug, Clone)]
pub struct Rejected {
    /// Every problem found, with the sources to render them and the checks skipped.
    pub failure: Failure,
}

impl Rejected {
    /// The problems with source lines and carets, then a note per skipped check.
    pub fn render(&self) -> String {
        self.failure.render()
    }
}

/// A spec that passed every check, with the code it generates.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The resolved model.
    pub api: Api,
    /// The emitted files.
    pub files: Vec<GeneratedFile>,
}

/// Reads every spec file of `spec_dir`; a missing directory or an unreadable file is an error.
pub fn read_sources(spec_dir: &Path) -> Result<Vec<SourceFile>, CliError> {
    if !spec_dir.is_dir() {
        return Err(CliError::new(format!(
            "spec directory `{}` does not exist",
            spec_dir.display()
        )));
    }
    load::read_dir(spec_dir).map_err(|problems| {
        CliError::new(format!(
            "cannot read the spec in `{}`:\n{}",
            spec_dir.display(),
            Failure::unreadable(problems).render()
        ))
    })
}

/// Runs parse, validate, resolve and emit over `sources`, reporting every problem found.
pub fn run(sources: &[SourceFile]) -> Result<Generated, Box<Rejected>> {
    wechat_invoice_codegen::generate(sources)
        .map(|(api, files)| Generated { api, files })
        .map_err(|failure| Box::new(Rejected { failure }))
}

/// Reads and checks a spec directory; problems become one error with every diagnostic.
pub fn load_api(spec_dir: &Path, label: &str) -> Result<Api, CliError> {
    let sources = read_sources(spec_dir)?;
    run(&sources)
        .map(|generated| generated.api)
        .map_err(|rejected| {
            CliError::new(format!(
                "the {label} spec does not load:\n{}",
                rejected.render()
            ))
        })
}
