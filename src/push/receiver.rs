//! [`Receiver`]: checks and opens what WeChat pushes, and seals replies.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::config::PushConfig;
use super::crypto::AesKey;
use super::error::{PushError, SignatureKind, excerpt};
use super::signature::{self, PushQuery};
use super::xml::{self, Elements};
use crate::{ComponentEvent, Event};

/// The message-security mode a [`Receiver`] runs in, from its configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// 明文: no EncodingAESKey; messages arrive in plain XML, checked by `signature`.
    Plain,
    /// 兼容 or 安全: an EncodingAESKey; only encrypted messages are accepted.
    Encrypted,
}

/// A request as WeChat would send it: the query string and the body (see [`Receiver::seal`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedPush {
    /// The query string, without `?`.
    pub query: String,
    /// The XML body.
    pub body: String,
}

/// Checks WeChat's requests against the settings and decodes the events they carry.
///
/// Cheap to share: put it in an `Arc` or your framework's state.
#[derive(Clone)]
pub struct Receiver {
    token: String,
    key: Option<(AesKey, String)>,
    max_age: Option<Duration>,
    max_body_bytes: usize,
}

impl fmt::Debug for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("mode", &self.mode())
            .field("appid", &self.key.as_ref().map(|(_, appid)| appid))
            .field("max_age", &self.max_age)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl Receiver {
    /// Checks the settings: a non-empty token, and an EncodingAESKey (if any) of 43 base64
    /// characters with its appid.
    pub fn new(config: PushConfig) -> Result<Self, PushError> {
        if config.token.is_empty() {
            return Err(PushError::InvalidToken);
        }
        let key = match config.encoding_aes_key {
            None => None,
            Some(encoding_aes_key) => {
                let key = AesKey::from_encoding_aes_key(&encoding_aes_key)?;
                let appid = config
                    .appid
                    .filter(|appid| !appid.is_empty())
                    .ok_or(PushError::MissingAppid)?;
                Some((key, appid))
            }
        };
        Ok(Self {
            token: config.token,
            key,
            max_age: config.max_age,
            max_body_bytes: config.max_body_bytes,
        })
    }

    /// The mode the settings select.
    pub fn mode(&self) -> Mode {
        if self.key.is_some() {
            Mode::Encrypted
        } else {
            Mode::Plain
        }
    }

    /// The largest body [`Receiver::receive`] reads.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// The URL check (the `GET` WeChat sends when the server URL is saved): checks
    /// `signature` and returns `echostr`, to be answered as the whole body.
    pub fn verify_url(&self, query: &str) -> Result<String, PushError> {
        let query = PushQuery::parse(query);
        self.check_signature(&query)?;
        query
            .echostr
            .ok_or(PushError::MissingParameter { name: "echostr" })
    }

    /// Checks a push (`POST`) and decodes its event.
    pub fn receive(&self, query: &str, body: &[u8]) -> Result<Event, PushError> {
        let (_, elements) = self.open_message(query, body)?;
        Event::from_elements(elements)
    }

    /// Checks a push to a third-party platform's authorization-event URL and decodes it:
    /// `component_verify_ticket`, `authorized`, `updateauthorized`, `unauthorized` (named by
    /// `InfoType`), or [`ComponentEvent::Other`] with every element. Configure the receiver
    /// with the platform's token, EncodingAESKey and `component_appid` (WeChat encrypts these
    /// pushes with the platform's appid); the checks are those of [`Receiver::receive`].
    /// [`crate::component::ComponentClient::handle_push`] acts on the result.
    pub fn receive_component(&self, query: &str, body: &[u8]) -> Result<ComponentEvent, PushError> {
        let (_, elements) = self.open_message(query, body)?;
        ComponentEvent::from_elements(elements)
    }

    /// Checks a push and returns the message XML (decrypted in encrypted mode), for events
    /// the caller reads itself.
    pub fn open(&self, query: &str, body: &[u8]) -> Result<Vec<u8>, PushError> {
        self.open_message(query, body)
            .map(|(message, _)| message.into_owned())
    }

    /// The checks of a push; the message and its elements.
    fn open_message<'b>(
        &self,
        query: &str,
        body: &'b [u8],
    ) -> Result<(Cow<'b, [u8]>, Elements), PushError> {
        if body.len() > self.max_body_bytes {
            return Err(PushError::BodyTooLarge {
                size: body.len(),
                limit: self.max_body_bytes,
            });
        }
        let query = PushQuery::parse(query);
        self.check_signature(&query)?;
        let encrypted = query
            .encrypt_type
            .as_deref()
            .is_some_and(|kind| !kind.is_empty() && kind != "raw");
        match (&self.key, encrypted) {
            (None, false) => Ok((Cow::Borrowed(body), xml::parse(body, "body")?)),
            (None, true) => Err(PushError::NoKey {
                encrypt_type: excerpt(query.encrypt_type.as_deref().unwrap_or_default(), 16),
            }),
            (Some(_), false) => Err(PushError::NotEncrypted),
            (Some((key, appid)), true) => {
                let mut outer = xml::parse(body, "body")?;
                let encrypt = outer.take(&["Encrypt"]).ok_or(PushError::MissingEncrypt)?;
                let msg_signature = PushQuery::required(&query.msg_signature, "msg_signature")?;
                let timestamp = PushQuery::required(&query.timestamp, "timestamp")?;
                let nonce = PushQuery::required(&query.nonce, "nonce")?;
                signature::check(
                    SignatureKind::MsgSignature,
                    msg_signature,
                    &[&self.token, timestamp, nonce, &encrypt],
                )?;
                let message = key.decrypt(&encrypt, appid)?;
                let elements = xml::parse(&message, "decrypted message")?;
                Ok((Cow::Owned(message), elements))
            }
        }
    }

    /// Decrypts an `Encrypt` value (no signature checked): the message, after the padding,
    /// length field and appid checks. For tools and test vectors; pushes go through
    /// [`Receiver::receive`].
    pub fn decrypt(&self, encrypt: &str) -> Result<Vec<u8>, PushError> {
        let (key, appid) = self.key()?;
        key.decrypt(encrypt, appid)
    }

    /// Encrypts `message` with the 16 `random` bytes WeChat puts in front, giving the
    /// `Encrypt` value. For test vectors: [`Receiver::seal`] and
    /// [`Receiver::encrypt_reply`] draw the random bytes from the system.
    pub fn encrypt_with_random(
        &self,
        message: &[u8],
        random: [u8; 16],
    ) -> Result<String, PushError> {
        let (key, appid) = self.key()?;
        Ok(key.encrypt(message, appid, random))
    }

    fn key(&self) -> Result<(&AesKey, &str), PushError> {
        match &self.key {
            Some((key, appid)) => Ok((key, appid)),
            None => Err(PushError::NoKey {
                encrypt_type: "aes".to_string(),
            }),
        }
    }

    /// Encrypts a passive reply (the XML answered in the body instead of `success`) as
    /// WeChat expects in encrypted mode: `<xml>` with `Encrypt`, `MsgSignature`,
    /// `TimeStamp` and `Nonce`. In plain mode the reply is returned unchanged.
    pub fn encrypt_reply(
        &self,
        reply_xml: &str,
        timestamp: u64,
        nonce: &str,
    ) -> Result<String, PushError> {
        let Some((key, appid)) = &self.key else {
            return Ok(reply_xml.to_string());
        };
        let encrypt = key.encrypt(reply_xml.as_bytes(), appid, random_bytes()?);
        let timestamp = timestamp.to_string();
        let msg_signature = signature::sign(&[&self.token, &timestamp, nonce, &encrypt]);
        let mut out = String::from("<xml><Encrypt>");
        xml::push_cdata(&mut out, &encrypt);
        out.push_str("</Encrypt><MsgSignature>");
        xml::push_cdata(&mut out, &msg_signature);
        out.push_str("</MsgSignature><TimeStamp>");
        out.push_str(&timestamp);
        out.push_str("</TimeStamp><Nonce>");
        xml::push_cdata(&mut out, nonce);
        out.push_str("</Nonce></xml>");
        Ok(out)
    }

    /// The request WeChat would send to this receiver for `message_xml`: signed, and in
    /// encrypted mode encrypted (safe mode: the body holds `ToUserName` and `Encrypt`). For
    /// tests and mock servers.
    pub fn seal(
        &self,
        message_xml: &str,
        timestamp: u64,
        nonce: &str,
    ) -> Result<SealedPush, PushError> {
        let timestamp = timestamp.to_string();
        let signature = signature::sign(&[&self.token, &timestamp, nonce]);
        let nonce_query: String = url::form_urlencoded::byte_serialize(nonce.as_bytes()).collect();
        let mut query = format!("signature={signature}&timestamp={timestamp}&nonce={nonce_query}");
        let Some((key, appid)) = &self.key else {
            return Ok(SealedPush {
                query,
                body: message_xml.to_string(),
            });
        };
        let encrypt = key.encrypt(message_xml.as_bytes(), appid, random_bytes()?);
        let msg_signature = signature::sign(&[&self.token, &timestamp, nonce, &encrypt]);
        query.push_str("&encrypt_type=aes&msg_signature=");
        query.push_str(&msg_signature);
        // Safe mode's body names the receiver in clear: `ToUserName` for an account's
        // pushes, `AppId` for a third-party platform's.
        let message = xml::parse(message_xml.as_bytes(), "message").unwrap_or_default();
        let mut body = Elements::new();
        for name in ["ToUserName", "AppId"] {
            body.put(name, message.get(name));
        }
        body.push("Encrypt", encrypt);
        Ok(SealedPush {
            query,
            body: xml::write(&body),
        })
    }

    fn check_signature(&self, query: &PushQuery) -> Result<(), PushError> {
        let received = PushQuery::required(&query.signature, "signature")?;
        let timestamp = PushQuery::required(&query.timestamp, "timestamp")?;
        let nonce = PushQuery::required(&query.nonce, "nonce")?;
        signature::check(
            SignatureKind::Signature,
            received,
            &[&self.token, timestamp, nonce],
        )?;
        if let Some(window) = self.max_age {
            check_fresh(timestamp, window)?;
        }
        Ok(())
    }
}

fn check_fresh(timestamp: &str, window: Duration) -> Result<(), PushError> {
    let sent: u64 = timestamp.parse().map_err(|_| PushError::InvalidTimestamp)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let age_secs = now.abs_diff(sent);
    if age_secs > window.as_secs() {
        return Err(PushError::Stale {
            age_secs,
            window_secs: window.as_secs(),
        });
    }
    Ok(())
}

fn random_bytes() -> Result<[u8; 16], PushError> {
    let mut random = [0u8; 16];
    getrandom::fill(&mut random).map_err(|_| PushError::RandomUnavailable)?;
    Ok(random)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token_or_key() {
        let key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        let config = PushConfig::new("s3cretTOKEN")
            .encoding_aes_key(key)
            .appid("wx1");
        let receiver = Receiver::new(config.clone()).unwrap();
        for text in [format!("{config:?}"), format!("{receiver:?}")] {
            assert!(
                !text.contains("s3cretTOKEN") && !text.contains(key),
                "{text}"
            );
            assert!(text.contains("wx1"));
        }
    }

    #[test]
    fn settings_are_checked() {
        assert_eq!(
            Receiver::new(PushConfig::new("")).unwrap_err(),
            PushError::InvalidToken
        );
        let key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        assert_eq!(
            Receiver::new(PushConfig::new("t").encoding_aes_key(key)).unwrap_err(),
            PushError::MissingAppid
        );
    }

    #[test]
    fn freshness_window_is_either_way() {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let window = Duration::from_secs(300);
        assert!(check_fresh(&now.to_string(), window).is_ok());
        assert!(matches!(
            check_fresh(&(now - 301).to_string(), window),
            Err(PushError::Stale { .. })
        ));
        assert!(matches!(
            check_fresh(&(now + 301).to_string(), window),
            Err(PushError::Stale { .. })
        ));
        assert_eq!(
            check_fresh("soon", window),
            Err(PushError::InvalidTimestamp)
        );
        assert!(matches!(
            check_fresh(&u64::MAX.to_string(), window),
            Err(PushError::Stale { .. })
        ));
    }
}
