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

/// Every documented code decodes to its named variant; an undocumented one is kept. Each
/// value clones to an equal one (the same variant, code and message), equals no other code's
/// value nor the same code with another message, and survives a JSON round trip.
fn check_codes<O: Operation>(codes: &[(i64, &str)])
where
    O::Error: Clone + PartialEq + serde::Serialize + DeserializeOwned,
{
    let mut seen: Vec<O::Error> = Vec::new();
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
                check_value_semantics(&err, &seen);
                seen.push(err);
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
            check_value_semantics(&err, &seen);
        }
        other => panic!("{}: unknown code gave {other:?}", O::ENDPOINT.name),
    }
}

/// `err` clones to an equal value, differs from every value in `others` (other codes) and
/// from itself with another message, and decodes back equal from its JSON.
fn check_value_semantics<E>(err: &E, others: &[E])
where
    E: wechat_invoice::ApiError + Clone + PartialEq + serde::Serialize + DeserializeOwned,
{
    let copy = err.clone();
    assert!(copy == *err, "{err:?} clones to {copy:?}");
    assert_eq!(format!("{copy:?}"), format!("{err:?}"));
    assert!(
        others.iter().all(|other| other != err),
        "{err:?} equals another code's value"
    );
    let reworded = E::from_code(err.code(), format!("{} (reworded)", err.message()));
    assert!(reworded != *err, "{err:?} ignores its message");
    let json = serde_json::to_value(err).expect("encodes");
    let back: E = serde_json::from_value(json.clone()).expect("decodes");
    assert!(back == *err, "{json} decodes as {back:?}");
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
    // The token travels in the endpoint's own parameter (`component_access_token` for a
    // third-party platform's interfaces), and not at all when the endpoint takes none.
    let token = O::ENDPOINT.needs_token.then_some("ACCESS_TOKEN");
    if O::ENDPOINT.token_query != "access_token" {
        assert_eq!(sent.query_param("access_token"), None, "{endpoint}");
    }
    if let Some(parameter) = Some(O::ENDPOINT.token_query).filter(|p| !p.is_empty()) {
        assert_eq!(sent.query_param(parameter), token, "{endpoint}");
    } else {
        assert!(!O::ENDPOINT.needs_token, "{endpoint}");
    }
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

/// Decode, encode, decode again: both decodings are equal. Returns the encoded JSON.
fn roundtrip_as<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
    value: &Value,
) -> Result<Value, String> {
    let first: T = serde_json::from_value(value.clone()).map_err(|err| format!("decode: {err}"))?;
    let encoded = serde_json::to_value(&first).map_err(|err| format!("encode: {err}"))?;
    let second: T =
        serde_json::from_value(encoded.clone()).map_err(|err| format!("decode again: {err}"))?;
    if first == second {
        Ok(encoded)
    } else {
        Err(format!("{first:?} != {second:?}"))
    }
}

/// Property tests over every endpoint: JSON made to the spec's shapes round-trips through the
/// generated types without losing anything, and no bytes make decoding panic.
mod properties {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;
    use wechat_invoice_codegen::model::{Api, NamedType, Object, TypeRef};

    fn api() -> &'static Api {
        static API: OnceLock<Api> = OnceLock::new();
        API.get_or_init(|| {
            let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("spec");
            wechat_invoice_codegen::load_api(&spec)
                .unwrap_or_else(|failure| panic!("{}", failure.render()))
        })
    }

    /// JSON values of a spec type.
    fn value_of(ty: &TypeRef, depth: u32) -> BoxedStrategy<Value> {
        match ty {
            TypeRef::String => "\\PC{0,12}".prop_map(Value::from).boxed(),
            TypeRef::Integer(32) => any::<i32>().prop_map(Value::from).boxed(),
            TypeRef::Integer(_) => any::<i64>().prop_map(Value::from).boxed(),
            TypeRef::Number => (-1e12f64..1e12).prop_map(Value::from).boxed(),
            TypeRef::Boolean => any::<bool>().prop_map(Value::from).boxed(),
            TypeRef::Flag => (0..=1i64).prop_map(Value::from).boxed(),
            TypeRef::Decimal => "-?[0-9]{1,9}(\\.[0-9]{1,4})?".prop_map(Value::from).boxed(),
            TypeRef::IntegerOrString => prop_oneof![
                any::<i64>().prop_map(Value::from),
                any::<i64>().prop_map(|n| Value::from(n.to_string())),
            ]
            .boxed(),
            TypeRef::File => ("\\PC{1,8}", prop::collection::vec(any::<u8>(), 0..16))
                .prop_map(|(name, bytes)| {
                    serde_json::json!({"file_name": name, "content_type": "application/pdf", "bytes": bytes})
                })
                .boxed(),
            TypeRef::Array(item) if depth < 10 => prop::collection::vec(value_of(item, depth + 1), 0..3)
                .prop_map(Value::from)
                .boxed(),
            TypeRef::Array(_) => Just(Value::Array(Vec::new())).boxed(),
            TypeRef::Named(name) => match api().types.get(name) {
                Some(NamedType::Object(object)) if depth < 10 => object_of(object, depth + 1),
                Some(NamedType::Enum(enumeration)) if enumeration.integer => {
                    let known: Vec<Value> = enumeration.values.iter().filter_map(|v| v.value.parse::<i64>().ok()).map(Value::from).collect();
                    prop_oneof![prop::sample::select(known), any::<i64>().prop_map(Value::from)].boxed()
                }
                Some(NamedType::Enum(enumeration)) => {
                    let known: Vec<Value> = enumeration.values.iter().map(|v| Value::from(v.value.clone())).collect();
                    prop_oneof![prop::sample::select(known), "[A-Z_]{1,10}".prop_map(Value::from)].boxed()
                }
                _ => Just(serde_json::json!({})).boxed(),
            },
        }
    }

    /// JSON objects of a struct: required fields always, optional ones sometimes.
    fn object_of(object: &Object, depth: u32) -> BoxedStrategy<Value> {
        let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = object
            .visible_fields()
            .map(|field| {
                let name = field.wire_name.clone();
                let value = value_of(&field.ty, depth).prop_map(move |v| (name.clone(), v));
                if field.required {
                    value.prop_map(Some).boxed()
                } else {
                    prop::option::of(value).boxed()
                }
            })
            .collect();
        fields
            .prop_map(|entries| Value::Object(entries.into_iter().flatten().collect()))
            .boxed()
    }

    fn every_shape() -> BoxedStrategy<(String, bool, Value)> {
        let shapes: Vec<BoxedStrategy<(String, bool, Value)>> = api()
            .endpoints
            .iter()
            .flat_map(|endpoint| {
                [(false, &endpoint.request), (true, &endpoint.response)].map(
                    |(response, object)| {
                        let name = endpoint.name.clone();
                        object_of(object, 0)
                            .prop_map(move |value| (name.clone(), response, value))
                            .boxed()
                    },
                )
            })
            .collect();
        prop::strategy::Union::new(shapes).boxed()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn every_generated_type_round_trips_through_json((endpoint, response, value) in every_shape()) {
            let encoded = roundtrip(&endpoint, response, &value)
                .map_err(|err| TestCaseError::fail(format!("{endpoint} (response: {response}): {err}\n{value}")))?;
            prop_assert!(same_json(&encoded, &value), "{endpoint}: {value} became {encoded}");
        }

        #[test]
        fn decoding_never_panics_on_arbitrary_bytes(body in prop::collection::vec(any::<u8>(), 0..256), status in 100u16..600) {
            for endpoint in &api().endpoints {
                let _ = decode_any(&endpoint.name, status, &body);
            }
        }

        #[test]
        fn decoding_never_panics_on_json_of_the_wrong_shape(value in wrong_shapes()) {
            let body = serde_json::to_vec(&value).expect("encodes");
            for endpoint in &api().endpoints {
                let _ = decode_any(&endpoint.name, 200, &body);
            }
        }
    }

    /// Arbitrary JSON, often with an `errcode` of any kind.
    fn wrong_shapes() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            "\\PC{0,8}".prop_map(Value::from),
        ];
        let tree = leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        });
        (
            tree,
            prop::option::of(prop_oneof![
                any::<i64>().prop_map(Value::from),
                "\\PC{0,4}".prop_map(Value::from)
            ]),
        )
            .prop_map(|(mut value, errcode)| {
                if let (Value::Object(map), Some(code)) = (&mut value, errcode) {
                    map.insert("errcode".into(), code);
                }
                value
            })
    }
}
