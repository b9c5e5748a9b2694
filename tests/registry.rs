//! Lookups by name: every endpoint is listed, every generated type has a JSON Schema that
//! agrees with the spec, and `call_json` takes the typed path with JSON in and out
//! (`call_json_raw` keeping the body of the answer too).

use std::collections::BTreeSet;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use wechat_invoice::Operation;
use wechat_invoice::dynamic::{CallError, OperationVisitor};
use wechat_invoice::registry::{
    ENDPOINTS, TYPE_NAMES, call_json, call_json_raw, json_schema_of, visit_operation,
};
use wechat_invoice_codegen::model::{Api, NamedType, Object};
use wechat_invoice_mock::{MockServer, Reply};

fn api() -> Api {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec");
    wechat_invoice_codegen::load_api(&spec).unwrap_or_else(|failure| panic!("{}", failure.render()))
}

#[test]
fn every_spec_endpoint_is_registered() {
    let registered: Vec<&str> = ENDPOINTS.iter().map(|e| e.name).collect();
    let spec: Vec<String> = api().endpoints.iter().map(|e| e.name.clone()).collect();
    assert_eq!(registered, spec);
}

/// A visitor that names the endpoint of the request type it is handed.
struct EndpointOf;

impl OperationVisitor for EndpointOf {
    type Output = &'static str;

    fn visit<O>(self) -> &'static str
    where
        O: Operation + DeserializeOwned + Send + Sync + 'static,
    {
        O::ENDPOINT.name
    }
}

#[test]
fn every_endpoint_name_visits_its_own_request_type() {
    for endpoint in ENDPOINTS {
        assert_eq!(
            visit_operation(endpoint.name, EndpointOf),
            Some(endpoint.name)
        );
    }
    assert_eq!(visit_operation("no_such_endpoint", EndpointOf), None);
    assert_eq!(visit_operation("", EndpointOf), None);
}

/// The schema's properties and required list match the spec object's fields.
fn assert_schema_agrees(object: &Object) {
    let schema =
        json_schema_of(&object.name).unwrap_or_else(|| panic!("no schema for {}", object.name));
    let schema = schema.as_value();
    let properties: BTreeSet<String> = schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let fields: BTreeSet<String> = object
        .visible_fields()
        .map(|f| f.wire_name.clone())
        .collect();
    assert_eq!(
        properties, fields,
        "{}: schema properties vs spec fields",
        object.name
    );
    let required: BTreeSet<String> = schema["required"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let spec_required: BTreeSet<String> = object
        .visible_fields()
        .filter(|f| f.required)
        .map(|f| f.wire_name.clone())
        .collect();
    assert_eq!(
        required, spec_required,
        "{}: schema required vs spec",
        object.name
    );
}

#[test]
fn every_generated_type_has_a_schema_that_agrees_with_the_spec() {
    let api = api();
    for name in TYPE_NAMES {
        assert!(json_schema_of(name).is_some(), "{name}");
    }
    assert!(json_schema_of("NoSuchType").is_none());
    for endpoint in &api.endpoints {
        assert_schema_agrees(&endpoint.request);
        assert_schema_agrees(&endpoint.response);
    }
    for named in api.types.values() {
        match named {
            NamedType::Object(object) => assert_schema_agrees(object),
            NamedType::Enum(enumeration) => {
                let schema = json_schema_of(&enumeration.name).expect("enum schema");
                let kind = if enumeration.integer {
                    "integer"
                } else {
                    "string"
                };
                assert_eq!(
                    schema.as_value()["type"],
                    json!(kind),
                    "{}",
                    enumeration.name
                );
            }
        }
    }
}

#[tokio::test]
async fn call_json_sends_the_typed_request_and_returns_json() {
    let server = MockServer::start().await.expect("mock starts");
    let client = wechat_invoice::Client::builder()
        .base_url(server.base_url())
        .access_token("ACCESS_TOKEN")
        .build()
        .expect("client builds");
    let request = json!({"s_pappid": "wx123456", "order_id": "123456"});

    let response = call_json(&client, "get_auth_data", request.clone())
        .await
        .expect("success");
    assert_eq!(
        response,
        json!({"invoice_status": "auth success", "auth_time": 1480342498})
    );

    server.respond_once("get_auth_data", Reply::Error(72038));
    match call_json(&client, "get_auth_data", request.clone()).await {
        Err(CallError::Failed { error, message }) => {
            assert_eq!(error["kind"], "api");
            assert_eq!(error["errcode"], 72038);
            assert_eq!(error["variant"], "InvoiceOrderNeverAuth");
            assert!(message.contains("72038"));
            assert!(
                !error.to_string().contains("ACCESS_TOKEN") && !message.contains("ACCESS_TOKEN")
            );
        }
        other => panic!("expected an API error, got {other:?}"),
    }

    let unknown = call_json(&client, "no_such_endpoint", request).await;
    assert_eq!(
        unknown,
        Err(CallError::UnknownEndpoint("no_such_endpoint".into()))
    );
    let invalid = call_json(&client, "get_auth_data", json!({"order_id": 5})).await;
    assert!(
        matches!(
            invalid,
            Err(CallError::InvalidRequest {
                endpoint: "get_auth_data",
                ..
            })
        ),
        "{invalid:?}"
    );
}

#[tokio::test]
async fn call_json_raw_keeps_the_body_and_its_unknown_fields() {
    let server = MockServer::start().await.expect("mock starts");
    let client = wechat_invoice::Client::builder()
        .base_url(server.base_url())
        .access_token("ACCESS_TOKEN_RAW")
        .retry_policy(wechat_invoice::RetryPolicy::none())
        .build()
        .expect("client builds");
    let request = json!({"s_pappid": "wx123456", "order_id": "123456"});
    let sent = json!({
        "errcode": 0,
        "errmsg": "ok",
        "invoice_status": "auth success",
        "auth_time": 1480342498,
        "brand_new": {"x": [1, 2]}
    });
    server.respond_once("get_auth_data", Reply::Json(sent.clone()));

    let call = call_json_raw(&client, "get_auth_data", request.clone())
        .await
        .expect("sent");
    assert_eq!(
        call.outcome,
        Ok(json!({"invoice_status": "auth success", "auth_time": 1480342498}))
    );
    let raw = call.raw.expect("a body");
    assert_eq!(raw.to_value().expect("JSON"), sent);
    let unknown: Vec<(&str, &Value)> = call
        .unknown_fields
        .iter()
        .map(|field| (field.pointer.as_str(), &field.value))
        .collect();
    assert_eq!(unknown, vec![("/brand_new", &json!({"x": [1, 2]}))]);

    server.respond_once("get_auth_data", Reply::Error(72038));
    let failed = call_json_raw(&client, "get_auth_data", request.clone())
        .await
        .expect("sent");
    match &failed.outcome {
        Err(CallError::Failed { error, .. }) => assert_eq!(error["errcode"], 72038),
        other => panic!("expected an API error, got {other:?}"),
    }
    let body = failed
        .raw
        .expect("the error body")
        .to_value()
        .expect("JSON");
    assert_eq!(body["errcode"], 72038);
    assert!(failed.unknown_fields.is_empty());

    assert_eq!(
        call_json_raw(&client, "no_such_endpoint", request).await,
        Err(CallError::UnknownEndpoint("no_such_endpoint".into()))
    );
    let invalid = call_json_raw(&client, "get_auth_data", json!({"order_id": 5})).await;
    assert!(
        matches!(invalid, Err(CallError::InvalidRequest { .. })),
        "{invalid:?}"
    );
}
