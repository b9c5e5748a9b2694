//! `Deserialize` for the generated structs, written by `object!`: the same reading as serde's
//! derive (JSON names, `alias`, `default`, unknown keys skipped, a repeated key refused), but
//! every struct shares one key reader, [`Key`], where the derive writes a field-identifier
//! type and visitor per struct. Unknown keys still reach `serde_ignored` (the raw view).

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};
use std::fmt;

/// Reads one object key: the position in `names` of the field it names (an alias gives its
/// field's position), or `None` for a key the struct does not know. The key is compared
/// once, here; the struct's visitor then matches the position.
pub(crate) struct Key {
    /// The fields' JSON names.
    pub(crate) names: &'static [&'static str],
    /// Another name each field is also read from, in the order of `names`.
    pub(crate) aliases: &'static [Option<&'static str>],
}

impl Key {
    fn find(&self, key: &str) -> Option<usize> {
        self.names
            .iter()
            .position(|name| *name == key)
            .or_else(|| self.aliases.iter().position(|alias| *alias == Some(key)))
    }
}

/// The position of `name` in `names`, at compile time: what a field's arm in `object!`'s
/// visitor matches [`Key`]'s answer against. A name not in the list fails the build.
pub(crate) const fn position(names: &[&str], name: &str) -> usize {
    let mut at = 0;
    while at < names.len() {
        let (a, b) = (names[at].as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut i = 0;
            while i < a.len() && a[i] == b[i] {
                i += 1;
            }
            if i == a.len() {
                return at;
            }
        }
        at += 1;
    }
    panic!("the field's name is not among the struct's names")
}

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Option<usize>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.find(key))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Self::Value, E> {
        Ok(std::str::from_utf8(key).ok().and_then(|key| self.find(key)))
    }
}

/// The `Deserialize` impl of a struct `object!` declares: each field as
/// `name: Type; [serde arguments]`.
macro_rules! deserialize_object {
    ($name:ident { $($field:ident: $ty:ty; [$($serde:tt)*]),* $(,)? }) => {
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                const NAMES: &[&str] = &[$($crate::schema::wire_name!($field; $($serde)*)),*];
                const KEY: $crate::de::Key = $crate::de::Key {
                    names: NAMES,
                    aliases: &[$($crate::de::alias!($($serde)*)),*],
                };

                struct ObjectVisitor;

                impl<'de> serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $name;

                    fn expecting(
                        &self,
                        formatter: &mut std::fmt::Formatter<'_>,
                    ) -> std::fmt::Result {
                        formatter.write_str(concat!("struct ", stringify!($name)))
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$name, A::Error> {
                        $(let mut $field: Option<$ty> = None;)*
                        while let Some(key) = map.next_key_seed(KEY)? {
                            match key {
                                $(Some(at) if at == const {
                                    $crate::de::position(
                                        NAMES,
                                        $crate::schema::wire_name!($field; $($serde)*),
                                    )
                                } => {
                                    if $field.is_some() {
                                        return Err(<A::Error as serde::de::Error>::duplicate_field(
                                            $crate::schema::wire_name!($field; $($serde)*),
                                        ));
                                    }
                                    $field = Some($crate::de::read_value!(map; $ty; $($serde)*));
                                })*
                                _ => {
                                    map.next_value::<serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        Ok($name {
                            $($field: match $field {
                                Some(value) => value,
                                None => $crate::de::absent!(
                                    [$crate::schema::wire_name!($field; $($serde)*)] $($serde)*
                                ),
                            },)*
                        })
                    }
                }

                deserializer.deserialize_struct(stringify!($name), NAMES, ObjectVisitor)
            }
        }
    };
}
pub(crate) use deserialize_object;

/// A field's `alias`, as its entry of [`Key::aliases`].
macro_rules! alias {
    (alias = $alias:literal $($rest:tt)*) => { Some($alias) };
    ($head:tt $($rest:tt)*) => { $crate::de::alias!($($rest)*) };
    () => { None };
}
pub(crate) use alias;

/// Reads a field's value: a flag through its wire form ([`crate::types::flag::Flag`]),
/// anything else as its type.
macro_rules! read_value {
    ($map:ident; $ty:ty; with = "crate::types::flag" $($rest:tt)*) => {
        $map.next_value::<$crate::types::flag::Flag>()?.0
    };
    ($map:ident; $ty:ty; with = "crate::types::flag::option" $($rest:tt)*) => {
        $map.next_value::<Option<$crate::types::flag::Flag>>()?.map(|flag| flag.0)
    };
    ($map:ident; $ty:ty; $head:tt $($rest:tt)*) => {
        $crate::de::read_value!($map; $ty; $($rest)*)
    };
    ($map:ident; $ty:ty;) => { $map.next_value::<$ty>()? };
}
pub(crate) use read_value;

/// The value of a field the object left out: its default with `default`, else the error
/// naming it (`missing field`).
macro_rules! absent {
    ([$wire:expr] default $($rest:tt)*) => { Default::default() };
    ([$wire:expr] $head:tt $($rest:tt)*) => { $crate::de::absent!([$wire] $($rest)*) };
    ([$wire:expr]) => {
        return Err(<A::Error as serde::de::Error>::missing_field($wire))
    };
}
pub(crate) use absent;

#[cfg(test)]
mod tests {

    crate::schema::object! {
        /// A struct with each kind of field `object!` reads.
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
        pub struct Sample {
            /// Required.
            pub order_id: String,
            /// Renamed, required.
            #[serde(rename = "type")]
            pub kind: i64,
            /// Optional, with an alias.
            #[serde(alias = "old_url", default)]
            pub url: Option<String>,
            /// A required flag.
            #[serde(with = "crate::types::flag")]
            pub shown: bool,
            /// An optional flag.
            #[serde(with = "crate::types::flag::option", default)]
            pub hidden: Option<bool>,
        }
    }

    fn read(json: &str) -> Result<Sample, String> {
        serde_json::from_str(json).map_err(|err| err.to_string())
    }

    #[test]
    fn reads_names_renames_aliases_flags_and_defaults() {
        let sample =
            read(r#"{"order_id":"o-1","type":2,"old_url":"https://a","shown":1,"extra":[1]}"#);
        assert_eq!(
            sample,
            Ok(Sample {
                order_id: "o-1".into(),
                kind: 2,
                url: Some("https://a".into()),
                shown: true,
                hidden: None,
            })
        );
        let sample = read(r#"{"hidden":false,"shown":0,"type":1,"order_id":"o\u002d2"}"#);
        assert_eq!(
            sample.map(|s| (s.order_id, s.hidden)),
            Ok(("o-2".into(), Some(false)))
        );
    }

    /// `Sample` as serde's derive reads it (flags through their wire type).
    #[derive(serde::Deserialize)]
    struct Derived {
        order_id: String,
        #[serde(rename = "type")]
        kind: i64,
        #[serde(alias = "old_url", default)]
        url: Option<String>,
        shown: crate::types::flag::Flag,
        #[serde(default)]
        hidden: Option<crate::types::flag::Flag>,
    }

    type Fields = (String, i64, Option<String>, bool, Option<bool>);

    fn read_both(json: &str) -> (Result<Fields, String>, Result<Fields, String>) {
        let ours = read(json).map(|s| (s.order_id, s.kind, s.url, s.shown, s.hidden));
        let derived = serde_json::from_str::<Derived>(json)
            .map(|d| {
                (
                    d.order_id,
                    d.kind,
                    d.url,
                    d.shown.0,
                    d.hidden.map(|flag| flag.0),
                )
            })
            .map_err(|err| err.to_string().replace("Derived", "Sample"));
        (ours, derived)
    }

    #[test]
    fn reads_and_refuses_as_the_derive_does_with_its_words() {
        let cases = [
            r#"{"order_id":"o","type":1,"shown":1}"#,
            r#"{"order_id":"o","type":1,"old_url":"a","shown":true,"hidden":null,"x":{}}"#,
            r#"{"order_id":"o\u0031","type":1,"shown":0,"hidden":1}"#,
            r#"{"type":1,"shown":1}"#,
            r#"{"order_id":"o","shown":1}"#,
            r#"{"order_id":"o","url":"a","old_url":"b","type":1,"shown":1}"#,
            r#"{"order_id":"o","order_id":"p","type":1,"shown":1}"#,
            r#"{"order_id":"o","type":1,"shown":2}"#,
            r#"{"order_id":"o","type":"1","shown":1}"#,
            r#"{"order_id":"o","type":1,"shown":1,"hidden":"yes"}"#,
            r#""text""#,
            r#"{"order_id":"o","#,
        ];
        for json in cases {
            let (ours, derived) = read_both(json);
            assert_eq!(ours, derived, "{json}");
        }
        assert_eq!(
            read(r#"{"order_id":"o","type":1,"shown":2}"#),
            Err("a flag is 0 or 1, found 2 at line 1 column 35".into())
        );
    }

    /// Serde's derive also reads a struct from a JSON array, by position; WeChat never sends
    /// one, and `object!`'s structs refuse it.
    #[test]
    fn an_array_is_not_an_object() {
        assert_eq!(
            read(r#"["o", 1, null, 1]"#),
            Err("invalid type: sequence, expected struct Sample at line 1 column 1".into())
        );
    }

    #[test]
    fn unknown_keys_reach_serde_ignored() {
        let json = r#"{"order_id":"o","type":1,"shown":1,"title":{"name":"x"}}"#;
        let mut unknown = Vec::new();
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let sample: Sample = serde_ignored::deserialize(&mut deserializer, |path| {
            unknown.push(path.to_string());
        })
        .expect("decodes");
        assert_eq!(sample.order_id, "o");
        assert_eq!(unknown, ["title"]);
    }
}
