//! `wxinvoice mock` and `wxinvoice call` end to end: the mock runs as a child process, and
//! every endpoint of the spec is called through the binary with its first example request.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{MockProcess, Spec, code, stderr, stdout};
use serde_json::Value;
use wechat_invoice_codegen::Api;
use wechat_invoice_codegen::model::TypeRef;

/// The token every call here uses; it must never be printed.
const TOKEN: &str = "tok-SECRET-7f3a9c1e";

fn spec() -> Api {
    wechat_invoice_codegen::load_api(&common::repo_spec())
        .unwrap_or_else(|failure| panic!("{}", failure.render()))
}

/// `wxinvoice call ARGS` with a clean environment plus `env`.
fn call(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wxinvoice"));
    command.arg("call").args(args);
    if !args.contains(&"--timeout") {
        command.args(["--timeout", "20"]);
    }
    for name in [
        "WECHAT_ACCESS_TOKEN",
        "WECHAT_APPID",
        "WECHAT_SECRET",
        "WECHAT_BASE_URL",
    ] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    command.output().expect("wxinvoice call runs")
}

fn call_with_token(args: &[&str]) -> Output {
    call(args, &[("WECHAT_ACCESS_TOKEN", TOKEN)])
}

fn assert_no_token(output: &Output, what: &str) {
    for text in [stdout(output), stderr(output)] {
        assert!(!text.contains(TOKEN), "{what} printed the token: {text}");
    }
}

fn json(output: &Output) -> Value {
    serde_json::from_str(&stdout(output))
        .unwrap_or_else(|err| panic!("stdout is not JSON ({err}): {}", stdout(output)))
}

/// The first example request, with `@file` for file fields (a small PDF written to `dir`).
fn example_request(api: &Api, name: &str, dir: &Path) -> Option<Value> {
    let endpoint = api.endpoints.iter().find(|e| e.name == name)?;
    let mut request = endpoint.examples.iter().find_map(|e| e.request.clone())?;
    for field in endpoint
        .request
        .fields
        .iter()
        .filter(|f| f.ty == TypeRef::File)
    {
        let path = dir.join(format!("{}.pdf", field.wire_name));
        std::fs::write(&path, MINIMAL_PDF).expect("write the PDF");
        request[&field.wire_name] = Value::String(format!("@{}", path.display()));
    }
    Some(request)
}

const MINIMAL_PDF: &[u8] = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n\
2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n";

#[test]
fn every_endpoint_answers_its_example_through_the_binary() {
    let api = spec();
    let mut mock = MockProcess::start(&[]);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut called = 0;
    for endpoint in &api.endpoints {
        let name = endpoint.name.as_str();
        let mut args = vec![name.to_string(), "--base-url".into(), mock.url.clone()];
        if let Some(request) = example_request(&api, name, dir.path()) {
            args.push("--body".into());
            args.push(request.to_string());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = call_with_token(&args);
        assert_eq!(
            code(&output),
            0,
            "{name}: {}{}",
            stdout(&output),
            stderr(&output)
        );
        assert_no_token(&output, name);
        let response = json(&output);
        let object = response.as_object().expect("a JSON object");
        assert!(
            object.get("errcode").is_none(),
            "{name}: the typed response, not the wire"
        );
        let fields: Vec<&str> = endpoint
            .response
            .visible_fields()
            .map(|f| f.wire_name.as_str())
            .collect();
        for key in object.keys() {
            assert!(fields.contains(&key.as_str()), "{name}: unexpected `{key}`");
        }
        for field in endpoint.response.visible_fields().filter(|f| f.required) {
            assert!(
                object.contains_key(&field.wire_name),
                "{name}: `{}` missing",
                field.wire_name
            );
        }
        called += 1;
    }
    assert_eq!(called, api.endpoints.len());
    assert_eq!(
        called,
        29 + 5,
        "the invoice family and the third-party platform's 5"
    );

    let auth = call_with_token(&[
        "get_auth_data",
        "--base-url",
        &mock.url,
        "--body",
        r#"{"s_pappid": "wx123456", "order_id": "123456"}"#,
    ]);
    assert_eq!(
        json(&auth),
        serde_json::json!({"invoice_status": "auth success", "auth_time": 1480342498})
    );

    let (status, log) = mock.stop();
    assert!(
        status.is_some_and(|s| s.success()),
        "the mock stops on stdin EOF: {status:?}"
    );
    assert!(log.contains("stopped: standard input closed"), "{log}");
    assert!(!log.contains(TOKEN), "{log}");
}

#[test]
fn failures_print_the_typed_error_and_never_the_token() {
    let mock = MockProcess::start(&[
        "--error",
        "get_auth_data=72038",
        "--fail",
        "get_auth_url=html",
        "--error",
        "reject_insert=40001",
        "--delay",
        "get_ticket=3000",
    ]);
    let body = r#"{"s_pappid": "wx123456", "order_id": "123456"}"#;
    let api = spec();
    let dir = tempfile::tempdir().expect("temp dir");
    let example = |name: &str| {
        example_request(&api, name, dir.path())
            .expect("an example request")
            .to_string()
    };

    let never_auth = call_with_token(&["get_auth_data", "--base-url", &mock.url, "--body", body]);
    assert_eq!(code(&never_auth), 1, "{}", stderr(&never_auth));
    let error = json(&never_auth);
    assert_eq!(error["kind"], "api");
    assert_eq!(error["errcode"], 72038);
    assert_eq!(error["variant"], "InvoiceOrderNeverAuth");
    assert!(
        stderr(&never_auth).starts_with("error: get_auth_data"),
        "{}",
        stderr(&never_auth)
    );
    assert!(stderr(&never_auth).contains("72038"));
    assert_no_token(&never_auth, "an API error");

    let html = call_with_token(&[
        "get_auth_url",
        "--base-url",
        &mock.url,
        "--no-retry",
        "--body",
        &example("get_auth_url"),
    ]);
    assert_eq!(code(&html), 1, "{}{}", stdout(&html), stderr(&html));
    assert_ne!(json(&html)["kind"], "api", "{}", stdout(&html));
    assert_no_token(&html, "an HTML answer");

    let rejected = call_with_token(&[
        "reject_insert",
        "--base-url",
        &mock.url,
        "--body",
        &example("reject_insert"),
    ]);
    assert_eq!(
        code(&rejected),
        1,
        "{}{}",
        stdout(&rejected),
        stderr(&rejected)
    );
    assert_eq!(json(&rejected)["errcode"], 40001);
    assert_no_token(&rejected, "a rejected token");

    let slow = call_with_token(&[
        "get_ticket",
        "--base-url",
        &mock.url,
        "--timeout",
        "1",
        "--no-retry",
    ]);
    assert_eq!(code(&slow), 1, "{}{}", stdout(&slow), stderr(&slow));
    assert_eq!(json(&slow)["kind"], "timeout", "{}", stdout(&slow));
    assert_no_token(&slow, "a timeout");

    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        drop(listener);
        format!("http://127.0.0.1:{port}")
    };
    let refused = call_with_token(&[
        "get_auth_data",
        "--base-url",
        &closed,
        "--no-retry",
        "--body",
        body,
    ]);
    assert_eq!(
        code(&refused),
        1,
        "{}{}",
        stdout(&refused),
        stderr(&refused)
    );
    assert_eq!(json(&refused)["kind"], "transport", "{}", stdout(&refused));
    assert_no_token(&refused, "a refused connection");

    let invalid = call_with_token(&[
        "get_auth_data",
        "--base-url",
        &mock.url,
        "--body",
        r#"{"order_id": 5}"#,
    ]);
    assert_eq!(code(&invalid), 2);
    assert!(
        stderr(&invalid).contains("does not fit `get_auth_data`"),
        "{}",
        stderr(&invalid)
    );
    assert_no_token(&invalid, "an invalid request");

    let unknown = call_with_token(&["get_auth_dta", "--base-url", &mock.url]);
    assert_eq!(code(&unknown), 2);
    assert!(
        stderr(&unknown).contains("did you mean `get_auth_data`?"),
        "{}",
        stderr(&unknown)
    );

    let insecure = call_with_token(&[
        "get_auth_data",
        "--base-url",
        "http://example.com",
        "--body",
        body,
    ]);
    assert_eq!(code(&insecure), 2);
    assert_no_token(&insecure, "a refused base URL");

    let token_in_url = call_with_token(&[
        "get_auth_data",
        "--base-url",
        &format!("{}/{TOKEN}", mock.url),
        "--no-retry",
        "--body",
        body,
    ]);
    assert_no_token(&token_in_url, "a call whose URL holds the token");
}

/// An answer to `get_auth_data` with fields no spec knows, at the top and nested, and the
/// call's token echoed (it must still be hidden).
fn answer_with_new_fields() -> String {
    format!(
        r#"{{"errcode":0,"errmsg":"ok","invoice_status":"auth success","auth_time":1480342498,"field_wechat_added":{{"since":"2026-12"}},"user_auth_info":{{"user_field":{{"title":"Title","title_new":"x"}}}},"echo":"{TOKEN}"}}"#
    )
}

/// Every value of the typed rendering is in the raw body at the same place, equal; objects
/// of the raw body may hold more.
fn assert_typed_within_raw(typed: &Value, raw: &Value, at: &str) {
    match (typed, raw) {
        (Value::Object(typed), Value::Object(raw)) => {
            for (key, value) in typed {
                let inner = raw
                    .get(key)
                    .unwrap_or_else(|| panic!("`{at}/{key}` is typed but not in the raw body"));
                assert_typed_within_raw(value, inner, &format!("{at}/{key}"));
            }
        }
        (Value::Array(typed), Value::Array(raw)) => {
            assert_eq!(typed.len(), raw.len(), "`{at}` has another length");
            for (index, (value, inner)) in typed.iter().zip(raw).enumerate() {
                assert_typed_within_raw(value, inner, &format!("{at}/{index}"));
            }
        }
        _ => assert_eq!(typed, raw, "`{at}` differs"),
    }
}

#[test]
fn raw_prints_the_answer_as_sent_with_fields_no_spec_knows() {
    let reply = format!("get_auth_data={}", answer_with_new_fields());
    let mock = MockProcess::start(&[
        "--reply",
        &reply,
        "--fail",
        "get_auth_url=html",
        "--delay",
        "get_ticket=3000",
    ]);
    let body = r#"{"s_pappid": "wx123456", "order_id": "123456"}"#;
    let args = ["get_auth_data", "--base-url", &mock.url, "--body", body];

    // What the mock sends, read off the socket: `--raw` prints exactly that, token hidden.
    let address = mock.url.trim_start_matches("http://").to_string();
    let answer = raw_post(
        &address,
        &format!("/card/invoice/getauthdata?access_token={TOKEN}"),
        body,
    );
    let (_, sent) = answer.split_once("\r\n\r\n").expect("an HTTP answer");
    assert!(sent.contains("field_wechat_added"), "{sent}");

    let raw = call_with_token(&[&args[..], &["--raw"]].concat());
    assert_eq!(code(&raw), 0, "{}{}", stdout(&raw), stderr(&raw));
    assert_no_token(&raw, "--raw");
    assert_eq!(stdout(&raw), format!("{}\n", sent.replace(TOKEN, "***")));
    let raw_json = json(&raw);
    assert_eq!(raw_json["errcode"], 0);
    assert_eq!(raw_json["field_wechat_added"]["since"], "2026-12");
    assert_eq!(raw_json["user_auth_info"]["user_field"]["title_new"], "x");
    assert_eq!(raw_json["echo"], "***");
    let notes = stderr(&raw);
    for pointer in [
        "/field_wechat_added",
        "/user_auth_info/user_field/title_new",
        "/echo",
    ] {
        assert!(
            notes.contains(&format!("note: `{pointer}` is not in the spec")),
            "{pointer}: {notes}"
        );
    }
    assert!(!notes.contains("`/auth_time`"), "{notes}");

    // The typed rendering of the same answer: every field it shows agrees with the raw body,
    // and the fields no spec knows are only in the raw one.
    let typed = call_with_token(&args);
    assert_eq!(code(&typed), 0, "{}{}", stdout(&typed), stderr(&typed));
    let typed_json = json(&typed);
    let typed_fields = typed_json.as_object().expect("an object");
    assert!(typed_fields.contains_key("auth_time"), "{typed_json}");
    assert_typed_within_raw(&typed_json, &raw_json, "");
    for unknown in ["field_wechat_added", "echo", "errcode"] {
        assert!(!typed_fields.contains_key(unknown), "{typed_json}");
    }
    assert_eq!(
        typed_json["user_auth_info"]["user_field"],
        serde_json::json!({"title": "Title"})
    );

    // The spec's own example, through --raw and typed: they agree on every known field.
    let example_raw = call_with_token(&[
        "get_contact",
        "--base-url",
        &mock.url,
        "--raw",
        "--body",
        "{}",
    ]);
    assert_eq!(code(&example_raw), 0, "{}", stderr(&example_raw));
    let example_typed = call_with_token(&["get_contact", "--base-url", &mock.url, "--body", "{}"]);
    assert_eq!(code(&example_typed), 0, "{}", stderr(&example_typed));
    let (example_raw, example_typed) = (json(&example_raw), json(&example_typed));
    assert_eq!(example_raw["errcode"], 0);
    let known = example_typed.as_object().expect("an object");
    assert!(!known.is_empty(), "{example_typed}");
    assert_typed_within_raw(&example_typed, &example_raw, "");

    // A failure: the page the gateway sent, the typed error on stderr.
    let html = call_with_token(&[
        "get_auth_url",
        "--base-url",
        &mock.url,
        "--no-retry",
        "--raw",
        "--body",
        &example_request(&spec(), "get_auth_url", Path::new("."))
            .expect("an example")
            .to_string(),
    ]);
    assert_eq!(code(&html), 1, "{}{}", stdout(&html), stderr(&html));
    assert!(
        stdout(&html).contains("502 Bad Gateway"),
        "{}",
        stdout(&html)
    );
    assert!(
        stderr(&html).starts_with("error: get_auth_url"),
        "{}",
        stderr(&html)
    );
    assert_no_token(&html, "--raw of an HTML page");

    // No answer at all: nothing on stdout, the reason on stderr.
    let slow = call_with_token(&[
        "get_ticket",
        "--base-url",
        &mock.url,
        "--timeout",
        "1",
        "--no-retry",
        "--raw",
    ]);
    assert_eq!(code(&slow), 1, "{}{}", stdout(&slow), stderr(&slow));
    assert_eq!(stdout(&slow), "");
    assert!(
        stderr(&slow).contains("no answer arrived"),
        "{}",
        stderr(&slow)
    );
    assert_no_token(&slow, "--raw of a timeout");
}

#[test]
fn credentials_come_from_the_environment() {
    let mock = MockProcess::start(&["--app-credentials", "wxapp123:app-secret-9d8e7f"]);
    let body = r#"{"s_pappid": "wx123456", "order_id": "123456"}"#;
    let none = call(
        &["get_auth_data", "--base-url", &mock.url, "--body", body],
        &[],
    );
    assert_eq!(code(&none), 2);
    assert!(
        stderr(&none).contains("WECHAT_ACCESS_TOKEN"),
        "{}",
        stderr(&none)
    );

    let app = [
        ("WECHAT_APPID", "wxapp123"),
        ("WECHAT_SECRET", "app-secret-9d8e7f"),
    ];
    let fetched = call(
        &["get_auth_data", "--body", body],
        &[app[0], app[1], ("WECHAT_BASE_URL", &mock.url)],
    );
    assert_eq!(
        code(&fetched),
        0,
        "{}{}",
        stdout(&fetched),
        stderr(&fetched)
    );
    assert_eq!(json(&fetched)["invoice_status"], "auth success");

    let wrong = call(
        &[
            "get_auth_data",
            "--base-url",
            &mock.url,
            "--no-retry",
            "--body",
            body,
        ],
        &[app[0], ("WECHAT_SECRET", "wrong-secret-1234")],
    );
    assert_eq!(code(&wrong), 1, "{}{}", stdout(&wrong), stderr(&wrong));
    for text in [stdout(&wrong), stderr(&wrong)] {
        assert!(
            !text.contains("wrong-secret-1234"),
            "the secret was printed: {text}"
        );
    }

    let both = call(
        &["get_auth_data", "--base-url", &mock.url, "--body", body],
        &[app[0], app[1], ("WECHAT_ACCESS_TOKEN", TOKEN)],
    );
    assert_eq!(code(&both), 2);
    assert_no_token(&both, "conflicting credentials");
}

#[test]
fn the_mock_serves_another_spec_and_refuses_unknown_endpoints() {
    let dir = tempfile::tempdir().expect("temp dir");
    Spec::tiny().write(&dir.path().join("spec"));
    let spec = dir.path().join("spec");
    let mock = MockProcess::start(&["--spec", spec.to_str().expect("utf-8")]);
    let address = mock.url.trim_start_matches("http://").to_string();
    let answer = raw_post(
        &address,
        "/card/invoice/getthing?access_token=x",
        r#"{"order_id": "1"}"#,
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""status":"DONE""#), "{answer}");

    let output = Command::new(env!("CARGO_BIN_EXE_wxinvoice"))
        .args(["mock", "--error", "get_auth_dta=72038"])
        .output()
        .expect("runs");
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("did you mean `get_auth_data`?"),
        "{}",
        stderr(&output)
    );
    let bad = Command::new(env!("CARGO_BIN_EXE_wxinvoice"))
        .args(["mock", "--fail", "get_auth_data=explode"])
        .output()
        .expect("runs");
    assert_eq!(code(&bad), 2);
    assert!(
        stderr(&bad).contains("reset, cut, truncate or html"),
        "{}",
        stderr(&bad)
    );
}

/// One HTTP/1.1 POST over a plain socket; the whole answer as text.
fn raw_post(address: &str, target: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    let request = format!(
        "POST {target} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

#[cfg(unix)]
#[test]
fn the_mock_stops_on_sigterm() {
    let mut mock = MockProcess::start(&[]);
    let pid = mock.pid().to_string();
    let kill = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    let (status, log) = mock.stop_after_signal();
    assert!(status.is_some_and(|s| s.success()), "{status:?}: {log}");
    assert!(log.contains("stopped: terminated"), "{log}");
}
