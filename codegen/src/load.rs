//! Reads the spec directory: finds the files, parses each YAML file into [`crate::spec`] types,
//! and turns every parse failure into a located [`Diagnostic`].

use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::diagnostic::{Check, Diagnostic, Position};
use crate::events::EventFile;
use crate::spec::{EndpointFile, ErrorTableFile, TypesFile};

/// A spec file's text with the path it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path as found under the spec directory (joined to the directory given to the loader).
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
}

/// The parsed spec: every file, before validation.
#[derive(Debug, Clone, Default)]
pub struct LoadedSpec {
    /// `spec/endpoints/*.yaml`, sorted by path.
    pub endpoints: Vec<(PathBuf, EndpointFile)>,
    /// `spec/types/*.yaml`, sorted by path.
    pub types: Vec<(PathBuf, TypesFile)>,
    /// `spec/errors/*.yaml`, sorted by path.
    pub errors: Vec<(PathBuf, ErrorTableFile)>,
    /// `spec/events/*.yaml`, sorted by path.
    pub events: Vec<(PathBuf, EventFile)>,
}

/// The folders of a spec directory and what each holds.
pub const FOLDERS: [&str; 4] = ["endpoints", "types", "errors", "events"];

/// Lists the YAML files of a spec directory, sorted, plus the folders themselves.
///
/// Both lists matter to `build.rs`: the files for `rerun-if-changed`, the folders so that a
/// new file triggers a rebuild too.
pub fn discover(spec_dir: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>), Diagnostic> {
    let mut files = Vec::new();
    let mut folders = vec![spec_dir.to_path_buf()];
    for folder in FOLDERS {
        let dir = spec_dir.join(folder);
        if !dir.is_dir() {
            continue;
        }
        let entries = fs::read_dir(&dir).map_err(|err| io_diagnostic(&dir, &err))?;
        for entry in entries {
            let path = entry.map_err(|err| io_diagnostic(&dir, &err))?.path();
            if is_yaml(&path) {
                files.push(path);
            }
        }
        folders.push(dir);
    }
    files.sort();
    Ok((files, folders))
}

/// Reads every spec file under `spec_dir`.
pub fn read_dir(spec_dir: &Path) -> Result<Vec<SourceFile>, Vec<Diagnostic>> {
    let (paths, _) = discover(spec_dir).map_err(|d| vec![d])?;
    if paths.is_empty() {
        return Err(vec![
            Diagnostic::new(
                Check::Io,
                spec_dir,
                Position::default(),
                "no spec files found",
            )
            .with_help("put endpoint files in endpoints/, shared types in types/ and error tables in errors/, each ending in .yaml"),
        ]);
    }
    let mut sources = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match fs::read_to_string(&path) {
            Ok(text) => sources.push(SourceFile { path, text }),
            Err(err) => problems.push(io_diagnostic(&path, &err)),
        }
    }
    if problems.is_empty() {
        Ok(sources)
    } else {
        Err(problems)
    }
}

/// Parses source files into the spec model; the folder of each file says what it holds.
pub fn parse(sources: &[SourceFile]) -> Result<LoadedSpec, Vec<Diagnostic>> {
    let mut spec = LoadedSpec::default();
    let mut problems = Vec::new();
    for source in sources {
        let folder = source
            .path
            .parent()
            .and_then(Path::file_name)
            .and_then(|name| name.to_str())
            .unwrap_or_default();
        let outcome = match folder {
            "endpoints" => parse_one(source).map(|f| spec.endpoints.push((source.path.clone(), f))),
            "types" => parse_one(source).map(|f| spec.types.push((source.path.clone(), f))),
            "errors" => parse_one(source).map(|f| spec.errors.push((source.path.clone(), f))),
            "events" => parse_one(source).map(|f| spec.events.push((source.path.clone(), f))),
            _ => Err(Diagnostic::new(
                Check::Io,
                &source.path,
                Position::default(),
                "spec file outside endpoints/, types/, errors/ or events/",
            )
            .with_help("move the file into the folder that says what it holds")),
        };
        if let Err(problem) = outcome {
            problems.push(problem);
        }
    }
    if problems.is_empty() {
        Ok(spec)
    } else {
        Err(problems)
    }
}

/// Parses one YAML file into `T`, with a located diagnostic on failure.
pub fn parse_one<T: DeserializeOwned>(source: &SourceFile) -> Result<T, Diagnostic> {
    let options = serde_saphyr::options! {
        strict_booleans: true,
        with_snippet: false,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::Error,
    };
    serde_saphyr::from_str_with_options(&source.text, options)
        .map_err(|err| yaml_diagnostic(&source.path, &err))
}

fn yaml_diagnostic(path: &Path, err: &serde_saphyr::Error) -> Diagnostic {
    let position = err
        .location()
        .map(Position::from_location)
        .unwrap_or_default();
    let message = first_line(&err.to_string());
    let (check, help) = classify(&message);
    Diagnostic::new(check, path, position, message).with_help(help)
}

/// The first line of a parser message, without its own location suffix (ours is in front).
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message).trim();
    let line = match line.rfind(" at line ") {
        Some(index) => &line[..index],
        None => line,
    };
    let line = line.trim_start_matches("error: ");
    line.trim_end_matches(", set DuplicateKeyPolicy in Options if acceptable")
        .to_string()
}

fn classify(message: &str) -> (Check, String) {
    if message.contains("unknown field") {
        let help = "remove the key, or correct its spelling to one of the keys listed; spec/README.md lists every key";
        (Check::UnknownKey, help.to_string())
    } else if message.contains("missing field") {
        let help = "add the key; spec/README.md says what it holds";
        (Check::MissingKey, help.to_string())
    } else if message.contains("unknown variant") {
        let help = "use one of the values listed";
        (Check::InvalidValue, help.to_string())
    } else if message.contains("invalid type")
        || message.contains("invalid value")
        || message.contains("invalid boolean")
    {
        let help = "give the key a value of the kind listed in spec/README.md";
        (Check::InvalidValue, help.to_string())
    } else if message.contains("duplicate") {
        let help = "keep one of the two keys";
        (Check::DuplicateName, help.to_string())
    } else {
        let help = "fix the YAML syntax at this position (indentation, a missing `:` or closing quote/bracket)";
        (Check::YamlSyntax, help.to_string())
    }
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|ext| ext.to_str()),
        Some("yaml" | "yml")
    )
}

fn io_diagnostic(path: &Path, err: &std::io::Error) -> Diagnostic {
    Diagnostic::new(
        Check::Io,
        path,
        Position::default(),
        format!("cannot read: {err}"),
    )
    .with_help("check that the path exists and is readable")
}
