//! Keeps secrets out of messages: the one place that hides a known secret (a token, an app
//! secret) and the values of secret keys (`access_token=…`, `"secret":"…"`), in every form a
//! server may echo them: raw, percent-encoded in either case, form-encoded, JSON-escaped, and
//! cut short at the end of a text (an excerpt's edge, a truncated body).

use std::borrow::Cow;

/// Query and JSON keys whose values are secrets.
const SECRET_KEYS: [&str; 6] = [
    "access_token",
    "authorizer_access_token",
    "refresh_token",
    "component_verify_ticket",
    "secret",
    "appsecret",
];

/// Secrets shorter than this are not searched for: they would match ordinary text.
const MIN_SECRET_LEN: usize = 4;

/// A text that ends with this many bytes of a secret's start hides them.
const MIN_CUT_LEN: usize = 3;

/// What a hidden value becomes.
const MASK: &str = "***";

/// Replaces the value of every secret key (`access_token=…`, `"secret":"…"`,
/// `access_token%3D…`) with `***`.
pub(crate) fn scrub(text: &str) -> String {
    let mut out = text.to_string();
    for key in SECRET_KEYS {
        if out.contains(key) {
            out = scrub_key(&out, key);
        }
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
            .find(['&', '"', '\'', ' ', ',', '}', ')', '\n', '\\', '#'])
            .unwrap_or(value.len());
        if end > 0 {
            out.push_str(MASK);
        }
        rest = &value[end..];
    }
    out.push_str(rest);
    out
}

/// Length of `=`, `:`, `":"`, `\":\"`, `%3D` … between a key and its value; 0 when none
/// follows.
fn separator_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let skip = |mut index: usize| {
        while index < bytes.len() && matches!(bytes[index], b'"' | b'\'' | b' ' | b'\\') {
            index += 1;
        }
        index
    };
    let index = skip(0);
    if index < bytes.len() && matches!(bytes[index], b'=' | b':') {
        skip(index + 1)
    } else if bytes.len() >= index + 3 && bytes[index..index + 3].eq_ignore_ascii_case(b"%3D") {
        index + 3
    } else {
        0
    }
}

/// `text` with every form of each of `secrets` replaced by `***`: raw, percent-encoded,
/// form-encoded, JSON-escaped, or cut off by the end of `text`. This is the redaction the
/// client applies to its own errors, for tools that print what WeChat sent (secrets shorter
/// than four bytes are not searched for: they would match ordinary text).
///
/// ```
/// let body = r#"{"errmsg":"bad token a\/b+c=="}"#;
/// assert_eq!(wechat_invoice::hide_secrets(body, &["a/b+c=="]), r#"{"errmsg":"bad token ***"}"#);
/// ```
pub fn hide_secrets(text: &str, secrets: &[&str]) -> String {
    secrets.iter().fold(text.to_string(), |text, secret| {
        hide(&text, secret).into_owned()
    })
}

/// Hides every form of `secret` in `text`, then scrubs secret keys.
pub(crate) fn scrub_value(text: &str, secret: &str) -> String {
    scrub(&hide(text, secret))
}

/// `text` with every occurrence of `secret` replaced by `***`, in whatever form it appears
/// (each character raw, `%XX` in either case, `+` for a space, a JSON escape `\/`, `\"`,
/// `\\` or `\uXXXX`, mixed freely), and with a start of it cut off by the end of `text`.
pub(crate) fn hide<'a>(text: &'a str, secret: &str) -> Cow<'a, str> {
    let secret = secret.as_bytes();
    if secret.len() < MIN_SECRET_LEN {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let (mut copied, mut index) = (0, 0);
    while index < bytes.len() {
        // A match starts and ends on character boundaries: it begins with an ASCII byte or
        // the secret's own first byte, and every unit it consumes is whole.
        match match_at(bytes, index, secret) {
            Some(end) if text.is_char_boundary(index) && text.is_char_boundary(end) => {
                let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
                out.push_str(&text[copied..index]);
                out.push_str(MASK);
                copied = end;
                index = end;
            }
            _ => index += 1,
        }
    }
    match out {
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(text),
    }
}

/// Where a form of `secret` starting at `start` ends; a start of at least [`MIN_CUT_LEN`]
/// bytes that runs into the end of `text` counts.
fn match_at(text: &[u8], start: usize, secret: &[u8]) -> Option<usize> {
    let (mut at, mut matched) = (start, 0);
    while matched < secret.len() {
        if at >= text.len() {
            return (matched >= MIN_CUT_LEN).then_some(at);
        }
        let (consumed, bytes) = one_unit(text, at, &secret[matched..])?;
        at += consumed;
        matched += bytes;
    }
    Some(at)
}

/// One encoded unit of `text` at `at` that stands for the start of `rest`: how many bytes of
/// text it takes and how many bytes of the secret it stands for.
fn one_unit(text: &[u8], at: usize, rest: &[u8]) -> Option<(usize, usize)> {
    let want = rest[0];
    match text[at] {
        byte if byte == want => Some((1, 1)),
        b'+' if want == b' ' => Some((1, 1)),
        b'%' => {
            let value = hex(text.get(at + 1..at + 3)?)?;
            (value == u32::from(want)).then_some((3, 1))
        }
        b'\\' => match *text.get(at + 1)? {
            escaped @ (b'/' | b'"' | b'\\') => (escaped == want).then_some((2, 1)),
            b'u' => {
                let code = char::from_u32(hex(text.get(at + 2..at + 6)?)?)?;
                let mut buffer = [0u8; 4];
                let encoded = code.encode_utf8(&mut buffer).as_bytes();
                rest.starts_with(encoded).then_some((6, encoded.len()))
            }
            _ => None,
        },
        _ => None,
    }
}

fn hex(digits: &[u8]) -> Option<u32> {
    std::str::from_utf8(digits)
        .ok()
        .and_then(|digits| u32::from_str_radix(digits, 16).ok())
}

/// The start of a body for an error message: every secret hidden in the whole body first (so
/// no cut can split one), then at most `limit` bytes, cut on a character boundary, then a
/// secret's start left at the cut hidden too.
pub(crate) fn excerpt(body: &[u8], limit: usize, secret: &str) -> String {
    let text = String::from_utf8_lossy(body);
    let clean = scrub_value(&text, secret);
    let mut end = clean.len().min(limit);
    while !clean.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = scrub_value(&clean[..end], secret);
    if end < clean.len() {
        out.push('…');
    }
    out
}

/// A URL (or text meant as one) fit to print: user name and password, query and fragment
/// replaced by `***`.
pub(crate) fn url(text: &str) -> String {
    match url::Url::parse(text) {
        Ok(mut url) => {
            let had_credentials = !url.username().is_empty() || url.password().is_some();
            if had_credentials {
                let _ = url.set_username("***");
                let _ = url.set_password(None);
            }
            if url.query().is_some() {
                url.set_query(Some(MASK));
            }
            if url.fragment().is_some() {
                url.set_fragment(Some(MASK));
            }
            url.to_string()
        }
        // Not a URL: keep the scheme and host part readable, drop anything after `@`, `?`
        // or `#` that could be a credential.
        Err(_) => {
            let cut = text.find(['?', '#']).unwrap_or(text.len());
            let head = &text[..cut];
            let head = match head.rfind('@') {
                Some(at) => match head.find("://") {
                    Some(scheme) if scheme < at => {
                        format!("{}***{}", &head[..scheme + 3], &head[at..])
                    }
                    _ => format!("***{}", &head[at..]),
                },
                None => head.to_string(),
            };
            let mut out = scrub(&head);
            if cut < text.len() {
                out.push_str(MASK);
            }
            out
        }
    }
}

/// How a field marked `secret: true` in the spec shows in a generated `Debug`: `"***"` when
/// it holds a value, `None` when absent, never the value.
pub(crate) struct Redacted(bool);

impl Redacted {
    /// The stand-in for `value`.
    pub(crate) fn of(value: &impl SecretField) -> Self {
        Self(value.is_present())
    }
}

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 {
            f.write_str("\"***\"")
        } else {
            f.write_str("None")
        }
    }
}

/// The field types a spec may mark `secret`.
pub(crate) trait SecretField {
    /// Whether there is a value to hide.
    fn is_present(&self) -> bool;
}

impl SecretField for String {
    fn is_present(&self) -> bool {
        true
    }
}

impl<T: SecretField> SecretField for Option<T> {
    fn is_present(&self) -> bool {
        self.as_ref().is_some_and(SecretField::is_present)
    }
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
        assert_eq!(
            scrub(r#"{\"access_token\":\"SECRET123\"}"#),
            r#"{\"access_token\":\"***\"}"#
        );
        assert_eq!(
            scrub("next=%2Fx%3Faccess_token%3DSECRET123%26a"),
            "next=%2Fx%3Faccess_token%3D***"
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
    fn hides_every_encoding_of_a_secret() {
        let secret = "a+b/c=d&e f";
        for form in [
            "a+b/c=d&e f",
            "a%2Bb%2Fc%3Dd%26e+f",
            "a%2bb%2fc%3dd%26e%20f",
            r"a+b\/c=d\u0026e f",
            r"\u0061+b/c=d&e%20f",
        ] {
            let text = format!("<{form}>");
            assert_eq!(hide(&text, secret), "<***>", "{form}");
        }
        assert_eq!(hide("short", "abc"), "short", "too short to search");
        assert_eq!(hide("发票 a+b/c 发票", secret), "发票 a+b/c 发票");
    }

    #[test]
    fn a_secret_cut_by_the_end_of_the_text_is_hidden() {
        assert_eq!(hide("errmsg: TOKEN-12", "TOKEN-123456"), "errmsg: ***");
        assert_eq!(hide("errmsg: TO", "TOKEN-123456"), "errmsg: TO");
        let body = format!("{}TOKEN-123456 tail", "x".repeat(195));
        let shown = excerpt(body.as_bytes(), 200, "TOKEN-123456");
        assert!(!shown.contains("TOK"), "{shown}");
        let cut = format!("{}TOKEN-12", "x".repeat(195));
        assert!(!excerpt(cut.as_bytes(), 200, "TOKEN-123456").contains("TOK"));
    }

    #[test]
    fn excerpt_cuts_on_char_boundaries() {
        let body = "发票发票".as_bytes();
        assert_eq!(excerpt(body, 4, ""), "发…");
    }

    #[test]
    fn urls_lose_credentials_query_and_fragment() {
        assert_eq!(
            url("https://u:PASS@h.example/p?access_token=T#f"),
            "https://***@h.example/p?***#***"
        );
        assert_eq!(url("https://h.example/"), "https://h.example/");
        let broken = url("https://u:PASS@[::1/?access_token=T");
        assert!(
            !broken.contains("PASS") && !broken.contains('T'),
            "{broken}"
        );
    }
}
