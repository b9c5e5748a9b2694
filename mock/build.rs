//! Embeds the repository's `spec/` into the mock, so `MockServer::start()` needs no files.
//!
//! `mock/spec` is a symbolic link to the repository's `spec/`, so the published package
//! (which cannot reach outside its own folder) carries the same files. They are found and
//! read by the codegen loader, the one discovery every build script and tool uses (`.yaml`
//! and `.yml`, regular files under the size limit only).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use wechat_invoice_codegen::load;

fn main() -> ExitCode {
    let spec_dir = Path::new("spec");
    let (files, folders) = match load::discover(spec_dir) {
        Ok(found) => found,
        Err(problem) => {
            println!("cargo::rerun-if-changed={}", spec_dir.display());
            println!("cargo::error={}", problem.to_string().replace('\n', " "));
            return ExitCode::FAILURE;
        }
    };
    for path in files.iter().chain(&folders) {
        println!("cargo::rerun-if-changed={}", path.display());
    }
    let mut out = String::from(
        "/// The spec files of the repository, as (path, text) pairs.\npub static SPEC_FILES: &[(&str, &str)] = &[\n",
    );
    for path in &files {
        // Refuse a FIFO, a device or an oversized file here rather than in `include_str!`.
        if let Err(problem) = load::read_file(path) {
            println!("cargo::error={}", problem.to_string().replace('\n', " "));
            return ExitCode::FAILURE;
        }
        let absolute = fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        let _ = writeln!(
            out,
            "    ({:?}, include_str!({:?})),",
            path.display().to_string(),
            absolute.display().to_string()
        );
    }
    out.push_str("];\n");
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        println!("cargo::error=OUT_DIR is not set; run this build script through cargo");
        return ExitCode::FAILURE;
    };
    let target = PathBuf::from(out_dir).join("spec_files.rs");
    if fs::read_to_string(&target).ok().as_deref() != Some(out.as_str())
        && let Err(err) = fs::write(&target, out)
    {
        println!("cargo::error=cannot write {}: {err}", target.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
