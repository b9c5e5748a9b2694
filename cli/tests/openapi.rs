//! `wxinvoice openapi`, end to end: every endpoint of the spec is in the document, every ref
//! resolves inside it, and the shared `setbizattr` path is one operation per the documented
//! scheme. (`.ci/run` also runs the independent `openapi-spec-validator` over it.)

mod common;

use std::collections::BTreeSet;

use common::{Spec, code, run_in, stderr, stdout};
use serde_json::Value;
use wechat_invoice_codegen::Api;
use wechat_invoice_codegen::spec::BodyKind;

fn document() -> Value {
    let output = run_in(&std::env::temp_dir(), &["openapi"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).expect("the document is JSON")
}

fn spec() -> Api {
    wechat_invoice_codegen::load_api(&common::repo_spec())
        .unwrap_or_else(|failure| panic!("{}", failure.render()))
}

/// Every `$ref` in the document.
fn refs(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            for (key, inner) in object {
                match inner {
                    Value::String(target) if key == "$ref" => into.push(target.clone()),
                    _ => refs(inner, into),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| refs(item, into)),
        _ => {}
    }
}

/// Whether `schema` is, or combines (allOf/anyOf/oneOf), a ref to component `name`.
fn mentions(schema: &Value, name: &str) -> bool {
    let mut found = Vec::new();
    refs(schema, &mut found);
    found.contains(&format!("#/components/schemas/{name}"))
}

#[test]
fn the_document_has_the_openapi_frame() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], "https://api.weixin.qq.com");
    let scheme = &doc["components"]["securitySchemes"]["access_token"];
    assert_eq!(scheme["type"], "apiKey");
    assert_eq!(scheme["in"], "query");
    assert_eq!(scheme["name"], "access_token");
    assert_eq!(doc["security"][0]["access_token"], serde_json::json!([]));
    let error = &doc["components"]["schemas"]["WeChatError"];
    assert_eq!(error["required"], serde_json::json!(["errcode", "errmsg"]));
}

#[test]
fn every_ref_resolves_inside_the_document() {
    let doc = document();
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(found.len() > 100, "{} refs", found.len());
    for target in &found {
        let pointer = target
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("external ref {target}"));
        assert!(doc.pointer(pointer).is_some(), "{target} resolves nowhere");
        assert!(!target.contains("$defs"), "{target} was not rewritten");
    }
}

#[test]
fn every_endpoint_is_an_operation_or_listed_in_its_shared_operation() {
    let doc = document();
    let api = spec();
    assert!(!api.general_errors.is_empty());
    let mut operation_ids = BTreeSet::new();
    for item in doc["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("path item").values() {
            let id = operation["operationId"].as_str().expect("operationId");
            assert!(operation_ids.insert(id.to_string()), "{id} twice");
        }
    }
    for endpoint in &api.endpoints {
        let name = &endpoint.name;
        let operation = &doc["paths"][&endpoint.path][endpoint.method.as_str().to_lowercase()];
        assert!(operation.is_object(), "{name}: no operation at its path");
        let listed = operation["x-wechat-endpoints"]
            .as_array()
            .and_then(|list| list.iter().find(|e| e["endpoint"] == name.as_str()));
        match listed {
            None => {
                assert_eq!(operation["operationId"], name.as_str());
                assert_eq!(operation["summary"], endpoint.title.as_str());
                assert_eq!(operation["externalDocs"]["url"], endpoint.doc_url.as_str());
            }
            Some(listed) => {
                assert_eq!(listed["doc_url"], endpoint.doc_url.as_str());
                assert_eq!(
                    listed["response_schema"],
                    format!("#/components/schemas/{}", endpoint.response_type())
                );
                for (key, value) in &endpoint.query {
                    let parameter = operation["parameters"]
                        .as_array()
                        .and_then(|ps| ps.iter().find(|p| p["name"] == key.as_str()))
                        .unwrap_or_else(|| panic!("{name}: no `{key}` parameter"));
                    let values = parameter["schema"]["enum"].as_array().expect("enum");
                    assert!(values.contains(&Value::from(value.as_str())), "{name}");
                    assert_eq!(listed["query"][key], value.as_str());
                }
            }
        }
        let tag = operation["tags"].as_array().expect("tags");
        assert!(!tag.is_empty(), "{name}: tags");
        let body = &operation["requestBody"]["content"];
        match endpoint.body {
            BodyKind::None => assert!(operation.get("requestBody").is_none(), "{name}"),
            BodyKind::Json => assert!(
                mentions(
                    &body["application/json"]["schema"],
                    &endpoint.request_type()
                ),
                "{name}: request schema"
            ),
            BodyKind::Multipart => {
                let form = &body["multipart/form-data"]["schema"];
                for field in endpoint.request.visible_fields() {
                    assert!(form["properties"][&field.wire_name].is_object(), "{name}");
                }
                let files: Vec<&Value> = form["properties"]
                    .as_object()
                    .expect("properties")
                    .values()
                    .filter(|p| p["format"] == "binary")
                    .collect();
                assert!(!files.is_empty(), "{name}: the file part is binary");
            }
        }
        let ok = &operation["responses"]["200"];
        let schema = &ok["content"]["application/json"]["schema"];
        assert!(
            mentions(schema, &endpoint.response_type()),
            "{name}: response"
        );
        assert!(mentions(schema, "WeChatError"), "{name}: error envelope");
        let codes: BTreeSet<i64> = operation["x-wechat-errors"]
            .as_array()
            .expect("x-wechat-errors")
            .iter()
            .filter_map(|e| e["code"].as_i64())
            .collect();
        let description = ok["description"].as_str().expect("description");
        for code in endpoint.errors.iter().chain(&api.general_errors) {
            assert!(codes.contains(code), "{name}: x-wechat-errors lacks {code}");
            assert!(
                description.contains(&format!("| {code} |")),
                "{name}: {code}"
            );
        }
    }
}

#[test]
fn setbizattr_is_one_operation_with_an_action_enum() {
    let doc = document();
    let operation = &doc["paths"]["/card/invoice/setbizattr"]["post"];
    assert_eq!(operation["operationId"], "setbizattr");
    let action = &operation["parameters"][0];
    assert_eq!(action["name"], "action");
    assert_eq!(action["in"], "query");
    assert_eq!(action["required"], true);
    assert_eq!(action["schema"]["enum"].as_array().map(Vec::len), Some(6));
    let listed = operation["x-wechat-endpoints"].as_array().expect("listed");
    assert_eq!(listed.len(), 6);
    let bodies = &operation["requestBody"]["content"]["application/json"]["schema"]["anyOf"];
    assert_eq!(bodies.as_array().map(Vec::len), Some(6));
    let shared = spec()
        .endpoints
        .iter()
        .filter(|e| e.path == "/card/invoice/setbizattr")
        .count();
    assert_eq!(shared, 6);
}

#[test]
fn out_writes_the_same_document_to_a_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = run_in(dir.path(), &["openapi", "--out", "nested/openapi.json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
    assert!(
        stderr(&output).contains("34 endpoints"),
        "{}",
        stderr(&output)
    );
    let written = std::fs::read_to_string(dir.path().join("nested/openapi.json")).expect("file");
    let written: Value = serde_json::from_str(&written).expect("JSON");
    assert_eq!(written, document());
}

#[test]
fn spec_must_be_the_one_wxinvoice_was_built_from() {
    let same = run_in(
        &std::env::temp_dir(),
        &[
            "openapi",
            "--spec",
            common::repo_spec().to_str().expect("utf-8"),
        ],
    );
    assert_eq!(code(&same), 0, "{}", stderr(&same));
    let dir = tempfile::tempdir().expect("temp dir");
    Spec::tiny().write(&dir.path().join("spec"));
    let other = run_in(dir.path(), &["openapi", "--spec", "spec"]);
    assert_eq!(code(&other), 2);
    let err = stderr(&other);
    assert!(
        err.contains("differs from the one this wxinvoice was built from"),
        "{err}"
    );
    assert!(stdout(&other).is_empty());
}

/// The `event:` value and the discriminator element (`Event` unless the file says
/// `discriminator: InfoType`) of every file under `spec/events/`, read as text so the test
/// does not share the generator's reading of them.
fn event_files() -> Vec<(String, String)> {
    let dir = common::repo_spec().join("events");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("spec/events") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|ext| ext != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let key = |name: &str| {
            text.lines()
                .find_map(|line| line.strip_prefix(name))
                .map(|value| value.trim().to_string())
        };
        let event = key("event: ").unwrap_or_else(|| panic!("{}: no `event:`", path.display()));
        let discriminator = key("discriminator: ").unwrap_or_else(|| "Event".to_string());
        found.push((event, discriminator));
    }
    found.sort();
    found
}

#[test]
fn every_event_file_is_a_webhook_with_its_elements_as_properties() {
    let doc = document();
    let files = event_files();
    assert!(files.len() >= 2, "{files:?}");
    let webhooks = doc["webhooks"].as_object().expect("webhooks");
    let names: BTreeSet<&str> = webhooks.keys().map(String::as_str).collect();
    let expected: BTreeSet<&str> = files.iter().map(|(event, _)| event.as_str()).collect();
    assert_eq!(names, expected, "one webhook per spec/events file");
    let api = spec();
    let mut operation_ids = BTreeSet::new();
    for (event, discriminator) in &files {
        let operation = &webhooks[event]["post"];
        let id = operation["operationId"].as_str().expect("operationId");
        assert!(operation_ids.insert(id.to_string()), "{id} twice");
        assert_eq!(operation["x-wechat-event"], event.as_str());
        assert!(operation["tags"].as_array().is_some_and(|t| !t.is_empty()));
        let query: Vec<&str> = operation["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        for name in ["signature", "timestamp", "nonce", "msg_signature"] {
            assert!(query.contains(&name), "{event}: no `{name}` parameter");
        }
        let media = &operation["requestBody"]["content"]["application/xml"];
        let target = media["schema"]["$ref"].as_str().expect("a body schema ref");
        let schema = doc
            .pointer(target.strip_prefix('#').expect("local ref"))
            .unwrap_or_else(|| panic!("{event}: {target} resolves nowhere"));
        assert_eq!(schema["xml"]["name"], "xml", "{event}");
        let properties = schema["properties"].as_object().expect("properties");
        // The discriminator element names the push; the value is a constant.
        let named = properties
            .get(discriminator.as_str())
            .unwrap_or_else(|| panic!("{event}: no `{discriminator}` property"));
        assert_eq!(
            named["const"],
            event.as_str(),
            "{event}: `{discriminator}` is not the constant {event}"
        );
        let required: Vec<&str> = schema["required"]
            .as_array()
            .expect("required")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(required.contains(&discriminator.as_str()), "{event}");
        for name in &required {
            assert!(
                properties.contains_key(*name),
                "{event}: {name} required, not described"
            );
        }
        // Every element of the event, by its XML name, with the generated field's type.
        let model = api
            .events
            .iter()
            .find(|model| &model.event == event)
            .unwrap_or_else(|| panic!("{event} is not in the loaded spec"));
        assert!(!model.fields.is_empty(), "{event}");
        for field in &model.fields {
            let property = &properties
                .get(&field.element)
                .unwrap_or_else(|| panic!("{event}: no property `{}`", field.element));
            let ty = match field.ty {
                wechat_invoice_codegen::events::FieldType::String => "string",
                wechat_invoice_codegen::events::FieldType::Integer => "integer",
            };
            assert_eq!(property["type"], ty, "{event}.{}", field.element);
        }
        // The examples are the spec's XML pushes.
        for example in &model.examples {
            assert_eq!(
                media["examples"][&example.name]["value"],
                example.xml.as_str(),
                "{event}: example {}",
                example.name
            );
        }
    }
}
