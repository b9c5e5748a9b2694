//! What the mock answers: the spec's examples, WeChat's errors for bad requests, and the
//! behaviours a test asked for.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use wechat_invoice_codegen::json_shape::scalar_fits;
use wechat_invoice_codegen::model::{Api, Endpoint, NamedType, Object, TypeRef};
use wechat_invoice_codegen::spec::{BodyKind, Method, TokenKind};

use crate::faults::{ActiveMix, FaultCounts, FaultMix, IdentityCounter, IdentitySummary};
use crate::http::{HttpAnswer, HttpRequest};
use crate::multipart::{self, FormPart};
use crate::tokens::{self, Refusal, TokenIssuer};

/// What to answer instead of the documented example.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The endpoint's first success example (the default).
    Example,
    /// An error code, with the errmsg the spec documents for it.
    Error(i64),
    /// Any JSON body with status 200.
    Json(Value),
    /// Any status, content type and body (an HTML 502 page, plain text…).
    Raw {
        /// HTTP status.
        status: u16,
        /// `Content-Type`.
        content_type: String,
        /// Body bytes.
        body: Vec<u8>,
    },
    /// The success example cut in half, sent as a complete HTTP response.
    TruncatedJson,
    /// The success example announced in full, half sent, then the connection closed.
    CutConnection,
    /// The connection closed without any answer.
    Reset,
}

/// A reply and how long to wait before sending it.
#[derive(Debug, Clone, PartialEq)]
pub struct Behavior {
    /// What to answer.
    pub reply: Reply,
    /// Wait before answering.
    pub delay: Duration,
}

impl Behavior {
    /// Answer `reply` at once.
    pub fn reply(reply: Reply) -> Self {
        Self {
            reply,
            delay: Duration::ZERO,
        }
    }

    /// Wait `delay` first.
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

impl From<Reply> for Behavior {
    fn from(reply: Reply) -> Self {
        Self::reply(reply)
    }
}

/// A request the mock received and routed to an endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// Spec name of the endpoint.
    pub endpoint: String,
    /// The raw request.
    pub request: HttpRequest,
    /// Multipart parts, for multipart endpoints.
    pub parts: Vec<FormPart>,
}

/// Everything the server knows and remembers.
pub(crate) struct State {
    pub api: Api,
    pub valid_tokens: Mutex<Option<Vec<String>>>,
    pub persistent: Mutex<HashMap<String, Behavior>>,
    pub queued: Mutex<HashMap<String, VecDeque<Behavior>>>,
    pub deliveries: Mutex<Vec<Delivery>>,
    /// Requests per endpoint, counted even when deliveries are not recorded.
    pub counts: Mutex<HashMap<String, usize>>,
    /// Whether each request is kept in `deliveries` (off for load tests).
    pub recording: AtomicBool,
    /// The token interfaces.
    pub issuer: TokenIssuer,
    /// Whether API calls must carry a token the issuer issued and that is still valid.
    pub require_issued: AtomicBool,
    /// Fault mixes by endpoint (or `*`).
    pub faults: Mutex<HashMap<String, ActiveMix>>,
    /// Deliveries per identity, for the endpoints that count them.
    pub identities: Mutex<HashMap<String, IdentityCounter>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl State {
    pub(crate) fn new(api: Api) -> Self {
        Self {
            api,
            valid_tokens: Mutex::new(None),
            persistent: Mutex::new(HashMap::new()),
            queued: Mutex::new(HashMap::new()),
            deliveries: Mutex::new(Vec::new()),
            counts: Mutex::new(HashMap::new()),
            recording: AtomicBool::new(true),
            issuer: TokenIssuer::default(),
            require_issued: AtomicBool::new(false),
            faults: Mutex::new(HashMap::new()),
            identities: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn set(&self, endpoint: &str, behavior: Behavior) {
        lock(&self.persistent).insert(endpoint.to_string(), behavior);
    }

    pub(crate) fn push(&self, endpoint: &str, behavior: Behavior) {
        lock(&self.queued)
            .entry(endpoint.to_string())
            .or_default()
            .push_back(behavior);
    }

    pub(crate) fn reset(&self) {
        lock(&self.persistent).clear();
        lock(&self.queued).clear();
        lock(&self.deliveries).clear();
        lock(&self.counts).clear();
        lock(&self.faults).clear();
        lock(&self.identities).clear();
    }

    pub(crate) fn set_faults(&self, endpoint: &str, mix: Option<FaultMix>) {
        let mut faults = lock(&self.faults);
        match mix {
            Some(mix) => faults.insert(endpoint.to_string(), ActiveMix::new(mix)),
            None => faults.remove(endpoint),
        };
    }

    pub(crate) fn fault_counts(&self, endpoint: &str) -> FaultCounts {
        lock(&self.faults)
            .get(endpoint)
            .map(ActiveMix::counts)
            .unwrap_or_default()
    }

    pub(crate) fn count_identities(&self, endpoint: &str, pointer: &str) {
        lock(&self.identities).insert(endpoint.to_string(), IdentityCounter::new(pointer));
    }

    pub(crate) fn identity_deliveries(&self, endpoint: &str, identity: &str) -> usize {
        lock(&self.identities)
            .get(endpoint)
            .map_or(0, |counter| counter.get(identity))
    }

    pub(crate) fn identity_summary(&self, endpoint: &str) -> IdentitySummary {
        lock(&self.identities)
            .get(endpoint)
            .map(IdentityCounter::summary)
            .unwrap_or_default()
    }

    pub(crate) fn count(&self, endpoint: &str) -> usize {
        lock(&self.counts).get(endpoint).copied().unwrap_or(0)
    }

    pub(crate) fn deliveries(&self) -> Vec<Delivery> {
        lock(&self.deliveries).clone()
    }

    pub(crate) fn set_valid_tokens(&self, tokens: Option<Vec<String>>) {
        *lock(&self.valid_tokens) = tokens;
    }

    /// The behaviour for the next call of `endpoint`: a queued one-shot, else a fault drawn
    /// from the endpoint's fault mix (or the one for `*`), else the persistent one for the
    /// endpoint, else the one for every endpoint (`*`), else the example.
    fn behavior(&self, endpoint: &str) -> Behavior {
        for key in [endpoint, "*"] {
            if let Some(next) = lock(&self.queued)
                .get_mut(key)
                .and_then(VecDeque::pop_front)
            {
                return next;
            }
        }
        {
            let mut faults = lock(&self.faults);
            if !faults.is_empty() {
                let mix = if faults.contains_key(endpoint) {
                    faults.get_mut(endpoint)
                } else {
                    faults.get_mut("*")
                };
                if let Some(fault) = mix.and_then(ActiveMix::draw) {
                    return fault;
                }
            }
        }
        let persistent = lock(&self.persistent);
        persistent
            .get(endpoint)
            .or_else(|| persistent.get("*"))
            .cloned()
            .unwrap_or_else(|| Behavior::reply(Reply::Example))
    }

    /// Answers one HTTP request.
    pub(crate) fn handle(&self, request: HttpRequest) -> (HttpAnswer, Duration) {
        if let Some(name) = tokens::route(&request) {
            let behavior = self.behavior(name);
            let answer = self.answer(&behavior.reply, || self.issuer.answer(name, &request));
            self.record(name, request, Vec::new());
            return (answer, behavior.delay);
        }
        let Some(endpoint) = self.route(&request) else {
            return (not_found(&request), Duration::ZERO);
        };
        let parts = match self.check_request(endpoint, &request) {
            Ok(parts) => parts,
            Err(code) => {
                self.record(&endpoint.name, request, Vec::new());
                return (json_answer(&self.error_body(code)), Duration::ZERO);
            }
        };
        // Counted only once the request passed WeChat's checks: a refused token or body is
        // acted on by neither, and its retry is not a second delivery of the operation.
        self.count_identity(&endpoint.name, &request.body);
        let example = example_for(endpoint, &request.body);
        self.record(&endpoint.name, request, parts);
        let behavior = self.behavior(&endpoint.name);
        let answer = self.answer(&behavior.reply, || example);
        (answer, behavior.delay)
    }

    fn count_identity(&self, endpoint: &str, body: &[u8]) {
        let mut identities = lock(&self.identities);
        if let Some(counter) = identities.get_mut(endpoint) {
            counter.count(body);
        }
    }

    fn record(&self, endpoint: &str, request: HttpRequest, parts: Vec<FormPart>) {
        *lock(&self.counts).entry(endpoint.to_string()).or_default() += 1;
        if !self.recording.load(Ordering::Relaxed) {
            return;
        }
        lock(&self.deliveries).push(Delivery {
            endpoint: endpoint.to_string(),
            request,
            parts,
        });
    }

    fn route(&self, request: &HttpRequest) -> Option<&Endpoint> {
        let method = match request.method.as_str() {
            "GET" => Method::Get,
            "POST" => Method::Post,
            _ => return None,
        };
        self.api.endpoints.iter().find(|endpoint| {
            endpoint.method == method
                && endpoint.path == request.path
                && endpoint
                    .query
                    .iter()
                    .all(|(key, value)| request.query_param(key) == Some(value.as_str()))
        })
    }

    /// Checks credentials and body as WeChat would; `Err(errcode)` when it would refuse.
    fn check_request(
        &self,
        endpoint: &Endpoint,
        request: &HttpRequest,
    ) -> Result<Vec<FormPart>, i64> {
        if let Some(parameter) = endpoint.token.query_parameter() {
            let token = request.query_param(parameter).unwrap_or_default();
            if token.is_empty() {
                return Err(41001);
            }
            if let Some(valid) = lock(&self.valid_tokens).as_ref()
                && !valid.iter().any(|t| t == token)
            {
                return Err(40001);
            }
            if self.require_issued.load(Ordering::Relaxed)
                && endpoint.token == TokenKind::AccessToken
            {
                match self.issuer.check(token) {
                    Ok(()) => {}
                    Err(Refusal::Invalid) => return Err(40001),
                    Err(Refusal::Expired) => return Err(42001),
                }
            }
        }
        match endpoint.body {
            BodyKind::None => Ok(Vec::new()),
            BodyKind::Json => {
                let body: Value = serde_json::from_slice(&request.body).map_err(|_| 47001)?;
                check_object(&self.api, &endpoint.request, &body, true).map_err(|_| 72031)?;
                Ok(Vec::new())
            }
            BodyKind::Multipart => {
                let boundary = request
                    .header("content-type")
                    .and_then(multipart::boundary)
                    .ok_or(47001)?;
                let parts = multipart::parse(&request.body, &boundary).ok_or(47001)?;
                for field in endpoint.request.visible_fields().filter(|f| f.required) {
                    let part = parts.iter().find(|p| p.name == field.wire_name);
                    let ok = match (&field.ty, part) {
                        (TypeRef::File, Some(part)) => {
                            part.file_name.is_some() && !part.bytes.is_empty()
                        }
                        (_, Some(_)) => true,
                        (_, None) => false,
                    };
                    if !ok {
                        return Err(47001);
                    }
                }
                Ok(parts)
            }
        }
    }

    /// The answer `reply` asks for; `success` makes the normal answer's JSON.
    fn answer(&self, reply: &Reply, success: impl FnOnce() -> Value) -> HttpAnswer {
        match reply {
            Reply::Example => json_answer(&success()),
            Reply::Error(code) => json_answer(&self.error_body(*code)),
            Reply::Json(value) => json_answer(value),
            Reply::Raw {
                status,
                content_type,
                body,
            } => HttpAnswer::Full {
                status: *status,
                content_type: content_type.clone(),
                body: body.clone(),
            },
            Reply::TruncatedJson => {
                let body = serde_json::to_vec(&success()).unwrap_or_default();
                HttpAnswer::Full {
                    status: 200,
                    content_type: "application/json; charset=utf-8".into(),
                    body: body[..body.len() / 2].to_vec(),
                }
            }
            Reply::CutConnection => HttpAnswer::CutShort {
                body: serde_json::to_vec(&success()).unwrap_or_default(),
            },
            Reply::Reset => HttpAnswer::Close,
        }
    }

    fn error_body(&self, code: i64) -> Value {
        let errmsg = self
            .api
            .errors
            .get(&code)
            .map_or("unknown error", |info| info.errmsg.as_str());
        json!({ "errcode": code, "errmsg": format!("{errmsg} rid: mock-{code}") })
    }
}

/// The success example whose request is exactly this body, else [`success_example`]: a test
/// picks a documented answer (a company title, a personal one) by sending its request.
pub fn example_for(endpoint: &Endpoint, body: &[u8]) -> Value {
    let sent: Option<Value> = serde_json::from_slice(body).ok();
    endpoint
        .examples
        .iter()
        .filter(|example| example.request.is_some() && example.request == sent)
        .map(|example| &example.response)
        .find(|response| is_success(response))
        .cloned()
        .unwrap_or_else(|| success_example(endpoint))
}

fn is_success(response: &Value) -> bool {
    response.get("errcode").and_then(Value::as_i64).unwrap_or(0) == 0
}

/// The endpoint's first example whose errcode is 0, or a bare success.
pub fn success_example(endpoint: &Endpoint) -> Value {
    endpoint
        .examples
        .iter()
        .map(|example| &example.response)
        .find(|response| is_success(response))
        .cloned()
        .unwrap_or_else(|| json!({ "errcode": 0, "errmsg": "ok" }))
}

fn json_answer(value: &Value) -> HttpAnswer {
    HttpAnswer::Full {
        status: 200,
        content_type: "application/json; charset=utf-8".into(),
        body: serde_json::to_vec(value).unwrap_or_default(),
    }
}

fn not_found(request: &HttpRequest) -> HttpAnswer {
    HttpAnswer::Full {
        status: 404,
        content_type: "text/html".into(),
        body: format!(
            "<html><body>404 no mock endpoint for {} {}</body></html>",
            request.method, request.path
        )
        .into_bytes(),
    }
}

/// Checks a JSON value against an object's fields; `Err` names the first problem.
pub fn check_object(api: &Api, object: &Object, value: &Value, top: bool) -> Result<(), String> {
    let map = value
        .as_object()
        .ok_or_else(|| format!("`{}` must be an object", object.name))?;
    for field in &object.fields {
        let present = map
            .get(&field.wire_name)
            .or_else(|| field.aliases.iter().find_map(|alias| map.get(alias)));
        match (present, &field.constant) {
            (Some(found), Some(constant)) if found != constant => {
                return Err(format!("`{}` must be {constant}", field.wire_name));
            }
            (None, Some(_)) if top => return Err(format!("`{}` is missing", field.wire_name)),
            (Some(found), None) => check_value(api, &field.ty, found)
                .map_err(|problem| format!("`{}`: {problem}", field.wire_name))?,
            (None, None) if field.required => {
                return Err(format!("`{}` is missing", field.wire_name));
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_value(api: &Api, ty: &TypeRef, value: &Value) -> Result<(), String> {
    let ok = match ty {
        TypeRef::Array(item) => {
            let items = value.as_array().ok_or("expected an array")?;
            for item_value in items {
                check_value(api, item, item_value)?;
            }
            true
        }
        TypeRef::Named(name) => match api.types.get(name) {
            Some(NamedType::Object(object)) => {
                check_object(api, object, value, false)?;
                true
            }
            Some(NamedType::Enum(enumeration)) if enumeration.integer => value.is_i64(),
            Some(NamedType::Enum(_)) => value.is_string(),
            None => true,
        },
        scalar => scalar_fits(scalar, value).unwrap_or(true),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("unexpected {value}"))
    }
}
