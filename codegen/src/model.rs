//! The resolved model: Rust names chosen, inline types hoisted and named, error tables merged.
//!
//! [`resolve`] expects a spec that passed [`crate::validate`]; it never panics on one that did
//! not, but may then leave out what it cannot resolve.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::load::LoadedSpec;
use crate::naming::pascal_case;
use crate::spec::{self, AccountType, BodyKind, Group, Method, OrderedMap, TokenKind, TypeName};

/// Everything the emitter needs, in deterministic order.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Endpoints sorted by name.
    pub endpoints: Vec<Endpoint>,
    /// Named types (shared and hoisted inline ones), by Rust name.
    pub types: BTreeMap<String, NamedType>,
    /// Every error code of every table, by code.
    pub errors: BTreeMap<i64, ErrorCode>,
    /// Codes of the inherited (general) tables, sorted.
    pub general_errors: Vec<i64>,
    /// Pushed events (`spec/events/`), sorted by `Event` value.
    pub events: Vec<crate::events::EventModel>,
}

/// How deep named objects are followed when deciding whether a struct derives `Default`.
const DEFAULT_DEPTH: usize = 16;

impl Api {
    /// Whether the generated struct for `object` derives `Default`. A struct callers send (see
    /// [`Api::is_sent`]) derives it only when it has no required field, so a forgotten field
    /// cannot go out as `""`; an answer derives it when every required field's type can be
    /// defaulted (enums, files and decimals cannot), for test fakes. The emitter and
    /// `wxinvoice diff`'s verdicts both ask this, so they cannot disagree.
    pub fn derives_default(&self, object: &Object) -> bool {
        self.object_defaultable(object, 0)
    }

    /// Whether callers build `name` to send it: a request body or a type one reaches. Those
    /// stay open to struct literals; the others, WeChat's answers, are `#[non_exhaustive]` so a
    /// field WeChat adds breaks no caller, and are built in tests with their builders.
    pub fn is_sent(&self, name: &str) -> bool {
        let mut seen = std::collections::BTreeSet::new();
        let mut stack: Vec<&Object> = self.endpoints.iter().map(|e| &e.request).collect();
        while let Some(object) = stack.pop() {
            if !seen.insert(object.name.as_str()) {
                continue;
            }
            for field in object.visible_fields() {
                if let Some(NamedType::Object(inner)) =
                    field.ty.named().and_then(|named| self.types.get(named))
                {
                    stack.push(inner);
                }
            }
        }
        seen.contains(name)
    }

    fn object_defaultable(&self, object: &Object, depth: usize) -> bool {
        let mut required = object.visible_fields().filter(|field| field.required);
        if self.is_sent(&object.name) {
            return required.next().is_none();
        }
        required.all(|field| self.defaultable(&field.ty, depth))
    }

    fn defaultable(&self, ty: &TypeRef, depth: usize) -> bool {
        match ty {
            TypeRef::File | TypeRef::Decimal => false,
            TypeRef::Named(name) if depth < DEFAULT_DEPTH => match self.types.get(name) {
                Some(NamedType::Object(object)) => self.object_defaultable(object, depth + 1),
                _ => false,
            },
            TypeRef::Named(_) => false,
            _ => true,
        }
    }
}

/// One endpoint, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// snake_case spec name, also the client method name.
    pub name: String,
    /// PascalCase prefix of the endpoint's types (`GetAuthData`).
    pub type_prefix: String,
    /// WeChat's interface name.
    pub wechat_name: String,
    /// One-line title.
    pub title: String,
    /// What it does and where it sits in its flow.
    pub description: String,
    /// WeChat's doc page.
    pub doc_url: String,
    /// README group.
    pub group: Group,
    /// HTTP method.
    pub method: Method,
    /// Path below the base URL.
    pub path: String,
    /// Fixed query parameters, in spec order.
    pub query: Vec<(String, String)>,
    /// How the request travels.
    pub body: BodyKind,
    /// Query credential.
    pub token: TokenKind,
    /// Third-party permission sets; empty when unsupported.
    pub permission_sets: Vec<u32>,
    /// Account types that may call it.
    pub account_types: Vec<AccountType>,
    /// Whether repeating the call is harmless.
    pub idempotent: bool,
    /// Request fields (constants included, flagged).
    pub request: Object,
    /// Response fields.
    pub response: Object,
    /// This endpoint's own documented codes, sorted; the general codes come on top.
    pub errors: Vec<i64>,
    /// Doc examples as JSON.
    pub examples: Vec<Example>,
    /// Caveats from the docs.
    pub notes: Vec<String>,
    /// The spec file it came from.
    pub source: PathBuf,
}

impl Endpoint {
    /// `GetAuthDataRequest`.
    pub fn request_type(&self) -> String {
        format!("{}Request", self.type_prefix)
    }

    /// `GetAuthDataResponse`.
    pub fn response_type(&self) -> String {
        format!("{}Response", self.type_prefix)
    }

    /// `GetAuthDataError`.
    pub fn error_type(&self) -> String {
        format!("{}Error", self.type_prefix)
    }

    /// The last path segment, the short name WeChat's docs and logs use (`getauthdata`).
    pub fn short_path(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// A request or response example.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// What it shows.
    pub name: String,
    /// Request body, when the endpoint has one.
    pub request: Option<serde_json::Value>,
    /// Response body.
    pub response: serde_json::Value,
}

/// A struct: a request, a response or a named object type.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// Rust type name.
    pub name: String,
    /// Rustdoc.
    pub description: String,
    /// Fields in wire order.
    pub fields: Vec<Field>,
}

impl Object {
    /// Fields callers set or read (constants left out).
    pub fn visible_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|field| field.constant.is_none())
    }
}

/// A field of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// JSON name.
    pub wire_name: String,
    /// Rust name.
    pub rust_name: String,
    /// Type.
    pub ty: TypeRef,
    /// Required (request) or always present on success (response).
    pub required: bool,
    /// Rustdoc.
    pub description: String,
    /// Caveat.
    pub note: Option<String>,
    /// Where the field is documented, when not on the current WeChat page.
    pub source: Option<String>,
    /// Value WeChat assumes when absent.
    pub default: Option<serde_json::Value>,
    /// Other accepted JSON names.
    pub aliases: Vec<String>,
    /// A value always sent in place of a caller-set one.
    pub constant: Option<serde_json::Value>,
    /// A secret: `Debug` hides the value.
    pub secret: bool,
    /// What the builder fills in when the caller leaves the field out.
    pub fill: Option<spec::Fill>,
}

/// A field's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// UTF-8 text.
    String,
    /// Signed integer of 32 or 64 bits.
    Integer(u8),
    /// Floating point number.
    Number,
    /// true/false.
    Boolean,
    /// A `bool` sent as `1`/`0`.
    Flag,
    /// Yuan amount that is a JSON number or string and never loses a cent.
    Decimal,
    /// An integer read from a JSON number or a numeric string, sent as a string.
    IntegerOrString,
    /// A multipart file part.
    File,
    /// A named object or enum.
    Named(String),
    /// A list.
    Array(Box<TypeRef>),
}

impl TypeRef {
    /// The type a built-in scalar `type:` stands for (an `integer` of `width` bits); `None` for
    /// `object`, `array`, `enum` and named types.
    pub fn scalar(name: &TypeName, width: u8) -> Option<TypeRef> {
        Some(match name {
            TypeName::String => TypeRef::String,
            TypeName::Integer => TypeRef::Integer(width),
            TypeName::IntegerOrString => TypeRef::IntegerOrString,
            TypeName::Number => TypeRef::Number,
            TypeName::Boolean => TypeRef::Boolean,
            TypeName::Flag => TypeRef::Flag,
            TypeName::Decimal => TypeRef::Decimal,
            TypeName::File => TypeRef::File,
            TypeName::Object | TypeName::Array | TypeName::Enum | TypeName::Named(_) => {
                return None;
            }
        })
    }

    /// The named type this is, or holds the items of.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeRef::Named(name) => Some(name),
            TypeRef::Array(item) => item.named(),
            _ => None,
        }
    }

    /// The Rust type as generated code spells it (`Vec<crate::Decimal>`).
    pub fn rust(&self) -> String {
        match self {
            TypeRef::String => "String".to_string(),
            TypeRef::Integer(32) => "i32".to_string(),
            TypeRef::Integer(_) => "i64".to_string(),
            TypeRef::Number => "f64".to_string(),
            TypeRef::Boolean | TypeRef::Flag => "bool".to_string(),
            TypeRef::Decimal => "crate::Decimal".to_string(),
            TypeRef::IntegerOrString => "crate::IntegerOrString".to_string(),
            TypeRef::File => "crate::FilePart".to_string(),
            TypeRef::Named(name) => name.clone(),
            TypeRef::Array(item) => format!("Vec<{}>", item.rust()),
        }
    }
}

/// A named type.
#[derive(Debug, Clone, PartialEq)]
pub enum NamedType {
    /// A struct.
    Object(Object),
    /// A string enum that keeps unknown values.
    Enum(Enumeration),
}

/// A string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Enumeration {
    /// Rust type name.
    pub name: String,
    /// Rustdoc.
    pub description: String,
    /// Known values.
    pub values: Vec<EnumValue>,
    /// Whether the values are integer codes (`0`, `1`, `2`) rather than strings.
    pub integer: bool,
}

/// One known value of an enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    /// The value on the wire, as text (`"web"`, or `"1"` for an integer code).
    pub value: String,
    /// Rust variant.
    pub variant: String,
    /// Rustdoc.
    pub description: String,
}

/// One error code.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorCode {
    /// `errcode`.
    pub code: i64,
    /// Variant name.
    pub variant: String,
    /// `errmsg` WeChat sends.
    pub errmsg: String,
    /// Meaning.
    pub description: String,
    /// What to do.
    pub solution: String,
    /// Whether a plain retry is right.
    pub retryable: bool,
    /// Whether the operation may have succeeded anyway.
    pub may_have_succeeded: bool,
    /// Whether the access token must be refreshed.
    pub invalidates_token: bool,
    /// The table it belongs to.
    pub table: String,
}

/// Name of a type hoisted out of field `field` of `owner`: `GetAuthDataResponse` +
/// `user_auth_info` → `GetAuthDataResponseUserAuthInfo`.
pub fn inline_type_name(owner: &str, field: &str) -> String {
    format!("{owner}{}", pascal_case(field))
}

/// The Rust name of a field: its `rust_name`, or the wire name.
pub fn rust_field_name(wire: &str, field: &spec::Field) -> String {
    field
        .rust_name
        .as_ref()
        .map(|name| name.value.clone())
        .unwrap_or_else(|| wire.to_string())
}

/// Builds the model from a validated spec.
pub fn resolve(loaded: &LoadedSpec) -> Api {
    let mut types = BTreeMap::new();
    for (_, file) in &loaded.types {
        for (name, def) in file.types.iter() {
            resolve_type_def(&name.value, def, &mut types);
        }
    }

    let mut errors = BTreeMap::new();
    let mut general_errors = Vec::new();
    for (_, table) in &loaded.errors {
        for def in &table.errors {
            let code = def.code.value;
            errors.entry(code).or_insert_with(|| ErrorCode {
                code,
                variant: def.variant.value.clone(),
                errmsg: def.errmsg.clone(),
                description: def.description.clone(),
                solution: def.solution.clone(),
                retryable: def.retryable,
                may_have_succeeded: def.may_have_succeeded,
                invalidates_token: def.invalidates_token,
                table: table.table.clone(),
            });
            if table.inherited {
                general_errors.push(code);
            }
        }
    }
    general_errors.sort_unstable();
    general_errors.dedup();

    let mut endpoints: Vec<Endpoint> = loaded
        .endpoints
        .iter()
        .map(|(path, file)| resolve_endpoint(path, file, &mut types))
        .collect();
    endpoints.sort_by(|a, b| a.name.cmp(&b.name));

    Api {
        endpoints,
        types,
        errors,
        general_errors,
        events: crate::events::resolve(&loaded.events),
    }
}

fn resolve_endpoint(
    path: &std::path::Path,
    file: &spec::EndpointFile,
    types: &mut BTreeMap<String, NamedType>,
) -> Endpoint {
    let name = file.endpoint.value.clone();
    let type_prefix = pascal_case(&name);
    let request = resolve_object(
        &format!("{type_prefix}Request"),
        &format!("Request body of `{}`: {}", file.http.path.value, file.title),
        &file.request,
        types,
    );
    let response = resolve_object(
        &format!("{type_prefix}Response"),
        &format!(
            "Success response of `{}`: {}",
            file.http.path.value, file.title
        ),
        &file.response,
        types,
    );
    let mut errors: Vec<i64> = file.errors.iter().map(|code| code.value).collect();
    errors.sort_unstable();
    errors.dedup();
    Endpoint {
        name,
        type_prefix,
        wechat_name: file.wechat_name.clone(),
        title: file.title.clone(),
        description: file.description.trim().to_string(),
        doc_url: file.doc_url.clone(),
        group: file.group,
        method: file.http.method,
        path: file.http.path.value.clone(),
        query: file
            .http
            .query
            .iter()
            .map(|(key, value)| (key.value.clone(), value.clone()))
            .collect(),
        body: file.http.body,
        token: file.auth.token,
        permission_sets: file.auth.third_party_permission_sets.clone(),
        account_types: file.account_types.clone(),
        idempotent: file.idempotent,
        request,
        response,
        errors,
        examples: file
            .examples
            .iter()
            .map(|example| Example {
                name: example.name.clone(),
                request: example.request.as_ref().map(|r| r.value.clone()),
                response: example.response.value.clone(),
            })
            .collect(),
        notes: file.notes.clone(),
        source: path.to_path_buf(),
    }
}

fn resolve_type_def(name: &str, def: &spec::TypeDef, types: &mut BTreeMap<String, NamedType>) {
    let mut description = def.description.trim().to_string();
    if let Some(note) = &def.note {
        description.push_str(&format!("\n\nNote: {}", note.trim()));
    }
    let named = match (&def.fields, &def.values) {
        (_, Some(values)) => NamedType::Enum(resolve_enum(name, &description, values)),
        (Some(fields), None) => {
            NamedType::Object(resolve_object(name, &description, fields, types))
        }
        (None, None) => NamedType::Object(Object {
            name: name.to_string(),
            description,
            fields: Vec::new(),
        }),
    };
    types.insert(name.to_string(), named);
}

fn resolve_enum(name: &str, description: &str, values: &[spec::EnumValue]) -> Enumeration {
    Enumeration {
        name: name.to_string(),
        description: description.to_string(),
        values: values
            .iter()
            .map(|value| EnumValue {
                value: value.value.to_string(),
                variant: value.variant.value.clone(),
                description: value.description.trim().to_string(),
            })
            .collect(),
        integer: !values.is_empty()
            && values
                .iter()
                .all(|value| matches!(value.value, spec::WireValue::Integer(_))),
    }
}

fn resolve_object(
    name: &str,
    description: &str,
    fields: &OrderedMap<spec::Field>,
    types: &mut BTreeMap<String, NamedType>,
) -> Object {
    let fields = fields
        .iter()
        .map(|(wire, field)| resolve_field(name, &wire.value, field, types))
        .collect();
    Object {
        name: name.to_string(),
        description: description.trim().to_string(),
        fields,
    }
}

fn resolve_field(
    owner: &str,
    wire: &str,
    field: &spec::Field,
    types: &mut BTreeMap<String, NamedType>,
) -> Field {
    let hoisted_name = inline_type_name(owner, wire);
    Field {
        wire_name: wire.to_string(),
        rust_name: rust_field_name(wire, field),
        ty: resolve_type(&hoisted_name, field, types),
        required: field.required,
        description: field.description.trim().to_string(),
        note: field.note.as_ref().map(|note| note.trim().to_string()),
        source: field
            .source
            .as_ref()
            .map(|source| source.trim().to_string()),
        default: field.default.clone(),
        aliases: field.aliases.clone(),
        constant: field.constant.clone(),
        secret: field.secret.as_ref().is_some_and(|secret| secret.value),
        fill: field.fill.as_ref().map(|fill| fill.value),
    }
}

/// Resolves a field's type; inline objects and enums become named types called `hoisted_name`.
fn resolve_type(
    hoisted_name: &str,
    field: &spec::Field,
    types: &mut BTreeMap<String, NamedType>,
) -> TypeRef {
    let width = field.width.as_ref().map_or(64, |w| w.value);
    match &field.ty.value {
        TypeName::Array => {
            let item_name = format!("{hoisted_name}Item");
            match &field.items {
                Some(items) => TypeRef::Array(Box::new(resolve_type(&item_name, items, types))),
                None => TypeRef::Array(Box::new(TypeRef::String)),
            }
        }
        TypeName::Object => {
            let fields = field.fields.clone().unwrap_or_default();
            let object = resolve_object(hoisted_name, &field.description, &fields, types);
            types.insert(hoisted_name.to_string(), NamedType::Object(object));
            TypeRef::Named(hoisted_name.to_string())
        }
        TypeName::Enum => {
            let values = field.values.clone().unwrap_or_default();
            let enumeration = resolve_enum(hoisted_name, &field.description, &values);
            types.insert(hoisted_name.to_string(), NamedType::Enum(enumeration));
            TypeRef::Named(hoisted_name.to_string())
        }
        TypeName::Named(named) => TypeRef::Named(named.clone()),
        scalar => TypeRef::scalar(scalar, width).unwrap_or(TypeRef::String),
    }
}
