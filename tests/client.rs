//! The generated client against the spec-driven mock on loopback: success, every documented
//! error, and every way an answer can go wrong, each a typed error without the token in it.

use std::time::Duration;

use wechat_invoice::{Client, DecodeKind, Error, GetAuthDataError, GetAuthDataRequest};
use wechat_invoice_mock::{Behavior, MockServer, Reply};

const TOKEN: &str = "TOKEN-SECRET-7f3a9c";

fn request() -> GetAuthDataRequest {
    GetAuthDataRequest {
        s_pappid: "wx123456".into(),
        order_id: "123456".into(),
    }
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .access_token(TOKEN)
        .timeout(Duration::from_millis(500))
        .build()
        .expect("client builds")
}

/// Neither Display nor Debug of the error shows the token.
fn assert_no_token<E: std::fmt::Debug + std::fmt::Display>(err: &E) {
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(TOKEN), "token leaked: {shown}");
}

async fn call_with(reply: impl Into<Behavior>) -> Error<GetAuthDataError> {
    let server = MockServer::start().await.expect("mock starts");
    server.respond("get_auth_data", reply);
    let err = client(&server)
        .get_auth_data(&request())
        .await
        .expect_err("the call fails");
    assert_no_token(&err);
    err
}

#[tokio::test]
async fn success_decodes_the_documented_example() {
    let server = MockServer::start().await.expect("mock starts");
    let response = client(&server)
        .get_auth_data(&request())
        .await
        .expect("success");
    assert_eq!(response.invoice_status.as_deref(), Some("auth success"));
    assert_eq!(response.auth_time, Some(1480342498));

    let deliveries = server.deliveries();
    assert_eq!(deliveries.len(), 1);
    let sent = &deliveries[0].request;
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, "/card/invoice/getauthdata");
    assert_eq!(sent.query_param("access_token"), Some(TOKEN));
    let body: serde_json::Value = serde_json::from_slice(&sent.body).expect("JSON body");
    assert_eq!(
        body,
        serde_json::json!({"s_pappid": "wx123456", "order_id": "123456"})
    );
}

/// The title the user chose reaches the caller typed: the mock answers the documented
/// example whose request names order 223456 (a company title) or 323456 (a personal one).
#[tokio::test]
async fn the_users_invoice_title_arrives_as_user_auth_info() {
    let server = MockServer::start().await.expect("mock starts");
    let client = client(&server);
    let company = client
        .get_auth_data(&GetAuthDataRequest {
            s_pappid: "wx123456".into(),
            order_id: "223456".into(),
        })
        .await
        .expect("success");
    let info = company.user_auth_info.expect("user_auth_info");
    assert!(info.user_field.is_none());
    let biz = info.biz_field.expect("a company title");
    let title: Option<String> = biz.title;
    assert_eq!(title.as_deref(), Some("某某科技有限公司"));
    assert_eq!(biz.tax_no.as_deref(), Some("91440300MA5EXAMPLE"));
    let custom = biz.custom_field.expect("custom fields");
    assert_eq!(custom.len(), 1);
    assert_eq!(
        (custom[0].key.as_deref(), custom[0].value.as_deref()),
        (Some("部门"), Some("财务部"))
    );

    let person = client
        .get_auth_data(&GetAuthDataRequest {
            s_pappid: "wx123456".into(),
            order_id: "323456".into(),
        })
        .await
        .expect("success");
    let user = person
        .user_auth_info
        .and_then(|info| info.user_field)
        .expect("a personal title");
    assert_eq!(user.title.as_deref(), Some("张三"));
    assert_eq!(user.email.as_deref(), Some("zhangsan@example.com"));
    assert_eq!(user.custom_field, Some(Vec::new()));
}

#[tokio::test]
async fn errcode_72038_is_the_contract_variant() {
    let err = call_with(Reply::Error(72038)).await;
    match &err {
        Error::Api(GetAuthDataError::InvoiceOrderNeverAuth { errmsg }) => {
            assert!(errmsg.starts_with("invoice order never auth"));
        }
        other => panic!("expected InvoiceOrderNeverAuth, got {other:?}"),
    }
    let api = err.api().expect("an API error");
    assert_eq!(api.code(), 72038);
    assert!(!api.is_retryable());
    assert!(api.solution().is_some_and(|s| s.contains("not authorized")));
    let shown = err.to_string();
    assert!(
        shown.contains("get_auth_data") && shown.contains("72038") && shown.contains("Solution"),
        "{shown}"
    );
}

#[tokio::test]
async fn every_documented_code_arrives_as_its_variant() {
    let server = MockServer::start().await.expect("mock starts");
    // One answer per code: no retry of -1, 72036, … (tests/retry.rs covers those).
    let client = Client::builder()
        .base_url(server.base_url())
        .access_token(TOKEN)
        .retry_policy(wechat_invoice::RetryPolicy::none())
        .build()
        .expect("client builds");
    let api = server.api();
    let endpoint = api
        .endpoints
        .iter()
        .find(|e| e.name == "get_auth_data")
        .expect("in spec");
    let codes: Vec<i64> = endpoint
        .errors
        .iter()
        .chain(&api.general_errors)
        .copied()
        .collect();
    assert!(codes.len() > 20, "general and endpoint codes: {codes:?}");
    for code in codes {
        server.respond_once("get_auth_data", Reply::Error(code));
        let err = client.get_auth_data(&request()).await.expect_err("error");
        assert_no_token(&err);
        let api_err = err.api().unwrap_or_else(|| panic!("code {code}: {err:?}"));
        assert_eq!(api_err.code(), code);
        let variant = &api.errors[&code].variant;
        assert!(
            format!("{api_err:?}").starts_with(variant.as_str()),
            "{code}: {api_err:?}"
        );
        assert_eq!(api_err.is_retryable(), api.errors[&code].retryable);
    }
}

#[tokio::test]
async fn an_undocumented_code_is_kept_with_its_message() {
    let reply =
        Reply::Json(serde_json::json!({"errcode": 40150, "errmsg": "invalid card parameters"}));
    match call_with(reply).await {
        Error::Api(GetAuthDataError::Unknown { code, errmsg }) => {
            assert_eq!(code, 40150);
            assert_eq!(errmsg, "invalid card parameters");
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
}

#[tokio::test]
async fn errcode_sent_as_a_string_still_counts() {
    let reply =
        Reply::Json(serde_json::json!({"errcode": "72038", "errmsg": "invoice order never auth"}));
    assert!(matches!(
        call_with(reply).await,
        Error::Api(GetAuthDataError::InvoiceOrderNeverAuth { .. })
    ));
}

#[tokio::test]
async fn html_502_from_a_gateway_is_an_http_status_error() {
    let reply = Reply::Raw {
        status: 502,
        content_type: "text/html".into(),
        body: b"<html><head><title>502 Bad Gateway</title></head></html>".to_vec(),
    };
    match call_with(reply).await {
        Error::HttpStatus {
            endpoint,
            status,
            body,
        } => {
            assert_eq!(endpoint, "get_auth_data");
            assert_eq!(status, 502);
            assert!(body.contains("Bad Gateway"));
        }
        other => panic!("expected HttpStatus, got {other:?}"),
    }
}

#[tokio::test]
async fn html_with_status_200_is_a_decode_error() {
    let reply = Reply::Raw {
        status: 200,
        content_type: "text/html".into(),
        body: b"<!DOCTYPE html><html>login required</html>".to_vec(),
    };
    assert!(matches!(
        call_with(reply).await,
        Error::Decode {
            kind: DecodeKind::Html,
            ..
        }
    ));
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    assert!(matches!(
        call_with(Reply::TruncatedJson).await,
        Error::Decode {
            kind: DecodeKind::Truncated,
            ..
        }
    ));
}

#[tokio::test]
async fn plain_text_is_a_decode_error() {
    let reply = Reply::Raw {
        status: 200,
        content_type: "text/plain".into(),
        body: b"system maintenance".to_vec(),
    };
    assert!(matches!(
        call_with(reply).await,
        Error::Decode {
            kind: DecodeKind::NotJson,
            ..
        }
    ));
}

#[tokio::test]
async fn an_empty_body_is_a_decode_error() {
    let reply = Reply::Raw {
        status: 200,
        content_type: "application/json".into(),
        body: Vec::new(),
    };
    assert!(matches!(
        call_with(reply).await,
        Error::Decode {
            kind: DecodeKind::Empty,
            ..
        }
    ));
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_decode_error() {
    let reply =
        Reply::Json(serde_json::json!({"errcode": 0, "errmsg": "ok", "auth_time": "yesterday"}));
    match call_with(reply).await {
        Error::Decode { kind, detail, .. } => {
            assert_eq!(kind, DecodeKind::UnexpectedShape);
            assert!(detail.contains("invalid type"), "{detail}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn a_slow_server_is_a_timeout() {
    let slow = Behavior::reply(Reply::Example).after(Duration::from_secs(3));
    assert!(matches!(
        call_with(slow).await,
        Error::Timeout {
            endpoint: "get_auth_data"
        }
    ));
}

#[tokio::test]
async fn a_connection_cut_mid_body_is_a_transport_error() {
    assert!(matches!(
        call_with(Reply::CutConnection).await,
        Error::Transport { .. }
    ));
}

#[tokio::test]
async fn a_connection_closed_without_answer_is_a_transport_error() {
    assert!(matches!(
        call_with(Reply::Reset).await,
        Error::Transport { .. }
    ));
}

#[tokio::test]
async fn an_oversized_body_stops_at_the_limit() {
    let server = MockServer::start().await.expect("mock starts");
    let huge = format!(
        r#"{{"errcode":0,"errmsg":"ok","invoice_status":"{}"}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    server.respond(
        "get_auth_data",
        Reply::Raw {
            status: 200,
            content_type: "application/json".into(),
            body: huge.into_bytes(),
        },
    );
    let client = Client::builder()
        .base_url(server.base_url())
        .access_token(TOKEN)
        .max_response_bytes(64 * 1024)
        .build()
        .expect("client builds");
    let err = client
        .get_auth_data(&request())
        .await
        .expect_err("too large");
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 65536, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn no_server_listening_is_a_transport_error_without_the_token() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let client = Client::builder()
        .base_url(format!("http://{address}"))
        .access_token(TOKEN)
        .build()
        .expect("client builds");
    let err = client.get_auth_data(&request()).await.expect_err("refused");
    assert_no_token(&err);
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
}

#[tokio::test]
async fn a_rejected_token_is_a_token_invalid_api_error() {
    let server = MockServer::start().await.expect("mock starts");
    server.accept_tokens(["ANOTHER-TOKEN"]);
    let err = client(&server)
        .get_auth_data(&request())
        .await
        .expect_err("rejected");
    assert_no_token(&err);
    assert_eq!(
        server.delivery_count("get_auth_data"),
        1,
        "a fixed token has no fresher one to retry with"
    );
    match err {
        Error::Api(api) => {
            assert!(matches!(api, GetAuthDataError::InvalidCredential { .. }));
            assert!(api.is_token_invalid());
        }
        other => panic!("expected InvalidCredential, got {other:?}"),
    }
}

#[tokio::test]
async fn chinese_text_is_sent_as_raw_utf8() {
    let server = MockServer::start().await.expect("mock starts");
    let request = GetAuthDataRequest {
        s_pappid: "wx123456".into(),
        order_id: "订单-42".into(),
    };
    client(&server)
        .get_auth_data(&request)
        .await
        .expect("success");
    let body = String::from_utf8(server.deliveries()[0].request.body.clone()).expect("UTF-8");
    assert!(body.contains("订单-42"), "{body}");
    assert!(!body.contains("\\u"), "{body}");
}

#[test]
fn debug_of_the_client_hides_the_token() {
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .access_token(TOKEN)
        .build()
        .expect("client builds");
    let shown = format!("{client:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(shown.contains("127.0.0.1:9"));
}

#[test]
fn plain_http_is_refused_for_remote_hosts_unless_allowed() {
    let remote = Client::builder()
        .base_url("http://api.example.com")
        .access_token(TOKEN)
        .build();
    assert!(matches!(
        remote,
        Err(wechat_invoice::BuildError::InsecureBaseUrl { .. })
    ));
    let allowed = Client::builder()
        .base_url("http://api.example.com")
        .allow_insecure_http(true)
        .access_token(TOKEN)
        .build();
    assert!(allowed.is_ok());
    assert!(
        Client::builder().access_token(TOKEN).build().is_ok(),
        "https default"
    );
    let missing = Client::builder().build();
    assert!(matches!(
        missing,
        Err(wechat_invoice::BuildError::MissingCredentials)
    ));
    let garbage = Client::builder()
        .base_url("not a url")
        .access_token(TOKEN)
        .build();
    assert!(matches!(
        garbage,
        Err(wechat_invoice::BuildError::InvalidBaseUrl { .. })
    ));
}

/// A token made of characters that URL and JSON encoders change (`+ / = &`).
const ODD_TOKEN: &str = "Zq7Xw+Kp/Vn=Rt&Ym3Lc9Hd";
/// The start every form of `ODD_TOKEN` shares: no part of it may appear anywhere.
const ODD_PREFIX: &str = "Zq7Xw";

/// The forms in which a server may echo `ODD_TOKEN`: raw, percent-encoded (upper and lower
/// case hex), form-encoded with `+` for space, and JSON-escaped (`\/`, and `\u0026` as Go writes `&`).
fn odd_token_forms() -> Vec<String> {
    vec![
        ODD_TOKEN.to_string(),
        "Zq7Xw%2BKp%2FVn%3DRt%26Ym3Lc9Hd".to_string(),
        "Zq7Xw%2bKp%2fVn%3dRt%26Ym3Lc9Hd".to_string(),
        r"Zq7Xw+Kp\/Vn=Rt&Ym3Lc9Hd".to_string(),
        r"Zq7Xw+Kp/Vn=Rt\u0026Ym3Lc9Hd".to_string(),
    ]
}

/// A token echoed in any form, at any place (across the 200-byte excerpt edge included), never
/// shows in `Display` or `Debug` of the error: not whole, not its first characters.
#[tokio::test]
async fn an_echoed_token_is_hidden_in_every_form_and_at_the_excerpt_edge() {
    let server = MockServer::start().await.expect("mock starts");
    let client = Client::builder()
        .base_url(server.base_url())
        .access_token(ODD_TOKEN)
        .timeout(Duration::from_millis(500))
        .retry_policy(wechat_invoice::RetryPolicy::none())
        .build()
        .expect("client builds");
    let mut cases = 0;
    for form in odd_token_forms() {
        for offset in [0, 180, 190, 194, 195, 196, 199, 200] {
            for status in [200, 502] {
                let body = format!("{}{form} and more text after it", "x".repeat(offset));
                server.respond(
                    "get_auth_data",
                    Reply::Raw {
                        status,
                        content_type: "text/plain".into(),
                        body: body.into_bytes(),
                    },
                );
                let err = client
                    .get_auth_data(&request())
                    .await
                    .expect_err("not JSON");
                let shown = format!("{err} {err:?}");
                assert!(
                    !shown.contains(ODD_PREFIX),
                    "form {form} at {offset}, status {status}: {shown}"
                );
                cases += 1;
            }
        }
        let json = format!(r#"{{"errcode":40001,"errmsg":"invalid credential {form} rid: 1"}}"#);
        server.respond(
            "get_auth_data",
            Reply::Raw {
                status: 200,
                content_type: "application/json".into(),
                body: json.into_bytes(),
            },
        );
        let err = client.get_auth_data(&request()).await.expect_err("40001");
        assert_eq!(err.code(), Some(40001));
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(ODD_PREFIX), "form {form}: {shown}");
        cases += 1;
    }
    assert_eq!(cases, 5 * (8 * 2 + 1));
}

/// A base URL that carries a token or a password is never printed: not by `BuildError`, not
/// by the client's `Debug`.
#[test]
fn a_base_url_with_a_token_or_a_password_is_never_printed() {
    let secrets = ["URL-TOKEN-55", "PASSWORD-77"];
    for url in [
        "https://api.example.com/?access_token=URL-TOKEN-55",
        "https://api.example.com/path?x=1&access_token=URL-TOKEN-55",
        "http://remote.example.com/?access_token=URL-TOKEN-55",
        "https://api.example.com/#access_token=URL-TOKEN-55",
        "https://user:PASSWORD-77@api.example.com/",
        "http://user:PASSWORD-77@remote.example.com/",
        "ftp://user:PASSWORD-77@api.example.com/",
        "http://127.0.0.1:9/?access_token=URL-TOKEN-55",
        "http://user:PASSWORD-77@127.0.0.1:9/",
        "not a url ?access_token=URL-TOKEN-55",
        "https://user:PASSWORD-77@[::1/",
    ] {
        let shown = match Client::builder().base_url(url).access_token(TOKEN).build() {
            Ok(client) => format!("{client:?}"),
            Err(err) => format!("{err} {err:?}"),
        };
        for secret in secrets {
            assert!(!shown.contains(secret), "{url}: {shown}");
        }
    }
}

/// A success answer is a JSON object: a top-level array is not read as the response's fields.
#[test]
fn a_top_level_array_is_a_decode_error() {
    for body in [r#"["0","ok"]"#, "[]", r#"[0,"ok","x"]"#] {
        let decoded = wechat_invoice::decode_response::<wechat_invoice::InsertInvoiceRequest>(
            200,
            body.as_bytes(),
        );
        assert!(
            matches!(
                decoded,
                Err(Error::Decode {
                    kind: DecodeKind::UnexpectedShape,
                    ..
                })
            ),
            "{body}: {decoded:?}"
        );
    }
}

/// An envelope that says two things (duplicate `errcode` or `errmsg` keys) is a decode error,
/// whatever the order; so is a top-level array, over HTTP.
#[tokio::test]
async fn an_ambiguous_envelope_is_a_decode_error() {
    let server = MockServer::start().await.expect("mock starts");
    let client = client(&server);
    for body in [
        r#"{"errcode":0,"errcode":72038,"errmsg":"x"}"#,
        r#"{"errcode":72038,"errcode":0,"auth_time":1}"#,
        r#"{"errcode":"0","auth_time":1,"errcode":0}"#,
        r#"{"errmsg":"a","errcode":0,"errmsg":"b"}"#,
        r#"["0","ok"]"#,
        "[]",
    ] {
        server.respond(
            "get_auth_data",
            Reply::Raw {
                status: 200,
                content_type: "application/json".into(),
                body: body.as_bytes().to_vec(),
            },
        );
        let outcome = client.get_auth_data(&request()).await;
        assert!(
            matches!(
                outcome,
                Err(Error::Decode {
                    kind: DecodeKind::UnexpectedShape,
                    ..
                })
            ),
            "{body}: {outcome:?}"
        );
    }
}

/// The transport a service configures on the builder reaches the wire: its user agent, its
/// extra headers, or its own `reqwest::Client`; a header that HTTP refuses fails the build.
#[tokio::test]
async fn the_user_agent_extra_headers_and_an_own_http_client_reach_the_wire() {
    let server = MockServer::start().await.expect("mock starts");
    let configured = Client::builder()
        .base_url(server.base_url())
        .access_token(TOKEN)
        .user_agent("invoice-service/1.0")
        .header("x-request-source", "billing")
        .build()
        .expect("client builds");
    configured.get_auth_data(&request()).await.expect("success");
    let own = reqwest::Client::builder()
        .user_agent("own-client/2")
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client");
    let with_own = Client::builder()
        .base_url(server.base_url())
        .access_token(TOKEN)
        .http_client(own)
        .build()
        .expect("client builds");
    with_own.get_auth_data(&request()).await.expect("success");
    let sent = server.deliveries();
    assert_eq!(
        sent[0].request.header("user-agent"),
        Some("invoice-service/1.0")
    );
    assert_eq!(sent[0].request.header("x-request-source"), Some("billing"));
    assert_eq!(sent[1].request.header("user-agent"), Some("own-client/2"));
    assert_eq!(sent[1].request.header("x-request-source"), None);
    assert_eq!(sent[1].request.query_param("access_token"), Some(TOKEN));

    for (name, value) in [("bad header", "v"), ("x-ok", "line\nbreak")] {
        let built = Client::builder()
            .access_token(TOKEN)
            .header(name, value)
            .build();
        assert!(
            matches!(built, Err(wechat_invoice::BuildError::Http(_))),
            "{name}: {built:?}"
        );
    }
}

/// `getauthdata` as if it were not idempotent: the per-call retry override must not repeat it.
#[derive(serde::Serialize)]
struct NotIdempotent {
    s_pappid: String,
    order_id: String,
}

impl wechat_invoice::Operation for NotIdempotent {
    type Response = wechat_invoice::GetAuthDataResponse;
    type Error = GetAuthDataError;
    const ENDPOINT: wechat_invoice::Endpoint = wechat_invoice::Endpoint {
        name: "get_auth_data_not_idempotent",
        wechat_name: "invoiceBizGetAuthData",
        method: wechat_invoice::HttpMethod::Post,
        path: "/card/invoice/getauthdata",
        query: &[],
        body: wechat_invoice::BodyKind::Json,
        body_constants: &[],
        idempotent: false,
        needs_token: true,
        token_query: "access_token",
    };
}

/// Per-call overrides of the timeout and the retry policy apply to the calls made through
/// them only, and keep the idempotency rules.
#[tokio::test]
async fn per_call_timeout_and_retry_overrides_keep_the_idempotency_rules() {
    let server = MockServer::start().await.expect("mock starts");
    let client = Client::builder()
        .base_url(server.base_url())
        .access_token(TOKEN)
        .timeout(Duration::from_secs(10))
        .retry_policy(wechat_invoice::RetryPolicy::none())
        .build()
        .expect("client builds");
    server.respond(
        "get_auth_data",
        Behavior::reply(Reply::Example).after(Duration::from_millis(800)),
    );
    let hurried = client.with_timeout(Duration::from_millis(100));
    let err = hurried
        .get_auth_data(&request())
        .await
        .expect_err("timeout");
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    client
        .get_auth_data(&request())
        .await
        .expect("the client's own timeout is unchanged");

    server.reset();
    server.respond("get_auth_data", Reply::Error(-1));
    let persistent = client.with_retry_policy(
        wechat_invoice::RetryPolicy::default()
            .max_attempts(4)
            .base_delay(Duration::from_millis(1)),
    );
    let err = persistent.get_auth_data(&request()).await.expect_err("-1");
    assert_eq!(err.code(), Some(-1));
    assert_eq!(
        server.delivery_count("get_auth_data"),
        4,
        "idempotent: retried"
    );
    let once = NotIdempotent {
        s_pappid: "wx123456".into(),
        order_id: "123456".into(),
    };
    let err = persistent.send(&once).await.expect_err("-1");
    assert_eq!(err.code(), Some(-1));
    assert_eq!(
        server.delivery_count("get_auth_data"),
        5,
        "not idempotent: sent once, whatever the policy"
    );
    client.get_auth_data(&request()).await.expect_err("-1");
    assert_eq!(
        server.delivery_count("get_auth_data"),
        6,
        "the client's own policy"
    );
}
