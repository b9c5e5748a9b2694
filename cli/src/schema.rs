//! `wxinvoice schema`: the JSON Schema of one generated type, as the compiled crate derives it.

use wechat_invoice::registry::{TYPE_NAMES, json_schema_of};

use crate::outcome::{CliError, Outcome, Status};
use crate::{builtin, output};

/// Arguments of `wxinvoice schema`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A generated type's Rust name (`GetAuthDataRequest`, `ReimburseStatus`).
    #[arg(value_name = "NAME", required_unless_present = "list")]
    pub name: Option<String>,
    /// Print every type name, one a line, and exit.
    #[arg(long, conflicts_with = "name")]
    pub list: bool,
}

/// Prints the schema (pretty JSON) or the list of names.
pub fn run(args: &Args) -> Outcome {
    let Some(name) = &args.name else {
        let mut out = String::new();
        for name in TYPE_NAMES {
            out.push_str(name);
            out.push('\n');
        }
        output::print_out(&out)?;
        return Ok(Status::Clean);
    };
    let Some(schema) = json_schema_of(name) else {
        let close = builtin::close_names(name, TYPE_NAMES.iter().copied(), 8);
        return Err(CliError::new(format!(
            "no generated type named `{name}`; {}",
            builtin::suggestion(&close, "`wxinvoice schema --list` prints every name")
        )));
    };
    let text = serde_json::to_string_pretty(schema.as_value())
        .map_err(|err| CliError::new(format!("cannot print the schema: {err}")))?;
    output::print_out(&format!("{text}\n"))?;
    Ok(Status::Clean)
}
