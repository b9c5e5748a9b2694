//! `wxinvoice validate`, end to end.

mod common;

use std::fs;

use common::{Spec, code, edit, run_in, stderr, stdout};

#[test]
fn a_valid_spec_gets_a_one_line_summary() {
    let dir = tempfile::tempdir().expect("temp dir");
    Spec::tiny().write(&dir.path().join("spec"));
    let output = run_in(dir.path(), &["validate"]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    assert_eq!(
        stdout(&output),
        "spec: ok, 2 endpoints, 3 types, 4 error codes, 0 events\n"
    );
}

#[test]
fn the_repository_spec_is_valid() {
    let output = run_in(&common::repo_spec(), &["validate", "."]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    let summary = stdout(&output);
    assert!(summary.contains(" endpoints, "), "{summary}");
    assert!(summary.contains(" events\n"), "{summary}");
}

#[test]
fn every_problem_is_printed_with_its_location_help_and_caret() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("spec");
    Spec::tiny()
        .thing("errors: [72031, 72038]", "errors: [72031, 72099]")
        .thing("    type: Kind\n", "    type: Knid\n")
        .write(&spec);
    // A YAML error in another file does not hide the rule violations above.
    fs::write(
        spec.join("endpoints/ping.yaml"),
        edit(common::PING, "title: Ping.", "title: [Ping."),
    )
    .expect("write");
    let output = run_in(dir.path(), &["validate", "spec"]);
    let text = stdout(&output);
    assert_eq!(code(&output), 1, "{text}");
    assert!(text.contains("spec/endpoints/get_thing.yaml:"), "{text}");
    assert!(
        text.contains("error[unknown-error-code]: error code 72099"),
        "{text}"
    );
    assert!(
        text.contains("error[unknown-type]: unknown type `Knid`"),
        "{text}"
    );
    assert!(text.contains("  help: did you mean `Kind`?"), "{text}");
    assert!(text.contains("spec/endpoints/ping.yaml:"), "{text}");
    assert!(text.contains(" | "), "source lines are shown: {text}");
    assert!(text.contains("^"), "carets are shown: {text}");
    assert!(text.contains("3 problems in the spec"), "{text}");
}

#[test]
fn a_broken_error_table_skips_the_checks_that_need_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("spec");
    Spec::tiny().write(&spec);
    fs::write(
        spec.join("errors/invoice.yaml"),
        "table: invoice\nerrors: [\n",
    )
    .expect("write");
    let output = run_in(dir.path(), &["validate"]);
    let text = stdout(&output);
    assert_eq!(code(&output), 1);
    assert!(text.contains("spec/errors/invoice.yaml"), "{text}");
    assert!(
        !text.contains("unknown-error-code"),
        "no false alarms: {text}"
    );
    assert!(
        text.contains("note: error codes were not checked"),
        "{text}"
    );
}

#[test]
fn a_missing_directory_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = run_in(dir.path(), &["validate", "nowhere"]);
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        "error: spec directory `nowhere` does not exist\n"
    );
}

#[test]
fn an_empty_directory_says_what_belongs_in_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = run_in(dir.path(), &["validate", "."]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("no spec files found"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn help_shows_an_example() {
    let dir = tempfile::tempdir().expect("temp dir");
    for command in ["validate", "generate", "diff", "import"] {
        let output = run_in(dir.path(), &[command, "--help"]);
        assert_eq!(code(&output), 0);
        assert!(
            stdout(&output).contains(&format!("wxinvoice {command} ")),
            "{command}: {}",
            stdout(&output)
        );
    }
}

/// Broken specs, each with one kind of problem (and one with several at once).
fn broken_specs() -> Vec<(&'static str, common::Spec)> {
    let mut broken_table = Spec::tiny();
    broken_table.invoice = edit(&broken_table.invoice, "table: invoice", "table: [invoice");
    let mut broken_types = Spec::tiny().thing("    type: Kind\n", "    type: Knid\n");
    broken_types.types = edit(&broken_types.types, "types:", "types: [");
    vec![
        (
            "yaml-syntax",
            Spec::tiny().endpoint("ping", "title: Ping.", "title: [Ping."),
        ),
        (
            "unknown-type",
            Spec::tiny().thing("    type: Kind\n", "    type: Knid\n"),
        ),
        (
            "unknown-error-code",
            Spec::tiny().thing("errors: [72031, 72038]", "errors: [72031, 72099]"),
        ),
        (
            "broken-error-table",
            broken_table.thing("errors: [72031, 72038]", "errors: [72031, 72099]"),
        ),
        ("broken-types-file", broken_types),
    ]
}

/// A throw-away crate whose build script is this repository's `build.rs`, on `spec`: what a
/// dependent's `cargo build` runs.
fn consumer_crate(dir: &std::path::Path, spec: &common::Spec) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root");
    let manifest = format!(
        "[package]\nname = \"spec-consumer\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\nbuild = \"{root}/build.rs\"\n\n[workspace]\n\n[features]\ndefault = [\"regenerate\"]\nregenerate = []\n\n[build-dependencies]\n\
         wechat-invoice-codegen = {{ path = \"{root}/codegen\" }}\n",
        root = root.display()
    );
    fs::create_dir_all(dir.join("src")).expect("create crate");
    fs::write(dir.join("Cargo.toml"), manifest).expect("write manifest");
    fs::write(dir.join("src/lib.rs"), "").expect("write lib");
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy lock");
    spec.write(&dir.join("spec"));
}

/// Runs a real `cargo build` of a consumer crate; returns success and everything cargo printed.
fn cargo_build(dir: &std::path::Path) -> (bool, String) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["build", "--offline", "--color", "never"])
        .current_dir(dir)
        // Shared with the root crate's build-script tests: the codegen library builds once.
        .env("CARGO_TARGET_DIR", root.join("target/build-script-tests"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    (output.status.success(), stderr(&output))
}

/// `build.rs` and `wxinvoice validate` go through the same entry point, so they print the same
/// problems. For each broken spec a real `cargo build` of a crate using this repository's
/// `build.rs` fails, and every problem `validate` prints (location, message, help, source line
/// and caret) is in what cargo printed, and cargo reports no problem that `validate` did not.
#[test]
fn build_rs_and_validate_print_the_same_problems_for_each_broken_spec() {
    for (name, spec) in broken_specs() {
        let dir = tempfile::tempdir().expect("temp dir");
        consumer_crate(dir.path(), &spec);
        let output = run_in(dir.path(), &["validate", "spec"]);
        let validated = stdout(&output);
        assert_eq!(code(&output), 1, "{name}: {validated}");

        let (built, cargo_said) = cargo_build(dir.path());
        assert!(!built, "{name}: the build must fail:\n{cargo_said}");
        // The rendered problems: everything but the closing count line.
        let problems: Vec<&str> = validated
            .lines()
            .filter(|line| !line.trim().is_empty() && !line.contains(" in the spec"))
            .collect();
        assert!(!problems.is_empty(), "{name}: {validated}");
        for line in &problems {
            assert!(
                cargo_said.contains(line),
                "{name}: `{line}` from validate is not in cargo's output:\n{cargo_said}"
            );
        }
        // One `error: CRATE: spec/…` summary line from cargo per `error[` problem of validate.
        let summaries = cargo_said
            .lines()
            .filter(|line| line.starts_with("error: ") && line.contains(": error["))
            .count();
        assert_eq!(
            summaries,
            validated.matches(": error[").count(),
            "{name}: cargo said\n{cargo_said}\nvalidate said\n{validated}"
        );
    }
}

#[test]
fn a_broken_error_table_skips_the_code_checks_and_says_so() {
    let (_, spec) = broken_specs()
        .into_iter()
        .find(|(name, _)| *name == "broken-error-table")
        .expect("the case");
    let dir = tempfile::tempdir().expect("temp dir");
    spec.write(&dir.path().join("spec"));
    let text = stdout(&run_in(dir.path(), &["validate", "spec"]));
    assert!(!text.contains("unknown-error-code"), "{text}");
    assert!(
        text.contains("note: error codes were not checked against the error tables"),
        "{text}"
    );
    assert!(text.contains("1 problem in the spec"), "{text}");
}

#[test]
fn a_fifo_in_the_spec_is_reported_not_waited_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("spec");
    Spec::tiny().write(&spec);
    let status = std::process::Command::new("mkfifo")
        .arg(spec.join("endpoints/x.yaml"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let output = run_in(dir.path(), &["validate", "spec"]);
    // A spec that cannot be read is refused like a missing one (exit 2), before any check.
    assert_eq!(code(&output), 2, "{}", stdout(&output));
    let text = format!("{}{}", stdout(&output), stderr(&output));
    assert!(
        text.contains("spec/endpoints/x.yaml: error[io]: not a regular file"),
        "{text}"
    );
}

/// `wxinvoice validate` on the tiny spec with its event file edited (`from` → `to`): exit
/// status and stdout.
fn validate_event(from: &str, to: &str) -> (i32, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    Spec::with_event()
        .authorize(from, to)
        .write(&dir.path().join("spec"));
    let output = run_in(dir.path(), &["validate", "spec"]);
    (code(&output), stdout(&output))
}

/// Asserts one located problem: `spec/events/user_authorize_invoice.yaml:LINE:COL: error[..]`,
/// its help, and the caret under the column.
fn assert_event_problem(text: &str, at: &str, error: &str, help: &str, source: &str) {
    let head = format!("spec/events/user_authorize_invoice.yaml:{at}: {error}");
    assert!(text.contains(&head), "no `{head}` in:\n{text}");
    assert!(text.contains(&format!("  help: {help}")), "{text}");
    assert!(text.contains(source), "the source line is shown: {text}");
    let column: usize = at
        .rsplit(':')
        .next()
        .and_then(|c| c.parse().ok())
        .expect("a column");
    let caret = format!("| {}^", " ".repeat(column - 1));
    assert!(text.contains(&caret), "no caret at column {column}: {text}");
    assert!(text.contains("1 problem"), "{text}");
}

#[test]
fn the_tiny_event_file_is_valid() {
    let dir = tempfile::tempdir().expect("temp dir");
    Spec::with_event().write(&dir.path().join("spec"));
    let output = run_in(dir.path(), &["validate", "spec"]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    assert!(
        stdout(&output).starts_with("spec: ok"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn an_unknown_event_field_type_is_located() {
    let (status, text) = validate_event(
        "  Source:\n    type: string\n",
        "  Source:\n    type: text\n",
    );
    assert_eq!(status, 1, "{text}");
    assert_event_problem(
        &text,
        "15:11",
        "error[invalid-value]: unknown event field type `text`",
        "use `string` or `integer`",
        "15 |     type: text",
    );
}

#[test]
fn an_element_named_twice_is_located_at_the_second_name() {
    // `SuccOrderId` is a field, and here also an alias of another field.
    let (status, text) = validate_event("aliases: [AppId]", "aliases: [AppId, SuccOrderId]");
    assert_eq!(status, 1, "{text}");
    assert_event_problem(
        &text,
        "13:22",
        "error[duplicate-name]: element `SuccOrderId` is named twice in event \
         `user_authorize_invoice`",
        "an element (or alias) may belong to one field only",
        "13 |     aliases: [AppId, SuccOrderId]",
    );
}

#[test]
fn an_example_expecting_an_unknown_element_is_located_with_a_suggestion() {
    let (status, text) =
        validate_event("      AppId: wx1\n", "      AppId: wx1\n      Sorce: web\n");
    assert_eq!(status, 1, "{text}");
    assert_event_problem(
        &text,
        "24:7",
        "error[example-mismatch]: `expect` names `Sorce`, which is not a field of event \
         `user_authorize_invoice`",
        "did you mean `Source`?",
        "24 |       Sorce: web",
    );
}
