//! The third-party platform's AppSecret, kept out of every `Debug`, log and store key.

use std::fmt;
use std::sync::Arc;

/// A third-party platform's AppSecret. `Debug` prints `***`.
#[derive(Clone)]
pub(crate) struct ComponentSecret(Arc<str>);

impl ComponentSecret {
    pub(crate) fn new(secret: impl Into<String>) -> Self {
        Self(Arc::from(secret.into()))
    }

    /// The secret, for the `api_component_token` body only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ComponentSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ComponentSecret(***)")
    }
}
