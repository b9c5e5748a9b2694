//! The mock pushes events, as WeChat does: after a user went through `get_auth_url`,
//! [`MockServer::authorize_order`] sends `user_authorize_invoice` to the merchant's URL,
//! signed and (with an EncodingAESKey) encrypted, and resends it when the merchant does not
//! answer `success` in time, three attempts in all. To a third-party platform's
//! authorization-event URL it sends `component_verify_ticket`
//! ([`MockServer::push_verify_ticket`]), `authorized` ([`MockServer::push_authorized`]) and
//! `unauthorized` ([`MockServer::push_unauthorized`]), the same way.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use wechat_invoice::push::{ComponentEnvelope, Envelope, PushConfig, PushError, Receiver};
use wechat_invoice::{
    AuthorizedEvent, ComponentEvent, ComponentVerifyTicketEvent, Event, UnauthorizedEvent,
    UserAuthorizeInvoiceEvent,
};

use crate::MockServer;

/// How long WeChat waits for `success` before sending a push again.
pub const WECHAT_RETRY_WAIT: Duration = Duration::from_secs(5);
/// How many times WeChat sends one push at most.
pub const WECHAT_ATTEMPTS: u32 = 3;

/// Where and how the mock pushes: the merchant's URL and the settings of WeChat's server
/// page (token, EncodingAESKey, appid).
#[derive(Debug, Clone)]
pub struct PushTarget {
    url: String,
    config: PushConfig,
    retry_wait: Duration,
    attempts: u32,
    to_user_name: String,
    authorize_app_id: Option<String>,
    component_appid: String,
}

impl PushTarget {
    /// Pushes to `url` (`http://127.0.0.1:PORT/wechat`) with these settings: plain unless
    /// the config has an EncodingAESKey.
    pub fn new(url: impl Into<String>, config: PushConfig) -> Self {
        Self {
            url: url.into(),
            config,
            retry_wait: WECHAT_RETRY_WAIT,
            attempts: WECHAT_ATTEMPTS,
            to_user_name: "gh_mock_account".to_string(),
            authorize_app_id: None,
            component_appid: "wx_mock_component".to_string(),
        }
    }

    /// The `AppId` of a third-party platform's pushes (its `component_appid`; default
    /// `wx_mock_component`). Give the config the same appid: WeChat encrypts these pushes
    /// with it.
    #[must_use]
    pub fn component_appid(mut self, appid: impl Into<String>) -> Self {
        self.component_appid = appid.into();
        self
    }

    /// Waits this long for `success` before resending (WeChat: 5 s; shorter for tests).
    #[must_use]
    pub fn retry_wait(mut self, wait: Duration) -> Self {
        self.retry_wait = wait;
        self
    }

    /// The `AuthorizeAppId` the mock puts in `user_authorize_invoice` (default none).
    #[must_use]
    pub fn authorize_app_id(mut self, appid: impl Into<String>) -> Self {
        self.authorize_app_id = Some(appid.into());
        self
    }

    /// Sends at most this many times (WeChat: 3; at least 1).
    #[must_use]
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }
}

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    /// The merchant answered `success` (or an empty body) with a 2xx status.
    Acknowledged,
    /// The merchant answered something else; WeChat sends again.
    Refused {
        /// The HTTP status.
        status: u16,
        /// The first 200 bytes of the body.
        body: String,
    },
    /// No answer within the wait; WeChat sends again.
    TimedOut,
    /// The connection failed.
    Failed(String),
}

/// The attempts of one push, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushReport {
    /// The event pushed.
    pub event: Event,
    /// Each attempt's outcome; the last is `Acknowledged` unless all failed.
    pub attempts: Vec<PushOutcome>,
    /// What each attempt got back (in the order of `attempts`), `None` when no answer came.
    pub answers: Vec<Option<PushAnswer>>,
}

/// The merchant's answer to one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The body (at most [`MAX_ANSWER_CHARS`] characters of it).
    pub body: String,
}

/// The most characters of an answer kept in a [`PushAnswer`].
pub const MAX_ANSWER_CHARS: usize = 4096;

impl PushReport {
    /// Whether some attempt was acknowledged.
    pub fn acknowledged(&self) -> bool {
        self.attempts.contains(&PushOutcome::Acknowledged)
    }
}

/// The attempts of one push to a third-party platform's authorization-event URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentPushReport {
    /// The push sent.
    pub event: ComponentEvent,
    /// Each attempt's outcome; the last is `Acknowledged` unless all failed.
    pub attempts: Vec<PushOutcome>,
    /// What each attempt got back (in the order of `attempts`), `None` when no answer came.
    pub answers: Vec<Option<PushAnswer>>,
}

impl ComponentPushReport {
    /// Whether some attempt was acknowledged.
    pub fn acknowledged(&self) -> bool {
        self.attempts.contains(&PushOutcome::Acknowledged)
    }
}

/// Why the mock could not push at all (a failed attempt is a [`PushOutcome`] instead).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushFailure {
    /// The order never went through `get_auth_url` on this mock.
    UnknownOrder(String),
    /// The target's settings are refused (a bad EncodingAESKey…).
    Settings(PushError),
    /// The HTTP client could not be built.
    Client(String),
}

impl std::fmt::Display for PushFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PushFailure::UnknownOrder(order) => {
                write!(
                    f,
                    "order `{order}` never went through get_auth_url on this mock"
                )
            }
            PushFailure::Settings(err) => write!(f, "the push settings are refused: {err}"),
            PushFailure::Client(err) => write!(f, "cannot build the HTTP client: {err}"),
        }
    }
}

impl std::error::Error for PushFailure {}

impl MockServer {
    /// Sends `user_authorize_invoice` with `SuccOrderId` = `order_id` to `target`, as WeChat
    /// does when the user finishes the authorization page. The order must have gone through
    /// `get_auth_url` first (while deliveries are recorded).
    pub async fn authorize_order(
        &self,
        target: &PushTarget,
        order_id: &str,
    ) -> Result<PushReport, PushFailure> {
        let requested = self.deliveries().iter().any(|delivery| {
            delivery.endpoint == "get_auth_url"
                && serde_json::from_slice::<serde_json::Value>(&delivery.request.body)
                    .ok()
                    .and_then(|body| {
                        body.get("order_id")
                            .and_then(|id| id.as_str().map(str::to_string))
                    })
                    .is_some_and(|id| id == order_id)
        });
        if !requested {
            return Err(PushFailure::UnknownOrder(order_id.to_string()));
        }
        let mut event = UserAuthorizeInvoiceEvent::builder()
            .envelope(envelope(target, "user_authorize_invoice"))
            .succ_order_id(order_id)
            .source("web")
            .build();
        event.authorize_app_id = target.authorize_app_id.clone();
        let event = Event::UserAuthorizeInvoice(event);
        push_event(target, event).await
    }
}

impl MockServer {
    /// Sends `component_verify_ticket` with `ticket` to a third-party platform's
    /// authorization-event URL, as WeChat does every 10 minutes. (The mock's
    /// `api_component_token` accepts any ticket; `deliveries()` shows which one was sent.)
    pub async fn push_verify_ticket(
        &self,
        target: &PushTarget,
        ticket: &str,
    ) -> Result<ComponentPushReport, PushFailure> {
        let event = ComponentEvent::ComponentVerifyTicket(
            ComponentVerifyTicketEvent::builder()
                .envelope(component_envelope(target, "component_verify_ticket"))
                .component_verify_ticket(ticket)
                .build(),
        );
        push_component_event(target, event).await
    }

    /// Sends `authorized` for `authorizer_appid` with `authorization_code`, as WeChat does
    /// when a merchant's administrator finishes the authorization page. (The mock's
    /// `api_query_auth` answers its spec example whatever the code.)
    pub async fn push_authorized(
        &self,
        target: &PushTarget,
        authorizer_appid: &str,
        authorization_code: &str,
    ) -> Result<ComponentPushReport, PushFailure> {
        let mut event = AuthorizedEvent::builder()
            .envelope(component_envelope(target, "authorized"))
            .authorizer_appid(authorizer_appid)
            .authorization_code(authorization_code)
            .pre_auth_code("preauthcode@@@mock")
            .build();
        event.authorization_code_expired_time = i64::try_from(now() + 3600).ok();
        let event = ComponentEvent::Authorized(event);
        push_component_event(target, event).await
    }

    /// Answers the next `api_query_auth` (the exchange of an authorization code) for
    /// `authorizer_appid` instead of the spec example's merchant: this access token and
    /// refresh token, `expires_in` seconds, permission set 26 (invoices). Several calls queue
    /// up in order, one per code exchanged.
    pub fn answer_next_authorization(
        &self,
        authorizer_appid: &str,
        access_token: &str,
        refresh_token: &str,
        expires_in: u64,
    ) {
        self.respond_once(
            "api_query_auth",
            crate::Reply::Json(serde_json::json!({
                "errcode": 0,
                "errmsg": "ok",
                "authorization_info": {
                    "authorizer_appid": authorizer_appid,
                    "authorizer_access_token": access_token,
                    "expires_in": expires_in,
                    "authorizer_refresh_token": refresh_token,
                    "func_info": [{"funcscope_category": {"id": 26}}],
                },
            })),
        );
    }

    /// Sends `unauthorized` for `authorizer_appid`, as WeChat does when a merchant revokes
    /// the platform's authorization.
    pub async fn push_unauthorized(
        &self,
        target: &PushTarget,
        authorizer_appid: &str,
    ) -> Result<ComponentPushReport, PushFailure> {
        let event = ComponentEvent::Unauthorized(
            UnauthorizedEvent::builder()
                .envelope(component_envelope(target, "unauthorized"))
                .authorizer_appid(authorizer_appid)
                .build(),
        );
        push_component_event(target, event).await
    }
}

fn component_envelope(target: &PushTarget, info_type: &str) -> ComponentEnvelope {
    ComponentEnvelope {
        app_id: Some(target.component_appid.clone()),
        create_time: Some(now()),
        info_type: Some(info_type.to_string()),
    }
}

fn envelope(target: &PushTarget, event: &str) -> Envelope {
    Envelope {
        to_user_name: Some(target.to_user_name.clone()),
        from_user_name: Some("oMockUser_openid".to_string()),
        create_time: Some(now()),
        msg_type: Some("event".to_string()),
        event: Some(event.to_string()),
    }
}

/// A fresh nonce: digits, as WeChat sends.
fn nonce() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.subsec_nanos());
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "{}",
        u64::from(nanos).wrapping_mul(31).wrapping_add(count) % 10_000_000_000
    )
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// Sends `event` to `target` as WeChat would, with its retries.
pub async fn push_event(target: &PushTarget, event: Event) -> Result<PushReport, PushFailure> {
    let (attempts, answers) = send(target, &event.to_xml()).await?;
    Ok(PushReport {
        event,
        attempts,
        answers,
    })
}

/// Sends a third-party platform's push to `target` as WeChat would, with its retries.
pub async fn push_component_event(
    target: &PushTarget,
    event: ComponentEvent,
) -> Result<ComponentPushReport, PushFailure> {
    let (attempts, answers) = send(target, &event.to_xml()).await?;
    Ok(ComponentPushReport {
        event,
        attempts,
        answers,
    })
}

/// Sends `xml` until it is acknowledged, at most `target.attempts` times.
/// Returns each attempt's outcome and what it got back.
async fn send(
    target: &PushTarget,
    xml: &str,
) -> Result<(Vec<PushOutcome>, Vec<Option<PushAnswer>>), PushFailure> {
    let receiver = Receiver::new(target.config.clone()).map_err(PushFailure::Settings)?;
    let client = reqwest::Client::builder()
        .timeout(target.retry_wait)
        .build()
        .map_err(|err| PushFailure::Client(err.to_string()))?;
    let mut attempts = Vec::new();
    let mut answers = Vec::new();
    for _ in 0..target.attempts {
        // Each attempt is signed afresh, with its own timestamp and nonce, as WeChat does.
        let sealed = receiver
            .seal(xml, now(), &nonce())
            .map_err(PushFailure::Settings)?;
        let separator = if target.url.contains('?') { '&' } else { '?' };
        let url = format!("{}{separator}{}", target.url, sealed.query);
        let mut answer = None;
        let outcome = match client
            .post(&url)
            .header("content-type", "text/xml")
            .body(sealed.body)
            .send()
            .await
        {
            Ok(response) => {
                let status = response.status();
                let text = response.text().await;
                if let Ok(body) = &text {
                    answer = Some(PushAnswer {
                        status: status.as_u16(),
                        body: body.chars().take(MAX_ANSWER_CHARS).collect(),
                    });
                }
                match text {
                    Ok(body) if status.is_success() && matches!(body.trim(), "success" | "") => {
                        PushOutcome::Acknowledged
                    }
                    Ok(body) => PushOutcome::Refused {
                        status: status.as_u16(),
                        body: body.chars().take(200).collect(),
                    },
                    Err(err) if err.is_timeout() => PushOutcome::TimedOut,
                    Err(err) => PushOutcome::Failed(err.to_string()),
                }
            }
            Err(err) if err.is_timeout() => PushOutcome::TimedOut,
            Err(err) => PushOutcome::Failed(err.to_string()),
        };
        let done = outcome == PushOutcome::Acknowledged;
        attempts.push(outcome);
        answers.push(answer);
        if done {
            break;
        }
    }
    Ok((attempts, answers))
}
