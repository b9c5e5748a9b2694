//! [`PushError`]: why a push, a URL check or a push setting was refused.

use std::fmt;

/// Which of WeChat's two query signatures failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureKind {
    /// `signature`: SHA-1 of the token, `timestamp` and `nonce`, sent with every request.
    Signature,
    /// `msg_signature`: SHA-1 of the token, `timestamp`, `nonce` and the `Encrypt` value,
    /// sent with encrypted (compatible and safe mode) messages.
    MsgSignature,
}

impl fmt::Display for SignatureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SignatureKind::Signature => "signature",
            SignatureKind::MsgSignature => "msg_signature",
        })
    }
}

/// Why a push, a URL check or a [`PushConfig`](super::PushConfig) was refused.
///
/// Each variant says what failed. None holds the token, the EncodingAESKey or anything
/// derived from them, so an error can be logged as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PushError {
    /// The token is empty.
    #[error("the push token is empty; give the Token set in WeChat's server settings")]
    InvalidToken,
    /// The EncodingAESKey is not 43 characters of base64.
    #[error(
        "the EncodingAESKey must be 43 characters of base64 (letters, digits, `+`, `/`); {reason}"
    )]
    InvalidKey {
        /// What is wrong with it (its length or a character's position; never the key).
        reason: String,
    },
    /// An EncodingAESKey was given without the appid that encrypted messages must carry.
    #[error("an EncodingAESKey needs the appid too: set PushConfig::appid")]
    MissingAppid,
    /// A query parameter WeChat always sends is absent.
    #[error("the query has no `{name}` parameter")]
    MissingParameter {
        /// The parameter's name.
        name: &'static str,
    },
    /// A signature in the query does not match the token: the request is not from WeChat
    /// (or the token configured here differs from the one in WeChat's settings).
    #[error("the `{0}` of the request does not match the token")]
    SignatureMismatch(SignatureKind),
    /// `timestamp` is not a number of seconds.
    #[error("the `timestamp` parameter is not a number of seconds")]
    InvalidTimestamp,
    /// `timestamp` is outside the freshness window set with `PushConfig::max_age`.
    #[error(
        "the push is {age_secs} s away from this machine's clock, outside the {window_secs} s window"
    )]
    Stale {
        /// How far the timestamp is from now, in seconds (either direction).
        age_secs: u64,
        /// The window allowed.
        window_secs: u64,
    },
    /// The body is larger than `PushConfig::max_body_bytes`.
    #[error("the body is {size} bytes, more than the {limit} allowed")]
    BodyTooLarge {
        /// The body's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The XML (the body or the decrypted message) is not UTF-8.
    #[error("the {0} is not UTF-8")]
    NotUtf8(&'static str),
    /// The XML declares a DOCTYPE, which WeChat never sends (entity expansion attacks do).
    #[error("the XML declares a DOCTYPE; refused")]
    Doctype,
    /// The XML is malformed or is not a flat `<xml>` document.
    #[error("the XML cannot be read: {0}")]
    Xml(String),
    /// An encrypted message (`encrypt_type=aes`) has no `Encrypt` element.
    #[error("the encrypted message has no `Encrypt` element")]
    MissingEncrypt,
    /// A message arrived in plain text, but an EncodingAESKey is configured (safe or
    /// compatible mode): only encrypted messages are accepted.
    #[error("the message is not encrypted, but an EncodingAESKey is configured")]
    NotEncrypted,
    /// An encrypted message arrived, but no EncodingAESKey is configured.
    #[error(
        "the message is encrypted (`encrypt_type={encrypt_type}`), but no EncodingAESKey is configured"
    )]
    NoKey {
        /// The `encrypt_type` of the query (at most 16 characters of it).
        encrypt_type: String,
    },
    /// `Encrypt` is not base64.
    #[error("the `Encrypt` value is not base64")]
    Base64,
    /// The ciphertext's length is not a positive multiple of the AES block (16 bytes).
    #[error("the ciphertext is {0} bytes, not a positive multiple of 16")]
    CiphertextLength(usize),
    /// The padding after decryption is not WeChat's (1 to 32 bytes, each holding the count).
    #[error("the decrypted message has invalid padding (wrong key, or not from WeChat)")]
    Padding,
    /// The length field of the decrypted message points past its end.
    #[error("the decrypted message declares {declared} bytes but holds only {available}")]
    LengthField {
        /// The length the message declares.
        declared: u64,
        /// The bytes available after the 20-byte header.
        available: usize,
    },
    /// The appid after the decrypted message is not the one configured.
    #[error("the message is for appid `{received}`, not the one configured")]
    AppidMismatch {
        /// The appid the message carries (at most 64 characters of it).
        received: String,
    },
    /// The system's random number source failed (while encrypting a reply).
    #[error("the system's random number source is unavailable")]
    RandomUnavailable,
    /// The dedup store could not be asked (Redis down or slow…).
    #[error("the dedup store failed: {0}")]
    DedupStore(String),
    /// An element of a known event holds a value of the wrong kind.
    #[error("element `{element}` of event `{event}` should be {expected}")]
    InvalidField {
        /// The event's `Event` value.
        event: &'static str,
        /// The XML element.
        element: &'static str,
        /// What it should hold.
        expected: &'static str,
    },
}

/// At most `max` characters of something a sender chose, for an error message.
pub(crate) fn excerpt(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
