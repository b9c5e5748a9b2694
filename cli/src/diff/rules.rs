//! The catalogue of change kinds `wxinvoice diff` knows, one [`Rule`] each, after oasdiff.
//!
//! Levels are judged for callers of the generated Rust API, not only for the wire: a field
//! that becomes `Option<T>` is harmless JSON but breaks every caller that reads it, and a
//! renamed variant is a compile error even though WeChat sends the same code. Detection is in
//! [`super::compare`]; this module only says what each kind is worth.

use super::change::{Direction, Level, Rule};

const fn rule(id: &'static str, direction: Direction, level: Level) -> Rule {
    Rule {
        id,
        direction,
        level,
    }
}

use Direction::{Endpoint, Error, Request, Response};
use Level::{Breaking, Info, Warning};

/// A new endpoint: a new client method.
pub static ENDPOINT_ADDED: Rule = rule("endpoint-added", Endpoint, Info);
/// An endpoint is gone (a rename shows as removed + added): its method disappears.
pub static ENDPOINT_REMOVED: Rule = rule("endpoint-removed", Endpoint, Breaking);
/// GET ↔ POST.
pub static METHOD_CHANGED: Rule = rule("method-changed", Endpoint, Breaking);
/// The path below the base URL changed.
pub static PATH_CHANGED: Rule = rule("path-changed", Endpoint, Breaking);
/// The fixed query parameters (`action=…`) changed.
pub static QUERY_CHANGED: Rule = rule("query-changed", Endpoint, Breaking);
/// json ↔ multipart ↔ none.
pub static BODY_KIND_CHANGED: Rule = rule("body-kind-changed", Request, Breaking);
/// The query credential changed (`access_token` ↔ none).
pub static TOKEN_CHANGED: Rule = rule("token-changed", Endpoint, Warning);
/// The retry policy changed: the client retries idempotent calls only.
pub static IDEMPOTENT_CHANGED: Rule = rule("idempotent-changed", Endpoint, Warning);
/// A third-party permission set no longer covers the endpoint.
pub static PERMISSION_SET_REMOVED: Rule = rule("permission-set-removed", Endpoint, Warning);
/// A third-party permission set now covers the endpoint.
pub static PERMISSION_SET_ADDED: Rule = rule("permission-set-added", Endpoint, Info);
/// An account type may no longer call the endpoint.
pub static ACCOUNT_TYPE_REMOVED: Rule = rule("account-type-removed", Endpoint, Warning);
/// An account type may now call the endpoint.
pub static ACCOUNT_TYPE_ADDED: Rule = rule("account-type-added", Endpoint, Info);
/// Title, description, doc URL or notes changed.
pub static ENDPOINT_DOC_CHANGED: Rule = rule("endpoint-doc-changed", Endpoint, Info);
/// WeChat's interface name or the README group changed.
pub static ENDPOINT_METADATA_CHANGED: Rule = rule("endpoint-metadata-changed", Endpoint, Info);
/// The doc examples (and so the generated tests) changed.
pub static EXAMPLES_CHANGED: Rule = rule("examples-changed", Endpoint, Info);

/// A required request field appeared: every caller must set it.
pub static REQUEST_FIELD_ADDED_REQUIRED: Rule =
    rule("request-field-added-required", Request, Breaking);
/// An optional request field appeared on a type that derives `Default`: wire-compatible, and
/// literals ending in `..Default::default()` keep compiling, but literals naming every field
/// and patterns without `..` stop compiling, hence a warning.
pub static REQUEST_FIELD_ADDED_OPTIONAL: Rule =
    rule("request-field-added-optional", Request, Warning);
/// An optional request field appeared on a type that has no `Default` (it has a required
/// field): callers using its builder keep compiling, struct literals need the new field.
pub static REQUEST_FIELD_ADDED_OPTIONAL_NO_DEFAULT: Rule =
    rule("request-field-added-optional-no-default", Request, Warning);
/// A request field is gone.
pub static REQUEST_FIELD_REMOVED: Rule = rule("request-field-removed", Request, Breaking);
/// An optional request field became required (`Option<T>` → `T`).
pub static REQUEST_FIELD_BECAME_REQUIRED: Rule =
    rule("request-field-became-required", Request, Breaking);
/// A required request field became optional (`T` → `Option<T>`): a Rust break.
pub static REQUEST_FIELD_BECAME_OPTIONAL: Rule =
    rule("request-field-became-optional", Request, Breaking);
/// A request field's type changed (integer width, array items, named type included).
pub static REQUEST_FIELD_TYPE_CHANGED: Rule = rule("request-field-type-changed", Request, Breaking);
/// A request field's Rust name changed.
pub static REQUEST_FIELD_RUST_NAME_CHANGED: Rule =
    rule("request-field-rust-name-changed", Request, Breaking);
/// A caller-set request field became a constant the client sends itself.
pub static REQUEST_FIELD_BECAME_CONSTANT: Rule =
    rule("request-field-became-constant", Request, Breaking);
/// A constant request field became one callers set.
pub static REQUEST_FIELD_NO_LONGER_CONSTANT: Rule =
    rule("request-field-no-longer-constant", Request, Breaking);
/// A constant the client sends changed, appeared or disappeared: callers do not see it, but
/// WeChat gets another request.
pub static REQUEST_CONSTANT_CHANGED: Rule = rule("request-constant-changed", Request, Warning);
/// A value was added to an enum callers send.
pub static REQUEST_ENUM_VALUE_ADDED: Rule = rule("request-enum-value-added", Request, Info);
/// A value was removed from an enum callers send: its variant disappears.
pub static REQUEST_ENUM_VALUE_REMOVED: Rule = rule("request-enum-value-removed", Request, Breaking);
/// An enum value callers send got another Rust variant name.
pub static REQUEST_ENUM_VARIANT_RENAMED: Rule =
    rule("request-enum-variant-renamed", Request, Breaking);
/// A request field that was an enum is now another type.
pub static REQUEST_ENUM_BECAME_NON_ENUM: Rule =
    rule("request-enum-became-non-enum", Request, Breaking);
/// A request field's description, note or documented default changed.
pub static REQUEST_FIELD_DOC_CHANGED: Rule = rule("request-field-doc-changed", Request, Info);
/// A request field accepts another JSON name when decoded (mock server side only).
pub static REQUEST_FIELD_ALIAS_ADDED: Rule = rule("request-field-alias-added", Request, Info);
/// A request field no longer accepts a JSON name when decoded (mock server side only).
pub static REQUEST_FIELD_ALIAS_REMOVED: Rule = rule("request-field-alias-removed", Request, Info);

/// An optional response field appeared on an answer type: answers are `#[non_exhaustive]`, so
/// code reading them and test fakes built with their builders keep compiling.
pub static RESPONSE_FIELD_ADDED: Rule = rule("response-field-added", Response, Info);
/// A required response field appeared: test fakes built with the builder must set it (its
/// `build()` needs every required field).
pub static RESPONSE_FIELD_ADDED_REQUIRED: Rule =
    rule("response-field-added-required", Response, Breaking);
/// An optional response field appeared on a type requests use too (so not
/// `#[non_exhaustive]`): builders keep compiling, struct literals need the new field.
pub static RESPONSE_FIELD_ADDED_OPEN: Rule = rule("response-field-added-open", Response, Warning);
/// A response field is gone.
pub static RESPONSE_FIELD_REMOVED: Rule = rule("response-field-removed", Response, Breaking);
/// A response field that was always present may now be absent (`T` → `Option<T>`).
pub static RESPONSE_FIELD_BECAME_OPTIONAL: Rule =
    rule("response-field-became-optional", Response, Breaking);
/// A response field is now always present (`Option<T>` → `T`): a Rust break.
pub static RESPONSE_FIELD_BECAME_REQUIRED: Rule =
    rule("response-field-became-required", Response, Breaking);
/// A response field's type changed.
pub static RESPONSE_FIELD_TYPE_CHANGED: Rule =
    rule("response-field-type-changed", Response, Breaking);
/// A response field's Rust name changed.
pub static RESPONSE_FIELD_RUST_NAME_CHANGED: Rule =
    rule("response-field-rust-name-changed", Response, Breaking);
/// A value was added to an enum callers receive: it compiles (enums are `#[non_exhaustive]`),
/// but the value arrived as `Unknown("…")` before and as its own variant now, so code matching
/// the `Unknown` string takes another branch.
pub static RESPONSE_ENUM_VALUE_ADDED: Rule = rule("response-enum-value-added", Response, Warning);
/// A value was removed from an enum callers receive: its variant disappears.
pub static RESPONSE_ENUM_VALUE_REMOVED: Rule =
    rule("response-enum-value-removed", Response, Breaking);
/// An enum value callers receive got another Rust variant name.
pub static RESPONSE_ENUM_VARIANT_RENAMED: Rule =
    rule("response-enum-variant-renamed", Response, Breaking);
/// A response field that was an enum is now another type.
pub static RESPONSE_ENUM_BECAME_NON_ENUM: Rule =
    rule("response-enum-became-non-enum", Response, Breaking);
/// A response field's description, note or documented default changed.
pub static RESPONSE_FIELD_DOC_CHANGED: Rule = rule("response-field-doc-changed", Response, Info);
/// A response field accepts another JSON name when decoded.
pub static RESPONSE_FIELD_ALIAS_ADDED: Rule = rule("response-field-alias-added", Response, Info);
/// A response field no longer accepts a JSON name: responses using it stop decoding.
pub static RESPONSE_FIELD_ALIAS_REMOVED: Rule =
    rule("response-field-alias-removed", Response, Warning);

/// An endpoint documents a new error code: matches keep compiling (error enums are
/// `#[non_exhaustive]`), but the code arrived as `Unknown { code, .. }` before and as its own
/// variant now, so code matching `Unknown { code: N, .. }` takes another branch, and the
/// code's flags (retryable, may have succeeded, token invalid) now apply to it.
pub static ERROR_CODE_ADDED: Rule = rule("error-code-added", Error, Warning);
/// A code this endpoint newly documents appears in none of its examples, so no generated test
/// decodes it.
pub static ERROR_CODE_WITHOUT_EXAMPLE: Rule = rule("error-code-without-example", Error, Warning);
/// An endpoint no longer documents a code: its error variant disappears.
pub static ERROR_CODE_REMOVED: Rule = rule("error-code-removed", Error, Breaking);
/// A code's `retryable` flag flipped: `is_retryable()` and the retry policy change.
pub static ERROR_RETRYABLE_CHANGED: Rule = rule("error-retryable-changed", Error, Breaking);
/// A code got another variant name: matches on the old one stop compiling.
pub static ERROR_VARIANT_RENAMED: Rule = rule("error-variant-renamed", Error, Breaking);
/// A code's `may_have_succeeded` flag flipped.
pub static ERROR_MAY_HAVE_SUCCEEDED_CHANGED: Rule =
    rule("error-may-have-succeeded-changed", Error, Warning);
/// A code's `invalidates_token` flag flipped: the token refresh policy changes.
pub static ERROR_INVALIDATES_TOKEN_CHANGED: Rule =
    rule("error-invalidates-token-changed", Error, Warning);
/// A code was added to the error tables.
pub static ERROR_DEFINED: Rule = rule("error-defined", Error, Info);
/// A code was removed from the error tables: its `ErrorInfo` item disappears.
pub static ERROR_UNDEFINED: Rule = rule("error-undefined", Error, Breaking);
/// A code's errmsg, description, solution or table changed.
pub static ERROR_DOC_CHANGED: Rule = rule("error-doc-changed", Error, Info);

/// A generated Rust type was added: a shared named type, an endpoint's request, response or
/// error type, or a nested object hoisted out of a field.
pub static TYPE_ADDED: Rule = rule("type-added", Endpoint, Info);
/// A generated struct no longer derives `Default` (a required enum, file or decimal field
/// reached it): literals ending in `..Default::default()` stop compiling.
pub static TYPE_DEFAULT_REMOVED: Rule = rule("type-default-removed", Endpoint, Breaking);
/// A struct requests no longer use became `#[non_exhaustive]`: struct literals of it outside
/// the crate stop compiling (its builder keeps working).
pub static TYPE_BECAME_NON_EXHAUSTIVE: Rule =
    rule("type-became-non-exhaustive", Endpoint, Breaking);
/// A field this change added appears in none of the endpoint's examples, so no generated test
/// exercises it.
pub static REQUEST_FIELD_WITHOUT_EXAMPLE: Rule =
    rule("request-field-without-example", Request, Warning);
/// A response field this change added appears in none of the endpoint's examples.
pub static RESPONSE_FIELD_WITHOUT_EXAMPLE: Rule =
    rule("response-field-without-example", Response, Warning);
/// A note kept from before names a field or code this change just modelled (“not modelled
/// yet”): it is probably stale.
pub static NOTE_NAMES_MODELLED: Rule = rule("note-names-modelled", Endpoint, Warning);
/// A shared named type was removed: a public Rust type disappears.
pub static TYPE_REMOVED: Rule = rule("type-removed", Endpoint, Breaking);
/// A shared named type's description or its values' descriptions changed.
pub static TYPE_DOC_CHANGED: Rule = rule("type-doc-changed", Endpoint, Info);

/// Every rule, for listings and tests.
pub static ALL: &[&Rule] = &[
    &ENDPOINT_ADDED,
    &ENDPOINT_REMOVED,
    &METHOD_CHANGED,
    &PATH_CHANGED,
    &QUERY_CHANGED,
    &BODY_KIND_CHANGED,
    &TOKEN_CHANGED,
    &IDEMPOTENT_CHANGED,
    &PERMISSION_SET_REMOVED,
    &PERMISSION_SET_ADDED,
    &ACCOUNT_TYPE_REMOVED,
    &ACCOUNT_TYPE_ADDED,
    &ENDPOINT_DOC_CHANGED,
    &ENDPOINT_METADATA_CHANGED,
    &EXAMPLES_CHANGED,
    &REQUEST_FIELD_ADDED_REQUIRED,
    &REQUEST_FIELD_ADDED_OPTIONAL,
    &REQUEST_FIELD_ADDED_OPTIONAL_NO_DEFAULT,
    &REQUEST_FIELD_REMOVED,
    &REQUEST_FIELD_BECAME_REQUIRED,
    &REQUEST_FIELD_BECAME_OPTIONAL,
    &REQUEST_FIELD_TYPE_CHANGED,
    &REQUEST_FIELD_RUST_NAME_CHANGED,
    &REQUEST_FIELD_BECAME_CONSTANT,
    &REQUEST_FIELD_NO_LONGER_CONSTANT,
    &REQUEST_CONSTANT_CHANGED,
    &REQUEST_ENUM_VALUE_ADDED,
    &REQUEST_ENUM_VALUE_REMOVED,
    &REQUEST_ENUM_VARIANT_RENAMED,
    &REQUEST_ENUM_BECAME_NON_ENUM,
    &REQUEST_FIELD_DOC_CHANGED,
    &REQUEST_FIELD_ALIAS_ADDED,
    &REQUEST_FIELD_ALIAS_REMOVED,
    &RESPONSE_FIELD_ADDED,
    &RESPONSE_FIELD_ADDED_REQUIRED,
    &RESPONSE_FIELD_ADDED_OPEN,
    &RESPONSE_FIELD_REMOVED,
    &RESPONSE_FIELD_BECAME_OPTIONAL,
    &RESPONSE_FIELD_BECAME_REQUIRED,
    &RESPONSE_FIELD_TYPE_CHANGED,
    &RESPONSE_FIELD_RUST_NAME_CHANGED,
    &RESPONSE_ENUM_VALUE_ADDED,
    &RESPONSE_ENUM_VALUE_REMOVED,
    &RESPONSE_ENUM_VARIANT_RENAMED,
    &RESPONSE_ENUM_BECAME_NON_ENUM,
    &RESPONSE_FIELD_DOC_CHANGED,
    &RESPONSE_FIELD_ALIAS_ADDED,
    &RESPONSE_FIELD_ALIAS_REMOVED,
    &ERROR_CODE_ADDED,
    &ERROR_CODE_WITHOUT_EXAMPLE,
    &ERROR_CODE_REMOVED,
    &ERROR_RETRYABLE_CHANGED,
    &ERROR_VARIANT_RENAMED,
    &ERROR_MAY_HAVE_SUCCEEDED_CHANGED,
    &ERROR_INVALIDATES_TOKEN_CHANGED,
    &ERROR_DEFINED,
    &ERROR_UNDEFINED,
    &ERROR_DOC_CHANGED,
    &TYPE_ADDED,
    &TYPE_REMOVED,
    &TYPE_DOC_CHANGED,
    &TYPE_DEFAULT_REMOVED,
    &TYPE_BECAME_NON_EXHAUSTIVE,
    &REQUEST_FIELD_WITHOUT_EXAMPLE,
    &RESPONSE_FIELD_WITHOUT_EXAMPLE,
    &NOTE_NAMES_MODELLED,
];

/// The rules that differ only by side, picked for a request or a response field.
#[derive(Debug, Clone, Copy)]
pub struct SideRules {
    /// Field removed.
    pub removed: &'static Rule,
    /// Type changed.
    pub type_changed: &'static Rule,
    /// Rust name changed.
    pub rust_name_changed: &'static Rule,
    /// Required → optional.
    pub became_optional: &'static Rule,
    /// Optional → required.
    pub became_required: &'static Rule,
    /// Enum value added.
    pub enum_value_added: &'static Rule,
    /// Enum value removed.
    pub enum_value_removed: &'static Rule,
    /// Enum variant renamed.
    pub enum_variant_renamed: &'static Rule,
    /// Enum became another type.
    pub enum_became_non_enum: &'static Rule,
    /// Description, note or default changed.
    pub doc_changed: &'static Rule,
    /// Alias added.
    pub alias_added: &'static Rule,
    /// Alias removed.
    pub alias_removed: &'static Rule,
}

/// The request side's rules.
pub static REQUEST: SideRules = SideRules {
    removed: &REQUEST_FIELD_REMOVED,
    type_changed: &REQUEST_FIELD_TYPE_CHANGED,
    rust_name_changed: &REQUEST_FIELD_RUST_NAME_CHANGED,
    became_optional: &REQUEST_FIELD_BECAME_OPTIONAL,
    became_required: &REQUEST_FIELD_BECAME_REQUIRED,
    enum_value_added: &REQUEST_ENUM_VALUE_ADDED,
    enum_value_removed: &REQUEST_ENUM_VALUE_REMOVED,
    enum_variant_renamed: &REQUEST_ENUM_VARIANT_RENAMED,
    enum_became_non_enum: &REQUEST_ENUM_BECAME_NON_ENUM,
    doc_changed: &REQUEST_FIELD_DOC_CHANGED,
    alias_added: &REQUEST_FIELD_ALIAS_ADDED,
    alias_removed: &REQUEST_FIELD_ALIAS_REMOVED,
};

/// The response side's rules.
pub static RESPONSE: SideRules = SideRules {
    removed: &RESPONSE_FIELD_REMOVED,
    type_changed: &RESPONSE_FIELD_TYPE_CHANGED,
    rust_name_changed: &RESPONSE_FIELD_RUST_NAME_CHANGED,
    became_optional: &RESPONSE_FIELD_BECAME_OPTIONAL,
    became_required: &RESPONSE_FIELD_BECAME_REQUIRED,
    enum_value_added: &RESPONSE_ENUM_VALUE_ADDED,
    enum_value_removed: &RESPONSE_ENUM_VALUE_REMOVED,
    enum_variant_renamed: &RESPONSE_ENUM_VARIANT_RENAMED,
    enum_became_non_enum: &RESPONSE_ENUM_BECAME_NON_ENUM,
    doc_changed: &RESPONSE_FIELD_DOC_CHANGED,
    alias_added: &RESPONSE_FIELD_ALIAS_ADDED,
    alias_removed: &RESPONSE_FIELD_ALIAS_REMOVED,
};

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn ids_are_unique_kebab_case_and_start_with_their_side() {
        let mut seen = BTreeSet::new();
        for rule in ALL {
            assert!(seen.insert(rule.id), "duplicate id {}", rule.id);
            assert!(rule.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
            match rule.direction {
                Direction::Request => {
                    assert!(rule.id.starts_with("request-") || rule.id == "body-kind-changed")
                }
                Direction::Response => assert!(rule.id.starts_with("response-")),
                Direction::Error => assert!(rule.id.starts_with("error-")),
                Direction::Endpoint => {}
                Direction::Event => assert!(rule.id.starts_with("event-")),
            }
        }
    }

    #[test]
    fn side_rules_are_in_the_catalogue() {
        for side in [&REQUEST, &RESPONSE] {
            for rule in [
                side.removed,
                side.type_changed,
                side.enum_value_removed,
                side.alias_removed,
            ] {
                assert!(
                    ALL.iter().any(|known| std::ptr::eq(*known, rule)),
                    "{}",
                    rule.id
                );
            }
        }
    }
}
