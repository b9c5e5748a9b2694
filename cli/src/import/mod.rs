//! `wxinvoice import`: turn WeChat doc pages (copied as text) into spec endpoint files.
//!
//! [`page`] reads the page (its tables through [`table`], its examples through [`json`]),
//! [`draft`] maps it to spec terms and records every guess, [`yaml`] writes the file and
//! [`check`] runs it through the pipeline with the spec directory's error tables.

pub mod check;
pub mod draft;
pub mod event_page;
pub mod json;
pub mod merge;
pub mod page;
#[cfg(test)]
mod properties;
pub mod table;
pub mod yaml;

use std::fs;
use std::path::{Path, PathBuf};

use wechat_invoice_codegen::naming::is_snake_case;

use crate::outcome::{CliError, Outcome, Status};

/// Arguments of `wxinvoice import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Doc pages saved as text (Markdown tables or flattened browser copies).
    #[arg(value_name = "PAGE", required = true)]
    pub pages: Vec<PathBuf>,
    /// Where to write `<name>.yaml`.
    #[arg(long, value_name = "DIR", default_value = "spec/endpoints")]
    pub out: PathBuf,
    /// The endpoint name (snake_case); guessed from the interface name when absent.
    #[arg(long, value_name = "SNAKE_NAME")]
    pub name: Option<String>,
    /// The spec directory whose error tables the file is checked against
    /// [default: the parent of --out when it is an `endpoints` folder, else `spec`].
    #[arg(long, value_name = "DIR")]
    pub spec: Option<PathBuf>,
    /// Overwrite an existing endpoint file.
    #[arg(long, conflicts_with = "into")]
    pub force: bool,
    /// Merge into the spec directory DIR: a new endpoint is written to DIR/endpoints/, an
    /// existing one is updated from the page keeping every curated key, and each conflict
    /// between the page and a kept value is printed.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["out", "spec"])]
    pub into: Option<PathBuf>,
}

/// Imports each page in turn; exit 1 when a written file has problems left to fix.
pub fn run(args: &Args) -> Outcome {
    if let Some(name) = &args.name {
        if args.pages.len() > 1 {
            return Err(CliError::new(
                "--name applies to one page; import pages one at a time to name each",
            ));
        }
        if !is_snake_case(name) {
            return Err(CliError::new(format!(
                "--name `{name}` is not a snake_case Rust identifier (like `get_auth_data`)"
            )));
        }
    }
    let spec_dir = match (&args.into, &args.spec) {
        (Some(into), _) => into.clone(),
        (None, Some(spec)) => spec.clone(),
        (None, None) => default_spec_dir(&args.out),
    };
    let mut status = Status::Clean;
    for page in &args.pages {
        if import_one(args, &spec_dir, page)? == Status::Problems {
            status = Status::Problems;
        }
    }
    Ok(status)
}

fn default_spec_dir(out: &Path) -> PathBuf {
    match (out.file_name(), out.parent()) {
        (Some(name), Some(parent)) if name == "endpoints" => parent.to_path_buf(),
        _ => crate::default_spec_dir(),
    }
}

fn import_one(args: &Args, spec_dir: &Path, page_path: &Path) -> Outcome {
    let shown = page_path.display();
    let text = fs::read_to_string(page_path)
        .map_err(|err| CliError::new(format!("cannot read `{shown}`: {err}")))?;
    let page = page::read(&text);
    if let Some(found) = event_page::detect(&text, &page) {
        eprint!("{}", event_page::skipped_note(&shown.to_string(), &found));
        return Ok(Status::Clean);
    }
    let parts = page::read_all(&text);
    // `--name` names one endpoint: the first, the others said as skipped (`page::read`).
    if args.name.is_some() || parts.len() < 2 {
        return import_page(args, spec_dir, &shown.to_string(), &page);
    }
    let mut status = Status::Clean;
    let mut written: Vec<String> = Vec::new();
    for (title, part) in &parts {
        let title = title.as_deref().unwrap_or_default();
        let mut guesses = Vec::new();
        let name = match draft::build(part, None, &mut guesses) {
            Ok(draft) => draft.name,
            Err(err) => {
                eprintln!("{shown}: endpoint `{title}` not imported: {err}");
                status = Status::Problems;
                continue;
            }
        };
        if written.contains(&name) {
            eprintln!(
                "{shown}: endpoint `{title}` not imported: its guessed name `{name}` is that of an endpoint written from this page already; import its part alone with --name"
            );
            status = Status::Problems;
            continue;
        }
        written.push(name);
        if import_page(args, spec_dir, &shown.to_string(), part)? == Status::Problems {
            status = Status::Problems;
        }
    }
    Ok(status)
}

/// Imports one endpoint read from a page (the whole page, or its part for that endpoint).
fn import_page(args: &Args, spec_dir: &Path, shown: &str, page: &page::Page) -> Outcome {
    let mut guesses = Vec::new();
    let mut draft = draft::build(page, args.name.as_deref(), &mut guesses)
        .map_err(|err| CliError::new(format!("{shown}: {err}")))?;
    let mut proposals = Vec::new();
    match check::error_tables(spec_dir) {
        Some(known) => {
            draft.errors.retain(|code| match known.get(code) {
                Some(entry) if entry.inherited => {
                    guesses.push(format!(
                        "error code {code} ({}) is a general code every endpoint inherits, so it is not listed",
                        entry.variant
                    ));
                    false
                }
                _ => true,
            });
            for row in &page.errors {
                if draft.errors.contains(&row.code) && !known.contains_key(&row.code) {
                    proposals.push(check::proposal(row));
                }
            }
        }
        None => guesses.push(format!(
            "no error tables under `{}`: error codes are listed unchecked (pass --spec)",
            spec_dir.display()
        )),
    }

    let out_dir = match &args.into {
        Some(into) => into.join("endpoints"),
        None => args.out.clone(),
    };
    let target = out_dir.join(format!("{}.yaml", draft.name));
    let merging = args.into.is_some() && target.exists();
    if target.exists() && !args.force && !merging {
        return Err(CliError::new(format!(
            "`{}` already exists; pass --force to overwrite it, or --into SPEC_DIR to merge the page into it",
            target.display()
        )));
    }
    let yaml = if merging {
        let existing = fs::read_to_string(&target)
            .map_err(|err| CliError::new(format!("cannot read `{}`: {err}", target.display())))?;
        let merged = merge::merge(&existing, &draft);
        eprint!("{}", merge_report(shown, &target, &merged));
        merged.text
    } else {
        yaml::render(&draft)
    };
    fs::create_dir_all(&out_dir)
        .and_then(|()| fs::write(&target, &yaml))
        .map_err(|err| CliError::new(format!("cannot write `{}`: {err}", target.display())))?;
    let verb = if merging { "merged into" } else { "wrote" };
    println!("{verb} {} (from {shown})", target.display());

    eprint!("{}", page_report(shown, &target, &page.warnings, &guesses));
    if !proposals.is_empty() {
        eprintln!(
            "error codes not defined under {}/errors/ yet; proposed entries to review and add to a table:",
            spec_dir.display()
        );
        for proposal in &proposals {
            eprint!("{proposal}");
        }
    }
    Ok(report_validation(spec_dir, &target, &draft.name, &yaml))
}

/// What a merge changed and every conflict it kept the spec's value for.
fn merge_report(page: &str, target: &Path, merged: &merge::Merged) -> String {
    let mut out = format!(
        "{page}: merged into {}: {} change(s) from the page, {} conflict(s) kept as curated\n",
        target.display(),
        merged.changes.len(),
        merged.conflicts.len()
    );
    for change in &merged.changes {
        out.push_str(&format!("{page}: changed: {change}\n"));
    }
    for conflict in &merged.conflicts {
        out.push_str(&format!("{page}: conflict: {conflict}\n"));
    }
    out
}

/// The per-page report on stderr: every part of the page that could not be read, then every
/// guess, each line naming the page and the file written from it.
fn page_report(page: &str, target: &Path, warnings: &[String], guesses: &[String]) -> String {
    let mut out = format!(
        "{page}: {} part(s) not read, {} guess(es) in {}\n",
        warnings.len(),
        guesses.len(),
        target.display()
    );
    for warning in warnings {
        out.push_str(&format!("{page}: could not read: {warning}\n"));
    }
    for guess in guesses {
        out.push_str(&format!("{page}: guess: {guess}\n"));
    }
    out
}

/// Checks the written file in its spec directory and prints the verdict.
fn report_validation(spec_dir: &Path, target: &Path, name: &str, yaml: &str) -> Status {
    if !spec_dir.is_dir() {
        eprintln!(
            "warning: spec directory `{}` not found, so `{}` was not validated",
            spec_dir.display(),
            target.display()
        );
        return Status::Clean;
    }
    let checked_as = check::spec_path(spec_dir, name);
    if checked_as != target {
        eprintln!(
            "note: validated as `{}` inside `{}`",
            checked_as.display(),
            spec_dir.display()
        );
    }
    match check::validate(spec_dir, &checked_as, yaml) {
        Ok(note) => {
            println!(
                "{} validates against {}",
                target.display(),
                spec_dir.display()
            );
            if let Some(note) = note {
                eprintln!("{note}");
            }
            Status::Clean
        }
        Err(problems) => {
            println!("{problems}");
            println!("{} was written, but has problems to fix", target.display());
            Status::Problems
        }
    }
}
