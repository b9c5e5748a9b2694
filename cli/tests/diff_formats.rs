//! `wxinvoice diff`: output formats, `--fail-on`, git revisions and bad arguments.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Spec, code, run_in, stderr, stdout};

/// A base and a head with one breaking change, one warning and one info.
fn pair(dir: &Path) {
    Spec::tiny().write(&dir.join("base"));
    Spec::tiny()
        .thing("  note:\n    type: string\n    description: A note.\n", "")
        .thing("idempotent: true", "idempotent: false")
        .thing("title: Get a thing.", "title: Fetch a thing.")
        .write(&dir.join("head"));
}

#[test]
fn text_is_one_line_per_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    pair(dir.path());
    let output = run_in(dir.path(), &["diff", "base", "head"]);
    assert_eq!(code(&output), 0, "--fail-on defaults to never");
    let text = stdout(&output);
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        [
            "[breaking] get_thing: request field `note` removed",
            "[warning] get_thing: idempotent changed from true to false: the client no longer retries it once a request may have reached WeChat",
            "[info] get_thing: title changed",
        ]
    );
}

#[test]
fn markdown_is_a_pr_comment_grouped_by_endpoint() {
    let dir = tempfile::tempdir().expect("temp dir");
    pair(dir.path());
    let output = run_in(
        dir.path(),
        &["diff", "base", "head", "--format", "markdown"],
    );
    let text = stdout(&output);
    assert!(
        text.starts_with("## Spec changes: 1 breaking, 1 warning, 1 info\n"),
        "{text}"
    );
    assert!(
        text.contains("\n### POST /card/invoice/getthing (get_thing)\n\n"),
        "{text}"
    );
    assert!(
        text.contains("- :x: **breaking** request field `note` removed (`request-field-removed`)"),
        "{text}"
    );
    assert!(
        text.contains("- :warning: **warning** idempotent changed"),
        "{text}"
    );
}

#[test]
fn json_is_an_array_of_change_objects() {
    let dir = tempfile::tempdir().expect("temp dir");
    pair(dir.path());
    let output = run_in(dir.path(), &["diff", "base", "head", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    let first = &value[0];
    assert_eq!(first["id"], "request-field-removed");
    assert_eq!(first["level"], "breaking");
    assert_eq!(first["direction"], "request");
    assert_eq!(first["endpoint"], "get_thing");
    assert_eq!(first["message"], "request field `note` removed");
    assert_eq!(value.as_array().map(Vec::len), Some(3));
}

#[test]
fn fail_on_sets_the_exit_status() {
    let dir = tempfile::tempdir().expect("temp dir");
    pair(dir.path());
    let breaking = run_in(
        dir.path(),
        &["diff", "base", "head", "--fail-on", "breaking"],
    );
    assert_eq!(code(&breaking), 1);
    // Only the warning and the info left: `breaking` passes, `warning` fails.
    Spec::tiny()
        .thing("idempotent: true", "idempotent: false")
        .write(&dir.path().join("warn"));
    assert_eq!(
        code(&run_in(
            dir.path(),
            &["diff", "base", "warn", "--fail-on", "breaking"]
        )),
        0
    );
    assert_eq!(
        code(&run_in(
            dir.path(),
            &["diff", "base", "warn", "--fail-on", "warning"]
        )),
        1
    );
    assert_eq!(
        code(&run_in(
            dir.path(),
            &["diff", "base", "base", "--fail-on", "warning"]
        )),
        0
    );
}

#[test]
fn no_changes_is_said_in_every_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    Spec::tiny().write(&dir.path().join("spec"));
    assert_eq!(
        stdout(&run_in(dir.path(), &["diff", "spec", "spec"])),
        "no changes\n"
    );
    assert_eq!(
        stdout(&run_in(
            dir.path(),
            &["diff", "spec", "spec", "--format", "json"]
        )),
        "[]\n"
    );
    let markdown = stdout(&run_in(
        dir.path(),
        &["diff", "spec", "spec", "--format", "markdown"],
    ));
    assert!(
        markdown.contains("0 breaking, 0 warnings, 0 info"),
        "{markdown}"
    );
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=wxinvoice test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn git_revisions_are_read_from_the_repository() {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    Spec::tiny().write(&repo.join("spec"));
    git(repo, &["add", "spec"]);
    git(repo, &["commit", "-q", "-m", "base"]);
    Spec::tiny()
        .thing("errors: [72031, 72038]", "errors: [72031]")
        .write(&repo.join("spec"));
    git(repo, &["commit", "-q", "-am", "drop a code"]);
    // Uncommitted on top: an optional request field.
    Spec::tiny()
        .thing("errors: [72031, 72038]", "errors: [72031]")
        .thing(
            "  note:\n",
            "  extra:\n    type: string\n    description: More.\n  note:\n",
        )
        .write(&repo.join("spec"));

    let committed = run_in(repo, &["diff", "HEAD~1", "HEAD"]);
    assert_eq!(code(&committed), 0, "{}", stderr(&committed));
    assert_eq!(
        stdout(&committed),
        "[breaking] get_thing: error code 72038 (InvoiceOrderNeverAuth) removed: the variant `GetThingError::InvoiceOrderNeverAuth` disappears\n"
    );
    let working = run_in(repo, &["diff", "HEAD~1", ".", "--fail-on", "breaking"]);
    assert_eq!(code(&working), 1);
    let text = stdout(&working);
    assert!(text.contains("error code 72038"), "{text}");
    assert!(text.contains("optional request field `extra`"), "{text}");
}

#[test]
fn a_revision_without_spec_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    std::fs::write(repo.join("README"), "x").expect("write");
    git(repo, &["add", "README"]);
    git(repo, &["commit", "-q", "-m", "no spec"]);
    Spec::tiny().write(&repo.join("spec"));
    let output = run_in(repo, &["diff", "HEAD", "."]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).starts_with("error: cannot read `spec/` at revision `HEAD`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn neither_directory_nor_revision_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    Spec::tiny().write(&dir.path().join("spec"));
    let output = run_in(dir.path(), &["diff", "no-such-thing", "spec"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output)
            .starts_with("error: `no-such-thing` is neither a directory nor a git revision"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_invalid_side_shows_its_problems() {
    let dir = tempfile::tempdir().expect("temp dir");
    Spec::tiny().write(&dir.path().join("base"));
    Spec::tiny()
        .thing("errors: [72031, 72038]", "errors: [72099]")
        .write(&dir.path().join("head"));
    let output = run_in(dir.path(), &["diff", "base", "head"]);
    assert_eq!(code(&output), 2);
    let text = stderr(&output);
    assert!(
        text.starts_with("error: the head (head) spec does not load:"),
        "{text}"
    );
    assert!(text.contains("error[unknown-error-code]"), "{text}");
}

#[test]
fn bad_format_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = run_in(dir.path(), &["diff", "a", "b", "--format", "yaml"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("invalid value 'yaml'"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn semver_hint_follows_the_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    pair(dir.path());
    let output = run_in(dir.path(), &["diff", "base", "head", "--semver"]);
    let text = stdout(&output);
    assert!(
        text.ends_with(
            "semver: major (a change breaks existing callers) (before 1.0: bump the minor number)\n"
        ),
        "{text}"
    );
    let docs_only = dir.path().join("docs_only");
    Spec::tiny()
        .thing("title: Get a thing.", "title: Fetch a thing.")
        .write(&docs_only);
    let output = run_in(dir.path(), &["diff", "base", "docs_only", "--semver"]);
    assert!(stdout(&output).ends_with("semver: patch (documentation and examples only)\n"));
    let output = run_in(
        dir.path(),
        &["diff", "base", "head", "--format", "json", "--semver"],
    );
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(value.as_array().map(Vec::len), Some(3));
    assert!(stderr(&output).starts_with("semver: major"));
    let output = run_in(
        dir.path(),
        &["diff", "base", "head", "--format", "markdown", "--semver"],
    );
    assert!(stdout(&output).contains("\n**Suggested version bump:** semver: major"));
}

#[test]
fn changelog_is_an_entry_draft() {
    let dir = tempfile::tempdir().expect("temp dir");
    pair(dir.path());
    let output = run_in(
        dir.path(),
        &["diff", "base", "head", "--format", "changelog"],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("## [Unreleased]\n"), "{text}");
    assert!(text.contains("suggested version bump: major"), "{text}");
    assert!(
        text.contains("### Changed (breaking)\n\n- get_thing: request field `note` removed\n"),
        "{text}"
    );
    assert!(
        text.contains("### Changed\n\n- get_thing: idempotent changed"),
        "{text}"
    );
    assert!(
        text.contains("### Documentation\n\n- get_thing: title changed\n"),
        "{text}"
    );
}
