//! The generator behind `wechat-invoice`: YAML spec in, formatted Rust out.
//!
//! The pipeline reads as its modules: [`spec`] (the language as written) → [`load`] (files to
//! spec values, with positions) → [`validate`] (every rule a named [`diagnostic::Check`]) →
//! [`model`] (resolved, Rust-named) → [`emit`] (syn + quote, printed by prettyplease).
//!
//! [`generate`] is pure: source texts in, files out. [`generate_dir`] adds the file reading,
//! and [`write_if_changed`] the writing, for `build.rs` and the command-line tool.

pub mod diagnostic;
pub mod emit;
pub mod events;
pub mod json_shape;
pub mod load;
pub mod model;
pub mod naming;
pub mod spec;
pub mod validate;

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub use diagnostic::{Check, Diagnostic, Diagnostics, Position};
pub use emit::GeneratedFile;
pub use load::SourceFile;
pub use model::Api;

/// Why generation failed: problems in the spec, or (a bug) tokens syn would not parse.
#[derive(Debug, Clone)]
pub enum Failure {
    /// The spec breaks rules; every problem found, with the sources to show them in context.
    Spec {
        /// The problems, sorted by file and position.
        diagnostics: Diagnostics,
        /// The files read, to render source lines.
        sources: Vec<SourceFile>,
        /// Checks skipped because a file they depend on did not parse, one note each.
        skipped: Vec<String>,
    },
    /// The emitter produced invalid Rust.
    Emit(emit::EmitError),
}

impl Failure {
    /// The problems, each with its source line and a caret under the column.
    pub fn render(&self) -> String {
        match self {
            Failure::Spec {
                diagnostics,
                sources,
                skipped,
            } => {
                let mut out = String::new();
                for diagnostic in diagnostics.iter() {
                    let source = sources
                        .iter()
                        .find(|source| source.path == diagnostic.file)
                        .map(|source| source.text.as_str());
                    out.push_str(&diagnostic.render(source));
                    out.push_str("\n\n");
                }
                let count = diagnostics.len();
                let plural = if count == 1 { "" } else { "s" };
                out.push_str(&format!("{count} problem{plural} in the spec"));
                for note in skipped {
                    out.push_str(&format!("\nnote: {note}"));
                }
                out
            }
            Failure::Emit(err) => err.to_string(),
        }
    }

    /// The spec problems, empty for an emitter failure.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Failure::Spec { diagnostics, .. } => &diagnostics.0,
            Failure::Emit(_) => &[],
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Spec { diagnostics, .. } => write!(f, "{diagnostics}"),
            Failure::Emit(err) => write!(f, "{err}"),
        }
    }
}

impl std::error::Error for Failure {}

/// The result of a whole run over a spec directory.
#[derive(Debug, Clone)]
pub struct Output {
    /// The resolved model.
    pub api: Api,
    /// The emitted files.
    pub files: Vec<GeneratedFile>,
    /// Every file and folder read; `build.rs` prints a `rerun-if-changed` for each.
    pub inputs: Vec<PathBuf>,
}

impl Failure {
    /// A spec failure from problems found before any file was parsed (reading the files).
    pub fn unreadable(problems: Vec<Diagnostic>) -> Self {
        Failure::Spec {
            diagnostics: Diagnostics::from(problems),
            sources: Vec::new(),
            skipped: Vec::new(),
        }
    }
}

/// Loads, validates and resolves source texts into the model, in one walk that reports every
/// problem: each file is parsed on its own, the files that parse are validated, and checks
/// that need a file that did not parse are skipped (and said so) rather than reported falsely.
/// Pure: no file system access. The one entry point of `build.rs`, the mock and `wxinvoice`.
pub fn resolve(sources: &[SourceFile]) -> Result<Api, Failure> {
    let (loaded, mut problems) = load::parse(sources);
    problems.extend(validate::validate(&loaded));
    problems.extend(events::validate::validate(&loaded.events));
    if !problems.is_empty() {
        return Err(Failure::Spec {
            diagnostics: Diagnostics::from(problems),
            sources: sources.to_vec(),
            skipped: loaded.skipped_checks(),
        });
    }
    Ok(model::resolve(&loaded))
}

/// Runs the whole pipeline over source texts. Pure: no file system access.
pub fn generate(sources: &[SourceFile]) -> Result<(Api, Vec<GeneratedFile>), Failure> {
    let api = resolve(sources)?;
    let mut files = emit::emit(&api).map_err(Failure::Emit)?;
    events::emit::add_files(&api.events, &mut files).map_err(Failure::Emit)?;
    Ok((api, files))
}

/// Reads a spec directory (`endpoints/`, `types/`, `errors/`, `events/`) and runs the pipeline.
///
/// On failure the error still lists what was read, so `build.rs` can ask to be rerun when
/// the user fixes the spec.
pub fn generate_dir(spec_dir: &Path) -> Result<Output, (Failure, Vec<PathBuf>)> {
    let inputs = match load::discover(spec_dir) {
        Ok((files, folders)) => files.into_iter().chain(folders).collect(),
        Err(_) => vec![spec_dir.to_path_buf()],
    };
    let sources = load::read_dir(spec_dir)
        .map_err(|problems| (Failure::unreadable(problems), inputs.clone()))?;
    match generate(&sources) {
        Ok((api, files)) => Ok(Output { api, files, inputs }),
        Err(failure) => Err((failure, inputs)),
    }
}

/// What `build.rs` prints for a spec that fails: one `cargo::error=` line per problem (cargo
/// shows these in its summary) and the full rendering with source lines for stderr.
pub fn build_script_report(failure: &Failure) -> (Vec<String>, String) {
    let mut summaries: Vec<String> = failure
        .diagnostics()
        .iter()
        .map(|diagnostic| format!("cargo::error={}", diagnostic.to_string().replace('\n', " ")))
        .collect();
    if summaries.is_empty() {
        summaries.push(format!(
            "cargo::error={}",
            failure.to_string().replace('\n', " ")
        ));
    }
    (summaries, failure.render())
}

/// Reads and resolves a spec directory without emitting code (for the mock server and tools).
pub fn load_api(spec_dir: &Path) -> Result<Api, Failure> {
    let sources = load::read_dir(spec_dir).map_err(Failure::unreadable)?;
    resolve(&sources)
}

/// Writes each file under `dir`, leaving files whose contents are already right untouched so
/// their modification times stay stable. Returns the names of the files it wrote.
pub fn write_if_changed(dir: &Path, files: &[GeneratedFile]) -> io::Result<Vec<String>> {
    let mut written = Vec::new();
    for file in files {
        let path = dir.join(&file.name);
        if fs::read_to_string(&path).is_ok_and(|current| current == file.contents) {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, &file.contents)?;
        written.push(file.name.clone());
    }
    Ok(written)
}

/// The files of `dir` that differ from `files`, or are missing, or are not generated at all.
pub fn stale_files(dir: &Path, files: &[GeneratedFile]) -> Vec<String> {
    let mut stale: Vec<String> = files
        .iter()
        .filter(|file| {
            fs::read_to_string(dir.join(&file.name))
                .map_or(true, |current| current != file.contents)
        })
        .map(|file| file.name.clone())
        .collect();
    let expected: Vec<&str> = files.iter().map(|file| file.name.as_str()).collect();
    for extra in list_rs_files(dir, dir) {
        if !expected.contains(&extra.as_str()) {
            stale.push(extra);
        }
    }
    stale.sort();
    stale
}

fn list_rs_files(root: &Path, dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            names.extend(list_rs_files(root, &path));
        } else if path.extension().is_some_and(|ext| ext == "rs")
            && let Ok(relative) = path.strip_prefix(root)
        {
            names.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    names
}
