//! What `wxinvoice diff` reports: a [`Change`] found by one [`Rule`].

use std::fmt;

use wechat_invoice_codegen::spec::Method;

/// How much a change matters to callers of the generated Rust API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Existing callers stop compiling, or stop working on the wire.
    Breaking,
    /// Callers may need to look: behaviour or struct literals change.
    Warning,
    /// Compatible: new things, or text.
    Info,
}

impl Level {
    /// `breaking`, `warning`, `info`.
    pub const fn name(self) -> &'static str {
        match self {
            Level::Breaking => "breaking",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which side of the API a change is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// What callers send.
    Request,
    /// What callers receive.
    Response,
    /// The endpoint as a whole (route, credentials, retry policy) or the shared API surface.
    Endpoint,
    /// Error codes and their classification.
    Error,
    /// What WeChat pushes: the `Event` enum and the event structs.
    Event,
}

impl Direction {
    /// `request`, `response`, `endpoint`, `error`, `event`.
    pub const fn name(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
            Direction::Endpoint => "endpoint",
            Direction::Error => "error",
            Direction::Event => "event",
        }
    }
}

/// One kind of change: a stable id, the side it is on, and how much it matters.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Kebab-case id, stable across versions (`request-field-removed`).
    pub id: &'static str,
    /// The side of the API.
    pub direction: Direction,
    /// How much it matters.
    pub level: Level,
}

/// The endpoint a change belongs to, as headings show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointRef {
    /// snake_case spec name.
    pub name: String,
    /// HTTP method.
    pub method: Method,
    /// Path below the base URL.
    pub path: String,
}

/// What a change is about: one endpoint, or the spec's shared tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One endpoint.
    Endpoint(EndpointRef),
    /// The error-code tables.
    Errors,
    /// The shared named types.
    Types,
    /// One pushed event, by its `Event` value.
    Event(String),
}

impl Scope {
    /// The endpoint name, for endpoint changes.
    pub fn endpoint_name(&self) -> Option<&str> {
        match self {
            Scope::Endpoint(endpoint) => Some(&endpoint.name),
            _ => None,
        }
    }

    /// The event value of a pushed event's change; `None` for the others.
    pub fn event_name(&self) -> Option<&str> {
        match self {
            Scope::Event(event) => Some(event),
            _ => None,
        }
    }

    /// A short label: the endpoint name, `errors`, `types` or the event value.
    pub fn label(&self) -> &str {
        match self {
            Scope::Endpoint(endpoint) => &endpoint.name,
            Scope::Event(event) => event,
            Scope::Errors => "errors",
            Scope::Types => "types",
        }
    }
}

/// One change between two specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The rule that found it.
    pub rule: &'static Rule,
    /// What it is about.
    pub scope: Scope,
    /// One sentence for a reviewer, naming the field, code or value.
    pub message: String,
}

impl Change {
    /// The rule's level.
    pub fn level(&self) -> Level {
        self.rule.level
    }
}

/// The version bump a set of changes calls for, under Cargo's semver rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Text only: docs, examples, error descriptions.
    Patch,
    /// New API (fields, types, variants, endpoints) or changed behaviour that still compiles.
    Minor,
    /// Some existing caller stops compiling or stops working on the wire.
    Major,
}

impl Bump {
    /// `patch`, `minor`, `major`.
    pub const fn name(self) -> &'static str {
        match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    /// What one change calls for: breaking → major; a warning or an addition → minor; a
    /// change of text or examples only → patch.
    pub fn of(change: &Change) -> Bump {
        match change.level() {
            Level::Breaking => Bump::Major,
            Level::Warning => Bump::Minor,
            Level::Info if is_text_only(change.rule) => Bump::Patch,
            Level::Info => Bump::Minor,
        }
    }

    /// The largest bump any of `changes` calls for; `None` when nothing changed.
    pub fn for_changes(changes: &[Change]) -> Option<Bump> {
        changes.iter().map(Bump::of).max()
    }
}

/// Rules that change only documentation, examples or mock-side decoding. An event element's
/// new alias is not one: pushes spelling it so now fill the field instead of `other`.
fn is_text_only(rule: &Rule) -> bool {
    rule.id.ends_with("-doc-changed")
        || (rule.id.ends_with("-alias-added") && rule.id != "event-element-alias-added")
        || matches!(
            rule.id,
            "examples-changed" | "endpoint-metadata-changed" | "event-examples-changed"
        )
}

/// Counts of changes by level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Breaking changes.
    pub breaking: usize,
    /// Warnings.
    pub warnings: usize,
    /// Informational changes.
    pub info: usize,
}

impl Tally {
    /// Counts `changes` by level.
    pub fn of(changes: &[Change]) -> Self {
        let mut tally = Tally::default();
        for change in changes {
            match change.level() {
                Level::Breaking => tally.breaking += 1,
                Level::Warning => tally.warnings += 1,
                Level::Info => tally.info += 1,
            }
        }
        tally
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let warnings = if self.warnings == 1 {
            "warning"
        } else {
            "warnings"
        };
        write!(
            f,
            "{} breaking, {} {warnings}, {} info",
            self.breaking, self.warnings, self.info
        )
    }
}
