//! The `object!` macro: declares a generated struct, writes its `Deserialize` impl
//! ([`crate::de`]) and, with the `schema` feature, its `schemars::JsonSchema` impl, both from
//! the struct's own doc comments and serde attributes.
//! The schema is what `#[derive(schemars::JsonSchema)]` gives (`tests/schema_fixture.rs`
//! holds it to that), but built by one non-generic function, [`object_schema`], shared by
//! every struct; each field's type is reached through one small generic function,
//! [`subschema`], instantiated once per distinct field type in the crate.

#[cfg(feature = "schema")]
use schemars::{Schema, SchemaGenerator};

/// One field of a struct, as its schema needs it.
#[cfg(feature = "schema")]
#[doc(hidden)]
pub struct Field {
    /// The field's JSON name.
    pub name: &'static str,
    /// The field's doc comment lines, as the attributes hold them.
    pub doc: &'static [&'static str],
    /// Whether the field may be absent (`#[serde(default)]`).
    pub optional: bool,
    /// The schema of the field's value.
    pub schema: fn(&mut SchemaGenerator) -> Schema,
}

/// The schema of `T` where a field refers to it (a `$ref` or inline, as `T` says).
#[cfg(feature = "schema")]
#[doc(hidden)]
pub fn subschema<T: schemars::JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// The schema of a struct: an object with a property per field (`required` listing those
/// that may not be absent), then the struct's title and description, each doc split as
/// schemars' derive splits it (a first line starting with `#` is the title).
#[cfg(feature = "schema")]
#[doc(hidden)]
pub fn object_schema(generator: &mut SchemaGenerator, doc: &[&str], fields: &[Field]) -> Schema {
    let mut properties = serde_json::Map::new();
    let mut required = Vec::new();
    for field in fields {
        let mut property = (field.schema)(generator);
        crate::error_serde::with_doc(&mut property, field.doc);
        properties.insert(field.name.to_owned(), property.into());
        if !field.optional {
            required.push(serde_json::Value::from(field.name));
        }
    }
    let mut schema = schemars::json_schema!({ "type": "object" });
    if !properties.is_empty() {
        schema.insert("properties".to_owned(), properties.into());
    }
    if !required.is_empty() {
        schema.insert("required".to_owned(), required.into());
    }
    crate::error_serde::with_doc(&mut schema, doc);
    schema
}

/// Declares a generated struct (doc comments, `#[derive(..)]`, other attributes, then
/// `pub` fields each with doc comments and at most one `#[serde(..)]`), its `Deserialize`
/// impl and, with the `schema` feature, its `JsonSchema` impl: a field's JSON name is its
/// `rename`, it is also read from its `alias`, it is optional when it has `default`, and a flag
/// (`with = "crate::types::flag"`) travels and is described as an integer. `Serialize` and
/// the other traits come from the `#[derive(..)]`.
macro_rules! object {
    (
        $(#[doc = $doc:literal])*
        #[derive($($derive:path),* $(,)?)]
        $(#[$attr:meta])*
        pub struct $name:ident {
            $(
                $(#[doc = $fdoc:literal])*
                $(#[serde($($serde:tt)*)])?
                pub $field:ident: $ty:ty,
            )*
        }
    ) => {
        $(#[doc = $doc])*
        #[derive($($derive),*)]
        $(#[$attr])*
        pub struct $name {
            $(
                $(#[doc = $fdoc])*
                $(#[serde($($serde)*)])?
                pub $field: $ty,
            )*
        }

        $crate::de::deserialize_object!($name { $($field: $ty; [$($($serde)*)?]),* });

        $crate::schema::json_schema_impl!($name, |generator| {
            $crate::schema::object_schema(generator, &[$($doc),*], &[$(
                $crate::schema::Field {
                    name: $crate::schema::wire_name!($field; $($($serde)*)?),
                    doc: &[$($fdoc),*],
                    optional: $crate::schema::has_default!($($($serde)*)?),
                    schema: $crate::schema::field_schema!($ty; $($($serde)*)?),
                },
            )*])
        });
    };
}
pub(crate) use object;

/// With the `schema` feature, implements `schemars::JsonSchema` for `$name`, named and
/// identified as schemars' derive names a type, its schema built by `$body` from the
/// generator (used by `object!` and the error enums).
macro_rules! json_schema_impl {
    ($name:ident, |$generator:ident| $body:expr) => {
        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            #[inline]
            fn schema_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }

            #[inline]
            fn schema_id() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(concat!(module_path!(), "::", stringify!($name)))
            }

            #[inline]
            fn json_schema($generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                $body
            }
        }
    };
}
pub(crate) use json_schema_impl;

/// A field's JSON name: its serde `rename`, else its Rust name.
macro_rules! wire_name {
    ($field:ident; rename = $wire:literal $($rest:tt)*) => { $wire };
    ($field:ident; $head:tt $($rest:tt)*) => { $crate::schema::wire_name!($field; $($rest)*) };
    ($field:ident;) => { stringify!($field) };
}
pub(crate) use wire_name;

/// Whether serde's arguments say `default`.
#[cfg(feature = "schema")]
macro_rules! has_default {
    (default $($rest:tt)*) => { true };
    ($head:tt $($rest:tt)*) => { $crate::schema::has_default!($($rest)*) };
    () => { false };
}
#[cfg(feature = "schema")]
pub(crate) use has_default;

/// The schema function of a field: the integer a flag travels as, else the field's type.
#[cfg(feature = "schema")]
macro_rules! field_schema {
    ($ty:ty; with = "crate::types::flag" $($rest:tt)*) => {
        $crate::schema::subschema::<i32>
    };
    ($ty:ty; with = "crate::types::flag::option" $($rest:tt)*) => {
        $crate::schema::subschema::<Option<i32>>
    };
    ($ty:ty; $head:tt $($rest:tt)*) => { $crate::schema::field_schema!($ty; $($rest)*) };
    ($ty:ty;) => { $crate::schema::subschema::<$ty> };
}
#[cfg(feature = "schema")]
pub(crate) use field_schema;
