//! `wxinvoice call`: one typed call by endpoint name, JSON in and out
//! (`wechat_invoice::registry::call_json`; with `--raw`, `call_json_raw` and the answer's body
//! as WeChat sent it).
//!
//! Credentials come from the environment only and never appear in what is printed: every
//! output passes through [`Secrets::redact`] besides the client's own redaction.

use std::fs;
use std::path::Path;
use std::time::Duration;

use serde_json::{Map, Value, json};
use wechat_invoice::dynamic::{CallError, RawCall};
use wechat_invoice::registry::{ENDPOINTS, call_json, call_json_raw};
use wechat_invoice::{Client, DEFAULT_BASE_URL, RawBody, RetryPolicy};
use wechat_invoice_codegen::model::TypeRef;

use crate::outcome::{CliError, Outcome, Status};
use crate::{builtin, output};

/// A fixed access token.
pub const ENV_TOKEN: &str = "WECHAT_ACCESS_TOKEN";
/// The appid, with [`ENV_SECRET`]: the client fetches and caches tokens itself.
pub const ENV_APPID: &str = "WECHAT_APPID";
/// The app secret, with [`ENV_APPID`].
pub const ENV_SECRET: &str = "WECHAT_SECRET";
/// Where calls go when `--base-url` is not given.
pub const ENV_BASE_URL: &str = "WECHAT_BASE_URL";

/// Arguments of `wxinvoice call`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The endpoint's spec name (`get_auth_data`).
    #[arg(value_name = "ENDPOINT")]
    pub endpoint: String,
    /// The request as JSON, `@FILE` to read it from a file, `@-` from standard input; `{}`
    /// when left out. In file fields (`pdf` of `platform_set_pdf`), `"@path/to/file.pdf"`
    /// uploads that file.
    #[arg(long, value_name = "JSON|@FILE")]
    pub body: Option<String>,
    /// Where to send the call; default $WECHAT_BASE_URL, else `https://api.weixin.qq.com`.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Give up after this many seconds (the client's default is 30).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Send once: no retry of retryable errors.
    #[arg(long)]
    pub no_retry: bool,
    /// Print the body of WeChat's answer exactly as it arrived instead of the typed rendering
    /// (fields the spec does not know included; each is also named on stderr), for errors too.
    #[arg(long)]
    pub raw: bool,
}

/// Sends the call and prints the typed response, or the typed error and its message.
pub fn run(args: &Args) -> Outcome {
    let secrets = Secrets::from_env();
    let outcome = call(args, &secrets);
    outcome.map_err(|err| CliError::new(secrets.redact(&err.0)))
}

fn call(args: &Args, secrets: &Secrets) -> Outcome {
    let endpoint = find_endpoint(&args.endpoint)?;
    let mut request = read_body(args.body.as_deref())?;
    attach_files(endpoint, &mut request)?;
    let client = client(args)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| CliError::new(format!("cannot start the async runtime: {err}")))?;
    if args.raw {
        let result = runtime.block_on(call_json_raw(&client, endpoint, request));
        return match result {
            Ok(call) => print_raw(&call, secrets),
            Err(other) => Err(CliError::new(other.to_string())),
        };
    }
    let result = runtime.block_on(call_json(&client, endpoint, request));
    match result {
        Ok(response) => {
            output::print_out(&secrets.redact(&pretty(&response)?))?;
            Ok(Status::Clean)
        }
        Err(CallError::Failed { error, message }) => {
            output::print_out(&secrets.redact(&pretty(&error)?))?;
            eprintln!("error: {}", secrets.redact(&message));
            Ok(Status::Problems)
        }
        Err(other) => Err(CliError::new(other.to_string())),
    }
}

/// `--raw`: the body on stdout as it arrived, the fields the spec does not know named on
/// stderr; on failure the error's message on stderr (and no stdout when no answer arrived).
fn print_raw(call: &RawCall, secrets: &Secrets) -> Outcome {
    if let Some(raw) = &call.raw {
        output::print_out(&secrets.redact(&raw_text(raw)))?;
    }
    for field in &call.unknown_fields {
        eprintln!(
            "note: `{}` is not in the spec: {}",
            field.pointer,
            secrets.redact(&field.value.to_string())
        );
    }
    match &call.outcome {
        Ok(_) => Ok(Status::Clean),
        Err(CallError::Failed { message, .. }) => {
            eprintln!("error: {}", secrets.redact(message));
            if call.raw.is_none() {
                eprintln!("note: no answer arrived, so there is no body to print");
            }
            Ok(Status::Problems)
        }
        Err(other) => Err(CliError::new(other.to_string())),
    }
}

/// A body as text ending with a newline; bytes that are not UTF-8 become U+FFFD.
fn raw_text(raw: &RawBody) -> String {
    let mut text = String::from_utf8_lossy(raw.as_bytes()).into_owned();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

fn pretty(value: &Value) -> Result<String, CliError> {
    serde_json::to_string_pretty(value)
        .map(|text| format!("{text}\n"))
        .map_err(|err| CliError::new(format!("cannot print JSON: {err}")))
}

fn find_endpoint(name: &str) -> Result<&'static str, CliError> {
    if let Some(endpoint) = ENDPOINTS.iter().find(|e| e.name == name) {
        return Ok(endpoint.name);
    }
    let names = ENDPOINTS.iter().map(|e| e.name);
    let close = builtin::close_names(name, names, 5);
    Err(CliError::new(format!(
        "no endpoint named `{name}`; {}",
        builtin::suggestion(&close, "the README's endpoint tables list every name")
    )))
}

/// The request JSON: literal, `@FILE`, `@-`, or `{}`.
fn read_body(body: Option<&str>) -> Result<Value, CliError> {
    let (text, from) = match body {
        None => return Ok(json!({})),
        Some("@-") => {
            let text = std::io::read_to_string(std::io::stdin())
                .map_err(|err| CliError::new(format!("cannot read standard input: {err}")))?;
            (text, "standard input".to_string())
        }
        Some(arg) => match arg.strip_prefix('@') {
            Some(path) => {
                let text = fs::read_to_string(path)
                    .map_err(|err| CliError::new(format!("cannot read `{path}`: {err}")))?;
                (text, format!("`{path}`"))
            }
            None => (arg.to_string(), "--body".to_string()),
        },
    };
    let value: Value = serde_json::from_str(&text)
        .map_err(|err| CliError::new(format!("{from} is not JSON: {err}")))?;
    if !value.is_object() {
        return Err(CliError::new(format!("{from} is not a JSON object")));
    }
    Ok(value)
}

/// Replaces `"@path"` in the endpoint's file fields by the file, as `{file_name,
/// content_type, bytes}` (the JSON shape of `wechat_invoice::FilePart`).
fn attach_files(endpoint: &str, request: &mut Value) -> Result<(), CliError> {
    let api = builtin::api()?;
    let Some(spec) = api.endpoints.iter().find(|e| e.name == endpoint) else {
        return Ok(());
    };
    let Some(object) = request.as_object_mut() else {
        return Ok(());
    };
    for field in spec.request.fields.iter().filter(|f| f.ty == TypeRef::File) {
        let Some(Value::String(text)) = object.get(&field.wire_name) else {
            continue;
        };
        let Some(path) = text.strip_prefix('@') else {
            return Err(CliError::new(format!(
                "`{}` of `{endpoint}` is a file: write \"@path/to/file\" to upload one \
                 (or the object {{file_name, content_type, bytes}})",
                field.wire_name
            )));
        };
        let part = file_part(Path::new(path))?;
        object.insert(field.wire_name.clone(), part);
    }
    Ok(())
}

fn file_part(path: &Path) -> Result<Value, CliError> {
    let bytes = fs::read(path)
        .map_err(|err| CliError::new(format!("cannot read `{}`: {err}", path.display())))?;
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_string());
    let extension = path
        .extension()
        .map(|ext| ext.to_string_lossy().to_lowercase());
    let content_type = match extension.as_deref() {
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("ofd") => "application/ofd",
        _ => "application/octet-stream",
    };
    let mut part = Map::new();
    part.insert("file_name".into(), json!(file_name));
    part.insert("content_type".into(), json!(content_type));
    part.insert("bytes".into(), json!(bytes));
    Ok(Value::Object(part))
}

/// The client: base URL from the flag or the environment, credentials from the environment.
fn client(args: &Args) -> Result<Client, CliError> {
    let base_url = args
        .base_url
        .clone()
        .or_else(|| env(ENV_BASE_URL))
        .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
    let mut builder = Client::builder().base_url(base_url);
    builder = match (env(ENV_TOKEN), env(ENV_APPID), env(ENV_SECRET)) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(CliError::new(format!(
                "both ${ENV_TOKEN} and ${ENV_APPID}/${ENV_SECRET} are set; unset one"
            )));
        }
        (Some(token), None, None) => builder.access_token(token),
        (None, Some(appid), Some(secret)) => builder.app_credentials(appid, secret),
        (None, Some(_), None) | (None, None, Some(_)) => {
            return Err(CliError::new(format!(
                "${ENV_APPID} and ${ENV_SECRET} go together; set both"
            )));
        }
        (None, None, None) => {
            return Err(CliError::new(format!(
                "no credentials: set ${ENV_TOKEN}, or ${ENV_APPID} and ${ENV_SECRET}"
            )));
        }
    };
    if let Some(seconds) = args.timeout {
        builder = builder.timeout(Duration::from_secs(seconds));
    }
    if args.no_retry {
        builder = builder.retry_policy(RetryPolicy::none());
    }
    builder
        .build()
        .map_err(|err| CliError::new(format!("cannot build the client: {err}")))
}

/// A variable's value; unset and empty are the same.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// The credentials read from the environment, to be blanked out of anything printed.
#[derive(Default)]
pub struct Secrets(Vec<String>);

impl Secrets {
    fn from_env() -> Self {
        Self(
            [ENV_TOKEN, ENV_SECRET]
                .iter()
                .filter_map(|name| env(name))
                .filter(|value| value.len() >= 4)
                .collect(),
        )
    }

    /// `text` with every secret replaced by `***`, in any form it is echoed in (the client's
    /// own redaction, [`wechat_invoice::hide_secrets`]).
    pub fn redact(&self, text: &str) -> String {
        let secrets: Vec<&str> = self.0.iter().map(String::as_str).collect();
        wechat_invoice::hide_secrets(text, &secrets)
    }
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets({} hidden)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_blanked() {
        let secrets = Secrets(vec!["TOKEN-123".into()]);
        assert_eq!(secrets.redact("a TOKEN-123 b TOKEN-123"), "a *** b ***");
        let encoded = Secrets(vec!["to/k+en==".into()]);
        assert_eq!(
            encoded.redact(r#"{"q":"access_token=to%2Fk%2Ben%3D%3D","m":"to\/k+en=="}"#),
            r#"{"q":"access_token=***","m":"***"}"#
        );
        assert_eq!(
            encoded.redact("an excerpt cut at to/k"),
            "an excerpt cut at ***"
        );
        assert_eq!(format!("{secrets:?}"), "Secrets(1 hidden)");
    }

    #[test]
    fn bodies_are_objects() {
        assert_eq!(read_body(None).expect("default"), json!({}));
        assert_eq!(
            read_body(Some(r#"{"a": 1}"#)).expect("literal"),
            json!({"a": 1})
        );
        assert!(read_body(Some("[1]")).is_err());
        assert!(read_body(Some("{")).is_err());
        assert!(read_body(Some("@/no/such/file.json")).is_err());
    }

    #[test]
    fn file_fields_take_at_paths() {
        let dir = tempfile::tempdir().expect("temp dir");
        let pdf = dir.path().join("invoice.pdf");
        fs::write(&pdf, b"%PDF-1.4\n").expect("write");
        let mut request = json!({ "pdf": format!("@{}", pdf.display()) });
        attach_files("platform_set_pdf", &mut request).expect("attached");
        assert_eq!(request["pdf"]["file_name"], "invoice.pdf");
        assert_eq!(request["pdf"]["content_type"], "application/pdf");
        assert_eq!(request["pdf"]["bytes"][0], 37);
        let mut bare = json!({ "pdf": "invoice.pdf" });
        let err = attach_files("platform_set_pdf", &mut bare).expect_err("not @");
        assert!(err.0.contains("@path/to/file"), "{err}");
    }

    #[test]
    fn unknown_endpoints_get_suggestions() {
        let err = find_endpoint("get_auth_dat").expect_err("unknown");
        assert!(err.0.contains("`get_auth_data`"), "{err}");
    }
}
