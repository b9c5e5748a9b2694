//! `wxinvoice push`: send one event to a URL as WeChat would (signed, and encrypted when an
//! EncodingAESKey is given), through the mock's push code (`wechat_invoice_mock::push_event`,
//! which seals with `wechat_invoice::push::Receiver::seal`), and print the answer.
//!
//! The token and the EncodingAESKey are never printed; they come from flags or, better (flags
//! show in the process list), from the environment.

use std::fs;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use wechat_invoice::Event;
use wechat_invoice::push::{Elements, PushConfig};
use wechat_invoice_codegen::events::EventModel;
use wechat_invoice_mock::{PushAnswer, PushOutcome, PushReport, PushTarget, push_event};

use crate::outcome::{CliError, Outcome, Status};
use crate::{builtin, output};

/// The token, when `--token` is not given.
pub const ENV_TOKEN: &str = "WECHAT_PUSH_TOKEN";
/// The EncodingAESKey, when `--encoding-aes-key` is not given.
pub const ENV_KEY: &str = "WECHAT_ENCODING_AES_KEY";
/// The appid, when `--appid` is not given.
pub const ENV_APPID: &str = "WECHAT_PUSH_APPID";

/// The most characters of an answer printed.
const SHOWN_ANSWER_CHARS: usize = 500;

/// Arguments of `wxinvoice push`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The receiver's URL (`http://127.0.0.1:8080/wechat`); the signature query is appended.
    #[arg(value_name = "URL")]
    pub url: String,
    /// The `Event` value to send (`user_authorize_invoice`); the envelope is filled in.
    #[arg(long, value_name = "EVENT", required_unless_present = "xml")]
    pub event: Option<String>,
    /// An element of the event, `ELEMENT=VALUE` (`--set SuccOrderId=1202933957956`);
    /// repeatable, sent in the order given.
    #[arg(long = "set", value_name = "ELEMENT=VALUE", conflicts_with = "xml")]
    pub set: Vec<String>,
    /// Send this push XML (decrypted form, `<xml>…</xml>`) instead of building one; `-` reads
    /// standard input.
    #[arg(long, value_name = "FILE", conflicts_with = "event")]
    pub xml: Option<PathBuf>,
    /// The Token of WeChat's server settings [default: $WECHAT_PUSH_TOKEN].
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// The EncodingAESKey: the push is encrypted (safe mode) [default: $WECHAT_ENCODING_AES_KEY;
    /// plain mode without one].
    #[arg(long, value_name = "KEY")]
    pub encoding_aes_key: Option<String>,
    /// The appid the encrypted push names [default: $WECHAT_PUSH_APPID].
    #[arg(long, value_name = "APPID")]
    pub appid: Option<String>,
    /// `ToUserName` of the envelope (the account's original id).
    #[arg(long, value_name = "ID", default_value = "gh_mock_account")]
    pub to: String,
    /// `FromUserName` of the envelope (the user's openid).
    #[arg(long, value_name = "OPENID", default_value = "oMockUser_openid")]
    pub from: String,
    /// Send at most this many times while no `success` comes back (WeChat sends 3).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub attempts: u32,
    /// Seconds to wait for each answer (WeChat waits 5).
    #[arg(long, value_name = "SECONDS", default_value_t = 5)]
    pub wait: u64,
}

/// Builds the event, sends it and prints each attempt's answer; exit 1 when no attempt was
/// answered `success`.
pub fn run(args: &Args) -> Outcome {
    check_url(&args.url)?;
    let api = builtin::api()?;
    let event = match &args.xml {
        Some(path) => read_xml(path)?,
        None => build(args, &api.events)?,
    };
    let config = settings(args)?;
    let encrypted = config_is_encrypted(args);
    let target = PushTarget::new(args.url.clone(), config)
        .attempts(args.attempts)
        .retry_wait(Duration::from_secs(args.wait.clamp(1, 600)));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| CliError::new(format!("cannot start the async runtime: {err}")))?;
    let name = event
        .envelope()
        .event
        .clone()
        .unwrap_or_else(|| "(no Event element)".to_string());
    let report = runtime
        .block_on(push_event(&target, event))
        .map_err(|err| CliError::new(err.to_string()))?;
    let mode = if encrypted {
        "safe mode, encrypted"
    } else {
        "plain mode"
    };
    output::print_out(&render(&name, &args.url, mode, &report))?;
    Ok(if report.acknowledged() {
        Status::Clean
    } else {
        Status::Problems
    })
}

/// What is printed: one line per attempt, then `success` or `not success`.
fn render(event: &str, url: &str, mode: &str, report: &PushReport) -> String {
    let mut out = format!("pushed `{event}` to {url} ({mode})\n");
    for (index, outcome) in report.attempts.iter().enumerate() {
        let answer = report.answers.get(index).and_then(Option::as_ref);
        out.push_str(&format!(
            "attempt {}: {}\n",
            index + 1,
            attempt(outcome, answer)
        ));
    }
    out.push_str(if report.acknowledged() {
        "success\n"
    } else {
        "not success: WeChat would send the push again (at most 3 times in all)\n"
    });
    out
}

fn attempt(outcome: &PushOutcome, answer: Option<&PushAnswer>) -> String {
    let shown = |answer: &PushAnswer| {
        let body: String = answer.body.chars().take(SHOWN_ANSWER_CHARS).collect();
        let cut = if answer.body.chars().count() > SHOWN_ANSWER_CHARS {
            "…"
        } else {
            ""
        };
        format!("HTTP {}, answer {body:?}{cut}", answer.status)
    };
    match (outcome, answer) {
        (PushOutcome::Acknowledged, Some(answer)) => format!("{}: success", shown(answer)),
        (PushOutcome::Acknowledged, None) => "success".to_string(),
        (PushOutcome::Refused { status, body }, None) => {
            format!("HTTP {status}, answer {body:?}: not success")
        }
        (PushOutcome::Refused { .. }, Some(answer)) => format!("{}: not success", shown(answer)),
        (PushOutcome::TimedOut, _) => "no answer in time: not success".to_string(),
        (PushOutcome::Failed(why), _) => format!("failed: {why}"),
    }
}

/// Refuses a URL no push could be sent to (not http:// or https://, no host), before anything
/// is built or sent.
fn check_url(text: &str) -> Result<(), CliError> {
    let refused = |why: &str| {
        CliError::new(format!(
            "`{text}` is not a receiver's URL: {why} (like `http://127.0.0.1:8080/wechat`)"
        ))
    };
    let url = url::Url::parse(text).map_err(|err| refused(&err.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refused(&format!(
            "the scheme is `{}`, not http or https",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(refused("it names no host"));
    }
    if url.fragment().is_some() {
        return Err(refused("a `#fragment` would swallow the signature query"));
    }
    Ok(())
}

fn config_is_encrypted(args: &Args) -> bool {
    secret(&args.encoding_aes_key, ENV_KEY).is_some()
}

/// A flag's value, else the environment variable's (empty counts as absent).
fn secret(flag: &Option<String>, env: &str) -> Option<String> {
    flag.clone()
        .or_else(|| std::env::var(env).ok())
        .filter(|value| !value.is_empty())
}

/// The receiver's settings, checked by `Receiver::new` (the same check the mock makes).
fn settings(args: &Args) -> Result<PushConfig, CliError> {
    let token = secret(&args.token, ENV_TOKEN).ok_or_else(|| {
        CliError::new(format!(
            "no token: pass --token or set ${ENV_TOKEN} (the Token of WeChat's server settings)"
        ))
    })?;
    let mut config = PushConfig::new(token);
    if let Some(key) = secret(&args.encoding_aes_key, ENV_KEY) {
        config = config.encoding_aes_key(key);
    }
    if let Some(appid) = secret(&args.appid, ENV_APPID) {
        config = config.appid(appid);
    }
    wechat_invoice::push::Receiver::new(config.clone())
        .map_err(|err| CliError::new(format!("the push settings are refused: {err}")))?;
    Ok(config)
}

fn read_xml(path: &PathBuf) -> Result<Event, CliError> {
    let bytes = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
            .map_err(|err| CliError::new(format!("cannot read standard input: {err}")))?;
        bytes
    } else {
        fs::read(path)
            .map_err(|err| CliError::new(format!("cannot read `{}`: {err}", path.display())))?
    };
    Event::from_xml(&bytes)
        .map_err(|err| CliError::new(format!("`{}` is not a push's XML: {err}", path.display())))
}

/// The event from `--event` and `--set`, with a fresh envelope; names the spec does not
/// know are sent as given, with a note on stderr.
fn build(args: &Args, events: &[EventModel]) -> Result<Event, CliError> {
    let value = args.event.as_deref().unwrap_or_default();
    let valid = !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(CliError::new(format!(
            "--event `{value}` is not an event name (letters, digits and `_`, like `user_authorize_invoice`)"
        )));
    }
    let model = events.iter().find(|event| event.event == value);
    if model.is_none() {
        let close = builtin::close_names(value, events.iter().map(|e| e.event.as_str()), 3);
        eprintln!(
            "note: event `{value}` is not described in the spec, so a receiver decodes it as \
             `Event::Other`; {}",
            builtin::suggestion(&close, "sending it as given")
        );
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let mut elements = Elements::new();
    elements.push("ToUserName", args.to.as_str());
    elements.push("FromUserName", args.from.as_str());
    elements.push("CreateTime", now.to_string());
    elements.push("MsgType", "event");
    elements.push("Event", value);
    for pair in &args.set {
        let (element, text) = pair.split_once('=').ok_or_else(|| {
            CliError::new(format!(
                "--set `{pair}` is not ELEMENT=VALUE (like `SuccOrderId=1202933957956`)"
            ))
        })?;
        let name_ok = element
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && element
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !name_ok {
            return Err(CliError::new(format!(
                "--set `{pair}`: `{element}` is not an XML element name"
            )));
        }
        if let Some(model) = model.filter(|model| model.field(element).is_none()) {
            eprintln!(
                "note: `{element}` is not an element of `{value}` in the spec; a receiver keeps \
                 it in the event's `other` elements (known: {})",
                model
                    .fields
                    .iter()
                    .map(|field| field.element.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        elements.push(element, text);
    }
    Event::from_elements(elements)
        .map_err(|err| CliError::new(format!("the event does not decode as the spec says: {err}")))
}
