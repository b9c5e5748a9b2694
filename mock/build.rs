//! Embeds the repository's `spec/` into the mock, so `MockServer::start()` needs no files.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let spec_dir = Path::new("..").join("spec");
    println!("cargo::rerun-if-changed={}", spec_dir.display());
    let mut files = Vec::new();
    for folder in ["endpoints", "types", "errors", "events"] {
        let dir = spec_dir.join(folder);
        println!("cargo::rerun-if-changed={}", dir.display());
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|ext| ext == "yaml") {
                println!("cargo::rerun-if-changed={}", path.display());
                files.push(path);
            }
        }
    }
    files.sort();
    let mut out = String::from(
        "/// The spec files of the repository, as (path, text) pairs.\npub static SPEC_FILES: &[(&str, &str)] = &[\n",
    );
    for path in &files {
        let relative: PathBuf = path.strip_prefix("..").unwrap_or(path).to_path_buf();
        let absolute = fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        let _ = writeln!(
            out,
            "    ({:?}, include_str!({:?})),",
            relative.display().to_string(),
            absolute.display().to_string()
        );
    }
    out.push_str("];\n");
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        eprintln!("OUT_DIR is not set; run this build script through cargo");
        std::process::exit(1);
    };
    let target = PathBuf::from(out_dir).join("spec_files.rs");
    if fs::read_to_string(&target).ok().as_deref() != Some(out.as_str())
        && let Err(err) = fs::write(&target, out)
    {
        eprintln!("cannot write {}: {err}", target.display());
        std::process::exit(1);
    }
}
