//! The link a merchant's administrator opens to authorize a third-party platform.

/// WeChat's authorization page (PC: scan to authorize).
pub const AUTHORIZATION_PAGE: &str = "https://mp.weixin.qq.com/cgi-bin/componentloginpage";

/// Which accounts the authorization page offers (`auth_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthorizableAccounts {
    /// Official Accounts only (1): the invoice case.
    OfficialAccounts,
    /// Mini programs only (2).
    MiniPrograms,
    /// Both (3; WeChat's default when the parameter is absent).
    Both,
}

impl AuthorizableAccounts {
    fn code(self) -> &'static str {
        match self {
            AuthorizableAccounts::OfficialAccounts => "1",
            AuthorizableAccounts::MiniPrograms => "2",
            AuthorizableAccounts::Both => "3",
        }
    }
}

/// `https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=…&pre_auth_code=…&redirect_uri=…&auth_type=…`,
/// every value percent-encoded (`redirect_uri` is a URL inside a URL). The pre-authorization
/// code comes from `api_create_preauthcode` and lives about 10 minutes; after authorizing,
/// WeChat sends the administrator to `redirect_uri` with `auth_code` and `expires_in`.
pub fn authorization_url(
    component_appid: &str,
    pre_auth_code: &str,
    redirect_uri: &str,
    accounts: Option<AuthorizableAccounts>,
) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("component_appid", component_appid)
        .append_pair("pre_auth_code", pre_auth_code)
        .append_pair("redirect_uri", redirect_uri);
    if let Some(accounts) = accounts {
        query.append_pair("auth_type", accounts.code());
    }
    format!("{AUTHORIZATION_PAGE}?{}", query.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_is_percent_encoded() {
        let link = authorization_url(
            "wx_component",
            "preauthcode@@@a+b/c=",
            "https://platform.example/callback?merchant=7&lang=zh CN",
            Some(AuthorizableAccounts::OfficialAccounts),
        );
        assert_eq!(
            link,
            "https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=wx_component\
             &pre_auth_code=preauthcode%40%40%40a%2Bb%2Fc%3D\
             &redirect_uri=https%3A%2F%2Fplatform.example%2Fcallback%3Fmerchant%3D7%26lang%3Dzh+CN\
             &auth_type=1"
        );
        let parsed = url::Url::parse(&link).expect("a URL");
        let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
        assert_eq!(
            pairs[2],
            (
                "redirect_uri".to_string(),
                "https://platform.example/callback?merchant=7&lang=zh CN".to_string()
            )
        );
        assert!(!authorization_url("a", "b", "c", None).contains("auth_type"));
    }
}
