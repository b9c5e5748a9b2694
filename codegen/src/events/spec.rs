//! The event files as written (`spec/events/*.yaml`); `spec/README.md` documents each key.

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::spec::{OrderedMap, TypeName};

/// A file under `spec/events/`: one event WeChat pushes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventFile {
    /// Editor hint (`$schema`), ignored by the generator.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// The value that names the push (`user_authorize_invoice`): of the `Event` element, or
    /// of `InfoType` for a third-party platform's authorization push (see `discriminator`).
    /// Its PascalCase is the variant of `wechat_invoice::Event` (or `ComponentEvent`).
    pub event: Spanned<String>,
    /// Which element carries that value: `Event` (default; a push to an account's server URL,
    /// decoded into `wechat_invoice::Event`) or `InfoType` (a push to a third-party platform's
    /// authorization-event URL, with `AppId`, `CreateTime` and `InfoType` as its envelope,
    /// decoded into `wechat_invoice::ComponentEvent`).
    #[serde(default)]
    pub discriminator: Option<Spanned<String>>,
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
    pub ty: Spanned<TypeName>,
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
    /// Whether the value is a secret (a ticket, a code that buys tokens): `Debug` shows
    /// `"***"` in its place. `string` fields only.
    #[serde(default)]
    pub secret: bool,
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
