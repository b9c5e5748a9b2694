//! `wxinvoice schema`, end to end.

mod common;

use common::{code, run_in, stderr, stdout};
use serde_json::Value;

fn here() -> std::path::PathBuf {
    std::env::temp_dir()
}

#[test]
fn a_type_prints_its_json_schema() {
    let output = run_in(&here(), &["schema", "GetAuthDataRequest"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let schema: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(schema["title"], "GetAuthDataRequest");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(
        schema["required"],
        serde_json::json!(["s_pappid", "order_id"])
    );
    assert!(stdout(&output).contains("\n  \"properties\""), "pretty");
}

#[test]
fn an_unknown_name_lists_close_names() {
    let output = run_in(&here(), &["schema", "getauthdata"]);
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(
        err.starts_with("error: no generated type named `getauthdata`"),
        "{err}"
    );
    assert!(
        err.contains("`GetAuthDataRequest`") && err.contains("`GetAuthDataResponse`"),
        "{err}"
    );
    let typo = run_in(&here(), &["schema", "GetAuthDataRequst"]);
    assert_eq!(code(&typo), 2);
    assert!(stderr(&typo).contains("did you mean `GetAuthDataRequest`?"));
}

#[test]
fn list_prints_every_type_name() {
    let output = run_in(&here(), &["schema", "--list"]);
    assert_eq!(code(&output), 0);
    let text = stdout(&output);
    let names: Vec<&str> = text.lines().collect();
    let expected: Vec<&str> = wechat_invoice::registry::TYPE_NAMES.to_vec();
    assert_eq!(names, expected);
    let neither = run_in(&here(), &["schema"]);
    assert_eq!(code(&neither), 2, "a name or --list is required");
}
