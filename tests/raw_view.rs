//! The raw view (`Client::send_raw`) against the spec-driven mock on loopback: a field no spec
//! knows reaches the caller beside the typed value, error answers keep their body with the
//! token hidden, and the typed path answers the same as before.

use std::time::Duration;

use serde_json::json;
use wechat_invoice::{
    Client, Error, GetAuthDataError, GetAuthDataRequest, GetAuthDataResponse, RawError, RetryPolicy,
};
use wechat_invoice_mock::{MockServer, Reply};

const TOKEN: &str = "TOKEN-SECRET-4b8e21";

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
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds")
}

/// An answer with fields the spec does not know, at the top and inside `user_auth_info`.
fn answer_with_new_fields() -> serde_json::Value {
    json!({
        "errcode": 0,
        "errmsg": "ok",
        "invoice_status": "auth success",
        "auth_time": 1480342498,
        "new_top_level_field": {"level": 2},
        "user_auth_info": {
            "user_field": {"title": "张三", "wechat_added_this": "值"}
        }
    })
}

#[tokio::test]
async fn a_field_no_spec_knows_reaches_the_caller_beside_the_typed_value() {
    let server = MockServer::start().await.expect("mock starts");
    server.respond("get_auth_data", Reply::Json(answer_with_new_fields()));
    let client = client(&server);

    let answer = client.send_raw(&request()).await.expect("success");
    // The typed value, through `Deref` and `value()`.
    assert_eq!(answer.invoice_status.as_deref(), Some("auth success"));
    let title = answer
        .value()
        .user_auth_info
        .as_ref()
        .and_then(|info| info.user_field.as_ref())
        .and_then(|user| user.title.as_deref());
    assert_eq!(title, Some("张三"));
    // Every unknown field, with where it is and what it holds.
    let mut unknown: Vec<(String, serde_json::Value)> = answer
        .unknown_fields()
        .into_iter()
        .map(|field| (field.pointer, field.value))
        .collect();
    unknown.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        unknown,
        vec![
            ("/new_top_level_field".to_string(), json!({"level": 2})),
            (
                "/user_auth_info/user_field/wechat_added_this".to_string(),
                json!("值")
            ),
        ]
    );
    // The whole body as sent, by field or as one value.
    assert_eq!(
        answer.raw().field("new_top_level_field"),
        Some(json!({"level": 2}))
    );
    assert_eq!(
        answer.raw().to_value().expect("JSON"),
        answer_with_new_fields()
    );
    assert!(answer.raw().as_str().is_some_and(|t| t.contains("张三")));

    // The typed path answers the same typed value, and one request was sent per call.
    let typed: GetAuthDataResponse = client.get_auth_data(&request()).await.expect("typed");
    assert_eq!(&typed, answer.value());
    assert_eq!(server.delivery_count("get_auth_data"), 2);
    let (value, raw) = answer.into_parts();
    assert_eq!(value, typed);
    assert!(
        !format!("{raw:?}").contains("张三"),
        "Debug shows no content"
    );
}

#[tokio::test]
async fn the_documented_example_has_no_unknown_fields() {
    let server = MockServer::start().await.expect("mock starts");
    let answer = client(&server).send_raw(&request()).await.expect("success");
    assert_eq!(answer.unknown_fields(), Vec::new());
    assert_eq!(answer.raw().field("errcode"), Some(json!(0)));
}

#[tokio::test]
async fn an_error_answer_keeps_its_body_and_converts_with_question_mark() {
    let server = MockServer::start().await.expect("mock starts");
    server.respond(
        "get_auth_data",
        Reply::Json(json!({
            "errcode": 72038,
            "errmsg": "invoice order never auth",
            "hint_added_later": "rid: 1234"
        })),
    );
    let err = client(&server)
        .send_raw(&request())
        .await
        .expect_err("an API error");
    assert!(
        matches!(
            err.error(),
            Error::Api(GetAuthDataError::InvoiceOrderNeverAuth { .. })
        ),
        "{err:?}"
    );
    let raw = err.raw().expect("the error answer's body");
    assert_eq!(raw.field("hint_added_later"), Some(json!("rid: 1234")));
    assert!(err.to_string().contains("72038"), "{err}");

    // `?` gives the plain error.
    async fn plain(client: &Client) -> Result<(), Error<GetAuthDataError>> {
        client.send_raw(&request()).await?;
        Ok(())
    }
    let plain = plain(&client(&server)).await.expect_err("still an error");
    assert_eq!(plain.api_code(), Some(72038));
}

#[tokio::test]
async fn an_echoed_token_is_hidden_in_the_error_body() {
    let server = MockServer::start().await.expect("mock starts");
    let echo = format!("invalid credential, access_token is {TOKEN}");
    server.respond(
        "get_auth_data",
        Reply::Json(json!({"errcode": 40001, "errmsg": echo, "access_token": TOKEN})),
    );
    let err: RawError<GetAuthDataError> = client(&server)
        .send_raw(&request())
        .await
        .expect_err("rejected token");
    let raw = err.raw().expect("body");
    let text = raw.as_str().expect("UTF-8");
    assert!(!text.contains(TOKEN), "{text}");
    assert!(text.contains("40001"), "{text}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
}

#[tokio::test]
async fn an_html_page_is_kept_and_no_answer_means_no_body() {
    let server = MockServer::start().await.expect("mock starts");
    server.respond(
        "get_auth_data",
        Reply::Raw {
            status: 502,
            content_type: "text/html".into(),
            body: b"<html>502 Bad Gateway</html>".to_vec(),
        },
    );
    let client = client(&server);
    let err = client.send_raw(&request()).await.expect_err("502");
    assert!(matches!(err.error(), Error::HttpStatus { status: 502, .. }));
    let raw = err.raw().expect("the page");
    assert_eq!(raw.as_bytes(), b"<html>502 Bad Gateway</html>");
    assert!(raw.to_value().is_err());
    assert_eq!(raw.field("errcode"), None);

    server.respond("get_auth_data", Reply::Reset);
    let err = client.send_raw(&request()).await.expect_err("reset");
    assert!(matches!(err.error(), Error::Transport { .. }), "{err:?}");
    assert!(err.raw().is_none());
}
