//! `wxinvoice generate`: write the generated code, or (`--check`) show how it differs.

use std::fs;
use std::path::{Path, PathBuf};

use wechat_invoice_codegen::GeneratedFile;

use crate::outcome::{CliError, Outcome, Status};
use crate::{pipeline, textdiff};

/// Arguments of `wxinvoice generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec directory.
    #[arg(long, value_name = "DIR", default_value_os_t = crate::default_spec_dir())]
    pub spec: PathBuf,
    /// Where the generated files go.
    #[arg(long, value_name = "DIR", default_value = "generated")]
    pub out: PathBuf,
    /// Write nothing; print a diff and exit 1 when the directory is not up to date.
    #[arg(long)]
    pub check: bool,
}

/// How one file of the output directory compares with what the spec generates.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Drift {
    /// The file exists with other contents.
    Changed {
        name: String,
        current: String,
        wanted: String,
    },
    /// The file should exist but does not.
    Missing { name: String, wanted: String },
    /// A `.rs` file the spec no longer generates.
    Extra { name: String, current: String },
}

/// Runs the pipeline, then writes or checks the output directory.
pub fn run(args: &Args) -> Outcome {
    let sources = pipeline::read_sources(&args.spec)?;
    let generated = match pipeline::run(&sources) {
        Ok(generated) => generated,
        Err(rejected) => {
            println!("{}", rejected.render());
            return Ok(Status::Problems);
        }
    };
    let drift = drift(&args.out, &generated.files);
    if args.check {
        Ok(check(&args.out, &drift))
    } else {
        write(&args.out, &generated.files, &drift)
    }
}

fn check(out: &Path, drift: &[Drift]) -> Status {
    if drift.is_empty() {
        println!("{} is up to date", out.display());
        return Status::Clean;
    }
    for item in drift {
        let diff = match item {
            Drift::Changed {
                name,
                current,
                wanted,
            } => {
                let shown = display(out, name);
                textdiff::unified(&shown, current, &shown, wanted)
            }
            Drift::Missing { name, wanted } => {
                textdiff::unified("/dev/null", "", &display(out, name), wanted)
            }
            Drift::Extra { name, current } => {
                textdiff::unified(&display(out, name), current, "/dev/null", "")
            }
        };
        print!("{diff}");
    }
    eprintln!(
        "{} out of date in {}; run `wxinvoice generate` to refresh it",
        crate::validate::count(drift.len(), "file"),
        out.display()
    );
    Status::Problems
}

fn write(out: &Path, files: &[GeneratedFile], drift: &[Drift]) -> Outcome {
    let written = wechat_invoice_codegen::write_if_changed(out, files)
        .map_err(|err| CliError::new(format!("cannot write to `{}`: {err}", out.display())))?;
    for name in &written {
        println!("wrote {}", display(out, name));
    }
    let mut removed = 0;
    for item in drift {
        if let Drift::Extra { name, .. } = item {
            let path = out.join(name);
            fs::remove_file(&path).map_err(|err| {
                CliError::new(format!("cannot remove stale `{}`: {err}", path.display()))
            })?;
            println!("removed {}", display(out, name));
            removed += 1;
        }
    }
    if written.is_empty() && removed == 0 {
        println!("{} is up to date", out.display());
    }
    Ok(Status::Clean)
}

/// Every difference between `out` and `files`, sorted by file name.
fn drift(out: &Path, files: &[GeneratedFile]) -> Vec<Drift> {
    wechat_invoice_codegen::stale_files(out, files)
        .into_iter()
        .map(|name| {
            let current = fs::read(out.join(&name))
                .ok()
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
            let wanted = files
                .iter()
                .find(|file| file.name == name)
                .map(|file| file.contents.clone());
            match (current, wanted) {
                (Some(current), Some(wanted)) => Drift::Changed {
                    name,
                    current,
                    wanted,
                },
                (None, Some(wanted)) => Drift::Missing { name, wanted },
                (current, None) => Drift::Extra {
                    name,
                    current: current.unwrap_or_default(),
                },
            }
        })
        .collect()
}

/// `generated/endpoints/x.rs`: the output directory as given, joined with `/`.
fn display(out: &Path, name: &str) -> String {
    let dir = out.display().to_string();
    format!("{}/{name}", dir.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, contents: &str) -> GeneratedFile {
        GeneratedFile {
            name: name.to_string(),
            contents: contents.to_string(),
        }
    }

    #[test]
    fn drift_tells_changed_missing_and_extra_files_apart() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join("a.rs"), "old\n").expect("write");
        fs::write(dir.path().join("stale.rs"), "gone\n").expect("write");
        fs::write(dir.path().join("same.rs"), "same\n").expect("write");
        let files = [
            file("a.rs", "new\n"),
            file("b.rs", "b\n"),
            file("same.rs", "same\n"),
        ];
        let found = drift(dir.path(), &files);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(matches!(&found[0], Drift::Changed { name, .. } if name == "a.rs"));
        assert!(matches!(&found[1], Drift::Missing { name, .. } if name == "b.rs"));
        assert!(matches!(&found[2], Drift::Extra { name, .. } if name == "stale.rs"));
    }

    #[test]
    fn display_joins_with_a_slash() {
        assert_eq!(
            display(Path::new("generated/"), "mod.rs"),
            "generated/mod.rs"
        );
    }
}
