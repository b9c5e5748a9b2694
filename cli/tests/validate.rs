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
        "spec: ok, 2 endpoints, 3 types, 4 error codes\n"
    );
}

#[test]
fn the_repository_spec_is_valid() {
    let output = run_in(&common::repo_spec(), &["validate", "."]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    assert!(stdout(&output).contains(" endpoint"));
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

/// `build.rs` and `wxinvoice validate` go through the same entry point, so they print the same
/// problems: for each broken spec, what `build.rs` prints (its `cargo::error=` lines and the
/// rendering on stderr, from `generate_dir` and `build_script_report` as `build.rs` calls them)
/// is what `validate` prints.
#[test]
fn build_rs_and_validate_print_the_same_problems_for_each_broken_spec() {
    for (name, spec) in broken_specs() {
        let dir = tempfile::tempdir().expect("temp dir");
        spec.write(&dir.path().join("spec"));
        let output = run_in(dir.path(), &["validate", "spec"]);
        let validated = stdout(&output);
        assert_eq!(code(&output), 1, "{name}: {validated}");

        let (failure, _) = wechat_invoice_codegen::generate_dir(&dir.path().join("spec"))
            .expect_err("the spec is broken");
        let (summaries, rendered) = wechat_invoice_codegen::build_script_report(&failure);
        let prefix = format!("{}/", dir.path().display());
        let rendered = rendered.replace(&prefix, "");
        assert_eq!(validated, format!("{rendered}\n"), "{name}");
        assert_eq!(
            summaries.len(),
            validated.matches(": error[").count(),
            "{name}: {summaries:?}"
        );
        for summary in &summaries {
            let problem = summary
                .trim_start_matches("cargo::error=")
                .replace(&prefix, "");
            let first = problem.split("  help:").next().unwrap_or_default().trim();
            assert!(
                validated.contains(first),
                "{name}: {first} not in {validated}"
            );
        }
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
