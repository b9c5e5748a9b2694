//! Every struct a request sends is built with its builder, and a missing required field is a
//! compile error naming the field: for each such struct and each of its required fields, a
//! scratch caller that leaves that one field out must fail to compile at its `build()` with
//! ``the required field `…` is not set``, and a caller that sets every required field must
//! compile. Checked with `cargo check` on a scratch crate that
//! depends on this one, so what is tested is what users compile.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use wechat_invoice_codegen::model::{Api, Field, NamedType, Object, TypeRef};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn api() -> Api {
    wechat_invoice_codegen::load_api(&repo().join("spec"))
        .unwrap_or_else(|failure| panic!("{}", failure.render()))
}

/// Every struct callers send: each endpoint's request and each named struct one reaches.
fn sent_structs(api: &Api) -> Vec<&Object> {
    let mut found: BTreeMap<&str, &Object> = BTreeMap::new();
    for endpoint in &api.endpoints {
        found.insert(&endpoint.request.name, &endpoint.request);
    }
    for named in api.types.values() {
        if let NamedType::Object(object) = named
            && api.is_sent(&object.name)
        {
            found.insert(&object.name, object);
        }
    }
    found.into_values().collect()
}

/// A field's type as a caller outside the crate names it.
fn caller_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => format!("wechat_invoice::{name}"),
        TypeRef::Array(item) => format!("Vec<{}>", caller_type(item)),
        other => other.rust().replace("crate::", "wechat_invoice::"),
    }
}

/// Fields the builder insists on: required and not filled in by the builder.
fn required(object: &Object) -> Vec<&Field> {
    object
        .visible_fields()
        .filter(|field| field.required && field.fill.is_none())
        .collect()
}

/// A function building `object`, setting every required field but `skip`.
fn caller(object: &Object, function: &str, skip: Option<&str>) -> String {
    let mut text = format!(
        "pub fn {function}() -> wechat_invoice::{0} {{\n    wechat_invoice::{0}::builder()\n",
        object.name
    );
    for field in required(object) {
        if Some(field.rust_name.as_str()) != skip {
            text.push_str(&format!(
                "        .{}(value::<{}>())\n",
                field.rust_name,
                caller_type(&field.ty)
            ));
        }
    }
    text.push_str("        .build()\n}\n\n");
    text
}

/// Source of a scratch crate, and the line of each `build()` call by case name.
fn crate_source(cases: &[(String, String)]) -> (String, BTreeMap<usize, String>) {
    // Never called: the callers are only type-checked.
    let mut source = String::from("fn value<T>() -> T {\n    unimplemented!()\n}\n\n");
    let mut build_lines = BTreeMap::new();
    for (name, text) in cases {
        let start = source.lines().count();
        let offset = text
            .lines()
            .position(|line| line.trim() == ".build()")
            .expect("a build() line");
        build_lines.insert(start + offset + 1, name.clone());
        source.push_str(text);
    }
    (source, build_lines)
}

/// `cargo check` of a scratch crate with `source` as its `lib.rs`: `Ok` or the compiler's
/// messages.
fn check(name: &str, source: &str) -> Result<(), String> {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let root = tmp.join("builders").join(name);
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(root.join("src")).expect("mkdir");
    fs::write(
        root.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nwechat-invoice = {{ path = {:?} }}\n\n[workspace]\n",
            repo().display().to_string()
        ),
    )
    .expect("manifest");
    fs::write(root.join("src/lib.rs"), source).expect("source");
    fs::copy(repo().join("Cargo.lock"), root.join("Cargo.lock")).expect("Cargo.lock");
    let output = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--quiet", "--message-format=short"])
        .env("CARGO_TARGET_DIR", tmp.join("scratch-target"))
        .env_remove("RUSTFLAGS")
        .current_dir(&root)
        .output()
        .expect("cargo runs");
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

#[test]
fn a_missing_required_field_is_a_compile_error_for_every_request_type() {
    let api = api();
    let structs = sent_structs(&api);
    assert!(structs.len() >= 29, "{} structs", structs.len());

    let mut complete = Vec::new();
    let mut missing = Vec::new();
    for (index, object) in structs.iter().enumerate() {
        complete.push((
            object.name.clone(),
            caller(object, &format!("complete_{index}"), None),
        ));
        for (field_index, field) in required(object).iter().enumerate() {
            missing.push((
                format!("{}.{}", object.name, field.rust_name),
                caller(
                    object,
                    &format!("missing_{index}_{field_index}"),
                    Some(&field.rust_name),
                ),
            ));
        }
    }
    assert!(missing.len() >= 60, "{} cases", missing.len());

    let (source, _) = crate_source(&complete);
    if let Err(err) = check("builders_complete", &source) {
        panic!("setting every required field does not compile:\n{err}");
    }

    let (source, build_lines) = crate_source(&missing);
    let err = check("builders_missing", &source).expect_err("missing fields compile");
    for (line, case) in &build_lines {
        let at = format!("src/lib.rs:{line}:");
        let (_, field) = case.rsplit_once('.').expect("a case names its field");
        // The error names the field left out, not only the builder's type.
        let names = format!("error[E0277]: the required field `{field}` is not set");
        let refused = err
            .lines()
            .any(|message| message.starts_with(&at) && message.contains(&names));
        assert!(refused, "{case} left out: no `{names}` at {at}\n{err}");
    }
    // Nothing else went wrong: one error per case.
    let errors = err.lines().filter(|line| line.contains(": error")).count();
    assert_eq!(errors, build_lines.len(), "{err}");
}

#[test]
fn the_builder_fills_in_the_nonce() {
    use wechat_invoice::{InvoiceCardExt, InvoiceUserCard, InvoiceUserData};
    let data = InvoiceUserData::builder()
        .fee(100)
        .title("title")
        .billing_time(1)
        .billing_no("1")
        .billing_code("1")
        .fee_without_tax(90)
        .tax(10)
        .s_pdf_media_id("media")
        .build();
    let card = || {
        InvoiceUserCard::builder()
            .invoice_user_data(data.clone())
            .build()
    };
    let first = InvoiceCardExt::builder().user_card(card()).build();
    let second = InvoiceCardExt::builder().user_card(card()).build();
    assert_eq!(first.nonce_str.len(), 32);
    assert!(first.nonce_str.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_ne!(first.nonce_str, second.nonce_str, "a fresh nonce each time");
    let chosen = InvoiceCardExt::builder()
        .user_card(card())
        .nonce_str("j!Re1WxaHv")
        .build();
    assert_eq!(chosen.nonce_str, "j!Re1WxaHv");
}

#[test]
fn integer_codes_are_enums_on_the_wire_as_integers() {
    use wechat_invoice::{GetAuthUrlRequest, InvoiceAuthSource, InvoiceAuthType};
    let request = GetAuthUrlRequest::builder()
        .s_pappid("wx1")
        .order_id("order-1")
        .money(1)
        .timestamp(1)
        .source(InvoiceAuthSource::Web)
        .ticket("ticket")
        .auth_type(InvoiceAuthType::Collect)
        .build();
    let body = serde_json::to_value(&request).expect("serializes");
    assert_eq!(body["type"], serde_json::json!(2));
    // A code this spec does not list is kept, not refused.
    let read: InvoiceAuthType = serde_json::from_value(serde_json::json!(7)).expect("decodes");
    assert_eq!(read, InvoiceAuthType::Unknown(7));
    assert_eq!(read.code(), 7);
    assert_eq!(InvoiceAuthType::from(1), InvoiceAuthType::FillInTitle);
    assert!(serde_json::from_value::<InvoiceAuthType>(serde_json::json!("1")).is_err());
}

#[test]
fn flags_are_bools_sent_as_one_and_zero() {
    use wechat_invoice::AuthUserField;
    let field = AuthUserField::builder()
        .show_title(true)
        .show_phone(false)
        .build();
    let body = serde_json::to_value(&field).expect("serializes");
    assert_eq!(body, serde_json::json!({"show_title": 1, "show_phone": 0}));
    let read: AuthUserField =
        serde_json::from_value(serde_json::json!({"show_title": 1, "show_email": true}))
            .expect("decodes");
    assert_eq!(read.show_title, Some(true));
    assert_eq!(read.show_email, Some(true));
    assert_eq!(read.show_phone, None);
    let refused = serde_json::from_value::<AuthUserField>(serde_json::json!({"show_title": 2}))
        .expect_err("2 is not a flag");
    assert!(refused.to_string().contains("0 or 1"), "{refused}");
}
