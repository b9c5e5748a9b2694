//! The transport interface between the server and the routes: a request as the routes see it,
//! the answer they choose (including the ways an answer goes wrong), and their conversions to
//! and from hyper's types. The server itself is in `server.rs`.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame};
use hyper::header::{CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};

/// A request as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// Decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The first value of a header (name in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The first value of a query parameter.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The request from hyper's head and the collected body.
    pub(crate) fn from_parts(parts: &hyper::http::request::Parts, body: Bytes) -> Self {
        let headers = parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        Self {
            method: parts.method.as_str().to_string(),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().map(parse_query).unwrap_or_default(),
            headers,
            body: body.to_vec(),
        }
    }
}

/// How the server answers one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpAnswer {
    /// A complete response. A status outside 100–999, which HTTP cannot carry, is sent as 500.
    Full {
        /// Status code.
        status: u16,
        /// `Content-Type`.
        content_type: String,
        /// Body.
        body: Vec<u8>,
    },
    /// Announces the whole body's length, sends half of it and closes the connection.
    CutShort {
        /// The body that is announced and half sent.
        body: Vec<u8>,
    },
    /// Closes the connection without answering.
    Close,
}

/// What the server calls for each request: the answer and a delay before sending it.
pub type Handler = Arc<dyn Fn(HttpRequest) -> (HttpAnswer, Duration) + Send + Sync>;

/// The answer asked the server to close the connection without a response; returned to hyper
/// as the service's error, which makes it drop the connection without writing anything.
#[derive(Debug)]
pub(crate) struct CloseWithoutAnswer;

impl std::fmt::Display for CloseWithoutAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the mock was told to close the connection without an answer")
    }
}

impl std::error::Error for CloseWithoutAnswer {}

/// The body of an answer: complete, or half of an announced body and then an error, which
/// makes hyper close the connection mid-body.
pub(crate) enum AnswerBody {
    /// The whole body (taken when sent).
    Full(Option<Bytes>),
    /// Half of the body, then a pause that lets hyper flush it, then the cut.
    Cut {
        /// The half still to send.
        half: Option<Bytes>,
        /// Whether the pause after the half is over.
        paused: bool,
    },
}

impl Body for AnswerBody {
    type Data = Bytes;
    type Error = CloseWithoutAnswer;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match self.get_mut() {
            Self::Full(bytes) => Poll::Ready(bytes.take().map(|bytes| Ok(Frame::data(bytes)))),
            Self::Cut { half, paused } => {
                if let Some(bytes) = half.take() {
                    return Poll::Ready(Some(Ok(Frame::data(bytes))));
                }
                if !*paused {
                    // One pending turn: hyper flushes what it buffered before polling again.
                    *paused = true;
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                Poll::Ready(Some(Err(CloseWithoutAnswer)))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Self::Full(None))
    }

    fn size_hint(&self) -> http_body::SizeHint {
        match self {
            Self::Full(bytes) => {
                http_body::SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            Self::Cut { .. } => http_body::SizeHint::default(),
        }
    }
}

impl HttpAnswer {
    /// The hyper response for this answer; `Err` when the connection is to be closed without
    /// one. `close` adds `Connection: close`.
    pub(crate) fn into_response(
        self,
        close: bool,
    ) -> Result<Response<AnswerBody>, CloseWithoutAnswer> {
        let mut response = match self {
            Self::Full {
                status,
                content_type,
                body,
            } => {
                let mut response = Response::new(AnswerBody::Full(Some(Bytes::from(body))));
                *response.status_mut() =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                if let Ok(value) = HeaderValue::from_str(&content_type) {
                    response.headers_mut().insert(CONTENT_TYPE, value);
                }
                response
            }
            Self::CutShort { body } => {
                let announced = body.len();
                let mut body = Bytes::from(body);
                body.truncate(announced / 2);
                let mut response = Response::new(AnswerBody::Cut {
                    half: Some(body),
                    paused: false,
                });
                let headers = response.headers_mut();
                headers.insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/json; charset=utf-8"),
                );
                headers.insert(CONTENT_LENGTH, HeaderValue::from(announced));
                response
            }
            Self::Close => return Err(CloseWithoutAnswer),
        };
        if close {
            response
                .headers_mut()
                .insert(CONNECTION, HeaderValue::from_static("close"));
        }
        Ok(response)
    }

    /// A plain-text answer the server gives on its own (a body too large, too slow…).
    pub(crate) fn plain(status: u16, text: &str) -> Self {
        Self::Full {
            status,
            content_type: "text/plain; charset=utf-8".into(),
            body: text.as_bytes().to_vec(),
        }
    }
}

/// Splits and percent-decodes `a=1&b=x%20y`.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'%' && index + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap_or("");
            if let Ok(value) = u8::from_str_radix(hex, 16) {
                out.push(value);
                index += 3;
                continue;
            }
        }
        out.push(if byte == b'+' { b' ' } else { byte });
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_is_decoded() {
        assert_eq!(
            parse_query("access_token=a%2Bb&action=set_pay_mch&x"),
            vec![
                ("access_token".to_string(), "a+b".to_string()),
                ("action".to_string(), "set_pay_mch".to_string()),
                ("x".to_string(), String::new()),
            ]
        );
    }

    #[test]
    fn a_status_http_cannot_carry_is_sent_as_500() {
        let answer = HttpAnswer::Full {
            status: 42,
            content_type: "text/plain".into(),
            body: Vec::new(),
        };
        let response = answer.into_response(false).expect("a response");
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
