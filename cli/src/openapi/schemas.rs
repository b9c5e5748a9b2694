//! `components/schemas` from the compiled types: each type's JSON Schema as
//! `wechat_invoice::registry::json_schema_of` derives it (schemars, JSON Schema 2020-12), its
//! `$defs` hoisted beside it, and `#/$defs/X` refs rewritten to `#/components/schemas/X`.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use wechat_invoice::registry::json_schema_of;

use crate::outcome::CliError;

/// Where component schemas live in the document.
pub const COMPONENTS: &str = "#/components/schemas/";
/// The error answer every endpoint may get with HTTP 200.
pub const WECHAT_ERROR: &str = "WeChatError";
/// The `errcode`/`errmsg` pair of a success answer.
pub const WECHAT_OK: &str = "WeChatOk";

/// The schemas gathered so far, by component name.
#[derive(Debug, Default)]
pub struct Schemas {
    by_name: BTreeMap<String, Value>,
}

impl Schemas {
    /// The two envelope schemas, [`WECHAT_ERROR`] and [`WECHAT_OK`].
    pub fn with_envelopes() -> Self {
        let mut schemas = Self::default();
        schemas.by_name.insert(
            WECHAT_ERROR.to_string(),
            json!({
                "title": WECHAT_ERROR,
                "description": "WeChat's error answer, sent with HTTP 200: a non-zero `errcode` and \
                    its `errmsg` (which often ends with a `rid` for WeChat support). The codes \
                    each operation documents are in its 200 response and its `x-wechat-errors`.",
                "type": "object",
                "properties": {
                    "errcode": {
                        "description": "WeChat's error code; never 0 here.",
                        "type": "integer",
                        "not": { "const": 0 }
                    },
                    "errmsg": { "description": "WeChat's error message.", "type": "string" }
                },
                "required": ["errcode", "errmsg"]
            }),
        );
        schemas.by_name.insert(
            WECHAT_OK.to_string(),
            json!({
                "title": WECHAT_OK,
                "description": "The `errcode`/`errmsg` pair of a success answer: `errcode` is 0 \
                    or absent.",
                "type": "object",
                "properties": {
                    "errcode": { "description": "0 on success.", "const": 0 },
                    "errmsg": { "description": "`ok` on success.", "type": "string" }
                }
            }),
        );
        schemas
    }

    /// Adds the compiled type `name` and the types it refers to; returns `{"$ref": …}` to it.
    pub fn add_type(&mut self, name: &str) -> Result<Value, CliError> {
        let schema = json_schema_of(name).ok_or_else(|| {
            CliError::new(format!(
                "the spec has a type `{name}` that this wxinvoice was not compiled with; rebuild it"
            ))
        })?;
        let mut root = schema.as_value().clone();
        let defs = match root.as_object_mut() {
            Some(object) => {
                object.remove("$schema");
                object.remove("$defs")
            }
            None => None,
        };
        if let Some(Value::Object(defs)) = defs {
            for (def_name, def) in defs {
                self.insert(&def_name, def)?;
            }
        }
        self.insert(name, root)?;
        Ok(reference(name))
    }

    /// The component schemas, refs rewritten.
    pub fn into_value(self) -> Value {
        let mut map = Map::new();
        for (name, mut schema) in self.by_name {
            rewrite_refs(&mut schema);
            map.insert(name, schema);
        }
        Value::Object(map)
    }

    /// Keeps one schema per name: a second one must be the same, its `title` aside.
    fn insert(&mut self, name: &str, schema: Value) -> Result<(), CliError> {
        match self.by_name.get_mut(name) {
            None => {
                self.by_name.insert(name.to_string(), schema);
                Ok(())
            }
            Some(existing) if without_title(existing) == without_title(&schema) => {
                if existing.get("title").is_none() {
                    *existing = schema;
                }
                Ok(())
            }
            Some(_) => Err(CliError::new(format!(
                "two different JSON Schemas are named `{name}`; OpenAPI components need one per name"
            ))),
        }
    }
}

/// `{"$ref": "#/components/schemas/NAME"}`.
pub fn reference(name: &str) -> Value {
    json!({ "$ref": format!("{COMPONENTS}{name}") })
}

fn without_title(schema: &Value) -> Value {
    let mut copy = schema.clone();
    if let Some(object) = copy.as_object_mut() {
        object.remove("title");
    }
    copy
}

/// Rewrites every `#/$defs/X` ref under `value` to `#/components/schemas/X`.
pub fn rewrite_refs(value: &mut Value) {
    match value {
        Value::Object(object) => {
            for (key, inner) in object.iter_mut() {
                if key == "$ref"
                    && let Value::String(target) = inner
                    && let Some(name) = target.strip_prefix("#/$defs/")
                {
                    *target = format!("{COMPONENTS}{name}");
                } else {
                    rewrite_refs(inner);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

/// Every `$ref` under `value` that does not point at a part of `document`.
pub fn dangling_refs(document: &Value) -> Vec<String> {
    let mut refs = Vec::new();
    collect_refs(document, &mut refs);
    refs.retain(|target| {
        target
            .strip_prefix('#')
            .is_none_or(|pointer| document.pointer(pointer).is_none())
    });
    refs.sort();
    refs.dedup();
    refs
}

fn collect_refs(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            for (key, inner) in object {
                match inner {
                    Value::String(target) if key == "$ref" => into.push(target.clone()),
                    _ => collect_refs(inner, into),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, into)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defs_are_hoisted_and_refs_rewritten() {
        let mut schemas = Schemas::default();
        let reference = schemas
            .add_type("PlatformSetPdfRequest")
            .expect("compiled type");
        assert_eq!(
            reference["$ref"],
            "#/components/schemas/PlatformSetPdfRequest"
        );
        let value = schemas.into_value();
        assert_eq!(
            value["PlatformSetPdfRequest"]["properties"]["pdf"]["$ref"],
            "#/components/schemas/FilePart"
        );
        assert!(value["FilePart"].is_object());
        assert!(value["PlatformSetPdfRequest"].get("$schema").is_none());
    }

    #[test]
    fn unknown_types_and_dangling_refs_are_reported() {
        assert!(Schemas::default().add_type("NoSuchType").is_err());
        let document = json!({
            "a": { "$ref": "#/b" },
            "b": { "$ref": "#/components/schemas/Missing" }
        });
        assert_eq!(dangling_refs(&document), ["#/components/schemas/Missing"]);
    }
}
