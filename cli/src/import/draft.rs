//! From a read page to an endpoint draft: doc types mapped to spec types (with the examples'
//! help), names and defaults guessed, every guess written down for stderr.

use wechat_invoice_codegen::naming::{is_keyword, is_snake_case};

use std::collections::BTreeMap;

use super::json::Json;
use super::page::{CallLine, NestedTable, Page, PageExample, Side, is_credential};
use super::table::{FieldRow, GARBLED_HEAD};

/// A field's spec type.
#[derive(Debug, Clone, PartialEq)]
pub enum DraftType {
    /// `string`.
    String,
    /// `integer` (64 bits).
    Integer,
    /// `number`.
    Number,
    /// `boolean`.
    Boolean,
    /// `file`: a part of a multipart upload.
    File,
    /// An inline `object` with these fields.
    Object(Vec<DraftField>),
    /// An `array` of these items.
    Array(Box<DraftType>),
}

/// One field of the draft.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftField {
    /// The wire name.
    pub name: String,
    /// The spec type.
    pub ty: DraftType,
    /// Whether the field is required (request) — responses are left optional.
    pub required: bool,
    /// The doc's description.
    pub description: String,
    /// A Rust name, when the wire name cannot be one.
    pub rust_name: Option<String>,
}

/// A doc example in spec form.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftExample {
    /// What it shows.
    pub name: String,
    /// The request body, for endpoints that have one.
    pub request: Option<Json>,
    /// The response body.
    pub response: Json,
}

/// An endpoint file, before it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// snake_case endpoint name.
    pub name: String,
    /// WeChat's interface name.
    pub wechat_name: String,
    /// One-line title.
    pub title: String,
    /// What it does.
    pub description: String,
    /// The doc page's address (empty when the page does not show it).
    pub doc_url: String,
    /// README group.
    pub group: &'static str,
    /// `GET` or `POST`.
    pub method: String,
    /// Path below the base URL.
    pub path: String,
    /// Fixed query parameters.
    pub query: Vec<(String, String)>,
    /// `json` or `none`.
    pub body: &'static str,
    /// The token the call takes: `access_token`, `component_access_token` or `none`.
    pub token: &'static str,
    /// Third-party permission sets.
    pub permission_sets: Vec<u32>,
    /// Account types.
    pub account_types: Vec<&'static str>,
    /// Whether repeating the call is harmless.
    pub idempotent: bool,
    /// Request fields.
    pub request: Vec<DraftField>,
    /// Response fields.
    pub response: Vec<DraftField>,
    /// Error codes the page documents.
    pub errors: Vec<i64>,
    /// Doc examples.
    pub examples: Vec<DraftExample>,
    /// Caveats.
    pub notes: Vec<String>,
}

/// Words in a path that mark a call that creates something, so is not idempotent.
const NOT_IDEMPOTENT: [&str; 4] = ["insert", "create", "make", "setpdf"];

/// Builds the draft; `name` is the user's `--name`. Guesses are pushed onto `guesses`.
pub fn build(page: &Page, name: Option<&str>, guesses: &mut Vec<String>) -> Result<Draft, String> {
    guesses.extend(page.guesses.iter().cloned());
    let Some(call) = choose_call(page, name, guesses) else {
        return Err("the page has no call line like `POST https://api.weixin.qq.com/card/invoice/getauthdata?access_token=ACCESS_TOKEN`".to_string());
    };
    // A later call with tables of its own is read from its part of the page.
    let page = page
        .later_calls
        .iter()
        .find(|part| part.call.as_ref() == Some(call))
        .unwrap_or(page);
    let call = &fixed_query(call, page, guesses);
    let wechat_name = page.wechat_name.clone().unwrap_or_else(|| {
        let fallback = path_name(&call.path);
        guesses.push(format!(
            "wechat_name: the page names no interface (`Interface English name:` / `接口英文名：`), so it is `{fallback}`, from the path's last two segments (its last alone, such as `create`, would name many calls)"
        ));
        fallback
    });
    let name = match name {
        Some(name) => name.to_string(),
        None => {
            let guessed = guess_name(&wechat_name, &call.path, &call.query);
            guesses.push(format!(
                "endpoint name `{guessed}` is a guess from `{wechat_name}`; pass --name to choose it"
            ));
            guessed
        }
    };
    let group = guess_group(&call.path);
    guesses.push(format!(
        "group `{group}` is a guess from the path `{}`",
        call.path
    ));
    let idempotent = !NOT_IDEMPOTENT.iter().any(|word| call.path.contains(word));
    guesses.push(if idempotent {
        "idempotent: true (the default; the path names no insert/create/make/setpdf); set false if repeating the call is not harmless".to_string()
    } else {
        "idempotent: false, because the path names an insert/create/make/setpdf operation".to_string()
    });
    let title = page.title.clone().unwrap_or_else(|| wechat_name.clone());
    let description = if page.description.is_empty() {
        guesses.push("description: the page has none, so it repeats the title; say where the endpoint sits in its flow".to_string());
        title.clone()
    } else {
        page.description.join(" ")
    };
    guesses.push("title and descriptions are the doc's text, left as they are".to_string());
    let doc_url = page.doc_url.clone().unwrap_or_else(|| {
        guesses.push(
            "doc_url is empty: the copied page does not show its address; paste it in".to_string(),
        );
        String::new()
    });
    if page.account_types.is_empty() {
        guesses.push("account_types: the page lists none".to_string());
    }
    let requests: Vec<&Json> = page
        .examples
        .iter()
        .filter_map(|e| e.request.as_ref())
        .collect();
    let responses: Vec<&Json> = page
        .examples
        .iter()
        .filter_map(|e| e.response.as_ref())
        .collect();
    let body_rows: Vec<FieldRow> = page
        .request
        .iter()
        .filter(|row| {
            let in_query = page
                .calls
                .iter()
                .any(|c| c.query.iter().any(|(k, _)| *k == row.name));
            if in_query {
                guesses.push(format!(
                    "request row `{}` is a query parameter of the call line, not a body field",
                    row.name
                ));
            }
            !in_query
        })
        .cloned()
        .collect();
    let response_rows: Vec<FieldRow> = page
        .response
        .iter()
        .filter(|row| {
            let binary = row.doc_type.eq_ignore_ascii_case("buffer");
            if binary {
                guesses.push(format!(
                    "response row `{}` ({}) is the answer's raw bytes (an image or file), not a JSON field: the spec cannot describe a binary answer, so it is left out",
                    row.name, row.doc_type
                ));
            }
            !binary
        })
        .cloned()
        .collect();
    let body_rows = example_spelling(body_rows, &requests, guesses);
    let body_rows = restore_garbled(&body_rows, &requests, "request", guesses);
    let response_rows = restore_garbled(&response_rows, &responses, "response", guesses);
    let request = fields_as_examples_nest(&body_rows, &requests, true, "request", guesses);
    let response = fields_as_examples_nest(&response_rows, &responses, false, "response", guesses);
    let mut request = nest_dotted(request, &requests, "request", guesses);
    let mut response = nest_dotted(response, &responses, "response", guesses);
    let top: Vec<String> = request.iter().map(|field| field.name.clone()).collect();
    nest(
        &mut request,
        &SideTables {
            nested: &page.nested,
            side: Side::Request,
            top: &top,
        },
        &requests,
        &[],
        "request",
        guesses,
    );
    let top: Vec<String> = response.iter().map(|field| field.name.clone()).collect();
    nest(
        &mut response,
        &SideTables {
            nested: &page.nested,
            side: Side::Response,
            top: &top,
        },
        &responses,
        &[],
        "response",
        guesses,
    );
    if request.is_empty() && !page.file_parts.is_empty() {
        for part in &page.file_parts {
            guesses.push(format!(
                "request field `{part}`: a file part of the page's multipart upload (`curl -F '{part}=@…'`), required"
            ));
            request.push(DraftField {
                name: part.clone(),
                ty: DraftType::File,
                required: true,
                description: format!("The file sent as the multipart part `{part}`."),
                rust_name: rust_name_for(part),
            });
        }
    }
    if page.request.is_empty() && page.file_parts.is_empty() {
        from_example(&mut request, &requests, "request", guesses);
    } else if page.request_cut {
        beyond_cut_table(&mut request, &requests, guesses);
    }
    if page.response.is_empty() {
        from_example(&mut response, &responses, "response", guesses);
    }
    let has_file = request.iter().any(|field| field.ty == DraftType::File);
    let body = if !page.file_parts.is_empty() || has_file || page.multipart_stated {
        "multipart"
    } else if call.method == "GET"
        || (request.is_empty()
            && requests.is_empty()
            && (!page.query_rows.is_empty() || page.empty_body_section))
    {
        // A POST whose body section is empty (`# 请求体 Request Payload` with no table) and
        // whose examples send nothing has no body either.
        // A call whose parameters are all in the query and whose examples send nothing
        // (`curl -X POST "…?openid=OPENID"`) has no body either.
        // A GET carries no body: fields a page lists under a body title travel in the query.
        "none"
    } else {
        "json"
    };
    // `0 ok 正常`: an error table's success row is not an error.
    if page.errors.iter().any(|row| row.code == 0) {
        guesses.push(
            "the error table's row 0 is the success code, not an error: not listed".to_string(),
        );
    }
    let mut errors: Vec<i64> = page
        .errors
        .iter()
        .map(|row| row.code)
        .filter(|code| *code != 0)
        .collect();
    for (name, values) in &page.valid_values {
        if name == "errcode" {
            for (value, _) in values {
                if let Ok(code) = value.parse::<i64>()
                    && code != 0
                {
                    errors.push(code);
                }
            }
        }
    }
    for response in &responses {
        let code = response
            .get("errcode")
            .and_then(|code| code.to_value().as_i64())
            .unwrap_or(0);
        if code != 0 && !errors.contains(&code) {
            guesses.push(format!(
                "error code {code} is listed because an example answer shows it; the page has no error table naming it"
            ));
            errors.push(code);
        }
    }
    errors.sort_unstable();
    errors.dedup();
    Ok(Draft {
        name,
        wechat_name,
        title,
        description,
        doc_url,
        group,
        method: call.method.clone(),
        path: call.path.clone(),
        query: call.query.clone(),
        body,
        token: token_kind(call, page, guesses),
        permission_sets: page.permission_sets.clone(),
        account_types: page.account_types.clone(),
        idempotent,
        request,
        response,
        errors,
        examples: examples(&page.examples, body),
        notes: page.notes.clone(),
    })
}

/// The token the call takes, as the spec's `auth.token` names it: the credential in the call
/// line's query (an `authorizer_access_token` is the spec's `access_token`, which a
/// third-party platform fills with the authorizer's token); else the one a parameter table
/// lists, said as a guess; else `none`, said too.
fn token_kind(call: &CallLine, page: &Page, guesses: &mut Vec<String>) -> &'static str {
    let kind = |key: &str| {
        if key.to_ascii_lowercase().contains("component_access_token") {
            "component_access_token"
        } else {
            "access_token"
        }
    };
    if let Some(key) = &call.token {
        return kind(key);
    }
    if let Some(row) = page.credential_rows.first() {
        let token = kind(row);
        guesses.push(format!(
            "auth.token: `{token}`: the call line carries no token, but a parameter table lists `{row}`"
        ));
        return token;
    }
    guesses.push("auth.token: `none`: neither the call line nor a parameter table names an access token; check that the call takes none".to_string());
    "none"
}

/// The call with its query made fixed: a placeholder value (`type=TYPE`) is replaced by the
/// only value a `Valid values of type` table allows, else left out (the spec has no variable
/// query parameter), saying so either way.
fn fixed_query(call: &CallLine, page: &Page, guesses: &mut Vec<String>) -> CallLine {
    let mut fixed = call.clone();
    fixed.query.clear();
    for (key, value) in &call.query {
        let placeholder = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
            && value.chars().any(|c| c.is_ascii_uppercase());
        // `lang=zh_CN` in the call line, while the parameter table lists `lang` as a parameter
        // the caller chooses: a sample value, not a fixed one.
        let documented = page
            .request
            .iter()
            .chain(&page.query_rows)
            .find(|row| row.name == *key);
        if !placeholder && documented.is_none() {
            fixed.query.push((key.clone(), value.clone()));
            continue;
        }
        let allowed = page
            .valid_values
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, values)| values.as_slice())
            .unwrap_or_default();
        if let [(only, _)] = allowed {
            guesses.push(format!(
                "query `{key}={value}` is a placeholder whose only valid value on the page is `{only}`: fixed as `{key}: {only}`"
            ));
            fixed.query.push((key.clone(), only.clone()));
            continue;
        }
        let only = documented.and_then(|row| only_value(&row.description));
        if let Some(only) = only.filter(|only| placeholder || only == value) {
            guesses.push(format!(
                "query `{key}={value}`: its description says only `{only}` is supported: fixed as `{key}: {only}`"
            ));
            fixed.query.push((key.clone(), only));
            continue;
        }
        let described = documented
            .map(|row| format!(" ({})", row.description))
            .unwrap_or_default();
        guesses.push(format!(
            "query `{key}={value}`{described} varies per call: the spec has no variable query parameter, so it is left out of `http.query` — model it by hand"
        ));
    }
    fixed
}

/// The one value a description says is supported (`签名方法,只支持 hmac_sha256`, `only supports
/// md5.`) or to be entered (`填写为 authorization_code`, `固定为 …`): a word of letters, digits,
/// `_` or `-` right after `只支持`, `仅支持`, `填写为`, `固定为` or `only support(s)`, ending the
/// description or its sentence; `None` when a list or other text follows.
fn only_value(description: &str) -> Option<String> {
    let lower = description.to_lowercase();
    let start = [
        "只支持",
        "仅支持",
        "只需填写",
        "填写为",
        "固定为",
        "only supports",
        "only support",
        // `You only need to enter the authorization_code here`.
        "only need to enter the",
        "only need to enter",
    ]
    .iter()
    .find_map(|marker| lower.find(marker).map(|at| at + marker.len()))?;
    let rest = description
        .get(start..)?
        .trim_start_matches([' ', '"', '`', '\'']);
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-')))
        .unwrap_or(rest.len());
    let (word, after) = rest.split_at(end);
    let after = after.trim_start_matches(['"', '`', '\'']).trim();
    let ends = after.is_empty()
        || after.starts_with(['。', '.', ';', ';', ')', '）'])
        || after.to_lowercase().starts_with("here");
    (!word.is_empty() && ends).then(|| word.to_string())
}

/// The call to import: the only one, or, on a page documenting several (`action=…`), the one
/// `--name` names (by its `action`), else the first, saying which were left out.
fn choose_call<'p>(
    page: &'p Page,
    name: Option<&str>,
    guesses: &mut Vec<String>,
) -> Option<&'p CallLine> {
    let first = page.call.as_ref()?;
    if page.calls.len() < 2 {
        return Some(first);
    }
    // The call line and a sample writing it in full (its fixed `action=…`): the full one.
    if let Some(full) = page.calls.iter().find(|full| {
        page.calls
            .iter()
            .all(|other| other == *full || crate::import::page::repeats_call(other, full))
    }) && full != first
    {
        guesses.push(format!(
            "the call line `{} {}` is written in full in a sample, with {}: that query is the call's",
            first.method,
            first.path,
            full.query
                .iter()
                .map(|(key, value)| format!("{key}={value}"))
                .collect::<Vec<_>>()
                .join("&")
        ));
        return Some(full);
    }
    let shown: Vec<String> = page
        .calls
        .iter()
        .map(|call| {
            let query: Vec<String> = call.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("{} {}?{}", call.method, call.path, query.join("&"))
        })
        .collect();
    let action_of = |call: &CallLine| {
        call.query
            .iter()
            .find(|(key, _)| key == "action")
            .map(|(_, value)| value.clone())
    };
    let chosen = name.and_then(|name| {
        page.calls.iter().find(|call| {
            action_of(call).is_some_and(|action| snake_case(&action) == name || action == name)
        })
    });
    match (name, chosen) {
        (_, Some(call)) => {
            guesses.push(format!(
                "the page documents {} calls ({}); imported the one whose action matches --name; its tables may mix the actions' fields, so check them",
                page.calls.len(),
                shown.join(", ")
            ));
            Some(call)
        }
        (Some(name), None) => {
            guesses.push(format!(
                "the page documents {} calls ({}) and none has an action matching --name `{name}`; imported the first — check `http.query`",
                page.calls.len(),
                shown.join(", ")
            ));
            Some(first)
        }
        (None, None) => {
            guesses.push(format!(
                "the page documents {} calls ({}); imported only the first — import the page once per action with --name ACTION",
                page.calls.len(),
                shown.join(", ")
            ));
            Some(first)
        }
    }
}

/// A name for a call the page does not name, from its path: the last two segments
/// (`/cgi-bin/tags/create` → `tags_create`), `cgi-bin` not counted, so that the calls of one
/// family (`tags/create`, `tags/get`) get names that tell them apart.
pub fn path_name(path: &str) -> String {
    let segments: Vec<&str> = path
        .split('/')
        .filter(|segment| !segment.is_empty() && *segment != "cgi-bin")
        .collect();
    let start = segments.len().saturating_sub(2);
    segments[start..].join("_")
}

/// `invoiceBizGetAuthData` → `get_auth_data`: snake_case without the family prefix.
pub fn guess_name(wechat_name: &str, path: &str, query: &[(String, String)]) -> String {
    let snake = snake_case(wechat_name);
    let trimmed = snake
        .strip_prefix("invoice_biz_")
        .or_else(|| snake.strip_prefix("invoice_"))
        .unwrap_or(&snake);
    if is_snake_case(trimmed) && trimmed.contains('_') {
        return trimmed.to_string();
    }
    let action = query
        .iter()
        .find(|(key, _)| key == "action")
        .map(|(_, value)| value.as_str());
    let last = path.rsplit('/').next().unwrap_or_default();
    let fallback = snake_case(action.unwrap_or(last));
    if is_snake_case(&fallback) {
        fallback
    } else if fallback.is_empty() {
        "new_endpoint".to_string()
    } else {
        format!("endpoint_{fallback}")
    }
}

/// The README group an invoice path belongs to.
pub fn guess_group(path: &str) -> &'static str {
    if path.contains("/nontax/") {
        "fiscal"
    } else if path.contains("/reimburse/") {
        "reimburser"
    } else if path.contains("title") {
        "title"
    } else if ["makeoutinvoice", "clearoutinvoice", "queryinvoceinfo"]
        .iter()
        .any(|p| path.contains(p))
    {
        "self_built"
    } else if path.contains("/platform/") || path.ends_with("/insert") {
        "platform"
    } else {
        "merchant"
    }
}

/// `invoiceBizGetAuthData` → `invoice_biz_get_auth_data`; `Content-Type` → `content_type`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            previous_lower = true;
        } else {
            out.push('_');
            previous_lower = false;
        }
    }
    let mut collapsed = String::new();
    for part in out.split('_').filter(|part| !part.is_empty()) {
        if !collapsed.is_empty() {
            collapsed.push('_');
        }
        collapsed.push_str(part);
    }
    collapsed
}

/// A Rust name for a wire name that cannot be one (`type` → `kind`), else `None`.
pub fn rust_name_for(wire: &str) -> Option<String> {
    if is_snake_case(wire) {
        return None;
    }
    if wire == "type" {
        return Some("kind".to_string());
    }
    if is_keyword(wire) {
        return Some(format!("{wire}_value"));
    }
    let snake = snake_case(wire);
    if is_snake_case(&snake) {
        Some(snake)
    } else {
        Some(format!("field_{}", snake.trim_matches('_')))
    }
}

/// The object of the examples each row belongs in, for rows the examples do not show at their
/// top level but inside exactly one top-level object (or array of objects) that no row names
/// (a table listing `name` flat while every example sends `{"tag": {"name": …}}`, or
/// `title` flat while it sends `{"articles": [{"title": …}]}`).
fn example_parents(rows: &[FieldRow], examples: &[&Json]) -> BTreeMap<String, String> {
    let mut parents = BTreeMap::new();
    let is_row = |key: &str| rows.iter().any(|row| row.name == key);
    for row in rows {
        if examples
            .iter()
            .any(|example| example.get(&row.name).is_some())
        {
            continue;
        }
        let mut holders: Vec<&str> = Vec::new();
        for example in examples {
            let Json::Object(entries) = example else {
                continue;
            };
            for (key, value) in entries {
                if !is_row(key)
                    && holder_item(value)
                        .and_then(|item| item.get(&row.name))
                        .is_some()
                    && !holders.contains(&key.as_str())
                {
                    holders.push(key);
                }
            }
        }
        if let [holder] = holders.as_slice() {
            parents.insert(row.name.clone(), (*holder).to_string());
        }
    }
    parents
}

/// The object an example value holds fields in: the value itself, or the first object of an
/// array.
fn holder_item(value: &Json) -> Option<&Json> {
    match value {
        Json::Object(_) => Some(value),
        Json::Array(items) => items.iter().find(|item| matches!(item, Json::Object(_))),
        _ => None,
    }
}

/// The fields of a side's rows, put inside the objects the examples nest them in
/// ([`example_parents`]), each such object said as a guess.
fn fields_as_examples_nest(
    rows: &[FieldRow],
    examples: &[&Json],
    request: bool,
    side: &str,
    guesses: &mut Vec<String>,
) -> Vec<DraftField> {
    let parents = example_parents(rows, examples);
    let flat = fields_with(rows, examples, &parents, request, side, guesses);
    if parents.is_empty() {
        return flat;
    }
    let mut out: Vec<DraftField> = Vec::new();
    for field in flat {
        let Some(parent) = parents.get(&field.name) else {
            out.push(field);
            continue;
        };
        let index = parent_index(&mut out, parent, examples, |what| {
            let guess = format!(
                "{side}: the table lists `{}` at the top level, but the examples put it inside the {what} `{parent}`: nested there (optional)",
                field.name
            );
            guesses.push(guess);
            format!("`{parent}`, the {what} the doc examples nest its fields in.")
        });
        if let Some(inner) = object_fields(&mut out[index].ty) {
            inner.push(field);
        }
    }
    out
}

/// The index in `out` of the field named `parent`. When no field has that name, one is added:
/// an optional object, or an array of objects when the examples show an array there. `made`
/// gets what it is (`object`, `array of objects`), says the guess and returns its description.
fn parent_index(
    out: &mut Vec<DraftField>,
    parent: &str,
    examples: &[&Json],
    made: impl FnOnce(&str) -> String,
) -> usize {
    if let Some(index) = out.iter().position(|f| f.name == parent) {
        return index;
    }
    let array = examples
        .iter()
        .any(|example| matches!(example.get(parent), Some(Json::Array(_))));
    let (ty, what) = if array {
        (
            DraftType::Array(Box::new(DraftType::Object(Vec::new()))),
            "array of objects",
        )
    } else {
        (DraftType::Object(Vec::new()), "object")
    };
    out.push(DraftField {
        name: parent.to_string(),
        ty,
        required: false,
        description: made(what),
        rust_name: rust_name_for(parent),
    });
    out.len() - 1
}

/// The fields of an object, or of an array's object items; `None` for any other type.
fn object_fields(ty: &mut DraftType) -> Option<&mut Vec<DraftField>> {
    match ty {
        DraftType::Array(item) => match item.as_mut() {
            DraftType::Object(inner) => Some(inner),
            _ => None,
        },
        DraftType::Object(inner) => Some(inner),
        _ => None,
    }
}

/// Rows named by a dotted path (`pic_file.media_id`) are fields of the object the path's first
/// part names: each is put inside that object (made, as an array of objects when the examples
/// show an array there, if no row names it), said as a guess.
fn nest_dotted(
    fields: Vec<DraftField>,
    examples: &[&Json],
    side: &str,
    guesses: &mut Vec<String>,
) -> Vec<DraftField> {
    let mut out: Vec<DraftField> = Vec::new();
    for mut field in fields {
        let Some((parent, child)) = field
            .name
            .split_once('.')
            .filter(|(parent, child)| !parent.is_empty() && !child.is_empty())
            .map(|(parent, child)| (parent.to_string(), child.to_string()))
        else {
            out.push(field);
            continue;
        };
        let index = parent_index(&mut out, &parent, examples, |what| {
            let guess = format!(
                "{side}: the table names `{}` by a dotted path: nested in the {what} `{parent}` (optional)",
                field.name
            );
            guesses.push(guess);
            format!("`{parent}`, the {what} the table's dotted names are in.")
        });
        match object_fields(&mut out[index].ty) {
            Some(inner) => {
                field.rust_name = rust_name_for(&child);
                field.name = child;
                inner.push(field);
            }
            None => out.push(field),
        }
    }
    out
}

fn fields(
    rows: &[FieldRow],
    examples: &[&Json],
    request: bool,
    side: &str,
    guesses: &mut Vec<String>,
) -> Vec<DraftField> {
    fields_with(rows, examples, &BTreeMap::new(), request, side, guesses)
}

fn fields_with(
    rows: &[FieldRow],
    examples: &[&Json],
    parents: &BTreeMap<String, String>,
    request: bool,
    side: &str,
    guesses: &mut Vec<String>,
) -> Vec<DraftField> {
    let mut seen = std::collections::BTreeSet::new();
    let mut unique = Vec::with_capacity(rows.len());
    for row in rows {
        if seen.insert(row.name.as_str()) {
            unique.push(row);
        } else {
            guesses.push(format!(
                "{side} field `{}` is listed twice on the page; the first row is kept",
                row.name
            ));
        }
    }
    unique
        .into_iter()
        .map(|row| {
            let sample = examples
                .iter()
                .find_map(|example| match parents.get(&row.name) {
                    Some(parent) => holder_item(example.get(parent)?)?.get(&row.name),
                    None => example.get(&row.name),
                });
            let path = format!("{side} field `{}`", row.name);
            let ty = match sample {
                Some(value) if row.doc_type.trim().is_empty() => {
                    guesses.push(format!(
                        "{path}: the table has no type column, so it is typed from the example"
                    ));
                    infer(value)
                }
                _ => map_type(&row.doc_type, sample, &path, guesses),
            };
            let ty = match ty {
                DraftType::Integer if says_fractional(&row.doc_type, &row.description) => {
                    guesses.push(format!(
                        "{path}: `{}` described as a fractional number (`{}`): taken as number",
                        row.doc_type,
                        row.description.trim()
                    ));
                    DraftType::Number
                }
                other => other,
            };
            let rust_name = rust_name_for(&row.name);
            if let Some(rust) = &rust_name {
                guesses.push(format!("{path} is not a Rust name: rust_name `{rust}`"));
            }
            let ty = match ty {
                DraftType::String if matches!(sample, Some(Json::Object(_))) => {
                    guesses.push(format!(
                        "{path}: the table says `{}` but the example sends an object: taken as an object (a string would be sent quoted)",
                        row.doc_type
                    ));
                    object_type(sample, &path, guesses)
                }
                DraftType::String if describes_object(&row.description) => {
                    guesses.push(format!(
                        "{path}: the table says `{}` but the description shows an object (`{{ … }}`): taken as an object",
                        row.doc_type
                    ));
                    object_type(sample, &path, guesses)
                }
                other => other,
            };
            // A response table's required column says what is always present on success.
            let mut required = row.required.unwrap_or(false);
            if request && required && either_or(&row.description) {
                guesses.push(format!(
                    "{path}: flagged required, but its description says to send it or another field instead, or not to send it in some case: optional"
                ));
                required = false;
            }
            if request && row.required.is_none() {
                guesses.push(format!(
                    "{path}: the table has no required column, so it is optional"
                ));
            }
            let description = if row.description.is_empty() {
                guesses.push(format!(
                    "{path} has no description on the page; describe it"
                ));
                format!("`{}` (no description on the doc page).", row.name)
            } else {
                row.description.clone()
            };
            DraftField {
                name: row.name.clone(),
                ty,
                required,
                description,
                rust_name,
            }
        })
        .collect()
}

/// Request rows whose name the examples spell otherwise only in case (`Wechatid` in the table of
/// a machine-translated page, `"wechatid"` in its example): JSON keys are case-sensitive and the
/// example is what is sent, so the example's spelling is kept, saying so.
fn example_spelling(
    rows: Vec<FieldRow>,
    examples: &[&Json],
    guesses: &mut Vec<String>,
) -> Vec<FieldRow> {
    let keys: Vec<&str> = examples
        .iter()
        .filter_map(|example| match example {
            Json::Object(entries) => Some(entries.iter().map(|(key, _)| key.as_str())),
            _ => None,
        })
        .flatten()
        .collect();
    let names: Vec<String> = rows.iter().map(|row| row.name.clone()).collect();
    rows.into_iter()
        .map(|mut row| {
            let spelled = keys.iter().find(|key| {
                **key != row.name
                    && key.eq_ignore_ascii_case(&row.name)
                    && !keys.contains(&row.name.as_str())
                    && !names.iter().any(|name| name == *key)
            });
            if let Some(key) = spelled {
                guesses.push(format!(
                    "request field `{}` is spelled `{key}` in the example, which is what is sent: named `{key}`",
                    row.name
                ));
                row.name = (*key).to_string();
            }
            row
        })
        .collect()
}

/// Whether a description says its field is one of two to send (`传这个则不用传 img_url`,
/// `you do not need to pass this img_url`, `二选一`, `either … or`) or need not be sent in some case (`当add_source=2时无需填写`, `当 action 是 get 时不需要此字段`).
fn either_or(description: &str) -> bool {
    let lower = description.to_lowercase();
    [
        "则不用传",
        "则无需传",
        "二选一",
        "either ",
        "时无需填写",
        "时无需传",
        "时不用传",
        "时可不填",
        "时可不传",
        // `当 action 是 get 时不需要此字段`.
        "时不需",
        // The English pages' wording of `传这个则不用传 …`.
        "do not need to pass",
        "without passing",
    ]
    .iter()
    .any(|phrase| lower.contains(phrase))
}

/// Whether a row typed `number` says its value has a fractional part (`浮点型`, `精确到小数点后6位`,
/// `floating-point`, `decimal`): a `number`, not an integer, whatever a whole-number example
/// shows (`0` is a valid float).
fn says_fractional(doc_type: &str, description: &str) -> bool {
    if !doc_type.trim().eq_ignore_ascii_case("number") {
        return false;
    }
    let lower = description.to_lowercase();
    ["浮点", "小数", "float", "decimal"]
        .iter()
        .any(|word| lower.contains(word))
}

/// Whether a description shows its value as a JSON object (`格式形如 { "key1": … }的object`).
fn describes_object(description: &str) -> bool {
    let lower = description.to_lowercase();
    lower.contains("{ \"") && lower.contains("object")
}

/// Maps a doc type word to a spec type, using the example value where the word is vague.
fn map_type(
    doc_type: &str,
    sample: Option<&Json>,
    path: &str,
    guesses: &mut Vec<String>,
) -> DraftType {
    let word = doc_type.trim().to_lowercase().replace(' ', "");
    // `string(20)`: a maximum length, not part of the type.
    let word = word.split('(').next().unwrap_or_default().to_string();
    // `Array.<Object>` (the JSDoc spelling of mini-program pages) is `array<object>`, and
    // `arrary` (sic, open-platform pages) is `array`.
    let word = word.replacen("arrary", "array", 1);
    let word = word.replacen("array.<", "array<", 1);
    // `String128`: a string of at most 128 bytes.
    let word = match word.strip_prefix("string") {
        Some(digits) if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) => {
            "string".to_string()
        }
        _ => word,
    };
    match word.as_str() {
        "string" | "str" => DraftType::String,
        "int" | "integer" | "long" | "int32" | "int64" | "uint32" | "uint64" => DraftType::Integer,
        "number" => match sample {
            Some(value) if value.is_integer() => DraftType::Integer,
            Some(Json::Number(_)) => DraftType::Number,
            _ => {
                guesses.push(format!(
                    "{path}: doc type `number` with no numeric example, taken as integer"
                ));
                DraftType::Integer
            }
        },
        "float" | "double" => DraftType::Number,
        "boolean" | "bool" => DraftType::Boolean,
        "formdata" | "form-data" | "file" | "buffer" => DraftType::File,
        "object" | "json" | "jsonobject" => match sample {
            // The page's own example sends a list of such objects: the wire form wins.
            Some(Json::Array(items)) if matches!(items.first(), Some(Json::Object(_))) => {
                guesses.push(format!(
                    "{path}: the table says `{doc_type}` but the example sends a list of objects: taken as an array of objects"
                ));
                DraftType::Array(Box::new(object_type(
                    items.first(),
                    &format!("{path}[]"),
                    guesses,
                )))
            }
            _ => object_type(sample, path, guesses),
        },
        "objarray" | "object[]" | "array<object>" | "jsonarray" | "objectarray" | "arrayobject" => {
            let item = match sample {
                Some(Json::Array(items)) => items.first(),
                _ => None,
            };
            DraftType::Array(Box::new(object_type(item, &format!("{path}[]"), guesses)))
        }
        "array<number>" | "array<integer>" | "array<int>" | "number[]" | "int[]"
        | "numberarray" => DraftType::Array(Box::new(match sample {
            Some(Json::Array(items)) => items.first().map_or(DraftType::Integer, infer),
            _ => DraftType::Integer,
        })),
        // `string array` (spaces removed above) is `array<string>`.
        "array" | "string[]" | "array<string>" | "list" | "stringarray" => match sample {
            Some(Json::Array(items)) if !items.is_empty() && word == "array" => {
                DraftType::Array(Box::new(infer(&items[0])))
            }
            _ => {
                if word == "array" {
                    guesses.push(format!(
                        "{path}: array items of unknown type, taken as string"
                    ));
                }
                DraftType::Array(Box::new(DraftType::String))
            }
        },
        other => {
            guesses.push(format!(
                "{path}: unknown doc type `{other}`, taken as string"
            ));
            DraftType::String
        }
    }
}

fn object_type(sample: Option<&Json>, path: &str, guesses: &mut Vec<String>) -> DraftType {
    match sample {
        Some(Json::Object(entries)) => {
            guesses.push(format!(
                "{path} is an object the page does not detail: its fields are inferred from the example; describe them"
            ));
            DraftType::Object(inferred_fields(entries))
        }
        _ => {
            guesses.push(format!(
                "{path} is an object whose fields are unknown (no example shows it): add them under `fields:`"
            ));
            DraftType::Object(Vec::new())
        }
    }
}

fn inferred_fields(entries: &[(String, Json)]) -> Vec<DraftField> {
    entries
        .iter()
        .map(|(name, value)| DraftField {
            name: name.clone(),
            ty: infer(value),
            required: false,
            description: format!("`{name}`, inferred from the doc example."),
            rust_name: rust_name_for(name),
        })
        .collect()
}

/// The spec type of an example value.
fn infer(value: &Json) -> DraftType {
    match value {
        Json::Bool(_) => DraftType::Boolean,
        Json::Number(_) if value.is_integer() => DraftType::Integer,
        Json::Number(_) => DraftType::Number,
        Json::Object(entries) => DraftType::Object(inferred_fields(entries)),
        Json::Array(items) => {
            DraftType::Array(Box::new(items.first().map_or(DraftType::String, infer)))
        }
        Json::Null | Json::String(_) => DraftType::String,
    }
}

/// Fills objects (and arrays of objects) whose fields a `Body.x Object Payload` section lists.
///
/// A table titled by a field's name alone (`keywordEnumValueList 的结构`, read as
/// `Res.keywordEnumValueList`) belongs to the nested field of that name when the side has no
/// top-level field so named (`top`): mini-program pages title a table of a field inside an
/// array's items by the field's name only.
/// The nested sections of one side and that side's top-level field names, for [`nest`].
#[derive(Clone, Copy)]
struct SideTables<'a> {
    nested: &'a [NestedTable],
    side: Side,
    top: &'a [String],
}

fn nest(
    fields: &mut [DraftField],
    tables: &SideTables,
    examples: &[&Json],
    prefix: &[String],
    owner: &str,
    guesses: &mut Vec<String>,
) {
    let SideTables { nested, side, top } = *tables;
    for field in fields.iter_mut() {
        // The examples' values of this field, or of its first object item.
        let inner_examples: Vec<&Json> = examples
            .iter()
            .filter_map(|example| holder_item(example.get(&field.name)?))
            .collect();
        let mut path = prefix.to_vec();
        path.push(field.name.clone());
        let by_name = |table: &&NestedTable| {
            !prefix.is_empty()
                && table.path.len() == 1
                && table.path[0] == field.name
                && !top.contains(&field.name)
        };
        let Some(table) = nested
            .iter()
            .filter(|table| table.side == side)
            .find(|table| table.path == path)
            .or_else(|| nested.iter().filter(|t| t.side == side).find(by_name))
        else {
            continue;
        };
        // The label `fields` gave this field; its guess that the fields are unknown is void now.
        let label = format!("{owner} field `{}`", field.name);
        guesses.retain(|guess| {
            !(guess.starts_with(&format!("{label} is an object"))
                || guess.starts_with(&format!("{label}[] is an object")))
        });
        let rows = restore_garbled(&table.rows, &inner_examples, &label, guesses);
        let mut inner = fields_of_rows(&rows, side == Side::Request, &label, guesses);
        nest(&mut inner, tables, &inner_examples, &path, &label, guesses);
        let target = match &mut field.ty {
            DraftType::Array(item) => item.as_mut(),
            other => other,
        };
        *target = DraftType::Object(inner);
        guesses.push(format!(
            "{label}: fields from the page's `{}` section",
            table.heading
        ));
    }
}

/// Rows whose name a machine translation garbled (`初始值_time`: the head of the word replaced by
/// `初始值`, "initial value") take the name of the one example key at their level that ends
/// with the same tail (`create_time`) and that no other row names; with no such single key the
/// row is left out. Either way it is said.
fn restore_garbled(
    rows: &[FieldRow],
    examples: &[&Json],
    side: &str,
    guesses: &mut Vec<String>,
) -> Vec<FieldRow> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(tail) = row.name.strip_prefix(GARBLED_HEAD) else {
            out.push(row.clone());
            continue;
        };
        let mut keys: Vec<&String> = examples
            .iter()
            .filter_map(|example| match example {
                Json::Object(entries) => Some(entries.iter().map(|(key, _)| key)),
                _ => None,
            })
            .flatten()
            .filter(|key| {
                key.len() > tail.len()
                    && key.to_lowercase().ends_with(&tail.to_lowercase())
                    && !rows
                        .iter()
                        .any(|other| other.name.eq_ignore_ascii_case(key))
            })
            .collect();
        keys.sort();
        keys.dedup();
        match keys.as_slice() {
            [key] => {
                guesses.push(format!(
                    "{side} row `{}` is garbled by the page's translation; the example's `{key}` ends the same way: named `{key}`",
                    row.name
                ));
                out.push(FieldRow {
                    name: (*key).clone(),
                    ..row.clone()
                });
            }
            _ => guesses.push(format!(
                "{side} row `{}` is garbled by the page's translation and no single example key ends with `{tail}`: left out",
                row.name
            )),
        }
    }
    out
}

/// Rows of a nested section as fields (no example values to refine their types).
fn fields_of_rows(
    rows: &[FieldRow],
    request: bool,
    label: &str,
    guesses: &mut Vec<String>,
) -> Vec<DraftField> {
    fields(rows, &[], request, label, guesses)
}

/// When the page's table says there are no fields (`无`) but its examples show some, the
/// example's top-level keys become optional fields typed from their values.
/// A copy that ends inside the request table lists only the fields before the cut: the keys
/// the request example sends that the table did not reach are added, typed from the example,
/// optional, saying so.
fn beyond_cut_table(fields: &mut Vec<DraftField>, examples: &[&Json], guesses: &mut Vec<String>) {
    let Some(Json::Object(entries)) = examples.first() else {
        return;
    };
    let missing: Vec<(String, Json)> = entries
        .iter()
        .filter(|(key, _)| {
            !fields
                .iter()
                .any(|field| field.name.eq_ignore_ascii_case(key))
                && !is_credential(key)
        })
        .cloned()
        .collect();
    if missing.is_empty() {
        return;
    }
    let names: Vec<String> = missing.iter().map(|(k, _)| format!("`{k}`")).collect();
    guesses.push(format!(
        "request: the copy ends inside the parameter table; its example also sends {}: typed from the example, optional; check them against the whole page",
        names.join(", ")
    ));
    fields.extend(inferred_fields(&missing));
}

fn from_example(
    fields: &mut Vec<DraftField>,
    examples: &[&Json],
    side: &str,
    guesses: &mut Vec<String>,
) {
    if !fields.is_empty() {
        return;
    }
    let Some(Json::Object(entries)) = examples.first() else {
        return;
    };
    let entries: Vec<(String, Json)> = entries
        .iter()
        .filter(|(key, _)| key != "errcode" && key != "errmsg")
        .cloned()
        .collect();
    if entries.is_empty() {
        return;
    }
    let names: Vec<String> = entries.iter().map(|(k, _)| format!("`{k}`")).collect();
    guesses.push(format!(
        "{side}: the page lists no fields but its example has {}: typed from the example, optional; describe them",
        names.join(", ")
    ));
    fields.extend(inferred_fields(&entries));
}

fn examples(page_examples: &[PageExample], body: &str) -> Vec<DraftExample> {
    page_examples
        .iter()
        .filter_map(|example| {
            let response = example.response.clone()?;
            Some((example.request.clone(), response))
        })
        .enumerate()
        .map(|(index, (request, response))| {
            let code = response
                .get("errcode")
                .and_then(|code| code.to_value().as_i64())
                .unwrap_or(0);
            let name = match (code, index) {
                (0, 0) => "doc example".to_string(),
                (0, n) => format!("doc example {}", n + 1),
                (code, _) => format!("error {code}"),
            };
            let request = if body == "none" {
                None
            } else {
                Some(request.unwrap_or(Json::Object(Vec::new())))
            };
            DraftExample {
                name,
                request,
                response,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_interface_name() {
        assert_eq!(
            guess_name("invoiceBizGetAuthData", "/card/invoice/getauthdata", &[]),
            "get_auth_data"
        );
        assert_eq!(
            guess_name("invoiceRejectInsert", "/card/invoice/rejectinsert", &[]),
            "reject_insert"
        );
        let query = [("action".to_string(), "set_auth_field".to_string())];
        assert_eq!(
            guess_name("setbizattr", "/card/invoice/setbizattr", &query),
            "set_auth_field"
        );
    }

    #[test]
    fn groups_follow_the_path() {
        assert_eq!(guess_group("/nontax/getbillauthurl"), "fiscal");
        assert_eq!(
            guess_group("/card/invoice/reimburse/getinvoiceinfo"),
            "reimburser"
        );
        assert_eq!(guess_group("/card/invoice/insert"), "platform");
        assert_eq!(guess_group("/card/invoice/getauthdata"), "merchant");
    }

    #[test]
    fn rust_names_only_where_needed() {
        assert_eq!(rust_name_for("order_id"), None);
        assert_eq!(rust_name_for("type").as_deref(), Some("kind"));
        assert_eq!(rust_name_for("fn").as_deref(), Some("fn_value"));
        assert_eq!(rust_name_for("cardId").as_deref(), Some("card_id"));
    }

    #[test]
    fn array_types_spelled_with_their_items_keep_them() {
        let mut guesses = Vec::new();
        let templates = Json::parse(r#"[{"title": "t", "type": 2}]"#).expect("json");
        let DraftType::Array(item) =
            map_type("Array.<Object>", Some(&templates), "f", &mut guesses)
        else {
            panic!("not an array")
        };
        assert!(matches!(*item, DraftType::Object(ref fields) if fields.len() == 2));
        assert_eq!(
            map_type("Array.<string>", None, "f", &mut guesses),
            DraftType::Array(Box::new(DraftType::String))
        );
        assert_eq!(
            map_type("array<number>", None, "f", &mut guesses),
            DraftType::Array(Box::new(DraftType::Integer))
        );
        assert!(
            guesses.iter().all(|g| !g.contains("unknown doc type")),
            "{guesses:?}"
        );
    }

    #[test]
    fn a_number_described_as_fractional_is_a_number() {
        assert!(says_fractional("number", "人均停留时长 (浮点型,单位:秒)"));
        assert!(says_fractional(
            "number",
            "经度(火星坐标或百度坐标,和 coordinate_type 字段配合使用,确到小数点后6位"
        ));
        assert!(says_fractional(
            "Number",
            "Average visit depth (floating-point type)"
        ));
        assert!(!says_fractional("number", "打开次数"));
        assert!(!says_fractional("string", "金额,浮点数的字符串"));
        let rows = [FieldRow {
            name: "lng".to_string(),
            doc_type: "number".to_string(),
            required: None,
            description: "经度,精确到小数点后6位".to_string(),
        }];
        let mut guesses = Vec::new();
        let drafted = fields(&rows, &[], true, "request", &mut guesses);
        assert_eq!(drafted[0].ty, DraftType::Number);
        assert!(
            guesses.iter().any(|g| g.contains("fractional number")),
            "{guesses:?}"
        );
    }

    #[test]
    fn number_becomes_integer_unless_the_example_has_a_fraction() {
        let mut guesses = Vec::new();
        let whole = Json::parse("1480342498").expect("json");
        let fraction = Json::parse("1.5").expect("json");
        assert_eq!(
            map_type("number", Some(&whole), "f", &mut guesses),
            DraftType::Integer
        );
        assert_eq!(
            map_type("number", Some(&fraction), "f", &mut guesses),
            DraftType::Number
        );
        assert!(guesses.is_empty());
        assert_eq!(
            map_type("number", None, "f", &mut guesses),
            DraftType::Integer
        );
        assert_eq!(guesses.len(), 1);
    }

    #[test]
    fn a_table_titled_by_a_nested_fields_name_fills_that_field() {
        let row = |name: &str, doc_type: &str| FieldRow {
            name: name.to_string(),
            doc_type: doc_type.to_string(),
            required: None,
            description: "d".to_string(),
        };
        let table = |path: &[&str], rows: Vec<FieldRow>| NestedTable {
            side: Side::Response,
            path: path.iter().map(|s| s.to_string()).collect(),
            heading: format!("{} 的结构", path.join(".")),
            rows,
        };
        // `data 的结构` lists `keywordEnumValueList`; `keywordEnumValueList 的结构` its fields.
        let nested = [
            table(
                &["data"],
                vec![
                    row("title", "string"),
                    row("keywordEnumValueList", "Array.<Object>"),
                ],
            ),
            table(
                &["keywordEnumValueList"],
                vec![row("keywordCode", "string")],
            ),
        ];
        let mut guesses = Vec::new();
        let mut response = fields(
            &[row("data", "Array.<Object>")],
            &[],
            false,
            "response",
            &mut guesses,
        );
        let top = vec!["data".to_string()];
        nest(
            &mut response,
            &SideTables {
                nested: &nested,
                side: Side::Response,
                top: &top,
            },
            &[],
            &[],
            "response",
            &mut guesses,
        );
        let DraftType::Array(item) = &response[0].ty else {
            panic!("not an array: {:?}", response[0].ty)
        };
        let DraftType::Object(template) = item.as_ref() else {
            panic!("not an object: {item:?}")
        };
        let DraftType::Array(keyword) = &template[1].ty else {
            panic!("not an array: {:?}", template[1].ty)
        };
        let DraftType::Object(keyword) = keyword.as_ref() else {
            panic!("not an object: {keyword:?}")
        };
        assert_eq!(keyword[0].name, "keywordCode");
        // A top-level field of that name keeps the table for itself.
        let mut response = fields(
            &[row("data", "object"), row("keywordEnumValueList", "object")],
            &[],
            false,
            "response",
            &mut guesses,
        );
        let top = vec!["data".to_string(), "keywordEnumValueList".to_string()];
        nest(
            &mut response,
            &SideTables {
                nested: &nested,
                side: Side::Response,
                top: &top,
            },
            &[],
            &[],
            "response",
            &mut guesses,
        );
        let DraftType::Object(data) = &response[0].ty else {
            panic!("not an object")
        };
        assert_eq!(
            data[1].ty,
            DraftType::Array(Box::new(DraftType::Object(Vec::new())))
        );
        assert!(matches!(&response[1].ty, DraftType::Object(inner) if inner.len() == 1));
    }

    #[test]
    fn rows_the_examples_nest_are_put_in_their_object() {
        let row = |name: &str| FieldRow {
            name: name.to_string(),
            doc_type: String::new(),
            required: None,
            description: "d".to_string(),
        };
        let example = Json::parse(r#"{"tag": {"id": 134, "name": "Guangdong"}}"#).expect("json");
        let mut guesses = Vec::new();
        let fields = fields_as_examples_nest(
            &[row("id"), row("name")],
            &[&example],
            false,
            "response",
            &mut guesses,
        );
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].name, "tag");
        let DraftType::Object(inner) = &fields[0].ty else {
            panic!("not an object: {:?}", fields[0].ty);
        };
        assert_eq!(inner[0].name, "id");
        assert_eq!(inner[0].ty, DraftType::Integer);
        assert_eq!(inner[1].ty, DraftType::String);
        assert!(
            guesses
                .iter()
                .any(|g| g.contains("inside the object `tag`"))
        );
        // A row the example shows at the top level stays there.
        let top = Json::parse(r#"{"id": 1, "tag": {"id": 2}}"#).expect("json");
        assert!(example_parents(&[row("id")], &[&top]).is_empty());
    }

    #[test]
    fn rows_the_examples_nest_in_an_array_are_put_in_its_items() {
        let row = |name: &str, doc_type: &str| FieldRow {
            name: name.to_string(),
            doc_type: doc_type.to_string(),
            required: Some(true),
            description: "d".to_string(),
        };
        let example =
            Json::parse("{\"articles\": [{\"title\": TITLE, \"show\": 1}]}").expect("json");
        let mut guesses = Vec::new();
        let fields = fields_as_examples_nest(
            &[row("title", "string"), row("show", "Uint32")],
            &[&example],
            true,
            "request",
            &mut guesses,
        );
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].name, "articles");
        assert!(!fields[0].required);
        let DraftType::Array(item) = &fields[0].ty else {
            panic!("not an array: {:?}", fields[0].ty);
        };
        let DraftType::Object(inner) = item.as_ref() else {
            panic!("items are not objects: {item:?}");
        };
        let read: Vec<(&str, &DraftType, bool)> = inner
            .iter()
            .map(|f| (f.name.as_str(), &f.ty, f.required))
            .collect();
        assert_eq!(
            read,
            [
                ("title", &DraftType::String, true),
                ("show", &DraftType::Integer, true)
            ]
        );
        assert!(
            guesses
                .iter()
                .any(|g| g.contains("inside the array of objects `articles`")),
            "{guesses:?}"
        );
    }

    #[test]
    fn a_call_the_page_does_not_name_is_named_from_two_path_segments() {
        assert_eq!(path_name("/cgi-bin/tags/create"), "tags_create");
        assert_eq!(path_name("/cgi-bin/shorturl"), "shorturl");
        assert_eq!(path_name("/wxa/msg_sec_check"), "wxa_msg_sec_check");
        assert_eq!(path_name("/"), "");
        assert_eq!(
            guess_name(&path_name("/cgi-bin/tags/get"), "/cgi-bin/tags/get", &[]),
            "tags_get"
        );
        assert_eq!(guess_name(&path_name("/"), "/", &[]), "new_endpoint");
    }

    #[test]
    fn either_or_fields_and_objects_described_in_strings() {
        assert!(either_or("要检测的图片 url,传这个则不用传 img 参数。"));
        assert!(either_or(
            "用户openid,当add_source=2时无需填写(不发送物流服务通知)"
        ));
        assert!(either_or(
            "Form-data in the media file identification, filename, filelength, content-type and other information, you do not need to pass this img_url."
        ));
        assert!(either_or(
            "To detect the image url, pass this without passing the img parameter."
        ));
        assert!(!either_or("订单标签id,非平台型小程序必填"));
        assert!(!either_or("接收者(用户)的 openid"));
        assert!(describes_object(
            r#"模板内容,格式形如 { "key1": { "value": any } }的object"#
        ));
        assert!(!describes_object("object id as a string"));
    }

    #[test]
    fn objects_take_their_fields_from_the_example() {
        let mut guesses = Vec::new();
        let sample = Json::parse(r#"{"show_title": 1, "tags": ["a"]}"#).expect("json");
        let DraftType::Object(fields) = map_type("object", Some(&sample), "f", &mut guesses) else {
            panic!("not an object")
        };
        assert_eq!(fields[0].ty, DraftType::Integer);
        assert_eq!(fields[1].ty, DraftType::Array(Box::new(DraftType::String)));
        assert_eq!(guesses.len(), 1);
    }

    /// The draft of a page's text, as `import` builds it.
    fn draft_of(text: &str) -> Draft {
        draft_and_guesses(text).0
    }

    /// The draft and the guesses said while building it.
    fn draft_and_guesses(text: &str) -> (Draft, Vec<String>) {
        let mut guesses = Vec::new();
        let draft = build(&super::super::page::read(text), None, &mut guesses).expect("draft");
        (draft, guesses)
    }

    #[test]
    fn the_token_is_the_one_the_call_line_or_a_table_names_else_none() {
        let table = "# 请求参数\n| 参数名 | 类型 | 必填 | 说明 |\n|---|---|---|---|\n";
        let page = |call: &str, rows: &str| format!("# T\n{call}\n{table}{rows}");
        let cases = [
            (
                "POST https://api.weixin.qq.com/wxa/a?access_token=T",
                "",
                "access_token",
            ),
            (
                "POST https://api.weixin.qq.com/wxa/a?authorizer_access_token=T",
                "",
                "access_token",
            ),
            (
                "POST https://api.weixin.qq.com/cgi-bin/component/api_query_auth?component_access_token=T",
                "",
                "component_access_token",
            ),
            (
                "POST https://api.weixin.qq.com/cgi-bin/stable_token",
                "",
                "none",
            ),
            (
                "POST https://api.weixin.qq.com/wxa/a",
                "| access_token | string | 是 | 接口调用凭证 |\n",
                "access_token",
            ),
        ];
        for (call, rows, token) in cases {
            let rows = format!("{rows}| appid | string | 是 | 账号 |\n");
            let (draft, guesses) = draft_and_guesses(&page(call, &rows));
            assert_eq!(draft.token, token, "{call}");
            assert_eq!(draft.request.len(), 1, "the token is never a field: {call}");
            let said = guesses.iter().any(|guess| guess.starts_with("auth.token:"));
            assert_eq!(
                said,
                !call.contains("token="),
                "a token not on the call line is said: {call}"
            );
        }
    }

    #[test]
    fn a_get_listing_body_parameters_has_no_body() {
        // The new server-API pages list a GET's parameters under `请求体 Request Payload`.
        let text = "https://developers.weixin.qq.com/x.html\n# T\n# HTTPS 调用\nGET https://api.weixin.qq.com/wxa/getpaidunionid?access_token=ACCESS_TOKEN\n# 请求体 Request Payload\n| 参数名 | 类型 | 必填 | 说明 |\n|---|---|---|---|\n| openid | string | 是 | 支付用户唯一标识 |\n# 返回参数\n| 参数名 | 类型 | 说明 |\n|---|---|---|\n| unionid | string | 用户唯一标识 |\n";
        let draft = draft_of(text);
        assert_eq!(draft.method, "GET");
        assert_eq!(draft.body, "none");
        assert_eq!(draft.request[0].name, "openid");
        assert!(draft.request[0].required);
    }

    #[test]
    fn a_post_with_query_parameters_only_has_no_body_and_a_sole_value_is_fixed() {
        let text = "https://developers.weixin.qq.com/x.html\n# T\n# 请求地址\nPOST https://api.weixin.qq.com/wxa/business/getuserencryptkey?access_token=ACCESS_TOKEN&openid=OPENID&sig_method=hmac_sha256\n# 请求参数 - Query\n属性 | 类型 | 默认值 | 必填 | 说明 |\n---|---|---|---|---|\naccess_token | string | 是 | 接口调用凭证 | |\nopenid | string | 是 | 用户的 openid | |\nsig_method | string | 是 | 签名方法,只支持 hmac_sha256 |\n# 返回值\n属性 | 类型 | 说明 |\n---|---|---|\nerrcode | number | 错误码 |\n";
        let draft = draft_of(text);
        assert_eq!(draft.body, "none");
        assert!(draft.request.is_empty(), "{:?}", draft.request);
        assert_eq!(
            draft.query,
            [("sig_method".to_string(), "hmac_sha256".to_string())]
        );
    }

    #[test]
    fn a_sole_supported_value_is_read_only_when_nothing_else_follows() {
        assert_eq!(
            only_value("签名方法,只支持 hmac_sha256").as_deref(),
            Some("hmac_sha256")
        );
        assert_eq!(
            only_value("Signature type; only supports md5.").as_deref(),
            Some("md5")
        );
        assert_eq!(only_value("只支持 md5 和 sha1"), None);
        assert_eq!(only_value("最大1024个字符,只支持数字,大小写英文"), None);
        assert_eq!(only_value("签名方法"), None);
    }

    #[test]
    fn dotted_row_names_are_fields_of_the_object_they_name() {
        let text = "https://developers.weixin.qq.com/x.html\n# 上传图片\n# 接口调用请求说明\nhttp请求方式:POST\nhttps://api.weixin.qq.com/product/img/upload?access_token=xxxxxxxxx\n# 回包参数说明\n参数 | 类型 | 说明 |\n---|---|---|\nerrcode | number | 错误码 |\npic_file.media_id | number | media_id |\npic_file.pay_media_id | string | 支付media_id |\n";
        let draft = draft_of(text);
        assert_eq!(draft.response.len(), 1, "{:?}", draft.response);
        assert_eq!(draft.response[0].name, "pic_file");
        let DraftType::Object(fields) = &draft.response[0].ty else {
            panic!("not an object: {:?}", draft.response[0].ty)
        };
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["media_id", "pay_media_id"]);
        assert_eq!(fields[0].ty, DraftType::Integer);
        assert_eq!(fields[1].ty, DraftType::String);
    }

    #[test]
    fn a_curl_data_example_sending_a_list_makes_an_object_row_an_array_of_objects() {
        // The table types `kv_list` `Object`; the page's `curl -d '…'` example sends a list.
        let text = "# T\nPOST https://api.weixin.qq.com/wxa/set?access_token=T\n# 请求参数 - Body\n属性 | 类型 | 默认值 | 必填 | 说明 |\n---|---|---|---|---|\nkv_list | Object | 是 | 要上报的数据 |\nkv_list 的结构\n属性 | 类型 | 默认值 | 必填 | 说明 |\n---|---|---|---|---|\nkey | string | 是 | 数据的 key | |\n# 示例代码\ncurl -d '{\"kv_list\":[{\"key\":\"score\"}]}' 'https://api.weixin.qq.com/wxa/set?access_token=T'\n";
        let draft = draft_of(text);
        assert_eq!(draft.request[0].name, "kv_list");
        let DraftType::Array(item) = &draft.request[0].ty else {
            panic!("not an array: {:?}", draft.request[0].ty)
        };
        let DraftType::Object(fields) = item.as_ref() else {
            panic!("not an object: {item:?}")
        };
        assert_eq!(fields[0].name, "key");
        assert!(fields[0].required);
        // Without such an example the table's `Object` stays an object.
        let text = text
            .replace("# 示例代码", "# 其他")
            .replace("curl -d", "text");
        let draft = draft_of(&text);
        assert!(matches!(draft.request[0].ty, DraftType::Object(_)));
    }

    #[test]
    fn a_sample_writing_the_call_in_full_gives_its_query_and_keeps_the_later_tables() {
        let text = "https://developers.weixin.qq.com/x.html\n# 获取代码\n# 1. 调用方式\nPOST https://api.weixin.qq.com/wxa/operationams?access_token=ACCESS_TOKEN\n# 2. 请求参数\n# 请求体 Request Payload\n| 参数名 | 类型 | 必填 | 说明 |\n|---|---|---|---|\n| ad_unit_id | string | 是 | 广告单元ID |\n# 5. 代码示例\n请求示例\nPOST https://api.weixin.qq.com/wxa/operationams?action=agency_get_adunit_code&access_token=xxx\n{\n\"ad_unit_id\": \"adunit-1\"\n}\n# 6. 错误码\n| 错误码 | 错误描述 | 解决方案 |\n|---|---|---|\n| 1700 | 参数错误 | 检验输入参数 |\n";
        let draft = draft_of(text);
        assert_eq!(
            draft.query,
            [("action".to_string(), "agency_get_adunit_code".to_string())]
        );
        assert_eq!(draft.errors, [1700]);
    }

    #[test]
    fn a_page_saying_multipart_form_data_sends_a_multipart_body() {
        let text = "https://developers.weixin.qq.com/x.html\n# 上传\n# 注意事项\n- Content-Type 需要指定为multipart/form-data; boundary=<delimiter>\n# 调用方式\nPOST https://api.weixin.qq.com/wxa/sec/vod/singlefileupload?access_token=ACCESS_TOKEN\n# 请求参数\n属性 | 类型 | 必填 | 说明 |\n---|---|---|---|\nmedia_name | string | 是 | 文件名 |\n";
        assert_eq!(draft_of(text).body, "multipart");
    }

    #[test]
    fn an_error_tables_success_row_is_not_an_error_code() {
        let text = "# T\nGET https://api.weixin.qq.com/wxa/list?access_token=T\n# 返回参数\n| 属性 | 类型 | 说明 |\n|---|---|---|\n| total | number | 总数 |\n# 错误码\n| 错误码 | 错误信息 | 说明 |\n|---|---|---|\n| 0 | ok | 正常 |\n| 92000 | 已添加 | 请勿重复添加 |\n";
        assert_eq!(draft_of(text).errors, [92000]);
    }

    #[test]
    fn string_arrays_and_sized_strings_are_read() {
        let mut guesses = Vec::new();
        assert_eq!(
            map_type("string array", None, "f", &mut guesses),
            DraftType::Array(Box::new(DraftType::String))
        );
        assert_eq!(
            map_type("number array", None, "f", &mut guesses),
            DraftType::Array(Box::new(DraftType::Integer))
        );
        assert_eq!(
            map_type("String128", None, "f", &mut guesses),
            DraftType::String
        );
        assert_eq!(
            map_type("Uint64", None, "f", &mut guesses),
            DraftType::Integer
        );
        assert!(guesses.is_empty(), "{guesses:?}");
    }

    #[test]
    fn a_field_not_needed_in_some_case_is_optional() {
        assert!(either_or(
            "request 合法域名;当 action 是 get 时不需要此字段"
        ));
        // Cut off in the phrase.
        assert!(either_or("tcp 合法域名;当 action 是 get 时不需"));
        assert!(!either_or("request 合法域名"));
    }

    #[test]
    fn a_table_name_the_example_spells_otherwise_in_case_takes_the_examples_spelling() {
        let text = "# T\nPOST https://api.weixin.qq.com/wxa/bind_tester?access_token=T\n# Request parameters\nattribute | type | Required | Introductions |\n---|---|---|---|\nWechatid | string | yes | WeChat account |\n# Sample Request Data\n{\n  \"wechatid\": \"tests\"\n}\n";
        let draft = draft_of(text);
        let names: Vec<&str> = draft.request.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["wechatid"]);
        assert!(draft.request[0].required);
    }

    #[test]
    fn a_row_typed_string_that_the_example_sends_as_an_object_is_an_object() {
        let text = "# T\nPOST https://api.weixin.qq.com/wxa/servicemarket?access_token=T\n# 请求参数\n属性 类型 说明\nservice string 服务 ID\ndata string 服务提供方接口定义的 JSON 格式的数据\n# 请求数据示例\n{\n  \"service\" : \"wx79\",\n  \"data\" : { \"img_url\": \"http://x\", \"data_type\": 3 }\n}\n";
        let draft = draft_of(text);
        assert_eq!(draft.request[0].ty, DraftType::String);
        assert!(matches!(draft.request[1].ty, DraftType::Object(_)));
        // A string the example sends as a string stays one.
        let text = text.replace("{ \"img_url\": \"http://x\", \"data_type\": 3 }", "\"{}\"");
        assert_eq!(draft_of(&text).request[1].ty, DraftType::String);
    }

    #[test]
    fn a_row_name_garbled_by_translation_takes_the_examples_key_with_its_tail() {
        let text = "# T\nGET https://api.weixin.qq.com/wxa/list?access_token=T\n# Return parameters\nattribute typeIntroductions\ndraft_list array Draft Box Information\nattribute type Introductions\n初始值_time number Upload Timestamp\nuser_desc string Version Description\n# Return Data Example\n{\n  \"errcode\": 0,\n  \"draft_list\": [\n    {\n      \"create_time\": 1488965944,\n      \"user_Desc\": \"AAS\"\n    }\n  ]\n}\n";
        let draft = draft_of(text);
        let DraftType::Array(item) = &draft.response[0].ty else {
            panic!("{:?}", draft.response)
        };
        let DraftType::Object(fields) = item.as_ref() else {
            panic!("{item:?}")
        };
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["create_time", "user_desc"]);
        assert_eq!(fields[0].ty, DraftType::Integer);
        // With no example key ending so, the garbled row is left out, never named `初始值_…`.
        let text = text.replace("create_time", "made_at");
        let draft = draft_of(&text);
        let DraftType::Array(item) = &draft.response[0].ty else {
            panic!("{:?}", draft.response)
        };
        let DraftType::Object(fields) = item.as_ref() else {
            panic!("{item:?}")
        };
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["user_desc"]);
    }

    #[test]
    fn a_placeholder_whose_description_says_fill_in_a_value_is_fixed_in_the_query() {
        assert_eq!(
            only_value("填写为 authorization_code").as_deref(),
            Some("authorization_code")
        );
        assert_eq!(only_value("固定为 jsapi。").as_deref(), Some("jsapi"));
        assert_eq!(only_value("填写为 a 或 b").as_deref(), None);
        let text = "# T\nGET https://api.weixin.qq.com/sns/oauth2/access_token?appid=APPID&code=CODE&grant_type=GRANT_TYPE\n# 查询参数 Query String parameters\n参数名 | 类型 | 必填 | 示例 | 说明 |\n---|---|---|---|---|\nappid | string | 是 | wx520c | 公众号的唯一标识 |\ncode | string | 是 | - | 填写第一步获取的 code 参数 |\ngrant_type | string | 是 | authorization_code | 填写为 authorization_code |\n";
        let draft = draft_of(text);
        assert_eq!(
            draft.query,
            [("grant_type".to_string(), "authorization_code".to_string())]
        );
    }

    #[test]
    fn a_value_the_description_says_to_enter_is_fixed_in_the_query() {
        assert_eq!(
            only_value("Authorization type. You only need to enter the authorization_code here")
                .as_deref(),
            Some("authorization_code")
        );
        assert_eq!(
            only_value("授权类型,此处只需填写 authorization_code").as_deref(),
            Some("authorization_code")
        );
        let text = "# T\nGET https://api.weixin.qq.com/sns/jscode2session?appid=APPID&js_code=JSCODE&grant_type=authorization_code\n# 请求Parameter\nproperty type default value optional description version\nappid string yes Mini Program appId\njs_code string yes The code acquired at login\ngrant_type string yes Authorization type. You only need to enter the authorization_code here\n";
        let draft = draft_of(text);
        assert!(draft.request.is_empty(), "{:?}", draft.request);
        assert_eq!(
            draft.query,
            [("grant_type".to_string(), "authorization_code".to_string())]
        );
    }

    #[test]
    fn a_copy_cut_off_in_the_request_table_takes_the_rest_from_the_example() {
        let text = "https://developers.weixin.qq.com/x.html\nAPI Request Format\nHTTP request method: POST (use the HTTPS protocol) https://api.weixin.qq.com/shakearound/device/applyid?access_token=ACCESS_TOKENPOST data format: jsonPOST data example:{ \"quantity\":3, \"comment\":\"Test\", \"poi_id\":1234 }\nParameters\nParameter Required Description\naccess_token Yes The credential\nquantity Yes The number of device IDs.\ncomment No Remarks, with a maximum length of 15 Chinese characters (30 English ";
        let draft = draft_of(text);
        let names: Vec<&str> = draft.request.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["quantity", "comment", "poi_id"]);
        assert_eq!(draft.request[0].ty, DraftType::Integer);
        assert!(draft.request[0].required);
        assert_eq!(draft.request[2].ty, DraftType::Integer);
        assert!(!draft.request[2].required);
        // With the answer's section after the table, the table is whole: nothing is added.
        let text = format!("{text}\nResponse\n{{ \"errcode\": 0 }}\n");
        let names: Vec<String> = draft_of(&text)
            .request
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(names, ["quantity", "comment"]);
    }

    #[test]
    fn a_post_with_an_empty_body_section_sends_no_body() {
        let text = "# T\n# HTTPS 调用\nPOST https://api.weixin.qq.com/cgi-bin/account/getaccountbasicinfo?access_token=T\n# 查询参数 Query String parameters\n| 参数名 | 类型 | 必填 | 说明 |\n|---|---|---|---|\n| access_token | string | 是 | 凭证 |\n# 请求体 Request Payload\n\n# 返回参数\n| 参数名 | 类型 | 说明 |\n|---|---|---|\n| appid | string | 账号 appid |\n";
        assert_eq!(draft_of(text).body, "none");
    }

    #[test]
    fn a_misspelled_array_of_objects_is_an_array_of_objects() {
        let mut guesses = Vec::new();
        for word in ["arrary object", "array object"] {
            assert!(
                matches!(
                    map_type(word, None, "f", &mut guesses),
                    DraftType::Array(item) if matches!(*item, DraftType::Object(_))
                ),
                "{word}"
            );
        }
    }
}
