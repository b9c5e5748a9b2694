//! JSON as the doc pages print it, read with its key order kept (the YAML we write shows
//! examples in the doc's order) and with the doc's habits forgiven: `//` comments and
//! trailing commas.

use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON value whose objects keep their keys in written order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, integer or not.
    Number(serde_json::Number),
    /// A string.
    String(String),
    /// A list.
    Array(Vec<Json>),
    /// An object, keys in written order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// Reads a doc block, after removing `//` comments and trailing commas; placeholders
    /// written bare where a value goes (`"title": TITLE`, `SHOW_COVER_PIC(0/1)`) are read as
    /// strings.
    pub fn parse(text: &str) -> Result<Json, String> {
        serde_json::from_str(&relax(text, false))
            .or_else(|err| {
                // An example printed on one line (`{ "tag" : { "name" : "Guangdong"//Tag Name } }`):
                // its comments end where the JSON goes on.
                serde_json::from_str(&relax(text, true)).map_err(|_| err)
            })
            .or_else(|err| {
                serde_json::from_str(&quote_placeholders(&relax(text, false))).map_err(|_| err)
            })
            .map_err(|err| err.to_string())
    }

    /// The value of `key`, when this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Whether this is an integer number.
    pub fn is_integer(&self) -> bool {
        matches!(self, Json::Number(n) if n.is_i64() || n.is_u64())
    }

    /// The same value as `serde_json` sees it (keys then sorted).
    pub fn to_value(&self) -> serde_json::Value {
        match self {
            Json::Null => serde_json::Value::Null,
            Json::Bool(b) => serde_json::Value::Bool(*b),
            Json::Number(n) => serde_json::Value::Number(n.clone()),
            Json::String(s) => serde_json::Value::String(s.clone()),
            Json::Array(items) => {
                serde_json::Value::Array(items.iter().map(Json::to_value).collect())
            }
            Json::Object(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|(key, value)| (key.clone(), value.to_value()))
                    .collect(),
            ),
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Json::Null, Json::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries = Vec::new();
        let mut seen = SeenKeys::default();
        while let Some((key, value)) = map.next_entry::<String, Json>()? {
            if !seen.insert(&key) {
                return Err(serde::de::Error::custom(format!(
                    "the key `{key}` appears twice in one object"
                )));
            }
            entries.push((key, value));
        }
        Ok(Json::Object(entries))
    }
}

/// The keys of one object read so far: a hash set, so checking a key costs the same however
/// many came before it (a scan of the earlier keys made 32,000 keys take 12 s).
#[derive(Default)]
struct SeenKeys(HashSet<Key>);

impl SeenKeys {
    /// Records `key`; `false` when the object already had it.
    fn insert(&mut self, key: &str) -> bool {
        self.0.insert(Key(key.to_string()))
    }
}

/// An object key as the duplicate check stores it; in tests, each equality test between two
/// keys is counted, which is the work a scan of earlier keys would grow quadratically.
#[derive(Eq)]
struct Key(String);

impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        #[cfg(test)]
        tests::KEY_COMPARISONS.with(|count| count.set(count.get() + 1));
        self.0 == other.0
    }
}

/// Removes `//` comments and commas before `}` or `]`, outside strings. A comment runs to the
/// end of its line, or, when `inline`, up to the first `"`, `,`, `}` or `]` on it.
fn relax(text: &str, inline: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(escaped) = chars.next() {
                    out.push(escaped);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '/' if chars.peek() == Some(&'/') => {
                while let Some(&skipped) = chars.peek() {
                    if inline && matches!(skipped, '"' | ',' | '}' | ']') {
                        break;
                    }
                    chars.next();
                    if skipped == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ',' => {
                let rest: String = chars.clone().take_while(|c| c.is_whitespace()).collect();
                let after = chars.clone().nth(rest.chars().count());
                if !matches!(after, Some('}') | Some(']')) {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Puts quotes around the placeholders old pages write bare where a value goes (`TITLE`,
/// `MEDIA_ID`, `SHOW_COVER_PIC(0/1)`): an upper-case word after `:`, `[` or `,`, outside
/// strings, with the bracket that may follow it.
fn quote_placeholders(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_string = false;
    let mut last_mark = ' ';
    let mut index = 0;
    while index < chars.len() {
        let c = chars[index];
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(&escaped) = chars.get(index + 1) {
                    out.push(escaped);
                    index += 1;
                }
            } else if c == '"' {
                in_string = false;
            }
            index += 1;
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        let value_place = matches!(last_mark, ':' | '[' | ',');
        if c.is_ascii_uppercase() && value_place {
            let mut end = index;
            while end < chars.len() && (chars[end].is_ascii_alphanumeric() || chars[end] == '_') {
                end += 1;
            }
            if chars.get(end) == Some(&'(')
                && let Some(close) = chars[end..].iter().position(|&c| c == ')')
            {
                end += close + 1;
            }
            let word: String = chars[index..end].iter().collect();
            out.push('"');
            out.push_str(&word.replace('\\', "\\\\").replace('"', "\\\""));
            out.push('"');
            last_mark = ' ';
            index = end;
            continue;
        }
        if !c.is_whitespace() {
            last_mark = c;
        }
        out.push(c);
        index += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    thread_local! {
        /// Equality tests between object keys made on this thread.
        pub(super) static KEY_COMPARISONS: Cell<u64> = const { Cell::new(0) };
    }

    /// Parses `text`, returning the result and how many key comparisons it took.
    fn parse_counting(text: &str) -> (Result<Json, String>, u64) {
        KEY_COMPARISONS.with(|count| count.set(0));
        let parsed = Json::parse(text);
        (parsed, KEY_COMPARISONS.with(Cell::get))
    }

    fn object_of(keys: usize, then: &str) -> String {
        let mut text = String::from("{");
        for index in 0..keys {
            text.push_str(&format!("\"k{index}\": {index},"));
        }
        text.push_str(then);
        text.push('}');
        text
    }

    #[test]
    fn the_duplicate_check_does_work_in_proportion_to_the_keys() {
        // The scan this replaced made n*(n-1)/2 comparisons: 1.25 billion for 50,000 keys.
        let keys = 50_000;
        let (parsed, comparisons) = parse_counting(&object_of(keys, "\"last\": 0"));
        let Ok(Json::Object(entries)) = parsed else {
            panic!("a large object parses: {parsed:?}")
        };
        assert_eq!(entries.len(), keys + 1);
        assert!(
            comparisons <= 2 * keys as u64,
            "{comparisons} key comparisons for {keys} keys"
        );

        let (parsed, comparisons) = parse_counting(&object_of(keys, "\"k7\": 0"));
        let err = parsed.expect_err("the repeated key is still found");
        assert!(err.contains("the key `k7` appears twice"), "{err}");
        assert!(
            (1..=2 * keys as u64).contains(&comparisons),
            "{comparisons} key comparisons for {keys} keys"
        );
    }

    #[test]
    fn keeps_key_order() {
        let json = Json::parse(r#"{"s_pappid": "wx1", "order_id": "1"}"#).expect("parses");
        let Json::Object(entries) = json else {
            panic!("not an object")
        };
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["s_pappid", "order_id"]);
    }

    #[test]
    fn comments_inside_a_one_line_example_end_where_the_json_goes_on() {
        let json =
            Json::parse(r#"{ "tag":{ "id":134,//Tag ID "name":"Guangdong" } }"#).expect("parses");
        let tag = json.get("tag").expect("tag");
        assert!(tag.get("id").is_some_and(Json::is_integer));
        assert_eq!(tag.get("name"), Some(&Json::String("Guangdong".into())));
    }

    #[test]
    fn forgives_comments_and_trailing_commas_but_not_in_strings() {
        let text = "{\n  \"url\": \"https://a.b//c\", // the page\n  \"n\": 1,\n}";
        let json = Json::parse(text).expect("parses");
        assert_eq!(
            json.get("url"),
            Some(&Json::String("https://a.b//c".into()))
        );
        assert!(json.get("n").is_some_and(Json::is_integer));
    }

    #[test]
    fn bare_placeholders_are_read_as_strings() {
        let text = "{\n\"articles\":[{\n\"title\": TITLE,\n\"show_cover_pic\": SHOW_COVER_PIC(0/1),\n\"n\": 1, \"ok\": true }]\n//若新增的是多图文素材\n}";
        let json = Json::parse(text).expect("parses");
        let Some(Json::Array(articles)) = json.get("articles") else {
            panic!("articles: {json:?}")
        };
        assert_eq!(
            articles[0].get("title"),
            Some(&Json::String("TITLE".into()))
        );
        assert_eq!(
            articles[0].get("show_cover_pic"),
            Some(&Json::String("SHOW_COVER_PIC(0/1)".into()))
        );
        assert!(articles[0].get("n").is_some_and(Json::is_integer));
        assert_eq!(articles[0].get("ok"), Some(&Json::Bool(true)));
        let json = Json::parse("{ \"media_id\" : MEDIA_ID }").expect("parses");
        assert_eq!(json.get("media_id"), Some(&Json::String("MEDIA_ID".into())));
        // A word inside a string is left alone.
        let json = Json::parse("{ \"a\": \"x, Y\", \"b\": B }").expect("parses");
        assert_eq!(json.get("a"), Some(&Json::String("x, Y".into())));
    }

    #[test]
    fn rejects_what_is_not_json() {
        assert!(Json::parse("{ not json").is_err());
    }

    #[test]
    fn refuses_a_key_written_twice() {
        let err = Json::parse(r#"{"a": {"b": 1, "b": 2}}"#).expect_err("a repeated key");
        assert!(err.contains("the key `b` appears twice"), "{err}");
    }
}
