//! The pushed events (`spec/events/`) in `wxinvoice diff`: their rules and their comparison.
//!
//! Verdicts follow what the generated code does (`codegen/src/events/emit.rs`):
//! `wechat_invoice::Event` is `#[non_exhaustive]` with an `Other` variant that keeps any
//! undescribed event; each event is a `#[non_exhaustive]` struct with a builder whose fields
//! are all `Option<String>` or `Option<i64>`, named by the snake_case of the element, plus
//! `envelope` and `other` for undescribed elements. Outside the crate an event is never a
//! struct literal (`..Default::default()` included) and a pattern needs `..`, so only reads,
//! patterns and builder calls name its fields. `cli/tests/diff_compile.rs` compiles callers
//! against both sides to keep these verdicts true.

use std::collections::{BTreeMap, BTreeSet};

use wechat_invoice_codegen::events::{EventField, EventModel};

use super::change::{Change, Direction, Level, Rule, Scope};

const fn rule(id: &'static str, level: Level) -> Rule {
    Rule {
        id,
        direction: Direction::Event,
        level,
    }
}

/// A new event: pushes that arrived as `Event::Other` now arrive as its own variant. Matches
/// keep compiling (`Event` is `#[non_exhaustive]`, so every match has a `_` arm), but code
/// that handled the event through `Other` takes another branch.
pub static EVENT_ADDED: Rule = rule("event-added", Level::Warning);
/// An event is gone (a new `Event` value shows as removed + added): its variant and struct
/// disappear, and its pushes arrive as `Event::Other`.
pub static EVENT_REMOVED: Rule = rule("event-removed", Level::Breaking);
/// An element became a field: events are `#[non_exhaustive]`, so reads, patterns (with `..`)
/// and test fakes built with the event's builder keep compiling; the element no longer
/// appears in the event's `other` elements.
pub static EVENT_ELEMENT_ADDED: Rule = rule("event-element-added", Level::Info);
/// An element is gone: its field and its builder's setter disappear (the element lands in
/// `other`).
pub static EVENT_ELEMENT_REMOVED: Rule = rule("event-element-removed", Level::Breaking);
/// An element got another name and so another Rust field: the old field and setter disappear.
pub static EVENT_ELEMENT_RENAMED: Rule = rule("event-element-renamed", Level::Breaking);
/// An element got another spelling with the same Rust field: callers compile, but pushes
/// spelling it the old way fill the field only if the old spelling is kept as an alias.
pub static EVENT_ELEMENT_RESPELLED: Rule = rule("event-element-respelled", Level::Warning);
/// An element's type changed (`Option<String>` ↔ `Option<i64>`): reads and calls of the
/// field's builder setter stop compiling.
pub static EVENT_ELEMENT_TYPE_CHANGED: Rule = rule("event-element-type-changed", Level::Breaking);
/// An element is also read under another name.
pub static EVENT_ELEMENT_ALIAS_ADDED: Rule = rule("event-element-alias-added", Level::Info);
/// An element is no longer read under a name: pushes using it leave the field empty (the
/// element lands in `other`).
pub static EVENT_ELEMENT_ALIAS_REMOVED: Rule = rule("event-element-alias-removed", Level::Warning);
/// The elements of the event's dedup key changed: a push delivered before an upgrade and
/// retried after it is not recognised as a repeat.
pub static EVENT_IDENTITY_CHANGED: Rule = rule("event-identity-changed", Level::Warning);
/// Title, description, doc page, or an element's description or known values changed.
pub static EVENT_DOC_CHANGED: Rule = rule("event-doc-changed", Level::Info);
/// The example pushes (and so the generated tests) changed.
pub static EVENT_EXAMPLES_CHANGED: Rule = rule("event-examples-changed", Level::Info);

/// Every event rule, for `--list-rules`.
pub static ALL: &[&Rule] = &[
    &EVENT_ADDED,
    &EVENT_REMOVED,
    &EVENT_ELEMENT_ADDED,
    &EVENT_ELEMENT_REMOVED,
    &EVENT_ELEMENT_RENAMED,
    &EVENT_ELEMENT_RESPELLED,
    &EVENT_ELEMENT_TYPE_CHANGED,
    &EVENT_ELEMENT_ALIAS_ADDED,
    &EVENT_ELEMENT_ALIAS_REMOVED,
    &EVENT_IDENTITY_CHANGED,
    &EVENT_DOC_CHANGED,
    &EVENT_EXAMPLES_CHANGED,
];

/// Every change to the events from `base` to `head`, event by event (by `Event` value).
pub fn compare(base: &[EventModel], head: &[EventModel]) -> Vec<Change> {
    let base: BTreeMap<&str, &EventModel> = base.iter().map(|e| (e.event.as_str(), e)).collect();
    let head: BTreeMap<&str, &EventModel> = head.iter().map(|e| (e.event.as_str(), e)).collect();
    let values: BTreeSet<&str> = base.keys().chain(head.keys()).copied().collect();
    let mut changes = Vec::new();
    for value in values {
        let mut found = Found {
            scope: Scope::Event(value.to_string()),
            changes: &mut changes,
        };
        match (base.get(value), head.get(value)) {
            (Some(old), None) => found.push(
                &EVENT_REMOVED,
                format!(
                    "event removed: `Event::{}` and `{}` disappear; its pushes arrive as `Event::Other`",
                    old.variant, old.struct_name
                ),
            ),
            (None, Some(new)) => found.push(
                &EVENT_ADDED,
                format!(
                    "event added: its pushes arrive as `Event::{}({})` instead of `Event::Other`; \
                     matches keep compiling (`Event` is #[non_exhaustive])",
                    new.variant, new.struct_name
                ),
            ),
            (Some(old), Some(new)) => found.event(old, new),
            (None, None) => {}
        }
    }
    changes
}

/// The changes found so far, and the event they are about.
struct Found<'c> {
    scope: Scope,
    changes: &'c mut Vec<Change>,
}

impl Found<'_> {
    fn push(&mut self, rule: &'static Rule, message: String) {
        self.changes.push(Change {
            rule,
            scope: self.scope.clone(),
            message,
        });
    }

    fn event(&mut self, old: &EventModel, new: &EventModel) {
        let docs = [
            ("title", old.title != new.title),
            ("description", old.description != new.description),
            ("doc_url", old.doc != new.doc),
        ];
        let changed: Vec<&str> = docs.iter().filter(|(_, c)| *c).map(|(n, _)| *n).collect();
        if !changed.is_empty() {
            self.push(
                &EVENT_DOC_CHANGED,
                format!("{} changed", changed.join(", ")),
            );
        }
        if old.examples != new.examples {
            self.push(
                &EVENT_EXAMPLES_CHANGED,
                "examples changed (the generated example tests change)".to_string(),
            );
        }
        self.elements(old, new);
        let key = |event: &EventModel| -> Vec<String> {
            let fields = event.fields.iter().filter(|f| f.identity);
            fields.map(|f| f.element.clone()).collect()
        };
        let (old_key, new_key) = (key(old), key(new));
        if old_key != new_key {
            self.push(
                &EVENT_IDENTITY_CHANGED,
                format!(
                    "dedup key elements [{}] → [{}]: a push delivered before the upgrade and \
                     retried after it is not recognised as a repeat",
                    old_key.join(", "),
                    new_key.join(", ")
                ),
            );
        }
    }

    fn elements(&mut self, old: &EventModel, new: &EventModel) {
        let removed: Vec<&EventField> = old
            .fields
            .iter()
            .filter(|f| !new.fields.iter().any(|n| n.element == f.element))
            .collect();
        let mut added: Vec<&EventField> = new
            .fields
            .iter()
            .filter(|f| !old.fields.iter().any(|o| o.element == f.element))
            .collect();
        for gone in removed {
            // A rename: the new element keeps the old name as an alias, or has its Rust field.
            let successor = added.iter().position(|field| {
                field.aliases.contains(&gone.element) || field.rust_name == gone.rust_name
            });
            match successor {
                Some(index) => {
                    let renamed = added.remove(index);
                    self.renamed(old, gone, renamed);
                }
                None => self.push(
                    &EVENT_ELEMENT_REMOVED,
                    format!(
                        "element `{}` removed: the field `{}.{}` and its setter disappear (the element lands in `other`)",
                        gone.element, old.struct_name, gone.rust_name
                    ),
                ),
            }
        }
        for field in added {
            self.push(
                &EVENT_ELEMENT_ADDED,
                format!(
                    "element `{}` added: new field `{}.{}: {}`; reads, patterns and fakes built \
                     with `{}::builder()` keep compiling (events are #[non_exhaustive]), and the \
                     element no longer appears in `other`",
                    field.element,
                    new.struct_name,
                    field.rust_name,
                    rust_type(field),
                    new.struct_name
                ),
            );
        }
        for old_field in &old.fields {
            if let Some(new_field) = new.fields.iter().find(|f| f.element == old_field.element) {
                self.element(new, old_field, new_field);
            }
        }
    }

    fn renamed(&mut self, old: &EventModel, gone: &EventField, renamed: &EventField) {
        let kept = if renamed.aliases.contains(&gone.element) {
            format!("`{}` is still read as an alias", gone.element)
        } else {
            format!("pushes spelling it `{}` no longer fill it", gone.element)
        };
        if renamed.rust_name == gone.rust_name {
            self.push(
                &EVENT_ELEMENT_RESPELLED,
                format!(
                    "element `{}` respelled `{}`: the field `{}.{}` stays; {kept}",
                    gone.element, renamed.element, old.struct_name, gone.rust_name
                ),
            );
        } else {
            self.push(
                &EVENT_ELEMENT_RENAMED,
                format!(
                    "element `{}` renamed `{}`: the field `{}.{}` becomes `{}`; {kept}",
                    gone.element,
                    renamed.element,
                    old.struct_name,
                    gone.rust_name,
                    renamed.rust_name
                ),
            );
        }
        if renamed.ty != gone.ty {
            self.type_changed(old, gone, renamed);
        }
    }

    fn element(&mut self, event: &EventModel, old: &EventField, new: &EventField) {
        if old.ty != new.ty {
            self.type_changed(event, old, new);
        }
        for alias in new.aliases.iter().filter(|a| !old.aliases.contains(a)) {
            self.push(
                &EVENT_ELEMENT_ALIAS_ADDED,
                format!("element `{}` is also read from `{alias}`", new.element),
            );
        }
        for alias in old.aliases.iter().filter(|a| !new.aliases.contains(a)) {
            self.push(
                &EVENT_ELEMENT_ALIAS_REMOVED,
                format!(
                    "element `{}` is no longer read from `{alias}`: pushes spelling it so leave \
                     `{}` empty (the element lands in `other`)",
                    new.element, new.rust_name
                ),
            );
        }
        if old.description != new.description || old.values != new.values {
            self.push(
                &EVENT_DOC_CHANGED,
                format!(
                    "element `{}`: description or known values changed",
                    new.element
                ),
            );
        }
    }

    fn type_changed(&mut self, event: &EventModel, old: &EventField, new: &EventField) {
        self.push(
            &EVENT_ELEMENT_TYPE_CHANGED,
            format!(
                "element `{}`: `{}.{}` changes from `{}` to `{}`",
                new.element,
                event.struct_name,
                new.rust_name,
                rust_type(old),
                rust_type(new)
            ),
        );
    }
}

/// The generated field type, as callers see it.
fn rust_type(field: &EventField) -> &'static str {
    match field.ty {
        wechat_invoice_codegen::events::FieldType::String => "Option<String>",
        wechat_invoice_codegen::events::FieldType::Integer => "Option<i64>",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_start_with_event() {
        let mut seen = BTreeSet::new();
        for rule in ALL {
            assert!(seen.insert(rule.id), "duplicate id {}", rule.id);
            assert!(rule.id.starts_with("event-"), "{}", rule.id);
            assert_eq!(rule.direction, Direction::Event);
        }
    }

    #[test]
    fn identical_events_have_no_changes() {
        assert!(compare(&[], &[]).is_empty());
    }
}
