//! Hand-written value types that spec fields map to: `decimal`, `integer_or_string` and
//! `file`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A decimal amount (yuan, tax rates, quantities) kept as its decimal text, so no cent is lost.
///
/// WeChat's self-built invoicing API sends these as strings (`"1.00"`) in some samples and as
/// numbers in others: both decode. Numbers are read through their shortest exact text, which
/// is exact for amounts of up to 15 significant digits. A `Decimal` is sent as a string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal(String);

/// Text that is not a plain decimal number (`-12.34`, `0.17`, `100`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a decimal number: write digits with at most one `.`, like `12.34`")]
pub struct DecimalError(String);

impl Decimal {
    /// An amount of fen (1/100 yuan) as yuan with two decimals: `from_cents(1234)` is `12.34`.
    pub fn from_cents(cents: i64) -> Self {
        let sign = if cents < 0 { "-" } else { "" };
        let cents = cents.unsigned_abs();
        Self(format!("{sign}{}.{:02}", cents / 100, cents % 100))
    }

    /// The decimal text, exactly as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn is_decimal(text: &str) -> bool {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let mut parts = digits.splitn(2, '.');
        let whole = parts.next().unwrap_or_default();
        let fraction = parts.next();
        !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
    }
}

impl FromStr for Decimal {
    type Err = DecimalError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if Self::is_decimal(text) {
            Ok(Self(text.to_string()))
        } else {
            Err(DecimalError(text.to_string()))
        }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Text(String),
            Integer(i64),
            Float(f64),
        }
        let text = match Wire::deserialize(deserializer)? {
            Wire::Text(text) => text,
            Wire::Integer(number) => number.to_string(),
            Wire::Float(number) if number.is_finite() => number.to_string(),
            Wire::Float(_) => return Err(serde::de::Error::custom("a decimal must be finite")),
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Decimal {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Decimal".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A decimal amount; sent as a string, read from a string or a number.",
            "anyOf": [
                { "type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$" },
                { "type": "number" }
            ]
        })
    }
}

/// An integer that WeChat sends and accepts either as a JSON number (`1`) or as a numeric
/// string (`"1"`): the spec type `integer_or_string` (the industry type `hylx` and the line
/// nature `fphxz` of `make_out_invoice`).
///
/// Both forms decode; it is sent as a string, the form of WeChat's own sample and of the WxJava
/// SDK. Build one with `IntegerOrString::from(0)` or `0.into()`; read it with [`Self::get`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct IntegerOrString(i64);

impl IntegerOrString {
    /// The integer.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl From<i64> for IntegerOrString {
    fn from(value: i64) -> Self {
        Self(value)
    }
}

impl From<i32> for IntegerOrString {
    fn from(value: i32) -> Self {
        Self(i64::from(value))
    }
}

impl From<IntegerOrString> for i64 {
    fn from(value: IntegerOrString) -> Self {
        value.0
    }
}

impl fmt::Display for IntegerOrString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for IntegerOrString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for IntegerOrString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IntegerOrStringVisitor;

        impl serde::de::Visitor<'_> for IntegerOrStringVisitor {
            type Value = IntegerOrString;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer, as a number or a numeric string")
            }

            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Self::Value, E> {
                Ok(IntegerOrString(value))
            }

            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Self::Value, E> {
                i64::try_from(value)
                    .map(IntegerOrString)
                    .map_err(|_| E::custom(format!("{value} is out of range")))
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
                text.trim()
                    .parse()
                    .map(IntegerOrString)
                    .map_err(|_| E::custom(format!("`{text}` is not an integer")))
            }
        }

        deserializer.deserialize_any(IntegerOrStringVisitor)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for IntegerOrString {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IntegerOrString".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An integer; sent as a numeric string, read from a string or a number.",
            "anyOf": [
                { "type": "string", "pattern": "^ *-?[0-9]+ *$" },
                { "type": "integer" }
            ]
        })
    }
}

/// A file to upload in a multipart request (the `pdf` part of `platform/setpdf`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FilePart {
    /// The file name sent in the part's `Content-Disposition`.
    pub file_name: String,
    /// The part's media type, such as `application/pdf`.
    pub content_type: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

impl FilePart {
    /// A PDF file part.
    pub fn pdf(file_name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            file_name: file_name.into(),
            content_type: "application/pdf".to_string(),
            bytes: bytes.into(),
        }
    }
}

/// The spec type `flag`: a `bool` in Rust, the integer `1` or `0` on the wire (WeChat's
/// `show_title: 1`). Generated fields send it through `#[serde(with = "crate::types::flag")]`
/// and read it as a [`flag::Flag`] (`object!` does); reading also takes JSON `true`/`false`,
/// and refuses any other value.
pub(crate) mod flag {
    use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _};

    /// A flag as a value of its own: `1`/`0` on the wire.
    pub struct Flag(pub bool);

    /// What a flag may look like on the wire.
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Wire {
        Integer(i64),
        Boolean(bool),
    }

    impl<'de> Deserialize<'de> for Flag {
        /// Reads `1`/`0` (or `true`/`false`).
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            match Wire::deserialize(deserializer) {
                Ok(Wire::Integer(0) | Wire::Boolean(false)) => Ok(Flag(false)),
                Ok(Wire::Integer(1) | Wire::Boolean(true)) => Ok(Flag(true)),
                Ok(Wire::Integer(other)) => {
                    Err(D::Error::custom(format!("a flag is 0 or 1, found {other}")))
                }
                Err(_) => Err(D::Error::custom("a flag is 0 or 1")),
            }
        }
    }

    impl Serialize for Flag {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize(&self.0, serializer)
        }
    }

    /// Sends `true` as `1` and `false` as `0`.
    pub fn serialize<S: Serializer>(value: &bool, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(i64::from(*value))
    }

    /// The same for an optional flag (`None` is skipped by the field).
    pub mod option {
        use super::Flag;
        use serde::{Serialize, Serializer};

        /// Sends `Some(true)` as `1` and `Some(false)` as `0`.
        pub fn serialize<S: Serializer>(
            value: &Option<bool>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            value.map(Flag).serialize(serializer)
        }
    }
}

/// One multipart part's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormValue<'a> {
    /// A text part.
    Text(String),
    /// A file part.
    File(&'a FilePart),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_reads_numbers_and_strings_without_losing_cents() {
        let from_string: Decimal = serde_json::from_str("\"1234567.89\"").unwrap();
        let from_number: Decimal = serde_json::from_str("1234567.89").unwrap();
        assert_eq!(from_string, from_number);
        assert_eq!(
            serde_json::to_string(&from_number).unwrap(),
            "\"1234567.89\""
        );
        let tax: Decimal = serde_json::from_str("0.17").unwrap();
        assert_eq!(tax.as_str(), "0.17");
    }

    #[test]
    fn decimal_rejects_text_that_is_not_a_number() {
        assert!("12,5".parse::<Decimal>().is_err());
        assert!("1e5".parse::<Decimal>().is_err());
        assert!(".5".parse::<Decimal>().is_err());
        assert!(serde_json::from_str::<Decimal>("\"abc\"").is_err());
    }

    #[test]
    fn decimal_from_cents_formats_two_places() {
        assert_eq!(Decimal::from_cents(1234).as_str(), "12.34");
        assert_eq!(Decimal::from_cents(5).as_str(), "0.05");
        assert_eq!(Decimal::from_cents(-250).as_str(), "-2.50");
    }

    #[test]
    fn integer_or_string_reads_both_forms_and_sends_a_string() {
        for text in ["1", "\"1\"", "\" 1 \""] {
            let value: IntegerOrString = serde_json::from_str(text).expect(text);
            assert_eq!(value.get(), 1, "{text}");
        }
        assert_eq!(
            serde_json::to_string(&IntegerOrString::from(-2)).unwrap(),
            "\"-2\""
        );
        for bad in [
            "\"one\"",
            "1.5",
            "\"\"",
            "true",
            "null",
            "18446744073709551615",
        ] {
            assert!(
                serde_json::from_str::<IntegerOrString>(bad).is_err(),
                "{bad}"
            );
        }
    }
}
