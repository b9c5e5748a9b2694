//! `wxinvoice openapi`: the whole spec as an OpenAPI 3.1 document.
//!
//! [`document`] lays out paths and operations from the spec model; [`schemas`] takes the
//! request and response schemas from the compiled types (`registry::json_schema_of`), so the
//! document describes exactly what the Rust client sends and accepts.

pub mod document;
pub mod schemas;
pub mod webhooks;

use std::fs;
use std::path::{Path, PathBuf};

use wechat_invoice_codegen::Api;

use crate::outcome::{CliError, Outcome, Status};
use crate::{builtin, output, pipeline};

/// Arguments of `wxinvoice openapi`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Check that this spec directory is the one wxinvoice was built from (the schemas come
    /// from the compiled types); by default the built-in spec is used as is.
    #[arg(long, value_name = "DIR")]
    pub spec: Option<PathBuf>,
    /// Write the document to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Builds the document and prints or writes it.
pub fn run(args: &Args) -> Outcome {
    let api = builtin::api()?;
    if let Some(dir) = &args.spec {
        let given = pipeline::load_api(dir, &format!("given ({})", dir.display()))?;
        ensure_same(&api, &given, dir)?;
    }
    let document = document::document(&api)?;
    let text = serde_json::to_string_pretty(&document)
        .map_err(|err| CliError::new(format!("cannot print the document: {err}")))?;
    match &args.out {
        None => output::print_out(&format!("{text}\n"))?,
        Some(path) => {
            write(path, &format!("{text}\n"))?;
            let operations = document["paths"].as_object().map_or(0, |paths| {
                paths
                    .values()
                    .filter_map(|item| item.as_object())
                    .map(|item| item.len())
                    .sum()
            });
            eprintln!(
                "wrote {}: OpenAPI 3.1, {} endpoints in {operations} operations, {} events \
                 under webhooks",
                path.display(),
                api.endpoints.len(),
                api.events.len()
            );
        }
    }
    Ok(Status::Clean)
}

fn write(path: &Path, text: &str) -> Result<(), CliError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)
            .map_err(|err| CliError::new(format!("cannot create `{}`: {err}", parent.display())))?;
    }
    fs::write(path, text)
        .map_err(|err| CliError::new(format!("cannot write `{}`: {err}", path.display())))
}

/// The schemas come from the compiled types, so a different spec would give a document that
/// contradicts itself: refuse it and say how to get the right one.
fn ensure_same(built_in: &Api, given: &Api, dir: &Path) -> Result<(), CliError> {
    let strip = |api: &Api| {
        let mut api = api.clone();
        for endpoint in &mut api.endpoints {
            endpoint.source = PathBuf::new();
        }
        api
    };
    let (built_in, given) = (strip(built_in), strip(given));
    if built_in == given {
        return Ok(());
    }
    let differing = first_difference(&built_in, &given);
    Err(CliError::new(format!(
        "the spec in `{}` differs from the one this wxinvoice was built from ({differing}); \
         the schemas come from the compiled types, so rebuild from that spec \
         (`cargo run -p wxinvoice -- openapi` in its checkout)",
        dir.display()
    )))
}

fn first_difference(built_in: &Api, given: &Api) -> String {
    for endpoint in &given.endpoints {
        match built_in.endpoints.iter().find(|e| e.name == endpoint.name) {
            None => return format!("endpoint `{}` is new", endpoint.name),
            Some(known) if known != endpoint => {
                return format!("endpoint `{}` changed", endpoint.name);
            }
            Some(_) => {}
        }
    }
    if let Some(gone) = built_in
        .endpoints
        .iter()
        .find(|e| !given.endpoints.iter().any(|g| g.name == e.name))
    {
        return format!("endpoint `{}` is missing", gone.name);
    }
    if built_in.types != given.types {
        return "the types differ".to_string();
    }
    if built_in.events != given.events {
        return "the events differ".to_string();
    }
    "the error tables differ".to_string()
}
