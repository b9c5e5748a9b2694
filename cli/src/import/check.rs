//! Checks an imported endpoint against the spec directory it is meant for: its error codes
//! against the error tables, and the whole file through the pipeline, in memory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use wechat_invoice_codegen::naming::{is_pascal_case, pascal_case};
use wechat_invoice_codegen::{Diagnostics, Failure, SourceFile, load};

use super::table::ErrorRow;
use crate::pipeline;

/// What the spec's error tables say about a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownCode {
    /// Its variant name.
    pub variant: String,
    /// Whether it comes from an inherited (general) table.
    pub inherited: bool,
}

/// The codes of every error table under `spec_dir/errors/` that parses; `None` without tables.
pub fn error_tables(spec_dir: &Path) -> Option<BTreeMap<i64, KnownCode>> {
    let sources = load::read_dir(spec_dir).ok()?;
    let mut codes = BTreeMap::new();
    let mut found_table = false;
    for source in sources.iter().filter(|s| in_folder(&s.path, "errors")) {
        let (loaded, problems) = load::parse(std::slice::from_ref(source));
        if !problems.is_empty() {
            continue;
        }
        for (_, table) in loaded.errors {
            found_table = true;
            for def in table.errors {
                codes.entry(def.code.value).or_insert(KnownCode {
                    variant: def.variant.value,
                    inherited: table.inherited,
                });
            }
        }
    }
    found_table.then_some(codes)
}

/// A YAML entry to paste into an error table for a code the spec does not define yet.
pub fn proposal(row: &ErrorRow) -> String {
    let errmsg = if row.errmsg.is_empty() {
        format!("error {}", row.code)
    } else {
        row.errmsg.clone()
    };
    let detail = if row.detail.is_empty() {
        "(the doc page gives no description)".to_string()
    } else {
        row.detail.clone()
    };
    format!(
        "  - code: {}\n    variant: {}\n    errmsg: {}\n    description: {}\n    solution: {}\n",
        row.code,
        variant_from_errmsg(&errmsg, row.code),
        super::yaml::scalar(&errmsg),
        super::yaml::scalar(&detail),
        super::yaml::scalar(&detail),
    )
}

/// Where the new file sits inside the spec directory, as the pipeline must see it.
pub fn spec_path(spec_dir: &Path, name: &str) -> PathBuf {
    spec_dir.join("endpoints").join(format!("{name}.yaml"))
}

/// `invoice order never auth` → `InvoiceOrderNeverAuth`; `Code72099` when the words give no name.
pub fn variant_from_errmsg(errmsg: &str, code: i64) -> String {
    let words: String = errmsg
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    let variant = pascal_case(&words);
    if is_pascal_case(&variant) && variant != "Unknown" {
        variant
    } else {
        format!("Code{}", code.unsigned_abs())
    }
}

/// Runs the pipeline over the spec directory with `text` in place of `path`.
///
/// `Err` holds the new file's problems rendered with source lines; `Ok` may hold a note on
/// problems elsewhere in the spec directory, which are not the import's doing.
pub fn validate(spec_dir: &Path, path: &Path, text: &str) -> Result<Option<String>, String> {
    let mut sources = load::read_dir(spec_dir).unwrap_or_default();
    sources.retain(|source| source.path != path);
    sources.push(SourceFile {
        path: path.to_path_buf(),
        text: text.to_string(),
    });
    let Err(rejected) = pipeline::run(&sources) else {
        return Ok(None);
    };
    let (mine, others): (Vec<_>, Vec<_>) = rejected
        .failure
        .diagnostics()
        .iter()
        .cloned()
        .partition(|diagnostic| diagnostic.file == path);
    if mine.is_empty() && others.is_empty() {
        return Err(rejected.render());
    }
    let note = (!others.is_empty()).then(|| {
        format!(
            "note: {} other problem(s) in {}, not in the imported file; run `wxinvoice validate {}`",
            others.len(),
            spec_dir.display(),
            spec_dir.display()
        )
    });
    if mine.is_empty() {
        return Ok(note);
    }
    let failure = Failure::Spec {
        diagnostics: Diagnostics::from(mine),
        sources,
        skipped: Vec::new(),
    };
    let mut out = failure.render();
    if let Some(note) = note {
        out.push('\n');
        out.push_str(&note);
    }
    Err(out)
}

fn in_folder(path: &Path, folder: &str) -> bool {
    path.parent()
        .and_then(Path::file_name)
        .is_some_and(|name| name == folder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_come_from_the_errmsg() {
        assert_eq!(
            variant_from_errmsg("invoice order never auth", 72038),
            "InvoiceOrderNeverAuth"
        );
        assert_eq!(
            variant_from_errmsg("billing_code and billing_no repeated", 1),
            "BillingCodeAndBillingNoRepeated"
        );
        assert_eq!(variant_from_errmsg("", 72099), "Code72099");
        assert_eq!(variant_from_errmsg("unknown", 5), "Code5");
    }

    #[test]
    fn proposals_are_table_entries() {
        let row = ErrorRow {
            code: 72099,
            errmsg: "made up error".into(),
            detail: "Try again.".into(),
        };
        let text = proposal(&row);
        assert!(
            text.starts_with(
                "  - code: 72099\n    variant: MadeUpError\n    errmsg: made up error\n"
            ),
            "{text}"
        );
    }
}
