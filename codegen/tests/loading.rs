//! The one spec-file loader refuses what would hang it or fill memory: a FIFO or device named
//! `*.yaml`, a file over the size limit; and a diagnostic quotes at most a window of a line.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use wechat_invoice_codegen::diagnostic::MAX_QUOTED_CHARS;
use wechat_invoice_codegen::load::{self, MAX_FILE_BYTES};
use wechat_invoice_codegen::{Check, Diagnostic, Position};

/// A fresh spec directory with an `endpoints/` folder, removed when dropped.
struct SpecDir(PathBuf);

impl SpecDir {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("wxinvoice-loading-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("endpoints")).expect("can create the spec directory");
        Self(dir)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join("endpoints").join(name)
    }
}

impl Drop for SpecDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn only_problem(dir: &Path) -> Diagnostic {
    let problems = load::read_dir(dir).expect_err("the file is refused");
    assert_eq!(problems.len(), 1, "{problems:?}");
    problems.into_iter().next().expect("one problem")
}

#[test]
fn a_fifo_named_yaml_is_skipped_with_a_diagnostic_instead_of_blocking() {
    let dir = SpecDir::new("fifo");
    let fifo = dir.file("x.yaml");
    let status = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let problem = only_problem(&dir.0);
    assert_eq!((problem.check, &problem.file), (Check::Io, &fifo));
    assert!(problem.message.contains("not a regular file"), "{problem}");
}

#[test]
fn a_link_to_an_endless_device_is_skipped() {
    let dir = SpecDir::new("zero");
    let link = dir.file("zero.yml");
    std::os::unix::fs::symlink("/dev/zero", &link).expect("can link");
    let problem = only_problem(&dir.0);
    assert_eq!(problem.file, link);
    assert!(problem.message.contains("not a regular file"), "{problem}");
}

#[test]
fn a_file_over_the_limit_is_refused_without_being_read() {
    let dir = SpecDir::new("huge");
    let huge = dir.file("huge.yaml");
    // Sparse: 1 GiB on paper, nothing on disk; reading it would take 1 GiB of memory.
    fs::File::create(&huge)
        .and_then(|file| file.set_len(1 << 30))
        .expect("can create a sparse file");
    let problem = only_problem(&dir.0);
    assert!(
        problem.message.contains(&format!(
            "1073741824 bytes, over the limit of {MAX_FILE_BYTES}"
        )),
        "{problem}"
    );
}

#[test]
fn a_file_at_the_limit_is_read() {
    let dir = SpecDir::new("limit");
    let path = dir.file("limit.yaml");
    let text = format!(
        "#{}",
        "x".repeat(usize::try_from(MAX_FILE_BYTES).expect("fits") - 1)
    );
    fs::write(&path, &text).expect("can write");
    let sources = load::read_dir(&dir.0).expect("read");
    assert_eq!(sources[0].text.len(), text.len());
}

#[test]
fn a_diagnostic_quotes_a_window_of_a_long_line_around_the_column() {
    let line = format!("{}BAD{}", "a".repeat(5000), "b".repeat(5000));
    let diagnostic = Diagnostic::new(
        Check::YamlSyntax,
        Path::new("spec/endpoints/long.yaml"),
        Position {
            line: 1,
            column: 5001,
        },
        "bad",
    );
    let rendered = diagnostic.render(Some(&line));
    let quoted = rendered
        .lines()
        .find(|l| l.starts_with("1 | "))
        .expect("the quoted line");
    assert!(
        quoted.chars().count() <= MAX_QUOTED_CHARS + 6,
        "{} chars",
        quoted.len()
    );
    assert!(
        quoted.starts_with("1 | …a") && quoted.contains("aBADb") && quoted.ends_with("b…"),
        "{quoted}"
    );
    let caret = rendered.lines().last().expect("the caret line");
    let caret_at = caret.find('^').expect("a caret");
    let under: String = quoted.chars().skip(caret_at).take(3).collect();
    assert_eq!(under, "BAD", "{rendered}");
}
