//! Reads the spec directory: finds the files, parses each YAML file into [`crate::spec`] types,
//! and turns every parse failure into a located [`Diagnostic`].

use std::collections::BTreeSet;
use std::fs;
use std::io::Read as _;
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
    /// Kinds with a file that did not parse: checks that need every file of such a kind (an
    /// unknown type, an unknown error code) are skipped instead of reported falsely.
    pub incomplete: BTreeSet<SpecKind>,
}

impl LoadedSpec {
    /// Whether every file of `kind` parsed, so a name missing from them is really missing.
    pub fn is_complete(&self, kind: SpecKind) -> bool {
        !self.incomplete.contains(&kind)
    }

    /// One note per check skipped because a file it depends on did not parse.
    pub fn skipped_checks(&self) -> Vec<String> {
        self.incomplete
            .iter()
            .filter_map(|kind| kind.skipped_check())
            .map(str::to_string)
            .collect()
    }
}

/// What a spec file holds, decided by its folder. A new kind of spec file (pushed events…)
/// is a variant here, a folder in [`SpecKind::folder`], a field of [`LoadedSpec`] and an arm
/// in [`parse`]; everything else (discovery, size limits, diagnostics, `build.rs` reruns) is
/// shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpecKind {
    /// `endpoints/`: one endpoint per file.
    Endpoints,
    /// `types/`: shared named types.
    Types,
    /// `errors/`: error-code tables.
    Errors,
    /// `events/`: events WeChat pushes, one per file.
    Events,
}

impl SpecKind {
    /// Every kind, in the order files are listed.
    pub const ALL: [SpecKind; 4] = [
        SpecKind::Endpoints,
        SpecKind::Types,
        SpecKind::Errors,
        SpecKind::Events,
    ];

    /// The folder of the spec directory holding this kind.
    pub fn folder(self) -> &'static str {
        match self {
            SpecKind::Endpoints => "endpoints",
            SpecKind::Types => "types",
            SpecKind::Errors => "errors",
            SpecKind::Events => "events",
        }
    }

    /// The kind a file holds, from the name of its folder.
    pub fn of(path: &Path) -> Option<SpecKind> {
        let folder = path.parent()?.file_name()?.to_str()?;
        SpecKind::ALL
            .into_iter()
            .find(|kind| kind.folder() == folder)
    }

    /// The check skipped while a file of this kind does not parse.
    fn skipped_check(self) -> Option<&'static str> {
        match self {
            SpecKind::Errors => Some(
                "error codes were not checked against the error tables, because an error table does not parse",
            ),
            SpecKind::Types => Some(
                "type names were not checked against spec/types/, because a types file does not parse",
            ),
            SpecKind::Endpoints | SpecKind::Events => None,
        }
    }
}

/// The largest spec file read (1 MiB; the largest real one is about 13 KiB). A bigger file is
/// refused with a diagnostic instead of being read into memory.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// Lists the YAML files (`.yaml` and `.yml`) of a spec directory, sorted, plus the folders.
///
/// Both lists matter to build scripts: the files for `rerun-if-changed`, the folders so that
/// a new file triggers a rebuild too. Every build script and tool lists files through here.
pub fn discover(spec_dir: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>), Diagnostic> {
    let mut files = Vec::new();
    let mut folders = vec![spec_dir.to_path_buf()];
    for kind in SpecKind::ALL {
        let dir = spec_dir.join(kind.folder());
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
///
/// Only regular files (or links to them) of at most [`MAX_FILE_BYTES`] are opened: a FIFO, a
/// device or a directory named `*.yaml` is skipped with a diagnostic (opening a FIFO would
/// block), as is a file over the limit; reading stops at the limit even if the file grows.
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
        match read_file(&path) {
            Ok(text) => sources.push(SourceFile { path, text }),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(sources)
    } else {
        Err(problems)
    }
}

/// Reads one spec file, refusing what is not a regular file or is over [`MAX_FILE_BYTES`].
pub fn read_file(path: &Path) -> Result<String, Diagnostic> {
    let metadata = fs::metadata(path).map_err(|err| io_diagnostic(path, &err))?;
    if !metadata.is_file() {
        return Err(Diagnostic::new(
            Check::Io,
            path,
            Position::default(),
            "not a regular file (a FIFO, a device, a socket or a directory); skipped",
        )
        .with_help("replace it with a regular YAML file, or remove it"));
    }
    let too_big = |size: String| {
        Diagnostic::new(
            Check::Io,
            path,
            Position::default(),
            format!("{size}, over the limit of {MAX_FILE_BYTES} bytes for a spec file; skipped"),
        )
        .with_help("a spec file is a few KiB; split it, or check that this is the file you meant")
    };
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_big(format!("{} bytes", metadata.len())));
    }
    let file = fs::File::open(path).map_err(|err| io_diagnostic(path, &err))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| io_diagnostic(path, &err))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big("it grew while being read".to_string()));
    }
    String::from_utf8(bytes).map_err(|err| {
        Diagnostic::new(
            Check::Io,
            path,
            Position::default(),
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                err.utf8_error().valid_up_to()
            ),
        )
        .with_help("save the file as UTF-8")
    })
}

/// Parses source files into the spec model; the folder of each file says what it holds.
///
/// Every file is parsed on its own, so one file's YAML error hides nothing in the others: the
/// files that parse are returned with the problems of those that did not, and the kinds with
/// a broken file are marked in [`LoadedSpec::incomplete`].
pub fn parse(sources: &[SourceFile]) -> (LoadedSpec, Vec<Diagnostic>) {
    let mut spec = LoadedSpec::default();
    let mut problems = Vec::new();
    for source in sources {
        let Some(kind) = SpecKind::of(&source.path) else {
            problems.push(
                Diagnostic::new(
                    Check::Io,
                    &source.path,
                    Position::default(),
                    "spec file outside endpoints/, types/, errors/ or events/",
                )
                .with_help("move the file into the folder that says what it holds"),
            );
            continue;
        };
        let path = source.path.clone();
        let outcome = match kind {
            SpecKind::Endpoints => parse_one(source).map(|f| spec.endpoints.push((path, f))),
            SpecKind::Types => parse_one(source).map(|f| spec.types.push((path, f))),
            SpecKind::Errors => parse_one(source).map(|f| spec.errors.push((path, f))),
            SpecKind::Events => parse_one(source).map(|f| spec.events.push((path, f))),
        };
        if let Err(problem) = outcome {
            problems.push(problem);
            spec.incomplete.insert(kind);
        }
    }
    (spec, problems)
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
