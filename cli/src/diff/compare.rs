//! Finds the changes between two resolved specs and classifies each by a rule of
//! [`super::rules`].

use std::collections::{BTreeMap, BTreeSet};

use wechat_invoice_codegen::model::{
    Api, Endpoint, Enumeration, ErrorCode, Field, NamedType, Object, TypeRef,
};

use super::change::{Change, EndpointRef, Rule, Scope};
use super::generated;
use super::rules::{self, SideRules};

/// Every change from `base` to `head`: endpoints by name, then error tables, then types.
pub fn compare(base: &Api, head: &Api) -> Vec<Change> {
    let mut walker = Walker {
        base,
        head,
        changes: Vec::new(),
        added: Vec::new(),
    };
    walker.endpoints();
    walker.error_tables();
    walker.shared_types();
    walker.generated_types();
    let mut changes = walker.changes;
    changes.sort_by_key(|change| (scope_rank(&change.scope), change.level()));
    changes
}

/// Endpoints first (by name), then error tables, then shared types.
fn scope_rank(scope: &Scope) -> (u8, String) {
    match scope {
        Scope::Endpoint(endpoint) => (0, endpoint.name.clone()),
        Scope::Errors => (1, String::new()),
        Scope::Types => (2, String::new()),
        Scope::Event(event) => (3, event.clone()),
    }
}

/// Which side of an endpoint a field is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

impl Side {
    fn rules(self) -> &'static SideRules {
        match self {
            Side::Request => &rules::REQUEST,
            Side::Response => &rules::RESPONSE,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Side::Request => "request",
            Side::Response => "response",
        }
    }
}

/// Where in an endpoint a comparison is: its scope, side and the field path so far.
struct Place<'s> {
    scope: &'s Scope,
    side: Side,
    /// Named types already compared on this side, against cycles and repeats.
    seen: BTreeSet<String>,
}

struct Walker<'a> {
    base: &'a Api,
    head: &'a Api,
    changes: Vec<Change>,
    /// The fields added to the endpoint being compared: side and path.
    added: Vec<(Side, String)>,
}

impl Walker<'_> {
    fn push(&mut self, rule: &'static Rule, scope: &Scope, message: String) {
        self.changes.push(Change {
            rule,
            scope: scope.clone(),
            message,
        });
    }

    fn endpoints(&mut self) {
        let base = by_name(&self.base.endpoints);
        let head = by_name(&self.head.endpoints);
        let names: BTreeSet<&str> = base.keys().chain(head.keys()).copied().collect();
        for name in names {
            match (base.get(name), head.get(name)) {
                (Some(old), None) => {
                    let scope = endpoint_scope(old);
                    let message = format!(
                        "endpoint removed ({} {}): the client method `{}` disappears",
                        method_name(old),
                        old.path,
                        old.name
                    );
                    self.push(&rules::ENDPOINT_REMOVED, &scope, message);
                }
                (None, Some(new)) => {
                    let scope = endpoint_scope(new);
                    let message = format!(
                        "endpoint added ({} {}): new client method `{}`",
                        method_name(new),
                        new.path,
                        new.name
                    );
                    self.push(&rules::ENDPOINT_ADDED, &scope, message);
                }
                (Some(old), Some(new)) => self.endpoint(old, new),
                (None, None) => {}
            }
        }
    }

    fn endpoint(&mut self, old: &Endpoint, new: &Endpoint) {
        let scope = endpoint_scope(new);
        self.route(&scope, old, new);
        self.endpoint_policy(&scope, old, new);
        self.endpoint_docs(&scope, old, new);
        let mut request = Place {
            scope: &scope,
            side: Side::Request,
            seen: BTreeSet::new(),
        };
        self.object(&mut request, "", &old.request, &new.request);
        let mut response = Place {
            scope: &scope,
            side: Side::Response,
            seen: BTreeSet::new(),
        };
        self.object(&mut response, "", &old.response, &new.response);
        let added_codes = self.endpoint_errors(&scope, old, new);
        let added_fields = std::mem::take(&mut self.added);
        self.example_coverage(&scope, new, &added_fields, &added_codes);
        self.stale_notes(&scope, old, new, &added_fields, &added_codes);
    }

    /// Warns for each added field or code that none of the endpoint's examples shows.
    fn example_coverage(
        &mut self,
        scope: &Scope,
        new: &Endpoint,
        fields: &[(Side, String)],
        codes: &[i64],
    ) {
        for (side, path) in fields {
            let shown = new.examples.iter().any(|example| {
                let body = match side {
                    Side::Request => example.request.as_ref(),
                    Side::Response => Some(&example.response),
                };
                body.is_some_and(|body| exercises(body, path))
            });
            if !shown {
                let (rule, name) = match side {
                    Side::Request => (&rules::REQUEST_FIELD_WITHOUT_EXAMPLE, "request"),
                    Side::Response => (&rules::RESPONSE_FIELD_WITHOUT_EXAMPLE, "response"),
                };
                let message = format!(
                    "new {name} field `{path}` appears in no example, so no generated test exercises it; add an example that shows it"
                );
                self.push(rule, scope, message);
            }
        }
        for code in codes {
            if !new.errors.contains(code) {
                continue;
            }
            let shown = new.examples.iter().any(|example| {
                example.response.get("errcode").and_then(|c| c.as_i64()) == Some(*code)
            });
            if !shown {
                let message = format!(
                    "new error code {code} appears in no example, so no generated test decodes it; add an example answering it"
                );
                self.push(&rules::ERROR_CODE_WITHOUT_EXAMPLE, scope, message);
            }
        }
    }

    /// Warns for each note kept from the base that names a field or code this change added.
    fn stale_notes(
        &mut self,
        scope: &Scope,
        old: &Endpoint,
        new: &Endpoint,
        fields: &[(Side, String)],
        codes: &[i64],
    ) {
        let before = notes_of(self.base, old);
        let mut names: Vec<String> = fields
            .iter()
            .filter_map(|(_, path)| path.rsplit('.').next())
            .map(|name| name.trim_end_matches("[]").to_string())
            .collect();
        names.extend(codes.iter().map(i64::to_string));
        names.sort();
        names.dedup();
        for (place, note) in notes_of(self.head, new) {
            if !before.iter().any(|(_, kept)| *kept == note) {
                continue;
            }
            for name in names.iter().filter(|name| names_word(&note, name)) {
                let message = format!(
                    "the {place} note names `{name}`, which this change models; check that it is not stale: \"{}\"",
                    excerpt(&note)
                );
                self.push(&rules::NOTE_NAMES_MODELLED, scope, message);
            }
        }
    }

    fn route(&mut self, scope: &Scope, old: &Endpoint, new: &Endpoint) {
        if old.method != new.method {
            let message = format!(
                "method changed from {} to {}",
                method_name(old),
                method_name(new)
            );
            self.push(&rules::METHOD_CHANGED, scope, message);
        }
        if old.path != new.path {
            let message = format!("path changed from `{}` to `{}`", old.path, new.path);
            self.push(&rules::PATH_CHANGED, scope, message);
        }
        if old.query != new.query {
            let message = format!(
                "fixed query changed from `{}` to `{}`",
                query_text(&old.query),
                query_text(&new.query)
            );
            self.push(&rules::QUERY_CHANGED, scope, message);
        }
        if old.body != new.body {
            let message = format!("request body changed from {:?} to {:?}", old.body, new.body)
                .to_lowercase();
            self.push(&rules::BODY_KIND_CHANGED, scope, message);
        }
        if old.token != new.token {
            let message = format!(
                "query credential changed from {:?} to {:?}",
                old.token, new.token
            );
            self.push(&rules::TOKEN_CHANGED, scope, message);
        }
    }

    fn endpoint_policy(&mut self, scope: &Scope, old: &Endpoint, new: &Endpoint) {
        if old.idempotent != new.idempotent {
            let effect = if new.idempotent {
                "the client now retries it after failures that may have reached WeChat; check that repeating it is harmless"
            } else {
                "the client no longer retries it once a request may have reached WeChat"
            };
            let message = format!(
                "idempotent changed from {} to {}: {effect}",
                old.idempotent, new.idempotent
            );
            self.push(&rules::IDEMPOTENT_CHANGED, scope, message);
        }
        for set in minus(&old.permission_sets, &new.permission_sets) {
            let message = format!(
                "third-party permission set {set} no longer covers the endpoint: authorizer_access_token calls under it fail"
            );
            self.push(&rules::PERMISSION_SET_REMOVED, scope, message);
        }
        for set in minus(&new.permission_sets, &old.permission_sets) {
            let message = format!("third-party permission set {set} now covers the endpoint");
            self.push(&rules::PERMISSION_SET_ADDED, scope, message);
        }
        let old_accounts: Vec<String> =
            old.account_types.iter().map(|a| format!("{a:?}")).collect();
        let new_accounts: Vec<String> =
            new.account_types.iter().map(|a| format!("{a:?}")).collect();
        for account in minus(&old_accounts, &new_accounts) {
            let message = format!("account type {account} may no longer call the endpoint");
            self.push(&rules::ACCOUNT_TYPE_REMOVED, scope, message);
        }
        for account in minus(&new_accounts, &old_accounts) {
            let message = format!("account type {account} may now call the endpoint");
            self.push(&rules::ACCOUNT_TYPE_ADDED, scope, message);
        }
    }

    fn endpoint_docs(&mut self, scope: &Scope, old: &Endpoint, new: &Endpoint) {
        let docs = changed_parts(&[
            ("title", old.title != new.title),
            ("description", old.description != new.description),
            ("doc_url", old.doc_url != new.doc_url),
            ("notes", old.notes != new.notes),
        ]);
        if let Some(parts) = docs {
            self.push(
                &rules::ENDPOINT_DOC_CHANGED,
                scope,
                format!("{parts} changed"),
            );
        }
        if old.wechat_name != new.wechat_name {
            let message = format!(
                "WeChat interface name changed from `{}` to `{}`",
                old.wechat_name, new.wechat_name
            );
            self.push(&rules::ENDPOINT_METADATA_CHANGED, scope, message);
        }
        if old.group != new.group {
            let message = format!("group changed from {:?} to {:?}", old.group, new.group);
            self.push(&rules::ENDPOINT_METADATA_CHANGED, scope, message);
        }
        if old.examples != new.examples {
            let message = format!(
                "examples changed ({} before, {} after); they are the generated tests",
                old.examples.len(),
                new.examples.len()
            );
            self.push(&rules::EXAMPLES_CHANGED, scope, message);
        }
    }

    /// Reports codes removed and added; returns the added ones.
    fn endpoint_errors(&mut self, scope: &Scope, old: &Endpoint, new: &Endpoint) -> Vec<i64> {
        let old_codes = effective_errors(self.base, old);
        let new_codes = effective_errors(self.head, new);
        for code in old_codes.difference(&new_codes) {
            let variant = variant_of(self.base, *code);
            let message = format!(
                "error code {code} ({variant}) removed: the variant `{}::{variant}` disappears",
                old.error_type()
            );
            self.push(&rules::ERROR_CODE_REMOVED, scope, message);
        }
        let added: Vec<i64> = new_codes.difference(&old_codes).copied().collect();
        for code in &added {
            let variant = variant_of(self.head, *code);
            let error_type = new.error_type();
            let flags = self
                .head
                .errors
                .get(code)
                .map(|error| {
                    let mut flags = Vec::new();
                    if error.retryable {
                        flags.push("the client now retries it");
                    }
                    if error.invalidates_token {
                        flags.push("it now invalidates the cached token");
                    }
                    if error.may_have_succeeded {
                        flags.push("`may_have_succeeded()` is now true for it");
                    }
                    flags
                })
                .unwrap_or_default();
            let flags = if flags.is_empty() {
                String::new()
            } else {
                format!("; {}", flags.join(", "))
            };
            let message = format!(
                "error code {code} ({variant}) added: it arrived as `{error_type}::Unknown {{ code: {code}, .. }}` before and as `{error_type}::{variant}` now, so code matching the `Unknown` form takes another branch{flags}; matches keep compiling (#[non_exhaustive])"
            );
            self.push(&rules::ERROR_CODE_ADDED, scope, message);
        }
        added
    }

    /// Compares the fields of two objects; `prefix` is the path of the object (`` at the top).
    fn object(&mut self, place: &mut Place<'_>, prefix: &str, old: &Object, new: &Object) {
        let owner = Owner {
            name: &new.name,
            derives_default: self.head.derives_default(new),
            open: self.head.is_sent(&new.name),
        };
        for old_field in &old.fields {
            let path = join(prefix, &old_field.wire_name);
            match new
                .fields
                .iter()
                .find(|f| f.wire_name == old_field.wire_name)
            {
                Some(new_field) => self.field(place, &path, old_field, new_field),
                None => self.field_removed(place, &path, old_field),
            }
        }
        for new_field in &new.fields {
            if !old
                .fields
                .iter()
                .any(|f| f.wire_name == new_field.wire_name)
            {
                let path = join(prefix, &new_field.wire_name);
                self.field_added(place, &path, new_field, &owner);
            }
        }
    }

    fn field_removed(&mut self, place: &Place<'_>, path: &str, old: &Field) {
        let side = place.side.name();
        if let Some(value) = &old.constant {
            let message =
                format!("constant request field `{path}` (always {value}) is no longer sent");
            self.push(&rules::REQUEST_CONSTANT_CHANGED, place.scope, message);
            return;
        }
        let message = format!("{side} field `{path}` removed");
        self.push(place.side.rules().removed, place.scope, message);
    }

    fn field_added(&mut self, place: &Place<'_>, path: &str, new: &Field, owner: &Owner<'_>) {
        if let Some(value) = &new.constant {
            let message = format!("constant request field `{path}` (always {value}) is now sent");
            self.push(&rules::REQUEST_CONSTANT_CHANGED, place.scope, message);
            return;
        }
        self.added.push((place.side, path.to_string()));
        let ty = rust_type(&new.ty);
        let shown = if new.required {
            ty.clone()
        } else {
            format!("Option<{ty}>")
        };
        let struct_name = owner.name;
        let rust = &new.rust_name;
        let (rule, message) = match (place.side, new.required) {
            (Side::Request, true) => (
                &rules::REQUEST_FIELD_ADDED_REQUIRED,
                format!(
                    "required request field `{path}` (`{ty}`) added: every caller must now set it"
                ),
            ),
            (Side::Request, false) if owner.derives_default => (
                &rules::REQUEST_FIELD_ADDED_OPTIONAL,
                format!(
                    "optional request field `{path}` (`{shown}`) added to `{struct_name}`: the wire stays compatible, builders and literals ending in `..Default::default()` keep compiling, but literals naming every field need `{rust}: None`"
                ),
            ),
            (Side::Request, false) => (
                &rules::REQUEST_FIELD_ADDED_OPTIONAL_NO_DEFAULT,
                format!(
                    "optional request field `{path}` (`{shown}`) added to `{struct_name}`: the wire stays compatible and `{struct_name}::builder()` keeps compiling, but struct literals of it need `{rust}: None` (it has no `Default`)"
                ),
            ),
            (Side::Response, true) => (
                &rules::RESPONSE_FIELD_ADDED_REQUIRED,
                format!(
                    "required response field `{path}` (`{shown}`) added to `{struct_name}`: code reading responses keeps compiling, but test fakes built with `{struct_name}::builder()` must set `{rust}`"
                ),
            ),
            (Side::Response, false) if owner.open => (
                &rules::RESPONSE_FIELD_ADDED_OPEN,
                format!(
                    "optional response field `{path}` (`{shown}`) added to `{struct_name}`, which requests use too: reads and builders keep compiling, but struct literals of it need `{rust}: None`"
                ),
            ),
            (Side::Response, false) => (
                &rules::RESPONSE_FIELD_ADDED,
                format!(
                    "optional response field `{path}` (`{shown}`) added to `{struct_name}`: reads and test fakes built with `{struct_name}::builder()` keep compiling (answers are #[non_exhaustive])"
                ),
            ),
        };
        self.push(rule, place.scope, message);
    }

    fn field(&mut self, place: &mut Place<'_>, path: &str, old: &Field, new: &Field) {
        let side = place.side.name();
        let rules = place.side.rules();
        match (&old.constant, &new.constant) {
            (None, Some(value)) => {
                let message = format!(
                    "request field `{path}` became the constant {value}: callers can no longer set it"
                );
                self.push(&rules::REQUEST_FIELD_BECAME_CONSTANT, place.scope, message);
                return;
            }
            (Some(value), None) => {
                let message = format!(
                    "request field `{path}` was the constant {value} and is now set by callers"
                );
                self.push(
                    &rules::REQUEST_FIELD_NO_LONGER_CONSTANT,
                    place.scope,
                    message,
                );
                return;
            }
            (Some(before), Some(after)) => {
                if before != after {
                    let message =
                        format!("constant request field `{path}` changed from {before} to {after}");
                    self.push(&rules::REQUEST_CONSTANT_CHANGED, place.scope, message);
                }
                return;
            }
            (None, None) => {}
        }
        if old.rust_name != new.rust_name {
            let message = format!(
                "{side} field `{path}` renamed in Rust from `{}` to `{}`",
                old.rust_name, new.rust_name
            );
            self.push(rules.rust_name_changed, place.scope, message);
        }
        if old.required != new.required {
            let ty = rust_type(&new.ty);
            let (rule, message) = match (place.side, new.required) {
                (Side::Request, true) => (
                    rules.became_required,
                    format!(
                        "request field `{path}` became required: callers must set it, and its type changes from `Option<{ty}>` to `{ty}`"
                    ),
                ),
                (Side::Request, false) => (
                    rules.became_optional,
                    format!(
                        "request field `{path}` became optional: its type changes from `{ty}` to `Option<{ty}>`"
                    ),
                ),
                (Side::Response, true) => (
                    rules.became_required,
                    format!(
                        "response field `{path}` is now always present: its type changes from `Option<{ty}>` to `{ty}`"
                    ),
                ),
                (Side::Response, false) => (
                    rules.became_optional,
                    format!(
                        "response field `{path}` may now be absent: its type changes from `{ty}` to `Option<{ty}>`"
                    ),
                ),
            };
            self.push(rule, place.scope, message);
        }
        self.types(place, path, &old.ty, &new.ty);
        for alias in minus(&old.aliases, &new.aliases) {
            let message =
                format!("{side} field `{path}` no longer accepts the JSON name `{alias}`");
            self.push(rules.alias_removed, place.scope, message);
        }
        for alias in minus(&new.aliases, &old.aliases) {
            let message = format!("{side} field `{path}` now also accepts the JSON name `{alias}`");
            self.push(rules.alias_added, place.scope, message);
        }
        let docs = changed_parts(&[
            ("description", old.description != new.description),
            ("note", old.note != new.note),
            ("default", old.default != new.default),
        ]);
        if let Some(parts) = docs {
            let message = format!("{side} field `{path}`: {parts} changed");
            self.push(rules.doc_changed, place.scope, message);
        }
    }

    fn types(&mut self, place: &mut Place<'_>, path: &str, old: &TypeRef, new: &TypeRef) {
        let side = place.side.name();
        let rules = place.side.rules();
        match (old, new) {
            (TypeRef::Array(old_item), TypeRef::Array(new_item)) => {
                self.types(place, &format!("{path}[]"), old_item, new_item);
            }
            (TypeRef::Named(old_name), TypeRef::Named(new_name)) if old_name == new_name => {
                self.named(place, path, old_name);
            }
            _ if old == new => {}
            (TypeRef::Named(old_name), _)
                if is_enum(self.base, old_name)
                    && !matches!(new, TypeRef::Named(new_name) if is_enum(self.head, new_name)) =>
            {
                let message = format!(
                    "{side} field `{path}` was the enum `{old_name}` and is now `{}`",
                    rust_type(new)
                );
                self.push(rules.enum_became_non_enum, place.scope, message);
            }
            _ => {
                let message = format!(
                    "{side} field `{path}` changed type from `{}` to `{}`",
                    rust_type(old),
                    rust_type(new)
                );
                self.push(rules.type_changed, place.scope, message);
            }
        }
    }

    /// Compares the named type `name` as both specs define it, once per side and endpoint.
    fn named(&mut self, place: &mut Place<'_>, path: &str, name: &str) {
        if !place.seen.insert(name.to_string()) {
            return;
        }
        let side = place.side.name();
        let rules = place.side.rules();
        match (self.base.types.get(name), self.head.types.get(name)) {
            (Some(NamedType::Object(old)), Some(NamedType::Object(new))) => {
                self.object(place, path, old, new);
            }
            (Some(NamedType::Enum(old)), Some(NamedType::Enum(new))) => {
                self.enumeration(place, path, old, new);
            }
            (Some(NamedType::Enum(_)), Some(NamedType::Object(_))) => {
                let message =
                    format!("{side} field `{path}`: `{name}` was an enum and is now an object");
                self.push(rules.enum_became_non_enum, place.scope, message);
            }
            (Some(NamedType::Object(_)), Some(NamedType::Enum(_))) => {
                let message =
                    format!("{side} field `{path}`: `{name}` was an object and is now an enum");
                self.push(rules.type_changed, place.scope, message);
            }
            _ => {}
        }
    }

    fn enumeration(&mut self, place: &Place<'_>, path: &str, old: &Enumeration, new: &Enumeration) {
        let side = place.side.name();
        let rules = place.side.rules();
        let name = &new.name;
        for value in &old.values {
            match new.values.iter().find(|v| v.value == value.value) {
                None => {
                    let message = format!(
                        "value `{}` removed from enum `{name}` ({side} field `{path}`): the variant `{}` disappears",
                        value.value, value.variant
                    );
                    self.push(rules.enum_value_removed, place.scope, message);
                }
                Some(kept) if kept.variant != value.variant => {
                    let message = format!(
                        "value `{}` of enum `{name}` ({side} field `{path}`) renamed in Rust from `{}` to `{}`",
                        value.value, value.variant, kept.variant
                    );
                    self.push(rules.enum_variant_renamed, place.scope, message);
                }
                Some(_) => {}
            }
        }
        for value in &new.values {
            if !old.values.iter().any(|v| v.value == value.value) {
                let message = match place.side {
                    Side::Request => format!(
                        "value `{}` added to enum `{name}` ({side} field `{path}`) as `{name}::{}`",
                        value.value, value.variant
                    ),
                    Side::Response => format!(
                        "value `{}` added to enum `{name}` ({side} field `{path}`): it arrived as `{name}::Unknown(\"{}\")` before and as `{name}::{}` now, so code matching the `Unknown` string takes another branch; matches keep compiling (#[non_exhaustive])",
                        value.value, value.value, value.variant
                    ),
                };
                self.push(rules.enum_value_added, place.scope, message);
            }
        }
    }

    fn error_tables(&mut self) {
        let scope = Scope::Errors;
        let codes: BTreeSet<i64> = self
            .base
            .errors
            .keys()
            .chain(self.head.errors.keys())
            .copied()
            .collect();
        for code in codes {
            match (self.base.errors.get(&code), self.head.errors.get(&code)) {
                (Some(old), None) => {
                    let message = format!(
                        "error code {code} ({}) no longer defined: its ErrorInfo item disappears",
                        old.variant
                    );
                    self.push(&rules::ERROR_UNDEFINED, &scope, message);
                }
                (None, Some(new)) => {
                    let message = format!(
                        "error code {code} ({}) defined in table `{}`",
                        new.variant, new.table
                    );
                    self.push(&rules::ERROR_DEFINED, &scope, message);
                }
                (Some(old), Some(new)) => self.error_code(&scope, old, new),
                (None, None) => {}
            }
        }
    }

    fn error_code(&mut self, scope: &Scope, old: &ErrorCode, new: &ErrorCode) {
        let code = new.code;
        if old.variant != new.variant {
            let message = format!(
                "error code {code} renamed from `{}` to `{}`: matches on the old variant stop compiling",
                old.variant, new.variant
            );
            self.push(&rules::ERROR_VARIANT_RENAMED, scope, message);
        }
        if old.retryable != new.retryable {
            let message = format!(
                "error code {code} ({}) retryable changed from {} to {}: `is_retryable()` and the client's retries change",
                new.variant, old.retryable, new.retryable
            );
            self.push(&rules::ERROR_RETRYABLE_CHANGED, scope, message);
        }
        if old.may_have_succeeded != new.may_have_succeeded {
            let message = format!(
                "error code {code} ({}) may_have_succeeded changed from {} to {}: callers that query before retrying behave differently",
                new.variant, old.may_have_succeeded, new.may_have_succeeded
            );
            self.push(&rules::ERROR_MAY_HAVE_SUCCEEDED_CHANGED, scope, message);
        }
        if old.invalidates_token != new.invalidates_token {
            let message = format!(
                "error code {code} ({}) invalidates_token changed from {} to {}: the token refresh policy changes",
                new.variant, old.invalidates_token, new.invalidates_token
            );
            self.push(&rules::ERROR_INVALIDATES_TOKEN_CHANGED, scope, message);
        }
        let docs = changed_parts(&[
            ("errmsg", old.errmsg != new.errmsg),
            ("description", old.description != new.description),
            ("solution", old.solution != new.solution),
            ("table", old.table != new.table),
        ]);
        if let Some(parts) = docs {
            let message = format!("error code {code} ({}): {parts} changed", new.variant);
            self.push(&rules::ERROR_DOC_CHANGED, scope, message);
        }
    }

    /// Shared types (not hoisted from an endpoint's fields) added, removed or redescribed.
    fn shared_types(&mut self) {
        let scope = Scope::Types;
        let names: BTreeSet<&String> = self
            .base
            .types
            .keys()
            .chain(self.head.types.keys())
            .collect();
        for name in names {
            if self.is_hoisted(name) {
                continue;
            }
            match (self.base.types.get(name), self.head.types.get(name)) {
                (Some(_), None) => {
                    let message = format!("type `{name}` removed: a public Rust type disappears");
                    self.push(&rules::TYPE_REMOVED, &scope, message);
                }
                (Some(old), Some(new)) if type_docs_differ(old, new) => {
                    let message = format!("type `{name}`: description changed");
                    self.push(&rules::TYPE_DOC_CHANGED, &scope, message);
                }
                _ => {}
            }
        }
    }

    /// Every generated Rust type that is new, and every struct that lost `Default`.
    fn generated_types(&mut self) {
        let before = generated::type_names(self.base);
        let after = generated::type_names(self.head);
        for name in after.difference(&before) {
            let scope = self.type_scope(name);
            let what = match self.head.types.get(name) {
                Some(NamedType::Enum(_)) => "enum",
                Some(NamedType::Object(_)) => "struct",
                None if name.ends_with("Error") => "error enum",
                None => "struct",
            };
            self.push(
                &rules::TYPE_ADDED,
                &scope,
                format!("type `{name}` added (a new public {what})"),
            );
        }
        for name in after.intersection(&before) {
            let was = generated::named_derives_default(self.base, name);
            let is = generated::named_derives_default(self.head, name);
            if was == Some(true) && is == Some(false) {
                let scope = self.type_scope(name);
                let message = format!(
                    "`{name}` no longer derives `Default` (a required field's type has none): literals ending in `..Default::default()` and calls to `{name}::default()` stop compiling"
                );
                self.push(&rules::TYPE_DEFAULT_REMOVED, &scope, message);
            }
            let closes = generated::is_open(self.base, name) == Some(true)
                && generated::is_open(self.head, name) == Some(false);
            if closes {
                let scope = self.type_scope(name);
                let message = format!(
                    "`{name}` is no longer used by any request, so it became #[non_exhaustive]: struct literals of it stop compiling; `{name}::builder()` keeps working"
                );
                self.push(&rules::TYPE_BECAME_NON_EXHAUSTIVE, &scope, message);
            }
        }
    }

    /// The endpoint a generated type belongs to, else the shared types.
    fn type_scope(&self, name: &str) -> Scope {
        generated::owner(self.head, name)
            .and_then(|owner| self.head.endpoints.iter().find(|e| e.name == owner))
            .map_or(Scope::Types, endpoint_scope)
    }

    /// Whether `name` was hoisted out of an endpoint's request or response.
    fn is_hoisted(&self, name: &str) -> bool {
        self.base
            .endpoints
            .iter()
            .chain(&self.head.endpoints)
            .any(|endpoint| {
                name.starts_with(&endpoint.request_type())
                    || name.starts_with(&endpoint.response_type())
            })
    }
}

/// Which struct a field is added to, whether it derives `Default`, and whether it is open to
/// struct literals (requests use it) or `#[non_exhaustive]` (an answer).
struct Owner<'a> {
    name: &'a str,
    derives_default: bool,
    open: bool,
}

/// Whether `body` shows the field at `path` (`a.b`, `a[].b`), in any item of an array.
fn exercises(body: &serde_json::Value, path: &str) -> bool {
    let segments: Vec<&str> = path.split('.').collect();
    shows(body, &segments)
}

fn shows(value: &serde_json::Value, segments: &[&str]) -> bool {
    let Some((first, rest)) = segments.split_first() else {
        return true;
    };
    let name = first.trim_end_matches("[]");
    let depth = (first.len() - name.len()) / 2;
    let Some(child) = value.get(name) else {
        return false;
    };
    items_at(child, depth).iter().any(|item| shows(item, rest))
}

/// The values `depth` array levels below `value` (itself at depth 0).
fn items_at(value: &serde_json::Value, depth: usize) -> Vec<&serde_json::Value> {
    let mut level = vec![value];
    for _ in 0..depth {
        level = level
            .into_iter()
            .filter_map(serde_json::Value::as_array)
            .flatten()
            .collect();
    }
    level
}

/// The endpoint's notes and the notes of its fields (nested named objects included), each
/// with where it sits.
fn notes_of(api: &Api, endpoint: &Endpoint) -> Vec<(String, String)> {
    let mut notes: Vec<(String, String)> = endpoint
        .notes
        .iter()
        .map(|note| ("endpoint".to_string(), note.clone()))
        .collect();
    let mut seen = BTreeSet::new();
    let mut pending: Vec<&Object> = vec![&endpoint.request, &endpoint.response];
    while let Some(object) = pending.pop() {
        for field in &object.fields {
            if let Some(note) = &field.note {
                notes.push((
                    format!("`{}.{}`", object.name, field.rust_name),
                    note.clone(),
                ));
            }
            let mut ty = &field.ty;
            while let TypeRef::Array(item) = ty {
                ty = item;
            }
            if let TypeRef::Named(name) = ty
                && seen.insert(name.clone())
                && let Some(NamedType::Object(inner)) = api.types.get(name)
            {
                pending.push(inner);
            }
        }
    }
    notes
}

/// Whether `text` has `word` with no identifier character on either side.
fn names_word(text: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// The first 120 characters of a note.
fn excerpt(note: &str) -> String {
    let mut cut: String = note.chars().take(120).collect();
    if cut.len() < note.len() {
        cut.push('…');
    }
    cut
}

fn by_name(endpoints: &[Endpoint]) -> BTreeMap<&str, &Endpoint> {
    endpoints
        .iter()
        .map(|endpoint| (endpoint.name.as_str(), endpoint))
        .collect()
}

fn endpoint_scope(endpoint: &Endpoint) -> Scope {
    Scope::Endpoint(EndpointRef {
        name: endpoint.name.clone(),
        method: endpoint.method,
        path: endpoint.path.clone(),
    })
}

fn method_name(endpoint: &Endpoint) -> &'static str {
    match endpoint.method {
        wechat_invoice_codegen::spec::Method::Get => "GET",
        wechat_invoice_codegen::spec::Method::Post => "POST",
    }
}

fn query_text(query: &[(String, String)]) -> String {
    if query.is_empty() {
        return "(none)".to_string();
    }
    query
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The endpoint's own codes plus the inherited general ones.
fn effective_errors(api: &Api, endpoint: &Endpoint) -> BTreeSet<i64> {
    endpoint
        .errors
        .iter()
        .chain(&api.general_errors)
        .copied()
        .collect()
}

fn variant_of(api: &Api, code: i64) -> String {
    api.errors
        .get(&code)
        .map_or_else(|| "undefined".to_string(), |error| error.variant.clone())
}

fn is_enum(api: &Api, name: &str) -> bool {
    matches!(api.types.get(name), Some(NamedType::Enum(_)))
}

/// Whether a type's description, or that of a value both versions have, changed.
fn type_docs_differ(old: &NamedType, new: &NamedType) -> bool {
    match (old, new) {
        (NamedType::Object(old), NamedType::Object(new)) => old.description != new.description,
        (NamedType::Enum(old), NamedType::Enum(new)) => {
            old.description != new.description
                || old.values.iter().any(|value| {
                    new.values.iter().any(|kept| {
                        kept.value == value.value && kept.description != value.description
                    })
                })
        }
        _ => false,
    }
}

/// The items of `a` that `b` lacks, in `a`'s order.
fn minus<T: PartialEq + Clone>(a: &[T], b: &[T]) -> Vec<T> {
    a.iter().filter(|item| !b.contains(item)).cloned().collect()
}

/// `title, description` for the parts flagged as changed, `None` when none is.
fn changed_parts(parts: &[(&str, bool)]) -> Option<String> {
    let changed: Vec<&str> = parts
        .iter()
        .filter(|(_, changed)| *changed)
        .map(|(name, _)| *name)
        .collect();
    (!changed.is_empty()).then(|| changed.join(", "))
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// The Rust type a field gets, as callers write it (`i64`, `Vec<String>`, `Invoice`).
/// A field type as callers read it in Rust (`Vec<Decimal>`).
fn rust_type(ty: &TypeRef) -> String {
    ty.rust().replace("crate::", "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_types_read_like_rust() {
        let ty = TypeRef::Array(Box::new(TypeRef::Integer(32)));
        assert_eq!(rust_type(&ty), "Vec<i32>");
    }

    #[test]
    fn changed_parts_lists_only_changed_ones() {
        assert_eq!(
            changed_parts(&[("title", true), ("notes", false), ("doc_url", true)]),
            Some("title, doc_url".to_string())
        );
        assert_eq!(changed_parts(&[("title", false)]), None);
    }

    #[test]
    fn identical_specs_have_no_changes() {
        let api = Api {
            endpoints: Vec::new(),
            types: BTreeMap::new(),
            errors: BTreeMap::new(),
            general_errors: Vec::new(),
            events: Vec::new(),
        };
        assert!(compare(&api, &api).is_empty());
    }
}
