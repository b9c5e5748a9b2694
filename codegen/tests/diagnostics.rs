//! Every kind of broken spec yields a located diagnostic that says what is wrong and what to do.

use std::path::PathBuf;

use wechat_invoice_codegen::{Check, Diagnostic, Failure, SourceFile, generate};

const ERRORS: &str = "\
table: general
description: General codes.
inherited: true
errors:
  - code: -1
    variant: SystemBusy
    errmsg: system error
    description: Busy.
    solution: Retry later.
    retryable: true
";

const FAMILY: &str = "\
table: invoice
description: Family codes.
errors:
  - code: 72038
    variant: InvoiceOrderNeverAuth
    errmsg: invoice order never auth
    description: Not authorized.
    solution: Check the ids.
";

const ENDPOINT: &str = "\
endpoint: get_auth_data
wechat_name: invoiceBizGetAuthData
title: Query authorization.
description: Asks whether the user authorized the order.
doc_url: https://example.invalid/doc
group: merchant
http:
  method: POST
  path: /card/invoice/getauthdata
  body: json
idempotent: true
request:
  s_pappid:
    type: string
    required: true
    description: Platform id.
  order_id:
    type: string
    required: true
    description: Order id.
response:
  auth_time:
    type: integer
    description: Unix seconds.
errors: [72038]
examples:
  - name: ok
    request: {s_pappid: wx1, order_id: \"1\"}
    response: {errcode: 0, errmsg: ok, auth_time: 1480342498}
";

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: PathBuf::from(path),
        text: text.to_string(),
    }
}

fn spec_with(endpoint: &str) -> Vec<SourceFile> {
    vec![
        file("spec/errors/general.yaml", ERRORS),
        file("spec/errors/invoice.yaml", FAMILY),
        file("spec/endpoints/get_auth_data.yaml", endpoint),
    ]
}

fn problems(sources: &[SourceFile]) -> Vec<Diagnostic> {
    match generate(sources) {
        Ok(_) => panic!("the spec was accepted"),
        Err(Failure::Spec { diagnostics, .. }) => diagnostics.0,
        Err(other) => panic!("unexpected failure: {other}"),
    }
}

/// The only problem, checked for its rule, place and wording.
fn only_problem(sources: &[SourceFile]) -> Diagnostic {
    let mut found = problems(sources);
    assert_eq!(found.len(), 1, "expected one problem, got:\n{found:#?}");
    found.remove(0)
}

#[test]
fn the_base_spec_is_valid() {
    let (api, files) = generate(&spec_with(ENDPOINT)).expect("valid");
    assert_eq!(api.endpoints.len(), 1);
    assert!(files.iter().any(|f| f.name == "endpoints/get_auth_data.rs"));
}

#[test]
fn yaml_syntax_error() {
    let broken = ENDPOINT.replace(
        "  path: /card/invoice/getauthdata",
        "  path: [/card/invoice/getauthdata",
    );
    let problem = only_problem(&spec_with(&broken));
    assert_eq!(problem.check, Check::YamlSyntax);
    assert_eq!(
        problem.file,
        PathBuf::from("spec/endpoints/get_auth_data.yaml")
    );
    assert_eq!(problem.position.line, 9);
    assert!(
        problem
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("YAML syntax")
    );
    let rendered = problem.render(Some(&broken));
    assert!(
        rendered.starts_with("spec/endpoints/get_auth_data.yaml:9:"),
        "{rendered}"
    );
    assert!(rendered.contains("9 |   path: [/card"), "{rendered}");
}

#[test]
fn unknown_key() {
    let broken = ENDPOINT.replace(
        "    description: Order id.",
        "    description: Order id.\n    requird: true",
    );
    let problem = only_problem(&spec_with(&broken));
    assert_eq!(problem.check, Check::UnknownKey);
    assert_eq!((problem.position.line, problem.position.column), (21, 5));
    assert!(
        problem.message.contains("unknown field `requird`"),
        "{}",
        problem.message
    );
    assert!(
        problem.message.contains("required"),
        "lists the keys: {}",
        problem.message
    );
}

#[test]
fn unknown_type() {
    let broken = ENDPOINT.replace("    type: integer", "    type: integr");
    let problem = only_problem(&spec_with(&broken));
    assert_eq!(problem.check, Check::UnknownType);
    assert_eq!((problem.position.line, problem.position.column), (23, 11));
    assert_eq!(problem.message, "unknown type `integr`");
    assert!(
        problem
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("did you mean `integer`?")
    );
}

#[test]
fn missing_required_key() {
    let broken = ENDPOINT.replace("wechat_name: invoiceBizGetAuthData\n", "");
    let problem = only_problem(&spec_with(&broken));
    assert_eq!(problem.check, Check::MissingKey);
    assert_eq!(problem.message, "missing field `wechat_name`");
    assert!(problem.position.is_known());
}

#[test]
fn duplicate_endpoint() {
    let mut sources = spec_with(ENDPOINT);
    let copy = ENDPOINT.replace("endpoint: get_auth_data", "endpoint: get_auth_data_copy");
    sources.push(file("spec/endpoints/get_auth_data_copy.yaml", &copy));
    let problem = only_problem(&sources);
    assert_eq!(problem.check, Check::DuplicateEndpoint);
    assert_eq!(
        problem.file,
        PathBuf::from("spec/endpoints/get_auth_data_copy.yaml")
    );
    assert_eq!(problem.position.line, 9);
    assert!(
        problem.message.contains("POST /card/invoice/getauthdata"),
        "{}",
        problem.message
    );
    assert!(
        problem
            .message
            .contains("spec/endpoints/get_auth_data.yaml"),
        "{}",
        problem.message
    );

    let mut sources = spec_with(ENDPOINT);
    let same_name = ENDPOINT.replace("/card/invoice/getauthdata", "/card/invoice/other");
    sources.push(file("spec/other/get_auth_data.yaml", "x: 1"));
    sources.pop();
    sources.push(file("spec/endpoints/get_auth_data.yml", &same_name));
    let found = problems(&sources);
    assert!(
        found.iter().any(|p| p.check == Check::DuplicateEndpoint
            && p.message == "endpoint `get_auth_data` is already defined in spec/endpoints/get_auth_data.yaml"),
        "{found:#?}"
    );
}

#[test]
fn duplicate_variant_name() {
    let family = FAMILY.to_string()
        + "  - code: 72036\n    variant: InvoiceOrderNeverAuth\n    errmsg: invoice is busy\n    description: Busy.\n    solution: Later.\n";
    let sources = vec![
        file("spec/errors/general.yaml", ERRORS),
        file("spec/errors/invoice.yaml", &family),
        file("spec/endpoints/get_auth_data.yaml", ENDPOINT),
    ];
    let problem = only_problem(&sources);
    assert_eq!(problem.check, Check::DuplicateName);
    assert_eq!((problem.position.line, problem.position.column), (10, 14));
    assert!(
        problem
            .message
            .contains("variant `InvoiceOrderNeverAuth` names both code 72038"),
        "{}",
        problem.message
    );
}

#[test]
fn conflicting_duplicate_error_code() {
    let general = ERRORS.to_string()
        + "  - code: 72038\n    variant: InvoiceOrderNeverAuth\n    errmsg: never auth\n    description: Other text.\n    solution: Check the ids.\n";
    let sources = vec![
        file("spec/errors/general.yaml", &general),
        file("spec/errors/invoice.yaml", FAMILY),
        file("spec/endpoints/get_auth_data.yaml", ENDPOINT),
    ];
    let problem = only_problem(&sources);
    assert_eq!(problem.check, Check::ConflictingErrorCode);
    assert_eq!(problem.file, PathBuf::from("spec/errors/invoice.yaml"));
    assert_eq!(problem.position.line, 4);
    assert!(
        problem
            .message
            .starts_with("error code 72038 is defined twice with different contents")
    );
    assert!(
        problem.message.contains("spec/errors/general.yaml:11"),
        "{}",
        problem.message
    );
}

#[test]
fn an_identical_duplicate_error_code_is_accepted() {
    let general = ERRORS.to_string()
        + &FAMILY["table: invoice\ndescription: Family codes.\nerrors:\n".len()..];
    let sources = vec![
        file("spec/errors/general.yaml", &general),
        file("spec/errors/invoice.yaml", FAMILY),
        file("spec/endpoints/get_auth_data.yaml", ENDPOINT),
    ];
    assert!(generate(&sources).is_ok());
}

#[test]
fn invalid_identifier() {
    let broken = ENDPOINT.replace("  order_id:\n", "  type:\n");
    let broken = broken.replace("order_id: \"1\"", "type: \"1\"");
    let problem = only_problem(&spec_with(&broken));
    assert_eq!(problem.check, Check::InvalidIdentifier);
    assert_eq!((problem.position.line, problem.position.column), (17, 3));
    assert_eq!(
        problem.message,
        "field `type` of `GetAuthDataRequest` is a Rust keyword"
    );
    assert!(
        problem
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("rust_name")
    );

    let fixed = broken.replace(
        "  type:\n    type: string",
        "  type:\n    type: string\n    rust_name: order_type",
    );
    assert!(generate(&spec_with(&fixed)).is_ok(), "rust_name fixes it");

    let bad_name = ENDPOINT.replace("endpoint: get_auth_data", "endpoint: GetAuthData");
    let found = problems(&spec_with(&bad_name));
    assert!(found.iter().any(|p| p.check == Check::InvalidIdentifier
        && p.message == "endpoint name `GetAuthData` is not a snake_case Rust identifier"));
}

#[test]
fn example_that_does_not_match_its_schema() {
    let broken = ENDPOINT.replace("order_id: \"1\"", "order_id: 1");
    let problem = only_problem(&spec_with(&broken));
    assert_eq!(problem.check, Check::ExampleMismatch);
    assert_eq!(problem.position.line, 28);
    assert_eq!(
        problem.message,
        "example `ok` does not match the spec: request.order_id: expected string, found integer 1"
    );

    let missing = ENDPOINT.replace("{s_pappid: wx1, order_id: \"1\"}", "{s_pappid: wx1}");
    let problem = only_problem(&spec_with(&missing));
    assert!(
        problem
            .message
            .ends_with("request.order_id: required field is missing"),
        "{}",
        problem.message
    );

    let extra = ENDPOINT.replace(
        "auth_time: 1480342498}",
        "auth_time: 1480342498, invoice_status: ok}",
    );
    let problem = only_problem(&spec_with(&extra));
    assert!(
        problem
            .message
            .contains("response.invoice_status: the spec defines no such field"),
        "{}",
        problem.message
    );

    let undocumented = ENDPOINT.replace(
        "{errcode: 0, errmsg: ok, auth_time: 1480342498}",
        "{errcode: 72099, errmsg: x}",
    );
    let problem = only_problem(&spec_with(&undocumented));
    assert!(
        problem
            .message
            .contains("72099 is not among the endpoint's error codes"),
        "{}",
        problem.message
    );
}

#[test]
fn unknown_error_code_reference() {
    let broken = ENDPOINT.replace("errors: [72038]", "errors: [72039]");
    let problem = only_problem(&spec_with(&broken));
    assert_eq!(problem.check, Check::UnknownErrorCode);
    assert_eq!((problem.position.line, problem.position.column), (25, 10));
    assert!(
        problem
            .message
            .starts_with("error code 72039 is not defined in any table")
    );
    assert!(
        problem.message.contains("did you mean 72038?"),
        "{}",
        problem.message
    );
}

#[test]
fn all_problems_are_reported_in_one_run() {
    let broken = ENDPOINT
        .replace("    type: integer", "    type: integr")
        .replace("errors: [72038]", "errors: [72039]");
    let found = problems(&spec_with(&broken));
    let checks: Vec<Check> = found.iter().map(|p| p.check).collect();
    assert_eq!(checks, vec![Check::UnknownType, Check::UnknownErrorCode]);

    let mut sources = spec_with(&ENDPOINT.replace("title:", "titel:"));
    sources[0].text = ERRORS.replace("  - code: -1", "  - code: [");
    let found = problems(&sources);
    assert_eq!(found.len(), 2, "one per broken file: {found:#?}");
}

#[test]
fn a_file_outside_the_known_folders_is_reported() {
    let mut sources = spec_with(ENDPOINT);
    sources.push(file("spec/misc/notes.yaml", "a: 1"));
    let problem = only_problem(&sources);
    assert_eq!(
        problem.message,
        "spec file outside endpoints/, types/ or errors/"
    );
}
