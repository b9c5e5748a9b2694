//! An axum route for WeChat's server URL (cargo feature `axum`): answers the URL check,
//! verifies and decodes each push, hands the [`Event`] to your function and answers
//! `success`.
//!
//! ```no_run
//! use wechat_invoice::push::{PushConfig, Receiver};
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let receiver = Receiver::new(
//!     PushConfig::new("TOKEN")
//!         .encoding_aes_key("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
//!         .appid("wxb11529c136998cb6"),
//! )?;
//! let app = axum::Router::new().route(
//!     "/wechat",
//!     wechat_invoice::push::axum::route(receiver, |event: wechat_invoice::Event| async move {
//!         println!("{:?}", event.envelope().event);
//!         Ok::<(), std::convert::Infallible>(())
//!     }),
//! );
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app).await?;
//! # Ok(())
//! # }
//! ```

use std::fmt::Display;
use std::future::Future;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, RawQuery};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;

use super::{PushError, Receiver, SUCCESS};
use crate::Event;

/// A `GET` + `POST` route for WeChat's server URL.
///
/// `GET` (the URL check) answers `echostr` when `signature` matches. `POST` checks and
/// decodes the push, awaits `on_event`, and answers `success` when it returns `Ok`; an
/// `Err` answers 500, so WeChat sends the event again (deduplicate with
/// [`Deduplicator`](super::Deduplicator)). A refused request gets 401 (signature) or 400
/// (anything else) and the reason, which never holds a secret. Bodies above the receiver's
/// limit are not read.
pub fn route<S, F, Fut, E>(receiver: Receiver, on_event: F) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
    F: Fn(Event) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: Display + Send + 'static,
{
    let limit = receiver.max_body_bytes();
    let receiver = Arc::new(receiver);
    let checker = receiver.clone();
    axum::routing::get(move |RawQuery(query): RawQuery| {
        let checker = checker.clone();
        async move {
            match checker.verify_url(query.as_deref().unwrap_or_default()) {
                Ok(echostr) => echostr.into_response(),
                Err(err) => refuse(&err),
            }
        }
    })
    .post(move |RawQuery(query): RawQuery, body: Bytes| {
        let receiver = receiver.clone();
        let on_event = on_event.clone();
        async move {
            match receiver.receive(query.as_deref().unwrap_or_default(), &body) {
                Ok(event) => match on_event(event).await {
                    Ok(()) => SUCCESS.into_response(),
                    Err(err) => {
                        tracing::warn!(error = %err, "push handler failed; WeChat will send the event again");
                        StatusCode::INTERNAL_SERVER_ERROR.into_response()
                    }
                },
                Err(err) => refuse(&err),
            }
        }
    })
    .layer(DefaultBodyLimit::max(limit))
}

fn refuse(err: &PushError) -> Response {
    tracing::debug!(error = %err, "push refused");
    let status = match err {
        PushError::SignatureMismatch(_) => StatusCode::UNAUTHORIZED,
        _ => StatusCode::BAD_REQUEST,
    };
    (status, err.to_string()).into_response()
}
