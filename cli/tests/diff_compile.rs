//! `wxinvoice diff` verdicts checked against the compiler: small callers are compiled against
//! the crate generated from the repository's spec (base) and from the same spec with four
//! changes (head), and each verdict must match what the compiler says.
//!
//! The crate is copied into a scratch workspace under `CARGO_TARGET_TMPDIR` with the
//! workspace's `Cargo.lock`, and checked with `cargo check --offline` into a target directory
//! kept there (`scratch-target`, shared with `tests/builders.rs`), so only the first run compiles the dependencies.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{code, copy_spec, repo_spec, run_in, stderr, stdout};
use serde_json::Value;

/// The repository root (the `wechat-invoice` package).
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The head's four changes to the repository's spec.
fn head_spec(dir: &Path) {
    edit_file(
        &dir.join("events/user_authorize_invoice.yaml"),
        "fields:\n  SuccOrderId:\n",
        "fields:\n  ItemCount:\n    type: integer\n    description: How many items.\n  SuccOrderId:\n",
    );
    edit_file(
        &dir.join("endpoints/get_auth_data.yaml"),
        "response:\n  invoice_status:\n",
        "response:\n  auth_channel:\n    type: string\n    description: How the user authorized.\n  invoice_status:\n",
    );
    edit_file(
        &dir.join("endpoints/get_auth_data.yaml"),
        "errors: [40078, 72015,",
        "errors: [40078, 72015, 72017,",
    );
    edit_file(
        &dir.join("endpoints/get_auth_url.yaml"),
        "request:\n  s_pappid:\n",
        "request:\n  memo:\n    type: string\n    description: A note for the page.\n  s_pappid:\n",
    );
}

fn edit_file(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).expect("spec file");
    fs::write(path, common::edit(&text, from, to)).expect("write spec file");
}

/// `Cargo.toml` of the copied crate: the repository's, without workspace, dev-dependencies
/// and benches, with the code generator found at its real path.
fn crate_manifest() -> String {
    let text = fs::read_to_string(repo().join("Cargo.toml")).expect("Cargo.toml");
    let codegen = repo().join("codegen");
    let mut kept = String::new();
    let mut keep = true;
    for line in text.lines() {
        if line.starts_with('[') {
            keep = matches!(
                line,
                "[package]" | "[lib]" | "[features]" | "[dependencies]" | "[build-dependencies]"
            );
        }
        // The workspace's shared keys do not reach the scratch workspace.
        if keep && !line.contains(".workspace = true") {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept.replace(
        "[package]",
        "[package]\nversion = \"0.1.0\"\nedition = \"2024\"",
    )
    .replace(
        "serde = { workspace = true }",
        "serde = { version = \"1\", features = [\"derive\"] }",
    )
    .replace("serde_json = { workspace = true }", "serde_json = \"1\"")
    .replace(
        "path = \"codegen\"",
        &format!("path = {:?}", codegen.display().to_string()),
    )
}

/// A scratch workspace holding the generated crate (from `spec`) and one caller package per
/// entry of `callers`.
struct Scratch {
    root: PathBuf,
}

impl Scratch {
    fn new(name: &str, spec: &Path, callers: &[(&str, &str)]) -> Scratch {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("diff-compile")
            .join(name);
        let _ = fs::remove_dir_all(&root);
        // Cargo names build outputs by a package's path relative to its workspace, so the two
        // sides' crates need distinct folders to get distinct outputs in the shared target.
        let lib_dir = format!("lib-{name}");
        let lib = root.join(&lib_dir);
        fs::create_dir_all(&lib).expect("mkdir");
        copy_tree(&repo().join("src"), &lib.join("src"));
        copy_spec(
            spec,
            &lib.join("spec"),
            &["endpoints", "types", "errors", "events"],
        );
        copy_tree(&repo().join("docs"), &lib.join("docs"));
        fs::copy(repo().join("build.rs"), lib.join("build.rs")).expect("build.rs");
        fs::write(lib.join("Cargo.toml"), crate_manifest()).expect("manifest");
        fs::copy(repo().join("Cargo.lock"), root.join("Cargo.lock")).expect("Cargo.lock");
        let mut members = vec![format!("{lib_dir:?}")];
        for (caller, source) in callers {
            let dir = root.join(caller);
            fs::create_dir_all(dir.join("src")).expect("mkdir");
            fs::write(
                dir.join("Cargo.toml"),
                format!(
                    "[package]\nname = \"{caller}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nwechat-invoice = {{ path = \"../{lib_dir}\", features = [\"regenerate\"] }}\n"
                ),
            )
            .expect("caller manifest");
            fs::write(dir.join("src/lib.rs"), source).expect("caller source");
            members.push(format!("{caller:?}"));
        }
        fs::write(
            root.join("Cargo.toml"),
            format!(
                "[workspace]\nmembers = [{}]\nresolver = \"3\"\n",
                members.join(", ")
            ),
        )
        .expect("workspace manifest");
        Scratch { root }
    }

    /// `Ok` when `caller` compiles, else the compiler's errors.
    fn check(&self, caller: &str) -> Result<(), String> {
        let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("scratch-target");
        let output = Command::new(env!("CARGO"))
            .args(["check", "--offline", "--quiet", "-p", caller])
            .env("CARGO_TARGET_DIR", target)
            .env_remove("RUSTFLAGS")
            .current_dir(&self.root)
            .output()
            .expect("cargo runs");
        if output.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    }
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(entry.file_name()));
        } else {
            fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
}

/// A test fake built with the answer's builder (the head adds a field to the answer).
const RESPONSE_BUILDER: &str = "pub fn fake() -> wechat_invoice::GetAuthDataResponse {
    wechat_invoice::GetAuthDataResponse::builder()
        .invoice_status(\"auth success\")
        .auth_time(1)
        .build()
}
";

/// A test fake from `Default`, a field set afterwards.
const RESPONSE_DEFAULT_THEN_SET: &str = "pub fn fake() -> wechat_invoice::GetAuthDataResponse {
    let mut fake = wechat_invoice::GetAuthDataResponse::default();
    fake.invoice_status = Some(\"auth success\".into());
    fake
}
";

/// Code reading an answer with a pattern (`..` is required on `#[non_exhaustive]` structs).
const RESPONSE_PATTERN: &str =
    "pub fn status(answer: &wechat_invoice::GetAuthDataResponse) -> Option<&str> {
    let wechat_invoice::GetAuthDataResponse { invoice_status, .. } = answer;
    invoice_status.as_deref()
}
";

/// A struct literal of an answer, naming every field: never compiles outside the crate.
const RESPONSE_FULL_LITERAL: &str = "pub fn fake() -> wechat_invoice::GetAuthDataResponse {
    wechat_invoice::GetAuthDataResponse {
        invoice_status: Some(\"auth success\".into()),
        auth_time: Some(1),
        user_auth_info: None,
    }
}
";

/// A caller building `GetAuthUrlRequest` as a struct literal.
const REQUEST_FULL_LITERAL: &str = "pub fn request() -> wechat_invoice::GetAuthUrlRequest {
    wechat_invoice::GetAuthUrlRequest {
        s_pappid: String::new(),
        order_id: String::new(),
        money: 1,
        timestamp: 1,
        source: wechat_invoice::InvoiceAuthSource::Web,
        redirect_url: None,
        ticket: String::new(),
        auth_type: wechat_invoice::InvoiceAuthType::FillInTitle,
    }
}
";

/// The same request with its builder, the documented construction path.
const REQUEST_BUILDER: &str = "pub fn request() -> wechat_invoice::GetAuthUrlRequest {
    wechat_invoice::GetAuthUrlRequest::builder()
        .s_pappid(\"wx1\")
        .order_id(\"order-1\")
        .money(1)
        .timestamp(1)
        .source(wechat_invoice::InvoiceAuthSource::Web)
        .ticket(\"ticket\")
        .auth_type(wechat_invoice::InvoiceAuthType::FillInTitle)
        .build()
}
";

/// `..Default::default()` on a request with required fields: it has no `Default`, so a
/// forgotten field cannot go out empty.
const REQUEST_DEFAULT_LITERAL: &str = "pub fn request() -> wechat_invoice::GetAuthUrlRequest {
    wechat_invoice::GetAuthUrlRequest {
        s_pappid: String::new(),
        order_id: String::new(),
        money: 1,
        timestamp: 1,
        source: wechat_invoice::InvoiceAuthSource::Web,
        ticket: String::new(),
        auth_type: wechat_invoice::InvoiceAuthType::FillInTitle,
        ..Default::default()
    }
}
";

/// The pipeline contract's struct literal.
const REQUEST_CONTRACT_LITERAL: &str =
    "pub fn request(s_pappid: String, order_id: String) -> wechat_invoice::GetAuthDataRequest {
    wechat_invoice::GetAuthDataRequest { s_pappid, order_id }
}
";

/// A test fake of a pushed event built with its builder (the head adds an element to it).
const EVENT_BUILDER: &str = "pub fn fake() -> wechat_invoice::Event {
    let event = wechat_invoice::UserAuthorizeInvoiceEvent::builder()
        .succ_order_id(\"order-1\")
        .source(\"web\")
        .build();
    wechat_invoice::Event::UserAuthorizeInvoice(event)
}
";

/// Code reading an event: a field, and a pattern (`..` is required on `#[non_exhaustive]`
/// structs).
const EVENT_READ: &str = "pub fn order(event: &wechat_invoice::Event) -> Option<&str> {
    match event {
        wechat_invoice::Event::UserAuthorizeInvoice(e) => e.succ_order_id.as_deref(),
        wechat_invoice::Event::UpdateInvoiceStatus(wechat_invoice::UpdateInvoiceStatusEvent {
            card_id, ..
        }) => card_id.as_deref(),
        _ => None,
    }
}
";

/// A struct literal of an event, naming every field: never compiles outside the crate.
const EVENT_FULL_LITERAL: &str = "pub fn fake() -> wechat_invoice::UserAuthorizeInvoiceEvent {
    wechat_invoice::UserAuthorizeInvoiceEvent {
        envelope: wechat_invoice::push::Envelope::default(),
        succ_order_id: Some(\"order-1\".into()),
        fail_order_id: None,
        authorize_app_id: None,
        source: None,
        other: wechat_invoice::push::Elements::new(),
    }
}
";

/// A struct literal of an event ending in `..Default::default()`: never compiles outside the
/// crate either, so the diff never advises it.
const EVENT_DEFAULT_LITERAL: &str = "pub fn fake() -> wechat_invoice::UserAuthorizeInvoiceEvent {
    wechat_invoice::UserAuthorizeInvoiceEvent {
        succ_order_id: Some(\"order-1\".into()),
        ..Default::default()
    }
}
";

/// Code treating a code the spec did not list through `Unknown`.
const UNKNOWN_MATCH: &str = "pub fn retry_later(err: &wechat_invoice::GetAuthDataError) -> bool {
    matches!(err, wechat_invoice::GetAuthDataError::Unknown { code: 72017, .. })
}
";

const CALLERS: [(&str, &str); 13] = [
    ("response_builder", RESPONSE_BUILDER),
    ("response_default_then_set", RESPONSE_DEFAULT_THEN_SET),
    ("response_pattern", RESPONSE_PATTERN),
    ("response_full_literal", RESPONSE_FULL_LITERAL),
    ("request_full_literal", REQUEST_FULL_LITERAL),
    ("request_builder", REQUEST_BUILDER),
    ("request_default_literal", REQUEST_DEFAULT_LITERAL),
    ("request_contract_literal", REQUEST_CONTRACT_LITERAL),
    ("unknown_match", UNKNOWN_MATCH),
    ("event_builder", EVENT_BUILDER),
    ("event_read", EVENT_READ),
    ("event_full_literal", EVENT_FULL_LITERAL),
    ("event_default_literal", EVENT_DEFAULT_LITERAL),
];

/// Callers that never compile, with what the compiler says about them.
const NEVER_COMPILE: [(&str, &str); 4] = [
    // Answers are `#[non_exhaustive]`: built with their builders, never as literals.
    ("response_full_literal", "non-exhaustive"),
    // So are pushed events, `..Default::default()` or not.
    ("event_full_literal", "non-exhaustive"),
    ("event_default_literal", "non-exhaustive"),
    // Requests with a required field have no `Default`.
    ("request_default_literal", "Default"),
];

/// The diff's changes from `base` to `head`, by rule id.
fn verdicts(base: &Path, head: &Path) -> Vec<Value> {
    let output = run_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "diff",
            &base.display().to_string(),
            &head.display().to_string(),
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    serde_json::from_str::<Value>(&stdout(&output))
        .expect("JSON")
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn level_of<'a>(changes: &'a [Value], id: &str, endpoint: &str) -> &'a str {
    change_of(changes, id, "endpoint", endpoint)["level"]
        .as_str()
        .expect("a level")
}

/// The change `id` about the endpoint or event (`key`) `name`.
fn change_of<'a>(changes: &'a [Value], id: &str, key: &str, name: &str) -> &'a Value {
    changes
        .iter()
        .find(|change| change["id"] == id && change[key] == name)
        .unwrap_or_else(|| panic!("no {id} for {name} in {changes:#?}"))
}

#[test]
fn verdicts_match_the_compiler_for_the_generated_code() {
    let specs = tempfile::tempdir().expect("temp dir");
    let base_spec = specs.path().join("base");
    let head_spec_dir = specs.path().join("head");
    let folders = ["endpoints", "types", "errors", "events"];
    copy_spec(&repo_spec(), &base_spec, &folders);
    copy_spec(&repo_spec(), &head_spec_dir, &folders);
    head_spec(&head_spec_dir);

    let changes = verdicts(&base_spec, &head_spec_dir);
    let base = Scratch::new("base", &base_spec, &CALLERS);
    let head = Scratch::new("head", &head_spec_dir, &CALLERS);

    // Every caller compiles against the base, except those that never compile.
    for (caller, _) in CALLERS {
        let result = base.check(caller);
        if let Some((_, says)) = NEVER_COMPILE.iter().find(|(name, _)| *name == caller) {
            let err = result.expect_err(caller);
            assert!(err.contains(says), "{caller}: {err}");
        } else if let Err(err) = result {
            panic!("{caller} does not compile against the base:\n{err}");
        }
    }

    // An optional field added to an answer: info, because answers are `#[non_exhaustive]`:
    // reads, patterns and builder-made fakes all keep compiling.
    assert_eq!(
        level_of(&changes, "response-field-added", "get_auth_data"),
        "info"
    );
    for caller in [
        "response_builder",
        "response_default_then_set",
        "response_pattern",
    ] {
        if let Err(err) = head.check(caller) {
            panic!("{caller} stops compiling after an added answer field:\n{err}");
        }
    }

    // An optional field added to a request without `Default`: a warning, because the builder
    // keeps compiling while a struct literal naming every field does not.
    assert_eq!(
        level_of(
            &changes,
            "request-field-added-optional-no-default",
            "get_auth_url"
        ),
        "warning"
    );
    head.check("request_builder")
        .expect("the builder keeps compiling");
    let err = head
        .check("request_full_literal")
        .expect_err("the literal misses the new field");
    assert!(err.contains("memo"), "{err}");
    head.check("request_contract_literal")
        .expect("the contract's literal keeps compiling");

    // An error code added: matches keep compiling (a warning, not breaking); what changes is
    // the branch taken at run time, pinned by `known_codes_never_arrive_as_unknown` below.
    assert_eq!(
        level_of(&changes, "error-code-added", "get_auth_data"),
        "warning"
    );
    head.check("unknown_match")
        .expect("matches on Unknown keep compiling");

    // An element added to an event: info, because events are `#[non_exhaustive]`: reads,
    // patterns and builder-made fakes keep compiling, and no advice names `Default` (a struct
    // literal of an event is refused before and after, with or without it).
    let added = change_of(
        &changes,
        "event-element-added",
        "event",
        "user_authorize_invoice",
    );
    assert_eq!(added["level"], "info", "{added:#}");
    let message = added["message"].as_str().expect("a message");
    assert!(!message.contains("Default"), "{message}");
    for caller in ["event_builder", "event_read"] {
        if let Err(err) = head.check(caller) {
            panic!("{caller} stops compiling after an added event element:\n{err}");
        }
    }
    for caller in ["event_full_literal", "event_default_literal"] {
        let err = head.check(caller).expect_err(caller);
        assert!(err.contains("non-exhaustive"), "{caller}: {err}");
    }
}

/// The runtime half of `error-code-added`: a code the spec lists for an endpoint becomes its
/// variant, and only unlisted codes reach `Unknown`, so listing a code moves it out of any
/// `Unknown { code, .. }` arm.
#[test]
fn known_codes_never_arrive_as_unknown() {
    use wechat_invoice::GetAuthDataError;
    let listed = GetAuthDataError::from_code(72038, "invoice order never auth".into());
    assert!(matches!(
        listed,
        GetAuthDataError::InvoiceOrderNeverAuth { .. }
    ));
    let unlisted = GetAuthDataError::from_code(72017, "made up".into());
    assert!(matches!(
        unlisted,
        GetAuthDataError::Unknown { code: 72017, .. }
    ));
}
