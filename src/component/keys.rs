//! The names a third-party platform's credentials are kept under in the token store: the
//! platform's and authorizers' appids, never a secret.

/// The store names of one platform's credentials.
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    pub(crate) component_appid: String,
    /// The platform's token: `component:{component_appid}`.
    pub(crate) component_token: String,
}

impl Keys {
    pub(crate) fn new(component_appid: &str) -> Self {
        Self {
            component_appid: component_appid.to_string(),
            component_token: format!("component:{component_appid}"),
        }
    }

    /// The latest pushed `component_verify_ticket`.
    pub(crate) fn verify_ticket(&self) -> String {
        format!("component:{}:verify_ticket", self.component_appid)
    }

    /// An authorizer's `authorizer_refresh_token`, kept for good.
    pub(crate) fn refresh_token(&self, authorizer_appid: &str) -> String {
        format!(
            "component:{}:refresh_token:{authorizer_appid}",
            self.component_appid
        )
    }

    /// An authorizer's access token.
    pub(crate) fn authorizer_token(&self, authorizer_appid: &str) -> String {
        format!(
            "component:{}:authorizer:{authorizer_appid}",
            self.component_appid
        )
    }
}
