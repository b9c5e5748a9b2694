//! `spec/spec.schema.json`, the JSON Schema editors use to check spec files, is the one the
//! spec-language types derive, and every committed spec file is valid YAML for it.

use std::fs;
use std::path::Path;

#[test]
fn spec_schema_json_is_fresh() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec/spec.schema.json");
    let fresh = wechat_invoice_codegen::spec::json_schema();
    let current = fs::read_to_string(&path).unwrap_or_default();
    if current != fresh {
        fs::write(&path, &fresh).expect("can write spec/spec.schema.json");
    }
    assert!(
        current == fresh,
        "spec/spec.schema.json was out of date with codegen/src/spec.rs; the fresh copy has been \
         written: review and commit it"
    );
    let schema: serde_json::Value = serde_json::from_str(&fresh).expect("schema is JSON");
    let defs = schema["$defs"].as_object().expect("$defs");
    for name in [
        "EndpointFile",
        "TypesFile",
        "ErrorTableFile",
        "Field",
        "ErrorDef",
        "Example",
    ] {
        assert!(defs.contains_key(name), "{name} missing from the schema");
    }
    let endpoint = &defs["EndpointFile"];
    assert_eq!(
        endpoint["additionalProperties"],
        serde_json::Value::Bool(false),
        "unknown keys are errors"
    );
    let required = endpoint["required"].as_array().expect("required keys");
    assert!(required.contains(&"endpoint".into()) && required.contains(&"idempotent".into()));
}
