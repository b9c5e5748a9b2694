//! The parameter and error-code tables of a doc page, in both forms users paste them:
//! Markdown tables (`| order_id | string | 是 | 订单 id |`) and the flattened text a browser
//! copy leaves when cells run together (`order_idstringyesOrder order_id`).

/// One row of a parameter table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRow {
    /// The wire name (`order_id`).
    pub name: String,
    /// The doc's type word as printed (`string`, `Int`, `objarray`).
    pub doc_type: String,
    /// The required column, when the table has one.
    pub required: Option<bool>,
    /// The description column (and, in flattened rows, an example column run into it).
    pub description: String,
}

/// One row of an error-code table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorRow {
    /// `errcode`.
    pub code: i64,
    /// The English errmsg WeChat sends, as far as it can be told from the description.
    pub errmsg: String,
    /// The rest: what the code means and what to do.
    pub detail: String,
}

/// Type words a flattened row may hold after the name, longest first so that `integer` wins
/// over `int` and `boolean` over `bool`.
const TYPE_WORDS: [&str; 18] = [
    "form-data",
    "formdata",
    "objarray",
    "object[]",
    "string[]",
    "integer",
    "boolean",
    "buffer",
    "string",
    "number",
    "object",
    "double",
    "array",
    "float",
    "file",
    "long",
    "bool",
    "int",
];

/// Words of a required column.
const REQUIRED_WORDS: [(&str, bool); 11] = [
    ("yes", true),
    ("no", false),
    ("true", true),
    ("false", false),
    ("required", true),
    ("optional", false),
    ("非必填", false),
    ("必填", true),
    ("选填", false),
    ("是", true),
    ("否", false),
];

/// What a header cell names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Type,
    Required,
    Default,
    Example,
    Description,
    Code,
    Errmsg,
    Solution,
    Other,
}

/// Reads the parameter rows of a section's lines; rows it cannot read are said in `warnings`.
pub fn field_rows(lines: &[String], warnings: &mut Vec<String>) -> Vec<FieldRow> {
    let mut rows: Vec<FieldRow> = Vec::new();
    let mut markdown: Option<Vec<Column>> = None;
    // A space-separated table's header: whether it has a required, an example and a type column.
    let mut flat: Option<(bool, bool, bool)> = None;
    for raw in lines {
        let line = &markdown_row(raw.trim());
        if line.starts_with('|') {
            flat = None;
            let cells = cells(line);
            match &markdown {
                None => markdown = Some(cells.iter().map(|c| field_column(c)).collect()),
                Some(_) if is_separator(&cells) || cells.iter().all(|c| c.is_empty()) => {}
                Some(columns) => {
                    if let Some(row) = markdown_field_row(columns, &cells) {
                        rows.push(row);
                    } else {
                        warnings.push(format!("skipped a table row I could not read: {line}"));
                    }
                }
            }
            continue;
        }
        markdown = None;
        let row = flat.and_then(|(has_required, _, has_type)| {
            flat_field_row(line, has_required).or_else(|| {
                (has_required && !has_type)
                    .then(|| untyped_row(line))
                    .flatten()
            })
        });
        if line.is_empty() {
            flat = None;
        } else if row.is_none() && is_field_header(line) {
            let lower = line.to_lowercase();
            let has_required = ["requir", "必填", "必选"].iter().any(|w| lower.contains(w));
            let has_example = ["example", "示例"].iter().any(|w| lower.contains(w));
            let has_type = ["type", "类型"].iter().any(|w| lower.contains(w));
            flat = Some((has_required, has_example, has_type));
        } else if let Some((_, has_example, _)) = flat {
            match row {
                Some(row) => {
                    if has_example {
                        warnings.push(format!(
                            "the table of `{}` has an example column; it is left in the description",
                            row.name
                        ));
                    }
                    rows.push(row);
                }
                None => match rows.last_mut() {
                    Some(previous) => {
                        previous.description.push(' ');
                        previous.description.push_str(line);
                    }
                    None => warnings.push(format!("skipped a table row I could not read: {line}")),
                },
            }
        }
    }
    rows
}

/// Reads the error-code rows of a section's lines.
pub fn error_rows(lines: &[String], warnings: &mut Vec<String>) -> Vec<ErrorRow> {
    let mut rows = Vec::new();
    let mut markdown: Option<Vec<Column>> = None;
    for raw in lines {
        let line = &markdown_row(raw.trim());
        if line.starts_with('|') {
            let cells = cells(line);
            match &markdown {
                None => markdown = Some(cells.iter().map(|c| error_column(c)).collect()),
                Some(_) if is_separator(&cells) => {}
                Some(columns) => match markdown_error_row(columns, &cells) {
                    Some(row) => rows.push(row),
                    None => warnings.push(format!("skipped an error row I could not read: {line}")),
                },
            }
            continue;
        }
        markdown = None;
        if let Some(row) = flat_error_row(line) {
            rows.push(row);
        }
    }
    rows
}

/// A table row as Markdown: browser copies drop the leading `|` (`order_id | string | 是 |`),
/// so a line with two or more `|` and none at the start gets one.
fn markdown_row(line: &str) -> String {
    if !line.starts_with('|') && line.matches('|').count() >= 2 {
        format!("|{line}")
    } else {
        line.to_string()
    }
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    inner
        .split('|')
        .map(|cell| cell.trim().to_string())
        .collect()
}

fn is_separator(cells: &[String]) -> bool {
    cells
        .iter()
        .all(|cell| !cell.is_empty() && cell.chars().all(|c| matches!(c, '-' | ':' | ' ')))
}

fn field_column(cell: &str) -> Column {
    let lower = cell.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&["type", "类型"]) {
        Column::Type
    } else if has(&["requir", "必填", "必选", "是否必", "do i have to"]) || lower == "optional"
    {
        // English mini-program pages title the `必填` column `optional` (a mistranslation):
        // its `yes` still means required.
        Column::Required
    } else if has(&["default", "默认"]) {
        Column::Default
    } else if has(&["example", "示例"]) {
        Column::Example
    } else if has(&["descr", "introduc", "说明", "描述", "含义", "备注"]) {
        Column::Description
    } else if has(&[
        "name",
        "param",
        "attribute",
        "property",
        "field",
        "参数",
        "属性",
        "字段",
    ]) {
        Column::Name
    } else {
        Column::Other
    }
}

fn error_column(cell: &str) -> Column {
    let lower = cell.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&["solution", "解决", "处理", "建议"]) {
        Column::Solution
    } else if has(&[
        "errmsg",
        "descr",
        "message",
        "描述",
        "信息",
        "含义",
        "说明",
        "错误类型",
    ]) {
        Column::Errmsg
    } else if has(&["code", "错误码", "返回码"]) {
        Column::Code
    } else {
        Column::Other
    }
}

/// Whether a line is a flattened table's header: short, naming a name column and either a type
/// column or both a required and a description column (a machine translation may leave the type
/// column's title untranslated or wrong, `attribute 初始值 Required Introductions`; its rows are
/// read only where they hold a type word).
fn is_field_header(line: &str) -> bool {
    if line.chars().count() > 90 {
        return false;
    }
    let lower = line.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    let columns = has(&["type", "类型"])
        || (has(&["requir", "必填", "必选"]) && has(&["descr", "introduc", "说明", "描述"]));
    columns
        && has(&[
            "name",
            "parameter",
            "attribute",
            "property",
            "field",
            "参数",
            "属性",
            "字段",
        ])
}

fn cell<'a>(columns: &[Column], cells: &'a [String], wanted: Column) -> Option<&'a str> {
    let index = columns.iter().position(|c| *c == wanted)?;
    cells.get(index).map(String::as_str)
}

fn markdown_field_row(columns: &[Column], cells: &[String]) -> Option<FieldRow> {
    let shifted;
    let cells = match default_left_out(columns, cells) {
        Some(fixed) => {
            shifted = fixed;
            &shifted
        }
        None => cells,
    };
    let name = clean_name(cell(columns, cells, Column::Name)?)?;
    // Old-style tables may have no type column (`parameter | Do I have to? | Introductions`).
    let doc_type = if columns.contains(&Column::Type) {
        strip_markup(cell(columns, cells, Column::Type)?)
    } else {
        String::new()
    };
    let required = cell(columns, cells, Column::Required).and_then(required_word);
    let description = cell(columns, cells, Column::Description)
        .map(strip_markup)
        .unwrap_or_default();
    Some(FieldRow {
        name,
        doc_type,
        required,
        description,
    })
}

/// Rows of a table with a `Default` column often leave that cell out
/// (`access_token | string | Yes | Credentials | |`), which puts the required word under
/// `Default`: the row with the cell put back (empty), else `None`.
fn default_left_out(columns: &[Column], cells: &[String]) -> Option<Vec<String>> {
    let default = columns.iter().position(|c| *c == Column::Default)?;
    let required = columns.iter().position(|c| *c == Column::Required)?;
    if required != default + 1 {
        return None;
    }
    let under_default = cells.get(default).and_then(|c| {
        let c = strip_markup(c);
        REQUIRED_WORDS
            .iter()
            .find(|(word, _)| c.eq_ignore_ascii_case(word))
            .map(|(_, value)| *value)
    });
    // A description that merely begins with a flag word (`是否需要…`) is not a flag.
    let under_required = cells.get(required).and_then(|c| {
        let c = strip_markup(c);
        leading_required(&c)
            .filter(|(_, rest)| !rest.starts_with(char::is_alphanumeric))
            .map(|(value, _)| value)
            .or(match c.as_str() {
                "Y" | "y" => Some(true),
                "N" | "n" => Some(false),
                _ => None,
            })
    });
    if under_default.is_none() || under_required.is_some() {
        return None;
    }
    let mut fixed = cells.to_vec();
    fixed.insert(default, String::new());
    Some(fixed)
}

fn markdown_error_row(columns: &[Column], cells: &[String]) -> Option<ErrorRow> {
    let code = strip_markup(cell(columns, cells, Column::Code)?)
        .parse()
        .ok()?;
    let described = strip_markup(cell(columns, cells, Column::Errmsg).unwrap_or_default());
    let (errmsg, rest) = split_errmsg(&described);
    let solution = strip_markup(cell(columns, cells, Column::Solution).unwrap_or_default());
    let detail = [rest, solution.as_str()]
        .iter()
        .filter(|part| !part.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    Some(ErrorRow {
        code,
        errmsg,
        detail,
    })
}

/// Reads `order_idstringyesOrder order_id`: the name is the leading `[a-z0-9_]` run cut
/// where a type word starts, then the required word, then the description.
fn flat_field_row(line: &str, has_required: bool) -> Option<FieldRow> {
    split_flat(line, has_required, true)
        .or_else(|| spaced_field_row(line))
        .or_else(|| split_flat(line, has_required, false))
}

/// What machine-translated pages put in place of the head of some words (`初始值_time` for
/// `create_time`): a row so named is kept under that name for the draft to restore.
pub const GARBLED_HEAD: &str = "初始值";

/// Whether a cell is a row name a translation garbled: `初始值` then `_` and a wire-name tail.
fn is_garbled_name(name: &str) -> bool {
    name.strip_prefix(GARBLED_HEAD).is_some_and(|tail| {
        tail.len() > 1
            && tail.starts_with('_')
            && tail.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Reads `touser string 用户的 OpenID`: a copy that separates cells with one space and drops
/// the empty ones (a `默认值` or `必填` cell left blank), so the name, a type word and then
/// either a required word standing alone or the description.
fn spaced_field_row(line: &str) -> Option<FieldRow> {
    let mut parts = line.splitn(3, ' ');
    let name = parts.next()?;
    let doc_type = parts.next()?;
    let rest = parts.next().unwrap_or_default().trim();
    let valid_name = (name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        || is_garbled_name(name);
    if !(valid_name && is_type_word(doc_type)) {
        return None;
    }
    let (first, after) = rest.split_once(' ').unwrap_or((rest, ""));
    let standing_alone = REQUIRED_WORDS
        .iter()
        .find(|(word, _)| first.eq_ignore_ascii_case(word))
        .map(|(_, value)| *value);
    let (required, description) = match standing_alone {
        Some(value) => (Some(value), after.trim()),
        None => (None, rest),
    };
    Some(FieldRow {
        name: name.to_string(),
        doc_type: doc_type.to_string(),
        required,
        description: description.to_string(),
    })
}

/// Reads `quantity Yes The number of device IDs…`: a row of a space-separated table without a
/// type column (`Parameter Required Description`), so the name, a required word standing alone
/// and the description. The type is left empty (the draft takes it from an example).
fn untyped_row(line: &str) -> Option<FieldRow> {
    let (name, rest) = line.split_once(' ')?;
    let valid_name = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid_name {
        return None;
    }
    let (first, description) = rest.trim().split_once(' ').unwrap_or((rest.trim(), ""));
    let required = REQUIRED_WORDS
        .iter()
        .find(|(word, _)| first.eq_ignore_ascii_case(word))
        .map(|(_, value)| *value)?;
    Some(FieldRow {
        name: name.to_string(),
        doc_type: String::new(),
        required: Some(required),
        description: description.trim().to_string(),
    })
}

/// Whether a line is the header of a parameter table, Markdown (`属性 | 类型 | 说明 |`) or not
/// (`属性 类型 说明`).
pub fn is_table_header(line: &str) -> bool {
    is_field_header(&line.replace('|', " "))
}

/// The name of a table row (Markdown or space-separated) whose type is an object or an array
/// of objects (`list array<object> 数据列表`, `| sender | Object | 是 | … |`), whose fields a
/// table right below it may list. A bare `array` counts too when the name is a lowercase wire
/// name (so that prose such as `An array of …` is not a row): a table right below such a row
/// (`draft_list array 草稿列表` then `attribute type Introductions`) can only list its items'
/// fields, so its items are objects.
pub fn object_row_name(line: &str) -> Option<String> {
    let line = line.trim();
    let name_of_bare_array = |name: &str, cell: &str| {
        cell.trim().eq_ignore_ascii_case("array")
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    let is_object = |cell: &str| {
        matches!(
            cell.trim().to_lowercase().replace(' ', "").as_str(),
            "object" | "objarray" | "object[]" | "array<object>" | "array.<object>"
        )
    };
    if line.contains('|') {
        let cells = cells(&markdown_row(line));
        let name = clean_name(cells.first()?)?;
        let typed = cells
            .get(1)
            .is_some_and(|cell| name_of_bare_array(&name, cell));
        return (typed || cells[1..].iter().any(|cell| is_object(cell))).then_some(name);
    }
    let row = spaced_field_row(line)?;
    (is_object(&row.doc_type) || name_of_bare_array(&row.name, &row.doc_type)).then_some(row.name)
}

/// Whether a cell is a type word (`string`, `Object`), an array with its item type
/// (`array<object>`, `Array.<string>`).
fn is_type_word(cell: &str) -> bool {
    let lower = cell.to_lowercase();
    let item = lower
        .strip_prefix("array.<")
        .or_else(|| lower.strip_prefix("array<"))
        .and_then(|rest| rest.strip_suffix('>'));
    match item {
        Some(item) => is_type_word(item),
        None => TYPE_WORDS.iter().any(|word| lower == *word),
    }
}

/// Whether a line reads as a row of a space-separated table (`errcode number 错误码`), so it is
/// not a plain-line section title even when it names one.
pub fn is_spaced_field_row(line: &str) -> bool {
    spaced_field_row(line.trim()).is_some()
}

fn split_flat(line: &str, has_required: bool, strict: bool) -> Option<FieldRow> {
    let run_end = line
        .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
        .unwrap_or(line.len());
    for cut in 1..=run_end {
        let name = &line[..cut];
        if name.ends_with('_') || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let rest = &line[cut..];
        for word in TYPE_WORDS {
            let Some(after_type) = strip_prefix_ignore_case(rest, word) else {
                continue;
            };
            let (required, description) = if has_required {
                match leading_required(after_type) {
                    Some(found) => (Some(found.0), found.1),
                    None => continue,
                }
            } else {
                (None, after_type)
            };
            let description_starts_word = description
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if strict && description_starts_word {
                continue;
            }
            return Some(FieldRow {
                name: name.to_string(),
                doc_type: rest[..word.len()].to_string(),
                required,
                description: description.trim().to_string(),
            });
        }
    }
    None
}

/// Reads `72038invoice order never authThe order is not authorized…`.
fn flat_error_row(line: &str) -> Option<ErrorRow> {
    let digits_start = usize::from(line.starts_with('-'));
    let digits = line[digits_start..]
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(line.len() - digits_start);
    if digits == 0 {
        return None;
    }
    let code = line[..digits_start + digits].parse().ok()?;
    let (errmsg, detail) = split_errmsg(line[digits_start + digits..].trim());
    Some(ErrorRow {
        code,
        errmsg,
        detail: detail.to_string(),
    })
}

/// Splits `invoice order never authThe order is…` into the lower-case errmsg and the rest.
/// The errmsg may start with a capital (`Kp plat make invoice timeout`).
fn split_errmsg(text: &str) -> (String, &str) {
    let end = text
        .char_indices()
        .find(|(index, c)| {
            let allowed = c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | ' ');
            !(allowed || (*index == 0 && c.is_ascii_uppercase()))
        })
        .map_or(text.len(), |(index, _)| index);
    (text[..end].trim().to_string(), text[end..].trim())
}

fn leading_required(text: &str) -> Option<(bool, &str)> {
    REQUIRED_WORDS
        .iter()
        .find_map(|(word, value)| strip_prefix_ignore_case(text, word).map(|rest| (*value, rest)))
}

fn required_word(cell: &str) -> Option<bool> {
    let cell = strip_markup(cell);
    leading_required(&cell)
        .map(|(value, _)| value)
        .or(match cell.as_str() {
            "Y" | "y" => Some(true),
            "N" | "n" => Some(false),
            _ => None,
        })
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// A wire name from a cell: markup and tree drawing (`└`, `&emsp;`) removed, and a note in
/// brackets after the name (`need_open_comment(新增字段)`, `… (new field)`).
fn clean_name(cell: &str) -> Option<String> {
    let text = strip_markup(cell)
        .replace("&emsp;", "")
        .replace("&nbsp;", "");
    let text = text.trim();
    if is_garbled_name(text) {
        return Some(text.to_string());
    }
    let text = match text.find(['(', '（']) {
        Some(open) if text.ends_with([')', '）']) && open > 0 => &text[..open],
        _ => text,
    };
    let name: String = text
        .trim_start_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .trim()
        .to_string();
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    valid.then_some(name)
}

fn strip_markup(cell: &str) -> String {
    cell.replace(['`', '*'], "")
        .replace("<br>", " ")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn a_left_out_default_cell_is_put_back() {
        let lines: Vec<String> = [
            "Attribute | Type | Default | Required | Description |",
            "---|---|---|---|---|",
            "scene | string | Yes | A scene | |",
            "page | string | Homepage | No | The page |",
            "openid | string | 否 |",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut warnings = Vec::new();
        let rows = field_rows(&lines, &mut warnings);
        assert!(warnings.is_empty(), "{warnings:?}");
        let read: Vec<(&str, Option<bool>, &str)> = rows
            .iter()
            .map(|r| (r.name.as_str(), r.required, r.description.as_str()))
            .collect();
        assert_eq!(
            read,
            [
                ("scene", Some(true), "A scene"),
                ("page", Some(false), "The page"),
                ("openid", Some(false), "")
            ]
        );
    }

    #[test]
    fn a_note_in_brackets_after_a_name_is_not_part_of_it() {
        let lines = lines(
            "参数 | 是否必须 | 类型 | 说明 |\n---|---|---|---|\nneed_open_comment(新增字段) | 否 | Uint32 | 是否打开评论 |\nonly_fans_can_comment (new field) | No | Uint32 | Followers only |\n图片(可选) | 否 | string | 不是名字 |",
        );
        let mut warnings = Vec::new();
        let rows = field_rows(&lines, &mut warnings);
        let names: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.name.as_str(), r.doc_type.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("need_open_comment", "Uint32"),
                ("only_fans_can_comment", "Uint32")
            ]
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn flattened_rows_know_formdata_and_long_headers() {
        let lines: Vec<String> = [
            "Parameter NametypeRequired to fill inExampleIntroductionsto enumerate",
            "mediaformdatayesMedia file",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let rows = field_rows(&lines, &mut Vec::new());
        assert_eq!(rows[0].name, "media");
        assert_eq!(rows[0].doc_type, "formdata");
        assert_eq!(rows[0].required, Some(true));
    }

    #[test]
    fn flattened_rows_split_at_the_type_word() {
        let mut warnings = Vec::new();
        let rows = field_rows(
            &lines(
                "Parameter NametypeRequired to fill inIntroductions\norder_idstringyesOrder order_id\ns_pappidstringyesFinance Department ID",
            ),
            &mut warnings,
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].name, "order_id");
        assert_eq!(rows[0].doc_type, "string");
        assert_eq!(rows[0].required, Some(true));
        assert_eq!(rows[0].description, "Order order_id");
        assert!(warnings.is_empty());
    }

    #[test]
    fn flattened_rows_without_required_column() {
        let rows = field_rows(
            &lines(
                "Parameter NametypeIntroductions\nauth_timenumberAuthorisation timestamp\ncountIntnumber of items",
            ),
            &mut Vec::new(),
        );
        assert_eq!(rows[0].name, "auth_time");
        assert_eq!(rows[0].doc_type, "number");
        assert_eq!(rows[1].name, "count");
        assert_eq!(rows[1].doc_type, "Int");
        assert_eq!(rows[1].description, "number of items");
    }

    #[test]
    fn a_row_mentioning_header_words_is_still_a_row() {
        let rows = field_rows(
            &lines(
                "参数名类型必填说明\nticketstring是从上一环节中获取\ntypenumber是授权类型，1：填写字段开票授权",
            ),
            &mut Vec::new(),
        );
        let names: Vec<&str> = rows.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, ["ticket", "type"]);
    }

    #[test]
    fn a_name_containing_a_type_word_is_kept_whole() {
        let row = flat_field_row("user_string_idstring是用户标识", true).expect("row");
        assert_eq!(row.name, "user_string_id");
        assert_eq!(row.required, Some(true));
        assert_eq!(row.description, "用户标识");
    }

    #[test]
    fn markdown_rows_use_the_header() {
        let rows = field_rows(
            &lines(
                "| 参数 | 类型 | 必填 | 说明 |\n| --- | --- | --- | --- |\n| `url` | string | 否 | 跳转链接 |",
            ),
            &mut Vec::new(),
        );
        assert_eq!(
            rows,
            [FieldRow {
                name: "url".into(),
                doc_type: "string".into(),
                required: Some(false),
                description: "跳转链接".into(),
            }]
        );
    }

    #[test]
    fn flattened_error_rows_split_errmsg_from_solution() {
        let rows = error_rows(
            &lines(
                "Error codeError DescriptionSolutions\n72038invoice order never authThe order is not authorized\n-1system error稍后再试",
            ),
            &mut Vec::new(),
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].code, 72038);
        assert_eq!(rows[0].errmsg, "invoice order never auth");
        assert_eq!(rows[0].detail, "The order is not authorized");
        assert_eq!(rows[1].code, -1);
        assert_eq!(rows[1].errmsg, "system error");
    }

    #[test]
    fn markdown_error_rows() {
        let rows = error_rows(
            &lines(
                "| 错误码 | 错误描述 | 解决方案 |\n|---|---|---|\n| 72035 | biz reject insert | 发票已经被拒绝开票 |",
            ),
            &mut Vec::new(),
        );
        assert_eq!(rows[0].code, 72035);
        assert_eq!(rows[0].errmsg, "biz reject insert");
        assert_eq!(rows[0].detail, "发票已经被拒绝开票");
    }

    #[test]
    fn space_separated_rows_with_empty_cells_dropped() {
        let mut warnings = Vec::new();
        let rows = field_rows(
            &lines(
                "属性 类型 默认值 必填 说明\ntouser string 用户的 OpenID\nimage Object 图片消息,msgtype=\"image\" 时必填\nlang string 否 语言",
            ),
            &mut warnings,
        );
        assert_eq!(rows.len(), 3, "{rows:?} {warnings:?}");
        assert_eq!(rows[0].name, "touser");
        assert_eq!(rows[0].required, None);
        assert_eq!(rows[0].description, "用户的 OpenID");
        assert_eq!(rows[1].doc_type, "Object");
        assert_eq!(rows[2].required, Some(false));
        assert_eq!(rows[2].description, "语言");
        assert!(is_spaced_field_row("errcode number 错误码"));
        assert!(!is_spaced_field_row("返回的 JSON 数据包"));
        // Array types spelled with their items (`array<object>`, `Array.<string>`).
        let rows = field_rows(
            &lines("属性 类型说明\nlist array<object> 数据列表\nids Array.<string> 列表"),
            &mut warnings,
        );
        assert_eq!(rows.len(), 2, "{rows:?} {warnings:?}");
        assert_eq!(rows[0].doc_type, "array<object>");
        assert_eq!(rows[1].doc_type, "Array.<string>");
        assert!(!is_spaced_field_row("list array<> 数据列表"));
    }

    #[test]
    fn garbage_is_not_a_row() {
        assert_eq!(flat_field_row("这不是一行", true), None);
        assert_eq!(flat_error_row("Error code"), None);
    }

    #[test]
    fn an_optional_column_holds_the_required_flag() {
        let mut warnings = Vec::new();
        let rows = field_rows(
            &lines(
                "property | type | default value | optional | description | version |\n---|---|---|---|---|---|\nopenid | string | yes | User unique identifier | ||\nuser_ip | string | no | User's IP | ||",
            ),
            &mut warnings,
        );
        let read: Vec<(&str, Option<bool>, &str)> = rows
            .iter()
            .map(|row| (row.name.as_str(), row.required, row.description.as_str()))
            .collect();
        assert_eq!(
            read,
            [
                ("openid", Some(true), "User unique identifier"),
                ("user_ip", Some(false), "User's IP")
            ]
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn space_separated_rows_without_a_type_column_are_read() {
        let mut warnings = Vec::new();
        let rows = field_rows(
            &lines(
                "Parameter Required Description\nquantity Yes The number of device IDs.\ncomment No Remarks, with a maximum length\nof 15 characters.",
            ),
            &mut warnings,
        );
        let read: Vec<(&str, &str, Option<bool>)> = rows
            .iter()
            .map(|row| (row.name.as_str(), row.doc_type.as_str(), row.required))
            .collect();
        assert_eq!(
            read,
            [("quantity", "", Some(true)), ("comment", "", Some(false))]
        );
        assert!(rows[1].description.ends_with("of 15 characters."));
        assert!(warnings.is_empty(), "{warnings:?}");
        // A table with a type column reads no row without a type.
        let rows = field_rows(
            &lines("Parameter Type Required Description\nquantity Yes The number."),
            &mut warnings,
        );
        assert!(rows.is_empty());
    }

    #[test]
    fn a_description_beginning_with_a_flag_word_is_not_the_flag() {
        // `默认值` left out: 否 sits under it and the description (`是否需要…`) under 必填.
        let mut warnings = Vec::new();
        let rows = field_rows(
            &lines(
                "属性 | 类型 | 默认值 | 必填 | 说明 |\n---|---|---|---|---|\nneed_room | number | 否 | 是否需要同步创建房间 | |",
            ),
            &mut warnings,
        );
        assert_eq!(rows.len(), 1, "{rows:?} {warnings:?}");
        assert_eq!(rows[0].required, Some(false));
        assert_eq!(rows[0].description, "是否需要同步创建房间");
    }
}
