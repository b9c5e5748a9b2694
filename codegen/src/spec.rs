//! The spec language as written in YAML: one struct per construct, with source positions.
//!
//! These types mirror `spec/README.md` one to one. They are parsed by [`crate::load`],
//! checked by [`crate::validate`] and resolved into [`crate::model`].

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;

/// A field's `type:` as written: a built-in type of the spec language, or the name of a type
/// defined under `spec/types/`. Read once here, so later stages match on it rather than on text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeName {
    /// `string`: UTF-8 text.
    String,
    /// `integer`: a whole number (see `width`).
    Integer,
    /// `integer_or_string`: a whole number WeChat sends as a number or a numeric string.
    IntegerOrString,
    /// `number`: a floating-point number.
    Number,
    /// `boolean`: true or false.
    Boolean,
    /// `flag`: `1` or `0` on the wire, a `bool` in Rust.
    Flag,
    /// `decimal`: a yuan amount, a JSON number or a numeric string.
    Decimal,
    /// `file`: a multipart file part.
    File,
    /// `object`: an inline object (`fields`).
    Object,
    /// `array`: a list (`items`).
    Array,
    /// `enum`: an inline string enum (`values`).
    Enum,
    /// Any other word: a named type from `spec/types/`, or a misspelling validation reports.
    Named(String),
}

impl TypeName {
    /// Every built-in type, in the order the spec's documentation lists them.
    pub const BUILTIN: [TypeName; 11] = [
        TypeName::String,
        TypeName::Integer,
        TypeName::IntegerOrString,
        TypeName::Number,
        TypeName::Boolean,
        TypeName::Flag,
        TypeName::Decimal,
        TypeName::File,
        TypeName::Object,
        TypeName::Array,
        TypeName::Enum,
    ];

    /// Reads a `type:` value.
    pub fn parse(text: &str) -> Self {
        Self::BUILTIN
            .into_iter()
            .find(|builtin| builtin.as_str() == text)
            .unwrap_or_else(|| TypeName::Named(text.to_string()))
    }

    /// The word as written in the spec.
    pub fn as_str(&self) -> &str {
        match self {
            TypeName::String => "string",
            TypeName::Integer => "integer",
            TypeName::IntegerOrString => "integer_or_string",
            TypeName::Number => "number",
            TypeName::Boolean => "boolean",
            TypeName::Flag => "flag",
            TypeName::Decimal => "decimal",
            TypeName::File => "file",
            TypeName::Object => "object",
            TypeName::Array => "array",
            TypeName::Enum => "enum",
            TypeName::Named(name) => name,
        }
    }
}

impl fmt::Display for TypeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TypeName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| TypeName::parse(&text))
    }
}

/// A YAML mapping that keeps its keys in written order, each with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderedMap<V>(pub Vec<(Spanned<String>, V)>);

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<V> OrderedMap<V> {
    /// Entries in written order.
    pub fn iter(&self) -> impl Iterator<Item = (&Spanned<String>, &V)> {
        self.0.iter().map(|(key, value)| (key, value))
    }

    /// Whether the map has no entry.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = OrderedMap<V>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    let value = map.next_value::<V>()?;
                    entries.push((key, value));
                }
                Ok(OrderedMap(entries))
            }
        }

        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

#[cfg(feature = "json-schema")]
impl<V: schemars::JsonSchema> schemars::JsonSchema for OrderedMap<V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Map_of_{}", V::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let value = generator.subschema_for::<V>();
        schemars::json_schema!({ "type": "object", "additionalProperties": value })
    }
}

/// A file under `spec/endpoints/`: one WeChat endpoint.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EndpointFile {
    /// Editor hint (`$schema`), ignored by the generator.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// snake_case name; becomes the client method (`get_auth_data`) and the type prefix
    /// (`GetAuthData…`).
    #[cfg_attr(feature = "json-schema", schemars(with = "String"))]
    pub endpoint: Spanned<String>,
    /// WeChat's interface name, as printed on the doc page (`invoiceBizGetAuthData`).
    pub wechat_name: String,
    /// One-line title, the first line of the method's rustdoc.
    pub title: String,
    /// What the endpoint does and where it sits in its flow (who calls it, before and after what).
    pub description: String,
    /// Address of WeChat's documentation page.
    pub doc_url: String,
    /// The group of the README's endpoint table (`merchant`, `platform`, `fiscal`, …).
    pub group: Group,
    /// How the endpoint is reached over HTTP.
    pub http: Http,
    /// Which credentials the endpoint takes.
    #[serde(default)]
    pub auth: Auth,
    /// Account types that may call the endpoint.
    #[serde(default)]
    pub account_types: Vec<AccountType>,
    /// Whether repeating the call is harmless. A non-idempotent call is never retried once it
    /// may have reached WeChat.
    pub idempotent: bool,
    /// The request body (or multipart form) fields, in wire order.
    #[serde(default)]
    #[cfg_attr(
        feature = "json-schema",
        schemars(with = "std::collections::BTreeMap<String, Field>")
    )]
    pub request: OrderedMap<Field>,
    /// The success response fields, besides `errcode`/`errmsg`.
    #[serde(default)]
    #[cfg_attr(
        feature = "json-schema",
        schemars(with = "std::collections::BTreeMap<String, Field>")
    )]
    pub response: OrderedMap<Field>,
    /// Error codes this endpoint documents, as codes defined in `spec/errors/`.
    /// The general (inherited) table is added to every endpoint.
    #[serde(default)]
    #[cfg_attr(feature = "json-schema", schemars(with = "Vec<i64>"))]
    pub errors: Vec<Spanned<i64>>,
    /// Request/response pairs from the docs; each is checked against the fields above and
    /// becomes a test.
    #[serde(default)]
    pub examples: Vec<Example>,
    /// Caveats found in the docs: contradictions, typos, unconfirmed facts.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// Groups of the invoice family, in the order the README lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Merchant side: authorization pages and merchant settings.
    Merchant,
    /// Invoicing platform: card templates, PDF upload, inserting invoices.
    Platform,
    /// Self-built invoicing platform (统一开票接口).
    SelfBuilt,
    /// Reimbursing party: reading and locking invoices.
    Reimburser,
    /// Quick invoice titles (极速开发票).
    Title,
    /// Fiscal electronic notes (财政电子票据).
    Fiscal,
    /// Third-party platforms (第三方平台): the platform's token and merchants' authorization.
    Component,
}

/// The HTTP side of an endpoint.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Http {
    /// `GET` or `POST`.
    pub method: Method,
    /// Path below the base URL, starting with `/`.
    #[cfg_attr(feature = "json-schema", schemars(with = "String"))]
    pub path: Spanned<String>,
    /// Fixed query parameters sent with every call (`action: set_auth_field`).
    #[serde(default)]
    #[cfg_attr(
        feature = "json-schema",
        schemars(with = "std::collections::BTreeMap<String, String>")
    )]
    pub query: OrderedMap<String>,
    /// How the request fields travel.
    pub body: BodyKind,
}

/// HTTP methods WeChat's invoice API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub enum Method {
    /// HTTP GET.
    #[serde(rename = "GET")]
    Get,
    /// HTTP POST.
    #[serde(rename = "POST")]
    Post,
}

impl Method {
    /// `GET` or `POST`, as written in the spec.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// How request fields are carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// A JSON object (UTF-8, Chinese as raw characters).
    Json,
    /// `multipart/form-data`; fields of type `file` are file parts.
    Multipart,
    /// No body at all (GET).
    None,
}

/// Credentials an endpoint takes.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Auth {
    /// The query credential.
    #[serde(default = "TokenKind::access_token")]
    pub token: TokenKind,
    /// Third-party platform permission sets under which an `authorizer_access_token` may be
    /// used; empty when third-party calls are not supported.
    #[serde(default)]
    pub third_party_permission_sets: Vec<u32>,
}

impl Default for Auth {
    fn default() -> Self {
        Self {
            token: TokenKind::AccessToken,
            third_party_permission_sets: Vec::new(),
        }
    }
}

/// The query credential of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// `?access_token=…` (or a third party's `authorizer_access_token` in its place).
    AccessToken,
    /// `?component_access_token=…`: a third-party platform's own token, for the platform's
    /// authorization interfaces (`/cgi-bin/component/…`).
    ComponentAccessToken,
    /// No credential.
    None,
}

impl TokenKind {
    fn access_token() -> Self {
        TokenKind::AccessToken
    }

    /// The query parameter that carries the token; `None` for no credential.
    pub const fn query_parameter(self) -> Option<&'static str> {
        match self {
            TokenKind::AccessToken => Some("access_token"),
            TokenKind::ComponentAccessToken => Some("component_access_token"),
            TokenKind::None => None,
        }
    }
}

/// Account types named in the docs' "scope of application" section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountType {
    /// 公众号 (subscription account).
    OfficialAccount,
    /// 服务号 (service account).
    ServiceAccount,
    /// 小程序 (mini program).
    MiniProgram,
    /// 移动应用 (mobile app).
    MobileApp,
    /// 网站应用 (website app).
    WebsiteApp,
}

/// One request or response field, or an array's items.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// `string`, `integer`, `integer_or_string`, `number`, `boolean`, `flag`, `decimal`, `file`,
    /// `object`, `array`, `enum`, or the name of a type defined under `spec/types/`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "json-schema", schemars(with = "String"))]
    pub ty: Spanned<TypeName>,
    /// What the field means; becomes its rustdoc.
    pub description: String,
    /// Whether the field must be present (request) or is always present on success (response).
    #[serde(default)]
    pub required: bool,
    /// Bits of an `integer`: 32 or 64 (default 64).
    #[serde(default)]
    #[cfg_attr(feature = "json-schema", schemars(with = "Option<u8>"))]
    pub width: Option<Spanned<u8>>,
    /// Item type of an `array`.
    #[serde(default)]
    pub items: Option<Box<Field>>,
    /// Fields of an inline `object`.
    #[serde(default)]
    #[cfg_attr(
        feature = "json-schema",
        schemars(with = "Option<std::collections::BTreeMap<String, Field>>")
    )]
    pub fields: Option<OrderedMap<Field>>,
    /// Values of an inline `enum`.
    #[serde(default)]
    pub values: Option<Vec<EnumValue>>,
    /// Value WeChat assumes when the field is absent.
    #[serde(default)]
    pub default: Option<serde_json::Value>,
    /// Rust name when the JSON name cannot be one (`type` → `invoice_type`).
    #[serde(default)]
    #[cfg_attr(feature = "json-schema", schemars(with = "Option<String>"))]
    pub rust_name: Option<Spanned<String>>,
    /// Other JSON names accepted when decoding (documented typos that are real on the wire).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// A value always sent; the field is not exposed to callers (`action: get_url`).
    #[serde(default)]
    pub constant: Option<serde_json::Value>,
    /// Caveat about this field: unconfirmed unit, requiredness, doc contradiction.
    #[serde(default)]
    pub note: Option<String>,
    /// Where the field is documented when the current WeChat page does not list it (an older
    /// WeChat page, a named public SDK), in words a reader of the rustdoc can follow.
    #[serde(default)]
    pub source: Option<String>,
    /// Whether the value is a secret (an AppSecret, a token, a ticket): the generated `Debug`
    /// shows `"***"` in its place. `string` fields only.
    #[serde(default)]
    #[cfg_attr(feature = "json-schema", schemars(with = "Option<bool>"))]
    pub secret: Option<Spanned<bool>>,
    /// A value the generated builder fills in when the caller leaves the field out (`nonce`: a
    /// fresh random string). Caller-set `string` fields only.
    #[serde(default)]
    #[cfg_attr(feature = "json-schema", schemars(with = "Option<Fill>"))]
    pub fill: Option<Spanned<Fill>>,
}

/// What the generated builder fills in for a field the caller leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Fill {
    /// A fresh random string of 32 letters and digits (a `nonce_str` against replay).
    Nonce,
}

/// One value of an enum: a string, or an integer code.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    /// The value on the wire: a string, or an integer for an enum of codes (`0`, `1`, `2`);
    /// all the values of one enum are of one kind.
    pub value: WireValue,
    /// PascalCase Rust variant name.
    #[cfg_attr(feature = "json-schema", schemars(with = "String"))]
    pub variant: Spanned<String>,
    /// What the value means.
    pub description: String,
}

/// An enum value as it travels: a string or an integer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum WireValue {
    /// An integer code.
    Integer(i64),
    /// A string.
    Text(String),
}

impl std::fmt::Display for WireValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WireValue::Integer(code) => write!(f, "{code}"),
            WireValue::Text(text) => f.write_str(text),
        }
    }
}

/// A doc example: a request and the response it got.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// What the example shows.
    pub name: String,
    /// The request body (JSON endpoints) or form fields; absent for GET.
    #[serde(default)]
    #[cfg_attr(feature = "json-schema", schemars(with = "Option<serde_json::Value>"))]
    pub request: Option<Spanned<serde_json::Value>>,
    /// The response body, `errcode` and `errmsg` included.
    #[cfg_attr(feature = "json-schema", schemars(with = "serde_json::Value"))]
    pub response: Spanned<serde_json::Value>,
}

/// A file under `spec/types/`: named types shared by endpoints.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TypesFile {
    /// Editor hint (`$schema`), ignored by the generator.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// Types by PascalCase name.
    #[cfg_attr(
        feature = "json-schema",
        schemars(with = "std::collections::BTreeMap<String, TypeDef>")
    )]
    pub types: OrderedMap<TypeDef>,
}

/// A named shared type: an object (`fields`) or a string enum (`values`).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    /// What the type is; becomes its rustdoc.
    pub description: String,
    /// Fields of an object type.
    #[serde(default)]
    #[cfg_attr(
        feature = "json-schema",
        schemars(with = "Option<std::collections::BTreeMap<String, Field>>")
    )]
    pub fields: Option<OrderedMap<Field>>,
    /// Values of a string enum type; unknown values are kept, never rejected.
    #[serde(default)]
    pub values: Option<Vec<EnumValue>>,
    /// Caveat about the type.
    #[serde(default)]
    pub note: Option<String>,
}

/// A file under `spec/errors/`: a table of error codes.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ErrorTableFile {
    /// Editor hint (`$schema`), ignored by the generator.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// Name of the table (`general`, `invoice`).
    pub table: String,
    /// What the table covers.
    pub description: String,
    /// Whether every endpoint's error enum includes the whole table (WeChat's general codes).
    #[serde(default)]
    pub inherited: bool,
    /// The codes.
    pub errors: Vec<ErrorDef>,
}

/// One error code.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ErrorDef {
    /// WeChat's `errcode`.
    #[cfg_attr(feature = "json-schema", schemars(with = "i64"))]
    pub code: Spanned<i64>,
    /// Stable PascalCase variant name in every error enum that includes the code.
    #[cfg_attr(feature = "json-schema", schemars(with = "String"))]
    pub variant: Spanned<String>,
    /// The `errmsg` WeChat sends with it.
    pub errmsg: String,
    /// What the code means.
    pub description: String,
    /// What the caller should do; `solution()` returns it.
    pub solution: String,
    /// Whether the same request may simply be sent again later.
    #[serde(default)]
    pub retryable: bool,
    /// Whether the operation may have succeeded despite the error: query before retrying.
    #[serde(default)]
    pub may_have_succeeded: bool,
    /// Whether the access token is invalid or expired: refresh it, then retry once.
    #[serde(default)]
    pub invalidates_token: bool,
}

/// The JSON Schema of the spec language (any of the three file kinds), pretty-printed: what
/// `spec/spec.schema.json` holds for editors.
#[cfg(feature = "json-schema")]
pub fn json_schema() -> String {
    let mut generator = schemars::SchemaGenerator::default();
    let endpoint = generator.subschema_for::<EndpointFile>();
    let types = generator.subschema_for::<TypesFile>();
    let errors = generator.subschema_for::<ErrorTableFile>();
    let definitions = serde_json::Value::Object(generator.take_definitions(true));
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "wechat-invoice spec file",
        "description": "A file of spec/: an endpoint (spec/endpoints/), shared types (spec/types/) or an error table (spec/errors/). See spec/README.md.",
        "anyOf": [endpoint, types, errors],
        "$defs": definitions,
    });
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
