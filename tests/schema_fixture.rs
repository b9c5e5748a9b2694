//! The JSON Schema of every generated type is exactly the committed fixture
//! `tests/fixtures/json_schemas.json` (one object keyed by type name), so a change to how the
//! schemas are written cannot change what they say. `UPDATE_SCHEMA_FIXTURE=1` rewrites it.
#![cfg(feature = "schema")]

use std::path::Path;

use serde_json::{Map, Value};
use wechat_invoice::registry::{TYPE_NAMES, json_schema_of};

#[test]
fn every_schema_matches_the_fixture() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/json_schemas.json");
    let mut current = Map::new();
    for name in TYPE_NAMES {
        let schema = json_schema_of(name).unwrap_or_else(|| panic!("no schema for {name}"));
        current.insert((*name).to_string(), schema.to_value());
    }
    let text = serde_json::to_string_pretty(&Value::Object(current.clone())).expect("json") + "\n";
    if std::env::var_os("UPDATE_SCHEMA_FIXTURE").is_some() {
        std::fs::write(&path, &text).expect("write fixture");
        return;
    }
    let fixture = std::fs::read_to_string(&path).expect("read fixture");
    let fixture: Map<String, Value> = serde_json::from_str(&fixture).expect("fixture is JSON");
    assert_eq!(
        fixture.keys().collect::<Vec<_>>(),
        current.keys().collect::<Vec<_>>(),
        "type names vs fixture"
    );
    for (name, schema) in &current {
        assert_eq!(
            &fixture[name], schema,
            "schema of {name} differs from the fixture"
        );
    }
    // Byte for byte too: key order and number formatting.
    assert_eq!(fixture.len(), current.len());
    assert!(
        text == std::fs::read_to_string(&path).expect("read fixture"),
        "fixture text differs (key order?)"
    );
}
