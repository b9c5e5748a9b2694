//! `Serialize` and `Deserialize` of the endpoint error enums, written once for all of them.
//!
//! Each enum would otherwise carry serde's derived code for an externally tagged enum of some
//! 35 struct variants: about three quarters of the crate's macro-expanded source, paid by
//! every crate that depends on this one. The format is the derived one, unchanged:
//! `{"InvalidCardStatus": {"errmsg": "…"}}`, `{"Unknown": {"code": 1, "errmsg": "…"}}`.

use std::fmt;

use serde::de::{self, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde::ser::{SerializeStructVariant, Serializer};

/// The variant every error enum ends with, for codes the spec does not document.
pub(crate) const UNKNOWN: &str = "Unknown";

/// Serializes variant `variant` of enum `name` (whose variants are `variants`, in order) as
/// serde's derive does: a struct variant with `code` (for `Unknown` only) and `errmsg`.
pub(crate) fn serialize<S: Serializer>(
    serializer: S,
    name: &'static str,
    variants: &'static [&'static str],
    variant: &'static str,
    code: Option<i64>,
    errmsg: &str,
) -> Result<S::Ok, S::Error> {
    let index = variants
        .iter()
        .position(|known| *known == variant)
        .and_then(|index| u32::try_from(index).ok())
        .unwrap_or(0);
    let mut state = serializer.serialize_struct_variant(
        name,
        index,
        variant,
        1 + usize::from(code.is_some()),
    )?;
    if let Some(code) = code {
        state.serialize_field("code", &code)?;
    }
    state.serialize_field("errmsg", errmsg)?;
    state.end()
}

/// A decoded error value: its variant's name, its `code` (read for `Unknown` only) and its
/// `errmsg`.
pub(crate) struct Decoded {
    /// One of the enum's variant names.
    pub(crate) variant: &'static str,
    /// `Unknown`'s code; `0` for the other variants.
    pub(crate) code: i64,
    /// WeChat's message.
    pub(crate) errmsg: String,
}

/// Deserializes enum `name`, whose variants are `variants` (the last one `Unknown`), as
/// serde's derive does.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
    name: &'static str,
    variants: &'static [&'static str],
) -> Result<Decoded, D::Error> {
    deserializer.deserialize_enum(name, variants, EnumVisitor { name, variants })
}

struct EnumVisitor {
    name: &'static str,
    variants: &'static [&'static str],
}

impl<'de> Visitor<'de> for EnumVisitor {
    type Value = Decoded;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "enum {}", self.name)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Decoded, A::Error> {
        let (variant, access) = data.variant_seed(VariantName(self.variants))?;
        let unknown = variant == UNKNOWN;
        let fields: &'static [&'static str] = if unknown {
            &["code", "errmsg"]
        } else {
            &["errmsg"]
        };
        let (code, errmsg) = access.struct_variant(
            fields,
            FieldsVisitor {
                name: self.name,
                variant,
                unknown,
            },
        )?;
        Ok(Decoded {
            variant,
            code,
            errmsg,
        })
    }
}

/// Reads a variant name (or index) and answers it as the enum's own `&'static str`.
struct VariantName(&'static [&'static str]);

impl<'de> de::DeserializeSeed<'de> for VariantName {
    type Value = &'static str;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<&'static str, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for VariantName {
    type Value = &'static str;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_u64<E: de::Error>(self, index: u64) -> Result<&'static str, E> {
        usize::try_from(index)
            .ok()
            .and_then(|index| self.0.get(index).copied())
            .ok_or_else(|| {
                let expected = format!("variant index 0 <= i < {}", self.0.len());
                E::invalid_value(de::Unexpected::Unsigned(index), &expected.as_str())
            })
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<&'static str, E> {
        self.0
            .iter()
            .copied()
            .find(|known| *known == name)
            .ok_or_else(|| E::unknown_variant(name, self.0))
    }

    fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<&'static str, E> {
        match self
            .0
            .iter()
            .copied()
            .find(|known| known.as_bytes() == name)
        {
            Some(known) => Ok(known),
            None => Err(E::unknown_variant(&String::from_utf8_lossy(name), self.0)),
        }
    }
}

/// The fields of one struct variant: `errmsg`, and `code` before it for `Unknown`.
struct FieldsVisitor {
    name: &'static str,
    variant: &'static str,
    unknown: bool,
}

/// A field name of a struct variant, as serde's derive reads it: other names are ignored.
enum Field {
    Code,
    Errmsg,
    Other,
}

/// Reads a field name (or its index) of `Unknown` (`code`, `errmsg`) or of another variant
/// (`errmsg` alone).
struct FieldName {
    unknown: bool,
}

impl<'de> de::DeserializeSeed<'de> for FieldName {
    type Value = Field;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Field, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for FieldName {
    type Value = Field;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_u64<E: de::Error>(self, index: u64) -> Result<Field, E> {
        Ok(match (self.unknown, index) {
            (true, 0) => Field::Code,
            (true, 1) | (false, 0) => Field::Errmsg,
            _ => Field::Other,
        })
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Field, E> {
        self.visit_bytes(name.as_bytes())
    }

    fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<Field, E> {
        Ok(match name {
            b"code" if self.unknown => Field::Code,
            b"errmsg" => Field::Errmsg,
            _ => Field::Other,
        })
    }
}

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = (i64, String);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct variant {}::{}", self.name, self.variant)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(i64, String), A::Error> {
        let code = if self.unknown {
            seq.next_element::<i64>()?
                .ok_or_else(|| de::Error::invalid_length(0, &self))?
        } else {
            0
        };
        let read = usize::from(self.unknown);
        let errmsg = seq
            .next_element::<String>()?
            .ok_or_else(|| de::Error::invalid_length(read, &self))?;
        Ok((code, errmsg))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(i64, String), A::Error> {
        let mut code: Option<i64> = None;
        let mut errmsg: Option<String> = None;
        let unknown = self.unknown;
        while let Some(field) = map.next_key_seed(FieldName { unknown })? {
            match field {
                Field::Code => {
                    if code.is_some() {
                        return Err(de::Error::duplicate_field("code"));
                    }
                    code = Some(map.next_value()?);
                }
                Field::Errmsg => {
                    if errmsg.is_some() {
                        return Err(de::Error::duplicate_field("errmsg"));
                    }
                    errmsg = Some(map.next_value()?);
                }
                Field::Other => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        let code = match (self.unknown, code) {
            (true, Some(code)) => code,
            (true, None) => return Err(de::Error::missing_field("code")),
            (false, _) => 0,
        };
        let errmsg = errmsg.ok_or_else(|| de::Error::missing_field("errmsg"))?;
        Ok((code, errmsg))
    }
}

/// The JSON Schema of an error enum, as schemars' derive writes it: one externally tagged
/// struct variant per `(name, doc lines)` of `variants`, then `Unknown`; `doc` is the enum's
/// doc lines. The field docs are those `api_error_enum!` gives every enum.
#[cfg(feature = "schema")]
pub(crate) fn json_schema(
    generator: &mut schemars::SchemaGenerator,
    doc: &[&str],
    variants: &[(&str, &[&str])],
) -> schemars::Schema {
    use serde_json::{Map, Value};

    let field = |generator: &mut schemars::SchemaGenerator, integer: bool, doc: &str| {
        let mut schema = if integer {
            generator.subschema_for::<i64>()
        } else {
            generator.subschema_for::<String>()
        };
        with_doc(&mut schema, &[doc]);
        schema
    };
    let errmsg_doc = "The `errmsg` WeChat sent (it often ends with a `rid` for WeChat support).";
    let mut one_of = Vec::with_capacity(variants.len() + 1);
    for (name, variant_doc) in variants {
        let fields = [("errmsg", field(generator, false, errmsg_doc))];
        one_of.push(tagged_variant(name, variant_doc, fields));
    }
    let fields = [
        ("code", field(generator, true, "The `errcode` WeChat sent.")),
        (
            "errmsg",
            field(generator, false, "The `errmsg` WeChat sent."),
        ),
    ];
    let unknown_doc =
        ["A code this endpoint's spec does not document; kept with WeChat's message."];
    one_of.push(tagged_variant(UNKNOWN, &unknown_doc, fields));
    let mut map = Map::new();
    map.insert("oneOf".into(), Value::Array(one_of));
    let mut schema = schemars::Schema::from(map);
    with_doc(&mut schema, doc);
    schema
}

/// `{"type": "object", "properties": {name: {…fields}}, "required": [name], …}` with the
/// variant's doc.
#[cfg(feature = "schema")]
fn tagged_variant<const N: usize>(
    name: &str,
    doc: &[&str],
    fields: [(&str, schemars::Schema); N],
) -> serde_json::Value {
    let mut properties = serde_json::Map::new();
    let mut required = Vec::with_capacity(N);
    for (field, schema) in fields {
        properties.insert(field.to_string(), schema.to_value());
        required.push(serde_json::Value::from(field));
    }
    let inner = serde_json::json!({
        "type": "object",
        "properties": properties,
        "required": required,
    });
    let mut schema = schemars::json_schema!({
        "type": "object",
        "properties": { name: inner },
        "required": [name],
        "additionalProperties": false,
    });
    with_doc(&mut schema, doc);
    schema.to_value()
}

/// Adds doc comment lines to a schema as schemars' derive does: the lines joined, each
/// without its first space; a first line starting with `#` is the `title`, the rest the
/// `description`.
#[cfg(feature = "schema")]
pub(crate) fn with_doc(schema: &mut schemars::Schema, lines: &[&str]) {
    let joined = lines
        .iter()
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n");
    let doc = joined.trim_ascii();
    let (title, description) = match doc.strip_prefix('#') {
        Some(_) => {
            let end = doc.find('\n').unwrap_or(doc.len());
            (
                doc[..end].trim_start_matches('#').trim_ascii(),
                doc[end..].trim_ascii(),
            )
        }
        None => ("", doc),
    };
    if !title.is_empty() {
        schema.insert("title".into(), title.into());
    }
    if !description.is_empty() {
        schema.insert("description".into(), description.into());
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    crate::error::api_error_enum! {
        /// Two documented codes and `Unknown`, written through `error_serde`.
        ///
        /// A second paragraph, "quoted", with a back\slash and 中文.
        TinyError for "tiny" {
            /// `-1` system error: 系统繁忙 — busy.
            SystemBusy = SYSTEM_BUSY,
            ///   `40001` over
            /// two lines.
            InvalidCredential = INVALID_CREDENTIAL,
        }
    }

    /// The same enum with serde's and schemars' derives: the format `error_serde` must keep.
    mod derived {
        use serde::{Deserialize, Serialize};

        /// Two documented codes and `Unknown`, written through `error_serde`.
        ///
        /// A second paragraph, "quoted", with a back\slash and 中文.
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        pub(super) enum TinyError {
            /// `-1` system error: 系统繁忙 — busy.
            SystemBusy {
                /// The `errmsg` WeChat sent (it often ends with a `rid` for WeChat support).
                errmsg: String,
            },
            ///   `40001` over
            /// two lines.
            InvalidCredential {
                /// The `errmsg` WeChat sent (it often ends with a `rid` for WeChat support).
                errmsg: String,
            },
            /// A code this endpoint's spec does not document; kept with WeChat's message.
            Unknown {
                /// The `errcode` WeChat sent.
                code: i64,
                /// The `errmsg` WeChat sent.
                errmsg: String,
            },
        }
    }

    /// A `#` title line goes to `title`, as schemars' derive reads docs.
    #[cfg(feature = "schema")]
    #[test]
    fn doc_titles_as_the_derive_reads_them() {
        let mut schema = schemars::json_schema!({});
        super::with_doc(&mut schema, &[" # The title ", "", " The rest."]);
        assert_eq!(
            schema.to_value(),
            serde_json::json!({"title": "The title", "description": "The rest."})
        );
    }

    #[cfg(feature = "schema")]
    #[test]
    fn json_schema_is_the_derived_one() {
        use schemars::JsonSchema;

        assert_eq!(TinyError::schema_name(), derived::TinyError::schema_name());
        assert_eq!(
            TinyError::schema_id(),
            "wechat_invoice::error_serde::tests::TinyError"
        );
        for generator in [
            schemars::generate::SchemaSettings::draft2020_12(),
            schemars::generate::SchemaSettings::openapi3(),
        ] {
            let ours = generator
                .clone()
                .into_generator()
                .into_root_schema_for::<TinyError>();
            let theirs = generator
                .into_generator()
                .into_root_schema_for::<derived::TinyError>();
            assert_eq!(ours.to_value(), theirs.to_value());
        }
    }

    fn same<T: std::fmt::Debug>(ours: T, derived: T) {
        assert_eq!(format!("{ours:?}"), format!("{derived:?}"));
    }

    #[test]
    fn serializes_as_the_derive_does() {
        let cases = [
            (
                TinyError::from_code(-1, "busy".into()),
                derived::TinyError::SystemBusy {
                    errmsg: "busy".into(),
                },
            ),
            (
                TinyError::from_code(40001, String::new()),
                derived::TinyError::InvalidCredential {
                    errmsg: String::new(),
                },
            ),
            (
                TinyError::from_code(72038, "never auth".into()),
                derived::TinyError::Unknown {
                    code: 72038,
                    errmsg: "never auth".into(),
                },
            ),
        ];
        for (ours, derived) in cases {
            let json = serde_json::to_string(&ours).expect("ours");
            assert_eq!(json, serde_json::to_string(&derived).expect("derived"));
            // serde_json's `Value` serializer takes the struct-variant path too.
            assert_eq!(
                serde_json::to_value(&ours).expect("ours"),
                serde_json::to_value(&derived).expect("derived")
            );
            let back: TinyError = serde_json::from_str(&json).expect("round trip");
            assert_eq!(back, ours);
        }
    }

    #[test]
    fn deserializes_and_fails_as_the_derive_does() {
        let inputs = [
            r#"{"SystemBusy":{"errmsg":"busy"}}"#,
            r#"{"SystemBusy":{"errmsg":"busy","code":5,"extra":[1]}}"#,
            r#"{"SystemBusy":["busy"]}"#,
            r#"{"Unknown":{"code":7,"errmsg":"x"}}"#,
            r#"{"Unknown":{"errmsg":"x","code":7}}"#,
            r#"{"Unknown":[7,"x"]}"#,
            r#"{"Unknown":{"errmsg":"x"}}"#,
            r#"{"Unknown":{"code":7}}"#,
            r#"{"Unknown":[7]}"#,
            r#"{"SystemBusy":{}}"#,
            r#"{"SystemBusy":{"errmsg":"a","errmsg":"b"}}"#,
            r#"{"Unknown":{"code":1,"code":2,"errmsg":"b"}}"#,
            r#"{"SystemBusy":{"errmsg":5}}"#,
            r#"{"NoSuchVariant":{"errmsg":"x"}}"#,
            r#""SystemBusy""#,
            r#"{}"#,
            r#"[]"#,
            r#"5"#,
        ];
        for input in inputs {
            let ours = serde_json::from_str::<TinyError>(input);
            let derived = serde_json::from_str::<derived::TinyError>(input);
            match (ours, derived) {
                (Ok(ours), Ok(derived)) => same(
                    serde_json::to_value(&ours).expect("ours"),
                    serde_json::to_value(&derived).expect("derived"),
                ),
                (Err(ours), Err(derived)) => {
                    assert_eq!(ours.classify(), derived.classify(), "{input}");
                    if !input.starts_with(r#"{"Unknown":["#) && !input.contains("\"SystemBusy\":[")
                    {
                        assert_eq!(ours.to_string(), derived.to_string(), "{input}");
                    }
                }
                (ours, derived) => panic!("{input}: ours {ours:?}, derived {derived:?}"),
            }
            let value: serde_json::Value = match serde_json::from_str(input) {
                Ok(value) => value,
                Err(err) => panic!("{input}: {err}"),
            };
            let ours = TinyError::deserialize(&value).map_err(|err| err.to_string());
            let derived = derived::TinyError::deserialize(&value).map_err(|err| err.to_string());
            match (ours, derived) {
                (Ok(ours), Ok(derived)) => same(
                    serde_json::to_value(&ours).expect("ours"),
                    serde_json::to_value(&derived).expect("derived"),
                ),
                (Err(ours), Err(derived)) => {
                    if !input.contains(":[") {
                        assert_eq!(ours, derived, "{input}");
                    }
                }
                (ours, derived) => panic!("{input} as a Value: ours {ours:?}, derived {derived:?}"),
            }
        }
    }
}
