//! Every example in `spec/` and every documented error code, as tests generated from the spec
//! (`generated/example_tests.rs`). The helpers the generated tests call are below.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wechat_invoice::{ApiError, Error, Operation, decode_response};

include!(concat!(env!("OUT_DIR"), "/generated/example_tests.rs"));

/// Equal JSON, where a number and a numeric string of the same value count as equal (decimal
/// fields are sent as strings whatever the example wrote), and key order does not matter.
fn same_json(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, value)| b.get(key).is_some_and(|other| same_json(value, other)))
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_json(x, y))
        }
        (Value::String(text), Value::Number(number))
        | (Value::Number(number), Value::String(text)) => {
            text.parse::<f64>().ok() == number.as_f64()
        }
        _ => actual == expected,
    }
}

/// The example request decodes into the typed request, and the typed request encodes to
/// exactly the example (key order aside).
fn check_request<O: Operation + DeserializeOwned>(example: &str) {
    let expected: Value = serde_json::from_str(example).expect("the example is JSON");
    let typed: O = serde_json::from_value(expected.clone()).unwrap_or_else(|err| {
        panic!(
            "{}: example request does not decode: {err}",
            O::ENDPOINT.name
        )
    });
    let body = typed.to_json_body().expect("the request encodes");
    let actual: Value = serde_json::from_slice(&body).expect("the body is JSON");
    assert!(
        same_json(&actual, &expected),
        "{}: request encodes as\n{actual}\nbut the example is\n{expected}",
        O::ENDPOINT.name
    );
    let text = String::from_utf8(body).expect("UTF-8");
    assert!(
        !text.contains("\\u"),
        "{}: non-ASCII text must be sent raw, not \\u-escaped: {text}",
        O::ENDPOINT.name
    );
}

/// The example success response decodes, and nothing in it is lost.
fn check_success<O: Operation>(example: &str)
where
    O::Response: Serialize,
{
    let typed = decode_response::<O>(200, example.as_bytes()).unwrap_or_else(|err| {
        panic!(
            "{}: example response does not decode: {err:?}",
            O::ENDPOINT.name
        )
    });
    let mut expected: Value = serde_json::from_str(example).expect("the example is JSON");
    if let Value::Object(map) = &mut expected {
        map.remove("errcode");
        map.remove("errmsg");
    }
    rename_aliases(&mut expected);
    let actual = serde_json::to_value(&typed).expect("the response encodes");
    assert!(
        same_json(&actual, &expected),
        "{}: decoded response is\n{actual}\nbut the example is\n{expected}",
        O::ENDPOINT.name
    );
}

/// Renames documented misspellings (`trip_pdf_ur`) to the field they decode to, at any depth,
/// so that an example written with the misspelling compares with the re-encoded response.
fn rename_aliases(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (alias, name) in ALIASES {
                if let Some(inner) = map.remove(*alias) {
                    map.insert((*name).to_string(), inner);
                }
            }
            map.values_mut().for_each(rename_aliases);
        }
        Value::Array(items) => items.iter_mut().for_each(rename_aliases),
        _ => {}
    }
}

/// The example error response decodes to the documented variant of its code.
fn check_error<O: Operation>(example: &str, code: i64) {
    match decode_response::<O>(200, example.as_bytes()) {
        Err(Error::Api(err)) => {
            assert_eq!(err.code(), code);
            assert!(
                err.info().is_some(),
                "{}: code {code} is not documented",
                O::ENDPOINT.name
            );
        }
        Ok(_) => panic!("{}: error example decoded as success", O::ENDPOINT.name),
        Err(other) => panic!("{}: error example gave {other}", O::ENDPOINT.name),
    }
}

/// Every documented code decodes to its named variant; an undocumented one is kept.
fn check_codes<O: Operation>(codes: &[(i64, &str)]) {
    for (code, variant) in codes {
        let body = format!(r#"{{"errcode":{code},"errmsg":"message {code}"}}"#);
        match decode_response::<O>(200, body.as_bytes()) {
            Err(Error::Api(err)) => {
                assert_eq!(err.code(), *code);
                assert_eq!(err.info().map(|info| info.variant), Some(*variant));
                assert_eq!(err.message(), format!("message {code}"));
                assert!(
                    format!("{err:?}").starts_with(variant),
                    "{err:?} is not {variant}"
                );
            }
            other => panic!("{}: code {code} gave {other:?}", O::ENDPOINT.name),
        }
    }
    let unknown = br#"{"errcode":987654,"errmsg":"something new rid: 1"}"#;
    match decode_response::<O>(200, unknown) {
        Err(Error::Api(err)) => {
            assert_eq!(err.code(), 987654);
            assert_eq!(err.message(), "something new rid: 1");
            assert!(err.info().is_none());
            assert!(format!("{err:?}").starts_with("Unknown"));
        }
        other => panic!("{}: unknown code gave {other:?}", O::ENDPOINT.name),
    }
}

/// A mock server, a client for it, and the typed request decoded from an example.
async fn live_client<O: Operation + DeserializeOwned>(
    request: &str,
) -> (wechat_invoice_mock::MockServer, wechat_invoice::Client, O) {
    let server = wechat_invoice_mock::MockServer::start()
        .await
        .expect("mock starts");
    let client = wechat_invoice::Client::builder()
        .base_url(server.base_url())
        .access_token("ACCESS_TOKEN")
        .build()
        .expect("client builds");
    let typed = serde_json::from_str(request).expect("example request decodes");
    (server, client, typed)
}

/// The call succeeded with the mock's documented example, and the mock received exactly the
/// example request, once, at the endpoint's method, path and fixed query.
fn check_live<O: Operation>(
    server: &wechat_invoice_mock::MockServer,
    endpoint: &str,
    request: &str,
    response: Result<O::Response, Error<O::Error>>,
) {
    let response = response.unwrap_or_else(|err| panic!("{endpoint} through the client: {err}"));
    let spec = server
        .api()
        .endpoints
        .iter()
        .find(|e| e.name == endpoint)
        .expect("in spec");
    let example = wechat_invoice_mock::success_example(spec).to_string();
    let expected = decode_response::<O>(200, example.as_bytes()).expect("example decodes");
    assert_eq!(
        serde_json::to_value(&response).expect("encodes"),
        serde_json::to_value(&expected).expect("encodes"),
        "{endpoint}: the client's response differs from the mock's example"
    );
    let deliveries = server.deliveries();
    assert_eq!(deliveries.len(), 1, "{endpoint}: one delivery");
    let sent = &deliveries[0].request;
    assert_eq!(sent.path, O::ENDPOINT.path);
    for (key, value) in O::ENDPOINT.query {
        assert_eq!(
            sent.query_param(key),
            Some(*value),
            "{endpoint}: query {key}"
        );
    }
    assert_eq!(sent.query_param("access_token"), Some("ACCESS_TOKEN"));
    if O::ENDPOINT.body == wechat_invoice::BodyKind::Json {
        let body: Value = serde_json::from_slice(&sent.body).expect("JSON body");
        let expected: Value = serde_json::from_str(request).expect("example is JSON");
        assert!(
            same_json(&body, &expected),
            "{endpoint}: sent {body}, example {expected}"
        );
    } else {
        assert!(
            sent.body.is_empty(),
            "{endpoint}: a body-less call sent a body"
        );
    }
}
