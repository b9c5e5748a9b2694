//! WeChat's query signatures: hex SHA-1 of the strings given, sorted and concatenated,
//! compared in constant time.

use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;

use super::error::{PushError, SignatureKind};

/// Lower-case hex SHA-1 of `parts` sorted byte-wise and concatenated.
pub fn sign(parts: &[&str]) -> String {
    let mut sorted: Vec<&str> = parts.to_vec();
    sorted.sort_unstable();
    let mut hasher = Sha1::new();
    for part in sorted {
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut hex = String::with_capacity(40);
    for byte in digest.iter() {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    hex
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Checks `received` against the signature of `parts` in constant time (for equal lengths;
/// a length difference says only that the value is not 40 hex digits). Upper-case hex is
/// accepted as well.
pub(crate) fn check(kind: SignatureKind, received: &str, parts: &[&str]) -> Result<(), PushError> {
    let expected = sign(parts);
    let received = received.to_ascii_lowercase();
    if bool::from(expected.as_bytes().ct_eq(received.as_bytes())) {
        Ok(())
    } else {
        Err(PushError::SignatureMismatch(kind))
    }
}

/// The query parameters a push or URL check carries.
#[derive(Debug, Default)]
pub(crate) struct PushQuery {
    pub(crate) signature: Option<String>,
    pub(crate) timestamp: Option<String>,
    pub(crate) nonce: Option<String>,
    pub(crate) echostr: Option<String>,
    pub(crate) encrypt_type: Option<String>,
    pub(crate) msg_signature: Option<String>,
}

impl PushQuery {
    /// Reads the raw query string (with or without a leading `?`); the first occurrence of a
    /// parameter wins, unknown parameters (`openid`…) are ignored.
    pub(crate) fn parse(query: &str) -> Self {
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut parsed = Self::default();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let slot = match name.as_ref() {
                "signature" => &mut parsed.signature,
                "timestamp" => &mut parsed.timestamp,
                "nonce" => &mut parsed.nonce,
                "echostr" => &mut parsed.echostr,
                "encrypt_type" => &mut parsed.encrypt_type,
                "msg_signature" => &mut parsed.msg_signature,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value.into_owned());
            }
        }
        parsed
    }

    pub(crate) fn required<'a>(
        value: &'a Option<String>,
        name: &'static str,
    ) -> Result<&'a str, PushError> {
        value.as_deref().ok_or(PushError::MissingParameter { name })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_plain_signatures() {
        assert_eq!(
            sign(&["AAAAA", "1714036504", "1514711492"]),
            "f464b24fc39322e44b38aa78f5edd27bd1441696"
        );
        assert_eq!(
            sign(&["789", "456", "123"]),
            "f7c3bc1d808e04732adf679965ccc34ca7ae3441"
        );
    }

    #[test]
    fn comparison_accepts_upper_case_and_refuses_anything_else() {
        let parts = ["789", "456", "123"];
        assert!(
            check(
                SignatureKind::Signature,
                "F7C3BC1D808E04732ADF679965CCC34CA7AE3441",
                &parts
            )
            .is_ok()
        );
        for bad in [
            "",
            "f7c3",
            "f7c3bc1d808e04732adf679965ccc34ca7ae3442",
            "f7c3bc1d808e04732adf679965ccc34ca7ae34410",
        ] {
            assert_eq!(
                check(SignatureKind::Signature, bad, &parts),
                Err(PushError::SignatureMismatch(SignatureKind::Signature))
            );
        }
    }

    #[test]
    fn query_first_value_wins_and_percent_decoding_applies() {
        let q = PushQuery::parse("?signature=a&signature=b&nonce=1%202&openid=x");
        assert_eq!(q.signature.as_deref(), Some("a"));
        assert_eq!(q.nonce.as_deref(), Some("1 2"));
        assert!(q.timestamp.is_none());
    }
}
