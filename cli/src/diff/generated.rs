//! What the code generator emits for a model, as far as the diff's verdicts depend on it:
//! which Rust types exist, which structs derive `Default` and which are `#[non_exhaustive]`.
//!
//! Whether a struct derives `Default` is the model's own rule ([`Api::derives_default`]), which
//! the emitter follows too.
//! `cli/tests/diff_compile.rs` compiles callers against generated code to keep the two in step.

use std::collections::BTreeSet;

use wechat_invoice_codegen::model::{Api, NamedType};

/// Whether the generated struct named `name` derives `Default`; `None` when `name` is not a
/// generated struct.
pub fn named_derives_default(api: &Api, name: &str) -> Option<bool> {
    if let Some(NamedType::Object(object)) = api.types.get(name) {
        return Some(api.derives_default(object));
    }
    api.endpoints.iter().find_map(|endpoint| {
        if endpoint.request_type() == name {
            Some(api.derives_default(&endpoint.request))
        } else if endpoint.response_type() == name {
            Some(api.derives_default(&endpoint.response))
        } else {
            None
        }
    })
}

/// Whether the generated struct named `name` is open to struct literals (requests use it)
/// rather than `#[non_exhaustive]`; `None` when `name` is not a generated struct.
pub fn is_open(api: &Api, name: &str) -> Option<bool> {
    named_derives_default(api, name).map(|_| api.is_sent(name))
}

/// Every public Rust type the model generates: the named types, and per endpoint its
/// request, response and error types.
pub fn type_names(api: &Api) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = api.types.keys().cloned().collect();
    for endpoint in &api.endpoints {
        names.insert(endpoint.request_type());
        names.insert(endpoint.response_type());
        names.insert(endpoint.error_type());
    }
    names
}

/// The endpoint whose generated types `name` belongs to (its own or one hoisted from it).
pub fn owner<'a>(api: &'a Api, name: &str) -> Option<&'a str> {
    api.endpoints
        .iter()
        .filter(|endpoint| {
            name == endpoint.error_type()
                || name.starts_with(&endpoint.request_type())
                || name.starts_with(&endpoint.response_type())
        })
        .max_by_key(|endpoint| endpoint.type_prefix.len())
        .map(|endpoint| endpoint.name.as_str())
}
