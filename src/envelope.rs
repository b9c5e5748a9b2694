//! Reads WeChat's answer envelope: the one reader of `errcode` and `errmsg`, for API calls and
//! token fetches alike. An answer is a JSON object; `errcode` is a number or a numeric string
//! (absent or null means 0); a key given twice makes the answer ambiguous, which is an error.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::{CowStrDeserializer, MapAccessDeserializer};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};

/// An answer read in one pass: `errcode` and `errmsg` taken out, every other field given to
/// the body type (which never has those two: the spec keeps them out of `response`).
pub(crate) struct Answer<T> {
    /// WeChat's `errcode`; 0 when absent or null.
    pub(crate) errcode: i64,
    /// WeChat's `errmsg`; empty when absent.
    pub(crate) errmsg: String,
    /// Every other field.
    pub(crate) body: T,
}

/// Reads `body` as an answer object.
pub(crate) fn read<'de, T: Deserialize<'de>>(body: &'de [u8]) -> serde_json::Result<Answer<T>> {
    serde_json::from_slice(body)
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Answer<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(AnswerVisitor(PhantomData))
    }
}

struct AnswerVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for AnswerVisitor<T> {
    type Value = Answer<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a WeChat answer object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut envelope = EnvelopeFields {
            map,
            errcode: None,
            errmsg: None,
        };
        let body = T::deserialize(MapAccessDeserializer::new(&mut envelope))?;
        while envelope.next_key::<serde::de::IgnoredAny>()?.is_some() {
            envelope.next_value::<serde::de::IgnoredAny>()?;
        }
        Ok(Answer {
            errcode: envelope.errcode.unwrap_or(0),
            errmsg: envelope.errmsg.unwrap_or_default(),
            body,
        })
    }
}

/// The answer's map with `errcode` and `errmsg` read aside, each at most once.
struct EnvelopeFields<A> {
    map: A,
    errcode: Option<i64>,
    errmsg: Option<String>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for EnvelopeFields<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        while let Some(Key(key)) = self.map.next_key::<Key<'de>>()? {
            match key.as_ref() {
                "errcode" => {
                    let code = self.map.next_value_seed(CodeSeed)?;
                    if self.errcode.replace(code).is_some() {
                        return Err(serde::de::Error::duplicate_field("errcode"));
                    }
                }
                "errmsg" => {
                    let message = self.map.next_value::<Option<String>>()?.unwrap_or_default();
                    if self.errmsg.replace(message).is_some() {
                        return Err(serde::de::Error::duplicate_field("errmsg"));
                    }
                }
                _ => return seed.deserialize(CowStrDeserializer::new(key)).map(Some),
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

/// A key, borrowed from the body when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_borrowed_str<E: serde::de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }

            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_string())))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// `errcode` as a number, or a numeric string as some doc tables type it; null means 0. A
/// visitor rather than an untagged enum: this runs on every answer.
struct CodeSeed;

impl<'de> DeserializeSeed<'de> for CodeSeed {
    type Value = i64;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<i64, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Visitor<'_> for CodeSeed {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an errcode, as a number or a numeric string")
    }

    fn visit_i64<E: serde::de::Error>(self, code: i64) -> Result<i64, E> {
        Ok(code)
    }

    fn visit_u64<E: serde::de::Error>(self, code: u64) -> Result<i64, E> {
        i64::try_from(code).map_err(|_| E::custom(format!("errcode {code} is out of range")))
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<i64, E> {
        text.trim()
            .parse()
            .map_err(|_| E::custom("errcode is a string that is not a number"))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<i64, E> {
        Ok(0)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<i64, E> {
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(body: &str) -> serde_json::Result<(i64, String)> {
        read::<serde::de::IgnoredAny>(body.as_bytes()).map(|a| (a.errcode, a.errmsg))
    }

    #[test]
    fn reads_the_code_in_every_accepted_form() {
        assert_eq!(
            envelope(r#"{"errcode":72038,"errmsg":"x"}"#).unwrap(),
            (72038, "x".into())
        );
        assert_eq!(envelope(r#"{"errcode":" -1 "}"#).unwrap().0, -1);
        assert_eq!(
            envelope(r#"{"errcode":null,"errmsg":null}"#).unwrap(),
            (0, String::new())
        );
        assert_eq!(envelope(r#"{"a":1}"#).unwrap().0, 0);
    }

    #[test]
    fn refuses_what_is_not_one_object_with_one_code() {
        for body in [
            r#"["0","ok"]"#,
            "[]",
            "7",
            r#"{"errcode":0,"errcode":1}"#,
            r#"{"errmsg":"a","errmsg":"b"}"#,
            r#"{"errcode":true}"#,
            r#"{"errcode":"busy"}"#,
            r#"{"errcode":18446744073709551615}"#,
        ] {
            let err = envelope(body).expect_err(body);
            assert!(err.is_data(), "{body}: {err}");
        }
    }
}
