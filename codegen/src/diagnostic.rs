//! Located problems in spec files: what is wrong, where, and how to fix it.

use std::fmt;
use std::path::{Path, PathBuf};

/// A position in a spec file, 1-based like editors show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    /// Line number, starting at 1; 0 when unknown.
    pub line: u32,
    /// Column number, starting at 1; 0 when unknown.
    pub column: u32,
}

impl Position {
    /// A position at `line`, `column`.
    pub const fn new(line: u32, column: u32) -> Self {
        Self { line, column }
    }

    /// Whether the position points somewhere (line and column known).
    pub const fn is_known(&self) -> bool {
        self.line > 0
    }

    pub(crate) fn from_location(location: serde_saphyr::Location) -> Self {
        Self::new(location.line() as u32, location.column() as u32)
    }
}

/// The name of each rule a spec can break; tests and tools match on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Check {
    /// The file is not valid YAML.
    YamlSyntax,
    /// A key the spec language does not know.
    UnknownKey,
    /// A key the spec language requires is absent.
    MissingKey,
    /// A value of the wrong kind (a list where a map belongs, a word where a number belongs…).
    InvalidValue,
    /// A field refers to a type that is neither built in nor defined in `spec/types/`.
    UnknownType,
    /// Two endpoints share a name, a Rust method name or a (method, path, query) triple.
    DuplicateEndpoint,
    /// Two items that must be unique in one scope share a name (variants, fields, types).
    DuplicateName,
    /// One error code defined twice with different contents.
    ConflictingErrorCode,
    /// An endpoint lists an error code that no error table defines.
    UnknownErrorCode,
    /// A name is not a valid identifier in its position.
    InvalidIdentifier,
    /// An example does not match the request or response it illustrates.
    ExampleMismatch,
    /// A spec file could not be read.
    Io,
}

impl Check {
    /// The rule's kebab-case name, as printed in diagnostics.
    pub const fn name(self) -> &'static str {
        match self {
            Check::YamlSyntax => "yaml-syntax",
            Check::UnknownKey => "unknown-key",
            Check::MissingKey => "missing-key",
            Check::InvalidValue => "invalid-value",
            Check::UnknownType => "unknown-type",
            Check::DuplicateEndpoint => "duplicate-endpoint",
            Check::DuplicateName => "duplicate-name",
            Check::ConflictingErrorCode => "conflicting-error-code",
            Check::UnknownErrorCode => "unknown-error-code",
            Check::InvalidIdentifier => "invalid-identifier",
            Check::ExampleMismatch => "example-mismatch",
            Check::Io => "io",
        }
    }
}

/// One problem in one spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule that was broken.
    pub check: Check,
    /// The spec file, as given to the loader (relative paths stay relative).
    pub file: PathBuf,
    /// Where in the file.
    pub position: Position,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to change to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic without a hint.
    pub fn new(check: Check, file: &Path, position: Position, message: impl Into<String>) -> Self {
        Self {
            check,
            file: file.to_path_buf(),
            position,
            message: message.into(),
            help: None,
        }
    }

    /// Adds the hint that says how to fix the problem.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `file:line:column`, the form editors and terminals turn into links.
    pub fn location(&self) -> String {
        if self.position.is_known() {
            format!(
                "{}:{}:{}",
                self.file.display(),
                self.position.line,
                self.position.column
            )
        } else {
            self.file.display().to_string()
        }
    }

    /// The diagnostic with the offending source line and a caret under the column.
    pub fn render(&self, source: Option<&str>) -> String {
        let mut out = self.to_string();
        let line = source.and_then(|text| {
            let index = usize::try_from(self.position.line).ok()?.checked_sub(1)?;
            text.lines().nth(index)
        });
        if let Some(line) = line {
            let column = usize::try_from(self.position.column.saturating_sub(1)).unwrap_or(0);
            let (line, column) = excerpt(line, column);
            let number = self.position.line.to_string();
            let pad = " ".repeat(number.len());
            let caret_pad = " ".repeat(column);
            out.push_str(&format!(
                "\n{pad} |\n{number} | {line}\n{pad} | {caret_pad}^"
            ));
        }
        out
    }
}

/// The most characters of a source line a diagnostic quotes.
pub const MAX_QUOTED_CHARS: usize = 120;

/// A window of at most [`MAX_QUOTED_CHARS`] characters of `line` around `column` (0-based,
/// in characters), with `…` where it was cut, and the column within the window.
fn excerpt(line: &str, column: usize) -> (String, usize) {
    let length = line.chars().count();
    if length <= MAX_QUOTED_CHARS {
        return (line.to_string(), column);
    }
    let half = MAX_QUOTED_CHARS / 2;
    let start = column.saturating_sub(half).min(length - MAX_QUOTED_CHARS);
    let window: String = line.chars().skip(start).take(MAX_QUOTED_CHARS).collect();
    let before = if start > 0 { "…" } else { "" };
    let after = if start + MAX_QUOTED_CHARS < length {
        "…"
    } else {
        ""
    };
    let shift = usize::from(start > 0);
    (format!("{before}{window}{after}"), column - start + shift)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: error[{}]: {}",
            self.location(),
            self.check.name(),
            self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Every problem found in one run, in file and position order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Sorts the problems by file, then position, so output is stable.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| {
            (&a.file, a.position, &a.message).cmp(&(&b.file, b.position, &b.message))
        });
        self
    }

    /// Whether no problem was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many problems were found.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The problems, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, diagnostic) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(list: Vec<Diagnostic>) -> Self {
        Self(list).sorted()
    }
}
