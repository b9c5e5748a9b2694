//! Every rule a parsed spec must follow, each a named [`Check`], all problems reported at once.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde_json::Value;
use serde_saphyr::Spanned;

use crate::diagnostic::{Check, Diagnostic, Position};
use crate::json_shape::scalar_fits;
use crate::load::{LoadedSpec, SpecKind};
use crate::model::{TypeRef, inline_type_name, rust_field_name};
use crate::naming::{
    BUILDER_FINISH, closest, is_keyword, is_pascal_case, is_snake_case, pascal_case,
};
use crate::spec::{BodyKind, EndpointFile, ErrorDef, Field, Method, OrderedMap, TypeDef, TypeName};

/// Variant name every error enum reserves for undocumented codes.
pub const RESERVED_ERROR_VARIANT: &str = "Unknown";

/// Keys of every answer's envelope, which the client reads before the response type.
const ENVELOPE_FIELDS: [&str; 2] = ["errcode", "errmsg"];

/// Runs every check over the loaded spec.
pub fn validate(spec: &LoadedSpec) -> Vec<Diagnostic> {
    let mut cx = Context::new(spec);
    cx.check_types();
    cx.check_error_tables();
    cx.check_endpoints();
    cx.problems
}

fn pos<T>(spanned: &Spanned<T>) -> Position {
    Position::from_location(spanned.referenced)
}

/// An endpoint's method, path and fixed query: what must be unique across endpoints.
type Route = (String, String, Vec<(String, String)>);

/// Which shared type a name refers to, and where it was defined.
struct TypeEntry<'a> {
    def: &'a TypeDef,
}

struct Context<'a> {
    spec: &'a LoadedSpec,
    types: BTreeMap<&'a str, TypeEntry<'a>>,
    /// Rust type names already taken, with the file that took them.
    type_names: HashMap<String, PathBuf>,
    /// Codes defined by error tables.
    codes: BTreeMap<i64, (&'a Path, &'a ErrorDef)>,
    inherited: BTreeSet<i64>,
    problems: Vec<Diagnostic>,
}

impl<'a> Context<'a> {
    fn new(spec: &'a LoadedSpec) -> Self {
        let mut types = BTreeMap::new();
        for (_, file) in &spec.types {
            for (name, def) in file.types.iter() {
                types
                    .entry(name.value.as_str())
                    .or_insert(TypeEntry { def });
            }
        }
        Self {
            spec,
            types,
            type_names: HashMap::new(),
            codes: BTreeMap::new(),
            inherited: BTreeSet::new(),
            problems: Vec::new(),
        }
    }

    fn report(&mut self, diagnostic: Diagnostic) {
        self.problems.push(diagnostic);
    }

    /// Claims a Rust type name; reports a collision with the earlier owner.
    fn claim_type_name(&mut self, name: &str, file: &Path, position: Position, what: &str) {
        if let Some(owner) = self.type_names.get(name) {
            let owner = owner.display().to_string();
            self.report(
                Diagnostic::new(
                    Check::DuplicateName,
                    file,
                    position,
                    format!("{what} `{name}` is already defined (in {owner})"),
                )
                .with_help("rename one of them; generated Rust types share one namespace"),
            );
        } else {
            self.type_names.insert(name.to_string(), file.to_path_buf());
        }
    }

    fn check_types(&mut self) {
        let spec = self.spec;
        for (path, file) in &spec.types {
            for (name, def) in file.types.iter() {
                let position = pos(name);
                if !is_pascal_case(&name.value) {
                    self.report(
                        Diagnostic::new(
                            Check::InvalidIdentifier,
                            path,
                            position,
                            format!("type name `{}` is not PascalCase", name.value),
                        )
                        .with_help(format!(
                            "name it like `{}`: letters and digits, starting with a capital",
                            pascal_case(&name.value)
                        )),
                    );
                }
                self.claim_type_name(&name.value, path, position, "type");
                self.check_doc(path, position, &def.description, "type");
                match (&def.fields, &def.values) {
                    (Some(_), Some(_)) => self.report(
                        Diagnostic::new(
                            Check::InvalidValue,
                            path,
                            position,
                            format!("type `{}` has both `fields` and `values`", name.value),
                        )
                        .with_help(
                            "an object type has `fields`, an enum type has `values`; keep one",
                        ),
                    ),
                    (None, None) => self.report(
                        Diagnostic::new(
                            Check::MissingKey,
                            path,
                            position,
                            format!("type `{}` has neither `fields` nor `values`", name.value),
                        )
                        .with_help("add `fields:` for an object or `values:` for a string enum"),
                    ),
                    (Some(fields), None) => self.check_fields(path, &name.value, fields, false),
                    (None, Some(values)) => {
                        self.check_enum_values(path, position, &name.value, values)
                    }
                }
            }
        }
    }

    fn check_doc(&mut self, file: &Path, position: Position, text: &str, what: &str) {
        if text.trim().is_empty() {
            self.report(
                Diagnostic::new(
                    Check::InvalidValue,
                    file,
                    position,
                    format!("the {what} has an empty description"),
                )
                .with_help("write what it means; the description becomes the generated rustdoc"),
            );
        }
    }

    fn check_enum_values(
        &mut self,
        file: &Path,
        position: Position,
        owner: &str,
        values: &[crate::spec::EnumValue],
    ) {
        if values.is_empty() {
            self.report(
                Diagnostic::new(
                    Check::InvalidValue,
                    file,
                    position,
                    format!("enum `{owner}` lists no values"),
                )
                .with_help("list the documented values, or use `type: string`"),
            );
        }
        let integers = values
            .iter()
            .filter(|value| matches!(value.value, crate::spec::WireValue::Integer(_)))
            .count();
        if integers != 0 && integers != values.len() {
            self.report(
                Diagnostic::new(
                    Check::InvalidValue,
                    file,
                    position,
                    format!("enum `{owner}` mixes integer and string values"),
                )
                .with_help("an enum is either integer codes (`value: 1`) or strings (`value: \"web\"`); quote them all or none"),
            );
        }
        let mut variants = BTreeSet::new();
        let mut wire = BTreeSet::new();
        for value in values {
            let at = pos(&value.variant);
            let variant = value.variant.value.as_str();
            if !is_pascal_case(variant) || variant == RESERVED_ERROR_VARIANT {
                self.report(
                    Diagnostic::new(
                        Check::InvalidIdentifier,
                        file,
                        at,
                        format!("enum variant `{variant}` of `{owner}` is not a usable Rust variant name"),
                    )
                    .with_help(format!(
                        "use PascalCase (like `{}`); `Unknown` is reserved for values the spec does not list",
                        pascal_case(&value.value.to_string().to_lowercase())
                    )),
                );
            }
            if !variants.insert(variant) {
                self.report(
                    Diagnostic::new(
                        Check::DuplicateName,
                        file,
                        at,
                        format!("enum `{owner}` has two variants named `{variant}`"),
                    )
                    .with_help("give each value its own variant name"),
                );
            }
            if !wire.insert(&value.value) {
                self.report(
                    Diagnostic::new(
                        Check::DuplicateName,
                        file,
                        at,
                        format!("enum `{owner}` lists the value `{}` twice", value.value),
                    )
                    .with_help("remove the repeated value"),
                );
            }
        }
    }

    /// Checks the fields of one struct called `owner`; `request` allows constants and files.
    fn check_fields(
        &mut self,
        file: &Path,
        owner: &str,
        fields: &OrderedMap<Field>,
        request: bool,
    ) {
        let mut rust_names: BTreeMap<String, Position> = BTreeMap::new();
        for (wire, field) in fields.iter() {
            let at = pos(wire);
            let rust_name = rust_field_name(&wire.value, field);
            if let Some(rust) = &field.rust_name {
                if !is_snake_case(&rust.value) {
                    self.report(
                        Diagnostic::new(
                            Check::InvalidIdentifier,
                            file,
                            pos(rust),
                            format!(
                                "rust_name `{}` is not a snake_case Rust identifier",
                                rust.value
                            ),
                        )
                        .with_help(
                            "use lower-case letters, digits and single underscores, not a keyword",
                        ),
                    );
                }
            } else if !is_snake_case(&wire.value) {
                let reason = if is_keyword(&wire.value) {
                    "is a Rust keyword"
                } else {
                    "is not a valid snake_case Rust identifier"
                };
                self.report(
                    Diagnostic::new(
                        Check::InvalidIdentifier,
                        file,
                        at,
                        format!("field `{}` of `{owner}` {reason}", wire.value),
                    )
                    .with_help(format!(
                        "add `rust_name:` with the name to use in Rust, e.g. `rust_name: {}_value`",
                        wire.value
                            .to_lowercase()
                            .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
                    )),
                );
            }
            if rust_name == BUILDER_FINISH {
                let at = field.rust_name.as_ref().map_or(at, pos);
                self.report(
                    Diagnostic::new(
                        Check::InvalidIdentifier,
                        file,
                        at,
                        format!(
                            "field `{rust_name}` of `{owner}` would clash with its builder's `{BUILDER_FINISH}()`"
                        ),
                    )
                    .with_help(format!(
                        "set another name for Rust, e.g. `rust_name: {rust_name}_value`"
                    )),
                );
            }
            if let Some(first) = rust_names.insert(rust_name.clone(), at) {
                self.report(
                    Diagnostic::new(
                        Check::DuplicateName,
                        file,
                        at,
                        format!(
                            "`{owner}` has two fields named `{rust_name}` in Rust (the first at line {})",
                            first.line
                        ),
                    )
                    .with_help("set a different `rust_name` on one of them"),
                );
            }
            self.check_doc(
                file,
                at,
                &field.description,
                &format!("field `{}`", wire.value),
            );
            let hoisted = inline_type_name(owner, &wire.value);
            self.check_field_type(file, &hoisted, field, request);
            if let Some(constant) = &field.constant {
                if !request {
                    self.report(
                        Diagnostic::new(
                            Check::InvalidValue,
                            file,
                            at,
                            format!("field `{}` of `{owner}` has a `constant`, which only request fields may have", wire.value),
                        )
                        .with_help("remove `constant:`; describe fixed response values in the description"),
                    );
                } else if !constant.is_string() {
                    self.report(
                        Diagnostic::new(
                            Check::InvalidValue,
                            file,
                            at,
                            format!("constant of field `{}` must be a string", wire.value),
                        )
                        .with_help("quote the value, e.g. `constant: \"get_url\"`"),
                    );
                }
            }
            if let Some(secret) = field.secret.as_ref().filter(|secret| secret.value)
                && (field.ty.value != TypeName::String || field.constant.is_some())
            {
                self.report(
                    Diagnostic::new(
                        Check::InvalidValue,
                        file,
                        pos(secret),
                        format!(
                            "field `{}` of `{owner}` is marked `secret` but is not a caller-set `string`",
                            wire.value
                        ),
                    )
                    .with_help(
                        "only text values (secrets, tokens, tickets) can be hidden from `Debug`; \
                         remove `secret: true`",
                    ),
                );
            }
            if let Some(fill) = &field.fill
                && (field.ty.value != TypeName::String || field.constant.is_some())
            {
                self.report(
                    Diagnostic::new(
                        Check::InvalidValue,
                        file,
                        pos(fill),
                        format!(
                            "field `{}` of `{owner}` has `fill` but is not a caller-set `string`",
                            wire.value
                        ),
                    )
                    .with_help("only text fields (a `nonce_str`) can be filled in; remove `fill:`"),
                );
            }
            if let Some(default) = &field.default {
                let mut found = Vec::new();
                self.value_matches(field, default, &wire.value, false, &mut found);
                for problem in found {
                    self.report(
                        Diagnostic::new(
                            Check::InvalidValue,
                            file,
                            at,
                            format!(
                                "default of field `{}` does not fit its type: {problem}",
                                wire.value
                            ),
                        )
                        .with_help("give a default of the field's own type"),
                    );
                }
            }
        }
    }

    fn check_field_type(&mut self, file: &Path, hoisted: &str, field: &Field, request: bool) {
        let at = pos(&field.ty);
        let kind = &field.ty.value;
        let ty = kind.as_str();
        if let TypeName::Named(named) = kind
            && !self.types.contains_key(named.as_str())
        {
            let builtin: Vec<&str> = TypeName::BUILTIN.iter().map(TypeName::as_str).collect();
            let candidates: Vec<&str> = builtin
                .iter()
                .copied()
                .chain(self.types.keys().copied())
                .collect();
            let help = match closest(ty, candidates) {
                Some(name) => format!(
                    "did you mean `{name}`? Built-in types: {}; named types are defined under spec/types/",
                    builtin.join(", ")
                ),
                None => format!(
                    "use a built-in type ({}) or define `{ty}` under spec/types/",
                    builtin.join(", ")
                ),
            };
            if self.spec.is_complete(SpecKind::Types) {
                self.report(
                    Diagnostic::new(Check::UnknownType, file, at, format!("unknown type `{ty}`"))
                        .with_help(help),
                );
            }
            return;
        }
        let needs = |key: &str, present: bool, allowed: bool| (key.to_string(), present, allowed);
        let rules = [
            needs("width", field.width.is_some(), *kind == TypeName::Integer),
            needs("items", field.items.is_some(), *kind == TypeName::Array),
            needs("fields", field.fields.is_some(), *kind == TypeName::Object),
            needs("values", field.values.is_some(), *kind == TypeName::Enum),
        ];
        for (key, present, allowed) in rules {
            if present && !allowed {
                self.report(
                    Diagnostic::new(
                        Check::InvalidValue,
                        file,
                        at,
                        format!("`{key}` does not apply to type `{ty}`"),
                    )
                    .with_help(format!("remove `{key}:`, or change the type")),
                );
            }
            let required_here = matches!(
                (key.as_str(), kind),
                ("items", TypeName::Array)
                    | ("fields", TypeName::Object)
                    | ("values", TypeName::Enum)
            );
            if required_here && !present {
                self.report(
                    Diagnostic::new(
                        Check::MissingKey,
                        file,
                        at,
                        format!("type `{ty}` needs `{key}`"),
                    )
                    .with_help(format!("add `{key}:` under this field")),
                );
            }
        }
        if let Some(width) = &field.width
            && width.value != 32
            && width.value != 64
        {
            self.report(
                Diagnostic::new(
                    Check::InvalidValue,
                    file,
                    pos(width),
                    format!("integer width {} is not supported", width.value),
                )
                .with_help("use `width: 32` or `width: 64`"),
            );
        }
        if *kind == TypeName::File && !request {
            self.report(
                Diagnostic::new(
                    Check::InvalidValue,
                    file,
                    at,
                    "type `file` only fits request fields",
                )
                .with_help("responses are JSON; use `string` for media ids or URLs"),
            );
        }
        if *kind == TypeName::Object
            && let Some(fields) = &field.fields
        {
            self.claim_type_name(hoisted, file, at, "inline object type");
            self.check_fields(file, hoisted, fields, request);
        }
        if *kind == TypeName::Enum
            && let Some(values) = &field.values
        {
            self.claim_type_name(hoisted, file, at, "inline enum type");
            self.check_enum_values(file, at, hoisted, values);
        }
        if let Some(items) = &field.items {
            if items.ty.value == TypeName::Flag {
                self.report(
                    Diagnostic::new(
                        Check::InvalidValue,
                        file,
                        pos(&items.ty),
                        format!("the items of `{hoisted}` are `flag`s, which only a field can be"),
                    )
                    .with_help("use `type: integer` for the items of a list of 0/1 values"),
                );
            }
            self.check_field_type(file, &format!("{hoisted}Item"), items, request);
        }
    }

    fn check_error_tables(&mut self) {
        let spec = self.spec;
        let mut variants: BTreeMap<&str, (i64, &Path)> = BTreeMap::new();
        for (path, table) in &spec.errors {
            for def in &table.errors {
                let code = def.code.value;
                let variant = def.variant.value.as_str();
                if !is_pascal_case(variant) || variant == RESERVED_ERROR_VARIANT {
                    self.report(
                        Diagnostic::new(
                            Check::InvalidIdentifier,
                            path,
                            pos(&def.variant),
                            format!("error variant `{variant}` (code {code}) is not a usable Rust variant name"),
                        )
                        .with_help("use PascalCase words from the errmsg, e.g. `InvoiceOrderNeverAuth`; `Unknown` is reserved"),
                    );
                }
                match self.codes.get(&code) {
                    Some((first_path, first)) if !same_error(first, def) => {
                        let first_at =
                            format!("{}:{}", first_path.display(), first.code.referenced.line());
                        self.report(
                            Diagnostic::new(
                                Check::ConflictingErrorCode,
                                path,
                                pos(&def.code),
                                format!("error code {code} is defined twice with different contents (first at {first_at})"),
                            )
                            .with_help("keep one definition; endpoints refer to codes, so one table is enough"),
                        );
                    }
                    Some(_) => {}
                    None => {
                        self.codes.insert(code, (path.as_path(), def));
                    }
                }
                if let Some((other, other_path)) = variants.get(variant) {
                    if *other != code {
                        let other_path = other_path.display().to_string();
                        self.report(
                            Diagnostic::new(
                                Check::DuplicateName,
                                path,
                                pos(&def.variant),
                                format!("variant `{variant}` names both code {other} (in {other_path}) and code {code}"),
                            )
                            .with_help("give each code its own variant name"),
                        );
                    }
                } else {
                    variants.insert(variant, (code, path.as_path()));
                }
                if table.inherited {
                    self.inherited.insert(code);
                }
            }
        }
    }

    fn check_endpoints(&mut self) {
        let spec = self.spec;
        let mut names: BTreeMap<&str, &Path> = BTreeMap::new();
        let mut routes: BTreeMap<Route, &Path> = BTreeMap::new();
        for (path, endpoint) in &spec.endpoints {
            let at = pos(&endpoint.endpoint);
            let name = endpoint.endpoint.value.as_str();
            if !is_snake_case(name) {
                self.report(
                    Diagnostic::new(
                        Check::InvalidIdentifier,
                        path,
                        at,
                        format!("endpoint name `{name}` is not a snake_case Rust identifier"),
                    )
                    .with_help(
                        "use lower-case words joined by single underscores, e.g. `get_auth_data`",
                    ),
                );
            }
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            if stem != name {
                self.report(
                    Diagnostic::new(
                        Check::InvalidValue,
                        path,
                        at,
                        format!("endpoint `{name}` is in a file named `{stem}.yaml`"),
                    )
                    .with_help(format!(
                        "rename the file to `{name}.yaml`, or the endpoint to `{stem}`"
                    )),
                );
            }
            if let Some(first) = names.insert(name, path.as_path()) {
                let first = first.display().to_string();
                self.report(
                    Diagnostic::new(
                        Check::DuplicateEndpoint,
                        path,
                        at,
                        format!("endpoint `{name}` is already defined in {first}"),
                    )
                    .with_help("give each endpoint its own name"),
                );
            }
            let route = (
                endpoint.http.method.as_str().to_string(),
                endpoint.http.path.value.clone(),
                endpoint
                    .http
                    .query
                    .iter()
                    .map(|(k, v)| (k.value.clone(), v.clone()))
                    .collect::<Vec<_>>(),
            );
            if let Some(first) = routes.insert(route, path.as_path()) {
                let first = first.display().to_string();
                self.report(
                    Diagnostic::new(
                        Check::DuplicateEndpoint,
                        path,
                        pos(&endpoint.http.path),
                        format!(
                            "{} {} with the same query is already defined in {first}",
                            endpoint.http.method.as_str(),
                            endpoint.http.path.value
                        ),
                    )
                    .with_help("endpoints that share a path must differ by a fixed `query` value such as `action`"),
                );
            }
            self.check_endpoint(path, endpoint);
        }
    }

    fn check_endpoint(&mut self, path: &Path, endpoint: &EndpointFile) {
        let at = pos(&endpoint.endpoint);
        let prefix = pascal_case(&endpoint.endpoint.value);
        for suffix in ["Request", "Response", "Error"] {
            self.claim_type_name(&format!("{prefix}{suffix}"), path, at, "endpoint type");
        }
        self.check_doc(path, at, &endpoint.description, "endpoint");
        self.check_doc(path, at, &endpoint.title, "endpoint title");
        let route = &endpoint.http.path;
        if !route.value.starts_with('/') || route.value.contains('?') || route.value.contains(' ') {
            self.report(
                Diagnostic::new(
                    Check::InvalidValue,
                    path,
                    pos(route),
                    format!("path `{}` must start with `/` and carry no query", route.value),
                )
                .with_help("write the path alone (`/card/invoice/getauthdata`) and fixed query parameters under `http.query`"),
            );
        }
        if endpoint.http.method == Method::Get && endpoint.http.body != BodyKind::None {
            self.report(
                Diagnostic::new(
                    Check::InvalidValue,
                    path,
                    pos(route),
                    "a GET endpoint cannot have a body",
                )
                .with_help("set `body: none`"),
            );
        }
        if endpoint.http.body == BodyKind::None && !endpoint.request.is_empty() {
            self.report(
                Diagnostic::new(
                    Check::InvalidValue,
                    path,
                    pos(route),
                    "an endpoint with `body: none` lists request fields",
                )
                .with_help("remove the request fields, or set `body: json`"),
            );
        }
        let has_file = endpoint
            .request
            .iter()
            .any(|(_, f)| f.ty.value == TypeName::File);
        if has_file && endpoint.http.body != BodyKind::Multipart {
            self.report(
                Diagnostic::new(
                    Check::InvalidValue,
                    path,
                    pos(route),
                    "a request with a `file` field must use `body: multipart`",
                )
                .with_help("set `body: multipart`"),
            );
        }
        self.check_fields(path, &format!("{prefix}Request"), &endpoint.request, true);
        self.check_fields(
            path,
            &format!("{prefix}Response"),
            &endpoint.response,
            false,
        );
        for (wire, field) in endpoint.response.iter() {
            let names = std::iter::once(&wire.value).chain(&field.aliases);
            if let Some(envelope) = names
                .into_iter()
                .find(|n| ENVELOPE_FIELDS.contains(&n.as_str()))
            {
                self.report(
                    Diagnostic::new(
                        Check::InvalidValue,
                        path,
                        pos(wire),
                        format!("response field `{envelope}` is part of WeChat's envelope, not of the response"),
                    )
                    .with_help("remove it: every answer carries errcode and errmsg, and the client turns a non-zero errcode into the endpoint's error enum"),
                );
            }
        }

        let mut seen = BTreeSet::new();
        for code in &endpoint.errors {
            if !self.codes.contains_key(&code.value) && self.spec.is_complete(SpecKind::Errors) {
                let candidates: Vec<String> = self.codes.keys().map(i64::to_string).collect();
                let wanted = code.value.to_string();
                let hint = closest(&wanted, candidates.iter().map(String::as_str))
                    .map(|c| format!(" (did you mean {c}?)"))
                    .unwrap_or_default();
                self.report(
                    Diagnostic::new(
                        Check::UnknownErrorCode,
                        path,
                        pos(code),
                        format!("error code {} is not defined in any table under spec/errors/{hint}", code.value),
                    )
                    .with_help("define it in spec/errors/invoice.yaml (or the table it belongs to), then refer to it here"),
                );
            }
            if !seen.insert(code.value) {
                self.report(
                    Diagnostic::new(
                        Check::DuplicateName,
                        path,
                        pos(code),
                        format!("error code {} is listed twice", code.value),
                    )
                    .with_help("list each code once"),
                );
            }
        }
        if endpoint.examples.is_empty() {
            self.report(
                Diagnostic::new(
                    Check::MissingKey,
                    path,
                    at,
                    format!("endpoint `{}` has no example", endpoint.endpoint.value),
                )
                .with_help("add `examples:` with the doc's request and response; every example becomes a test"),
            );
        }
        for example in &endpoint.examples {
            self.check_example(path, endpoint, example);
        }
    }

    fn check_example(
        &mut self,
        path: &Path,
        endpoint: &EndpointFile,
        example: &crate::spec::Example,
    ) {
        let mut found = Vec::new();
        match (&example.request, endpoint.http.body) {
            (Some(request), BodyKind::None) => self.report(
                Diagnostic::new(
                    Check::ExampleMismatch,
                    path,
                    pos(request),
                    format!(
                        "example `{}` has a request body, but the endpoint takes none",
                        example.name
                    ),
                )
                .with_help("remove `request:` from the example"),
            ),
            (Some(request), _) => {
                self.object_matches(
                    &endpoint.request,
                    &request.value,
                    "request",
                    true,
                    &mut found,
                );
                for problem in found.drain(..) {
                    self.report(example_problem(path, pos(request), &example.name, problem));
                }
            }
            (None, BodyKind::None) => {}
            (None, _) => self.report(
                Diagnostic::new(
                    Check::ExampleMismatch,
                    path,
                    pos(&example.response),
                    format!("example `{}` has no request", example.name),
                )
                .with_help("add `request:` with the body the doc shows (`{}` for an empty body)"),
            ),
        }
        let response = &example.response;
        let Some(object) = response.value.as_object() else {
            self.report(example_problem(
                path,
                pos(response),
                &example.name,
                "response: expected a JSON object".into(),
            ));
            return;
        };
        let errcode = object.get("errcode").and_then(Value::as_i64).unwrap_or(0);
        if errcode != 0 {
            let documented = endpoint.errors.iter().any(|c| c.value == errcode)
                || self.inherited.contains(&errcode);
            if !documented && self.spec.is_complete(SpecKind::Errors) {
                self.report(example_problem(
                    path,
                    pos(response),
                    &example.name,
                    format!("response.errcode: {errcode} is not among the endpoint's error codes"),
                ));
            }
            return;
        }
        let mut body = object.clone();
        body.remove("errcode");
        body.remove("errmsg");
        self.object_matches(
            &endpoint.response,
            &Value::Object(body),
            "response",
            false,
            &mut found,
        );
        for problem in found {
            self.report(example_problem(path, pos(response), &example.name, problem));
        }
    }

    /// Checks a JSON object against declared fields; problems are pushed as `path: message`.
    fn object_matches(
        &self,
        fields: &OrderedMap<Field>,
        value: &Value,
        at: &str,
        request: bool,
        found: &mut Vec<String>,
    ) {
        let Some(object) = value.as_object() else {
            found.push(format!(
                "{at}: expected an object, found {}",
                kind_of(value)
            ));
            return;
        };
        for (wire, field) in fields.iter() {
            let here = format!("{at}.{}", wire.value);
            let present = object
                .get(&wire.value)
                .or_else(|| field.aliases.iter().find_map(|alias| object.get(alias)));
            match present {
                Some(inner) => self.value_matches(field, inner, &here, request, found),
                None if field.required && field.constant.is_none() && request => {
                    found.push(format!("{here}: required field is missing"))
                }
                None => {}
            }
        }
        for key in object.keys() {
            let known = fields
                .iter()
                .any(|(wire, field)| &wire.value == key || field.aliases.contains(key));
            if !known {
                found.push(format!(
                    "{at}.{key}: the spec defines no such field; add it to `{}`",
                    at.split('.').next().unwrap_or(at)
                ));
            }
        }
    }

    /// Checks one value against its field; `request` makes nested required fields mandatory.
    fn value_matches(
        &self,
        field: &Field,
        value: &Value,
        at: &str,
        request: bool,
        found: &mut Vec<String>,
    ) {
        let kind = &field.ty.value;
        let scalar = TypeRef::scalar(kind, 64);
        let ok = match (scalar.as_ref().and_then(|ty| scalar_fits(ty, value)), kind) {
            (Some(fits), _) => fits,
            (None, TypeName::Array) => {
                let Some(items) = value.as_array() else {
                    found.push(format!("{at}: expected an array, found {}", kind_of(value)));
                    return;
                };
                if let Some(item_field) = &field.items {
                    for (index, item) in items.iter().enumerate() {
                        let here = format!("{at}[{index}]");
                        self.value_matches(item_field, item, &here, request, found);
                    }
                }
                true
            }
            (None, TypeName::Object) => {
                let empty = OrderedMap::default();
                let fields = field.fields.as_ref().unwrap_or(&empty);
                self.object_matches(fields, value, at, request, found);
                true
            }
            (None, TypeName::Named(named)) => match self.types.get(named.as_str()) {
                Some(entry) => match (&entry.def.fields, &entry.def.values) {
                    (Some(fields), _) => {
                        self.object_matches(fields, value, at, request, found);
                        true
                    }
                    (None, Some(values)) => enum_value_fits(values, value),
                    (None, None) => value.is_string(),
                },
                None => true,
            },
            (None, TypeName::Enum) => {
                enum_value_fits(field.values.as_deref().unwrap_or(&[]), value)
            }
            (None, _) => value.is_string(),
        };
        if !ok {
            let expected = match kind {
                TypeName::IntegerOrString => "an integer or a numeric string (`1` or `\"1\"`)",
                other => other.as_str(),
            };
            found.push(format!(
                "{at}: expected {expected}, found {}",
                kind_of(value)
            ));
        }
    }
}

/// Whether `value` has the kind of an enum's values: an integer for an enum of codes, else a
/// string (values the spec does not list are accepted, as the generated enum keeps them).
fn enum_value_fits(values: &[crate::spec::EnumValue], value: &serde_json::Value) -> bool {
    match values.first().map(|first| &first.value) {
        Some(crate::spec::WireValue::Integer(_)) => value.is_i64(),
        _ => value.is_string(),
    }
}

fn same_error(a: &ErrorDef, b: &ErrorDef) -> bool {
    a.variant.value == b.variant.value
        && a.errmsg == b.errmsg
        && a.description == b.description
        && a.solution == b.solution
        && a.retryable == b.retryable
        && a.may_have_succeeded == b.may_have_succeeded
        && a.invalidates_token == b.invalidates_token
}

fn example_problem(path: &Path, position: Position, name: &str, problem: String) -> Diagnostic {
    Diagnostic::new(
        Check::ExampleMismatch,
        path,
        position,
        format!("example `{name}` does not match the spec: {problem}"),
    )
    .with_help("fix the example or the field definition so that they agree")
}

fn kind_of(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) if n.is_f64() => format!("number {n}"),
        Value::Number(n) => format!("integer {n}"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}
