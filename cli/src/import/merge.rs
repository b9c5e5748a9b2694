//! `wxinvoice import PAGE --into spec/`: brings a changed page into a reviewed endpoint file
//! without losing what reviewers curated.
//!
//! The existing file's text is edited in place, so comments, key order and every curated key
//! stay as they are. What the page states follows the page: top-level fields added or
//! removed, a field's built-in type (`string` → `integer`), a request field's required flag,
//! the method and path, error codes the page adds. What reviewers curate stays: rust names,
//! aliases, notes, sources, constants, named types refining a page's `string`, descriptions,
//! `idempotent`, examples, notes, the query, doc_url, codes the page does not list. Every
//! place where the page and a kept value disagree is reported as a conflict.

use super::draft::{Draft, DraftField, DraftType};
use super::yaml;

/// The merged file and what happened to it.
#[derive(Debug, Default)]
pub struct Merged {
    /// The new text of the endpoint file.
    pub text: String,
    /// Changes made because the page says so.
    pub changes: Vec<String>,
    /// Places where the page disagrees with a curated value that was kept.
    pub conflicts: Vec<String>,
}

/// A top-level field block of `request:` or `response:`: its name and lines.
#[derive(Debug, Clone)]
struct Block {
    name: String,
    lines: Vec<String>,
}

impl Block {
    /// The value of `key` at the field's own level (4 spaces).
    fn value(&self, key: &str) -> Option<String> {
        let prefix = format!("    {key}:");
        self.lines
            .iter()
            .find_map(|line| line.strip_prefix(&prefix))
            .map(|value| value.trim().to_string())
    }

    fn has(&self, key: &str) -> bool {
        self.value(key).is_some()
    }

    fn required(&self) -> bool {
        self.value("required").as_deref() == Some("true")
    }

    /// The description, folded onto one line.
    fn description(&self) -> String {
        let mut out = Vec::new();
        let mut inside = false;
        for line in &self.lines {
            if let Some(value) = line.strip_prefix("    description:") {
                inside = true;
                let value = value.trim();
                if !value.starts_with(">-") && !value.starts_with('|') && !value.is_empty() {
                    out.push(value.trim_matches('"').to_string());
                }
                continue;
            }
            if inside {
                if line.starts_with("      ") {
                    out.push(line.trim().to_string());
                } else {
                    inside = false;
                }
            }
        }
        out.join(" ")
    }
}

/// A `request:`/`response:` section: the lines before the fields, the field blocks, and
/// where it sits in the file.
#[derive(Debug)]
struct Section {
    start: usize,
    end: usize,
    blocks: Vec<Block>,
}

/// Finds the section `key:` at the top level; `None` when the file has none.
fn section(lines: &[String], key: &str) -> Option<Section> {
    let start = lines
        .iter()
        .position(|line| line == &format!("{key}:") || line.starts_with(&format!("{key}: ")))?;
    let end = lines[start + 1..]
        .iter()
        .position(|line| {
            line.chars()
                .next()
                .is_some_and(|c| !c.is_whitespace() && c != '#')
        })
        .map_or(lines.len(), |offset| start + 1 + offset);
    let mut blocks: Vec<Block> = Vec::new();
    for line in &lines[start + 1..end] {
        let is_field = line.starts_with("  ")
            && !line.starts_with("   ")
            && line.trim_end().ends_with(':')
            && !line.trim_start().starts_with('#');
        if is_field {
            blocks.push(Block {
                name: line
                    .trim()
                    .trim_end_matches(':')
                    .trim_matches('"')
                    .to_string(),
                lines: vec![line.clone()],
            });
        } else if let Some(block) = blocks.last_mut() {
            block.lines.push(line.clone());
        }
    }
    Some(Section { start, end, blocks })
}

/// The spec type word of a draft type.
fn type_word(ty: &DraftType) -> &'static str {
    match ty {
        DraftType::String => "string",
        DraftType::Integer => "integer",
        DraftType::Number => "number",
        DraftType::Boolean => "boolean",
        DraftType::File => "file",
        DraftType::Object(_) => "object",
        DraftType::Array(_) => "array",
    }
}

/// Whether a curated type refines what the page says rather than contradicting it: a named
/// type (enum or shared object) where the page prints a built-in word, `decimal` for a page's
/// string or number, or `integer_or_string` for a page's string or integer.
fn refines(curated: &str, page: &str) -> bool {
    let named = curated.chars().next().is_some_and(char::is_uppercase);
    (named && matches!(page, "string" | "integer" | "object"))
        || (curated == "decimal" && matches!(page, "string" | "number"))
        || (curated == "integer_or_string" && matches!(page, "string" | "integer"))
}

/// Merges the page's draft into the existing endpoint file `existing`.
pub fn merge(existing: &str, draft: &Draft) -> Merged {
    let mut merged = Merged::default();
    let mut lines: Vec<String> = existing.lines().map(str::to_string).collect();
    let rendered: Vec<String> = yaml::render(draft).lines().map(str::to_string).collect();

    route(&mut lines, draft, &mut merged);
    // Response first: editing it does not move the request section above it.
    for (key, fields, request) in [
        ("response", &draft.response, false),
        ("request", &draft.request, true),
    ] {
        fields_of(&mut lines, &rendered, key, fields, request, &mut merged);
    }
    errors(&mut lines, draft, &mut merged);
    let mut text = lines.join("\n");
    text.push('\n');
    merged.text = text;
    merged
}

/// Method and path follow the page; query and doc_url stay curated.
fn route(lines: &mut [String], draft: &Draft, merged: &mut Merged) {
    for line in lines.iter_mut() {
        if let Some(method) = line.strip_prefix("  method: ") {
            if method.trim() != draft.method {
                merged.changes.push(format!(
                    "http.method: {} → {} (the page)",
                    method.trim(),
                    draft.method
                ));
                *line = format!("  method: {}", draft.method);
            }
        } else if let Some(path) = line.strip_prefix("  path: ") {
            if path.trim() != draft.path {
                merged.changes.push(format!(
                    "http.path: {} → {} (the page)",
                    path.trim(),
                    draft.path
                ));
                *line = format!("  path: {}", draft.path);
            }
        } else if let Some(kept) = line.strip_prefix("idempotent: ") {
            let kept = kept.trim();
            if kept != draft.idempotent.to_string() {
                merged.conflicts.push(format!(
                    "idempotent: kept {kept}; the importer's guess from the path is {}",
                    draft.idempotent
                ));
            }
        } else if let Some(url) = line.strip_prefix("doc_url: ") {
            let url = url.trim();
            if !draft.doc_url.is_empty() && url != draft.doc_url {
                merged.conflicts.push(format!(
                    "doc_url: kept `{url}`; the page's address is `{}`",
                    draft.doc_url
                ));
            }
        }
    }
}

fn fields_of(
    lines: &mut Vec<String>,
    rendered: &[String],
    key: &str,
    fields: &[DraftField],
    request: bool,
    merged: &mut Merged,
) {
    let Some(current) = section(lines, key) else {
        if !fields.is_empty() {
            merged.conflicts.push(format!(
                "the file has no `{key}:` section; the page lists {} {key} field(s) — add them by hand",
                fields.len()
            ));
        }
        return;
    };
    let page_blocks = section(rendered, key).map(|s| s.blocks).unwrap_or_default();
    let mut blocks: Vec<Block> = Vec::new();
    for block in &current.blocks {
        let Some(field) = fields.iter().find(|f| f.name == block.name) else {
            if block.has("source") || block.has("constant") {
                merged.conflicts.push(format!(
                    "{key}.{}: not on the page; kept, since the spec documents it from elsewhere (source/constant)",
                    block.name
                ));
                blocks.push(block.clone());
            } else {
                merged.changes.push(format!(
                    "{key}.{}: removed (no longer on the page)",
                    block.name
                ));
            }
            continue;
        };
        blocks.push(update(block, field, key, request, merged));
    }
    for field in fields {
        if current.blocks.iter().any(|b| b.name == field.name) {
            continue;
        }
        match page_blocks.iter().find(|b| b.name == field.name) {
            Some(block) => {
                merged
                    .changes
                    .push(format!("{key}.{}: added (new on the page)", field.name));
                blocks.push(block.clone());
            }
            None => merged.conflicts.push(format!(
                "{key}.{}: on the page but could not be rendered; add it by hand",
                field.name
            )),
        }
    }
    let mut replacement = vec![if blocks.is_empty() {
        format!("{key}: {{}}")
    } else {
        format!("{key}:")
    }];
    replacement.extend(blocks.into_iter().flat_map(|block| block.lines));
    lines.splice(current.start..current.end, replacement);
}

/// One field both sides have: type and required flag follow the page, the rest stays.
fn update(
    block: &Block,
    field: &DraftField,
    key: &str,
    request: bool,
    merged: &mut Merged,
) -> Block {
    let mut block = block.clone();
    let name = &field.name;
    let page_type = type_word(&field.ty);
    let curated_type = block.value("type").unwrap_or_default();
    if curated_type != page_type {
        if refines(&curated_type, page_type) {
            // A reviewer's refinement of the page's word: nothing to say.
        } else if matches!(field.ty, DraftType::Object(_) | DraftType::Array(_))
            || matches!(curated_type.as_str(), "object" | "array")
        {
            merged.conflicts.push(format!(
                "{key}.{name}: the page says `{page_type}`, the spec `{curated_type}`; kept the spec's (nested fields are merged by hand)"
            ));
        } else {
            merged.changes.push(format!(
                "{key}.{name}: type {curated_type} → {page_type} (the page)"
            ));
            for line in &mut block.lines {
                if line.starts_with("    type:") {
                    *line = format!("    type: {page_type}");
                }
            }
            if page_type != "integer" {
                block.lines.retain(|line| !line.starts_with("    width:"));
            }
        }
    }
    if request && block.required() != field.required {
        merged.changes.push(format!(
            "{key}.{name}: required {} → {} (the page)",
            block.required(),
            field.required
        ));
        block
            .lines
            .retain(|line| !line.starts_with("    required:"));
        if field.required {
            let at = block
                .lines
                .iter()
                .position(|line| line.starts_with("    type:"))
                .map_or(1, |index| index + 1);
            block.lines.insert(at, "    required: true".to_string());
        }
    }
    let page_text = field.description.trim();
    let curated = block.description();
    if !page_text.is_empty() && !curated.is_empty() && curated != page_text {
        merged.conflicts.push(format!(
            "{key}.{name}: kept the spec's description; the page says: {page_text}"
        ));
    }
    block
}

/// Codes the page lists are added; codes only the spec lists are kept and reported.
fn errors(lines: &mut [String], draft: &Draft, merged: &mut Merged) {
    let Some(line) = lines.iter_mut().find(|line| line.starts_with("errors:")) else {
        return;
    };
    let listed = line
        .trim_start_matches("errors:")
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']');
    let mut codes: Vec<i64> = listed
        .split(',')
        .filter_map(|code| code.trim().parse().ok())
        .collect();
    if !listed.trim().is_empty() && codes.is_empty() {
        merged.conflicts.push(
            "errors: the spec's list is not a one-line [..] list; merge the page's codes by hand"
                .to_string(),
        );
        return;
    }
    for code in &draft.errors {
        if !codes.contains(code) {
            merged
                .changes
                .push(format!("errors: {code} added (new on the page)"));
            codes.push(*code);
        }
    }
    for code in &codes {
        if !draft.errors.contains(code) {
            merged.conflicts.push(format!(
                "errors: {code} is in the spec but not on the page; kept"
            ));
        }
    }
    codes.sort_unstable();
    let shown: Vec<String> = codes.iter().map(i64::to_string).collect();
    *line = format!("errors: [{}]", shown.join(", "));
}
