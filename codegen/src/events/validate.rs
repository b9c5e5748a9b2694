//! The rules an event file must follow, each failure a located [`Diagnostic`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_saphyr::Spanned;

use super::{Discriminator, EventFile, FieldType, rust_names, snake_case};
use crate::diagnostic::{Check, Diagnostic, Position};
use crate::naming::{BUILDER_FINISH, closest, is_keyword, is_snake_case};
use crate::spec::TypeName;

/// Field names the generated structs use themselves, and the builder's finishing method.
const RESERVED_FIELDS: [&str; 3] = ["envelope", "other", BUILDER_FINISH];

fn pos<T>(spanned: &Spanned<T>) -> Position {
    Position::from_location(spanned.referenced)
}

/// Checks every event file, that no two describe the same push (discriminator and value),
/// and that no two generated structs share a name.
pub fn validate(files: &[(PathBuf, EventFile)]) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut seen: BTreeMap<(Discriminator, &str), &Path> = BTreeMap::new();
    let mut structs: BTreeMap<String, &Path> = BTreeMap::new();
    for (path, file) in files {
        let event = &file.event;
        let discriminator = Discriminator::of(file);
        let (_, struct_name) = rust_names(&event.value);
        if let Some(first) = seen.insert((discriminator, &event.value), path) {
            problems.push(
                Diagnostic::new(
                    Check::DuplicateName,
                    path,
                    pos(event),
                    format!(
                        "{} `{}` is also described in {}",
                        discriminator.element(),
                        event.value,
                        first.display()
                    ),
                )
                .with_help("keep one file per event value"),
            );
        } else if let Some(first) = structs.insert(struct_name.clone(), path) {
            problems.push(
                Diagnostic::new(
                    Check::DuplicateName,
                    path,
                    pos(event),
                    format!(
                        "`{}` would become the struct `{struct_name}`, which {} already generates",
                        event.value,
                        first.display()
                    ),
                )
                .with_help(
                    "two pushes may share a value only under different discriminators, and even \
                     then not a Rust name: this one cannot be described yet (it is kept whole in \
                     the enum's `Other` variant)",
                ),
            );
        }
        check_file(path, file, &mut problems);
    }
    problems
}

fn check_file(path: &Path, file: &EventFile, problems: &mut Vec<Diagnostic>) {
    let event = &file.event;
    let mut problem = |check, at: Position, message: String, help: &str| {
        problems.push(Diagnostic::new(check, path, at, message).with_help(help));
    };
    if let Some(value) = &file.discriminator
        && Discriminator::parse(&value.value).is_none()
    {
        let help = match closest(&value.value, ["Event", "InfoType"]) {
            Some(near) => format!(
                "did you mean `{near}`? `Event` (the default) for pushes to an account's server \
                 URL, `InfoType` for a third-party platform's authorization pushes"
            ),
            None => "use `Event` (the default) for pushes to an account's server URL, or \
                     `InfoType` for a third-party platform's authorization pushes"
                .to_string(),
        };
        problem(
            Check::InvalidValue,
            pos(value),
            format!(
                "unknown discriminator `{}`: the element naming the push",
                value.value
            ),
            &help,
        );
    }
    let discriminator = Discriminator::of(file);
    let envelope = discriminator.envelope_elements();
    if !is_snake_case(&event.value) {
        problem(
            Check::InvalidIdentifier,
            pos(event),
            format!("event value `{}` is not lower-case snake_case", event.value),
            "write the `Event` element's value exactly as WeChat sends it (`user_authorize_invoice`)",
        );
    } else if event.value == "other" {
        problem(
            Check::DuplicateName,
            pos(event),
            "event value `other` would clash with `Event::Other`, which keeps undescribed events"
                .into(),
            "this value cannot be described; events not in the spec are kept in `Event::Other`",
        );
    }
    if !file.doc_url.starts_with("https://") {
        problem(
            Check::InvalidValue,
            pos(event),
            format!(
                "`doc_url` of event `{}` is not an https:// address",
                event.value
            ),
            "link WeChat's documentation page of the event",
        );
    }
    if file.title.trim().is_empty() || file.description.trim().is_empty() {
        problem(
            Check::MissingKey,
            pos(event),
            format!(
                "event `{}` needs a non-empty `title` and `description`",
                event.value
            ),
            "say in words a merchant can follow what the event means and when it comes",
        );
    }

    let mut names: BTreeMap<String, Position> = BTreeMap::new();
    let mut rust_names: BTreeMap<String, String> = BTreeMap::new();
    for (element, def) in file.fields.iter() {
        let at = pos(element);
        for name in std::iter::once(element).chain(def.aliases.iter()) {
            let name_at = pos(name);
            if !is_xml_name(&name.value) {
                problem(
                    Check::InvalidIdentifier,
                    name_at,
                    format!("`{}` is not an XML element name", name.value),
                    "write the element name exactly as WeChat sends it (letters, digits, `_`)",
                );
            } else if envelope.contains(&name.value.as_str()) || name.value == "Encrypt" {
                let help = match discriminator {
                    Discriminator::Event => {
                        "remove it: `Envelope` holds ToUserName, FromUserName, CreateTime, MsgType and Event"
                    }
                    Discriminator::InfoType => {
                        "remove it: `ComponentEnvelope` holds AppId, CreateTime and InfoType"
                    }
                };
                problem(
                    Check::DuplicateName,
                    name_at,
                    format!(
                        "`{}` belongs to every {} push's envelope, not to one event",
                        name.value,
                        discriminator.element()
                    ),
                    help,
                );
            } else if names.insert(name.value.clone(), name_at).is_some() {
                problem(
                    Check::DuplicateName,
                    name_at,
                    format!(
                        "element `{}` is named twice in event `{}`",
                        name.value, event.value
                    ),
                    "an element (or alias) may belong to one field only",
                );
            }
        }
        let rust = snake_case(&element.value);
        if !is_snake_case(&rust) || is_keyword(&rust) || RESERVED_FIELDS.contains(&rust.as_str()) {
            problem(
                Check::InvalidIdentifier,
                at,
                format!(
                    "element `{}` would become the Rust field `{rust}`, which cannot be used",
                    element.value
                ),
                "this element name cannot be described yet; it is still kept in the event's `other` elements",
            );
        } else if let Some(first) = rust_names.insert(rust.clone(), element.value.clone()) {
            problem(
                Check::DuplicateName,
                at,
                format!(
                    "elements `{first}` and `{}` both become the Rust field `{rust}`",
                    element.value
                ),
                "make the second one an alias of the first",
            );
        }
        if def.secret && FieldType::of(&def.ty.value) != Some(FieldType::String) {
            problem(
                Check::InvalidValue,
                pos(&def.ty),
                format!(
                    "element `{}` is marked `secret` but is not a `string`",
                    element.value
                ),
                "only text values (tickets, codes, tokens) can be secret; remove `secret: true`",
            );
        }
        if FieldType::of(&def.ty.value).is_none() {
            problem(
                Check::InvalidValue,
                pos(&def.ty),
                format!("unknown event field type `{}`", def.ty.value),
                "use `string` or `integer` (every event field is optional: empty CDATA is absent)",
            );
        }
    }

    for example in &file.examples {
        check_example(file, example, &mut problem);
    }
}

fn check_example(
    file: &EventFile,
    example: &super::spec::EventExampleDef,
    problem: &mut impl FnMut(Check, Position, String, &str),
) {
    let event = &file.event.value;
    let element = Discriminator::of(file).element();
    let xml = &example.xml.value;
    let at = pos(&example.xml);
    if !is_snake_case(&example.name.value) {
        problem(
            Check::InvalidIdentifier,
            pos(&example.name),
            format!("example name `{}` is not snake_case", example.name.value),
            "name the example in snake_case; it becomes part of a test name",
        );
    }
    // An unknown discriminator is reported once, on its own line.
    let known = file
        .discriminator
        .as_ref()
        .is_none_or(|value| Discriminator::parse(&value.value).is_some());
    let announces = !known
        || xml.contains(&format!("<{element}><![CDATA[{event}]]></{element}>"))
        || xml.contains(&format!("<{element}>{event}</{element}>"));
    if !announces {
        problem(
            Check::ExampleMismatch,
            at,
            format!(
                "example `{}` has no `<{element}>` element saying `{event}`",
                example.name.value
            ),
            "copy the whole push, envelope included",
        );
    }
    if xml.to_ascii_uppercase().contains("<!DOCTYPE") {
        problem(
            Check::ExampleMismatch,
            at,
            format!(
                "example `{}` declares a DOCTYPE, which receivers refuse",
                example.name.value
            ),
            "remove the DOCTYPE; WeChat never sends one",
        );
    }
    let elements: Vec<&str> = file
        .fields
        .iter()
        .flat_map(|(element, def)| {
            std::iter::once(element.value.as_str())
                .chain(def.aliases.iter().map(|a| a.value.as_str()))
        })
        .collect();
    for (element, value) in example.expect.iter() {
        let Some((_, def)) = file.fields.iter().find(|(name, def)| {
            name.value == element.value || def.aliases.iter().any(|a| a.value == element.value)
        }) else {
            let help = match closest(&element.value, elements.iter().copied()) {
                Some(near) => format!("did you mean `{near}`? `expect` lists fields of this event"),
                None => "`expect` lists fields of this event by element name".to_string(),
            };
            problem(
                Check::ExampleMismatch,
                pos(element),
                format!(
                    "`expect` names `{}`, which is not a field of event `{event}`",
                    element.value
                ),
                &help,
            );
            continue;
        };
        if !xml.contains(&format!("<{}>", element.value)) || !xml.contains(value.as_str()) {
            problem(
                Check::ExampleMismatch,
                pos(element),
                format!(
                    "the example XML has no `{}` element holding `{value}`",
                    element.value
                ),
                "make `expect` say what the example's XML holds",
            );
        }
        if def.ty.value == TypeName::Integer && value.trim().parse::<i64>().is_err() {
            problem(
                Check::ExampleMismatch,
                pos(element),
                format!(
                    "`{}` is an integer field, but the example expects `{value}`",
                    element.value
                ),
                "expect a whole number",
            );
        }
    }
}

/// Letters, digits, `_`, `-` and `.`, starting with a letter or `_` (no namespaces).
fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}
