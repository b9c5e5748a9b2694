//! `wxinvoice import`, end to end: the seed page must reproduce the committed
//! `get_auth_data.yaml` apart from names a human chose, and the Chinese pages must import.

mod common;

use std::fs;
use std::path::Path;

use common::{code, copy_spec, fixture, repo_spec, run_in, stderr, stdout};
use wechat_invoice_codegen::SourceFile;
use wechat_invoice_codegen::load::parse_one;
use wechat_invoice_codegen::spec::{EndpointFile, Field, OrderedMap};

/// A spec directory with the repository's error tables and types but no endpoints.
fn spec_without_endpoints(dir: &Path) {
    copy_spec(&repo_spec(), &dir.join("spec"), &["errors", "types"]);
    fs::create_dir_all(dir.join("spec/endpoints")).expect("mkdir");
}

fn endpoint_file(path: &Path) -> EndpointFile {
    let source = SourceFile {
        path: path.to_path_buf(),
        text: fs::read_to_string(path).expect("read"),
    };
    parse_one(&source).unwrap_or_else(|problem| panic!("{problem}"))
}

/// `name: type/width/required` for every field, in wire-name order.
fn shape(fields: &OrderedMap<Field>, with_required: bool) -> Vec<String> {
    let mut shape: Vec<String> = fields
        .iter()
        .map(|(name, field)| {
            let width = field.width.as_ref().map_or(64, |w| w.value);
            let ty = match field.ty.value.as_str() {
                "integer" => format!("integer{width}"),
                other => other.to_string(),
            };
            let required = if with_required {
                format!(" required={}", field.required)
            } else {
                String::new()
            };
            format!("{}: {ty}{required}", name.value)
        })
        .collect();
    shape.sort();
    shape
}

fn import(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    run_in(dir, &all)
}

#[test]
fn the_seed_page_reproduces_get_auth_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    spec_without_endpoints(dir.path());
    let page = fixture("getauthdata.md");
    let output = import(
        dir.path(),
        &[&page.to_string_lossy(), "--name", "get_auth_data"],
    );
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    assert!(stdout(&output).contains("spec/endpoints/get_auth_data.yaml validates against spec"));

    let imported = endpoint_file(&dir.path().join("spec/endpoints/get_auth_data.yaml"));
    let reference = endpoint_file(&repo_spec().join("endpoints/get_auth_data.yaml"));
    assert_eq!(imported.endpoint.value, reference.endpoint.value);
    assert_eq!(imported.wechat_name, reference.wechat_name);
    assert_eq!(imported.http.method, reference.http.method);
    assert_eq!(imported.http.path.value, reference.http.path.value);
    assert_eq!(imported.http.query, reference.http.query);
    assert_eq!(imported.http.body, reference.http.body);
    assert_eq!(imported.auth.token, reference.auth.token);
    assert_eq!(
        imported.auth.third_party_permission_sets,
        reference.auth.third_party_permission_sets
    );
    assert_eq!(imported.account_types, reference.account_types);
    assert_eq!(imported.idempotent, reference.idempotent);
    assert_eq!(
        shape(&imported.request, true),
        shape(&reference.request, true)
    );
    // Fields the reference documents from another source (`source:`, such as
    // `user_auth_info` from the older page and the SDKs) are not on this page.
    let mut from_the_page = reference.response.clone();
    from_the_page.0.retain(|(_, field)| field.source.is_none());
    assert_eq!(
        shape(&imported.response, false),
        shape(&from_the_page, false)
    );
    let codes = |file: &EndpointFile| file.errors.iter().map(|c| c.value).collect::<Vec<_>>();
    assert_eq!(codes(&imported), codes(&reference));
    // The page shows one example; the reference keeps it (and adds one a human wrote).
    assert_eq!(imported.examples.len(), 1);
    let pair = |example: &wechat_invoice_codegen::spec::Example| {
        (
            example.request.as_ref().map(|r| r.value.clone()),
            example.response.value.clone(),
        )
    };
    let reference_examples: Vec<_> = reference.examples.iter().map(pair).collect();
    for example in &imported.examples {
        assert!(
            reference_examples.contains(&pair(example)),
            "example {:?} is not in the reference",
            pair(example)
        );
    }
}

#[test]
fn every_guess_is_said_on_stderr() {
    let dir = tempfile::tempdir().expect("temp dir");
    spec_without_endpoints(dir.path());
    let output = import(dir.path(), &[&fixture("getauthdata.md").to_string_lossy()]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stderr(&output);
    assert!(
        text.contains(
            "guess: endpoint name `get_auth_data` is a guess from `invoiceBizGetAuthData`"
        ),
        "{text}"
    );
    assert!(text.contains("guess: group `merchant`"), "{text}");
    assert!(text.contains("guess: idempotent: true"), "{text}");
    assert!(
        text.contains("guess: title and descriptions are the doc's text"),
        "{text}"
    );
    assert!(
        dir.path()
            .join("spec/endpoints/get_auth_data.yaml")
            .is_file()
    );
}

/// What the real pages leave the importer unable to express is said on stderr, per page:
/// the endpoints of a page of several that were skipped, a variable query parameter, a
/// binary answer, a pseudo-row, a cut-off example.
#[test]
fn what_a_real_page_cannot_give_is_said_on_stderr() {
    let cases = [
        (
            "vendor_api_list.zh.cut.md",
            vec![
                "could not read: the page documents 2 endpoints (`1 获取授权页ticket`, `2 获取授权页链接`); imported the first, `1 获取授权页ticket`; skipped `2 获取授权页链接`",
                "guess: the call `GET /cgi-bin/ticket/getticket` is pieced together",
            ],
        ),
        (
            "uploadtempmedia.en.cut.md",
            vec![
                "guess: query `type=TYPE` (Media types, including image, voice, video (video), and thumbnail) varies per call: the spec has no variable query parameter",
            ],
        ),
        (
            "upload_temp_media_mp.en.cut.md",
            vec![
                "guess: query `type=TYPE` is a placeholder whose only valid value on the page is `image`",
                "guess: request row `type` is a query parameter of the call line, not a body field",
            ],
        ),
        (
            "create_qr_code.zh.cut.md",
            vec!["guess: response row `buffer` (Buffer) is the answer's raw bytes"],
        ),
        (
            "card_code_get.en.cut.md",
            vec![
                "guess: the row `POST data | yes | JSON data |` says the body is JSON; it is not a field",
                "guess: error code 40127 is listed because an example answer shows it",
            ],
        ),
        (
            "get_phone_number.zh.cut.md",
            vec!["could not read: the example under `返回数据示例` is cut off"],
        ),
    ];
    for (file, lines) in cases {
        let dir = tempfile::tempdir().expect("temp dir");
        spec_without_endpoints(dir.path());
        let page = fixture(&format!("corpus/real/{file}"));
        let output = import(dir.path(), &[&page.to_string_lossy(), "--name", "page"]);
        let text = stderr(&output);
        for line in lines {
            assert!(
                text.lines().any(|l| l.contains(file) && l.contains(line)),
                "{file}: no `{line}` in\n{text}"
            );
        }
    }
}

#[test]
fn a_chinese_markdown_page_imports() {
    let dir = tempfile::tempdir().expect("temp dir");
    spec_without_endpoints(dir.path());
    let output = import(
        dir.path(),
        &[&fixture("rejectinsert.zh.md").to_string_lossy()],
    );
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    let file = endpoint_file(&dir.path().join("spec/endpoints/reject_insert.yaml"));
    assert_eq!(file.wechat_name, "invoiceRejectInsert");
    assert_eq!(file.title, "拒绝开票");
    assert_eq!(file.http.path.value, "/card/invoice/rejectinsert");
    assert!(!file.idempotent, "an insert path is not idempotent");
    assert_eq!(file.auth.third_party_permission_sets, [26]);
    assert_eq!(
        shape(&file.request, true),
        [
            "order_id: string required=true",
            "reason: string required=true",
            "s_pappid: string required=true",
            "url: string required=false"
        ]
    );
    assert!(
        file.response.is_empty(),
        "errcode and errmsg are not response fields"
    );
    assert_eq!(
        file.errors.iter().map(|c| c.value).collect::<Vec<_>>(),
        [72031, 72035, 72038]
    );
    assert_eq!(file.examples.len(), 1);
    assert_eq!(file.notes.len(), 1);
    assert!(
        stderr(&output).contains("idempotent: false"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_flattened_chinese_page_imports() {
    let dir = tempfile::tempdir().expect("temp dir");
    spec_without_endpoints(dir.path());
    let output = import(
        dir.path(),
        &[&fixture("getauthurl.zh.flat.md").to_string_lossy()],
    );
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    let file = endpoint_file(&dir.path().join("spec/endpoints/get_auth_url.yaml"));
    assert_eq!(file.wechat_name, "invoiceBizGetAuthUrl");
    assert_eq!(
        shape(&file.request, true),
        [
            "money: integer64 required=true",
            "order_id: string required=true",
            "redirect_url: string required=false",
            "s_pappid: string required=true",
            "source: string required=true",
            "ticket: string required=true",
            "timestamp: integer64 required=true",
            "type: integer64 required=true",
        ]
    );
    let (_, kind) = file
        .request
        .iter()
        .find(|(name, _)| name.value == "type")
        .expect("type field");
    assert_eq!(
        kind.rust_name.as_ref().map(|n| n.value.as_str()),
        Some("kind")
    );
    assert_eq!(
        shape(&file.response, false),
        ["appid: string", "auth_url: string"]
    );
    assert_eq!(file.account_types.len(), 2);
    // 40001 is a general code every endpoint inherits.
    assert_eq!(
        file.errors.iter().map(|c| c.value).collect::<Vec<_>>(),
        [72015, 72031]
    );
    assert!(
        stderr(&output).contains("error code 40001 (InvalidCredential) is a general code"),
        "{}",
        stderr(&output)
    );
    assert!(file.notes.is_empty(), "\"no special notes\" is not a note");
}

#[test]
fn unknown_error_codes_are_proposed_and_fail_validation() {
    let dir = tempfile::tempdir().expect("temp dir");
    spec_without_endpoints(dir.path());
    let page = fs::read_to_string(fixture("getauthdata.md")).expect("read");
    let page = page.replace(
        "72043billing_code or billing_no size error",
        "72099made up errorSomething went wrong, try later\n72043billing_code or billing_no size error",
    );
    fs::write(dir.path().join("page.md"), page).expect("write");
    let output = import(dir.path(), &["page.md", "--name", "get_auth_data"]);
    assert_eq!(code(&output), 1);
    let text = stderr(&output);
    assert!(
        text.contains("  - code: 72099\n    variant: MadeUpError\n    errmsg: made up error\n"),
        "{text}"
    );
    let report = stdout(&output);
    assert!(
        report.contains("error[unknown-error-code]: error code 72099"),
        "{report}"
    );
    assert!(
        report.contains("was written, but has problems to fix"),
        "{report}"
    );
}

#[test]
fn an_existing_file_is_kept_without_force() {
    let dir = tempfile::tempdir().expect("temp dir");
    spec_without_endpoints(dir.path());
    let page = fixture("getauthdata.md");
    let page = page.to_string_lossy();
    assert_eq!(code(&import(dir.path(), &[&page])), 0);
    let again = import(dir.path(), &[&page]);
    assert_eq!(code(&again), 2);
    assert!(
        stderr(&again).contains("already exists; pass --force"),
        "{}",
        stderr(&again)
    );
    assert_eq!(code(&import(dir.path(), &[&page, "--force"])), 0);
}

#[test]
fn an_out_directory_outside_the_spec_is_checked_against_spec() {
    let dir = tempfile::tempdir().expect("temp dir");
    spec_without_endpoints(dir.path());
    let output = import(
        dir.path(),
        &[
            &fixture("getauthdata.md").to_string_lossy(),
            "--out",
            "drafts",
        ],
    );
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    assert!(dir.path().join("drafts/get_auth_data.yaml").is_file());
    assert!(
        stderr(&output).contains("validated as `spec/endpoints/get_auth_data.yaml`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn bad_input_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    spec_without_endpoints(dir.path());
    fs::write(
        dir.path().join("empty.md"),
        "# Nothing here\n\nJust text.\n",
    )
    .expect("write");
    let no_call = import(dir.path(), &["empty.md"]);
    assert_eq!(code(&no_call), 2);
    assert!(
        stderr(&no_call).contains("has no call line"),
        "{}",
        stderr(&no_call)
    );

    let missing = import(dir.path(), &["missing.md"]);
    assert_eq!(code(&missing), 2);
    assert!(
        stderr(&missing).starts_with("error: cannot read `missing.md`"),
        "{}",
        stderr(&missing)
    );

    let bad_name = import(dir.path(), &["empty.md", "--name", "GetAuthData"]);
    assert_eq!(code(&bad_name), 2);
    assert!(
        stderr(&bad_name).contains("not a snake_case"),
        "{}",
        stderr(&bad_name)
    );

    let binary = dir.path().join("binary.md");
    fs::write(&binary, [0xff, 0xfe, 0x00, 0x01]).expect("write");
    assert_eq!(code(&import(dir.path(), &["binary.md"])), 2);
}

/// One measured part of an import: how many expected items the importer got right.
#[derive(Debug, Default, Clone, Copy)]
struct Score {
    found: usize,
    expected: usize,
}

impl Score {
    fn add(&mut self, ok: bool) {
        self.expected += 1;
        if ok {
            self.found += 1;
        }
    }

    fn merge(&mut self, other: Score) {
        self.found += other.found;
        self.expected += other.expected;
    }

    fn percent(self) -> f64 {
        if self.expected == 0 {
            100.0
        } else {
            100.0 * self.found as f64 / self.expected as f64
        }
    }
}

/// Recall of one page, by category: fields, types, required flags, error codes, route
/// (method, path, query, body kind), doc_url.
const CATEGORIES: [&str; 6] = ["fields", "types", "required", "errors", "route", "doc_url"];

fn yaml_value(path: &Path) -> serde_json::Value {
    let text = fs::read_to_string(path).expect("read YAML");
    serde_saphyr::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// Scores the fields of `expected` (a spec `request:`/`response:` map) against `found`.
fn score_fields(
    expected: &serde_json::Value,
    found: Option<&serde_json::Value>,
    scores: &mut [Score; 6],
) {
    let Some(fields) = expected.as_object() else {
        return;
    };
    for (name, want) in fields {
        let got = found.and_then(|found| found.get(name));
        scores[0].add(got.is_some());
        let ty = |v: Option<&serde_json::Value>| {
            let v = v?;
            let outer = v.get("type")?.as_str()?.to_string();
            let inner = v
                .get("items")
                .and_then(|items| items.get("type"))
                .and_then(|t| t.as_str())
                .unwrap_or_default();
            Some(format!("{outer}<{inner}>"))
        };
        scores[1].add(got.is_some() && ty(Some(want)) == ty(got));
        let required = |v: Option<&serde_json::Value>| {
            v.and_then(|v| v.get("required"))
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false)
        };
        scores[2].add(got.is_some() && required(Some(want)) == required(got));
        let nested = |v: &serde_json::Value| {
            v.get("fields")
                .or_else(|| v.get("items").and_then(|items| items.get("fields")))
                .cloned()
        };
        if let Some(inner) = nested(want) {
            let got_inner = got.and_then(nested);
            score_fields(&inner, got_inner.as_ref(), scores);
        }
    }
}

/// The codes of `spec/errors/general.yaml`, read from the file: every endpoint's generated
/// error enum includes them (`inherited: true`), so the importer leaves them out on purpose.
fn general_codes() -> Vec<i64> {
    let table = yaml_value(&repo_spec().join("errors/general.yaml"));
    assert_eq!(
        table.get("inherited").and_then(serde_json::Value::as_bool),
        Some(true),
        "general.yaml is inherited by every endpoint"
    );
    let codes: Vec<i64> = table
        .get("errors")
        .and_then(serde_json::Value::as_array)
        .expect("general.yaml lists errors")
        .iter()
        .filter_map(|entry| entry.get("code").and_then(serde_json::Value::as_i64))
        .collect();
    assert!(!codes.is_empty(), "general.yaml lists no codes");
    codes
}

/// A page's scores, how many fields or query keys the importer wrote that the expected file
/// does not have (not part of recall; a sign of rows misread as fields), and how many expected
/// error codes the importer left out that count as found only because they are in
/// `general` (codes every endpoint inherits from `spec/errors/general.yaml`).
fn score_page(
    expected: &serde_json::Value,
    found: Option<&serde_json::Value>,
    general: &[i64],
) -> ([Score; 6], usize, usize) {
    let mut scores = [Score::default(); 6];
    let mut extra = 0;
    for side in ["request", "response"] {
        let want = expected.get(side).cloned().unwrap_or(serde_json::json!({}));
        let got = found.and_then(|f| f.get(side));
        score_fields(&want, got, &mut scores);
        extra += extra_fields(&want, got);
    }

    let codes = |v: Option<&serde_json::Value>| -> Vec<i64> {
        v.and_then(|v| v.get("errors"))
            .and_then(serde_json::Value::as_array)
            .map(|codes| codes.iter().filter_map(serde_json::Value::as_i64).collect())
            .unwrap_or_default()
    };
    let got_codes = codes(found);
    let mut inherited = 0;
    for code in codes(Some(expected)) {
        // A general code the importer left out is still in the endpoint's generated enum; it
        // counts only if something was written at all.
        let by_inheritance =
            found.is_some() && !got_codes.contains(&code) && general.contains(&code);
        inherited += usize::from(by_inheritance);
        scores[3].add(got_codes.contains(&code) || by_inheritance);
    }
    let http = |v: Option<&serde_json::Value>, key: &str| {
        v.and_then(|v| v.get("http"))
            .and_then(|h| h.get(key))
            .cloned()
    };
    for key in ["method", "path", "body"] {
        scores[4].add(
            http(Some(expected), key).is_some() && http(Some(expected), key) == http(found, key),
        );
    }
    if let Some(query) = http(Some(expected), "query").and_then(|q| q.as_object().cloned()) {
        for (key, value) in query {
            let got = http(found, "query").and_then(|q| q.get(&key).cloned());
            scores[4].add(got.as_ref() == Some(&value));
        }
    }
    let url = |v: Option<&serde_json::Value>| v.and_then(|v| v.get("doc_url")).cloned();
    scores[5].add(url(found).is_some() && url(Some(expected)) == url(found));
    if let Some(query) = http(found, "query").and_then(|q| q.as_object().cloned()) {
        let want = http(Some(expected), "query");
        extra += query
            .keys()
            .filter(|key| want.as_ref().and_then(|w| w.get(key.as_str())).is_none())
            .count();
    }
    (scores, extra, inherited)
}

/// Fields in `found` (nested ones too) that `expected` does not list.
fn extra_fields(expected: &serde_json::Value, found: Option<&serde_json::Value>) -> usize {
    let Some(found) = found.and_then(serde_json::Value::as_object) else {
        return 0;
    };
    let nested = |v: &serde_json::Value| {
        v.get("fields")
            .or_else(|| v.get("items").and_then(|items| items.get("fields")))
            .cloned()
    };
    found
        .iter()
        .map(|(name, got)| match expected.get(name) {
            None => 1,
            Some(want) => match nested(got) {
                Some(inner) => {
                    extra_fields(&nested(want).unwrap_or(serde_json::json!({})), Some(&inner))
                }
                None => 0,
            },
        })
        .sum()
}

/// Recall over one corpus directory: each page is imported into a spec directory with the
/// repository's error tables, and the file written is compared with `<stem>.expected.yaml`
/// (the stem is the file name up to its first dot). Prints a table per page and the totals;
/// returns the overall recall in percent.
fn measure_corpus(name: &str) -> f64 {
    let corpus = fixture(&format!("corpus/{name}"));
    let mut pages: Vec<_> = fs::read_dir(&corpus)
        .expect("corpus")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension().is_some_and(|ext| ext == "md")
                && path.file_name().is_some_and(|n| n != "SOURCES.md")
        })
        .collect();
    pages.sort();
    assert!(pages.len() >= 5, "the corpus has {} pages", pages.len());
    let general = general_codes();
    let mut total = [Score::default(); 6];
    let mut extra_total = 0;
    let mut inherited_total = 0;
    println!("corpus {name}: {} pages", pages.len());
    println!("page | {} | extra", CATEGORIES.join(" | "));
    for page in &pages {
        let file = page
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let stem = file.split('.').next().unwrap_or_default();
        let expected = yaml_value(&corpus.join(format!("{stem}.expected.yaml")));
        let dir = tempfile::tempdir().expect("temp dir");
        spec_without_endpoints(dir.path());
        let output = import(
            dir.path(),
            &[
                &page.to_string_lossy(),
                "--out",
                "spec/endpoints",
                "--name",
                stem,
            ],
        );
        let written = dir.path().join(format!("spec/endpoints/{stem}.yaml"));
        let found = written.exists().then(|| yaml_value(&written));
        if found.is_none() {
            // Scored as nothing recovered (every expected item missed).
            println!("{file}: nothing written: {}", stderr(&output).trim());
        }
        let (scores, extra, inherited) = score_page(&expected, found.as_ref(), &general);
        let cells: Vec<String> = scores
            .iter()
            .map(|s| format!("{}/{}", s.found, s.expected))
            .collect();
        println!("{file} | {} | {extra}", cells.join(" | "));
        for (sum, score) in total.iter_mut().zip(scores) {
            sum.merge(score);
        }
        extra_total += extra;
        inherited_total += inherited;
    }
    let mut all = Score::default();
    let cells: Vec<String> = total
        .iter()
        .map(|s| {
            all.merge(*s);
            format!("{:.1}% ({}/{})", s.percent(), s.found, s.expected)
        })
        .collect();
    println!("total | {} | {extra_total}", cells.join(" | "));
    println!(
        "corpus {name}: {inherited_total} error code(s) left out by the importer counted as found \
         because spec/errors/general.yaml has them (every endpoint inherits them)"
    );
    println!(
        "corpus {name}: overall recall {:.1}% ({}/{}); {extra_total} field(s) or query key(s) not expected",
        all.percent(),
        all.found,
        all.expected
    );
    all.percent()
}

/// One test per corpus: its recall must stay at or above the floor, the figure last measured
/// (README "Importer recall"), so a change that loses recall anywhere fails; each prints its
/// table (run with `--nocapture`). The goal of issue 15 is 95%.
macro_rules! recall_tests {
    ($($(#[doc = $doc:literal])* $test:ident: $corpus:literal >= $floor:literal;)*) => {
        $(
            $(#[doc = $doc])*
            #[test]
            fn $test() {
                let recall = measure_corpus($corpus);
                assert!(recall >= $floor, "{}: overall recall {recall:.1}%", $corpus);
            }
        )*
    };
}

recall_tests! {
    /// The importer's recall over `cli/tests/fixtures/corpus/reconstructed/`: five pages written
    /// while the importer was extended (see its SOURCES.md), so not held out.
    recall_over_the_reconstructed_corpus: "reconstructed" >= 98.2;
    /// The importer's recall over `cli/tests/fixtures/corpus/real/`: twelve captured WeChat pages
    /// whose expected specs were written and committed before the importer was run on them (see
    /// its SOURCES.md). Before the importer was extended for them it scored 48.3% (102/211).
    recall_over_the_real_corpus: "real" >= 99.9;
    /// The importer's recall over `cli/tests/fixtures/corpus/heldout/`: nine captured WeChat pages
    /// of API families the importer had not seen, whose expected specs were written and committed
    /// before the importer was run on them (see its SOURCES.md). Before the importer was changed
    /// for them it scored 61.7% (116/188) when general codes counted as misses, 63.3% (119/188)
    /// under the present scoring (derived, see README "Importer recall"), the held-out figure;
    /// after, 99.5% (187/188), and 100% (188/188) once a GET was given no body (fourth held-out
    /// set).
    recall_over_the_heldout_corpus: "heldout" >= 99.9;
    /// The importer's recall over `cli/tests/fixtures/corpus/heldout2/`: ten captured WeChat pages
    /// of API families none of the other corpora has, whose expected specs were written and
    /// committed before the importer was run on them (see its SOURCES.md). Before the importer was
    /// changed for them it scored 77.3% (163/211) when general codes counted as misses, 81.5%
    /// (172/211) under the present scoring (derived), the second held-out figure; after, 99.1%
    /// (209/211, 99.05%).
    recall_over_the_second_heldout_corpus: "heldout2" >= 99.0;
    /// The importer's recall over `cli/tests/fixtures/corpus/heldout3/`: eight captured WeChat
    /// pages of API families none of the other corpora has, whose expected specs were written and
    /// committed before the importer was run on them (see its SOURCES.md). Before the importer was
    /// changed for them it scored 88.5% (223/252, 88.49%), the third held-out figure; after,
    /// 100% (252/252).
    recall_over_the_third_heldout_corpus: "heldout3" >= 99.9;
    /// The importer's recall over `cli/tests/fixtures/corpus/heldout4/`: eight captured WeChat
    /// pages of API families none of the other corpora has, whose expected specs were written and
    /// committed before the importer was run on them (see its SOURCES.md). Before the importer was
    /// changed for them it scored 88.6% (163/184, 88.59%), the fourth held-out figure; after,
    /// 99.5% (183/184, 99.46%).
    recall_over_the_fourth_heldout_corpus: "heldout4" >= 99.4;
    /// The importer's recall over `cli/tests/fixtures/corpus/heldout5/`: ten captured WeChat
    /// pages of API families none of the other corpora has, whose expected specs were written and
    /// committed before the importer was run on them (see its SOURCES.md). Before the importer was
    /// changed for them it scored 95.2% (217/228, 95.18%), the fifth held-out figure (measured at
    /// commit 767e901); after, 96.1% (219/228, 96.05%).
    recall_over_the_fifth_heldout_corpus: "heldout5" >= 96.0;
    /// The importer's recall over `cli/tests/fixtures/corpus/heldout6/`: ten captured WeChat
    /// pages of API families none of the other corpora has, whose expected specs were written and
    /// committed before the importer was run on them (see its SOURCES.md). Before the importer was
    /// changed for them it scored 69.3% (156/225, 69.33%), the sixth held-out figure (measured at
    /// commit 905046e); after, 99.6% (224/225, 99.56%).
    recall_over_the_sixth_heldout_corpus: "heldout6" >= 99.5;
    /// The importer's recall over `cli/tests/fixtures/corpus/heldout7/`: twelve captured WeChat
    /// pages of API families none of the other corpora has, whose expected specs were written and
    /// committed before the importer was run on them (see its SOURCES.md). Before the importer was
    /// changed for them it scored 96.9% (309/319, 96.87%), the seventh held-out figure (measured at commit
    /// 80d8c65); after, 100% (319/319).
    recall_over_the_seventh_heldout_corpus: "heldout7" >= 99.9;
    /// The importer's recall over `cli/tests/fixtures/corpus/heldout8/`: twelve captured WeChat
    /// pages of API families none of the other corpora has, whose expected specs were written and
    /// committed before the importer was run on them (see its SOURCES.md). Before the importer was
    /// changed for them it scored 97.8% (264/270, 97.78%), the eighth held-out figure (measured at
    /// commit 7cd9427); after, 99.3% (268/270).
    recall_over_the_eighth_heldout_corpus: "heldout8" >= 99.2;
    /// The importer's recall over `cli/tests/fixtures/corpus/heldout9/`: five captured WeChat pages
    /// of API families none of the other corpora has (the page store held no more such pages),
    /// whose expected specs were written and committed before the importer was run on them (see its
    /// SOURCES.md). Before the importer was changed for them it scored 95.2% (140/147, 95.24%), the
    /// ninth held-out figure (measured at commit 7215480); after, 100% (147/147).
    recall_over_the_ninth_heldout_corpus: "heldout9" >= 99.9;
}

/// `import --into`: a changed page updates the reviewed file, keeps every curated key and
/// prints each conflict.
#[test]
fn a_changed_page_merges_into_the_reviewed_spec() {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_spec(
        &repo_spec(),
        &dir.path().join("spec"),
        &["endpoints", "errors", "types"],
    );
    let page = fs::read_to_string(fixture("rejectinsert.zh.md")).expect("read");
    let page = common::edit(&page, "| url | string | 否 |", "| url | string | 是 |");
    let page = common::edit(
        &page,
        "| url | string |",
        "| memo | integer | 否 | 备注 |\n| url | string |",
    );
    fs::write(dir.path().join("page.md"), page).expect("write");
    let before =
        fs::read_to_string(repo_spec().join("endpoints/reject_insert.yaml")).expect("read");

    let output = import(
        dir.path(),
        &["page.md", "--into", "spec", "--name", "reject_insert"],
    );
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    assert!(
        stdout(&output).contains("merged into spec/endpoints/reject_insert.yaml (from page.md)")
    );
    let report = stderr(&output);
    for line in [
        "page.md: changed: request.url: required false → true (the page)",
        "page.md: changed: request.memo: added (new on the page)",
        "page.md: changed: errors: 72035 added (new on the page)",
        "page.md: conflict: request.order_id: kept the spec's description; the page says: 订单 id",
        "page.md: conflict: idempotent: kept true; the importer's guess from the path is false",
    ] {
        assert!(report.contains(line), "no `{line}` in:\n{report}");
    }

    let after_path = dir.path().join("spec/endpoints/reject_insert.yaml");
    let after = fs::read_to_string(&after_path).expect("read");
    // Every curated line is still there, except the changed `errors:` list.
    for line in before.lines().filter(|line| !line.starts_with("errors:")) {
        assert!(
            after.lines().any(|kept| kept == line),
            "lost `{line}`:\n{after}"
        );
    }
    let merged = endpoint_file(&after_path);
    let reference = endpoint_file(&repo_spec().join("endpoints/reject_insert.yaml"));
    assert_eq!(merged.idempotent, reference.idempotent);
    assert_eq!(merged.examples.len(), reference.examples.len());
    assert_eq!(merged.notes, reference.notes);
    let shape = shape(&merged.request, true);
    assert!(
        shape.contains(&"url: string required=true".to_string()),
        "{shape:?}"
    );
    assert!(
        shape.contains(&"memo: integer64 required=false".to_string()),
        "{shape:?}"
    );
    let codes: Vec<i64> = merged.errors.iter().map(|c| c.value).collect();
    assert_eq!(codes, [72031, 72035, 72038]);

    // Importing the same page again changes nothing more.
    let again = import(
        dir.path(),
        &["page.md", "--into", "spec", "--name", "reject_insert"],
    );
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert!(
        stderr(&again).contains("0 change(s) from the page"),
        "{}",
        stderr(&again)
    );
    assert_eq!(fs::read_to_string(&after_path).expect("read"), after);
}

/// A page documenting several `action`s of one path: `--name` picks the action, and the
/// others are named on stderr.
#[test]
fn a_page_with_several_actions_imports_the_named_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    spec_without_endpoints(dir.path());
    let page = fs::read_to_string(fixture("rejectinsert.zh.md")).expect("read");
    let page = common::edit(
        &page,
        "POST https://api.weixin.qq.com/card/invoice/rejectinsert?access_token=ACCESS_TOKEN",
        "POST https://api.weixin.qq.com/card/invoice/setbizattr?action=set_auth_field&access_token=ACCESS_TOKEN\n```\n\n```\nPOST https://api.weixin.qq.com/card/invoice/setbizattr?action=get_auth_field&access_token=ACCESS_TOKEN",
    );
    fs::write(dir.path().join("page.md"), page).expect("write");
    let output = import(dir.path(), &["page.md", "--name", "get_auth_field"]);
    let report = stderr(&output);
    assert!(report.contains("the page documents 2 calls"), "{report}");
    let written =
        fs::read_to_string(dir.path().join("spec/endpoints/get_auth_field.yaml")).expect("written");
    assert!(written.contains("    action: get_auth_field"), "{written}");
    assert!(!written.contains("set_auth_field"), "{written}");

    let output = import(dir.path(), &["page.md", "--name", "set_auth_field"]);
    assert!(stderr(&output).contains("the page documents 2 calls"));
    let written =
        fs::read_to_string(dir.path().join("spec/endpoints/set_auth_field.yaml")).expect("written");
    assert!(written.contains("    action: set_auth_field"), "{written}");
}

/// A page documenting several endpoints under numbered titles, imported without `--name`,
/// gives one file per endpoint, each read from its own part of the page; with `--name` only
/// the first is written and the others are said as skipped.
#[test]
fn a_page_of_several_endpoints_writes_one_file_per_endpoint() {
    let dir = tempfile::tempdir().expect("temp dir");
    spec_without_endpoints(dir.path());
    let page = fixture("corpus/heldout/user_tag_management.en.cut.md");
    let output = import(dir.path(), &[&page.to_string_lossy()]);
    let report = stderr(&output);
    // The page names no interface, so each name is the path's last two segments (`tags_create`,
    // not `create`), said on stderr as a guess.
    let expected = [
        (
            "tags_create",
            "POST",
            "/cgi-bin/tags/create",
            "1. Creating Tags",
        ),
        (
            "tags_get",
            "GET",
            "/cgi-bin/tags/get",
            "2. Obtaining the Official Account's Created Tags",
        ),
        (
            "tags_update",
            "POST",
            "/cgi-bin/tags/update",
            "3. Editing Tags",
        ),
    ];
    for (index, (name, method, path, title)) in expected.iter().enumerate() {
        let file = dir.path().join(format!("spec/endpoints/{name}.yaml"));
        let written = endpoint_file(&file);
        assert_eq!(written.http.method.as_str(), *method, "{name}");
        assert_eq!(written.http.path.value, *path, "{name}");
        assert_eq!(
            written.doc_url,
            "https://developers.weixin.qq.com/doc/offiaccount/en/User_Management/User_Tag_Management.html",
            "{name}: every part takes the page's address"
        );
        assert!(
            report.contains(&format!(
                "this file is endpoint {} of them, `{title}`",
                index + 1
            )),
            "{report}"
        );
        assert!(
            report.contains(&format!(
                "so it is `{name}`, from the path's last two segments"
            )),
            "{report}"
        );
        assert!(
            report.contains(&format!("endpoint name `{name}` is a guess")),
            "{report}"
        );
        assert_eq!(written.wechat_name, *name);
    }
    // Each file holds its own part only: the create call's codes, not the edit call's 45058.
    let create =
        fs::read_to_string(dir.path().join("spec/endpoints/tags_create.yaml")).expect("read");
    assert!(
        create.contains("45056") && !create.contains("45058"),
        "{create}"
    );
    let update =
        fs::read_to_string(dir.path().join("spec/endpoints/tags_update.yaml")).expect("read");
    assert!(
        update.contains("45058") && !update.contains("45056"),
        "{update}"
    );
    let listed = fs::read_dir(dir.path().join("spec/endpoints"))
        .expect("list")
        .count();
    assert_eq!(listed, 3);

    // With --name: the first endpoint only, the others named as skipped.
    let named = tempfile::tempdir().expect("temp dir");
    spec_without_endpoints(named.path());
    let output = import(
        named.path(),
        &[&page.to_string_lossy(), "--name", "create_tag"],
    );
    assert!(
        stderr(&output).contains("the page documents 3 endpoints"),
        "{}",
        stderr(&output)
    );
    let listed: Vec<_> = fs::read_dir(named.path().join("spec/endpoints"))
        .expect("list")
        .flatten()
        .map(|entry| entry.file_name())
        .collect();
    assert_eq!(listed, ["create_tag.yaml"]);
}

/// A part of a page of several endpoints that is cut off before its call is said on stderr
/// and makes the exit code 1; the other parts are still written.
#[test]
fn a_cut_off_part_of_a_page_of_several_endpoints_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    spec_without_endpoints(dir.path());
    let page = fixture("corpus/real/vendor_api_list.zh.cut.md");
    let output = import(dir.path(), &[&page.to_string_lossy()]);
    let report = stderr(&output);
    assert_eq!(code(&output), 1, "{report}");
    assert!(
        report.contains("endpoint `2 获取授权页链接` not imported: the page has no call line"),
        "{report}"
    );
    // The page names no interface: the name is the path's last two segments.
    let written = endpoint_file(&dir.path().join("spec/endpoints/ticket_getticket.yaml"));
    assert_eq!(written.http.path.value, "/cgi-bin/ticket/getticket");
}

#[test]
fn an_event_page_is_skipped_with_a_note_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    spec_without_endpoints(dir.path());
    let page = fixture("user_authorize_invoice.event.md");
    let output = import(dir.path(), &[&page.to_string_lossy()]);
    let text = stderr(&output);
    assert_eq!(code(&output), 0, "{text}");
    assert!(stdout(&output).is_empty(), "{}", stdout(&output));
    assert!(
        text.contains(
            "skipped: this page describes the pushed event `user_authorize_invoice`, not an \
             endpoint; `wxinvoice import` does not write event files yet. Describe the event \
             by hand in spec/events/user_authorize_invoice.yaml"
        ),
        "{text}"
    );
    assert!(
        text.contains("user_authorize_invoice.event.md: skipped"),
        "{text}"
    );
    assert!(!text.contains("guess:"), "nothing was drafted: {text}");
    let written: Vec<_> = fs::read_dir(dir.path().join("spec/endpoints"))
        .expect("endpoints")
        .flatten()
        .map(|entry| entry.file_name())
        .collect();
    assert!(written.is_empty(), "no endpoint file: {written:?}");
    assert!(
        !dir.path().join("spec/events").exists(),
        "no event file either"
    );
}

#[test]
fn an_event_page_with_an_out_directory_writes_nothing_there() {
    let dir = tempfile::tempdir().expect("temp dir");
    spec_without_endpoints(dir.path());
    let page = fs::read_to_string(fixture("user_authorize_invoice.event.md")).expect("read");
    // Only the envelope table, no sample: still an event page, of an unnamed event.
    let table_only = page
        .split("# 2. Push example")
        .next()
        .expect("the first part")
        .to_string();
    fs::write(dir.path().join("push.md"), table_only).expect("write");
    let output = import(dir.path(), &["push.md", "--out", "drafts"]);
    let text = stderr(&output);
    assert_eq!(code(&output), 0, "{text}");
    assert!(
        text.contains("push.md: skipped: this page describes a pushed event, not an endpoint"),
        "{text}"
    );
    assert!(text.contains("spec/events/<event>.yaml"), "{text}");
    let drafts = dir.path().join("drafts");
    let empty = !drafts.exists() || fs::read_dir(&drafts).expect("drafts").next().is_none();
    assert!(empty, "nothing written to --out");
}
