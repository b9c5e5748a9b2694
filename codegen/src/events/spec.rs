//! The event files as written (`spec/events/*.yaml`); `spec/README.md` documents each key.

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::spec::OrderedMap;

/// A file under `spec/events/`: one event WeChat pushes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventFile {
    /// Editor hint (`$schema`), ignored by the generator.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// The value of the `Event` element (`user_authorize_invoice`); its PascalCase is the
    /// variant of `wechat_invoice::Event`.
    pub event: Spanned<String>,
    /// One-line title, first line of the struct's documentation.
    pub title: String,
    /// When WeChat sends it and what to do with it.
    pub description: String,
    /// WeChat's documentation page.
    pub doc_url: String,
    /// Where the field list was checked (peers, samples), for reviewers.
    #[serde(default)]
    pub sources: Vec<String>,
    /// XML element name (exactly as sent) → field.
    pub fields: OrderedMap<EventFieldDef>,
    /// Example pushes (decrypted XML), each becoming a test.
    #[serde(default)]
    pub examples: Vec<EventExampleDef>,
}

/// One element of an event.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventFieldDef {
    /// `string` or `integer`.
    #[serde(rename = "type")]
    pub ty: Spanned<String>,
    /// What it holds.
    pub description: String,
    /// Other element names seen for it (a peer or an older page spelled it differently).
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    /// Whether it is one of the event's own ids, part of the dedup key.
    #[serde(default)]
    pub identity: bool,
    /// Values WeChat is known to send (documentation; the field accepts any).
    #[serde(default)]
    pub values: Vec<String>,
}

/// An example push.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventExampleDef {
    /// A short snake_case name.
    pub name: Spanned<String>,
    /// The decrypted XML, as WeChat sends it.
    pub xml: Spanned<String>,
    /// Element name → the text it must decode to.
    #[serde(default)]
    pub expect: OrderedMap<String>,
}
