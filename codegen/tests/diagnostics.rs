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
fn a_field_named_build_needs_another_rust_name() {
    let broken = ENDPOINT.replace("  order_id:\n", "  build:\n");
    let broken = broken.replace("order_id: \"1\"", "build: \"1\"");
    let problem = only_problem(&spec_with(&broken));
    assert_eq!(problem.check, Check::InvalidIdentifier);
    assert_eq!((problem.position.line, problem.position.column), (17, 3));
    assert_eq!(
        problem.message,
        "field `build` of `GetAuthDataRequest` would clash with its builder's `build()`"
    );
    assert_eq!(
        problem.help.as_deref(),
        Some("set another name for Rust, e.g. `rust_name: build_value`")
    );
    let fixed = broken.replace(
        "  build:\n    type: string",
        "  build:\n    type: string\n    rust_name: build_number",
    );
    assert!(generate(&spec_with(&fixed)).is_ok(), "rust_name fixes it");
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
        "spec file outside endpoints/, types/, errors/ or events/"
    );
}

const TYPES: &str = "\
types:
  BuyerTitle:
    description: A buyer's invoice title.
    fields:
      title_name:
        type: string
        description: Name on the title.
  TitleKind:
    description: Kind of title.
    values:
      - value: PERSON
        variant: Person
        description: A person.
      - value: COMPANY
        variant: Company
        description: A company.
";

/// The base spec plus a `spec/types/shared.yaml` with `types`.
fn spec_with_types(types: &str) -> Vec<SourceFile> {
    let mut sources = spec_with(ENDPOINT);
    sources.push(file("spec/types/shared.yaml", types));
    sources
}

/// Every problem's rule and message, for assertions that name several.
fn summary(found: &[Diagnostic]) -> Vec<(Check, String)> {
    found.iter().map(|p| (p.check, p.message.clone())).collect()
}

#[test]
fn shared_types_are_accepted_and_checked_in_examples() {
    let uses = ENDPOINT
        .replace(
            "    description: Unix seconds.\n",
            "    description: Unix seconds.\n  title:\n    type: BuyerTitle\n    description: The title.\n  kind:\n    type: TitleKind\n    description: The kind.\n",
        )
        .replace(
            "auth_time: 1480342498}",
            "auth_time: 1480342498, title: {title_name: ACME}, kind: PERSON}",
        );
    let mut sources = spec_with(&uses);
    sources.push(file("spec/types/shared.yaml", TYPES));
    generate(&sources).expect("valid");

    sources[2].text = uses.replace("title_name: ACME", "title_name: 7");
    let problem = only_problem(&sources);
    assert_eq!(
        problem.message,
        "example `ok` does not match the spec: response.title.title_name: expected string, found integer 7"
    );
    sources[2].text = uses.replace("kind: PERSON", "kind: 1");
    let problem = only_problem(&sources);
    assert!(
        problem
            .message
            .ends_with("response.kind: expected TitleKind, found integer 1"),
        "{}",
        problem.message
    );
}

#[test]
fn a_type_name_must_be_pascal_case() {
    let problem = only_problem(&spec_with_types(
        &TYPES.replace("  BuyerTitle:", "  buyer_title:"),
    ));
    assert_eq!(problem.check, Check::InvalidIdentifier);
    assert_eq!(problem.file, PathBuf::from("spec/types/shared.yaml"));
    assert_eq!((problem.position.line, problem.position.column), (2, 3));
    assert_eq!(problem.message, "type name `buyer_title` is not PascalCase");
    assert!(
        problem
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("`BuyerTitle`"),
        "{:?}",
        problem.help
    );
}

#[test]
fn a_type_has_fields_or_values_but_not_both() {
    let both = TYPES.replace(
        "        description: Name on the title.\n",
        "        description: Name on the title.\n    values:\n      - value: X\n        variant: X\n        description: X.\n",
    );
    let problem = only_problem(&spec_with_types(&both));
    assert_eq!(problem.check, Check::InvalidValue);
    assert_eq!(
        problem.message,
        "type `BuyerTitle` has both `fields` and `values`"
    );

    let neither = TYPES.replace(
        "    fields:\n      title_name:\n        type: string\n        description: Name on the title.\n",
        "",
    );
    let problem = only_problem(&spec_with_types(&neither));
    assert_eq!(problem.check, Check::MissingKey);
    assert_eq!(
        problem.message,
        "type `BuyerTitle` has neither `fields` nor `values`"
    );
}

#[test]
fn the_fields_of_a_shared_type_are_checked() {
    let keyword = TYPES.replace("      title_name:", "      type:");
    let problem = only_problem(&spec_with_types(&keyword));
    assert_eq!(problem.check, Check::InvalidIdentifier);
    assert_eq!(
        problem.message,
        "field `type` of `BuyerTitle` is a Rust keyword"
    );
}

#[test]
fn enum_values_and_variants_must_be_usable() {
    let found = problems(&spec_with_types(
        &TYPES.replace("        variant: Company", "        variant: Person"),
    ));
    assert_eq!(
        summary(&found),
        vec![(
            Check::DuplicateName,
            "enum `TitleKind` has two variants named `Person`".to_string()
        )]
    );
    assert_eq!(found[0].position.line, 15);

    let found = problems(&spec_with_types(
        &TYPES.replace("      - value: COMPANY", "      - value: PERSON"),
    ));
    assert_eq!(
        summary(&found),
        vec![(
            Check::DuplicateName,
            "enum `TitleKind` lists the value `PERSON` twice".to_string()
        )]
    );

    for bad in ["Unknown", "person", "Per_son"] {
        let found = problems(&spec_with_types(&TYPES.replace(
            "        variant: Person",
            &format!("        variant: {bad}"),
        )));
        assert_eq!(
            summary(&found),
            vec![(
                Check::InvalidIdentifier,
                format!("enum variant `{bad}` of `TitleKind` is not a usable Rust variant name")
            )],
            "variant {bad}"
        );
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap_or_default()
                .contains("(like `Person`)"),
            "{:?}",
            found[0].help
        );
    }

    let empty = TYPES.replace(
        "    values:\n      - value: PERSON\n        variant: Person\n        description: A person.\n      - value: COMPANY\n        variant: Company\n        description: A company.\n",
        "    values: []\n",
    );
    let problem = only_problem(&spec_with_types(&empty));
    assert_eq!(problem.check, Check::InvalidValue);
    assert_eq!(problem.message, "enum `TitleKind` lists no values");
}

/// `TitleKind` as an enum of integer codes (`0`, `1`).
fn integer_kinds() -> String {
    TYPES
        .replace("value: PERSON", "value: 0")
        .replace("value: COMPANY", "value: 1")
}

#[test]
fn an_enum_of_integer_codes_takes_integers_and_never_mixes_kinds() {
    let uses = ENDPOINT
        .replace(
            "    description: Unix seconds.\n",
            "    description: Unix seconds.\n  kind:\n    type: TitleKind\n    description: The kind.\n",
        )
        .replace("auth_time: 1480342498}", "auth_time: 1480342498, kind: 1}");
    let mut sources = spec_with(&uses);
    sources.push(file("spec/types/shared.yaml", &integer_kinds()));
    let (_, files) = generate(&sources).expect("valid");
    let types = &files
        .iter()
        .find(|file| file.name == "types.rs")
        .expect("types.rs")
        .contents;
    // An enum of codes goes through the runtime's `code_enum!` (integers on the wire,
    // `Unknown(i64)`, see `src/enums.rs`), its values unquoted.
    assert!(types.contains("crate::enums::code_enum! {"), "{types}");
    assert!(types.contains("Person = 0,"), "{types}");

    // A string where the enum has integer codes.
    sources[2].text = uses.replace("kind: 1}", "kind: \"1\"}");
    let problem = only_problem(&sources);
    assert!(
        problem
            .message
            .ends_with("response.kind: expected TitleKind, found string \"1\""),
        "{}",
        problem.message
    );

    // One integer value among strings.
    let mixed = TYPES.replace("value: COMPANY", "value: 1");
    let problem = only_problem(&spec_with_types(&mixed));
    assert_eq!(problem.check, Check::InvalidValue);
    assert_eq!(
        problem.message,
        "enum `TitleKind` mixes integer and string values"
    );
}

#[test]
fn an_inline_enum_is_checked_like_a_shared_one() {
    let inline = ENDPOINT.replace(
        "    description: Unix seconds.\n",
        "    description: Unix seconds.\n  state:\n    type: enum\n    description: State.\n    values:\n      - value: A\n        variant: Same\n        description: A.\n      - value: B\n        variant: Same\n        description: B.\n",
    );
    let problem = only_problem(&spec_with(&inline));
    assert_eq!(problem.check, Check::DuplicateName);
    assert_eq!(
        problem.message,
        "enum `GetAuthDataResponseState` has two variants named `Same`"
    );
}

#[test]
fn an_inline_object_is_checked_like_a_shared_one() {
    let inline = ENDPOINT.replace(
        "    description: Unix seconds.\n",
        "    description: Unix seconds.\n  detail:\n    type: object\n    description: Detail.\n    fields:\n      fn:\n        type: string\n        description: A keyword.\n",
    );
    let problem = only_problem(&spec_with(&inline));
    assert_eq!(problem.check, Check::InvalidIdentifier);
    assert_eq!(
        problem.message,
        "field `fn` of `GetAuthDataResponseDetail` is a Rust keyword"
    );
}

#[test]
fn every_description_must_say_something() {
    let found = problems(&spec_with_types(&TYPES.replace(
        "    description: A buyer's invoice title.",
        "    description: \" \"",
    )));
    assert_eq!(
        summary(&found),
        vec![(
            Check::InvalidValue,
            "the type has an empty description".to_string()
        )]
    );

    let found = problems(&spec_with(
        &ENDPOINT.replace("    description: Order id.", "    description: \"\""),
    ));
    assert_eq!(
        summary(&found),
        vec![(
            Check::InvalidValue,
            "the field `order_id` has an empty description".to_string()
        )]
    );
    assert_eq!(found[0].position.line, 17);

    let found = problems(&spec_with(&ENDPOINT.replace(
        "description: Asks whether the user authorized the order.",
        "description: \"\"",
    )));
    assert_eq!(
        summary(&found),
        vec![(
            Check::InvalidValue,
            "the endpoint has an empty description".to_string()
        )]
    );
}

#[test]
fn generated_type_names_share_one_namespace() {
    let clash = TYPES.replace("  BuyerTitle:", "  GetAuthDataRequest:");
    let problem = only_problem(&spec_with_types(&clash));
    assert_eq!(problem.check, Check::DuplicateName);
    assert_eq!(
        problem.file,
        PathBuf::from("spec/endpoints/get_auth_data.yaml")
    );
    assert_eq!(
        problem.message,
        "endpoint type `GetAuthDataRequest` is already defined (in spec/types/shared.yaml)"
    );

    let mut sources = spec_with_types(TYPES);
    sources.push(file(
        "spec/types/more.yaml",
        "types:\n  TitleKind:\n    description: Again.\n    values:\n      - value: X\n        variant: X\n        description: X.\n",
    ));
    let problem = only_problem(&sources);
    assert_eq!(problem.check, Check::DuplicateName);
    assert_eq!(problem.file, PathBuf::from("spec/types/more.yaml"));
    assert_eq!(
        problem.message,
        "type `TitleKind` is already defined (in spec/types/shared.yaml)"
    );

    let hoisted = ENDPOINT.replace(
        "    description: Unix seconds.\n",
        "    description: Unix seconds.\n  title:\n    type: object\n    description: Inline title.\n    fields:\n      a:\n        type: string\n        description: A.\n",
    );
    let mut sources = spec_with(&hoisted);
    sources.push(file(
        "spec/types/shared.yaml",
        &TYPES.replace("  BuyerTitle:", "  GetAuthDataResponseTitle:"),
    ));
    let problem = only_problem(&sources);
    assert_eq!(
        problem.message,
        "inline object type `GetAuthDataResponseTitle` is already defined (in spec/types/shared.yaml)"
    );
}

#[test]
fn an_error_variant_may_not_be_unknown() {
    let sources = vec![
        file(
            "spec/errors/general.yaml",
            &ERRORS.replace("variant: SystemBusy", "variant: Unknown"),
        ),
        file("spec/errors/invoice.yaml", FAMILY),
        file("spec/endpoints/get_auth_data.yaml", ENDPOINT),
    ];
    let problem = only_problem(&sources);
    assert_eq!(problem.check, Check::InvalidIdentifier);
    assert_eq!(
        problem.message,
        "error variant `Unknown` (code -1) is not a usable Rust variant name"
    );
}

#[test]
fn codes_that_differ_only_in_description_conflict() {
    let general = ERRORS.to_string()
        + "  - code: 72038\n    variant: InvoiceOrderNeverAuth\n    errmsg: invoice order never auth\n    description: Other text.\n    solution: Check the ids.\n";
    let sources = vec![
        file("spec/errors/general.yaml", &general),
        file("spec/errors/invoice.yaml", FAMILY),
        file("spec/endpoints/get_auth_data.yaml", ENDPOINT),
    ];
    assert_eq!(only_problem(&sources).check, Check::ConflictingErrorCode);
}

#[test]
fn a_path_is_a_bare_absolute_path() {
    for bad in [
        "card/invoice/getauthdata",
        "/card/invoice/getauthdata?action=x",
        "/card/invoice/get authdata",
    ] {
        let broken = ENDPOINT.replace("path: /card/invoice/getauthdata", &format!("path: {bad}"));
        let problem = only_problem(&spec_with(&broken));
        assert_eq!(problem.check, Check::InvalidValue, "{bad}");
        assert_eq!(
            problem.message,
            format!("path `{bad}` must start with `/` and carry no query")
        );
    }
}

#[test]
fn numbers_in_examples_are_judged_by_their_kind() {
    let negative = ENDPOINT.replace("auth_time: 1480342498}", "auth_time: -5}");
    generate(&spec_with(&negative)).expect("a negative integer is an integer");
    let huge = ENDPOINT.replace("auth_time: 1480342498}", "auth_time: 18446744073709551615}");
    generate(&spec_with(&huge)).expect("a u64 beyond i64 is an integer");

    let float = ENDPOINT.replace("order_id: \"1\"", "order_id: 1.5");
    assert!(
        only_problem(&spec_with(&float))
            .message
            .ends_with("request.order_id: expected string, found number 1.5")
    );
}

#[test]
fn decimal_examples_are_numbers_or_numeric_strings() {
    let with_amount = |sample: &str| {
        ENDPOINT
            .replace(
                "    description: Unix seconds.\n",
                "    description: Unix seconds.\n  amount:\n    type: decimal\n    description: Yuan.\n",
            )
            .replace(
                "auth_time: 1480342498}",
                &format!("auth_time: 1480342498, amount: {sample}}}"),
            )
    };
    for good in ["12.5", "\"12.50\"", "\"-3\"", "\"7\"", "0"] {
        generate(&spec_with(&with_amount(good))).unwrap_or_else(|e| panic!("{good}: {e}"));
    }
    for bad in ["\"\"", "\"-\"", "\"abc\"", "\"1.2.3\"", "\"1e5\"", "true"] {
        let problem = only_problem(&spec_with(&with_amount(bad)));
        assert_eq!(problem.check, Check::ExampleMismatch, "{bad}");
        assert!(
            problem
                .message
                .contains("response.amount: expected decimal"),
            "{bad}: {}",
            problem.message
        );
    }
}

#[test]
fn integer_or_string_examples_are_integers_or_numeric_strings_and_take_no_width() {
    let with_kind = |extra: &str, sample: &str| {
        ENDPOINT
            .replace(
                "    description: Unix seconds.\n",
                &format!(
                    "    description: Unix seconds.\n  hylx:\n    type: integer_or_string\n{extra}    description: Industry type.\n"
                ),
            )
            .replace(
                "auth_time: 1480342498}",
                &format!("auth_time: 1480342498, hylx: {sample}}}"),
            )
    };
    for good in ["0", "\"1\"", "\" -2 \"", "7"] {
        generate(&spec_with(&with_kind("", good))).unwrap_or_else(|e| panic!("{good}: {e}"));
    }
    for bad in ["\"\"", "\"one\"", "1.5", "\"1.0\"", "true"] {
        let problem = only_problem(&spec_with(&with_kind("", bad)));
        assert_eq!(problem.check, Check::ExampleMismatch, "{bad}");
        assert!(
            problem.message.contains(
                "response.hylx: expected an integer or a numeric string (`1` or `\"1\"`)"
            ),
            "{bad}: {}",
            problem.message
        );
    }
    // `width` belongs to `integer` only: the diagnostic points at the field's type.
    let problem = only_problem(&spec_with(&with_kind("    width: 32\n", "0")));
    assert_eq!(problem.check, Check::InvalidValue);
    assert_eq!(
        problem.message,
        "`width` does not apply to type `integer_or_string`"
    );
    assert_eq!((problem.position.line, problem.position.column), (26, 11));
    // A near miss is an unknown type with the right name suggested.
    let typo = with_kind("", "0").replace("integer_or_string", "integer_or_strng");
    let problem = only_problem(&spec_with(&typo));
    assert_eq!(problem.check, Check::UnknownType);
    assert!(
        problem
            .help
            .as_deref()
            .is_some_and(|help| help.contains("`integer_or_string`")),
        "{problem:?}"
    );
}

#[test]
fn a_response_does_not_declare_the_envelope() {
    let broken = ENDPOINT.replace(
        "    description: Unix seconds.\n",
        "    description: Unix seconds.\n  errcode:\n    type: integer\n    description: The code.\n",
    );
    let problem = only_problem(&spec_with(&broken));
    assert_eq!(problem.check, Check::InvalidValue);
    assert_eq!((problem.position.line, problem.position.column), (25, 3));
    assert_eq!(
        problem.message,
        "response field `errcode` is part of WeChat's envelope, not of the response"
    );

    let aliased = ENDPOINT.replace(
        "    description: Unix seconds.\n",
        "    description: Unix seconds.\n    aliases: [errmsg]\n",
    );
    let problem = only_problem(&spec_with(&aliased));
    assert_eq!(
        problem.message,
        "response field `errmsg` is part of WeChat's envelope, not of the response"
    );
}

#[test]
fn a_broken_file_hides_nothing_elsewhere_and_marks_what_depends_on_it() {
    let sources = [
        file("spec/errors/general.yaml", "table: general\n  bad: [\n"),
        file(
            "spec/types/shared.yaml",
            "types:\n  lower_name:\n    description: x\n    values: [{value: A, variant: A, description: a}]\n",
        ),
    ];
    let failure = generate(&sources).expect_err("both files are wrong");
    let checks: Vec<Check> = failure.diagnostics().iter().map(|d| d.check).collect();
    assert!(checks.contains(&Check::YamlSyntax) || checks.contains(&Check::InvalidValue));
    assert!(checks.contains(&Check::InvalidIdentifier), "{checks:?}");
    let Failure::Spec { skipped, .. } = &failure else {
        panic!("a spec failure: {failure}");
    };
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(failure.render().ends_with(&format!("note: {}", skipped[0])));
}
