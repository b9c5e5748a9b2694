//! Puts the typed bindings into `OUT_DIR/generated`, where `src/lib.rs` includes them.
//!
//! With the `regenerate` feature (the workspace's tests turn it on) it runs the generator
//! (`codegen/`) over `spec/`: a spec problem fails the build with `file:line:column`, what is
//! wrong and how to fix it, never a panic, and every spec file and folder is a
//! `rerun-if-changed` input. Without it, it copies the committed `generated/`, which
//! `tests/generated.rs` keeps equal to what the generator writes, so crates that depend on
//! this one never compile the generator.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        eprintln!("error: OUT_DIR is not set; run this build script through cargo");
        return ExitCode::FAILURE;
    };
    let target = out_dir.join("generated");
    #[cfg(feature = "regenerate")]
    return regenerate(&target);
    #[cfg(not(feature = "regenerate"))]
    return copy_committed(Path::new("generated"), &target);
}

/// Generates from `spec/` (relative: cargo runs build scripts in the package root, so paths
/// print as `spec/…`).
#[cfg(feature = "regenerate")]
fn regenerate(target: &Path) -> ExitCode {
    match wechat_invoice_codegen::generate_dir(Path::new("spec")) {
        Ok(output) => {
            rerun_if_changed(&output.inputs);
            if let Err(err) = wechat_invoice_codegen::write_if_changed(target, &output.files) {
                println!(
                    "cargo::error=cannot write generated code to {}: {err}",
                    target.display()
                );
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err((failure, inputs)) => {
            rerun_if_changed(&inputs);
            let (summaries, rendered) = wechat_invoice_codegen::build_script_report(&failure);
            for summary in summaries {
                println!("{summary}");
            }
            eprintln!("{rendered}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "regenerate")]
fn rerun_if_changed(inputs: &[PathBuf]) {
    for input in inputs {
        println!("cargo::rerun-if-changed={}", input.display());
    }
}

/// Copies the committed `generated/` (its `.rs` files, folders included) to `target`.
#[cfg(not(feature = "regenerate"))]
fn copy_committed(from: &Path, target: &Path) -> ExitCode {
    println!("cargo::rerun-if-changed={}", from.display());
    match copy_tree(from, target) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            println!(
                "cargo::error=cannot copy the committed {} to {}: {err}",
                from.display(),
                target.display()
            );
            ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "regenerate"))]
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        let Some(name) = path.file_name() else {
            continue;
        };
        if path.is_dir() {
            println!("cargo::rerun-if-changed={}", path.display());
            copy_tree(&path, &to.join(name))?;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            println!("cargo::rerun-if-changed={}", path.display());
            let contents = std::fs::read(&path)?;
            // Unchanged files keep their timestamps, so rustc's incremental cache stays warm.
            if std::fs::read(to.join(name)).ok().as_deref() != Some(contents.as_slice()) {
                std::fs::write(to.join(name), contents)?;
            }
        }
    }
    Ok(())
}
