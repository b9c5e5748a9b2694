//! Generates the typed bindings from `spec/` into `OUT_DIR` (see `codegen/`).
//!
//! A spec problem fails the build with `file:line:column`, what is wrong and how to fix it,
//! never a panic. Every spec file and folder is a `rerun-if-changed` input, so a rebuild
//! that touched no spec file does not run this again.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        eprintln!("error: OUT_DIR is not set; run this build script through cargo");
        return ExitCode::FAILURE;
    };
    // Cargo runs build scripts in the package root, so relative paths print as `spec/…`.
    let spec_dir = Path::new("spec");
    match wechat_invoice_codegen::generate_dir(spec_dir) {
        Ok(output) => {
            rerun_if_changed(&output.inputs);
            let target = out_dir.join("generated");
            if let Err(err) = wechat_invoice_codegen::write_if_changed(&target, &output.files) {
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

fn rerun_if_changed(inputs: &[PathBuf]) {
    for input in inputs {
        println!("cargo::rerun-if-changed={}", input.display());
    }
}
