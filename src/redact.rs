//! Keeps secrets out of messages: the one place that scrubs `access_token=…` and friends.

/// Query and JSON keys whose values are secrets.
const SECRET_KEYS: [&str; 6] = [
    "access_token",
    "authorizer_access_token",
    "refresh_token",
    "component_verify_ticket",
    "secret",
    "appsecret",
];

/// Replaces the value of every secret key (`access_token=…`, `"secret":"…"`) with `***`.
pub(crate) fn scrub(text: &str) -> String {
    let mut out = text.to_string();
    for key in SECRET_KEYS {
        out = scrub_key(&out, key);
    }
    out
}

fn scrub_key(text: &str, key: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(index) = rest.find(key) {
        let after_key = &rest[index + key.len()..];
        let separator_len = separator_len(after_key);
        out.push_str(&rest[..index + key.len()]);
        if separator_len == 0 {
            rest = after_key;
            continue;
        }
        out.push_str(&after_key[..separator_len]);
        let value = &after_key[separator_len..];
        let end = value
            .find(['&', '"', '\'', ' ', ',', '}', ')', '\n'])
            .unwrap_or(value.len());
        if end > 0 {
            out.push_str("***");
        }
        rest = &value[end..];
    }
    out.push_str(rest);
    out
}

/// Length of `=`, `:`, `":"`, `": "` … between a key and its value; 0 when none follows.
fn separator_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut index = 0;
    while index < bytes.len() && matches!(bytes[index], b'"' | b'\'' | b' ') {
        index += 1;
    }
    if index < bytes.len() && matches!(bytes[index], b'=' | b':') {
        index += 1;
        while index < bytes.len() && matches!(bytes[index], b'"' | b'\'' | b' ') {
            index += 1;
        }
        index
    } else {
        0
    }
}

/// Replaces every occurrence of a known secret value, then scrubs secret keys.
pub(crate) fn scrub_value(text: &str, secret: &str) -> String {
    let text = if secret.len() >= 4 {
        text.replace(secret, "***")
    } else {
        text.to_string()
    };
    scrub(&text)
}

/// The start of a body for an error message: at most `limit` bytes, cut on a char boundary,
/// secrets scrubbed.
pub(crate) fn snippet(body: &[u8], limit: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let mut end = text.len().min(limit);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = scrub(&text[..end]);
    if end < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_query_and_json_secrets() {
        let url = "http://h/card?access_token=SECRET123&x=1";
        assert_eq!(scrub(url), "http://h/card?access_token=***&x=1");
        let json = r#"{"access_token":"SECRET123","expires_in":7200}"#;
        assert_eq!(scrub(json), r#"{"access_token":"***","expires_in":7200}"#);
        assert_eq!(
            scrub("appid=a&secret=S3&grant=x"),
            "appid=a&secret=***&grant=x"
        );
        assert_eq!(
            scrub("authorizer_refresh_token=R1 expired"),
            "authorizer_refresh_token=*** expired"
        );
    }

    #[test]
    fn leaves_text_without_values_alone() {
        assert_eq!(scrub("access_token missing"), "access_token missing");
    }

    #[test]
    fn scrubs_a_known_value_anywhere() {
        assert_eq!(
            scrub_value("token TOKEN-VALUE leaked", "TOKEN-VALUE"),
            "token *** leaked"
        );
    }

    #[test]
    fn snippet_cuts_on_char_boundaries() {
        let body = "发票发票".as_bytes();
        assert_eq!(snippet(body, 4), "发…");
    }
}
