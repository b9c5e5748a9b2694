//! Writes a draft as an endpoint file in the style and key order of
//! `spec/endpoints/get_auth_data.yaml`.

use super::draft::{Draft, DraftExample, DraftField, DraftType};
use super::json::Json;

/// Text longer than this is written as a folded block (`>-`), wrapped at [`WRAP`].
const FOLD_OVER: usize = 80;
/// Column to wrap folded text at.
const WRAP: usize = 96;

/// The endpoint file's text.
pub fn render(draft: &Draft) -> String {
    let mut out = String::from("# yaml-language-server: $schema=../spec.schema.json\n");
    out.push_str(&format!("endpoint: {}\n", scalar(&draft.name)));
    out.push_str(&format!("wechat_name: {}\n", scalar(&draft.wechat_name)));
    text_entry(&mut out, 0, "title", &draft.title);
    text_entry(&mut out, 0, "description", &draft.description);
    out.push_str(&format!("doc_url: {}\n", scalar(&draft.doc_url)));
    out.push_str(&format!("group: {}\n", draft.group));
    out.push_str("http:\n");
    out.push_str(&format!("  method: {}\n", draft.method));
    out.push_str(&format!("  path: {}\n", scalar(&draft.path)));
    if !draft.query.is_empty() {
        out.push_str("  query:\n");
        for (key, value) in &draft.query {
            out.push_str(&format!("    {}: {}\n", scalar(key), scalar(value)));
        }
    }
    out.push_str(&format!("  body: {}\n", draft.body));
    out.push_str(&format!("auth:\n  token: {}\n", draft.token));
    let sets: Vec<String> = draft.permission_sets.iter().map(u32::to_string).collect();
    out.push_str(&format!(
        "  third_party_permission_sets: [{}]\n",
        sets.join(", ")
    ));
    if !draft.account_types.is_empty() {
        out.push_str(&format!(
            "account_types: [{}]\n",
            draft.account_types.join(", ")
        ));
    }
    out.push_str(&format!("idempotent: {}\n", draft.idempotent));
    fields_entry(&mut out, "request", &draft.request);
    fields_entry(&mut out, "response", &draft.response);
    if !draft.errors.is_empty() {
        let codes: Vec<String> = draft.errors.iter().map(i64::to_string).collect();
        out.push_str(&format!("errors: [{}]\n", codes.join(", ")));
    }
    if !draft.examples.is_empty() {
        out.push_str("examples:\n");
        for example in &draft.examples {
            example_entry(&mut out, example);
        }
    }
    if !draft.notes.is_empty() {
        out.push_str("notes:\n");
        for note in &draft.notes {
            list_text(&mut out, 2, note);
        }
    }
    out
}

fn fields_entry(out: &mut String, key: &str, fields: &[DraftField]) {
    if fields.is_empty() {
        return;
    }
    out.push_str(&format!("{key}:\n"));
    for field in fields {
        field_entry(out, 2, field);
    }
}

fn field_entry(out: &mut String, indent: usize, field: &DraftField) {
    let pad = " ".repeat(indent);
    out.push_str(&format!("{pad}{}:\n", scalar(&field.name)));
    type_body(
        out,
        indent + 2,
        &field.ty,
        field.required,
        &field.description,
    );
    if let Some(rust_name) = &field.rust_name {
        out.push_str(&format!("{pad}  rust_name: {}\n", scalar(rust_name)));
    }
    nested(out, indent + 2, &field.ty, &field.name);
}

/// `type`, `width`, `required`, `description` of a field or an array's items.
fn type_body(out: &mut String, indent: usize, ty: &DraftType, required: bool, description: &str) {
    let pad = " ".repeat(indent);
    let name = match ty {
        DraftType::String => "string",
        DraftType::Integer => "integer",
        DraftType::Number => "number",
        DraftType::Boolean => "boolean",
        DraftType::File => "file",
        DraftType::Object(_) => "object",
        DraftType::Array(_) => "array",
    };
    out.push_str(&format!("{pad}type: {name}\n"));
    if *ty == DraftType::Integer {
        out.push_str(&format!("{pad}width: 64\n"));
    }
    if required {
        out.push_str(&format!("{pad}required: true\n"));
    }
    text_entry(out, indent, "description", description);
}

/// `fields:` of an object, `items:` of an array.
fn nested(out: &mut String, indent: usize, ty: &DraftType, name: &str) {
    let pad = " ".repeat(indent);
    match ty {
        DraftType::Object(fields) if fields.is_empty() => {
            out.push_str(&format!("{pad}fields: {{}}\n"));
        }
        DraftType::Object(fields) => {
            out.push_str(&format!("{pad}fields:\n"));
            for field in fields {
                field_entry(out, indent + 2, field);
            }
        }
        DraftType::Array(item) => {
            out.push_str(&format!("{pad}items:\n"));
            type_body(
                out,
                indent + 2,
                item,
                false,
                &format!("One item of `{name}`."),
            );
            nested(out, indent + 2, item, name);
        }
        _ => {}
    }
}

fn example_entry(out: &mut String, example: &DraftExample) {
    out.push_str(&format!("  - name: {}\n", scalar(&example.name)));
    if let Some(request) = &example.request {
        json_entry(out, 4, "request", request);
    }
    json_entry(out, 4, "response", &example.response);
}

/// `key: value` for a JSON value, as a YAML block.
fn json_entry(out: &mut String, indent: usize, key: &str, value: &Json) {
    let pad = " ".repeat(indent);
    match value {
        Json::Object(entries) if !entries.is_empty() => {
            out.push_str(&format!("{pad}{}:\n", scalar(key)));
            for (inner_key, inner) in entries {
                json_entry(out, indent + 2, inner_key, inner);
            }
        }
        Json::Array(items) if !items.is_empty() => {
            out.push_str(&format!("{pad}{}:\n", scalar(key)));
            for item in items {
                json_item(out, indent + 2, item);
            }
        }
        _ => out.push_str(&format!("{pad}{}: {}\n", scalar(key), json_scalar(value))),
    }
}

/// `- value` for an array item.
fn json_item(out: &mut String, indent: usize, value: &Json) {
    let pad = " ".repeat(indent);
    match value {
        Json::Object(entries) if !entries.is_empty() => {
            for (index, (key, inner)) in entries.iter().enumerate() {
                let mut entry = String::new();
                json_entry(&mut entry, indent + 2, key, inner);
                if index == 0 {
                    let body = entry.get(indent + 2..).unwrap_or_default();
                    out.push_str(&format!("{pad}- {body}"));
                } else {
                    out.push_str(&entry);
                }
            }
        }
        Json::Array(items) if !items.is_empty() => {
            let inline: Vec<String> = items
                .iter()
                .map(|item| item.to_value().to_string())
                .collect();
            out.push_str(&format!("{pad}- [{}]\n", inline.join(", ")));
        }
        _ => out.push_str(&format!("{pad}- {}\n", json_scalar(value))),
    }
}

fn json_scalar(value: &Json) -> String {
    match value {
        Json::Null => "null".to_string(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => scalar(s),
        Json::Array(_) => "[]".to_string(),
        Json::Object(_) => "{}".to_string(),
    }
}

/// `key: text` on one line, or as a folded block when long.
fn text_entry(out: &mut String, indent: usize, key: &str, text: &str) {
    let pad = " ".repeat(indent);
    let text = squash(text);
    if text.chars().count() <= FOLD_OVER || !text.contains(' ') {
        out.push_str(&format!("{pad}{key}: {}\n", scalar(&text)));
        return;
    }
    out.push_str(&format!("{pad}{key}: >-\n"));
    for line in wrap(&text, WRAP.saturating_sub(indent + 2)) {
        out.push_str(&format!("{pad}  {line}\n"));
    }
}

/// `- text` in a list, folded when long.
fn list_text(out: &mut String, indent: usize, text: &str) {
    let pad = " ".repeat(indent);
    let text = squash(text);
    if text.chars().count() <= FOLD_OVER || !text.contains(' ') {
        out.push_str(&format!("{pad}- {}\n", scalar(&text)));
        return;
    }
    out.push_str(&format!("{pad}- >-\n"));
    for line in wrap(&text, WRAP.saturating_sub(indent + 4)) {
        out.push_str(&format!("{pad}    {line}\n"));
    }
}

/// Whitespace runs to single spaces, so folding gives the text back exactly.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Greedy word wrap at single spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// A YAML scalar: plain when it reads back as the same string, else JSON-quoted (a JSON
/// string is a valid YAML double-quoted scalar).
pub fn scalar(text: &str) -> String {
    if is_plain_safe(text) {
        text.to_string()
    } else {
        serde_json::Value::String(text.to_string()).to_string()
    }
}

fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let reserved_words = [
        "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n",
    ];
    let looks_numeric = first.is_ascii_digit()
        || (matches!(first, '-' | '+' | '.')
            && text
                .chars()
                .nth(1)
                .is_some_and(|c| c.is_ascii_digit() || c == '.'))
        || text.eq_ignore_ascii_case(".inf")
        || text.eq_ignore_ascii_case(".nan");
    !"-?:,[]{}#&*!|>'\"%@`".contains(first)
        && !first.is_whitespace()
        && !text.ends_with(char::is_whitespace)
        && !text.ends_with(':')
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.contains(['\n', '\r', '\t'])
        && !text.chars().any(char::is_control)
        && !reserved_words.contains(&text.to_lowercase().as_str())
        && !looks_numeric
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_quoted_only_when_needed() {
        assert_eq!(scalar("wx123456"), "wx123456");
        assert_eq!(scalar("123456"), "\"123456\"");
        assert_eq!(scalar("auth success"), "auth success");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(scalar("订单 id"), "订单 id");
        assert_eq!(scalar("- x"), "\"- x\"");
    }

    #[test]
    fn long_text_is_folded_at_spaces() {
        let mut out = String::new();
        let text = "word ".repeat(40);
        text_entry(&mut out, 0, "description", &text);
        assert!(out.starts_with("description: >-\n  word word"));
        assert!(out.lines().all(|line| line.len() <= WRAP));
    }

    #[test]
    fn arrays_of_objects_are_block_lists() {
        let mut out = String::new();
        let value = Json::parse(r#"{"items": [{"a": 1, "b": "x"}]}"#).expect("json");
        json_entry(&mut out, 4, "request", &value);
        assert_eq!(
            out,
            "    request:\n      items:\n        - a: 1\n          b: x\n"
        );
    }
}
