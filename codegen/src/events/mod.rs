//! Pushed events: `spec/events/*.yaml` describes each event WeChat pushes to a merchant's
//! server (its `Event` value, fields with their exact XML element names, examples).
//!
//! The kind has its own small pipeline beside the endpoints': [`spec`] (the files as written)
//! → [`validate`] (located diagnostics) → [`resolve`] (the [`EventModel`]s, Rust-named) →
//! [`emit`] (`events.rs`, the `Event` enum and one struct per event, plus their example
//! tests).

pub mod emit;
pub mod spec;
pub mod validate;

use crate::spec::{OrderedMap, TypeName};
pub use spec::EventFile;

/// The XML elements every push carries, read into `push::Envelope` rather than a field.
pub const ENVELOPE_ELEMENTS: [&str; 5] = [
    "ToUserName",
    "FromUserName",
    "CreateTime",
    "MsgType",
    "Event",
];

/// The XML elements of a third-party platform's authorization pushes read into
/// `push::ComponentEnvelope` rather than a field.
pub const COMPONENT_ENVELOPE_ELEMENTS: [&str; 3] = ["AppId", "CreateTime", "InfoType"];

/// Which element names a push, and so which enum decodes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Discriminator {
    /// `Event`: pushes to an account's server URL (`wechat_invoice::Event`).
    Event,
    /// `InfoType`: a third-party platform's authorization pushes
    /// (`wechat_invoice::ComponentEvent`).
    InfoType,
}

impl Discriminator {
    /// The element's name, as written in the spec (`Event`, `InfoType`).
    pub const fn element(self) -> &'static str {
        match self {
            Discriminator::Event => "Event",
            Discriminator::InfoType => "InfoType",
        }
    }

    /// Reads the spec spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "Event" => Some(Discriminator::Event),
            "InfoType" => Some(Discriminator::InfoType),
            _ => None,
        }
    }

    /// The discriminator of a file (`Event` when the key is absent or unknown).
    pub fn of(file: &EventFile) -> Self {
        file.discriminator
            .as_ref()
            .and_then(|value| Self::parse(&value.value))
            .unwrap_or(Discriminator::Event)
    }

    /// The elements of this kind's envelope.
    pub fn envelope_elements(self) -> &'static [&'static str] {
        match self {
            Discriminator::Event => &ENVELOPE_ELEMENTS,
            Discriminator::InfoType => &COMPONENT_ENVELOPE_ELEMENTS,
        }
    }
}

/// The kind of value an event field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Text (`Option<String>`).
    String,
    /// A whole number (`Option<i64>`).
    Integer,
}

impl FieldType {
    /// The spec spelling (`string`, `integer`).
    pub const fn name(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
        }
    }

    /// The event type a field's `type:` stands for; `None` for types events cannot hold.
    pub fn of(name: &TypeName) -> Option<Self> {
        match name {
            TypeName::String => Some(FieldType::String),
            TypeName::Integer => Some(FieldType::Integer),
            _ => None,
        }
    }
}

/// One pushed event, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct EventModel {
    /// The value naming the push (`user_authorize_invoice`), of the `Event` element or of
    /// `InfoType` (see [`EventModel::discriminator`]).
    pub event: String,
    /// Which element carries [`EventModel::event`].
    pub discriminator: Discriminator,
    /// The `Event` enum's variant (`UserAuthorizeInvoice`).
    pub variant: String,
    /// The struct holding it (`UserAuthorizeInvoiceEvent`).
    pub struct_name: String,
    /// One-line title.
    pub title: String,
    /// What the event means and when it comes.
    pub description: String,
    /// WeChat's documentation page.
    pub doc: String,
    /// The fields, in written order.
    pub fields: Vec<EventField>,
    /// The examples, each becoming a test.
    pub examples: Vec<EventExample>,
}

/// One field of an event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventField {
    /// The XML element name, exactly as WeChat sends it (`SuccOrderId`, `title_type`).
    pub element: String,
    /// Other spellings seen for the same element (`AppId` for `AuthorizeAppId`).
    pub aliases: Vec<String>,
    /// The Rust field name, snake_case of the element name.
    pub rust_name: String,
    /// The kind of value.
    pub ty: FieldType,
    /// What it holds.
    pub description: String,
    /// Whether it is one of the event's own ids (part of the dedup key).
    pub identity: bool,
    /// The values WeChat is known to send, for documentation (the field stays open).
    pub values: Vec<String>,
    /// Whether `Debug` hides the value.
    pub secret: bool,
}

/// One example push of an event, with the field values it must decode to.
#[derive(Debug, Clone, PartialEq)]
pub struct EventExample {
    /// A short name for the test.
    pub name: String,
    /// The XML as WeChat sends it (decrypted).
    pub xml: String,
    /// Element name → expected value (the text as sent).
    pub expect: Vec<(String, String)>,
}

impl EventModel {
    /// The field for an element name or alias.
    pub fn field(&self, element: &str) -> Option<&EventField> {
        self.fields
            .iter()
            .find(|field| field.element == element || field.aliases.iter().any(|a| a == element))
    }
}

/// `SuccOrderId` → `succ_order_id`, `AuthorizeAppId` → `authorize_app_id`, `title_type` →
/// `title_type`, `URLType` → `url_type`.
pub fn snake_case(element: &str) -> String {
    let chars: Vec<char> = element.chars().collect();
    let mut out = String::with_capacity(element.len() + 4);
    for (index, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && index > 0 {
            let previous = chars[index - 1];
            let next_is_lower = chars.get(index + 1).is_some_and(char::is_ascii_lowercase);
            let boundary = previous.is_ascii_lowercase()
                || previous.is_ascii_digit()
                || (previous.is_ascii_uppercase() && next_is_lower);
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
        }
        if c == '-' {
            out.push('_');
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// Resolves validated event files into models, sorted by discriminator (`Event` first),
/// then value.
pub fn resolve(files: &[(std::path::PathBuf, EventFile)]) -> Vec<EventModel> {
    let mut events: Vec<EventModel> = files.iter().map(|(_, file)| resolve_one(file)).collect();
    events.sort_by(|a, b| (a.discriminator, &a.event).cmp(&(b.discriminator, &b.event)));
    events
}

/// The Rust names of a push value: the enum variant and the struct.
/// `cloud_invoice_invoiceresult_event` → (`CloudInvoiceInvoiceresult`,
/// `CloudInvoiceInvoiceresultEvent`).
pub fn rust_names(event: &str) -> (String, String) {
    let variant = crate::naming::pascal_case(event.strip_suffix("_event").unwrap_or(event));
    let struct_name = format!("{variant}Event");
    (variant, struct_name)
}

fn resolve_one(file: &EventFile) -> EventModel {
    let event = &file.event.value;
    let (variant, struct_name) = rust_names(event);
    EventModel {
        event: event.clone(),
        discriminator: Discriminator::of(file),
        struct_name,
        variant,
        title: file.title.clone(),
        description: file.description.trim().to_string(),
        doc: file.doc_url.clone(),
        fields: file
            .fields
            .iter()
            .map(|(element, def)| EventField {
                element: element.value.clone(),
                aliases: def
                    .aliases
                    .iter()
                    .map(|alias| alias.value.clone())
                    .collect(),
                rust_name: snake_case(&element.value),
                ty: FieldType::of(&def.ty.value).unwrap_or(FieldType::String),
                description: def.description.trim().to_string(),
                identity: def.identity,
                values: def.values.clone(),
                secret: def.secret,
            })
            .collect(),
        examples: file
            .examples
            .iter()
            .map(|example| EventExample {
                name: example.name.value.clone(),
                xml: example.xml.value.clone(),
                expect: expect_pairs(&example.expect),
            })
            .collect(),
    }
}

fn expect_pairs(expect: &OrderedMap<String>) -> Vec<(String, String)> {
    expect
        .iter()
        .map(|(element, value)| (element.value.clone(), value.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn rust_names_are_snake_case_of_the_element() {
        for (element, rust) in [
            ("SuccOrderId", "succ_order_id"),
            ("AuthorizeAppId", "authorize_app_id"),
            ("CardId", "card_id"),
            ("Code", "code"),
            ("title_type", "title_type"),
            ("fpqqlsh", "fpqqlsh"),
            ("URLType", "url_type"),
            ("Item2Name", "item2_name"),
        ] {
            assert_eq!(snake_case(element), rust);
        }
    }
}
