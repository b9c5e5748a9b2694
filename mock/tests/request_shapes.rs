//! The mock checks request bodies with the validator's own JSON rules (`codegen::json_shape`):
//! a `decimal` it accepts is one the validator accepts in examples, and no other.

use serde_json::json;
use wechat_invoice_codegen::model::{Field, Object, TypeRef};
use wechat_invoice_mock::{check_object, embedded_api};

fn probe(ty: TypeRef) -> Object {
    Object {
        name: "Probe".into(),
        description: "A request with one field.".into(),
        fields: vec![Field {
            wire_name: "value".into(),
            rust_name: "value".into(),
            ty,
            required: true,
            description: "The value.".into(),
            note: None,
            source: None,
            default: None,
            aliases: Vec::new(),
            constant: None,
            secret: false,
            fill: None,
        }],
    }
}

#[test]
fn decimals_follow_the_validators_rule() {
    let api = embedded_api().expect("the embedded spec resolves");
    let object = probe(TypeRef::Decimal);
    for good in [json!("12.30"), json!(12.3), json!("-1")] {
        let body = json!({ "value": good });
        assert_eq!(check_object(&api, &object, &body, true), Ok(()), "{good}");
    }
    for bad in [json!("12 yuan"), json!("1.2.3"), json!(""), json!(true)] {
        let body = json!({ "value": bad });
        let problem = check_object(&api, &object, &body, true).expect_err("refused");
        assert!(problem.starts_with("`value`: unexpected"), "{problem}");
    }
}

#[test]
fn integer_or_string_takes_a_number_or_a_numeric_string() {
    let api = embedded_api().expect("the embedded spec resolves");
    let object = probe(TypeRef::IntegerOrString);
    for good in [json!(1), json!("2")] {
        assert_eq!(
            check_object(&api, &object, &json!({ "value": good }), true),
            Ok(())
        );
    }
    let refused = check_object(&api, &object, &json!({ "value": "two" }), true);
    assert!(refused.is_err(), "{refused:?}");
}
