//! `wxinvoice`: the spec toolchain of `wechat-invoice`.
//!
//! This file only parses the command line and dispatches; each subcommand lives in its own
//! module and returns an [`outcome::Outcome`], which decides the exit status.

mod builtin;
mod call;
mod diff;
mod generate;
mod import;
mod mock;
mod openapi;
mod outcome;
mod output;
mod pipeline;
mod push;
mod schema;
mod textdiff;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The wechat-invoice spec toolchain.
#[derive(Debug, Parser)]
#[command(name = "wxinvoice", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a spec directory and print every problem found.
    #[command(after_help = "Example:\n  wxinvoice validate spec\n\n\
        Exit status: 0 when the spec is valid, 1 when it has problems, 2 when it cannot be read.")]
    Validate(validate::Args),
    /// Write the generated Rust code, or check that it is up to date.
    #[command(
        after_help = "Examples:\n  wxinvoice generate --spec spec --out generated\n  \
        wxinvoice generate --check    # in CI: fails with a diff when generated/ is stale\n\n\
        Exit status: 0 when written or up to date, 1 when the spec has problems or --check \
        found differences, 2 on I/O errors."
    )]
    Generate(generate::Args),
    /// Classify the changes between two specs (directories or git revisions).
    #[command(after_help = "Examples:\n  wxinvoice diff HEAD~1 .\n  \
        wxinvoice diff main HEAD --format markdown --fail-on breaking\n  \
        wxinvoice diff old/spec new/spec --format json\n  wxinvoice diff --list-rules\n\n\
        BASE and HEAD are spec directories (or directories holding spec/); anything else is a \
        git revision whose spec/ tree is read with `git archive`.\n\
        Exit status: 1 when --fail-on is met, 2 when a spec cannot be loaded, else 0.")]
    Diff(diff::Args),
    /// Turn WeChat doc pages (copied as text) into spec endpoint files.
    #[command(
        after_help = "Examples:\n  wxinvoice import getauthdata.md --name get_auth_data\n  \
        wxinvoice import rejectinsert.md getauthurl.md --out spec/endpoints\n\n\
        Every guess is said on stderr. A page describing a pushed event is skipped with a note \
        on stderr (event files are written by hand in spec/events/ for now). Exit status: 0 when the new file validates against the \
        spec directory, 1 when it was written but has problems to fix, 2 on bad input."
    )]
    Import(import::Args),
    /// Print the whole spec as an OpenAPI 3.1 document (JSON).
    #[command(
        after_help = "Examples:\n  wxinvoice openapi --out target/openapi.json\n  \
        wxinvoice openapi --spec spec | jq '.paths | keys'\n\n\
        Request and response schemas are those of the compiled Rust types \
        (`wechat_invoice::registry::json_schema_of`), so the document is the spec wxinvoice was \
        built from; --spec only checks that a directory is that spec. Errors come with HTTP 200: \
        each operation's 200 response is `oneOf` the success body and `WeChatError`, and lists \
        its codes (its own, then WeChat's general ones) in its description and `x-wechat-errors`.\n\n\
        Endpoints sharing a method and path, told apart by a fixed query parameter (the six \
        `POST /card/invoice/setbizattr?action=...`), are one operation: `action` is a required \
        query enum, the request body and success response are `anyOf` theirs (`oneOf` would be \
        wrong: their bodies overlap), and `x-wechat-endpoints` maps each action to its spec \
        endpoint, schemas and error codes.\n\n\
        Exit status: 0 when written, 2 when --spec differs or a file cannot be written."
    )]
    Openapi(openapi::Args),
    /// Print the JSON Schema of one generated type.
    #[command(after_help = "Examples:\n  wxinvoice schema GetAuthDataRequest\n  \
        wxinvoice schema --list\n\n\
        Exit status: 0 when printed, 2 for an unknown name (close names are suggested).")]
    Schema(schema::Args),
    /// Run the spec-driven mock WeChat server.
    #[command(after_help = "Examples:\n  wxinvoice mock\n  \
        wxinvoice mock --addr 127.0.0.1:8080 --error get_auth_data=72038 --delay '*=200' \
        --fail reject_insert=html\n  \
        wxinvoice mock --reply 'get_auth_data={\"errcode\": 0, \"errmsg\": \"ok\", \
        \"invoice_status\": \"auth success\", \"field_wechat_added\": 1}'\n\n\
        The first line on stdout is `listening on http://HOST:PORT`. Every endpoint answers its \
        first success example and checks requests as WeChat does (72031 for a missing required \
        field, 41001 without a token). ENDPOINT is a spec name, or `*` for every endpoint; \
        an endpoint's own rule wins over `*`'s. Runs until Ctrl-C or SIGTERM.\n\
        Exit status: 0 when stopped, 2 on bad rules or when the address cannot be bound.")]
    Mock(mock::Args),
    /// Send one typed call by endpoint name and print the typed response as JSON.
    #[command(after_help = "Examples:\n  \
        WECHAT_ACCESS_TOKEN=... wxinvoice call get_auth_data \
        --body '{\"s_pappid\": \"wx123456\", \"order_id\": \"123456\"}'\n  \
        wxinvoice call platform_set_pdf --body '{\"pdf\": \"@invoice.pdf\"}' \
        --base-url http://127.0.0.1:8080\n  \
        wxinvoice call get_auth_data --raw --body @request.json | jq .\n\n\
        With --raw, stdout is the body of WeChat's answer as it arrived, key order, numbers \
        and fields the spec does not know included (an error answer or an HTTP error page too; \
        the access token hidden, a final newline added), instead of the typed rendering: what \
        to look at when the typed response seems to miss something. Each field the spec does \
        not know is also named on stderr by its JSON Pointer (`note: `/new_field` is not in \
        the spec: ...`). When no answer arrived (timeout, refused connection) stdout is \
        empty and stderr says why.\n\
        Credentials come from the environment only and are never printed: \
        $WECHAT_ACCESS_TOKEN (a fixed token), or $WECHAT_APPID and $WECHAT_SECRET (the client \
        fetches tokens). The base URL is --base-url, else $WECHAT_BASE_URL, else \
        https://api.weixin.qq.com.\n\
        Exit status: 0 with the typed response (the body with --raw) on stdout; 1 when the \
        call failed, with the typed error as JSON (the body with --raw) on stdout and its \
        message on stderr; 2 for an unknown endpoint, a request that does not fit the \
        endpoint, or missing credentials.")]
    Call(call::Args),
    /// Send one event to a URL as WeChat would (signed; encrypted with an EncodingAESKey).
    #[command(after_help = "Examples:\n  \
        WECHAT_PUSH_TOKEN=... wxinvoice push http://127.0.0.1:8080/wechat \
        --event user_authorize_invoice --set SuccOrderId=1202933957956\n  \
        WECHAT_PUSH_TOKEN=... WECHAT_ENCODING_AES_KEY=... WECHAT_PUSH_APPID=wx123 \
        wxinvoice push http://127.0.0.1:8080/wechat --xml push.xml --attempts 3\n\n\
        The envelope (ToUserName, FromUserName, CreateTime, MsgType, Event) is filled in; \
        --set adds the event's elements. The push is signed with the token (plain mode), and \
        with an EncodingAESKey encrypted and signed with msg_signature (safe mode), exactly as \
        the mock's pushes are. Each attempt's HTTP status and answer are printed, then \
        `success` when one attempt was answered `success` (or an empty body) with a 2xx status. \
        The token and key are never printed; prefer the environment to flags, which other \
        users of the machine can see.\n\
        Exit status: 0 on success; 1 when no attempt was answered `success`; 2 for bad \
        arguments, settings or XML.")]
    Push(push::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Openapi(args) => openapi::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Mock(args) => mock::run(&args),
        Command::Call(args) => call::run(&args),
        Command::Push(args) => push::run(&args),
    };
    outcome::exit(outcome)
}

/// The default spec directory, relative to the current directory.
fn default_spec_dir() -> PathBuf {
    PathBuf::from("spec")
}
