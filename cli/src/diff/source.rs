//! Where a side of `wxinvoice diff` comes from: a spec directory, or a git revision whose
//! `spec/` tree is extracted into a temporary directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tempfile::TempDir;

use crate::outcome::CliError;

/// A spec directory ready to load; a revision's temporary copy lives as long as this value.
#[derive(Debug)]
pub struct SpecSource {
    /// The directory holding endpoints/, types/ and errors/.
    pub dir: PathBuf,
    /// Keeps a revision's extracted tree alive.
    _temp: Option<TempDir>,
}

/// The folder a revision's spec lives in, relative to the current directory.
const SPEC_PATH: &str = "spec";

/// Resolves a command-line argument: an existing directory (a spec directory, or one holding
/// `spec/`), else a git revision read in the current directory.
pub fn resolve(arg: &str) -> Result<SpecSource, CliError> {
    let path = Path::new(arg);
    if path.is_dir() {
        return Ok(SpecSource {
            dir: spec_dir_in(path),
            _temp: None,
        });
    }
    let commit = verify_revision(arg)?;
    let temp = tempfile::tempdir()
        .map_err(|err| CliError::new(format!("cannot create a temporary directory: {err}")))?;
    extract(&commit, arg, temp.path())?;
    Ok(SpecSource {
        dir: temp.path().join(SPEC_PATH),
        _temp: Some(temp),
    })
}

/// `dir` itself when it is a spec directory, `dir/spec` when it holds one.
fn spec_dir_in(dir: &Path) -> PathBuf {
    let is_spec = ["endpoints", "types", "errors"]
        .iter()
        .any(|folder| dir.join(folder).is_dir());
    let nested = dir.join(SPEC_PATH);
    if !is_spec && nested.is_dir() {
        nested
    } else {
        dir.to_path_buf()
    }
}

/// The commit id `revision` names, or an error saying it is neither a directory nor a revision.
fn verify_revision(revision: &str) -> Result<String, CliError> {
    if revision.starts_with('-') {
        return Err(not_found(revision, "it looks like an option"));
    }
    let output = Command::new("git")
        .args(["rev-parse", "--verify", "--quiet"])
        .arg(format!("{revision}^{{commit}}"))
        .stderr(Stdio::piped())
        .output()
        .map_err(|err| not_found(revision, &format!("cannot run git: {err}")))?;
    if !output.status.success() {
        let why = String::from_utf8_lossy(&output.stderr).trim().to_string();
        let why = if why.is_empty() {
            "git does not know it as a revision here".to_string()
        } else {
            why
        };
        return Err(not_found(revision, &why));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

fn not_found(revision: &str, why: &str) -> CliError {
    CliError::new(format!(
        "`{revision}` is neither a directory nor a git revision ({why})"
    ))
}

/// Extracts `commit`'s `spec/` tree into `into` with `git archive | tar -x`.
fn extract(commit: &str, revision: &str, into: &Path) -> Result<(), CliError> {
    let mut archive = Command::new("git")
        .args(["archive", "--format=tar", commit, SPEC_PATH])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| CliError::new(format!("cannot run git archive: {err}")))?;
    let Some(tar_input) = archive.stdout.take() else {
        return Err(CliError::new("git archive gave no output stream"));
    };
    let untar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(into)
        .stdin(Stdio::from(tar_input))
        .stderr(Stdio::piped())
        .output()
        .map_err(|err| CliError::new(format!("cannot run tar: {err}")))?;
    let archived = archive
        .wait_with_output()
        .map_err(|err| CliError::new(format!("git archive failed: {err}")))?;
    if !archived.status.success() {
        let why = String::from_utf8_lossy(&archived.stderr).trim().to_string();
        return Err(CliError::new(format!(
            "cannot read `{SPEC_PATH}/` at revision `{revision}`: {why}"
        )));
    }
    if !untar.status.success() {
        let why = String::from_utf8_lossy(&untar.stderr).trim().to_string();
        return Err(CliError::new(format!(
            "cannot extract `{SPEC_PATH}/` of revision `{revision}`: {why}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_holding_spec_resolves_to_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("spec/endpoints")).expect("mkdir");
        assert_eq!(spec_dir_in(dir.path()), dir.path().join("spec"));
        assert_eq!(
            spec_dir_in(&dir.path().join("spec")),
            dir.path().join("spec")
        );
    }

    #[test]
    fn options_are_not_revisions() {
        let err = verify_revision("--output=x").expect_err("not a revision");
        assert!(err.0.contains("neither a directory nor a git revision"));
    }
}
