//! What the code generator emits for a model, as far as the diff's verdicts depend on it:
//! which Rust types exist and which structs derive `Default`.
//!
//! The codegen model does not say whether a struct derives `Default` (the emitter decides
//! it privately), so [`derives_default`] restates the emitter's rule: a struct derives it when
//! every required field's type can be defaulted, and enums, files and decimals cannot.
//! `cli/tests/diff_compile.rs` compiles callers against generated code to keep the two in step.

use std::collections::BTreeSet;

use wechat_invoice_codegen::model::{Api, NamedType, Object, TypeRef};

/// How deep named objects are followed, as the emitter does.
const MAX_DEPTH: usize = 16;

/// Whether the generated struct for `object` derives `Default`.
pub fn derives_default(api: &Api, object: &Object) -> bool {
    object_defaultable(api, object, 0)
}

/// Whether the generated struct named `name` derives `Default`; `None` when `name` is not a
/// generated struct.
pub fn named_derives_default(api: &Api, name: &str) -> Option<bool> {
    if let Some(NamedType::Object(object)) = api.types.get(name) {
        return Some(derives_default(api, object));
    }
    api.endpoints.iter().find_map(|endpoint| {
        if endpoint.request_type() == name {
            Some(derives_default(api, &endpoint.request))
        } else if endpoint.response_type() == name {
            Some(derives_default(api, &endpoint.response))
        } else {
            None
        }
    })
}

fn object_defaultable(api: &Api, object: &Object, depth: usize) -> bool {
    object
        .visible_fields()
        .filter(|field| field.required)
        .all(|field| defaultable(api, &field.ty, depth))
}

fn defaultable(api: &Api, ty: &TypeRef, depth: usize) -> bool {
    match ty {
        TypeRef::File | TypeRef::Decimal => false,
        TypeRef::Named(name) if depth < MAX_DEPTH => match api.types.get(name) {
            Some(NamedType::Object(object)) => object_defaultable(api, object, depth + 1),
            _ => false,
        },
        TypeRef::Named(_) => false,
        _ => true,
    }
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
