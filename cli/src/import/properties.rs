//! Property tests: the importer never panics on arbitrary text, and whatever draft it builds
//! is written as an endpoint file the spec loader reads back with the same names and path.

use std::path::PathBuf;

use proptest::prelude::*;
use wechat_invoice_codegen::load::{SourceFile, parse_one};
use wechat_invoice_codegen::spec::EndpointFile;

use super::{draft, page, yaml};

/// The doc pages the CLI's tests import, as seeds to mutate.
const PAGES: [&str; 3] = [
    include_str!("../../tests/fixtures/getauthdata.md"),
    include_str!("../../tests/fixtures/getauthurl.zh.flat.md"),
    include_str!("../../tests/fixtures/rejectinsert.zh.md"),
];

/// Fragments that steer the page reader into its tables, examples and call lines.
const FRAGMENTS: [&str; 16] = [
    "POST https://api.weixin.qq.com/card/invoice/x?access_token=ACCESS_TOKEN",
    "GET https://api.weixin.qq.com/card/invoice/y?action=a&access_token=T",
    "## 请求参数",
    "## Response parameters",
    "## 错误码",
    "## 返回示例",
    "| 参数 | 类型 | 必填 | 说明 |",
    "| --- | --- | --- | --- |",
    "| order_id | string | 是 | 订单id |",
    "| 72038 | invoice order never auth | 订单没有授权 |",
    "```json",
    "```",
    "{\"errcode\": 0, \"errmsg\": \"ok\", \"a\": [1, {\"b\": null}]}",
    "{\"order_id\": \"1\", ",
    "权限集id为：26、35",
    "description: \"x\" # : [ { &a *b !t |",
];

/// One edit of a page's lines.
#[derive(Debug, Clone)]
enum Edit {
    Remove(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Insert(usize, String),
    CutAt(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Remove),
        any::<usize>().prop_map(Edit::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Swap(a, b)),
        (
            any::<usize>(),
            prop_oneof![
                prop::sample::select(FRAGMENTS.to_vec()).prop_map(str::to_string),
                "\\PC{0,40}",
            ]
        )
            .prop_map(|(at, text)| Edit::Insert(at, text)),
        any::<usize>().prop_map(Edit::CutAt),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for edit in edits {
        let len = lines.len().max(1);
        match edit {
            Edit::Remove(i) if !lines.is_empty() => {
                lines.remove(i % len);
            }
            Edit::Duplicate(i) if !lines.is_empty() => {
                let line = lines[i % len].clone();
                lines.insert(i % len, line);
            }
            Edit::Swap(a, b) if !lines.is_empty() => lines.swap(a % len, b % len),
            Edit::Insert(i, text) => lines.insert(i % (lines.len() + 1), text.clone()),
            Edit::CutAt(i) if !lines.is_empty() => {
                let line = &mut lines[i % len];
                let cut = line
                    .char_indices()
                    .map(|(at, _)| at)
                    .nth(i % (line.chars().count() + 1))
                    .unwrap_or(line.len());
                line.truncate(cut);
            }
            _ => {}
        }
    }
    lines.join("\n")
}

/// Reads the page and, when a draft comes out, writes it and loads the file back.
fn import_text(text: &str) -> Result<(), TestCaseError> {
    let page = page::read(text);
    let mut guesses = Vec::new();
    let Ok(draft) = draft::build(&page, None, &mut guesses) else {
        return Ok(());
    };
    let written = yaml::render(&draft);
    let source = SourceFile {
        path: PathBuf::from(format!("spec/endpoints/{}.yaml", draft.name)),
        text: written.clone(),
    };
    let loaded: EndpointFile = parse_one(&source).map_err(|problem| {
        TestCaseError::fail(format!(
            "the written file does not load: {}\n{written}",
            problem.render(Some(&written))
        ))
    })?;
    prop_assert_eq!(&loaded.endpoint.value, &draft.name);
    prop_assert_eq!(&loaded.wechat_name, &draft.wechat_name);
    prop_assert_eq!(&loaded.http.path.value, &draft.path);
    prop_assert_eq!(loaded.request.iter().count(), draft.request.len());
    prop_assert_eq!(loaded.response.iter().count(), draft.response.len());
    prop_assert_eq!(loaded.examples.len(), draft.examples.len());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        import_text(&text)?;
    }

    #[test]
    fn fragments_in_any_order_never_panic(
        lines in prop::collection::vec(
            prop_oneof![
                prop::sample::select(FRAGMENTS.to_vec()).prop_map(str::to_string),
                "\\PC{0,30}",
            ],
            0..40,
        )
    ) {
        import_text(&lines.join("\n"))?;
    }

    #[test]
    fn mutated_doc_pages_import_or_are_refused(
        seed in 0..PAGES.len(),
        edits in prop::collection::vec(edit(), 1..8),
    ) {
        import_text(&apply(PAGES[seed], &edits))?;
    }
}

#[test]
fn the_unmutated_pages_round_trip() {
    for text in PAGES {
        let page = page::read(text);
        let draft = draft::build(&page, None, &mut Vec::new()).expect("each seed page drafts");
        import_text(text).expect("and loads back");
        assert!(!draft.request.is_empty() || !draft.response.is_empty());
    }
}
