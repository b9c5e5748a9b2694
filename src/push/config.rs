//! [`PushConfig`]: the settings of a [`Receiver`](super::Receiver), as in WeChat's server
//! settings page.

use std::fmt;
use std::time::Duration;

/// The largest body read by default: WeChat's events are a few hundred bytes.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;

/// The token, EncodingAESKey and appid of WeChat's server settings, plus local limits.
///
/// `Debug` never shows the token or the key.
#[derive(Clone)]
pub struct PushConfig {
    pub(crate) token: String,
    pub(crate) encoding_aes_key: Option<String>,
    pub(crate) appid: Option<String>,
    pub(crate) max_age: Option<Duration>,
    pub(crate) max_body_bytes: usize,
}

impl PushConfig {
    /// Settings with the Token of WeChat's server settings (plain mode until a key is set).
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: token.into(),
            encoding_aes_key: None,
            appid: None,
            max_age: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// The 43-character EncodingAESKey: messages must then be encrypted (compatible or safe
    /// mode). Checked by [`Receiver::new`](super::Receiver::new).
    pub fn encoding_aes_key(mut self, key: impl Into<String>) -> Self {
        self.encoding_aes_key = Some(key.into());
        self
    }

    /// The appid (or a third-party platform's component appid) every encrypted message must
    /// name; required with an EncodingAESKey.
    pub fn appid(mut self, appid: impl Into<String>) -> Self {
        self.appid = Some(appid.into());
        self
    }

    /// Refuses requests whose `timestamp` is further than `window` from this machine's
    /// clock (either way). Off by default: WeChat does not ask for it, and retries of one
    /// event keep their first timestamp for about 15 seconds.
    pub fn max_age(mut self, window: Duration) -> Self {
        self.max_age = Some(window);
        self
    }

    /// The largest body [`Receiver::receive`](super::Receiver::receive) reads (default
    /// 64 KiB).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }
}

impl fmt::Debug for PushConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PushConfig")
            .field("token", &"<redacted>")
            .field(
                "encoding_aes_key",
                &self.encoding_aes_key.as_ref().map(|_| "<redacted>"),
            )
            .field("appid", &self.appid)
            .field("max_age", &self.max_age)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}
