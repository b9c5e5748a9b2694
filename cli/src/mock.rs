//! `wxinvoice mock`: the spec-driven mock WeChat server (`wechat-invoice-mock`) as a process,
//! for trying the client, `wxinvoice call` or another language's SDK without credentials.
//!
//! It prints `listening on http://ADDR` on stdout as its first line, so that scripts can read
//! the URL, then serves until Ctrl-C or SIGTERM (or, with `--exit-on-stdin-eof`, until its
//! standard input closes).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use wechat_invoice_codegen::Api;
use wechat_invoice_mock::{Behavior, CLASSIC_TOKEN, MockServer, Reply, STABLE_TOKEN};

use crate::outcome::{CliError, Outcome, Status};
use crate::{builtin, output, pipeline};

/// Arguments of `wxinvoice mock`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:0")]
    pub addr: String,
    /// Serve this spec directory instead of the built-in spec.
    #[arg(long, value_name = "DIR")]
    pub spec: Option<PathBuf>,
    /// Answer ENDPOINT (a spec name, or `*` for all) with this error code.
    #[arg(long = "error", value_name = "ENDPOINT=CODE", value_parser = parse_rule::<i64>)]
    pub errors: Vec<(String, i64)>,
    /// Wait this many milliseconds before answering ENDPOINT (or `*`).
    #[arg(long = "delay", value_name = "ENDPOINT=MS", value_parser = parse_rule::<u64>)]
    pub delays: Vec<(String, u64)>,
    /// Fail ENDPOINT (or `*`) as networks do: `reset` (close without answer), `cut` (close
    /// half-way through the body), `truncate` (half a JSON body), `html` (a gateway's 502 page).
    #[arg(long = "fail", value_name = "ENDPOINT=HOW", value_parser = parse_rule::<Failure>)]
    pub fails: Vec<(String, Failure)>,
    /// Answer ENDPOINT (or `*`) with this JSON body and HTTP 200: literal JSON, or `@FILE` to
    /// read it from a file. For answers the spec does not describe: a field WeChat added, a
    /// value of another shape, an error code with WeChat's own errmsg.
    #[arg(long = "reply", value_name = "ENDPOINT=JSON|@FILE", value_parser = parse_rule::<ReplyBody>)]
    pub replies: Vec<(String, ReplyBody)>,
    /// Accept only this access token (repeatable); others get 40001. By default any non-empty
    /// token is accepted.
    #[arg(long = "accept-token", value_name = "TOKEN")]
    pub accept_tokens: Vec<String>,
    /// Serve `/cgi-bin/stable_token` and `/cgi-bin/token` for this appid and secret, and
    /// accept only the tokens issued (fake credentials for testing, never real ones).
    #[arg(long, value_name = "APPID:SECRET")]
    pub app_credentials: Option<String>,
    /// Stop when standard input closes (for scripts and tests that own the process).
    #[arg(long)]
    pub exit_on_stdin_eof: bool,
}

/// The body given to `--reply`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyBody(serde_json::Value);

impl FromStr for ReplyBody {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (json, from) = match text.strip_prefix('@') {
            Some(path) => (
                std::fs::read_to_string(path)
                    .map_err(|err| format!("cannot read `{path}`: {err}"))?,
                format!("`{path}`"),
            ),
            None => (text.to_string(), "the body".to_string()),
        };
        serde_json::from_str(&json)
            .map(Self)
            .map_err(|err| format!("{from} is not JSON: {err}"))
    }
}

/// The ways `--fail` breaks an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Close the connection without an answer.
    Reset,
    /// Announce the whole body, send half, close.
    Cut,
    /// A complete HTTP answer whose JSON is cut in half.
    Truncate,
    /// HTTP 502 with an HTML page, as a gateway sends.
    Html,
}

impl FromStr for Failure {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "reset" => Ok(Self::Reset),
            "cut" => Ok(Self::Cut),
            "truncate" => Ok(Self::Truncate),
            "html" => Ok(Self::Html),
            other => Err(format!(
                "unknown failure `{other}`; use reset, cut, truncate or html"
            )),
        }
    }
}

impl Failure {
    fn name(self) -> &'static str {
        match self {
            Self::Reset => "reset",
            Self::Cut => "cut",
            Self::Truncate => "truncate",
            Self::Html => "html",
        }
    }

    fn reply(self) -> Reply {
        match self {
            Self::Reset => Reply::Reset,
            Self::Cut => Reply::CutConnection,
            Self::Truncate => Reply::TruncatedJson,
            Self::Html => Reply::Raw {
                status: 502,
                content_type: "text/html; charset=utf-8".to_string(),
                body: BAD_GATEWAY.as_bytes().to_vec(),
            },
        }
    }
}

const BAD_GATEWAY: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// `ENDPOINT=VALUE`, the value parsed as `T`.
fn parse_rule<T>(text: &str) -> Result<(String, T), String>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    let (endpoint, value) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not ENDPOINT=VALUE"))?;
    if endpoint.is_empty() {
        return Err(format!("`{text}` names no endpoint (use `*` for all)"));
    }
    let value = value
        .parse::<T>()
        .map_err(|err| format!("`{value}` in `{text}`: {err}"))?;
    Ok((endpoint.to_string(), value))
}

/// Loads the spec, starts the server and serves until told to stop.
pub fn run(args: &Args) -> Outcome {
    let api = match &args.spec {
        Some(dir) => pipeline::load_api(dir, &format!("given ({})", dir.display()))?,
        None => builtin::api()?,
    };
    let behaviors = behaviors(&api, args)?;
    let app = args
        .app_credentials
        .as_deref()
        .map(|pair| {
            pair.split_once(':')
                .filter(|(appid, secret)| !appid.is_empty() && !secret.is_empty())
                .ok_or_else(|| CliError::new("--app-credentials takes APPID:SECRET"))
        })
        .transpose()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|err| CliError::new(format!("cannot start the async runtime: {err}")))?;
    let outcome = runtime.block_on(async {
        let server = MockServer::start_with(api, &args.addr)
            .await
            .map_err(|err| CliError::new(format!("cannot listen on {}: {err}", args.addr)))?;
        for (endpoint, behavior) in &behaviors {
            server.respond(endpoint, behavior.clone());
            eprintln!("{endpoint}: {}", describe(behavior));
        }
        if !args.accept_tokens.is_empty() {
            server.accept_tokens(args.accept_tokens.iter().cloned());
        }
        if let Some((appid, secret)) = app {
            server.app_credentials(appid, secret);
            server.accept_issued_tokens();
        }
        server.record_deliveries(false);
        // The handlers are installed before the address is announced: a caller that reads it
        // and sends SIGTERM at once must find the mock listening for it.
        let stop = shutdown(args.exit_on_stdin_eof, terminated());
        output::print_out(&format!("listening on {}\n", server.base_url()))?;
        let reason = stop.await;
        eprintln!("stopped: {reason}");
        Ok(Status::Clean)
    });
    runtime.shutdown_timeout(Duration::from_secs(1));
    outcome
}

/// One behaviour per endpoint named in the rules: its own reply and delay, or those given for
/// `*`, so `--delay '*=100' --error get_auth_data=72038` delays the error too.
fn behaviors(api: &Api, args: &Args) -> Result<BTreeMap<String, Behavior>, CliError> {
    let mut replies: BTreeMap<String, (Reply, String)> = BTreeMap::new();
    let mut delays: BTreeMap<String, u64> = BTreeMap::new();
    let rules = args
        .errors
        .iter()
        .map(|(endpoint, code)| {
            (
                endpoint,
                Reply::Error(*code),
                format!("--error {endpoint}={code}"),
            )
        })
        .chain(args.fails.iter().map(|(endpoint, failure)| {
            (
                endpoint,
                failure.reply(),
                format!("--fail {endpoint}={}", failure.name()),
            )
        }))
        .chain(args.replies.iter().map(|(endpoint, body)| {
            (
                endpoint,
                Reply::Json(body.0.clone()),
                format!("--reply {endpoint}=..."),
            )
        }));
    for (endpoint, reply, given) in rules {
        check_endpoint(api, endpoint)?;
        if let Reply::Error(code) = reply {
            check_code(api, endpoint, code);
        }
        if let Some((_, earlier)) = replies.get(endpoint) {
            return Err(CliError::new(format!(
                "`{endpoint}` is given two replies ({earlier} and {given}); give one"
            )));
        }
        replies.insert(endpoint.clone(), (reply, given));
    }
    for (endpoint, ms) in &args.delays {
        check_endpoint(api, endpoint)?;
        if delays.insert(endpoint.clone(), *ms).is_some() {
            return Err(CliError::new(format!(
                "`{endpoint}` is given two delays; give one"
            )));
        }
    }
    let mut named: Vec<&String> = replies.keys().chain(delays.keys()).collect();
    named.sort();
    named.dedup();
    let pick = |endpoint: &str| {
        let reply = replies
            .get(endpoint)
            .or_else(|| replies.get("*"))
            .map_or(Reply::Example, |(reply, _)| reply.clone());
        let delay = delays
            .get(endpoint)
            .or_else(|| delays.get("*"))
            .copied()
            .unwrap_or(0);
        Behavior::reply(reply).after(Duration::from_millis(delay))
    };
    Ok(named
        .into_iter()
        .map(|endpoint| (endpoint.clone(), pick(endpoint)))
        .collect())
}

fn check_endpoint(api: &Api, endpoint: &str) -> Result<(), CliError> {
    let mut names: Vec<&str> = api.endpoints.iter().map(|e| e.name.as_str()).collect();
    names.extend([STABLE_TOKEN, CLASSIC_TOKEN]);
    if endpoint == "*" || names.contains(&endpoint) {
        return Ok(());
    }
    let close = builtin::close_names(endpoint, names.iter().copied(), 5);
    Err(CliError::new(format!(
        "no endpoint named `{endpoint}`; {}",
        builtin::suggestion(&close, "use a spec endpoint name (`get_auth_data`) or `*`")
    )))
}

/// Warns about a code the spec does not document for the endpoint; the mock still sends it.
fn check_code(api: &Api, endpoint: &str, code: i64) {
    if !api.errors.contains_key(&code) {
        eprintln!(
            "note: {code} is in none of the spec's error tables; it is sent with errmsg `unknown error`"
        );
        return;
    }
    let documented = api.general_errors.contains(&code)
        || api
            .endpoints
            .iter()
            .find(|e| e.name == endpoint)
            .is_none_or(|e| e.errors.contains(&code));
    if !documented {
        eprintln!(
            "note: `{endpoint}` does not document {code}; the client decodes it as `Unknown`"
        );
    }
}

fn describe(behavior: &Behavior) -> String {
    let reply = match &behavior.reply {
        Reply::Example => "the success example".to_string(),
        Reply::Error(code) => format!("error {code}"),
        Reply::Json(_) => "custom JSON".to_string(),
        Reply::Raw { status, .. } => format!("HTTP {status} with an HTML page"),
        Reply::TruncatedJson => "truncated JSON".to_string(),
        Reply::CutConnection => "connection cut mid-body".to_string(),
        Reply::Reset => "connection closed without an answer".to_string(),
    };
    if behavior.delay.is_zero() {
        reply
    } else {
        format!("{reply} after {} ms", behavior.delay.as_millis())
    }
}

/// Waits for Ctrl-C, SIGTERM or (when asked) the end of standard input; says which.
async fn shutdown(
    on_stdin_eof: bool,
    terminated: impl std::future::Future<Output = ()>,
) -> &'static str {
    let stdin_closed = async {
        if !on_stdin_eof {
            return std::future::pending().await;
        }
        // A plain thread: tokio's stdin read cannot be cancelled and would hold up shutdown.
        let (closed, on_closed) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let mut stdin = std::io::stdin().lock();
            let mut buffer = [0u8; 1024];
            while matches!(stdin.read(&mut buffer), Ok(n) if n > 0) {}
            let _ = closed.send(());
        });
        let _ = on_closed.await;
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "interrupted",
        () = terminated => "terminated",
        () = stdin_closed => "standard input closed",
    }
}

/// Installs the SIGTERM handler now (not at the first poll) and resolves when it fires.
#[cfg(unix)]
fn terminated() -> impl std::future::Future<Output = ()> {
    let signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
    async move {
        match signal {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    }
}

/// Never resolves: there is no SIGTERM off Unix.
#[cfg(not(unix))]
fn terminated() -> impl std::future::Future<Output = ()> {
    std::future::pending()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(errors: &[(&str, i64)], delays: &[(&str, u64)], fails: &[(&str, Failure)]) -> Args {
        Args {
            addr: "127.0.0.1:0".into(),
            spec: None,
            errors: errors.iter().map(|(e, c)| (e.to_string(), *c)).collect(),
            delays: delays.iter().map(|(e, d)| (e.to_string(), *d)).collect(),
            fails: fails.iter().map(|(e, f)| (e.to_string(), *f)).collect(),
            replies: Vec::new(),
            accept_tokens: Vec::new(),
            app_credentials: None,
            exit_on_stdin_eof: false,
        }
    }

    #[test]
    fn rules_parse_endpoint_and_value() {
        assert_eq!(
            parse_rule::<i64>("get_auth_data=72038"),
            Ok(("get_auth_data".to_string(), 72038))
        );
        assert_eq!(parse_rule::<i64>("*=-1"), Ok(("*".to_string(), -1)));
        assert!(parse_rule::<i64>("get_auth_data").is_err());
        assert!(parse_rule::<i64>("=5").is_err());
        assert!(parse_rule::<Failure>("x=boom").is_err());
    }

    #[test]
    fn star_delays_apply_to_named_replies() {
        let api = builtin::api().expect("spec");
        let plan = behaviors(
            &api,
            &args(
                &[("get_auth_data", 72038)],
                &[("*", 100)],
                &[("get_auth_url", Failure::Html)],
            ),
        )
        .expect("valid rules");
        assert_eq!(plan["get_auth_data"].reply, Reply::Error(72038));
        assert_eq!(plan["get_auth_data"].delay, Duration::from_millis(100));
        assert!(matches!(
            plan["get_auth_url"].reply,
            Reply::Raw { status: 502, .. }
        ));
        assert_eq!(plan["*"].reply, Reply::Example);
    }

    #[test]
    fn unknown_endpoints_and_double_replies_are_refused() {
        let api = builtin::api().expect("spec");
        let typo = behaviors(&api, &args(&[("get_auth_dta", 1)], &[], &[])).expect_err("typo");
        assert!(typo.0.contains("did you mean `get_auth_data`"), "{typo}");
        let twice = behaviors(
            &api,
            &args(
                &[("get_auth_data", 72038)],
                &[],
                &[("get_auth_data", Failure::Reset)],
            ),
        )
        .expect_err("two replies");
        assert!(twice.0.contains("two replies"), "{twice}");
    }

    #[test]
    fn replies_take_json_or_a_file_and_count_as_a_reply() {
        let (endpoint, body) =
            parse_rule::<ReplyBody>(r#"get_auth_data={"errcode":0,"new":1}"#).expect("literal");
        assert_eq!(endpoint, "get_auth_data");
        assert_eq!(body.0, serde_json::json!({"errcode": 0, "new": 1}));
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("answer.json");
        std::fs::write(&file, r#"{"errcode": 0}"#).expect("write");
        let from_file =
            parse_rule::<ReplyBody>(&format!("*=@{}", file.display())).expect("from a file");
        assert_eq!(from_file.1.0, serde_json::json!({"errcode": 0}));
        let bad = parse_rule::<ReplyBody>("get_auth_data={").expect_err("not JSON");
        assert!(bad.contains("not JSON"), "{bad}");
        assert!(parse_rule::<ReplyBody>("get_auth_data=@/no/such/file.json").is_err());

        let api = builtin::api().expect("spec");
        let mut both = args(&[("get_auth_data", 72038)], &[], &[]);
        both.replies.push(("get_auth_data".into(), body.clone()));
        let twice = behaviors(&api, &both).expect_err("two replies");
        assert!(twice.0.contains("--reply get_auth_data"), "{twice}");
        let mut one = args(&[], &[], &[]);
        one.replies.push(("get_auth_data".into(), body));
        let plan = behaviors(&api, &one).expect("valid");
        assert_eq!(
            plan["get_auth_data"].reply,
            Reply::Json(serde_json::json!({"errcode": 0, "new": 1}))
        );
    }
}
