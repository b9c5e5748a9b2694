//! The client: one HTTP connection pool, one token provider, one `send` for every endpoint.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Url;
use tracing::Instrument;

use crate::endpoint::{BodyKind, HttpMethod, Operation};
use crate::error::{ApiError, BuildError, Error};
use crate::redact::scrub_value;
use crate::token::{AccessToken, FixedToken, TokenProvider};
use crate::types::FormValue;

/// WeChat's API host.
pub const DEFAULT_BASE_URL: &str = "https://api.weixin.qq.com";
/// Default limit of a whole request, connect to last byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit of connection set-up.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default cap on a response body; invoice answers are a few kilobytes.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// A client of WeChat's invoice API. Cheap to clone; clones share connections and tokens.
///
/// Every endpoint of `spec/` is a method (`client.get_auth_data(&request)`); all of them go
/// through [`Client::send`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    tokens: Arc<dyn TokenProvider>,
    max_response_bytes: usize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("tokens", &self.inner.tokens)
            .field("max_response_bytes", &self.inner.max_response_bytes)
            .finish_non_exhaustive()
    }
}

/// Settings for a [`Client`].
#[must_use]
pub struct ClientBuilder {
    base_url: String,
    tokens: Option<Arc<dyn TokenProvider>>,
    timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: usize,
    allow_insecure_http: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("tokens", &self.tokens)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_string(),
            tokens: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
        }
    }
}

impl ClientBuilder {
    /// Where to send calls; default `https://api.weixin.qq.com`. Plain `http` is accepted for
    /// loopback addresses (tests, the mock server) or with [`Self::allow_insecure_http`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// A fixed access token; the caller refreshes it elsewhere.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.tokens = Some(Arc::new(FixedToken::new(AccessToken::new(token))));
        self
    }

    /// Any token provider.
    pub fn token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.tokens = Some(Arc::new(provider));
        self
    }

    /// Limit of a whole call, from connecting to the last byte of the answer.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limit of connection set-up.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Largest response body accepted; a longer one is [`Error::BodyTooLarge`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Allows plain `http` to non-loopback hosts (a trusted internal proxy, say).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let base_url = parse_base_url(&self.base_url, self.allow_insecure_http)?;
        let tokens = self.tokens.ok_or(BuildError::MissingCredentials)?;
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .build()
            .map_err(|err| BuildError::Http(crate::redact::scrub(&err.to_string())))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                tokens,
                max_response_bytes: self.max_response_bytes,
            }),
        })
    }
}

fn parse_base_url(text: &str, allow_insecure_http: bool) -> Result<Url, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBaseUrl {
        url: text.to_string(),
        reason: reason.to_string(),
    };
    let url = Url::parse(text).map_err(|err| invalid(&err.to_string()))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment"));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if allow_insecure_http || is_loopback(&url) => Ok(url),
        "http" => Err(BuildError::InsecureBaseUrl {
            url: text.to_string(),
        }),
        _ => Err(invalid("the scheme must be http or https")),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

impl Client {
    /// Starts a builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// Sends any endpoint's request; the generated methods call this.
    pub async fn send<O: Operation>(&self, request: &O) -> Result<O::Response, Error<O::Error>> {
        let endpoint = O::ENDPOINT;
        let span = tracing::debug_span!(
            "wechat_invoice.call",
            endpoint = endpoint.name,
            path = endpoint.path,
            attempt = 1u32,
            errcode = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        async move {
            let started = Instant::now();
            let outcome = self.attempt(request).await;
            let span = tracing::Span::current();
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            match &outcome {
                Ok(_) => {
                    span.record("errcode", 0);
                    tracing::debug!("call succeeded");
                }
                Err(Error::Api(err)) => {
                    span.record("errcode", err.code());
                    tracing::debug!(errcode = err.code(), "WeChat answered with an error");
                }
                Err(err) => tracing::debug!(error = %err, "call failed"),
            }
            outcome
        }
        .instrument(span)
        .await
    }

    async fn attempt<O: Operation>(&self, request: &O) -> Result<O::Response, Error<O::Error>> {
        let endpoint = O::ENDPOINT;
        let token = if endpoint.needs_token {
            let token = self
                .inner
                .tokens
                .token()
                .await
                .map_err(|source| Error::Token {
                    endpoint: endpoint.name,
                    source,
                })?;
            Some(token)
        } else {
            None
        };
        let secret = token.as_ref().map_or("", AccessToken::secret);
        let url = self.url::<O>(token.as_ref());
        let builder = match endpoint.method {
            HttpMethod::Get => self.inner.http.get(url),
            HttpMethod::Post => self.inner.http.post(url),
        };
        let builder = match endpoint.body {
            BodyKind::None => builder,
            BodyKind::Json => builder
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/json; charset=utf-8",
                )
                .body(request.to_json_body().map_err(|err| Error::Encode {
                    endpoint: endpoint.name,
                    detail: err.to_string(),
                })?),
            BodyKind::Multipart => {
                builder.multipart(multipart_body(request).map_err(|detail| Error::Encode {
                    endpoint: endpoint.name,
                    detail,
                })?)
            }
        };
        let response = builder
            .send()
            .await
            .map_err(|err| transport_error(endpoint.name, err, secret))?;
        let status = response.status().as_u16();
        let body = read_body(
            endpoint.name,
            response,
            self.inner.max_response_bytes,
            secret,
        )
        .await?;
        crate::wire::decode(endpoint.name, status, &body)
    }

    fn url<O: Operation>(&self, token: Option<&AccessToken>) -> Url {
        let endpoint = O::ENDPOINT;
        let mut url = self.inner.base_url.clone();
        {
            let base_path = url.path().trim_end_matches('/').to_string();
            url.set_path(&format!("{base_path}{}", endpoint.path));
        }
        if token.is_some() || !endpoint.query.is_empty() {
            let mut query = url.query_pairs_mut();
            if let Some(token) = token {
                query.append_pair("access_token", token.secret());
            }
            for (key, value) in endpoint.query {
                query.append_pair(key, value);
            }
        }
        url
    }
}

fn multipart_body<O: Operation>(request: &O) -> Result<reqwest::multipart::Form, String> {
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in request.form() {
        let part = match value {
            FormValue::Text(text) => reqwest::multipart::Part::text(text),
            FormValue::File(file) => reqwest::multipart::Part::bytes(file.bytes.clone())
                .file_name(file.file_name.clone())
                .mime_str(&file.content_type)
                .map_err(|_| {
                    format!("part `{name}`: `{}` is not a media type", file.content_type)
                })?,
        };
        form = form.part(name, part);
    }
    Ok(form)
}

async fn read_body<E>(
    endpoint: &'static str,
    mut response: reqwest::Response,
    limit: usize,
    secret: &str,
) -> Result<Vec<u8>, Error<E>> {
    let too_large = || Error::BodyTooLarge { endpoint, limit };
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|err| transport_error(endpoint, err, secret))?
    {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A reqwest error as our error, without the URL (it carries the token) or any secret.
fn transport_error<E>(endpoint: &'static str, err: reqwest::Error, secret: &str) -> Error<E> {
    if err.is_timeout() {
        return Error::Timeout { endpoint };
    }
    let err = err.without_url();
    let mut message = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Error::Transport {
        endpoint,
        message: scrub_value(&message, secret),
    }
}
