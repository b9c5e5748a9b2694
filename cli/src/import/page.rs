//! A WeChat doc page as users copy it (Chinese or English, Markdown or flattened text), read
//! into what the spec needs: names, route, permission sets, tables, examples, account types.

use super::json::Json;
use super::table::{self, ErrorRow, FieldRow};

/// What a section of the page holds, told by its heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    /// Before the first numbered section: boilerplate, the English name, the description.
    Preamble,
    /// The HTTPS call line.
    Call,
    /// Third-party platform support and permission sets.
    ThirdParty,
    /// Request parameters (body, unless a subsection says otherwise).
    Request,
    /// Query-string parameters (`access_token`): not part of the request body.
    Query,
    /// The request body.
    RequestBody,
    /// Response parameters.
    Response,
    /// Caveats.
    Notes,
    /// Request and response examples.
    Examples,
    /// Error codes.
    Errors,
    /// Account types that may call the endpoint.
    Scope,
    /// `# Body.card_ext Object Payload`: the fields of a nested object of the request or
    /// the response.
    Nested,
    /// Anything else.
    Other,
}

/// Which side of the call a nested payload section describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The request body.
    Request,
    /// The response.
    Response,
}

/// The table of a `Body.x.y Object Payload` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NestedTable {
    /// Request or response.
    pub side: Side,
    /// The field path below the body (`["card_ext", "base_info"]`), `[]` removed.
    pub path: Vec<String>,
    /// The heading as printed.
    pub heading: String,
    /// The object's field rows.
    pub rows: Vec<FieldRow>,
}

/// One section: its heading and the lines under it.
#[derive(Debug, Clone)]
pub struct Section {
    /// What it holds.
    pub kind: SectionKind,
    /// The heading text, numbering and `#` removed.
    pub heading: String,
    /// The lines under the heading.
    pub lines: Vec<String>,
}

/// A doc example: the request shown (if any) and the response.
#[derive(Debug, Clone, PartialEq)]
pub struct PageExample {
    /// The request body.
    pub request: Option<Json>,
    /// The response body.
    pub response: Option<Json>,
}

/// The HTTP call line: `POST https://api.weixin.qq.com/card/invoice/getauthdata?access_token=…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallLine {
    /// `GET` or `POST`.
    pub method: String,
    /// The path, from the first `/` after the host.
    pub path: String,
    /// Query parameters other than the credential, in written order.
    pub query: Vec<(String, String)>,
    /// The credential's query key when the line carries one (`access_token`,
    /// `component_access_token`, `authorizer_access_token`).
    pub token: Option<String>,
}

/// A `Valid values of type` table: the parameter's name and each value with its description.
pub type ValidValues = (String, Vec<(String, String)>);

/// Everything read from a page.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The first heading.
    pub title: Option<String>,
    /// `Interface English name:` / `接口英文名：`.
    pub wechat_name: Option<String>,
    /// The preamble's own text, boilerplate removed.
    pub description: Vec<String>,
    /// A `developers.weixin.qq.com` address found on the page.
    pub doc_url: Option<String>,
    /// The call line.
    pub call: Option<CallLine>,
    /// Every distinct call line, in page order (several when the page documents several
    /// `action`s of one path).
    pub calls: Vec<CallLine>,
    /// Third-party permission sets.
    pub permission_sets: Vec<u32>,
    /// Request body rows.
    pub request: Vec<FieldRow>,
    /// Response rows.
    pub response: Vec<FieldRow>,
    /// Error-code rows.
    pub errors: Vec<ErrorRow>,
    /// Examples, paired in order.
    pub examples: Vec<PageExample>,
    /// Account types (spec spelling), in the spec's order.
    pub account_types: Vec<&'static str>,
    /// The notes section's text, unless it says there is nothing to note.
    pub notes: Vec<String>,
    /// Tables of nested objects (`Body.x Object Payload` sections).
    pub nested: Vec<NestedTable>,
    /// Multipart file parts shown by a `curl -F 'name=@file'` line.
    pub file_parts: Vec<String>,
    /// Whether the page says the body is `multipart/form-data` (`Content-Type 需要指定为
    /// multipart/form-data`), in its notes or anywhere else.
    pub multipart_stated: bool,
    /// What could not be read.
    pub warnings: Vec<String>,
    /// What was read by a guess (a call line pieced together, an old-style layout).
    pub guesses: Vec<String>,
    /// `Valid values of type` tables: the parameter and its values with their descriptions.
    pub valid_values: Vec<ValidValues>,
    /// Names of the credential rows the parameter tables listed (and that are not fields).
    pub credential_rows: Vec<String>,
    /// Rows of the query-string table (credentials removed).
    pub query_rows: Vec<FieldRow>,
    /// The parts of the page for its later calls, each read alone, when each call has tables
    /// of its own (the page's own tables are then those of its first call only).
    pub later_calls: Vec<Page>,
    /// Whether the copy ends inside the request table (the last section read is the request's,
    /// with rows): the table's list of fields may be incomplete.
    pub request_cut: bool,
    /// Whether the page has a request-body section (`# 请求体 Request Payload`) holding no
    /// table row at all: the call sends no body.
    pub empty_body_section: bool,
}

/// Account type names as pages print them, with the spec's spelling.
const ACCOUNT_TYPES: [(&str, &str); 14] = [
    ("official account", "official_account"),
    ("subscription account", "official_account"),
    ("公众号", "official_account"),
    ("订阅号", "official_account"),
    ("service account", "service_account"),
    ("服务号", "service_account"),
    ("mini program", "mini_program"),
    ("小程序", "mini_program"),
    ("mobile app", "mobile_app"),
    ("移动应用", "mobile_app"),
    ("website app", "website_app"),
    ("web app", "website_app"),
    ("网站应用", "website_app"),
    ("网页应用", "website_app"),
];

/// The spec's order of account types.
const ACCOUNT_ORDER: [&str; 5] = [
    "official_account",
    "service_account",
    "mini_program",
    "mobile_app",
    "website_app",
];

/// Lines that every page carries and that describe nothing.
const BOILERPLATE: [&str; 8] = [
    "debugging tools",
    "调试工具",
    "server side",
    "服务器端调用",
    "服务端调用",
    "no special",
    "无特殊",
    "没有特殊",
];

/// Reads a page. A page documenting several endpoints under numbered titles
/// (`# 1 获取授权页ticket`, `# 2 获取授权页链接`, or plain `1. Creating Tags` lines) is read up to
/// its second endpoint, and the endpoints left out are said in the warnings ([`read_all`]
/// reads each).
pub fn read(text: &str) -> Page {
    let (text, stated) = stated_method(text);
    let mut page = read_parts(&text);
    page.guesses.extend(stated);
    page
}

fn read_parts(text: &str) -> Page {
    let parts = endpoint_parts(text);
    if parts.len() < 2 {
        return read_one(text);
    }
    let lines: Vec<&str> = text.lines().collect();
    let first_end = parts[1].1;
    let mut page = read_one(&lines[..first_end].join("\n"));
    let titles: Vec<String> = parts
        .iter()
        .map(|(title, _)| format!("`{title}`"))
        .collect();
    let mut skipped = Vec::new();
    for (index, (title, start)) in parts.iter().enumerate().skip(1) {
        let end = parts.get(index + 1).map_or(lines.len(), |part| part.1);
        let part = &lines[*start..end];
        let calls: Vec<String> = part
            .iter()
            .enumerate()
            .filter_map(|(index, line)| {
                let around = &part[index.saturating_sub(2)..(index + 3).min(part.len())];
                call_line(line).or_else(|| call_of(line, around))
            })
            .map(|call| format!("{} {}", call.method, call.path))
            .collect();
        skipped.push(if calls.is_empty() {
            format!("`{title}` (no call line in its part: the copy may be cut off in it)")
        } else {
            format!("`{title}` ({})", calls.join(", "))
        });
    }
    page.warnings.push(format!(
        "the page documents {} endpoints ({}); imported the first, `{}`; skipped {} — import the page without --name to write one file per endpoint",
        parts.len(),
        titles.join(", "),
        parts[0].0,
        skipped.join(", ")
    ));
    page
}

/// Every endpoint a page documents, each read from its own part of the page (the first part
/// also holds what comes before the first numbered title). A part without the page's address
/// takes the page's, and each part's guesses say which part it is. A page of one endpoint
/// gives one page, as [`read`] does.
pub fn read_all(text: &str) -> Vec<(Option<String>, Page)> {
    let (text, stated) = stated_method(text);
    let mut pages = read_all_parts(&text);
    for (_, page) in &mut pages {
        page.guesses.extend(stated.iter().cloned());
    }
    pages
}

fn read_all_parts(text: &str) -> Vec<(Option<String>, Page)> {
    let parts = endpoint_parts(text);
    if parts.len() < 2 {
        return vec![(None, read_one(text))];
    }
    let lines: Vec<&str> = text.lines().collect();
    let url = first_line_url(text);
    parts
        .iter()
        .enumerate()
        .map(|(index, (title, start))| {
            let begin = if index == 0 { 0 } else { *start };
            let end = parts.get(index + 1).map_or(lines.len(), |next| next.1);
            let mut page = read_one(&lines[begin..end].join("\n"));
            if page.doc_url.is_none() {
                page.doc_url.clone_from(&url);
            }
            page.guesses.push(format!(
                "the page documents {} endpoints; this file is endpoint {} of them, `{title}`, read from its part of the page only",
                parts.len(),
                index + 1
            ));
            (Some(title.clone()), page)
        })
        .collect()
}

/// The numbered top-level headings that each start an endpoint's part of the page
/// (`# 1 获取授权页ticket`): their titles and line indexes, when there are two or more.
fn endpoint_parts(text: &str) -> Vec<(String, usize)> {
    let parts: Vec<(String, usize)> = text
        .lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let trimmed = line.trim();
            let after = trimmed.strip_prefix('#')?.trim_start_matches('#').trim();
            if !after.starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            let heading = heading_text(line)?;
            (kind_of(&heading) == SectionKind::Other && !heading.is_empty())
                .then(|| (after.to_string(), index))
        })
        .collect();
    let parts = parts_with_calls(text, parts);
    if parts.len() >= 2 {
        return parts;
    }
    plain_endpoint_parts(text)
}

/// The numbered headings that begin an endpoint's part, from the first whose part holds a call
/// line on: a table of contents (`# 2.2 申请二维码接口` lines with nothing under them) and the
/// introductory parts before the first call (`# 1. 业务流程`) begin none. Later parts are kept
/// even without a call line (a copy may be cut off in one).
fn parts_with_calls(text: &str, parts: Vec<(String, usize)>) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut kept: Vec<(String, usize)> = Vec::new();
    for (position, (title, start)) in parts.iter().enumerate() {
        let end = parts.get(position + 1).map_or(lines.len(), |next| next.1);
        let part = &lines[start + 1..end];
        if part.iter().all(|line| line.trim().is_empty()) {
            continue;
        }
        let has_call = (0..part.len()).any(|index| call_at(part, index).is_some());
        if has_call || !kept.is_empty() {
            kept.push((title.clone(), *start));
        }
    }
    kept
}

/// A page whose addresses stand without a method (`API:https://api.weixin.qq.com/intp/…`) and
/// that says once which method every call uses (`提交方式:采用POST方法提交`): the text with that
/// method written before each such address, and the guess saying so.
fn stated_method(text: &str) -> (String, Option<String>) {
    let lines: Vec<&str> = text.lines().collect();
    let statements: Vec<(&str, &str)> = lines
        .iter()
        .filter(|line| !line.contains("api.weixin.qq.com"))
        .filter_map(|line| {
            let lower = line.to_lowercase();
            let names = [
                "提交方式",
                "请求方式",
                "调用方式",
                "方法提交",
                "request method",
            ]
            .iter()
            .any(|word| lower.contains(word));
            let words: Vec<&str> = line
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|word| *word == "GET" || *word == "POST")
                .collect();
            match words.as_slice() {
                [method] if names => Some((*method, line.trim())),
                _ => None,
            }
        })
        .collect();
    let [(method, statement)] = statements.as_slice() else {
        return (text.to_string(), None);
    };
    let mut changed = false;
    let out: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            let Some(start) = line.find("https://api.weixin.qq.com") else {
                return line.to_string();
            };
            // An address with its own method (on its line, or named next to it otherwise than
            // by the statement) keeps it; one inside an example or a quote is not a call.
            let around = &lines[index.saturating_sub(2)..(index + 3).min(lines.len())];
            let own = call_line(line).is_some()
                || call_of(line, around).is_some_and(|call| call.method != *method);
            if own || line[..start].contains(['{', '"', '\'']) {
                return line.to_string();
            }
            changed = true;
            format!("{method} {}", &line[start..])
        })
        .collect();
    if !changed {
        return (text.to_string(), None);
    }
    let guess = format!(
        "the page's addresses name no method; `{statement}` says every call is a {method}, so each is read as one"
    );
    (out.join("\n"), Some(guess))
}

/// On a page without `#` headings, numbered plain lines (`1. Creating Tags`,
/// `2. Obtaining the Official Account's Created Tags`) that each begin a part holding a call
/// line: their titles and line indexes, when there are two or more.
fn plain_endpoint_parts(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let titles: Vec<(String, usize)> = lines
        .iter()
        .enumerate()
        .filter_map(|(index, line)| {
            let trimmed = line.trim();
            let digits = trimmed
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(trimmed.len());
            if digits == 0 || trimmed.chars().count() > 80 || trimmed.contains('|') {
                return None;
            }
            // `1. Creating Tags`, `2.2申请二维码接口`, `2.3 查询二维码申请单接口`.
            let mut after = trimmed[digits..].strip_prefix(['.', '、'])?;
            while let Some(deeper) = after
                .strip_prefix(|c: char| c.is_ascii_digit())
                .map(|rest| rest.trim_start_matches(|c: char| c.is_ascii_digit()))
            {
                after = deeper.strip_prefix(['.', '、']).unwrap_or(deeper);
            }
            let after = after.trim();
            let starts_title = after
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || !c.is_ascii());
            (starts_title && plain_kind(after) == SectionKind::Other)
                .then(|| (trimmed.to_string(), index))
        })
        .collect();
    let parts: Vec<(String, usize)> = titles
        .iter()
        .enumerate()
        .filter(|(position, (_, start))| {
            let end = titles.get(position + 1).map_or(lines.len(), |next| next.1);
            let part = &lines[*start..end];
            part.iter().enumerate().any(|(index, line)| {
                let around = &part[index.saturating_sub(2)..(index + 3).min(part.len())];
                call_line(line).is_some() || call_of(line, around).is_some()
            })
        })
        .map(|(_, title)| title.clone())
        .collect();
    if parts.len() < 2 {
        return Vec::new();
    }
    parts
}

/// The call line at `index` of `lines`, written as a line or pieced together from prose.
fn call_at(lines: &[&str], index: usize) -> Option<CallLine> {
    let around = &lines[index.saturating_sub(2)..(index + 3).min(lines.len())];
    call_line(lines[index]).or_else(|| call_of(lines[index], around))
}

/// Where a page documenting several calls, each with tables of its own, passes from its first
/// call's part to the next: the index of the heading line that opens the section holding the
/// next call's line, when a parameter or response table's heading lies between the two calls.
/// Call lines listed together before shared tables do not split the page.
fn call_split(lines: &[&str]) -> Option<usize> {
    let mut first: Option<(usize, CallLine)> = None;
    for index in 0..lines.len() {
        let Some(call) = call_at(lines, index) else {
            continue;
        };
        let Some((start, first_call)) = &first else {
            first = Some((index, call));
            continue;
        };
        if call == *first_call || repeats_call(first_call, &call) {
            continue;
        }
        let heading = (*start + 1..index)
            .rev()
            .find(|&line| heading_text(lines[line]).is_some())?;
        let tables_between = lines[*start + 1..heading].iter().any(|line| {
            heading_text(line).is_some_and(|text| {
                matches!(
                    kind_of(&text),
                    SectionKind::Request
                        | SectionKind::RequestBody
                        | SectionKind::Query
                        | SectionKind::Response
                )
            })
        });
        return tables_between.then_some(heading);
    }
    None
}

/// Whether `later` is `first` written again in full, as a request sample writes it
/// (`POST …/wxa/operationams?action=agency_get_adunit_code&access_token=…` after the call line
/// `POST …/wxa/operationams?access_token=…`): the same method and path, every fixed query value
/// of `first` kept and at least one added.
pub(crate) fn repeats_call(first: &CallLine, later: &CallLine) -> bool {
    first.method == later.method
        && first.path == later.path
        && later.query.len() > first.query.len()
        && first.query.iter().all(|pair| later.query.contains(pair))
}

fn read_one(text: &str) -> Page {
    let lines: Vec<&str> = text.lines().collect();
    let Some(split) = call_split(&lines) else {
        return read_part(text);
    };
    let mut page = read_part(&lines[..split].join("\n"));
    let mut later = read_one(&lines[split..].join("\n"));
    page.guesses.push(format!(
        "the page documents several calls, each with tables of its own; the tables from `{}` on belong to a later call, so they are not this call's",
        lines[split].trim()
    ));
    for call in later
        .calls
        .iter()
        .chain(later.later_calls.iter().flat_map(|p| &p.calls))
    {
        if !page.calls.contains(call) {
            page.calls.push(call.clone());
        }
    }
    let mut parts = std::mem::take(&mut later.later_calls);
    later.doc_url = later.doc_url.or_else(|| page.doc_url.clone());
    later.wechat_name = later.wechat_name.or_else(|| page.wechat_name.clone());
    parts.insert(0, later);
    page.later_calls = parts;
    page
}

fn read_part(text: &str) -> Page {
    let mut valid_values = Vec::new();
    let text = &structure_headings(text);
    let text = &take_valid_values(text, &mut valid_values);
    let mut sections = sections(text);
    let mut guesses = Vec::new();
    let tables = |sections: &[Section]| {
        sections.iter().any(|section| {
            matches!(
                section.kind,
                SectionKind::Request
                    | SectionKind::RequestBody
                    | SectionKind::Response
                    | SectionKind::Examples
            )
        })
    };
    if !tables(&sections) {
        let plain = plain_sections(text);
        if tables(&plain) {
            let headings: Vec<String> = plain
                .iter()
                .filter(|section| section.kind != SectionKind::Other && !section.heading.is_empty())
                .map(|section| format!("`{}`", section.heading))
                .collect();
            guesses.push(format!(
                "the page has no `#` headings for its tables (an old-style page): these lines were read as section headings: {}",
                headings.join(", ")
            ));
            sections = plain;
        }
    }
    let mut page = Page {
        valid_values,
        guesses,
        title: sections
            .first()
            .filter(|section| !section.heading.is_empty())
            .map(|section| section.heading.clone()),
        ..Page::default()
    };
    page.doc_url = first_line_url(text);
    page.multipart_stated = text.to_lowercase().contains("multipart/form-data");
    let all_lines: Vec<&str> = text.lines().collect();
    for (index, line) in all_lines.iter().enumerate() {
        let line = *line;
        for part in curl_file_parts(line) {
            if !page.file_parts.contains(&part) {
                page.file_parts.push(part);
            }
        }
        let around = &all_lines[index.saturating_sub(2)..(index + 3).min(all_lines.len())];
        if let Some((label, json)) = inline_example(line) {
            add_example(&mut page, &label, json);
        }
        let call = call_line(line).or_else(|| {
            let call = call_of(line, around)?;
            page.guesses.push(format!(
                "the call `{} {}` is pieced together from the line `{}` and the method named near it",
                call.method,
                call.path,
                line.trim()
            ));
            Some(call)
        });
        if let Some(call) = &call
            && !page.calls.contains(call)
        {
            page.calls.push(call.clone());
        }
        if page.call.is_none() {
            page.call = call;
        }
        if page.wechat_name.is_none() {
            page.wechat_name = english_name(line).or_else(|| name_under_heading(&all_lines, index));
        }
        if page.doc_url.is_none() {
            page.doc_url = doc_url(line);
        }
    }
    // Old mini-program pages document the cloud-function form of the call after the HTTPS one
    // (`# Cloud Call`, `# 云调用`, then its own parameter and answer tables in camelCase): once
    // the HTTPS answer has been read, those tables are not this call's.
    let mut answered = false;
    let mut cloud = false;
    for section in &sections {
        let lower = section.heading.to_lowercase();
        if answered && !cloud && (lower.contains("云调用") || lower.contains("cloud call")) {
            cloud = true;
            page.guesses.push(format!(
                "the tables after `{}` describe the cloud-function form of the call: not read",
                section.heading
            ));
        }
        let table = matches!(
            section.kind,
            SectionKind::Request
                | SectionKind::RequestBody
                | SectionKind::Query
                | SectionKind::Response
                | SectionKind::Nested
        );
        if cloud && table {
            continue;
        }
        answered |= section.kind == SectionKind::Response;
        read_section(&mut page, section);
    }
    cut_off_signs(text, &sections, &mut page);
    page.request_cut = ends_in_request_table(&sections);
    drop_string_structures(&mut page);
    for line in &all_lines {
        for code in prose_error_codes(line) {
            if !page.errors.iter().any(|row| row.code == code) {
                page.guesses.push(format!(
                    "error {code} is named in the text (`{}`), not in an error table",
                    line.trim()
                ));
                page.errors.push(table::ErrorRow {
                    code,
                    errmsg: String::new(),
                    detail: line.trim().to_string(),
                });
            }
        }
    }
    page
}

/// Error codes a sentence names as this call's (`…则会出现 86074 报错`, `a 61040 error will
/// occur`): a number of five or more digits standing alone, followed by 报错, 错误 or `error`.
fn prose_error_codes(line: &str) -> Vec<i64> {
    let chars: Vec<char> = line.chars().collect();
    let mut codes = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        if !chars[index].is_ascii_digit() {
            index += 1;
            continue;
        }
        let start = index;
        while index < chars.len() && chars[index].is_ascii_digit() {
            index += 1;
        }
        let alone = start == 0 || !(chars[start - 1].is_alphanumeric() || chars[start - 1] == '_');
        let digits: String = chars[start..index].iter().collect();
        let rest: String = chars[index..].iter().collect();
        let rest = rest.trim_start();
        let named = ["报错", "错误", "error"]
            .iter()
            .any(|word| rest.to_lowercase().starts_with(word));
        if alone
            && digits.len() >= 5
            && named
            && let Ok(code) = digits.parse()
            && !codes.contains(&code)
        {
            codes.push(code);
        }
    }
    codes
}

/// Drops the structure tables of fields the page types `string` (`data string 地址列表的 JSON
/// 格式字符串` with a `data.data 的结构` table, and the tables under it): they describe the JSON
/// text the string holds, and on the wire the field is a string.
fn drop_string_structures(page: &mut Page) {
    let typed_string = |page: &Page, side: Side, path: &[String]| {
        let Some((last, parent)) = path.split_last() else {
            return false;
        };
        let rows = if parent.is_empty() {
            match side {
                Side::Request => &page.request,
                Side::Response => &page.response,
            }
        } else {
            match page
                .nested
                .iter()
                .find(|table| table.side == side && table.path == parent)
            {
                Some(table) => &table.rows,
                None => return false,
            }
        };
        rows.iter()
            .any(|row| row.name == *last && row.doc_type.trim().eq_ignore_ascii_case("string"))
    };
    let strings: Vec<(Side, Vec<String>, String)> = page
        .nested
        .iter()
        .filter(|table| typed_string(page, table.side, &table.path))
        .map(|table| (table.side, table.path.clone(), table.heading.clone()))
        .collect();
    for (side, path, heading) in strings {
        page.guesses.push(format!(
            "`{}` is typed string on the page, so the section `{heading}` (and any under it) is taken to describe the JSON text it holds: not read as fields",
            path.join(".")
        ));
        page.nested
            .retain(|table| !(table.side == side && table.path.starts_with(&path)));
    }
}

/// A call written as prose (`HTTP request mode: POST URL: https://api.weixin.qq.com/card/code/get?…`,
/// or `请求URL:https://…` with `请求方法:GET` or a bare `POST` line nearby): the API address on
/// `line` and the method named on it or on one of the `around` lines.
fn call_of(line: &str, around: &[&str]) -> Option<CallLine> {
    let start = line
        .find("https://api.weixin.qq.com")
        .or_else(|| line.find("http://api.weixin.qq.com"))?;
    let url: String = line[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | '`' | ')'))
        .collect();
    let method_in = |text: &str| {
        text.split(|c: char| !c.is_ascii_alphabetic())
            .find(|word| *word == "GET" || *word == "POST")
            .map(str::to_string)
    };
    let method = method_in(&line[..start]).or_else(|| {
        around.iter().find_map(|near| {
            let lower = near.to_lowercase();
            let names_method = ["方法", "方式", "method", "mode"]
                .iter()
                .any(|w| lower.contains(w));
            // A method alone on its line (under a `# 请求方式` heading, the URL under its own).
            let bare_method = matches!(near.trim(), "GET" | "POST");
            if (names_method || bare_method) && !near.contains("api.weixin.qq.com") {
                method_in(near)
            } else {
                None
            }
        })
    })?;
    call_line(&format!("{method} {url}"))
}

/// An example printed on the same line as its label, after a colon (old pages run the address,
/// the data format and the example together: `…?access_token=ACCESS_TOKENPOST data format:
/// jsonPOST data example:{ "quantity":3, … }`): the label and the JSON, when it reads.
fn inline_example(line: &str) -> Option<(String, Json)> {
    let lower = line.to_lowercase();
    let label_end = [
        "example:",
        "example：",
        "例子:",
        "例子：",
        "示例:",
        "示例：",
    ]
    .iter()
    .filter_map(|label| lower.find(label).map(|at| at + label.len()))
    .min()?;
    let rest = line.get(label_end..)?.trim_start();
    if !rest.starts_with('{') {
        return None;
    }
    let end = rest.rfind('}')?;
    let json = Json::parse(&rest[..=end]).ok()?;
    let label = line[..label_end].trim().to_string();
    Some((label, json))
}

/// Moves `Valid values of type` blocks (the line and the table after it) out of the text into
/// `found`, so that their tables are not read as parameter tables.
fn take_valid_values(text: &str, found: &mut Vec<ValidValues>) -> String {
    let mut out = Vec::new();
    // The block being read and how many of its table lines were seen.
    let mut current: Option<(ValidValues, usize)> = None;
    // Whether the block being read is a `|` table (its rows end at the first other line).
    let mut piped = false;
    for line in text.lines() {
        let trimmed = line.trim();
        let lower = trimmed.to_lowercase();
        // `errcode 's struct` (a machine translation): the structure of `errcode` can only be
        // its values.
        let errcode_struct = lower
            .strip_suffix("'s struct")
            .map(str::trim)
            .filter(|name| *name == "errcode");
        let named = lower
            .strip_prefix("valid values of ")
            .or_else(|| lower.strip_suffix("的合法值"))
            .map(str::trim)
            .or(errcode_struct)
            .filter(|name| is_field_path(name));
        if let Some(name) = named {
            if let Some(((name, values), _)) = current.take() {
                found.push((name, values));
            }
            piped = false;
            current = Some(((name.to_string(), Vec::new()), 0));
            out.push(String::new());
            continue;
        }
        // A copy without `|` (`0 请求成功`, one space between the cells): rows up to the first
        // blank line after them; the header line (`说明 最低版本`) names no value.
        if let Some(((_, values), rows)) = current.as_mut()
            && !piped
            && !trimmed.contains('|')
            && !(trimmed.is_empty() && *rows > 0)
        {
            if !trimmed.is_empty() {
                *rows += 1;
                let (value, meaning) = trimmed.split_once(' ').unwrap_or((trimmed, ""));
                let header = ["值", "说明", "value", "description"]
                    .iter()
                    .any(|word| value.eq_ignore_ascii_case(word));
                let value_like = value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
                if !value_like && !header {
                    if let Some(((name, values), _)) = current.take() {
                        found.push((name, values));
                    }
                    out.push(line.to_string());
                    continue;
                }
                if !header {
                    values.push((value.to_string(), meaning.trim().to_string()));
                }
            }
            out.push(String::new());
            continue;
        }
        if let Some(((_, values), rows)) = current.as_mut() {
            if trimmed.contains('|') {
                piped = true;
                *rows += 1;
                let cells: Vec<&str> = trimmed
                    .trim_matches('|')
                    .split('|')
                    .map(str::trim)
                    .collect();
                let separator = cells
                    .iter()
                    .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':')));
                if *rows > 1 && !separator && !cells[0].is_empty() {
                    values.push((
                        cells[0].to_string(),
                        cells.get(1).map_or(String::new(), |c| c.to_string()),
                    ));
                }
                out.push(String::new());
                continue;
            }
            if let Some(((name, values), _)) = current.take() {
                found.push((name, values));
            }
        }
        out.push(line.to_string());
    }
    if let Some(((name, values), _)) = current {
        found.push((name, values));
    }
    out.join("\n")
}

/// Rewrites the lines `cloud_base 的结构` (`# image 的结构`), which title the table of a nested
/// object on mini-program pages, as nested sections (`# Body.cloud_base Object Payload`, or
/// `Res.…` after the response's title), so that their rows are not read as top-level fields.
///
/// A table header right under a row typed object or array of objects, with no title between
/// them (`list array<object> 数据列表` then `属性 类型 说明`), starts the table of that row's
/// fields: a nested section is opened for it the same way, inside the nested section it is in.
fn structure_headings(text: &str) -> String {
    let mut side = "Body";
    let mut out = Vec::new();
    // The object whose table the lines are in (`[]` at the top level of a side).
    let mut inside: Vec<String> = Vec::new();
    let mut object_row: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim().trim_start_matches('#').trim();
        if trimmed.is_empty() {
            out.push(line.to_string());
            continue;
        }
        if let Some(name) = object_row
            .take()
            .filter(|_| table::is_table_header(trimmed))
        {
            inside.push(name);
            out.push(format!("# {side}.{} Object Payload", inside.join(".")));
            out.push(line.to_string());
            continue;
        }
        object_row = table::object_row_name(line);
        let named = trimmed
            .strip_suffix("的结构")
            .map(str::trim)
            .filter(|name| is_field_path(name));
        if let Some(name) = named {
            inside = vec![name.to_string()];
            out.push(format!("# {side}.{name} Object Payload"));
            continue;
        }
        if let Some(heading) = heading_text(line) {
            inside = nested_heading(&heading)
                .map(|(_, path)| path)
                .unwrap_or_default();
        }
        let title = heading_text(line).or_else(|| {
            (trimmed.chars().count() <= 40
                && !trimmed.contains('|')
                && !table::is_spaced_field_row(trimmed))
            .then(|| trimmed.to_string())
        });
        match title.as_deref().map(plain_kind) {
            Some(SectionKind::Request | SectionKind::RequestBody | SectionKind::Query) => {
                side = "Body";
            }
            Some(SectionKind::Response) => side = "Res",
            _ => {}
        }
        out.push(line.to_string());
    }
    out.join("\n")
}

/// The page's first non-empty line when it is a bare address (browser copies often start so).
fn first_line_url(text: &str) -> Option<String> {
    let first = text.lines().map(str::trim).find(|line| !line.is_empty())?;
    let url = first
        .trim_start_matches(['<', '('])
        .trim_end_matches(['>', ')']);
    let is_url = (url.starts_with("https://") || url.starts_with("http://"))
        && !url.contains(char::is_whitespace);
    is_url.then(|| url.to_string())
}

/// `curl -F 'pdf=@test.pdf' …` → `pdf`: the parts of a multipart upload that carry a file.
/// The JSON body of a `curl -d '{…}'` (or `--data`) line: the text between the quotes after the
/// flag, when it is a JSON object or array.
fn curl_data(line: &str) -> Option<String> {
    if !line.starts_with("curl") {
        return None;
    }
    let at = [" -d ", " --data ", " --data-raw "]
        .iter()
        .filter_map(|flag| line.find(flag).map(|at| at + flag.len()))
        .min()?;
    let rest = line[at..].trim_start();
    let quote = rest.chars().next().filter(|c| matches!(c, '\'' | '"'))?;
    let inner = &rest[1..];
    let end = inner.find(quote)?;
    let body = inner[..end].trim();
    (body.starts_with('{') || body.starts_with('[')).then(|| body.to_string())
}

fn curl_file_parts(line: &str) -> Vec<String> {
    if !line.contains("curl") && !line.trim_start().starts_with("-F") {
        return Vec::new();
    }
    let mut parts = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("-F") {
        rest = &rest[at + 2..];
        let arg = rest.trim_start().trim_start_matches(['\'', '"']);
        if let Some((name, value)) = arg.split_once('=')
            && value.starts_with('@')
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            parts.push(name.to_string());
        }
    }
    parts
}

/// Says when the copy looks cut off: a code block or JSON example never closed, or no
/// response or error-code section.
/// Whether the last section with text is a request table's and the page has no response
/// section after it: the copy ends inside the request table.
fn ends_in_request_table(sections: &[Section]) -> bool {
    let last = sections
        .iter()
        .rev()
        .find(|section| section.lines.iter().any(|line| !line.trim().is_empty()));
    let in_request = last.is_some_and(|section| {
        matches!(
            section.kind,
            SectionKind::Request | SectionKind::RequestBody
        )
    });
    in_request
        && !sections
            .iter()
            .any(|section| section.kind == SectionKind::Response)
}

fn cut_off_signs(text: &str, sections: &[Section], page: &mut Page) {
    let fences = text
        .lines()
        .filter(|line| line.trim_start().starts_with("```"))
        .count();
    if fences % 2 == 1 {
        page.warnings.push(
            "the page ends inside a code block: the copy looks cut off; copy the whole page"
                .to_string(),
        );
    }
    let has = |kind: SectionKind| sections.iter().any(|section| section.kind == kind);
    if !has(SectionKind::Response) {
        page.warnings.push(
            "the page has no response section (a cut-off copy?): response fields come from the examples only"
                .to_string(),
        );
    }
    if !has(SectionKind::Errors) {
        page.warnings.push(
            "the page has no error-code section (a cut-off copy?): no endpoint error codes listed"
                .to_string(),
        );
    }
    if !has(SectionKind::Examples) {
        page.warnings
            .push("the page has no examples section (a cut-off copy?)".to_string());
    }
}

/// `Body.card_ext.base_info Object Payload` → (request, `["card_ext", "base_info"]`).
fn nested_heading(heading: &str) -> Option<(Side, Vec<String>)> {
    let lower = heading.to_lowercase();
    if !(lower.contains("payload") || lower.contains("object") || heading.contains("对象")) {
        return None;
    }
    let word = heading.split_whitespace().next()?;
    // `Body.button(Array)Object`: the array's item object.
    let word = word.split('(').next().unwrap_or(word);
    let mut segments = word.split('.');
    let side = match segments.next()?.to_lowercase().as_str() {
        "body" | "req" | "request" => Side::Request,
        "res" | "resp" | "response" | "return" => Side::Response,
        _ => return None,
    };
    let path: Vec<String> = segments
        .map(|segment| segment.trim_end_matches("[]").to_string())
        .collect();
    let valid = !path.is_empty()
        && path.iter().all(|segment| {
            !segment.is_empty()
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    valid.then_some((side, path))
}

fn read_section(page: &mut Page, section: &Section) {
    match section.kind {
        SectionKind::Preamble => {
            page.description
                .extend(paragraphs(&section.lines).into_iter().filter(|p| {
                    english_name(p).is_none() && !is_boilerplate(p) && call_line(p).is_none()
                }))
        }
        SectionKind::ThirdParty | SectionKind::Call => {
            for line in &section.lines {
                page.permission_sets.extend(permission_sets(line));
            }
        }
        SectionKind::Request | SectionKind::RequestBody => {
            let mut lines = section.lines.clone();
            lines.retain(|line| {
                let pseudo = line
                    .trim()
                    .trim_start_matches('|')
                    .trim()
                    .to_lowercase()
                    .starts_with("post data");
                if pseudo && line.contains('|') {
                    page.guesses.push(format!(
                        "the row `{}` says the body is JSON; it is not a field",
                        line.trim()
                    ));
                }
                !(pseudo && line.contains('|'))
            });
            let rows = table::field_rows(&lines, &mut page.warnings);
            if section.kind == SectionKind::RequestBody
                && rows.is_empty()
                && section.lines.iter().all(|line| line.trim().is_empty())
            {
                page.empty_body_section = true;
            }
            let rows = without_credentials(rows, &mut page.credential_rows);
            page.request.extend(rows);
            // An old-style page may print its answer right after the parameters, under a line
            // too long to be a section title (`Response (example of the JSON packet …)`).
            if section
                .lines
                .iter()
                .any(|line| line.trim_start().starts_with('{'))
            {
                read_examples(page, section);
            }
        }
        SectionKind::Query => {
            let rows = table::field_rows(&section.lines, &mut page.warnings);
            let rows = without_credentials(rows, &mut page.credential_rows);
            page.query_rows.extend(rows);
        }
        SectionKind::Response => {
            let rows = table::field_rows(&section.lines, &mut page.warnings);
            // `errMsg`, `errCode` (camelCase on some pages) are the envelope too.
            page.response.extend(rows.into_iter().filter(|row| {
                !row.name.eq_ignore_ascii_case("errcode")
                    && !row.name.eq_ignore_ascii_case("errmsg")
            }));
            if section
                .lines
                .iter()
                .any(|line| line.trim_start().starts_with('{'))
            {
                read_examples(page, section);
            }
        }
        SectionKind::Errors => {
            page.errors
                .extend(table::error_rows(&section.lines, &mut page.warnings));
        }
        SectionKind::Examples => read_examples(page, section),
        SectionKind::Scope => {
            page.account_types = account_types(&section.lines, &page.account_types)
        }
        SectionKind::Notes => page.notes.extend(
            paragraphs(&section.lines)
                .into_iter()
                .filter(|p| !is_boilerplate(p)),
        ),
        SectionKind::Nested => {
            if let Some((side, path)) = nested_heading(&section.heading) {
                let rows = table::field_rows(&section.lines, &mut page.warnings);
                if rows.is_empty() {
                    page.warnings.push(format!(
                        "the section `{}` has no field rows I could read",
                        section.heading
                    ));
                }
                page.nested.push(NestedTable {
                    side,
                    path,
                    heading: section.heading.clone(),
                    rows,
                });
            }
        }
        SectionKind::Other => {}
    }
}

/// The rows that are fields: credential rows are left out, their names kept in `credentials`.
fn without_credentials(rows: Vec<FieldRow>, credentials: &mut Vec<String>) -> Vec<FieldRow> {
    let (credential, fields): (Vec<FieldRow>, Vec<FieldRow>) =
        rows.into_iter().partition(|row| is_credential(&row.name));
    credentials.extend(credential.into_iter().map(|row| row.name));
    fields
}

/// `access_token`, `authorizer_access_token`, `access_token / cloudbase_access_token`: the
/// credential the client adds, never a field, in any case (`access_Token`, `ACCESS_TOKEN` on
/// machine-translated pages).
pub fn is_credential(name: &str) -> bool {
    name.split(['/', ' '])
        .filter(|part| !part.is_empty())
        .all(|part| part.to_ascii_lowercase().ends_with("access_token"))
}

/// Sections of an old-style page whose section titles are plain lines (`返回结果`,
/// `Parameter explaination`, `POST data`): short lines that name a kind of section.
fn plain_sections(text: &str) -> Vec<Section> {
    let mut sections = vec![Section {
        kind: SectionKind::Preamble,
        heading: String::new(),
        lines: Vec::new(),
    }];
    for line in text.lines() {
        let trimmed = line.trim().trim_end_matches([':', '：']);
        let heading = heading_text(line).or_else(|| {
            // `数据格式:提交和返回数据JSON格式,数据格式如` goes on after a label that names no
            // section: a sentence, not a title (`POST data format: JSON POST data example` is one).
            let sentence = trimmed
                .split_once([':', '：'])
                .is_some_and(|(label, _)| plain_kind(label.trim()) == SectionKind::Other);
            let short = trimmed.chars().count() <= 40
                && !trimmed.contains('|')
                && !sentence
                && !table::is_spaced_field_row(trimmed)
                && !trimmed.contains("http")
                && !trimmed.starts_with(['{', '}', '"', '[', ']']);
            (short && !trimmed.is_empty() && plain_kind(trimmed) != SectionKind::Other)
                .then(|| trimmed.to_string())
        });
        match heading {
            Some(heading) => sections.push(Section {
                kind: plain_kind(&heading),
                heading,
                lines: Vec::new(),
            }),
            None => {
                if let Some(last) = sections.last_mut() {
                    last.lines.push(line.to_string());
                }
            }
        }
    }
    sections
}

fn plain_kind(heading: &str) -> SectionKind {
    let lower = heading.to_lowercase();
    if lower.starts_with("post data") {
        SectionKind::Examples
    } else if lower.starts_with("parameter expla")
        || lower.starts_with("parameter desc")
        || lower == "parameters"
        || heading.starts_with("参数说明")
    {
        SectionKind::Request
    } else {
        kind_of(heading)
    }
}

/// Splits the page at its headings (`#` lines, or short numbered lines naming a section).
pub fn sections(text: &str) -> Vec<Section> {
    let mut sections = vec![Section {
        kind: SectionKind::Preamble,
        heading: String::new(),
        lines: Vec::new(),
    }];
    let mut seen_title = false;
    for line in text.lines() {
        let Some(heading) = heading_text(line) else {
            if let Some(last) = sections.last_mut() {
                last.lines.push(line.to_string());
            }
            continue;
        };
        if !seen_title {
            seen_title = true;
            if let Some(first) = sections
                .first_mut()
                .filter(|first| first.lines.iter().all(|l| l.trim().is_empty()))
            {
                first.heading = heading;
                continue;
            }
        }
        let mut kind = kind_of(&heading);
        // `# Return Value` then `# Object`: the object is the response.
        if kind == SectionKind::Other
            && heading.eq_ignore_ascii_case("object")
            && sections
                .last()
                .is_some_and(|last| last.kind == SectionKind::Response)
        {
            kind = SectionKind::Response;
        }
        sections.push(Section {
            kind,
            heading,
            lines: Vec::new(),
        });
    }
    sections
}

/// The heading text of a `#` line (numbering removed), or `None` for other lines.
fn heading_text(line: &str) -> Option<String> {
    let trimmed = line.trim();
    if !trimmed.starts_with('#') {
        return None;
    }
    let text = trimmed.trim_start_matches('#').trim();
    let text = text
        .trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '.' | '、' | ')' | '）'));
    let text = text.trim_start_matches(|c: char| "一二三四五六七八九十".contains(c));
    Some(text.trim_start_matches(['、', '.', ' ']).trim().to_string())
}

fn kind_of(heading: &str) -> SectionKind {
    let lower = heading.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if nested_heading(heading).is_some() {
        SectionKind::Nested
    } else if has(&["example", "示例", "sample"]) {
        // `# Sample Request Data` (machine-translated pages) as well as `# 请求示例`.
        SectionKind::Examples
    } else if has(&["query", "查询参数", "url 参数", "url参数"]) {
        SectionKind::Query
    } else if has(&[
        "request body",
        "request payload",
        "请求体",
        "请求包体",
        "body 参数",
        "body参数",
    ]) {
        SectionKind::RequestBody
    } else if has(&["request param", "请求参数", "请求parameter"]) {
        SectionKind::Request
    } else if has(&["error code", "错误码", "返回码", "return code"])
        || matches!(lower.as_str(), "errors" | "error" | "错误")
    {
        SectionKind::Errors
    } else if has(&[
        "response",
        "return",
        "返回",
        "回包",
        "结果参数",
        "result param",
    ]) {
        SectionKind::Response
    } else if has(&["scope of application", "适用范围"]) {
        SectionKind::Scope
    } else if has(&["third party", "third-party", "第三方"]) {
        SectionKind::ThirdParty
    } else if has(&["note", "注意"]) {
        SectionKind::Notes
    } else if has(&["how to call", "https", "调用方式"]) {
        SectionKind::Call
    } else {
        SectionKind::Other
    }
}

/// Non-empty runs of lines joined with spaces, bullets removed.
fn paragraphs(lines: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in lines {
        let text = line.trim().trim_start_matches(['•', '·', '-', '*']).trim();
        if text.is_empty() {
            if !current.is_empty() {
                out.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(text);
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

fn is_boilerplate(text: &str) -> bool {
    let lower = text.to_lowercase();
    BOILERPLATE.iter().any(|phrase| lower.contains(phrase))
}

/// `# 接口英文名` with the name alone on the next non-empty line (`createQRCode`).
fn name_under_heading(lines: &[&str], index: usize) -> Option<String> {
    let heading = heading_text(lines[index])?;
    if !(heading.contains("英文名") || heading.to_lowercase().contains("english name")) {
        return None;
    }
    let next = lines[index + 1..]
        .iter()
        .map(|line| line.trim())
        .find(|line| !line.is_empty())?;
    let is_name = next.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && next.starts_with(|c: char| c.is_ascii_alphabetic());
    is_name.then(|| next.to_string())
}

/// `Interface English name: invoiceBizGetAuthData` / `接口英文名：invoiceBizGetAuthData`.
fn english_name(line: &str) -> Option<String> {
    let lower = line.to_lowercase();
    if !(lower.contains("english name") || line.contains("英文名")) {
        return None;
    }
    let after = line.rsplit([':', '：']).next()?.trim();
    let name: String = after
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

fn doc_url(line: &str) -> Option<String> {
    let start = line.find("https://developers.weixin.qq.com")?;
    let url: String = line[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ')' | '>' | '"' | '\''))
        .collect();
    Some(url)
}

/// Reads `POST https://api.weixin.qq.com/path?access_token=ACCESS_TOKEN&action=x`.
pub fn call_line(line: &str) -> Option<CallLine> {
    let trimmed = line.trim().trim_matches('`').trim();
    let (method, rest) = trimmed.split_once(char::is_whitespace)?;
    let method = method.to_ascii_uppercase();
    if method != "GET" && method != "POST" {
        return None;
    }
    let url = rest.trim();
    let after_scheme = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let path_start = after_scheme.find('/')?;
    let path_and_query = after_scheme[path_start..]
        .split_whitespace()
        .next()
        .unwrap_or_default();
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut token = None;
    let query = query
        .split('&')
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let credential = matches!(
                key,
                "access_token" | "component_access_token" | "authorizer_access_token"
            );
            if credential {
                token = Some(key.to_string());
            }
            (!key.is_empty() && !credential).then(|| (key.to_string(), value.to_string()))
        })
        .collect();
    Some(CallLine {
        method,
        path: path.to_string(),
        query,
        token,
    })
}

/// `The permission set to which this interface belongs is: 26` / `所属的权限集id为：26、35`.
fn permission_sets(line: &str) -> Vec<u32> {
    let lower = line.to_lowercase();
    if !(lower.contains("permission set") || line.contains("权限集")) {
        return Vec::new();
    }
    let Some(after) = line.split([':', '：']).nth(1) else {
        return Vec::new();
    };
    after
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|number| number.parse().ok())
        .collect()
}

/// Account types of the scope section: a Markdown table's ticked columns, or the names on
/// the section's lines (legend lines like `✔: The account can call…` excluded).
fn account_types(lines: &[String], known: &[&'static str]) -> Vec<&'static str> {
    let table: Vec<Vec<String>> = lines
        .iter()
        .map(|line| line.trim())
        .filter(|line| line.starts_with('|'))
        .map(|line| {
            line.trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().to_string())
                .collect()
        })
        .collect();
    let mut found: Vec<&'static str> = known.to_vec();
    if let Some((header, rows)) = table.split_first() {
        let data: Vec<&Vec<String>> = rows
            .iter()
            .filter(|row| {
                !row.iter()
                    .all(|cell| cell.chars().all(|c| matches!(c, '-' | ':' | ' ')))
            })
            .collect();
        for (index, name) in header.iter().enumerate() {
            let ticked = data.is_empty()
                || data.iter().any(|row| {
                    row.get(index).is_some_and(|cell| {
                        ["✔", "✓", "√", "是", "yes", "Yes"]
                            .iter()
                            .any(|t| cell.contains(t))
                    })
                });
            if ticked {
                found.extend(account_names(name));
            }
        }
    } else {
        for line in lines {
            if line.contains("✔:") || line.contains("✔：") {
                continue;
            }
            found.extend(account_names(line));
        }
    }
    ACCOUNT_ORDER
        .iter()
        .copied()
        .filter(|account| found.contains(account))
        .collect()
}

fn account_names(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    ACCOUNT_TYPES
        .iter()
        .filter(|(printed, _)| lower.contains(printed))
        .map(|(_, spec)| *spec)
        .collect()
}

/// Reads the JSON blocks of an examples section and pairs requests with responses.
fn read_examples(page: &mut Page, section: &Section) {
    let mut label = section.heading.clone();
    let mut lines = section.lines.iter().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim();
        let block = if trimmed.starts_with("```") {
            let mut text = String::new();
            for inner in lines.by_ref() {
                if inner.trim().starts_with("```") {
                    break;
                }
                text.push_str(inner);
                text.push('\n');
            }
            text
        } else if trimmed.starts_with('{') || trimmed.starts_with('[') {
            let mut text = format!("{line}\n");
            let mut depth = bracket_depth(line);
            while depth > 0 {
                let Some(inner) = lines.next() else { break };
                depth += bracket_depth(inner);
                text.push_str(inner);
                text.push('\n');
            }
            text
        } else if let Some(body) = curl_data(trimmed) {
            // `curl -d '{"kv_list":[…]}' 'https://…'`: the body sent is the request example.
            label = "request".to_string();
            body
        } else {
            if !trimmed.is_empty() {
                label = trimmed.to_string();
            }
            continue;
        };
        if block.trim().is_empty() {
            continue;
        }
        match Json::parse(&block) {
            Ok(json) => add_example(page, &label, json),
            Err(err) => match close_cut_json(&block) {
                Some(json) => {
                    page.warnings.push(format!(
                        "the example under `{label}` is cut off ({err}): read up to its last complete line, brackets closed"
                    ));
                    add_example(page, &label, json);
                }
                None => page.warnings.push(format!(
                    "skipped an example under `{label}` that is not JSON: {err}"
                )),
            },
        }
    }
}

fn add_example(page: &mut Page, label: &str, json: Json) {
    let lower = label.to_lowercase();
    let is_response = ["return", "response", "返回", "响应", "应答"]
        .iter()
        .any(|w| lower.contains(w))
        || json.get("errcode").is_some();
    let open = page
        .examples
        .last_mut()
        .filter(|example| example.response.is_none());
    match (is_response, open) {
        (true, Some(example)) => example.response = Some(json),
        (true, None) => page.examples.push(PageExample {
            request: None,
            response: Some(json),
        }),
        (false, _) => page.examples.push(PageExample {
            request: Some(json),
            response: None,
        }),
    }
}

/// A JSON example cut off part way (the page ends inside it), read up to its last complete
/// line with the open brackets closed; `None` when no prefix of it reads so.
fn close_cut_json(text: &str) -> Option<Json> {
    let lines: Vec<&str> = text.lines().collect();
    for keep in (1..=lines.len()).rev() {
        let head = lines[..keep].join("\n");
        let head = head.trim_end().trim_end_matches(',');
        let mut open = Vec::new();
        let mut in_string = false;
        let mut escaped = false;
        for c in head.chars() {
            if in_string {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            match c {
                '"' => in_string = true,
                '{' | '[' => open.push(c),
                '}' | ']' => {
                    open.pop();
                }
                _ => {}
            }
        }
        if open.is_empty() {
            continue;
        }
        let mut closed = head.to_string();
        // The page ends inside a string value (`"openid": "o6_b`): the value is kept as far as
        // it goes.
        if in_string {
            if keep < lines.len() || head.ends_with('\\') {
                continue;
            }
            closed.push('"');
        }
        for bracket in open.iter().rev() {
            closed.push(if *bracket == '{' { '}' } else { ']' });
        }
        if let Ok(json) = Json::parse(&closed) {
            return Some(json);
        }
    }
    None
}

/// Opening minus closing brackets on a line, outside strings.
fn bracket_depth(line: &str) -> i32 {
    let mut depth = 0;
    let mut in_string = false;
    let mut escaped = false;
    for c in line.chars() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// A field name or a dotted path of one (`tag`, `Body.card_ext`), as section titles name them.
fn is_field_path(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_lines_keep_fixed_query_but_not_the_token() {
        let call = call_line("POST https://api.weixin.qq.com/card/invoice/setbizattr?action=set_auth_field&access_token=ACCESS_TOKEN")
            .expect("a call line");
        assert_eq!(call.method, "POST");
        assert_eq!(call.path, "/card/invoice/setbizattr");
        assert_eq!(
            call.query,
            [("action".to_string(), "set_auth_field".to_string())]
        );
        assert_eq!(call_line("Postscript: nothing"), None);
    }

    #[test]
    fn a_method_alone_on_a_line_near_the_address_makes_a_call() {
        let page = read(
            "# 1.创建直播间\n# 请求方式\nPOST\n# 请求URL\nhttps://api.weixin.qq.com/wxaapi/broadcast/room/create?access_token=\n# 请",
        );
        let call = page.call.expect("a call");
        assert_eq!(call.method, "POST");
        assert_eq!(call.path, "/wxaapi/broadcast/room/create");
        assert!(call.query.is_empty(), "{:?}", call.query);
        // A method word inside a sentence is not a method line.
        let around = ["Use POST to send it", "https://api.weixin.qq.com/a/b"];
        assert_eq!(call_of(around[1], &around), None);
    }

    #[test]
    fn headings_lose_their_numbering() {
        assert_eq!(
            heading_text("# 2. Request parameters").as_deref(),
            Some("Request parameters")
        );
        assert_eq!(heading_text("## 二、请求参数").as_deref(), Some("请求参数"));
        assert_eq!(heading_text("order_id"), None);
    }

    #[test]
    fn section_kinds_follow_the_headings() {
        assert_eq!(
            kind_of("Query parametersQuery String parameters"),
            SectionKind::Query
        );
        assert_eq!(
            kind_of("Request BodyRequest Payload"),
            SectionKind::RequestBody
        );
        assert_eq!(kind_of("返回示例"), SectionKind::Examples);
        assert_eq!(kind_of("返回参数"), SectionKind::Response);
        assert_eq!(kind_of("错误码"), SectionKind::Errors);
    }

    #[test]
    fn a_section_titled_errors_alone_lists_the_codes() {
        assert_eq!(kind_of("Errors"), SectionKind::Errors);
        assert_eq!(kind_of("错误"), SectionKind::Errors);
        assert_eq!(kind_of("错误示例"), SectionKind::Examples);
        let page = read(
            "https://developers.weixin.qq.com/x.html\n# pluginManager.applyPlugin\n# Request Address\nPOST https://api.weixin.qq.com/wxa/plugin?access_token=TOKEN\n# Errors\nError Code | Error Message | Description |\n---|---|---|\n0 | ok | Normal |\n-1 | System error | |\n89236 | This plug-in is not available for application. | |\n",
        );
        let codes: Vec<i64> = page.errors.iter().map(|row| row.code).collect();
        assert_eq!(codes, [0, -1, 89236]);
    }

    #[test]
    fn permission_sets_are_read_after_the_colon() {
        assert_eq!(
            permission_sets("The permission set to which this interface belongs is: 26"),
            [26]
        );
        assert_eq!(permission_sets("该接口所属的权限集id为：26、35"), [26, 35]);
        assert!(permission_sets("no sets here: 1").is_empty());
    }

    #[test]
    fn account_types_from_lines_and_tables() {
        let lines: Vec<String> = [
            "Official Account Service Account",
            "  • ✔: The account can call this interface",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            account_types(&lines, &[]),
            ["official_account", "service_account"]
        );
        let table: Vec<String> = [
            "| 公众号 | 服务号 | 小程序 |",
            "| --- | --- | --- |",
            "| ✔ | ✔ | |",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            account_types(&table, &[]),
            ["official_account", "service_account"]
        );
    }

    #[test]
    fn an_interface_name_under_its_heading_is_read() {
        let page = read("# 接口英文名\ncreateQRCode\n# 功能描述\n");
        assert_eq!(page.wechat_name.as_deref(), Some("createQRCode"));
    }

    #[test]
    fn array_item_sections_name_their_array() {
        assert_eq!(
            nested_heading("Body.button(Array)Object Payload"),
            Some((Side::Request, vec!["button".to_string()]))
        );
    }

    #[test]
    fn calls_written_as_prose_are_pieced_together() {
        let call = call_of(
            "HTTP request mode: POST URL: https://api.weixin.qq.com/card/code/get?access_token=TOKEN",
            &[],
        )
        .expect("a call");
        assert_eq!(
            (call.method.as_str(), call.path.as_str()),
            ("POST", "/card/code/get")
        );
        let line = "请求URL:https://api.weixin.qq.com/cgi-bin/ticket/getticket?access_token=ACCESS_TOKEN&type=wx_card";
        let call = call_of(line, &[line, "请求方法:GET"]).expect("a call");
        assert_eq!(call.method, "GET");
        assert_eq!(call.query, [("type".to_string(), "wx_card".to_string())]);
        assert_eq!(call_of(line, &[line]), None, "no method, no call");
    }

    #[test]
    fn a_page_of_several_endpoints_is_read_up_to_the_second() {
        let text = "# 1 获取授权页ticket\n请求URL:https://api.weixin.qq.com/cgi-bin/ticket/getticket?access_token=T\n请求方法:GET\n# 2 获取授权页链接\n请求URL:https://api.weixin.qq.com/card/invoice/getauthurl?access_token=T\n请求方式:POST\n";
        let page = read(text);
        assert_eq!(page.calls.len(), 1);
        assert_eq!(page.calls[0].path, "/cgi-bin/ticket/getticket");
        assert!(
            page.warnings
                .iter()
                .any(|w| w.contains("documents 2 endpoints")
                    && w.contains("skipped `2 获取授权页链接` (POST /card/invoice/getauthurl)"))
        );
    }

    #[test]
    fn a_cut_off_example_is_read_up_to_its_last_whole_line() {
        let json =
            close_cut_json("{\n\"a\": 1,\n\"b\": {\n\"c\": 16377\n\"d\": \"x").expect("read");
        assert_eq!(
            json.get("b").and_then(|b| b.get("c")).map(Json::is_integer),
            Some(true)
        );
        assert_eq!(close_cut_json("\"never closed"), None);
    }

    #[test]
    fn valid_values_tables_are_not_parameter_tables() {
        let mut found = Vec::new();
        let text = take_valid_values(
            "Valid values of type\nValue | Description |\n---|---|\nimage | Image |\nafter\n",
            &mut found,
        );
        assert_eq!(
            found,
            [(
                "type".to_string(),
                vec![("image".to_string(), "Image".to_string())]
            )]
        );
        assert!(!text.contains('|') && text.contains("after"));
    }

    #[test]
    fn structure_tables_are_nested_sections_of_their_side() {
        let text = "# T\n# 请求参数\n属性 | 类型 | 必填 | 说明 |\n---|---|---|---|\ncloud_base | Object | 否 | 配置 |\ncloud_base 的结构\n属性 | 类型 | 必填 | 说明 |\n---|---|---|---|\nenv | string | 是 | 环境 |\n# 返回值\n属性 | 类型 | 说明 |\n---|---|---|\ninfo | Object | 信息 |\ninfo 的结构\n属性 | 类型 | 说明 |\n---|---|---|\nsize | number | 大小 |\n";
        let page = read(text);
        let names: Vec<&str> = page.request.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, ["cloud_base"]);
        assert_eq!(page.nested.len(), 2, "{:?}", page.nested);
        assert_eq!(page.nested[0].side, Side::Request);
        assert_eq!(page.nested[0].path, ["cloud_base"]);
        assert_eq!(page.nested[0].rows[0].name, "env");
        assert_eq!(page.nested[1].side, Side::Response);
        assert_eq!(page.nested[1].path, ["info"]);
    }

    #[test]
    fn a_table_right_under_a_bare_array_row_lists_its_items_fields() {
        // A machine-translated copy: `array` alone, then the items' table with its own header.
        let text = "# T\nGET https://api.weixin.qq.com/wxa/list?access_token=T\n# Return parameters\nattribute typeIntroductions\nerrcode number Error code\ndraft_list array Draft Box Information\nattribute type Introductions\nuser_version string Version Number\ndraft_id number draft id\n# Call Example\n";
        let page = read(text);
        let names: Vec<&str> = page.response.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, ["draft_list"]);
        assert_eq!(page.nested.len(), 1, "{:?}", page.nested);
        assert_eq!(page.nested[0].path, ["draft_list"]);
        let inner: Vec<&str> = page.nested[0]
            .rows
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(inner, ["user_version", "draft_id"]);
        // Prose reading like a row (`An array of …`) right above a table opens nothing.
        let text = "# T\n# Request Payload\nParameter Name | type | Required | Introductions |\n---|---|---|---|\nbutton | objarray | yes | menus |\n# Body.button(Array)Object Payload\nAn array of primary menu structures\nParameter Name | type | Required | Introductions |\n---|---|---|---|\nname | string | yes | title |\n";
        let page = read(text);
        assert_eq!(page.nested.len(), 1, "{:?}", page.nested);
        assert_eq!(page.nested[0].path, ["button"]);
        // An `array` row with no table under it opens nothing.
        let text = "# T\n# Return parameters\nattribute type Introductions\nids array Ids\ncount number Count\n";
        let page = read(text);
        assert!(page.nested.is_empty(), "{:?}", page.nested);
        assert_eq!(page.response.len(), 2);
    }

    #[test]
    fn a_table_right_under_an_object_row_lists_its_fields() {
        // Space-separated, as the new mini-program pages copy: `array<object>` rows, each followed
        // by the untitled table of its items' fields, one inside the other.
        let text = "# T\n# 请求参数\n属性 类型 必填 说明\nbegin_date string 开始日期\n# 返回参数\n属性 类型说明\ndata array<object> 模板列表\n属性 类型 说明\ntitle string 模版标题\nkeywordEnumValueList array<object> 枚举参数值范围\n属性 类型 说明\nkeywordCode string 枚举参数的 key\n# 调用示例\n";
        let page = read(text);
        let names: Vec<&str> = page.response.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, ["data"]);
        assert_eq!(page.nested.len(), 2, "{:?}", page.nested);
        assert_eq!(page.nested[0].side, Side::Response);
        assert_eq!(page.nested[0].path, ["data"]);
        let inner: Vec<&str> = page.nested[0]
            .rows
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(inner, ["title", "keywordEnumValueList"]);
        assert_eq!(page.nested[1].path, ["data", "keywordEnumValueList"]);
        assert_eq!(page.nested[1].rows[0].name, "keywordCode");
        // In Markdown, and a table under a row that is not an object starts no nesting.
        let text = "# T\n# 请求参数\n| 属性 | 类型 | 说明 |\n|---|---|---|\n| sender | Object | 发件人 |\n| 属性 | 类型 | 说明 |\n|---|---|---|\n| name | string | 姓名 |\n# 返回参数\n属性 类型 说明\ncount number 数量\n属性 类型 说明\ntotal number 总数\n";
        let page = read(text);
        assert_eq!(page.nested.len(), 1, "{:?}", page.nested);
        assert_eq!(page.nested[0].side, Side::Request);
        assert_eq!(page.nested[0].path, ["sender"]);
        let names: Vec<&str> = page.response.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, ["count", "total"]);
    }

    #[test]
    fn legal_value_lists_with_or_without_bars() {
        let mut found = Vec::new();
        let text = take_valid_values(
            "errcode 的合法值\n值 | 说明 | 最低版本 |\n---|---|---|\n40003 | openid 不正确 | |\n# 接口限制\nmsgtype 的合法值\n\n说明 最低版本\ntext 文本消息\nimage 图片消息\n\nimage 的结构\n",
            &mut found,
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, "errcode");
        assert_eq!(
            found[0].1,
            [("40003".to_string(), "openid 不正确".to_string())]
        );
        assert_eq!(found[1].0, "msgtype");
        let values: Vec<&str> = found[1].1.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(values, ["text", "image"]);
        assert!(text.contains("# 接口限制") && text.contains("image 的结构"));
    }

    #[test]
    fn plain_numbered_titles_with_calls_split_a_page() {
        let text = "Tag Management\n1. Creating Tags\nHTTP request method: POST\nhttps://api.weixin.qq.com/cgi-bin/tags/create?access_token=T\n2. Obtaining Tags\nHTTP request method: GET\nhttps://api.weixin.qq.com/cgi-bin/tags/get?access_token=T\n3. Notes without a call\nnothing here\n";
        let page = read(text);
        assert_eq!(page.calls.len(), 1, "{:?}", page.calls);
        assert_eq!(page.calls[0].path, "/cgi-bin/tags/create");
        assert!(
            page.warnings
                .iter()
                .any(|w| w.contains("documents 2 endpoints") && w.contains("GET /cgi-bin/tags/get")),
            "{:?}",
            page.warnings
        );
        // Numbered steps without calls do not split a page.
        assert!(plain_endpoint_parts("1. First step\n2. Second step\n").is_empty());
    }

    #[test]
    fn an_example_cut_inside_a_string_keeps_the_string() {
        let json = close_cut_json("{\n\"subscribe\": 1,\n\"openid\": \"o6_b").expect("read");
        assert_eq!(json.get("openid"), Some(&Json::String("o6_b".into())));
    }

    #[test]
    fn examples_pair_requests_with_responses() {
        let text = "# T\n# 5. 代码示例\n请求示例\n```json\n{\"a\": 1}\n```\n返回示例\n{\n  \"errcode\": 0,\n  \"errmsg\": \"ok\"\n}\n";
        let page = read(text);
        assert_eq!(page.examples.len(), 1);
        assert!(page.examples[0].request.is_some());
        assert!(page.examples[0].response.is_some());
    }

    #[test]
    fn a_return_code_title_is_the_error_table_and_a_reply_packet_title_the_response() {
        assert_eq!(kind_of("返回码"), SectionKind::Errors);
        assert_eq!(kind_of("回包参数说明"), SectionKind::Response);
        let text = "# T\n# 回包参数说明\n参数 | 类型 | 说明 |\n---|---|---|\nmedia_id | string | 媒体 id |\n# 返回码\n返回码 | 错误类型 |\n---|---|\n-1 | 系统异常 |\n-2 | token太长 |\n";
        let page = read(text);
        assert_eq!(page.response[0].name, "media_id");
        let codes: Vec<i64> = page.errors.iter().map(|row| row.code).collect();
        assert_eq!(codes, [-1, -2]);
        // The `错误类型` column is the message (its English word first, the rest as detail).
        let described = format!("{}{}", page.errors[1].errmsg, page.errors[1].detail);
        assert_eq!(described, "token太长");
    }

    #[test]
    fn machine_translated_flat_headers_and_token_rows_in_any_case() {
        // `attribute` names the name column; the type column's title is left untranslated
        // (`初始值`), so a header naming the required and description columns is one too.
        let text = "# T\n# Request parameters\nattribute 初始值 Required Introductions\naccess_Token string yes Interface invokes the certificate\nidname string yes Individual User Name\ncomponent_phone string no Third Party Contact Phone\n# Return parameters\nattribute type Introductions\nerrcode number Return code\nauthorize_url string Scan the verification url\n";
        let page = read(text);
        let names: Vec<&str> = page.request.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, ["idname", "component_phone"]);
        assert_eq!(page.request[0].required, Some(true));
        assert_eq!(page.request[1].required, Some(false));
        let names: Vec<&str> = page.response.iter().map(|row| row.name.as_str()).collect();
        assert!(names.contains(&"authorize_url"), "{names:?}");
    }

    #[test]
    fn a_later_call_with_tables_of_its_own_does_not_add_to_the_first_calls_tables() {
        let text = "# T\n# HTTPS call\nPOST https://api.weixin.qq.com/wxa/x?action=create&access_token=T\n# Request parameters\nattribute type Required Introductions\nidname string yes User name\n# Return parameters\nattribute type Introductions\nstatus number Status\n# Other Notes\n# Request Address\nPOST https://api.weixin.qq.com/wxa/x?action=query&access_token=T\n# Request Parameter Explanation\nparameter type Required Introductions\ntaskid string yes Task id\n# Return parameters\nattribute type Introductions\nstate number State\n";
        let page = read(text);
        let names: Vec<&str> = page.request.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, ["idname"]);
        let names: Vec<&str> = page.response.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, ["status"]);
        assert_eq!(page.calls.len(), 2);
        assert_eq!(page.later_calls.len(), 1);
        let later = &page.later_calls[0];
        let names: Vec<&str> = later.request.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, ["taskid"]);
        let names: Vec<&str> = later.response.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, ["state"]);
        // Call lines listed together before the tables share them.
        let text = "# T\nPOST https://api.weixin.qq.com/wxa/x?action=create&access_token=T\nPOST https://api.weixin.qq.com/wxa/x?action=query&access_token=T\n# Request parameters\nattribute type Required Introductions\nidname string yes User name\n";
        let page = read(text);
        assert_eq!(page.calls.len(), 2);
        assert!(page.later_calls.is_empty());
        assert_eq!(page.request.len(), 1);
    }

    #[test]
    fn structure_tables_of_a_field_typed_string_are_not_fields() {
        // `data.data` is a string holding JSON; its structure tables describe that text.
        let text = "# T\nGET https://api.weixin.qq.com/wxa/list?access_token=T\n# 返回值\n属性 类型 说明\ndata object 返回数据\ndata 的结构\n属性 类型 说明\ntotal number 总数\ndata string 地址列表的 JSON 格式字符串\ndata.data 的结构\n属性 类型 说明\npoi_list Array.<Object> 地址列表\ndata.data.poi_list 的结构\n属性 类型 说明\npoi_id string 地点 ID\n";
        let page = read(text);
        let paths: Vec<Vec<String>> = page.nested.iter().map(|t| t.path.clone()).collect();
        assert_eq!(paths, [vec!["data".to_string()]]);
        assert!(
            page.guesses
                .iter()
                .any(|g| g.contains("`data.data` is typed string"))
        );
        // A field typed object keeps its table.
        let page = read(&text.replace("data string 地址列表", "data object 地址列表"));
        assert_eq!(page.nested.len(), 3);
    }

    #[test]
    fn cloud_call_tables_after_the_https_answer_are_not_read() {
        let text = "# T\n# HTTPS Call\nGET https://api.weixin.qq.com/cgi-bin/x/create?access_token=T\n# Request Parameters\nAttribute Type Default Required Description\naccess_token string Yes Credentials\n# Return Value\nAttribute Type Description\nactivity_id string The ID.\n# Cloud Call\nCloud call is a capability.\n# Return Value\nAttribute Type Description\nactivityId string The ID.\n";
        let page = read(text);
        let names: Vec<&str> = page.response.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, ["activity_id"]);
        // A cloud-call heading before the tables (the new layout) changes nothing.
        let text = "# T\n# HTTPS 调用\nPOST https://api.weixin.qq.com/cv/img/aicrop?access_token=T\n# 云调用\n出入参和HTTPS调用相同\n# 请求参数\n属性 类型 必填 说明\nimg_url string 图片 url\n# 返回参数\n属性 类型 说明\nw number 宽度\n";
        let page = read(text);
        assert_eq!(page.request.len(), 1);
        assert_eq!(page.response.len(), 1);
    }

    #[test]
    fn a_curl_data_line_is_a_request_example() {
        assert_eq!(
            curl_data("curl -d '{\"a\":[1]}' 'https://api.weixin.qq.com/x'").as_deref(),
            Some("{\"a\":[1]}")
        );
        assert_eq!(curl_data("curl -F 'img=@a.jpg' 'https://x'"), None);
        assert_eq!(curl_data("curl -d 'a=1' 'https://x'"), None);
        let text = "# T\nPOST https://api.weixin.qq.com/x?access_token=T\n# 示例代码\ncurl -d '{\"kv_list\":[{\"key\":\"k\"}]}' 'https://api.weixin.qq.com/x?access_token=T'\n";
        let page = read(text);
        assert_eq!(page.examples.len(), 1);
        assert!(page.examples[0].request.is_some());
    }

    #[test]
    fn a_half_translated_request_heading_opens_the_request_table() {
        assert_eq!(kind_of("请求Parameter"), SectionKind::Request);
        let text = "# T\nPOST https://api.weixin.qq.com/cgi-bin/midas/getbalance?access_token=T\n# 请求Parameter\nproperty | type | default value | optional | description | version |\n---|---|---|---|---|---|\nopenid | string | yes | User unique identifier | ||\nuser_ip | string | no | User's Internet IP | ||\n";
        let page = read(text);
        let rows: Vec<(&str, Option<bool>)> = page
            .request
            .iter()
            .map(|row| (row.name.as_str(), row.required))
            .collect();
        assert_eq!(rows, [("openid", Some(true)), ("user_ip", Some(false))]);
    }

    #[test]
    fn camel_case_envelope_rows_are_not_response_fields() {
        let text = "# T\nGET https://api.weixin.qq.com/sns/x?appid=APPID\n# Return\nproperty type description version\nopenid string User's unique identifier\nerrcode number Error code\nerrMsg string Error message\n";
        let page = read(text);
        let names: Vec<&str> = page.response.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, ["openid"]);
    }

    #[test]
    fn an_errcode_struct_table_lists_the_error_codes() {
        let text = "# T\nGET https://api.weixin.qq.com/sns/x?appid=APPID\n# Return\nproperty type description version\nopenid string User's unique identifier\n\nerrcode 's struct\n\nvalue description\n-1 System busy\n0 Request successful\n40029 Code invalid\n";
        let page = read(text);
        let values: Vec<&str> = page
            .valid_values
            .iter()
            .filter(|(name, _)| name == "errcode")
            .flat_map(|(_, values)| values.iter().map(|(value, _)| value.as_str()))
            .collect();
        assert_eq!(values, ["-1", "0", "40029"]);
        assert_eq!(page.response.len(), 1);
    }

    #[test]
    fn an_example_on_its_labels_line_is_read() {
        let (label, json) =
            inline_example("https://api.weixin.qq.com/x?access_token=TPOST data format: jsonPOST data example:{   \"quantity\":3,\t   \"poi_id\":1234\t}")
                .expect("an example");
        assert!(label.ends_with("POST data example:"), "{label}");
        assert!(json.get("poi_id").is_some());
        assert!(inline_example("POST data example:").is_none());
        assert!(inline_example("the example: see below").is_none());
    }

    #[test]
    fn a_sample_heading_holds_examples() {
        assert_eq!(kind_of("Sample Request Data"), SectionKind::Examples);
        let text = "# T\nPOST https://api.weixin.qq.com/wxa/bind_tester?access_token=T\n# Sample Request Data\n{\n  \"wechatid\": \"tests\"\n}\n";
        let page = read(text);
        assert!(page.examples[0].request.is_some());
    }

    #[test]
    fn a_method_the_page_states_once_is_each_bare_addresss_method() {
        let text = "# T\n提交方式:采用POST方法提交。\n2.2申请二维码接口\nAPI:https://api.weixin.qq.com/intp/marketcode/applycode?access_token=ACCESSTOKEN\n请求参数:\n字段名 | 中文解释 | 类型 | 是否必填 | 备注 |\n---|---|---|---|---|\ncode_count | 申请码的数量 | Uint64 | Y | ≥10000 |\n";
        let page = read(text);
        let call = page.call.as_ref().expect("a call");
        assert_eq!(call.method, "POST");
        assert_eq!(call.path, "/intp/marketcode/applycode");
        assert!(
            page.guesses
                .iter()
                .any(|guess| guess.contains("every call is a POST"))
        );
        assert_eq!(page.request[0].name, "code_count");
        assert_eq!(page.request[0].required, Some(true));
        // Two different methods stated: neither is given to the addresses.
        let two = text.replace("# T\n", "# T\n请求方式: GET\n");
        assert_eq!(stated_method(&two), (two.clone(), None));
    }

    #[test]
    fn a_table_of_contents_and_an_introduction_begin_no_endpoint() {
        let text = "# 目录\n# 1. 业务流程\n# 2. 接口\n# 2.2 申请二维码接口\n# 2.3 查询二维码申请单接口\n# 1. 业务流程\n1.1申请及获取二维码\n# 2. 接口\n2.1接口规则\n提交方式:采用POST方法提交。\n2.2申请二维码接口\nAPI:https://api.weixin.qq.com/intp/marketcode/applycode?access_token=ACCESSTOKEN\n请求参数:\n字段名 | 中文解释 | 类型 | 是否必填 | 备注 |\n---|---|---|---|---|\ncode_count | 申请码的数量 | Uint64 | Y | 数量 |\n2.3 查询二维码申请单接口\nAPI:https://api.weixin.qq.com/intp/marketcode/applycodequery?access_token=ACCESSTOKEN\n请求参数:\n字段名 | 中文解释 | 类型 | 是否必填 | 备注 |\n---|---|---|---|---|\napplication_id | 申请单号 | Uint64 | Y | 无 |\n";
        let parts = endpoint_parts(&stated_method(text).0);
        let titles: Vec<&str> = parts.iter().map(|(title, _)| title.as_str()).collect();
        assert_eq!(titles, ["2.2申请二维码接口", "2.3 查询二维码申请单接口"]);
        let page = read(text);
        assert_eq!(
            page.call.as_ref().map(|c| c.path.as_str()),
            Some("/intp/marketcode/applycode")
        );
        let names: Vec<&str> = page.request.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, ["code_count"]);
    }

    #[test]
    fn a_plain_line_that_goes_on_after_its_label_is_not_a_title() {
        let text = "数据格式:提交和返回数据JSON格式,数据格式如:\n{\n\"field1\":\"data1\"\n}\n返回参数:\n字段名 | 类型 | 备注 |\n---|---|---|\napplication_id | Uint64 | 无 |\nPOST data format: JSON POST data example:\n{ \"tag\": 1 }\n";
        let headings: Vec<String> = plain_sections(text)
            .into_iter()
            .filter(|section| !section.heading.is_empty())
            .map(|section| section.heading)
            .collect();
        assert_eq!(
            headings,
            ["返回参数", "POST data format: JSON POST data example"]
        );
    }

    #[test]
    fn a_result_parameters_heading_is_the_answer() {
        assert_eq!(kind_of("结果参数说明"), SectionKind::Response);
        assert_eq!(kind_of("Result Parameters"), SectionKind::Response);
    }

    #[test]
    fn an_error_code_named_in_a_sentence_is_read() {
        let text = "# T\nPOST https://api.weixin.qq.com/cgi-bin/component/setprivacysetting?access_token=T\n# 请求参数说明\n参数 | 类型 | 必填 | 说明 |\n---|---|---|---|\nprivacy_ver | int | 否 | 版本 |\n说明:\n5、当该小程序还没有现网版时却传了privacy_ver=1,则会出现 86074 报错\n";
        let page = read(text);
        let codes: Vec<i64> = page.errors.iter().map(|row| row.code).collect();
        assert_eq!(codes, [86074]);
        assert_eq!(
            prose_error_codes("a 61040 error will occur, see doc 2024 or code12345 错误"),
            [61040]
        );
    }
}
