//! Fields the spec marks `secret: true` (AppSecrets, tokens, tickets, codes) never show in a
//! generated type's `Debug`: the value is replaced by `"***"`, the other fields still show.

use wechat_invoice::{
    ApiAuthorizerTokenRequest, ApiAuthorizerTokenResponse, ApiComponentTokenRequest,
    ApiComponentTokenResponse, ApiQueryAuthRequest, ApiQueryAuthResponse,
    ApiQueryAuthResponseAuthorizationInfo, GetAuthUrlRequest, GetTicketResponse, InvoiceAuthSource,
    InvoiceAuthType, NontaxGetBillAuthUrlRequest,
};

/// `Debug` of `value` hides every secret and shows every clear value.
fn check(value: &impl std::fmt::Debug, secrets: &[&str], shown: &[&str]) {
    for text in [format!("{value:?}"), format!("{value:#?}")] {
        for secret in secrets {
            assert!(!text.contains(secret), "`{secret}` shows in {text}");
        }
        for clear in shown {
            assert!(text.contains(clear), "`{clear}` is missing from {text}");
        }
        assert!(text.contains("\"***\""), "{text}");
    }
}

#[test]
fn platform_requests_hide_their_secrets() {
    check(
        &ApiComponentTokenRequest {
            component_appid: "wx-component".into(),
            component_appsecret: "SECRET-appsecret".into(),
            component_verify_ticket: "ticket@@@SECRET-ticket".into(),
        },
        &["SECRET-appsecret", "SECRET-ticket"],
        &["wx-component"],
    );
    check(
        &ApiAuthorizerTokenRequest {
            component_appid: "wx-component".into(),
            authorizer_appid: "wx-merchant".into(),
            authorizer_refresh_token: "SECRET-refresh".into(),
        },
        &["SECRET-refresh"],
        &["wx-component", "wx-merchant"],
    );
    check(
        &ApiQueryAuthRequest {
            component_appid: "wx-component".into(),
            authorization_code: "queryauthcode@@@SECRET-code".into(),
        },
        &["SECRET-code"],
        &["wx-component"],
    );
}

#[test]
fn authorization_link_requests_hide_the_card_ticket() {
    check(
        &GetAuthUrlRequest {
            s_pappid: "wx-pappid".into(),
            order_id: "order-1".into(),
            money: 100,
            timestamp: 1,
            source: InvoiceAuthSource::Web,
            redirect_url: None,
            ticket: "SECRET-card-ticket".into(),
            auth_type: InvoiceAuthType::Apply,
        },
        &["SECRET-card-ticket"],
        &["wx-pappid", "order-1"],
    );
    let fiscal: NontaxGetBillAuthUrlRequest = serde_json::from_value(serde_json::json!({
        "s_pappid": "wx-pappid", "order_id": "order-2", "money": 1, "timestamp": 1,
        "source": "web", "ticket": "SECRET-fiscal-ticket"
    }))
    .expect("a request");
    check(&fiscal, &["SECRET-fiscal-ticket"], &["order-2"]);
}

#[test]
fn token_answers_hide_their_tokens() {
    let component: ApiComponentTokenResponse = serde_json::from_value(serde_json::json!({
        "component_access_token": "SECRET-component-token", "expires_in": 7200
    }))
    .expect("an answer");
    check(&component, &["SECRET-component-token"], &["7200"]);
    let authorizer: ApiAuthorizerTokenResponse = serde_json::from_value(serde_json::json!({
        "authorizer_access_token": "SECRET-access", "expires_in": 7200,
        "authorizer_refresh_token": "SECRET-rotated"
    }))
    .expect("an answer");
    check(&authorizer, &["SECRET-access", "SECRET-rotated"], &["7200"]);
    let ticket: GetTicketResponse = serde_json::from_value(serde_json::json!({
        "ticket": "SECRET-card", "expires_in": 7200
    }))
    .expect("an answer");
    check(&ticket, &["SECRET-card"], &["7200"]);
    // Answers are built with their builders, as a caller's test fakes would.
    let info = ApiQueryAuthResponseAuthorizationInfo::builder()
        .authorizer_appid("wx-merchant")
        .authorizer_access_token("SECRET-first-access")
        .expires_in(7200)
        .authorizer_refresh_token("SECRET-first-refresh")
        .build();
    check(
        &ApiQueryAuthResponse::builder()
            .authorization_info(info)
            .build(),
        &["SECRET-first-access", "SECRET-first-refresh"],
        &["wx-merchant"],
    );
    // An absent secret shows as absent.
    let absent = ApiQueryAuthResponseAuthorizationInfo::builder()
        .authorizer_appid("wx-merchant")
        .build();
    assert!(
        format!("{absent:?}").contains("authorizer_refresh_token: None"),
        "{absent:?}"
    );
}
