//! `wxinvoice generate`, end to end.

mod common;

use std::fs;

use common::{Spec, code, run_in, stderr, stdout};

#[test]
fn writes_then_reports_up_to_date() {
    let dir = tempfile::tempdir().expect("temp dir");
    Spec::tiny().write(&dir.path().join("spec"));
    let first = run_in(dir.path(), &["generate"]);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let text = stdout(&first);
    assert!(
        text.contains("wrote generated/endpoints/get_thing.rs"),
        "{text}"
    );
    assert!(text.contains("wrote generated/mod.rs"), "{text}");
    assert!(dir.path().join("generated/types.rs").is_file());

    let second = run_in(dir.path(), &["generate"]);
    assert_eq!(stdout(&second), "generated is up to date\n");
    let check = run_in(dir.path(), &["generate", "--check"]);
    assert_eq!(code(&check), 0);
    assert_eq!(stdout(&check), "generated is up to date\n");
}

#[test]
fn check_prints_a_unified_diff_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    Spec::tiny().write(&dir.path().join("spec"));
    assert_eq!(code(&run_in(dir.path(), &["generate", "--out", "out"])), 0);
    let out = dir.path().join("out");
    let types = fs::read_to_string(out.join("types.rs")).expect("read");
    fs::write(
        out.join("types.rs"),
        types.replacen("    Kind {", "    Kinds {", 1),
    )
    .expect("write");
    fs::remove_file(out.join("endpoints/ping.rs")).expect("remove");
    fs::write(out.join("endpoints/stale.rs"), "// gone\n").expect("write");
    fs::write(out.join("notes.txt"), "not Rust, not ours\n").expect("write");

    let check = run_in(
        dir.path(),
        &["generate", "--spec", "spec", "--out", "out", "--check"],
    );
    assert_eq!(code(&check), 1);
    let diff = stdout(&check);
    assert!(
        diff.contains("--- out/types.rs\n+++ out/types.rs\n"),
        "{diff}"
    );
    assert!(diff.contains("-    Kinds {\n+    Kind {\n"), "{diff}");
    assert!(
        diff.contains("--- /dev/null\n+++ out/endpoints/ping.rs\n"),
        "{diff}"
    );
    assert!(
        diff.contains("--- out/endpoints/stale.rs\n+++ /dev/null\n@@ -1 +0,0 @@\n-// gone\n"),
        "{diff}"
    );
    assert!(
        stderr(&check).contains("3 files out of date in out"),
        "{}",
        stderr(&check)
    );
    assert!(
        out.join("endpoints/stale.rs").is_file(),
        "--check writes nothing"
    );
    assert!(
        !out.join("endpoints/ping.rs").exists(),
        "--check writes nothing"
    );

    let write = run_in(dir.path(), &["generate", "--out", "out"]);
    let text = stdout(&write);
    assert!(text.contains("wrote out/types.rs"), "{text}");
    assert!(text.contains("wrote out/endpoints/ping.rs"), "{text}");
    assert!(text.contains("removed out/endpoints/stale.rs"), "{text}");
    assert!(!out.join("endpoints/stale.rs").exists());
    assert!(
        out.join("notes.txt").is_file(),
        "only .rs files are removed"
    );
    assert_eq!(
        code(&run_in(
            dir.path(),
            &["generate", "--out", "out", "--check"]
        )),
        0
    );
}

#[test]
fn a_missing_output_directory_is_all_missing_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    Spec::tiny().write(&dir.path().join("spec"));
    let check = run_in(dir.path(), &["generate", "--check"]);
    assert_eq!(code(&check), 1);
    assert!(stdout(&check).contains("--- /dev/null\n+++ generated/mod.rs\n"));
}

#[test]
fn spec_problems_are_printed_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    Spec::tiny()
        .thing("errors: [72031, 72038]", "errors: [72099]")
        .write(&dir.path().join("spec"));
    let output = run_in(dir.path(), &["generate"]);
    assert_eq!(code(&output), 1);
    assert!(
        stdout(&output).contains("error[unknown-error-code]"),
        "{}",
        stdout(&output)
    );
    assert!(!dir.path().join("generated").exists());
}

#[test]
fn the_repository_spec_generates() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = common::repo_spec();
    let spec = spec.to_string_lossy();
    let output = run_in(dir.path(), &["generate", "--spec", &spec, "--out", "gen"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    assert!(dir.path().join("gen/endpoints/get_auth_data.rs").is_file());
}
