//! The codegen pipeline as the CLI runs it: every file parsed on its own, so that one file's
//! YAML error does not hide the rule violations of the others.
//!
//! `wechat_invoice_codegen::resolve` stops at the first stage that fails; here the files that
//! parse are still validated, and checks that depend on a file that did not parse (unknown
//! error codes when an error table is broken, unknown types when a types file is) are left
//! out and said so, rather than reported as false problems.

use std::path::Path;

use wechat_invoice_codegen::load::{self, LoadedSpec};
use wechat_invoice_codegen::{
    Api, Check, Diagnostic, Diagnostics, Failure, GeneratedFile, SourceFile, emit, model, validate,
};

use crate::outcome::CliError;

/// Why a spec did not make it through the pipeline.
#[derive(Debug, Clone)]
pub struct Rejected {
    /// Every problem found, with the sources to render them.
    pub failure: Failure,
    /// Checks that were skipped because a file they depend on did not parse.
    pub skipped: Vec<String>,
}

impl Rejected {
    /// The problems with source lines and carets, then a note per skipped check.
    pub fn render(&self) -> String {
        let mut out = self.failure.render();
        for note in &self.skipped {
            out.push_str(&format!("\nnote: {note}"));
        }
        out
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
        let failure = Failure::Spec {
            diagnostics: Diagnostics::from(problems),
            sources: Vec::new(),
        };
        CliError::new(format!(
            "cannot read the spec in `{}`:\n{}",
            spec_dir.display(),
            failure.render()
        ))
    })
}

/// Runs parse, validate, resolve and emit over `sources`, reporting every problem found.
pub fn run(sources: &[SourceFile]) -> Result<Generated, Box<Rejected>> {
    let mut loaded = LoadedSpec::default();
    let mut problems = Vec::new();
    let mut broken_folders = Vec::new();
    for source in sources {
        match load::parse(std::slice::from_ref(source)) {
            Ok(one) => merge(&mut loaded, one),
            Err(found) => {
                problems.extend(found);
                broken_folders.push(folder_of(source));
            }
        }
    }
    let skipped = skipped_checks(&broken_folders);
    problems.extend(
        validate::validate(&loaded)
            .into_iter()
            .filter(|problem| !depends_on_broken(problem, &broken_folders)),
    );
    if !problems.is_empty() {
        return Err(Box::new(Rejected {
            failure: spec_failure(problems, sources),
            skipped,
        }));
    }
    let api = model::resolve(&loaded);
    match emit::emit(&api) {
        Ok(files) => Ok(Generated { api, files }),
        Err(err) => Err(Box::new(Rejected {
            failure: Failure::Emit(err),
            skipped,
        })),
    }
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

fn spec_failure(problems: Vec<Diagnostic>, sources: &[SourceFile]) -> Failure {
    Failure::Spec {
        diagnostics: Diagnostics::from(problems),
        sources: sources.to_vec(),
    }
}

fn merge(into: &mut LoadedSpec, one: LoadedSpec) {
    into.endpoints.extend(one.endpoints);
    into.types.extend(one.types);
    into.errors.extend(one.errors);
}

fn folder_of(source: &SourceFile) -> String {
    source
        .path
        .parent()
        .and_then(Path::file_name)
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn skipped_checks(broken_folders: &[String]) -> Vec<String> {
    let mut notes = Vec::new();
    if broken_folders.iter().any(|folder| folder == "errors") {
        notes.push(
            "error codes were not checked against the error tables, because an error table does not parse"
                .to_string(),
        );
    }
    if broken_folders.iter().any(|folder| folder == "types") {
        notes.push(
            "type names were not checked against spec/types/, because a types file does not parse"
                .to_string(),
        );
    }
    notes
}

/// Whether a validation problem may only be a consequence of a file that did not parse.
fn depends_on_broken(problem: &Diagnostic, broken_folders: &[String]) -> bool {
    let errors_broken = broken_folders.iter().any(|folder| folder == "errors");
    let types_broken = broken_folders.iter().any(|folder| folder == "types");
    match problem.check {
        Check::UnknownErrorCode => errors_broken,
        Check::ExampleMismatch => {
            errors_broken
                && problem
                    .message
                    .contains("is not among the endpoint's error codes")
        }
        Check::UnknownType => types_broken,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn source(path: &str, text: &str) -> SourceFile {
        SourceFile {
            path: PathBuf::from(path),
            text: text.to_string(),
        }
    }

    #[test]
    fn a_broken_file_does_not_hide_problems_elsewhere() {
        let sources = [
            source("spec/errors/general.yaml", "table: general\n  bad: [\n"),
            source(
                "spec/types/shared.yaml",
                "types:\n  lower_name:\n    description: x\n    values: [{value: A, variant: A, description: a}]\n",
            ),
        ];
        let rejected = run(&sources).expect_err("both files are wrong");
        let checks: Vec<Check> = rejected
            .failure
            .diagnostics()
            .iter()
            .map(|d| d.check)
            .collect();
        assert!(checks.contains(&Check::YamlSyntax) || checks.contains(&Check::InvalidValue));
        assert!(checks.contains(&Check::InvalidIdentifier), "{checks:?}");
        assert_eq!(rejected.skipped.len(), 1);
    }
}
