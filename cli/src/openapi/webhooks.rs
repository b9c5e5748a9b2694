//! The pushed events (`spec/events/`) as OpenAPI 3.1 `webhooks`: each event is a POST that
//! WeChat sends to the merchant's server, whose body is the event's XML element set.
//!
//! The body schema lists the envelope (`ToUserName`, `FromUserName`, `CreateTime`, `MsgType`,
//! `Event`; for a third-party platform's pushes named by `InfoType`: `AppId`, `CreateTime`,
//! `InfoType`), the element naming the push a constant, and the event's elements, all optional text or integers
//! as the generated structs read them; other elements are allowed (they are kept in the
//! struct's `other`). The query parameters are the message-security ones
//! (`wechat_invoice::push`).

use serde_json::{Map, Value, json};
use wechat_invoice_codegen::events::{Discriminator, EventField, EventModel, FieldType};

/// Adds `webhooks` (one per event) and the events' body schemas to `document`, whose
/// `components.schemas` must already exist. Nothing is added for a spec without events.
pub fn add(events: &[EventModel], document: &mut Value) {
    if events.is_empty() {
        return;
    }
    let mut webhooks = Map::new();
    for event in events {
        if let Some(schemas) = document["components"]["schemas"].as_object_mut() {
            schemas.insert(event.struct_name.clone(), body_schema(event));
        }
        webhooks.insert(event.event.clone(), json!({ "post": operation(event) }));
    }
    document["webhooks"] = Value::Object(webhooks);
    if let Some(tags) = document["tags"].as_array_mut() {
        tags.push(json!({
            "name": "events",
            "description": "Events WeChat pushes to the merchant's server",
        }));
    }
}

/// The POST WeChat sends for `event`.
fn operation(event: &EventModel) -> Value {
    let examples: Map<String, Value> = event
        .examples
        .iter()
        .map(|example| {
            (
                example.name.clone(),
                json!({ "summary": example.name, "value": example.xml }),
            )
        })
        .collect();
    let mut media = json!({
        "schema": { "$ref": format!("#/components/schemas/{}", event.struct_name) },
    });
    if !examples.is_empty() {
        media["examples"] = Value::Object(examples);
    }
    json!({
        "operationId": format!("event_{}", event.event),
        "summary": event.title,
        "description": receipt(event),
        "externalDocs": { "url": event.doc, "description": "WeChat's documentation page" },
        "tags": ["events"],
        "security": [],
        "x-wechat-event": event.event,
        "parameters": parameters(),
        "requestBody": {
            "required": true,
            "content": { "application/xml": media },
        },
        "responses": {
            "200": {
                "description": "`success` (or an empty body) once the event is handled; \
                    WeChat resends the push, up to three times, when no answer comes within \
                    5 seconds.",
                "content": { "text/plain": { "schema": { "type": "string", "examples": ["success"] } } },
            }
        },
    })
}

/// The event's description, then how it arrives and which type receives it.
fn receipt(event: &EventModel) -> String {
    match event.discriminator {
        Discriminator::Event => format!(
            "{}\n\nReceived as `wechat_invoice::Event::{}({})` by \
             `wechat_invoice::push::Receiver::receive`. In plain mode the body is the element \
             set below; in safe mode it is `<xml><ToUserName/><Encrypt/></xml>` whose `Encrypt` \
             holds the same element set, AES-256-CBC encrypted with the EncodingAESKey \
             (compatible mode sends both). The URL check is a GET with `echostr`.",
            event.description, event.variant, event.struct_name
        ),
        Discriminator::InfoType => format!(
            "{}\n\nSent to the third-party platform's authorization-event URL and received as \
             `wechat_invoice::ComponentEvent::{}({})` by \
             `wechat_invoice::push::Receiver::receive_component`. The body is \
             `<xml><AppId/><Encrypt/></xml>` whose `Encrypt` holds the element set below, \
             AES-256-CBC encrypted with the platform's EncodingAESKey.",
            event.description, event.variant, event.struct_name
        ),
    }
}

/// The query parameters WeChat adds to every push.
fn parameters() -> Vec<Value> {
    let parameter = |name: &str, required: bool, description: &str| {
        json!({
            "name": name,
            "in": "query",
            "required": required,
            "description": description,
            "schema": { "type": "string" },
        })
    };
    vec![
        parameter(
            "signature",
            true,
            "SHA-1 of the sorted token, timestamp and nonce.",
        ),
        parameter("timestamp", true, "Unix seconds when WeChat sent the push."),
        parameter("nonce", true, "A random number."),
        parameter(
            "openid",
            false,
            "The user the event is about, when there is one.",
        ),
        parameter(
            "encrypt_type",
            false,
            "`aes` in safe and compatible modes; absent in plain mode.",
        ),
        parameter(
            "msg_signature",
            false,
            "SHA-1 of the sorted token, timestamp, nonce and `Encrypt`, in safe and compatible modes.",
        ),
    ]
}

/// The XML element set of `event`, as a schema of the `<xml>` root element.
fn body_schema(event: &EventModel) -> Value {
    let mut properties = Map::new();
    let text = |description: &str| json!({ "type": "string", "description": description });
    let create_time = json!({ "type": "integer", "description": "Unix seconds." });
    let named = |description: &str| json!({ "type": "string", "const": event.event, "description": description });
    let required: &[&str] = match event.discriminator {
        Discriminator::Event => {
            properties.insert(
                "ToUserName".into(),
                text("The receiving account's original id (`gh_…`)."),
            );
            properties.insert(
                "FromUserName".into(),
                text("The sender: WeChat's system account or the user's openid."),
            );
            properties.insert("CreateTime".into(), create_time);
            properties.insert(
                "MsgType".into(),
                json!({ "type": "string", "const": "event", "description": "Always `event`." }),
            );
            properties.insert("Event".into(), named("The event's name."));
            &[
                "ToUserName",
                "FromUserName",
                "CreateTime",
                "MsgType",
                "Event",
            ]
        }
        Discriminator::InfoType => {
            properties.insert(
                "AppId".into(),
                text("The third-party platform's appid (`component_appid`)."),
            );
            properties.insert("CreateTime".into(), create_time);
            properties.insert("InfoType".into(), named("The push's name."));
            &["AppId", "CreateTime", "InfoType"]
        }
    };
    for field in &event.fields {
        properties.insert(field.element.clone(), field_schema(field));
    }
    json!({
        "type": "object",
        "title": event.struct_name,
        "description": format!(
            "The elements of `{}` (the `<xml>` root). Every field may be empty (empty CDATA \
             is read as absent); elements not listed are kept in the struct's `other`.",
            event.event
        ),
        "xml": { "name": "xml" },
        "required": required,
        "properties": properties,
        "additionalProperties": true,
    })
}

fn field_schema(field: &EventField) -> Value {
    let mut description = format!(
        "{} Rust field `{}`.",
        field.description.trim(),
        field.rust_name
    );
    if !field.aliases.is_empty() {
        let aliases: Vec<String> = field.aliases.iter().map(|a| format!("`{a}`")).collect();
        description.push_str(&format!(" Also sent as {}.", aliases.join(", ")));
    }
    if field.identity {
        description.push_str(" Part of the event's dedup key.");
    }
    let mut schema = match field.ty {
        FieldType::String => json!({ "type": "string" }),
        FieldType::Integer => json!({ "type": "integer" }),
    };
    schema["description"] = json!(description);
    if !field.values.is_empty() {
        schema["examples"] = json!(field.values);
    }
    schema
}
