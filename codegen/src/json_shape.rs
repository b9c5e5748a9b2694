//! Whether a JSON value has a spec type's shape: the one rule set that the validator (examples
//! and defaults) and the mock (the requests it receives) share, so the two never disagree on
//! what a `decimal` or an `integer_or_string` may look like.

use serde_json::Value;

use crate::model::TypeRef;

/// Whether `value` fits the scalar type `ty`; `None` for arrays and named types, whose items and
/// fields the caller walks.
pub fn scalar_fits(ty: &TypeRef, value: &Value) -> Option<bool> {
    Some(match ty {
        TypeRef::String | TypeRef::File => value.is_string(),
        TypeRef::Integer(_) => value.is_i64() || value.is_u64(),
        TypeRef::IntegerOrString => integer_like(value),
        TypeRef::Number => value.is_number(),
        TypeRef::Boolean => value.is_boolean(),
        TypeRef::Flag => value.as_i64().is_some_and(|flag| flag == 0 || flag == 1),
        TypeRef::Decimal => decimal_like(value),
        TypeRef::Named(_) | TypeRef::Array(_) => return None,
    })
}

/// An integer, or a string of one (`"1"`, `" -2 "`), as `IntegerOrString` decodes it.
fn integer_like(value: &Value) -> bool {
    match value {
        Value::Number(number) => number.is_i64() || number.is_u64(),
        Value::String(text) => text.trim().parse::<i64>().is_ok(),
        _ => false,
    }
}

/// A JSON number, or a string of digits with at most one point and an optional minus sign.
fn decimal_like(value: &Value) -> bool {
    match value {
        Value::Number(_) => true,
        Value::String(text) => {
            let digits = text.strip_prefix('-').unwrap_or(text);
            !digits.is_empty()
                && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
                && digits.matches('.').count() <= 1
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn decimals_are_numbers_or_numeric_strings() {
        for good in [
            json!(12.3),
            json!(7),
            json!("12.30"),
            json!("-0.5"),
            json!("3"),
        ] {
            assert_eq!(scalar_fits(&TypeRef::Decimal, &good), Some(true), "{good}");
        }
        for bad in [
            json!(""),
            json!("-"),
            json!("1.2.3"),
            json!("12 yuan"),
            json!(true),
        ] {
            assert_eq!(scalar_fits(&TypeRef::Decimal, &bad), Some(false), "{bad}");
        }
    }

    #[test]
    fn integer_or_string_takes_both_spellings() {
        for good in [json!(1), json!("1"), json!(" -2 ")] {
            assert_eq!(
                scalar_fits(&TypeRef::IntegerOrString, &good),
                Some(true),
                "{good}"
            );
        }
        for bad in [json!(1.5), json!("one"), json!(null)] {
            assert_eq!(
                scalar_fits(&TypeRef::IntegerOrString, &bad),
                Some(false),
                "{bad}"
            );
        }
    }

    #[test]
    fn containers_are_left_to_the_caller() {
        let array = TypeRef::Array(Box::new(TypeRef::String));
        assert_eq!(scalar_fits(&array, &json!([])), None);
        assert_eq!(
            scalar_fits(&TypeRef::Named("Title".into()), &json!({})),
            None
        );
    }
}
